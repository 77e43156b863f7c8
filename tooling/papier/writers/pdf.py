"""PDF: pandoc -> Typst with templates/typst, compiled by the `typst` package to PDF/UA-1 + PDF/A-2b."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from papier import colour as wcag
from papier import fsutil, i18n, pandoc, profile
from papier import pandoc_ast as ast
from papier.cache import tool_fingerprint
from papier.errors import ToolError
from papier.writers import Context

PDF_STANDARDS = ["a-2b", "ua-1"]


def typst_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def root_path(ctx: Context, path: Path) -> str:
    """Typst resolves absolute paths against the root: the workspace."""
    rel = path.resolve().relative_to(ctx.paper.workspace.root.resolve())
    return "/" + rel.as_posix()


def _images(ctx: Context, blocks: list[ast.Node]) -> list[ast.Node]:
    """pandoc's Typst writer drops alt text; PDF/UA needs it, so images are written here.
    Source notes get their Typst function, and rendered citations lose their Cite."""

    def image(node: ast.Node) -> ast.Node | list[ast.Node] | None:
        if node["t"] == "Div" and "source-note" in node["c"][0][1]:  # "Quelle: …" of data
            return [ast.raw_block("typst", "#papier-source["), *node["c"][1], ast.raw_block("typst", "]")]
        if node["t"] == "Cite":  # already rendered by citeproc; Typst would look for labels
            rendered: list[ast.Node] = node["c"][1]
            return rendered
        if node["t"] != "Image":
            return None
        img_attr, alt_inlines, (src, _title) = node["c"]
        kvs = ast.kv(img_attr)
        alt = kvs.get("alt") or ast.stringify(alt_inlines).strip()
        args = [typst_string(root_path(ctx, Path(src))), f"alt: {typst_string(alt)}"]
        width = kvs.get("width")
        if width:
            args.append(f"width: {width if width.endswith(('%', 'cm', 'mm', 'pt', 'in')) else width + 'pt'}")
        else:
            args.append("width: 100%")
        return ast.raw_inline("typst", f"#box(image({', '.join(args)}))")

    result: list[ast.Node] = ast.walk(blocks, image)
    return result


def _is_source(node: ast.Node) -> bool:
    return node["t"] == "Div" and "source-note" in node["c"][0][1]


MARK = ast.raw_inline("typst", "#papier-mark;")


def _mark_end(block: ast.Node) -> bool:
    """Put the unit mark into the last line of *block*; False where it has no text."""
    kind = block["t"]
    if kind in ("Para", "Plain", "Header"):
        inlines = block["c"][2] if kind == "Header" else block["c"]
        # before the last word, not after it: a mark after the last line is carried to the
        # next page together with the block that follows
        inlines.insert(max(0, len(inlines) - 1), ast.clone(MARK))
        return True
    if kind in ("BulletList", "OrderedList"):
        items = block["c"] if kind == "BulletList" else block["c"][1]
        return bool(items and items[-1]) and _mark_end(items[-1][-1])
    if kind in ("Div", "BlockQuote"):
        children = block["c"][1] if kind == "Div" else block["c"]
        return bool(children) and _mark_end(children[-1])
    return False


def _units(blocks: list[ast.Node]) -> list[ast.Node]:
    """Each figure or captioned table with the source notes after it becomes one
    ``#papier-unit[…]``: kept whole, floated to the next page when it does not fit
    (templates/typst/papier.typ). The bibliography gets its hanging indent."""
    out: list[ast.Node] = []
    i = 0
    while i < len(blocks):
        node = blocks[i]
        if node["t"] in ("Figure", "Table"):
            j = i + 1
            while j < len(blocks) and _is_source(blocks[j]):
                j += 1
            if out:  # the mark goes into a copy: the assembled document is shared
                out[-1] = ast.clone(out[-1])
            marked = bool(out) and _mark_end(out[-1])
            unit_id = hashlib.sha1(json.dumps(blocks[i:j], sort_keys=True).encode()).hexdigest()[:12]
            extra = "" if marked else ", mark: true"
            opening = f'#papier-unit-at("{unit_id}"{extra})['
            out += [ast.raw_block("typst", opening), *blocks[i:j], ast.raw_block("typst", "]")]
            i = j
            continue
        if node["t"] == "Div":
            classes = node["c"][0][1]
            node = {"t": "Div", "c": [node["c"][0], _units(node["c"][1])]}
            if "references" in classes:
                out += [ast.raw_block("typst", "#papier-references["), node, ast.raw_block("typst", "]")]
                i += 1
                continue
        out.append(node)
        i += 1
    return out


@dataclass(frozen=True)
class ReviewMarks:
    """What a reviewer's PDF adds to the paper's layout: the stamp on every page, line
    numbers in the left margin, and *keywords* after the paper's own (who it is for:
    papier.rounds.pdfcopy writes and reads them)."""

    keywords: tuple[str, ...] = ()


def meta_json(ctx: Context, review: ReviewMarks | None = None) -> dict[str, Any]:
    paper, brand = ctx.paper, ctx.brand
    lang = paper.lang
    contact = paper.contact or None
    if contact is not None:
        contact = {"name": contact.get("name", ""), "email": contact.get("email", ""),
                   "organisation": contact.get("organisation", "")}
    title = ast.stringify(ctx.title)
    return {
        "title": title,
        "short_title": title if len(title) <= 70 else title[:67] + "…",
        "lang": i18n.lang_key(lang),
        "region": lang.split("-")[1] if "-" in lang else None,
        "authors": [{"name": a.name, "organisation": a.organisation} for a in paper.authors],
        "keywords": [*paper.keywords, *(review.keywords if review else ())],
        "review": review is not None,
        "kind_label": paper.kind_label,
        "date": ctx.date_text,
        "version": paper.version,
        "status_label": "" if ctx.final else i18n.label(lang, paper.status),
        "stamp": ctx.stamp.text,
        "page_label": ctx.stamp.footer,
        "key_messages_title": paper.messages_title,
        "toc": paper.wants_toc,
        "contact": contact,
        "license": paper.license,
        "partners": paper.partners or brand.partners,
        "organisation": brand.organisation,
        "publisher": brand.publisher,
        "publisher_address": brand.publisher_address,
        "website": brand.website,
        "imprint_text": brand.imprint,
        "logo": root_path(ctx, brand.logo) if brand.logo else None,
        "logo_alt": brand.logo_alt,
        "colours": brand.colours,
        "text_colours": text_colours(ctx),
        "imprint": ctx.imprint().to_json(),
        "font": brand.body_font,
        "size": brand.font_size,
        "labels": {k: i18n.label(lang, k) for k in (
            "imprint", "publisher", "partners", "authors", "contact", "version", "date",
            "license", "toc")},
    }


def text_colours(ctx: Context) -> dict[str, str]:
    """Brand colours for text on the backgrounds the layout puts them on (WCAG 2.1:
    4.5:1 for text, 3:1 for marks), each the brand colour itself where it passes."""
    brand = ctx.brand
    return {
        "primary": brand.on("primary"),
        "primary_on_light": brand.on("primary", "light"),
        "muted": brand.on("muted", "light"),  # captions and notes also stand in boxes
        "accent": brand.on("accent"),  # the stamp
        "accent_on_primary": brand.on("accent", "primary"),  # kind label on the cover
        "accent_mark": brand.on("accent", "light", wcag.MARKS),  # key-message markers
    }


_BLOCK_END = "// papier: end of block"
BLOCKS_FILE = "typst-blocks.json"  # in a writer's work folder: the last build's blocks as Typst
_BLOCK_MEMO: dict[str, str] = {}  # the same, for long-running processes (preview)
_MEMO_LOCK = threading.Lock()


def typst_body(ctx: Context) -> str:
    """The paper's body as Typst markup, top-level block by top-level block: a block that
    was converted before (by its content) is taken from the last build of this work folder
    (or from memory), the others are converted together in one pandoc call. The result is
    the same as converting the whole body at once (tests/test_speed.py)."""
    blocks = _units(ctx.assembled.doc["blocks"])
    salt = f"{tool_fingerprint()} {ctx.paper.workspace.root.resolve()}"
    keys = [hashlib.sha256(f"{salt} {json.dumps(b)}".encode()).hexdigest()[:32] for b in blocks]
    store = ctx.work_dir / BLOCKS_FILE
    known = _stored(store)
    with _MEMO_LOCK:
        known = {**_BLOCK_MEMO, **known}
    pieces: dict[str, str] = {}
    missing: dict[str, ast.Node] = {}
    for key, block in zip(keys, blocks, strict=True):
        if key in known:
            pieces[key] = known[key]
        else:
            missing[key] = block
    if missing:
        with profile.stage(f"typst: {len(missing)} of {len(set(keys))} blocks converted"):
            pieces.update(_convert_blocks(ctx, missing))
    body = "".join(pieces[key] for key in keys).rstrip("\n")
    if set(pieces) != set(known):  # the cache holds exactly this build's blocks
        with contextlib.suppress(OSError):
            fsutil.write_text(store, json.dumps(pieces, ensure_ascii=False))
        with _MEMO_LOCK:
            if len(_BLOCK_MEMO) > 20000:
                _BLOCK_MEMO.clear()
            _BLOCK_MEMO.update(pieces)
    return body


def _convert_blocks(ctx: Context, blocks: dict[str, ast.Node]) -> dict[str, str]:
    """Typst markup for each block, with one pandoc call: a Typst comment after each block
    tells where it ends. Each block keeps the line breaks pandoc puts after it (a blank
    line after a paragraph, none after a heading's label), so that the blocks joined read
    as the whole body converted at once."""
    joined: list[ast.Node] = []
    for block in blocks.values():
        joined += [*_images(ctx, [ast.clone(block)]), ast.raw_block("typst", _BLOCK_END)]
    doc = {"pandoc-api-version": ctx.assembled.doc["pandoc-api-version"], "meta": {}, "blocks": joined}
    out = _tight_captions(pandoc.write(doc, "typst", [], ctx.paper.rel(ctx.paper.yaml_path)).decode("utf-8"))
    texts = re.split(f"(?m)^{re.escape(_BLOCK_END)}$\n?", out)[: len(blocks)]
    if len(texts) != len(blocks):
        raise ToolError("pandoc", "the Typst writer lost a block; report the paper to papier",
                        ctx.paper.rel(ctx.paper.yaml_path))
    return dict(zip(blocks, texts, strict=True))


_TEMPLATE_MEMO: dict[str, str] = {}
_BODY = "papier-body-goes-here"


def typst_source(ctx: Context, body: str | None = None) -> str:
    """The complete Typst document (main.typ) for this paper; *body*: its blocks already
    converted to Typst markup (default: `typst_body`). pandoc fills the template around a
    placeholder once per title, key messages and template; the body goes into its place."""
    paper = ctx.paper
    body = typst_body(ctx) if body is None else body
    template = paper.workspace.templates_dir / "typst" / "pandoc.typ"
    meta = {"title": {"t": "MetaInlines", "c": ctx.title},
            "key-messages": {"t": "MetaList", "c": [{"t": "MetaInlines", "c": m} for m in ctx.key_messages]}}
    if ctx.subtitle:
        meta["subtitle"] = {"t": "MetaInlines", "c": ctx.subtitle}
    doc = {"pandoc-api-version": ctx.assembled.doc["pandoc-api-version"], "meta": meta,
           "blocks": [ast.raw_block("typst", _BODY)]}
    frame_of = f"{tool_fingerprint()} {template.read_text('utf-8')} {json.dumps(doc)}"
    key = hashlib.sha256(frame_of.encode()).hexdigest()
    store = ctx.work_dir / "typst-frame.json"
    frame = _TEMPLATE_MEMO.get(key) or _stored(store).get(key)
    if frame is None or frame.count(_BODY) != 1:  # not made yet, or a damaged cache
        frame = _tight_captions(pandoc.write(doc, "typst", [f"--template={template}"],
                                             paper.rel(paper.yaml_path)).decode("utf-8"))
        if frame.count(_BODY) != 1:
            raise ToolError("pandoc", f"{template.name} must contain $body$ exactly once",
                            paper.rel(template))
        with contextlib.suppress(OSError):
            fsutil.write_text(store, json.dumps({key: frame}, ensure_ascii=False))
    _TEMPLATE_MEMO[key] = frame
    before, after = frame.split(_BODY)
    return before + body + after


def _stored(path: Path) -> dict[str, str]:
    """A cache file of this writer (key -> Typst markup); a missing or damaged one is empty:
    rebuilt, never trusted."""
    try:
        found = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(found, dict) or not all(isinstance(v, str) for v in found.values()):
        return {}
    return found


def _tight_captions(source: str) -> str:
    """pandoc opens a caption with a line break, which Typst sets as a space after
    "Abbildung 1:"; the caption starts at its first word instead."""
    return re.sub(r"caption: \[\s+", "caption: [", source)


class TypstSession:
    """One paper's Typst document in its work folder: written, compiled, and kept compiled
    by the same compiler for the next change (the preview recompiles an unchanged
    document in 0.03 s; a round's reviewer PDFs differ only in meta.json). The PDF writer
    uses a session once."""

    def __init__(self) -> None:
        self.compiler: Any = None
        self.main: Path | None = None
        self.layout = ""  # what the last compile laid out, and where its units went
        self.modes: dict[str, str] = {}

    def compile(self, ctx: Context, out: Path, body: str | None = None,
                timestamp: dt.date | None = None, review: ReviewMarks | None = None,
                source: str | None = None) -> None:
        """main.typ and meta.json for *ctx* (with its body already converted, if given; or
        the whole *source* from `typst_source`), laid out until every figure and table has
        its place (`place_units`), and compiled to *out* as PDF/UA-1 and PDF/A-2b; with
        *review*, as a reviewer's copy."""
        import typst  # noqa: PLC0415 - lazy: Typst is slow to load

        work = ctx.work_dir
        work.mkdir(parents=True, exist_ok=True)
        meta = meta_json(ctx, review)
        _write_if_changed(work / "meta.json", json.dumps(meta, ensure_ascii=False))
        main = work / "main.typ"
        source = typst_source(ctx, body) if source is None else source
        _write_if_changed(main, source)
        # every compile decides afresh where the text or the layout changed; the same one
        # (keywords move nothing: the reviewer copies) starts from the last decisions,
        # which the first layout then only confirms
        layout = json.dumps({**meta, "keywords": None}, sort_keys=True) + source
        modes = self.modes if main == self.main and layout == self.layout else {}
        units = work / "units.json"
        _write_if_changed(units, json.dumps(modes, sort_keys=True))
        if self.compiler is None or self.main != main:
            with profile.stage("typst: new compiler (fonts)"):
                self.compiler = typst.Compiler(str(main), root=str(ctx.paper.workspace.root),
                                               font_paths=[str(p) for p in ctx.brand.font_dirs])
            self.main = main
        self.layout, self.modes = "", {}  # until this compile succeeds
        day = timestamp or ctx.paper.date
        stamp = dt.datetime(day.year, day.month, day.day, 12, 0, tzinfo=dt.UTC)
        try:
            if "#papier-unit-at(" in source:
                for attempt in range(8):  # each round settles at least one more unit; few need 3
                    with profile.stage(f"typst: layout {attempt + 1} (where figures and tables go)"):
                        found = json.loads(self.compiler.query("<papier-unit-size>", field="value"))
                    decided = place_units(found, modes)
                    if _floating(decided) == _floating(modes):  # "flow" is the default
                        break
                    modes = decided
                    _write_if_changed(units, json.dumps(modes, sort_keys=True))
            with fsutil.atomic_path(out) as tmp, profile.stage("typst: compile PDF"):
                _, warnings = self.compiler.compile_with_warnings(
                    output=str(tmp), format="pdf", pdf_standards=PDF_STANDARDS, timestamp=stamp)
        except (RuntimeError, typst.TypstError) as exc:
            raise ToolError("typst", str(exc), ctx.paper.rel(main)) from exc
        self.layout, self.modes = layout, modes
        unsettled = [str(w) for w in warnings if "converge" in str(w) or "stabilize" in str(w)]
        if unsettled:  # figure numbers or page references may be wrong: say so, loudly
            sys.stderr.write(
                f"{ctx.paper.rel(out)}: warning: Typst's layout did not settle ({unsettled[0]}); "
                "check figure numbers and page references, and report the paper to papier\n")


LONG_START = 6.5 / 2.54 * 72  # points: caption, head and three rows of a long table


def place_units(found: list[dict[str, Any]], modes: dict[str, str]) -> dict[str, str]:
    """Where each figure and table goes, from the last layout: *found* lists each unit's
    id, height, the page and height at which the text before it ends, and the body's
    frame (top, bottom) and the flow's gap, all in points as Typst measured them. A unit
    that once floated keeps floating, so the rounds cannot swing back and forth. A unit
    right after another one has no text of its own before it: it starts where the one
    before ends (or, when that one floats, where that one was written)."""
    decided: dict[str, str] = {}
    floated_from = 0
    page, y = 0, 0.0
    for unit in found:
        unit_id, height = str(unit["id"]), float(unit["height"])
        top, bottom, gap = float(unit["top"]), float(unit["bottom"]), float(unit["gap"])
        if not unit.get("after-unit") or not decided:
            page, y = int(unit["page"]), float(unit["y"])
        room = bottom - y
        if height > bottom - top - gap:
            mode = "long-break" if room < LONG_START else "long"
            page, y = int(unit["page"]) + 1, top  # where it ends is not known: a new page
        elif modes.get(unit_id) == "float" or height > room - gap or floated_from == page:
            mode = "float"
            floated_from = page
        else:
            mode = "flow"
            y += height + gap
        decided[unit_id] = mode
    return decided


def _floating(modes: dict[str, str]) -> dict[str, str]:
    """The units that do not stand where they are written: what a layout depends on."""
    return {unit: mode for unit, mode in modes.items() if mode != "flow"}


def _write_if_changed(path: Path, text: str) -> None:
    """Typst's compiler sees a file as changed when its time changes: unchanged, untouched."""
    if not path.is_file() or path.read_text("utf-8") != text:
        fsutil.write_text(path, text)


def write_pdf(ctx: Context, out: Path, timestamp: dt.date | None = None) -> None:
    TypstSession().compile(ctx, out, timestamp=timestamp)
