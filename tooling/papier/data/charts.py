"""::: {.chart} -> an SVG chart in the brand's colours and font, drawn by matplotlib.

Why matplotlib: it draws offline from a Python wheel (no JavaScript engine as vl-convert
embeds), its SVG is deterministic (hash salt, no date: a release rebuilds byte-identically),
text is written as glyph outlines so the chart looks the same in Typst, in a browser and in
the PNG for Word without the font being installed there, and its tick labels take our own
German number formatter, so axes, tables and text format numbers alike.
The SVG goes to PDF and HTML as a vector; DOCX gets it rasterised (papier.raster).
Charts are cached in build/.cache/charts/ by their data and spec.
"""

from __future__ import annotations

import hashlib
import io
import json
import threading
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

from papier import fsutil, i18n
from papier import pandoc_ast as ast
from papier.brand import Brand
from papier.cache import CHARTS
from papier.data.datatable import DataTable
from papier.data.layout import READ_OPTIONS
from papier.data.numbers import format_number
from papier.data.symbols import EXPLAINED
from papier.data.tables import Where, caption_of, check_options, decimals_option, notes, row_order, split_list
from papier.errors import DataError, Problem

CHART_VERSION = "3"  # bump when the drawing code changes: old cached charts are not reused
TYPES = ("bar", "line", "stacked")
CHART_OPTIONS = {"src", "type", "x", "y", "caption", "alt", "source", "ylabel", "orient", "decimals",
                 "sort", "y-from", *READ_OPTIONS}
_LOCK = threading.Lock()  # matplotlib's font manager and rcParams are global


@dataclass
class ChartData:
    kind: str  # bar, line, stacked
    categories: list[str]
    series: list[tuple[str, list[float | None]]]
    decimals: int
    ylabel: str = ""
    orient: str = "auto"  # auto, vertical, horizontal
    value_range: tuple[float, float] | None = None  # fixed axis (ratings 1-5)
    y_from: float | None = None  # a value axis that does not start at 0 (y-from="5000")
    marks: list[list[str]] | None = None  # per series and category: a special value drawn as no bar

    def horizontal(self) -> bool:
        if self.orient != "auto":
            return self.orient == "horizontal"
        return self.kind != "line" and (len(self.categories) > 8 or
                                        max((len(c) for c in self.categories), default=0) > 14)


def chart_data(data: DataTable, kvs: dict[str, str], where: Where) -> ChartData:
    """The chart's numbers from the CSV, checked: every error names the chapter or the CSV line."""
    check_options(kvs, CHART_OPTIONS, "a .chart", where)
    kind = kvs.get("type", "bar")
    if kind not in TYPES:
        raise DataError(Problem(where[0], where[1], (
            f"chart type '{kind}' is unknown; use type=\"bar\", \"line\" or \"stacked\"")))
    for required in ("x", "y"):
        if not kvs.get(required):
            raise DataError(Problem(where[0], where[1], (
                f"a .chart needs {required}=\"…\" (a column of {data.shown}; columns: "
                + ", ".join(data.header) + ")")))
    orient = kvs.get("orient", "auto")
    if orient not in ("auto", "vertical", "horizontal"):
        raise DataError(Problem(where[0], where[1], "orient must be \"vertical\" or \"horizontal\""))
    x = data.column_index(kvs["x"], where)
    names = [data.header[data.column_index(n, where)] for n in split_list(kvs["y"])]
    order = row_order(data, kvs.get("sort", ""), where)
    decimals = decimals_option(kvs, where)
    if decimals is None:
        decimals = max((data.decimals(n, where) for n in names), default=0)
    series = [(n, [None if v is None else v * _scale(data, n) for v in (column[i] for i in order)])
              for n in names for column in [data.floats(n, where)]]
    marks = [[m if m != "()" else "" for m in (data.marks(n)[i] for i in order)] for n in names]
    y_from = None
    if kvs.get("y-from", "").strip():
        try:
            y_from = float(kvs["y-from"].replace(",", "."))
        except ValueError:
            raise DataError(Problem(where[0], where[1], (
                f"y-from=\"{kvs['y-from']}\" is not a number; write the value the axis starts at, "
                "like y-from=\"5000\""))) from None
        if kind != "line":
            raise DataError(Problem(where[0], where[1], (
                "y-from is for line charts only: a bar's length must start at 0")))
    return ChartData(kind, [data.rows[i][x] for i in order], series, decimals,
                     kvs.get("ylabel", ""), orient, y_from=y_from,
                     marks=marks if any(any(m) for m in marks) else None)


def _scale(data: DataTable, name: str) -> float:
    """A workbook's percent cells hold fractions (0.125); a chart shows 12.5."""
    fmt = data.fmt(name)
    return 100.0 if fmt is not None and fmt.kind == "%" else 1.0


