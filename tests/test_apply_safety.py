"""apply never writes wrong text: the cases a review of the first version found (the wrong
one of two equal phrases, a table's first matching cell, a footnote mark moved or lost,
links and list items broken, the title page matched to a chapter). Each edit is made the
way Word stores it, collected, accepted and applied; the chapter is then compared whole."""

from __future__ import annotations

import pytest
from lxml import etree

from conftest import POSITION
from papier.cli import main
from papier.workspace import Workspace
from test_apply import Draft, W, _open, _text

pytestmark = pytest.mark.slow  # opens a round and applies through the CLI

REL = "text/04-fazit.md"
CHAPTER = """\
# Fazit und Einladung {#fazit}

Wir fordern mehr Personal im Quartier und vor Ort. Auch die Träger brauchen mehr
Personal[^p] im Quartier und vor Ort.

Das gilt hier[^a] und dort ebenso.

Siehe den [Bericht des Bundes](https://example.org/bericht) zeigt das deutlich.

| Land | 2024 | 2025 |
|---|---|---|
| Bayern | 10 % | 10 % |

- Eins zwei drei
- Vier fünf sechs

Ende des Kapitels.[^b]

[^p]: Eine Anmerkung.
[^a]: Anmerkung a.
[^b]: Anmerkung b.
"""


def _runs(p: etree._Element) -> list[etree._Element]:
    return [r for r in p.iter(f"{W}r") if r.find(f"{W}t") is not None]


def _after_mark(p: etree._Element, starts: str) -> etree._Element:
    """The first run after the paragraph's footnote mark whose text starts with *starts*."""
    runs = list(p.iter(f"{W}r"))
    mark = next(i for i, r in enumerate(runs) if r.find(f"{W}footnoteReference") is not None)
    return next(r for r in runs[mark:] if (r.findtext(f"{W}t") or "").startswith(starts))


def _delete_text(draft: Draft, run: etree._Element, word: str) -> None:
    """Delete *word* (which starts *run* or stands in it) as a tracked deletion."""
    t = run.find(f"{W}t")
    at = t.text.index(word)
    import copy

    if at:
        head = copy.deepcopy(run)
        head.find(f"{W}t").text = t.text[:at]
        run.addprevious(head)
        t.text = t.text[at:]
    if t.text != word:
        tail = copy.deepcopy(run)
        tail.find(f"{W}t").text = t.text[len(word):]
        run.addnext(tail)
        t.text = word
    draft.delete_run(run)


