"""Small helpers for pandoc's JSON AST: build, walk and stringify elements."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

Node = dict[str, Any]
Attr = list[Any]  # [identifier, [classes], [[key, value], ...]]

# Index of the Attr in the contents of each element type that has one.
ATTR_INDEX = {
    "Header": 1, "Div": 0, "Span": 0, "Image": 0, "Link": 0, "Code": 0,
    "CodeBlock": 0, "Figure": 0, "Table": 0,
}


def attr(ident: str = "", classes: list[str] | None = None, kv: dict[str, str] | None = None) -> Attr:
    return [ident, classes or [], [[k, v] for k, v in (kv or {}).items()]]


def get_attr(node: Node) -> Attr | None:
    index = ATTR_INDEX.get(node.get("t", ""))
    if index is None:
        return None
    attr_value: Attr = node["c"][index]
    return attr_value


def kv(node_attr: Attr) -> dict[str, str]:
    return {k: v for k, v in node_attr[2]}


def text_inlines(text: str) -> list[Node]:
    """Plain text -> Str/Space inlines."""
    out: list[Node] = []
    for i, word in enumerate(re.split(r"[ \t\n]+", text.strip())):
        if i:
            out.append({"t": "Space"})
        if word:
            out.append({"t": "Str", "c": word})
    return out


def para(inlines: list[Node]) -> Node:
    return {"t": "Para", "c": inlines}


def plain(inlines: list[Node]) -> Node:
    return {"t": "Plain", "c": inlines}


def div(blocks: list[Node], ident: str = "", classes: list[str] | None = None,
        kvs: dict[str, str] | None = None) -> Node:
    return {"t": "Div", "c": [attr(ident, classes, kvs), blocks]}


def header(level: int, inlines: list[Node], ident: str = "",
           classes: list[str] | None = None) -> Node:
    return {"t": "Header", "c": [level, attr(ident, classes), inlines]}


def span_styled(style: str, inlines: list[Node]) -> Node:
    """A span with a DOCX character style (pandoc's custom-style)."""
    return {"t": "Span", "c": [attr(kv={"custom-style": style}), inlines]}


def raw_block(fmt: str, text: str) -> Node:
    return {"t": "RawBlock", "c": [fmt, text]}


def raw_inline(fmt: str, text: str) -> Node:
    return {"t": "RawInline", "c": [fmt, text]}


def stringify(value: Any) -> str:
    """The text of a node or list of nodes, as pandoc's stringify does."""
    if isinstance(value, list):
        return "".join(stringify(v) for v in value)
    if not isinstance(value, dict):
        return ""
    kind = value.get("t")
    if kind == "Str":
        return str(value["c"])
    if kind in ("Space", "SoftBreak", "LineBreak"):
        return " "
    if kind in ("Code", "Math", "RawInline"):
        return str(value["c"][1]) if kind != "RawInline" else ""
    if kind == "Quoted":
        return '"' + stringify(value["c"][1]) + '"'
    if kind in ("Note",):
        return ""
    contents = value.get("c")
    if kind in ATTR_INDEX and isinstance(contents, list):
        contents = [c for i, c in enumerate(contents) if i != ATTR_INDEX[kind]]
    return stringify(contents)


def clone(value: Any) -> Any:
    """A deep copy of JSON-like AST data, several times faster than copy.deepcopy."""
    return json.loads(json.dumps(value))


def walk(value: Any, fn: Callable[[Node], Node | list[Node] | None]) -> Any:
    """Bottom-up rewrite: *fn* gets each element and returns a replacement, a list
    to splice in its place, or None to keep it."""
    if isinstance(value, list):
        out: list[Any] = []
        for item in value:
            new = walk(item, fn)
            if isinstance(item, dict) and "t" in item and isinstance(new, list):
                out.extend(new)
            else:
                out.append(new)
        return out
    if isinstance(value, dict) and "t" in value:
        if "c" in value:
            value["c"] = walk(value["c"], fn)
        result = fn(value)
        return value if result is None else result
    return value


def iter_nodes(value: Any) -> Iterator[Node]:
    """Every element in document order (top-down)."""
    if isinstance(value, list):
        for item in value:
            yield from iter_nodes(item)
    elif isinstance(value, dict) and "t" in value:
        yield value
        yield from iter_nodes(value.get("c"))


def meta_string(value: str) -> Node:
    return {"t": "MetaString", "c": value}


def meta_inlines(text: str) -> Node:
    return {"t": "MetaInlines", "c": text_inlines(text)}


def meta_bool(value: bool) -> Node:
    return {"t": "MetaBool", "c": value}
