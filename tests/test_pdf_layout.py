"""The PDF as a designer and an accessibility audit see it, measured from the file:
how full each page is, where figures, tables and source notes land, contrast of every
character against what is behind it, the imprint, footnote size and caption spacing.

Besides the two example papers, a paper is generated here with many 16-row tables,
charts and a long table, placed after texts of varying length so that they fall at
page ends."""

from __future__ import annotations

import itertools
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ANALYSIS, POSITION, make_workspace
from pdfmeasure import contrast_failures, links, pages

pytestmark = pytest.mark.slow

SAMPLE = ("Familienzentren verbinden Kita, Beratung und Bildung im Sozialraum; sie erreichen "
          "Familien dort, wo sie ohnehin sind, und öffnen Türen zu Angeboten, die sonst "
          "schwer zu finden wären. Kommunen und Länder tragen dafür gemeinsam Verantwortung. ")
WORDS = SAMPLE.split()


def _text(rng: random.Random, words: int) -> str:
    out = [WORDS[(i + rng.randrange(len(WORDS))) % len(WORDS)] for i in range(words)]
    return " ".join(out).capitalize().rstrip(";,") + "."


def _paper(root: Path) -> None:
    """papers/layout-test: 6 chapters; in each, paragraphs of random length and then a
    16-row table, a chart, another table; one 45-row table that needs two pages."""
    rng = random.Random(13)
    folder = root / "papers" / "layout-test"
    (folder / "text").mkdir(parents=True)
    (folder / "data").mkdir()
    rows = "\n".join(f"Zeile {i:02d},{rng.randrange(100, 9000)},{rng.randrange(10, 900)}"
                     for i in range(1, 17))
    (folder / "data" / "tabelle.csv").write_text(f"Ort,Kitas,Zentren\n{rows}\n", encoding="utf-8")
    long_rows = "\n".join(f"Lang {i:02d},{rng.randrange(100, 9000)},{rng.randrange(10, 900)}"
                          for i in range(1, 46))
    (folder / "data" / "lang.csv").write_text(f"Ort,Kitas,Zentren\n{long_rows}\n", encoding="utf-8")
    years = "\n".join(f"{2010 + i},{5000 + 150 * i}" for i in range(12))
    (folder / "data" / "jahre.csv").write_text(f"Jahr,Zentren\n{years}\n", encoding="utf-8")
    (folder / "paper.yaml").write_text(
        "title: Layoutprobe mit vielen Tabellen\nkind: potenzialanalyse\nlang: de-DE\n"
        "authors:\n  - name: Test Autorin\nstatus: entwurf\nversion: \"0.1.0\"\ndate: 2026-11-21\n"
        "license: CC BY 4.0\ntoc: false\n", encoding="utf-8")
    n = 0
    for chapter in range(1, 7):
        parts = [f"# Kapitel {chapter}\n"]
        for unit in range(3):
            for _ in range(rng.randrange(1, 5)):
                parts.append(_text(rng, rng.randrange(25, 140)) + "\n")
            n += 1
            if unit == 1:
                parts.append(
                    f'::: {{#abb-{n} .chart src="data/jahre.csv" type="line" x="Jahr" y="Zentren" '
                    f'caption="Zentren je Jahr {n} (Beispieldaten)" '
                    f'alt="Liniendiagramm {n} mit Beispieldaten" '
                    'source="Beispieldaten"}\n:::\n')
            else:
                parts.append(
                    f'::: {{#tab-{n} .table src="data/tabelle.csv" caption="Orte {n} (Beispieldaten)" '
                    'source="Beispieldaten, eigene Darstellung"}\n:::\n')
        if chapter == 4:
            parts.append(_text(rng, 60) + "\n")
            parts.append('::: {#tab-lang .table src="data/lang.csv" caption="Alle Orte (Beispieldaten)" '
                         'source="Beispieldaten"}\n:::\n')
        parts.append(_text(rng, rng.randrange(40, 120)) + "\n")
        (folder / "text" / f"{chapter:02d}-kapitel.md").write_text("\n".join(parts), encoding="utf-8")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    ws = make_workspace(tmp_path_factory.mktemp("layout") / "ws", papers=(POSITION, ANALYSIS))
    _paper(ws.root)
    done = subprocess.run([sys.executable, "-m", "papier", "build", "--to", "pdf", "--final"],
                          cwd=ws.root, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "did not settle" not in done.stderr, done.stderr  # Typst's layout converged
    return {slug: next((ws.root / "build" / slug).glob("*.pdf"))
            for slug in (POSITION, ANALYSIS, "layout-test")}


SOURCE = re.compile(r"^(Quelle|Bewertung von)")


def _text_pages(path: Path) -> list:
    """Body pages from the first chapter on (cover, imprint, key messages and contents
    have their own layout)."""
    all_pages = pages(path)
    first = next(p for p in all_pages if any(re.match(r"^1 \S", ln.text) for ln in p.body_lines())
                 and p.number > 2)
    return [p for p in all_pages if p.number >= first.number]


@pytest.mark.parametrize("slug", [POSITION, ANALYSIS, "layout-test"])
def test_no_page_starts_with_a_source_note_or_is_left_empty(pdfs: dict[str, Path], slug: str) -> None:
    body = _text_pages(pdfs[slug])
    assert len(body) >= 3
    for page in body:
        lines = page.body_lines()
        assert lines, f"page {page.number} is empty"
        assert not SOURCE.match(lines[0].text), f"page {page.number} begins with {lines[0].text!r}"
    for page, after in itertools.pairwise(body):  # all but the last >= 60 % full
        lines = after.body_lines()
        if lines and re.match(r"^Tabelle \d+: Alle Orte", lines[0].text):
            # Known limit: a table longer than a page, written right after figures that
            # float to the next page, starts after them; the page before may be emptier.
            continue
        assert page.fill >= 0.6, f"{slug}: page {page.number} is only {page.fill:.0%} full"


def test_every_table_starts_with_three_rows_and_repeats_its_head(pdfs: dict[str, Path]) -> None:
    body = _text_pages(pdfs["layout-test"])
    captions = 0
    for page in body:
        lines = page.body_lines()
        for i, line in enumerate(lines):
            if not line.text.startswith("Tabelle "):
                continue
            captions += 1
            rows = [ln for ln in lines[i + 1:] if re.match(r"^(Zeile|Lang) \d\d", ln.text)]
            assert len(rows) >= 3, f"page {page.number}: {line.text!r} starts with {len(rows)} rows"
    assert captions == 13  # 12 tables of 16 rows and the long one
    # the long table runs over onto a next page, which repeats the head
    long_pages = [p for p in body if any(ln.text.startswith("Lang ") for ln in p.body_lines())]
    assert len(long_pages) >= 2
    for page in long_pages:
        assert any(ln.text.startswith("Ort Kitas Zentren") for ln in page.body_lines()), page.number


def test_figures_keep_caption_and_source_together_and_in_order(pdfs: dict[str, Path]) -> None:
    body = _text_pages(pdfs["layout-test"])
    numbers = []
    for page in body:
        lines = page.body_lines()
        for i, line in enumerate(lines):
            if match := re.match(r"^(Abbildung|Tabelle) (\d+):", line.text):
                numbers.append((match.group(1), int(match.group(2))))
            if SOURCE.match(line.text):  # the figure or table it belongs to is on this page
                assert any(re.match(r"^(Abbildung|Tabelle) \d+:|^(Zeile|Lang) ", ln.text)
                           for ln in lines[:i]), f"page {page.number}: {line.text!r} without its figure"
    for kind in ("Abbildung", "Tabelle"):
        seen = [n for k, n in numbers if k == kind]
        assert seen == sorted(seen) and seen == list(range(1, len(seen) + 1)), (kind, seen)


@pytest.mark.parametrize("slug", [POSITION, ANALYSIS])
def test_every_character_and_mark_has_enough_contrast(pdfs: dict[str, Path], slug: str) -> None:
    failures, measured = contrast_failures(pdfs[slug])
    assert measured > 5000
    assert failures == [], "\n".join(
        f"page {f.page}: {f.text!r} {f.fore} on {f.back} = {f.ratio}:1 < {f.needed}:1" for f in failures)


def test_imprint_links_licence_doi_and_contact_and_suggests_a_citation(pdfs: dict[str, Path]) -> None:
    path = pdfs[ANALYSIS]
    imprint = pages(path)[1].text()
    assert "Impressum" in imprint
    assert "Zitiervorschlag" in imprint
    assert ("Blum, Barbara; Arbeitsgruppe Potenzialanalyse (2026): "
            "Was Familienzentren möglich machen.") in imprint
    assert "Berlin 2026" in imprint
    assert "Creative Commons Namensnennung" in imprint
    uris = links(path)
    assert "https://creativecommons.org/licenses/by-sa/4.0/" in uris
    assert "https://doi.org/10.5555/papier.potenzialanalyse.2026" in uris
    assert "mailto:barbara.blum@dkjs.de" in uris


def test_footnotes_captions_and_bibliography_are_set_properly(pdfs: dict[str, Path]) -> None:
    import pdfplumber

    with pdfplumber.open(pdfs[ANALYSIS]) as pdf:
        sizes = set()
        for page in pdf.pages[3:]:
            # footnote text: below the separator rule, above the footer
            rules = [ln for ln in page.lines
                     if ln["width"] < page.width * 0.4 and ln["top"] > page.height / 2]
            if not rules:
                continue
            top = max(r["top"] for r in rules)
            sizes |= {round(c["size"], 1) for c in page.chars
                      if top < c["top"] < page.height - 2.4 * 72 / 2.54 and c["text"].strip()}
        assert sizes and min(sizes) >= 8.9, sizes  # 9 pt of 11, not 7.9
        # "Abbildung 1: Familienzentren …": one space after the colon, not two
        for page in pdf.pages:
            chars = page.chars
            for i, c in enumerate(chars[:-1]):
                if c["text"] == ":" and "".join(x["text"] for x in chars[max(0, i - 11):i]).endswith(
                        ("Abbildung 1", "Tabelle 1")):
                    gap = chars[i + 1]["x0"] - c["x1"]
                    assert gap < 0.4 * c["size"], f"gap after caption number: {gap:.1f} pt"
        # bibliography: flush left, following lines of an entry indented (hanging indent)
        last = pdf.pages[-1]
        words = last.extract_words()
        heading = next(w for w in words if w["text"] == "Literatur")
        lines: dict[int, float] = {}
        for w in words:
            if w["top"] > heading["bottom"]:
                key = round(w["top"])
                lines[key] = min(lines.get(key, 1e9), w["x0"])
        starts = sorted(set(round(x) for x in lines.values()))
        assert len(starts) == 2 and 12 < starts[1] - starts[0] < 25, starts
