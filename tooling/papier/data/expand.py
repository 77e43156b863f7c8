"""Replace the data placeholders of a paper's chapters by what they stand for.

``::: {.table src=…}``, ``::: {.chart src=…}``, ``::: {.analysis show=…}`` and inline
`` `=sum(…)` `` become tables, figures and numbers. The reader marks each placeholder with
its line (``papier-line``), so every problem names chapter:line, or the data file's own
line (or sheet and cell) when a cell is wrong. For a reviewer copy, every generated cell and
number gets a bookmark (``dat-…``) and its origin, so that an edit of it can be traced back
to the data file."""

from __future__ import annotations

import re
from typing import Any

from papier import pandoc_ast as ast
from papier.brand import Brand, load_brand
from papier.data import analysis as analysis_mod
from papier.data import charts, tables, values
from papier.data.datatable import DataTable
from papier.data.layout import ReadOptions, read_options
from papier.data.origins import DATA_BOOKMARK
from papier.data.source import DATA_SUFFIXES, is_workbook, read_table
from papier.document import Chapter
from papier.errors import DataError, Problem
from papier.paper import Paper

DATA_CLASSES = ("table", "chart", "analysis")
LINE_KEY = "papier-line"
_MEMO: dict[tuple[Any, ...], DataTable] = {}  # path, size, mtime, options -> parsed (preview)


def data_class(node: ast.Node) -> str | None:
    """'table', 'chart' or 'analysis' for a placeholder Div, 'value' for `=…` code, else None."""
    if node.get("t") == "Div":
        return next((c for c in node["c"][0][1] if c in DATA_CLASSES), None)
    if node.get("t") == "Code" and values.is_expression(node["c"][1]):
        return "value"
    return None


class Expander:
    def __init__(self, paper: Paper, render: bool, origins: dict[str, dict[str, Any]] | None = None) -> None:
        self.paper = paper
        self.render = render
        self.origins = origins  # a reviewer copy: bookmark id -> where the cell or number comes from
        self.explained: set[str] = set()  # special values whose legend the paper has shown
        self.problems: list[Problem] = []
        self._brand: Brand | None = None
        self._analysis: tuple[analysis_mod.Analysis | None, list[Problem]] | None = None

    @property
    def brand(self) -> Brand | None:
        if self.render and self._brand is None:
            self._brand = load_brand(self.paper.workspace)
        return self._brand

    def read(self, kvs: dict[str, str], where: tables.Where) -> DataTable:
        """The data of a block: src= with sheet=, range=, skip=, header-rows=, footer=."""
        src = kvs.get("src", "")
        options = read_options(kvs, where)
        if not is_workbook(src) and (options.sheet or options.range):
            raise DataError(Problem(where[0], where[1], (
                f"sheet= and range= are for workbooks (.xlsx, .xlsm, .ods); {src} is a text file "
                "(CSV): leave them out, or use skip=, header-rows= and footer=")))
        return self.table(src, options, where)

    def table(self, src: str, options: ReadOptions, where: tables.Where) -> DataTable:
        if not src:
            raise DataError(Problem(where[0], where[1], "needs src=\"data/datei.csv\" (or .xlsx, .ods)"))
        path = (self.paper.folder / src).resolve()
        shown = self.paper.rel(path)
        if not path.is_file():
            found = sorted(p.name for p in (self.paper.folder / "data").glob("*")
                           if p.suffix.lower() in DATA_SUFFIXES)
            hint = f" (data/ has: {', '.join(found)})" if found else ""
            raise DataError(Problem(where[0], where[1], (
                f"data file '{src}' does not exist{hint}; put the file in data/ or fix src")))
        stat = path.stat()
        key = (str(path), stat.st_size, stat.st_mtime_ns, options.key)
        if key not in _MEMO:
            _MEMO[key] = read_table(path, shown, options)
        return _MEMO[key]

    def dataset(self, name: str, where: tables.Where) -> tuple[str, DataTable]:
        """`laender` in `=sum(laender.X)` is data/laender.csv (or .xlsx, .xlsm, .ods: the
        sheet with the first table)."""
        if "." in name and name.rsplit(".", 1)[1].lower() in {s[1:] for s in DATA_SUFFIXES}:
            src = name if "/" in name else f"data/{name}"
        else:
            src = next((f"data/{name}{suffix}" for suffix in DATA_SUFFIXES
                        if (self.paper.folder / "data" / f"{name}{suffix}").is_file()), f"data/{name}.csv")
        return src, self.table(src, ReadOptions(), where)

    def mark(self, origin: dict[str, Any]) -> str:
        """The bookmark id for a generated cell of a reviewer copy ("" otherwise)."""
        if self.origins is None:
            return ""
        ident = f"{DATA_BOOKMARK}{len(self.origins) + 1:04d}"
        self.origins[ident] = origin
        return ident

    def analysis(self, where: tables.Where) -> analysis_mod.Analysis:
        if self._analysis is None:
            path = self.paper.folder / analysis_mod.FILE
            if not path.is_file():
                raise DataError(Problem(where[0], where[1], (
                    f"::: {{.analysis}} needs {self.paper.rel(path)}; copy it from "
                    "templates/kinds/potenzialanalyse/analysis.yaml")))
            self._analysis = analysis_mod.load_analysis(self.paper.workspace, path, self.paper.rel(path))
        found, problems = self._analysis
        if found is None:
            raise DataError(problems[0])
        return found

    def chart(self, chart: charts.ChartData, kvs: dict[str, str], where: tables.Where,
              data: DataTable | None = None) -> list[ast.Node]:
        return charts.chart_figure(chart, kvs, self.brand, self.paper.workspace.cache_dir,
                                   self.paper.lang, where, data, self.explained)

    def value(self, code: str, where: tables.Where) -> ast.Node:
        expr = values.parse(code, where)
        src, data = self.dataset(expr.dataset, where)
        text: ast.Node = {"t": "Str", "c": values.evaluate(expr, data, self.paper.lang, where)}
        if self.origins is None:
            return text
        rows = values.select(expr, data, where)
        col = data.column_index(expr.column) if expr.column else 0
        origin: dict[str, Any] = {"src": src, "expression": code.strip(),
                                  "column": data.header[col] if expr.column else ""}
        if len(rows) == 1:
            origin["rows"] = [[data.lines[rows[0]], data.sheet, data.cell_ref(rows[0], col)]]
        return {"t": "Span", "c": [ast.attr(self.mark(origin)), [text]]}

    def replace(self, node: ast.Node, where: tables.Where) -> list[ast.Node] | ast.Node:
        kind = data_class(node)
        lang = self.paper.lang
        if kind == "value":
            return self.value(node["c"][1], where)
        ident, _classes, pairs = node["c"][0]
        kvs = {k: v for k, v in pairs if k != LINE_KEY}
        if kind == "table":
            tables.check_options(kvs, tables.TABLE_OPTIONS, "a .table", where)
            data = self.read(kvs, where)
            blocks = tables.render_table(data, kvs, lang, where, self.explained,
                                         self.mark if self.origins is not None else None)
        elif kind == "chart":
            tables.check_options(kvs, charts.CHART_OPTIONS, "a .chart", where)
            data = self.read(kvs, where)
            blocks = self.chart(charts.chart_data(data, kvs, where), kvs, where, data)
        else:
            blocks = analysis_mod.render_analysis(
                self.analysis(where), kvs, lang, where,
                lambda data, chart_kvs: self.chart(data, chart_kvs, where))
        return _with_id(blocks, ident)

    def expand(self, chapter: Chapter) -> None:
        shown = self.paper.rel(chapter.path)

        def visit(node: ast.Node) -> Any:
            if data_class(node) is None:
                return None
            line = int(ast.kv(node["c"][0]).get(LINE_KEY, "0") or 0)
            try:
                return self.replace(node, (shown, line))
            except DataError as exc:
                self.problems.append(exc.problem)
                return [] if node["t"] == "Div" else None

        blocks: list[ast.Node] = []
        for block in chapter.blocks:
            blocks.extend(ast.walk([block], visit))  # a placeholder may become several blocks
        chapter.blocks = blocks


