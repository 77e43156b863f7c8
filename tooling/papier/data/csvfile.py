"""CSV files as Excel, LibreOffice and the statistical offices write them: the encoding and
the delimiter are found, not configured; every row keeps its line number for messages."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

from papier.data.datatable import DataTable
from papier.data.grid import Cell, Grid
from papier.data.layout import PLAIN, ReadOptions, table_from_grid
from papier.errors import DataError, Problem

__all__ = ["DELIMITERS", "DataError", "DataTable", "csv_grid", "read_csv"]

DELIMITERS = ";,\t|"


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
            "Speichern unter > „CSV UTF-8 (durch Trennzeichen getrennt)“, or name the "
            "workbook .xlsx and use it as it is")))
    else:
        encodings = ["utf-8", "cp1252"]  # cp1252: what Excel on Windows and GENESIS write as "CSV"
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
    """The delimiter that splits most of the first lines into the same number (> 1) of
    fields: title lines above a table (official statistics) do not count against it."""
    sample = [line for line in text.splitlines()[:40] if line.strip()]
    best, best_score = ";", (0, 0)
    for delimiter in DELIMITERS:
        try:
            counts = [len(row) for row in csv.reader(sample, delimiter=delimiter)]
        except csv.Error:
            continue
        common = [(n, c) for n, c in Counter(counts).most_common() if n > 1]
        if not common:
            continue
        fields, lines = common[0]
        score = (lines, fields)
        if score > best_score:
            best, best_score = delimiter, score
    if not best_score[0]:  # nothing splits: the one most frequent in the first line
        header = sample[0] if sample else ""
        best = max(DELIMITERS, key=header.count)
    return best


def csv_grid(path: Path, shown: str) -> Grid:
    """Every non-empty line of *path* as cells; DataError (with file and line) for a file
    that cannot be read as text or as CSV."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DataError(Problem(shown, 0, "does not exist")) from None
    text, encoding = _decode(data, shown)
    delimiter = _sniff(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[Cell]] = []
    lines: list[int] = []
    last = 0
    try:
        for record in reader:
            line, last = last + 1, reader.line_num
            if any(cell.strip() for cell in record):
                rows.append([Cell(cell.strip()) for cell in record])
                lines.append(line)
    except csv.Error as exc:
        raise DataError(Problem(shown, reader.line_num, f"cannot be read as CSV: {exc}")) from None
    decimal = "." if delimiter == "," else ","
    return Grid(rows, lines, "csv", encoding, delimiter, decimal)


def read_csv(path: Path, shown: str, options: ReadOptions = PLAIN) -> DataTable:
    """Read *path*; DataError (with file and line) for anything a user must fix."""
    return table_from_grid(csv_grid(path, shown), path, shown, options)
