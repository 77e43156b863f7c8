"""One table of data as tables, charts and numbers use it: named columns, rows of text, and
for every cell where it came from (CSV line, or sheet and cell), so that every message and
every reviewer's edit of a generated number can name its place in the file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from papier.data.grid import CellFormat
from papier.data.numbers import Number, parse_number
from papier.data.symbols import UNKNOWN, bracketed, symbol
from papier.errors import DataError, Problem


@dataclass
class Layout:
    """Where papier found the parts of an official-statistics file (for papier data inspect)."""

    title_lines: list[int] = field(default_factory=list)
    header_lines: list[int] = field(default_factory=list)
    unit_line: int | None = None
    footer_lines: list[int] = field(default_factory=list)
    skipped: int = 0  # lines left out by skip=
    area: str = ""  # the cells read in a workbook, like "B4:F20"


@dataclass
class DataTable:
    path: Path
    shown: str  # the path as messages show it
    header: list[str]
    rows: list[list[str]]
    lines: list[int]  # line number (CSV) or row number (sheet) of each row
    delimiter: str
    decimal: str  # "," or "."
    encoding: str
    units: list[str] = field(default_factory=list)  # per column; "" without a unit
    kind: str = "csv"  # csv, xlsx, ods
    sheet: str = ""
    refs: list[list[str]] | None = None  # a workbook's cell references ("C12") per row
    typed: list[list[Number | None]] | None = None  # a workbook's numeric values
    formats: list[CellFormat | None] = field(default_factory=list)  # per column, from the workbook
    title: str = ""  # the title lines above the table (caption="auto")
    source: str = ""  # „Quelle: …“ and „Stand: …“ below the table, as one note
    layout: Layout = field(default_factory=Layout)
    sheets: list[str] = field(default_factory=list)  # every sheet of the workbook
    macros: bool = False  # the workbook has macros (read for values only, never run)
    _numbers: dict[str, list[Number | None]] = field(default_factory=dict)
    _marks: dict[str, list[str]] = field(default_factory=dict)  # symbol or "()" per row, "" for none

    def __post_init__(self) -> None:
        if not self.units:
            self.units = [""] * len(self.header)
        if not self.formats:
            self.formats = [None] * len(self.header)

    # -- columns ------------------------------------------------------------------------------

    def heading(self, index: int) -> str:
        """The column's name with its unit: „Plätze (Anzahl)“."""
        unit = self.units[index]
        return f"{self.header[index]} ({unit})" if unit else self.header[index]

    def column_index(self, name: str, where: tuple[str, int] | None = None) -> int:
        """Index of column *name* (or „name (unit)“); DataError naming *where* (the chapter)
        if it is missing."""
        wanted = name.strip()
        for i, column in enumerate(self.header):
            if wanted in (column, self.heading(i)):
                return i
        folded = [c for c in self.header if c.casefold() == wanted.casefold()]
        hint = f"did you mean '{folded[0]}'? " if folded else ""
        path, line = where or (self.shown, 1)
        raise DataError(Problem(path, line, (
            f"column '{wanted}' is not in {self.shown}; {hint}its columns are: "
            + ", ".join(f"'{c}'" for c in self.header))))

    # -- where a cell is ----------------------------------------------------------------------

    def cell_ref(self, row: int, col: int) -> str:
        return self.refs[row][col] if self.refs is not None else ""

    def problem(self, row: int, col: int, message: str) -> Problem:
        """A problem at one cell: the CSV's line, or the sheet and cell of a workbook."""
        if self.refs is None:
            return Problem(self.shown, self.lines[row], message)
        return Problem(self.shown, 0, f"sheet '{self.sheet}', cell {self.cell_ref(row, col)}: {message}")

    def origin(self, src: str, row: int, col: int) -> dict[str, Any]:
        """Where a generated table cell comes from, for the comment matrix."""
        out: dict[str, Any] = {"src": src, "line": self.lines[row], "column": self.header[col]}
        if self.refs is not None:
            out.update(sheet=self.sheet, cell=self.cell_ref(row, col))
        return out

    # -- numbers ------------------------------------------------------------------------------

    def numbers(self, name: str, where: tuple[str, int] | None = None) -> list[Number | None]:
        """The column as numbers: None for empty cells and special values (–, ., x, …, /);
        DataError at the first cell that is not a number, with its file and line or cell."""
        if name in self._numbers:
            return self._numbers[name]
        index = self.column_index(name, where)
        out: list[Number | None] = []
        marks: list[str] = []
        for r, row in enumerate(self.rows):
            cell = row[index]
            typed = self.typed[r][index] if self.typed is not None else None
            mark = ""
            number: Number | None = None
            if typed is not None:
                number = typed
            elif not cell.strip():
                pass
            elif (special := symbol(cell)) is not None:
                mark = special
            elif (uncertain := bracketed(cell, self.decimal)) is not None:
                number, mark = uncertain, "()"
            else:
                number = parse_number(cell, self.decimal)
                if number is None:
                    example = "1.234,5" if self.decimal == "," else "1234.5"
                    raise DataError(self.problem(r, index, (
                        f"'{cell}' in column '{self.header[index]}' is not a number; write digits "
                        f"with '{self.decimal}' as decimal separator (e.g. {example}), a special "
                        "value of official statistics (–, ., x, …, /), or leave the cell empty")))
            out.append(number)
            marks.append(mark)
        self._numbers[name] = out
        self._marks[name] = marks
        return out

    def marks(self, name: str, where: tuple[str, int] | None = None) -> list[str]:
        """Per row the special value ('–', '.', 'x', '…', '/'), '()' for a bracketed number,
        or ''."""
        self.numbers(name, where)
        return self._marks[name]

    def unknown(self, name: str, rows: list[int] | None = None) -> list[int]:
        """The rows (of *rows*) whose value is unknown: a sum over them is incomplete."""
        marks = self.marks(name)
        return [i for i in (rows if rows is not None else range(len(marks))) if marks[i] in UNKNOWN]

    def floats(self, name: str, where: tuple[str, int] | None = None) -> list[float | None]:
        return [n.value if n is not None else None for n in self.numbers(name, where)]

    def is_years(self, name: str) -> bool:
        """A column of years (2019, 2020, …): labels, never written as 2.019."""
        index = self.column_index(name)
        cells = [row[index].strip() for row in self.rows if row[index].strip()]
        return bool(cells) and all(c.isdigit() and len(c) == 4 and 1800 <= int(c) <= 2200 for c in cells)

    def fmt(self, name: str) -> CellFormat | None:
        return self.formats[self.column_index(name)]

    def decimals(self, name: str, where: tuple[str, int] | None = None) -> int:
        """The workbook's number format, else the most digits after the decimal separator in
        the column, as the file writes them."""
        fmt = self.formats[self.column_index(name, where)]
        if fmt is not None and fmt.decimals is not None:
            return fmt.decimals
        written = max((n.decimals for n in self.numbers(name, where) if n is not None), default=0)
        if fmt is not None and fmt.kind == "%":
            return max(written - 2, 0)  # 0.125 is 12.5 %
        return written

    def is_numeric(self, name: str) -> bool:
        """Every non-empty cell is a number or a special value, and there is a number."""
        self.column_index(name)  # a missing column is an error, not "not numeric"
        try:
            return any(n is not None for n in self.numbers(name))
        except DataError:
            return False
