"""The loop with reviewers closed: papier round merge writes one Gesamtfassung of every
reviewer's comments and changes, the team decides in it (in Word: accept, reject, reply
with a decision word), papier round collect reads the decisions back, and papier round
reply answers every reviewer in their own file. What is asserted is what the people see:
the files' comments, threads, tracked changes and texts, comments.yaml and the printed
summary."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import POSITION
from papier.cli import main
from papier.ooxml.reader import read_docx
from papier.workspace import Workspace
from roundkit import REVIEWERS as ROUND_REVIEWERS
from roundkit import items, open_round
from wordlike import (
    W14,
    W15,
    Review,
    W,
    comment_on,
    decide_in_word,
    insert_after,
    replace,
    save_extended,
)

REVIEWERS = ROUND_REVIEWERS + """\
- id: traeger
  name: Lea Träger
  organisation: Paritätischer Beispielverband
  email: l.traeger@example.org
"""
MARIA = {f"{W}author": "Dr. Maria Beispiel", f"{W}date": "2026-11-30T09:00:00Z"}
TOM = {f"{W}author": "Tom Kollege", f"{W}date": "2026-11-30T11:00:00Z"}
JONAS = {f"{W}author": "Jonas Muster", f"{W}date": "2026-12-01T14:30:00Z"}
LEA = {f"{W}author": "Lea Träger", f"{W}date": "2026-12-02T08:15:00Z"}
GESAMT = f"{POSITION}-v0.1.0-gesamt.docx"


def _draft(ws: Workspace, who: str) -> Path:
    return ws.build_dir / POSITION / "runde-1" / f"{POSITION}-v0.1.0-{who}.docx"


def _returned(ws: Workspace) -> list[Path]:
    """Three reviewers' files as Word writes them: two change the same word differently,
    two delete the same word, threads with a colleague's reply and a resolved flag."""
    return [*word_files(ws), _traeger(ws)]


def word_files(ws: Workspace) -> list[Path]:
    """The ministry's and the city's files."""
    out = []
    review = Review(_draft(ws, "bmfsfj"))
    replace(review, "Zuständigkeiten", "Verwaltungsgrenzen", 201, MARIA, within="Kinder wachsen")
    replace(review, "längst ", "", 203, MARIA)
    comment_on(review, "Familienzentren nutzen genau diesen vertrauten Ort", 10, MARIA, "Quelle?",
               replies=((TOM, "Siehe Landesbericht 2025."),), done=True)
    out.append(ws.root / "zurueck-bmfsfj.docx")
    save_extended(review, out[-1])
    review = Review(_draft(ws, "stadt-ludwigsburg"))
    replace(review, "Zuständigkeiten", "Ressortgrenzen", 301, JONAS, within="Kinder wachsen")
    insert_after(review, "zahlreiche Kommunen", " (etwa Ludwigsburg)", 303, JONAS)
    comment_on(review, "Wer Familien früh und ohne Hürden erreichen will", 20, JONAS,
               "Bitte ein Praxisbeispiel ergänzen.")
    out.append(ws.root / "zurueck-stadt-ludwigsburg.docx")
    save_extended(review, out[-1])
    return out


def _traeger(ws: Workspace) -> Path:
    review = Review(_draft(ws, "traeger"))
    replace(review, "längst ", "", 401, LEA)
    insert_after(review, "Träger aller Größen", " und Initiativen", 402, LEA)
    comment_on(review, "Träger aller Größen", 30, LEA, "Träger brauchen Planungssicherheit.")
    out = ws.root / "zurueck-traeger.docx"
    save_extended(review, out)
    return out


@pytest.fixture
def merged(workspace: Workspace) -> Workspace:
    open_round(workspace, reviewers=REVIEWERS)
    files = _returned(workspace)
    assert main(["round", "collect", POSITION, *map(str, files)]) == 0
    assert main(["round", "merge", POSITION]) == 0
    return workspace


def _gesamt(ws: Workspace) -> Path:
    return ws.build_dir / POSITION / "runde-1" / GESAMT


def _commented(path: Path, ident: str) -> str:
    """The text (struck text too) between a comment's range start and end."""
    with zipfile.ZipFile(path) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    inside, out = False, []
    for el in root.iter():
        if el.tag in (f"{W}commentRangeStart", f"{W}commentRangeEnd") and el.get(f"{W}id") == ident:
            inside = el.tag == f"{W}commentRangeStart"
        elif inside and el.tag in (f"{W}t", f"{W}delText"):
            out.append(el.text or "")
    return "".join(out)


