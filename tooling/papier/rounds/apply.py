"""papier round apply: accepted suggestions into the Markdown, exactly as the reviewer wrote
them, or not at all (each refusal says where and why)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from papier import fsutil
from papier.data.origins import describe
from papier.paper import load_paper
from papier.rounds.items import APPLICABLE, Decision, Item, Kind, items_of
from papier.rounds.placing import HEADING_NUMBER, balanced, escape, locate, plain, widen, words
from papier.rounds.rows import cell_span
from papier.rounds.store import RoundError, latest_round, load_items, locked, save_items, write_anchors
from papier.workspace import Workspace

LIST_ITEM = re.compile(r"^(\s*)([-*+]|\d+[.)])(\s+)")


@dataclass
class ApplyReport:
    applied: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    files: set[str] = field(default_factory=set)


@dataclass
class Edit:
    """Replace text[start:end] of one file by *text*, for one item of one block."""

    item: Item
    block: str
    start: int
    end: int
    text: str


class Refused(Exception):
    """An item cannot be applied; the message says why (without the item id)."""


class _File:
    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]
        for line in text.split("\n")[:-1]:
            self.starts.append(self.starts[-1] + len(line) + 1)

    def span(self, record: dict[str, Any]) -> tuple[int, int]:
        first, last = record["line"] - 1, record["end_line"] - 1
        if not 0 <= first <= last < len(self.starts):
            raise Refused("the block's lines are no longer in the file")
        end = self.starts[last + 1] - 1 if last + 1 < len(self.starts) else len(self.text)
        return self.starts[first], end


def _block_source(f: _File, record: dict[str, Any], where: str, number: int) -> tuple[int, int, str]:
    start, end = f.span(record)
    source = f.text[start:end]
    if record.get("stale") or source != record.get("source"):
        raise Refused(f"{where}: the text was edited since round {number} was sent")
    return start, end, source


def _next_block(anchors: dict[str, dict[str, Any]], record: dict[str, Any]) -> dict[str, Any] | None:
    later = [a for i, a in anchors.items() if a["file"] == record["file"] and not i.startswith("fn-")
             and a["line"] > record["end_line"]]
    return min(later, key=lambda a: a["line"]) if later else None


def _new_paragraph(item: Item, source: str, end: int) -> tuple[int, int, str]:
    """After the block: a new list item when both are list items, else a new paragraph."""
    paragraphs = [p.strip() for p in item.text.split("\n\n") if p.strip()]
    if not paragraphs:
        raise Refused("the new paragraph is empty")
    marker = LIST_ITEM.match(source.split("\n", 1)[0])
    if marker and item.anchor.record.get("list"):
        indent, bullet, space = marker.groups()
        return end, end, "".join(f"\n{indent}{bullet}{space}{escape(p)}" for p in paragraphs)
    return end, end, "".join(f"\n\n{escape(p)}" for p in paragraphs)


def _delete_block(f: _File, start: int, end: int, source: str, deleted: str) -> tuple[int, int, str]:
    shown = plain(source)
    if words(shown) != words(deleted) and words(shown) != words(HEADING_NUMBER.sub("", deleted)):
        raise Refused("the paragraph no longer reads as sent")
    stop = end + 1 if end < len(f.text) else end  # its line break
    if LIST_ITEM.match(source):
        return start, stop, ""
    if f.text[stop:stop + 1] == "\n" and (start == 0 or f.text[start - 2:start] == "\n\n"):
        stop += 1  # and one of the blank lines around it
    return start, stop, ""


STRUCTURE = re.compile(r"^\s*(#|[-*+]\s|\d+[.)]\s|>|\|)")  # a heading, list item, quote, table row


def _cell(anchors: dict[str, dict[str, Any]], ident: str, source: str) -> tuple[int, int] | None:
    """Where a table cell's text is in its row (see rows.cell_span); refused if the row
    cannot be cut into its cells."""
    try:
        return cell_span(anchors, ident, source)
    except ValueError as exc:
        raise Refused(str(exc)) from None


def _join(item: Item, record: dict[str, Any], f: _File, anchors: dict[str, dict[str, Any]],
          source: str, end: int) -> Edit:
    following = _next_block(anchors, record)
    if following is None:
        raise Refused("there is no following paragraph to join")
    if STRUCTURE.match(source) or STRUCTURE.match(str(following.get("source", ""))):
        raise Refused("it joins a heading, list item, quote or table with another block")
    gap_end = f.span(following)[0]
    if f.text[end:gap_end].strip():
        raise Refused("something stands between the two paragraphs")
    if not words(plain(source)).endswith(words(item.anchor.before)):
        raise Refused("the paragraph no longer ends as sent")
    return Edit(item, item.anchor.block, end, gap_end, " ")


def _split(item: Item, source: str, a: int, b: int, start: int) -> Edit:
    if STRUCTURE.match(source):
        raise Refused("a split inside a heading, list item, quote or table is not a new paragraph")
    if a == 0 or b == len(source.rstrip()) or not balanced(source[:a]):
        raise Refused("the split is at the edge of the paragraph or inside formatting")
    while a > 0 and source[a - 1] == " ":
        a -= 1
    while b < len(source) and source[b] in " \n":
        b += 1
    return Edit(item, item.anchor.block, start + a, start + b, "\n\n")


def _edit(item: Item, record: dict[str, Any], f: _File, anchors: dict[str, dict[str, Any]],
          where: str, number: int) -> Edit:
    start, end, source = _block_source(f, record, where, number)
    anchor = item.anchor
    kind = item.kind
    if item.record.get("objects"):
        raise Refused("it adds or removes a footnote or a picture")
    if anchor.method == "fuzzy":
        raise Refused("its paragraph only resembles the text as sent (placed by similarity)")
    cell = _cell(anchors, anchor.block, source)
    structural = anchor.whole_paragraph or kind in (Kind.SPLIT, Kind.JOIN)
    if (cell or anchor.block.startswith("fn-")) and structural:
        raise Refused("a new, deleted, split or joined paragraph inside a table cell or footnote")
    if anchor.whole_paragraph and kind is Kind.INSERTION:
        return Edit(item, anchor.block, *_new_paragraph(item, source, end))
    if anchor.whole_paragraph and kind is Kind.DELETION:
        return Edit(item, anchor.block, *_delete_block(f, start, end, source, item.deleted))
    if kind is Kind.JOIN:
        return _join(item, record, f, anchors, source, end)
    if "\n\n" in item.text or "\n\n" in item.deleted:
        raise Refused("the change spans paragraphs")
    offset, text = (cell[0], source[cell[0]:cell[1]]) if cell else (0, source)
    place = locate(text, anchor.before, item.deleted, anchor.after)
    if place is None:
        raise Refused("the place of the change is not found exactly once in the source")
    a, b = place[0] + offset, place[1] + offset
    if kind is Kind.DELETION:
        a, b = widen(source, a, b)
    if not balanced(source[a:b]) or (a > 0 and source[a - 1] == "[" and source[b:b + 2] == "]("):
        raise Refused("the change crosses formatting (**…**, `…`, [link](…)) in the source")
    if kind is Kind.SPLIT:
        return _split(item, source, a, b, start)
    if "`" in source[:a] and not balanced(source[:a]):
        raise Refused("the change is inside `code` in the source")
    line_start = a == 0 or source[a - 1] == "\n"
    return Edit(item, anchor.block, start + a, start + b,
                escape(item.text, line_start=line_start, in_table=cell is not None))


def _refresh(anchors: dict[str, dict[str, Any]], rel: str, old: _File, new_text: str,
             edits: list[Edit]) -> None:
    """Anchors of the file follow the edits: lines shift, changed blocks get their new
    source; a block an edit cut into is marked stale (apply will refuse it)."""
    for ident, record in anchors.items():
        if record["file"] != rel or record.get("stale"):
            continue
        try:
            a, b = old.span(record)
        except Refused:
            record["stale"] = True
            continue
        da = db = 0
        for e in edits:
            delta = len(e.text) - (e.end - e.start)
            if e.end <= a and not (e.block == ident and e.start == a):
                da, db = da + delta, db + delta
            elif e.start >= b and not (e.block == ident and e.start == b and not e.text.startswith("\n")):
                continue  # after the block (a new paragraph after it, too)
            elif a <= e.start and e.end <= b:
                db += delta
            else:
                record["stale"] = True
                break
        else:
            na, nb = a + da, b + db
            record["line"] = new_text.count("\n", 0, na) + 1
            record["end_line"] = new_text.count("\n", 0, nb) + 1
            record["source"] = new_text[na:nb]


def _selected(items: list[Item], wanted: set[str], report: ApplyReport) -> list[Item]:
    todo = []
    for item in sorted(items, key=Item.position):
        if wanted and item.id not in wanted:
            continue
        if item.applied:
            if wanted:
                report.refused.append((item.id, f"already applied on {item.applied}"))
            continue
        if item.decision is not Decision.ACCEPTED or item.kind not in APPLICABLE:
            if wanted:
                report.refused.append((item.id, f"is a {item.kind.value} with decision "
                                       f"'{item.decision.value}'; only accepted suggestions are applied"
                                       + ("" if item.kind is not Kind.MOVE else
                                          "; move the text by hand, then: papier round apply SLUG "
                                          f"{item.id} --by-hand")))
            continue
        if item.nested:
            report.refused.append((item.id, "was made inside another suggestion (revision "
                                   f"{item.nested}); apply it by hand, then mark it with --by-hand"))
            continue
        todo.append(item)
    return todo


def apply(ws: Workspace, slug: str, ids: list[str] | None = None,
          today: dt.date | None = None, by_hand: bool = False) -> ApplyReport:
    paper = load_paper(ws, slug)
    rnd = latest_round(paper)
    anchors = rnd.anchors()
    report = ApplyReport()
    stamp = (today or dt.date.today()).isoformat()
    with locked(rnd.folder):
        records = load_items(rnd)
        items = items_of(records)
        wanted = set(ids or [])
        for ident in sorted(wanted - {i.id for i in items}):
            report.refused.append((ident, "no such item"))
        if by_hand:
            if not wanted:
                raise RoundError("--by-hand marks the items you name as applied; give their ids")
            for item in items:
                if item.id in wanted and not item.applied:
                    item.record["applied"] = stamp
                    item.record["applied_by"] = "hand"
                    report.applied.append(item.id)
            if report.applied:
                save_items(rnd, records)
            return report
        edits: dict[str, list[Edit]] = {}
        files: dict[str, _File] = {}
        for item in _selected(items, wanted, report):
            origin = item.anchor.record.get("data")
            if origin:
                report.refused.append((item.id, (
                    f"changes a value generated from data: {describe(origin)}; change it in the "
                    "data file (the next build takes it into table, chart and text), then mark "
                    f"it with: papier round apply {slug} {item.id} --by-hand")))
                continue
            record = anchors.get(item.anchor.block)
            if record is None:
                report.refused.append((item.id, "has no place in the text (unanchored); apply it by "
                                       "hand, then mark it with --by-hand"))
                continue
            rel = record["file"]
            if rel not in files:
                files[rel] = _File((paper.folder / rel).read_text("utf-8"))
            where = f"{paper.rel(paper.folder / rel)}:{record['line']}"
            try:
                edits.setdefault(rel, []).append(_edit(item, record, files[rel], anchors, where,
                                                       rnd.number))
            except Refused as exc:
                why = str(exc) if str(exc).startswith(where) else f"{where}: {exc}"
                report.refused.append((item.id, f"{why}; apply it by hand"))
        for rel, file_edits in edits.items():
            done = _apply_file(files[rel], file_edits, report)
            if not done:
                continue
            text = files[rel].text
            for e in sorted(done, key=lambda e: (e.start, e.end), reverse=True):
                text = text[:e.start] + e.text + text[e.end:]
            fsutil.write_text(paper.folder / rel, text)
            _refresh(anchors, rel, files[rel], text, done)
            for e in done:
                e.item.record["applied"] = stamp
                report.applied.append(e.item.id)
            report.files.add(rel)
        if report.applied:
            save_items(rnd, records)
            write_anchors(rnd.folder, anchors)
    return report


def _overlap(a: Edit, b: Edit) -> bool:
    if a.start == a.end == b.start == b.end:
        return True  # two insertions at one point: their order is not known
    return a.start < b.end and b.start < a.end


def _apply_file(f: _File, edits: list[Edit], report: ApplyReport) -> list[Edit]:
    """The edits of one file that overlap no other; overlapping ones are refused, all."""
    ordered = sorted(edits, key=lambda e: (e.start, e.end, e.item.anchor.offset))
    clash: dict[int, str] = {}
    for i, e in enumerate(ordered):
        for other in ordered[i + 1:]:
            if other.start > e.end:
                break
            if _overlap(e, other):
                clash.setdefault(id(e), other.item.id)
                clash.setdefault(id(other), e.item.id)
    for e in ordered:
        if id(e) in clash:
            report.refused.append((e.item.id, f"overlaps {clash[id(e)]} at the same place; decide "
                                   "which one to take and apply it by hand"))
    return [e for e in ordered if id(e) not in clash]
