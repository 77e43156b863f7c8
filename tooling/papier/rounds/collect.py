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
from papier.ooxml.changes import Found
from papier.ooxml.package import read_file
from papier.ooxml.reader import Reading
from papier.ooxml.story import OBJECT, Paragraph
from papier.paper import load_paper
from papier.rounds.identity import identify_reviewer, reviewer_note
from papier.rounds.items import Item
from papier.rounds.returned import SUFFIX, read_returned
from papier.rounds.store import Round, load_items, locked, new_map, open_round_of, save_items
from papier.rounds.verdicts import KIND, Verdict, load_manifest, read_back
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
    read: int = 0  # comments and suggestions in the file
    unplaced: int = 0  # of them, with no place in the Markdown
    formatting: int = 0  # formatting changes (not taken: formatting comes from the template)
    rows: int = 0  # table rows inserted or deleted as rows (their text is in the items)
    note: str = ""  # e.g. --reviewer overriding the reviewer the file names
    format: str = "docx"  # docx, odt or pdf
    skipped: int = 0  # PDF drawings without text
    astray: int = 0  # PDF annotations whose words are not in the text as sent
    clashes: int = 0  # PDF changes over other changes there, kept as comments
    verdict: Verdict | None = None  # a Gesamtfassung: the team's decisions read back
    data: int = 0  # items on table cells or numbers generated from data files


def collect_warnings(result: FileResult) -> list[str]:
    """What the user must hear about a file beyond its count: nothing read, nothing placed,
    formatting not taken."""
    out = []
    if result.read and result.unplaced == result.read:
        out.append(f"{result.path}: {result.read} item(s), none matched the text: is this a draft "
                   "of another paper or an older version? They are in the matrix as „ohne Zuordnung“")
    elif result.unplaced > result.astray:
        out.append(f"{result.path}: {result.unplaced - result.astray} of {result.read} item(s) have "
                   "no place in the "
                   "Markdown (headers, footers, generated text); the matrix lists them as „ohne "
                   "Zuordnung“ with their section")
    if result.astray:
        out.append(f"{result.path}: {result.astray} annotation(s) on the PDF mark words papier cannot "
                   "find in the text as sent (a figure, the title page, or another version?); they "
                   "are in the matrix as „ohne Zuordnung“ with their page: place them by hand")
    if result.clashes:
        out.append(f"{result.path}: {result.clashes} change(s) on the PDF over words another change "
                   "there already changes; kept as comments quoting what they suggest")
    if result.skipped:
        out.append(f"{result.path}: {result.skipped} drawing(s) on the PDF without text (lines, "
                   "boxes, ink) not taken; look at the PDF for them")
    if result.formatting:
        out.append(f"{result.path}: {result.formatting} formatting change(s) not taken (formatting "
                   "comes from the template)")
    if result.data:
        out.append(f"{result.path}: {result.data} item(s) are on table cells or numbers generated from "
                   "data files; the matrix names the file, row and column: change the data there, "
                   "not the text")
    if result.rows:
        out.append(f"{result.path}: {result.rows} table row(s) inserted or deleted; their text is in "
                   "the items, but new or removed rows must be made in the Markdown table by hand")
    if not result.read and result.format == "pdf" and not result.already:
        out.append(f"{result.path}: no comments or marks found on the PDF; if the reviewer wrote "
                   "into it with a form or a drawing tool, ask for comments made with the viewer's "
                   "comment tools (sticky note, highlight, strike-through, insert text)")
    elif not result.read and not result.formatting and not result.already:
        out.append(f"{result.path}: no comments and no tracked changes found; if the reviewer edited "
                   "without change tracking, ask them to compare documents in Word and send the result")
    return out


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


WORDS = 6  # words of context shown on each side of a change in the matrix


def stelle(item: Found, para: Paragraph | None) -> str:
    """Where the change goes, as the matrix shows it: a few words before and after, the
    change marked wdiff-style ([-gestrichen-] [+eingefügt+])."""
    if item.kind == "comment":
        return item.quote or (para.original.strip()[:200] if para else "")
    before = " ".join(item.before.split()[-WORDS:])
    after = " ".join(item.after.split()[:WORDS])
    if item.whole_paragraph and item.kind == "insertion":
        tail = " ".join(para.original.split()[-WORDS:]) if para else ""
        return f"…{tail} [+¶ {item.text.strip()}+]" if tail else f"[+¶ {item.text.strip()}+]"
    mark = {"split": "[+¶+]", "join": "[-¶-]"}.get(item.kind)
    if mark is None:
        parts = []
        if item.deleted:
            parts.append(f"[-{item.deleted.strip() if item.whole_paragraph else item.deleted}-]")
        if item.text:
            parts.append(f"[+{item.text}+]")
        mark = " ".join(parts)
    out = f"{before} {mark} {after}".strip().replace(OBJECT, "[…]")
    return ("…" if before else "") + out + ("…" if after else "")


