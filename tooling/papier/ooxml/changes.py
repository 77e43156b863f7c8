"""From pieces to suggestions: what a reviewer's tracked revisions mean.

Adjacent revisions of one author are one suggestion (Word splits "sehr wichtige" into two
w:ins when one word is bold); a revision made inside another (someone deleting moved or
inserted text) is a suggestion of its own, attributed to its author; paragraph marks take
part like characters, so a new paragraph, a split, a join and a deleted paragraph are
told apart by where the marks are."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from papier.ooxml.story import INSERTED, Paragraph, Piece, Revision

CONTEXT = 40  # characters of unchanged text kept before and after a change
MARK = "\u2029"  # a paragraph mark inside a change's text, before it is told what it means


@dataclass(slots=True)
class Found:
    """One comment or suggestion as read from the file, before anchoring."""

    kind: str  # comment, insertion, deletion, replacement, move, split, join
    author: str
    date: str | None
    text: str
    paragraph: int | None  # where it sits; for a new paragraph, the one it follows
    docx_id: str
    part: str = "document.xml"
    deleted: str = ""
    quote: str = ""
    before: str = ""
    after: str = ""
    initials: str = ""
    resolved: bool = False
    replies: list[dict[str, Any]] = field(default_factory=list)
    whole_paragraph: bool = False
    to_paragraph: int | None = None  # for moves: the paragraph the text lands in
    offset: int = 0  # where in the story's text as sent (document order)
    nested: str = ""  # the revision id of the suggestion this one was made inside
    section: str = ""
    move: str = ""  # the move range's name, pairing the two halves of a move
    objects: list[str] = field(default_factory=list)  # footnotes, pictures added or removed
    length: int = 0  # characters of the text as sent the change or comment covers
    to_offset: int = 0  # for moves: where the text lands (offset in the text as sent)


@dataclass(slots=True)
class _Region:
    pieces: list[Piece]
    rev: Revision  # the first piece's outermost revision: author, date, id
    family: str  # edit or moveFrom or moveTo


def _family(rev: Revision) -> str:
    return rev.kind if rev.kind in ("moveFrom", "moveTo") else "edit"


def _regions(stream: list[Piece], depth: int) -> list[_Region]:
    """Maximal runs of pieces changed by one author (at revision level *depth*)."""
    out: list[_Region] = []
    current: _Region | None = None
    for piece in stream:
        if len(piece.revs) <= depth:  # unchanged at this level: the run of changes ends
            current = None
            continue
        rev = piece.revs[depth]
        same = current is not None and current.rev.author == rev.author \
            and current.family == _family(rev) \
            and (not depth or current.pieces[-1].revs[depth].serial == rev.serial
                 or current.pieces[-1].revs[depth - 1] == piece.revs[depth - 1])
        if same and current is not None:
            current.pieces.append(piece)
        else:
            current = _Region([piece], rev, _family(rev))
            out.append(current)
    return out


class Story:
    """The pieces of one story in order, with each piece's offset in the text as sent."""

    def __init__(self, paragraphs: list[Paragraph]) -> None:
        self.paragraphs = {p.index: p for p in paragraphs}
        self.first = paragraphs[0].index if paragraphs else 0
        self.stream: list[Piece] = []
        self.at: dict[int, int] = {}  # id(piece) -> offset in self.original
        parts: list[str] = []
        offset = 0
        for para in paragraphs:
            assert para.mark is not None
            for piece in [*para.pieces, para.mark]:
                self.stream.append(piece)
                self.at[id(piece)] = offset
                if piece.in_original:
                    value = "\n" if piece.mark else piece.text
                    parts.append(value)
                    offset += len(value)
        self.original = "".join(parts)

    def position(self, para: int, k: int) -> int:
        """Offset in the text as sent before piece *k* of paragraph *para* (k = its pieces:
        before its mark; one more: after its mark)."""
        paragraph = self.paragraphs[para]
        if k < len(paragraph.pieces):
            return self.at[id(paragraph.pieces[k])]
        assert paragraph.mark is not None
        at = self.at[id(paragraph.mark)]
        return at + 1 if k > len(paragraph.pieces) and paragraph.mark.in_original else at

    def context(self, start: int, end: int) -> tuple[str, str]:
        before = self.original[max(0, start - CONTEXT):start].rsplit("\n", 1)[-1]
        after = self.original[end:end + CONTEXT].split("\n", 1)[0]
        return before, after


def _text(pieces: list[Piece], kinds: tuple[str, ...], depth: int) -> str:
    """The text of a change; objects (footnote marks, pictures) are no text: see _objects."""
    return "".join(MARK if p.mark else p.text for p in pieces
                   if p.revs[depth].kind in kinds and not p.obj)


def _objects(pieces: list[Piece]) -> list[str]:
    return [p.obj for p in pieces if p.obj]


