"""Draft stamps: status, version, git short hash (+ 'geändert'), date, all from git."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from papier import i18n
from papier.paper import Paper


@dataclass(frozen=True)
class SourceState:
    """What git says about a paper's folder."""

    commit: str  # short hash of the last commit touching the paper, "" without git
    dirty: bool
    day: dt.date  # commit date, or today for uncommitted changes


def source_state(paper: Paper) -> SourceState:
    import git  # GitPython; imported late because it is slow to import

    origin = paper.workspace.origin
    if origin is not None:  # a past version: everything from its commit, nothing from the clock
        repo = git.Repo(origin.repo_root)
        folder, since = f"{origin.prefix}papers/{paper.slug}", [origin.commit]
        dirty = False
    else:
        try:
            repo = git.Repo(paper.workspace.root, search_parent_directories=True)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            return SourceState("", False, dt.date.today())
        folder, since = str(paper.folder.resolve().relative_to(Path(repo.working_dir).resolve())), []
        dirty = bool(repo.git.status("--porcelain", "--untracked-files=all", "--", folder))
    try:
        out = repo.git.log("-1", "--format=%h %cs", *since, "--", folder)
    except git.GitCommandError:  # a repository without commits
        out = ""
    if not out:
        return SourceState("", True, dt.date.today())
    short, day = out.split()
    return SourceState(short, dirty, dt.date.today() if dirty else dt.date.fromisoformat(day))


@dataclass(frozen=True)
class Stamp:
    """The header line of a draft; empty for final builds."""

    text: str
    footer: str  # "Seite {page} von {pages}" template, filled by each writer

    @property
    def draft(self) -> bool:
        return bool(self.text)


def page_footer(lang: str) -> str:
    """'Seite {page} von {pages}': each writer fills in its own page fields."""
    return f"{i18n.label(lang, 'page')} {{page}} {i18n.label(lang, 'of')} {{pages}}"


def make_stamp(paper: Paper, state: SourceState, final: bool) -> Stamp:
    lang = paper.lang
    footer = page_footer(lang)
    if final:
        return Stamp("", footer)
    commit = state.commit or i18n.label(lang, "no_git")
    if state.dirty:
        commit += f" ({i18n.label(lang, 'changed')})"
    parts = [
        i18n.label(lang, paper.status),
        f"{i18n.label(lang, 'version')} {paper.version}",
        commit,
        i18n.format_date(state.day, lang),
    ]
    return Stamp(" · ".join(parts), footer)
