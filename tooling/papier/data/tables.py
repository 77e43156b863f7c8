"""::: {.table src="data/x.csv"} -> a pandoc Table, the same in DOCX, PDF and HTML."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from papier import i18n
from papier import pandoc_ast as ast
from papier.data.csvfile import DataError, DataTable
from papier.data.numbers import format_number
from papier.errors import Problem

Where = tuple[str, int]  # the chapter and line a message points to

SOURCE_STYLE = "Papier Quelle"  # DOCX paragraph style of the note under tables and charts
TABLE_OPTIONS = {"src", "caption", "columns", "headings", "sort", "total", "source", "decimals",
                 "total-columns"}


def split_list(value: str) -> list[str]:
    """'Land, Familienzentren' -> ['Land', 'Familienzentren']; '|' separates if a name has a comma."""
    sep = "|" if "|" in value else ","
    return [part.strip() for part in value.split(sep) if part.strip()]


def check_options(kvs: dict[str, str], allowed: set[str], what: str, where: Where) -> None:
    unknown = sorted(set(kvs) - allowed - {"papier-line"})
    if unknown:
        raise DataError(Problem(where[0], where[1], (
            f"{what} has no option '{unknown[0]}'; it knows: {', '.join(sorted(allowed))}")))


def decimals_option(kvs: dict[str, str], where: Where) -> int | None:
    text = kvs.get("decimals")
    if text is None:
        return None
    if not text.isdigit() or int(text) > 6:
        raise DataError(Problem(where[0], where[1], (
            f"decimals=\"{text}\" must be a whole number from 0 to 6, e.g. decimals=\"1\"")))
    return int(text)


def sort_key(text: str) -> str:
    """German order without a locale: Ä sorts with A, ß as ss."""
    folded = unicodedata.normalize("NFKD", text.casefold().replace("ß", "ss"))
    return "".join(c for c in folded if not unicodedata.combining(c))


def row_order(data: DataTable, spec: str, where: Where) -> list[int]:
    """Row indexes sorted by *spec*: 'Spalte' ascending, '-Spalte' descending; numbers as
    numbers (empty cells last), text in German order. Empty *spec*: the file's order."""
    order = list(range(len(data.rows)))
    if not spec.strip():
        return order
    descending = spec.strip().startswith("-")
    index = data.column_index(spec.strip().lstrip("-+").strip(), where)
    name = data.header[index]
    if data.is_numeric(name):
        values = data.floats(name, where)
        sign = -1 if descending else 1
        order.sort(key=lambda i: (values[i] is None, sign * (values[i] or 0.0)))
    else:
        order.sort(key=lambda i: sort_key(data.rows[i][index]), reverse=descending)
    return order


@dataclass
class Column:
    name: str
    heading: str
    index: int
    numeric: bool
    decimals: int = 0


def _cell(text: str, strong: bool = False) -> list[Any]:
    inlines = ast.text_inlines(text)
    if strong:
        inlines = [{"t": "Strong", "c": inlines}]
    return [ast.attr(), {"t": "AlignDefault"}, 1, 1, [ast.plain(inlines)] if inlines else []]


def pandoc_table(headings: list[str], rows: list[list[str]], numeric: list[bool],
                 caption: str, strong_last: bool = False) -> ast.Node:
    """A simple pandoc Table: one header row, numeric columns right-aligned."""
    # widths from the longest text in each column: Word adapts columns itself, LibreOffice
    # would make them equal and break "Handlungsfeld" in the middle
    longest = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headings)]
    weights = [min(max(n, 6), 40) + 3 for n in longest]  # + room for bold headings and padding
    specs = [[{"t": "AlignRight" if n else "AlignLeft"}, {"t": "ColWidth", "c": w / sum(weights)}]
             for n, w in zip(numeric, weights, strict=True)]
    head = [ast.attr(), [[ast.attr(), [_cell(h) for h in headings]]]]
    body_rows = [[ast.attr(), [_cell(c, strong_last and i == len(rows) - 1) for c in row]]
                 for i, row in enumerate(rows)]
    caption_blocks = [ast.plain(ast.text_inlines(caption))] if caption else []
    return {"t": "Table", "c": [ast.attr("", ["papier-data"]), [None, caption_blocks], specs, head,
                                [[ast.attr(), 0, [], body_rows]], [ast.attr(), []]]}


def source_note(text: str, lang: str) -> ast.Node:
    """'Quelle: …' under a table or chart (styled small in every format)."""
    inlines = ast.text_inlines(f"{i18n.label(lang, 'source')}: {text}")
    return note_block(inlines)


def note_block(inlines: list[ast.Node]) -> ast.Node:
    """A small note under a table or chart: DOCX style SOURCE_STYLE, class source-note."""
    return ast.div([ast.para(inlines)], classes=["source-note"], kvs={"custom-style": SOURCE_STYLE})


def render_table(data: DataTable, kvs: dict[str, str], lang: str, where: Where) -> list[ast.Node]:
    check_options(kvs, TABLE_OPTIONS, "a .table", where)
    names = split_list(kvs["columns"]) if kvs.get("columns") else list(data.header)
    headings = split_list(kvs["headings"]) if kvs.get("headings") else list(names)
    if len(headings) != len(names):
        raise DataError(Problem(where[0], where[1], (
            f"headings has {len(headings)} names for {len(names)} columns; give one heading per "
            "column, separated by commas")))
    decimals = decimals_option(kvs, where)
    columns: list[Column] = []
    for name, heading in zip(names, headings, strict=True):
        index = data.column_index(name, where)
        numeric = data.is_numeric(name) and not data.is_years(name)
        column = Column(data.header[index], heading, index, numeric)
        if numeric:
            column.decimals = decimals if decimals is not None else data.decimals(column.name, where)
        columns.append(column)
    order = row_order(data, kvs.get("sort", ""), where)
    rows = []
    for i in order:
        row = []
        for column in columns:
            if column.numeric:
                number = data.numbers(column.name)[i]
                row.append(format_number(number.value, column.decimals, lang) if number else "")
            else:
                row.append(data.rows[i][column.index])
        rows.append(row)
    if kvs.get("total"):
        label = kvs["total"] if kvs["total"] not in ("true", "yes", "ja") else i18n.label(lang, "total")
        summed = {data.header[data.column_index(n, where)] for n in split_list(kvs["total-columns"])} \
            if kvs.get("total-columns") else {c.name for c in columns if c.numeric}
        for name in summed:
            data.numbers(name, where)  # raises at the first cell that is not a number
        total_row = []
        for column in columns:
            if column.name in summed:
                total = sum(v.value for v in data.numbers(column.name) if v is not None)
                total_row.append(format_number(total, column.decimals, lang))
            else:
                total_row.append("")
        if not columns[0].numeric:
            total_row[0] = label
        rows.append(total_row)
    table = pandoc_table([c.heading for c in columns], rows, [c.numeric for c in columns],
                         kvs.get("caption", ""), strong_last=bool(kvs.get("total")))
    out = [table]
    if kvs.get("source"):
        out.append(source_note(kvs["source"], lang))
    return out
