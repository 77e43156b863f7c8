"""Edit a reviewer copy the way Word writes comments and tracked changes (tests and bench)."""

from __future__ import annotations

import copy
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
W15 = "{http://schemas.microsoft.com/office/word/2012/wordml}"
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
        self.comments = etree.Element(f"{W}comments", nsmap={"w": W[1:-1], "w14": W14[1:-1]})
        self.extended: list[dict[str, str]] = []

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


# ---------------------------------------------------------------- edits in mid-paragraph
def _split_out(p: Any, phrase: str) -> Any:
    """The run holding exactly *phrase* of paragraph *p* (the run it was in split in three)."""
    for run in p.iter(f"{W}r"):
        t = run.find(f"{W}t")
        if t is None or phrase not in (t.text or ""):
            continue
        before, _, after = (t.text or "").partition(phrase)
        made = []
        for text in (before, phrase, after):
            new = etree.Element(f"{W}r")
            rpr = run.find(f"{W}rPr")
            if rpr is not None:
                new.append(copy.deepcopy(rpr))
            nt = etree.SubElement(new, f"{W}t")
            nt.text = text
            nt.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            made.append(new)
        for new in made:
            run.addprevious(new)
        run.getparent().remove(run)
        for new, text in zip(made, (before, phrase, after), strict=True):
            if not text:
                new.getparent().remove(new)
        return made[1]
    raise AssertionError(f"{phrase!r} not in one run of the paragraph")


def paragraph_with(review: Review, phrase: str) -> Any:
    hits = [p for p in review.root.iter(f"{W}p") if phrase in "".join(t.text or "" for t in p.iter(f"{W}t"))]
    assert len(hits) == 1, (phrase, len(hits))
    return hits[0]


def replace(review: Review, phrase: str, new: str, ident: int, author: dict[str, str],
            within: str = "") -> None:
    """A tracked replacement of *phrase* (a deletion when *new* is empty) in the paragraph
    holding *within* (default: *phrase*), as Word writes it."""
    run = _split_out(paragraph_with(review, within or phrase), phrase)
    wrapper = etree.Element(f"{W}del", {f"{W}id": str(ident), **author})
    run.addprevious(wrapper)
    wrapper.append(run)
    run.find(f"{W}t").tag = f"{W}delText"
    if new:
        ins = etree.Element(f"{W}ins", {f"{W}id": str(ident + 1), **author})
        r = etree.SubElement(ins, f"{W}r")
        t = etree.SubElement(r, f"{W}t")
        t.text = new
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        wrapper.addnext(ins)


def insert_after(review: Review, phrase: str, new: str, ident: int, author: dict[str, str]) -> None:
    run = _split_out(paragraph_with(review, phrase), phrase)
    ins = etree.Element(f"{W}ins", {f"{W}id": str(ident), **author})
    r = etree.SubElement(ins, f"{W}r")
    t = etree.SubElement(r, f"{W}t")
    t.text = new
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run.addnext(ins)


def comment_on(review: Review, phrase: str, ident: int, author: dict[str, str], text: str,
               replies: tuple[tuple[dict[str, str], str], ...] = (), done: bool = False) -> None:
    """A comment on *phrase* with threaded replies (commentsExtended), as Word writes it."""
    run = _split_out(paragraph_with(review, phrase), phrase)
    ids = [ident + k for k in range(len(replies) + 1)]
    parent = ""
    for k, (who, words) in enumerate(((author, text), *replies)):
        c = etree.SubElement(review.comments, f"{W}comment", {f"{W}id": str(ids[k]), **who})
        p = etree.SubElement(c, f"{W}p")
        pid = f"{0x10000000 + ids[k] * 17:08X}"
        p.set(f"{W14}paraId", pid)
        etree.SubElement(etree.SubElement(p, f"{W}r"), f"{W}t").text = words
        attrs = {f"{W15}paraId": pid, f"{W15}done": "1" if done and k == 0 else "0"}
        if parent:
            attrs[f"{W15}paraIdParent"] = parent
        review.extended.append(attrs)
        parent = parent or pid
        run.addprevious(etree.Element(f"{W}commentRangeStart", {f"{W}id": str(ids[k])}))
        end = etree.Element(f"{W}commentRangeEnd", {f"{W}id": str(ids[k])})
        run.addnext(end)
        ref = etree.Element(f"{W}r")
        etree.SubElement(ref, f"{W}commentReference", {f"{W}id": str(ids[k])})
        end.addnext(ref)


EXTENDED_TYPE = ('<Override PartName="/word/commentsExtended.xml" ContentType="application/vnd.'
                 'openxmlformats-officedocument.wordprocessingml.commentsExtended+xml"/>')
EXTENDED_REL = ('<Relationship Id="rIdExt" Type="http://schemas.microsoft.com/office/2011/'
                'relationships/commentsExtended" Target="commentsExtended.xml"/>')


