"""The records that travel between the pipeline's stages: a chapter as read, the assembled
document with the span of each chapter, and the anchors of a reviewer draft."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from papier import pandoc_ast as ast
from papier.errors import Problem
from papier.paper import Paper


@dataclass
class Anchor:
    """A block of a reviewer draft: its id (a DOCX bookmark) and where it comes from."""

    id: str
    file: str
    line: int
    end_line: int
    text: str
    section: str = ""
    level: int = 0  # heading level for headings, 0 for other blocks
    numbered: bool = True  # False for a heading marked {.unnumbered} or {-}


@dataclass
class Chapter:
    path: Path
    blocks: list[ast.Node]
    problems: list[Problem] = field(default_factory=list)
    ids: list[tuple[str, int, bool]] = field(default_factory=list)  # id, line, explicit
    links: list[tuple[str, int]] = field(default_factory=list)
    cites: list[tuple[str, int]] = field(default_factory=list)
    anchors: list[Anchor] = field(default_factory=list)


@dataclass
class Assembled:
    paper: Paper
    doc: dict[str, Any]
    problems: list[Problem]
    anchors: list[Anchor] = field(default_factory=list)  # only with assemble(anchors=True)
    # where each chapter's blocks are in doc["blocks"]: (file, first, end); the bibliography
    # that citeproc adds is a span of its own
    spans: list[tuple[str, int, int]] = field(default_factory=list)
    # with anchors: the bookmark id of each generated table cell and number -> its data origin
    origins: dict[str, dict[str, Any]] = field(default_factory=dict)
