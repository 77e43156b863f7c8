"""Where a generated table cell or computed number comes from, in the words of the comment
matrix: „data/laender.csv: Zeile 12, Spalte Familienzentren“."""

from __future__ import annotations

from typing import Any

from papier.ooxml import DATA_BOOKMARK

__all__ = ["DATA_BOOKMARK", "describe"]


def describe(origin: dict[str, Any]) -> str:
    src = origin.get("src", "")
    column = origin.get("column", "")
    if origin.get("expression"):
        rows = origin.get("rows") or []
        if len(rows) == 1:
            return f"{src}: {_cell(origin, rows[0])}, berechnet mit {origin['expression']}"
        where = f"Spalte {column}, " if column else ""
        return f"{src}: {where}berechnet mit {origin['expression']}"
    if "sum" in origin:
        return f"{src}: Summe der Spalte {column} ({origin['sum']} Zeilen)"
    return f"{src}: {_cell(origin, origin)}"


def _cell(origin: dict[str, Any], row: Any) -> str:
    if isinstance(row, dict) and row.get("cell"):
        return f"Blatt {row.get('sheet')}, Zelle {row['cell']} (Spalte {origin.get('column')})"
    if isinstance(row, dict):
        return f"Zeile {row.get('line')}, Spalte {origin.get('column')}"
    if isinstance(row, list):  # [line, sheet, cell] of a computed number's one row
        line, sheet, cell = [*row, "", ""][:3]
        return (f"Blatt {sheet}, Zelle {cell} (Spalte {origin.get('column')})" if cell
                else f"Zeile {line}, Spalte {origin.get('column')}")
    return ""
