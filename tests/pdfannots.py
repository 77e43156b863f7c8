"""PDF annotations written the way the common viewers write them, for tests of papier's
PDF-annotation reader.

The helpers find words on a page by their positions (pdfplumber) and put annotations
over them (pypdf) with the keys Adobe Acrobat/Reader writes: a sticky note (``Text``),
text markup (``Highlight``, ``Underline``, ``Squiggly``, ``StrikeOut``) with
``/QuadPoints``, a ``Caret`` for an insertion, Acrobat's "Replace Text" pair (a
``StrikeOut`` grouped with a ``Caret``), a ``FreeText`` box, replies (``/IRT``) and the
``Popup`` child Acrobat gives every comment. Hostile files (encrypted, JavaScript,
damaged) are made by the functions at the end.

The Acrobat conventions followed, and where they come from:

* ``/QuadPoints``: 8 numbers per line in the order top-left, top-right, bottom-left,
  bottom-right (Acrobat's "Z" order), not the counter-clockwise order ISO 32000 describes.
  Every major viewer expects Acrobat's order (pdf-association/pdf-issues#68 and #743,
  mozilla/pdf.js#12675, gettalong/hexapdf#441). ``quad_order="ccw"`` writes the
  spec's order instead, to test a reader against writers that follow the letter of the spec.
* Replace Text: the ``Caret`` is the group's primary annotation and carries the new text in
  ``/Contents``; the ``StrikeOut`` over the old words is the group member, with ``/IRT``
  pointing to the Caret, ``/RT /Group`` and an empty ``/Contents``. Sources: ISO 32000-1
  12.5.6.2 (annotation groups: members point with IRT to the primary annotation, and the
  primary's Contents/T/M/Popup stand for the group); 0xabu/pdfannots PR #102, written
  against a file made with Acrobat, which reads "a Caret annotation with a single StrikeOut
  annotation as a reply" as a suggested replacement; Aspose.PDF's caret example sets
  InReplyTo/ReplyType=Group on the StrikeOut. ``replace(..., primary="strikeout")`` writes
  the reverse grouping, which some other tools write.
* Markup keys: ``/T`` author, ``/M`` and ``/CreationDate`` as PDF dates, ``/NM`` a UUID,
  ``/Subj`` the English Acrobat names ("Highlight", "Cross-Out", "Inserted Text",
  "Replace Text", "Sticky Note", "Text Box"; a localised Acrobat writes its own UI
  language there, pass ``subjects=`` to imitate it), ``/RC`` an XHTML body with the same
  text, ``/F`` print (4; sticky notes and replies print|noZoom|noRotate, 28), ``/C``,
  ``/CA``, ``/P``, ``/AP`` (drawn simply), ``/Popup`` -> a ``Popup`` annotation with
  ``/Parent`` back, ``/Open false`` and flags 28, listed right after its parent in
  ``/Annots``. Acrobat gives a FreeText box no Popup (its text stands on the page).
* Text strings: ASCII as PDFDocEncoding, anything else as UTF-16BE with a byte-order mark,
  as Acrobat writes them.
* Acrobat copies the selected text into the pop-up of a highlight or cross-out by default
  ("Copy selected text into Highlight, Cross-Out, and Underline comment pop-ups");
  ``copy_selection=True`` imitates that: an empty comment becomes the marked words.

Other writers (Edge, Chrome, macOS Preview, pdf.js, Okular) write fewer or different keys;
which ones exactly was not verified for this kit. The keyword arguments of
:class:`Annotator` switch off each Acrobat extra (Popup, /RC, /CreationDate, /AP), change
the quad order and the /Subj texts, so a test can build a leaner file; such a file is an
approximation of those viewers, not a copy of their output.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast
from xml.sax.saxutils import escape

import pdfplumber
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

DATE = "D:20261120103000+01'00'"

# Acrobat's (English) /Subj for each kind of comment.
SUBJECTS: dict[str, str] = {
    "Highlight": "Highlight",
    "Underline": "Underline",
    "Squiggly": "Squiggly",
    "StrikeOut": "Cross-Out",
    "Caret": "Inserted Text",
    "Replace": "Replace Text",
    "Text": "Sticky Note",
    "FreeText": "Text Box",
}

# Plausible colours (DeviceRGB); Acrobat's defaults differ between versions and users
# change them, a reader must not depend on them.
COLOURS: dict[str, list[float]] = {
    "Highlight": [1.0, 0.819611, 0.0],
    "Underline": [0.0, 0.576471, 0.866667],
    "Squiggly": [0.0, 0.6, 0.0],
    "StrikeOut": [0.898039, 0.133333, 0.215686],
    "Caret": [0.0, 0.0, 1.0],
    "Text": [1.0, 0.819611, 0.0],
}

# Annotation flags (ISO 32000-1, table 165).
PRINT, NO_ZOOM, NO_ROTATE = 4, 8, 16
NOTE_FLAGS = PRINT | NO_ZOOM | NO_ROTATE  # sticky notes and pop-ups: 28

HYPHENS = "-\u00ad\u2010\u2011"  # hyphen-minus, soft hyphen (Typst), hyphen, non-breaking hyphen
NOTE_SIZE = 20.0  # a sticky note's icon, points
CARET_WIDTH, CARET_HEIGHT = 6.0, 9.0
POPUP_WIDTH, POPUP_HEIGHT = 180.0, 92.0

Ref = IndirectObject


# --- finding words --------------------------------------------------------------------


@dataclass
class Words:
    """Words found on a page: what an annotation over them needs."""

    page: int  # 0-based page index
    quads: list[float]  # 8 numbers per line, PDF user space, TL TR BL BR (Acrobat's order)
    rect: list[float]  # [x0, y0, x1, y1], the union of the quads
    text: str  # the page text covered, lines joined by "\n", a hyphen at a line end kept
    baselines: list[float] = field(default_factory=list)  # one per line, PDF y


def _lines(chars: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Upright characters grouped into lines (top to bottom), each sorted left to right.
    A character joins the line above when their boxes overlap by more than half the
    smaller height, so a raised footnote mark stays on its line."""
    ordered = sorted(chars, key=lambda c: (c["top"] + c["bottom"]) / 2)
    lines: list[list[dict[str, Any]]] = []
    span = (0.0, 0.0)
    for c in ordered:
        height = max(c["bottom"] - c["top"], 0.1)
        if lines:
            overlap = min(span[1], c["bottom"]) - max(span[0], c["top"])
            if overlap > 0.5 * min(height, span[1] - span[0]):
                lines[-1].append(c)
                span = (min(span[0], c["top"]), max(span[1], c["bottom"]))
                continue
        lines.append([c])
        span = (c["top"], c["bottom"])
    return [sorted(line, key=lambda c: c["x0"]) for line in lines]


