"""Walk one story of a DOCX (the body, one footnote, a header, a text box) into paragraphs
of pieces: text with the stack of tracked revisions it sits in, and one paragraph mark
per paragraph. Comment ranges, block bookmarks and footnote references are noted on the
way. Nothing here decides what a change means: that is papier.ooxml.changes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from papier.ooxml import DATA_BOOKMARK
from papier.ooxml.names import MC, Names

REVISION_KINDS = ("ins", "del", "moveFrom", "moveTo")
OBJECT = "\ufffc"  # a footnote reference or a picture in the text: shown to contexts, never text
INSERTED = ("ins", "moveTo")
REMOVED = ("del", "moveFrom")
SKIP = frozenset(("rPr", "pPr", "sectPr", "tblPr", "tblGrid", "trPr", "tcPr", "instrText",
                  "delInstrText", "tblPrEx", "numPr", "fldData", "rPrChange", "pPrChange"))
# in the text (tabs and line breaks are spaces there: "\n" stands for paragraph marks)
SPECIAL = {"tab": " ", "ptab": " ", "br": " ", "cr": " ", "noBreakHyphen": "\u2011",
           "softHyphen": "\u00ad"}
# in a comment, where line breaks are kept
COMMENT_SPECIAL = {**SPECIAL, "tab": "\t", "ptab": "\t", "br": "\n", "cr": "\n"}
PAPIER_BOOKMARK = "_papier"  # bookmarks papier sets around what it wrote into a file
TRACKED = (PAPIER_BOOKMARK, DATA_BOOKMARK)  # bookmarks whose place the reading keeps
HEADING_STYLE = re.compile(r"^(heading|berschrift|title)\s*\d*$", re.I)


def local(el: etree._Element | None) -> str:
    if el is None or not isinstance(el.tag, str):
        return ""
    return el.tag.rsplit("}", 1)[-1]


def date_of(value: str | None) -> str | None:
    """ISO date as written; LibreOffice's placeholder 0-00-00T00:00:00Z means 'no date'."""
    if not value or value.startswith(("0-00-00", "0000-")):
        return None
    return value


@dataclass(frozen=True, slots=True)
class Revision:
    """One w:ins, w:del, w:moveFrom or w:moveTo element."""

    kind: str
    author: str
    date: str | None
    id: str
    move: str = ""  # name of the move range (pairs moveFrom with moveTo)
    serial: int = 0  # unique per element, for telling adjacent elements apart


@dataclass(slots=True)
class Piece:
    text: str
    revs: tuple[Revision, ...]  # outermost first
    para: int
    mark: bool = False  # the paragraph mark at the end of paragraph *para*
    obj: str = ""  # "footnote", "endnote" or "picture": an object in the text, not text
    el: etree._Element | None = None  # where it is written (only when the walker keeps them):
    # w:t and the like for text, the run for an object, the w:p for a paragraph mark

    @property
    def in_original(self) -> bool:
        """Was this in the text as sent (not inserted or moved here)?"""
        return not any(r.kind in INSERTED for r in self.revs)

    @property
    def in_current(self) -> bool:
        return not any(r.kind in REMOVED for r in self.revs)


@dataclass(slots=True)
class Paragraph:
    index: int
    part: str
    story: int
    block: str | None = None
    table_block: str | None = None  # the table's block, for a paragraph in a table cell
    note: str = ""  # footnote or endnote id for the paragraphs of a note
    front: bool = False  # before the first block of the body (title page, hints): no Markdown
    heading: bool = False
    listed: bool = False
    section: str = ""  # the last heading before it, as the reviewer saw it
    pieces: list[Piece] = field(default_factory=list)
    mark: Piece | None = None
    notes: list[str] = field(default_factory=list)  # footnote ids referenced here, in order
    new_notes: list[str] = field(default_factory=list)  # notes the reviewer added here

    @property
    def original(self) -> str:
        """The text as sent: without insertions."""
        return "".join(p.text for p in self.pieces if p.in_original)

    @property
    def current(self) -> str:
        return "".join(p.text for p in self.pieces if p.in_current)


