"""Heading numbers: one rule for the DOCX, its table of contents and a round's anchors."""

from __future__ import annotations

import json
import re

from pypdf import PdfReader

from conftest import POSITION
from papier.cli import main
from papier.numbering import heading_numbers
from papier.ooxml.reader import read_docx
from papier.workspace import Workspace
from readback import paragraphs


def test_heading_numbers_skip_unnumbered() -> None:
    got = list(heading_numbers([(1, ["unnumbered"]), (1, []), (2, []), (2, ["-"]), (2, []), (1, []),
                                (3, [])]))
    assert got == [None, "1", "1.1", None, "1.2", "2", "2.0.1"]


def test_unnumbered_foreword_numbers_agree(workspace: Workspace, capsys) -> None:
    """With # Vorwort {.unnumbered} first, the DOCX says '1 Ausgangslage', and so do the
    anchors (the matrix's 'Kapitel') — they used to say '2 Ausgangslage'."""
    paper = workspace.papers_dir / POSITION
    (paper / "text" / "00-vorwort.md").write_text(
        "# Vorwort {.unnumbered}\n\nEin kurzes Vorwort.\n", "utf-8")
    (workspace.root / "r.yaml").write_text(
        "- id: bmfsfj\n  name: M\n  organisation: O\n  email: m@example.org\n", "utf-8")
    assert main(["round", "open", POSITION, "--reviewers", "r.yaml", "--deadline", "2026-12-12"]) == 0
    draft = workspace.build_dir / POSITION / "runde-1" / f"{POSITION}-v0.1.0-bmfsfj.docx"
    texts = [p.original for p in read_docx(draft).paragraphs]  # the number run, a tab, the text
    assert "Vorwort" in texts and "1 Ausgangslage" in texts and "2 Ausgangslage" not in texts
    anchors = json.loads((paper / "rounds" / "1" / "anchors.json").read_text("utf-8"))
    sections = {a["section"] for a in anchors.values() if a["file"] == "text/01-ausgangslage.md"}
    assert "1 Ausgangslage" in sections and "2 Ausgangslage" not in sections
    assert {a["section"] for a in anchors.values() if a["file"] == "text/00-vorwort.md"} == {"Vorwort"}
    # the contents list: number, tab, heading (a static list, no field)
    toc = [t for style, t in paragraphs(draft)
           if style.startswith("TOC") and re.match(r"^1\s*Ausgangslage", t)]
    assert toc, "the table of contents numbers it 1 too"
    assert main(["build", POSITION, "--to", "pdf,html"]) == 0
    pdf = PdfReader(str(workspace.build_dir / POSITION / f"{POSITION}-v0.1.0.pdf"))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in pdf.pages)
    assert "1 Ausgangslage" in text and "2 Ausgangslage" not in text and "1 Vorwort" not in text
    page = (workspace.build_dir / POSITION / f"{POSITION}-v0.1.0.html").read_text("utf-8")
    assert re.search(r'header-section-number">1</span>\s*Ausgangslage', page), "HTML numbers it 1"
