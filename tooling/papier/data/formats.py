"""How a column's numbers are shown: format="Anteil:%:1, Ausgaben:€:0, Plätze:Tsd.:1", or as
the workbook's cells are formatted (0.0 %, #,##0 €), or as the file writes them."""

from __future__ import annotations

from dataclasses import dataclass

from papier.data.grid import CellFormat
from papier.data.numbers import NBSP, format_number
from papier.errors import DataError, Problem

KINDS = ("", "%", "€", "Tsd.", "Mio.", "Mrd.")
SCALES = {"Tsd.": 1e3, "Mio.": 1e6, "Mrd.": 1e9}
_ALIASES = {"#": "", "zahl": "", "number": "", "eur": "€", "euro": "€", "prozent": "%", "percent": "%",
            "tsd": "Tsd.", "mio": "Mio.", "mrd": "Mrd."}
EXAMPLE = 'format="Anteil:%:1, Ausgaben:€:0, Plätze:Tsd.:1"'


@dataclass(frozen=True)
class ColumnFormat:
    kind: str = ""  # one of KINDS
    decimals: int = 0
    fraction: bool = False  # % of values kept as fractions (a workbook's 0.125 is 12,5 %)

    def show(self, value: float, lang: str) -> str:
        """12,5 %  1.234 €  1.234,5 (Tsd.): German or English."""
        german = lang.lower().startswith("de")
        if self.kind == "%":
            number = format_number(value * 100 if self.fraction else value, self.decimals, lang)
            return f"{number}{NBSP}%" if german else f"{number}%"
        number = format_number(value / SCALES.get(self.kind, 1.0), self.decimals, lang)
        if self.kind == "€":
            return f"{number}{NBSP}€" if german else f"€{number}"
        return number

    def unit(self, unit: str) -> str:
        """The unit a heading shows with this format: „Tsd.“ before a count, nothing where
        every cell says % or €."""
        if self.kind in SCALES:
            return self.kind if unit.casefold() in ("", "anzahl", "number") else f"{self.kind} {unit}"
        if self.kind == "%" and unit.strip() in ("%", "Prozent", "percent"):
            return ""
        if self.kind == "€" and unit.strip().casefold() in ("eur", "euro", "€"):
            return ""
        return unit


def from_cell(fmt: CellFormat | None, decimals: int) -> ColumnFormat:
    """The column's default: its workbook format (with *decimals* where it has none)."""
    if fmt is None:
        return ColumnFormat("", decimals)
    return ColumnFormat(fmt.kind, fmt.decimals if fmt.decimals is not None else decimals, fmt.kind == "%")


def parse_formats(text: str, where: tuple[str, int]) -> dict[str, tuple[str, int | None]]:
    """'Anteil:%:1, Ausgaben:€:0' -> {'Anteil': ('%', 1), 'Ausgaben': ('€', 0)}."""
    out: dict[str, tuple[str, int | None]] = {}
    sep = "|" if "|" in text else ","
    for entry in (e.strip() for e in text.split(sep) if e.strip()):
        parts = [p.strip() for p in entry.rsplit(":", 2)]
        if len(parts) == 3 and not parts[2].isdigit():  # a name with a colon, kind, no decimals
            parts = [f"{parts[0]}:{parts[1]}", parts[2]]
        if len(parts) < 2:
            raise DataError(Problem(where[0], where[1], (
                f"format entry '{entry}' needs Spalte:Format[:Nachkommastellen]; {EXAMPLE}")))
        name, kind = parts[0], parts[1]
        decimals = parts[2] if len(parts) == 3 else ""
        if kind.isdigit() and not decimals:
            kind, decimals = "", kind
        kind = _ALIASES.get(kind.casefold(), kind)
        if kind not in KINDS:
            raise DataError(Problem(where[0], where[1], (
                f"format '{parts[1]}' for column '{name}' is unknown; use %, €, Tsd., Mio., Mrd. or "
                f"a number of decimals, e.g. {EXAMPLE}")))
        if decimals and (not decimals.isdigit() or int(decimals) > 6):
            raise DataError(Problem(where[0], where[1], (
                f"decimals '{decimals}' for column '{name}' must be a whole number from 0 to 6")))
        out[name] = (kind, int(decimals) if decimals else None)
    return out