def test_apply_writes_only_what_is_certain(workspace: Workspace, capsys) -> None:
    ws = workspace
    (ws.papers_dir / POSITION / REL).write_text(CHAPTER, "utf-8")
    import git

    repo = git.Repo(ws.root)
    repo.git.add(A=True)
    repo.index.commit("Kapitel 4 für den Test")
    third = _text(ws, POSITION, "text/03-forderungen.md")
    draft = _open(ws, POSITION)
    # 1. the second "im Quartier " (after the footnote mark), not the first
    first = draft.para("Wir fordern mehr Personal")
    _delete_text(draft, _after_mark(first, "im Quartier"), "im Quartier ")
    # 2. "hier" and " und" on both sides of a footnote mark that stays
    gilt = draft.para("Das gilt hier")
    _delete_text(draft, _runs(gilt)[0], "hier")
    space, und = _runs(gilt)[1:3]  # after the mark: " " and "und dort ebenso."
    _delete_text(draft, space, " ")
    _delete_text(draft, und, "und")
    # 3. a deletion across the end of a link's text: refused
    link = draft.para("Siehe den Bericht")
    bundes = next(r for r in _runs(link) if r.find(f"{W}t").text.endswith("Bundes"))
    _delete_text(draft, bundes, "Bundes")
    runs = _runs(link)
    zeigt = next(r for r in runs if r.find(f"{W}t").text == "zeigt das deutlich.")
    _delete_text(draft, runs[runs.index(zeigt) - 1], " ")
    _delete_text(draft, zeigt, "zeigt")
    # 4. the 2025 cell of Bayern, not the first "10 %" of the row
    cells = draft.roots["word/document.xml"].findall(f".//{W}tbl/{W}tr")[-1].findall(f"{W}tc")
    draft.insert(cells[2].find(f"{W}p"), "10 %", ("12 % statt ", False))
    # 5. Enter in the middle of a list item: refused (no faithful Markdown)
    item = draft.para("Eins zwei drei")
    draft.mark(item, "ins")
    # 6. a sentence typed after the footnote mark at the end of a paragraph
    ende = draft.para("Ende des Kapitels.")
    ins = draft.rev("ins")
    etree.SubElement(etree.SubElement(ins, f"{W}r"), f"{W}t").text = " Noch ein Satz."
    ende.append(ins)
    # 7. the title page is paper.yaml, not a chapter: typed there, it goes nowhere
    title = draft.para("Familienzentren verlässlich verankern")
    ins = draft.rev("ins")
    etree.SubElement(etree.SubElement(ins, f"{W}r"), f"{W}t").text = " – jetzt"
    title.append(ins)
    returned = draft.save(ws.root / "zurueck.docx")

    assert main(["round", "collect", POSITION, str(returned)]) == 0
    from papier import yamlio

    found, _ = yamlio.load(ws.papers_dir / POSITION / "rounds" / "1" / "comments.yaml")
    for entry in found:
        assert main(["round", "decide", POSITION, entry["id"], "--accept"]) == 0
    capsys.readouterr()
    assert main(["round", "apply", POSITION]) == 1  # some are refused, with reasons
    err = capsys.readouterr().err
    assert "crosses formatting" in err and "has no place in the text" in err

    expected = (CHAPTER
                .replace("mehr\nPersonal[^p] im Quartier und vor Ort.", "mehr\nPersonal[^p] und vor Ort.")
                .replace("Das gilt hier[^a] und dort ebenso.", "Das gilt [^a] dort ebenso.")
                .replace("| Bayern | 10 % | 10 % |", "| Bayern | 10 % | 12 % statt 10 % |")
                .replace("Ende des Kapitels.[^b]", "Ende des Kapitels.[^b] Noch ein Satz."))
    assert _text(ws, POSITION, REL) == expected
    assert _text(ws, POSITION, "text/03-forderungen.md") == third


def test_a_footnote_in_a_table_cell_is_its_cells(workspace: Workspace, capsys) -> None:
    """Two cells of one row, each with a footnote: an edit in the second cell's note goes to
    that note's definition (each cell's notes are its own, not the row's)."""
    ws = workspace
    chapter = ("# Fazit und Einladung {#fazit}\n\n| Land | Zentren |\n|---|---|\n"
               "| Bayern[^x] | 120[^y] |\n\n[^x]: Quelle: Landesamt Bayern 2023.\n"
               "[^y]: Stand 2024.\n")
    (ws.papers_dir / POSITION / REL).write_text(chapter, "utf-8")
    import git

    repo = git.Repo(ws.root)
    repo.git.add(A=True)
    repo.index.commit("Kapitel 4 mit Tabelle")
    draft = _open(ws, POSITION)
    note = draft.para("Stand 2024.", "word/footnotes.xml")
    draft.insert(note, "Stand", ("Amtlicher ", False))
    assert main(["round", "collect", POSITION, str(draft.save(ws.root / "z.docx"))]) == 0
    from papier import yamlio

    [entry], _ = yamlio.load(ws.papers_dir / POSITION / "rounds" / "1" / "comments.yaml")
    assert (entry["anchor"]["file"], entry["anchor"]["line"]) == (REL, 8)
    assert main(["round", "decide", POSITION, entry["id"], "--accept"]) == 0
    assert main(["round", "apply", POSITION]) == 0, capsys.readouterr().err
    assert _text(ws, POSITION, REL) == chapter.replace("[^y]: Stand 2024.", "[^y]: Amtlicher Stand 2024.")
