"""A reviewer's PDF beside their DOCX (papier round open): the paper's PDF layout with the
round's stamp on every page, line numbers in the left margin, and the copy's identity in
the PDF keywords (Info and XMP), measured with pdfplumber and pypdf."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import git
import pdfplumber
import pypdf
import pytest

from conftest import POSITION, make_workspace
from papier import yamlio
from papier.cli import main
from papier.rounds.pdfcopy import identity_from_keywords, identity_keywords
from papier.workspace import Workspace
from pdfmeasure import BODY_BOTTOM_MARGIN, BODY_TOP, CM, contrast_failures
from roundkit import REVIEWERS

pytestmark = pytest.mark.slow  # opens a comment round and builds a paper through the CLI

STAMP = "Entwurf – Kommentierungsrunde 1 – Frist: 12. Dezember 2026"
SENTENCE = "Die Kita ist für Eltern ein Ort, den sie kennen und dem sie vertrauen."
TEXT_LEFT = 2.5 * CM  # templates/typst/papier.typ: text-margin.x, the text column's left edge
NUMBERS_RIGHT = TEXT_LEFT - 0.5 * CM  # number-clearance: line numbers end 0.5 cm before it
FIRST_BODY_PAGE = 3  # cover, imprint, then the text pages


@pytest.fixture(scope="module")
def opened(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, str]]:
    """One round of the position paper for two reviewers, and what the command printed."""
    ws = make_workspace(tmp_path_factory.mktemp("review-pdf") / "ws", papers=(POSITION,))
    (ws.root / "reviewers.yaml").write_text(REVIEWERS, "utf-8")
    output = io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ws.root)
        mp.delenv("PAPIER_ROOT", raising=False)
        with contextlib.redirect_stdout(output):
            assert main(["round", "open", POSITION, "--reviewers", "reviewers.yaml",
                         "--deadline", "2026-12-12"]) == 0
            assert main(["build", POSITION, "--to", "pdf"]) == 0
        yield ws, output.getvalue()


def review_pdf(ws: Workspace, reviewer: str) -> Path:
    return ws.build_dir / POSITION / "runde-1" / f"{POSITION}-v0.1.0-{reviewer}.pdf"


def normal_pdf(ws: Workspace) -> Path:
    return ws.build_dir / POSITION / f"{POSITION}-v0.1.0.pdf"


def info_keywords(path: Path) -> str:
    """The PDF's Info /Keywords."""
    info = pypdf.PdfReader(path).metadata
    assert info is not None
    return str(info["/Keywords"])


def margin_chars(page: Any) -> list[dict[str, Any]]:
    """Characters of the body area left of the text column."""
    bottom = page.height - BODY_BOTTOM_MARGIN
    return [c for c in page.chars
            if c["x1"] < TEXT_LEFT - 1 and c["top"] >= BODY_TOP - 12 and c["bottom"] <= bottom + 2]


def line_numbers(page: Any) -> list[tuple[float, int]]:
    """(baseline, number) of each line number on *page*, top to bottom."""
    rows: dict[float, list[dict[str, Any]]] = {}
    for char in margin_chars(page):
        rows.setdefault(round(char["matrix"][5], 1), []).append(char)
    return sorted(((base, int("".join(c["text"] for c in sorted(row, key=lambda c: c["x0"]))))
                   for base, row in rows.items()), key=lambda r: -r[0])


# ------------------------------------------------------------------ files and record


def test_a_pdf_beside_each_docx_listed_in_output_and_record(opened: tuple[Workspace, str]) -> None:
    ws, printed = opened
    record, _ = yamlio.load(ws.papers_dir / POSITION / "rounds" / "1" / "round.yaml")
    for reviewer in ("bmfsfj", "stadt-ludwigsburg"):
        pdf, docx = review_pdf(ws, reviewer), review_pdf(ws, reviewer).with_suffix(".docx")
        assert pdf.is_file() and docx.is_file()
        assert pdf.read_bytes().startswith(b"%PDF-")
        assert str(pdf) in printed
        assert str(pdf.relative_to(ws.root)) in record["files"]
    # the DOCX files first: readers of `files` that look for the text as sent take the first
    assert [Path(f).suffix for f in record["files"]] == [".docx", ".docx", ".pdf", ".pdf"]
    assert not list(review_pdf(ws, "bmfsfj").parent.glob(".*")), "no temporary files left"
    with contextlib.redirect_stdout(io.StringIO()) as status, pytest.MonkeyPatch.context() as mp:
        mp.chdir(ws.root)
        assert main(["round", "status", POSITION]) == 0
    assert "stadt-ludwigsburg" in status.getvalue()


# ------------------------------------------------------------------ layout


def test_every_page_has_the_stamp_in_its_header(opened: tuple[Workspace, str]) -> None:
    ws, _ = opened
    with pdfplumber.open(review_pdf(ws, "bmfsfj")) as pdf:
        count = len(pdf.pages)
        assert count >= 5
        for number, page in enumerate(pdf.pages, start=1):
            header = page.crop((0, 0, page.width, 2.2 * CM)).extract_text()
            assert STAMP in header, f"page {number}: {header!r}"
            if number >= FIRST_BODY_PAGE:
                footer = page.crop((0, page.height - BODY_BOTTOM_MARGIN, page.width, page.height))
                assert f"Seite {number} von {count}" in footer.extract_text()


