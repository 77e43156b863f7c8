"""Numbers as people write them in CSV files, and as German (or English) text shows them."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

NBSP = "\u00a0"
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


@dataclass(frozen=True)
class Number:
    value: float
    decimals: int  # digits after the decimal separator as written


def parse_number(text: str, decimal: str = ",") -> Number | None:
    """'1.234,5' (decimal ","), '1,234.5' (decimal "."), '12 %', '−3'; None if not a number.

    A value with both separators takes the last one as the decimal separator, whatever
    *decimal* says; '1.234' alone is read with *decimal* (German files: one thousand two
    hundred thirty-four)."""
    raw = _SPACES.sub("", text.strip()).replace("\u2212", "-").rstrip("%€").rstrip()
    raw = raw.removesuffix("EUR").removesuffix("Euro")
    if not raw:
        return None
    if "," in raw and "." in raw:
        decimal = "," if raw.rfind(",") > raw.rfind(".") else "."
    thousands = "." if decimal == "," else ","
    if raw.count(decimal) > 1:
        return None
    raw = raw.replace(thousands, "")
    if not _NUMBER.match(raw.replace(decimal, ".")):
        return None
    raw = raw.replace(decimal, ".")
    decimals = len(raw.split(".", 1)[1]) if "." in raw else 0
    value = float(raw)
    return Number(value, decimals) if math.isfinite(value) else None


def format_number(value: float, decimals: int = 0, lang: str = "de-DE") -> str:
    """1.234,5 (German) or 1,234.5 (English); minus as U+2212 is left to fonts: '-'."""
    text = f"{value:,.{max(decimals, 0)}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]  # no "-0,0"
    if lang.lower().startswith("de"):
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def format_percent(share: float, decimals: int = 1, lang: str = "de-DE") -> str:
    """38,2 % (German: a non-breaking space before %) or 38.2% (English)."""
    number = format_number(share * 100, decimals, lang)
    return f"{number}{NBSP}%" if lang.lower().startswith("de") else f"{number}%"
