"""The command line as authors use it: new, list, build (incremental, --out, --to, --final)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import ANALYSIS, POSITION
from papier import yamlio
from papier.cli import main, parser
from papier.workspace import Workspace
from readback import docx_text, pdf_text


def test_every_command_has_help(capsys) -> None:
    for command in ("new", "list", "check", "build"):
        with pytest.raises(SystemExit) as exit_info:
            parser().parse_args([command, "--help"])
        assert exit_info.value.code == 0
        assert "usage: papier" in capsys.readouterr().out


def test_new_scaffolds_every_kind(empty_workspace: Workspace, capsys) -> None:
    for kind in ("positionspapier", "diskussionspapier", "potenzialanalyse"):
        slug = f"test-{kind}"
        assert main(["new", slug, "--kind", kind, "--title", f"Ein {kind}"]) == 0
        data, problems = yamlio.load(empty_workspace.papers_dir / slug / "paper.yaml")
        assert not problems
        assert data["kind"] == kind and data["title"] == f"Ein {kind}"
        assert data["status"] == "entwurf" and data["version"] == "0.1.0"
    text = (empty_workspace.papers_dir / "test-potenzialanalyse" / "paper.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=")  # comments survive
    text_dir = empty_workspace.papers_dir / "test-potenzialanalyse" / "text"
    chapters = sorted(p.name for p in text_dir.iterdir())
    assert chapters[0] == "01-ausgangslage.md" and chapters[-1] == "06-empfehlungen.md"
    capsys.readouterr()
    assert main(["check"]) == 0


def test_new_refuses_bad_slug_existing_paper_and_unknown_kind(empty_workspace: Workspace, capsys) -> None:
    assert main(["new", "Mein Papier", "--kind", "positionspapier"]) == 2
    assert "not a valid slug" in capsys.readouterr().err
    assert main(["new", "a", "--kind", "positionspapier"]) == 0
    assert main(["new", "a", "--kind", "positionspapier"]) == 2
    assert "already exists" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["new", "b", "--kind", "roman"])


def test_list_json(workspace: Workspace, capsys) -> None:
    assert main(["list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["slug"] for r in rows] == [POSITION, ANALYSIS]
    assert rows[1] == {"slug": ANALYSIS, "kind": "potenzialanalyse",
                       "title": "Was Familienzentren möglich machen", "version": "0.1.0",
                       "status": "entwurf"}
    assert main(["list"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["SLUG", "KIND", "VERSION", "STATUS", "TITLE"]


def test_build_skips_unchanged_and_rebuilds_changed(workspace: Workspace, capsys) -> None:
    assert main(["build", POSITION, "--to", "html,docx"]) == 0
    first = capsys.readouterr().out
    assert first.count(" built ") == 2
    assert main(["build", POSITION, "--to", "html,docx"]) == 0
    second = capsys.readouterr().out
    assert second.count("up to date") == 2 and " built " not in second
    chapter = workspace.papers_dir / POSITION / "text" / "04-fazit.md"
    chapter.write_text(chapter.read_text() + "\nEin neuer Absatz.\n")
    assert main(["build", POSITION, "--to", "docx"]) == 0
    third = capsys.readouterr().out
    assert " built " in third
    docx = workspace.build_dir / POSITION / f"{POSITION}-v0.1.0.docx"
    assert "Ein neuer Absatz." in docx_text(docx)
    assert "(geändert)" in docx_text(docx, "word/header1.xml")


def test_build_out_dir_and_formats(workspace: Workspace, tmp_path: Path, capsys) -> None:
    out = tmp_path / "ausgabe"
    assert main(["build", ANALYSIS, "--to", "pdf", "--out", str(out)]) == 0
    assert sorted(p.name for p in (out / ANALYSIS).iterdir()) == [f"{ANALYSIS}-v0.1.0.pdf"]
    assert not (workspace.build_dir / ANALYSIS / f"{ANALYSIS}-v0.1.0.pdf").exists()


def test_build_rejects_unknown_format(workspace: Workspace, capsys) -> None:
    with pytest.raises(SystemExit):
        main(["build", "--to", "odt"])
    assert "unknown format odt" in capsys.readouterr().err


def test_long_table_breaks_across_pages(workspace: Workspace, capsys) -> None:
    rows = "\n".join(f"| Kommune {i} | {i * 3} | Zeile {i} |" for i in range(1, 121))
    chapter = workspace.papers_dir / POSITION / "text" / "05-anhang.md"
    chapter.write_text("# Anhang\n\nTabelle: Lange Tabelle (Beispieldaten)\n\n"
                       "| Kommune | Zahl | Notiz |\n|---|---:|---|\n" + rows + "\n", "utf-8")
    assert main(["build", POSITION, "--to", "pdf"]) == 0
    pdf = workspace.build_dir / POSITION / f"{POSITION}-v0.1.0.pdf"
    text = pdf_text(pdf)
    assert "Kommune 120" in text and "Zeile 120" in text  # not cut off
    assert len(PdfReader(pdf).pages) >= 8


def test_english_paper(workspace: Workspace, capsys) -> None:
    yaml_path = workspace.papers_dir / POSITION / "paper.yaml"
    yaml_path.write_text(yaml_path.read_text().replace("lang: de-DE", "lang: en-GB"))
    assert main(["build", POSITION, "--to", "pdf,docx"]) == 0
    pdf_words = pdf_text(workspace.build_dir / POSITION / f"{POSITION}-v0.1.0.pdf")
    assert "Draft · Version 0.1.0" in pdf_words and "Page 3 of" in pdf_words
    assert "Key demands" in pdf_words and "Imprint" in pdf_words
    header = docx_text(workspace.build_dir / POSITION / f"{POSITION}-v0.1.0.docx", "word/header1.xml")
    assert header.startswith("Draft · Version 0.1.0")