def _palette(brand: Brand) -> list[str]:
    def tint(hex_colour: str, amount: float) -> str:
        rgb = [int(hex_colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
        return "#" + "".join(f"{round(c + (255 - c) * amount):02X}" for c in rgb)

    base = [brand.colour("primary"), brand.colour("accent"), brand.colour("muted")]
    return base + [tint(c, 0.45) for c in base]


def _font_files(brand: Brand) -> list[Path]:
    return sorted(p for d in brand.font_dirs if d.is_dir() for p in d.glob("*.ttf"))


@cache
def _matplotlib_version() -> str:
    import importlib.metadata  # noqa: PLC0415 - lazy: only for the chart cache key

    return importlib.metadata.version("matplotlib")  # without importing matplotlib itself


def cache_path(cache_dir: Path, chart: ChartData, brand: Brand, lang: str) -> Path:
    spec = {"chart": asdict(chart), "colours": _palette(brand), "font": brand.body_font,
            "fonts": [p.name for p in _font_files(brand)], "lang": lang, "version": CHART_VERSION,
            "matplotlib": _matplotlib_version()}
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:20]
    return cache_dir / CHARTS / f"chart-{digest}.svg"


def render_svg(chart: ChartData, brand: Brand, lang: str) -> bytes:
    """Draw *chart*: 16 cm wide, brand colours and font, German numbers on the axis."""
    import matplotlib  # noqa: PLC0415 - lazy: matplotlib: 0.3 s, only for a new chart
    from matplotlib import font_manager  # noqa: PLC0415 - lazy: matplotlib: 0.3 s, only for a new chart
    from matplotlib.figure import Figure  # noqa: PLC0415 - lazy: matplotlib: 0.3 s, only for a new chart
    from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: PLC0415 - lazy

    with _LOCK:
        for path in _font_files(brand):
            if str(path) not in {f.fname for f in font_manager.fontManager.ttflist}:
                font_manager.fontManager.addfont(str(path))
        family = brand.body_font if brand.body_font in {
            f.name for f in font_manager.fontManager.ttflist} else "DejaVu Sans"
        text, muted = brand.colour("text"), brand.colour("muted")
        style = {"svg.fonttype": "path", "svg.hashsalt": "papier", "font.family": family,
                 "font.size": 9, "text.color": text, "axes.labelcolor": text,
                 "xtick.color": muted, "ytick.color": muted, "axes.edgecolor": muted,
                 "axes.linewidth": 0.6, "xtick.labelcolor": text, "ytick.labelcolor": text}
        with matplotlib.rc_context(style):  # type: ignore[arg-type]
            horizontal = chart.horizontal()
            height = (max(2.2, 0.8 + 0.25 * len(chart.categories) * (1 if chart.kind != "bar"
                      else max(1, len(chart.series) * 0.7))) if horizontal else 3.4)
            fig = Figure(figsize=(6.3, height))
            axes = fig.add_subplot()
            _draw(axes, chart, _palette(brand), horizontal, lang)
            value_axis = axes.xaxis if horizontal else axes.yaxis
            value_axis.set_major_formatter(FuncFormatter(
                lambda v, _pos: format_number(v, 0 if float(v).is_integer() else chart.decimals or 1,
                                              lang)))
            value_axis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
            for side in ("top", "right"):
                axes.spines[side].set_visible(False)
            axes.grid(True, axis="x" if horizontal else "y", color="#D5DCDF", linewidth=0.6)
            axes.set_axisbelow(True)
            label = chart.ylabel
            if chart.y_from is not None and chart.y_from != 0:
                start = format_number(chart.y_from, 0 if chart.y_from.is_integer() else chart.decimals, lang)
                label = f"{label} ({i18n.label(lang, 'axis_from')} {start})".strip()
            if label:
                (axes.set_xlabel if horizontal else axes.set_ylabel)(label)
            if len(chart.series) > 1:
                axes.legend(frameon=False, loc="lower left", bbox_to_anchor=(0, 1.0),
                            ncols=min(4, len(chart.series)), fontsize=8.5, borderaxespad=0.3)
            fig.tight_layout(pad=0.4)
            buf = io.BytesIO()
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "papier"})
    return buf.getvalue()


