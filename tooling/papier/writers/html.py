"""HTML: one standalone, accessible page (lang, alt text, table of contents, no external files)."""

from __future__ import annotations

from pathlib import Path

from papier import fsutil, i18n, pandoc
from papier import pandoc_ast as ast
from papier.writers import Context, number_captions


def write_html(ctx: Context, out: Path, numbered: bool = True) -> None:
    """*numbered*: number sections and captions (a redline comes with its own numbers)."""
    paper, brand = ctx.paper, ctx.brand
    doc = ctx.doc()
    if numbered:
        number_captions(doc["blocks"], paper.lang)
    meta = doc["meta"]
    strings = {
        "lang": paper.lang,
        "pagetitle": ast.stringify(ctx.title),
        "date": ctx.date_text,
        "kind-label": paper.kind_label,
        "organisation": brand.organisation,
        "logo-alt": brand.logo_alt,
        "key-messages-title": paper.messages_title,
        "toc-title": ctx.label("toc"),
        "imprint-label": ctx.label("imprint"),
        "publisher": brand.publisher,
        "license": paper.license,
        "skip-label": i18n.label(paper.lang, "skip"),
        "version-line": f"{ctx.label('version')} {paper.version} · {ctx.date_text}",
    }
    if ctx.stamp.text:
        strings["stamp"] = ctx.stamp.text
    if brand.logo:
        strings["logo"] = str(brand.logo)
    if paper.contact:
        strings["contact"] = f"{paper.contact.get('name', '')} <{paper.contact.get('email', '')}>"
    for key, value in strings.items():
        meta[key] = ast.meta_string(value)
    meta["title"] = {"t": "MetaInlines", "c": ctx.title}
    if ctx.subtitle:
        meta["subtitle"] = {"t": "MetaInlines", "c": ctx.subtitle}
    meta["author"] = {"t": "MetaList", "c": [
        ast.meta_string(ctx.author_line(i)) for i in range(len(paper.authors))]}
    meta["author-meta"] = {"t": "MetaList", "c": [ast.meta_string(a.name) for a in paper.authors]}
    meta["keywords"] = {"t": "MetaList", "c": [ast.meta_string(k) for k in paper.keywords]}
    meta["key-messages"] = {"t": "MetaList",
                            "c": [{"t": "MetaInlines", "c": m} for m in ctx.key_messages]}
    meta["brand"] = {"t": "MetaMap", "c": {k: ast.meta_string(v) for k, v in brand.colours.items()}}
    template = paper.workspace.templates_dir / "html" / "papier.html"
    args = [f"--template={template}", "--standalone", "--embed-resources",
            *(["--number-sections"] if numbered else []), "--section-divs", "--toc-depth=2",
            f"--resource-path={paper.folder}", "--toc"]  # a web page always gets its navigation
    with fsutil.atomic_path(out) as tmp:
        pandoc.write(doc, "html5", [*args, "-o", str(tmp)], paper.rel(paper.yaml_path))
