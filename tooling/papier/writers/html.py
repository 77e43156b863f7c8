"""HTML: one standalone, accessible page (lang, alt text, table of contents, no external
files): the brand font embedded as a WOFF2 subset, text colours that reach WCAG 2.1 AA on
their background, tables that scroll on their own on a phone, the full imprint, and
citation_* (Highwire Press, for Google Scholar) and Open Graph tags."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from papier import cache, fsutil, i18n, pandoc, webfont
from papier import colour as wcag
from papier import pandoc_ast as ast
from papier.brand import Brand
from papier.imprint import Imprint, cited_name, web_url
from papier.writers import Context, number_captions

FONTS_MARK = '<style id="papier-webfonts"></style>'  # filled with @font-face rules after pandoc
_EMAIL = re.compile(r"^([\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,})([.,;:!?)]*)$")


def write_html(ctx: Context, out: Path, numbered: bool = True) -> None:
    """*numbered*: number sections and captions (a redline comes with its own numbers)."""
    paper, brand = ctx.paper, ctx.brand
    doc = ctx.doc()
    if numbered:
        number_captions(doc["blocks"], paper.lang)
    doc["blocks"] = scroll_tables(mailto_links(doc["blocks"]), ctx.label("table"))
    imprint = ctx.imprint()
    meta = doc["meta"]
    strings = {
        "lang": paper.lang,
        "pagetitle": ast.stringify(ctx.title),
        "date": ctx.date_text,
        "kind-label": paper.kind_label,
        "organisation": brand.organisation,
        "key-messages-title": paper.messages_title,
        "toc-title": ctx.label("toc"),
        "imprint-label": imprint.heading,
        "skip-label": i18n.label(paper.lang, "skip"),
    }
    if ctx.stamp.text:
        strings["stamp"] = ctx.stamp.text
    if brand.logo:
        strings["logo"] = str(brand.logo)
    for key, value in strings.items():
        meta[key] = ast.meta_string(value)
    # pandoc escapes < > & in a variable but not '"': what goes into an attribute is escaped here
    meta["logo-alt"] = attribute(brand.logo_alt)
    meta["toc-label"] = attribute(ctx.label("toc"))
    meta["title"] = {"t": "MetaInlines", "c": ctx.title}
    if ctx.subtitle:
        meta["subtitle"] = {"t": "MetaInlines", "c": ctx.subtitle}
    meta["author"] = {"t": "MetaList", "c": [
        ast.meta_string(ctx.author_line(i)) for i in range(len(paper.authors))]}
    meta["key-messages"] = {"t": "MetaList",
                            "c": [{"t": "MetaInlines", "c": m} for m in ctx.key_messages]}
    meta["css-root"] = {"t": "MetaBlocks", "c": [ast.raw_block("html", css_root(ctx))]}
    meta["head-meta"] = {"t": "MetaBlocks", "c": [ast.raw_block("html", head_tags(ctx, imprint))]}
    meta["imprint"] = {"t": "MetaBlocks", "c": imprint.to_blocks()}
    template = paper.workspace.templates_dir / "html" / "papier.html"
    args = [f"--template={template}", "--standalone", "--embed-resources",
            *(["--number-sections"] if numbered else []), "--section-divs", "--toc-depth=2",
            f"--resource-path={paper.folder}", "--toc"]  # a web page always gets its navigation
    page = pandoc.write(doc, "html5", args, paper.rel(paper.yaml_path)).decode("utf-8")
    if FONTS_MARK in page:
        fonts = webfont.font_face_css(page, brand.body_font, brand.heading_font, brand.font_dirs,
                                      cache.folder(paper.workspace, cache.WEBFONTS))
        page = page.replace(FONTS_MARK, f'<style id="papier-webfonts">\n{fonts}\n</style>', 1)
    fsutil.write_text(out, page)


def attribute(text: str) -> ast.Node:
    """*text* for a template variable inside an attribute value: escaped here, because
    pandoc's template escaping leaves '"' as it is."""
    return {"t": "MetaInlines", "c": [ast.raw_inline("html", html.escape(text, quote=True))]}


def colours(ctx: Context) -> dict[str, str]:
    return brand_colours(ctx.brand)


def brand_colours(brand: Brand) -> dict[str, str]:
    """The page's colours (CSS custom properties): the brand's own for areas and rules, and
    for text the brand colour's variant that reaches WCAG AA on the background it sits on."""
    primary = brand.colour("primary")
    return {
        # large areas and rules: the brand as it is
        "primary": primary, "accent": brand.colour("accent"), "light": brand.colour("light"),
        # text on white
        "text": brand.on("text"),
        "heading": brand.on("primary"),         # headings and their numbers, links
        "muted": brand.on("muted"),             # captions, source notes, imprint
        # text on the light boxes (key messages, table heads)
        "text-on-light": brand.on("text", "light"),
        "heading-on-light": brand.on("primary", "light"),
        "marker-on-light": brand.on("accent", "light", wcag.MARKS),  # key-message markers
        # text on the cover (primary)
        "on-primary": wcag.accessible("#FFFFFF", primary),
        "accent-on-primary": brand.on("accent", "primary"),  # kind label, draft stamp
    }