def _body_left(lines: list[list[dict[str, Any]]]) -> float:
    """The left edge of the body text: the most common start of a run of characters that
    does not begin with a digit. Line numbers in the margin start left of it."""
    starts: Counter[int] = Counter()
    for line in lines:
        previous: dict[str, Any] | None = None
        for c in line:
            if c["text"].isspace():
                continue
            starts_run = previous is None or c["x0"] - previous["x1"] > 1.2 * c["size"]
            if starts_run and not c["text"][:1].isdigit():
                starts[round(c["x0"])] += 1
            previous = c
    return float(starts.most_common(1)[0][0]) if starts else 0.0


def _page_stream(page: Any) -> tuple[str, list[int | None], list[dict[str, Any]], list[int]]:
    """The page's text as one string (words separated by " ", lines by "\\n") with, for
    every position, the index of the character it comes from (None for a separator that
    no character stands for), the characters, and each character's line number."""
    chars = [c for c in page.chars if c.get("upright", True) and c["text"]]
    lines = _lines(chars)
    left = _body_left(lines)
    text: list[str] = []
    owner: list[int | None] = []
    kept: list[dict[str, Any]] = []
    line_of: list[int] = []
    for number, line in enumerate(lines):
        # characters entirely left of the body text are margin furniture (line numbers)
        line = [c for c in line if c["x1"] > left - 0.01]
        if not line:
            continue
        if text:
            text.append("\n")
            owner.append(None)
        previous: dict[str, Any] | None = None
        for c in line:
            index = len(kept)
            kept.append(c)
            line_of.append(number)
            if c["text"].isspace():
                if text and text[-1] not in " \n":
                    text.append(" ")
                    owner.append(index)
                previous = c
                continue
            if (previous is not None and c["x0"] - previous["x1"] > 0.2 * c["size"]
                    and text and text[-1] != " "):
                text.append(" ")  # a word gap drawn without a space glyph
                owner.append(None)
            for letter in unicodedata.normalize("NFC", c["text"]):
                text.append(letter)
                owner.append(index)
            previous = c
    return "".join(text), owner, kept, line_of


