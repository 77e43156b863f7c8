"""analysis.yaml of a Potenzialanalyse: Handlungsfelder rated for Ist-Stand and Potenzial
(1-5), with evidence and recommendations; shown as a Potenzialmatrix, a chart, or the
recommendations by field (::: {.analysis show="matrix|chart|recommendations"})."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from papier import i18n, yamlio
from papier import pandoc_ast as ast
from papier.data.charts import ChartData
from papier.data.csvfile import DataError
from papier.data.tables import Where, check_options, note_block, pandoc_table, source_note
from papier.errors import Problem
from papier.paper import schema_problems
from papier.workspace import Workspace

FILE = "analysis.yaml"
SCHEMA = "analysis.schema.json"
SHOWS = ("matrix", "chart", "recommendations")


@dataclass
class Field:
    name: str
    current: int
    potential: int
    evidence: list[str] = field(default_factory=list)
    recommendations: list[str] = field(default_factory=list)

    @property
    def gap(self) -> int:
        return self.potential - self.current


@dataclass
class Analysis:
    shown: str
    fields: list[Field]
    title: str = ""
    scale: str = ""
    source: str = ""


def load_analysis(ws: Workspace, path: Path, shown: str) -> tuple[Analysis | None, list[Problem]]:
    """Read and validate analysis.yaml; problems (errors and warnings) carry their lines."""

    data, problems = yamlio.load_cached(path, shown)  # check reads it, and the text's .analysis
    if problems:
        return None, problems
    if not isinstance(data, dict):
        return None, [Problem(shown, 1, "must be a mapping with 'fields:' (see templates/kinds/"
                              "potenzialanalyse/analysis.yaml)")]
    problems = schema_problems(data, shown, ws, SCHEMA)
    if problems:
        return None, problems
    fields: list[Field] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(data["fields"]):
        name = str(item["name"]).strip()
        line = yamlio.line_of(data, ["fields", i, "name"])
        if name.casefold() in seen:
            problems.append(Problem(shown, line, (
                f"Handlungsfeld '{name}' appears twice (first at line {seen[name.casefold()]}); "
                "merge the two or rename one")))
        seen.setdefault(name.casefold(), line)
        one = Field(name, int(item["current"]), int(item["potential"]),
                    [str(e) for e in item.get("evidence") or []],
                    [str(r) for r in item.get("recommendations") or []])
        if one.potential < one.current:
            problems.append(Problem(shown, yamlio.line_of(data, ["fields", i, "potential"]), (
                f"'{name}': potential {one.potential} is below the current state {one.current}; the "
                "potential is what the field can reach, so it is at least the current state"),
                "warning"))
        if not one.evidence:
            problems.append(Problem(shown, line, (
                f"'{name}' has no evidence; add 'evidence:' with at least one finding or source"),
                "warning"))
        if not one.recommendations:
            problems.append(Problem(shown, line, (
                f"'{name}' has no recommendations; add 'recommendations:' (or explain in the "
                "text why none is needed)"), "warning"))
        fields.append(one)
    analysis = Analysis(shown, fields, str(data.get("title", "")), str(data.get("scale", "")),
                        str(data.get("source", "")))
    return analysis, problems


def analysis_chart(fields: list[Field], lang: str) -> ChartData:
    """Ist-Stand and Potenzial side by side for each field, on a fixed 0-5 axis."""
    return ChartData("bar", [f.name for f in fields],
                     [(i18n.label(lang, "current"), [float(f.current) for f in fields]),
                      (i18n.label(lang, "potential"), [float(f.potential) for f in fields])],
                     0, i18n.label(lang, "scale_note"), "horizontal", (0, 5.4))


def render_analysis(analysis: Analysis, kvs: dict[str, str], lang: str, where: Where,
                    chart: Any) -> list[ast.Node]:
    """The blocks for one ::: {.analysis}; *chart* draws a ChartData (see charts.chart_figure)."""
    check_options(kvs, {"show", "caption", "alt", "sort"}, "an .analysis", where)
    show = kvs.get("show", "matrix")
    if show not in SHOWS:
        raise DataError(Problem(where[0], where[1], (
            f"show=\"{show}\" is unknown; use show=\"matrix\", \"chart\" or \"recommendations\"")))
    fields = list(analysis.fields)
    if kvs.get("sort") == "gap":
        fields.sort(key=lambda f: -f.gap)
    elif kvs.get("sort"):
        raise DataError(Problem(where[0], where[1], "an .analysis sorts only by sort=\"gap\""))
    out: list[ast.Node] = []
    if show == "matrix":
        rows = [[f.name, str(f.current), str(f.potential), f"+{f.gap}" if f.gap > 0 else str(f.gap)]
                for f in fields]
        headings = [i18n.label(lang, k) for k in ("field", "current", "potential", "gap")]
        caption = kvs.get("caption") or analysis.title or "Potenzialmatrix"
        out.append(pandoc_table(headings, rows, [False, True, True, True], caption))
        note = analysis.scale or i18n.label(lang, "scale_note")
        out.append(note_block(ast.text_inlines(note + ".")))
    elif show == "chart":
        chart_kvs = {"alt": kvs.get("alt", ""), "caption": kvs.get("caption", "")}
        out.extend(chart(analysis_chart(fields, lang), chart_kvs))
    else:
        for f in fields:
            if not f.recommendations:
                continue
            out.append(ast.para([{"t": "Strong", "c": ast.text_inlines(f.name)}]))
            out.append({"t": "BulletList", "c": [[ast.plain(ast.text_inlines(r))]
                                                  for r in f.recommendations]})
    if analysis.source and show != "recommendations":
        out.append(source_note(analysis.source, lang))
    return out
