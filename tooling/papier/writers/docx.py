"""DOCX: pandoc with a reference document generated from the brand, plus OOXML post-steps."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
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

from papier import fsutil, pandoc, profile
from papier import pandoc_ast as ast
from papier.brand import Brand
from papier.cache import REFERENCES, tool_fingerprint
from papier.cache import folder as cache_folder
from papier.data.tables import SOURCE_STYLE  # the note under data tables and charts
from papier.errors import ToolError
from papier.imprint import inlines as imprint_inlines
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
    contents: bool = True  # a list of the headings when the paper wants one
    imprint: bool = False  # the imprint on its own page after the title block
    post: tuple[PostStep, ...] = ()


PAPER = Layout(imprint=True)


HINTS_STYLE = "Papier Hinweise"
KIND_STYLE = "Papier Kind"
MESSAGES_TITLE_STYLE = "Papier Kernbotschaften Titel"
MESSAGES_STYLE = "Papier Kernbotschaften"
DELETED_STYLE = "Papier Streichung"  # character styles of the Synopse
INSERTED_STYLE = "Papier Einfügung"
CONTENTS_STYLE = "Papier Verzeichnis"  # an entry of the contents list: a link, not underlined
ADDRESS_STYLE = "Papier Adresse"  # a URL or e-mail address in running text: never hyphenated
IMPRINT_STYLE = "Papier Impressum"
IMPRINT_LABEL_STYLE = "Papier Impressum Rubrik"
IMPRINT_NOTICE_STYLE = "Papier Impressum Hinweis"
CONTENTS_LEVELS = 2


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


HEADER_TEXT = "papier: the stamp goes here"  # in the reference; each DOCX gets its own text


def build_reference(ctx: Context, out: Path, layout: Layout = PAPER) -> None:
    """The reference document: page, styles, header and footer, all from brand.yaml. The
    header's text is a placeholder that `_post` replaces with the stamp or title, so that
    one reference serves every build of the paper (the stamp changes with each commit)."""
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
    _page_furniture(ctx, section, layout)
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
    for level in (5, 6):  # pandoc's defaults are theme colours (Word's blue)
        styles[f"Heading {level}"].font.color.rgb = _rgb(brand.on("primary"))
    for level, size in sizes.items():
        heading = styles[f"Heading {level}"]
        ooxml.run_fonts(heading, brand.docx_font)
        heading.paragraph_format.tab_stops.add_tab_stop(Cm(1.1))
        heading.font.size = Pt(size)
        heading.font.bold = True
        heading.font.italic = False
        heading.font.color.rgb = _rgb(brand.on("primary"))
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
        style.font.color.rgb = _rgb(brand.on(colour))
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for name in ("Image Caption", "Table Caption"):
        styles[name].font.size = Pt(9.5)
        styles[name].font.italic = False
        styles[name].font.color.rgb = _rgb(brand.on("muted"))
    styles["Footnote Text"].font.size = Pt(9)
    _contents_styles(styles, brand)
    links = styles["Hyperlink"]  # links and linked citations: the brand's colour, readable
    links.font.color.rgb = _rgb(brand.on("primary"))
    links.font.underline = True
    ooxml.table_style(styles["Table"], brand.hex("primary"), brand.hex("light"),
                      brand.on("primary", "light").lstrip("#"))
    for name in ("Title", "Subtitle", "Author", "Date", *(f"Heading {n}" for n in range(1, 10))):
        ooxml.no_hyphenation(styles[name])


def _contents_styles(styles: Any, brand: Brand) -> None:
    """The contents list: its title, one style per level, the entry's link without underline."""
    title = styles["TOC Heading"]
    ooxml.run_fonts(title, brand.docx_font)
    title.font.color.rgb = _rgb(brand.on("primary"))
    title.font.size, title.font.bold = Pt(16), True
    title.paragraph_format.space_after = Pt(12)
    ooxml.no_hyphenation(title)
    for level in range(1, CONTENTS_LEVELS + 1):
        toc = _paragraph_style(styles, f"toc {level}")
        toc.element.set(qn("w:styleId"), f"TOC{level}")
        hang = Cm(0.9 + 0.4 * (level - 1))  # room for "1" and "3.5"
        toc.paragraph_format.left_indent = Cm(0.9 * (level - 1)) + hang
        toc.paragraph_format.first_line_indent = -hang
        toc.paragraph_format.tab_stops.add_tab_stop(Cm(0.9 * (level - 1)) + hang)
        toc.paragraph_format.space_before = Pt(6 if level == 1 else 0)
        toc.paragraph_format.space_after = Pt(2)
        toc.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        toc.font.bold = level == 1
        ooxml.no_hyphenation(toc)
    try:
        entry = styles[CONTENTS_STYLE]
    except KeyError:
        entry = styles.add_style(CONTENTS_STYLE, WD_STYLE_TYPE.CHARACTER)
    entry.font.color.rgb = _rgb(brand.colour("text"))
    entry.font.underline = False


