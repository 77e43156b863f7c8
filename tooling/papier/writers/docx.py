"""DOCX: pandoc with a reference document generated from the brand, plus OOXML post-steps."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from papier import fsutil, pandoc
from papier import pandoc_ast as ast
from papier.brand import Brand
from papier.cache import tool_fingerprint
from papier.data.tables import SOURCE_STYLE  # the note under data tables and charts
from papier.numbering import heading_numbers
from papier.ooxml import edit as ooxml
from papier.raster import svg_to_png
from papier.writers import Context, number_captions

PostStep = Callable[[Path], None]  # an edit of the written DOCX (OOXML), by the caller


@dataclass(frozen=True)
class Layout:
    """How a caller wants its DOCX: the build's paper, a reviewer copy, a redline, a Synopse.
    The writer knows none of them; it does what the layout says."""

    landscape: bool = False
    line_numbers: bool = False  # in the margin, for reviewers' questions
    number_headings: bool = True  # False when the caller numbered them (a redline)
    contents: bool = True  # a table of contents when the paper wants one
    post: tuple[PostStep, ...] = ()


PAPER = Layout()


HINTS_STYLE = "Papier Hinweise"
KIND_STYLE = "Papier Kind"
MESSAGES_TITLE_STYLE = "Papier Kernbotschaften Titel"
MESSAGES_STYLE = "Papier Kernbotschaften"
DELETED_STYLE = "Papier Streichung"  # character styles of the Synopse
INSERTED_STYLE = "Papier Einfügung"


@cache
def _default_reference() -> bytes:
    return pandoc.run(["--print-default-data-file", "reference.docx"])


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def _paragraph_style(styles: Any, name: str, base: str = "Normal") -> Any:
    try:
        return styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base]
        return style


def build_reference(ctx: Context, out: Path, header_text: str, layout: Layout = PAPER) -> None:
    """The reference document: page, styles, header and footer, all from brand.yaml."""
    document = docx.Document(BytesIO(_default_reference()))
    section = document.sections[0]
    landscape = layout.landscape
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Cm(29.7), Cm(21.0)) if landscape else (Cm(21.0), Cm(29.7))
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    section.header_distance = section.footer_distance = Cm(1.2)
    if layout.line_numbers:
        ooxml.line_numbers(section)
    _text_styles(document.styles, ctx.brand)
    _box_styles(document.styles, ctx.brand)
    _page_furniture(ctx, section, header_text, layout)
    ooxml.set_settings(document.settings.element, autoHyphenation=True)
    document.save(str(out))


def _text_styles(styles: Any, brand: Brand) -> None:
    """Body text, headings, title block, captions, footnotes, tables of contents."""
    normal = styles["Normal"]
    ooxml.run_fonts(normal, brand.docx_font)
    normal.font.size = Pt(brand.font_size)
    normal.font.color.rgb = _rgb(brand.colour("text"))
    for name in ("Body Text", "First Paragraph"):
        fmt = styles[name].paragraph_format
        fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(8), 1.2
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    styles["Compact"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT  # table cells, lists
    sizes = {1: 16, 2: 13, 3: 11.5, 4: 11}
    for level, size in sizes.items():
        heading = styles[f"Heading {level}"]
        ooxml.run_fonts(heading, brand.docx_font)
        heading.paragraph_format.tab_stops.add_tab_stop(Cm(1.1))
        heading.font.size = Pt(size)
        heading.font.bold = True
        heading.font.italic = False
        heading.font.color.rgb = _rgb(brand.colour("primary"))
        heading.paragraph_format.space_before = Pt(18 if level == 1 else 12)
        heading.paragraph_format.space_after = Pt(6)
        heading.paragraph_format.keep_with_next = True
    for name, size, colour, bold in (
        ("Title", 26, "primary", True), ("Subtitle", 15, "text", False),
        ("Author", 11, "text", False), ("Date", 11, "muted", False),
    ):
        style = styles[name]
        ooxml.run_fonts(style, brand.docx_font)
        style.font.size, style.font.bold = Pt(size), bold
        style.font.color.rgb = _rgb(brand.colour(colour))
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for name in ("Image Caption", "Table Caption"):
        styles[name].font.size = Pt(9.5)
        styles[name].font.italic = False
        styles[name].font.color.rgb = _rgb(brand.colour("muted"))
    styles["Footnote Text"].font.size = Pt(9)
    for level in (1, 2):
        toc = _paragraph_style(styles, f"toc {level}")
        toc.element.set(qn("w:styleId"), f"TOC{level}")
        toc.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        toc.paragraph_format.space_after = Pt(2 if level == 2 else 4)
        toc.font.bold = level == 1
    ooxml.table_style(styles["Table"], brand.hex("primary"), brand.hex("light"), brand.hex("primary"))


def _box_styles(styles: Any, brand: Brand) -> None:
    """The kind label, the hints page, the key-messages box, source notes, redline marks."""
    kind = _paragraph_style(styles, KIND_STYLE)
    kind.font.all_caps, kind.font.bold, kind.font.size = True, True, Pt(10)
    kind.font.color.rgb = _rgb(brand.colour("accent"))
    kind.paragraph_format.space_before = Pt(24)
    hints = _paragraph_style(styles, HINTS_STYLE)
    hints.paragraph_format.space_after = Pt(8)
    hints.paragraph_format.left_indent = Cm(0.4)
    ooxml.paragraph_border(hints, "left", brand.hex("primary"), size=24, space=8)
    box_title = _paragraph_style(styles, MESSAGES_TITLE_STYLE)
    box = _paragraph_style(styles, MESSAGES_STYLE)
    box_title.font.bold, box_title.font.size = True, Pt(13)
    box_title.font.color.rgb = _rgb(brand.colour("primary"))
    box_title.paragraph_format.space_before = Pt(24)
    box_title.paragraph_format.keep_with_next = True
    for style in (box_title, box):
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.left_indent = Cm(0.4)
        style.paragraph_format.right_indent = Cm(0.4)
        ooxml.paragraph_border(style, "left", brand.hex("accent"), size=36, space=8)
        ooxml.shading(style.element.get_or_add_pPr(), brand.hex("light"))
    source = _paragraph_style(styles, SOURCE_STYLE)  # "Quelle: …" under data tables and charts
    source.font.size = Pt(9)
    source.font.color.rgb = _rgb(brand.colour("muted"))
    source.paragraph_format.space_before, source.paragraph_format.space_after = Pt(2), Pt(12)
    for name, colour, strike in ((DELETED_STYLE, "B91C1C", True), (INSERTED_STYLE, "15803D", False)):
        try:
            style = styles[name]
        except KeyError:
            style = styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
        style.font.color.rgb = RGBColor.from_string(colour)
        style.font.strike, style.font.underline = strike, not strike


def _page_furniture(ctx: Context, section: Any, header_text: str, layout: Layout) -> None:
    """Header (the stamp) and footer (organisation, Seite X von Y)."""
    brand = ctx.brand
    muted = _rgb(brand.colour("muted"))
    header = section.header.paragraphs[0]
    header.text = ""
    run = header.add_run(header_text)
    run.font.size, run.font.color.rgb = Pt(8.5), muted
    run.font.bold = ctx.stamp.draft
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.text = ""
    right = Cm(24.7 if layout.landscape else 16.0)  # the text width
    footer.paragraph_format.tab_stops.add_tab_stop(right, WD_TAB_ALIGNMENT.RIGHT)
    footer.add_run(f"{brand.organisation}\t")
    before, rest = ctx.stamp.footer.split("{page}")
    middle, after = rest.split("{pages}")
    footer.add_run(before).font.size = Pt(8.5)
    ooxml.add_field(footer, "PAGE")
    footer.add_run(middle).font.size = Pt(8.5)
    ooxml.add_field(footer, "NUMPAGES")
    footer.add_run(after).font.size = Pt(8.5)
    for run in footer.runs:
        run.font.size, run.font.color.rgb = Pt(8.5), muted
    if layout.line_numbers:  # Word does not number them, LibreOffice would
        for paragraph in (header, footer):
            paragraph._p.get_or_add_pPr().append(OxmlElement("w:suppressLineNumbers"))


def styled(style: str, blocks: list[ast.Node]) -> ast.Node:
    return ast.div(blocks, kvs={"custom-style": style})


def _toc(ctx: Context, blocks: list[ast.Node]) -> ast.Node:
    """A Word TOC field, pre-filled with the headings so it reads well before an update."""
    entries = []
    headers = [n for n in ast.iter_nodes(blocks) if n["t"] == "Header"]
    for node, number in zip(headers, heading_numbers((h["c"][0], h["c"][1][1]) for h in headers),
                            strict=True):
        if node["c"][0] <= 2 and number is not None:
            level = node["c"][0]
            text = html.escape(f"{number}  {ast.stringify(node['c'][2])}")
            entries.append(f'<w:p><w:pPr><w:pStyle w:val="TOC{level}"/></w:pPr>'
                           f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>')
    field_start = ('<w:p><w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
                   '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-2" \\h \\z \\u </w:instrText>'
                   '</w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r></w:p>')
    field_end = '<w:p><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    title = (f'<w:p><w:pPr><w:pStyle w:val="TOCHeading"/></w:pPr><w:r><w:t>'
             f'{html.escape(ctx.label("toc"))}</w:t></w:r></w:p>')
    return ast.raw_block("openxml", title + field_start + "".join(entries) + field_end)


PAGE_BREAK = ast.raw_block("openxml", '<w:p><w:r><w:br w:type="page"/></w:r></w:p>')


def title_block(ctx: Context, logo_png: Path | None) -> list[ast.Node]:
    paper = ctx.paper
    blocks: list[ast.Node] = []
    if logo_png is not None:
        logo = {"t": "Image", "c": [ast.attr(kv={"width": "2.5cm"}),
                                    ast.text_inlines(ctx.brand.logo_alt), [str(logo_png), ""]]}
        blocks.append(ast.para([logo]))
    blocks.append(styled(KIND_STYLE, [ast.para(ast.text_inlines(paper.kind_label))]))
    blocks.append(styled("Title", [ast.para(ctx.title)]))
    if ctx.subtitle:
        blocks.append(styled("Subtitle", [ast.para(ctx.subtitle)]))
    authors = [ast.para(ast.text_inlines(ctx.author_line(i))) for i in range(len(paper.authors))]
    blocks.append(styled("Author", authors))
    blocks.append(styled("Date", [ast.para(ast.text_inlines(ctx.date_text))]))
    if ctx.key_messages:
        blocks.append(styled(MESSAGES_TITLE_STYLE, [ast.para(ast.text_inlines(paper.messages_title))]))
        items = [ast.para([{"t": "Str", "c": "▸"}, {"t": "Space"}, *m]) for m in ctx.key_messages]
        blocks.append(styled(MESSAGES_STYLE, items))
    return blocks


def _bitmaps(ctx: Context, blocks: list[ast.Node]) -> list[ast.Node]:
    """SVG figures become PNG for Word; the alt text stays on the image."""

    def swap(node: ast.Node) -> None:
        if node["t"] == "Image" and node["c"][2][0].lower().endswith(".svg"):
            node["c"][2][0] = str(svg_to_png(ctx.paper.workspace, Path(node["c"][2][0]),
                                             ctx.brand.font_dirs))

    result: list[ast.Node] = ast.walk(blocks, swap)
    return result


def docx_parts(ctx: Context, logo_png: Path | None) -> tuple[list[ast.Node], list[ast.Node]]:
    """The front matter (title block) and the body, captions numbered."""
    body = ctx.doc()["blocks"]
    number_captions(body, ctx.paper.lang)
    return title_block(ctx, logo_png), body


def write_docx(ctx: Context, out: Path, logo_png: Path | None, layout: Layout = PAPER,
               before: list[ast.Node] | None = None) -> None:
    """The paper as DOCX; *before* goes ahead of the title block (a reviewer copy's hints)."""
    front, body = docx_parts(ctx, logo_png)
    write_blocks(ctx, out, [*(before or []), *front], body, layout)


def write_blocks(ctx: Context, out: Path, front: list[ast.Node], body: list[ast.Node],
                 layout: Layout = PAPER, toc_body: list[ast.Node] | None = None) -> None:
    """Front matter, table of contents, page break, body: through pandoc into *out*, then
    the layout's post-steps on the written file."""
    paper = ctx.paper
    doc = ctx.doc()
    blocks = list(front)
    landscape = layout.landscape
    if paper.wants_toc and layout.contents:
        blocks.append(_toc(ctx, body if toc_body is None else toc_body))
    doc["blocks"] = [*blocks, *([] if landscape else [PAGE_BREAK]), *_bitmaps(ctx, body)]
    doc["meta"]["lang"] = ast.meta_string(paper.lang)

    header_text = ctx.stamp.text or ast.stringify(ctx.title)
    key = hashlib.sha256(  # papier's code is part of the key: a new version restyles
        repr((tool_fingerprint(), ctx.brand, header_text, ctx.stamp.footer, paper.lang,
              layout.line_numbers, landscape)).encode()
    ).hexdigest()[:16]
    reference = ctx.work_dir / f"reference-{key}.docx"
    if not reference.exists():
        with fsutil.atomic_path(reference) as tmp_reference:
            build_reference(ctx, tmp_reference, header_text, layout)
    options = [f"--reference-doc={reference}"] + (["--number-sections"] if layout.number_headings else [])
    with fsutil.atomic_path(out) as tmp:
        pandoc.write(doc, "docx", [*options, "-o", str(tmp)], paper.rel(paper.yaml_path))
        _post(ctx, tmp)
        for step in layout.post:
            step(tmp)


def number_headings(blocks: list[ast.Node]) -> None:
    """'1', '1.1' before each heading as pandoc's --number-sections writes them to DOCX."""
    headers = [n for n in blocks if n["t"] == "Header"]
    for node, number in zip(headers, heading_numbers((h["c"][0], h["c"][1][1]) for h in headers),
                            strict=True):
        if number is None:
            continue
        node["c"][2] = [ast.span_styled("Section Number", [{"t": "Str", "c": number}]),
                        ast.raw_inline("openxml", "<w:r><w:tab/></w:r>"), *node["c"][2]]


def _post(ctx: Context, path: Path) -> None:
    """Core properties for search and accessibility (title, author, language, keywords)."""
    paper = ctx.paper
    document = docx.Document(str(path))
    props = document.core_properties
    props.title = ast.stringify(ctx.title)
    props.subject = ast.stringify(ctx.subtitle) or paper.kind_label
    props.author = ", ".join(a.name for a in paper.authors)
    props.keywords = ", ".join(paper.keywords)
    props.language = paper.lang
    props.category = paper.kind_label
    props.version = paper.version
    props.comments = ctx.stamp.text
    # from the paper, not the clock: a rebuild of the same version has the same metadata
    day = paper.date
    props.created = props.modified = dt.datetime(day.year, day.month, day.day, 12, 0)
    props.last_modified_by = props.author
    props.revision = 1
    ooxml.picture_descriptions(document.element)
    document.save(str(path))
