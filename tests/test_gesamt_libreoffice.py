"""The Gesamtfassung in LibreOffice: a round with files from Word (XML as Word writes it)
and from LibreOffice itself (tests/libreoffice/edits.py) merged into one file; the team
accepts one reviewer's changes and rejects another's in LibreOffice (tests/libreoffice/
decide.py), saves, and papier reads exactly those decisions back; accept-all in
LibreOffice gives the text with every suggestion that was not a rival; and a reviewer's
answered file survives LibreOffice's open-and-save with every comment and answer."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import POSITION
from papier.cli import main
from papier.ooxml.reader import read_docx
from papier.workspace import Workspace
from roundkit import items, open_round
from test_gesamt import GESAMT, REVIEWERS, _draft, word_files

pytestmark = pytest.mark.slow  # LibreOffice edits, decides and re-saves

HERE = Path(__file__).parent / "libreoffice"
LIBREOFFICE_AUTHOR = "Maria Beispiel"  # what edits.py sets as the user's name
NEW_SENTENCE = "Sprachförderung gelingt dort am besten, wo sie zum Alltag der Kita gehört."


def _office(script: str, *args: str) -> str:
    done = subprocess.run(["/usr/bin/python3", str(HERE / script), *args], capture_output=True,
                          text=True, timeout=600, check=False, cwd=HERE)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def round_with_libreoffice(workspace: Workspace) -> Workspace:
    open_round(workspace, reviewers=REVIEWERS)
    edited = workspace.root / "zurueck-traeger.docx"
    _office("edits.py", str(_draft(workspace, "traeger")), str(edited), "paragraph-after",
            "split", "comment-newline")
    files = [*word_files(workspace), edited]
    assert main(["round", "collect", POSITION, *map(str, files)]) == 0
    assert main(["round", "merge", POSITION]) == 0
    return workspace


def test_decisions_taken_in_libreoffice_come_back(round_with_libreoffice: Workspace,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    ws = round_with_libreoffice
    gesamt = ws.build_dir / POSITION / "runde-1" / GESAMT
    decided = ws.root / "entschieden.docx"
    counts = json.loads(_office("decide.py", str(gesamt), str(decided),
                                "--accept", "(Paritätischer", "--reject", "Jonas Muster"))
    assert counts["accepted"] >= 2 and counts["rejected"] >= 1 and counts["pending"] >= 2
    before = items(ws)
    capsys.readouterr()
    assert main(["round", "collect", POSITION, str(decided)]) == 0
    out, err = capsys.readouterr()
    after = items(ws)
    assert [e["id"] for e in after] == [e["id"] for e in before]
    assert "CONFLICT" not in err and "cannot tell" not in err, err
    for entry in after:
        change = entry["kind"] != "comment" and (entry.get("merged") or {}).get("as") == "change"
        if change and entry["reviewer"] == "traeger":
            assert entry["decision"] == "übernommen", entry
        elif change and entry["reviewer"] == "stadt-ludwigsburg":
            assert entry["decision"] == "abgelehnt", entry
        else:
            assert entry["decision"] == "offen", entry
    accepted = sum(1 for e in after if e["reviewer"] == "traeger" and e["kind"] != "comment")
    assert f"{accepted} accepted, 1 rejected" in out


def test_accept_all_in_libreoffice_gives_every_suggestion_but_the_rivals(
        round_with_libreoffice: Workspace) -> None:
    ws = round_with_libreoffice
    gesamt = ws.build_dir / POSITION / "runde-1" / GESAMT
    accepted = ws.root / "alle-angenommen.docx"
    counts = json.loads(_office("decide.py", str(gesamt), str(accepted), "--accept", ""))
    assert counts["pending"] == 0
    text = read_docx(accepted).stories[0].original
    assert "Verwaltungsgrenzen" in text and "Ressortgrenzen" not in text  # the rival stays a comment
    assert "nicht in Zuständigkeiten" not in text and "längst" not in text
    assert "zahlreiche Kommunen (etwa Ludwigsburg)" in text
    assert NEW_SENTENCE in text
    assert "Die rechtlichen Grundlagen wären vorhanden. \n" in text or \
        "Die rechtlichen Grundlagen wären vorhanden.\n" in text  # the split


def test_answered_file_keeps_every_comment_through_libreoffice(round_with_libreoffice: Workspace) -> None:
    ws = round_with_libreoffice
    for entry in items(ws):
        if entry["reviewer"] == "bmfsfj":
            assert main(["round", "decide", POSITION, entry["id"], "--accept",
                         "--response", f"danke ({entry['id']})"]) == 0
    assert main(["round", "reply", POSITION, "--reviewer", "bmfsfj"]) == 0
    answered = ws.build_dir / POSITION / "runde-1" / "rueckmeldung" / \
        f"{POSITION}-v0.1.0-bmfsfj-rueckmeldung.docx"
    resaved = ws.root / "rueckmeldung-libreoffice.docx"
    _office("decide.py", str(answered), str(resaved))
    def texts(path: Path) -> list[str]:
        found = read_docx(path).found
        return sorted([f.text for f in found if f.kind == "comment"]
                      + [r["text"] for f in found for r in f.replies])
    assert texts(resaved) == texts(answered)  # LibreOffice 7.4 unthreads replies, keeps them all
    assert sum(t.startswith("übernommen: danke") for t in texts(resaved)) == 3
