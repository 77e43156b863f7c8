"""Footnotes in a round's anchors: each definition `[^label]: …` gets an anchor of its own,
and each block lists the notes it references, in order, so that a reviewer's edit in a
footnote of the DOCX is placed on the line of its definition in the Markdown."""

from __future__ import annotations

import re
from typing import Any

from papier.rounds.rows import cell_span

NOTE_DEF = re.compile(r"^\[\^([^\]\s]+)\]:")
NOTE_REF = re.compile(r"\[\^([^\]\s]+)\](?!:)")
FENCE = re.compile(r"^\s*(```|~~~)")


def _continues(lines: list[str], at: int) -> bool:
    """Line *at* still belongs to the definition above: a following line of its paragraph,
    or an indented paragraph (or the blank line before one)."""
    line = lines[at]
    if line.strip():
        return not NOTE_DEF.match(line) and (bool(lines[at - 1].strip()) or line.startswith(("    ", "\t")))
    return at + 1 < len(lines) and lines[at + 1].startswith(("    ", "\t"))


def _definitions(lines: list[str]) -> dict[str, tuple[int, int]]:
    """label -> (first line, last line), 1-based, of every footnote definition."""
    found: dict[str, tuple[int, int]] = {}
    fenced = False
    i = 0
    while i < len(lines):
        if FENCE.match(lines[i]):
            fenced = not fenced
        match = None if fenced else NOTE_DEF.match(lines[i])
        if match is None:
            i += 1
            continue
        end = i + 1
        while end < len(lines) and _continues(lines, end):
            end += 1
        found.setdefault(match.group(1), (i + 1, end))
        i = end
    return found


def _own_text(anchors: dict[str, dict[str, Any]], ident: str, source: str) -> str:
    """A block's own text: for a table cell its cell, not the whole row it shares."""
    try:
        span = cell_span(anchors, ident, source)
    except ValueError:
        return source
    return source[span[0]:span[1]] if span else source


def add_notes(anchors: dict[str, dict[str, Any]], sources: dict[str, list[str]]) -> None:
    """Add footnote anchors (id fn-<chapter>-<label>) and each block's 'notes' list."""
    for rel, lines in sources.items():
        blocks = [(ident, a) for ident, a in anchors.items() if a["file"] == rel]
        if not blocks:
            continue
        chapter = blocks[0][0].split("-")[1]
        definitions = _definitions(lines)
        new: dict[str, dict[str, Any]] = {}
        for ident, anchor in blocks:
            notes = []
            for label in NOTE_REF.findall(_own_text(anchors, ident, anchor.get("source", ""))):
                if label not in definitions:
                    continue
                note_id = f"fn-{chapter}-{label}"
                notes.append(note_id)
                first, last = definitions[label]
                source = "\n".join(lines[first - 1:last])
                new.setdefault(note_id, {
                    "file": rel, "line": first, "end_line": last,
                    "text": NOTE_DEF.sub("", source, count=1).strip(),
                    "section": anchor.get("section", ""), "level": 0, "source": source,
                })
            if notes:
                anchor["notes"] = notes
        anchors.update(new)
