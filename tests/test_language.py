"""Language checks of papier check: one finding each, as path:line:col: message with the fix;
severity from paper.yaml or brand.yaml; papier check --fix for the mechanical ones."""

from __future__ import annotations

import pytest

from conftest import POSITION
from papier.cli import main
from papier.workspace import Workspace

PAPER = f"papers/{POSITION}"
CHAPTER = f"{PAPER}/text/05-sprache.md"
NBSP = "\u00a0"


def check(ws: Workspace, capsys: pytest.CaptureFixture[str], text: str,
          *args: str) -> tuple[int, list[str]]:
    (ws.root / CHAPTER).write_text("# Sprache\n\n" + text, "utf-8")
    code = main(["check", POSITION, *args])
    return code, [line for line in capsys.readouterr().out.splitlines() if line]


@pytest.mark.parametrize(("text", "expected"), [
    ("Wir laden alle Akteur\\*innen ein.\n",
     "3:22: warning: 'Akteur\\*innen' is the sternchen form, but the paper writes doppelpunkt "
     "(Akteur:innen); write 'Akteur:innen' (papier check --fix does it)"),
    ("Wir laden alle LehrerInnen ein.\n",
     "3:22: warning: 'LehrerInnen' is the binnen-i form, but the paper writes doppelpunkt "
     "(Akteur:innen); write 'Lehrer:innen' (papier check --fix does it)"),
    ("Wir laden alle Erzieher/-innen ein.\n",
     "3:24: warning: 'Erzieher/-innen' is the schraegstrich form, but the paper writes doppelpunkt "
     "(Akteur:innen); write 'Erzieher:innen' (papier check --fix does it)"),
    ("Das gilt z.B. für Kommunen.\n",
     "3:10: warning: 'z.B.' needs a (non-breaking) space: write 'z. B.' (papier check --fix does it)"),
    ("Das gilt i.d.R. auch, d.h. immer.\n",
     "3:10: warning: 'i.d.R.' needs a (non-breaking) space: write 'i. d. R.' (papier check --fix does it)"),
    ("Das gilt  für alle.\n", "3:9: warning: 2 spaces in a row; one is enough (papier check --fix does it)"),
    ("Nach § 8a schützen alle.\n",
     "3:7: warning: a line break may split '§' and its number in 'Nach § 8a sc'; use a non-breaking "
     "space (U+00A0) (papier check --fix does it)"),
    ("Siehe Art. 6 GG.\n",
     "3:11: warning: a line break may split the abbreviation and its number in 'e Art. 6 GG.'; use a "
     "non-breaking space (U+00A0) (papier check --fix does it)"),
    ("Es sind 45 % aller Zentren.\n",
     "3:11: warning: a line break may split a number and its unit in 'ind 45 % all'; use a "
     "non-breaking space (U+00A0) (papier check --fix does it)"),
    ('Sie sagte "Hallo und ging.\n',
     '3:11: warning: straight quote (") without a partner: it stays an English “ instead of „…“; add '
     "the missing quote or write „ and “ yourself"),
    ("Der ASD berät Familien.\n",
     "3:5: warning: 'ASD' is used before it is explained; on first use write „Allgemeiner Sozialer "
     "Dienst (ASD)“"),
])
def test_each_rule(workspace: Workspace, capsys: pytest.CaptureFixture[str], text: str,
                   expected: str) -> None:
    code, lines = check(workspace, capsys, text)
    assert code == 0  # warnings do not fail the check
    assert lines[0] == f"{CHAPTER}:{expected}", lines
    assert len(lines) == (2 if "i.d.R." in text else 1), lines  # d.h. is the second


