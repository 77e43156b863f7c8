"""Data as users have it: Excel and Calc workbooks and official statistics (GENESIS-style
exports), made as their sources make them (tests/fixtures/data, see its README), read,
built to DOCX, PDF and HTML, and read back the way a reader sees them."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import ANALYSIS, REPO, make_workspace
from papier import yamlio
from papier.build import build
from papier.cli import main
from papier.data.formats import ColumnFormat, parse_formats
from papier.data.layout import ReadOptions
from papier.data.source import read_table
from papier.errors import DataError
from papier.workspace import Workspace
from readback import paragraphs, pdf_text
from test_data import table_rows

FIXTURES = REPO / "tests" / "fixtures" / "data"
GENESIS = ("kita-genesis.csv", "kita-genesis-utf8.csv", "kita-genesis.xlsx")
PROGRAMME = ("landesprogramme.xlsx", "landesprogramme.ods")
LABELS = ["Land", "Tageseinrichtungen", "darunter Horte", "Genehmigte Plätze", "Kinder unter 3 Jahren",
          "Betreuungsquote unter 3 Jahren"]
SOURCE = ("Beispieldaten im Format der Kinder- und Jugendhilfestatistik (Statistisches Bundesamt), "
          "eigene Zusammenstellung, 2025; Stand: 12.06.2025")


def read(name: str, **options: object) -> object:
    return read_table(FIXTURES / name, f"data/{name}", ReadOptions(**options))  # type: ignore[arg-type]


# -- reading ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", GENESIS)
def test_genesis_export_is_found_in_every_form(name: str) -> None:
    table = read_table(FIXTURES / name, f"data/{name}")
    assert table.header == LABELS
    assert table.units == ["", "Anzahl", "Anzahl", "Anzahl", "Anzahl", "%"]
    assert len(table.rows) == 16 and table.rows[0][0] == "Baden-Württemberg"
    assert table.title.startswith("Kinder- und Jugendhilfestatistik: Tageseinrichtungen für Kinder")
    assert table.source == SOURCE
    assert table.floats("Tageseinrichtungen")[:2] == [9800.0, 10400.0]
    bremen = [r[0] for r in table.rows].index("Bremen")
    assert table.floats("Kinder unter 3 Jahren")[bremen] is None
    assert table.marks("Kinder unter 3 Jahren")[bremen] == "."
    marks = {m for name in LABELS[1:] for m in table.marks(name) if m}
    assert marks == {"–", ".", "x", "…", "/", "()"}
    assert table.unknown("Genehmigte Plätze") == [[r[0] for r in table.rows].index("Saarland")]
    if name.endswith(".csv"):
        assert table.encoding == ("cp1252" if name == "kita-genesis.csv" else "utf-8")
        assert table.lines[0] == 6 and table.layout.header_lines == [4, 5]
        assert table.layout.footer_lines == [22, 23, 24]
    else:
        assert table.cell_ref(bremen, 4) == "E10" and table.layout.area == "A4:F21"


@pytest.mark.parametrize("name", PROGRAMME)
def test_offset_workbook_with_formulas_and_formats(name: str) -> None:
    table = read_table(FIXTURES / name, f"data/{name}")
    assert table.sheet == "Länder" and table.sheets == ["Hinweise", "Länder"]  # the sheet with a table
    assert table.layout.area == "B4:G15"
    assert table.header == ["Land", "Familienzentren", "mit Koordinierungsstelle", "Anteil mit Koordination",
                            "Landesmittel", "Mittel je Zentrum"]
    nrw = [r[0] for r in table.rows].index("Nordrhein-Westfalen")
    assert table.floats("Anteil mit Koordination")[nrw] == pytest.approx(1829 / 3100)  # the formula's value
    assert table.floats("Mittel je Zentrum")[nrw] == pytest.approx(9000)
    assert table.cell_ref(nrw, 3) == "E11"
    assert [(f.kind, f.decimals) if f else None for f in table.formats] == [
        None, ("", None), ("", None), ("%", 1), ("€", 0), ("€", 0)]
    assert table.source == "Angaben der Landesministerien, eigene Zusammenstellung (Beispieldaten)"
    same = read_table(FIXTURES / name, f"data/{name}", ReadOptions(sheet="2", range="B4:G15"))
    assert same.rows == table.rows


def test_macro_workbook_is_read_for_values_only() -> None:
    table = read_table(FIXTURES / "makros.xlsm", "data/makros.xlsm")
    assert table.macros and table.rows == read_table(FIXTURES / "landesprogramme.xlsx", "x").rows


@pytest.mark.parametrize(("name", "needle"), [
    ("ohne-werte.xlsx", "data/ohne-werte.xlsx: sheet 'Länder', cell D2: the formula =C2/B2 has no saved "
     "value (the file was written by a program, not saved by Excel or Calc); open it in Excel or "
     "LibreOffice Calc and save it"),
    ("verschluesselt.xlsx", "data/verschluesselt.xlsx: is password-protected (encrypted); papier cannot "
     "read it. In Excel save a copy without a password"),
])
def test_workbooks_papier_refuses(name: str, needle: str) -> None:
    with pytest.raises(DataError) as caught:
        read_table(FIXTURES / name, f"data/{name}")
    assert str(caught.value).startswith(needle)
    assert "\n" not in str(caught.value)


def test_damaged_workbooks_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = (FIXTURES / "landesprogramme.xlsx").read_bytes()
    with zipfile.ZipFile(FIXTURES / "landesprogramme.xlsx") as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts["xl/worksheets/sheet2.xml"] = parts["xl/worksheets/sheet2.xml"][:900]  # cut off mid-sheet
    with zipfile.ZipFile(tmp_path / "kaputt.xlsx", "w") as zf:
        for name, part in parts.items():
            zf.writestr(name, part)
    (tmp_path / "halb.xlsx").write_bytes(data[: len(data) // 2])
    (tmp_path / "alt.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    for name, needle in (("kaputt.xlsx", "cannot be read as a workbook"), ("halb.xlsx", "not a workbook"),
                         ("alt.xlsx", "is an old Excel 97-2003 workbook (.xls); open it and save it as")):
        assert main(["data", "inspect", str(tmp_path / name)]) == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and needle in err and "Traceback" not in err, err


def test_variants_and_options_where_the_guess_is_wrong(tmp_path: Path) -> None:
    """A table code in two cells is still a title line, a unit row may say „Einheit“; a row
    that groups the names above them needs skip= and header-rows= to be read."""
    lines = (FIXTURES / "kita-genesis-utf8.csv").read_text("utf-8").splitlines()
    lines[0] = "Tabelle:;22541-B01;;;;"
    lines[4] = "Einheit" + lines[4]
    path = tmp_path / "x.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    guessed = read_table(path, "x.csv")
    assert guessed.header == LABELS and guessed.layout.title_lines == [1, 2, 3]
    assert guessed.units[1] == "Anzahl" and len(guessed.rows) == 16
    skipped = read_table(path, "x.csv", ReadOptions(skip=3, header_rows=2))
    assert skipped.rows == guessed.rows and skipped.title == "" and skipped.layout.skipped == 3
    grouped = tmp_path / "g.csv"
    grouped.write_text(";Kinder unter 3;;Kinder 3 bis 6\nLand;Plätze;Quote;Plätze;Quote\nA;1;2;3;4\n",
                       "utf-8")
    with pytest.raises(DataError, match=r"the heading 'Plätze' appears twice; .* or header-rows=\"2\""):
        read_table(grouped, "g.csv")
    table = read_table(grouped, "g.csv", ReadOptions(skip=0, header_rows=2))
    assert table.header == ["Land", "Kinder unter 3 Plätze", "Kinder unter 3 Quote", "Kinder 3 bis 6 Plätze",
                            "Kinder 3 bis 6 Quote"]
    trimmed = read_table(FIXTURES / "kita-genesis.csv", "x.csv", ReadOptions(footer=5))
    assert trimmed.rows[-1][0] == "Sachsen-Anhalt" and trimmed.source == SOURCE


def test_bad_cells_name_line_or_sheet_and_cell(tmp_path: Path) -> None:
    text = (FIXTURES / "kita-genesis-utf8.csv").read_text("utf-8").replace("55.420", "viele")
    (tmp_path / "x.csv").write_text(text, "utf-8")
    with pytest.raises(DataError) as caught:
        read_table(tmp_path / "x.csv", "data/x.csv").numbers("Kinder unter 3 Jahren")
    assert str(caught.value).startswith(
        "data/x.csv:8: 'viele' in column 'Kinder unter 3 Jahren' is not a number")
    import openpyxl

    book = openpyxl.load_workbook(FIXTURES / "kita-genesis.xlsx")
    book.active["E8"] = "viele"
    book.save(tmp_path / "x.xlsx")
    with pytest.raises(DataError) as caught:
        read_table(tmp_path / "x.xlsx", "data/x.xlsx").numbers("Kinder unter 3 Jahren")
    assert str(caught.value).startswith("data/x.xlsx: sheet '22541-B01', cell E8: 'viele' in column")
    with pytest.raises(DataError) as caught:
        read_table(FIXTURES / "landesprogramme.ods", "data/l.ods", ReadOptions(sheet="Tabelle1"))
    assert str(caught.value) == ("data/l.ods: has no sheet 'Tabelle1'; its sheets are: 'Hinweise', 'Länder' "
                                 "(sheet= takes a name or a number, 1 for the first)")


def test_column_formats_the_german_way() -> None:
    formats = parse_formats("Anteil:%:1, Ausgaben:€:0, Plätze:Tsd.:1", ("t.md", 1))
    assert formats == {"Anteil": ("%", 1), "Ausgaben": ("€", 0), "Plätze": ("Tsd.", 1)}
    assert ColumnFormat("%", 1, fraction=True).show(0.125, "de-DE") == "12,5\u00a0%"
    assert ColumnFormat("%", 1).show(12.5, "en-GB") == "12.5%"
    assert ColumnFormat("€", 0).show(1234.4, "de-DE") == "1.234\u00a0€"
    assert ColumnFormat("Tsd.", 1).show(1234567, "de-DE") == "1.234,6"
    assert ColumnFormat("Tsd.", 1).unit("Anzahl") == "Tsd." and ColumnFormat("€").unit("EUR") == ""
    with pytest.raises(DataError, match="format 'Stück' for column 'Plätze' is unknown"):
        parse_formats("Plätze:Stück", ("t.md", 1))


# -- papier data inspect ------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "expected"), [
    ("kita-genesis.csv", ["read as:  CSV, Windows-1252, delimiter ';', decimal separator ','",
                          "header:   lines 4-5 (names, then units in line 5)",
                          "table:    lines 6-21, 16 row(s)",
                          f"footer:   lines 22-24 -> source note „{SOURCE}“",
                          "darunter Horte                  number, unit Anzahl, 0 decimal(s), special "
                          "values x: 1, –: 1",
                          "| Bremen | 480 | 35 | 27.300 | . | . |",
                          '::: {.table src="data/kita-genesis.csv" caption="auto"}']),
    ("kita-genesis-utf8.csv", ["read as:  CSV, UTF-8, delimiter ';'"]),
    ("kita-genesis.xlsx", ["read as:  Excel workbook, sheet '22541-B01' (sheets: '22541-B01'), cells A4:F21",
                           "header:   rows 4-5 (names, then units in row 5)"]),
    ("landesprogramme.xlsx", ["sheet 'Länder' (sheets: 'Hinweise', 'Länder'), cells B4:G15",
                              "Anteil mit Koordination   number, percent, 1 decimal(s)",
                              "| Baden-Württemberg | 610 | 402 | 65,9\u00a0% | 4.880.000\u00a0€ | "
                              "8.000\u00a0€ |",
                              '::: {.table src="data/landesprogramme.xlsx" sheet="Länder" caption="auto"}']),
    ("landesprogramme.ods", ["LibreOffice Calc workbook, sheet 'Länder'", "Landesmittel              "
                             "number, euro, 0 decimal(s)"]),
    ("makros.xlsm", ["macros:   present; papier reads the values only and never runs them"]),
])
def test_inspect_documents_each_file(name: str, expected: list[str],
                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "inspect", str(FIXTURES / name)]) == 0
    out = capsys.readouterr().out
    lines = [line.strip() for line in out.splitlines()]
    for needle in expected:
        assert any(needle.strip() in line for line in lines), (needle, out)


@pytest.mark.parametrize("name", ["ohne-werte.xlsx", "verschluesselt.xlsx"])
def test_inspect_refuses_in_one_line(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "inspect", str(FIXTURES / name)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "open it in Excel or LibreOffice Calc and save it" in err or "password-protected" in err


# -- a paper built from every fixture -----------------------------------------------------------

CHAPTER = """# Amtliche Statistik und Arbeitsmappen {#daten}

