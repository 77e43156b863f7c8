"""The redline for a browser (HTML, the build's own page) or a pull request (Markdown)."""

from __future__ import annotations

import dataclasses
import html
from pathlib import Path
from typing import Any

from papier import fsutil, pandoc
from papier import pandoc_ast as ast
from papier.redline.align import DELETION, Differ, is_change
from papier.redline.compare import Comparison
from papier.writers import Context, number_captions
from papier.writers.html import write_html


def _html_marks(node: ast.Node) -> list[ast.Node] | None:
    """A change span becomes <ins>/<del> with who and when in the title."""
    kind = is_change(node)
    if kind is None:
        return None
    values = ast.kv(node["c"][0])
    tag = "del" if kind == DELETION else "ins"
    title = html.escape(f"{values.get('author', '')}, {values.get('date', '')[:10]}", quote=True)
    return [ast.raw_inline("html", f'<{tag} title="{title}">'), *node["c"][1],
            ast.raw_inline("html", f"</{tag}>")]


def _unwrap_divs(blocks: list[ast.Node]) -> list[ast.Node]:
    out: list[ast.Node] = []
    for block in blocks:
        out += _unwrap_divs(block["c"][1]) if block["t"] == "Div" and not block["c"][0][0] else [block]
    return out


def _inline_list(differ: Differ, old: list[list[ast.Node]],
                 new: list[list[ast.Node]]) -> list[list[ast.Node]]:
    merged = differ.blocks([ast.plain(m) for m in old], [ast.plain(m) for m in new])
    return [b["c"] for b in _unwrap_divs(merged)]


def merged_context(comp: Comparison) -> Context:
    """The new version's context with old and new merged into change spans."""
    old, new = comp.old.ctx, comp.new.ctx
    differ = comp.differ()
    old_body, new_body = old.doc()["blocks"], new.doc()["blocks"]
    number_captions(old_body, old.paper.lang)
    number_captions(new_body, new.paper.lang)
    body = _unwrap_divs(differ.blocks(old_body, new_body))
    doc: dict[str, Any] = dict(new.assembled.doc, blocks=body)
    assembled = dataclasses.replace(new.assembled, doc=doc)
    ctx = dataclasses.replace(
        new, assembled=assembled, title=differ.inlines(old.title, new.title),
        subtitle=differ.inlines(old.subtitle, new.subtitle),
        key_messages=_inline_list(differ, old.key_messages, new.key_messages))
    return ctx


def write_text_redline(comp: Comparison, out: Path, to: str) -> None:

    ctx = merged_context(comp)
    for name in ("title", "subtitle", "key_messages"):
        setattr(ctx, name, ast.walk(getattr(ctx, name), _html_marks))
    ctx.assembled.doc["blocks"] = ast.walk(ctx.assembled.doc["blocks"], _html_marks)
    out.parent.mkdir(parents=True, exist_ok=True)
    if to == "html":
        write_html(ctx, out, numbered=False)
        return

    def images_as_text(node: ast.Node) -> list[ast.Node] | None:  # no files in a pull request
        if node["t"] == "Image":
            return [{"t": "Str", "c": f"[{ast.stringify(node['c'][1])}]"}]
        return None

    heading = ast.header(1, ctx.title)
    note = ast.para(ast.text_inlines(f"{ctx.stamp.text}."))  # names both sides already
    messages = [ast.plain(m) for m in ctx.key_messages]
    blocks = [heading, note, *([{"t": "BulletList", "c": [[m] for m in messages]}] if messages else []),
              *ctx.assembled.doc["blocks"]]
    doc = {"pandoc-api-version": ctx.assembled.doc["pandoc-api-version"], "meta": {},
           "blocks": ast.walk(blocks, images_as_text)}
    with fsutil.atomic_path(out) as tmp:
        pandoc.write(doc, "gfm", ["--wrap=none", "-o", str(tmp)], ctx.paper.rel(ctx.paper.yaml_path))
