"""Workbooks as authors have them: Excel (.xlsx, .xlsm) and LibreOffice Calc (.ods).

Numbers are the cells' values, not their display; a formula's value is the one the program
saved with it (papier never computes a formula and never runs a macro). Each cell's number
format (decimals, %, €) goes with it, so a column can be shown as the workbook shows it.

Why openpyxl for .xlsx: already a dependency (the comment matrix), reads cached values
(data_only) and number formats in read-only mode without loading the whole file at once.
Why no library for .ods: a spreadsheet in OpenDocument stores each cell's type and value as
attributes (office:value-type="percentage" office:value="0.125") and its format as a small
style; python-calamine gives values only (no percent, no currency, no decimals) and odfpy
builds a slow DOM of the whole file, so the hardened ODF opener papier has for returned
.odt files (caps on what is unpacked, no DTDs) and lxml read it in about 150 lines.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from papier.data.grid import Cell, CellFormat, Grid, column_index, column_letter
from papier.data.layout import ReadOptions, parse_range
from papier.data.numbers import Number
from papier.errors import DataError, Problem, UnreadableFile
from papier.ooxml.package import MAX_PART, PARSER, checked_xml, entries, read_part

MAX_BYTES = 100 * 1024 * 1024
MAX_COLUMNS = 16384  # Excel's last column, XFD
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
NUMBER = "urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
MANIFEST = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
_DECIMALS = re.compile(r"\.([0#?]+)")
_QUOTED = re.compile(r'"[^"]*"|\\.')


def _fail(shown: str, message: str) -> DataError:
    return DataError(Problem(shown, 0, message))


def _bytes(path: Path, shown: str) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _fail(shown, f"is larger than {MAX_BYTES // 2**20} MB; save only the sheet the "
                        "paper needs in a workbook of its own")
        return path.read_bytes()
    except FileNotFoundError:
        raise _fail(shown, "does not exist") from None
    except OSError as exc:
        raise _fail(shown, f"cannot be read ({exc.strerror})") from None


def _refuse_other(data: bytes, shown: str, program: str) -> None:
    """One line for a file that is not a workbook papier reads."""
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise _fail(shown, (
                f"is password-protected (encrypted); papier cannot read it. In {program} save a "
                "copy without a password (Datei › Informationen › Arbeitsmappe schützen › Mit "
                "Kennwort verschlüsseln: Kennwort löschen; Calc: Speichern unter, „Mit Kennwort "
                "speichern“ aus) and use that copy"))
        raise _fail(shown, (
            "is an old Excel 97-2003 workbook (.xls); open it and save it as "
            "„Excel-Arbeitsmappe (*.xlsx)“"))
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise _fail(shown, (
            f"is not a workbook (no zip package); open it in {program} and save it again as "
            ".xlsx or .ods, or as CSV with a .csv name"))


# -- sheets ----------------------------------------------------------------------------------

def _pick(names: list[str], wanted: str, shown: str) -> int | None:
    """The index of sheet *wanted* (a name or 1, 2, …); None: let the table decide."""
    if not wanted:
        return None
    if wanted.isdigit() and 1 <= int(wanted) <= len(names) and wanted not in names:
        return int(wanted) - 1
    for i, name in enumerate(names):
        if name == wanted or name.casefold() == wanted.casefold():
            return i
    raise _fail(shown, (
        f"has no sheet '{wanted}'; its sheets are: " + ", ".join(f"'{n}'" for n in names)
        + " (sheet= takes a name or a number, 1 for the first)"))


def _has_table(rows: list[list[Cell]]) -> bool:
    return sum(1 for row in rows if sum(1 for c in row if c.text) > 1) >= 2


def _choose(names: list[str], wanted: str, shown: str,
            read: Any) -> tuple[int, list[list[Cell]], list[int]]:
    """The sheet asked for, or the first with a table on it (a sheet of notes has none)."""
    index = _pick(names, wanted, shown)
    if index is not None:
        return (index, *read(index))
    for i in range(len(names)):
        rows, lines = read(i)
        if _has_table(rows):
            return i, rows, lines
    return (0, *read(0))


def _trim(rows: list[list[Cell]], lines: list[int]) -> tuple[list[list[Cell]], list[int], int]:
    """Leave out empty rows, and the empty columns left of the table (a table at B4)."""
    kept = [(row, line) for row, line in zip(rows, lines, strict=True) if any(c.text for c in row)]
    lead = min((next(i for i, c in enumerate(row) if c.text) for row, _ in kept), default=0)
    return [row[lead:] for row, _ in kept], [line for _, line in kept], lead


# -- values ----------------------------------------------------------------------------------

def _text_of(value: float) -> str:
    """A number as plain text (filters, years): 2019, 0.125."""
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(round(value, 10))


def _written_decimals(value: float) -> int:
    if float(value).is_integer():
        return 0
    text = repr(round(value, 10))
    return len(text.split(".", 1)[1]) if "." in text and "e" not in text else 0


def _number_cell(value: float, fmt: CellFormat, ref: str) -> Cell:
    decimals = fmt.decimals if fmt.decimals is not None else _written_decimals(value)
    return Cell(_text_of(value), Number(float(value), decimals), fmt, ref)


def excel_format(code: str) -> CellFormat:
    """Excel's number format code -> kind and decimals: '0.0%' -> (%, 1),
    '#,##0 [$€-407]' -> (€, 0), 'General' -> ('', None)."""
    section = code.split(";", 1)[0]
    if section.strip().lower() in ("general", "standard", ""):
        return CellFormat()
    plain = _QUOTED.sub(lambda m: m.group(0) if "€" in m.group(0) else "", section)
    kind = "%" if "%" in plain else "€" if ("€" in plain or "EUR" in plain) else ""
    found = _DECIMALS.search(re.sub(r"\[[^\]]*\]", "", plain))
    return CellFormat(kind, len(found.group(1)) if found else 0)


# -- xlsx ------------------------------------------------------------------------------------

def _xlsx_rows(sheet: Any, area: str) -> tuple[list[list[Cell]], list[int]]:
    bounds: dict[str, int] = {}
    if area:
        c1, r1, c2, r2 = parse_range(area)
        bounds = {"min_row": r1, "max_row": r2, "min_col": column_index(c1) + 1,
                  "max_col": column_index(c2) + 1}
    rows: list[list[Cell]] = []
    lines: list[int] = []
    for row in sheet.iter_rows(**bounds):
        cells: list[Cell] = []
        line = 0
        for cell in row:
            if not hasattr(cell, "column") or cell.column is None:  # an EmptyCell in read-only mode
                cells.append(Cell(""))
                continue
            line = cell.row
            ref = f"{column_letter(cell.column - 1)}{cell.row}"
            value = cell.value
            if isinstance(value, bool):
                cells.append(Cell("ja" if value else "nein", ref=ref))
            elif isinstance(value, int | float):
                cells.append(_number_cell(float(value), excel_format(cell.number_format or ""), ref)
                             if math.isfinite(value) else Cell(str(value), ref=ref))
            elif isinstance(value, dt.datetime | dt.date):
                cells.append(Cell(value.strftime("%d.%m.%Y"), ref=ref))
            elif value is None:
                cells.append(Cell("", ref=ref))
            else:
                cells.append(Cell(str(value).strip(), ref=ref))
        if cells:
            rows.append(cells)
            lines.append(line or (lines[-1] + 1 if lines else 1))
    return rows, lines


def _uncached(data: bytes, sheet_index: int, rows: list[list[Cell]], shown: str, sheet: str) -> None:
    """A formula without a saved value (a workbook written by a program, never opened in
    Excel or Calc) is refused: papier does not compute formulas."""
    import openpyxl  # noqa: PLC0415 - lazy: openpyxl takes 0.2 s to import, only for workbooks

    empty = {c.ref for row in rows for c in row if c.ref and not c.text}
    if not empty:
        return
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        for row in book.worksheets[sheet_index].iter_rows():
            for cell in row:
                ref = f"{column_letter(cell.column - 1)}{cell.row}" if getattr(cell, "column", None) else ""
                if ref in empty and isinstance(cell.value, str) and cell.value.startswith("="):
                    raise _fail(shown, (
                        f"sheet '{sheet}', cell {ref}: the formula {cell.value[:60]} has no saved value "
                        "(the file was written by a program, not saved by Excel or Calc); open it in "
                        "Excel or LibreOffice Calc and save it, so that the values are stored with "
                        "the formulas"))
    finally:
        book.close()


def xlsx_grid(path: Path, shown: str, options: ReadOptions) -> Grid:
    import openpyxl  # noqa: PLC0415 - lazy: openpyxl takes 0.2 s to import, only for workbooks

    data = _bytes(path, shown)
    _refuse_other(data, shown, "Excel")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
    if "xl/workbook.xml" not in names:
        raise _fail(shown, "is a zip file but not an Excel workbook; open it in Excel and save it as .xlsx")
    macros = "xl/vbaProject.bin" in names
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_vba=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise _fail(shown, f"cannot be read as a workbook ({type(exc).__name__}: {str(exc)[:120]}); "
                    "open it in Excel and save it again") from None
    try:
        sheets = list(book.sheetnames)
        index, rows, lines = _choose(sheets, options.sheet, shown,
                                     lambda i: _xlsx_rows(book.worksheets[i], options.range))
    except DataError:
        raise
    except Exception as exc:  # read-only mode reads the sheets lazily: damage shows only here
        raise _fail(shown, f"cannot be read as a workbook ({type(exc).__name__}: {str(exc)[:120]}); "
                    "open it in Excel and save it again") from None
    finally:
        book.close()
    _uncached(data, index, rows, shown, sheets[index])
    rows, lines, lead = _trim(rows, lines)
    return Grid(rows, lines, "xlsx", sheet=sheets[index], sheets=sheets, macros=macros,
                first_column=lead + _range_column(options.range),
                first_line=parse_range(options.range)[1] if options.range else 1)


# -- ods -------------------------------------------------------------------------------------

def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def _ods_parts(data: bytes, shown: str) -> tuple[etree._Element, list[etree._Element], bool]:
    try:
        infos = entries(data, shown)
        by_name = {info.filename: info for info in infos}
        if "mimetype" not in by_name or "content.xml" not in by_name:
            raise _fail(shown, "is a zip file but not an OpenDocument spreadsheet; open it in "
                        "LibreOffice Calc and save it as .ods")
        mimetype = read_part(data, by_name["mimetype"], shown, 256).decode("ascii", "replace").strip()
        if mimetype != ODS_MIME:
            raise _fail(shown, f"is an OpenDocument file of type {mimetype[:80]!r}, not a spreadsheet; "
                        "save the table in LibreOffice Calc as .ods")
        if "META-INF/manifest.xml" in by_name:
            manifest = etree.fromstring(checked_xml(read_part(
                data, by_name["META-INF/manifest.xml"], shown, MAX_PART), "manifest", shown), PARSER)
            if manifest.find(f".//{_q(MANIFEST, 'encryption-data')}") is not None:
                raise _fail(shown, (
                    "is password-protected (encrypted); papier cannot read it. In LibreOffice Calc "
                    "save a copy without a password (Datei › Speichern unter, „Mit Kennwort "
                    "speichern“ aus) and use that copy"))
        macros = any(name.startswith(("Basic/", "Scripts/")) for name in by_name)
        roots = [etree.fromstring(checked_xml(read_part(data, by_name[name], shown, MAX_PART), name, shown),
                                  PARSER) for name in ("content.xml", "styles.xml") if name in by_name]
    except UnreadableFile as exc:
        raise _fail(shown, str(exc).removeprefix(f"{shown}: ")) from None
    except etree.XMLSyntaxError as exc:
        raise _fail(shown, f"is damaged ({exc}); open it in LibreOffice Calc and save it again") from None
    return roots[0], roots, macros


def _ods_formats(roots: list[etree._Element]) -> dict[str, CellFormat]:
    """Cell style name -> the format of its data style."""
    data_styles: dict[str, CellFormat] = {}
    for root in roots:
        for tag, kind in (("number-style", ""), ("percentage-style", "%"), ("currency-style", "€")):
            for el in root.iter(_q(NUMBER, tag)):
                number = el.find(_q(NUMBER, "number"))
                places = number.get(_q(NUMBER, "decimal-places")) if number is not None else None
                symbol = "".join(el.findtext(_q(NUMBER, "currency-symbol")) or "")
                data_styles[el.get(_q(STYLE, "name"), "")] = CellFormat(
                    kind if kind != "€" or "€" in symbol or "EUR" in symbol else "",
                    int(places) if places and places.isdigit() else None)
    out: dict[str, CellFormat] = {}
    for root in roots:
        for el in root.iter(_q(STYLE, "style")):
            if el.get(_q(STYLE, "family")) == "table-cell":
                found = data_styles.get(el.get(_q(STYLE, "data-style-name"), ""))
                if found is not None:
                    out[el.get(_q(STYLE, "name"), "")] = found
    return out


def _inline(el: etree._Element) -> str:
    out = [el.text or ""]
    for child in el:
        if child.tag == _q(TEXT, "s"):
            count = child.get(_q(TEXT, "c"), "1")
            out.append(" " * (int(count) if count.isdigit() else 1))
        elif child.tag == _q(TEXT, "tab"):
            out.append("\t")
        elif child.tag == _q(TEXT, "line-break"):
            out.append("\n")
        elif child.tag != _q(OFFICE, "annotation"):
            out.append(_inline(child))
        out.append(child.tail or "")
    return "".join(out)


def _ods_text(cell: etree._Element) -> str:
    """The cell's paragraphs (not its comments) as text."""
    return "\n".join(_inline(p) for p in cell if p.tag == _q(TEXT, "p")).strip()


