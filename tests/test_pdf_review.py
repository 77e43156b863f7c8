"""Comments made on the reviewer PDF: the reviewer PDF of ``papier round open`` annotated the
way Acrobat writes annotations (tests/pdfannots.py puts the dictionaries on words found by
their positions), collected, decided and applied. What is asserted is what the team sees:
one item of the right kind per annotation, with the reviewer's name, date and replies, at
the file:line of the Markdown block the words are in, and after ``apply`` the Markdown with
exactly the PDF's deletion, insertion and replacement."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import POSITION
from papier.cli import main
from papier.workspace import Workspace
from pdfannots import (
    Annotator,
    damaged,
    encrypt,
    encrypt_owner_only,
    find_words,
    point_after,
    with_javascript,
)
from roundkit import items
from test_odt import refused

CH1 = "text/01-ausgangslage.md"
CH3 = "text/03-forderungen.md"
MARIA = "Dr. Maria Beispiel"


def reviewer_pdf(ws: Workspace, reviewer: str = "bmfsfj") -> Path:
    return ws.build_dir / POSITION / "runde-1" / f"{POSITION}-v0.1.0-{reviewer}.pdf"


def collect(ws: Workspace, path: Path, capsys) -> tuple[list, str]:
    capsys.readouterr()
    code = main(["round", "collect", POSITION, str(path)])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "Traceback" not in out.err
    return items(ws), out.out + out.err


def line_of(ws: Workspace, rel: str, text: str) -> int:
    lines = (ws.papers_dir / POSITION / rel).read_text("utf-8").split("\n")
    [number] = [i for i, line in enumerate(lines, 1) if text in line]
    return number


def where(entry) -> tuple[str, int]:
    return entry["anchor"]["file"], entry["anchor"]["line"]


def annotated(ws: Workspace, tmp_path: Path) -> Path:
    """The six kinds of the issue on Maria Beispiel's PDF, one each, plus a reply."""
    pdf = reviewer_pdf(ws)
    a = Annotator(pdf)
    a.highlight(find_words(pdf, "Kinder wachsen nicht in Zuständigkeiten auf"),
                "Starker Einstieg – bitte „Zuständigkeiten“ erklären.", MARIA,
                date="D:20261120091500+01'00'")
    a.strikeout(find_words(pdf, "längst"), MARIA, date="D:20261120091600+01'00'")
    a.caret(point_after(find_words(pdf, "Aufmerksamkeit binden, geraten")), "sehr", MARIA,
            date="D:20261120091700+01'00'")
    a.replace(find_words(pdf, "Aktenordner"), "Ordner", MARIA, date="D:20261120091800+01'00'")
    note = a.note(0, 480, 720, "Der Titel ist gut.", "Jonas Muster", date="D:20261120092000Z")
    a.reply(note, "Danke, bleibt so.", "Barbara Blum", date="D:20261121080000+01'00'")
    a.highlight(find_words(pdf, "schlanke Qualitätsmerkmale"), "Was heißt schlank?", MARIA,
                subtype="Squiggly", date="D:20261120091900+01'00'")
    return a.save(tmp_path / f"{POSITION}-v0.1.0-bmfsfj-kommentiert.pdf")


def test_the_kinds_of_annotations_become_items(position_round: Workspace, tmp_path: Path, capsys) -> None:
    found, out = collect(position_round, annotated(position_round, tmp_path), capsys)
    assert "7 new item(s)" not in out  # the reply is part of its thread, not an item
    by_kind: dict[str, list] = {}
    for entry in found:
        by_kind.setdefault(entry["kind"], []).append(entry)
    assert sorted((k, len(v)) for k, v in by_kind.items()) == [
        ("comment", 3), ("deletion", 1), ("insertion", 1), ("replacement", 1)], found
    assert all(e["reviewer"] == "bmfsfj" for e in found)  # from the PDF's keywords

    highlight = next(e for e in by_kind["comment"] if e["text"].startswith("Starker Einstieg"))
    assert highlight["text"] == "Starker Einstieg – bitte „Zuständigkeiten“ erklären."
    assert highlight["author"] == MARIA and highlight["date"] == "2026-11-20T09:15:00+01:00"
    assert highlight["anchor"]["quote"] == "Kinder wachsen nicht in Zuständigkeiten auf"
    assert where(highlight) == (CH1, line_of(position_round, CH1, "Kinder wachsen nicht"))

    squiggly = next(e for e in by_kind["comment"] if e["text"] == "Was heißt schlank?")
    assert squiggly["anchor"]["quote"] == "schlanke Qualitätsmerkmale"
    assert where(squiggly) == (CH3, line_of(position_round, CH3, "Gute Familienzentren erkennt man"))

    sticky = next(e for e in by_kind["comment"] if e["text"] == "Der Titel ist gut.")
    assert sticky["author"] == "Jonas Muster" and sticky["date"] == "2026-11-20T09:20:00Z"
    assert [(r["author"], r["text"], r["date"]) for r in sticky["replies"]] == [
        ("Barbara Blum", "Danke, bleibt so.", "2026-11-21T08:00:00+01:00")]

    [deletion] = by_kind["deletion"]
    assert deletion["deleted"] == "längst " and deletion["author"] == MARIA
    assert where(deletion) == (CH1, line_of(position_round, CH1, "Dieser Handlungsansatz ist in Deutschland"))
    [insertion] = by_kind["insertion"]
    assert insertion["text"].strip() == "sehr" and where(insertion)[0] == CH1
    [replacement] = by_kind["replacement"]
    assert (replacement["deleted"], replacement["text"]) == ("Aktenordner", "Ordner")
    assert where(replacement) == (CH3, line_of(position_round, CH3, "Gute Familienzentren erkennt man"))
    stored = deletion["source"]["file"]
    assert stored.endswith(".pdf") and (position_round.papers_dir / POSITION / stored).is_file()

    again, _ = collect(position_round, annotated(position_round, tmp_path), capsys)  # the same file again
    assert len(again) == len(found)

    for entry in found:
        if entry["kind"] != "comment":
            assert main(["round", "decide", POSITION, entry["id"], "--accept"]) == 0
    capsys.readouterr()
    assert main(["round", "apply", POSITION]) == 0, capsys.readouterr().err
    ch1 = " ".join((position_round.papers_dir / POSITION / CH1).read_text("utf-8").split())
    ch3 = " ".join((position_round.papers_dir / POSITION / CH3).read_text("utf-8").split())
    assert "ist in Deutschland keine Ausnahme mehr" in ch1 and "längst" not in ch1
    assert "geraten sehr Querschnittsaufgaben" in ch1
    assert "nicht an der Zahl ihrer Ordner." in ch3 and "Aktenordner" not in ch3


