"""papier round merge: the Gesamtfassung, one DOCX with every reviewer's comments and
tracked changes on the text as sent.

Each item of comments.yaml is found again in the returned file it came from (its story,
its offset and length in the text as sent there) and written at the same place of
rounds/<n>/sent.docx: a comment with its replies and resolved state, or a tracked change
attributed to its author with the original date. Where reviewers change the same words,
the first change (in the order of the matrix) is a tracked change and the others become
comments „Alternativvorschlag …“ on the same words. What cannot be placed exactly becomes a
comment too, at the start of its block or section, and is listed on the first page and
printed: nothing is dropped. A manifest (rounds/<n>/gesamt/<id>.json, the id in the file's
properties) says what was written how, for reading the team's decisions back."""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from papier import fsutil, i18n
from papier.errors import PapierError
from papier.ooxml import annotate
from papier.ooxml.annotate import Author, Comments, Package, Revisions, Text, w
from papier.ooxml.changes import Found
from papier.ooxml.reader import Reading
from papier.ooxml.story import PAPIER_BOOKMARK, local
from papier.paper import Paper, load_paper
from papier.rounds.collect import Anchorer, find_again
from papier.rounds.items import Item, Kind
from papier.rounds.matrix import suggestion
from papier.rounds.opening import copy_header
from papier.rounds.returned import read_returned, sent_copy
from papier.rounds.store import Round, latest_round, load_items, locked, save_items
from papier.rounds.verdicts import KIND, manifest_path
from papier.workspace import Workspace

PAPIER_AUTHOR = Author("papier", None, "pa")


@dataclass
class Placed:
    """What an item becomes in the Gesamtfassung."""

    item: Item
    mode: str = "unplaced"  # change, comment, alternative, same, elsewhere
    story: int = -1  # base story
    start: int = 0
    end: int = 0
    to: int = -1  # moves: where the text lands
    found: Found | None = None
    of: str = ""  # the change an alternative competes with
    why: str = ""

    @property
    def spans(self) -> list[tuple[float, float]]:
        """The stretches of the text as sent this change occupies (points for insertions;
        a new paragraph sits half a character after its paragraph's mark)."""
        kind = self.item.kind
        whole = bool(self.found and self.found.whole_paragraph)
        if kind is Kind.INSERTION:
            at = self.start + (0.5 if whole else 0)
            return [(at, at)]
        if kind is Kind.SPLIT:
            return [(self.start, self.start)]
        if kind is Kind.MOVE:
            to = self.to + (0.5 if whole else 0)
            return [(self.start, self.end), (to, to)]
        return [(self.start, self.end)]


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    if a[0] == a[1] and b[0] == b[1]:
        return a[0] == b[0]
    if a[0] == a[1]:
        return b[0] < a[0] < b[1]
    if b[0] == b[1]:
        return a[0] < b[0] < a[1]
    return a[0] < b[1] and b[0] < a[1]


class OffsetMap:
    """Offsets in a reviewer's text as sent -> offsets in the round's text as sent (the
    same text, but a word processor may have changed a character or two on saving)."""

    def __init__(self, source: str, target: str) -> None:
        self.same = source == target
        self.blocks: list[tuple[int, int, int]] = []
        if not self.same:
            matcher = difflib.SequenceMatcher(None, source, target, autojunk=False)
            self.blocks = [(a, b, n) for a, b, n in matcher.get_matching_blocks() if n]

    def __call__(self, pos: int) -> int | None:
        if self.same:
            return pos
        for a, b, n in self.blocks:
            if a <= pos <= a + n:
                return b + pos - a
        return None


def attribution(item: Item, rnd: Round, author: str = "") -> str:
    """„Name (Organisation)“: the name as the reviewer's word processor recorded it, else
    the reviewers.yaml name."""
    reviewer = rnd.reviewer(str(item.record.get("reviewer")))
    name = author or str(item.record.get("author") or "") or (reviewer.name if reviewer else "")
    org = reviewer.organisation if reviewer else ""
    return f"{name} ({org})" if org and org not in name else name or org or "?"


def _initials(name: str) -> str:
    return "".join(part[0] for part in name.replace("(", " ").split()[:3] if part[:1].isalpha())


