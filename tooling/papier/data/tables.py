"""::: {.table src="data/x.csv"} -> a pandoc Table, the same in DOCX, PDF and HTML.

Units go into the headings („Plätze (Anzahl)“) or a unit row, the special values of official
statistics stay as symbols and are explained once per paper under the first table that uses
them, a total over an unknown value is marked incomplete, and the source note comes from the
file's „Quelle: …“ unless source= is given."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from papier import i18n
from papier import pandoc_ast as ast
from papier.data.datatable import DataTable
from papier.data.formats import ColumnFormat, from_cell, parse_formats
from papier.data.layout import READ_OPTIONS
from papier.data.symbols import EXPLAINED, UNKNOWN, legend
from papier.errors import DataError, Problem

Where = tuple[str, int]  # the chapter and line a message points to
Marker = Callable[[dict[str, Any]], str]  # where a cell comes from -> its bookmark id ("": none)

SOURCE_STYLE = "Papier Quelle"  # DOCX paragraph style of the note under tables and charts
TABLE_OPTIONS = {"src", "caption", "columns", "headings", "sort", "total", "source", "decimals",
                 "total-columns", "format", "group", "units", *READ_OPTIONS}
INCOMPLETE = "*"  # after a total that leaves out unknown values
RATIO_WORDS = ("quote", "anteil", " je ", " pro ", "durchschnitt", "mittelwert", " rate", "share", " per ",
               "(%)", " in %")


def split_list(value: str) -> list[str]:
    """'Land, Familienzentren' -> ['Land', 'Familienzentren']; '|' separates if a name has a comma."""
    sep = "|" if "|" in value else ","
    return [part.strip() for part in value.split(sep) if part.strip()]


def heading_levels(value: str, count: int) -> list[list[str]]:
    """headings="Land, Kinder|unter 3, Kinder|3 bis 6": a group over a heading with '|'. Where
    '|' separates *count* headings that have commas in them, it is the old list separator."""
    by_comma = [p.strip() for p in value.split(",") if p.strip()]
    if "|" in value:
        by_pipe = [p.strip() for p in value.split("|") if p.strip()]
        if len(by_pipe) == count and len(by_comma) != count:
            return [[h] for h in by_pipe]
        return [[g.strip() for g in h.split("|")] for h in by_comma]
    return [[h] for h in by_comma]


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
    numbers (empty cells and special values last), text in German order. Empty *spec*: the
    file's order."""
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
    heading: list[str]  # [label] or [group, label]
    index: int
    numeric: bool
    fmt: ColumnFormat = field(default_factory=ColumnFormat)


@dataclass
class Row:
    cells: list[tuple[str, dict[str, Any] | None]]  # text, where it comes from
    kind: str = "data"  # data, group (a sub-heading), sum


def _plain(text: str, strong: bool = False) -> list[Any]:
    inlines = ast.text_inlines(text)
    if strong and inlines:
        inlines = [{"t": "Strong", "c": inlines}]
    return [ast.plain(inlines)] if inlines else []


def _cell(blocks: list[Any], align: str = "AlignDefault", rowspan: int = 1, colspan: int = 1) -> list[Any]:
    return [ast.attr(), {"t": align}, rowspan, colspan, blocks]