@dataclass(slots=True)
class CommentPlace:
    para: int | None = None
    quote: list[str] = field(default_factory=list)
    part: str = ""
    open: bool = True
    # where the range starts and ends: (paragraph, pieces before it in that paragraph);
    # one more than the paragraph's pieces means after its mark
    start: tuple[int, int] | None = None
    end: tuple[int, int] | None = None


class StoryWalker:
    """Walks every story of one package; paragraphs get indexes in reading order."""

    def __init__(self, names: Names, keep: bool = False) -> None:
        self.n = names
        self.keep = keep  # pieces remember their elements (for papier's own edits of a file)
        self.paragraphs: list[Paragraph] = []
        self.stories: list[list[int]] = []  # paragraph indexes of each story
        self.comments: dict[str, CommentPlace] = {}
        self.refs: dict[str, int] = {}  # comment id -> paragraph of its w:commentReference
        self.note_refs: dict[tuple[str, str], int] = {}  # (kind, note id) -> paragraph
        self.bookmarks: dict[str, CommentPlace] = {}  # papier's own (_papier…, dat-…) bookmarks by name
        self._bookmark_ids: dict[str, str] = {}
        self._serial = 0
        self._section = ""
        self._seen_block = False

    # ------------------------------------------------------------------ stories

    def story(self, root: etree._Element, part: str, note: str = "",
              revs: tuple[Revision, ...] = ()) -> None:
        """Walk *root* as one story; text boxes found inside become stories of their own."""
        state = State(part, len(self.stories), note, list(revs))
        self.stories.append([])
        self._walk(root, state)
        self._end_paragraph(state)
        for box, box_revs, outer in state.boxes:
            before = len(self.paragraphs)
            self.story(box, part, note, box_revs)
            for para in self.paragraphs[before:]:
                para.block = para.block or outer.block
                para.table_block = para.table_block or outer.table_block

    def _walk(self, el: etree._Element, st: State) -> None:
        name = local(el)
        if name == "p":
            self._paragraph(el, st)
            return
        if name == "AlternateContent" and el.tag == f"{{{MC}}}AlternateContent":
            chosen = el.find(f"{{{MC}}}Choice")
            if chosen is None:
                chosen = el.find(f"{{{MC}}}Fallback")
            if chosen is not None:
                self._walk(chosen, st)
            return
        if name == "txbxContent":
            if st.para is not None:
                st.boxes.append((el, tuple(st.revs), st.para))
            else:
                for child in el:
                    self._walk(child, st)
            return
        if name in REVISION_KINDS:
            parent = local(el.getparent())
            if parent in ("rPr", "trPr", "pPr"):
                return  # marks, rows and run properties are read where they belong
            st.revs.append(self._revision(el, st))
            for child in el:
                self._walk(child, st)
            st.revs.pop()
            return
        if name == "tbl":
            st.tables.append(st.innermost())
            for child in el:
                self._walk(child, st)
            st.tables.pop()
            return
        if name == "r":
            self._run(el, st)
            return
        self._marker(el, name, st)
        if name in SKIP:
            return
        for child in el:
            self._walk(child, st)

    def _revision(self, el: etree._Element, st: State) -> Revision:
        """One w:ins, w:del, w:moveFrom or w:moveTo (around runs, on a run or a paragraph mark)."""
        self._serial += 1
        kind = local(el)
        return Revision(kind, self.n.attr(el, "author"), date_of(self.n.attr(el, "date")),
                        self.n.attr(el, "id"), st.move_name(kind), self._serial)

    def _marker(self, el: etree._Element, name: str, st: State) -> None:
        """Bookmarks, comment ranges and move ranges between runs and paragraphs."""
        n = self.n
        if name == "bookmarkStart":
            bookmark = n.attr(el, "name")
            if bookmark.startswith("blk-"):
                st.open_block(n.attr(el, "id"), bookmark)
            elif bookmark.startswith(TRACKED):
                self._bookmark_ids[n.attr(el, "id")] = bookmark
                self.bookmarks[bookmark] = self._place(st)
        elif name == "bookmarkEnd":
            st.blocks.pop(n.attr(el, "id"), None)
            mine = self.bookmarks.get(self._bookmark_ids.pop(n.attr(el, "id"), ""))
            if mine is not None:
                self._end(mine, st)
        elif name == "commentRangeStart":
            self.comments[n.attr(el, "id")] = self._place(st)
        elif name == "commentRangeEnd":
            place_end = self.comments.get(n.attr(el, "id"))
            if place_end is not None:
                self._end(place_end, st)
        elif name in ("moveFromRangeStart", "moveToRangeStart"):
            st.moves[n.attr(el, "id")] = (name[:-10], n.attr(el, "name"))
        elif name in ("moveFromRangeEnd", "moveToRangeEnd"):
            st.moves.pop(n.attr(el, "id"), None)

    def _place(self, st: State) -> CommentPlace:
        """A range starting here (in a paragraph, or before the next one)."""
        place = CommentPlace(part=st.part)
        if st.para is not None:
            place.para = st.para.index
            place.start = (st.para.index, len(st.para.pieces))
        else:
            st.pending.append(place)
        return place

    def _end(self, place: CommentPlace, st: State) -> None:
        place.open = False
        if st.para is not None:
            place.end = (st.para.index, len(st.para.pieces))
        elif self.stories[st.story]:  # between paragraphs: after the last one's mark
            last = self.paragraphs[self.stories[st.story][-1]]
            place.end = (last.index, len(last.pieces) + 1)

    def _run(self, run: etree._Element, st: State) -> None:
        n = self.n
        extra: list[Revision] = []
        rpr = run.find(n.w("rPr"))
        if rpr is not None:  # a run marked inserted or deleted through its properties
            extra = [self._revision(child, st) for child in rpr if local(child) in ("ins", "del")]
        st.revs.extend(extra)
        for child in run:
            name = local(child)
            if name in ("t", "delText"):
                self._text(child.text or "", st, child)
            elif name in SPECIAL:
                self._text(SPECIAL[name], st, child)
            elif name == "sym":
                self._text(symbol(n.attr(child, "char")), st, child)
            elif name in ("footnoteReference", "endnoteReference") and st.para is not None:
                ident = n.attr(child, "id")
                if any(r.kind in INSERTED for r in st.revs):
                    st.para.new_notes.append(ident)  # the reviewer added this note
                else:
                    st.para.notes.append(ident)
                self.note_refs[(name[:-9], ident)] = st.para.index
                self._object(name[:-9], st, run)
            elif name in ("drawing", "pict", "object") and child.find(f".//{n.w('txbxContent')}") is None:
                self._object("picture", st, run)
            elif name == "commentReference" and st.para is not None:
                self.refs[n.attr(child, "id")] = st.para.index
            elif name not in ("rPr", "instrText", "delInstrText"):
                self._walk(child, st)  # drawings (text boxes), AlternateContent
        del st.revs[len(st.revs) - len(extra):]

    def _object(self, kind: str, st: State, run: etree._Element) -> None:
        if st.para is not None:
            st.para.pieces.append(Piece(OBJECT, tuple(st.revs), st.para.index, obj=kind,
                                        el=run if self.keep else None))

    def _text(self, value: str, st: State, el: etree._Element) -> None:
        if st.para is None or not value:
            return
        piece = Piece(value, tuple(st.revs), st.para.index, el=el if self.keep else None)
        st.para.pieces.append(piece)
        if piece.in_current:
            for place in self.comments.values():
                if place.open and place.para is not None:
                    place.quote.append(value)

    def _paragraph(self, el: etree._Element, st: State) -> None:
        if st.para is not None:  # a paragraph inside a paragraph (only in odd files)
            self._end_paragraph(st)
        n = self.n
        ppr = el.find(n.w("pPr"))
        mark_revs: list[Revision] = []
        heading = listed = False
        if ppr is not None:
            style = ppr.find(n.w("pStyle"))
            heading = (style is not None and bool(HEADING_STYLE.match(n.attr(style, "val")))) \
                or ppr.find(n.w("outlineLvl")) is not None
            listed = ppr.find(n.w("numPr")) is not None
            mark = ppr.find(n.w("rPr"))
            mark_revs = [self._revision(child, st) for child in (mark if mark is not None else ())
                         if local(child) in REVISION_KINDS]
        self.open_paragraph(st, heading, listed)
        for child in el:
            if local(child) != "pPr":
                self._walk(child, st)
        self.close_paragraph(st, mark_revs, el)

    def open_paragraph(self, st: State, heading: bool = False, listed: bool = False) -> Paragraph:
        """A new paragraph of the story being walked: ranges waiting for it start in it."""
        para = Paragraph(len(self.paragraphs), st.part, st.story, note=st.note)
        para.table_block = st.tables[-1] if st.tables else None
        para.heading, para.listed = heading, listed
        for place in st.pending:
            place.para = para.index
            place.start = (para.index, 0)
        st.pending = []
        st.opened_with = st.fresh
        st.fresh = []
        st.inside = []
        self.paragraphs.append(para)
        self.stories[st.story].append(para.index)
        st.para = para
        return para

    def close_paragraph(self, st: State, mark_revs: list[Revision] | tuple[Revision, ...] = (),
                        el: etree._Element | None = None) -> None:
        """The current paragraph ends with its mark (inside the revisions open here and
        *mark_revs*); it learns its block, whether it is front matter, and its section."""
        para = st.para
        assert para is not None
        para.mark = Piece("", tuple(st.revs) + tuple(mark_revs), para.index, mark=True,
                          el=el if self.keep else None)
        own = st.inside or st.opened_with
        if own:
            para.block = own[-1]
        elif para.heading and not para.table_block:
            st.blocks.clear()  # an unanchored heading (the bibliography's) ends every block
        else:
            para.block = st.innermost()
        if para.part == "document.xml" and not para.note:
            self._seen_block = self._seen_block or para.block is not None
            para.front = not self._seen_block
        if para.heading and para.part == "document.xml":
            self._section = para.current.strip() or para.original.strip()
        para.section = self._section
        self._end_paragraph(st)

    def _end_paragraph(self, st: State) -> None:
        if st.para is None:
            return
        for place in self.comments.values():
            if place.open and place.para is not None:
                place.quote.append("\n")
        st.para = None