def test_acrobat_copying_the_marked_words_is_no_comment_and_freetext_is(
        position_round: Workspace, tmp_path: Path, capsys) -> None:
    """Acrobat puts the marked words into a cross-out's pop-up by default; that is not a
    comment of the reviewer's. A text box is one."""
    pdf = reviewer_pdf(position_round)
    a = Annotator(pdf, copy_selection=True)
    a.strikeout(find_words(pdf, "längst"), MARIA)
    a.highlight(find_words(pdf, "Familienzentren sind eine der wirksamsten Antworten"), "", MARIA,
                subtype="Underline")
    words = find_words(pdf, "Die Kita ist für Eltern ein Ort")
    a.freetext(words.page, [words.rect[0], words.rect[1] - 30, words.rect[0] + 150, words.rect[1] - 5],
               "Hier fehlt ein Beispiel.", "Jonas Muster")
    found, _ = collect(position_round, a.save(tmp_path / "zurueck.pdf"), capsys)
    kinds = sorted((e["kind"], e["text"]) for e in found)
    assert kinds == [("comment", ""), ("comment", "Hier fehlt ein Beispiel."), ("deletion", "")], found
    underline = next(e for e in found if e["kind"] == "comment" and not e["text"])
    assert underline["anchor"]["quote"] == "Familienzentren sind eine der wirksamsten Antworten"


def test_a_pdf_from_another_round_or_paper_identifies_itself(position_round: Workspace, tmp_path: Path,
                                                             capsys) -> None:
    pdf = reviewer_pdf(position_round, "stadt-ludwigsburg")
    a = Annotator(pdf)
    a.highlight(find_words(pdf, "Aktenordner"), "Schönes Bild.", "Jonas Muster")
    renamed = a.save(tmp_path / "kommentare.pdf")  # a name that says nothing
    found, _ = collect(position_round, renamed, capsys)
    assert [e["reviewer"] for e in found] == ["stadt-ludwigsburg"]


def test_encrypted_damaged_and_scripted_pdfs(position_round: Workspace, tmp_path: Path, capsys) -> None:
    pdf = reviewer_pdf(position_round)
    a = Annotator(pdf)
    a.highlight(find_words(pdf, "Aktenordner"), "Schönes Bild.", MARIA)
    base = a.save(tmp_path / "basis.pdf")

    locked = encrypt(base, tmp_path / f"{POSITION}-v0.1.0-bmfsfj-geheim.pdf")
    assert "is password-protected; ask the reviewer to save it without a password" in \
        refused(position_round, capsys, locked)
    broken = damaged(base, tmp_path / f"{POSITION}-v0.1.0-bmfsfj-kaputt.pdf")
    assert "the PDF is damaged" in refused(position_round, capsys, broken)

    # an owner password only (opens without one) and JavaScript / launch actions: read, never run
    scripted = with_javascript(encrypt_owner_only(base, tmp_path / "eigentuemer.pdf"),
                               tmp_path / f"{POSITION}-v0.1.0-bmfsfj-skript.pdf")
    found, _ = collect(position_round, scripted, capsys)
    assert [e["text"] for e in found] == ["Schönes Bild."]


