"""Edits papier makes to the DOCX it writes: fields, borders, shading, settings, custom
properties, line numbers, revision marks, picture descriptions."""

from __future__ import annotations

import re
import zipfile
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from papier import fsutil
from papier.ooxml.names import CUSTOM_REL, PIC_NS, TRANSITIONAL, VT_NS, WP_NS

W_NS = TRANSITIONAL["w"]
NS = {"w": W_NS}


def add_field(paragraph: Any, instruction: str, placeholder: str = "1") -> None:
    """Append a complex field (PAGE, NUMPAGES, …) to a python-docx paragraph."""
    def run_with(child: Any) -> None:
        run = paragraph.add_run()
        run._r.append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    paragraph.add_run(placeholder)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


# Schema order of the children of w:pPr and w:rPr: Word refuses a file whose order is wrong.
PPR_ORDER = (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
    "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
    "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
    "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
    "sectPr", "pPrChange",
)
RPR_ORDER = (
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
    "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color",
    "spacing", "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd",
    "fitText", "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath",
)
_ORDERS = {qn("w:pPr"): PPR_ORDER, qn("w:rPr"): RPR_ORDER}


def _child(parent: Any, tag: str) -> Any:
    """The child *tag* ('w:…') of *parent*, made where the schema wants it if missing."""
    found = parent.find(qn(tag))
    if found is not None:
        return found
    found = OxmlElement(tag)
    order = _ORDERS.get(parent.tag)
    local = tag.split(":", 1)[1]
    if order is not None and local in order:
        later = {qn(f"w:{name}") for name in order[order.index(local) + 1:]}
        following = next((c for c in parent if c.tag in later), None)
        if following is not None:
            following.addprevious(found)
            return found
    parent.append(found)
    return found


def no_hyphenation(style: Any) -> None:
    """Paragraphs of *style* are never hyphenated (Word and LibreOffice honour it)."""
    _child(style.element.get_or_add_pPr(), "w:suppressAutoHyphens")


def no_language(style: Any) -> None:
    """Text of character *style* has no language ('zxx'): neither hyphenated nor spell-checked.
    OOXML has no run property against hyphenation; a text without language has no
    hyphenation patterns, in LibreOffice and in Word. For addresses (URLs, e-mail), not words."""
    rpr = style.element.get_or_add_rPr()
    _child(rpr, "w:noProof")
    lang = _child(rpr, "w:lang")
    for attr in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attr), "zxx")


def paragraph_border(style: Any, side: str, colour: str, size: int = 24, space: int = 8) -> None:
    """A border line on one side of a paragraph style (size in eighths of a point)."""
    ppr = style.element.get_or_add_pPr()
    borders = _child(ppr, "w:pBdr")
    edge = _child(borders, f"w:{side}")
    edge.set(qn("w:val"), "single")
    edge.set(qn("w:sz"), str(size))
    edge.set(qn("w:space"), str(space))
    edge.set(qn("w:color"), colour)


def shading(element_pr: Any, fill: str) -> None:
    shd = _child(element_pr, "w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)


def table_style(style: Any, line: str, head_fill: str, head_text: str) -> None:
    """Horizontal rules and a coloured header row for pandoc's 'Table' style."""
    el = style.element
    tblpr = _child(el, "w:tblPr")
    borders = _child(tblpr, "w:tblBorders")
    for side in ("top", "bottom", "insideH"):
        edge = _child(borders, f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), "4")
        edge.set(qn("w:space"), "0")
        edge.set(qn("w:color"), line)
    margins = _child(tblpr, "w:tblCellMar")
    for side in ("left", "right"):
        mar = _child(margins, f"w:{side}")
        mar.set(qn("w:w"), "100")
        mar.set(qn("w:type"), "dxa")
    for old in el.findall(qn("w:tblStylePr")):
        if old.get(qn("w:type")) == "firstRow":
            el.remove(old)
    first = OxmlElement("w:tblStylePr")
    first.set(qn("w:type"), "firstRow")
    rpr = OxmlElement("w:rPr")
    rpr.append(OxmlElement("w:b"))
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), head_text)
    rpr.append(colour)
    first.append(rpr)
    tcpr = OxmlElement("w:tcPr")
    shading(tcpr, head_fill)
    first.append(tcpr)
    el.append(first)


def set_settings(settings_element: Any, **flags: bool) -> None:
    """Switch on settings like autoHyphenation in word/settings.xml."""
    for name, on in flags.items():
        found = settings_element.find(qn(f"w:{name}"))
        if on and found is None:
            found = OxmlElement(f"w:{name}")
            settings_element.append(found)
        if found is not None:
            found.set(qn("w:val"), "true" if on else "false")