class Anchorer:
    """Block bookmark first, fuzzy text match against the version sent second; footnotes
    to their definition line, new paragraphs after the block they follow."""

    def __init__(self, anchors: dict[str, dict[str, Any]],
                 origins: dict[str, dict[str, Any]] | None = None) -> None:
        self.anchors = anchors
        self.origins = origins or {}
        self.by_text: dict[str, str] = {}
        for ident, anchor in anchors.items():
            if not ident.startswith("fn-"):
                self.by_text.setdefault(_norm(anchor["text"]), ident)
        self.texts = list(self.by_text)
        self.cache: dict[str, tuple[str | None, str]] = {}
        self._notes_of: tuple[Reading, dict[str, list[str]]] | None = None

    def _by_text(self, para: Paragraph) -> tuple[str | None, str]:
        """The block whose text as sent is the paragraph's ("text"), or a close one ("fuzzy":
        shown in the matrix, never applied)."""
        key = _norm(para.original.replace(OBJECT, ""))
        if not key or para.front:  # the title page and hints come from paper.yaml, not a chapter
            return None, "none"
        if key not in self.cache:
            ident = self.by_text.get(key)
            method = "text"
            if ident is None:
                close = difflib.get_close_matches(key, self.texts, n=1, cutoff=FUZZY_CUTOFF)
                ident, method = (self.by_text[close[0]], "fuzzy") if close else (None, "none")
            self.cache[key] = (ident, method)
        return self.cache[key]

    def block_of(self, para: Paragraph | None, reading: Reading | None = None) -> tuple[str | None, str]:
        if para is None:
            return None, "none"
        if para.note and reading is not None:
            return self._note(para, reading)
        if para.part != "document.xml":
            return None, "none"  # headers and footers come from the template, not the text
        if para.block and para.block in self.anchors:
            return para.block, "bookmark"
        return self._by_text(para)

    def _note(self, para: Paragraph, reading: Reading) -> tuple[str | None, str]:
        """A footnote's paragraph: the definition [^n]: of the k-th note of the block
        whose paragraph carries the reference."""
        kind, _, ident = para.note.partition(":")
        at = reading.note_refs.get((kind, ident))
        if at is None or ident in reading.paragraphs[at].new_notes:
            return None, "none"  # a note the reviewer added has no definition in the Markdown
        block, _ = self.block_of(reading.paragraphs[at], reading)
        if block is None:
            return None, "none"
        refs = self._block_notes(reading).get(block, [])
        notes = self.anchors[block].get("notes") or []
        k = refs.index(ident) if ident in refs else -1
        if 0 <= k < len(notes) and notes[k] in self.anchors:
            return notes[k], "footnote"
        return block, "footnote-reference"  # a round opened before notes were recorded

    def _block_notes(self, reading: Reading) -> dict[str, list[str]]:
        """Block -> the ids of the notes its body paragraphs reference, in order; made once
        per file (a file's footnotes would otherwise each walk every paragraph)."""
        if self._notes_of is None or self._notes_of[0] is not reading:
            by_block: dict[str, list[str]] = {}
            for p in reading.paragraphs:
                if p.block and p.part == "document.xml":
                    by_block.setdefault(p.block, []).extend(p.notes)
            self._notes_of = (reading, by_block)
        return self._notes_of[1]

    def _follows(self, item: Found, reading: Reading) -> Paragraph | None:
        """For a new paragraph: the paragraph it follows, or the table when it follows one."""
        if item.paragraph is None:
            return None
        para = reading.paragraphs[item.paragraph]
        nxt = reading.paragraphs[item.paragraph + 1] if item.paragraph + 1 < len(reading.paragraphs) else None
        if para.table_block and (nxt is None or nxt.table_block != para.table_block):
            return Paragraph(para.index, para.part, para.story, block=para.table_block,
                             section=para.section, note=para.note)
        return para

    def anchor(self, item: Found, reading: Reading) -> dict[str, Any]:
        para = reading.paragraphs[item.paragraph] if item.paragraph is not None else None
        where = self._follows(item, reading) if item.whole_paragraph and item.kind == "insertion" \
            else para
        ident, method = self.block_of(where, reading)
        record = self.anchors.get(ident or "", {})
        out: dict[str, Any] = {
            "file": record.get("file", ""), "line": record.get("line", 0),
            "section": record.get("section") or item.section, "quote": stelle(item, para),
            "block": ident or "", "method": method,
        }
        if item.part != "document.xml":
            out["part"] = item.part
        if item.kind != "comment":
            out["before"], out["after"] = item.before, item.after
            out["paragraph"] = item.whole_paragraph
            out["offset"] = item.offset
            if item.whole_paragraph and item.kind == "insertion" and item.paragraph is not None \
                    and item.paragraph + 1 < len(reading.paragraphs):
                out["list"] = reading.paragraphs[item.paragraph + 1].listed
        origin = self.data_origin(item, reading)
        if origin is not None:
            out["data"] = origin
        if item.kind == "move" and item.to_paragraph is not None:
            to_ident, _ = self.block_of(reading.paragraphs[item.to_paragraph], reading)
            target = self.anchors.get(to_ident or "", {})
            out["to"] = {"file": target.get("file", ""), "line": target.get("line", 0),
                         "block": to_ident or ""}
        return out


    def data_origin(self, item: Found, reading: Reading) -> dict[str, Any] | None:
        """The data file, line or cell and column of a generated table cell or number the
        item changes (a comment: that it is on), from the dat- bookmark around it."""
        if not self.origins or item.paragraph is None:
            return None
        story = reading.paragraphs[item.paragraph].story
        start, end = item.offset, item.offset + item.length
        for name, (where, offset, length) in reading.bookmarks.items():
            origin = self.origins.get(name)
            if origin is None or where != story:
                continue
            stop = offset + length
            if item.kind == "comment":
                hit = offset <= start and end <= stop and length > 0
            elif item.length:
                hit = start < stop and offset < end
            else:  # an insertion: inside a number, or anywhere in a table cell
                hit = offset < start < stop or ("expression" not in origin and offset <= start <= stop)
            if hit:
                return dict(origin)
        return None


