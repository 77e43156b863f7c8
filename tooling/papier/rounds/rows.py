"""Table rows in the Markdown: a pipe table's cell is a block of a round of its own, but its
anchor's source is the whole row. Where in the row a cell's text stands."""

from __future__ import annotations

import itertools
import re
from typing import Any

PIPE = re.compile(r"(?<!\\)\|")


def cell_span(anchors: dict[str, dict[str, Any]], ident: str, source: str) -> tuple[int, int] | None:
    """(start, end) of block *ident*'s cell inside its row *source*; None when the block is
    not a cell of a pipe table. ValueError when the row cannot be cut into its cells."""
    record = anchors[ident]
    if record["line"] != record["end_line"] or not source.lstrip().startswith("|"):
        return None
    same_row = sorted(i for i, a in anchors.items() if a["file"] == record["file"]
                      and a["line"] == record["line"] == a["end_line"] and not i.startswith("fn-"))
    cells = list(itertools.pairwise(m.start() for m in PIPE.finditer(source)))
    if len(cells) != len(same_row):
        raise ValueError("the table row cannot be cut into its cells")
    left, right = cells[same_row.index(ident)]
    return left + 1, right
