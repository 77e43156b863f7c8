"""The writers by format (a caller asks here for a format instead of branching on it), and
the context every caller prepares for them. Kept apart from papier.writers, which the CLI
imports at start-up: this module brings the assembly, and each writer is loaded when first
asked for."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from papier import profile
from papier.assemble import assemble_valid
from papier.brand import Brand
from papier.document import Assembled
from papier.paper import Paper
from papier.stamp import Stamp
from papier.writers import Context, make_context


def _docx(ctx: Context, out: Path) -> None:
    from papier.raster import logo_png  # noqa: PLC0415 - each writer loads its own libraries
    from papier.writers.docx import write_docx  # noqa: PLC0415

    write_docx(ctx, out, logo_png(ctx.brand, ctx.paper.workspace))  # Word wants a bitmap logo


def _pdf(ctx: Context, out: Path) -> None:
    from papier.writers.pdf import write_pdf  # noqa: PLC0415

    write_pdf(ctx, out)


def _html(ctx: Context, out: Path) -> None:
    from papier.writers.html import write_html  # noqa: PLC0415

    write_html(ctx, out)


# each writer imports its libraries (python-docx, Typst, …) in its own thread, while the
# others already work: Typst and pandoc run without the GIL
WRITERS: dict[str, Callable[[Context, Path], None]] = {"docx": _docx, "pdf": _pdf, "html": _html}


def write(fmt: str, ctx: Context, out: Path) -> None:
    """Write *ctx* as *fmt* ("docx", "pdf", "html") to *out*."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with profile.stage(f"write {fmt}"):
        WRITERS[fmt](ctx, out)


def prepare(paper: Paper, brand: Brand, stamp: Stamp, work_dir: Path, *, final: bool = False,
            assembled: Assembled | None = None) -> Context:
    """The one way to a writer's context (build, preview, redline, reviewer copies): the
    paper assembled and valid (or *assembled*, e.g. with review anchors), its short texts
    parsed, intermediate files in *work_dir*."""
    work_dir.mkdir(parents=True, exist_ok=True)
    with profile.stage("assemble"):
        assembled = assembled or assemble_valid(paper)
    with profile.stage("title and key messages"):
        return make_context(assembled, brand, stamp, final, work_dir)
