"""papier release, papier log and reproducible builds from git (build --at)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import git
import pytest
from docx import Document
from pypdf import PdfReader

from conftest import POSITION
from papier.build import build_at
from papier.cli import main
from papier.release import ReleaseRefused, history, release
from papier.rounds.store import round_dir
from papier.workspace import Workspace
from readback import pdf_text

pytestmark = pytest.mark.slow  # cuts releases: builds, commits, tags

TEXT = f"papers/{POSITION}/text/02-was-familienzentren-leisten.md"


def commit_all(ws: Workspace, message: str) -> None:
    repo = git.Repo(ws.root)
    repo.git.add(A=True)
    repo.index.commit(message)


def docx_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_release_sets_metadata_changelog_tag_and_publishes(workspace: Workspace) -> None:
    yaml_path = workspace.root / f"papers/{POSITION}/paper.yaml"
    yaml_path.write_text("# Metadaten des Positionspapiers\n" + yaml_path.read_text("utf-8"), "utf-8")
    commit_all(workspace, "Kommentar in paper.yaml")
    done = release(workspace, POSITION, "1.0.0", today=dt.date(2026, 11, 21))
    text = yaml_path.read_text("utf-8")
    assert text.startswith("# Metadaten des Positionspapiers\n")  # round trip keeps comments
    assert "version: 1.0.0" in text and "status: veroeffentlicht" in text and "date: 2026-11-21" in text
    keys = [line.split(":")[0] for line in text.splitlines() if line and line[0].isalpha()]
    assert keys.index("status") < keys.index("version") < keys.index("date")  # key order kept
    repo = git.Repo(workspace.root)
    tag = repo.tags[f"{POSITION}/v1.0.0"]
    assert tag.tag is not None and "Veröffentlichung 1.0.0" in tag.tag.message  # annotated
    assert tag.commit == repo.head.commit and not repo.is_dirty(untracked_files=False)
    changelog = (workspace.root / f"papers/{POSITION}/CHANGELOG.md").read_text("utf-8")
    assert "## 1.0.0 – 21. November 2026" in changelog and "Erste Fassung" in changelog
    published = workspace.root / "publish" / POSITION / "1.0.0"
    assert sorted(p.suffix for p in published.iterdir()) == [".docx", ".html", ".pdf"]
    pdf = published / f"{POSITION}-v1.0.0.pdf"
    assert "Entwurf" not in pdf_text(pdf).split("\n")[0]  # final: no stamp
    assert PdfReader(pdf).metadata.title == "Familienzentren verlässlich verankern"
    assert any(p.name.endswith(".pdf") and "build" in p.parts for p in done.outputs)


def test_release_rebuilt_from_its_tag_is_the_same(workspace: Workspace) -> None:
    release(workspace, POSITION, "1.0.0")
    path = workspace.root / TEXT
    path.write_text(path.read_text("utf-8").replace("Die Kita", "Die Kindertagesstätte", 1), "utf-8")
    commit_all(workspace, "Weiter geschrieben")
    results = build_at(workspace, "1.0.0", [POSITION], ["pdf", "docx"], final=True)
    assert all(r.ok for r in results)
    again = {r.fmt: r.path for r in results}
    published = workspace.root / "publish" / POSITION / "1.0.0"
    assert again["pdf"] is not None and again["docx"] is not None
    assert "at-v1.0.0" in str(again["pdf"])
    # the same text and metadata, byte for byte in the PDF and part for part in the DOCX
    assert again["pdf"].read_bytes() == (published / again["pdf"].name).read_bytes()
    old, new = docx_parts(published / again["docx"].name), docx_parts(again["docx"])
    assert old == new
    assert "Die Kindertagesstätte" not in pdf_text(again["pdf"])
    # the working tree was not touched
    assert "Die Kindertagesstätte" in path.read_text("utf-8")


def test_draft_build_at_a_revision_is_stamped_from_git(workspace: Workspace) -> None:
    repo = git.Repo(workspace.root)
    first = repo.head.commit
    path = workspace.root / TEXT
    path.write_text(path.read_text("utf-8") + "\nNoch ein Absatz.\n", "utf-8")  # uncommitted
    results = build_at(workspace, first.hexsha[:10], [POSITION], ["docx"])
    docx_path = results[0].path
    assert docx_path is not None and f"at-{first.hexsha[:7]}" in str(docx_path)
    header = Document(str(docx_path)).sections[0].header.paragraphs[0].text
    day = first.committed_datetime.date()
    assert first.hexsha[:7] in header and "geändert" not in header
    assert f"{day.day}. " in header and str(day.year) in header


def test_release_refusals(workspace: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    path = workspace.root / TEXT
    original = path.read_text("utf-8")
    path.write_text(original + "\nUnfertig.\n", "utf-8")
    with pytest.raises(ReleaseRefused, match=r"uncommitted changes .*02-was-familienzentren"):
        release(workspace, POSITION, "1.0.0")
    path.write_text(original, "utf-8")
    assert main(["release", POSITION, "eins"]) == 2
    assert "'eins' is not a version; write it like 1.0.0" in capsys.readouterr().err
    release(workspace, POSITION, "1.0.0")
    assert main(["release", POSITION, "1.0.0"]) == 2  # the same version twice
    err = capsys.readouterr().err
    assert "version 1.0.0 is not greater than the last version 1.0.0" in err
    assert main(["release", POSITION, "0.9.0"]) == 2
    assert "not greater than the last" in capsys.readouterr().err
    # an open round with an undecided item, and a failing check: every reason at once
    folder = round_dir(workspace_paper(workspace), 1)
    folder.mkdir(parents=True)
    (folder / "round.yaml").write_text("number: 1\nversion: 1.0.0\nstate: open\ndeadline: 2026-12-01\n"
                                       "reviewers: []\n", "utf-8")
    (folder / "comments.yaml").write_text(
        "- id: R1-001\n  reviewer: bmfsfj\n  kind: comment\n  text: Bitte präzisieren.\n"
        "  decision: offen\n  anchor: {}\n  source: ''\n", "utf-8")
    path.write_text(original + "\nSiehe @gibtsnicht.\n", "utf-8")
    commit_all(workspace, "Runde 1 und ein Fehler")
    with pytest.raises(ReleaseRefused) as info:
        release(workspace, POSITION, "1.1.0")
    message = str(info.value)
    assert "round 1 is still open" in message and "R1-001" in message
    assert f"papier check {POSITION} reports" in message
    assert git.Repo(workspace.root).tags[-1].name == f"{POSITION}/v1.0.0"  # nothing tagged


def workspace_paper(ws: Workspace):  # type: ignore[no-untyped-def]
    from papier.paper import load_paper

    return load_paper(ws, POSITION)


def test_log_lists_versions_rounds_and_commits(workspace: Workspace,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    release(workspace, POSITION, "0.2.0", draft=True)
    path = workspace.root / TEXT
    path.write_text(path.read_text("utf-8") + "\nNeuer Schluss.\n", "utf-8")
    commit_all(workspace, "Schluss ergänzt")
    info = history(workspace, POSITION)
    assert [v["version"] for v in info["versions"]] == ["0.2.0"]
    assert info["versions"][0]["status"] == "entwurf"
    assert [c["summary"] for c in info["commits"]] == ["Schluss ergänzt"]
    assert main(["log", POSITION]) == 0
    out = capsys.readouterr().out
    assert "v0.2.0" in out and "Entwurf" in out and "1 commit(s) since" in out and "Schluss ergänzt" in out
