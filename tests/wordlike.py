"""Edit a reviewer copy the way Word writes comments and tracked changes (tests and bench)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
COMMENTS_TYPE = ('<Override PartName="/word/comments.xml" ContentType="application/'
                 'vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/>')


class Review:
    """A reviewer copy opened for edits: body paragraphs, comments, insertions, deletions."""

    def __init__(self, draft: Path) -> None:
        with zipfile.ZipFile(draft) as zf:
            self.parts = {name: zf.read(name) for name in zf.namelist()}
        self.root = etree.fromstring(self.parts["word/document.xml"])
        self.body = [p for p in self.root.iter(f"{W}p") if p.find(f"{W}pPr/{W}pStyle") is not None
                     and p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") in ("BodyText", "FirstParagraph")]
        self.comments = etree.Element(f"{W}comments", nsmap={"w": W[1:-1]})

    def comment(self, p: Any, ident: str, author: dict[str, str], text: str) -> None:
        c = etree.SubElement(self.comments, f"{W}comment", {f"{W}id": ident, **author})
        etree.SubElement(etree.SubElement(etree.SubElement(c, f"{W}p"), f"{W}r"), f"{W}t").text = text
        p.append(etree.Element(f"{W}commentRangeStart", {f"{W}id": ident}))
        p.append(etree.Element(f"{W}commentRangeEnd", {f"{W}id": ident}))
        etree.SubElement(etree.SubElement(p, f"{W}r"), f"{W}commentReference", {f"{W}id": ident})

    def change(self, p: Any, kind: str, ident: str, author: dict[str, str], text: str) -> None:
        tag, text_tag = ("ins", "t") if kind == "insertion" else ("del", "delText")
        rev = etree.SubElement(p, f"{W}{tag}", {f"{W}id": ident, **author})
        etree.SubElement(etree.SubElement(rev, f"{W}r"), f"{W}{text_tag}").text = text

    def save(self, out: Path) -> None:
        parts = dict(self.parts)
        parts["word/document.xml"] = etree.tostring(self.root, xml_declaration=True, encoding="UTF-8")
        parts["word/comments.xml"] = etree.tostring(self.comments, xml_declaration=True,
                                                    encoding="UTF-8")
        types = parts["[Content_Types].xml"].decode()
        if "/word/comments.xml" not in types:
            parts["[Content_Types].xml"] = types.replace("</Types>", COMMENTS_TYPE + "</Types>").encode()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in parts.items():
                zf.writestr(name, data)
