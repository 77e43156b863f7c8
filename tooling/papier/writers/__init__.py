"""Writers: one pandoc document in, one output file out (docx, pdf, html)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from papier import i18n, imprint, pandoc
from papier import pandoc_ast as ast
from papier.brand import Brand
from papier.document import Assembled
from papier.formats import FORMATS
from papier.imprint import Imprint
from papier.paper import Paper
from papier.stamp import Stamp
from papier.typography import quoted

__all__ = ["FORMATS", "Context", "inline_markdown", "make_context", "number_captions", "short_texts"]


@dataclass
class Context:
    """Everything a writer needs; rich texts are already parsed Markdown inlines."""

    assembled: Assembled
    brand: Brand
    stamp: Stamp
    final: bool
    work_dir: Path  # for intermediate files, inside the workspace (Typst's root)
    title: list[ast.Node]
    subtitle: list[ast.Node]
    key_messages: list[list[ast.Node]]

    @property
    def paper(self) -> Paper:
        return self.assembled.paper

    def doc(self) -> dict[str, Any]:
        """A private copy of the assembled document for one writer to change."""
        return ast.clone(self.assembled.doc)

    def label(self, key: str) -> str:
        return i18n.label(self.paper.lang, key)

    @property
    def date_text(self) -> str:
        return i18n.format_date(self.paper.date, self.paper.lang)

    def imprint(self) -> Imprint:
        """The imprint (publisher, licence with link and notice, Zitiervorschlag, …)."""
        return imprint.build(self.paper, self.brand, ast.stringify(self.title),
                             ast.stringify(self.subtitle), self.final)

    def author_line(self, author_index: int) -> str:
        author = self.paper.authors[author_index]
        return f"{author.name} ({author.organisation})" if author.organisation else author.name


_BLOCK_START = re.compile(r"^(?:([-+*#>|])|(\d+)([.)]))(?=\s|$)")


def _inline_source(text: str) -> str:
    """*text* on one line, a leading list, heading or quote marker escaped: a key message
    „1. Verankern …“ or a lone „-“ stays text instead of becoming a list."""
    text = " ".join(text.split())
    return _BLOCK_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", text)


def inline_markdown(texts: list[str], lang: str) -> list[list[ast.Node]]:
    """Parse short Markdown texts (title, key messages) into inlines with one pandoc call:
    exactly one list of inlines per text, each text in a fenced div of its own."""
    if not texts:
        return []
    joined = "\n\n".join(f"::: {{#papier-text-{i}}}\n{_inline_source(t)}\n:::" for i, t in enumerate(texts))
    doc = json.loads(pandoc.run(["-f", "commonmark_x", "-t", "json"], joined.encode("utf-8")))

    def quotes(node: ast.Node) -> list[ast.Node] | None:  # one quote rule for every text
        return quoted(node, lang) if node["t"] == "Quoted" else None

    found: dict[str, list[ast.Node]] = {}
    for div in ast.walk(doc["blocks"], quotes):
        if div["t"] != "Div":
            continue
        blocks = div["c"][1]
        if len(blocks) == 1 and blocks[0]["t"] in ("Para", "Plain"):
            found[div["c"][0][0]] = blocks[0]["c"]
        else:  # anything else (raw HTML, a table) is kept as its text
            found[div["c"][0][0]] = ast.text_inlines(ast.stringify(blocks))
    return [found.get(f"papier-text-{i}", []) for i in range(len(texts))]


def make_context(assembled: Assembled, brand: Brand, stamp: Stamp, final: bool,
                 work_dir: Path) -> Context:
    title, subtitle, messages = short_texts(assembled.paper)
    return Context(
        assembled=assembled, brand=brand, stamp=stamp, final=final, work_dir=work_dir,
        title=title, subtitle=subtitle, key_messages=messages,
    )


def short_texts(paper: Paper) -> tuple[list[ast.Node], list[ast.Node], list[list[ast.Node]]]:
    """Title, subtitle ([] without one) and key messages of *paper*, parsed in one call."""
    parsed = inline_markdown([paper.title, paper.subtitle or "-", *paper.key_messages], paper.lang)
    return parsed[0], parsed[1] if paper.subtitle else [], parsed[2:]


def number_captions(blocks: list[ast.Node], lang: str) -> None:
    """'Abbildung 1: …' and 'Tabelle 1: …' for writers that do not number captions."""
    counters = {"Figure": 0, "Table": 0}
    names = {"Figure": i18n.label(lang, "figure"), "Table": i18n.label(lang, "table")}
    for node in ast.iter_nodes(blocks):
        kind = node["t"]
        if kind not in counters:
            continue
        caption_blocks = node["c"][1][1]
        if not caption_blocks:
            continue
        counters[kind] += 1
        first = caption_blocks[0]
        if first["t"] in ("Plain", "Para"):
            first["c"] = [{"t": "Str", "c": f"{names[kind]}"}, {"t": "Space"},
                          {"t": "Str", "c": f"{counters[kind]}:"}, {"t": "Space"}, *first["c"]]