def test_line_numbers_in_the_margin_left_of_the_text(opened: tuple[Workspace, str]) -> None:
    ws, _ = opened
    with pdfplumber.open(review_pdf(ws, "stadt-ludwigsburg")) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            numbers = line_numbers(page)
            if number < FIRST_BODY_PAGE:
                assert numbers == [], f"page {number}: cover and imprint have no line numbers"
                continue
            assert len(numbers) >= 10, f"page {number}"
            # counted afresh on each page, one per line, downwards
            assert [n for _, n in numbers] == list(range(1, len(numbers) + 1)), f"page {number}"
            margin = margin_chars(page)
            assert all(c["text"].isdigit() for c in margin)
            assert max(c["x1"] for c in margin) <= NUMBERS_RIGHT + 0.5  # right-aligned, 0.5 cm off
            # small and muted, not body text
            assert all(7 <= c["size"] <= 8.5 for c in margin)
            assert {tuple(round(v, 2) for v in c["non_stroking_color"]) for c in margin} \
                == {(0.36, 0.42, 0.45)}  # brand colours.muted #5B6B73, 5.5:1 on white
            body = [c for c in page.chars if c["x1"] >= TEXT_LEFT - 1]
            assert min(c["x0"] for c in body if c["top"] >= BODY_TOP) >= TEXT_LEFT - 0.5
            # each number stands on the baseline of a line of the text
            baselines = {round(c["matrix"][5], 1) for c in body}
            assert all(base in baselines for base, _ in numbers), f"page {number}"


def test_the_text_column_reads_as_the_paper_without_numbers(opened: tuple[Workspace, str]) -> None:
    ws, _ = opened
    with pdfplumber.open(review_pdf(ws, "bmfsfj")) as review, \
            pdfplumber.open(normal_pdf(ws)) as normal:
        assert len(review.pages) == len(normal.pages)  # the paper's own layout
        found = False
        for copy, plain in zip(review.pages[FIRST_BODY_PAGE - 1:], normal.pages[FIRST_BODY_PAGE - 1:],
                               strict=True):
            column = (TEXT_LEFT - 1, BODY_TOP, copy.width, copy.height - BODY_BOTTOM_MARGIN)
            text = copy.crop(column).extract_text()
            assert text == plain.crop(column).extract_text()  # same lines, same words
            found = found or SENTENCE in " ".join(text.split())
            assert not re.search(r"^\d+ \d", text, re.M)
        assert found, SENTENCE
        # the whole page puts each number before its line, not into it
        lines = "\n".join(p.extract_text() for p in review.pages).splitlines()
        assert any(re.fullmatch(r"\d+ " + re.escape(SENTENCE) + r" .*", line) for line in lines)


def test_line_numbers_and_stamps_have_enough_contrast(opened: tuple[Workspace, str]) -> None:
    ws, _ = opened
    failures, measured = contrast_failures(review_pdf(ws, "bmfsfj"))
    assert measured > 3000
    assert failures == [], "\n".join(
        f"page {f.page}: {f.text!r} {f.fore} on {f.back} = {f.ratio}:1 < {f.needed}:1" for f in failures)


def test_a_normal_build_has_no_line_numbers(opened: tuple[Workspace, str]) -> None:
    ws, _ = opened
    with pdfplumber.open(normal_pdf(ws)) as pdf:
        assert all(margin_chars(page) == [] for page in pdf.pages)
    keywords = info_keywords(normal_pdf(ws))
    assert identity_from_keywords(keywords) == {}
    assert keywords.startswith("Familienzentren, ")


# ------------------------------------------------------------------ identity


@pytest.mark.parametrize("reviewer", ["bmfsfj", "stadt-ludwigsburg"])
def test_keywords_name_paper_round_reviewer_version_commit(opened: tuple[Workspace, str],
                                                          reviewer: str) -> None:
    ws, _ = opened
    head = git.Repo(ws.root).head.commit.hexsha
    expected = {"papier.paper": POSITION, "papier.round": "1", "papier.reviewer": reviewer,
                "papier.version": "0.1.0", "papier.commit": head}
    info = info_keywords(review_pdf(ws, reviewer))
    assert info.startswith("Familienzentren, Bildungsgerechtigkeit, ")  # the paper's own first
    assert info.endswith(", ".join(f"{k}={v}" for k, v in expected.items()))
    assert identity_from_keywords(info) == expected
    xmp = pypdf.PdfReader(review_pdf(ws, reviewer)).xmp_metadata
    assert xmp is not None and xmp.pdf_keywords is not None
    assert identity_from_keywords(xmp.pdf_keywords) == expected
    raw = xmp.stream.get_data().decode("utf-8")
    assert f"papier.reviewer={reviewer}<" in raw or f"papier.reviewer={reviewer}," in raw
    # still PDF/A-2b and PDF/UA-1 as the writer claims them
    assert re.search(r"pdfaid:part[>=\"]+2", raw) and re.search(r"pdfuaid:part[>=\"]+1", raw)


def test_identity_from_keywords() -> None:
    identity = {"papier.paper": "p", "papier.round": "2", "papier.reviewer": "stadt-x",
                "papier.version": "1.0.0-rc.1", "papier.commit": "ab" * 20}
    keywords = ", ".join(["Familien, Kita", *identity_keywords(identity)])
    assert identity_from_keywords(keywords) == identity
    assert identity_from_keywords("a; papier.round=3;papier.reviewer=x") == \
        {"papier.round": "3", "papier.reviewer": "x"}
    assert identity_from_keywords("") == {}
    assert identity_from_keywords("Familienzentren, Sozialraum") == {}
    assert identity_keywords({"papier.round": "1", "papier.paper": "p"}) == \
        ("papier.paper=p", "papier.round=1")


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed")
def test_renders(opened: tuple[Workspace, str], tmp_path: Path) -> None:
    ws, _ = opened
    subprocess.run(["pdftoppm", "-r", "60", "-f", "3", "-l", "3", "-png",
                    str(review_pdf(ws, "bmfsfj")), str(tmp_path / "page")], check=True)
    assert list(tmp_path.glob("page*.png"))
