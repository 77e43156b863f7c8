"""Read built outputs back the way a user would see them (tests only)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree
from pypdf import PdfReader

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}


def docx_part(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read(name))


def docx_parts(path: Path, prefix: str) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        return [n for n in zf.namelist() if n.startswith(prefix)]


def paragraphs(path: Path, part: str = "word/document.xml") -> list[tuple[str, str]]:
    """(style id, text) of every paragraph, text including tracked insertions."""
    root = docx_part(path, part)
    out = []
    for p in root.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        text = "".join(t.text or "" for t in p.iter(f"{W}t"))
        out.append((style.get(f"{W}val") if style is not None else "", text))
    return out


def docx_text(path: Path, part: str = "word/document.xml") -> str:
    return "\n".join(text for _style, text in paragraphs(path, part))


def pdf_text(path: Path) -> str:
    reader = PdfReader(path)
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return text.replace("\xa0", " ")


def pdf_xmp(path: Path) -> str:
    reader = PdfReader(path)
    metadata = reader.trailer["/Root"]["/Metadata"].get_object()
    return metadata.get_data().decode("utf-8")


def xmp_value(xmp: str, name: str) -> str | None:
    match = re.search(rf"<{name}>([^<]*)</{name}>", xmp) or re.search(rf'{name}="([^"]*)"', xmp)
    return match.group(1) if match else None


def _unwrap(element: etree._Element) -> None:
    parent = element.getparent()
    index = parent.index(element)
    for child in list(element):
        parent.insert(index, child)
        index += 1
    parent.remove(element)


def resolve_changes(root: etree._Element, accept: bool) -> etree._Element:
    """What Word shows after 'accept all' (or 'reject all'), applied to document.xml:
    kept revisions unwrapped, dropped ones removed, marked paragraph marks merged into the
    next paragraph, marked table rows removed. Works on a copy."""
    import copy

    root = copy.deepcopy(root)
    keep, drop = (("ins", "moveTo"), ("del", "moveFrom")) if accept else \
        (("del", "moveFrom"), ("ins", "moveTo"))
    for row in list(root.iter(f"{W}tr")):
        if any(row.find(f"{W}trPr/{W}{tag}") is not None for tag in drop):
            row.getparent().remove(row)
    for p in list(root.iter(f"{W}p")):
        rpr = p.find(f"{W}pPr/{W}rPr")
        mark = rpr is not None and any(rpr.find(f"{W}{tag}") is not None for tag in drop)
        if mark:  # the paragraph mark goes: what is left joins the next paragraph
            following = p.getnext()
            while following is not None and following.tag != f"{W}p":
                following = following.getnext() if following.tag != f"{W}tbl" else None
            rest = [c for c in p if c.tag != f"{W}pPr"]
            if following is not None:
                ppr = following.find(f"{W}pPr")
                at = 1 if ppr is not None else 0
                for child in rest:
                    following.insert(at, child)
                    at += 1
                p.getparent().remove(p)
    for tag in drop:
        for element in list(root.iter(f"{W}{tag}")):
            if element.getparent() is not None:
                element.getparent().remove(element)
    for tag in keep:
        for element in list(root.iter(f"{W}{tag}")):
            if len(element):
                _unwrap(element)
            else:  # a mark on a paragraph or row
                element.getparent().remove(element)
    for text in root.iter(f"{W}delText"):
        text.tag = f"{W}t"
    for tag in ("moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd"):
        for element in list(root.iter(f"{W}{tag}")):
            element.getparent().remove(element)
    return root


TOC_STYLES = ("TOC1", "TOC2", "TOCHeading")


def body_texts(root: etree._Element) -> list[str]:
    """The text of every non-empty body paragraph (tabs as tabs), table of contents left out:
    Word rebuilds that field anyway."""
    out = []
    for p in root.find(f"{W}body").iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        if style is not None and style.get(f"{W}val") in TOC_STYLES:
            continue
        text = "".join(("\t" if node.tag == f"{W}tab" else node.text or "")
                       for node in p.iter(f"{W}t", f"{W}delText", f"{W}tab"))
        if text.strip():
            out.append(text)
    return out
