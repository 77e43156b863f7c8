"""Assemble a paper into one pandoc document plus a source map.

Each chapter is read by pandoc's ``commonmark_x+sourcepos`` reader; the inline
wrapper spans it adds are removed again, every block keeps its ``file:line``,
and the checks that need the parsed text (images, links, citations, ids) run
here, so ``papier check`` and ``papier build`` see the same problems.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any

from papier import cites, fsutil, i18n, pandoc
from papier import pandoc_ast as ast
from papier.cache import CHAPTERS, tool_fingerprint
from papier.cache import folder as cache_folder
from papier.data.expand import LINE_KEY, data_class, expand_data
from papier.document import Anchor, Assembled, Chapter, SourceRef
from papier.errors import PaperInvalid, PapierError, Problem, ToolError
from papier.numbering import UNNUMBERED, heading_numbers
from papier.paper import Paper
from papier.typography import merge_str as _merge_str
from papier.typography import quoted

_POS_START = re.compile(r"(?:^|;)(\d+):\d+")
CAPTION_RE = re.compile(r"^(Tabelle|Table):\s*", re.I)


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


class _ChapterReader:
    def __init__(self, paper: Paper, path: Path, text: str, anchors: bool = False,
                 number: int = 1, positions: bool = True) -> None:
        self.positions = positions
        self.paper = paper
        self.path = path
        self.shown = paper.rel(path)
        self.lines = text.splitlines()
        self.chapter = Chapter(path, [], [])
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

    def read(self) -> Chapter:
        text = "\n".join(self.lines) + "\n"
        doc = pandoc.read_markdown(cites.mark_citations(text), self.shown, self.positions)
        rel = str(self.path.relative_to(self.paper.folder))
        for block in doc["blocks"]:
            line = 1
            block_attr = ast.get_attr(block)
            if block_attr is not None:
                line = _pos_line(block_attr[2]) or 1
            for new in self.walk([block], line):
                self.chapter.blocks.append(new)
                self.chapter.refs.append(SourceRef(rel, line))
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


def _inner(block: ast.Node) -> ast.Node:
    """The block itself, or the single block inside an anchor Div."""
    while block["t"] == "Div" and block["c"][0][0].startswith("blk-") and len(block["c"][1]) == 1:
        block = block["c"][1][0]
    return block


def _table_captions(blocks: list[ast.Node], refs: list[SourceRef] | None = None) -> None:
    """A paragraph 'Tabelle: …' right before or after a table becomes its caption."""
    i = 0
    while i < len(blocks):
        block = _inner(blocks[i])
        if block["t"] == "Div":
            _table_captions(block["c"][1])
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
                    if refs is not None:
                        del refs[j]
                    if j < i:
                        i -= 1
                    break
        i += 1


def bibliography_keys(path: Path) -> set[str]:
    """Every entry id in a .bib/.yaml/.json bibliography, read through pandoc."""
    fmt = {".bib": "biblatex", ".json": "csljson", ".yaml": "markdown", ".yml": "markdown"}
    reader = fmt.get(path.suffix.lower())
    if reader is None:
        raise PapierError(f"{path}: unknown bibliography format; use .bib, .json or .yaml")
    if reader == "markdown":
        data = path.read_text(encoding="utf-8")
        text = data if data.startswith("---") else f"---\n{data}\n...\n"
        out = pandoc.run(["-f", "markdown", "-t", "csljson", "--citeproc"], text.encode(), path)
    else:
        out = pandoc.run(["-f", reader, "-t", "csljson", str(path)], None, path)
    return {entry["id"] for entry in json.loads(out)}


def read_chapters(paper: Paper, anchors: bool = False, positions: bool = True) -> list[Chapter]:
    """Every chapter, read by pandoc; an unchanged chapter comes from the chapter cache."""
    numbers = {path: i for i, path in enumerate(paper.chapters, 1)}
    salt = _chapter_salt(paper, anchors, positions)
    cache = cache_folder(paper.workspace, CHAPTERS)

    def one(path: Path) -> Chapter:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            chapter = Chapter(path, [], [])
            chapter.problems.append(Problem(paper.rel(path), 1,
                                            f"not UTF-8 ({exc.reason}); save the file as UTF-8"))
            return chapter
        key = hashlib.sha256(f"{salt}\0{path}\0{numbers[path]}\0{text}".encode()).hexdigest()
        stored = _MEMO.get(key)
        if stored is None and (cache / f"{key}.json").is_file():
            stored = (cache / f"{key}.json").read_text("utf-8")
        if stored is not None:
            _MEMO[key] = stored
            return _chapter_from_json(path, stored)
        chapter = _ChapterReader(paper, path, text, anchors, numbers[path], positions).read()
        stored = _chapter_to_json(chapter)
        _MEMO[key] = stored
        with contextlib.suppress(OSError):  # a read-only workspace still checks and builds
            fsutil.write_text(cache / f"{key}.json", stored)
        return _chapter_from_json(path, stored)  # a private copy: later steps change blocks

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(one, paper.chapters))


_MEMO: dict[str, str] = {}  # chapter cache key -> JSON, for long-running callers (preview)


def _chapter_salt(paper: Paper, anchors: bool, positions: bool) -> str:
    """What a chapter's reading depends on besides its text: papier and pandoc, the
    language, and the paper's other files (a chapter's image may appear or vanish)."""
    files = [f"{rel}:{path.stat().st_size}:{path.stat().st_mtime_ns}"
             for rel, path in fsutil.source_files(paper.folder, skip=("text", "rounds"))]
    return f"{tool_fingerprint()} {anchors} {positions} {paper.lang} {' '.join(files)}"


def _chapter_to_json(chapter: Chapter) -> str:
    return json.dumps({
        "blocks": chapter.blocks, "refs": [[r.file, r.line] for r in chapter.refs],
        "problems": [[p.path, p.line, p.message, p.severity] for p in chapter.problems],
        "ids": chapter.ids, "links": chapter.links, "cites": chapter.cites,
        "anchors": [asdict(a) for a in chapter.anchors],
    }, ensure_ascii=False)


def _chapter_from_json(path: Path, text: str) -> Chapter:
    data = json.loads(text)
    return Chapter(path, data["blocks"], [SourceRef(f, line) for f, line in data["refs"]],
                   [Problem(*p) for p in data["problems"]],
                   [(i, line, explicit) for i, line, explicit in data["ids"]],
                   [(t, line) for t, line in data["links"]], [(k, line) for k, line in data["cites"]],
                   [Anchor(**a) for a in data["anchors"]])


def _cross_checks(paper: Paper, chapters: list[Chapter], bib_keys: set[str] | None) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, tuple[str, int, bool]] = {}
    for chapter in chapters:
        shown = paper.rel(chapter.path)
        for ident, line, explicit in chapter.ids:
            if ident in seen:
                first_file, first_line, first_explicit = seen[ident]
                if explicit or first_explicit:
                    problems.append(Problem(
                        shown, line, f"id '#{ident}' is used twice (first at {first_file}:"
                        f"{first_line}); give one of them another {{#id}}"))
            else:
                seen[ident] = (shown, line, explicit)
    for chapter in chapters:
        shown = paper.rel(chapter.path)
        for target, line in chapter.links:
            if target not in seen:
                problems.append(Problem(
                    shown, line, f"link to '#{target}' goes nowhere; no heading or element has "
                    f"that id (write {{#{target}}} after the heading, or fix the link)"))
        for key, line in chapter.cites:
            if bib_keys is None:
                problems.append(Problem(
                    shown, line, f"citation '@{key}' but the paper has no bibliography; add "
                    "'bibliography: literatur.bib' to paper.yaml, or write \\@ for a literal @"))
            elif key not in bib_keys:
                problems.append(Problem(
                    shown, line, f"citation key '@{key}' is not in "
                    f"{paper.rel(paper.bibliography) if paper.bibliography else 'the bibliography'};"
                    " add the entry or fix the key (write \\@ for a literal @)"))
    return problems


def _sections(anchors: list[Anchor]) -> None:
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


def assemble(paper: Paper, citeproc: bool = True, anchors: bool = False,
             positions: bool = True, render: bool = True) -> Assembled:
    """Read and check every chapter; return one document (quotes, captions, citations done).

    With *anchors*, every block, list item and table cell is wrapped in a Div with a
    block id (a bookmark in DOCX), and ``Assembled.anchors`` maps the ids to file:line.
    Without *positions* (redlines), problems come without line numbers but reading is faster.
    Data tables, charts and values are expanded; charts are drawn only with *render*.
    """
    chapters = read_chapters(paper, anchors, positions)
    problems = [p for c in chapters for p in c.problems]
    problems += expand_data(paper, chapters, render)
    bib_keys: set[str] | None = None
    if paper.bibliography is not None:
        try:
            bib_keys = bibliography_keys(paper.bibliography)
        except ToolError as exc:
            problems.append(Problem(paper.rel(paper.bibliography), 1,
                                    f"cannot read the bibliography: {exc}"))
            bib_keys = set()
    problems += _cross_checks(paper, chapters, bib_keys)
    blocks = [b for c in chapters for b in c.blocks]
    refs = [r for c in chapters for r in c.refs]
    _table_captions(blocks, refs)
    doc: dict[str, Any] = {
        "pandoc-api-version": [1, 23, 1, 1],
        "meta": {},
        "blocks": blocks,
    }
    if citeproc and paper.bibliography is not None and not problems:
        doc = _citeproc(paper, doc, refs)
    found = [a for c in chapters for a in c.anchors]
    _sections(found)
    return Assembled(paper, doc, refs, sorted(problems), found)


def assemble_valid(paper: Paper) -> Assembled:
    """The paper for writing outputs; PaperInvalid if it has problems.

    Outputs need no line numbers, so chapters are read without source positions (five
    times less JSON); only when there are problems is the paper read again with them, so
    that every message names file:line."""
    assembled = assemble(paper, positions=False)
    if assembled.problems:
        raise PaperInvalid(assemble(paper).problems)
    return assembled


def _citeproc(paper: Paper, doc: dict[str, Any], refs: list[SourceRef]) -> dict[str, Any]:
    assert paper.bibliography is not None
    doc["meta"]["lang"] = ast.meta_string(paper.lang)
    doc["meta"]["reference-section-title"] = ast.meta_string(i18n.label(paper.lang, "references"))
    doc["meta"]["link-citations"] = ast.meta_bool(True)
    out = pandoc.filter_json(doc, ["--citeproc", f"--bibliography={paper.bibliography}"],
                             paper.rel(paper.yaml_path))
    added = len(out["blocks"]) - len(refs)
    if added > 0:  # the bibliography section at the end
        last = refs[-1] if refs else SourceRef(str(paper.bibliography.name), 1)
        refs.extend([last] * added)
    for key in ("lang", "reference-section-title", "link-citations", "bibliography"):
        out["meta"].pop(key, None)
    return out