def find_again(item: Item, reading: Reading, taken: set[int]) -> Found | None:
    """*item* in the file it was collected from: its revision or comment id, kind and text."""
    source = item.record.get("source") or {}
    ident = str(source.get("docx_id", ""))
    for k, found in enumerate(reading.found):
        if k in taken or found.docx_id != ident or found.kind != item.kind.value:
            continue
        if " ".join(found.text.split()) == " ".join(item.text.split()) \
                and " ".join(found.deleted.split()) == " ".join(item.deleted.split()):
            taken.add(k)
            return found
    return None


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
    if item.nested:
        entry["nested"] = item.nested  # made inside another suggestion (revision id)
    if item.objects:
        entry["objects"] = list(item.objects)  # footnotes or pictures added or removed
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


class _Ledger:
    """The round's items, by what makes an item the same, and the next free id."""

    def __init__(self, rnd: Round, items: list[Any]) -> None:
        self.rnd = rnd
        self.items = items
        # the n-th item with the same key is its own item: a reviewer may write "Quelle?"
        # twice in the same minute; counted per file and over what is stored
        counted: Counter[tuple[Any, ...]] = Counter()
        self.known: dict[tuple[Any, ...], Any] = {}
        for e in items:
            base = _key(e)
            self.known[(*base, counted[base])] = e
            counted[base] += 1
        self.next_number = _next_id(rnd, items)

    def take(self, result: FileResult, reading: Reading, anchorer: Anchorer, who: str,
             source: dict[str, str]) -> None:
        """Add the file's new items; add new replies and resolved state to known threads."""
        in_file: Counter[tuple[Any, ...]] = Counter()
        result.read = len(reading.found)
        result.formatting = sum(reading.formatting.values())
        result.rows = sum(reading.rows.values())
        result.skipped, result.astray, result.clashes = reading.skipped, reading.unplaced, reading.clashes
        for item in reading.found:
            anchor = anchorer.anchor(item, reading)
            result.unplaced += not anchor["file"]
            result.data += "data" in anchor
            entry = _entry(item, who, anchor, {**source, "docx_id": item.docx_id})
            base = _key(entry)
            key = (*base, in_file[base])
            in_file[base] += 1
            old = self.known.get(key)
            if old is not None:
                if _merge_thread(old, entry):
                    result.updated.append(str(old["id"]))
                continue
            entry["id"] = f"R{self.rnd.number}-{self.next_number:03d}"
            self.next_number += 1
            mapped = new_map(entry)
            self.items.append(mapped)
            self.known[key] = mapped
            result.added.append(entry["id"])


