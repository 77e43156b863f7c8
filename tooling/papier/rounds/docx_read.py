"""Read a reviewer's DOCX the way Word wrote it: comments with ranges, threads and resolved
state, tracked insertions, deletions, replacements and moves, whole-paragraph changes,
and the block bookmark each one sits in. pandoc's and python-docx's readers lose most of this.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from papier.ooxml.package import open_package, parse

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
REVISIONS = {"ins": "ins", "del": "del", "moveFrom": "moveFrom", "moveTo": "moveTo"}
CONTEXT = 40  # characters of unchanged text kept before and after a change


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _local(el: etree._Element | None) -> str:
    if el is None:
        return ""
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _date(value: str | None) -> str | None:
    """ISO date as written; LibreOffice's placeholder 0-00-00T00:00:00Z means 'no date'."""
    if not value or value.startswith("0-00-00") or value.startswith("0000-"):
        return None
    return value


@dataclass
class Revision:
    kind: str  # ins, del, moveFrom, moveTo
    author: str
    date: str | None
    docx_id: str


@dataclass
class Segment:
    text: str
    rev: Revision | None


@dataclass
class Paragraph:
    index: int
    block: str | None
    segments: list[Segment] = field(default_factory=list)
    mark: Revision | None = None

    @property
    def original(self) -> str:
        """The text as sent: without insertions."""
        return "".join(s.text for s in self.segments
                       if s.rev is None or s.rev.kind in ("del", "moveFrom"))

    @property
    def current(self) -> str:
        return "".join(s.text for s in self.segments
                       if s.rev is None or s.rev.kind in ("ins", "moveTo"))


@dataclass
class Found:
    """One comment or suggestion as read from the file, before anchoring."""

    kind: str  # comment, insertion, deletion, replacement, move
    author: str
    date: str | None
    text: str
    paragraph: int | None  # index into Reading.paragraphs; None: no place in the text
    docx_id: str
    deleted: str = ""
    quote: str = ""
    before: str = ""
    after: str = ""
    initials: str = ""
    resolved: bool = False
    replies: list[dict[str, Any]] = field(default_factory=list)
    whole_paragraph: bool = False
    to_paragraph: int | None = None  # for moves


@dataclass
class Reading:
    paragraphs: list[Paragraph]
    found: list[Found]
    properties: dict[str, str]


class _Walker:
    def __init__(self) -> None:
        self.paragraphs: list[Paragraph] = []
        self.bookmarks: dict[str, str] = {}  # open bookmark id -> name, in opening order
        self.opened_here: list[str] = []
        self.revisions: list[Revision] = []
        self.current: Paragraph | None = None
        self.open_comments: dict[str, list[str]] = {}
        self.comment_start: dict[str, int] = {}
        self.comment_quote: dict[str, str] = {}
        self.comment_ref: dict[str, int] = {}
        self.pending_starts: list[str] = []

    def _innermost_block(self) -> str | None:
        names = [n for n in self.bookmarks.values() if n.startswith("blk-")]
        return names[-1] if names else None

    def walk(self, el: etree._Element) -> None:
        name = _local(el)
        if name == "p":
            self.paragraph(el)
            return
        if name in REVISIONS and el.getparent() is not None and _local(el.getparent()) != "rPr":
            self.revisions.append(Revision(REVISIONS[name], el.get(_w("author"), ""),
                                           _date(el.get(_w("date"))), el.get(_w("id"), "")))
            for child in el:
                self.walk(child)
            self.revisions.pop()
            return
        if name == "bookmarkStart":
            self.bookmarks[el.get(_w("id"), "")] = el.get(_w("name"), "")
            if self.current is not None:
                self.opened_here.append(el.get(_w("name"), ""))
        elif name == "bookmarkEnd":
            self.bookmarks.pop(el.get(_w("id"), ""), None)
        elif name == "commentRangeStart":
            ident = el.get(_w("id"), "")
            self.open_comments[ident] = []
            if self.current is not None:
                self.comment_start[ident] = self.current.index
            else:
                self.pending_starts.append(ident)
        elif name == "commentRangeEnd":
            ident = el.get(_w("id"), "")
            self.comment_quote[ident] = "".join(self.open_comments.pop(ident, []))
        elif name == "commentReference":
            if self.current is not None:
                self.comment_ref[el.get(_w("id"), "")] = self.current.index
        elif name in ("t", "delText"):
            self.text(el.text or "")
        elif name in ("tab", "br", "cr"):
            if _local(el.getparent()) == "r":
                self.text(" ")
        elif name == "noBreakHyphen":
            self.text("-")
        elif name in ("rPr", "pPr", "instrText", "delInstrText", "sectPr", "tblPr", "trPr", "tcPr"):
            return
        for child in el:
            self.walk(child)

    def text(self, value: str) -> None:
        if self.current is None or not value:
            return
        rev = self.revisions[-1] if self.revisions else None
        self.current.segments.append(Segment(value, rev))
        if rev is None or rev.kind in ("ins", "moveTo"):
            for parts in self.open_comments.values():
                parts.append(value)

    def paragraph(self, el: etree._Element) -> None:
        para = Paragraph(len(self.paragraphs), self._innermost_block())
        mark = el.find(f"{_w('pPr')}/{_w('rPr')}")
        if mark is not None:
            for child in mark:
                kind = REVISIONS.get(_local(child))
                if kind in ("ins", "del"):
                    para.mark = Revision(kind, child.get(_w("author"), ""),
                                         _date(child.get(_w("date"))), child.get(_w("id"), ""))
        for ident in self.pending_starts:
            self.comment_start[ident] = para.index
        self.pending_starts = []
        outer, self.current, self.opened_here = self.current, para, []
        self.paragraphs.append(para)
        for child in el:
            self.walk(child)
        inner = [n for n in self.opened_here if n.startswith("blk-")]
        if inner:
            para.block = inner[-1]
        self.current = outer
        for parts in self.open_comments.values():
            parts.append("\n")


