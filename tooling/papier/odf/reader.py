"""Read everything a reviewer left in an OpenDocument text (.odt, as LibreOffice saves it or
Word's "Save as ODT"): comments with ranges, replies and resolved state, tracked insertions
and deletions (with the deleted text and paragraph marks), format changes counted, in the
body, footnotes, endnotes, headers, footers and text frames.

The walk gives the same model as a DOCX (papier.ooxml.story: paragraphs of pieces, each
piece with the revisions it sits in), so that what a change means is decided in one place
(papier.ooxml.changes) for both formats, and the same review saved as .docx and as .odt
gives the same items. A deletion is written in ODF as one point in the text
(`text:change`) and its content aside (`text:changed-region/text:deletion`); the walker
puts that content back at its point, each deleted paragraph break as a deleted paragraph
mark."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from papier.odf.package import open_odt
from papier.ooxml.changes import Found, Story
from papier.ooxml.names import names_for
from papier.ooxml.package import UnreadableFile, parse
from papier.ooxml.reader import Reading, comment_at, reading_of, threads
from papier.ooxml.story import (
    COMMENT_SPECIAL,
    TRACKED,
    CommentPlace,
    Revision,
    State,
    StoryWalker,
    local,
)

OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
META = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
DC = "http://purl.org/dc/elements/1.1/"
LOEXT = "urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0"

BODY = "document.xml"  # the main text has the same part name as in a DOCX: it is the text
NOTE_PARTS = {"footnote": "footnotes.xml", "endnote": "endnotes.xml"}
COPY = re.compile(r" Copy \d+$")  # LibreOffice renames bookmarks inside deleted text
WHITESPACE = re.compile(r"[ \t\r\n]+")
# elements that hold no text of the document (declarations, index templates, forms)
SKIPPED = frozenset(f"{{{ns}}}{name}" for ns, name in (
    (TEXT, "tracked-changes"), (TEXT, "sequence-decls"), (TEXT, "variable-decls"),
    (TEXT, "user-field-decls"), (TEXT, "dde-connection-decls"), (TEXT, "index-title-template"),
    (TEXT, "table-of-content-source"), (TEXT, "alphabetical-index-source"),
    (TEXT, "illustration-index-source"), (TEXT, "table-index-source"),
    (TEXT, "bibliography-source"), (TEXT, "user-index-source"), (TEXT, "object-index-source"),
    (TEXT, "ruby-text"), (TEXT, "note-citation"), (OFFICE, "forms"), (TABLE, "table-columns"),
    (TABLE, "table-column"), (TABLE, "table-column-group"),
    (DRAW, "image"), (DRAW, "object"), (DRAW, "object-ole"), (STYLE, "header-style"),
    ("urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0", "title"),
    ("urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0", "desc"),
))


def q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


P, H, LIST, LIST_ITEM, LIST_HEADER = (q(TEXT, n) for n in ("p", "h", "list", "list-item", "list-header"))
S, TAB, LINE_BREAK = q(TEXT, "s"), q(TEXT, "tab"), q(TEXT, "line-break")
CHANGE, CHANGE_START, CHANGE_END = q(TEXT, "change"), q(TEXT, "change-start"), q(TEXT, "change-end")
BOOKMARK, BOOKMARK_START, BOOKMARK_END = (q(TEXT, n) for n in ("bookmark", "bookmark-start", "bookmark-end"))
ANNOTATION, ANNOTATION_END = q(OFFICE, "annotation"), q(OFFICE, "annotation-end")
NOTE, NOTE_BODY = q(TEXT, "note"), q(TEXT, "note-body")
FRAME, TEXT_BOX = q(DRAW, "frame"), q(DRAW, "text-box")
TABLE_TABLE = q(TABLE, "table")
NUMBERED = q(TEXT, "numbered-paragraph")


@dataclass(frozen=True)
class Region:
    """One text:changed-region: an insertion, a deletion (with its content) or a format change."""

    kind: str  # insertion, deletion, format-change
    author: str
    date: str | None
    content: etree._Element | None = None  # the text:deletion element
    inserted_by: tuple[str, str | None] | None = None  # deleted text someone else had inserted


def odf_date(value: str | None) -> str | None:
    """An ODF date as papier stores DOCX dates: to the second, and with LibreOffice's
    convention for the zone (its DOCX export writes the same wall time with a Z)."""
    if not value or value.startswith(("0-00-00", "0000-")):
        return None
    value = re.sub(r"\.\d+", "", value.strip())
    if "T" in value and not re.search(r"(Z|[+-]\d\d:?\d\d)$", value):
        value += "Z"
    return value


def _regions(*roots: etree._Element | None) -> dict[str, Region]:
    out: dict[str, Region] = {}
    for root in roots:
        if root is None:
            continue
        for region in root.iter(q(TEXT, "changed-region")):
            ident = region.get(q(TEXT, "id")) or region.get("{http://www.w3.org/XML/1998/namespace}id") or ""
            found = {kind: el for kind in ("deletion", "insertion", "format-change")
                     if (el := region.find(q(TEXT, kind))) is not None}
            if not found:
                continue
            kind = next(iter(found))  # a deletion of inserted text is a deletion, of that text
            el = found[kind]
            author, date = _who(el)
            ins = found.get("insertion") if kind == "deletion" else None
            out[ident] = Region(kind, author, date, el if kind == "deletion" else None,
                                _who(ins) if ins is not None else None)
    return out


def _who(el: etree._Element) -> tuple[str, str | None]:
    info = el.find(q(OFFICE, "change-info"))
    if info is None:
        return "", None
    return (info.findtext(q(DC, "creator")) or "").strip(), odf_date(info.findtext(q(DC, "date")))


class OdfWalker(StoryWalker):
    """StoryWalker for ODF: the same paragraphs, pieces, ranges and blocks from ODF's elements."""

    def __init__(self, regions: dict[str, Region]) -> None:
        super().__init__(names_for(""))
        self.regions = regions
        self.formatting = 0
        self.annotations: list[tuple[etree._Element, str]] = []  # (office:annotation, its key)
        self.notes: list[tuple[etree._Element, str, tuple[Revision, ...]]] = []
        self._space = True  # the last text written ends in collapsible white space
        self._lists = 0
        self._starts: dict[str, CommentPlace] = {}  # comment starts LibreOffice left in deleted text

    # ------------------------------------------------------------------ blocks

    def _walk(self, el: etree._Element, st: State) -> None:
        tag = el.tag
        if not isinstance(tag, str) or tag in SKIPPED:
            return
        if tag in (P, H) and st.para is not None:  # in a shape or callout inside a paragraph
            st.boxes.append((el, tuple(st.revs), st.para))
        elif tag in (P, H):
            self._odf_paragraph(el, st)
        elif tag.startswith(f"{{{DRAW}}}") and tag != FRAME and el.find(f".//{P}") is not None:
            if st.para is not None:  # a shape with text: its own story, like a text box
                st.boxes.append((el, tuple(st.revs), st.para))
                self._space = False
            else:
                self._content(el, st)
        elif tag in (LIST, NUMBERED):
            self._lists += 1
            self._content(el, st)
            self._lists -= 1
        elif tag == TABLE_TABLE:
            st.tables.append(st.innermost())
            self._content(el, st)
            st.tables.pop()
        elif tag == CHANGE_START:
            self._change_start(el, st)
        elif tag == CHANGE_END:
            ident = el.get(q(TEXT, "change-id"), "")
            st.revs[:] = [r for r in st.revs if r.id != ident]
        elif tag == CHANGE:
            self._deletion(el.get(q(TEXT, "change-id"), ""), st)
        elif tag in (BOOKMARK_START, BOOKMARK, BOOKMARK_END):
            self._bookmark(el, st)
        elif tag == ANNOTATION:
            self._annotation(el, st)
        elif tag == ANNOTATION_END:
            place = self.comments.get(el.get(q(OFFICE, "name"), ""))
            if place is not None and place.open:
                self._end(place, st)
        elif tag == NOTE:
            self._note(el, st)
        elif tag == FRAME:
            self._frame(el, st)
        elif tag == S:
            self._odf_text(" " * _count(el), st, el, collapse=False)
        elif tag in (TAB, LINE_BREAK):
            self._odf_text(" ", st, el, collapse=False)
        else:
            self._content(el, st)

    def _content(self, el: etree._Element, st: State) -> None:
        """The text and elements inside *el*, in order; a deletion right after bookmark
        starts comes before them (LibreOffice writes such a bookmark before the deleted
        text in an .odt and after it in a .docx: the bookmark belongs to what follows)."""
        events: list[str | etree._Element] = [el.text or ""]
        for child in el:
            if child.tag == CHANGE and self._is_deletion(child):
                at = len(events)
                while at > 0 and _held(events[at - 1]):
                    at -= 1
                while at < len(events) and events[at] == "":
                    at += 1
                events.insert(at, child)
            else:
                events.append(child)
            events.append(child.tail or "")
        for event in events:
            if isinstance(event, str):
                if event:
                    self._odf_text(event, st, el)
            else:
                self._walk(event, st)

    def _is_deletion(self, el: etree._Element) -> bool:
        region = self.regions.get(el.get(q(TEXT, "change-id"), ""))
        return region is not None and region.kind == "deletion"

    def _odf_paragraph(self, el: etree._Element, st: State) -> None:
        self.open_paragraph(st, heading=el.tag == H, listed=self._lists > 0)
        self._space = True
        self._content(el, st)
        self.close_paragraph(st, el=el)

    # ------------------------------------------------------------------ text

    def _odf_text(self, value: str, st: State, el: etree._Element, collapse: bool = True) -> None:
        """Text as ODF means it: runs of white space in the XML are one space, and none at
        the start of a paragraph; text:s, text:tab and text:line-break are kept."""
        if collapse:
            value = WHITESPACE.sub(" ", value)
            if self._space and value.startswith(" "):
                value = value[1:]
            if not value:
                return
        self._space = collapse and value.endswith(" ")
        self._text(value, st, el)

    # ------------------------------------------------------------------ changes

    def _revision_of(self, ident: str, kind: str, region: Region) -> Revision:
        self._serial += 1
        return Revision(kind, region.author, region.date, ident, "", self._serial)

    def _change_start(self, el: etree._Element, st: State) -> None:
        ident = el.get(q(TEXT, "change-id"), "")
        region = self.regions.get(ident)
        if region is None:
            return
        if region.kind == "format-change":
            self.formatting += 1
        elif region.kind == "insertion":
            st.revs.append(self._revision_of(ident, "ins", region))

    def _deletion(self, ident: str, st: State) -> None:
        """The deleted content back at its point: its first paragraph's text in the current
        paragraph, each further paragraph after a deleted paragraph mark."""
        region = self.regions.get(ident)
        if region is None or region.kind != "deletion" or region.content is None:
            return
        rev = self._revision_of(ident, "del", region)
        outer = None
        if region.inserted_by is not None:  # the text was someone's insertion first
            outer = self._revision_of(ident + "-ins", "ins", Region("insertion", *region.inserted_by))
            st.revs.append(outer)
        st.revs.append(rev)
        space = self._space
        paragraphs = list(_paragraphs(region.content, self._lists > 0))
        between = st.para is None  # a deletion between paragraphs deletes whole ones
        for k, (para_el, heading, listed) in enumerate(paragraphs):
            if k == 0 and st.para is not None:
                if len(paragraphs) > 1:
                    st.para.heading, st.para.listed = heading, listed
            else:
                if st.para is not None:
                    self.close_paragraph(st)  # its mark is inside the deletion
                self.open_paragraph(st, heading, listed)
            self._space = True
            self._content(para_el, st)
        if between and st.para is not None:
            self.close_paragraph(st)
        st.revs.remove(rev)
        if outer is not None:
            st.revs.remove(outer)
        self._space = space  # white space after the point collapses with the text before it

    # ------------------------------------------------------------------ markers

    def _bookmark(self, el: etree._Element, st: State) -> None:
        name = COPY.sub("", el.get(q(TEXT, "name"), ""))
        if name.startswith("__Annotation__") and el.tag in (BOOKMARK_START, BOOKMARK):
            self._starts.setdefault(name, self._place(st))  # a comment's start in deleted text
            return
        if el.tag in (BOOKMARK_START, BOOKMARK):
            if name.startswith("blk-"):
                st.open_block(name, name)
            elif name.startswith(TRACKED):
                self.bookmarks[name] = self._place(st)
        if el.tag in (BOOKMARK_END, BOOKMARK):
            if el.tag == BOOKMARK_END:
                st.blocks.pop(name, None)
            mine = self.bookmarks.get(name) if name.startswith(TRACKED) else None
            if mine is not None and mine.open:
                self._end(mine, st)

    def _annotation(self, el: etree._Element, st: State) -> None:
        name = el.get(q(OFFICE, "name"))
        key = name if name and name not in self.comments else f"\x00annotation-{len(self.annotations) + 1}"
        place = self._starts.pop(name, None) if name else None
        if place is None:
            place = self._place(st)
        self._space = False  # an anchor character in the text: white space after it counts
        self.comments[key] = place
        self.annotations.append((el, key))
        if not el.get(q(OFFICE, "name")):  # a comment on a point, not on words
            self._end(place, st)
        if st.para is not None:
            self.refs[key] = st.para.index

    def _note(self, el: etree._Element, st: State) -> None:
        kind = el.get(q(TEXT, "note-class"), "footnote")
        kind = kind if kind in NOTE_PARTS else "footnote"
        ident = el.get(q(TEXT, "id")) or f"{kind}-{len(self.notes) + 1}"
        if st.para is not None:
            inserted = any(r.kind == "ins" for r in st.revs)
            (st.para.new_notes if inserted else st.para.notes).append(ident)
            self.note_refs[(kind, ident)] = st.para.index
            self._object(kind, st, el)
        body = el.find(NOTE_BODY)
        if body is not None:  # a note deleted with its paragraph is part of that deletion
            self.notes.append((body, f"{kind}:{ident}", tuple(r for r in st.revs if r.kind == "ins")))
        self._space = False

    def _frame(self, el: etree._Element, st: State) -> None:
        self._space = False
        box = el.find(TEXT_BOX)
        if box is None:
            self._object("picture", st, el)
        elif st.para is not None:
            st.boxes.append((box, tuple(st.revs), st.para))
        else:
            self._content(box, st)


