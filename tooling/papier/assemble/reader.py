"""Read one chapter with pandoc's sourcepos reader: wrapper spans removed, every block with
its file:line, review anchors around blocks, list items and table cells, and the facts the
checks need (ids, links, citations, images)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from papier import cites, pandoc
from papier import pandoc_ast as ast
from papier.data.expand import LINE_KEY, data_class
from papier.document import Anchor, Chapter
from papier.errors import Problem
from papier.numbering import UNNUMBERED
from papier.paper import Paper
from papier.typography import merge_str as _merge_str
from papier.typography import quoted

_POS_START = re.compile(r"(?:^|;)(\d+):\d+")


_POS_END = re.compile(r"-(\d+):(\d+)$")
ANCHORED = ("Header", "Table", "CodeBlock", "Figure", "BlockQuote")


def _end_line(kvs: list[list[str]], start: int) -> int:
    for key, value in kvs:
        if key == "data-pos":  # a table has several ranges ("2:1-3:1;1:1-5:1"): the last line of any
            ends = [int(m.group(1)) - (m.group(2) == "1") for r in value.split(";")
                    if (m := _POS_END.search(r))]
            return max([start, *ends])
    return start


def _first_line(value: Any) -> int | None:
    """The first data-pos line anywhere inside *value* (before wrappers are removed)."""
    if isinstance(value, dict):
        node_attr = ast.get_attr(value) if "t" in value else None
        if node_attr is not None:
            found = _pos_line(node_attr[2])
            if found:
                return found
        return _first_line(value.get("c"))
    if isinstance(value, list):
        for item in value:
            found = _first_line(item)
            if found:
                return found
    return None


def _cells(table: ast.Node) -> list[list[Any]]:
    """Every cell ([attr, align, rowspan, colspan, blocks]) of a pandoc Table."""
    _attr, _caption, _specs, head, bodies, foot = table["c"]
    rows = list(head[1]) + list(foot[1])
    for body in bodies:
        rows += list(body[2]) + list(body[3])
    return [cell for row in rows for cell in row[1]]


def _pos_line(kvs: list[list[str]]) -> int | None:
    for key, value in kvs:
        if key == "data-pos":
            starts = [int(m) for m in _POS_START.findall(value.rsplit("@", 1)[-1])]
            return min(starts) if starts else None
    return None


class ChapterReader:
    def __init__(self, paper: Paper, path: Path, text: str, anchors: bool = False,
                 number: int = 1, positions: bool = True) -> None:
        self.positions = positions
        self.paper = paper
        self.path = path
        self.shown = paper.rel(path)
        self.lines = text.splitlines()
        self.chapter = Chapter(path, [])
        self.anchors = anchors
        self.number = number
        self.rel = str(path.relative_to(paper.folder))
        self.in_note = 0

    def anchor(self, blocks: list[ast.Node], line: int, end: int, level: int = 0,
               numbered: bool = True) -> ast.Node:
        """Wrap *blocks* in a Div whose id becomes a bookmark in the reviewer's DOCX."""
        ident = f"blk-{self.number:02d}-{len(self.chapter.anchors) + 1:03d}"
        self.chapter.anchors.append(Anchor(ident, self.rel, line, end, ast.stringify(blocks).strip(),
                                           level=level, numbered=numbered))
        return ast.div(blocks, ident)

    def problem(self, line: int, message: str) -> None:
        self.chapter.problems.append(Problem(self.shown, line, message))

    def source(self) -> str:
        """What pandoc reads: the chapter with its citations marked."""
        return cites.mark_citations("\n".join(self.lines) + "\n")

    def read(self, doc: dict[str, Any] | None = None) -> Chapter:
        """The chapter from pandoc's reading of `source()` (*doc*, when read with others)."""
        if doc is None:
            doc = pandoc.read_markdown(self.source(), self.shown, self.positions)
        for block in doc["blocks"]:
            line = 1
            block_attr = ast.get_attr(block)
            if block_attr is not None:
                line = _pos_line(block_attr[2]) or 1
            self.chapter.blocks.extend(self.walk([block], line))
        return self.chapter

    def walk(self, value: Any, line: int) -> Any:
        if isinstance(value, list):
            out: list[Any] = []
            for item in value:
                if isinstance(item, dict) and item.get("t") in ("Span", "Div"):
                    item_attr = item["c"][0]
                    if any(k == "wrapper" for k, _ in item_attr[2]):
                        start = _pos_line(item_attr[2]) or line
                        children = self.walk(item["c"][1], start)
                        if self.anchors and item["t"] == "Div" and not self.in_note:
                            out.append(self.anchor(children, start, _end_line(item_attr[2], start)))
                        else:
                            out.extend(children)
                        continue
                if self.anchors and not self.in_note and isinstance(item, dict) \
                        and item.get("t") in ANCHORED:
                    item_attr = ast.get_attr(item)
                    kvs = item_attr[2] if item_attr is not None else []
                    start = _pos_line(kvs) or _first_line(item) or line
                    end = _end_line(kvs, start)
                    level = item["c"][0] if item["t"] == "Header" else 0
                    numbered = not (level and any(c in UNNUMBERED for c in item["c"][1][1]))
                    out.append(self.anchor([self.walk(item, line)], start, end, level, numbered))
                    continue
                new = self.walk(item, line)
                if isinstance(item, dict) and isinstance(new, list):
                    out.extend(new)  # an element replaced by several
                else:
                    out.append(new)
            return _merge_str(out)
        if isinstance(value, dict) and "t" in value:
            return self.visit(value, line)
        return value

    def visit(self, node: ast.Node, line: int) -> ast.Node | list[ast.Node]:
        node_attr = ast.get_attr(node)
        if node_attr is not None:
            line = _pos_line(node_attr[2]) or line
            node_attr[2] = [kv for kv in node_attr[2] if kv[0] != "data-pos"]
        kind = node["t"]
        cell_lines = [_first_line(cell[4]) or line for cell in _cells(node)] \
            if kind == "Table" and self.anchors else []
        self.in_note += kind == "Note"
        if "c" in node:
            node["c"] = self.walk(node["c"], line)
        self.in_note -= kind == "Note"
        if cell_lines and not self.in_note:
            for cell, cell_line in zip(_cells(node), cell_lines, strict=True):
                cell[4] = [self.anchor(cell[4], cell_line, cell_line)]
        if node_attr is not None and node_attr[0]:
            explicit = kind != "Header" or "{#" in self._source(line)
            self.chapter.ids.append((node_attr[0], line, explicit))
        if kind == "Image":
            self.image(node, line)
        elif kind == "Link":
            target = node["c"][2][0]
            if target.startswith("#"):
                self.chapter.links.append((target[1:], line))
        elif kind == "Span" and cites.CITE_CLASS in node["c"][0][1]:
            cite, keys = cites.to_cite(node)
            self.chapter.cites.extend((key, line) for key in keys)
            return cite
        elif kind == "Quoted":
            return quoted(node, self.paper.lang)
        if data_class(node) is not None:  # expanded after reading: papier.data.expand
            fresh = ast.get_attr(node)  # walking node["c"] made new lists
            assert fresh is not None
            fresh[2].append([LINE_KEY, str(line)])
            if self.anchors and kind == "Div" and not self.in_note:
                return self.anchor([node], line, _end_line([], line))
        elif node_attr is not None:
            src = ast.kv(node_attr).get("src")
            if src and not (self.paper.folder / src).is_file():
                self.problem(line, f"file '{src}' does not exist (relative to the paper folder); "
                             "add it to data/ or fix the path")
        return node

    def _source(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def image(self, node: ast.Node, line: int) -> None:
        img_attr, alt_inlines, (src, _title) = node["c"]
        alt = ast.kv(img_attr).get("alt") or ast.stringify(alt_inlines).strip()
        if not alt:
            self.problem(line, f"image '{src}' has no alt text; describe it: ![Was das Bild zeigt]({src})")
        if re.match(r"^[a-z]+://", src):
            self.problem(line, f"image '{src}' is remote; papier builds offline: save it in figures/")
            return
        found = resolve_resource(self.paper, self.path, src)
        if found is None:
            self.problem(line, f"image '{src}' not found; put it in figures/ and write "
                         f"![…](figures/{Path(src).name})")
        else:
            node["c"][2][0] = str(found)


def resolve_resource(paper: Paper, chapter: Path, src: str) -> Path | None:
    """Image paths may be relative to the chapter file or to the paper folder."""
    for base in (chapter.parent, paper.folder):
        candidate = (base / src).resolve()
        if candidate.is_file():
            return candidate
    return None
