"""The redline as DOCX: the build's own writer, with real tracked changes."""

from __future__ import annotations

from pathlib import Path

from papier import pandoc_ast as ast
from papier.ooxml import edit as ooxml
from papier.raster import logo_png
from papier.redline.compare import Comparison
from papier.writers.docx import Layout, docx_parts, imprint_blocks, number_headings, write_blocks


def _revision_marks(path: Path) -> None:
    ooxml.rewrite_parts(path, {"word/document.xml": ooxml.mark_revisions})


# headings numbered by the differ (numbers are part of the diff), tracked changes completed
REDLINE = Layout(number_headings=False, imprint=True, post=(_revision_marks,))


def write_redline(comp: Comparison, out: Path) -> None:
    logo = logo_png(comp.brand, comp.new.ws)
    old_front, old_body = docx_parts(comp.old.ctx, logo)
    new_front, new_body = docx_parts(comp.new.ctx, logo)
    toc_body = ast.clone(new_body)
    number_headings(old_body)
    number_headings(new_body)
    differ = comp.differ()
    front = differ.blocks(old_front, new_front)
    imprint = differ.blocks(imprint_blocks(comp.old.ctx), imprint_blocks(comp.new.ctx))
    body = differ.blocks(old_body, new_body)
    differ.finish()
    out.parent.mkdir(parents=True, exist_ok=True)
    write_blocks(comp.new.ctx, out, front, body, REDLINE, toc_body=toc_body, imprint=imprint)
