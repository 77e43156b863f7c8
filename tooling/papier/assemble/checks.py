"""Checks across chapters: ids used twice, links to ids that do not exist, citation keys
not in the bibliography."""

from __future__ import annotations

import json
from pathlib import Path

from papier import pandoc
from papier.document import Chapter
from papier.errors import PapierError, Problem
from papier.paper import Paper


def bibliography_keys(path: Path) -> set[str]:
    """Every entry id in a .bib/.yaml/.json bibliography, read through pandoc."""
    fmt = {".bib": "biblatex", ".json": "csljson", ".yaml": "markdown", ".yml": "markdown"}
    reader = fmt.get(path.suffix.lower())
    if reader is None:
        raise PapierError(f"{path}: unknown bibliography format; use .bib, .json or .yaml")
    if reader == "markdown":
        data = path.read_text(encoding="utf-8")
        text = data if data.startswith("---") else f"---\n{data}\n...\n"
        out = pandoc.run(["-f", "markdown", "-t", "csljson", "--citeproc"], text.encode(), path)
    else:
        out = pandoc.run(["-f", reader, "-t", "csljson", str(path)], None, path)
    return {entry["id"] for entry in json.loads(out)}


def cross_checks(paper: Paper, chapters: list[Chapter], bib_keys: set[str] | None) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, tuple[str, int, bool]] = {}
    for chapter in chapters:
        shown = paper.rel(chapter.path)
        for ident, line, explicit in chapter.ids:
            if ident in seen:
                first_file, first_line, first_explicit = seen[ident]
                if explicit or first_explicit:
                    problems.append(Problem(
                        shown, line, f"id '#{ident}' is used twice (first at {first_file}:"
                        f"{first_line}); give one of them another {{#id}}"))
            else:
                seen[ident] = (shown, line, explicit)
    for chapter in chapters:
        shown = paper.rel(chapter.path)
        for target, line in chapter.links:
            if target not in seen:
                problems.append(Problem(
                    shown, line, f"link to '#{target}' goes nowhere; no heading or element has "
                    f"that id (write {{#{target}}} after the heading, or fix the link)"))
        for key, line in chapter.cites:
            if bib_keys is None:
                problems.append(Problem(
                    shown, line, f"citation '@{key}' but the paper has no bibliography; add "
                    "'bibliography: literatur.bib' to paper.yaml, or write \\@ for a literal @"))
            elif key not in bib_keys:
                problems.append(Problem(
                    shown, line, f"citation key '@{key}' is not in "
                    f"{paper.rel(paper.bibliography) if paper.bibliography else 'the bibliography'};"
                    " add the entry or fix the key (write \\@ for a literal @)"))
    return problems
