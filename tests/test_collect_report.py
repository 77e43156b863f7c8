"""What collect and status say about a file beyond its count: formatting changes not taken,
items without a place, a file that matches nothing."""

from __future__ import annotations

import json

import pytest

from conftest import POSITION
from docxfactory import make_docx, para, rev, run
from papier.cli import main
from papier.workspace import Workspace

pytestmark = pytest.mark.slow  # opens a comment round and collects through the CLI

REVIEWERS = "- id: bmfsfj\n  name: M\n  organisation: Ministerium\n  email: m@example.org\n"


def _open(ws: Workspace, capsys) -> None:
    (ws.root / "r.yaml").write_text(REVIEWERS, "utf-8")
    assert main(["round", "open", POSITION, "--reviewers", "r.yaml", "--deadline", "2026-12-12"]) == 0
    capsys.readouterr()


def test_a_file_that_matches_nothing_is_reported_loudly(workspace: Workspace, capsys) -> None:
    _open(workspace, capsys)
    body = (para(run("Ein ganz anderer Text über Hafenlogistik und ") + rev("ins", 1, run("Kräne")))
            + para('<w:r><w:rPr><w:b/><w:rPrChange w:id="2" w:author="X"><w:rPr/></w:rPrChange>'
                   "</w:rPr><w:t>fett gemacht</w:t></w:r>"))
    other = make_docx(workspace.root / "fremd-bmfsfj.docx", body,
                      header1=para(rev("ins", 3, run("Vertraulich"))))
    assert main(["round", "collect", POSITION, str(other)]) == 0
    out = capsys.readouterr()
    assert "2 new item(s)" in out.out
    assert "2 item(s), none matched the text: is this a draft of another paper" in out.err
    assert "1 formatting change(s) not taken (formatting comes from the template)" in out.err
    assert main(["round", "status", POSITION, "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["reviewers"][0] | {} == {"id": "bmfsfj", "organisation": "Ministerium", "answered": True,
                                         "items": 2, "unplaced": 2, "formatting": 1}
    assert main(["round", "status", POSITION]) == 0
    out = capsys.readouterr()
    assert "2 without a place in the text, 1 formatting change(s) not taken" in out.out
    assert "none of 2 item(s) matched the text" in out.err
    assert main(["round", "matrix", POSITION, "--to", "md"]) == 0
    matrix = (workspace.papers_dir / POSITION / "rounds" / "1" / "kommentarmatrix-runde-1.md").read_text()
    assert "ohne Zuordnung<br>Kopfzeile" in matrix and "Einfügen: „Vertraulich“" in matrix


def test_inserted_table_rows_are_reported(workspace: Workspace, capsys) -> None:
    _open(workspace, capsys)
    row = ('<w:tbl><w:tr><w:trPr><w:ins w:id="1" w:author="X"/></w:trPr><w:tc>'
           + para(rev("ins", 2, run("Berlin"))) + "</w:tc></w:tr></w:tbl>")
    table = make_docx(workspace.root / "zeile-bmfsfj.docx", row)
    assert main(["round", "collect", POSITION, str(table)]) == 0
    assert "1 table row(s) inserted or deleted" in capsys.readouterr().err


def test_an_empty_file_says_so(workspace: Workspace, capsys) -> None:
    _open(workspace, capsys)
    plain = make_docx(workspace.root / "leer-bmfsfj.docx", para(run("Nur Text, nichts markiert.")))
    assert main(["round", "collect", POSITION, str(plain)]) == 0
    assert "no comments and no tracked changes found" in capsys.readouterr().err