def _pattern(needle: str) -> re.Pattern[str]:
    """A pattern for *needle* that ignores whitespace and line breaks, and a hyphen at a
    line end (hyphenation), between any two of its characters."""
    letters = [c for c in unicodedata.normalize("NFC", needle) if not c.isspace()]
    if not letters:
        raise ValueError("find_words: empty text")
    gap = rf"(?:\s|[{HYPHENS}](?=\n))*"
    parts = [f"[{HYPHENS}]" if c in HYPHENS else re.escape(c) for c in letters]
    return re.compile(gap.join(parts))


def find_words(pdf: Path, text: str, occurrence: int = 0, page: int | None = None) -> Words:
    """The *occurrence*-th (0-based) place where *text* stands in *pdf* (on page index
    *page*, or on any page in order): one quad per line it spans. Whitespace and line
    breaks are ignored, as is a hyphen at a line end; a match does not cross pages.
    Raises AssertionError naming the text when it is not there."""
    pattern = _pattern(text)
    seen = 0
    with pdfplumber.open(pdf) as document:
        indices = range(len(document.pages)) if page is None else [page]
        for index in indices:
            plumber_page = document.pages[index]
            stream, owner, chars, line_of = _page_stream(plumber_page)
            for match in pattern.finditer(stream):
                if seen < occurrence:
                    seen += 1
                    continue
                covered = sorted({o for o in owner[match.start():match.end()] if o is not None})
                return _words(index, float(plumber_page.height), chars, line_of, covered,
                              match.group(0))
    where = "" if page is None else f" on page index {page}"
    raise AssertionError(f"text {text!r} not found{where} in {pdf.name} "
                         f"(wanted occurrence {occurrence}, found {seen})")


def _words(page: int, height: float, chars: list[dict[str, Any]], line_of: list[int],
           covered: list[int], text: str) -> Words:
    """Quads (Acrobat order) over the covered characters, one per line. pdfplumber
    measures from the top of the page; PDF user space from the bottom (the MediaBox is
    assumed to start at 0 0, as Typst, LaTeX and Word write it)."""
    by_line: dict[int, list[dict[str, Any]]] = {}
    for i in covered:
        by_line.setdefault(line_of[i], []).append(chars[i])
    quads: list[float] = []
    baselines: list[float] = []
    for number in sorted(by_line):
        line = [c for c in by_line[number] if not c["text"].isspace()] or by_line[number]
        x0 = min(c["x0"] for c in line)
        x1 = max(c["x1"] for c in line)
        top = height - min(c["top"] for c in line)
        bottom = height - max(c["bottom"] for c in line)
        quads += [x0, top, x1, top, x0, bottom, x1, bottom]
        # the text matrix's origin is the baseline; pdfplumber gives it as "matrix"
        baselines.append(min(float(c["matrix"][5]) for c in line) if "matrix" in line[0]
                         else bottom + 0.22 * (top - bottom))
    xs, ys = quads[0::2], quads[1::2]
    return Words(page, quads, [min(xs), min(ys), max(xs), max(ys)], text, baselines)


