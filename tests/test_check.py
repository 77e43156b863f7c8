"""papier check: one bad input each, reported as path:line: message with exit 1."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import POSITION
from papier.cli import main
from papier.workspace import Workspace

PAPER = f"papers/{POSITION}"
YAML = f"{PAPER}/paper.yaml"
CH1 = f"{PAPER}/text/01-ausgangslage.md"


def run_check(capsys: pytest.CaptureFixture[str], *slugs: str) -> tuple[int, list[str]]:
    code = main(["check", *slugs])
    out = capsys.readouterr().out
    return code, [line for line in out.splitlines() if line]


def edit(ws: Workspace, rel: str, old: str, new: str) -> None:
    path = ws.root / rel
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def line_of(ws: Workspace, rel: str, needle: str) -> int:
    for number, line in enumerate((ws.root / rel).read_text("utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_clean_papers_pass(workspace: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run_check(capsys)
    assert (code, lines) == (0, [])


def test_yaml_syntax_error_names_line(workspace: Workspace, capsys) -> None:
    edit(workspace, YAML, "kind: positionspapier", "kind: [positionspapier")
    code, lines = run_check(capsys, POSITION)
    assert code == 1
    assert len(lines) == 1 and lines[0].startswith(f"{YAML}:")
    assert "YAML syntax error" in lines[0]
    reported = int(lines[0].split(":")[1])
    assert reported >= line_of(workspace, YAML, "kind: [positionspapier")


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("kind: positionspapier", "kind: positionpapier",
     "kind: 'positionpapier' is not allowed; use one of: positionspapier, diskussionspapier, "
     "potenzialanalyse"),
    ("version: 0.1.0", "version: 0.1", "version: 0.1 is a number, not a version"),
    ("version: 0.1.0", "version: v1", "version: 'v1' is not a semantic version"),
    ("date: 2026-11-21", "date: 21.11.2026", "date: '21.11.2026' is not a date"),
    ("status: entwurf", "status: fertig", "status: 'fertig' is not allowed"),
])
def test_schema_violation_names_key_line(workspace: Workspace, capsys, old: str, new: str,
                                         expected: str) -> None:
    edit(workspace, YAML, old, new)
    code, lines = run_check(capsys, POSITION)
    assert code == 1
    want = f"{YAML}:{line_of(workspace, YAML, new)}: {expected}"
    assert any(line.startswith(want) for line in lines), lines


def test_missing_title(workspace: Workspace, capsys) -> None:
    edit(workspace, YAML, "title: Familienzentren verlässlich verankern\n", "")
    code, lines = run_check(capsys, POSITION)
    assert code == 1
    assert any(line.startswith(f"{YAML}:") and "'title' is missing" in line for line in lines)


def test_unknown_key_is_named(workspace: Workspace, capsys) -> None:
    edit(workspace, YAML, "license:", "lizenz: x\nlicense:")
    code, lines = run_check(capsys, POSITION)
    assert code == 1 and any("'lizenz' was unexpected" in line for line in lines)


def test_missing_chapter_file(workspace: Workspace, capsys) -> None:
    edit(workspace, YAML, "license:",
         "chapters:\n  - text/01-ausgangslage.md\n  - text/09-fehlt.md\nlicense:")
    code, lines = run_check(capsys, POSITION)
    assert code == 1
    line = line_of(workspace, YAML, "09-fehlt")
    assert f"{YAML}:{line}: chapter file 'text/09-fehlt.md' does not exist" in lines[0]


def test_missing_bibliography_file(workspace: Workspace, capsys) -> None:
    (workspace.root / PAPER / "literatur.bib").unlink()
    code, lines = run_check(capsys, POSITION)
    assert code == 1
    line = line_of(workspace, YAML, "bibliography:")
    assert any(x.startswith(f"{YAML}:{line}: bibliography file 'literatur.bib' does not exist")
               for x in lines)


def test_image_without_alt_and_missing_image(workspace: Workspace, write: Callable, capsys) -> None:
    write(f"{PAPER}/text/05-bilder.md", "# Bilder\n\nText.\n\n![](figures/fehlt.png)\n")
    code, lines = run_check(capsys, POSITION)
    assert code == 1
    path = f"{PAPER}/text/05-bilder.md"
    assert any(x.startswith(f"{path}:5: image 'figures/fehlt.png' has no alt text") for x in lines)
    assert any(x.startswith(f"{path}:5: image 'figures/fehlt.png' not found") for x in lines)


def test_missing_data_file(workspace: Workspace, write: Callable, capsys) -> None:
    write(f"{PAPER}/text/05-daten.md", "# Daten\n\n::: {.table src=\"data/fehlt.csv\"}\n:::\n")
    code, lines = run_check(capsys, POSITION)
    assert code == 1
    assert any(x.startswith(f"{PAPER}/text/05-daten.md:3: data file 'data/fehlt.csv' does not exist")
               for x in lines), lines


def test_broken_internal_link(workspace: Workspace, capsys) -> None:
    edit(workspace, CH1, "Stadtteilen.", "Stadtteilen (siehe [unten](#gibt-es-nicht)).")
    code, lines = run_check(capsys, POSITION)
    assert code == 1
    assert lines == [f"{CH1}:{line_of(workspace, CH1, '#gibt-es-nicht')}: link to '#gibt-es-nicht' "
                     "goes nowhere; no heading or element has that id (write {#gibt-es-nicht} "
                     "after the heading, or fix the link)"]


def test_unknown_citation_key(workspace: Workspace, capsys) -> None:
    edit(workspace, CH1, "Stadtteilen.", "Stadtteilen [@mueller2024, S. 4]; Kontakt: info@example.org.")
    code, lines = run_check(capsys, POSITION)
    assert code == 1
    assert len(lines) == 1, "an e-mail address is not a citation"
    assert lines[0].startswith(f"{CH1}:{line_of(workspace, CH1, 'mueller2024')}: citation key "
                               "'@mueller2024' is not in papers/")


def test_literal_at_sign_can_be_escaped(workspace: Workspace, capsys) -> None:
    edit(workspace, CH1, "Stadtteilen.", "Stadtteilen. Folgen Sie \\@bundesforum.")
    code, lines = run_check(capsys, POSITION)
    assert (code, lines) == (0, [])


def test_duplicate_heading_ids(workspace: Workspace, write: Callable, capsys) -> None:
    write(f"{PAPER}/text/05-anhang.md", "# Anhang {#ausgangslage}\n\nText.\n")
    code, lines = run_check(capsys, POSITION)
    assert code == 1
    assert lines == [f"{PAPER}/text/05-anhang.md:1: id '#ausgangslage' is used twice (first at "
                     f"{CH1}:1); give one of them another {{#id}}"]


def test_all_problems_at_once(workspace: Workspace, write: Callable, capsys) -> None:
    write(f"{PAPER}/text/05-viel.md",
          "# Viel {#fazit}\n\n![](x.png)\n\n[weg](#weg) und @fehlt\n")
    code, lines = run_check(capsys)
    assert code == 1
    assert len(lines) == 5, lines  # duplicate id, no alt, missing image, link, citation


def test_build_refuses_a_paper_with_problems(workspace: Workspace, write: Callable, capsys) -> None:
    write(f"{PAPER}/text/05-fehler.md", "# Fehler\n\nSiehe @unbekannt.\n")
    code = main(["build", "--to", "html"])
    out = capsys.readouterr().out
    assert code == 1
    assert "citation key '@unbekannt'" in out
    assert "potenzialanalyse-familienzentren  html  built" in out  # the other paper still builds
    assert not (workspace.build_dir / POSITION / f"{POSITION}-v0.1.0.html").exists()


def test_unknown_slug(workspace: Workspace, capsys) -> None:
    code = main(["check", "gibt-es-nicht"])
    err = capsys.readouterr().err
    assert code == 2 and "no paper 'gibt-es-nicht'" in err and "papier new" in err


def test_not_in_a_workspace(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PAPIER_ROOT", raising=False)
    assert main(["list"]) == 2
    assert "not inside a papier workspace" in capsys.readouterr().err


def test_chapter_cache_sees_new_files_and_edits(workspace: Workspace, capsys) -> None:
    """An unchanged chapter comes from the cache, but not when a file it names appears."""
    chapter = workspace.root / f"papers/{POSITION}/text/04-fazit.md"
    chapter.write_text(chapter.read_text("utf-8") + "\n![Ein Foto](../figures/foto.png)\n", "utf-8")
    code, lines = run_check(capsys, POSITION)
    assert code == 1 and any("image '../figures/foto.png' not found" in line for line in lines)
    cached = list((workspace.cache_dir / "chapters").glob("*.json"))
    assert cached  # the chapters were stored
    assert run_check(capsys, POSITION) == (code, lines)  # the same answer from the cache
    figure = workspace.root / f"papers/{POSITION}/figures/foto.png"
    figure.parent.mkdir(exist_ok=True)
    figure.write_bytes(b"\x89PNG\r\n\x1a\n")
    assert run_check(capsys, POSITION)[0] == 0
    chapter.write_text(chapter.read_text("utf-8").replace("![Ein Foto]", "![]"), "utf-8")
    code, lines = run_check(capsys, POSITION)
    assert code == 1 and any("has no alt text" in line for line in lines)


# ---------------------------------------------------------------- reports for CI


def _known_errors(ws: Workspace) -> tuple[int, int]:
    """One citation error and one language warning in chapter 1; their lines."""
    edit(ws, CH1, "\n\n", "\n\nEin Satz mit @nirgends darin.\n\nDas gilt z.B. hier.\n\n")
    return line_of(ws, CH1, "@nirgends"), line_of(ws, CH1, "z.B.")


def test_github_format_annotates_file_line_and_column(workspace: Workspace, capsys) -> None:
    error_line, warning_line = _known_errors(workspace)
    code = main(["check", POSITION, "--format", "github"])
    out = capsys.readouterr()
    lines = out.out.splitlines()
    assert code == 1 and "1 problem(s)" in out.err
    assert f"::error file={CH1},line={error_line},title=papier text::citation key '@nirgends'" in lines[0]
    column = (workspace.root / CH1).read_text("utf-8").splitlines()[warning_line - 1].index("z.B.") + 1
    assert lines[1].startswith(f"::warning file={CH1},line={warning_line},col={column},"
                               "title=papier language/abbreviation::'z.B.' needs")
    assert len(lines) == 2


def test_github_paths_are_from_the_repository_root(tmp_path: Path, monkeypatch, capsys) -> None:
    """A workspace in a sub-folder of the repository: GitHub wants paths from the root."""
    import git

    from conftest import make_workspace

    ws = make_workspace(tmp_path / "repo" / "publikationen", papers=(POSITION,), commit=False)
    repo = git.Repo.init(tmp_path / "repo")
    repo.git.add(A=True)
    repo.git.commit("-qm", "x", "--author", "T <t@example.org>")
    _known_errors(ws)
    monkeypatch.chdir(ws.root)
    assert main(["check", "--format", "github"]) == 1
    assert f"::error file=publikationen/{CH1},line=" in capsys.readouterr().out


def test_gitlab_code_quality_report(workspace: Workspace, tmp_path: Path, capsys) -> None:
    import json

    error_line, warning_line = _known_errors(workspace)
    report_file = tmp_path / "gl-code-quality-report.json"
    assert main(["check", "--format", "gitlab", "--output", str(report_file)]) == 1
    printed = capsys.readouterr().out.splitlines()  # the log shows the problems as text
    assert printed[0].startswith(f"{CH1}:{error_line}: citation key") and len(printed) == 2
    report = json.loads(report_file.read_text("utf-8"))
    assert [(r["severity"], r["check_name"], r["location"]) for r in report] == [
        ("major", "text", {"path": CH1, "lines": {"begin": error_line}}),
        ("minor", "language/abbreviation", {"path": CH1, "lines": {"begin": warning_line}}),
    ]
    assert report[0]["description"].startswith("citation key '@nirgends' is not in")
    assert len({r["fingerprint"] for r in report}) == 2
    # the same findings after a line is added above them keep their fingerprints
    edit(workspace, CH1, "\n\n", "\n\nEin neuer Absatz.\n\n")
    assert main(["check", "--format", "gitlab", "--output", str(report_file)]) == 1
    moved = json.loads(report_file.read_text("utf-8"))
    assert [r["fingerprint"] for r in moved] == [r["fingerprint"] for r in report]
    assert moved[0]["location"]["lines"]["begin"] == error_line + 2


def test_json_format_and_clean_reports(workspace: Workspace, capsys) -> None:
    import json

    assert main(["check", "--format", "gitlab"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["check", "--format", "github"]) == 0
    assert capsys.readouterr().out == ""
    _known_errors(workspace)
    assert main(["check", "--format", "json"]) == 1
    found = json.loads(capsys.readouterr().out)
    assert [(f["path"], f["severity"], f["check"]) for f in found] == [
        (CH1, "error", "text"), (CH1, "warning", "language/abbreviation")]


def test_list_changed_since_a_revision(workspace: Workspace, capsys) -> None:
    import json

    import git

    repo = git.Repo(workspace.root)
    base = repo.head.commit.hexsha
    edit(workspace, CH1, "\n\n", "\n\nEin neuer Absatz.\n\n")
    repo.git.commit("-qam", "Absatz", "--author", "T <t@example.org>")
    assert main(["list", "--changed", base, "--json"]) == 0
    assert [row["slug"] for row in json.loads(capsys.readouterr().out)] == [POSITION]
    assert main(["list", "--changed", "HEAD", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["list", "--changed", "kein-zweig"]) == 2
    assert "fetch-depth: 0" in capsys.readouterr().err


def test_a_day_that_does_not_exist(workspace: Workspace, capsys) -> None:
    edit(workspace, YAML, "date: 2026-11-21", "date: 2026-02-30")
    code, lines = run_check(capsys, POSITION)
    assert code == 1 and len(lines) == 1
    assert lines[0].startswith(f"{YAML}:{line_of(workspace, YAML, '2026-02-30')}: ")
    assert "write an existing day as YYYY-MM-DD" in lines[0]