def _held(event: str | etree._Element) -> bool:
    """Nothing, or a bookmark: what a deletion right after it is put before."""
    return event == "" if isinstance(event, str) else event.tag in (BOOKMARK_START, BOOKMARK, BOOKMARK_END)


def _count(el: etree._Element) -> int:
    try:
        return max(1, min(int(el.get(q(TEXT, "c"), "1")), 1000))
    except ValueError:
        return 1


def _paragraphs(root: etree._Element, listed: bool) -> Iterator[tuple[etree._Element, bool, bool]]:
    """(paragraph element, heading, listed) of deleted content, in order, lists and tables
    flattened."""
    for child in root:
        if child.tag in (P, H):
            yield child, child.tag == H, listed
        elif child.tag in (LIST, LIST_ITEM, LIST_HEADER, NUMBERED):
            yield from _paragraphs(child, True)
        elif isinstance(child.tag, str) and child.tag != q(OFFICE, "change-info"):
            yield from _paragraphs(child, listed)


def _comment_text(el: etree._Element) -> str:
    """A comment's text: its paragraphs and line breaks as newlines, tabs kept."""
    return "\n".join("".join(_comment_chunks(para)).strip(" ")
                     for para in el.iter(P, H)).strip("\n")


def _comment_chunks(node: etree._Element) -> list[str]:
    chunks = [WHITESPACE.sub(" ", node.text or "")]
    for child in node:
        if child.tag == S:
            chunks.append(" " * _count(child))
        elif child.tag == TAB:
            chunks.append(COMMENT_SPECIAL["tab"])
        elif child.tag == LINE_BREAK:
            chunks.append(COMMENT_SPECIAL["br"])
        elif child.tag not in SKIPPED:
            chunks.extend(_comment_chunks(child))
        chunks.append(WHITESPACE.sub(" ", child.tail or ""))
    return chunks