def _widths(headings: list[str], rows: list[list[str]]) -> list[float]:
    # widths from the longest text in each column: Word adapts columns itself, LibreOffice
    # would make them equal and break "Handlungsfeld" in the middle. A long heading may wrap
    # at its spaces, a number may not: a heading counts with its longest word or half its length
    def room(heading: str) -> int:
        return max([len(heading) // 2 + 1, *(len(w) for w in heading.split())]) if len(heading) > 14 \
            else len(heading)

    longest = [max([room(h), *(len(r[i]) for r in rows if i < len(r))]) for i, h in enumerate(headings)]
    weights = [min(max(n, 6), 40) + 3 for n in longest]  # + room for bold headings and padding
    return [w / sum(weights) for w in weights]


def _header(levels: list[list[str]], units: list[str]) -> list[Any]:
    """Header rows: a group spans the columns under it, a heading without a group spans both
    rows; an optional row of units below."""
    rows: list[Any] = []
    if any(len(h) > 1 for h in levels):
        top: list[Any] = []
        bottom: list[Any] = []
        i = 0
        while i < len(levels):
            group = levels[i][0] if len(levels[i]) > 1 else None
            if group is None:
                top.append(_cell(_plain(levels[i][-1]), rowspan=2))
                i += 1
                continue
            run = i
            while run < len(levels) and len(levels[run]) > 1 and levels[run][0] == group:
                bottom.append(_cell(_plain(" ".join(levels[run][1:]))))
                run += 1
            top.append(_cell(_plain(group), "AlignCenter", colspan=run - i))
            i = run
        rows += [[ast.attr(), top], [ast.attr(), bottom]]
    else:
        rows.append([ast.attr(), [_cell(_plain(h[-1])) for h in levels]])
    if any(units):
        rows.append([ast.attr("", ["papier-units"]), [_cell(_plain(u)) for u in units]])
    return rows


def data_table(levels: list[list[str]], rows: list[Row], numeric: list[bool], caption: str,
               units: list[str] | None = None, mark: Marker | None = None) -> ast.Node:
    """A pandoc Table: numeric columns right-aligned, group rows spanning the table in bold,
    sums in bold; with *mark*, each cell from the data is wrapped in a Div whose id becomes a
    bookmark in the reviewer's DOCX (papier.rounds tells an edit of it by that)."""
    texts = [[text for text, _ in r.cells] for r in rows if r.kind != "group"]
    widths = _widths([" ".join(h) if len(h) == 1 else h[-1] for h in levels], texts)
    specs = [[{"t": "AlignRight" if n else "AlignLeft"}, {"t": "ColWidth", "c": w}]
             for n, w in zip(numeric, widths, strict=True)]
    body_rows = []
    for row in rows:
        if row.kind == "group":
            body_rows.append([ast.attr(), [_cell(_plain(row.cells[0][0], True), colspan=len(levels))]])
            continue
        cells = []
        for text, origin in row.cells:
            blocks = _plain(text, row.kind == "sum")
            ident = mark(origin) if mark is not None and origin is not None else ""
            cells.append(_cell([ast.div(blocks, ident)] if ident else blocks))
        body_rows.append([ast.attr(), cells])
    caption_blocks = [ast.plain(ast.text_inlines(caption))] if caption else []
    head = [ast.attr(), _header(levels, units or [])]
    return {"t": "Table", "c": [ast.attr("", ["papier-data"]), [None, caption_blocks], specs, head,
                                [[ast.attr(), 0, [], body_rows]], [ast.attr(), []]]}


def pandoc_table(headings: list[str], rows: list[list[str]], numeric: list[bool],
                 caption: str, strong_last: bool = False) -> ast.Node:
    """A simple pandoc Table: one header row, numeric columns right-aligned."""
    shaped = [Row([(c, None) for c in row], "sum" if strong_last and i == len(rows) - 1 else "data")
              for i, row in enumerate(rows)]
    return data_table([[h] for h in headings], shaped, numeric, caption)


def source_note(text: str, lang: str) -> ast.Node:
    """'Quelle: …' under a table or chart (styled small in every format)."""
    return note_block(ast.text_inlines(f"{i18n.label(lang, 'source')}: {text}"))


def note_block(*paragraphs: list[ast.Node]) -> ast.Node:
    """Small notes under a table or chart, one unit with it: DOCX style SOURCE_STYLE, class
    source-note."""
    return ast.div([ast.para(p) for p in paragraphs], classes=["source-note"],
                   kvs={"custom-style": SOURCE_STYLE})


def notes(lang: str, *, legend_for: list[str], incomplete: list[str], others: list[str],
          source: str) -> list[ast.Node]:
    """The note block under a table or chart: incomplete sums, the legend of symbols used
    here for the first time in the paper, other notes, and „Quelle: …“ last."""
    paragraphs = []
    if incomplete:
        symbols = ", ".join(f"„{s}“" for s in EXPLAINED if s in incomplete)
        paragraphs.append(ast.text_inlines(f"{INCOMPLETE} " + i18n.label(lang, "incomplete").format(
            symbols=symbols)))
    if legend_for:
        paragraphs.append(ast.text_inlines(legend(legend_for, lang)))
    paragraphs += [ast.text_inlines(o) for o in others]
    if source:
        paragraphs.append(ast.text_inlines(f"{i18n.label(lang, 'source')}: {source}"))
    return [note_block(*paragraphs)] if paragraphs else []


def caption_of(data: DataTable, kvs: dict[str, str], where: Where) -> str:
    caption = kvs.get("caption", "")
    if caption.strip().casefold() != "auto":
        return caption
    if not data.title:
        raise DataError(Problem(where[0], where[1], (
            f"caption=\"auto\" takes the title lines above the table, but {data.shown} has none; "
            "write the caption, e.g. caption=\"Plätze je Land\"")))
    return data.title


class TableMaker:
    """One .table block: its columns, rows, totals and notes."""

    def __init__(self, data: DataTable, kvs: dict[str, str], lang: str, where: Where, src: str) -> None:
        self.data, self.kvs, self.lang, self.where, self.src = data, kvs, lang, where, src
        self.used: set[str] = set()  # special values shown
        self.incomplete: set[str] = set()  # unknown values left out of a total

    def columns(self) -> list[Column]:
        data, kvs, where = self.data, self.kvs, self.where
        group = data.header[data.column_index(kvs["group"], where)] if kvs.get("group") else ""
        names = [data.header[data.column_index(n, where)] for n in split_list(kvs["columns"])] \
            if kvs.get("columns") else list(data.header)
        names = [n for n in names if n != group]
        levels = heading_levels(kvs["headings"], len(names)) if kvs.get("headings") else None
        if levels is not None and len(levels) != len(names):
            raise DataError(Problem(where[0], where[1], (
                f"headings has {len(levels)} names for {len(names)} columns; give one heading per "
                "column, separated by commas (and '|' between a group and its heading)")))
        formats = parse_formats(kvs.get("format", ""), where)
        for name in formats:
            data.column_index(name, where)
        decimals = decimals_option(self.kvs, where)
        units_mode = kvs.get("units", "heading")
        if units_mode not in ("heading", "row", "none"):
            raise DataError(Problem(where[0], where[1], (
                f"units=\"{units_mode}\" is unknown; use units=\"heading\" (the default: „Plätze "
                "(Anzahl)“), \"row\" (a row of units under the headings) or \"none\"")))
        columns = []
        for k, name in enumerate(names):
            index = data.column_index(name, where)
            numeric = data.is_numeric(name) and not data.is_years(name)
            column = Column(name, levels[k] if levels else [name], index, numeric)
            if numeric:
                given = next((v for f, v in formats.items() if data.column_index(f) == index), None)
                written = decimals if decimals is not None else data.decimals(name, where)
                cell_fmt = data.formats[index]
                column.fmt = from_cell(cell_fmt, written)
                if given is not None:
                    kind, places = given
                    fraction = kind == "%" and cell_fmt is not None and cell_fmt.kind == "%"
                    column.fmt = ColumnFormat(kind, places if places is not None else column.fmt.decimals,
                                              fraction)
            unit = column.fmt.unit(data.units[index]) if numeric else data.units[index]
            if levels is None and unit and units_mode == "heading":
                column.heading = [f"{name} ({unit})"]
            columns.append(column)
        self.units = [column.fmt.unit(data.units[c.index]) if c.numeric else ""
                      for c in columns] if units_mode == "row" else []
        self.group = group
        return columns

    def ratio(self, column: Column) -> bool:
        """Shares, rates and values per unit: their sum means nothing, total= leaves them out."""
        name = f" {column.name.casefold()} "
        unit = self.data.units[column.index].strip().casefold()
        return column.fmt.kind == "%" or unit in ("%", "prozent", "percent") or any(
            word in name for word in RATIO_WORDS)

    def cell(self, column: Column, r: int) -> str:
        if not column.numeric:
            return self.data.rows[r][column.index]
        number = self.data.numbers(column.name)[r]
        mark = self.data.marks(column.name)[r]
        if mark and mark != "()":
            self.used.add(mark)
            return mark
        if number is None:
            return ""
        text = column.fmt.show(number.value, self.lang)
        if mark == "()":
            self.used.add("()")
            return f"({text})"
        return text

    def total(self, column: Column, rows: list[int]) -> str:
        numbers = self.data.numbers(column.name, self.where)
        marks = self.data.marks(column.name)
        values = [n.value for n in (numbers[i] for i in rows) if n is not None]
        unknown = sorted({marks[i] for i in rows if marks[i] in UNKNOWN})
        if not values:
            if unknown:
                self.used.update(unknown[:1])
                return unknown[0]
            return "–" if any(marks[i] == "–" for i in rows) else ""
        text = column.fmt.show(sum(values), self.lang)
        if unknown:
            self.incomplete.update(unknown)
            self.used.update(unknown)
            return f"{text}{INCOMPLETE}"
        return text

    def rows(self, columns: list[Column]) -> list[Row]:
        data, kvs = self.data, self.kvs
        order = row_order(data, kvs.get("sort", ""), self.where)
        label = ""
        summed: set[str] = set()
        if kvs.get("total"):
            label = kvs["total"] if kvs["total"] not in ("true", "yes", "ja") else \
                i18n.label(self.lang, "total")
            summed = {data.header[data.column_index(n, self.where)]
                      for n in split_list(kvs["total-columns"])} \
                if kvs.get("total-columns") else {c.name for c in columns if c.numeric and not self.ratio(c)}
            for name in summed:
                data.numbers(name, self.where)  # raises at the first cell that is not a number
        groups: list[tuple[str, list[int]]] = []
        if self.group:  # the rows of a group stay together, in the order of its first row
            g = data.column_index(self.group)
            at: dict[str, int] = {}
            for i in order:
                key = data.rows[i][g]
                if key not in at:
                    at[key] = len(groups)
                    groups.append((key, []))
                groups[at[key]][1].append(i)
        else:
            groups = [("", order)]
        out: list[Row] = []
        for name, members in groups:
            if self.group:
                out.append(Row([(name, None)], "group"))
            for i in members:
                out.append(Row([(self.cell(c, i), data.origin(self.src, i, c.index)) for c in columns]))
            if self.group and summed:
                out.append(self.sum_row(columns, members, summed, i18n.label(self.lang, "subtotal")))
        if summed:
            out.append(self.sum_row(columns, order, summed, label))
        return out

    def sum_row(self, columns: list[Column], members: list[int], summed: set[str], label: str) -> Row:
        cells: list[tuple[str, dict[str, Any] | None]] = [
            (self.total(c, members), {"src": self.src, "column": c.name, "sum": len(members)})
            if c.name in summed else ("", None) for c in columns]
        if not columns[0].numeric:
            cells[0] = (label, None)
        return Row(cells, "sum")


def render_table(data: DataTable, kvs: dict[str, str], lang: str, where: Where,
                 explained: set[str] | None = None, mark: Marker | None = None,
                 src: str = "") -> list[ast.Node]:
    """The table and its notes. *explained* holds the special values the paper has explained
    already (the legend explains each once, under the first table that shows it)."""
    check_options(kvs, TABLE_OPTIONS, "a .table", where)
    maker = TableMaker(data, kvs, lang, where, src or kvs.get("src", ""))
    columns = maker.columns()
    rows = maker.rows(columns)
    table = data_table([c.heading for c in columns], rows, [c.numeric for c in columns],
                       caption_of(data, kvs, where), maker.units, mark)
    explained = explained if explained is not None else set()
    new = [s for s in EXPLAINED if s in maker.used and s not in explained]
    explained.update(new)
    source = kvs.get("source") or data.source
    return [table, *notes(lang, legend_for=new, incomplete=sorted(maker.incomplete), others=[],
                          source=source)]
