"""Find the table in a grid: a plain CSV's first row names the columns; an export of official
statistics (GENESIS-Online, Regionaldatenbank, the Länder offices, which share the format)
has title lines above the table, a label row and a unit row, and a separator line with
„Quelle: …“ and „Stand: …“ below it. Both are read without configuration; skip=,
header-rows= and footer= say it where the guess is wrong."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from papier.data.datatable import DataTable, Layout
from papier.data.grid import Cell, CellFormat, Grid, column_letter
from papier.data.numbers import Number, parse_number
from papier.data.symbols import bracketed, symbol
from papier.errors import DataError, Problem

READ_OPTIONS = ("sheet", "range", "skip", "header-rows", "footer")
_SEPARATOR = re.compile(r"^[_\-=–—*]{3,}$")
_FOOTER = re.compile(r"^(quelle|stand\b|©|\(c\)|copyright|zeichenerkl|fu(ß|ss)note|anmerkung|"
                     r"hinweis|erläuterung|source|as of|status\b)", re.I)
_TABLE_CODE = re.compile(r"^(genesis-)?tabelle\s*:?\s*\d[\w.-]*\s*$", re.I)
_UNIT_LABELS = ("einheit", "maßeinheit", "unit", "units")
_RANGE = re.compile(r"^([A-Za-z]{1,3})(\d{1,7}):([A-Za-z]{1,3})(\d{1,7})$")


@dataclass(frozen=True)
class ReadOptions:
    sheet: str = ""  # a name or a number (1 is the first sheet)
    range: str = ""  # "B4:F20"
    skip: int | None = None  # lines above the table to leave out
    header_rows: int | None = None
    footer: int | None = None  # lines below the table to leave out

    @property
    def key(self) -> tuple[str, str, int | None, int | None, int | None]:
        return (self.sheet, self.range, self.skip, self.header_rows, self.footer)


PLAIN = ReadOptions()  # found, not configured


def read_options(kvs: dict[str, str], where: tuple[str, int]) -> ReadOptions:
    """The reading options of a block; DataError naming the chapter line for a bad one."""

    def count(name: str, low: int, high: int, example: str) -> int | None:
        text = kvs.get(name, "").strip()
        if not text:
            return None
        if not text.isdigit() or not low <= int(text) <= high:
            raise DataError(Problem(where[0], where[1], (
                f"{name}=\"{text}\" must be a whole number from {low} to {high}, e.g. {name}=\"{example}\"")))
        return int(text)

    area = kvs.get("range", "").strip().replace("$", "")
    if area and not _RANGE.match(area):
        raise DataError(Problem(where[0], where[1], (
            f"range=\"{area}\" is not a cell range; write the top-left and bottom-right cell, "
            "e.g. range=\"B4:F20\"")))
    return ReadOptions(kvs.get("sheet", "").strip(), area.upper(), count("skip", 0, 1000, "3"),
                       count("header-rows", 1, 4, "2"), count("footer", 0, 1000, "2"))


def parse_range(area: str) -> tuple[str, int, str, int]:
    match = _RANGE.match(area)
    assert match is not None
    return match[1].upper(), int(match[2]), match[3].upper(), int(match[4])


def _filled(row: list[Cell]) -> list[int]:
    return [i for i, c in enumerate(row) if c.text.strip() or c.number is not None]


def _width(row: list[Cell]) -> int:
    filled = _filled(row)
    return filled[-1] + 1 if filled else 0


def _first(row: list[Cell]) -> str:
    filled = _filled(row)
    return row[filled[0]].text.strip() if filled else ""


def _is_separator(row: list[Cell]) -> bool:
    texts = [row[i].text.strip() for i in _filled(row)]
    return bool(texts) and all(_SEPARATOR.match(t) for t in texts)


def _is_footer(row: list[Cell]) -> bool:
    return len(_filled(row)) == 1 and bool(_FOOTER.match(_first(row)))


def _is_value(cell: Cell, decimal: str) -> bool:
    text = cell.text.strip()
    return cell.number is not None or (bool(text) and (
        symbol(text) is not None or parse_number(text, decimal) is not None
        or bracketed(text, decimal) is not None))


def _is_unit_row(row: list[Cell], data: list[Cell] | None, decimal: str) -> bool:
    """GENESIS's second header row: units (Anzahl, %, EUR) over the value columns, nothing
    (or „Einheit“) over the label columns, no numbers; the row below holds values under them."""
    filled = _filled(row)
    if not filled or data is None:
        return False
    if filled[0] == 0:
        if row[0].text.strip().casefold() not in _UNIT_LABELS:
            return False
        filled = filled[1:]
    if any(_is_value(row[i], decimal) for i in filled):
        return False
    return any(i < len(data) and _is_value(data[i], decimal) for i in filled)


def _source(lines: list[str]) -> str:
    """„Quelle: X“, „(C)opyright X | Stand: Y“ -> „X; Stand: Y“."""
    parts: list[str] = []
    for line in lines:
        for piece in (p.strip() for p in line.split(" | ")):
            folded = piece.casefold()
            if folded.startswith(("quelle", "source")):
                piece = piece.split(":", 1)[-1].strip() if ":" in piece else piece[6:].strip()
            elif folded.startswith(("(c)opyright", "copyright")):
                piece = re.sub(r"^\(?c\)?opyright\s*", "", piece, flags=re.I)
            elif folded.startswith("©"):
                piece = piece[1:].strip()
            elif not folded.startswith(("stand", "as of", "status")):
                continue
            if piece and piece not in parts:
                parts.append(piece)
    return "; ".join(parts)


class _Finder:
    def __init__(self, grid: Grid, options: ReadOptions, shown: str) -> None:
        self.grid = grid
        self.options = options
        self.shown = shown

    def at(self, k: int) -> str:
        """How messages name row *k* of the grid: its line, or its row in the sheet."""
        return f"line {self.grid.lines[k]}" if self.grid.kind == "csv" else f"row {self.grid.lines[k]}"

    def problem(self, k: int, message: str) -> DataError:
        if self.grid.kind == "csv":
            return DataError(Problem(self.shown, self.grid.lines[k], message))
        return DataError(Problem(self.shown, 0, f"sheet '{self.grid.sheet}', row {self.grid.lines[k]}: "
                                 f"{message}"))

    def find(self) -> tuple[int, int, int, int]:
        """(first header row, data start, data end, footer start) as grid indexes."""
        rows, opts = self.grid.rows, self.options
        start = 0
        if opts.skip is not None:
            start = next((k for k, line in enumerate(self.grid.lines)
                          if line >= self.grid.first_line + opts.skip),
                         len(rows))
        if start >= len(rows):
            raise DataError(Problem(self.shown, 0, (
                f"has no rows left after skip={opts.skip}; use a smaller skip")))
        if opts.skip is None:  # title lines: the rows above the first one as wide as the table
            widths = Counter(_width(row) for row in rows if len(_filled(row)) > 1)
            wide = widths.most_common(1)[0][0] if widths else 1
            start = next((k for k in range(len(rows)) if len(_filled(rows[k])) > 1
                          and _width(rows[k]) >= wide and not _is_separator(rows[k])), 0)
        end = len(rows)
        if opts.footer is not None:
            end = len(rows) - opts.footer
            if end <= start:
                raise DataError(Problem(self.shown, 0, (
                    f"has no rows left for the table after footer={opts.footer}; use a smaller footer")))
        else:
            for k in range(start + 1, len(rows)):
                if _is_separator(rows[k]) or _is_footer(rows[k]):
                    end = k
                    break
            else:
                last = max((k for k in range(start, len(rows)) if len(_filled(rows[k])) > 1), default=start)
                if last + 1 < len(rows) and start > 0:
                    end = last + 1  # single lines after the table, in a file with a title
        header = opts.header_rows
        if header is None:
            after = rows[start + 2] if start + 2 < end else None
            header = 2 if start + 1 < end and _is_unit_row(rows[start + 1], after, self.grid.decimal) else 1
        if start + header > end:
            raise self.problem(start, (
                f"the table has {end - start} row(s), fewer than header-rows={header}; "
                "give a smaller header-rows"))
        return start, start + header, end, end


def table_from_grid(grid: Grid, path: Path, shown: str, options: ReadOptions = PLAIN) -> DataTable:
    """The DataTable in *grid*; DataError (file and line, or sheet and cell) for what the
    author must fix."""
    if not grid.rows:
        where = f"sheet '{grid.sheet}' " if grid.kind != "csv" else ""
        raise DataError(Problem(shown, 1 if grid.kind == "csv" else 0, (
            f"{where}is empty; the first row names the columns")))
    finder = _Finder(grid, options, shown)
    start, body, end, footer = finder.find()
    rows = grid.rows
    official = start > 0 or footer < len(rows) or body - start > 1
    label_rows = list(range(start, body))
    unit_row: int | None = None
    if body - start > 1:
        after = rows[body] if body < end else None
        if _is_unit_row(rows[body - 1], after, grid.decimal) or options.header_rows is None:
            unit_row = body - 1
            label_rows = label_rows[:-1]
    width = max(1, *(_width(rows[k]) for k in range(start, body))) if official else len(rows[start])
    names = _names(finder, label_rows, width, official)
    units = [rows[unit_row][i].text.strip() if unit_row is not None and i < len(rows[unit_row]) else ""
             for i in range(width)]
    names = _unique(finder, start, names, units)
    texts: list[list[str]] = []
    typed: list[list[Number | None]] = []
    refs: list[list[str]] = []
    lines: list[int] = []
    fmts: list[list[CellFormat]] = [[] for _ in range(width)]
    for k in range(body, end):
        row = rows[k]
        if _width(row) > width or (not official and grid.kind == "csv" and len(row) != len(rows[start])):
            first = "the first row" if start == 0 else f"the header row ({finder.at(start)})"
            raise finder.problem(k, (
                f"this row has {len(row) if not official else _width(row)} fields, {first} "
                f"{len(rows[start]) if not official else width}; a '{grid.delimiter or ';'}' inside a "
                "cell needs quotes around the cell"))
        cells = row[:width] + [Cell("")] * (width - len(row))
        texts.append([c.text.strip() for c in cells])
        typed.append([c.number for c in cells])
        refs.append([f"{column_letter(grid.first_column + i)}{grid.lines[k]}" for i in range(width)])
        lines.append(grid.lines[k])
        for i, c in enumerate(cells):
            if c.fmt is not None and c.number is not None:
                fmts[i].append(c.fmt)
    formats = [Counter(f).most_common(1)[0][0] if f else None for f in fmts]
    title_lines = [] if options.skip is not None else [k for k in range(start) if not _is_separator(rows[k])]
    titles = [" ".join(rows[k][i].text.strip() for i in _filled(rows[k])) for k in title_lines]
    footer_texts = [" ".join(rows[k][i].text.strip() for i in _filled(rows[k]))
                    for k in range(footer, len(rows))]
    layout = Layout([grid.lines[k] for k in title_lines], [grid.lines[k] for k in range(start, body)],
                    grid.lines[unit_row] if unit_row is not None else None,
                    [grid.lines[k] for k in range(footer, len(rows))], options.skip or 0)
    workbook = grid.kind != "csv"
    if workbook:
        last = grid.lines[end - 1] if end > body else grid.lines[body - 1]
        layout.area = (f"{column_letter(grid.first_column)}{grid.lines[start]}:"
                       f"{column_letter(grid.first_column + width - 1)}{last}")
    return DataTable(path, shown, names, texts, lines, grid.delimiter, grid.decimal, grid.encoding,
                     units=units, kind=grid.kind, sheet=grid.sheet, refs=refs if workbook else None,
                     typed=typed if workbook else None, formats=formats,
                     title=", ".join(t for t in titles if not _TABLE_CODE.match(t)),
                     source=_source(footer_texts), layout=layout, sheets=grid.sheets,
                     macros=grid.macros)


def _names(finder: _Finder, label_rows: list[int], width: int, official: bool) -> list[str]:
    """Column names from the label row(s): an upper row's label carries on to the right over
    the empty cells after it (a group), and goes before the lower row's label."""
    rows = finder.grid.rows
    names = [""] * width
    for k in label_rows:
        current = ""
        lower = k == label_rows[-1]
        for i in range(width):
            text = rows[k][i].text.strip() if i < len(rows[k]) else ""
            if not lower:
                current = text or current
                text = current
            names[i] = f"{names[i]} {text}".strip() if text else names[i]
    for i, name in enumerate(names):
        if not name:
            if not official:
                raise finder.problem(label_rows[-1] if label_rows else 0, (
                    f"column {i + 1} has no heading; give every column a name in the first row"))
            names[i] = f"Spalte {i + 1}"
    return names


def _unique(finder: _Finder, start: int, names: list[str], units: list[str]) -> list[str]:
    """Names that appear twice are told apart by their units, if that helps."""
    counts = Counter(names)
    out = [f"{n} ({u})" if counts[n] > 1 and u else n for n, u in zip(names, units, strict=True)]
    for i, name in enumerate(out):
        if out.index(name) != i:
            raise finder.problem(start, (
                f"the heading '{name}' appears twice; column names must be unique (give the "
                "columns different names, or header-rows=\"2\" if a row above the names groups them)"))
    return out
