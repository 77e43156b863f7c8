"""The built example papers, read back: what reviewers and publishers see."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import docx
import git
import pytest
from pypdf import PdfReader

from conftest import ANALYSIS, POSITION
from readback import W, docx_part, docx_text, paragraphs, pdf_text, pdf_xmp, xmp_value

pytestmark = pytest.mark.slow  # reads back the example papers built once (DOCX, PDF, HTML)

# ---------------------------------------------------------------- DOCX


def test_docx_title_block_and_key_messages(built: dict) -> None:
    path = built[POSITION]["docx"]
    paras = paragraphs(path)
    styles = {style for style, _ in paras}
    texts = [text for _, text in paras]
    assert ("Title", "Familienzentren verlässlich verankern") in paras
    assert any(style == "Subtitle" and "Bildungsgerechtigkeit" in text for style, text in paras)
    assert ("PapierKind", "Positionspapier Nr. 1") in paras
    assert any(style == "Author" and text.startswith("Barbara Blum (Deutsche") for style, text in paras)
    assert ("Date", "21. November 2026") in paras
    assert ("PapierKernbotschaftenTitel", "Kernforderungen") in paras
    box = [text for style, text in paras if style == "PapierKernbotschaften"]
    assert len(box) == 4 and box[0].startswith("▸ Verankern:")
    assert "Heading1" in styles and "Heading2" in styles
    assert "Literatur" in texts


def test_docx_headings_are_numbered(built: dict) -> None:
    root = docx_part(built[POSITION]["docx"], "word/document.xml")
    numbers = []
    for p in root.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        if style is not None and style.get(f"{W}val") == "Heading2":
            numbers.append("".join(t.text for t in p.iter(f"{W}t")))
    assert numbers[0] == "1.1Ein Ansatz ohne gemeinsames Fundament"


def test_docx_german_quotes_and_language(built: dict) -> None:
    path = built[POSITION]["docx"]
    text = docx_text(path)
    assert "„Haus, in dem man mit jeder Frage richtig ist“" in text
    assert "‚kurzen Weg‘" in text
    assert '"' not in text and "”" not in text
    styles = docx_part(path, "word/styles.xml")
    langs = {el.get(f"{W}val") for el in styles.iter(f"{W}lang")}
    assert "de-DE" in langs


def test_docx_page_a4_hyphenation(built: dict) -> None:
    path = built[ANALYSIS]["docx"]
    root = docx_part(path, "word/document.xml")
    size = root.find(f".//{W}sectPr/{W}pgSz")
    assert (size.get(f"{W}w"), size.get(f"{W}h")) == ("11906", "16838")
    settings = docx_part(path, "word/settings.xml")
    assert settings.find(f"{W}autoHyphenation") is not None


def test_docx_draft_stamp_in_header_and_page_numbers(built: dict) -> None:
    path = built[POSITION]["docx"]
    repo = git.Repo(built["_root"]["root"])
    short = repo.head.commit.hexsha[:7]
    day = dt.date.fromtimestamp(repo.head.commit.committed_date)
    header = docx_text(path, "word/header1.xml")
    assert header.startswith("Entwurf · Version 0.1.0 · ")
    assert short in header and "geändert" not in header
    months = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
              "September", "Oktober", "November", "Dezember"]
    assert f"{day.day}. {months[day.month - 1]} {day.year}" in header
    footer_root = docx_part(path, "word/footer1.xml")
    instr = " ".join(t.text for t in footer_root.iter(f"{W}instrText"))
    assert "PAGE" in instr and "NUMPAGES" in instr
    assert "Seite" in docx_text(path, "word/footer1.xml")


def test_docx_final_has_no_stamp(built_final: dict) -> None:
    header = docx_text(built_final["docx"], "word/header1.xml")
    assert "Entwurf" not in header and header == "Familienzentren verlässlich verankern"


def test_docx_figure_table_footnotes_toc(built: dict) -> None:
    path = built[ANALYSIS]["docx"]
    root = docx_part(path, "word/document.xml")
    pics = [d for d in root.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    alts = [d.get("descr") for d in pics]
    assert any(a and a.startswith("Ein Familienzentrum in der Mitte") for a in alts)
    assert all(alts), "every picture has alt text"
    texts = [t for _, t in paragraphs(path)]
    assert any(t.startswith("Abbildung 3: Ein Familienzentrum") for t in texts)  # after two charts
    assert any(t.startswith("Tabelle 1: Familienzentren und Kindertageseinrichtungen je Land") for t in texts)
    assert any(t.startswith("Tabelle 2: Potenzialmatrix der Handlungsfelder") for t in texts)
    assert len(list(root.iter(f"{W}tbl"))) >= 1
    footnotes = docx_text(path, "word/footnotes.xml")
    assert "Fachgespräche" in footnotes
    # six chapters: a contents list, each entry a link to its heading (no field to update)
    entries = [p for p in root.iter(f"{W}p") if p.find(f"{W}pPr/{W}pStyle[@{W}val='TOC1']") is not None]
    assert len(entries) >= 6 and all(p.find(f"{W}hyperlink") is not None for p in entries)
    assert root.find(f".//{W}instrText") is None


def test_docx_core_properties(built: dict) -> None:
    props = docx.Document(str(built[ANALYSIS]["docx"])).core_properties
    assert props.title == "Was Familienzentren möglich machen"
    assert props.language == "de-DE"
    assert "Barbara Blum" in props.author
    assert "Potenzialanalyse" in props.keywords


# ---------------------------------------------------------------- PDF


def test_pdf_pages_text_and_stamp(built: dict) -> None:
    for slug in (POSITION, ANALYSIS):
        path = built[slug]["pdf"]
        reader = PdfReader(path)
        assert len(reader.pages) >= 4
        text = pdf_text(path)
        assert "Impressum" in text
        assert "Entwurf · Version 0.1.0" in text
        assert re.search(r"Seite 3 von \d+", text)
    text = pdf_text(built[POSITION]["pdf"])
    assert "Kernforderungen" in text and "Familienzentren verlässlich" in text
    assert "„Haus, in dem man mit jeder Frage richtig ist“" in text.replace("\n", " ")
    assert "Literatur" in text and "Achtes Buch Sozialgesetzbuch" in text


def test_pdf_final_has_no_stamp(built_final: dict) -> None:
    text = pdf_text(built_final["pdf"])
    assert "Entwurf" not in text and "Impressum" in text


def test_pdf_is_tagged_pdfua_and_pdfa(built: dict) -> None:
    path = built[ANALYSIS]["pdf"]
    root = PdfReader(path).trailer["/Root"]
    assert root["/Lang"] == "de-DE"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    xmp = pdf_xmp(path)
    assert xmp_value(xmp, "pdfuaid:part") == "1"
    assert xmp_value(xmp, "pdfaid:part") == "2"
    assert xmp_value(xmp, "pdfaid:conformance") == "B"
    assert "Was Familienzentren möglich machen" in xmp  # dc:title


def _alts(node, seen: set[int], found: list[str]) -> None:
    node = node.get_object()
    if id(node) in seen or not hasattr(node, "get"):
        return
    seen.add(id(node))
    if "/Alt" in node:
        found.append(str(node["/Alt"]))
    kids = node.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, list) else [kids]:
        if hasattr(kid, "get_object") and hasattr(kid.get_object(), "get"):
            _alts(kid, seen, found)


def test_pdf_images_carry_alt_text(built: dict) -> None:
    root = PdfReader(built[ANALYSIS]["pdf"]).trailer["/Root"]
    found: list[str] = []
    _alts(root["/StructTreeRoot"], set(), found)
    assert any(a.startswith("Ein Familienzentrum in der Mitte") for a in found)
    assert "Logo des Bundesforums Familienzentren" in found


def test_pdf_shows_footnotes_and_table(built: dict) -> None:
    text = pdf_text(built[ANALYSIS]["pdf"])
    assert "Tabelle 1" in text and "Beispieldaten" in text
    assert "Grundlage sind Fachgespräche" in text


# ---------------------------------------------------------------- HTML


def test_html_is_standalone_and_accessible(built: dict) -> None:
    page = Path(built[ANALYSIS]["html"]).read_text("utf-8")
    assert '<html lang="de-DE">' in page
    imgs = re.findall(r"<img\b[^>]*>", page)
    # every picture has alt text, except the logo beside the organisation's name, which is
    # decorative there (alt="" and hidden from screen readers, which read the name)
    assert imgs and all(re.search(r'alt="[^"]+"', tag) or (re.search(r'\balt(="")?[ >]', tag)
                                                           and 'aria-hidden="true"' in tag) for tag in imgs)
    assert 'src="http' not in page and "<link rel=\"stylesheet\"" not in page
    assert 'id="TOC"' in page and "Inhalt" in page
    assert "Kernbotschaften" in page and "Entwurf · Version 0.1.0" in page
    assert "Abbildung 1:" in page and "Tabelle 1:" in page
    position = Path(built[POSITION]["html"]).read_text("utf-8")
    assert "„Haus, in dem man mit jeder Frage richtig ist“" in position
    assert 'id="TOC"' in position  # short papers too: the page's navigation
