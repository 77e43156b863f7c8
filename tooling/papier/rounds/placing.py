"""Where a reviewer's change goes in the Markdown: the text around it, as the reviewer saw
it in Word, is aligned with the block's source (which has markup the DOCX does not show:
**bold**, [links](…), footnote marks, list and heading markers), and the result is
checked before anything is written. No match, no write."""

from __future__ import annotations

import difflib
import re

from papier.ooxml.story import OBJECT
from papier.rounds.notes import NOTE_REF

FOLD = str.maketrans({"„": '"', "“": '"', "”": '"', "‚": "'", "‘": "'", "’": "'", "\u00a0": " ",
                      "\u202f": " ", "\u2011": "-", "\t": " ", "\n": " "})
MARKERS = "*_~`"
PICTURE = re.compile(r"!\[[^\]]*\]\([^)]*\)(\{[^}]*\})?")
OBJECTS = re.compile(f"{PICTURE.pattern}|{NOTE_REF.pattern}")  # what the reader shows as OBJECT
MARKUP = [
    (PICTURE, OBJECT),
    (NOTE_REF, OBJECT),
    (re.compile(r"^\[\^[^\]\s]+\]:\s*"), ""),  # a footnote definition's label
    (re.compile(r"\]\([^)]*\)"), ""),  # link targets
    (re.compile(r"\{[#.][^}]*\}"), ""),  # attributes
    (re.compile(r"(?m)^\s*(#+|[-*+]|\d+[.)]|>)\s+"), ""),  # heading, list and quote markers
    (re.compile(r"\\(.)"), r"\1"),  # escapes
    (re.compile(r"[\[\]*_~`]"), ""),
]
ESCAPE = re.compile(r"([\\*_`\[\]<@~^])")
LINE_START = re.compile(r"^(\s*)([-+*>#]|\d+[.)])(?=\s|$)")
HEADING_NUMBER = re.compile(r"^\d+(\.\d+)*\s+")


def fold(text: str) -> str:
    return text.translate(FOLD)


def plain(source: str) -> str:
    """What a Markdown snippet shows, roughly: markup dropped, whitespace folded."""
    for pattern, repl in MARKUP:
        source = pattern.sub(repl, source)
    return " ".join(fold(source).split())


def words(text: str) -> str:
    return " ".join(fold(text).split())


def escape(text: str, line_start: bool = False, in_table: bool = False) -> str:
    """Text as typed by a reviewer, safe in Markdown: no accidental emphasis, links,
    citations, sub- or superscripts, list items or headings (at a line start), or table
    columns (in a table row)."""
    out = ESCAPE.sub(r"\\\1", text)
    if in_table:
        out = out.replace("|", "\\|")
    if line_start:
        out = LINE_START.sub(lambda m: m.group(1) + _escaped_marker(m.group(2)), out, count=1)
    return out


def _escaped_marker(marker: str) -> str:
    return marker[:-1] + "\\" + marker[-1] if marker[0].isdigit() else "\\" + marker


def _masked(source: str) -> tuple[str, list[tuple[int, int]]]:
    """*source* with each footnote mark and picture shown as the reader shows it (OBJECT),
    padded to its length so that positions stay the same; and where they are."""
    spans = [m.span() for m in OBJECTS.finditer(source)]
    out = list(source)
    for a, b in spans:
        out[a:b] = [OBJECT] + ["\x00"] * (b - a - 1)
    return "".join(out), spans


def _snap(position: int, spans: list[tuple[int, int]]) -> int:
    """A position inside a footnote mark or picture moves to its end."""
    return next((b for a, b in spans if a < position < b), position)


def _blocks(source: str, window: str) -> list[tuple[int, int, int]]:
    matcher = difflib.SequenceMatcher(None, fold(source), fold(window), autojunk=False)
    return [b for b in matcher.get_matching_blocks() if b.size]


def _start(blocks: list[tuple[int, int, int]], j: int) -> int | None:
    for i, bj, n in blocks:
        if bj <= j < bj + n:
            return i + j - bj
    following = [(i, bj) for i, bj, _n in blocks if bj >= j]
    return following[0][0] if following else None


def _end(blocks: list[tuple[int, int, int]], j: int) -> int | None:
    for i, bj, n in blocks:
        if bj < j <= bj + n:
            return i + j - bj
    preceding = [(i + n) for i, bj, n in blocks if bj + n <= j]
    return preceding[-1] if preceding else None


def locate(source: str, before: str, deleted: str, after: str) -> tuple[int, int] | None:
    """(start, end) in *source* of the text *deleted* (or the point, when it is empty)
    that stands between *before* and *after* in the rendered text; None if unsure: the
    reviewer's words must occur exactly once in what the source shows, and the place found
    must have all of them around it."""
    window = before + deleted + after
    core = words(window)
    if not core or words(plain(source)).count(core) != 1:
        return None
    masked, spans = _masked(source)
    blocks = _blocks(masked, window)
    a, b = len(before), len(before) + len(deleted)
    if deleted:
        start, end = _start(blocks, a), _end(blocks, b)
    else:
        start = _end(blocks, a) if before else _start(blocks, a)
        end = start
    if start is None or end is None or end < start:
        return None
    start, end = _snap(start, spans), _snap(end, spans)
    if deleted and words(plain(source[start:end])) != words(deleted):
        return None
    if not _context_ok(source, start, end, before, after):
        return None
    return start, end


def _context_ok(source: str, start: int, end: int, before: str, after: str) -> bool:
    """All the words before and after the place are the reviewer's context."""
    left = words(plain(source[:start]))
    right = words(plain(source[end:]))
    tail, head = words(before), words(after)
    ok_left = not tail or left.endswith(tail) or left.endswith(HEADING_NUMBER.sub("", tail))
    ok_right = not head or right.startswith(head)
    return ok_left and ok_right and bool(tail or head)


def balanced(snippet: str) -> bool:
    """No emphasis, code or link marker opened or closed without its partner inside
    *snippet*."""
    bare = re.sub(r"\\.", "", snippet)
    return all(bare.count(m) % 2 == 0 for m in ("**", "__", "`")) and \
        bare.replace("**", "").count("*") % 2 == 0 and bare.replace("__", "").count("_") % 2 == 0 \
        and not any(c in bare for c in "[]")


def widen(source: str, start: int, end: int) -> tuple[int, int]:
    """A deletion of a whole emphasised span takes its markers with it (**x** -> '')."""
    while start > 0 and end < len(source) and source[start - 1] in MARKERS \
            and source[start - 1] == source[end]:
        start, end = start - 1, end + 1
    return start, end