def test_pdf_items_in_the_gesamtfassung_and_the_answer(position_round: Workspace, tmp_path: Path,
                                                       capsys) -> None:
    """The PDF's suggestions are tracked changes of their author in the Gesamtfassung, like a
    DOCX reviewer's; the reviewer who sent a PDF is answered in the cover text, item by item."""
    import zipfile

    found, _ = collect(position_round, annotated(position_round, tmp_path), capsys)
    assert main(["round", "merge", POSITION]) == 0, capsys.readouterr().err
    gesamt = position_round.build_dir / POSITION / "runde-1" / f"{POSITION}-v0.1.0-gesamt.docx"
    document = zipfile.ZipFile(gesamt).read("word/document.xml").decode("utf-8")
    assert re.search(r"<w:delText[^>]*>Aktenordner</w:delText></w:r></w:del><w:ins [^>]*><w:r><w:t[^>]*>"
                     r"Ordner</w:t>", document)
    assert f'w:author="{MARIA} (Bundesministerium (Beispiel))"' in document

    replacement = next(e for e in found if e["kind"] == "replacement")
    assert main(["round", "decide", POSITION, replacement["id"], "--reject", "--response",
                 "Der Begriff ist bewusst gewählt."]) == 0
    capsys.readouterr()
    assert main(["round", "reply", POSITION, "--reviewer", "bmfsfj", "--partial"]) == 0
    out = capsys.readouterr().out
    assert "returned a PDF or ODT: every answer is in this cover text" in out
    cover = (position_round.build_dir / POSITION / "runde-1" / "rueckmeldung"
             / f"{POSITION}-v0.1.0-bmfsfj-rueckmeldung.txt").read_text("utf-8")
    [line] = [x for x in cover.splitlines() if x.startswith(f"- {replacement['id']} ")]
    assert line.startswith(f"- {replacement['id']} („…Familien, nicht an der Zahl ihrer [-Aktenordner-] "
                           "[+Ordner+]"), line
    assert line.endswith("“): abgelehnt: Der Begriff ist bewusst gewählt."), line


def test_marks_that_cannot_be_placed_for_sure_stay_unplaced_and_nothing_is_lost(
        position_round: Workspace, tmp_path: Path, capsys) -> None:
    """Words not in the text as sent (the imprint's licence) are not looked for inside other
    words („BY“ is in „Lobby“); a reply to a change stays with it; two strikes over the same
    words are both kept; a comment that only adds a question mark is the reviewer's; a caret
    after a comma inserts after the comma; struck brackets go with the words."""
    pdf = reviewer_pdf(position_round)
    a = Annotator(pdf, copy_selection=True)
    licence = find_words(pdf, "BY-SA")
    a.strikeout(licence, MARIA, date="D:20261120090000+01'00'")
    strike = a.strikeout(find_words(pdf, "längst"), MARIA, date="D:20261120090100+01'00'")
    a.reply(strike, "Einverstanden.", "Barbara Blum", date="D:20261120100000+01'00'")
    a.strikeout(find_words(pdf, "längst"), "Jonas Muster", date="D:20261120090200+01'00'")
    a.highlight(find_words(pdf, "Aktenordner"), "Aktenordner?", MARIA, date="D:20261120090300+01'00'")
    a.caret(point_after(find_words(pdf, "Aufmerksamkeit binden,")), "dann", MARIA,
            date="D:20261120090400+01'00'")
    a.strikeout(find_words(pdf, "(KiQuTG 2018)"), MARIA, date="D:20261120090500+01'00'")
    found, out = collect(position_round, a.save(tmp_path / "zurueck.pdf"), capsys)

    licence_item = next(e for e in found if "BY" in str(e["anchor"]["quote"]))
    assert licence_item["kind"] == "comment" and not licence_item["anchor"]["file"]
    assert licence_item["anchor"]["quote"].startswith("[-") and "Seite" in licence_item["anchor"]["section"]
    assert "mark words papier cannot find in the text as sent" in out
    assert not any(e["kind"] == "deletion" and "by" in e.get("deleted", "").lower() for e in found)

    [deletion] = [e for e in found if e["kind"] == "deletion" and e["deleted"] == "längst "]
    assert deletion["author"] == MARIA
    assert [(r["author"], r["text"]) for r in deletion["replies"]] == [("Barbara Blum", "Einverstanden.")]
    rival = next(e for e in found if e["author"] == "Jonas Muster")
    assert rival["kind"] == "comment" and rival["anchor"]["quote"].startswith("[-längst-] (auf dem PDF über")
    assert "1 change(s) on the PDF over words another change there already changes" in out

    question = next(e for e in found if e["kind"] == "comment" and e["anchor"].get("block")
                    and e["anchor"]["quote"] == "Aktenordner")
    assert question["text"] == "Aktenordner?"
    [insertion] = [e for e in found if e["kind"] == "insertion"]
    assert (insertion["anchor"]["before"].endswith("binden,"), insertion["text"]) == (True, " dann")
    brackets = next(e for e in found if e["kind"] == "deletion" and "KiQuTG" in e["deleted"])
    assert brackets["deleted"].strip() == "(KiQuTG 2018)"
