"""PDF: pandoc -> Typst with templates/typst, compiled by the `typst` package to PDF/UA-1 + PDF/A-2b."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from papier import fsutil, i18n, pandoc
from papier import pandoc_ast as ast
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
    """pandoc's Typst writer drops alt text; PDF/UA needs it, so images are written here."""

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


def meta_json(ctx: Context) -> dict[str, Any]:
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
        "keywords": paper.keywords,
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
        "font": brand.body_font,
        "size": brand.font_size,
        "labels": {k: i18n.label(lang, k) for k in (
            "imprint", "publisher", "partners", "authors", "contact", "version", "date",
            "license", "toc")},
    }


def typst_blocks(ctx: Context, blocks: list[ast.Node]) -> str:
    """Typst markup for some blocks of the paper (the preview converts chapter by chapter)."""
    doc = {"pandoc-api-version": ctx.assembled.doc["pandoc-api-version"], "meta": {},
           "blocks": _images(ctx, ast.clone(blocks))}
    return pandoc.write(doc, "typst", [], ctx.paper.rel(ctx.paper.yaml_path)).decode("utf-8")


def typst_source(ctx: Context, body: str | None = None) -> str:
    """The complete Typst document (main.typ) for this paper; *body*: its blocks already
    converted to Typst markup."""
    paper = ctx.paper
    if body is None:
        doc = ctx.doc()
        doc["blocks"] = _images(ctx, doc["blocks"])
    else:
        doc = {"pandoc-api-version": ctx.assembled.doc["pandoc-api-version"], "meta": {},
               "blocks": [ast.raw_block("typst", body)]}
    meta = doc["meta"]
    meta["title"] = {"t": "MetaInlines", "c": ctx.title}
    if ctx.subtitle:
        meta["subtitle"] = {"t": "MetaInlines", "c": ctx.subtitle}
    meta["key-messages"] = {"t": "MetaList",
                            "c": [{"t": "MetaInlines", "c": m} for m in ctx.key_messages]}
    template = paper.workspace.templates_dir / "typst" / "pandoc.typ"
    out = pandoc.write(doc, "typst", [f"--template={template}"], paper.rel(paper.yaml_path))
    return out.decode("utf-8")


class TypstSession:
    """One paper's Typst document in its work folder: written, compiled, and kept compiled
    by the same compiler for the next change (the preview recompiles an unchanged
    document in 0.03 s). The PDF writer uses a session once."""

    def __init__(self) -> None:
        self.compiler: Any = None
        self.main: Path | None = None

    def compile(self, ctx: Context, out: Path, body: str | None = None,
                timestamp: dt.date | None = None) -> None:
        """main.typ and meta.json for *ctx* (with its body already converted, if given),
        compiled to *out* as PDF/UA-1 and PDF/A-2b."""
        import typst  # noqa: PLC0415 - lazy: Typst is slow to load

        work = ctx.work_dir
        work.mkdir(parents=True, exist_ok=True)
        _write_if_changed(work / "meta.json", json.dumps(meta_json(ctx), ensure_ascii=False))
        main = work / "main.typ"
        _write_if_changed(main, typst_source(ctx, body))
        if self.compiler is None or self.main != main:
            self.compiler = typst.Compiler(str(main), root=str(ctx.paper.workspace.root),
                                           font_paths=[str(p) for p in ctx.brand.font_dirs])
            self.main = main
        day = timestamp or ctx.paper.date
        stamp = dt.datetime(day.year, day.month, day.day, 12, 0, tzinfo=dt.UTC)
        with fsutil.atomic_path(out) as tmp:
            try:
                self.compiler.compile(output=str(tmp), format="pdf", pdf_standards=PDF_STANDARDS,
                                      timestamp=stamp)
            except (RuntimeError, typst.TypstError) as exc:
                raise ToolError("typst", str(exc), ctx.paper.rel(main)) from exc


def _write_if_changed(path: Path, text: str) -> None:
    """Typst's compiler sees a file as changed when its time changes: unchanged, untouched."""
    if not path.is_file() or path.read_text("utf-8") != text:
        fsutil.write_text(path, text)


def write_pdf(ctx: Context, out: Path, timestamp: dt.date | None = None) -> None:
    TypstSession().compile(ctx, out, timestamp=timestamp)
