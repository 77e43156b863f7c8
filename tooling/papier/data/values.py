"""Numbers in the text, computed from data: `=sum(laender.Familienzentren)`.

Inline code that starts with "=" is an expression; the build writes its value, formatted
the German way, in its place, so prose and tables cannot drift apart:

    `=sum(laender.Familienzentren)`                          1.234
    `=count(laender)`                                        16 (rows)
    `=mean(laender.Quote):1`                                 12,3 (one decimal)
    `=value(laender.Familienzentren, Land=Berlin)`           one cell
    `=share(laender.Familienzentren, Land=Berlin)`           7,1 % of the column's sum
    `=max(laender."Plätze je Zentrum")`                      a column name with spaces
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from papier.data.datatable import DataTable
from papier.data.formats import ColumnFormat
from papier.data.numbers import format_number, format_percent
from papier.errors import DataError, Problem

FUNCTIONS = ("sum", "count", "mean", "min", "max", "share", "value")
_EXPR = re.compile(r"""^=\s*(?P<func>[a-z]+)\s*\(\s*(?P<data>[\w-]+)
                       (?:\.(?:"(?P<qcol>[^"]+)"|(?P<col>[\w-]+)))?
                       (?P<filters>(?:\s*,\s*[^,)]+)*)\s*\)
                       (?::(?P<decimals>\d))?\s*$""", re.X)
_FILTER = re.compile(r"""^\s*(?:"(?P<q>[^"]+)"|(?P<col>[^=]+?))\s*=\s*"?(?P<value>[^"]*?)"?\s*$""")
SYNTAX = "write e.g. `=sum(laender.Familienzentren)` or `=share(laender.Familienzentren, Land=Berlin):1`"


def is_expression(code: str) -> bool:
    return code.startswith("=") and len(code) > 1


@dataclass
class Expression:
    func: str
    dataset: str
    column: str | None
    filters: list[tuple[str, str]]
    decimals: int | None


def parse(code: str, where: tuple[str, int]) -> Expression:
    match = _EXPR.match(code.strip())
    if not match:
        raise DataError(Problem(where[0], where[1], f"cannot read the value `{code}`; {SYNTAX}"))
    func = match["func"]
    if func not in FUNCTIONS:
        raise DataError(Problem(where[0], where[1], (
            f"`{code}`: unknown function '{func}'; use one of {', '.join(FUNCTIONS)}")))
    filters = []
    for part in [p for p in match["filters"].split(",") if p.strip()]:
        found = _FILTER.match(part)
        if not found:
            raise DataError(Problem(where[0], where[1], (
                f"`{code}`: '{part.strip()}' is not a condition; write Spalte=Wert, e.g. Land=Berlin")))
        filters.append(((found["q"] or found["col"]).strip(), found["value"].strip()))
    column = match["qcol"] or match["col"]
    if func != "count" and column is None:
        raise DataError(Problem(where[0], where[1], (
            f"`{code}`: {func} needs a column: `={func}({match['data']}.Spalte)`")))
    decimals = int(match["decimals"]) if match["decimals"] else None
    return Expression(func, match["data"], column, filters, decimals)


def select(expr: Expression, data: DataTable, where: tuple[str, int]) -> list[int]:
    """The rows the conditions pick; DataError if none does."""
    selected = list(range(len(data.rows)))
    for name, wanted in expr.filters:
        index = data.column_index(name, where)
        selected = [i for i in selected if data.rows[i][index].casefold() == wanted.casefold()]
        if not selected:
            raise DataError(Problem(where[0], where[1], (
                f"no row of {data.shown} has {data.header[index]}={wanted}; check the spelling "
                "against the data file")))
    return selected


def evaluate(expr: Expression, data: DataTable, lang: str, where: tuple[str, int]) -> str:
    """The formatted value; DataError for a missing column, a cell that is not a number, a
    condition that matches no row (or, for value, more than one)."""
    selected = select(expr, data, where)
    if expr.func == "count":
        if expr.column is not None:
            index = data.column_index(expr.column, where)
            selected = [i for i in selected if data.rows[i][index].strip()]
        return format_number(len(selected), 0, lang)
    assert expr.column is not None
    numbers = data.numbers(expr.column, where)
    marks = data.marks(expr.column)
    if expr.func == "value" and len(selected) == 1 and numbers[selected[0]] is None and marks[selected[0]]:
        return marks[selected[0]]  # a special value: '.' is what the statistics say
    picked = [n for n in (numbers[i] for i in selected) if n is not None]
    values = [n.value for n in picked]
    written = max((n.decimals for n in picked), default=0)
    if expr.func == "share":
        total = sum(n.value for n in numbers if n is not None)
        if total == 0:
            raise DataError(Problem(where[0], where[1], f"`share` of '{expr.column}': its sum is 0"))
        return format_percent(sum(values) / total, 1 if expr.decimals is None else expr.decimals, lang)
    if expr.func == "value" and len(picked) != 1:
        raise DataError(Problem(where[0], where[1], (
            f"`value` needs exactly one row, but {len(selected)} rows of {data.shown} match; add a "
            "condition (Spalte=Wert) that picks one")))
    if not values:
        raise DataError(Problem(where[0], where[1], (
            f"column '{expr.column}' of {data.shown} has no numbers in the rows asked for")))
    reducers: dict[str, Callable[[list[float]], float]] = {
        "sum": sum, "min": min, "max": max, "value": lambda v: v[0],
        "mean": lambda v: sum(v) / len(v)}
    result = reducers[expr.func](values)
    fmt = data.fmt(expr.column)  # a workbook's cell format: 12,5 %, 1.234 €
    if expr.decimals is not None:
        decimals = expr.decimals
    elif fmt is not None and (fmt.decimals is not None or fmt.kind == "%"):
        decimals = data.decimals(expr.column)
    else:
        decimals = max(written, 1) if expr.func == "mean" and not result.is_integer() else written
    if fmt is None:
        return format_number(result, decimals, lang)
    return ColumnFormat(fmt.kind, decimals, fmt.kind == "%").show(result, lang)
