"""The rules: each finds spans in the masked lines of a chapter and says how to fix them.

A Finding's *fix* is a replacement for columns [start, end) of its line; rules without a
mechanical fix (long sentences, unexplained abbreviations, stray quotes) leave it None."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from papier.language.markdown import MASK, is_table_line

NBSP = "\u00a0"
RULES = ("gender", "abbreviation", "quotes", "spaces", "nbsp", "sentence", "glossary")


@dataclass(frozen=True)
class Finding:
    rule: str
    line: int  # 1-based
    start: int  # 0-based column of the span in the line
    end: int
    message: str
    fix: str | None = None  # replacement text for [start, end)


# -- gender-inclusive forms ------------------------------------------------------------
GENDER_STYLES = {  # style -> (its marker as written in Markdown, an example)
    "doppelpunkt": (":", "Akteur:innen"),
    "sternchen": ("\\*", "Akteur\\*innen"),
    "unterstrich": ("\\_", "Akteur\\_innen"),
    "schraegstrich": ("/-", "Akteur/-innen"),
    "binnen-i": ("I", "AkteurInnen"),
    "paarform": ("", "Akteurinnen und Akteure"),
}
_GENDER = [
    re.compile(r"(?<=[a-zäöüß])(?P<marker>:|\\?\*|\\?_|/-?)(?P<suffix>innen|in)(?![\wäöüß])"),
    re.compile(r"(?<=[a-zäöüß])(?P<marker>I)(?P<suffix>nnen|n)(?![\wäöüß])"),
]
_MARKERS = {":": "doppelpunkt", "*": "sternchen", "_": "unterstrich", "/": "schraegstrich",
            "I": "binnen-i"}


def gender_forms(lines: list[str]) -> Iterator[tuple[int, re.Match[str], str]]:
    """(line, match, style) of every short gender form (Akteur:innen, Lehrer*in, …)."""
    for number, line in enumerate(lines, 1):
        for pattern in _GENDER:
            for match in pattern.finditer(line):
                yield number, match, _MARKERS[match["marker"].lstrip("\\")[0]]


def gender(lines: list[str], style: str) -> Iterator[Finding]:
    marker, example = GENDER_STYLES[style]
    for number, match, found in gender_forms(lines):
        if found == style:
            continue
        plural = match["suffix"].endswith("nen")
        stem = re.search(r"[\wäöüßÄÖÜ]*$", lines[number - 1][:match.start()])
        word = lines[number - 1][stem.start() if stem else match.start():match.end()]
        fix: str | None
        if style == "paarform":
            fix, target = None, "a pair form (Akteurinnen und Akteure) or a neutral word (Beteiligte)"
        else:
            fix = marker + ("nnen" if plural else "n") if style == "binnen-i" \
                else marker + ("innen" if plural else "in")
            target = f"'{word[:len(word) - len(match.group(0))]}{fix}'"
        yield Finding("gender", number, match.start(), match.end(),
                      f"'{word}' is the {found} form, but the paper writes {style} ({example}); "
                      f"write {target}", fix)


# -- "z.B." without spaces ------------------------------------------------------------------
ABBREVIATIONS = ["z.B.", "d.h.", "u.a.", "o.Ä.", "o.ä.", "u.U.", "i.d.R.", "s.o.", "s.u.", "v.a.",
                 "z.T.", "u.v.m.", "m.E.", "o.g.", "i.S.d.", "e.V.", "z.Zt.", "i.e.S.", "i.w.S."]
_ABBREV = re.compile(r"(?<![\wäöüÄÖÜ.])(" + "|".join(re.escape(a) for a in ABBREVIATIONS) + ")")


def abbreviation(lines: list[str]) -> Iterator[Finding]:
    for number, line in enumerate(lines, 1):
        for match in _ABBREV.finditer(line):
            parts = [p + "." for p in match.group(1).split(".") if p]
            fixed = NBSP.join(parts)
            yield Finding("abbreviation", number, match.start(), match.end(),
                          f"'{match.group(1)}' needs a (non-breaking) space: write "
                          f"'{' '.join(parts)}'", fixed)


# -- double spaces -------------------------------------------------------------------------
_DOUBLE = re.compile(r"(?<=[^\s\0]) {2,}(?=[^\s\0])")


def spaces(lines: list[str]) -> Iterator[Finding]:
    for number, line in enumerate(lines, 1):
        if is_table_line(line):
            continue  # pipe tables align their columns with spaces
        for match in _DOUBLE.finditer(line):
            yield Finding("spaces", number, match.start(), match.end(),
                          f"{len(match.group(0))} spaces in a row; one is enough", " ")


# -- non-breaking spaces -----------------------------------------------------------------
UNITS = ["%", "‰", "€", "Euro", "Prozent", "Mio.", "Mrd.", "Tsd.", "km", "m²", "qm", "kg",
         "Std.", "Min.", "ha"]
_NBSP_RULES = [
    (re.compile(r"§§?( )(?=\d)"), "'§' and its number"),
    (re.compile(r"(?<![\wäöü])(?:Art|Abs|Nr|Bd|Kap|Ziff|S)\.( )(?=\d)"), "the abbreviation and its number"),
    (re.compile(r"(?<![\wäöü])SGB( )(?=[IVX]+(?![\wäöü]))"), "'SGB' and its book number"),
    (re.compile(r"\d( )(?=(?:" + "|".join(re.escape(u) for u in UNITS) + r")(?![\wäöüÄÖÜ]))"),
     "a number and its unit"),
]


def nbsp(lines: list[str]) -> Iterator[Finding]:
    for number, line in enumerate(lines, 1):
        for pattern, what in _NBSP_RULES:
            for match in pattern.finditer(line):
                start = match.start(1)
                context = line[max(0, start - 6):start + 6].strip(MASK).strip()
                yield Finding("nbsp", number, start, start + 1,
                              f"a line break may split {what} in '{context}'; use a non-breaking "
                              "space (U+00A0)", NBSP)


# -- long sentences -------------------------------------------------------------------------
_NO_END = {a.split(".")[0].lower() for a in ABBREVIATIONS} | {
    "bzw", "ca", "vgl", "etc", "ggf", "nr", "abs", "art", "s", "bspw", "usw", "sog", "inkl", "zzgl",
    "gem", "dr", "prof", "hrsg", "jh", "mio", "mrd", "tsd", "std", "min", "z", "d", "u", "o", "v", "i",
    "e", "m", "ff", "f", "kap", "ziff", "bd", "evtl", "einschl"}
_SENTENCE_END = re.compile(r"[.!?…][\"“»)*_]*\s+(?=[„\"»(*_\[]*[A-ZÄÖÜ])")
_WORD = re.compile(r"[\wäöüÄÖÜß][\wäöüÄÖÜß\-'’]*")
_BLOCK_START = re.compile(r"^\s*(?:#|[-*+]\s|\d+[.)]\s|>|\|)")


def _paragraphs(lines: list[str]) -> Iterator[list[tuple[int, str]]]:
    """Runs of prose lines as (line number, text); list items and headings start new runs."""
    run: list[tuple[int, str]] = []
    for number, line in enumerate(lines, 1):
        stripped = line.replace(MASK, " ")
        if not stripped.strip() or is_table_line(line) or stripped.lstrip().startswith("#"):
            if run:
                yield run
            run = []
            continue
        if _BLOCK_START.match(stripped) and run:
            yield run
            run = []
        run.append((number, stripped))
    if run:
        yield run


_LAST_WORD = re.compile(r"([\wäöüÄÖÜ]+)$")


def sentence(lines: list[str], limit: int = 40) -> Iterator[Finding]:
    for run in _paragraphs(lines):
        text = " ".join(line for _number, line in run)
        starts = []  # offset in text where each line of the run begins
        offset = 0
        for _number, line in run:
            starts.append(offset)
            offset += len(line) + 1
        start = 0
        for match in [*_SENTENCE_END.finditer(text), None]:
            end = match.start() + 1 if match else len(text)
            if match is not None:
                before = _LAST_WORD.search(text, max(0, match.start() - 40), match.start())
                word = before.group(1) if before else ""
                if word.lower() in _NO_END or word.isdigit():
                    continue  # "z. B. Kita", "21. November": no sentence end
            words = _WORD.findall(text, start, end)
            if len(words) > limit:
                first = start + len(text[start:end]) - len(text[start:end].lstrip())
                index = bisect.bisect_right(starts, first) - 1
                line_no, col = run[index][0], first - starts[index]
                yield Finding("sentence", line_no, col, col + 1,
                              f"this sentence has {len(words)} words (more than {limit}); "
                              "consider splitting it")
            start = match.end() if match else len(text)