class State:
    """Where the walk of one story is."""

    def __init__(self, part: str, story: int, note: str, revs: list[Revision]) -> None:
        self.part = part
        self.story = story
        self.note = note
        self.revs = revs
        self.para: Paragraph | None = None
        self.blocks: dict[str, str] = {}  # open blk- bookmarks: id -> name, in start order
        self.fresh: list[str] = []  # blk- bookmarks started since the last paragraph
        self.inside: list[str] = []  # blk- bookmarks started inside the current paragraph
        self.opened_with: list[str] = []  # blk- bookmarks started right before it
        self.tables: list[str | None] = []
        self.pending: list[CommentPlace] = []
        self.moves: dict[str, tuple[str, str]] = {}  # open move range id -> (kind, name)
        self.boxes: list[tuple[etree._Element, tuple[Revision, ...], Paragraph]] = []

    def open_block(self, ident: str, name: str) -> None:
        # LibreOffice drops some bookmark ends: a block without an end ends where the next
        # block starts, so that no block swallows the rest of the document
        self.blocks.clear()
        self.blocks[ident] = name
        (self.inside if self.para is not None else self.fresh).append(name)

    def innermost(self) -> str | None:
        return next(reversed(self.blocks.values()), None)

    def move_name(self, kind: str) -> str:
        if kind not in ("moveFrom", "moveTo"):
            return ""
        names = [name for k, name in self.moves.values() if k == kind]
        return names[-1] if names else ""


def symbol(code: str) -> str:
    """w:sym's character; symbol fonts use the private range F000-F0FF for their glyphs."""
    try:
        value = int(code, 16)
    except ValueError:
        return ""
    if 0xF000 <= value <= 0xF0FF:
        value -= 0xF000
    return chr(value) if 0 < value < 0x110000 else ""