Im Beispiel gibt es `=sum(kita-genesis.Tageseinrichtungen)` Tageseinrichtungen; für Bremen steht
bei den Kindern unter 3 Jahren `=value(kita-genesis."Kinder unter 3 Jahren", Land=Bremen)`. In
Nordrhein-Westfalen arbeiten `=value(landesprogramme."Anteil mit Koordination", Land=Nordrhein-Westfalen)`
der Zentren mit Koordinierungsstelle; das Land gibt `=value(landesprogramme.Landesmittel, Land=Nordrhein-Westfalen)` aus.

::: {.table src="data/kita-genesis.csv" caption="auto" total="Deutschland"}
:::

::: {.table src="data/kita-genesis-utf8.csv" caption="GENESIS UTF-8" total="Deutschland"}
:::

::: {.table src="data/kita-genesis.xlsx" caption="GENESIS XLSX" total="Deutschland"}
:::

::: {.chart src="data/kita-genesis.xlsx" x="Land" y="Kinder unter 3 Jahren" caption="Kinder unter 3 Jahren" alt="Balkendiagramm: Kinder unter 3 Jahren je Land, ohne Bremen"}
:::

::: {.table src="data/landesprogramme.xlsx" caption="Landesprogramme XLSX" total="Zusammen"}
:::