def _comment_text(comment: etree._Element) -> tuple[str, str]:
    """Text of a comment (paragraphs joined by newlines) and the paraId of its last paragraph."""
    texts, para_id = [], ""
    for p in comment.iter(_w("p")):
        texts.append("".join(t.text or "" for t in p.iter(_w("t"))))
        para_id = p.get(f"{{{W14}}}paraId", para_id)
    return "\n".join(texts).strip("\n"), para_id


def _properties(parts: dict[str, bytes], shown: str) -> dict[str, str]:
    root = parse(parts, "docProps/custom.xml", shown)
    if root is None:
        return {}
    out = {}
    for prop in root.iter(f"{{{CUSTOM}}}property"):
        value = next(iter(prop), None)
        out[prop.get("name", "")] = (value.text or "") if value is not None else ""
    return out


def _changes(paragraphs: list[Paragraph]) -> list[Found]:
    found: list[Found] = []
    for para in paragraphs:
        content = [s for s in para.segments if s.text.strip()]
        if para.mark and content and all(s.rev and s.rev.kind == para.mark.kind for s in content):
            rev = para.mark
            text = para.current if rev.kind == "ins" else para.original
            found.append(Found("insertion" if rev.kind == "ins" else "deletion", rev.author,
                               rev.date, text if rev.kind == "ins" else "", para.index, rev.docx_id,
                               deleted=text if rev.kind == "del" else "", whole_paragraph=True))
            continue
        groups: list[tuple[Revision, str, int]] = []  # revision, text, offset in original
        offset = 0
        for seg in para.segments:
            if seg.rev is not None:
                last = groups[-1] if groups else None
                if last and last[0] is seg.rev:  # runs of one w:ins/w:del element
                    groups[-1] = (last[0], last[1] + seg.text, last[2])
                else:
                    groups.append((seg.rev, seg.text, offset))
            if seg.rev is None or seg.rev.kind in ("del", "moveFrom"):
                offset += len(seg.text)
        original = para.original
        i = 0
        while i < len(groups):
            rev, text, at = groups[i]
            nxt = groups[i + 1] if i + 1 < len(groups) else None
            end = at + (len(text) if rev.kind in ("del", "moveFrom") else 0)
            before, after = original[max(0, at - CONTEXT):at], original[end:end + CONTEXT]
            if rev.kind == "del" and nxt and nxt[0].kind == "ins" and nxt[0].author == rev.author \
                    and nxt[2] == end:
                found.append(Found("replacement", rev.author, rev.date, nxt[1], para.index,
                                   rev.docx_id, deleted=text, before=before, after=after))
                i += 2
                continue
            if rev.kind == "ins" and nxt and nxt[0].kind == "del" and nxt[0].author == rev.author \
                    and nxt[2] == at:
                dend = at + len(nxt[1])
                found.append(Found("replacement", rev.author, rev.date, text, para.index,
                                   rev.docx_id, deleted=nxt[1], before=before,
                                   after=original[dend:dend + CONTEXT]))
                i += 2
                continue
            kind = {"ins": "insertion", "del": "deletion", "moveFrom": "moveFrom",
                    "moveTo": "moveTo"}[rev.kind]
            found.append(Found(kind, rev.author, rev.date,
                               text if rev.kind in ("ins", "moveTo") else "", para.index,
                               rev.docx_id, deleted=text if rev.kind in ("del", "moveFrom") else "",
                               before=before, after=after))
            i += 1
    return _pair_moves(found)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _pair_moves(found: list[Found]) -> list[Found]:
    """moveFrom + moveTo with the same text and author are one move; leftovers stay edits."""
    out: list[Found] = []
    targets = [f for f in found if f.kind == "moveTo"]
    for item in found:
        if item.kind == "moveTo":
            continue
        if item.kind == "moveFrom":
            match = next((t for t in targets if t.author == item.author
                          and _norm(t.text) == _norm(item.deleted)), None)
            if match is not None:
                targets.remove(match)
                item.kind, item.text, item.to_paragraph = "move", match.text, match.paragraph
            else:
                item.kind = "deletion"
        out.append(item)
    for rest in targets:
        rest.kind = "insertion"
        out.append(rest)
    out.sort(key=lambda f: (f.paragraph if f.paragraph is not None else 10**9))
    return out