def point_after(words: Words) -> tuple[int, float, float]:
    """Page, x and y where a caret after the words goes: the right end of the last line,
    on its baseline."""
    q = words.quads[-8:]
    baseline = words.baselines[-1] if words.baselines else q[5] + 0.22 * (q[1] - q[5])
    return words.page, max(q[2], q[6]), baseline


def point_before(words: Words) -> tuple[int, float, float]:
    """Page, x and y where a caret before the words goes: the left end of the first line,
    on its baseline."""
    q = words.quads[:8]
    baseline = words.baselines[0] if words.baselines else q[5] + 0.22 * (q[1] - q[5])
    return words.page, min(q[0], q[4]), baseline


# --- writing annotations --------------------------------------------------------------


def pdf_text(value: str) -> TextStringObject:
    """A PDF text string as Acrobat writes it: PDFDocEncoding for ASCII, otherwise UTF-16BE
    with a byte-order mark (pypdf would choose PDFDocEncoding for ä or „ as well)."""
    if value.isascii():
        return TextStringObject(value)
    return TextStringObject(codecs.BOM_UTF16_BE + value.encode("utf-16be"))


def _numbers(values: Sequence[float]) -> ArrayObject:
    return ArrayObject(FloatObject(round(v, 4)) for v in values)


def rich_text(contents: str) -> str:
    """Acrobat's /RC: an XHTML body with one paragraph per line of the comment."""
    paragraphs = "".join(
        f'<p dir="ltr"><span dir="ltr" style="font-size:10.0pt;text-align:left;'
        f'color:#000000;font-weight:normal;font-style:normal">{escape(line)}</span></p>'
        for line in contents.split("\n"))
    return ('<?xml version="1.0"?><body xmlns="http://www.w3.org/1999/xhtml" '
            'xmlns:xfa="http://www.xfa.org/schema/xfa-data/1.0/" '
            'xfa:APIVersion="Acrobat:23.6.0" xfa:spec="2.0.2" >' + paragraphs + "</body>")


def _ccw(quads: Sequence[float]) -> list[float]:
    """Acrobat's TL TR BL BR quads rewritten in ISO 32000's counter-clockwise order,
    starting bottom-left: BL BR TR TL."""
    out: list[float] = []
    for i in range(0, len(quads), 8):
        tl, tr, bl, br = (quads[i + j:i + j + 2] for j in (0, 2, 4, 6))
        out += [*bl, *br, *tr, *tl]
    return out


