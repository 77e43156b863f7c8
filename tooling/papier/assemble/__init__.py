"""Assemble a paper into one pandoc document plus a source map.

Each chapter is read by pandoc's ``commonmark_x+sourcepos`` reader; the inline
wrapper spans it adds are removed again, every block keeps its ``file:line``,
and the checks that need the parsed text (images, links, citations, ids) run
here, so ``papier check`` and ``papier build`` see the same problems.
"""

from __future__ import annotations

from typing import Any

from papier import profile
from papier.assemble.chapters import prefetch, read_chapters
from papier.assemble.checks import bibliography_keys, cross_checks
from papier.assemble.reader import resolve_resource
from papier.assemble.transforms import run_citeproc, sections, table_captions
from papier.data.expand import expand_data
from papier.document import Assembled
from papier.errors import PaperInvalid, Problem, ToolError
from papier.paper import Paper

__all__ = ["assemble", "assemble_valid", "bibliography_keys", "prefetch", "read_chapters", "resolve_resource"]


def assemble(paper: Paper, citeproc: bool = True, anchors: bool = False,
             positions: bool = True, render: bool = True) -> Assembled:
    """Read and check every chapter; return one document (quotes, captions, citations done).

    With *anchors*, every block, list item and table cell is wrapped in a Div with a
    block id (a bookmark in DOCX), and ``Assembled.anchors`` maps the ids to file:line.
    Without *positions* (redlines), problems come without line numbers but reading is faster.
    Data tables, charts and values are expanded; charts are drawn only with *render*.
    """
    with profile.stage("read chapters"):
        chapters = read_chapters(paper, anchors, positions)
    problems = [p for c in chapters for p in c.problems]
    origins: dict[str, dict[str, Any]] = {}
    with profile.stage("data: tables, charts, values"):
        problems += expand_data(paper, chapters, render, origins if anchors else None)
    bib_keys: set[str] | None = None
    if paper.bibliography is not None:
        try:
            bib_keys = bibliography_keys(paper.bibliography)
        except ToolError as exc:
            problems.append(Problem(paper.rel(paper.bibliography), 1,
                                    f"cannot read the bibliography: {exc}"))
            bib_keys = set()
    with profile.stage("cross checks"):
        problems += cross_checks(paper, chapters, bib_keys)
    spans = []
    blocks: list[Any] = []
    for chapter in chapters:
        table_captions(chapter.blocks)  # a caption stays in its chapter
        spans.append((paper.rel(chapter.path), len(blocks), len(blocks) + len(chapter.blocks)))
        blocks += chapter.blocks
    doc: dict[str, Any] = {
        "pandoc-api-version": [1, 23, 1, 1],
        "meta": {},
        "blocks": blocks,
    }
    if citeproc and paper.bibliography is not None and not problems:
        doc = run_citeproc(paper, doc)
        if len(doc["blocks"]) > len(blocks):  # the bibliography
            spans.append((paper.rel(paper.bibliography), len(blocks), len(doc["blocks"])))
    found = [a for c in chapters for a in c.anchors]
    sections(found)
    return Assembled(paper, doc, sorted(problems), found, spans, origins)


def assemble_valid(paper: Paper) -> Assembled:
    """The paper for writing outputs; PaperInvalid if it has problems.

    Outputs need no line numbers, so chapters are read without source positions (five
    times less JSON); only when there are problems is the paper read again with them, so
    that every message names file:line."""
    assembled = assemble(paper, positions=False)
    if assembled.problems:
        raise PaperInvalid(assemble(paper).problems)
    return assembled


