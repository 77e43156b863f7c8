"""Compare two pandoc documents: blocks aligned first, then words inside changed blocks.

The result is one merged document in which every change is a pandoc ``insertion`` or
``deletion`` span (written by pandoc as ``w:ins``/``w:del``). A block that exists on one
side only has every inline of it inside such a span; the DOCX post-step then marks its
paragraph mark (and table row), so accepting or rejecting removes the whole paragraph.
Moved blocks (deleted in one place, inserted unchanged in another) are wrapped in Divs with
the ids ``papier-movefrom-N`` / ``papier-moveto-N``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from papier import pandoc_ast as ast

INSERTION, DELETION = "insertion", "deletion"
# numbers with German separators, words with inner hyphens, whitespace, any other character
TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*|\w+(?:[-‐]\w+)*|\s+|.", re.UNICODE)
WRAPPERS = {"Emph", "Strong", "Underline", "Strikeout", "Superscript", "Subscript", "SmallCaps"}
SIMILAR = 0.5  # blocks at least this alike are compared word by word
LOOKAHEAD = 8  # how far a changed block may have drifted among inserted ones
MOVE_MIN_WORDS = 4  # shorter blocks are not reported as moves ("Ja.")
SPACES = ("Space", "SoftBreak", "LineBreak")


@dataclass(frozen=True)
class Marks:
    """Who made the changes and when (pandoc's author/date attributes)."""

    author: str
    date: str  # ISO 8601, UTC, like 2026-11-21T10:00:00Z


def change_span(kind: str, inlines: list[ast.Node], marks: Marks) -> ast.Node:
    return {"t": "Span", "c": [ast.attr("", [kind], {"author": marks.author, "date": marks.date}),
                               inlines]}


def is_change(node: ast.Node) -> str | None:
    """'insertion' or 'deletion' for a change span, else None."""
    if node.get("t") != "Span":
        return None
    classes = node["c"][0][1]
    for kind in (INSERTION, DELETION):
        if kind in classes:
            return kind
    return None


# --- words ----------------------------------------------------------------------------

Frame = tuple[str, str]  # element type and its JSON without the inlines
Token = tuple[tuple[Frame, ...], ast.Node]


def _frame(node: ast.Node) -> tuple[Frame, list[ast.Node]] | None:
    kind = node["t"]
    if kind in WRAPPERS:
        return (kind, ""), node["c"]
    if kind == "Span" and not is_change(node):
        return (kind, json.dumps(node["c"][0])), node["c"][1]
    if kind == "Link":
        return (kind, json.dumps([node["c"][0], node["c"][2]])), node["c"][1]
    return None


def _make(frame: Frame, children: list[ast.Node]) -> ast.Node:
    kind, head = frame
    if kind in WRAPPERS:
        return {"t": kind, "c": children}
    parts = json.loads(head)
    if kind == "Span":
        return {"t": kind, "c": [parts, children]}
    return {"t": kind, "c": [parts[0], children, parts[1]]}


def tokens(inlines: list[ast.Node], path: tuple[Frame, ...] = ()) -> Iterator[Token]:
    """Words, numbers, punctuation and spaces, each with the formatting around it."""
    for node in inlines:
        kind = node["t"]
        if kind == "Str":
            for piece in TOKEN_RE.findall(node["c"]):
                yield path, {"t": "Str", "c": piece}
            continue
        framed = _frame(node)
        if framed is not None:
            frame, children = framed
            yield from tokens(children, (*path, frame))
        else:
            yield path, node


def rebuild(items: list[Token], depth: int = 0) -> list[ast.Node]:
    """Tokens back into nested inlines; neighbouring words are joined into one Str."""
    out: list[ast.Node] = []
    i = 0
    while i < len(items):
        path, leaf = items[i]
        if len(path) == depth:
            if leaf["t"] == "Str" and out and out[-1]["t"] == "Str":
                out[-1] = {"t": "Str", "c": out[-1]["c"] + leaf["c"]}
            else:
                out.append(leaf)
            i += 1
            continue
        frame = path[depth]
        j = i
        while j < len(items) and len(items[j][0]) > depth and items[j][0][depth] == frame:
            j += 1
        out.append(_make(frame, rebuild(items[i:j], depth + 1)))
        i = j
    return out


def _token_key(token: Token, normalise: Callable[[str], str]) -> str:
    path, leaf = token
    if leaf["t"] == "Str":
        body = leaf["c"]
    elif leaf["t"] in SPACES:
        body = " "
    else:
        body = normalise(json.dumps(leaf, sort_keys=True, ensure_ascii=False))
    return json.dumps(path) + body if path else body


def _is_space(token: Token) -> bool:
    return token[1]["t"] in SPACES or (token[1]["t"] == "Str" and not token[1]["c"].strip())


# --- the differ -----------------------------------------------------------------------

@dataclass
class _Candidate:
    """A whole block deleted or inserted; a deleted and an inserted one alike are a move."""

    kind: str
    key: str
    div: ast.Node


@dataclass
class Differ:
    marks: Marks
    normalise: Callable[[str], str] = lambda text: text
    candidates: list[_Candidate] = field(default_factory=list)

    def key(self, node: Any) -> str:
        return self.normalise(json.dumps(node, sort_keys=True, ensure_ascii=False))

    # inlines
    def inlines(self, old: list[ast.Node], new: list[ast.Node]) -> list[ast.Node]:
        a, b = list(tokens(old)), list(tokens(new))
        ka = [_token_key(t, self.normalise) for t in a]
        kb = [_token_key(t, self.normalise) for t in b]
        ops = _cleanup(SequenceMatcher(None, ka, kb, autojunk=False).get_opcodes(), a)
        out: list[ast.Node] = []
        for tag, i1, i2, j1, j2 in ops:
            if tag == "equal":
                out += rebuild(b[j1:j2])
                continue
            if i2 > i1:
                out.append(change_span(DELETION, rebuild(a[i1:i2]), self.marks))
            if j2 > j1:
                out.append(change_span(INSERTION, rebuild(b[j1:j2]), self.marks))
        return out

    # whole blocks
    def mark(self, block: ast.Node, kind: str) -> ast.Node:
        """A copy of *block* with every inline inside a change span of *kind*."""
        return _mark(ast.clone(block), kind, self.marks)

    def whole(self, block: ast.Node, kind: str) -> ast.Node:
        marked = self.mark(block, kind)
        if block["t"] in ("Para", "Plain", "Header", "BulletList", "OrderedList", "BlockQuote") \
                and len(ast.stringify(block).split()) >= MOVE_MIN_WORDS:
            div = ast.div([marked])
            self.candidates.append(_Candidate(kind, self.key(block), div))
            return div
        return marked

    def similarity(self, old: ast.Node, new: ast.Node) -> float:
        if old["t"] != new["t"]:
            return 0.0
        if old["t"] == "Header" and old["c"][0] != new["c"][0]:
            return 0.0
        if old["t"] == "Table" and len(old["c"][2]) != len(new["c"][2]):
            return 0.0
        if old["t"] not in COMPARED:
            return 0.0
        ratio = _text_ratio(ast.stringify(old), ast.stringify(new))
        # a heading of the same level in the same place is the same heading, reworded
        return 0.5 + ratio / 2 if old["t"] == "Header" else ratio

    def changed(self, old: ast.Node, new: ast.Node) -> list[ast.Node]:
        kind = new["t"]
        c_old, c_new = old["c"], new["c"]
        if kind in ("Para", "Plain"):
            return [{"t": kind, "c": self.inlines(c_old, c_new)}]
        if kind == "Header":
            return [{"t": kind, "c": [c_new[0], c_new[1], self.inlines(c_old[2], c_new[2])]}]
        if kind == "BulletList":
            return [{"t": kind, "c": self.items(c_old, c_new)}]
        if kind == "OrderedList":
            return [{"t": kind, "c": [c_new[0], self.items(c_old[1], c_new[1])]}]
        if kind == "BlockQuote":
            return [{"t": kind, "c": self.blocks(c_old, c_new)}]
        if kind == "Div":
            return [{"t": kind, "c": [c_new[0], self.blocks(c_old[1], c_new[1])]}]
        if kind == "Figure":
            caption = [c_new[1][0], self.blocks(c_old[1][1], c_new[1][1])]
            return [{"t": kind, "c": [c_new[0], caption, self.blocks(c_old[2], c_new[2])]}]
        if kind == "Table":
            return [self.table(old, new)]
        return [self.whole(old, DELETION), self.whole(new, INSERTION)]

    def blocks(self, old: list[ast.Node], new: list[ast.Node]) -> list[ast.Node]:
        out: list[ast.Node] = []
        for op, a, b in self.align(old, new, self.similarity):
            if op == "equal":
                out.append(b)
            elif op == "change":
                out += self.changed(a, b)
            elif op == "delete":
                out.append(self.whole(a, DELETION))
            else:
                out.append(self.whole(b, INSERTION))
        return out

    def items(self, old: list[list[ast.Node]], new: list[list[ast.Node]]) -> list[list[ast.Node]]:
        out: list[list[ast.Node]] = []
        def similar(x: list[ast.Node], y: list[ast.Node]) -> float:
            return self.similarity(ast.div(x), ast.div(y))

        for op, a, b in self.align(old, new, similar):
            if op == "equal":
                out.append(b)
            elif op == "change":
                out.append(self.blocks(a, b))
            elif op == "delete":
                out.append([self.whole(x, DELETION) for x in a])
            else:
                out.append([self.whole(y, INSERTION) for y in b])
        return out

    def rows(self, old: list[Any], new: list[Any]) -> list[Any]:
        out: list[Any] = []

        def similar(x: Any, y: Any) -> float:
            if len(x[1]) != len(y[1]):
                return 0.0
            return _text_ratio(ast.stringify([c[4] for c in x[1]]), ast.stringify([c[4] for c in y[1]]))

        for op, a, b in self.align(old, new, similar, threshold=0.3):
            if op == "equal":
                out.append(b)
            elif op == "change":
                cells = [[cb[0], cb[1], cb[2], cb[3], self.blocks(ca[4], cb[4])]
                         for ca, cb in zip(a[1], b[1], strict=True)]
                out.append([b[0], cells])
            else:
                row = a if op == "delete" else b
                out.append(_mark(ast.clone(row), DELETION if op == "delete" else INSERTION,
                                 self.marks))
        return out

    def table(self, old: ast.Node, new: ast.Node) -> ast.Node:
        attr, caption, specs, head, bodies, foot = new["c"]
        _attr, o_caption, _specs, o_head, o_bodies, o_foot = old["c"]
        caption = [caption[0], self.blocks(o_caption[1], caption[1])]
        head = [head[0], self.rows(o_head[1], head[1])]
        foot = [foot[0], self.rows(o_foot[1], foot[1])]
        if len(o_bodies) == len(bodies):
            bodies = [[nb[0], nb[1], self.rows(ob[2], nb[2]), self.rows(ob[3], nb[3])]
                      for ob, nb in zip(o_bodies, bodies, strict=True)]
        else:
            old_rows = [r for ob in o_bodies for r in ob[2] + ob[3]]
            new_rows = [r for nb in bodies for r in nb[2] + nb[3]]
            bodies = [[bodies[0][0] if bodies else ast.attr(), 0, [], self.rows(old_rows, new_rows)]]
        return {"t": "Table", "c": [attr, caption, specs, head, bodies, foot]}

    def align(self, old: list[Any], new: list[Any], similar: Callable[[Any, Any], float],
              threshold: float = SIMILAR) -> Iterator[tuple[str, Any, Any]]:
        """('equal'|'change'|'delete'|'insert', old item, new item) in document order."""
        ka, kb = [self.key(x) for x in old], [self.key(y) for y in new]
        for tag, i1, i2, j1, j2 in SequenceMatcher(None, ka, kb, autojunk=False).get_opcodes():
            if tag == "equal":
                for x, y in zip(old[i1:i2], new[j1:j2], strict=True):
                    yield "equal", x, y
                continue
            a, b = old[i1:i2], new[j1:j2]
            if len(a) == len(b) == 1 and _short_text(a[0]) and _short_text(b[0]):
                yield "change", a[0], b[0]  # "4" -> "5" in a table cell: one paragraph
                continue
            j = 0
            for x in a:
                best, score = -1, threshold
                for k in range(j, min(len(b), j + LOOKAHEAD)):
                    s = similar(x, b[k])
                    if s >= score:
                        best, score = k, s
                if best < 0:
                    yield "delete", x, None
                    continue
                for y in b[j:best]:
                    yield "insert", None, y
                yield "change", x, b[best]
                j = best + 1
            for y in b[j:]:
                yield "insert", None, y

    def finish(self) -> int:
        """Pair deleted and inserted blocks that are alike into moves; the number of moves."""
        deleted: dict[str, list[_Candidate]] = {}
        for cand in self.candidates:
            if cand.kind == DELETION:
                deleted.setdefault(cand.key, []).append(cand)
        moves = 0
        for cand in self.candidates:
            if cand.kind == INSERTION and deleted.get(cand.key):
                source = deleted[cand.key].pop(0)
                moves += 1
                source.div["c"][0][0] = f"papier-movefrom-{moves}"
                cand.div["c"][0][0] = f"papier-moveto-{moves}"
        return moves


COMPARED = {"Para", "Plain", "Header", "BulletList", "OrderedList", "BlockQuote", "Div", "Figure",
            "Table"}


def _short_text(node: Any) -> bool:
    return isinstance(node, dict) and node.get("t") in ("Para", "Plain") \
        and len(ast.stringify(node).split()) <= 5


def _text_ratio(a: str, b: str) -> float:
    wa, wb = a.split(), b.split()
    if not wa and not wb:
        return 1.0
    matcher = SequenceMatcher(None, wa, wb, autojunk=False)
    if matcher.real_quick_ratio() < SIMILAR / 2 or matcher.quick_ratio() < SIMILAR / 2:
        return 0.0
    return matcher.ratio()


Opcode = tuple[str, int, int, int, int]


def _cleanup(ops: Sequence[Opcode], old: list[Token]) -> list[Opcode]:
    """Fold a lone space between two changes into them: 'a b' -> 'x y' is one change."""
    out: list[list[Any]] = []
    for i, (tag, i1, i2, j1, j2) in enumerate(ops):
        lone_space = (tag == "equal" and 0 < i < len(ops) - 1
                      and all(_is_space(t) for t in old[i1:i2]))
        if lone_space or tag != "equal":
            if out and out[-1][0] == "replace":
                out[-1][2], out[-1][4] = i2, j2
            else:
                out.append(["replace", i1, i2, j1, j2])
        else:
            out.append([tag, i1, i2, j1, j2])
    return [(str(o[0]), int(o[1]), int(o[2]), int(o[3]), int(o[4])) for o in out]


def _mark(value: Any, kind: str, marks: Marks) -> Any:
    if isinstance(value, list):
        return [_mark(v, kind, marks) for v in value]
    if not (isinstance(value, dict) and "t" in value):
        return value
    t = value["t"]
    if t in ("Para", "Plain"):
        return {"t": t, "c": [change_span(kind, value["c"], marks)]} if value["c"] else value
    if t == "Header":
        level, attr, inlines = value["c"]
        if kind == DELETION:  # its id belongs to the new text
            attr = ["", attr[1], attr[2]]
        return {"t": t, "c": [level, attr, [change_span(kind, inlines, marks)]]}
    if t == "LineBlock":
        return {"t": t, "c": [[change_span(kind, line, marks)] for line in value["c"]]}
    if t in ("CodeBlock", "RawBlock", "HorizontalRule"):
        return value  # no inlines to mark
    out = dict(value)
    if "c" in value:
        out["c"] = _mark(value["c"], kind, marks)
    return out