def _ods_cell(cell: etree._Element, style: str, formats: dict[str, CellFormat], ref: str,
              shown: str, sheet: str) -> Cell:
    kind = cell.get(_q(OFFICE, "value-type"))
    text = _ods_text(cell)
    if cell.get(_q(TABLE, "formula")) and kind is None:
        raise _fail(shown, (
            f"sheet '{sheet}', cell {ref}: the formula has no saved value; open the file in "
            "LibreOffice Calc and save it, so that the values are stored with the formulas"))
    if kind in ("float", "percentage", "currency"):
        value = float(cell.get(_q(OFFICE, "value"), "nan"))
        if math.isfinite(value):
            fmt = formats.get(cell.get(_q(TABLE, "style-name"), style), CellFormat())
            if kind == "percentage":
                fmt = CellFormat("%", fmt.decimals)
            elif kind == "currency" and cell.get(_q(OFFICE, "currency"), "EUR") == "EUR":
                fmt = CellFormat("€", fmt.decimals)
            return _number_cell(value, fmt, ref)
    if kind == "date":
        value_text = cell.get(_q(OFFICE, "date-value"), "")
        try:
            return Cell(dt.date.fromisoformat(value_text[:10]).strftime("%d.%m.%Y"), ref=ref)
        except ValueError:
            return Cell(text, ref=ref)
    if kind == "boolean":
        return Cell("ja" if cell.get(_q(OFFICE, "boolean-value")) == "true" else "nein", ref=ref)
    return Cell(text, ref=ref)