class Annotator:
    """Puts annotations onto a copy of *pdf*; :meth:`save` writes the result.

    Keyword arguments switch off what Acrobat writes and leaner writers leave out:
    ``popups`` (a Popup child per comment), ``rich_text`` (/RC), ``creation_date``
    (/CreationDate next to /M), ``appearances`` (/AP streams); ``quad_order`` "acrobat"
    or "ccw" (see the module's docstring); ``copy_selection`` fills an empty comment on
    text markup with the marked words, as Acrobat does by default; ``subjects`` replaces
    the /Subj texts (keys as in :data:`SUBJECTS`).
    """

    def __init__(self, pdf: Path, *, popups: bool = True, rich_text: bool = True,
                 creation_date: bool = True, appearances: bool = True,
                 quad_order: Literal["acrobat", "ccw"] = "acrobat",
                 copy_selection: bool = False,
                 subjects: Mapping[str, str] | None = None) -> None:
        self.source = Path(pdf)
        self.writer = PdfWriter(clone_from=str(pdf))
        self.popups = popups
        self.rich_text = rich_text
        self.creation_date = creation_date
        self.appearances = appearances
        self.quad_order = quad_order
        self.copy_selection = copy_selection
        self.subjects = {**SUBJECTS, **(subjects or {})}
        self._count = 0

    # -- the comments a reviewer makes --

    def highlight(self, words: Words, contents: str, author: str, date: str = DATE,
                  subtype: str = "Highlight") -> Ref:
        """A Highlight, Underline or Squiggly over *words* with the comment *contents*."""
        if subtype not in ("Highlight", "Underline", "Squiggly"):
            raise ValueError(f"highlight: not a text markup subtype: {subtype!r}")
        return self._text_markup(words, subtype, contents, author, date)

    def strikeout(self, words: Words, author: str, contents: str = "", date: str = DATE) -> Ref:
        """A StrikeOut (Acrobat: "Cross-Out") over *words*: a suggested deletion."""
        return self._text_markup(words, "StrikeOut", contents, author, date)

    def caret(self, page_x_y: tuple[int, float, float], contents: str, author: str,
              date: str = DATE, irt: Ref | None = None, rt: str | None = None,
              subject: str | None = None) -> Ref:
        """A Caret (Acrobat: "Inserted Text") whose /Contents is the text to insert at
        (x, y), a point on a baseline (see :func:`point_after`). Its box is centred on x
        and hangs below the baseline like Acrobat's caret glyph; /Sy /None."""
        page, x, y = page_x_y
        rect = [x - CARET_WIDTH / 2, y - 2 * CARET_HEIGHT / 3, x + CARET_WIDTH / 2,
                y + CARET_HEIGHT / 3]
        extra: dict[str, Any] = {"/Sy": NameObject("/None"), "/RD": _numbers([0, 0, 0, 0])}
        if irt is not None:
            extra["/IRT"] = irt
            if rt is not None:
                extra["/RT"] = NameObject(rt)
        return self._markup(page, "Caret", rect, contents, author, date,
                            subject or self.subjects["Caret"], extra,
                            self._caret_appearance(rect))

    def replace(self, words: Words, new_text: str, author: str, date: str = DATE,
                primary: Literal["caret", "strikeout"] = "caret") -> tuple[Ref, Ref]:
        """Acrobat's "Replace Text": returns (StrikeOut, Caret). By default the Caret after
        the words is the group's primary annotation with /Contents *new_text*, and the
        StrikeOut has /IRT -> Caret, /RT /Group and empty /Contents (see the module's
        docstring for the sources). ``primary="strikeout"`` writes the reverse grouping:
        the StrikeOut carries nothing special and the Caret points to it."""
        subject = self.subjects["Replace"]
        if primary == "caret":
            caret = self.caret(point_after(words), new_text, author, date, subject=subject)
            strike = self._text_markup(words, "StrikeOut", "", author, date, subject=subject,
                                       extra={"/IRT": caret, "/RT": NameObject("/Group")},
                                       copy=False)
            return strike, caret
        strike = self._text_markup(words, "StrikeOut", "", author, date, subject=subject,
                                   copy=False)
        caret = self.caret(point_after(words), new_text, author, date, irt=strike,
                           rt="/Group", subject=subject)
        return strike, caret

    def note(self, page: int, x: float, y: float, contents: str, author: str,
             date: str = DATE, icon: str = "Comment") -> Ref:
        """A sticky note (Text annotation) whose 20×20 icon has its top-left corner at
        (x, y), where the reviewer clicked; /Name is the icon."""
        rect = [x, y - NOTE_SIZE, x + NOTE_SIZE, y]
        return self._note(page, rect, contents, author, date, icon, {})

    def freetext(self, page: int, rect: Sequence[float], contents: str, author: str,
                 date: str = DATE, popup: bool = False) -> Ref:
        """A FreeText box (Acrobat: "Text Box") showing *contents* on the page. Acrobat
        gives a text box no Popup (its text is on the page); ``popup=True`` adds one."""
        extra: dict[str, Any] = {
            "/DA": pdf_text("0 0 0 rg /Helv 12 Tf"),
            "/DS": pdf_text("font: Helvetica,sans-serif 12.0pt; text-align:left; color:#000000 "),
            "/BS": DictionaryObject({NameObject("/W"): NumberObject(1)}),
        }
        return self._markup(page, "FreeText", list(rect), contents, author, date,
                            self.subjects["FreeText"], extra,
                            self._freetext_appearance(list(rect), contents),
                            colour=None, popup=popup)

    def reply(self, parent_ref: Ref, contents: str, author: str, date: str = DATE,
              rt: str | None = "/R") -> Ref:
        """A reply to *parent_ref* as Acrobat writes it: a Text annotation on the parent's
        page with the parent's /Rect, /IRT -> parent and /RT /R (``rt=None`` leaves /RT
        out, which means the same)."""
        parent = cast(DictionaryObject, parent_ref.get_object())
        page = self._page_index(parent.raw_get("/P"))
        extra: dict[str, Any] = {"/IRT": parent_ref}
        if rt is not None:
            extra["/RT"] = NameObject(rt)
        rect = [float(v) for v in cast(ArrayObject, parent["/Rect"])]
        return self._note(page, rect, contents, author, date, "Comment", extra)

    def save(self, out: Path) -> Path:
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("wb") as handle:
            self.writer.write(handle)
        return out

    # -- the dictionaries --

    def _note(self, page: int, rect: list[float], contents: str, author: str, date: str,
              icon: str, extra: dict[str, Any]) -> Ref:
        extra = {**extra, "/Name": NameObject(f"/{icon}"), "/Open": BooleanObject(False)}
        return self._markup(page, "Text", rect, contents, author, date,
                            self.subjects["Text"], extra, self._note_appearance(rect),
                            flags=NOTE_FLAGS)

    def _text_markup(self, words: Words, subtype: str, contents: str, author: str,
                     date: str, subject: str | None = None,
                     extra: dict[str, Any] | None = None, copy: bool = True) -> Ref:
        if copy and self.copy_selection and not contents:
            contents = _plain(words.text)
        quads = words.quads if self.quad_order == "acrobat" else _ccw(words.quads)
        return self._markup(words.page, subtype, list(words.rect), contents, author, date,
                            subject or self.subjects[subtype],
                            {**(extra or {}), "/QuadPoints": _numbers(quads)},
                            self._markup_appearance(subtype, words))

    def _markup(self, page: int, subtype: str, rect: list[float], contents: str,
                author: str, date: str, subject: str, extra: dict[str, Any],
                appearance: IndirectObject | None, *, colour: list[float] | None = None,
                flags: int = PRINT, popup: bool = True) -> Ref:
        """The keys every markup annotation gets, then *extra*; adds the annotation and
        its Popup to the page's /Annots (created when missing) and returns its reference."""
        self._count += 1
        annot = DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject(f"/{subtype}"),
            NameObject("/Rect"): _numbers(rect),
            NameObject("/Contents"): pdf_text(contents),
            NameObject("/T"): pdf_text(author),
            NameObject("/M"): TextStringObject(date),
            NameObject("/NM"): TextStringObject(str(uuid.uuid5(
                uuid.NAMESPACE_URL, f"papier-pdfannots/{self.source.name}/{self._count}"))),
            NameObject("/F"): NumberObject(flags),
            NameObject("/CA"): FloatObject(1),
            NameObject("/Subj"): pdf_text(subject),
        })
        colour = colour if colour is not None else COLOURS.get(subtype)
        if colour is not None:
            annot[NameObject("/C")] = _numbers(colour)
        if self.creation_date:
            annot[NameObject("/CreationDate")] = TextStringObject(date)
        if self.rich_text and contents:
            annot[NameObject("/RC")] = pdf_text(rich_text(contents))
        if self.appearances and appearance is not None:
            annot[NameObject("/AP")] = DictionaryObject({NameObject("/N"): appearance})
        for key, value in extra.items():
            annot[NameObject(key)] = value
        added = self.writer.add_annotation(page, annot)
        ref = added.indirect_reference
        assert ref is not None
        if self.popups and popup:
            self._popup(page, ref, rect)
        return ref

    def _popup(self, page: int, parent: Ref, rect: list[float]) -> Ref:
        """Acrobat's pop-up window for a comment: right of the page, closed; pypdf sets the
        parent's /Popup when a Popup with /Parent is added."""
        right = float(self.writer.pages[page].mediabox.right)
        top = max(rect[1], rect[3])
        popup = DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Popup"),
            NameObject("/Rect"): _numbers([right, top - POPUP_HEIGHT, right + POPUP_WIDTH, top]),
            NameObject("/Parent"): parent,
            NameObject("/Open"): BooleanObject(False),
            NameObject("/F"): NumberObject(NOTE_FLAGS),
        })
        added = self.writer.add_annotation(page, popup)
        assert added.indirect_reference is not None
        return added.indirect_reference

    def _page_index(self, page_ref: Any) -> int:
        target = page_ref.get_object()
        for index, page in enumerate(self.writer.pages):
            if page.get_object() is target or page.indirect_reference == page_ref:
                return index
        raise ValueError("the parent annotation's /P is not a page of this document")

    # -- appearance streams (Acrobat always writes /AP /N; drawn simply here) --

    def _form(self, bbox: list[float], operators: str,
              resources: DictionaryObject | None = None) -> IndirectObject | None:
        if not self.appearances:
            return None
        stream = DecodedStreamObject()
        stream.set_data(operators.encode("latin-1"))
        stream.update({
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): _numbers(bbox),
            NameObject("/Resources"): resources or DictionaryObject(),
        })
        return self.writer._add_object(stream)

    def _markup_appearance(self, subtype: str, words: Words) -> IndirectObject | None:
        r, g, b = COLOURS[subtype]
        ops = [f"{r:g} {g:g} {b:g} rg {r:g} {g:g} {b:g} RG"]
        resources = None
        for i in range(0, len(words.quads), 8):
            x0, top, x1, _, _, bottom, _, _ = words.quads[i:i + 8]
            h = top - bottom
            if subtype == "Highlight":
                ops.append(f"/GS0 gs {x0:.2f} {bottom:.2f} {x1 - x0:.2f} {h:.2f} re f")
                resources = DictionaryObject({NameObject("/ExtGState"): DictionaryObject({
                    NameObject("/GS0"): DictionaryObject({
                        NameObject("/Type"): NameObject("/ExtGState"),
                        NameObject("/BM"): NameObject("/Multiply")})})})
            elif subtype == "Squiggly":
                y, step, points = bottom + 0.1 * h, h / 8, []
                x, up = x0, False
                while x <= x1:
                    points.append(f"{x:.2f} {y + (step if up else 0):.2f}")
                    x, up = x + step, not up
                ops.append(f"{h / 20:.2f} w {points[0]} m "
                           + " ".join(f"{p} l" for p in points[1:]) + " S")
            else:
                y = bottom + (0.1 if subtype == "Underline" else 0.45) * h
                ops.append(f"{h / 14:.2f} w {x0:.2f} {y:.2f} m {x1:.2f} {y:.2f} l S")
        return self._form(words.rect, "\n".join(ops), resources)

    def _caret_appearance(self, rect: list[float]) -> IndirectObject | None:
        x0, y0, x1, y1 = rect
        mid = (x0 + x1) / 2
        return self._form(rect, f"0 0 1 rg {x0:.2f} {y0:.2f} m {mid:.2f} {y1:.2f} l "
                                f"{x1:.2f} {y0:.2f} l {mid:.2f} {y0 + (y1 - y0) / 3:.2f} l h f")

    def _note_appearance(self, rect: list[float]) -> IndirectObject | None:
        x0, y0, x1, y1 = rect
        return self._form(rect, f"1 0.819611 0 rg 0 G 0.5 w {x0 + 1:.2f} {y0 + 1:.2f} "
                                f"{x1 - x0 - 2:.2f} {y1 - y0 - 2:.2f} re B")

    def _freetext_appearance(self, rect: list[float], contents: str) -> IndirectObject | None:
        font = DictionaryObject({
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        })
        resources = DictionaryObject({NameObject("/Font"): DictionaryObject(
            {NameObject("/Helv"): font})})
        x0, _, x1, y1 = rect
        lines = []
        for n, line in enumerate(contents.split("\n")):
            raw = line.encode("cp1252", "replace").decode("latin-1")
            raw = raw.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            lines.append(f"1 0 0 1 {x0 + 2:.2f} {y1 - 14 - 14 * n:.2f} Tm ({raw}) Tj")
        return self._form(rect, "0 G 1 w " + f"{x0 + 0.5:.2f} {rect[1] + 0.5:.2f} "
                                f"{x1 - x0 - 1:.2f} {y1 - rect[1] - 1:.2f} re S "
                                "BT 0 g /Helv 12 Tf " + " ".join(lines) + " ET", resources)