@dataclass
class Merger:
    """One Gesamtfassung in the making."""

    ws: Workspace
    paper: Paper
    rnd: Round
    items: list[Item]
    pkg: Package = field(init=False)
    base: Reading = field(init=False)
    readings: dict[str, Reading | None] = field(default_factory=dict)
    maps: dict[tuple[str, int, int], OffsetMap] = field(default_factory=dict)
    placed: list[Placed] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    note_story: dict[str, int] = field(default_factory=dict)  # note's anchor -> base story

    def __post_init__(self) -> None:
        self.pkg = Package(sent_copy(self.ws, self.paper, self.rnd))
        self.base = self.pkg.reading()
        anchorer = Anchorer(self.rnd.anchors())
        for index, story in enumerate(self.base.stories):
            first = next(iter(story.paragraphs.values()), None)
            if first is not None and first.note:
                block, _ = anchorer.block_of(first, self.base)
                if block:
                    self.note_story.setdefault(block, index)

    # ---------------------------------------------------------------- where

    def _reading(self, rel: str) -> Reading | None:
        if rel not in self.readings:
            path = self.paper.folder / rel
            try:
                self.readings[rel] = read_returned(self.rnd, path)[0]
            except (OSError, ValueError, PapierError) as exc:  # the stored file is gone or damaged
                self.problems.append(f"{self.paper.rel(path)}: cannot be read again ({exc})")
                self.readings[rel] = None
        return self.readings[rel]

    def _story(self, item: Item, found: Found, reading: Reading) -> int:
        """The base story of *found* (-1: none, e.g. a header or a text box)."""
        if found.paragraph is None:
            return -1
        para = reading.paragraphs[found.paragraph]
        if para.note:
            return self.note_story.get(item.anchor.block, -1)
        if para.part == "document.xml" and para.story == 0:
            return 0
        return -1

    def _map(self, rel: str, reading: Reading, rstory: int, bstory: int) -> OffsetMap:
        key = (rel, rstory, bstory)
        if key not in self.maps:
            self.maps[key] = OffsetMap(reading.stories[rstory].original,
                                       self.base.stories[bstory].original)
        return self.maps[key]

    def locate(self) -> None:
        taken: dict[str, set[int]] = {}
        for item in self.items:
            rel = str((item.record.get("source") or {}).get("file", ""))
            reading = self._reading(rel) if rel else None
            found = find_again(item, reading, taken.setdefault(rel, set())) if reading else None
            placed = Placed(item, found=found)
            self.placed.append(placed)
            if reading is None or found is None:
                placed.why = "not found again in the returned file"
                continue
            story = self._story(item, found, reading)
            if story < 0 or found.paragraph is None:
                placed.why = "outside the body text and its notes"
                continue
            rstory = reading.paragraphs[found.paragraph].story
            offsets = self._map(rel, reading, rstory, story)
            start, end = offsets(found.offset), offsets(found.offset + found.length)
            text = self.base.stories[story].original
            source = reading.stories[rstory].original
            if start is None or end is None or \
                    text[start:end] != source[found.offset:found.offset + found.length]:
                placed.why = "the text around it differs from the text as sent"
                continue
            placed.story, placed.start, placed.end = story, start, end
            if item.kind is Kind.MOVE:
                to = offsets(found.to_offset)
                if to is None or found.to_paragraph is None \
                        or reading.paragraphs[found.to_paragraph].story != rstory:
                    placed.why = "the place it moves to is not in the same text"
                    continue
                placed.to = to
            placed.mode = self._mode(placed)

    def _mode(self, placed: Placed) -> str:
        item, found = placed.item, placed.found
        assert found is not None
        if item.kind is Kind.COMMENT:
            return "comment"
        if item.nested:
            placed.why = "made inside another suggestion"
            return "elsewhere"
        if "\n" in item.text.strip("\n") and not found.whole_paragraph:
            placed.why = "an insertion running over several paragraphs"
            return "elsewhere"
        if found.objects and item.kind is not Kind.DELETION:
            placed.why = "adds a footnote or picture"
            return "elsewhere"
        return "change"

    # ---------------------------------------------------------------- conflicts

    def conflicts(self) -> None:
        """The first change at a place stays a change; the others become alternatives."""
        held: dict[int, list[Placed]] = {}
        for placed in self.placed:
            if placed.mode != "change":
                continue
            rival = next((other for other in held.get(placed.story, [])
                          if any(_overlap(a, b) for a in placed.spans for b in other.spans)), None)
            if rival is None:
                held.setdefault(placed.story, []).append(placed)
                continue
            same = rival.item.kind is placed.item.kind and rival.spans == placed.spans \
                and _norm(rival.item.text) == _norm(placed.item.text)
            placed.mode, placed.of = ("same" if same else "alternative"), rival.item.id

    # ---------------------------------------------------------------- writing

    def write(self, out: Path, merge_id: str) -> dict[str, Any]:
        cuts: dict[int, set[int]] = {}
        for placed in self.placed:
            if placed.story >= 0:
                cuts.setdefault(placed.story, set()).update(
                    x for x in (placed.start, placed.end, placed.to) if x >= 0)
        annotate.split_at(self.base, cuts)
        self.pkg.refresh()
        self.base = self.pkg.reading()
        texts = {i: Text(story) for i, story in enumerate(self.base.stories)}
        revisions = Revisions(self.pkg.trees.values())
        comments = Comments(self.pkg)
        writer = _Writer(self, texts, revisions, comments)
        written: dict[str, Any] = {}
        manifest = {"id": merge_id, "items": written}
        def order(p: Placed) -> tuple[bool, int, int]:  # splits last, from the end backwards
            split = p.mode == "change" and p.item.kind is Kind.SPLIT
            return split, -p.story if split else 0, -p.start if split else 0

        for placed in sorted(self.placed, key=order):
            written[placed.item.id] = writer.write(placed)
        _front_page(self, out)
        _header(self)
        annotate.lift_protection(self.pkg, track=True)
        annotate.custom_properties(self.pkg, {
            "papier.paper": self.paper.slug, "papier.round": str(self.rnd.number),
            "papier.kind": KIND, "papier.merge": merge_id,
            "papier.version": str(self.rnd.data.get("version", self.paper.version)),
            "papier.reviewer": "",
        })
        self.pkg.save(out)
        return manifest