::: {.table src="data/landesprogramme.ods" sheet="Länder" range="B4:G15" caption="Landesprogramme ODS" total="Zusammen"}
:::

::: {.chart src="data/landesprogramme.xlsx" x="Land" y="Landesmittel" caption="Landesmittel" alt="Balkendiagramm: Landesmittel je Land"}
:::

::: {.table src="data/kita-genesis.csv" caption="Gruppiert" columns="Land, Tageseinrichtungen, Betreuungsquote unter 3 Jahren" group="Region" total="Deutschland" format="Tageseinrichtungen:Tsd.:1" headings="Land, Kitas|in Tausend, Kitas|Quote unter 3"}
:::
"""  # noqa: E501 - a block's attributes stay on the line that opens it


def paper_workspace(root: Path, lang: str = "de-DE") -> Workspace:
    ws = make_workspace(root, papers=(ANALYSIS,), commit=False)
    folder = ws.papers_dir / ANALYSIS
    for name in (*GENESIS, *PROGRAMME):
        shutil.copy(FIXTURES / name, folder / "data" / name)
    text = CHAPTER
    if lang != "de-DE":
        yaml = folder / "paper.yaml"
        yaml.write_text(yaml.read_text("utf-8").replace("lang: de-DE", f"lang: {lang}"), "utf-8")
    # a Region column for group=: the GENESIS file's rows, West and Ost
    grouped = (FIXTURES / "kita-genesis.csv").read_bytes().decode("cp1252").splitlines()
    east = ("Berlin", "Brandenburg", "Mecklenburg-Vorpommern", "Sachsen", "Sachsen-Anhalt", "Thüringen")
    out = []
    for i, line in enumerate(grouped):
        first = line.split(";", 1)[0]
        if i == 3:
            out.append(line + ";Region")
        elif i == 4:
            out.append(line + ";")
        elif 5 <= i <= 20:
            out.append(line + (";Ost" if first in east else ";West"))
        else:
            out.append(line + ";")
    (folder / "data" / "kita-regionen.csv").write_bytes(("\r\n".join(out) + "\r\n").encode("cp1252"))
    text = text.replace('src="data/kita-genesis.csv" caption="Gruppiert"', 'src="data/kita-regionen.csv" '
                        'caption="Gruppiert"')
    (folder / "text" / "07-daten.md").write_text(text, "utf-8")
    return ws


@pytest.fixture(scope="module")
def data_paper(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    ws = paper_workspace(tmp_path_factory.mktemp("daten") / "ws")
    results = build(ws, [ANALYSIS])
    assert all(r.ok for r in results), [r.error for r in results]
    return {r.fmt: r.path for r in results if r.path is not None} | {"root": ws.root}  # type: ignore[dict-item]


EXPECTED_HEAD = ["Land", "Tageseinrichtungen (Anzahl)", "darunter Horte (Anzahl)",
                 "Genehmigte Plätze (Anzahl)",
                 "Kinder unter 3 Jahren (Anzahl)", "Betreuungsquote unter 3 Jahren (%)"]
LEGEND = ("Zeichenerklärung: – = nichts vorhanden; . = Zahlenwert unbekannt oder geheim zu halten; "
          "x = Tabellenfach gesperrt, weil Aussage nicht sinnvoll; … = Angabe fällt später an; / = keine "
          "Angabe, da Zahlenwert nicht sicher genug; () = Aussagewert eingeschränkt, da der Zahlenwert "
          "statistisch relativ unsicher ist")


@pytest.mark.slow
def test_genesis_tables_in_docx(data_paper: dict[str, Path]) -> None:
    docx = data_paper["docx"]
    texts = [t for _s, t in paragraphs(docx)]
    caption = next(t for t in texts if t.startswith("Tabelle") and "Kinder- und Jugendhilfestatistik" in t)
    rows = table_rows(docx, caption)
    assert rows[0] == EXPECTED_HEAD
    assert rows[1] == ["Baden-Württemberg", "9.800", "310", "503.220", "104.310", "31,4"]
    by_land = {r[0]: r for r in rows[1:]}
    assert by_land["Bremen"] == ["Bremen", "480", "35", "27.300", ".", "."]
    assert by_land["Berlin"][2] == "x" and by_land["Thüringen"][2] == "–" and by_land["Hamburg"][5] == "/"
    assert by_land["Saarland"][3] == "…" and by_land["Niedersachsen"][5] == "(37,9)"
    # the total leaves out the unknown values and says so; the quota is not summed
    assert rows[-1] == ["Deutschland", "59.260", "3.935*", "3.985.220*", "817.450*", ""]
    for other in ("GENESIS UTF-8", "GENESIS XLSX"):
        number = next(t for t in texts if t.endswith(other))
        assert table_rows(docx, number) == rows  # the same table from UTF-8 and from XLSX
    notes = [(s, t) for s, t in paragraphs(docx) if s == "PapierQuelle"]
    legends = [t for _s, t in notes if t.startswith("Zeichenerklärung")]
    # each symbol explained once per paper, under the first table that shows it: chapter 5's
    # table of kita-amtlich.csv shows ., …, / and (), this chapter's first table adds – and x
    assert legends == ["Zeichenerklärung: " + "; ".join(p for p in LEGEND.split(": ", 1)[1].split("; ")
                                                         if p[0] in ".…/("),
                       "Zeichenerklärung: – = nichts vorhanden; x = Tabellenfach gesperrt, weil Aussage "
                       "nicht sinnvoll"]
    assert ("PapierQuelle", f"Quelle: {SOURCE}") in notes
    assert ("PapierQuelle", "* Summe unvollständig: ohne die Felder mit „.“, „x“, „…“") in notes
    assert "Im Diagramm ohne Wert: Bremen (.)" in texts
    assert ("In Nordrhein-Westfalen arbeiten 59,0\u00a0% der Zentren mit Koordinierungsstelle; das Land "
            "gibt 27.900.000\u00a0€ aus.") in " ".join(texts)
    assert "Im Beispiel gibt es 59.260 Tageseinrichtungen; für Bremen steht bei den Kindern unter 3 " \
        "Jahren ." \
        in " ".join(texts)


@pytest.mark.slow
def test_workbook_tables_in_docx(data_paper: dict[str, Path]) -> None:
    docx = data_paper["docx"]
    texts = [t for _s, t in paragraphs(docx)]
    xlsx = table_rows(docx, next(t for t in texts if t.endswith("Landesprogramme XLSX")))
    ods = table_rows(docx, next(t for t in texts if t.endswith("Landesprogramme ODS")))
    assert xlsx == ods
    assert xlsx[0] == ["Land", "Familienzentren", "mit Koordinierungsstelle", "Anteil mit Koordination",
                       "Landesmittel", "Mittel je Zentrum"]
    assert xlsx[1] == ["Baden-Württemberg", "610", "402", "65,9\u00a0%", "4.880.000\u00a0€", "8.000\u00a0€"]
    assert xlsx[-1] == ["Zusammen", "5.855", "3.702", "", "51.312.500\u00a0€", ""]
    grouped = table_rows(docx, next(t for t in texts if t.endswith("Gruppiert")))
    assert grouped[0] == ["Land", "Kitas"] and grouped[1] == ["", "in Tausend", "Quote unter 3"]
    assert grouped[2] == ["West"] and grouped[3] == ["Baden-Württemberg", "9,8", "31,4"]
    west, east = grouped.index(["West"]), grouped.index(["Ost"])
    assert grouped[east - 1] == ["Zusammen", "47,2", ""] and grouped[-2] == ["Zusammen", "12,1", ""]
    assert [r[0] for r in grouped[east + 1:-2]] == ["Berlin", "Brandenburg", "Mecklenburg-Vorpommern",
                                                   "Sachsen", "Sachsen-Anhalt", "Thüringen"]
    assert west == 2
    assert grouped[-1] == ["Deutschland", "59,3", ""]


@pytest.mark.slow
def test_pdf_shows_values_symbols_notes_and_sources(data_paper: dict[str, Path]) -> None:
    text = " ".join(pdf_text(data_paper["pdf"]).split())
    assert "Bremen 480 35 27.300 . ." in text
    assert "Deutschland 59.260 3.935* 3.985.220* 817.450*" in text
    assert "Niedersachsen 5.600 430 338.900 70.380 (37,9)" in text
    assert text.count("Zeichenerklärung:") == 2  # chapter 5's symbols, then – and x here
    assert "Zeichenerklärung: – = nichts vorhanden; x = Tabellenfach gesperrt" in text
    assert "Quelle: Beispieldaten im Format der Kinder- und Jugendhilfestatistik" in text
    assert "Im Diagramm ohne Wert: Bremen (.)" in text
    assert "610 402 65,9 % 4.880.000 € 8.000 €" in text
    assert "Zusammen 5.855 3.702 51.312.500 €" in text


@pytest.mark.slow
def test_html_shows_units_symbols_and_the_chart_without_unknown_values(data_paper: dict[str, Path]) -> None:
    import base64

    html = data_paper["html"].read_text("utf-8")
    assert "<th style=\"text-align: right;\">Kinder unter 3 Jahren (Anzahl)</th>" in html
    assert re.search(r"<td[^>]*>Bremen</td>\s*<td[^>]*>480</td>\s*<td[^>]*>35</td>\s*<td[^>]*>27.300</td>"
                     r"\s*<td[^>]*>.</td>", html)
    assert html.count("Zeichenerklärung:") == 2
    assert '<th colspan="2" style="text-align: center;">Kitas</th>' in html
    charts = [base64.b64decode(m) for m in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"[^>]*'
                                                      r'alt="Balkendiagramm: Kinder unter 3', html)]
    assert len(charts) == 1
    assert charts[0].count(b"fill: #0e5a6b") == 15  # 16 Länder, no bar for Bremen's "."


@pytest.mark.slow
def test_english_paper_explains_symbols_in_english(tmp_path: Path) -> None:
    ws = paper_workspace(tmp_path / "ws", lang="en-GB")
    result = build(ws, [ANALYSIS], ["docx"])[0]
    assert result.ok and result.path is not None
    texts = [t for _s, t in paragraphs(result.path)]
    assert "Explanation of symbols: – = nil; x = cell blocked because information is not meaningful" in texts
    assert "* Incomplete total: without the cells marked „.“, „x“, „…“" in texts
    rows = table_rows(result.path, next(t for t in texts if t.endswith("GENESIS XLSX")))
    assert rows[-1] == ["Deutschland", "59,260", "3,935*", "3,985,220*", "817,450*", ""]


def _set_cached(path: Path, cells: dict[str, str]) -> None:
    """Change cells of the Länder sheet as Excel saves them: the value and the formula's value."""
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    sheet = "xl/worksheets/sheet2.xml"
    xml = parts[sheet].decode("utf-8")
    for ref, value in cells.items():
        xml, count = re.subn(rf'(<c r="{ref}"[^>]*>(?:<f[^>]*>[^<]*</f>)?<v>)[^<]*(</v>)',
                             rf"\g<1>{value}\g<2>", xml)
        assert count == 1, ref
    parts[sheet] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


