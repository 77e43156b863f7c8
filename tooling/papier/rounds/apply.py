"""papier round apply: accepted insertions, deletions and replacements into the Markdown."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from papier import fsutil
from papier.paper import load_paper
from papier.rounds.decisions import position
from papier.rounds.store import latest_round, load_items, locked, save_items, write_anchors
from papier.workspace import Workspace

APPLICABLE = ("insertion", "deletion", "replacement")
QUOTES = {"„": "[„\"]", "“": "[“\"]", "”": "[”\"]", "‚": "[‚']", "‘": "[‘']", "’": "[’']"}


@dataclass
class ApplyReport:
    applied: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    files: set[str] = field(default_factory=set)


def _pattern(text: str) -> str:
    """Rendered text -> a regex over the Markdown source (line breaks, straight quotes)."""
    out = []
    for part in re.split(r"(\s+)", text):
        if not part:
            continue
        if part.isspace():
            out.append(r"\s+")
        else:
            out.append("".join(QUOTES.get(ch, re.escape(ch)) for ch in part))
    return "".join(out)


def _one(pattern: str, text: str) -> re.Match[str] | None:
    found = list(re.finditer(pattern, text))
    return found[0] if len(found) == 1 else None


def _apply_one(entry: Any, text: str) -> tuple[str | None, str]:
    """Apply one item to a block's source; (new text, '') or (None, why not)."""
    anchor = entry.get("anchor") or {}
    kind = entry.get("kind")
    inserted, deleted = str(entry.get("text") or ""), str(entry.get("deleted") or "")
    before, after = str(anchor.get("before") or ""), str(anchor.get("after") or "")
    if anchor.get("paragraph"):
        if kind == "insertion":
            return text.rstrip("\n") + "\n\n" + inserted.strip(), ""
        if kind == "deletion" and re.fullmatch(_pattern(deleted.strip()), text.strip()):
            return "", ""
        return None, "the paragraph no longer reads as sent"
    if kind in ("deletion", "replacement"):
        match = _one(f"({_pattern(deleted)})", text) if deleted.strip() else None
        if match is None and before.strip():  # the context before it tells which occurrence
            match = _one(f"{_pattern(before)}({_pattern(deleted)})", text)
        if match is None:
            return None, f"„{deleted.strip()}“ is not found exactly once in the source"
        return text[:match.start(1)] + inserted + text[match.end(1):], ""
    if before.strip():
        match = _one(_pattern(before), text)
        if match is not None:
            return text[:match.end()] + inserted + text[match.end():], ""
    if after.strip():
        match = _one(_pattern(after), text)
        if match is not None:
            return text[:match.start()] + inserted + text[match.start():], ""
    return None, "the place of the insertion is not found exactly once in the source"


def apply(ws: Workspace, slug: str, ids: list[str] | None = None,
          today: dt.date | None = None) -> ApplyReport:
    paper = load_paper(ws, slug)
    rnd = latest_round(paper)
    anchors = rnd.anchors()
    report = ApplyReport()
    with locked(rnd.folder):
        items = load_items(rnd)
        wanted = set(ids or [])
        unknown = wanted - {str(e.get("id")) for e in items}
        for ident in sorted(unknown):
            report.refused.append((ident, "no such item"))
        todo = []
        for entry in sorted(items, key=position):
            ident = str(entry.get("id"))
            if wanted and ident not in wanted:
                continue
            if entry.get("applied"):
                if wanted:
                    report.refused.append((ident, f"already applied on {entry['applied']}"))
                continue
            if entry.get("decision") != "übernommen" or entry.get("kind") not in APPLICABLE:
                if wanted:
                    report.refused.append((ident, f"is a {entry.get('kind')} with decision "
                                           f"'{entry.get('decision')}'; only accepted insertions, "
                                           "deletions and replacements are applied"))
                continue
            todo.append(entry)
        by_block: dict[str, list[Any]] = {}
        for entry in todo:
            block = str((entry.get("anchor") or {}).get("block") or "")
            if block not in anchors:
                report.refused.append((str(entry["id"]), "has no place in the text (unanchored); "
                                       "apply it by hand"))
                continue
            by_block.setdefault(block, []).append(entry)
        files: dict[str, list[str]] = {}
        for block, entries in by_block.items():
            record = anchors[block]
            rel = record["file"]
            if rel not in files:
                files[rel] = (paper.folder / rel).read_text("utf-8").split("\n")
            lines = files[rel]
            start, end = record["line"] - 1, record["end_line"]
            current = "\n".join(lines[start:end])
            where = f"{paper.rel(paper.folder / rel)}:{record['line']}"
            if current != record["source"]:
                for entry in entries:
                    report.refused.append((str(entry["id"]), f"{where}: the text was edited since "
                                           f"round {rnd.number} was sent; apply it by hand"))
                continue
            text = current
            done = []
            for entry in entries:
                new, why = _apply_one(entry, text)
                if new is None:
                    report.refused.append((str(entry["id"]), f"{where}: {why}; apply it by hand"))
                    continue
                text = new
                done.append(entry)
            if not done:
                continue
            replacement = text.split("\n") if text else []
            lines[start:end] = replacement
            shift = len(replacement) - (end - start)
            if not replacement and 0 < start < len(lines) and lines[start] == lines[start - 1] == "":
                del lines[start]  # a removed paragraph takes one of its blank lines with it
                shift -= 1
            for other in anchors.values():  # later blocks of the same file move with it
                if other["file"] == rel and other["line"] - 1 >= end:
                    other["line"] += shift
                    other["end_line"] += shift
            record["end_line"] = record["line"] + len(replacement) - 1
            record["source"] = text
            stamp = (today or dt.date.today()).isoformat()
            for entry in done:
                entry["applied"] = stamp
                report.applied.append(str(entry["id"]))
            report.files.add(rel)
        for rel in report.files:
            fsutil.write_text(paper.folder / rel, "\n".join(files[rel]))
        if report.applied:
            save_items(rnd, items)
            write_anchors(rnd.folder, anchors)
    return report
