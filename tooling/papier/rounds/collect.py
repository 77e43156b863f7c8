"""papier round collect: returned DOCX files -> comments.yaml, anchored to file:line."""

from __future__ import annotations

import difflib
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from papier import fsutil
from papier.errors import PapierError
from papier.paper import load_paper
from papier.rounds.docx_read import Found, Paragraph, Reading, read_docx
from papier.rounds.identity import identify_reviewer
from papier.rounds.store import Round, load_items, locked, new_map, open_round_of, save_items
from papier.workspace import Workspace

FUZZY_CUTOFF = 0.6


@dataclass
class FileResult:
    path: Path
    reviewer: str = ""
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    error: str = ""
    already: bool = False


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


class Anchorer:
    """Block bookmark first, fuzzy text match against the version sent second."""

    def __init__(self, anchors: dict[str, dict[str, Any]]) -> None:
        self.anchors = anchors
        self.by_text: dict[str, str] = {}
        for ident, anchor in anchors.items():
            self.by_text.setdefault(_norm(anchor["text"]), ident)
        self.texts = list(self.by_text)
        self.cache: dict[str, str | None] = {}

    def block_of(self, para: Paragraph | None) -> tuple[str | None, str]:
        if para is None:
            return None, "none"
        if para.block and para.block in self.anchors:
            return para.block, "bookmark"
        key = _norm(para.original)
        if not key:
            return None, "none"
        if key not in self.cache:
            ident = self.by_text.get(key)
            if ident is None:
                close = difflib.get_close_matches(key, self.texts, n=1, cutoff=FUZZY_CUTOFF)
                ident = self.by_text[close[0]] if close else None
            self.cache[key] = ident
        ident = self.cache[key]
        return ident, ("text" if ident else "none")

    def anchor(self, item: Found, reading: Reading) -> dict[str, Any]:
        para = reading.paragraphs[item.paragraph] if item.paragraph is not None else None
        ident, method = self.block_of(para)
        record = self.anchors.get(ident or "", {})
        quote = item.quote or item.deleted or (para.original.strip()[:200] if para else "")
        out: dict[str, Any] = {
            "file": record.get("file", ""), "line": record.get("line", 0),
            "section": record.get("section", ""), "quote": quote,
            "block": ident or "", "method": method,
        }
        if item.kind in ("insertion", "deletion", "replacement", "move"):
            out["before"], out["after"] = item.before, item.after
            out["paragraph"] = item.whole_paragraph
        if item.kind == "move" and item.to_paragraph is not None:
            to_ident, _ = self.block_of(reading.paragraphs[item.to_paragraph])
            target = self.anchors.get(to_ident or "", {})
            out["to"] = {"file": target.get("file", ""), "line": target.get("line", 0),
                         "block": to_ident or ""}
        return out


def _key(entry: Any) -> tuple[Any, ...]:
    """What makes an item the same in a revised file. A dated comment is the same comment
    even when the reviewer's later edits moved its range; changes are also told by place."""
    anchor = entry.get("anchor", {}) or {}
    if entry.get("kind") == "comment" and entry.get("date"):
        return (entry.get("reviewer"), "comment", entry.get("author"), entry.get("date"),
                _norm(str(entry.get("text", ""))))
    return (entry.get("reviewer"), entry.get("kind"), entry.get("author"), entry.get("date"),
            _norm(str(entry.get("text", ""))), _norm(str(entry.get("deleted", ""))),
            anchor.get("block") or _norm(str(anchor.get("quote", ""))),
            _norm(str(anchor.get("before", ""))))


def _entry(item: Found, reviewer: str, anchor: dict[str, Any], source: dict[str, str]) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": "", "reviewer": reviewer, "author": item.author, "date": item.date,
        "kind": item.kind, "text": item.text,
    }
    if item.kind in ("deletion", "replacement", "move"):
        entry["deleted"] = item.deleted
    if item.kind == "comment":
        entry["initials"] = item.initials
    entry["replies"] = item.replies  # Word threads only comments; kept on every item alike
    entry["resolved"] = item.resolved
    entry["anchor"] = anchor
    entry["source"] = source
    entry["decision"] = "offen"
    entry["response"] = ""
    return entry


def _next_id(rnd: Round, items: Any) -> int:
    numbers = [int(m.group(1)) for e in items
               if (m := re.match(rf"R{rnd.number}-(\d+)$", str(e.get("id", ""))))]
    return max(numbers, default=0) + 1


def collect(ws: Workspace, slug: str, files: list[Path], reviewer: str | None = None) -> list[FileResult]:
    """Collect *files* into the open round; a bad file is reported and the others still count."""
    paper = load_paper(ws, slug)
    rnd = open_round_of(paper)
    anchorer = Anchorer(rnd.anchors())
    results: list[FileResult] = []
    prepared: list[tuple[FileResult, bytes, Reading, str]] = []
    for path in files:
        result = FileResult(path)
        results.append(result)
        try:
            data = path.read_bytes()
            reading = read_docx(path)
            result.reviewer = identify_reviewer(rnd, reading, path, reviewer)
        except (PapierError, OSError) as exc:
            result.error = str(exc) if isinstance(exc, PapierError) else f"{path}: {exc}"
            continue
        prepared.append((result, data, reading, result.reviewer))
    with locked(rnd.folder):
        items = load_items(rnd)
        # the n-th item with the same key is its own item: a reviewer may write "Quelle?"
        # twice in the same minute; counted per file and over what is stored
        stored_count: Counter[tuple[Any, ...]] = Counter()
        known = {}
        for e in items:
            base = _key(e)
            known[(*base, stored_count[base])] = e
            stored_count[base] += 1
        next_number = _next_id(rnd, items)
        returned = rnd.folder / "returned"
        for result, data, reading, who in prepared:
            sha = hashlib.sha256(data).hexdigest()
            stored = returned / f"{who}-{sha[:8]}.docx"
            if any(e.get("source", {}).get("sha256") == sha for e in items) or stored.exists():
                result.already = True
            source = {"file": str(stored.relative_to(paper.folder)), "sha256": sha}
            in_file: Counter[tuple[Any, ...]] = Counter()
            for item in reading.found:
                anchor = anchorer.anchor(item, reading)
                entry = _entry(item, who, anchor, {**source, "docx_id": item.docx_id})
                base = _key(entry)
                key = (*base, in_file[base])
                in_file[base] += 1
                old = known.get(key)
                if old is not None:
                    if _merge_thread(old, entry):
                        result.updated.append(str(old["id"]))
                    continue
                entry["id"] = f"R{rnd.number}-{next_number:03d}"
                next_number += 1
                mapped = new_map(entry)
                items.append(mapped)
                known[key] = mapped
                result.added.append(entry["id"])
            if not stored.exists():  # exactly the bytes that were read and hashed, atomically
                fsutil.write_bytes(stored, data)
        if any(r.added or r.updated for r in results):
            save_items(rnd, items)
    return results


def _merge_thread(old: Any, new: dict[str, Any]) -> bool:
    """A revised file may add replies or resolve a thread: add what is new, drop nothing."""
    if new["kind"] != "comment":
        return False
    changed = False
    have = {(r.get("author"), r.get("date"), r.get("text")) for r in old.get("replies", [])}
    for reply in new.get("replies", []):
        if (reply["author"], reply["date"], reply["text"]) not in have:
            old.setdefault("replies", []).append(new_map(reply))
            changed = True
    if new.get("resolved") and not old.get("resolved"):
        old["resolved"] = True
        changed = True
    return changed
