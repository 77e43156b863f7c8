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
