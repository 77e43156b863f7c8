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
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from papier.errors import UnreadableFile
from papier.ooxml.changes import Found, Story, story_changes
from papier.ooxml.reader import Reading, read_docx
from papier.ooxml.story import Paragraph, Piece, Revision
from papier.rounds.pdfcopy import identity_from_keywords
from papier.rounds.store import Round

MAX_PAGES = 1000
MARKUP = ("Highlight", "Underline", "Squiggly")
IGNORED = frozenset(("Popup", "Link", "Widget", "Screen", "PrinterMark", "TrapNet", "Watermark",
                     "3D", "RichMedia", "Movie", "Sound"))
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
    name: str = ""  # /NM
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
    from pdfminer.pdftypes import resolve1  # noqa: PLC0415
    from pdfminer.psparser import PSLiteral  # noqa: PLC0415
    from pdfminer.utils import decode_text  # noqa: PLC0415

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
    from pdfminer.pdftypes import resolve1  # noqa: PLC0415

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
    import io  # noqa: PLC0415

    import pdfplumber  # noqa: PLC0415 - loads pdfminer: only for PDF files
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect  # noqa: PLC0415
    from pdfplumber.utils.exceptions import PdfminerException  # noqa: PLC0415

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


def _notes(pdf: Any, shown: str) -> tuple[list[Note], int]:
    """Every annotation that is a comment or a suggestion, and how many drawings without
    text were left out."""
    from pdfminer.pdftypes import PDFObjRef, resolve1  # noqa: PLC0415

    notes: list[Note] = []
    drawings = 0
    serial = 0
    for number, page in enumerate(pdf.pages):
        annots = resolve1(page.page_obj.annots) or []
        if not isinstance(annots, list):
            continue
        for entry in annots:
            serial += 1
            ref = entry.objid if isinstance(entry, PDFObjRef) else -serial
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
                _string(data.get("Contents")).replace("\r\n", "\n").replace("\r", "\n").strip(),
                tuple(rect[:4]) if len(rect) >= 4 else (0.0, 0.0, 0.0, 0.0),  # type: ignore[arg-type]
                [_box(quads[i:i + 8]) for i in range(0, len(quads) - 7, 8)],
                irt.objid if isinstance(irt, PDFObjRef) else None,
                _name(data.get("RT")) or "R", _string(data.get("NM")))
            if kind not in ("Text", "FreeText", "Caret", "StrikeOut", *MARKUP) and not note.text \
                    and note.irt is None:
                drawings += 1
                continue
            notes.append(note)
    del shown
    return notes, drawings


