"""Comments and suggestions made on the reviewer PDF in Acrobat, Edge, Preview and the like:
the annotations those viewers write, turned into the same Reading as a returned DOCX.

The words an annotation marks come from its /QuadPoints (or its /Rect), matched against the
characters of that page (pdfplumber); the line numbers in the margin are not text. Those
words, with a little of the text around them, are then found in the text as sent
(rounds/<n>/sent.docx, the reviewer copy as it left), and the annotation becomes a comment
on, a deletion of, or an insertion into that text. So a PDF review is anchored, merged and
applied exactly like a DOCX review of the same copy; what cannot be found in the text as
sent is said, never guessed.

Kinds: Text (sticky note), FreeText and any other markup with text: comment at its place;
Highlight/Underline/Squiggly: comment on the marked words; StrikeOut: deletion (with text:
plus a comment); StrikeOut grouped with a Caret (/IRT + /RT /Group, Acrobat's "replace
text"): replacement; Caret with text: insertion. /IRT with /RT /R (or none): a reply.
Popups, links, form fields and drawings without text are not comments. JavaScript and
actions are never looked at."""

from __future__ import annotations

import bisect
import html
import io
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pdfplumber  # this module is imported only for a PDF (papier.rounds.returned)
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdftypes import PDFObjRef, resolve1
from pdfminer.psparser import PSLiteral
from pdfminer.utils import decode_text
from pdfplumber.utils.exceptions import PdfminerException

from papier.errors import UnreadableFile
from papier.ooxml.changes import Found, Story, story_changes
from papier.ooxml.reader import Reading, in_document_order, read_docx
from papier.ooxml.story import Paragraph, Piece, Revision
from papier.rounds.pdfcopy import identity_from_keywords
from papier.rounds.returned import sent_copy
from papier.rounds.store import Round

MAX_PAGES = 1000
MARKUP = ("Highlight", "Underline", "Squiggly")
IGNORED = frozenset(("Popup", "Link", "Widget", "Screen", "PrinterMark", "TrapNet", "Watermark",
                     "3D", "RichMedia", "Movie"))
CONTEXT = (  # characters of context (letters and digits) tried on each side, most first
    (40, 40), (40, 0), (0, 40), (20, 20), (12, 0), (0, 12), (0, 0))
PDF_DATE = re.compile(r"D:(\d{4})(\d\d)?(\d\d)?(\d\d)?(\d\d)?(\d\d)?([Zz+-])?(\d\d)?'?(\d\d)?")


@dataclass
class Note:
    """One annotation as read from the file."""

    ref: int  # its object number (or its position in /Annots)
    kind: str  # the /Subtype
    page: int
    author: str
    date: str | None
    text: str
    rect: tuple[float, float, float, float]
    quads: list[tuple[float, float, float, float]]
    irt: int | None = None
    rt: str = "R"
    replies: list[Note] = field(default_factory=list)
    group: list[Note] = field(default_factory=list)


@dataclass
class Char:
    text: str
    page: int
    x0: float
    x1: float
    y0: float  # PDF user space (origin bottom left)
    y1: float
    size: float = 0.0

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass
class Mark:
    """Where an annotation lands in the text as sent: story, offsets [start, end)."""

    note: Note
    story: int
    start: int
    end: int
    kind: str  # comment, deletion, insertion, replacement
    inserted: str = ""
    words: str = ""  # the marked words as the PDF shows them
    clash: bool = False  # a change over another change on the PDF: kept as a comment


def pdf_date(value: Any) -> str | None:
    """D:20261120103000+01'00' -> 2026-11-20T10:30:00+01:00 (as far as it is given)."""
    text = _string(value)
    m = PDF_DATE.match(text or "")
    if not m:
        return None
    year, month, day, hour, minute, second, zone, zh, zm = m.groups()
    out = f"{year}-{month or '01'}-{day or '01'}T{hour or '00'}:{minute or '00'}:{second or '00'}"
    if zone in ("Z", "z") or (zone in ("+", "-") and (zh or "00") == "00" and (zm or "00") == "00"):
        return out + "Z"
    if zone in ("+", "-"):
        return f"{out}{zone}{zh or '00'}:{zm or '00'}"
    return out + "Z"