def _box_styles(styles: Any, brand: Brand) -> None:
    """The kind label, the hints page, the key-messages box, source notes, redline marks."""
    kind = _paragraph_style(styles, KIND_STYLE)
    kind.font.all_caps, kind.font.bold, kind.font.size = True, True, Pt(10)
    kind.font.color.rgb = _rgb(brand.on("accent"))  # 10 pt: 4.5:1, not the orange of large areas
    kind.paragraph_format.space_before = Pt(24)
    hints = _paragraph_style(styles, HINTS_STYLE)
    hints.paragraph_format.space_after = Pt(8)
    hints.paragraph_format.left_indent = Cm(0.4)
    ooxml.paragraph_border(hints, "left", brand.hex("primary"), size=24, space=8)
    box_title = _paragraph_style(styles, MESSAGES_TITLE_STYLE)
    box = _paragraph_style(styles, MESSAGES_STYLE)
    box_title.font.bold, box_title.font.size = True, Pt(13)
    box_title.font.color.rgb = _rgb(brand.on("primary", "light"))
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
    source.font.color.rgb = _rgb(brand.on("muted"))
    imprint = _paragraph_style(styles, IMPRINT_STYLE)  # a line of the imprint
    imprint.font.size = Pt(9.5)
    imprint.paragraph_format.space_before = imprint.paragraph_format.space_after = Pt(0)
    imprint.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    label = _paragraph_style(styles, IMPRINT_LABEL_STYLE, IMPRINT_STYLE)  # a row's label
    label.font.bold = True
    label.paragraph_format.space_before = Pt(8)
    label.paragraph_format.keep_with_next = True
    notice = _paragraph_style(styles, IMPRINT_NOTICE_STYLE, IMPRINT_STYLE)  # the brand's sentence
    notice.paragraph_format.space_before = Pt(14)
    for style in (kind, hints, box_title, imprint):  # e-mail addresses, names, the title
        ooxml.no_hyphenation(style)
    try:
        address = styles[ADDRESS_STYLE]
    except KeyError:
        address = styles.add_style(ADDRESS_STYLE, WD_STYLE_TYPE.CHARACTER)
    ooxml.no_language(address)
    ooxml.no_language(styles["Hyperlink"])
    source.paragraph_format.space_before, source.paragraph_format.space_after = Pt(2), Pt(12)
    for name, colour, strike in ((DELETED_STYLE, "B91C1C", True), (INSERTED_STYLE, "15803D", False)):
        try:
            style = styles[name]
        except KeyError:
            style = styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
        style.font.color.rgb = RGBColor.from_string(colour)
        style.font.strike, style.font.underline = strike, not strike


def _page_furniture(ctx: Context, section: Any, layout: Layout) -> None:
    """Header (the stamp) and footer (organisation, Seite X von Y)."""
    brand = ctx.brand
    muted = _rgb(brand.colour("muted"))
    header = section.header.paragraphs[0]
    header.text = ""
    run = header.add_run(HEADER_TEXT)
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


# a tab in the entry's style (else LibreOffice underlines it as a link)
_TAB = ast.raw_inline("openxml", '<w:r><w:rPr><w:rStyle w:val="PapierVerzeichnis"/></w:rPr><w:tab/></w:r>')


def contents(ctx: Context, blocks: list[ast.Node]) -> list[ast.Node]:
    """The headings of *blocks* (levels 1 and 2) as a list, each entry a link to its heading.

    No TOC field: Word asks to update a field on opening (in a reviewer copy with enforced
    tracking the update comes back as tracked changes), LibreOffice shows an unfilled one
    without page numbers. A static list has no page numbers either, but it never lies."""
    headers = [n for n in ast.iter_nodes(blocks) if n["t"] == "Header"]
    entries: list[ast.Node] = []
    for node, number in zip(headers, heading_numbers((h["c"][0], h["c"][1][1]) for h in headers),
                            strict=True):
        level, (ident, _classes, _kvs), text = node["c"]
        if level > CONTENTS_LEVELS or number is None:
            continue
        shown = [{"t": "Str", "c": number}, _TAB, *_plain_inlines(text)]
        entry = ast.span_styled(CONTENTS_STYLE, shown)
        line = {"t": "Link", "c": [ast.attr(), [entry], [f"#{ident}", ""]]} if ident else entry
        entries.append(styled(f"toc {level}", [ast.para([line])]))
    if not entries:
        return []
    return [styled("TOC Heading", [ast.para(ast.text_inlines(ctx.label("toc")))]), *entries]


def _plain_inlines(inlines: list[ast.Node]) -> list[ast.Node]:
    """A heading's text for a list entry: no notes, no links inside the entry's link."""

    def strip(node: ast.Node) -> Any:
        if node["t"] == "Note":
            return []
        if node["t"] == "Link":
            return node["c"][1]
        return None

    result: list[ast.Node] = ast.walk(ast.clone(inlines), strip)
    return result