def _draw(axes: Any, chart: ChartData, colours: list[str], horizontal: bool, lang: str) -> None:
    positions = list(range(len(chart.categories)))
    count = len(chart.series)
    if chart.kind == "line":
        for i, (name, values) in enumerate(chart.series):
            points = [(p, v) for p, v in zip(positions, values, strict=True) if v is not None]
            axes.plot([p for p, _ in points], [v for _, v in points], marker="o", markersize=3.5,
                      linewidth=1.8, color=colours[i % len(colours)], label=name)
        axes.set_xticks(positions, chart.categories)
        if len(chart.categories) > 6 and max(len(c) for c in chart.categories) > 4:
            axes.tick_params(axis="x", labelrotation=30)
    else:
        stacked = chart.kind == "stacked"
        width = 0.7 if stacked or count == 1 else 0.8 / count
        bottoms = [0.0] * len(positions)
        bar = axes.barh if horizontal else axes.bar
        for i, (name, values) in enumerate(chart.series):
            nums = [v or 0.0 for v in values]
            marks = chart.marks[i] if chart.marks else [""] * len(values)
            offsets = positions if stacked else [p - 0.4 + width * (i + 0.5) for p in positions] \
                if count > 1 else positions
            extra = {"left": bottoms} if horizontal else {"bottom": bottoms}
            # a special value (. x … /) is no bar at all, only its symbol at the axis
            kept = range(len(values)) if stacked else [k for k in range(len(values)) if not marks[k]]
            bars = bar([offsets[k] for k in kept], [nums[k] for k in kept], width,
                       color=colours[i % len(colours)], label=name, **(extra if stacked else {}))
            if not stacked:
                for k in (k for k in range(len(values)) if marks[k]):
                    place = {"x": 0, "y": offsets[k], "s": f" {marks[k]}", "va": "center"} if horizontal \
                        else {"x": offsets[k], "y": 0, "s": marks[k], "ha": "center", "va": "bottom"}
                    axes.text(fontsize=8, **place)
            if not stacked and len(positions) * count <= 16:
                drawn = [values[k] for k in kept]
                axes.bar_label(bars, labels=[format_number(v, chart.decimals, lang) if v is not None
                                             else "" for v in drawn], padding=2, fontsize=8)
            bottoms = [b + n for b, n in zip(bottoms, nums, strict=True)]
        if horizontal:
            axes.set_yticks(positions, chart.categories)
            axes.invert_yaxis()  # the first row on top, as in the table
        else:
            axes.set_xticks(positions, chart.categories)
            if len(chart.categories) > 5 and max(len(c) for c in chart.categories) > 8:
                axes.tick_params(axis="x", labelrotation=30)
                for label in axes.get_xticklabels():
                    label.set_horizontalalignment("right")
    if chart.value_range is not None:
        (axes.set_xlim if horizontal else axes.set_ylim)(*chart.value_range)
    elif chart.kind == "line":
        # a line chart's axis starts at 0 unless the author says otherwise (y-from), and
        # then the axis label says so: a cut axis makes small changes look large
        shown = [v for _, vs in chart.series for v in vs if v is not None]
        if chart.y_from is not None:
            axes.set_ylim(bottom=chart.y_from)
        elif shown and min(shown) >= 0:
            axes.set_ylim(bottom=0, top=max(shown) * 1.08 or 1)
    axes.margins(**({"x": 0.08} if horizontal else {"y": 0.1}))


def missing(chart: ChartData) -> list[str]:
    """'Bremen (.)' for each value a chart leaves out because the data give a special value."""
    if not chart.marks:
        return []
    out = []
    for (name, _values), marks in zip(chart.series, chart.marks, strict=True):
        for category, mark in zip(chart.categories, marks, strict=True):
            if mark:
                label = f"{category} ({mark})" if len(chart.series) == 1 else f"{category}, {name} ({mark})"
                out.append(label)
    return out


def chart_figure(chart: ChartData, kvs: dict[str, str], brand: Brand | None, cache_dir: Path,
                 lang: str, where: Where, data: DataTable | None = None,
                 explained: set[str] | None = None) -> list[ast.Node]:
    """A Figure with the chart image (alt text, caption) and its notes: the values left out
    (special values), the legend of their symbols if the paper has not explained them yet,
    and the source. The SVG is drawn only if *brand* is given (a check needs no picture)
    and not already cached."""
    alt = kvs.get("alt", "").strip()
    if not alt:
        raise DataError(Problem(where[0], where[1], (
            "a chart needs alt=\"…\": one or two sentences on what it shows, for screen readers "
            "(PDF/UA requires it), e.g. alt=\"Balkendiagramm: Familienzentren je Land, NRW vorn\"")))
    path = cache_path(cache_dir, chart, brand, lang) if brand else cache_dir / CHARTS / "unchecked.svg"
    if brand is not None and not path.is_file():
        fsutil.write_bytes(path, render_svg(chart, brand, lang))
    image = {"t": "Image", "c": [ast.attr("", [], {"width": "100%"}), ast.text_inlines(alt),
                                 [str(path), ""]]}
    caption = caption_of(data, kvs, where) if data is not None else kvs.get("caption", "")
    figure = {"t": "Figure", "c": [ast.attr("", ["papier-chart"]),
                                   [None, [ast.plain(ast.text_inlines(caption))] if caption else []],
                                   [ast.plain([image])]]}
    left_out = missing(chart)
    symbols = {m for marks in chart.marks or [] for m in marks if m}
    explained = explained if explained is not None else set()
    new = [s for s in EXPLAINED if s in symbols and s not in explained]
    explained.update(new)
    others = [i18n.label(lang, "not_charted").format(items=", ".join(left_out))] if left_out else []
    source = kvs.get("source") or (data.source if data is not None else "")
    return [figure, *notes(lang, legend_for=new, incomplete=[], others=others, source=source)]
