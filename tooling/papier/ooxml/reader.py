"""Read everything a reviewer left in a DOCX: comments with ranges, threads and resolved
state, tracked insertions, deletions, moves and paragraph marks, in every story part
(body, footnotes, endnotes, headers, footers, text boxes), Transitional or Strict.
pandoc's and python-docx's readers lose most of this."""

from __future__ import annotations

import posixpath
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from papier.ooxml.changes import Found, Story, pair_moves, story_changes
from papier.ooxml.names import W14, W15, Names, custom_namespaces, names_for
from papier.ooxml.package import UnreadableFile, open_package, parse
from papier.ooxml.story import (
    COMMENT_SPECIAL,
    CommentPlace,
    Paragraph,
    StoryWalker,
    date_of,
    local,
    symbol,
)

FORMATTING = frozenset(("rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "trPrChange",
                        "tcPrChange", "tblPrExChange", "numberingChange"))
STORY_TYPES = ("footnotes", "endnotes", "header", "footer")
NOTE_SEPARATORS = ("separator", "continuationSeparator", "continuationNotice")


@dataclass
class Reading:
    paragraphs: list[Paragraph]
    found: list[Found]
    properties: dict[str, str]
    formatting: Counter[str] = field(default_factory=Counter)  # part -> formatting changes
    rows: Counter[str] = field(default_factory=Counter)  # part -> inserted/deleted table rows
    note_refs: dict[tuple[str, str], int] = field(default_factory=dict)
    stories: list[Story] = field(default_factory=list)  # by Paragraph.story
    # papier's own bookmarks: name -> (story, offset, length) in the text as sent
    bookmarks: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    skipped: int = 0  # annotations on a PDF without text (drawings): not taken
    unplaced: int = 0  # annotations on a PDF whose words are not in the text as sent
    clashes: int = 0  # changes on a PDF over other changes there: kept as comments


def _rels(parts: dict[str, bytes], source: str, shown: str) -> dict[str, list[str]]:
    """Relationship type (its last word) -> targets, for the part *source* ('' = package)."""
    folder, name = posixpath.split(source)
    rels_name = posixpath.join(folder, "_rels", f"{name}.rels")
    root = parse(parts, rels_name, shown)
    out: dict[str, list[str]] = {}
    if root is None:
        return out
    for rel in root:
        if local(rel) != "Relationship" or rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(folder, target))
        out.setdefault(rel.get("Type", "").rsplit("/", 1)[-1], []).append(path)
    return out


def _comment_text(comment: etree._Element, n: Names) -> tuple[str, str]:
    """Text of a comment (paragraphs and line breaks as newlines) and its last paraId."""
    texts, para_id = [], ""
    for p in comment.iter(n.w("p")):
        chunks = []
        for el in p.iter():
            name = local(el)
            if name == "t":
                chunks.append(el.text or "")
            elif name in COMMENT_SPECIAL and local(el.getparent()) == "r":
                chunks.append(COMMENT_SPECIAL[name])
            elif name == "sym":
                chunks.append(symbol(n.attr(el, "char")))
        texts.append("".join(chunks))
        para_id = p.get(f"{{{W14}}}paraId", para_id)
    return "\n".join(texts).strip("\n"), para_id


def _properties(parts: dict[str, bytes], name: str, shown: str) -> dict[str, str]:
    root = parse(parts, name, shown) if name in parts else None
    if root is None:
        return {}
    out = {}
    for prop in root:
        if local(prop) == "property" and etree.QName(prop).namespace in custom_namespaces():
            value = next(iter(prop), None)
            out[prop.get("name", "")] = (value.text or "") if value is not None else ""
    return out


def threads(comments: list[tuple[Found, str]], parent: dict[str, str]) -> list[Found]:
    """Replies hang under their thread's first comment; a reply whose parent is missing or
    part of a cycle stays a comment of its own, so nothing is dropped."""
    by_id = {pid: item for item, pid in comments if pid}

    def is_top(pid: str) -> bool:
        up = parent.get(pid)
        if up is None or up not in by_id:
            return True
        seen, at = {pid}, up
        while at in parent and parent[at] in by_id and at not in seen:
            seen.add(at)
            at = parent[at]
            if at == pid:
                return True  # on a cycle
        return False

    roots: list[Found] = []
    for item, pid in comments:
        if not pid or is_top(pid):
            roots.append(item)
            continue
        at, seen = parent[pid], {pid}
        while not is_top(at) and at not in seen:
            seen.add(at)
            at = parent[at]
        by_id[at].replies.append({"author": item.author, "date": item.date, "text": item.text})
    return roots


def span(place: CommentPlace | None, stories: list[Story], walker: StoryWalker) -> tuple[int, int]:
    """(offset, length) of a comment's range in its story's text as sent ((0, 0) if unknown)."""
    if place is None or place.start is None:
        return 0, 0
    para = walker.paragraphs[place.start[0]]
    story = stories[para.story]
    start = story.position(*place.start)
    end = place.end
    if end is None or walker.paragraphs[end[0]].story != para.story:
        return start, 0
    return start, max(0, story.position(*end) - start)


def comment_at(walker: StoryWalker, stories: list[Story], key: str, author: str, date: str | None,
               text: str, part: str, initials: str = "", resolved: bool = False) -> Found:
    """A comment as found: where its range is (the place *walker* noted under *key*, else its
    reference), the words it covers and their offsets in the text as sent. *part* is named
    when it has no place in a story."""
    place = walker.comments.get(key)
    para = place.para if place is not None and place.para is not None else walker.refs.get(key)
    paragraph = walker.paragraphs[para] if para is not None else None
    quote = " ".join("".join(place.quote).split()) if place is not None else ""
    offset, length = span(place, stories, walker)
    return Found("comment", author, date, text, para, key,
                 part=paragraph.part if paragraph else part, quote=quote, initials=initials,
                 resolved=resolved, section=paragraph.section if paragraph else "",
                 offset=offset, length=length)