def _plain(text: str) -> str:
    """The covered page text as a reader of the pop-up sees it: a line-end hyphen
    (soft or hard) joined, other line breaks as spaces."""
    text = re.sub(rf"[{HYPHENS}]\n", lambda m: "" if m.group(0)[0] == "\u00ad" else "-", text)
    return re.sub(r"\s+", " ", text).strip()


# --- hostile files --------------------------------------------------------------------


def encrypt(pdf: Path, out: Path, user_password: str = "geheim") -> Path:
    """*pdf* encrypted with AES-256 (Acrobat's current default): opening needs
    *user_password*."""
    writer = PdfWriter(clone_from=str(pdf))
    writer.encrypt(user_password, owner_password=user_password + "-besitzer",
                   algorithm="AES-256")
    return _write(writer, out)


def encrypt_owner_only(pdf: Path, out: Path) -> Path:
    """*pdf* encrypted with an empty user password and an owner password: it opens without
    a password (permissions only), as many "protected" PDFs from publishers do."""
    writer = PdfWriter(clone_from=str(pdf))
    writer.encrypt("", owner_password="besitzer", algorithm="AES-256")
    return _write(writer, out)


def with_javascript(pdf: Path, out: Path) -> Path:
    """*pdf* with an /OpenAction that runs JavaScript, a document-level script, and a Link
    annotation on the first page whose action launches a program."""
    writer = PdfWriter(clone_from=str(pdf))
    writer.root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/Type"): NameObject("/Action"),
        NameObject("/S"): NameObject("/JavaScript"),
        NameObject("/JS"): TextStringObject("app.alert('papier: JavaScript ran');"),
    })
    # a document-level script in the /Names tree (runs when the document opens, too)
    names = writer.root_object.get("/Names")
    if names is None:
        names = DictionaryObject()
        writer.root_object[NameObject("/Names")] = names
    cast(DictionaryObject, names.get_object())[NameObject("/JavaScript")] = DictionaryObject({
        NameObject("/Names"): ArrayObject([
            TextStringObject("papier"),
            DictionaryObject({
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("this.print({bUI: false});"),
            }),
        ]),
    })
    launch = DictionaryObject({
        NameObject("/Type"): NameObject("/Action"),
        NameObject("/S"): NameObject("/Launch"),
        NameObject("/F"): TextStringObject("calc.exe"),
        NameObject("/Win"): DictionaryObject({
            NameObject("/F"): TextStringObject("cmd.exe"),
            NameObject("/P"): TextStringObject("/c calc.exe"),
        }),
    })
    writer.add_annotation(0, DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"),
        NameObject("/Subtype"): NameObject("/Link"),
        NameObject("/Rect"): _numbers([72, 72, 272, 92]),
        NameObject("/Border"): _numbers([0, 0, 0]),
        NameObject("/A"): launch,
    }))
    return _write(writer, out)


def damaged(pdf: Path, out: Path) -> Path:
    """*pdf* cut off in the middle of its body: no cross-reference table, no trailer, no
    %%EOF; pypdf raises when it opens it."""
    data = Path(pdf).read_bytes()
    out = Path(out)
    out.write_bytes(data[: len(data) // 2])
    return out


def _write(writer: PdfWriter, out: Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as handle:
        writer.write(handle)
    return out