def _with_id(blocks: list[ast.Node], ident: str) -> list[ast.Node]:
    """The placeholder's {#id} goes to what replaces it (table, figure), so that links and
    cross-references to it still arrive; blocks without attributes get a Div around them."""
    if not ident or not blocks:
        return blocks
    first = ast.get_attr(blocks[0])
    if first is not None and not first[0]:
        first[0] = ident
        return blocks
    return [ast.div(blocks, ident)]


# what a chapter with a placeholder has in its text: a fenced div naming a data class, or
# inline code starting with "="; a chapter without either is not walked (a 15,000-word
# paper takes 30 ms to walk)
_MAY_HOLD_DATA = re.compile(r"^[>\s]*:{3,}.*\b(?:" + "|".join(DATA_CLASSES) + r")\b|`+ ?=", re.M)


def _may_hold_data(chapter: Chapter) -> bool:
    try:
        return bool(_MAY_HOLD_DATA.search(chapter.path.read_text("utf-8")))
    except (OSError, UnicodeDecodeError):
        return True  # walk it: the reader has reported what is wrong with the file


def expand_data(paper: Paper, chapters: list[Chapter], render: bool = True,
                origins: dict[str, dict[str, Any]] | None = None) -> list[Problem]:
    """Expand every chapter in place; return the problems (bad data, bad options). With
    *origins* (a reviewer copy), generated cells and numbers get bookmarks, and *origins*
    maps each bookmark id to where its content comes from."""
    chapters = [c for c in chapters if _may_hold_data(c)]
    if not any(data_class(n) for c in chapters for n in ast.iter_nodes(c.blocks)):
        return []
    expander = Expander(paper, render, origins)
    for chapter in chapters:
        expander.expand(chapter)
    return expander.problems