def imprint_blocks(ctx: Context) -> list[ast.Node]:
    """The imprint: a heading, one paragraph per row (label, then its lines), the
    Zitiervorschlag and the brand's notice; links (licence, e-mail, web) are real links."""
    imprint = ctx.imprint()

    def row(label: str, lines: list[Any]) -> list[ast.Node]:  # a paragraph a line: no w:br
        return [styled(IMPRINT_LABEL_STYLE, [ast.para(ast.text_inlines(label))]),
                styled(IMPRINT_STYLE, [ast.para(imprint_inlines(segments)) for segments in lines])]

    blocks: list[ast.Node] = [{"t": "Header", "c": [
        1, ["papier-impressum", ["unnumbered", "unlisted"], []], ast.text_inlines(imprint.heading)]}]
    for label, lines in imprint.entries():
        blocks += row(label, lines)
    if imprint.notice:
        blocks.append(styled(IMPRINT_NOTICE_STYLE, [ast.para(ast.text_inlines(imprint.notice))]))
    return blocks


_ADDRESS = re.compile(r"^(?P<before>[(\[„‚\"']*)(?P<address>(?:https?://|www\.)\S+?|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
                      r"(?P<after>[)\]“‘\"',.;:!?]*)$")


def _addresses(blocks: list[ast.Node]) -> list[ast.Node]:
    """A bare URL or e-mail address in the text gets ADDRESS_STYLE (never hyphenated)."""

    linked = {id(n) for link in ast.iter_nodes(blocks) if link["t"] == "Link"
              for n in ast.iter_nodes(link["c"][1])}  # a link has its own style

    def mark(node: ast.Node) -> Any:
        if node["t"] != "Str" or id(node) in linked:
            return None
        match = _ADDRESS.match(node["c"])
        if match is None:
            return None
        out = [{"t": "Str", "c": match["before"]}] if match["before"] else []
        out.append(ast.span_styled(ADDRESS_STYLE, [{"t": "Str", "c": match["address"]}]))
        if match["after"]:
            out.append({"t": "Str", "c": match["after"]})
        return out

    result: list[ast.Node] = ast.walk(blocks, mark)
    return result


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
                 layout: Layout = PAPER, toc_body: list[ast.Node] | None = None,
                 imprint: list[ast.Node] | None = None) -> None:
    """Front matter, imprint (own page), contents, page break, body: through pandoc into
    *out*, then the layout's post-steps on the written file. *imprint* replaces the paper's
    imprint blocks (a redline's shows the changes)."""
    paper = ctx.paper
    doc = ctx.doc()
    blocks = list(front)
    landscape = layout.landscape
    if layout.imprint:
        blocks += [PAGE_BREAK, *(imprint_blocks(ctx) if imprint is None else imprint)]
    if paper.wants_toc and layout.contents:
        listed = contents(ctx, body if toc_body is None else toc_body)
        blocks += [PAGE_BREAK, *listed] if layout.imprint and listed else listed
    doc["blocks"] = _addresses([*blocks, *([] if landscape else [PAGE_BREAK]), *_bitmaps(ctx, body)])
    doc["meta"]["lang"] = ast.meta_string(paper.lang)

    key = hashlib.sha256(  # papier's code is part of the key: a new version restyles
        repr((tool_fingerprint(), ctx.brand, ctx.stamp.draft, ctx.stamp.footer, paper.lang,
              layout.line_numbers, landscape)).encode()
    ).hexdigest()[:16]
    # shared by every paper of the workspace: the key holds all that the reference depends on
    reference = cache_folder(paper.workspace, REFERENCES) / f"reference-{key}.docx"
    if not reference.exists():
        with fsutil.atomic_path(reference) as tmp_reference, profile.stage("docx: reference document"):
            build_reference(ctx, tmp_reference, layout)
    options = [f"--reference-doc={reference}"] + (["--number-sections"] if layout.number_headings else [])
    with fsutil.atomic_path(out) as tmp:
        pandoc.write(doc, "docx", [*options, "-o", str(tmp)], paper.rel(paper.yaml_path))
        with profile.stage("docx: properties"):
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
    """The header's text (the stamp, or the title of a final paper), and the core properties
    for search and accessibility (title, author, language, keywords)."""
    paper = ctx.paper
    document = docx.Document(str(path))
    runs = [run for section in document.sections for paragraph in section.header.paragraphs
            for run in paragraph.runs if run.text == HEADER_TEXT]
    if not runs:  # never hand out a placeholder, nor a DOCX without its stamp
        raise ToolError("docx", "the reference document's header lost its text; report this to papier",
                        paper.rel(paper.yaml_path))
    for run in runs:
        run.text = ctx.stamp.text or ast.stringify(ctx.title)
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