@pytest.mark.slow
def test_a_data_change_changes_table_chart_and_numbers_and_only_those(tmp_path: Path) -> None:
    ws = paper_workspace(tmp_path / "ws")
    first = build(ws, [ANALYSIS], ["docx"])[0].path
    assert first is not None
    before = [t for _s, t in paragraphs(first)]
    charts = set((ws.cache_dir / "charts").glob("*.svg"))
    book = ws.papers_dir / ANALYSIS / "data" / "landesprogramme.xlsx"
    _set_cached(book, {"F11": "28210000", "G11": "9100"})  # Landesmittel NRW and =F11/C11
    again = build(ws, [ANALYSIS], ["docx"])[0]
    assert not again.skipped and again.path is not None
    after = [t for _s, t in paragraphs(again.path)]
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert [b for _a, b in changed] == [
        # chapter 5 of the example: the sum in the text, the cell of the table, its total
        "Im Beispiel stellen die elf Länder zusammen 51.622.500\u00a0€ bereit. In Nordrhein-Westfalen "
        "arbeiten 59,0\u00a0% der geförderten Zentren mit einer Koordinierungsstelle, in Bremen 90,0\u00a0%.",
        "28.210.000\u00a0€", "51.622.500\u00a0€",
        # this chapter: the number in the text, the two cells, the total
        "Im Beispiel gibt es 59.260 Tageseinrichtungen; für Bremen steht bei den Kindern unter 3 Jahren .. "
        "In Nordrhein-Westfalen arbeiten 59,0\u00a0% der Zentren mit Koordinierungsstelle; das Land gibt "
        "28.210.000\u00a0€ aus.",
        "28.210.000\u00a0€", "9.100\u00a0€", "51.622.500\u00a0€"]
    assert ("Nordrhein-Westfalen", "3.100", "1.829", "59,0\u00a0%", "28.210.000\u00a0€", "9.100\u00a0€") in {
        tuple(r) for r in table_rows(again.path, next(t for t in after
                                                      if t.endswith("Landesprogramme XLSX")))}
    new_charts = set((ws.cache_dir / "charts").glob("*.svg")) - charts
    assert len(new_charts) == 1  # only the chart of landesprogramme.xlsx is drawn again
    old_rows = table_rows(first, next(t for t in before if t.endswith("Landesprogramme ODS")))
    assert table_rows(again.path, next(t for t in after if t.endswith("Landesprogramme ODS"))) == old_rows