def _string(value: Any) -> str:

    value = resolve1(value)
    if isinstance(value, bytes):
        if value.startswith((b"\xfe\xff", b"\xff\xfe")):
            return value.decode("utf-16", "replace")
        return decode_text(value)
    if isinstance(value, PSLiteral):
        return str(value.name)
    return "" if value is None else str(value)


def _name(value: Any) -> str:
    return _string(value).lstrip("/")


def _numbers(value: Any) -> list[float]:

    value = resolve1(value)
    if not isinstance(value, list):
        return []
    out = []
    for v in value:
        v = resolve1(v)
        if isinstance(v, int | float):
            out.append(float(v))
    return out


# ---------------------------------------------------------------------- the file


def _open(path: Path, data: bytes) -> tuple[Any, dict[str, str]]:


    shown = str(path)
    try:
        try:
            pdf = pdfplumber.open(io.BytesIO(data))  # an empty user password is tried
            info = pdf.metadata
            count = len(pdf.pages)
        except PdfminerException as wrapped:  # pdfplumber wraps what pdfminer raised
            cause = wrapped.args[0] if wrapped.args and isinstance(wrapped.args[0], Exception) else wrapped
            raise cause from wrapped
    except PDFPasswordIncorrect as exc:
        raise UnreadableFile(f"{shown}: is password-protected; ask the reviewer to save it "
                             "without a password (Acrobat: File › Properties › Security: "
                             "No Security) and send it again") from exc
    except (PDFEncryptionError, NotImplementedError) as exc:
        raise UnreadableFile(f"{shown}: is encrypted in a way papier cannot open ({exc}); ask the "
                             "reviewer to save it without security settings") from exc
    except Exception as exc:  # pdfminer raises many kinds of errors on a damaged file
        raise UnreadableFile(f"{shown}: the PDF is damaged ({type(exc).__name__}: "
                             f"{str(exc)[:120] or 'cannot be read'}); ask for the file again") from exc
    if count > MAX_PAGES:
        pdf.close()
        raise UnreadableFile(f"{shown}: has {count} pages, more than papier reads "
                             f"({MAX_PAGES}); is this the reviewer PDF?")
    return pdf, {k: _string(v) for k, v in info.items() if isinstance(k, str)}


def _notes(pdf: Any) -> tuple[list[Note], int]:
    """Every annotation that is a comment or a suggestion, and how many drawings without
    text were left out."""

    notes: list[Note] = []
    drawings = 0
    serial = 0
    seen: set[int] = set()  # an annotation listed twice (or on two pages) is one
    for number, page in enumerate(pdf.pages):
        annots = resolve1(page.page_obj.annots) or []
        if not isinstance(annots, list):
            continue
        for entry in annots:
            serial += 1
            ref = entry.objid if isinstance(entry, PDFObjRef) else -serial
            if ref in seen:
                continue
            seen.add(ref)
            data = resolve1(entry)
            if not isinstance(data, dict):
                continue
            kind = _name(data.get("Subtype"))
            if kind in IGNORED or not kind:
                continue
            irt = data.get("IRT")
            rect = _numbers(data.get("Rect"))
            quads = _numbers(data.get("QuadPoints"))
            note = Note(
                ref, kind, number, _string(data.get("T")).strip(),
                pdf_date(data.get("M")) or pdf_date(data.get("CreationDate")),
                _contents(data),
                tuple(rect[:4]) if len(rect) >= 4 else (0.0, 0.0, 0.0, 0.0),  # type: ignore[arg-type]
                [_box(quads[i:i + 8]) for i in range(0, len(quads) - 7, 8)],
                irt.objid if isinstance(irt, PDFObjRef) else None,
                _name(data.get("RT")) or "R")
            if kind not in ("Text", "FreeText", "Caret", "StrikeOut", *MARKUP) and not note.text \
                    and note.irt is None:
                drawings += 1
                continue
            notes.append(note)
    return notes, drawings