def in_document_order(found: list[Found]) -> list[Found]:
    """By paragraph (what has none last), comments before changes, then by offset."""
    return sorted(found, key=lambda f: (f.paragraph if f.paragraph is not None else 10**9,
                                        0 if f.kind == "comment" else 1, f.offset))


def reading_of(walker: StoryWalker, comments: Callable[[list[Story]], list[Found]],
               properties: dict[str, str], formatting: Counter[str], rows: Counter[str]) -> Reading:
    """The Reading of a walked package: its stories, the changes in them (moves paired)
    and the *comments* found on those stories, in document order, and papier's bookmarks."""
    stories = [Story([walker.paragraphs[i] for i in indexes]) for indexes in walker.stories]
    found = pair_moves([item for story in stories for item in story_changes(story)])
    found = in_document_order(found + comments(stories))
    bookmarks = {name: (walker.paragraphs[place.start[0]].story, *span(place, stories, walker))
                 for name, place in walker.bookmarks.items() if place.start is not None}
    return Reading(walker.paragraphs, found, properties, formatting, rows, walker.note_refs,
                   stories, bookmarks)


def _comments(parts: dict[str, bytes], rels: dict[str, list[str]], walker: StoryWalker,
              n: Names, shown: str, stories: list[Story]) -> list[Found]:
    names = rels.get("comments", [])
    root = parse(parts, names[0], shown) if names else None
    if root is None:
        return []
    parent: dict[str, str] = {}
    done: dict[str, bool] = {}
    for ext_name in rels.get("commentsExtended", []):
        extended = parse(parts, ext_name, shown)
        for ex in extended.iter(f"{{{W15}}}commentEx") if extended is not None else ():
            pid = ex.get(f"{{{W15}}}paraId", "")
            done[pid] = ex.get(f"{{{W15}}}done", "0") in ("1", "true")
            if ex.get(f"{{{W15}}}paraIdParent"):
                parent[pid] = ex.get(f"{{{W15}}}paraIdParent", "")
    found: list[tuple[Found, str]] = []
    for comment in root.iter(n.w("comment")):
        text, para_id = _comment_text(comment, n)
        found.append((comment_at(walker, stories, n.attr(comment, "id"), n.attr(comment, "author"),
                                 date_of(n.attr(comment, "date")), text, "comments.xml",
                                 initials=n.attr(comment, "initials"),
                                 resolved=done.get(para_id, False)), para_id))
    return threads(found, parent)


def _count(root: etree._Element, part: str, formatting: Counter[str], rows: Counter[str]) -> None:
    """Formatting changes and table-row revisions of one part (reported, not applied)."""
    for el in root.iter():
        name = local(el)
        if name in FORMATTING:
            formatting[part] += 1
        elif name in ("ins", "del") and local(el.getparent()) == "trPr":
            rows[part] += 1


def read_docx(path: Path, data: bytes | None = None) -> Reading:
    """Everything a reviewer left in *path* (whose bytes are *data* when already read), in
    document order."""
    return read_parts(open_package(path, data), str(path))


def read_parts(parts: dict[str, bytes], shown: str, walker: StoryWalker | None = None,
               trees: dict[str, etree._Element] | None = None) -> Reading:
    """read_docx of an opened package. With *walker* (keeping elements) and *trees* (part
    name -> parsed root, filled here), the pieces point into those trees, for editing."""
    package = _rels(parts, "", shown)
    main = (package.get("officeDocument") or ["word/document.xml"])[0]
    document = _tree(parts, main, shown, trees)
    if document is None:
        raise UnreadableFile(f"{shown}: has no main document part ({main}); ask the reviewer "
                             "for the .docx file they edited")
    n = names_for(etree.QName(document).namespace or "")
    rels = _rels(parts, main, shown)
    walker = walker or StoryWalker(n)
    walker.n = n
    formatting: Counter[str] = Counter()
    rows: Counter[str] = Counter()
    _count(document, "document.xml", formatting, rows)
    body = document.find(n.w("body"))
    if body is not None:
        walker.story(body, "document.xml")
    del body, document  # a large tree is not kept while the next part is read
    if not any(p.block for p in walker.paragraphs):  # no bookmarks at all (text pasted into a
        for para in walker.paragraphs:             # new file): nothing is known to be front matter
            para.front = False
    for kind in STORY_TYPES:
        for name in rels.get(kind, []):
            root = _tree(parts, name, shown, trees)
            if root is None:
                continue
            part = posixpath.basename(name)
            _count(root, part, formatting, rows)
            if kind in ("footnotes", "endnotes"):
                for note in root:
                    if local(note) in ("footnote", "endnote") \
                            and n.attr(note, "type") not in NOTE_SEPARATORS:
                        walker.story(note, part, note=f"{local(note)}:{n.attr(note, 'id')}")
            else:
                walker.story(root, part)
    custom = (package.get("custom-properties") or ["docProps/custom.xml"])[0]
    return reading_of(walker, lambda stories: _comments(parts, rels, walker, n, shown, stories),
                      _properties(parts, custom, shown), formatting, rows)


def _tree(parts: dict[str, bytes], name: str, shown: str,
          trees: dict[str, etree._Element] | None) -> etree._Element | None:
    root = parse(parts, name, shown)
    if trees is not None and root is not None:
        trees[name] = root
    return root
