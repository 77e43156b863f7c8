"""The writers by format (a caller asks here for a format instead of branching on it), and
the context every caller prepares for them. Kept apart from papier.writers, which the CLI
imports at start-up: this module brings the assembly and every writer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from papier.assemble import assemble_valid
from papier.brand import Brand
from papier.document import Assembled
from papier.paper import Paper
from papier.raster import logo_png
from papier.stamp import Stamp
from papier.writers import Context, make_context
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


def prepare(paper: Paper, brand: Brand, stamp: Stamp, work_dir: Path, *, final: bool = False,
            assembled: Assembled | None = None) -> Context:
    """The one way to a writer's context (build, preview, redline, reviewer copies): the
    paper assembled and valid (or *assembled*, e.g. with review anchors), its short texts
    parsed, intermediate files in *work_dir*."""
    work_dir.mkdir(parents=True, exist_ok=True)
    return make_context(assembled or assemble_valid(paper), brand, stamp, final, work_dir)
