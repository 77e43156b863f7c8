"""The command line as authors use it: new, list, build (incremental, --out, --to, --final)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import ANALYSIS, POSITION
from papier import yamlio
from papier.cli import main, parser
from papier.workspace import Workspace
from readback import docx_text, pdf_text


def _commands(p: argparse.ArgumentParser, path: tuple[str, ...] = ()
              ) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser, str | None]]:
    """Every command and subcommand under *p*: (words, its parser, its one-line help)."""
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            summaries = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action.choices.items():
                yield (*path, name), sub, summaries.get(name)
                yield from _commands(sub, (*path, name))


COMMANDS = [words for words, _, _ in _commands(parser())]
# Commands whose own --help has no description yet (their one-line help shows only in the
# parent's list). Give one in papier/cli.py (description=...) and remove it here; a new
# command must come with a description.
WITHOUT_DESCRIPTION: set[tuple[str, ...]] = set()


def test_the_walk_finds_every_command() -> None:
    assert {("new",), ("list",), ("check",), ("build",), ("diff",), ("release",), ("preview",),
            ("log",), ("round",), ("data",), ("data", "inspect")} <= set(COMMANDS)
    assert [w[1] for w in COMMANDS if w[0] == "round" and len(w) == 2] == [
        "open", "collect", "merge", "reply", "status", "matrix", "decide", "apply", "close"]


@pytest.mark.parametrize("words", COMMANDS, ids=" ".join)
def test_every_command_has_help(words: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    sub, summary = next((s, h) for w, s, h in _commands(parser()) if w == words)
    name = f"papier {' '.join(words)}"
    assert summary and summary.strip(), f"{name}: add_parser(..., help=...) is missing"
    with pytest.raises(SystemExit) as exit_info:
        parser().parse_args([*words, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: papier {' '.join(words)} "), out
    described = bool(sub.description and sub.description.strip())
    if words in WITHOUT_DESCRIPTION:
        assert not described, f"{name} has a description now: remove it from WITHOUT_DESCRIPTION"
        return
    assert described, f"{name} --help: add_parser(..., description=...) is missing"
    first = " ".join(sub.description.split()[:4])
    assert first in " ".join(out.split()), out  # printed after the usage line


def test_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    for words in [(), ("round",)]:
        with pytest.raises(SystemExit) as exit_info:
            parser().parse_args([*words, "--help"])
        assert exit_info.value.code == 0
        out = capsys.readouterr().out
        assert out.startswith("usage: papier")
        for name, _, summary in (c for c in _commands(parser()) if c[0][:-1] == words):
            assert summary
            assert f"{name[-1]} " in out and " ".join(summary.split()[:3]) in " ".join(out.split())


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


@pytest.mark.slow
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


@pytest.mark.slow
def test_build_out_dir_and_formats(workspace: Workspace, tmp_path: Path, capsys) -> None:
    out = tmp_path / "ausgabe"
    assert main(["build", ANALYSIS, "--to", "pdf", "--out", str(out)]) == 0
    assert sorted(p.name for p in (out / ANALYSIS).iterdir()) == [f"{ANALYSIS}-v0.1.0.pdf"]
    assert not (workspace.build_dir / ANALYSIS / f"{ANALYSIS}-v0.1.0.pdf").exists()


def test_build_rejects_unknown_format(workspace: Workspace, capsys) -> None:
    with pytest.raises(SystemExit):
        main(["build", "--to", "odt"])
    assert "unknown format odt" in capsys.readouterr().err


@pytest.mark.slow
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


@pytest.mark.slow
def test_english_paper(workspace: Workspace, capsys) -> None:
    yaml_path = workspace.papers_dir / POSITION / "paper.yaml"
    yaml_path.write_text(yaml_path.read_text().replace("lang: de-DE", "lang: en-GB"))
    assert main(["build", POSITION, "--to", "pdf,docx"]) == 0
    pdf_words = pdf_text(workspace.build_dir / POSITION / f"{POSITION}-v0.1.0.pdf")
    assert "Draft · Version 0.1.0" in pdf_words and "Page 3 of" in pdf_words
    assert "Key demands" in pdf_words and "Imprint" in pdf_words
    header = docx_text(workspace.build_dir / POSITION / f"{POSITION}-v0.1.0.docx", "word/header1.xml")
    assert header.startswith("Draft · Version 0.1.0")


def test_version_and_a_light_start(capsys: pytest.CaptureFixture[str]) -> None:
    """--version reads the installed version; `papier --help` loads no writer, no schema
    validator and no git (each costs start-up time on every command)."""
    from importlib.metadata import version

    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0 and capsys.readouterr().out == f"papier {version('papier')}\n"
    code = ("import sys, papier.cli\n"
            "heavy = {'papier.writers', 'papier.paper', 'jsonschema', 'git', 'lxml', 'docx', "
            "'ruamel.yaml'}\n"
            "print(sorted(heavy & set(sys.modules)))")
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
