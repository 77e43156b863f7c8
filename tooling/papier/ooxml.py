"""OOXML details in one place: namespaces, fields, borders, shading, settings."""

from __future__ import annotations

from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
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


def _child(parent: Any, tag: str) -> Any:
    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        parent.append(found)
    return found


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

CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
PROPERTY_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def rewrite_parts(path: Any, edits: dict[str, Any]) -> None:
    """Rewrite parts of the DOCX at *path* in place: {part name: fn(bytes | None) -> bytes}."""
    import zipfile

    from papier import fsutil

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
    from xml.sax.saxutils import escape, quoteattr

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
    from lxml import etree

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