class _Writer:
    """Writes one placed item into the package."""

    def __init__(self, merger: Merger, texts: dict[int, Text], revisions: Revisions,
                 comments: Comments) -> None:
        self.m = merger
        self.texts = texts
        self.revisions = revisions
        self.comments = comments
        self.lang = merger.paper.lang
        self.bookmark_id = revisions.take() + 100000

    def who(self, placed: Placed, author: str = "", date: str | None = None) -> Author:
        name = attribution(placed.item, self.m.rnd, author)
        return Author(name, date if author else placed.item.record.get("date"),
                      str(placed.item.record.get("initials") or "") or _initials(name))

    def org(self, placed: Placed) -> str:
        reviewer = self.m.rnd.reviewer(str(placed.item.record.get("reviewer")))
        return reviewer.organisation if reviewer else attribution(placed.item, self.m.rnd)

    def write(self, placed: Placed) -> dict[str, Any]:
        record: dict[str, Any] = {"as": placed.mode, "kind": placed.item.kind.value}
        if placed.of:
            record["of"] = placed.of
        if placed.why:
            record["why"] = placed.why
        if placed.mode == "comment":
            record.update(self._comment(placed))
        elif placed.mode == "change":
            done = self._change(placed)
            if done is None:
                placed.mode, placed.why = "elsewhere", "the place cannot be split cleanly"
                record.update({"as": "elsewhere", "why": placed.why})
                record.update(self._note(placed, "elsewhere"))
            else:
                record.update(done)
        else:
            record.update(self._note(placed, placed.mode if placed.mode != "unplaced" else "elsewhere"))
        return record

    # where a comment goes when its item is not a change here
    def _range(self, placed: Placed) -> tuple[etree._Element, etree._Element] | None:
        if placed.story < 0:
            return None
        text = self.texts[placed.story]
        runs = text.runs(placed.start, placed.end)
        if runs:
            return annotate.outer(runs[0]), annotate.outer(runs[-1])
        return None

    def _fallback(self, placed: Placed) -> etree._Element:
        """The paragraph an unplaced item's comment goes to: its block's first paragraph,
        else the first paragraph of its section, else the first of the text."""
        block = placed.item.anchor.block
        section = placed.item.anchor.section
        body = [p for p in self.m.base.paragraphs if p.part == "document.xml" and not p.front
                and p.mark is not None and p.mark.el is not None]
        heading = next((p for p in body if section and p.heading
                        and p.current.strip().endswith(section.strip())), None)
        para = next((p for p in body if block and p.block == block), None) or heading \
            or (body[0] if body else self.m.base.paragraphs[0])
        assert para.mark is not None and para.mark.el is not None
        return para.mark.el

    def _anchor(self, ident: int, placed: Placed) -> None:
        where = self._range(placed)
        if where is not None:
            annotate.anchor_comment(ident, *where)
            return
        if placed.story >= 0:
            spot = self.texts[placed.story].spot(placed.start)
            start = etree.Element(w("commentRangeStart"), {w("id"): str(ident)})
            end = etree.Element(w("commentRangeEnd"), {w("id"): str(ident)})
            annotate.place(spot, [start, end, annotate.reference_run(ident)])
            return
        para = self._fallback(placed)
        runs = [r for r in para if local(r) in ("r", "hyperlink")]
        if runs:
            annotate.anchor_comment(ident, runs[0], runs[-1])
        else:
            para.append(annotate.reference_run(ident))

    def _comment(self, placed: Placed) -> dict[str, Any]:
        item = placed.item
        who = self.who(placed)
        ident, comment = self.comments.add(who, item.text, done=bool(item.record.get("resolved")),
                                           seed=item.id)
        parent = self.comments.paragraph_id(comment)
        replies = []
        for reply in item.record.get("replies") or []:
            rid, _ = self.comments.add(self.who(placed, str(reply.get("author") or "?"),
                                                reply.get("date")),
                                       str(reply.get("text") or ""), parent=parent,
                                       seed=f"{item.id}/reply")
            self._anchor(rid, placed)
            replies.append(str(reply.get("text") or ""))
        self._anchor(ident, placed)
        return {"author": who.name, "date": who.date, "text": item.text, "replies": replies}

    def _note(self, placed: Placed, key: str) -> dict[str, Any]:
        """A comment carrying a suggestion papier does not write as a change here."""
        item = placed.item
        what = suggestion(item.record)
        text = i18n.merge_text(self.lang, key, who=self.org(placed), id=item.id, what=what)
        who = self.who(placed)
        ident, _ = self.comments.add(who, text, seed=item.id)
        self._anchor(ident, placed)
        return {"author": who.name, "date": who.date, "text": text, "replies": []}

    def _change(self, placed: Placed) -> dict[str, Any] | None:
        item, found = placed.item, placed.found
        assert found is not None
        text = self.texts[placed.story]
        who = self.who(placed)
        kind = item.kind
        made: list[etree._Element] = []
        whole = found.whole_paragraph
        story_text = text.story.original
        if kind in (Kind.DELETION, Kind.REPLACEMENT, Kind.MOVE, Kind.JOIN):
            runs = text.runs(placed.start, placed.end)
            marks = text.marks(placed.start, placed.end)
            spot_after = text.spot(placed.end) if kind is not Kind.JOIN else None
            made += self.revisions.delete(runs, who)
            for para in marks:
                made.append(self.revisions.mark(para, "del", who))
            if kind is Kind.REPLACEMENT and spot_after is not None:
                like = runs[-1] if runs else None
                after = annotate.Spot(spot_after.paragraph, after=made[-1]) if made else spot_after
                made.append(self.revisions.insert(after, item.text, who, like))
        if kind is Kind.INSERTION and not whole:
            spot = text.spot(placed.start)
            made.append(self.revisions.insert(spot, item.text, who, _like(spot)))
        if (kind is Kind.INSERTION and whole) or kind is Kind.MOVE:
            at = placed.start if kind is Kind.INSERTION else placed.to
            if kind is Kind.MOVE and not whole:
                spot = text.spot(at)
                made.append(self.revisions.insert(spot, item.text, who, _like(spot)))
            else:
                made += self._paragraphs(text, at, story_text, item.text, who)
        if kind is Kind.SPLIT:
            mark = self.revisions.split(text.spot(placed.start), who)
            if mark is None:
                return None
            made.append(mark)
        if not made:
            return None
        label = i18n.merge_text(self.lang, "label", id=item.id, who=self.org(placed))
        ident, _ = self.comments.add(PAPIER_AUTHOR, label, seed=item.id)
        first_el, last_el = _ends(made)
        annotate.anchor_comment(ident, first_el, last_el)
        name = f"{PAPIER_BOOKMARK}_{item.id.replace('-', '_')}"
        annotate.bookmark(self.bookmark_id, name, first_el, last_el)
        self.bookmark_id += 1
        accepted, rejected = _outcomes(placed, story_text)
        return {"author": who.name, "date": who.date, "label": label, "bookmark": name,
                "text": item.text, "deleted": item.deleted, "accepted": accepted,
                "rejected": rejected, "before": story_text[max(0, placed.start - 40):placed.start],
                "after": story_text[placed.end:placed.end + 40], "story": placed.story}

    def _paragraphs(self, text: Text, at: int, story_text: str, content: str,
                    who: Author) -> list[etree._Element]:
        """New paragraphs of *content* at *at*: after the paragraph whose mark is there,
        else before the paragraph that starts there."""
        chunks = [c.strip() for c in content.split("\n\n") if c.strip()] or [content]
        if at < len(story_text) and story_text[at] == "\n":
            anchor = text.paragraph_at(at)
            template = _template(anchor)
            new = [self.revisions.new_paragraph(template, chunk, who) for chunk in chunks]
            last = anchor
            for para in new:
                last.addnext(para)
                last = para
        else:
            anchor = text.paragraph_at(at)
            new = [self.revisions.new_paragraph(anchor, chunk, who) for chunk in chunks]
            for para in new:
                anchor.addprevious(para)
        return [el for para in new for el in para if local(el) == "ins"]


