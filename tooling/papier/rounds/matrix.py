"""The Kommentarmatrix: every item of a round as a table, in the order of the text."""

from __future__ import annotations

import csv
import io
import string
import sys
from pathlib import Path
from typing import Any

from papier import fsutil, i18n
from papier.data.origins import describe
from papier.paper import load_paper
from papier.rounds.decisions import position
from papier.rounds.store import Round, latest_round, load_items
from papier.workspace import Workspace

FORMATS = ("md", "csv", "xlsx", "docx")
HEADERS = i18n.MATRIX_HEADERS
DECISION_LABELS = i18n.DECISION_LABELS


# what a reader of the matrix calls the parts of the file and the objects in the text
NAMES = {"footnote": "Fußnote", "endnote": "Endnote", "picture": "Bild", "header": "Kopfzeile",
         "footer": "Fußzeile"}


# how an item stands in the Gesamtfassung (papier round merge)
MERGED = {"alternative": "Alternativvorschlag zu {of}, als Kommentar",
          "same": "gleicher Vorschlag wie {of}, als Kommentar",
          "elsewhere": "als Kommentar, ohne genaue Stelle im Text",
          "unplaced": "als Kommentar, ohne genaue Stelle im Text"}


def suggestion(entry: Any) -> str:
    """An item's suggestion in words, as the matrix shows it."""
    kind, text, deleted = entry.get("kind"), str(entry.get("text") or ""), str(entry.get("deleted") or "")
    anchor = entry.get("anchor") or {}
    whole = bool(anchor.get("paragraph"))
    before = " ".join(str(anchor.get("before") or "").split()[-4:])
    after = " ".join(str(anchor.get("after") or "").split()[:4])
    if kind == "insertion":
        out = f"Neuer Absatz: „{text.strip()}“" if whole else f"Einfügen: „{text.strip()}“"
    elif kind == "deletion":
        out = f"Absatz streichen: „{deleted.strip()}“" if whole else f"Streichen: „{deleted.strip()}“"
    elif kind == "replacement":
        out = f"Ersetzen: „{deleted.strip()}“ durch „{text.strip()}“"
    elif kind == "move":
        target = anchor.get("to") or {}
        where = f" nach {target.get('file')}:{target.get('line')}" if target.get("file") else ""
        out = f"Verschieben: „{text.strip()}“{where}"
    elif kind == "split":
        out = f"Absatz teilen nach „…{before}“"
    elif kind == "join":
        out = f"Absätze verbinden: „…{before}“ und „{after}…“"
    else:
        return text
    if entry.get("objects"):
        out += " (mit " + ", ".join(NAMES.get(o, o) for o in entry["objects"]) + ")"
    if entry.get("nested"):
        out += " (innerhalb eines anderen Vorschlags)"
    return out


def _where(anchor: dict[str, Any]) -> str:
    if anchor.get("data"):  # a generated table cell or number: where its value comes from
        section = str(anchor.get("section") or "")
        return "\n".join(x for x in (section, f"Daten: {describe(anchor['data'])}") if x)
    if anchor.get("file"):
        return f"{anchor.get('section') or ''}\n{anchor.get('file')}:{anchor.get('line')}".strip()
    part = str(anchor.get("part") or "")
    label = next((name for prefix, name in NAMES.items() if part.startswith(prefix)), "")
    return "\n".join(x for x in ("ohne Zuordnung", label, str(anchor.get("section") or "")) if x)


def rows(rnd: Round, items: Any, anonymize: bool = False) -> list[list[str]]:
    labels = {r.id: (f"Stelle {string.ascii_uppercase[i % 26]}" if anonymize
                     else f"{r.organisation} ({r.name})") for i, r in enumerate(rnd.reviewers)}
    out = []
    for entry in sorted(items, key=position):
        anchor = entry.get("anchor") or {}
        where = _where(anchor)
        who = labels.get(str(entry.get("reviewer")), str(entry.get("reviewer")))
        note = suggestion(entry)
        for reply in entry.get("replies") or []:
            author = who if anonymize else reply.get("author")
            note += f"\n↳ {author}: {reply.get('text')}"
        if entry.get("resolved"):
            note += "\n(in Word als erledigt markiert)"
        merged = entry.get("merged") or {}
        if merged.get("as") in MERGED:
            note += "\n(Gesamtfassung: " + MERGED[merged["as"]].format(of=merged.get("of", "")) + ")"
        out.append([str(entry.get("id")), where, str(anchor.get("quote") or ""), who, note,
                    DECISION_LABELS.get(str(entry.get("decision")), str(entry.get("decision"))),
                    str(entry.get("response") or "")])
    return out


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets take for a formula (OWASP)