def _contents(data: dict[str, Any]) -> str:
    """The annotation's text: /Contents, else the text of its rich text /RC."""
    text = _string(data.get("Contents"))
    if not text.strip() and data.get("RC") is not None:
        rich = re.sub(r"</p>|<br\s*/?>", "\n", _string(data.get("RC")))
        text = html.unescape(re.sub(r"<[^>]*>", "", rich))
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _box(quad: list[float]) -> tuple[float, float, float, float]:
    xs, ys = quad[0::2], quad[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def _threads(notes: list[Note]) -> list[Note]:
    """Replies under their thread's first note, group members (Acrobat's replace pair) with
    their primary; a reply whose parent is missing, or that is part of a cycle, stays a
    note of its own: every note ends up somewhere, once."""
    by_ref = {n.ref: n for n in notes}

    def root(note: Note) -> Note | None:
        seen = {note.ref}
        while note.irt is not None and note.irt in by_ref:
            if note.irt in seen:
                return None  # a cycle
            seen.add(note.irt)
            note = by_ref[note.irt]
        return note

    out: list[Note] = []
    for note in notes:
        parent = by_ref.get(note.irt) if note.irt is not None else None
        top = root(note) if parent is not None else None
        if parent is None or top is None or top is note:
            out.append(note)
        elif note.rt == "Group" and parent is top:
            top.group.append(note)
        else:
            top.replies.append(note)  # a reply, also to a group member or to a reply
    return out


# ---------------------------------------------------------------------- text on the page


def _chars(page: Any, number: int) -> list[Char]:
    """The page's characters in the order they were written, without the line numbers in
    the margin (digits that end left of where the text lines start) and without footnote
    marks (small raised digits: in the DOCX they are objects, not text)."""
    chars = [Char(c["text"], number, float(c["x0"]), float(c["x1"]), float(c["y0"]), float(c["y1"]),
                  float(c.get("size") or 0)) for c in page.chars if c.get("text")]
    sizes = sorted(c.size for c in chars if c.text.strip())
    median = sizes[len(sizes) // 2] if sizes else 0.0
    starts: dict[int, int] = {}
    lines: dict[int, Char] = {}
    for c in chars:
        key = round(c.y0)
        if key not in lines or c.x0 < lines[key].x0:
            lines[key] = c
    for c in lines.values():
        if not c.text.isdigit():
            starts[round(c.x0)] = starts.get(round(c.x0), 0) + 1
    left = max(starts.items(), key=lambda kv: (kv[1], -kv[0]))[0] if starts else -1.0
    return [c for c in chars if not (c.text.isdigit() and (c.x1 < left - 2 or c.size < 0.8 * median))]


def skeleton(text: str) -> tuple[str, list[int]]:
    """The letters and digits of *text*, folded (ligatures and soft hyphens gone), with the
    index in *text* each comes from: what the PDF and the DOCX surely agree on."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        for part in unicodedata.normalize("NFKC", ch).casefold():
            if part.isalnum():
                out.append(part)
                where.append(i)
    return "".join(out), where


class PdfText:
    """All pages' characters in one stream, with their letters and digits (the skeleton)."""

    def __init__(self, chars: list[Char]) -> None:
        self.chars = chars
        self.by_page: dict[int, list[int]] = {}
        for i, c in enumerate(chars):
            if c.text.strip():
                self.by_page.setdefault(c.page, []).append(i)
        self.offsets = [0]
        for c in chars:
            self.offsets.append(self.offsets[-1] + len(c.text))
        self.text = "".join(c.text for c in chars)
        self.skel, self.where = skeleton(self.text)

    def letters_before(self, index: int) -> int:
        """The number of letters and digits before character *index*."""
        return bisect.bisect_left(self.where, self.offsets[min(index, len(self.chars))])

    def words(self, covered: list[int]) -> str:
        return " ".join("".join(self.chars[i].text for i in covered).split())

    def covered(self, page: int, boxes: list[tuple[float, float, float, float]]) -> list[int]:
        """Indexes of the page's characters whose centre lies in one of the boxes."""
        out = []
        for i in self.by_page.get(page, []):
            c = self.chars[i]
            if any(x0 - 0.5 <= c.cx <= x1 + 0.5 and y0 - 0.5 <= c.cy <= y1 + 0.5
                   for x0, y0, x1, y1 in boxes):
                out.append(i)
        return out

    def point(self, page: int, rect: tuple[float, float, float, float]) -> int | None:
        """The index of the character a caret stands before: on the line its box overlaps
        most, the nearest character right of the caret's middle (or the one after the
        nearest left of it, at the end of a line or a table cell)."""
        x = (rect[0] + rect[2]) / 2
        best, overlap = None, 0.0
        for i in self.by_page.get(page, []):
            c = self.chars[i]
            o = min(rect[3], c.y1) - max(rect[1], c.y0)
            if o > overlap + 0.01:
                best, overlap = round(c.y0), o
        if best is None:
            return None
        line = [i for i in self.by_page[page] if round(self.chars[i].y0) == best]
        right = [i for i in line if self.chars[i].cx > x]
        left = [i for i in line if self.chars[i].cx <= x]
        nearest_left = max(left, key=lambda i: self.chars[i].cx) if left else None
        nearest_right = min(right, key=lambda i: self.chars[i].cx) if right else None
        if nearest_left is not None and (nearest_right is None or
                                         self.chars[nearest_right].x0 - self.chars[nearest_left].x1 > 3):
            return nearest_left + 1  # a gap wider than a space: the end of a cell or line
        return nearest_right

    def line_near(self, page: int, rect: tuple[float, float, float, float]) -> list[int]:
        """For a note: the characters of the text line at its top (or the nearest line)."""
        on_page = self.by_page.get(page, [])
        if not on_page:
            return []
        top = rect[3]
        key = min({round(self.chars[i].y0) for i in on_page},
                  key=lambda y: min(abs(top - y), abs(top - (y + 10))))
        return [i for i in on_page if round(self.chars[i].y0) == key]


class Finder:
    """Marked words of the PDF found again in the text as sent."""

    def __init__(self, base: Reading) -> None:
        self.originals = [story.original for story in base.stories]
        self.stories = [skeleton(text) for text in self.originals]

    def find(self, pdf_skel: str, lo: int, hi: int) -> tuple[int, int, int] | None:
        """(story, start, end) in the text as sent for the PDF's letters [lo, hi): the first
        context around them found exactly once; None when none is (the item stays unplaced).
        Without context the words must be whole words of at least six letters."""
        for left, right in CONTEXT:
            if lo == hi and not (left or right):
                continue  # a point is known only by the letters around it
            a, b = max(0, lo - left), min(len(pdf_skel), hi + right)
            needle = pdf_skel[a:b]
            if not needle or len(needle) < 6:
                continue
            hits = [(s, m.start()) for s, (hay, _) in enumerate(self.stories)
                    for m in re.finditer(re.escape(needle), hay)]
            if len(hits) != 1:
                continue  # not there, or there more than once: never guess which one is meant
            story, at = hits[0]
            start = at + (lo - a)
            if not (left or right) and not self._whole(story, start, start + (hi - lo)):
                continue
            return story, start, start + (hi - lo)
        return None

    def _whole(self, story: int, start: int, end: int) -> bool:
        text, where = self.originals[story], self.stories[story][1]
        first, last = where[start], where[end - 1]
        return (first == 0 or not text[first - 1].isalnum()) and \
            (last + 1 >= len(text) or not text[last + 1].isalnum())

    def span(self, story: int, start: int, end: int, lead: str, trail: str) -> tuple[int, int]:
        """Skeleton positions -> offsets in the story's text, widened over the punctuation
        the PDF marked before the first and after the last letter („(“, „–“, „)“)."""
        text, where = self.originals[story], self.stories[story][1]
        first, last = where[start], where[end - 1] + 1
        j = first
        while lead and j > 0 and text[j - 1] != "\n" and (text[j - 1] in lead or text[j - 1] == " "):
            j -= 1
        while j < first and text[j] == " ":
            j += 1
        k = last
        while trail and k < len(text) and text[k] != "\n" and (text[k] in trail or text[k] == " "):
            k += 1
        while k > last and text[k - 1] == " ":
            k -= 1
        return j, k

    def point(self, story: int, index: int, gap: str) -> int:
        """Skeleton position of a point -> offset in the story's text: after the letter
        before it and the punctuation the PDF shows between that letter and the caret."""
        text, where = self.originals[story], self.stories[story][1]
        at = where[index - 1] + 1 if index > 0 else 0
        if gap and text[at:at + len(gap)] == gap:
            at += len(gap)
        return at


# ---------------------------------------------------------------------- reading


def read_pdf(rnd: Round, path: Path, data: bytes) -> Reading:
    """The Reading of a reviewer PDF returned with annotations."""

    shown = str(path)
    pdf, info = _open(path, data)
    chars: list[Char] = []
    try:
        notes, drawings = _notes(pdf)
        for number, page in enumerate(pdf.pages):
            chars.extend(_chars(page, number))
    except Exception as exc:  # pdfminer raises many kinds of errors on a damaged file
        raise UnreadableFile(f"{shown}: the PDF is damaged ({type(exc).__name__}: "
                             f"{str(exc)[:120] or 'cannot be read'}); ask for the file again") from exc
    finally:
        pdf.close()
    base = read_docx(sent_copy(rnd.paper.workspace, rnd.paper, rnd))
    page_text = PdfText(chars)
    finder = Finder(base)
    marks: list[Mark] = []
    for note in _threads(notes):
        marks.append(_mark(note, page_text, finder))
    _clashes(marks)
    reading = _overlay(base, marks)
    reading.properties = identity_from_keywords(info.get("Keywords", ""))
    reading.skipped = drawings
    reading.unplaced = sum(1 for m in marks if m.story < 0)
    reading.clashes = sum(1 for m in marks if m.clash)
    return reading


def _edges(words: str) -> tuple[str, str]:
    """The punctuation before the first and after the last letter of marked words."""
    m = re.match(r"^(\W*?)\w.*?(\W*)$", words, re.S)
    if not m:
        return "", ""
    return tuple(re.sub(r"[\s\u00ad]", "", g) for g in m.groups())  # type: ignore[return-value]


def _mark(note: Note, text: PdfText, finder: Finder) -> Mark:
    """Where *note* lands in the text as sent (story -1: nowhere, said so in the matrix)."""
    caret = note if note.kind == "Caret" else next((g for g in note.group if g.kind == "Caret"), None)
    strike = note if note.kind == "StrikeOut" else \
        next((g for g in note.group if g.kind == "StrikeOut"), None)
    point: int | None = None
    if strike is not None:
        covered = text.covered(strike.page, strike.quads or [strike.rect])
        kind = "replacement" if caret is not None and caret.text else "deletion"
    elif caret is not None:
        point = text.point(caret.page, caret.rect)
        covered = [] if point is None else [point]
        kind = "insertion" if caret.text else "comment"
    elif note.kind in MARKUP and note.quads:
        covered = text.covered(note.page, note.quads)
        kind = "comment"
    else:
        covered = text.covered(note.page, [note.rect]) if note.kind == "FreeText" else []
        covered = covered or text.line_near(note.page, note.rect)
        kind = "comment"
    inserted = caret.text if caret is not None and kind in ("insertion", "replacement") else ""
    words = text.words(covered) if point is None else ""
    lost = Mark(note, -1, 0, 0, kind, inserted, words)
    if not covered:
        return lost
    if point is not None:
        lo = hi = text.letters_before(point)
        before = text.offsets[min(point, len(text.chars))]
        prior = text.where[lo - 1] + 1 if lo > 0 else 0
        gap = re.sub(r"[\s\u00ad]", "", text.text[prior:before])
    else:
        lo = text.letters_before(min(covered))
        hi = text.letters_before(max(covered) + 1)
        if lo == hi:
            return lost
    found = finder.find(text.skel, lo, hi)
    if found is None:
        return lost
    story, s_start, s_end = found
    original = finder.originals[story]
    if point is not None:
        start = end = finder.point(story, s_start, gap)
        if kind == "insertion":
            inserted = _spaced(original, start, inserted)
    else:
        start, end = finder.span(story, s_start, s_end, *_edges(words))
        if kind == "deletion":
            start, end = _whole_words(original, start, end)
    return Mark(note, story, start, end, kind, inserted, words)


def _clashes(marks: list[Mark]) -> None:
    """A change over (or inside) another change on the PDF cannot be a tracked change of its
    own; it is kept as a comment quoting what it suggests, and counted."""
    kept: list[Mark] = []
    for mark in sorted((m for m in marks if m.story >= 0 and m.kind != "comment"),
                       key=lambda m: (m.story, m.start, m.end)):
        for other in kept:
            if other.story != mark.story:
                continue
            if max(other.start, mark.start) < min(other.end, mark.end) or \
                    (mark.start == mark.end and other.start < mark.start < other.end) or \
                    (other.start == other.end and mark.start < other.start < mark.end) or \
                    (mark.start == mark.end == other.start == other.end):
                mark.clash = True
                break
        if not mark.clash:
            kept.append(mark)


def _whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """A struck-out word takes one space with it, as Word's smart cut does."""
    before = text[start - 1] if start > 0 else "\n"
    after = text[end] if end < len(text) else "\n"
    if before in " \n" and after == " ":
        return start, end + 1
    if before == " " and after in ".,;:!?)\n":
        return start - 1, end
    return start, end


def _spaced(text: str, at: int, inserted: str) -> str:
    """Words inserted between words get the space that separates them."""
    if not inserted or inserted != inserted.strip():
        return inserted
    before = text[at - 1] if at > 0 else "\n"
    after = text[at] if at < len(text) else "\n"
    if before in " \n(„" and after.isalnum():
        return inserted + " "
    if before not in " \n(„" and (after in " \n" or after in ".,;:!?)“") and inserted[0].isalnum():
        return " " + inserted
    return inserted


# ---------------------------------------------------------------------- the text as sent, marked


def _overlay(base: Reading, marks: list[Mark]) -> Reading:
    """The text as sent with every mark put in: deletions and insertions as revisions of
    its pieces (so papier.ooxml.changes says what they mean, as for a DOCX), comments with
    their ranges; what has no place, or clashes with another change, as a comment."""
    paragraphs = [Paragraph(p.index, p.part, p.story, p.block, p.table_block, p.note, p.front,
                            p.heading, p.listed, p.section, notes=list(p.notes),
                            new_notes=list(p.new_notes)) for p in base.paragraphs]
    changes_of = [m for m in marks if m.story >= 0 and m.kind != "comment" and not m.clash]
    for index, story in enumerate(base.stories):
        changes = [m for m in changes_of if m.story == index]
        deletions = [m for m in changes if m.kind in ("deletion", "replacement")]
        inserts: dict[int, list[Mark]] = {}
        for m in changes:
            if m.inserted:
                inserts.setdefault(m.end if m.kind == "replacement" else m.start, []).append(m)
        cut_at = {x for m in changes for x in (m.start, m.end)}
        for para_index in story.paragraphs:
            old, new = base.paragraphs[para_index], paragraphs[para_index]
            for piece in [*old.pieces, old.mark]:
                assert piece is not None
                at = story.at[id(piece)]
                value = "\n" if piece.mark else piece.text
                inner = [] if piece.obj or piece.mark else [x for x in cut_at if at < x < at + len(value)]
                bounds = sorted({at, at + len(value), *inner})
                for a, b in itertools.pairwise(bounds):
                    for m in inserts.pop(a, []):  # words put in here come before what follows
                        new.pieces.append(Piece(m.inserted, (_rev("ins", m),), para_index))
                    cut = next((m for m in deletions if m.start <= a < m.end), None)
                    revs = (_rev("del", cut),) if cut is not None else ()
                    if piece.mark:
                        new.mark = Piece("", revs, para_index, mark=True)
                    else:
                        new.pieces.append(Piece(value[a - at:b - at], revs, para_index, obj=piece.obj))
        for rest in inserts.values():  # past the story's last mark: nowhere to write them
            for m in rest:
                m.clash = True
    found: list[Found] = []
    stories = [Story([paragraphs[i] for i in story.paragraphs]) for story in base.stories]
    by_ref = {m.note.ref: m.note for m in changes_of if not m.clash}
    for story in stories:
        for item in story_changes(story):
            note = by_ref.get(int(item.docx_id[4:])) if item.docx_id.startswith("pdf-") else None
            if note is not None:
                item.replies = _thread_of(note)
            found.append(item)
    for mark in marks:
        if mark.story < 0 or mark.clash:
            found.append(_stray(mark, base))
        elif mark.kind == "comment":
            found.append(_comment(mark, base))
        elif mark.note.kind == "StrikeOut" and mark.note.text and not _same(mark.note.text, mark.words):
            found.append(_comment(mark, base))  # the reason given with a deletion
    return Reading(paragraphs, in_document_order(found), {}, stories=stories,
                   note_refs=dict(base.note_refs))


def _rev(kind: str, mark: Mark) -> Revision:
    note = mark.note
    return Revision(kind, note.author, note.date, f"pdf-{note.ref}", "", note.ref)


def _replies(note: Note) -> list[dict[str, Any]]:
    return [{"author": r.author, "date": r.date, "text": r.text} for r in note.replies]


def _thread_of(note: Note) -> list[dict[str, Any]]:
    """The replies to a change, and what the other half of a replace pair says."""
    out = _replies(note)
    for member in note.group:
        if member.text and member.kind not in ("Caret",):
            out.append({"author": member.author, "date": member.date, "text": member.text})
        out.extend(_replies(member))
    return out


def _stray(mark: Mark, base: Reading) -> Found:
    """A comment for an annotation papier could not write as what it is: its words were not
    found in the text as sent, or it changes words another change on the PDF changes too.
    The reviewer's text stays as it is; the matrix shows what they marked and suggested."""
    note = mark.note
    suggestion = {"deletion": f"[-{mark.words}-]", "insertion": f"[+{mark.inserted}+]",
                  "replacement": f"[-{mark.words}-] [+{mark.inserted}+]"}.get(mark.kind, mark.words)
    if mark.clash:
        found = _comment(mark, base)
        found.quote = f"{suggestion} (auf dem PDF über einem anderen Vorschlag: als Kommentar)"
        return found
    return Found("comment", note.author, note.date, note.text, None, f"pdf-{note.ref}",
                 part="document.xml", quote=suggestion, replies=_thread_of(note),
                 section=f"PDF, Seite {note.page + 1}: Stelle nicht im gesendeten Text gefunden")


def _comment(mark: Mark, base: Reading) -> Found:
    note = mark.note
    original = base.stories[mark.story].original
    quote = " ".join(original[mark.start:mark.end].split())
    text = note.text
    if note.kind in (*MARKUP, "StrikeOut") and _same(text, mark.words):
        text = ""  # Acrobat copies the marked words into the comment: no comment of its own
    para = _paragraph_at(base, mark.story, mark.start)
    paragraph = base.paragraphs[para] if para is not None else None
    return Found("comment", note.author, note.date, text, para, f"pdf-{note.ref}",
                 part=paragraph.part if paragraph else "document.xml", quote=quote,
                 replies=_thread_of(note), section=paragraph.section if paragraph else "",
                 offset=mark.start, length=mark.end - mark.start)


def _same(a: str, b: str) -> bool:
    """Whether a comment's text is just the marked words (white space and line-end
    hyphens aside), as Acrobat copies them."""
    def flat(t: str) -> str:
        return re.sub(r"[\s\u00ad]|-\s*\n", "", t)
    return bool(a.strip()) and flat(a) == flat(b)


def _paragraph_at(base: Reading, story: int, offset: int) -> int | None:
    s = base.stories[story]
    best = None
    for index in s.paragraphs:
        para = base.paragraphs[index]
        first = para.pieces[0] if para.pieces else para.mark
        if first is not None and s.at[id(first)] <= offset:
            best = index
    return best
