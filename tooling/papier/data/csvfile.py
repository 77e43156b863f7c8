"""CSV files as Excel and LibreOffice write them: the encoding and the delimiter are
found, not configured; every row keeps its line number for messages."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from papier.data.numbers import Number, parse_number
from papier.errors import DataError, Problem

DELIMITERS = ";,\t|"


@dataclass
class DataTable:
    path: Path
    shown: str  # the path as messages show it
    header: list[str]
    rows: list[list[str]]
    lines: list[int]  # line number of each row
    delimiter: str
    decimal: str  # "," or "."
    encoding: str
    _numbers: dict[str, list[Number | None]] = field(default_factory=dict)

    def column_index(self, name: str, where: tuple[str, int] | None = None) -> int:
        """Index of column *name*; DataError naming *where* (the chapter) if it is missing."""
        wanted = name.strip()
        for i, column in enumerate(self.header):
            if column == wanted:
                return i
        folded = [c for c in self.header if c.casefold() == wanted.casefold()]
        hint = f"did you mean '{folded[0]}'? " if folded else ""
        path, line = where or (self.shown, 1)
        raise DataError(Problem(path, line, (
            f"column '{wanted}' is not in {self.shown}; {hint}its columns are: "
            + ", ".join(f"'{c}'" for c in self.header))))

    def numbers(self, name: str, where: tuple[str, int] | None = None) -> list[Number | None]:
        """The column as numbers (None for empty cells); DataError at the first cell that is
        not a number, with its file and line."""
        if name in self._numbers:
            return self._numbers[name]
        index = self.column_index(name, where)
        out: list[Number | None] = []
        for row, line in zip(self.rows, self.lines, strict=True):
            cell = row[index]
            if not cell.strip():
                out.append(None)
                continue
            number = parse_number(cell, self.decimal)
            if number is None:
                raise DataError(Problem(self.shown, line, (
                    f"'{cell}' in column '{self.header[index]}' is not a number; write digits "
                    f"with '{self.decimal}' as decimal separator (e.g. "
                    f"{'1.234,5' if self.decimal == ',' else '1234.5'}), or leave the cell empty")))
            out.append(number)
        self._numbers[name] = out
        return out

    def floats(self, name: str, where: tuple[str, int] | None = None) -> list[float | None]:
        return [n.value if n is not None else None for n in self.numbers(name, where)]

    def is_years(self, name: str) -> bool:
        """A column of years (2019, 2020, …): labels, never written as 2.019."""
        index = self.column_index(name)
        cells = [row[index].strip() for row in self.rows if row[index].strip()]
        return bool(cells) and all(c.isdigit() and len(c) == 4 and 1800 <= int(c) <= 2200 for c in cells)

    def decimals(self, name: str, where: tuple[str, int] | None = None) -> int:
        """The most digits after the decimal separator in the column, as the file writes them."""
        return max((n.decimals for n in self.numbers(name, where) if n is not None), default=0)

    def is_numeric(self, name: str) -> bool:
        """Every non-empty cell is a number, and there is at least one."""
        self.column_index(name)  # a missing column is an error, not "not numeric"
        try:
            return any(n is not None for n in self.numbers(name))
        except DataError:
            return False


def _decode(data: bytes, shown: str) -> tuple[str, str]:
    skip = 0
    if data.startswith(b"\xef\xbb\xbf"):  # "CSV UTF-8" from Excel: the BOM says UTF-8, nothing else
        skip, encodings = 3, ["utf-8"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]  # Excel's "Unicode text"
    elif b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise DataError(Problem(shown, line, (
            "is not a text file (an Excel workbook saved as .csv?); in Excel choose "
            "Speichern unter > „CSV UTF-8 (durch Trennzeichen getrennt)“")))
    else:
        encodings = ["utf-8", "cp1252"]  # cp1252: what Excel on Windows writes as "CSV"
    error: UnicodeDecodeError | None = None
    for encoding in encodings:
        try:
            return data[skip:].decode(encoding), encoding
        except UnicodeDecodeError as exc:
            error = error or exc
    assert error is not None
    at = error.start + skip
    line = data[:at].count(b"\n") + 1
    raise DataError(Problem(shown, line, (
        f"cannot be decoded (byte 0x{data[at]:02x} is neither UTF-8 nor Windows-1252); "
        "save it as „CSV UTF-8“")))


def _sniff(text: str) -> str:
    """The delimiter that splits the first lines into the same number (> 1) of fields."""
    sample = [line for line in text.splitlines()[:20] if line.strip()]
    best, best_fields = ";", 0
    for delimiter in DELIMITERS:
        counts = {len(row) for row in csv.reader(sample, delimiter=delimiter)}
        if len(counts) == 1 and (fields := counts.pop()) > max(best_fields, 1):
            best, best_fields = delimiter, fields
    if not best_fields:  # ragged: the one most frequent in the header
        header = sample[0] if sample else ""
        best = max(DELIMITERS, key=header.count)
    return best


def read_csv(path: Path, shown: str) -> DataTable:
    """Read *path*; DataError (with file and line) for anything a user must fix."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DataError(Problem(shown, 0, "does not exist")) from None
    text, encoding = _decode(data, shown)
    delimiter = _sniff(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    last = 0
    try:
        for record in reader:
            line, last = last + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = [cell.strip() for cell in record]
                for i, name in enumerate(header):
                    if not name:
                        raise DataError(Problem(shown, line, (
                            f"column {i + 1} has no heading; give every column a name in the first row")))
                    if header.index(name) != i:
                        raise DataError(Problem(shown, line, (
                            f"the heading '{name}' appears twice; column names must be unique")))
                continue
            if len(record) != len(header):
                raise DataError(Problem(shown, line, (
                    f"this row has {len(record)} fields, the first row {len(header)}; a "
                    f"'{delimiter}' inside a cell needs quotes around the cell")))
            rows.append([cell.strip() for cell in record])
            lines.append(line)
    except csv.Error as exc:
        raise DataError(Problem(shown, reader.line_num, f"cannot be read as CSV: {exc}")) from None
    if header is None:
        raise DataError(Problem(shown, 1, "is empty; the first row names the columns"))
    decimal = "." if delimiter == "," else ","
    return DataTable(path, shown, header, rows, lines, delimiter, decimal, encoding)