def _by_text(ws: Workspace) -> dict[str, dict]:
    return {(e.get("text") or e.get("deleted") or "").strip(): e for e in items(ws)}


def test_merge_attributes_every_item_and_turns_rivals_into_comments(merged: Workspace) -> None:
    path = _gesamt(merged)
    reading = read_docx(path)
    changes = [f for f in reading.found if f.kind != "comment"]
    comments = {f.text: f for f in reading.found if f.kind == "comment"}
    # the tracked changes: each by its author with the organisation and the original date
    assert {(f.kind, f.author, f.date, f.text.strip(), f.deleted.strip()) for f in changes} == {
        ("replacement", "Dr. Maria Beispiel (Bundesministerium (Beispiel))", "2026-11-30T09:00:00Z",
         "Verwaltungsgrenzen", "Zuständigkeiten"),
        ("deletion", "Dr. Maria Beispiel (Bundesministerium (Beispiel))", "2026-11-30T09:00:00Z",
         "", "längst"),
        ("insertion", "Jonas Muster (Stadt Ludwigsburg (Beispiel))", "2026-12-01T14:30:00Z",
         "(etwa Ludwigsburg)", ""),
        ("insertion", "Lea Träger (Paritätischer Beispielverband)", "2026-12-02T08:15:00Z",
         "und Initiativen", ""),
    }
    # the reviewer's comment with its thread and resolved state, as written
    quelle = comments["Quelle?"]
    assert quelle.author == "Dr. Maria Beispiel (Bundesministerium (Beispiel))" and quelle.resolved
    assert quelle.replies == [{"author": "Tom Kollege (Bundesministerium (Beispiel))",
                               "date": "2026-11-30T11:00:00Z", "text": "Siehe Landesbericht 2025."}]
    assert quelle.quote == "Familienzentren nutzen genau diesen vertrauten Ort"
    # the rival change to the same word: a comment on the same words quoting its wording
    rival = next(f for t, f in comments.items() if t.startswith("Alternativvorschlag"))
    assert rival.author == "Jonas Muster (Stadt Ludwigsburg (Beispiel))"
    assert "Stadt Ludwigsburg (Beispiel)" in rival.text and "„Ressortgrenzen“" in rival.text
    assert _commented(path, rival.docx_id) == "Zuständigkeiten"  # the words, struck by the first
    same = next(f for t, f in comments.items() if t.startswith("Gleicher Vorschlag"))
    assert same.author.startswith("Lea Träger") and "längst" in same.text
    # every item is in the file once: 4 changes, 3 comments of reviewers, 2 rivals as comments,
    # and one label comment per change for the team's replies
    assert len(changes) == 4
    assert sum(1 for t in comments if t.startswith("R1-")) == 4
    assert len(comments) == 4 + 3 + 2
    # the matrix says which is which
    by_text = _by_text(merged)
    assert by_text["Ressortgrenzen"]["merged"]["as"] == "alternative"
    assert by_text["Ressortgrenzen"]["merged"]["of"] == by_text["Verwaltungsgrenzen"]["id"]
    assert by_text["längst"]["merged"]["as"] in ("change", "same")
    assert main(["round", "matrix", POSITION, "--to", "md"]) == 0
    matrix = (merged.papers_dir / POSITION / "rounds" / "1" / "kommentarmatrix-runde-1.md").read_text("utf-8")
    assert f"Alternativvorschlag zu {by_text['Verwaltungsgrenzen']['id']}" in matrix


