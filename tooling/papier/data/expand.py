"""Replace the data placeholders of a paper's chapters by what they stand for.

``::: {.table src=…}``, ``::: {.chart src=…}``, ``::: {.analysis show=…}`` and inline
`` `=sum(…)` `` become tables, figures and numbers. The reader marks each placeholder with
its line (``papier-line``), so every problem names chapter:line, or the CSV's own line
when a cell is wrong."""

from __future__ import annotations

import re
from typing import Any

from papier import pandoc_ast as ast
from papier.brand import Brand, load_brand
from papier.data import analysis as analysis_mod
from papier.data import charts, tables, values
from papier.data.csvfile import DataError, DataTable, read_csv
from papier.document import Chapter
from papier.errors import Problem
from papier.paper import Paper

DATA_CLASSES = ("table", "chart", "analysis")
LINE_KEY = "papier-line"
_CSV_MEMO: dict[tuple[str, int, int], DataTable] = {}  # path, size, mtime -> parsed (preview)


def data_class(node: ast.Node) -> str | None:
    """'table', 'chart' or 'analysis' for a placeholder Div, 'value' for `=…` code, else None."""
    if node.get("t") == "Div":
        return next((c for c in node["c"][0][1] if c in DATA_CLASSES), None)
    if node.get("t") == "Code" and values.is_expression(node["c"][1]):
        return "value"
    return None


class Expander:
    def __init__(self, paper: Paper, render: bool) -> None:
        self.paper = paper
        self.render = render
        self.problems: list[Problem] = []
        self._brand: Brand | None = None
        self._analysis: tuple[analysis_mod.Analysis | None, list[Problem]] | None = None

    @property
    def brand(self) -> Brand | None:
        if self.render and self._brand is None:
            self._brand = load_brand(self.paper.workspace)
        return self._brand

    def csv(self, src: str, where: tables.Where) -> DataTable:
        if not src:
            raise DataError(Problem(where[0], where[1], "needs src=\"data/datei.csv\""))
        path = (self.paper.folder / src).resolve()
        shown = self.paper.rel(path)
        if not path.is_file():
            found = sorted(p.name for p in (self.paper.folder / "data").glob("*.csv"))
            hint = f" (data/ has: {', '.join(found)})" if found else ""
            raise DataError(Problem(where[0], where[1], (
                f"data file '{src}' does not exist{hint}; put the CSV in data/ or fix src")))
        stat = path.stat()
        key = (str(path), stat.st_size, stat.st_mtime_ns)
        if key not in _CSV_MEMO:
            _CSV_MEMO[key] = read_csv(path, shown)
        return _CSV_MEMO[key]

    def dataset(self, name: str, where: tables.Where) -> DataTable:
        """`laender` in `=sum(laender.X)` is data/laender.csv."""
        src = name if name.endswith(".csv") else f"data/{name}.csv"
        return self.csv(src, where)

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

    def chart(self, data: charts.ChartData, kvs: dict[str, str], where: tables.Where) -> list[ast.Node]:
        return charts.chart_figure(data, kvs, self.brand, self.paper.workspace.cache_dir,
                                   self.paper.lang, where)

    def replace(self, node: ast.Node, where: tables.Where) -> list[ast.Node] | ast.Node:
        kind = data_class(node)
        lang = self.paper.lang
        if kind == "value":
            expr = values.parse(node["c"][1], where)
            data = self.dataset(expr.dataset, where)
            return {"t": "Str", "c": values.evaluate(expr, data, lang, where)}
        ident, _classes, pairs = node["c"][0]
        kvs = {k: v for k, v in pairs if k != LINE_KEY}
        if kind == "table":
            blocks = tables.render_table(self.csv(kvs.get("src", ""), where), kvs, lang, where)
        elif kind == "chart":
            chart = charts.chart_data(self.csv(kvs.get("src", ""), where), kvs, where)
            blocks = self.chart(chart, kvs, where)
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


def expand_data(paper: Paper, chapters: list[Chapter], render: bool = True) -> list[Problem]:
    """Expand every chapter in place; return the problems (bad data, bad options)."""
    chapters = [c for c in chapters if _may_hold_data(c)]
    if not any(data_class(n) for c in chapters for n in ast.iter_nodes(c.blocks)):
        return []
    expander = Expander(paper, render)
    for chapter in chapters:
        expander.expand(chapter)
    return expander.problems
