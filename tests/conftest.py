"""Shared fixtures: a copy of the repository's templates and papers in a fresh git repo."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import git
import pytest

from papier.build import build
from papier.workspace import Workspace

REPO = Path(__file__).resolve().parents[1]
POSITION = "familienzentren-positionspapier"
ANALYSIS = "potenzialanalyse-familienzentren"


def make_workspace(target: Path, papers: tuple[str, ...] = (POSITION, ANALYSIS),
                   commit: bool = True) -> Workspace:
    shutil.copytree(REPO / "templates", target / "templates")
    (target / "papers").mkdir(parents=True)
    for slug in papers:
        shutil.copytree(REPO / "papers" / slug, target / "papers" / slug)
    if commit:
        repo = git.Repo.init(target)
        with repo.config_writer() as cfg:
            cfg.set_value("user", "name", "Test Autorin")
            cfg.set_value("user", "email", "autorin@example.org")
        repo.git.add(A=True)
        repo.index.commit("Erste Fassung")
    return Workspace(target)


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    ws = make_workspace(tmp_path / "ws")
    monkeypatch.chdir(ws.root)
    monkeypatch.delenv("PAPIER_ROOT", raising=False)
    return ws


@pytest.fixture
def position_round(workspace: Workspace, capsys: pytest.CaptureFixture[str]) -> Workspace:
    """Round 1 of the position paper open for the reviewers of roundkit (deadline 12 December
    2026), nothing collected yet."""
    from roundkit import open_round

    open_round(workspace)
    capsys.readouterr()
    return workspace


@pytest.fixture
def empty_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    ws = make_workspace(tmp_path / "ws", papers=(), commit=False)
    monkeypatch.chdir(ws.root)
    monkeypatch.delenv("PAPIER_ROOT", raising=False)
    return ws


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """Both example papers built once (drafts), as {slug: {fmt: path}}."""
    ws = make_workspace(tmp_path_factory.mktemp("built") / "ws")
    results = build(ws)
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    out: dict[str, dict[str, Path]] = {}
    for r in results:
        assert r.path is not None
        out.setdefault(r.slug, {})[r.fmt] = r.path
    out["_root"] = {"root": ws.root}
    return out


@pytest.fixture(scope="session")
def built_final(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    ws = make_workspace(tmp_path_factory.mktemp("final") / "ws", papers=(POSITION,))
    results = build(ws, final=True)
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    return {r.fmt: r.path for r in results if r.path is not None}


@pytest.fixture
def write(workspace: Workspace) -> Callable[[str, str], Path]:
    """Write a file relative to the workspace root."""

    def _write(rel: str, text: str) -> Path:
        path = workspace.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write