def _shape(story: Story, region: _Region, depth: int) -> list[Found]:
    """One region of one author's edits as suggestions (more than one only when whole
    paragraphs were deleted: each is its own block)."""
    pieces = region.pieces
    rev = region.rev
    inserted = _text(pieces, ("ins", "moveTo"), depth)
    deleted = _text(pieces, ("del", "moveFrom"), depth)
    start = story.at[id(pieces[0])]
    end = start + sum(len("\n" if p.mark else p.text) for p in pieces
                      if p.in_original and p.revs[depth].kind not in INSERTED)
    first = pieces[0].para
    base: dict[str, Any] = dict(author=rev.author, date=rev.date, docx_id=rev.id,
                                objects=_objects(pieces), length=end - start,
                part=story.paragraphs[first].part, offset=start,
                section=story.paragraphs[first].section,
                nested=pieces[0].revs[depth - 1].id if depth else "")
    before, after = story.context(start, end)

    def make(kind: str, **values: Any) -> Found:
        return Found(kind=kind, **{**base, "before": before, "after": after, **values})

    at_start = start == 0 or story.original[start - 1] == "\n"
    at_end = end >= len(story.original) or story.original[end] == "\n"
    if MARK not in inserted and MARK not in deleted:
        added = inserted or all(p.revs[depth].kind in INSERTED for p in pieces)  # a footnote mark
        kind = "replacement" if inserted and deleted else "insertion" if added else "deletion"
        return [make(kind, text=inserted, deleted=deleted, paragraph=first)]
    if not deleted and inserted == MARK:
        return [make("split", text="", paragraph=first)]
    if not inserted and deleted == MARK:
        return [make("join", text="", paragraph=first)]
    if not deleted and ((inserted.startswith(MARK) and at_end) or (inserted.endswith(MARK) and at_start)):
        # a new paragraph: Enter at the end of one, then typing (or typing, then Enter)
        after_para = first if inserted.startswith(MARK) else _previous(story, first)
        text = "\n\n".join(t.strip() for t in inserted.split(MARK) if t.strip())
        return [make("insertion", text=text, paragraph=after_para, whole_paragraph=True,
                     before="", after="")]
    if not inserted and ((deleted.endswith(MARK) and at_start) or (deleted.startswith(MARK) and at_end)):
        out = []
        for para in sorted({p.para for p in pieces if p.text.strip()}):
            whole = story.paragraphs[para]
            at = story.at[id(whole.pieces[0])] if whole.pieces else start
            out.append(make("deletion", text="", deleted=whole.original, paragraph=para,
                            whole_paragraph=True, before="", after="", offset=at,
                            length=story.position(para, len(whole.pieces) + 1) - at))
        return out
    return [make("replacement" if inserted and deleted else "insertion" if inserted else "deletion",
                 text=inserted.replace(MARK, "\n\n"), deleted=deleted.replace(MARK, "\n\n"),
                 paragraph=first)]


def _previous(story: Story, para: int) -> int | None:
    return para - 1 if para - 1 >= story.first else None


def story_changes(story: Story) -> list[Found]:
    """Every suggestion in one story, in document order; moves not yet paired."""
    if not story.stream:
        return []
    found: list[Found] = []
    depth = 0
    while True:
        regions = _regions(story.stream, depth)
        if not regions:
            break
        for region in regions:
            if region.family == "edit":
                found.extend(_shape(story, region, depth))
            else:
                found.append(_move_half(story, region, depth))
        depth += 1
    return found


def _move_half(story: Story, region: _Region, depth: int) -> Found:
    text = _text(region.pieces, (region.family,), depth)
    start = story.at[id(region.pieces[0])]
    length = sum(len("\n" if p.mark else p.text) for p in region.pieces if p.in_original) \
        if region.family == "moveFrom" else 0
    before, after = story.context(start, start + length)
    para = region.pieces[0].para
    whole = text.endswith(MARK)
    clean = "\n\n".join(t for t in text.split(MARK) if t) if MARK in text else text
    return Found(region.family, region.rev.author, region.rev.date,
                 clean if region.family == "moveTo" else "", para, region.rev.id,
                 part=story.paragraphs[para].part, deleted=clean if region.family == "moveFrom" else "",
                 before=before, after=after, offset=start, whole_paragraph=whole,
                 section=story.paragraphs[para].section, move=region.rev.move, length=length,
                 nested=region.pieces[0].revs[depth - 1].id if depth else "")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def pair_moves(found: list[Found]) -> list[Found]:
    """moveFrom + moveTo of one move range (or, without names, the same text and author)
    are one move; a half without its other half stays what it is: a deletion or insertion."""
    targets = [f for f in found if f.kind == "moveTo"]
    out: list[Found] = []
    for item in found:
        if item.kind == "moveTo":
            continue
        if item.kind == "moveFrom":
            match = next((t for t in targets if item.move and t.move == item.move), None) \
                or next((t for t in targets if t.author == item.author and not (item.move and t.move)
                         and _norm(t.text) == _norm(item.deleted)), None)
            if match is not None:
                targets.remove(match)
                item.kind, item.text, item.to_paragraph = "move", match.text, match.paragraph
                item.to_offset = match.offset
            else:
                item.kind = "deletion"
        out.append(item)
    for rest in targets:
        rest.kind = "insertion"
        out.append(rest)
    return out