def test_long_sentence_is_a_hint(workspace: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    words = " ".join(["Familien"] * 20)
    text = (f"Am 21. November sagt z. B. die Leiterin, dass {words} und\n{words} kommen. "
            "Das ist kurz.\n")
    code, lines = check(workspace, capsys, text)
    assert code == 0
    assert lines == [f"{CHAPTER}:3:1: hint: this sentence has 51 words (more than 40); "
                     "consider splitting it"]


def test_code_links_attributes_and_comments_are_not_prose(workspace: Workspace,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    text = ("Mit `z.B.  \"x` und [Link](https://example.org/a\"b) und [Text]{.klein  key=\"z.B.\"}.\n\n"
            "<!-- Notiz: Akteur*innen, 45 % -->\n\n```\nAkteur*innen  z.B. § 8a\n```\n\n"
            "| Spalte  | Wert |\n|---|---|\n| a  | b |\n")
    code, lines = check(workspace, capsys, text)
    assert (code, lines) == (0, [])


def test_explained_abbreviation_passes(workspace: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    text = "Der Allgemeine Soziale Dienst (ASD) berät. Der ASD hilft.\n"
    code, lines = check(workspace, capsys, text)
    assert (code, lines) == (0, [])


def test_paper_yaml_makes_rules_errors(workspace: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    yaml = workspace.root / PAPER / "paper.yaml"
    yaml.write_text(yaml.read_text("utf-8") + "language:\n  errors: [abbreviation]\n  off: [spaces]\n",
                    "utf-8")
    code, lines = check(workspace, capsys, "Das gilt z.B.  für Kommunen, LehrerInnen auch.\n")
    assert code == 1
    assert lines[0] == (f"{CHAPTER}:3:10: 'z.B.' needs a (non-breaking) space: write 'z. B.' "
                        "(papier check --fix does it)")
    assert lines[1].startswith(f"{CHAPTER}:3:36: warning: 'LehrerInnen'")
    assert len(lines) == 2  # the double space is off


def test_brand_chooses_the_gender_style(workspace: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    brand = workspace.templates_dir / "brand.yaml"
    brand.write_text(brand.read_text("utf-8").replace("gender: doppelpunkt", "gender: sternchen")
                     .replace("errors: []", "errors: [all]"), "utf-8")
    code, lines = check(workspace, capsys, "Alle Akteur:innen und Akteur\\*innen.\n")
    assert code == 1
    assert lines == [f"{CHAPTER}:3:12: 'Akteur:innen' is the doppelpunkt form, but the paper writes "
                     "sternchen (Akteur\\*innen); write 'Akteur\\*innen' (papier check --fix does it)"]


def test_without_a_chosen_style_the_papers_own_counts(workspace: Workspace,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    brand = workspace.templates_dir / "brand.yaml"
    brand.write_text(brand.read_text("utf-8").replace("  gender: doppelpunkt", "  # no style"), "utf-8")
    code, lines = check(workspace, capsys, "Alle Akteur\\*innen, Lehrer\\*innen und Ärzt:innen.\n")
    assert code == 0
    assert len(lines) == 1
    assert "'Ärzt:innen' is the doppelpunkt form, but the paper writes sternchen" in lines[0]


def test_unknown_style_in_paper_yaml(workspace: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    yaml = workspace.root / PAPER / "paper.yaml"
    text = yaml.read_text("utf-8")
    yaml.write_text(text + "language:\n  gender: gendersternchen\n", "utf-8")
    code, lines = check(workspace, capsys, "Text.\n")
    assert code == 1
    line = len(text.splitlines()) + 2
    assert lines[0].startswith(f"{PAPER}/paper.yaml:{line}: language.gender: 'gendersternchen' is "
                               "not allowed; use one of: doppelpunkt, sternchen")


def test_fix_changes_only_the_mechanical(workspace: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    text = ("Alle Akteur\\*innen  kommen z.B. nach § 8a SGB VIII mit 45 % und `z.B.` mit.\n"
            'Der ASD sagt "Hallo.\n')
    check(workspace, capsys, text)
    assert main(["check", POSITION, "--fix"]) == 0
    out = capsys.readouterr()
    assert f"{PAPER}: fixed 6" in out.err
    fixed = (workspace.root / CHAPTER).read_text("utf-8")
    assert fixed == ("# Sprache\n\n"
                     f"Alle Akteur:innen kommen z.{NBSP}B. nach §{NBSP}8a SGB{NBSP}VIII mit 45{NBSP}% und "
                     "`z.B.` mit.\n"
                     'Der ASD sagt "Hallo.\n')
    remaining = [line for line in out.out.splitlines() if line]
    assert len(remaining) == 3  # the abbreviations and the quote need a person
    assert any("'ASD' is used before it is explained" in line for line in remaining)
    assert any("'SGB VIII' is used before it is explained" in line for line in remaining)
    assert any("straight quote" in line for line in remaining)
    assert main(["check", POSITION, "--fix"]) == 0  # nothing left to fix
    assert "fixed" not in capsys.readouterr().err
    assert (workspace.root / CHAPTER).read_text("utf-8") == fixed


def test_english_papers_get_only_the_general_rules(workspace: Workspace,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    yaml = workspace.root / PAPER / "paper.yaml"
    yaml.write_text(yaml.read_text("utf-8").replace("lang: de-DE", "lang: en-GB"), "utf-8")
    code, lines = check(workspace, capsys, "About 45 % of all Akteur\\*innen, e.g. the ASD,  agree.\n")
    assert code == 0
    assert lines == [f"{CHAPTER}:3:47: warning: 2 spaces in a row; one is enough "
                     "(papier check --fix does it)"]
