"""Tables, charts and numbers from CSV files, and analysis.yaml: what a reader of the DOCX,
PDF and HTML sees, and the message an author gets for bad data."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import ANALYSIS, make_workspace
from papier.build import build
from papier.cli import main
from papier.data.csvfile import DataError, read_csv
from papier.data.numbers import format_number, format_percent, parse_number
from papier.workspace import Workspace
from readback import W, docx_part, paragraphs, pdf_text

PAPER = f"papers/{ANALYSIS}"
CH1 = f"{PAPER}/text/01-ausgangslage.md"
LAENDER = f"{PAPER}/data/laender.csv"


def table_rows(path: Path, caption: str) -> list[list[str]]:
    """The rows (cell texts) of the DOCX table right after the paragraph *caption*."""
    root = docx_part(path, "word/document.xml")
    body = root.find(f"{W}body")
    assert body is not None
    items = list(body.iter(f"{W}p", f"{W}tbl"))
    for i, item in enumerate(items):
        if item.tag == f"{W}p" and "".join(item.itertext()).startswith(caption):
            table = next(t for t in items[i:] if t.tag == f"{W}tbl")
            return [["".join(c.itertext()) for c in row.findall(f"{W}tc")]
                    for row in table.findall(f"{W}tr")]
    raise AssertionError(f"no table captioned {caption!r}")


def check_lines(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(["check", *args])
    return code, [line for line in capsys.readouterr().out.splitlines() if line]


# -- reading CSV as Excel writes it ------------------------------------------------------------

@pytest.mark.parametrize(("encoding", "prefix"), [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"),
                                                  ("cp1252", b""), ("utf-16", b"")])
@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_csv_encodings_and_delimiters(tmp_path: Path, encoding: str, prefix: bytes,
                                      delimiter: str) -> None:
    decimal = "." if delimiter == "," else ","
    rows = [["Träger", "Plätze", "Quote"], ["Straße 1", "1200", f"12{decimal}5"], ["Öhringen", "80", "7"]]
    text = "\r\n".join(delimiter.join(r) for r in rows) + "\r\n"
    path = tmp_path / "x.csv"
    path.write_bytes(prefix + text.encode(encoding))
    table = read_csv(path, "x.csv")
    assert table.header == ["Träger", "Plätze", "Quote"]
    assert [r[0] for r in table.rows] == ["Straße 1", "Öhringen"]
    assert table.floats("Quote") == [12.5, 7.0]
    assert table.lines == [2, 3]


def test_german_numbers_with_thousands(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("Land;Betrag\nA;1.234,5\nB;-2.000\nC;\nD;12 %\n", "utf-8")
    assert read_csv(path, "x.csv").floats("Betrag") == [1234.5, -2000.0, None, 12.0]


@pytest.mark.parametrize(("data", "line", "needle"), [
    (b"A;B\n1;2\n3;\x81\x8d\n", 3, "neither UTF-8 nor Windows-1252"),
    (b"PK\x03\x04\x00\x00binary", 1, "not a text file"),
    (b"A;B\n1;2\n3;4;5\n", 3, "this row has 3 fields, the first row 2"),
    (b"A;A\n1;2\n", 1, "the heading 'A' appears twice"),
    (b"\n\n", 1, "is empty"),
])
def test_bad_csv_names_its_line(tmp_path: Path, data: bytes, line: int, needle: str) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    with pytest.raises(DataError) as caught:
        read_csv(path, "data/x.csv")
    assert caught.value.problem.line == line
    assert caught.value.problem.path == "data/x.csv"
    assert needle in caught.value.problem.message


@given(st.integers(min_value=-10**9, max_value=10**9), st.integers(min_value=0, max_value=3))
def test_format_then_parse_round_trips(cents: int, decimals: int) -> None:
    value = cents / 10**decimals
    text = format_number(value, decimals)
    parsed = parse_number(text, ",")
    assert parsed is not None and parsed.value == pytest.approx(value)
    if abs(value) >= 1000:
        assert "." in text  # thousands grouped the German way


def test_english_table(tmp_path: Path) -> None:
    from papier.data.tables import render_table
    from papier.pandoc_ast import stringify

    path = tmp_path / "x.csv"
    path.write_text("Country,Centres\nA,1234.5\nB,10\n", "utf-8")
    table, note = render_table(read_csv(path, "x.csv"), {"total": "true", "source": "Example data"},
                               "en-GB", ("text/01.md", 3))
    rows = [[cell[4][0]["c"] for cell in row[1]] for row in table["c"][4][0][3]]
    texts = [[stringify(cell) for cell in row] for row in rows]
    assert texts == [["A", "1,234.5"], ["B", "10.0"], ["Total", "1,244.5"]]
    assert rows[2][0][0]["t"] == "Strong"  # the totals row is bold
    assert stringify(note) == "Source: Example data"


def test_german_and_english_formats() -> None:
    assert format_number(1234.5, 1) == "1.234,5"
    assert format_number(1234.5, 1, "en-GB") == "1,234.5"
    assert format_number(-0.04, 1) == "0,0"
    assert format_percent(0.4806) == "48,1\u00a0%"
    assert format_percent(0.4806, 0, "en") == "48%"


# -- the example paper: tables, charts and numbers in all three outputs -------------------------

def test_table_in_docx_pdf_and_html(built: dict) -> None:
    files = built[ANALYSIS]
    rows = table_rows(files["docx"], "Tabelle 1: Familienzentren und Kindertageseinrichtungen")
    assert rows[0] == ["Land", "Kindertageseinrichtungen", "Familienzentren", "Landesprogramm"]
    assert rows[1] == ["Nordrhein-Westfalen", "10.600", "3.100", "ja"]  # sorted, descending
    assert rows[-1] == ["Deutschland", "59.260", "6.450", ""]  # the totals row
    numbers = [int(r[2].replace(".", "")) for r in rows[1:-1]]
    assert numbers == sorted(numbers, reverse=True) and len(numbers) == 16
    styles = dict((text, style) for style, text in paragraphs(files["docx"]))
    assert styles["Quelle: Beispieldaten, eigene Darstellung"] == "PapierQuelle"
    pdf = pdf_text(files["pdf"])
    assert "Deutschland 59.260 6.450" in pdf
    assert "Nordrhein-Westfalen 10.600 3.100 ja" in pdf
    html = files["html"].read_text("utf-8")
    assert re.search(r"<td[^>]*>Deutschland</td>\s*<td[^>]*>59.260</td>", html.replace("<strong>", "")
                     .replace("</strong>", ""))
    assert 'class="source-note"' in html


def test_values_in_text(built: dict) -> None:
    expected = ("In diesem Beispiel arbeiten bundesweit 6.450 Familienzentren an 59.260 "
                "Kindertageseinrichtungen. Allein auf Nordrhein-Westfalen entfallen 48,1\u00a0% der "
                "Zentren; in 11 von 16 Ländern gibt es ein eigenes Landesprogramm.")
    texts = [t for _s, t in paragraphs(built[ANALYSIS]["docx"])]
    assert expected in texts
    assert expected.replace("\u00a0", " ") in " ".join(pdf_text(built[ANALYSIS]["pdf"]).split())


def test_charts_are_vector_in_pdf_and_html_png_in_docx(built: dict) -> None:
    files = built[ANALYSIS]
    root = docx_part(files["docx"], "word/document.xml")
    pics = [d.get("descr") or "" for d in root.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    assert any(p.startswith("Balkendiagramm der Familienzentren je Land") for p in pics)
    assert any(p.startswith("Gestapeltes Balkendiagramm") for p in pics)
    import zipfile
    with zipfile.ZipFile(files["docx"]) as archive:
        media = [n for n in archive.namelist() if n.startswith("word/media/")]
    assert media and all(n.endswith(".png") for n in media)  # Word gets bitmaps
    texts = [t for _s, t in paragraphs(files["docx"])]
    assert "Abbildung 1: Familienzentren je Land (Beispieldaten)" in texts
    html = files["html"].read_text("utf-8")
    tags = re.findall(r"<img [^>]*>", html)
    svgs = [(re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', t), re.search(r'alt="([^"]*)"', t))
            for t in tags]
    svgs = [(src.group(1), alt.group(1)) for src, alt in svgs if src and alt]
    alts = [alt for _data, alt in svgs]
    assert any(a.startswith("Liniendiagramm mit Beispieldaten") for a in alts)
    chart = base64.b64decode(next(d for d, a in svgs if a.startswith("Balkendiagramm der")))
    assert b"<svg" in chart and b"<text" not in chart  # text as outlines: no font needed
    assert chart.count(b"fill: #0e5a6b") == 16  # one bar per Land in the brand's petrol
    pdf = " ".join(pdf_text(files["pdf"]).split())
    assert "Abbildung 5: Ist-Stand und Potenzial je Handlungsfeld (Beispieldaten)" in pdf


def test_potenzialmatrix_and_recommendations(built: dict) -> None:
    rows = table_rows(built[ANALYSIS]["docx"], "Tabelle 2: Potenzialmatrix")
    assert rows[0] == ["Handlungsfeld", "Ist-Stand", "Potenzial", "Spielraum"]
    assert rows[2] == ["Beratung und Unterstützung", "2", "5", "+3"]
    assert len(rows) == 6
    html = built[ANALYSIS]["html"].read_text("utf-8")
    assert '<table id="tab-matrix"' in html  # the placeholder's {#id} stays a link target
    assert '<figure id="abb-matrix"' in html
    texts = [t for _s, t in paragraphs(built[ANALYSIS]["docx"])]
    i = texts.index("Vernetzung im Sozialraum", texts.index("Aus der Potenzialmatrix ergeben sich für "
                                                             "jedes Handlungsfeld konkrete Schritte:"))
    assert texts[i + 1] == "Koordination als eigene, finanzierte Aufgabe mit festem Stundenumfang anerkennen."


def test_data_change_flows_into_table_text_and_chart(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", papers=(ANALYSIS,))
    first = build(ws, [ANALYSIS], ["docx"])[0].path
    assert first is not None
    charts_before = set((ws.cache_dir / "charts").glob("*.svg"))
    csv_path = ws.root / LAENDER
    csv_path.write_bytes(csv_path.read_bytes().replace(b"Nordrhein-Westfalen;10.600;3.100",
                                                       b"Nordrhein-Westfalen;10.600;3.200"))
    again = build(ws, [ANALYSIS], ["docx"])[0]
    assert not again.skipped and again.path is not None
    rows = table_rows(again.path, "Tabelle 1:")
    assert rows[-1] == ["Deutschland", "59.260", "6.550", ""]
    assert any("bundesweit 6.550 Familienzentren" in t for _s, t in paragraphs(again.path))
    charts_after = set((ws.cache_dir / "charts").glob("*.svg"))
    assert len(charts_after - charts_before) == 1  # only the chart of laender.csv is drawn again


def test_charts_are_cached_and_deterministic(tmp_path: Path) -> None:
    from papier.brand import load_brand
    from papier.data.charts import ChartData, render_svg

    ws = make_workspace(tmp_path / "ws", papers=(), commit=False)
    chart = ChartData("bar", ["A", "B"], [("Wert", [1200.0, 3.5])], 1)
    brand = load_brand(ws)
    svg = render_svg(chart, brand, "de-DE")
    assert svg == render_svg(chart, brand, "de-DE")  # a release rebuilds byte-identically
    assert b"Date" not in svg


# -- bad data: path:line and the fix, in check and in build -------------------------------------

@pytest.fixture
def analysis_ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    ws = make_workspace(tmp_path / "ws", papers=(ANALYSIS,))
    monkeypatch.chdir(ws.root)
    return ws


def _append(ws: Workspace, text: str) -> int:
    """Add *text* to chapter 1; the line number where it starts."""
    path = ws.root / CH1
    old = path.read_text("utf-8")
    path.write_text(old + "\n" + text, "utf-8")
    return len(old.split("\n")) + 1


@pytest.mark.parametrize(("markdown", "needle"), [
    ('::: {.table src="data/laender.csv" columns="Land, Zentren"}\n:::\n',
     "column 'Zentren' is not in papers/potenzialanalyse-familienzentren/data/laender.csv; its "
     "columns are: 'Land', 'Kitas', 'Familienzentren', 'Landesprogramm'"),
    ('::: {.chart src="data/laender.csv" x="Land" y="familienzentren" alt="x"}\n:::\n',
     "did you mean 'Familienzentren'?"),
    ('::: {.chart src="data/laender.csv" x="Land" y="Familienzentren"}\n:::\n',
     'a chart needs alt="…"'),
    ('::: {.chart src="data/laender.csv" type="pie" x="Land" y="Kitas" alt="x"}\n:::\n',
     "chart type 'pie' is unknown"),
    ('::: {.table src="data/laender.csv" colums="Land"}\n:::\n', "a .table has no option 'colums'"),
    ('::: {.table src="data/fehlt.csv"}\n:::\n', "data file 'data/fehlt.csv' does not exist (data/ has: "),
    ("Es sind `=avg(laender.Kitas)` Kitas.\n", "unknown function 'avg'"),
    ('::: {.analysis show="pie"}\n:::\n', 'show="pie" is unknown; use show="matrix", "chart" or '
     '"recommendations"'),
    ('::: {.analysis show="chart"}\n:::\n', 'a chart needs alt="…"'),
    ("Es sind `=sum(laender.Kitas, Land=Atlantis)` Kitas.\n", "no row of"),
    ("Es sind `=value(laender.Kitas, Landesprogramm=ja)` Kitas.\n", "`value` needs exactly one row"),
    ("Es sind `=sum(gibtsnicht.Kitas)` Kitas.\n", "data file 'data/gibtsnicht.csv' does not exist"),
])
def test_bad_options_name_the_chapter_line(analysis_ws: Workspace, capsys: pytest.CaptureFixture[str],
                                           markdown: str, needle: str) -> None:
    line = _append(analysis_ws, markdown)
    code, lines = check_lines(capsys, ANALYSIS)
    assert code == 1
    errors = [x for x in lines if ": warning:" not in x and ": hint:" not in x]
    assert len(errors) == 1, lines
    assert errors[0].startswith(f"{CH1}:{line}: ")
    assert needle in errors[0]


@pytest.mark.parametrize(("old", "new", "needle"), [
    (b"Hessen;4.300;420", b"Hessen;4.300;viele", "'viele' in column 'Familienzentren' is not a number"),
    (b"Hessen;4.300;420", b"Hessen;4.300;420;x", "this row has 5 fields, the first row 4"),
    (b"Hessen", b"\x81\x8dHessen", "cannot be decoded (byte 0x81"),
])
def test_bad_cells_name_the_csv_line(analysis_ws: Workspace, capfd: pytest.CaptureFixture[str],
                                     old: bytes, new: bytes, needle: str) -> None:
    path = analysis_ws.root / LAENDER
    data = path.read_bytes()
    line = data[: data.index(old)].count(b"\n") + 1
    path.write_bytes(data.replace(old, new))
    code, lines = check_lines(capfd, ANALYSIS)
    assert code == 1
    assert any(x.startswith(f"{LAENDER}:{line}: ") and needle in x for x in lines), lines
    # and build refuses with the same message, writing nothing
    assert main(["build", ANALYSIS, "--to", "docx"]) == 1
    out = capfd.readouterr()
    assert f"{LAENDER}:{line}: " in out.out + out.err
    assert not list((analysis_ws.build_dir / ANALYSIS).glob("*.docx"))


def test_build_reports_bad_data_with_line(analysis_ws: Workspace, capfd: pytest.CaptureFixture[str]) -> None:
    line = _append(analysis_ws, '::: {.table src="data/laender.csv" sort="Zentren"}\n:::\n')
    assert main(["build", ANALYSIS, "--to", "pdf"]) == 1
    out = capfd.readouterr()
    assert f"{CH1}:{line}: column 'Zentren' is not in" in out.out + out.err


@pytest.mark.parametrize(("old", "new", "needle", "severity"), [
    ("    current: 4\n", "    current: 7\n", "7 is greater than the maximum of 5", "error"),
    ("    name: Bildung und Betreuung\n", "    titel: Bildung und Betreuung\n", "'name' is missing", "error"),
    ("    potential: 4\n    evidence:\n      - Elterncafés",
     "    potential: 2\n    evidence:\n      - Elterncafés",
     "potential 2 is below the current state 3", "warning"),
    ("    name: Gesundheit und Prävention", "    name: Beratung und Unterstützung",
     "'Beratung und Unterstützung' appears twice (first at line", "error"),
])
def test_analysis_yaml_is_validated(analysis_ws: Workspace, capsys: pytest.CaptureFixture[str],
                                    old: str, new: str, needle: str, severity: str) -> None:
    path = analysis_ws.root / PAPER / "analysis.yaml"
    text = path.read_text("utf-8")
    assert old in text
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), "utf-8")
    code, lines = check_lines(capsys, ANALYSIS)
    found = [x for x in lines if x.startswith(f"{PAPER}/analysis.yaml:") and needle in x]
    assert found, lines
    if severity == "error":
        assert code == 1
    else:
        assert code == 0 and found[0] == f"{PAPER}/analysis.yaml:{line}: warning: " + found[0].split(
            "warning: ", 1)[1]


def test_new_potenzialanalyse_uses_data(empty_workspace: Workspace,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "pa", "--kind", "potenzialanalyse"]) == 0
    capsys.readouterr()
    code, lines = check_lines(capsys, "pa")
    assert (code, lines) == (0, [])
    result = build(empty_workspace, ["pa"], ["docx"])[0]
    assert result.ok and result.path is not None
    texts = [t for _s, t in paragraphs(result.path)]
    assert any(t.startswith("Tabelle 2: Potenzialmatrix") for t in texts)
    assert any("gibt es 49 Familienzentren" in t for t in texts)
