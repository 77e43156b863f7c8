"""Measuring a built PDF as a reader sees it (pdfplumber): text lines per page, how far
down the body of each page is filled, and the contrast of every character against what
is drawn behind it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber

from papier import colour

CM = 72 / 2.54
BODY_TOP = 2.7 * CM  # templates/typst/papier.typ: text-margin
BODY_BOTTOM_MARGIN = 2.4 * CM


@dataclass
class Line:
    page: int  # 1-based
    top: float
    bottom: float
    x0: float
    text: str
    size: float


@dataclass
class Page:
    number: int
    height: float
    lines: list[Line]
    lowest: float  # bottom of the lowest object in the body area

    @property
    def body_top(self) -> float:
        return BODY_TOP

    @property
    def body_bottom(self) -> float:
        return self.height - BODY_BOTTOM_MARGIN

    @property
    def fill(self) -> float:
        """How much of the body height is used, 0..1."""
        return (self.lowest - self.body_top) / (self.body_bottom - self.body_top)

    def body_lines(self) -> list[Line]:
        return [ln for ln in self.lines if self.body_top - 10 <= ln.top and ln.bottom <= self.body_bottom + 2]

    def text(self) -> str:
        return "\n".join(ln.text for ln in self.lines)


def _lines(page: Any, number: int) -> list[Line]:
    words = page.extract_words(keep_blank_chars=False, use_text_flow=False, extra_attrs=["size"])
    rows: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if rows and abs(rows[-1][0]["top"] - word["top"]) < 2.5:
            rows[-1].append(word)
        else:
            rows.append([word])
    out = []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        out.append(Line(number, min(w["top"] for w in row), max(w["bottom"] for w in row),
                        row[0]["x0"], " ".join(w["text"] for w in row), max(w["size"] for w in row)))
    return out


def pages(path: Path) -> list[Page]:
    result = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            bottom = page.height - BODY_BOTTOM_MARGIN
            objects = [*page.chars, *page.rects, *page.curves, *page.lines, *page.images]
            in_body = [o["bottom"] for o in objects if o["top"] >= BODY_TOP - 2 and o["bottom"] <= bottom + 2]
            result.append(Page(number, page.height, _lines(page, number), max(in_body, default=BODY_TOP)))
    return result


def rgb(value: Any) -> tuple[float, float, float] | None:
    """pdfplumber's colour (gray, RGB or CMYK tuple) as RGB 0..1; None for patterns."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        value = (value,)
    value = tuple(value)
    if not value or not all(isinstance(v, (int, float)) for v in value):
        return None
    if len(value) == 1:
        return (value[0],) * 3  # type: ignore[return-value]
    if len(value) == 3:
        return value  # type: ignore[return-value]
    if len(value) == 4:
        c, m, y, k = value
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    return None


@dataclass
class LowContrast:
    page: int
    text: str
    fore: str
    back: str
    ratio: float
    needed: float


def contrast_failures(path: Path) -> tuple[list[LowContrast], int]:
    """Every run of characters whose fill colour is below WCAG 2.1 against the smallest
    filled shape behind it (or white paper); also the small filled marks (list markers)
    against the shape they sit on (3:1). Returns the failures and how many characters
    were measured."""
    failures: list[LowContrast] = []
    measured = 0
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            shapes = [s for s in [*page.rects, *page.curves]
                      if s.get("fill") and rgb(s.get("non_stroking_color"))]
            areas = sorted(shapes, key=lambda s: (s["x1"] - s["x0"]) * (s["bottom"] - s["top"]))

            def behind(x: float, y: float, skip: Any = None,
                       _areas: list[Any] = areas) -> tuple[float, float, float]:
                for shape in _areas:
                    if shape is skip:
                        continue
                    if shape["x0"] <= x <= shape["x1"] and shape["top"] <= y <= shape["bottom"]:
                        if (shape["x1"] - shape["x0"]) < 12 and (shape["bottom"] - shape["top"]) < 12:
                            continue  # a mark, not a background
                        found = rgb(shape["non_stroking_color"])
                        assert found is not None
                        return found
                return (1.0, 1.0, 1.0)

            seen: dict[tuple[str, str, bool, float], list[str]] = {}
            for char in page.chars:
                if not char["text"].strip():
                    continue
                fore = rgb(char.get("non_stroking_color"))
                if fore is None:
                    continue
                measured += 1
                back = behind((char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2)
                bold = bool(re.search(r"Bold|Black|Semibold", char["fontname"]))
                need = colour.needed(char["size"], bold)
                got = colour.ratio(fore, back)
                if got < need:
                    key = (colour.hex_of(fore), colour.hex_of(back), bold, round(char["size"], 1))
                    seen.setdefault(key, []).append(char["text"])
            for (fore_hex, back_hex, _bold, size), chars in seen.items():
                got = colour.ratio(fore_hex, back_hex)
                failures.append(LowContrast(number, "".join(chars)[:40], fore_hex, back_hex, round(got, 2),
                                            colour.needed(size, _bold)))
            for mark in shapes:
                w, h = mark["x1"] - mark["x0"], mark["bottom"] - mark["top"]
                if not (2 < w < 12 and 2 < h < 12):
                    continue
                fore = rgb(mark["non_stroking_color"])
                assert fore is not None
                back = behind((mark["x0"] + mark["x1"]) / 2, (mark["top"] + mark["bottom"]) / 2, skip=mark)
                if colour.ratio(fore, back) < colour.MARKS:
                    failures.append(LowContrast(number, "(mark)", colour.hex_of(fore), colour.hex_of(back),
                                                round(colour.ratio(fore, back), 2), colour.MARKS))
    return failures, measured


def links(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [str(a.get("uri")) for page in pdf.pages for a in page.annots if a.get("uri")]