def _read(rnd: Round, path: Path, reviewer: str | None) -> tuple[FileResult, bytes, Reading | None]:
    """One file read and identified, or its FileResult carrying the one-line error."""
    result = FileResult(path)
    try:
        data = read_file(path)
        reading, result.format = read_returned(rnd, path, data)  # the bytes hashed and kept
        if reading.properties.get("papier.kind") == KIND:
            _check_gesamt(rnd, reading, path)
            return result, data, reading
        result.reviewer = identify_reviewer(rnd, reading, path, reviewer)
        result.note = reviewer_note(rnd, reading, path, reviewer) or ""
    except (PapierError, OSError) as exc:
        result.error = str(exc) if isinstance(exc, PapierError) else f"{path}: {exc}"
        return result, b"", None
    return result, data, reading


def _check_gesamt(rnd: Round, reading: Reading, path: Path) -> None:
    props = reading.properties
    if props.get("papier.paper") != rnd.paper.slug or props.get("papier.round") != str(rnd.number):
        raise PapierError(f"{path}: this Gesamtfassung belongs to paper "
                          f"'{props.get('papier.paper')}', round {props.get('papier.round')}, not to "
                          f"round {rnd.number} of '{rnd.paper.slug}'")


def collect(ws: Workspace, slug: str, files: list[Path], reviewer: str | None = None,
            overwrite: bool = False) -> list[FileResult]:
    """Collect *files* into the open round; a bad file is reported and the others still count.
    A Gesamtfassung (papier round merge) brings the team's decisions instead of new items."""
    paper = load_paper(ws, slug)
    rnd = open_round_of(paper)
    anchorer = Anchorer(rnd.anchors(), rnd.origins())
    read = [_read(rnd, path, reviewer) for path in files]
    results = [result for result, _data, _reading in read]
    with locked(rnd.folder):
        ledger = _Ledger(rnd, load_items(rnd))
        for result, data, reading in read:
            if reading is None:
                continue
            if reading.properties.get("papier.kind") == KIND:
                merge_id = reading.properties.get("papier.merge", "")
                try:
                    result.verdict = read_back(rnd, reading, result.path, load_manifest(rnd, merge_id),
                                               ledger.items, overwrite)
                except PapierError as exc:
                    result.error = str(exc)
                    continue
                sha8 = hashlib.sha256(data).hexdigest()[:8]
                stored = rnd.folder / "gesamt" / f"{merge_id}-entschieden-{sha8}.docx"
                if result.verdict.recorded and not stored.exists():
                    fsutil.write_bytes(stored, data)  # the meeting's file, as it came back
                continue
            who = result.reviewer
            sha = hashlib.sha256(data).hexdigest()
            stored = rnd.folder / "returned" / f"{who}-{sha[:8]}{SUFFIX[result.format]}"
            result.already = stored.exists() or any(
                e.get("source", {}).get("sha256") == sha for e in ledger.items)
            source = {"file": str(stored.relative_to(paper.folder)), "sha256": sha}
            ledger.take(result, reading, anchorer, who, source)
            if not stored.exists():  # exactly the bytes that were read and hashed, atomically
                fsutil.write_bytes(stored, data)
            _record_file(rnd, {"file": source["file"], "reviewer": who, "sha256": sha,
                               "items": result.read, "unplaced": result.unplaced,
                               "formatting": result.formatting})
        if any(r.added or r.updated or (r.verdict and r.verdict.recorded) for r in results):
            save_items(rnd, ledger.items)
    return results


def _record_file(rnd: Round, record: dict[str, Any]) -> None:
    """round.yaml remembers each returned file with what it held, for round status."""
    files = rnd.data.setdefault("returned", [])
    if not any(f.get("sha256") == record["sha256"] for f in files):
        files.append(record)
        rnd.save()


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