def _repeat(el: etree._Element, name: str) -> int:
    text = el.get(_q(TABLE, name), "1")
    return int(text) if text.isdigit() else 1


def _ods_rows(table: etree._Element, formats: dict[str, CellFormat], area: str, shown: str) \
        -> tuple[list[list[Cell]], list[int]]:
    sheet = table.get(_q(TABLE, "name"), "")
    r1 = r2 = c1 = c2 = None
    if area:
        a, r1, b, r2 = parse_range(area)
        c1, c2 = column_index(a), column_index(b)
    defaults: list[str] = []
    for column in table.iter(_q(TABLE, "table-column")):
        defaults += [column.get(_q(TABLE, "default-cell-style-name"), "")] * min(_repeat(
            column, "number-columns-repeated"), MAX_COLUMNS)
    rows: list[list[Cell]] = []
    lines: list[int] = []
    number = 0
    for row in _table_rows(table):
        repeat = _repeat(row, "number-rows-repeated")
        cells_el = [c for c in row if c.tag in (_q(TABLE, "table-cell"), _q(TABLE, "covered-table-cell"))]
        filled = any(len(c) or c.get(_q(OFFICE, "value-type")) for c in cells_el)
        if not filled:
            number += repeat
            continue
        for _ in range(min(repeat, 1000)):
            number += 1
            if r1 is not None and r2 is not None and not r1 <= number <= r2:
                continue
            cells: list[Cell] = []
            col = 0
            for c in cells_el:
                times = _repeat(c, "number-columns-repeated")
                empty = not len(c) and not c.get(_q(OFFICE, "value-type"))
                for _ in range(times if not empty else 1):
                    if empty:
                        cells += [Cell("")] * min(times, MAX_COLUMNS - col)
                        col += times
                        break
                    ref = f"{column_letter(col)}{number}"
                    style = defaults[col] if col < len(defaults) else ""
                    cells.append(_ods_cell(c, style, formats, ref, shown, sheet)
                                 if c.tag == _q(TABLE, "table-cell") else Cell("", ref=ref))
                    col += 1
                if col >= MAX_COLUMNS:
                    break
            if c1 is not None and c2 is not None:
                cells = cells[c1:c2 + 1]
            rows.append(cells)
            lines.append(number)
        number += max(repeat - 1000, 0)
    return rows, lines