def _box(quad: list[float]) -> tuple[float, float, float, float]:
    xs, ys = quad[0::2], quad[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def _threads(notes: list[Note]) -> list[Note]:
    """Replies under their thread's first note, group members (Acrobat's replace pair) with
    their primary; a reply whose parent is missing stays a note of its own."""
    by_ref = {n.ref: n for n in notes}

    def root(note: Note) -> Note:
        seen = {note.ref}
        while note.irt is not None and note.irt in by_ref and note.irt not in seen and note.rt != "Group":
            seen.add(note.irt)
            note = by_ref[note.irt]
        return note

    out = []
    for note in notes:
        parent = by_ref.get(note.irt) if note.irt is not None else None
        if parent is None or parent is note:
            out.append(note)
        elif note.rt == "Group":
            parent.group.append(note)
        else:
            top = root(parent)
            (top.replies if top is not note else out).append(note)
    return out


# ---------------------------------------------------------------------- text on the page


def _chars(page: Any, number: int) -> list[Char]:
    """The page's characters in the order they were written, the line numbers in the
    margin left out (digits that end left of where the text lines start)."""
    chars = [Char(c["text"], number, float(c["x0"]), float(c["x1"]), float(c["y0"]), float(c["y1"]))
             for c in page.chars if c.get("text")]
    starts: dict[int, int] = {}
    lines: dict[int, Char] = {}
    for c in chars:
        key = round(c.y0)
        if key not in lines or c.x0 < lines[key].x0:
            lines[key] = c
    for c in lines.values():
        if not c.text.isdigit():
            starts[round(c.x0)] = starts.get(round(c.x0), 0) + 1
    if not starts:
        return chars
    left = max(starts.items(), key=lambda kv: (kv[1], -kv[0]))[0]
    return [c for c in chars if not (c.x1 < left - 2 and c.text.isdigit())]


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


class Finder:
    """Marked words of the PDF found again in the text as sent."""

    def __init__(self, base: Reading) -> None:
        self.stories = [skeleton(story.original) for story in base.stories]

    def find(self, pdf_skel: str, lo: int, hi: int, hint: float) -> tuple[int, int, int] | None:
        """(story, start, end) in the text as sent for the PDF's letters [lo, hi); *hint*
        is where in the PDF it is (0..1), for telling repeated words apart."""
        for left, right in CONTEXT:
            if lo == hi and not (left or right):
                continue  # a point is known only by the letters around it
            a, b = max(0, lo - left), min(len(pdf_skel), hi + right)
            needle = pdf_skel[a:b]
            if not needle or (left + right and len(needle) < 6):
                continue
            hits = [(s, m.start()) for s, (hay, _) in enumerate(self.stories)
                    for m in re.finditer(re.escape(needle), hay)]
            if not hits:
                continue
            if len(hits) > 1 and (left or right):
                continue  # not unique yet: try a shorter context, which may tell them apart
            story, at = min(hits, key=lambda h: abs(h[1] / max(1, len(self.stories[h[0]][0])) - hint)
                            + (0 if h[0] == 0 else 0.5))
            start = at + (lo - a)
            return story, start, start + (hi - lo)
        return None

    def offsets(self, story: int, start: int, end: int) -> tuple[int, int]:
        """Skeleton positions -> offsets in the story's text (end: after its last letter)."""
        where = self.stories[story][1]
        if start >= end:  # a point: right after the letter before it
            return (where[start - 1] + 1, where[start - 1] + 1) if start > 0 else \
                (where[0] if where else 0,) * 2
        return where[start], where[end - 1] + 1


# ---------------------------------------------------------------------- reading


def read_pdf(rnd: Round, path: Path, data: bytes) -> Reading:
    """The Reading of a reviewer PDF returned with annotations."""
    from papier.rounds.returned import sent_copy  # noqa: PLC0415

    shown = str(path)
    pdf, info = _open(path, data)
    chars: list[Char] = []
    try:
        notes, drawings = _notes(pdf, shown)
        for number, page in enumerate(pdf.pages):
            chars.extend(_chars(page, number))
    except Exception as exc:  # pdfminer raises many kinds of errors on a damaged file
        raise UnreadableFile(f"{shown}: the PDF is damaged ({type(exc).__name__}: "
                             f"{str(exc)[:120] or 'cannot be read'}); ask for the file again") from exc
    finally:
        pdf.close()
    base = read_docx(sent_copy(rnd.paper.workspace, rnd.paper, rnd))
    text = "".join(c.text for c in chars)
    offsets = [0]
    for c in chars:
        offsets.append(offsets[-1] + len(c.text))
    pdf_skel, pdf_where = skeleton(text)
    finder = Finder(base)
    marks: list[Mark] = []
    unplaced: list[Note] = []
    for note in _threads(notes):
        mark = _mark(note, chars, offsets, pdf_skel, pdf_where, finder, base)
        if mark is None:
            unplaced.append(note)
        else:
            marks.append(mark)
    reading = _overlay(base, marks, unplaced)
    reading.properties = identity_from_keywords(info.get("Keywords", ""))
    reading.skipped = drawings
    reading.unplaced = len(unplaced)
    return reading


def _covered(chars: list[Char], page: int, boxes: list[tuple[float, float, float, float]]) -> list[int]:
    """Indexes of the characters whose centre lies in one of the boxes."""
    out = []
    for i, c in enumerate(chars):
        if c.page != page or not c.text.strip():
            continue
        for x0, y0, x1, y1 in boxes:
            if x0 - 0.5 <= c.cx <= x1 + 0.5 and y0 - 0.5 <= c.cy <= y1 + 0.5:
                out.append(i)
                break
    return out


def _point(chars: list[Char], page: int, rect: tuple[float, float, float, float]) -> int | None:
    """The index of the character a caret stands before (its line: the one its box
    overlaps most; on it, the first character right of the caret's middle)."""
    x = (rect[0] + rect[2]) / 2
    on_page = [(i, c) for i, c in enumerate(chars) if c.page == page and c.text.strip()]
    best, overlap = None, 0.0
    for _, c in on_page:
        o = min(rect[3], c.y1) - max(rect[1], c.y0)
        if o > overlap + 0.01:
            best, overlap = round(c.y0), o
    if best is None:
        return None
    line = [(i, c) for i, c in on_page if round(c.y0) == best]
    right = [i for i, c in line if c.cx > x]
    if right:
        return min(right)
    return max(i for i, _ in line) + 1


def _line_near(chars: list[Char], page: int, rect: tuple[float, float, float, float]) -> list[int]:
    """For a note: the characters of the text line at its top (or the nearest line)."""
    top = rect[3]
    on_page = [(i, c) for i, c in enumerate(chars) if c.page == page and c.text.strip()]
    if not on_page:
        return []
    key = min({round(c.y0) for _, c in on_page},
              key=lambda y: min(abs(top - y), abs(top - (y + 10))))
    return [i for i, c in on_page if round(c.y0) == key]


def _mark(note: Note, chars: list[Char], offsets: list[int], pdf_skel: str, pdf_where: list[int],
          finder: Finder, base: Reading) -> Mark | None:
    caret = note if note.kind == "Caret" else next((g for g in note.group if g.kind == "Caret"), None)
    strike = note if note.kind == "StrikeOut" else \
        next((g for g in note.group if g.kind == "StrikeOut"), None)
    if strike is not None:
        covered = _covered(chars, strike.page, strike.quads or [strike.rect])
        kind = "replacement" if caret is not None and caret.text else "deletion"
    elif caret is not None:
        point = _point(chars, caret.page, caret.rect)
        covered = [] if point is None else [point]
        kind = "insertion" if caret.text else "comment"
        if point is None:
            return None
    elif note.kind in MARKUP and note.quads:
        covered = _covered(chars, note.page, note.quads)
        kind = "comment"
    else:
        covered = _covered(chars, note.page, [note.rect]) if note.kind == "FreeText" else []
        covered = covered or _line_near(chars, note.page, note.rect)
        kind = "comment"
    if not covered:
        return None
    first, last = min(covered), max(covered)
    lo_char = offsets[first]
    hi_char = lo_char if kind == "insertion" else offsets[last + 1]
    lo = _skel_index(pdf_where, lo_char)
    hi = _skel_index(pdf_where, hi_char)
    if kind != "insertion" and lo == hi:
        return None
    found = finder.find(pdf_skel, lo, hi, lo / max(1, len(pdf_skel)))
    if found is None:
        return None
    story, s_start, s_end = found
    start, end = finder.offsets(story, s_start, s_end)
    inserted = caret.text if caret is not None and kind in ("insertion", "replacement") else ""
    original = base.stories[story].original
    if kind == "deletion":
        start, end = _whole_words(original, start, end)
    elif kind == "insertion":
        inserted = _spaced(original, start, inserted)
    return Mark(note, story, start, end, kind, inserted)


def _skel_index(where: list[int], char_offset: int) -> int:
    """The number of letters and digits before text offset *char_offset*."""
    return bisect.bisect_left(where, char_offset)


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
    if before.isalnum() and after == " ":
        return " " + inserted
    if before == " " and after.isalnum():
        return inserted + " "
    return inserted


# ---------------------------------------------------------------------- the text as sent, marked


def _overlay(base: Reading, marks: list[Mark], unplaced: list[Note]) -> Reading:
    """The text as sent with every mark put in: deletions and insertions as revisions of
    its pieces (so papier.ooxml.changes says what they mean, as for a DOCX), comments with
    their ranges."""
    paragraphs = [Paragraph(p.index, p.part, p.story, p.block, p.table_block, p.note, p.front,
                            p.heading, p.listed, p.section, notes=list(p.notes),
                            new_notes=list(p.new_notes)) for p in base.paragraphs]
    for index, story in enumerate(base.stories):
        changes = [m for m in marks if m.story == index and m.kind != "comment"]
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
    found: list[Found] = []
    stories = [Story([paragraphs[i] for i in story.paragraphs]) for story in base.stories]
    for story in stories:
        found.extend(story_changes(story))
    found += [_comment(m, base) for m in marks if m.kind == "comment"]
    found += [_comment(m, base) for m in marks  # the reason given with a deletion
              if m.kind != "comment" and m.note.kind == "StrikeOut" and m.note.text
              and not _same(m.note.text, base.stories[m.story].original[m.start:m.end])]
    for note in unplaced:
        found.append(Found("comment", note.author, note.date, _with_place(note), None,
                           f"pdf-{note.ref}", part="document.xml", replies=_replies(note)))
    found.sort(key=lambda f: (f.paragraph if f.paragraph is not None else 10**9,
                              0 if f.kind == "comment" else 1, f.offset))
    return Reading(paragraphs, found, {}, stories=stories, note_refs=dict(base.note_refs))


def _rev(kind: str, mark: Mark) -> Revision:
    note = mark.note
    return Revision(kind, note.author, note.date, f"pdf-{note.ref}", "", note.ref)


def _replies(note: Note) -> list[dict[str, Any]]:
    return [{"author": r.author, "date": r.date, "text": r.text} for r in note.replies]


def _with_place(note: Note) -> str:
    where = f"[PDF, Seite {note.page + 1}: Stelle nicht im gesendeten Text gefunden]"
    return f"{note.text}\n{where}" if note.text else where


def _comment(mark: Mark, base: Reading) -> Found:
    note = mark.note
    original = base.stories[mark.story].original
    quote = " ".join(original[mark.start:mark.end].split())
    text = note.text
    if note.kind in (*MARKUP, "StrikeOut") and _same(text, quote):
        text = ""  # Acrobat copies the marked words into the comment: no comment of its own
    para = _paragraph_at(base, mark.story, mark.start)
    paragraph = base.paragraphs[para] if para is not None else None
    return Found("comment", note.author, note.date, text, para, f"pdf-{note.ref}",
                 part=paragraph.part if paragraph else "document.xml", quote=quote,
                 replies=_replies(note), section=paragraph.section if paragraph else "",
                 offset=mark.start, length=mark.end - mark.start)


def _same(a: str, b: str) -> bool:
    return skeleton(a)[0] == skeleton(b)[0]


def _paragraph_at(base: Reading, story: int, offset: int) -> int | None:
    s = base.stories[story]
    best = None
    for index in s.paragraphs:
        para = base.paragraphs[index]
        first = para.pieces[0] if para.pieces else para.mark
        if first is not None and s.at[id(first)] <= offset:
            best = index
    return best
