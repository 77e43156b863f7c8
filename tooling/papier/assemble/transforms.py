"""What the assembled document gets after reading: table captions from 'Tabelle: …'
paragraphs, section labels for anchors, citations and the bibliography by citeproc."""

from __future__ import annotations

import re
from typing import Any

from papier import i18n, pandoc
from papier import pandoc_ast as ast
from papier.document import Anchor
from papier.numbering import UNNUMBERED, heading_numbers
from papier.paper import Paper

CAPTION_RE = re.compile(r"^(Tabelle|Table):\s*", re.I)


def _inner(block: ast.Node) -> ast.Node:
    """The block itself, or the single block inside an anchor Div."""
    while block["t"] == "Div" and block["c"][0][0].startswith("blk-") and len(block["c"][1]) == 1:
        block = block["c"][1][0]
    return block


def table_captions(blocks: list[ast.Node]) -> None:
    """A paragraph 'Tabelle: …' right before or after a table becomes its caption."""
    i = 0
    while i < len(blocks):
        block = _inner(blocks[i])
        if block["t"] == "Div":
            table_captions(block["c"][1])
        if block["t"] == "Table" and not block["c"][1][1]:
            for j in (i - 1, i + 1):
                if not 0 <= j < len(blocks) or _inner(blocks[j])["t"] != "Para":
                    continue
                inlines = _inner(blocks[j])["c"]
                if inlines and inlines[0].get("t") == "Str" and CAPTION_RE.match(inlines[0]["c"]):
                    first = CAPTION_RE.sub("", inlines[0]["c"])
                    rest = ([{"t": "Str", "c": first}] if first else []) + inlines[1:]
                    while rest and rest[0].get("t") == "Space":
                        rest = rest[1:]
                    block["c"][1] = [None, [ast.plain(rest)]]
                    del blocks[j]
                    if j < i:
                        i -= 1
                    break
        i += 1


def sections(anchors: list[Anchor]) -> None:
    """Give every anchor the numbered heading it stands under: '2.1 Familien erreichen'."""
    headings = [a for a in anchors if a.level]
    numbers = dict(zip((id(a) for a in headings),
                       heading_numbers((a.level, () if a.numbered else UNNUMBERED) for a in headings),
                       strict=True))
    current = ""
    for anchor in anchors:
        if anchor.level:
            number = numbers[id(anchor)]
            current = f"{number} {anchor.text}" if number else anchor.text
        anchor.section = current


def run_citeproc(paper: Paper, doc: dict[str, Any]) -> dict[str, Any]:
    assert paper.bibliography is not None
    doc["meta"]["lang"] = ast.meta_string(paper.lang)
    doc["meta"]["reference-section-title"] = ast.meta_string(i18n.label(paper.lang, "references"))
    doc["meta"]["link-citations"] = ast.meta_bool(True)
    out = pandoc.filter_json(doc, ["--citeproc", f"--bibliography={paper.bibliography}"],
                             paper.rel(paper.yaml_path))
    for key in ("lang", "reference-section-title", "link-citations", "bibliography"):
        out["meta"].pop(key, None)
    return out
