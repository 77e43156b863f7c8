"""Typography the outputs share: German (or English) quotation marks, adjacent strings merged."""

from __future__ import annotations

from typing import Any

from papier import i18n
from papier import pandoc_ast as ast


def merge_str(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if (isinstance(item, dict) and item.get("t") == "Str" and out
                and isinstance(out[-1], dict) and out[-1].get("t") == "Str"):
            out[-1] = {"t": "Str", "c": out[-1]["c"] + item["c"]}
        else:
            out.append(item)
    return out



def quoted(node: ast.Node, lang: str) -> list[ast.Node]:
    """„…“ and ‚…‘ (German) or “…” and ‘…’ (English) in every output format."""
    dq_open, dq_close, sq_open, sq_close = i18n.quotes(lang)
    double = node["c"][0]["t"] == "DoubleQuote"
    opening, closing = (dq_open, dq_close) if double else (sq_open, sq_close)
    return merge_str([{"t": "Str", "c": opening}, *node["c"][1], {"t": "Str", "c": closing}])