def _properties(meta: etree._Element | None) -> dict[str, str]:
    out: dict[str, str] = {}
    if meta is None:
        return out
    for prop in meta.iter(q(META, "user-defined")):
        out[prop.get(q(META, "name"), "")] = (prop.text or "").strip()
    return out


def read_odt(path: Path, data: bytes | None = None) -> Reading:
    """Everything a reviewer left in the .odt *path* (whose bytes are *data* when already
    read), in document order, as a Reading like a DOCX's."""
    shown = str(path)
    parts = open_odt(path, data)
    content = parse(parts, "content.xml", shown)
    body = content.find(f"{q(OFFICE, 'body')}/{q(OFFICE, 'text')}") if content is not None else None
    if body is None:
        raise UnreadableFile(f"{shown}: has no text body (content.xml); ask the reviewer for the "
                             ".odt or .docx file they edited")
    styles = parse(parts, "styles.xml", shown)
    walker = OdfWalker(_regions(content, styles))
    walker.story(body, BODY)
    del body, content
    if not any(p.block for p in walker.paragraphs):
        for para in walker.paragraphs:
            para.front = False
    notes, walker.notes = walker.notes, []
    for note_body, note, revs in notes:  # footnotes after the body, as in a DOCX
        walker.story(note_body, NOTE_PARTS[note.split(":", 1)[0]], note=note, revs=revs)
    if styles is not None:
        for page in styles.iter(q(STYLE, "master-page")):
            for child in page:
                kind = local(child).split("-")[0]
                if kind in ("header", "footer"):
                    walker.story(child, f"{kind}.xml")
    formatting: Counter[str] = Counter()
    if walker.formatting:
        formatting[BODY] = walker.formatting
    return reading_of(walker, lambda stories: _comments(walker, stories),
                      _properties(parse(parts, "meta.xml", shown)), formatting, Counter())


def _comments(walker: OdfWalker, stories: list[Story]) -> list[Found]:
    found: list[tuple[Found, str]] = []
    parent: dict[str, str] = {}
    for el, key in walker.annotations:
        if el.get(q(LOEXT, "parent-name")):
            parent[key] = el.get(q(LOEXT, "parent-name"), "")
        found.append((comment_at(walker, stories, key, (el.findtext(q(DC, "creator")) or "").strip(),
                                 odf_date(el.findtext(q(DC, "date"))), _comment_text(el), BODY,
                                 initials=(el.findtext(q(META, "creator-initials")) or "").strip(),
                                 resolved=el.get(q(LOEXT, "resolved"), "false") == "true"), key))
    return threads(found, parent)
