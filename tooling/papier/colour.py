"""Colour contrast (WCAG 2.1) and accessible variants of brand colours.

A brand colour that is too light for text on its background keeps its hue and chroma but
is darkened (or lightened, on a dark background) in OKLCH until it reaches the ratio WCAG
asks for: 4.5:1 for text, 3:1 for large text (>= 18 pt, or >= 14 pt bold) and for marks
that carry meaning. The original stays for large areas; writers use the variant for text.
"""

from __future__ import annotations

import math

TEXT = 4.5
LARGE = 3.0
MARKS = 3.0


def parse(colour: str) -> tuple[float, float, float]:
    """'#0E5A6B' or '0E5A6B' -> (r, g, b) in 0..1; ValueError when it is no hex colour."""
    text = colour.strip().lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    if len(text) != 6:
        raise ValueError(f"{colour!r} is not a colour like #0E5A6B")
    return tuple(int(text[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def hex_of(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(min(1.0, max(0.0, c)) * 255):02X}" for c in rgb)


def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _gamma(c: float) -> float:
    return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def luminance(colour: str | tuple[float, float, float]) -> float:
    r, g, b = parse(colour) if isinstance(colour, str) else colour
    return 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)


def ratio(fore: str | tuple[float, float, float], back: str | tuple[float, float, float]) -> float:
    """WCAG 2.1 contrast ratio, 1.0 … 21.0."""
    a, b = luminance(fore), luminance(back)
    hi, lo = max(a, b), min(a, b)
    return (hi + 0.05) / (lo + 0.05)


def needed(size_pt: float, bold: bool = False) -> float:
    """The ratio WCAG asks of text this size (large: >= 18 pt, or >= 14 pt bold)."""
    return LARGE if size_pt >= 18 or (bold and size_pt >= 14) else TEXT


# OKLab (Björn Ottosson, 2020), from and to linear sRGB.
def _to_oklch(rgb: tuple[float, float, float]) -> tuple[float, float, float]:
    r, g, b = (_linear(c) for c in rgb)
    lms = (0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b,
           0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b,
           0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b)
    l_, m_, s_ = (math.copysign(abs(v) ** (1 / 3), v) for v in lms)
    lightness = 0.2104542553 * l_ + 0.7936177850 * m_ - 0.0040720468 * s_
    a = 1.9779984951 * l_ - 2.4285922050 * m_ + 0.4505937099 * s_
    bb = 0.0259040371 * l_ + 0.7827717662 * m_ - 0.8086757660 * s_
    return lightness, math.hypot(a, bb), math.atan2(bb, a)


def _from_oklch(lightness: float, chroma: float, hue: float) -> tuple[float, float, float]:
    a, b = chroma * math.cos(hue), chroma * math.sin(hue)
    l_ = lightness + 0.3963377774 * a + 0.2158037573 * b
    m_ = lightness - 0.1055613458 * a - 0.0638541728 * b
    s_ = lightness - 0.0894841775 * a - 1.2914855480 * b
    l3, m3, s3 = l_ ** 3, m_ ** 3, s_ ** 3
    r = 4.0767416621 * l3 - 3.3077115913 * m3 + 0.2309699292 * s3
    g = -1.2684380046 * l3 + 2.6097574011 * m3 - 0.3413193965 * s3
    bl = -0.0041960863 * l3 - 0.7034186147 * m3 + 1.7076147010 * s3
    return tuple(_gamma(min(1.0, max(0.0, c))) for c in (r, g, bl))  # type: ignore[return-value]


def accessible(colour: str, background: str, minimum: float = TEXT) -> str:
    """*colour* itself when it reaches *minimum* on *background*, else the nearest colour
    of the same hue (OKLCH lightness moved away from the background, chroma kept where
    sRGB allows) that does. Falls back to black or white when nothing of the hue does."""
    if ratio(colour, background) >= minimum:
        return hex_of(parse(colour))
    lightness, chroma, hue = _to_oklch(parse(colour))
    darker = luminance(background) > 0.18
    step = -0.005 if darker else 0.005
    for _ in range(200):
        lightness += step
        if not 0.0 <= lightness <= 1.0:
            break
        candidate = hex_of(_from_oklch(lightness, chroma, hue))
        if ratio(candidate, background) >= minimum:
            return candidate
    return "#000000" if darker else "#FFFFFF"


def reachable(background: str, minimum: float = TEXT) -> bool:
    """Whether any text colour (black or white) reaches *minimum* on *background*."""
    return max(ratio("#000000", background), ratio("#FFFFFF", background)) >= minimum