def head_tags(ctx: Context, imprint: Imprint) -> str:
    """<meta> tags for search engines and link previews: description, citation_* (Highwire
    Press, read by Google Scholar) and Open Graph; every value escaped for an attribute."""
    paper = ctx.paper
    title = ast.stringify(ctx.title)
    description = ast.stringify(ctx.subtitle) or (
        ast.stringify(ctx.key_messages[0]) if ctx.key_messages else "")
    language = paper.lang.split("-")[0]
    tags = [("name", "author", a.name) for a in paper.authors]
    if paper.keywords:
        tags.append(("name", "keywords", ", ".join(paper.keywords)))
    if description:
        tags.append(("name", "description", description))
    tags.append(("name", "citation_title", title))
    tags += [("name", "citation_author", cited_name(a.name)) for a in paper.authors]
    tags.append(("name", "citation_publication_date", paper.date.strftime("%Y/%m/%d")))
    if ctx.brand.publisher:
        tags.append(("name", "citation_publisher", ctx.brand.publisher))
    if imprint.doi:
        tags.append(("name", "citation_doi", imprint.doi))
    if imprint.isbn:
        tags.append(("name", "citation_isbn", imprint.isbn))
    tags.append(("name", "citation_language", language))
    if paper.keywords:
        tags.append(("name", "citation_keywords", "; ".join(paper.keywords)))
    tags += [("property", "og:title", title), ("property", "og:type", "article")]
    if description:
        tags.append(("property", "og:description", description))
    locale = paper.lang.replace("-", "_") if "-" in paper.lang else {"de": "de_DE", "en": "en_GB"}.get(
        language, language)
    tags.append(("property", "og:locale", locale))
    if ctx.brand.organisation:
        tags.append(("property", "og:site_name", ctx.brand.organisation))
    if imprint.url:
        tags.append(("property", "og:url", web_url(imprint.url)))
    tags.append(("property", "article:published_time", paper.date.isoformat()))
    return "\n".join(f'<meta {kind}="{html.escape(key)}" content="{html.escape(value, quote=True)}">'
                     for kind, key, value in tags)


def scroll_tables(blocks: list[ast.Node], table_label: str) -> list[ast.Node]:
    """Every table in a focusable scroll container named by the table's caption, so that a
    wide table scrolls on its own on a phone instead of the whole page."""
    count = 0

    def wrap(node: ast.Node) -> ast.Node | None:
        nonlocal count
        if node["t"] != "Table":
            return None
        count += 1
        table_attr = node["c"][0]
        table_attr[0] = table_attr[0] or f"tabelle-{count}"
        kvs = {"role": "region", "tabindex": "0"}
        caption = node["c"][1][1]
        if caption and caption[0]["t"] in ("Plain", "Para"):
            caption_id = f"{table_attr[0]}-caption"
            caption[0]["c"] = [{"t": "Span", "c": [ast.attr(caption_id), caption[0]["c"]]}]
            kvs["aria-labelledby"] = caption_id
        else:
            kvs["aria-label"] = f"{table_label} {count}"
        return ast.div([node], classes=["table-scroll"], kvs=kvs)

    result: list[ast.Node] = ast.walk(blocks, wrap)
    return result


def mailto_links(value: Any) -> Any:
    """E-mail addresses in the text (not already in a link or code) become mailto links."""
    if isinstance(value, list):
        out: list[Any] = []
        for item in value:
            out.extend(_mailto(item) if isinstance(item, dict) and item.get("t") == "Str"
                       else [mailto_links(item)])
        return out
    if isinstance(value, dict) and "c" in value and value.get("t") not in ("Link", "Code", "CodeBlock"):
        value["c"] = mailto_links(value["c"])
    return value


def _mailto(node: ast.Node) -> list[ast.Node]:
    match = _EMAIL.match(node["c"])
    if not match:
        return [node]
    address, trailing = match.groups()
    link = {"t": "Link", "c": [ast.attr(), [{"t": "Str", "c": address}], [f"mailto:{address}", ""]]}
    return [link, {"t": "Str", "c": trailing}] if trailing else [link]


def css_root(ctx: Context) -> str:
    return brand_css_root(ctx.brand)


def brand_css_root(brand: Brand) -> str:
    """The template's CSS custom properties: --<colour> for every colour, --font-body and
    --font-heading (the brand's families, with fallbacks)."""
    props = [f"--{name}: {value};" for name, value in brand_colours(brand).items()]
    fallback = '"Source Sans 3", "Segoe UI", system-ui, sans-serif'
    props.append(f"--font-body: {_css_string(brand.body_font)}, {fallback};")
    props.append(f"--font-heading: {_css_string(brand.heading_font)}, {fallback};")
    return ":root { " + " ".join(props) + " }"


def _css_string(text: str) -> str:
    """A CSS string that cannot end the string or the <style> element."""
    escaped = text.replace("\\", "\\5C ").replace('"', "\\22 ").replace("<", "\\3C ")
    return f'"{escaped}"'