def save_extended(review: Review, out: Path) -> None:
    """Review.save plus word/commentsExtended.xml for the threads and resolved flags."""
    review.save(out)
    if not review.extended:
        return
    with zipfile.ZipFile(out) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    ex = etree.Element(f"{W15}commentsEx", nsmap={"w15": W15[1:-1]})
    for attrs in review.extended:
        etree.SubElement(ex, f"{W15}commentEx", attrs)
    parts["word/commentsExtended.xml"] = etree.tostring(ex, xml_declaration=True, encoding="UTF-8")
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace("</Types>", EXTENDED_TYPE + "</Types>").encode()
    rels = parts["word/_rels/document.xml.rels"].decode()
    parts["word/_rels/document.xml.rels"] = rels.replace("</Relationships>", EXTENDED_REL
                                                         + "</Relationships>").encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


# ---------------------------------------------------------------- the team deciding in Word

def _resolve(root: Any, element: Any, keep: bool) -> None:
    """Accept (keep=True for w:ins) or reject one revision the way Word does."""
    parent = element.getparent()
    if parent.tag == f"{W}rPr" and parent.getparent().tag == f"{W}pPr":  # a paragraph mark
        p = parent.getparent().getparent()
        parent.remove(element)
        if not keep:  # the mark goes: the paragraph joins the next one
            following = p.getnext()
            while following is not None and following.tag != f"{W}p":
                following = following.getnext()
            if following is not None:
                at = 1 if following.find(f"{W}pPr") is not None else 0
                for child in [c for c in p if c.tag != f"{W}pPr"]:
                    following.insert(at, child)
                    at += 1
                p.getparent().remove(p)
        return
    if keep:
        for text in element.iter(f"{W}delText"):
            text.tag = f"{W}t"
        index = parent.index(element)
        for child in list(element):
            parent.insert(index, child)
            index += 1
    parent.remove(element)


def decide_in_word(src: Path, out: Path, accept: tuple[str, ...] = (), reject: tuple[str, ...] = (),
                   replies: dict[str, str] | None = None, team: str = "Redaktion Bundesforum") -> None:
    """What the editorial team does in Word: accept the changes of authors containing one of
    *accept*, reject those of *reject*, reply under the comment containing each key of
    *replies*; then save as Word does: revision ids renumbered, rsids added, runs split."""
    with zipfile.ZipFile(src) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    for element in list(root.iter(f"{W}ins", f"{W}del")):
        author = element.get(f"{W}author", "")
        if any(a in author for a in accept):
            _resolve(root, element, keep=element.tag == f"{W}ins")
        elif any(a in author for a in reject):
            _resolve(root, element, keep=element.tag == f"{W}del")
    for n, element in enumerate(root.iter(f"{W}ins", f"{W}del")):
        element.set(f"{W}id", str(900 + 7 * n))  # Word renumbers on save
    for run in list(root.iter(f"{W}r")):  # and splits runs (rsids of editing sessions)
        texts = run.findall(f"{W}t")
        if len(texts) == 1 and len(texts[0].text or "") > 6:
            text = texts[0].text
            texts[0].text = text[:3]
            twin = copy.deepcopy(run)
            twin.find(f"{W}t").text = text[3:]
            twin.set(f"{W}rsidR", "00A1B2C3")
            run.addnext(twin)
    comments = etree.fromstring(parts["word/comments.xml"])
    ext = etree.fromstring(parts["word/commentsExtended.xml"])
    for k, (needle, answer) in enumerate((replies or {}).items()):
        parent = next(c for c in comments.iter(f"{W}comment")
                      if needle in "".join(t.text or "" for t in c.iter(f"{W}t")))
        pid = parent.findall(f"{W}p")[-1].get(f"{W14}paraId")
        ident = str(5000 + k)
        reply = etree.SubElement(comments, f"{W}comment", {f"{W}id": ident, f"{W}author": team,
                                                           f"{W}date": "2026-12-15T10:00:00Z",
                                                           f"{W}initials": "RB"})
        p = etree.SubElement(reply, f"{W}p", {f"{W14}paraId": f"{0x20000000 + k:08X}"})
        etree.SubElement(etree.SubElement(p, f"{W}r"), f"{W}t").text = answer
        etree.SubElement(ext, f"{W15}commentEx", {f"{W15}paraId": f"{0x20000000 + k:08X}",
                                                  f"{W15}paraIdParent": pid, f"{W15}done": "0"})
        ref = next(r for r in root.iter(f"{W}commentReference") if r.get(f"{W}id") == parent.get(f"{W}id"))
        run = etree.Element(f"{W}r")
        etree.SubElement(run, f"{W}commentReference", {f"{W}id": ident})
        ref.getparent().addnext(run)
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    parts["word/comments.xml"] = etree.tostring(comments, xml_declaration=True, encoding="UTF-8")
    parts["word/commentsExtended.xml"] = etree.tostring(ext, xml_declaration=True, encoding="UTF-8")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