def _outcomes(placed: Placed, story_text: str) -> tuple[str, str]:
    """The text between the change's neighbours as sent once it is accepted, and once
    rejected (for a move: at its source)."""
    item, found = placed.item, placed.found
    assert found is not None
    sent = story_text[placed.start:placed.end]
    kind = item.kind
    if kind is Kind.INSERTION and found.whole_paragraph:
        chunks = "\n".join(c.strip() for c in item.text.split("\n\n") if c.strip())
        after_mark = placed.start < len(story_text) and story_text[placed.start] == "\n"
        return ("\n" + chunks if after_mark else chunks + "\n"), ""
    if kind is Kind.INSERTION:
        return item.text, ""
    if kind is Kind.SPLIT:
        return "\n", ""
    if kind is Kind.REPLACEMENT:
        return item.text, sent
    return "", sent  # deletion, join, move (its source)


def _ends(made: list[etree._Element]) -> tuple[etree._Element, etree._Element]:
    """The first and last element a change wrote, where a range can start and end."""
    return annotate.range_end(made[0]), annotate.range_end(made[-1])


def _like(spot: annotate.Spot) -> etree._Element | None:
    """The run whose formatting inserted text takes: the one before the spot, else after."""
    for ref in (spot.after, spot.before):
        if ref is None:
            continue
        runs = [r for r in ref.iter(w("r")) if r.find(w("t")) is not None or r.find(w("delText")) is not None]
        if runs:
            return runs[-1] if ref is spot.after else runs[0]
    return next((r for r in spot.paragraph.iter(w("r")) if r.find(w("t")) is not None), None)