@pytest.mark.slow
def test_bad_data_in_a_block_names_the_chapter_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    ws = paper_workspace(tmp_path / "ws")
    monkeypatch.chdir(ws.root)
    chapter = ws.papers_dir / ANALYSIS / "text" / "07-daten.md"
    text = chapter.read_text("utf-8")
    chapter.write_text(text + '\n::: {.table src="data/kita-genesis.csv" sheet="2"}\n:::\n\n'
                       '::: {.table src="data/landesprogramme.xlsx" range="B4-G15"}\n:::\n\n'
                       '::: {.table src="data/ohne-werte.xlsx"}\n:::\n', "utf-8")
    shutil.copy(FIXTURES / "ohne-werte.xlsx", ws.papers_dir / ANALYSIS / "data")
    line = len(text.split("\n")) + 1
    assert main(["check", ANALYSIS]) == 1
    out = [x for x in capsys.readouterr().out.splitlines() if ": warning:" not in x and ": hint:" not in x]
    shown = f"papers/{ANALYSIS}/text/07-daten.md"
    assert f"{shown}:{line}: sheet= and range= are for workbooks (.xlsx, .xlsm, .ods); " \
           "data/kita-genesis.csv " \
           "is a text file (CSV): leave them out, or use skip=, header-rows= and footer=" in out
    assert f'{shown}:{line + 3}: range="B4-G15" is not a cell range; write the top-left and bottom-right ' \
           'cell, e.g. range="B4:F20"' in out
    assert any(x.startswith(f"papers/{ANALYSIS}/data/ohne-werte.xlsx: sheet 'Länder', cell D2: the formula")
               for x in out), out



