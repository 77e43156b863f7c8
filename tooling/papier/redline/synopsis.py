"""The Synopse: a landscape DOCX in two columns, bisherige Fassung | neue Fassung.

Ministries read a Synopse row by row: each changed block on the left as it was (deletions
struck through), on the right as it is now (insertions underlined). Unchanged sections shrink
to their heading and "unverändert"; unchanged blocks inside a changed section to one row.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from papier import i18n
from papier import pandoc_ast as ast
from papier.ooxml import edit as ooxml
from papier.redline.align import DELETION, INSERTION, Differ, is_change
from papier.redline.compare import Comparison
from papier.writers.docx import (
    DELETED_STYLE,
    INSERTED_STYLE,
    Layout,
    docx_parts,
    number_headings,
    write_blocks,
)


def _fit_columns(path: Path) -> None:
    ooxml.rewrite_parts(path, {"word/document.xml": ooxml.fit_to_columns})


# two columns of about 12 cm: tables and pictures fitted into them after pandoc
SYNOPSE = Layout(landscape=True, contents=False, post=(_fit_columns,))

Row = tuple[list[ast.Node], list[ast.Node]]


def _side(blocks: list[ast.Node], keep: str) -> list[ast.Node]:
    """One column's view of merged blocks: the other side's changes left out."""
    style = DELETED_STYLE if keep == DELETION else INSERTED_STYLE

    def view(node: ast.Node) -> Any:
        kind = is_change(node)
        if kind is None:
            return None
        return [ast.span_styled(style, node["c"][1])] if kind == keep else []

    def flat(node: ast.Node) -> Any:  # inside a table cell: bold headings, no title styles
        if node["t"] == "Header":
            return ast.para([{"t": "Strong", "c": node["c"][2]}])
        if node["t"] == "Div" and "custom-style" in ast.kv(node["c"][0]):
            return node["c"][1]
        return None

    shown = ast.walk(ast.walk(ast.clone(blocks), view), flat)
    return [b for b in shown if ast.stringify(b).strip() or b["t"] not in ("Para", "Plain")]


def _note(text: str) -> list[ast.Node]:
    return [ast.para([{"t": "Emph", "c": ast.text_inlines(text)}])]


def _heading_text(block: ast.Node) -> list[ast.Node]:
    return [ast.para([{"t": "Strong", "c": block["c"][2]}])]


def rows(differ: Differ, old: list[ast.Node], new: list[ast.Node], lang: str) -> list[Row]:
    """Section by section (level 1 and 2 headings): changed blocks side by side."""
    unchanged = i18n.label(lang, "unchanged")
    sections: list[list[tuple[str, Any, Any]]] = [[]]
    for op in differ.align(old, new, differ.similarity):
        block = op[2] if op[2] is not None else op[1]
        if block["t"] == "Header" and block["c"][0] <= 2 and sections[-1]:
            sections.append([])
        sections[-1].append(op)
    out: list[Row] = []
    for section in sections:
        first = section[0][2] if section[0][2] is not None else section[0][1]
        if all(op == "equal" for op, _a, _b in section):
            if first["t"] == "Header":
                cell = _heading_text(first) + _note(unchanged)
                out.append((cell, cell))
            else:
                out.append((_note(unchanged), _note(unchanged)))
            continue
        same = 0
        for i, (kind, a, b) in enumerate(section):
            if kind == "equal" and not (i == 0 and b["t"] == "Header"):
                same += 1
                continue
            if same:
                out.append(_skipped(same, lang))
                same = 0
            if kind == "equal":
                merged = [b]
            elif kind == "change":
                merged = differ.changed(a, b)
            elif kind == "delete":
                merged = [differ.mark(a, DELETION)]
            else:
                merged = [differ.mark(b, INSERTION)]
            out.append((_side(merged, DELETION), _side(merged, INSERTION)))
        if same:
            out.append(_skipped(same, lang))
    return out


def _skipped(count: int, lang: str) -> Row:
    """'[…] unverändert (3 Absätze)' in both columns."""
    noun = i18n.label(lang, "paragraph" if count == 1 else "paragraphs")
    note = _note(f"[…] {i18n.label(lang, 'unchanged')} ({count} {noun})")
    return note, note


def _cell(blocks: list[ast.Node]) -> list[Any]:
    return [ast.attr(), {"t": "AlignDefault"}, 1, 1, blocks]


def _table(head: Row, body: list[Row]) -> ast.Node:
    spec = [{"t": "AlignLeft"}, {"t": "ColWidth", "c": 0.5}]
    return {"t": "Table", "c": [
        ast.attr(), [None, []], [spec, spec],
        [ast.attr(), [[ast.attr(), [_cell(head[0]), _cell(head[1])]]]],
        [[ast.attr(), 0, [], [[ast.attr(), [_cell(left), _cell(right)]] for left, right in body]]],
        [ast.attr(), []],
    ]}


def write_synopsis(comp: Comparison, out: Path) -> None:
    old, new = comp.old.ctx, comp.new.ctx
    lang = new.paper.lang
    (old_front, old_body), (new_front, new_body) = docx_parts(old, None), docx_parts(new, None)
    number_headings(old_body)
    number_headings(new_body)
    differ = comp.differ()
    head = ([ast.para([{"t": "Strong", "c": ast.text_inlines(i18n.label(lang, "old_text"))},
                       {"t": "LineBreak"}, *ast.text_inlines(comp.old.described)])],
            [ast.para([{"t": "Strong", "c": ast.text_inlines(i18n.label(lang, "new_text"))},
                       {"t": "LineBreak"}, *ast.text_inlines(comp.new.described)])])
    title = [ast.div([ast.para([*ast.text_inlines(f"{i18n.label(lang, 'synopsis')}:"), {"t": "Space"},
                               *new.title])], kvs={"custom-style": "Title"})]
    body = [_table(head, rows(differ, old_front + old_body, new_front + new_body, lang))]
    out.parent.mkdir(parents=True, exist_ok=True)
    write_blocks(new, out, title, body, SYNOPSE)