def _csv_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: a leading ' where it would start a formula."""
    return f"'{value}" if value.startswith(FORMULA_START) else value


def _markdown(table: list[list[str]], title: str) -> str:
    def cell(value: str) -> str:
        return value.replace("|", "\\|").replace("\n", "<br>")

    lines = [f"# {title}", "", "| " + " | ".join(HEADERS) + " |",
             "|" + "|".join("---" for _ in HEADERS) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in table]
    return "\n".join(lines) + "\n"


def _xlsx(table: list[list[str]], out: Path, title: str) -> None:
    if "openpyxl" not in sys.modules and "numpy" not in sys.modules:
        # openpyxl imports numpy only to take numpy numbers as cell values; the matrix holds
        # text, and importing numpy took a fifth of a whole `papier round matrix` of 1,000
        # items. Kept out for that one import (None in sys.modules: the import fails).
        sys.modules["numpy"] = None  # type: ignore[assignment]
        try:
            import openpyxl  # noqa: F401, PLC0415 - loaded here, without numpy
        finally:
            del sys.modules["numpy"]
    from openpyxl import Workbook  # noqa: PLC0415 - lazy: openpyxl only for XLSX
    from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill  # noqa: PLC0415 - lazy
    from openpyxl.styles.fonts import DEFAULT_FONT  # noqa: PLC0415 - lazy: openpyxl only for XLSX

    book = Workbook()
    # one style for every body cell, assigned by name: a new Alignment per cell made 10,000
    # rows take seconds
    body = NamedStyle("Kommentarmatrix", font=DEFAULT_FONT,
                      alignment=Alignment(wrap_text=True, vertical="top"))
    book.add_named_style(body)
    sheet = book.active
    sheet.title = "Kommentarmatrix"
    sheet.append(HEADERS)
    for row in table:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8F1F3")
    widths = [8, 28, 40, 28, 60, 16, 40]
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.style = body.name
            # text as written, never a formula: openpyxl makes any "=…" a formula cell, and
            # Excel makes an edited "=…", "+…", "-…", "@…" cell one unless quotePrefix is set
            cell.data_type = "s"
            if str(cell.value or "").startswith(FORMULA_START):
                cell.quotePrefix = True
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    book.properties.title = title
    with fsutil.atomic_path(out) as tmp:
        book.save(tmp)


def _docx(table: list[list[str]], out: Path, title: str) -> None:
    import docx  # noqa: PLC0415 - lazy: python-docx only for DOCX
    from docx.enum.section import WD_ORIENT  # noqa: PLC0415 - lazy: python-docx only for DOCX
    from docx.oxml import OxmlElement  # noqa: PLC0415 - lazy: python-docx only for DOCX
    from docx.shared import Cm, Pt  # noqa: PLC0415 - lazy: python-docx only for DOCX

    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(1.5)
    section.top_margin = section.bottom_margin = Cm(1.5)
    document.add_heading(title, level=1)
    grid = document.add_table(rows=1, cols=len(HEADERS))
    grid.style = "Table Grid"
    header = grid.rows[0]
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeat on every page
    for cell, text in zip(header.cells, HEADERS, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
    for row in table:
        cells = grid.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    for row in grid.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9)
    for index, width in enumerate([1.4, 4.0, 5.0, 3.5, 6.5, 2.4, 3.9]):
        for row in grid.rows:
            row.cells[index].width = Cm(width)
    document.core_properties.title = title
    document.core_properties.language = "de-DE"
    with fsutil.atomic_path(out) as tmp:
        document.save(str(tmp))


def write_matrix(ws: Workspace, slug: str, fmt: str = "xlsx", anonymize: bool = False) -> Path:
    paper = load_paper(ws, slug)
    rnd = latest_round(paper)
    table = rows(rnd, load_items(rnd), anonymize)
    title = f"Kommentarmatrix – {paper.title} – Runde {rnd.number}"
    name = f"kommentarmatrix-runde-{rnd.number}{'-anonym' if anonymize else ''}.{fmt}"
    out = rnd.folder / name
    if fmt == "md":
        fsutil.write_text(out, _markdown(table, title))
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(HEADERS)
        writer.writerows([_csv_cell(value) for value in row] for row in table)
        fsutil.write_bytes(out, buffer.getvalue().encode("utf-8-sig"))  # Excel opens UTF-8 with BOM
    elif fmt == "xlsx":
        _xlsx(table, out, title)
    else:
        _docx(table, out, title)
    return out