def test_gesamtfassung_is_well_formed_for_word(merged: Workspace) -> None:
    with zipfile.ZipFile(_gesamt(merged)) as zf:
        document = etree.fromstring(zf.read("word/document.xml"))
        comments = etree.fromstring(zf.read("word/comments.xml"))
        extended = etree.fromstring(zf.read("word/commentsExtended.xml"))
        settings = etree.fromstring(zf.read("word/settings.xml"))
        custom = zf.read("docProps/custom.xml").decode()
        header = zf.read("word/header1.xml").decode()
        rels = zf.read("word/_rels/document.xml.rels").decode()
        types = zf.read("[Content_Types].xml").decode()
    revision_ids = [e.get(f"{W}id") for e in document.iter(f"{W}ins", f"{W}del")]
    assert len(revision_ids) == len(set(revision_ids)) > 0
    annotation_ids = revision_ids + [e.get(f"{W}id") for e in document.iter(f"{W}bookmarkStart")]
    assert len(annotation_ids) == len(set(annotation_ids))
    para_ids = [p.get(f"{W14}paraId") for c in comments for p in c.iter(f"{W}p")]
    assert all(para_ids) and len(para_ids) == len(set(para_ids))
    assert {e.get(f"{W15}paraId") for e in extended} <= set(para_ids)
    parents = [e.get(f"{W15}paraIdParent") for e in extended if e.get(f"{W15}paraIdParent")]
    assert parents and set(parents) <= set(para_ids)
    # every comment is anchored once in the text
    refs = [r.get(f"{W}id") for r in document.iter(f"{W}commentReference")]
    assert sorted(refs) == sorted(c.get(f"{W}id") for c in comments)
    assert "commentsExtended" in rels and "commentsExtended+xml" in types
    # tracking on, not enforced: the team decides here
    assert settings.find(f"{W}trackRevisions") is not None
    assert settings.find(f"{W}documentProtection") is None
    assert "papier.kind" in custom and ">gesamtfassung<" in custom and 'name="papier.round"' in custom
    assert "Gesamtfassung – Kommentierungsrunde 1" in header
    first_page = [("".join(t.text or "" for t in p.iter(f"{W}t")))
                  for p in document.find(f"{W}body").iterchildren(f"{W}p")][:12]
    text = "\n".join(first_page)
    assert "Gesamtfassung der Kommentierungsrunde 1" in text
    assert "Stadt Ludwigsburg (Beispiel) (Jonas Muster): Kommentare 1, Änderungsvorschläge 2" in text
    assert "„übernommen: …“" in text and "Hinweise zur Kommentierung" not in text


def _decide(ws: Workspace) -> Path:
    decided = ws.root / "gesamt-entschieden.docx"
    decide_in_word(_gesamt(ws), decided, accept=("Maria Beispiel",), reject=("Jonas Muster",),
                   replies={"Quelle?": "Übernommen – Landesbericht ergänzt.",
                            "Alternativvorschlag": "abgelehnt: Wir bleiben bei „Verwaltungsgrenzen“.",
                            "Träger brauchen": "zur Kenntnis",
                            "Praxisbeispiel": "Gute Idee, klären wir."})
    return decided