def _table_rows(table: etree._Element) -> Iterator[etree._Element]:
    """The rows of a sheet, also inside row groups and header rows."""
    for child in table:
        if child.tag == _q(TABLE, "table-row"):
            yield child
        elif child.tag in (_q(TABLE, "table-row-group"), _q(TABLE, "table-header-rows"),
                           _q(TABLE, "table-rows")):
            yield from _table_rows(child)


def ods_grid(path: Path, shown: str, options: ReadOptions) -> Grid:
    data = _bytes(path, shown)
    _refuse_other(data, shown, "LibreOffice Calc")
    content, roots, macros = _ods_parts(data, shown)
    formats = _ods_formats(roots)
    tables = list(content.iter(_q(TABLE, "table")))
    if not tables:
        raise _fail(shown, "has no sheet; save the table in LibreOffice Calc as .ods")
    sheets = [t.get(_q(TABLE, "name"), f"{i + 1}") for i, t in enumerate(tables)]
    index, rows, lines = _choose(sheets, options.sheet, shown,
                                 lambda i: _ods_rows(tables[i], formats, options.range, shown))
    rows, lines, lead = _trim(rows, lines)
    return Grid(rows, lines, "ods", sheet=sheets[index], sheets=sheets, macros=macros,
                first_column=lead + _range_column(options.range),
                first_line=parse_range(options.range)[1] if options.range else 1)


def _range_column(area: str) -> int:
    return column_index(parse_range(area)[0]) if area else 0


def workbook_grid(path: Path, shown: str, options: ReadOptions) -> Grid:
    if path.suffix.lower() == ".ods":
        return ods_grid(path, shown, options)
    return xlsx_grid(path, shown, options)
