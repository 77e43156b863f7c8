"""A data file as it is before papier finds the table in it: rows of cells, each cell with
where it is (CSV line, or sheet and cell) and, for workbooks, its typed value and format."""

from __future__ import annotations

from dataclasses import dataclass, field

from papier.data.numbers import Number


@dataclass(frozen=True)
class CellFormat:
    """A workbook cell's number format, as far as a table needs it."""

    kind: str = ""  # "", "%" (the value is a fraction: 0.125 is 12,5 %), "€"
    decimals: int | None = None  # None: as many as the value has ("Standard"/"General")


@dataclass
class Cell:
    text: str  # as written (CSV), or the value as text (workbook)
    number: Number | None = None  # a workbook's numeric value (CSV numbers are parsed from text)
    fmt: CellFormat | None = None
    ref: str = ""  # "C12" in a workbook, "" in a CSV


@dataclass
class Grid:
    """Every non-empty row of one CSV file or one sheet, with its line or row number."""

    rows: list[list[Cell]]
    lines: list[int]
    kind: str  # csv, xlsx, ods
    encoding: str = ""
    delimiter: str = ""
    decimal: str = ","
    sheet: str = ""  # the sheet read
    sheets: list[str] = field(default_factory=list)  # every sheet of the workbook
    macros: bool = False  # an .xlsm/.ods with macros: read for values only, never run
    first_column: int = 0  # empty columns left of the table, left out (a table at B4)
    first_line: int = 1  # the line or row skip= counts from (the first row of range=)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def column_index(letters: str) -> int:
    """A -> 0, AA -> 26."""
    value = 0
    for char in letters.upper():
        value = value * 26 + ord(char) - 64
    return value - 1