def test_decisions_taken_in_word_come_back(merged: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    before = items(merged)
    capsys.readouterr()
    assert main(["round", "collect", POSITION, str(_decide(merged))]) == 0
    out, err = capsys.readouterr()
    after = items(merged)
    assert [e["id"] for e in after] == [e["id"] for e in before]  # no item added or lost
    for a, b in zip(after, before, strict=True):
        for key in ("reviewer", "author", "date", "kind", "text", "anchor", "source", "replies"):
            assert a[key] == b[key]
    got = {(e.get("text") or e.get("deleted") or "").strip(): (e["decision"], e["response"]) for e in after}
    assert got == {
        "Verwaltungsgrenzen": ("übernommen", ""),  # accepted in the file
        "längst": ("übernommen", ""),
        "Quelle?": ("übernommen", "Landesbericht ergänzt."),  # reply with a decision word
        "Ressortgrenzen": ("abgelehnt", "Wir bleiben bei „Verwaltungsgrenzen“."),
        "(etwa Ludwigsburg)": ("abgelehnt", ""),  # rejected in the file
        "Bitte ein Praxisbeispiel ergänzen.": ("offen", ""),  # a reply without a decision word
        "und Initiativen": ("offen", ""),  # still pending
        "Träger brauchen Planungssicherheit.": ("zur-kenntnis", ""),
    } | {k: ("übernommen", "") for k in ("längst",)}
    assert "3 accepted" not in out and "2 accepted, 1 rejected" in out and "2 still open" in out
    assert "Gute Idee, klären wir." in err and "no decision word" in err
    # the same file again: nothing new, nothing changed
    assert main(["round", "collect", POSITION, str(_decide(merged))]) == 0
    assert items(merged) == after


def test_a_recorded_decision_the_file_contradicts_is_listed_not_overwritten(
        merged: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    ident = _by_text(merged)["Verwaltungsgrenzen"]["id"]
    assert main(["round", "decide", POSITION, ident, "--reject", "--response", "zu sperrig"]) == 0
    capsys.readouterr()
    decided = _decide(merged)
    assert main(["round", "collect", POSITION, str(decided)]) == 0
    err = capsys.readouterr().err
    assert f"CONFLICT {ident}: comments.yaml says „abgelehnt“, the file „übernommen“" in err
    assert _by_text(merged)["Verwaltungsgrenzen"]["decision"] == "abgelehnt"
    assert main(["round", "collect", POSITION, str(decided), "--overwrite"]) == 0
    assert _by_text(merged)["Verwaltungsgrenzen"]["decision"] == "übernommen"


def test_reply_answers_each_reviewer_in_their_own_file(merged: Workspace,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["round", "collect", POSITION, str(_decide(merged))]) == 0
    capsys.readouterr()
    assert main(["round", "reply", POSITION]) == 1  # two of them still have open items
    err = capsys.readouterr().err
    assert "REFUSED stadt-ludwigsburg: 1 item(s) still undecided" in err
    assert "REFUSED traeger: 1 item(s) still undecided" in err
    folder = merged.build_dir / POSITION / "runde-1" / "rueckmeldung"
    path = folder / f"{POSITION}-v0.1.0-bmfsfj-rueckmeldung.docx"
    assert path.is_file() and not (folder / f"{POSITION}-v0.1.0-traeger-rueckmeldung.docx").exists()
    original = read_docx(merged.root / "zurueck-bmfsfj.docx")
    answered = read_docx(path)
    # their own comments and changes: the same, with the same texts
    own = [(f.kind, f.author, f.date, f.text, f.deleted) for f in original.found]
    assert [(f.kind, f.author, f.date, f.text, f.deleted) for f in answered.found
            if f.author != "Bundesforum Familienzentren"] == own
    team = [f for f in answered.found if f.author == "Bundesforum Familienzentren"]
    assert sorted(f.text for f in team) == ["übernommen", "übernommen"]  # one on each change
    quelle = next(f for f in answered.found if f.text == "Quelle?")
    assert quelle.replies[-1]["author"] == "Bundesforum Familienzentren"
    assert quelle.replies[-1]["text"] == "übernommen: Landesbericht ergänzt."
    assert quelle.replies[0]["text"] == "Siehe Landesbericht 2025."
    with zipfile.ZipFile(path) as zf:
        settings = zf.read("word/settings.xml").decode()
    assert "documentProtection" not in settings
    cover = (folder / f"{POSITION}-v0.1.0-bmfsfj-rueckmeldung.txt").read_text("utf-8")
    assert cover.startswith("Betreff: Ihre Anmerkungen zu „Familienzentren verlässlich verankern“")
    assert "Übernommen: 3, teilweise übernommen: 0, abgelehnt: 0" in cover
    eml = (folder / f"{POSITION}-v0.1.0-bmfsfj-rueckmeldung.eml").read_bytes()
    assert b'To: "Dr. Maria Beispiel" <maria.beispiel@example.org>' in eml and b"X-Unsent: 1" in eml
    # --partial answers the decided ones and names the rest in the cover text
    assert main(["round", "reply", POSITION, "--reviewer", "traeger", "--partial"]) == 0
    cover = (folder / f"{POSITION}-v0.1.0-traeger-rueckmeldung.txt").read_text("utf-8")
    assert "Noch in Beratung: 1" in cover
    answered = read_docx(folder / f"{POSITION}-v0.1.0-traeger-rueckmeldung.docx")
    lea = next(f for f in answered.found if f.text == "Träger brauchen Planungssicherheit.")
    assert lea.replies == [{"author": "Bundesforum Familienzentren", "date": lea.replies[0]["date"],
                            "text": "zur Kenntnis genommen"}]


def test_merge_needs_collected_items(workspace: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    open_round(workspace, reviewers=REVIEWERS)
    assert main(["round", "merge", POSITION]) == 0
    assert "0 tracked change(s)" in capsys.readouterr().out
    text = "\n".join(t.text or "" for t in etree.fromstring(
        zipfile.ZipFile(_gesamt(workspace)).read("word/document.xml")).iter(f"{W}t"))
    assert "Noch keine Rückmeldungen." in text