# -- a reviewer edits generated numbers -------------------------------------------------------

def _replace(draft: object, para: object, old: str, new: str) -> None:
    """*old* struck and *new* inserted after it, as Word tracks a replacement."""
    import copy

    from lxml import etree

    from test_apply import W

    run = draft.split_run(para, old)  # type: ignore[attr-defined]
    t = run.find(f"{W}t")
    if len(t.text) > len(old):
        rest = copy.deepcopy(run)
        rest.find(f"{W}t").text = t.text[len(old):]
        t.text = old
        run.addnext(rest)
    draft.delete_run(run)  # type: ignore[attr-defined]
    ins = draft.rev("ins")  # type: ignore[attr-defined]
    etree.SubElement(etree.SubElement(ins, f"{W}r"), f"{W}t").text = new
    run.getparent().addnext(ins)


@pytest.mark.slow
def test_reviewer_edits_of_generated_numbers_name_their_data(workspace: Workspace,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    from test_apply import REVIEWERS, Draft

    ws = workspace
    (ws.root / "reviewers.yaml").write_text(REVIEWERS, "utf-8")
    assert main(["round", "open", ANALYSIS, "--reviewers", "reviewers.yaml", "--deadline", "2026-12-12"]) == 0
    draft = Draft(ws.build_dir / ANALYSIS / "runde-1" / f"{ANALYSIS}-v0.1.0-bmfsfj.docx")
    _replace(draft, draft.para("3.100"), "3.100", "3.200")  # Tabelle 1, Nordrhein-Westfalen (CSV)
    _replace(draft, draft.para("In diesem Beispiel arbeiten"), "6.450", "6.500")  # =sum(…) in the text
    _replace(draft, draft.para("27.900.000"), "27.900.000", "28.000.000")  # the workbook's table
    _replace(draft, draft.para("Familienzentren sind Orte"), "passende", "geeignete")  # plain text
    returned = draft.save(ws.root / "zurueck.docx")
    assert main(["round", "collect", ANALYSIS, str(returned)]) == 0
    err = capsys.readouterr().err
    assert "3 item(s) are on table cells or numbers generated from data files" in err
    assert main(["round", "matrix", ANALYSIS, "--to", "md"]) == 0
    matrix = Path(capsys.readouterr().out.strip()).read_text("utf-8")
    assert "Daten: data/laender.csv: Zeile 11, Spalte Familienzentren" in matrix
    assert ("Daten: data/laender.csv: Spalte Familienzentren, berechnet mit "
            "=sum(laender.Familienzentren)") in matrix
    assert "Daten: data/landesprogramme.xlsx: Blatt Länder, Zelle F11 (Spalte Landesmittel)" in matrix
    found, _ = yamlio.load(ws.papers_dir / ANALYSIS / "rounds" / "1" / "comments.yaml")
    for entry in found:
        assert main(["round", "decide", ANALYSIS, entry["id"], "--accept"]) == 0
    capsys.readouterr()
    assert main(["round", "apply", ANALYSIS]) == 1
    out = capsys.readouterr()
    refused = [line for line in out.err.splitlines() if line.startswith("refused")]
    assert len(refused) == 3, out.err
    assert any("changes a value generated from data: data/laender.csv: Zeile 11, Spalte Familienzentren; "
               "change it in the data file (the next build takes it into table, chart and text), then mark "
               f"it with: papier round apply {ANALYSIS} R1-" in line for line in refused)
    assert "has no place in the text" not in out.err
    chapter = (ws.papers_dir / ANALYSIS / "text" / "01-ausgangslage.md").read_text("utf-8")
    assert "passende" not in chapter and "geeignete," in chapter  # the plain edit is applied
    assert "`=sum(laender.Familienzentren)`" in chapter  # the expression stays