def _template(para: etree._Element) -> etree._Element:
    """The paragraph a new one after *para* is formatted like: *para*, or after a heading the
    next paragraph that is not one."""
    style = para.find(f"{w('pPr')}/{w('pStyle')}")
    if style is None or not style.get(w("val"), "").lower().startswith(("heading", "title", "berschrift")):
        return para
    nxt = para.getnext()
    while nxt is not None:
        if local(nxt) == "p":
            return _template(nxt)
        nxt = nxt.getnext()
    return para


def _norm(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- the first page and header

def _front_page(m: Merger, out: Path) -> None:
    """Replace the reviewer hints (the paragraphs before the first page break) with the
    Gesamtfassung's own first page."""
    document = m.pkg.trees["word/document.xml"]
    body = document.find(w("body"))
    assert body is not None
    paras = []
    for child in body:
        if local(child) != "p":
            break
        paras.append(child)
        if child.find(f".//{w('br')}[@{w('type')}='page']") is not None:
            break
    hints = [p for p in paras if p.find(f".//{w('br')}") is None]
    title_ppr = hints[0].find(w("pPr")) if hints else None
    text_ppr = hints[1].find(w("pPr")) if len(hints) > 1 else title_ppr
    for p in hints:
        body.remove(p)
    lang, n = m.paper.lang, m.rnd.number
    lines = [(title_ppr, i18n.merge_text(lang, "title", n=n)),
             (text_ppr, i18n.merge_text(lang, "intro", n=n)),
             (text_ppr, i18n.merge_text(lang, "reviewers"))]
    by_reviewer: dict[str, list[Placed]] = {}
    for placed in m.placed:
        by_reviewer.setdefault(str(placed.item.record.get("reviewer")), []).append(placed)
    for reviewer in m.rnd.reviewers:
        mine = by_reviewer.get(reviewer.id, [])
        if not mine:
            continue
        comments = sum(1 for p in mine if p.item.kind is Kind.COMMENT)
        line = "– " + i18n.merge_text(lang, "reviewer", who=f"{reviewer.organisation} ({reviewer.name})",
                                      comments=comments, changes=len(mine) - comments)
        alternatives = sum(1 for p in mine if p.mode in ("alternative", "same"))
        if alternatives:
            line += i18n.merge_text(lang, "alternatives", k=alternatives)
        elsewhere = sum(1 for p in mine if p.mode == "elsewhere" or p.story < 0)
        if elsewhere:
            line += i18n.merge_text(lang, "unplaced", k=elsewhere)
        lines.append((text_ppr, line))
    if not m.placed:
        lines.append((text_ppr, i18n.merge_text(lang, "none")))
    lines.append((text_ppr, i18n.merge_text(lang, "how")))
    lines.append((text_ppr, i18n.merge_text(lang, "conflicts")))
    unplaced = [p.item.id for p in m.placed if p.story < 0]
    if unplaced:
        lines.append((text_ppr, i18n.merge_text(lang, "unplaced_list", ids=", ".join(unplaced))))
    lines.append((text_ppr, i18n.merge_text(lang, "back", slug=m.paper.slug, file=out.name)))
    for k, (ppr, line) in enumerate(lines):
        p = etree.Element(w("p"))
        if ppr is not None:
            p.append(copy.deepcopy(ppr))
        run = etree.SubElement(p, w("r"))
        t = etree.SubElement(run, w("t"))
        t.text = line
        t.set(annotate.XML_SPACE, "preserve")
        body.insert(k, p)


def _header(m: Merger) -> None:
    """The reviewer copy's header („Entwurf – Kommentierungsrunde 1 – Frist: …“) becomes
    the Gesamtfassung's."""
    old = copy_header(m.paper.lang, m.rnd.number, m.rnd.deadline)
    new = i18n.merge_text(m.paper.lang, "header", n=m.rnd.number)
    for name in m.pkg.names:
        if name.startswith("word/header") and name.endswith(".xml"):
            root = m.pkg.tree(name)
            for t in root.iter(w("t")) if root is not None else ():
                if t.text == old:
                    t.text = new


# ---------------------------------------------------------------- the command

def gesamt_path(ws: Workspace, paper: Paper, rnd: Round) -> Path:
    version = rnd.data.get("version", paper.version)
    return ws.build_dir / paper.slug / f"runde-{rnd.number}" / f"{paper.slug}-v{version}-gesamt.docx"


@dataclass
class MergeResult:
    path: Path
    counts: Counter[str]
    problems: list[str]
    elsewhere: list[tuple[str, str]]  # (id, why)


def merge(ws: Workspace, slug: str) -> MergeResult:
    paper = load_paper(ws, slug)
    rnd = latest_round(paper)
    with locked(rnd.folder):
        records = load_items(rnd)
        items = [Item(r) for r in records]
        merger = Merger(ws, paper, rnd, items)
        merger.locate()
        merger.conflicts()
        out = gesamt_path(ws, paper, rnd)
        merge_id = hashlib.sha256(json.dumps(
            [p.item.record for p in merger.placed], sort_keys=True, default=str,
            ensure_ascii=False).encode()).hexdigest()[:12]
        manifest = merger.write(out, merge_id)
        fsutil.write_text(manifest_path(rnd, merge_id),
                          json.dumps(manifest, ensure_ascii=False, indent=1))
        changed = False
        for placed in merger.placed:
            note = {"as": placed.mode, **({"of": placed.of} if placed.of else {}),
                    **({"why": placed.why} if placed.why else {})}
            if placed.item.record.get("merged") != note:
                placed.item.record["merged"] = note
                changed = True
        if changed:
            save_items(rnd, records)
    counts = Counter(p.mode for p in merger.placed)
    elsewhere = [(p.item.id, p.why) for p in merger.placed if p.mode in ("elsewhere", "unplaced")]
    return MergeResult(out, counts, merger.problems, elsewhere)
