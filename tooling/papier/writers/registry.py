"""The writers by format: a caller asks here for a format instead of branching on it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from papier.raster import logo_png
from papier.writers import Context
from papier.writers.docx import write_docx
from papier.writers.html import write_html
from papier.writers.pdf import write_pdf


def _docx(ctx: Context, out: Path) -> None:
    write_docx(ctx, out, logo_png(ctx.brand, ctx.paper.workspace))  # Word wants a bitmap logo


WRITERS: dict[str, Callable[[Context, Path], None]] = {
    "docx": _docx,
    "pdf": write_pdf,
    "html": write_html,
}


def write(fmt: str, ctx: Context, out: Path) -> None:
    """Write *ctx* as *fmt* ("docx", "pdf", "html") to *out*."""
    out.parent.mkdir(parents=True, exist_ok=True)
    WRITERS[fmt](ctx, out)