def read_docx(path: Path) -> Reading:
    """Everything a reviewer left in *path*, in document order."""
    shown = str(path)
    parts = open_package(path)
    document = parse(parts, "word/document.xml", shown)
    assert document is not None
    walker = _Walker()
    body = document.find(_w("body"))
    if body is not None:
        walker.walk(body)
    found = _changes(walker.paragraphs)

    comments_root = parse(parts, "word/comments.xml", shown)
    extended = parse(parts, "word/commentsExtended.xml", shown)
    done: dict[str, bool] = {}
    parent: dict[str, str] = {}
    if extended is not None:
        for ex in extended.iter(f"{{{W15}}}commentEx"):
            pid = ex.get(f"{{{W15}}}paraId", "")
            done[pid] = ex.get(f"{{{W15}}}done", "0") in ("1", "true")
            if ex.get(f"{{{W15}}}paraIdParent"):
                parent[pid] = ex.get(f"{{{W15}}}paraIdParent", "")
    comments: list[tuple[Found, str]] = []
    by_para_id: dict[str, Found] = {}
    if comments_root is not None:
        for comment in comments_root.iter(_w("comment")):
            ident = comment.get(_w("id"), "")
            text, para_id = _comment_text(comment)
            para = walker.comment_start.get(ident, walker.comment_ref.get(ident))
            item = Found("comment", comment.get(_w("author"), ""), _date(comment.get(_w("date"))),
                         text, para, ident, quote=_norm(walker.comment_quote.get(ident, "")),
                         initials=comment.get(_w("initials"), ""), resolved=done.get(para_id, False))
            comments.append((item, para_id))
            if para_id:
                by_para_id[para_id] = item
    roots: list[Found] = []
    for item, para_id in comments:
        root_id = parent.get(para_id)
        root = by_para_id.get(root_id) if root_id else None
        seen = set()
        while root is not None and root_id in parent and root_id not in seen:  # reply to a reply
            seen.add(root_id)
            root_id = parent[root_id]
            root = by_para_id.get(root_id, root)
        if root is not None and root is not item:
            root.replies.append({"author": item.author, "date": item.date, "text": item.text})
        else:
            roots.append(item)
    everything = roots + found
    everything.sort(key=lambda f: (f.paragraph if f.paragraph is not None else 10**9,
                                   0 if f.kind == "comment" else 1))
    return Reading(walker.paragraphs, everything, _properties(parts, shown))