def run_fonts(style: Any, font: str) -> None:
    """Set every script's font, not only ascii (python-docx sets ascii/hAnsi only)."""
    rpr = style.element.get_or_add_rPr()
    fonts = _child(rpr, "w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), font)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        if fonts.get(qn(attr)) is not None:
            del fonts.attrib[qn(attr)]


# ---------------------------------------------------------------- whole-package edits

CUSTOM_NS = TRANSITIONAL["custom"]
CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
PROPERTY_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def rewrite_parts(path: Any, edits: dict[str, Any]) -> None:
    """Rewrite parts of the DOCX at *path* in place: {part name: fn(bytes | None) -> bytes}."""


    with zipfile.ZipFile(path) as src:
        names = src.namelist()
        parts = {name: src.read(name) for name in names}
    for name, edit in edits.items():
        parts[name] = edit(parts.get(name))
        if name not in names:
            names.append(name)
    with fsutil.atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in names:
            dst.writestr(name, parts[name])


def _custom_xml(props: dict[str, str]) -> bytes:

    items = "".join(
        f'<property fmtid="{PROPERTY_FMTID}" pid="{pid}" name={quoteattr(name)}>'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(props.items(), start=2)
    )
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Properties xmlns="{CUSTOM_NS}" xmlns:vt="{VT_NS}">{items}</Properties>').encode()


def set_custom_properties(path: Any, props: dict[str, str]) -> None:
    """Replace the custom document properties (File > Properties > Custom in Word)."""

    def adding(marker: str, element: str, closing: str) -> Any:
        """An edit that adds *element* before *closing* unless *marker* is already there."""

        def edit(data: bytes | None) -> bytes:
            text = (data or b"").decode("utf-8")
            return (text if marker in text else text.replace(closing, element + closing)).encode()

        return edit

    rels = adding("docProps/custom.xml", f'<Relationship Id="rIdPapierCustom" Type="{CUSTOM_REL}" '
                  'Target="docProps/custom.xml"/>', "</Relationships>")
    types = adding("/docProps/custom.xml", '<Override PartName="/docProps/custom.xml" '
                   f'ContentType="{CUSTOM_CT}"/>', "</Types>")
    rewrite_parts(path, {
        "docProps/custom.xml": lambda _old: _custom_xml(props),
        "_rels/.rels": rels,
        "[Content_Types].xml": types,
    })


def enforce_tracking(data: bytes | None) -> bytes:
    """settings.xml: track changes on and enforced (no password), moves tracked too.

    Word wants the schema order: both elements go right before w:defaultTabStop."""
    root = etree.fromstring(data or b"", etree.XMLParser(resolve_entities=False, no_network=True))
    for tag in ("trackRevisions", "doNotTrackMoves", "documentProtection"):
        for old in root.findall(qn(f"w:{tag}")):
            root.remove(old)
    track = OxmlElement("w:trackRevisions")
    protect = OxmlElement("w:documentProtection")
    protect.set(qn("w:edit"), "trackedChanges")
    protect.set(qn("w:enforcement"), "1")
    anchor = root.find(qn("w:defaultTabStop"))
    if anchor is not None:
        anchor.addprevious(track)
        anchor.addprevious(protect)
    else:
        root.append(track)
        root.append(protect)
    out: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return out


def line_numbers(section: Any) -> None:
    """Line numbers in the margin, restarting on each page (w:lnNumType)."""
    sect_pr = section._sectPr
    for old in sect_pr.findall(qn("w:lnNumType")):
        sect_pr.remove(old)
    ln = OxmlElement("w:lnNumType")
    ln.set(qn("w:countBy"), "1")
    ln.set(qn("w:restart"), "newPage")
    ln.set(qn("w:distance"), "283")
    # CT_SectPr order: lnNumType comes after pgMar/paperSrc/pgBorders, before pgNumType/cols
    after = None
    for tag in ("w:pgBorders", "w:paperSrc", "w:pgMar", "w:pgSz"):
        after = sect_pr.find(qn(tag))
        if after is not None:
            break
    if after is not None:
        after.addnext(ln)
    else:
        sect_pr.insert(0, ln)


REVISIONS = ("ins", "del", "moveFrom", "moveTo")
_MOVE_RE = r"^papier-move(from|to)-(\d+)$"


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


REVISION_TAGS = frozenset(_w(t) for t in REVISIONS)


def _revision(tag: str, source: Any) -> Any:
    element = etree.Element(_w(tag))
    for key in ("author", "date"):
        value = source.get(_w(key))
        if value is not None:
            element.set(_w(key), value)
    return element


def _kind_of_run(run: Any, paragraph: Any) -> Any:
    """The revision element (w:ins, w:del, …) a run sits in, or None."""
    node = run.getparent()
    while node is not None and node is not paragraph:
        if node.tag in REVISION_TAGS:
            return node
        node = node.getparent()
    return None


def _mark_paragraph(paragraph: Any) -> None:
    """A paragraph whose every run is inserted (deleted, moved) gets its mark marked too, so
    that accepting or rejecting removes the whole paragraph."""
    runs = list(paragraph.iter(_w("r")))
    if not runs:
        return
    wrappers = [_kind_of_run(r, paragraph) for r in runs]
    if any(w is None for w in wrappers):
        return
    kinds = {w.tag for w in wrappers}
    if len(kinds) != 1:
        return
    tag = kinds.pop().split("}")[1]
    from papier.ooxml.annotate import mark_properties  # noqa: PLC0415 - no cycle at import

    mark_properties(paragraph).insert(0, _revision(tag, wrappers[0]))


def _moves(body: Any) -> None:
    """Bookmarks papier-movefrom-N / papier-moveto-N become move ranges with w:moveFrom/To."""
    starts = {}
    for start in body.iter(_w("bookmarkStart")):
        match = re.match(_MOVE_RE, start.get(_w("name"), ""))
        if match:
            starts[start.get(_w("id"))] = (start, match[1], match[2])
    ends = {e.get(_w("id")): e for e in body.iter(_w("bookmarkEnd")) if e.get(_w("id")) in starts}
    for ident, (start, side, number) in starts.items():
        end = ends.get(ident)
        if end is None:
            continue
        inside = False
        changed = []
        for node in body.iter():
            if node is start:
                inside = True
            elif node is end:
                break
            elif inside and node.tag in (_w("ins"), _w("del")):
                changed.append(node)
        first = changed[0] if changed else None
        for node in changed:
            node.tag = _w("moveFrom" if side == "from" else "moveTo")
        for text in [t for n in changed for t in n.iter(_w("delText"))]:
            text.tag = _w("t")
        range_tag = "moveFromRange" if side == "from" else "moveToRange"
        start.tag, end.tag = _w(f"{range_tag}Start"), _w(f"{range_tag}End")
        start.set(_w("name"), f"move{number}")
        if first is not None:
            for key in ("author", "date"):
                start.set(_w(key), first.get(_w(key), ""))


def _mark_row(row: Any) -> None:
    """A table row whose every paragraph mark is inserted (deleted) is an inserted row."""
    marks: list[Any] = [p.find(f"{_w('pPr')}/{_w('rPr')}") for p in row.iter(_w("p"))
                        if next(p.iter(_w("r")), None) is not None]
    firsts: list[Any] = [m[0] if m is not None and len(m) else None for m in marks]
    kinds = {f.tag if f is not None else None for f in firsts}
    if not marks or len(kinds) != 1 or None in kinds:
        return
    kind = "ins" if kinds.pop() in (_w("ins"), _w("moveTo")) else "del"
    trpr = row.find(_w("trPr"))
    if trpr is None:
        trpr = etree.Element(_w("trPr"))
        before = row.find(_w("tblPrEx"))
        if before is not None:
            before.addnext(trpr)
        else:
            row.insert(0, trpr)
    trpr.append(_revision(kind, firsts[0]))


def mark_revisions(data: bytes | None) -> bytes:
    """document.xml of a redline: moves, whole paragraphs and table rows, unique ids.

    pandoc writes inline w:ins/w:del but neither paragraph marks nor rows, and it gives
    several revisions the same w:id; Word wants each id once."""
    root = etree.fromstring(data or b"", etree.XMLParser(resolve_entities=False, no_network=True,
                                                         huge_tree=True))
    body: Any = root.find(_w("body"))
    _moves(body)
    for paragraph in body.iter(_w("p")):
        _mark_paragraph(paragraph)
    for row in body.iter(_w("tr")):
        _mark_row(row)
    # unique ids: revisions after every bookmark and comment id; ranges keep their pairs
    used = [int(str(e.get(_w("id")))) for e in root.iter(_w("bookmarkStart"), _w("commentRangeStart"))
            if str(e.get(_w("id"))).isdigit()]
    next_id = max(used, default=0) + 1
    pairs: dict[tuple[str, str], int] = {}
    element: Any
    for element in root.iter(*[_w(t) for t in REVISIONS],
                             _w("moveFromRangeStart"), _w("moveFromRangeEnd"),
                             _w("moveToRangeStart"), _w("moveToRangeEnd")):
        local = str(element.tag).split("}")[1]
        if local.endswith(("RangeStart", "RangeEnd")):
            key = (local.replace("Start", "").replace("End", ""), str(element.get(_w("id"))))
            if key not in pairs:
                pairs[key] = next_id
                next_id += 1
            element.set(_w("id"), str(pairs[key]))
        else:
            element.set(_w("id"), str(next_id))
            next_id += 1
    out: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return out




def picture_descriptions(document: Any) -> None:
    """pandoc writes the image's file path into pic:cNvPr/@descr: use the alt text there too
    (a screen reader may read either; a build folder path is no description)."""
    for drawing in document.iter(f"{{{WP_NS}}}inline", f"{{{WP_NS}}}anchor"):
        doc_pr = drawing.find(f"{{{WP_NS}}}docPr")
        alt = doc_pr.get("descr", "") if doc_pr is not None else ""
        for pic in drawing.iter(f"{{{PIC_NS}}}cNvPr"):
            pic.set("descr", alt)


# ---------------------------------------------------------------- tables in narrow columns

A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
EMU_PER_TWIP = 635
CELL_MARGIN = 115  # twips each side when the table names none (Word's default is 108)


def _twips(element: Any, attr: str = "w") -> int:
    value = element.get(_w(attr)) if element is not None else None
    return int(value) if value is not None and value.lstrip("-").isdigit() else 0


def _fit_pictures(paragraph: Any, width: int) -> None:
    """Pictures wider than *width* twips shrink to it, keeping their aspect ratio."""
    for drawing in paragraph.iter(f"{{{WP_NS}}}inline", f"{{{WP_NS}}}anchor"):
        extent = drawing.find(f"{{{WP_NS}}}extent")
        if extent is None:
            continue
        cx = int(extent.get("cx", "0"))
        limit = width * EMU_PER_TWIP
        if cx <= limit or cx <= 0:
            continue
        scale = limit / cx
        for ext in [extent, *(e for e in drawing.iter(f"{{{A_NS}}}ext") if e.get("cx") is not None)]:
            ext.set("cx", str(int(int(ext.get("cx", "0")) * scale)))
            ext.set("cy", str(int(int(ext.get("cy", "0")) * scale)))


def _fit_table(table: Any, width: int) -> None:
    """Give *table* a grid that adds up to what it really gets of *width* twips, then fit
    each cell's content into its column (nested tables too)."""
    cols = table.findall(f"{_w('tblGrid')}/{_w('gridCol')}")
    total = sum(_twips(c) for c in cols)
    table_width = table.find(f"{_w('tblPr')}/{_w('tblW')}")
    kind = table_width.get(_w("type")) if table_width is not None else "auto"
    if kind == "pct":
        target = width * _twips(table_width) // 5000
    elif kind == "dxa" and _twips(table_width):
        target = min(_twips(table_width), width)
    else:
        target = min(total, width) if total else width
    if total:
        for col in cols:
            col.set(_w("w"), str(_twips(col) * target // total))
    grid = [_twips(c) for c in cols]
    margins = table.find(f"{_w('tblPr')}/{_w('tblCellMar')}")
    sides = [margins.find(_w(s)) if margins is not None else None for s in ("left", "right")]
    margin = sum(_twips(s) if s is not None else CELL_MARGIN for s in sides)
    for row in table.findall(_w("tr")):
        index = 0
        for cell in row.findall(_w("tc")):
            span = max(1, _twips(cell.find(f"{_w('tcPr')}/{_w('gridSpan')}"), "val"))
            cell_width = sum(grid[index:index + span]) if index < len(grid) else target
            index += span
            _fit_blocks(cell, max(cell_width - margin, 0))


def _fit_blocks(container: Any, width: int) -> None:
    for child in container:
        if child.tag == _w("tbl"):
            _fit_table(child, width)
        elif child.tag == _w("p"):
            _fit_pictures(child, width)
        elif child.tag in (_w("sdt"), _w("sdtContent"), _w("customXml")):
            _fit_blocks(child, width)


def fit_to_columns(data: bytes | None) -> bytes:
    """document.xml whose tables sit in columns (the Synopse): every table's grid in real
    widths, pictures no wider than their column, one alignment per paragraph.

    pandoc writes grids for a 5.5-inch page whatever the page is, sizes pictures to the page
    (a chart in a 12 cm column is cut off in Word and LibreOffice), and gives a paragraph in a
    nested table two w:jc, the outer table's last (numbers lose their right alignment)."""
    root = etree.fromstring(data or b"", etree.XMLParser(resolve_entities=False, no_network=True,
                                                         huge_tree=True))
    body: Any = root.find(_w("body"))
    section = body.find(_w("sectPr"))
    size = section.find(_w("pgSz")) if section is not None else None
    page_margins = section.find(_w("pgMar")) if section is not None else None
    width = (_twips(size) - _twips(page_margins, "left") - _twips(page_margins, "right")
             if size is not None else 9026)
    _fit_blocks(body, width)
    for ppr in root.iter(_w("pPr")):
        for extra in ppr.findall(_w("jc"))[1:]:  # the first is the innermost table's
            ppr.remove(extra)
    out: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return out
