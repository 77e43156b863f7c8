"""Versions of a paper in git: tags <slug>/vX.Y.Z, revisions, snapshots of past versions.

Everything here reads git through GitPython; nothing touches the working tree.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from papier.errors import VersionError
from papier.paper import Paper
from papier.workspace import Origin, Workspace

if TYPE_CHECKING:
    import git

VERSION_RE = re.compile(r"^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
WORKTREE = "Arbeitsstand"
RELEASE_TRAILER = "Papier-Release"  # last line of a version tag's message: draft or final


def parse_version(text: str) -> tuple[int, int, int] | None:
    match = VERSION_RE.match(text.strip())
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def tag_name(slug: str, version: str) -> str:
    return f"{slug}/v{version.lstrip('v')}"


def repo_of(ws: Workspace) -> git.Repo:
    import git  # noqa: PLC0415 - lazy: GitPython is slow to load

    root = ws.origin.repo_root if ws.origin else ws.root
    try:
        return git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError) as exc:
        raise VersionError(f"{ws.root}: not a git repository; versions live in git: "
                           "run git init and commit the papers") from exc


def prefix_of(ws: Workspace, repo: git.Repo) -> str:
    """The workspace folder inside the repository, as a tree path prefix."""
    if ws.origin:
        return ws.origin.prefix
    rel = ws.root.resolve().relative_to(Path(repo.working_dir).resolve()).as_posix()
    return "" if rel == "." else rel + "/"


@dataclass(frozen=True)
class Revision:
    """A version of a paper to read: a commit, or the working tree (commit None)."""

    label: str  # "v0.2.0", "a1b2c3d" or "Arbeitsstand"
    commit: git.Commit | None
    version: str = ""  # set when the revision is a version tag

    @property
    def author(self) -> str:
        return str(self.commit.author.name) if self.commit is not None else ""

    @property
    def when(self) -> dt.datetime:
        if self.commit is None:
            return dt.datetime.now(dt.UTC).replace(microsecond=0)
        return self.commit.committed_datetime.astimezone(dt.UTC)

    @property
    def file_label(self) -> str:
        return self.label if self.commit is None or self.version else self.commit.hexsha[:7]


@dataclass(frozen=True)
class Version:
    version: str
    key: tuple[int, int, int]
    tag: str
    commit: git.Commit
    message: str
    tagger_date: dt.datetime


def versions(ws: Workspace, slug: str) -> list[Version]:
    """The paper's version tags, oldest first (by semantic version)."""
    repo = repo_of(ws)
    found = []
    for ref in repo.tags:
        name = ref.name
        if not name.startswith(f"{slug}/"):
            continue
        key = parse_version(name[len(slug) + 1:])
        if key is None:
            continue
        tag = ref.tag  # None for a lightweight tag
        when = (dt.datetime.fromtimestamp(tag.tagged_date, dt.UTC) if tag is not None
                else ref.commit.committed_datetime.astimezone(dt.UTC))
        found.append(Version(".".join(map(str, key)), key, name, ref.commit,
                             tag.message.strip() if tag is not None else "", when))
    return sorted(found, key=lambda v: v.key)


def resolve(ws: Workspace, slug: str, spec: str | None) -> Revision:
    """A version (0.2.0, v0.2.0), a tag, or any git revision; None is the working tree."""
    import git  # noqa: PLC0415 - lazy: GitPython is slow to load

    if spec is None:
        return Revision(WORKTREE, None)
    repo = repo_of(ws)
    key = parse_version(spec)
    if key is not None:
        version = ".".join(map(str, key))
        name = tag_name(slug, version)
        if name not in [t.name for t in repo.tags]:
            known = ", ".join(v.version for v in versions(ws, slug)) or "none yet"
            raise VersionError(f"{slug}: there is no version {version} (no tag {name}); "
                               f"versions: {known}. Make one with: papier release {slug} {version}")
        return Revision(f"v{version}", repo.commit(name), version)
    try:
        commit = repo.commit(spec)
    except (git.BadName, ValueError, git.GitCommandError) as exc:
        raise VersionError(f"{spec!r} is not a version, tag or git revision of this repository; "
                           f"see the versions with: papier log {slug}") from exc
    tagged = next((v for v in versions(ws, slug) if v.commit == commit), None)
    if tagged is not None and spec in (tagged.tag, f"v{tagged.version}"):
        return Revision(f"v{tagged.version}", commit, tagged.version)
    return Revision(spec if len(spec) <= 20 else commit.hexsha[:7], commit)


def last_version(ws: Workspace, slug: str) -> Version | None:
    found = versions(ws, slug)
    return found[-1] if found else None


@contextmanager
def snapshot(ws: Workspace, slug: str, commit: git.Commit) -> Iterator[Workspace]:
    """A temporary workspace with templates/ and papers/<slug>/ as they were at *commit*."""
    repo = repo_of(ws)
    prefix = prefix_of(ws, repo)
    root = Path(tempfile.mkdtemp(prefix="papier-snapshot-"))
    try:
        wanted = [f"{prefix}templates", f"{prefix}papers/{slug}"]
        for path in wanted:
            try:
                tree = commit.tree / path
            except KeyError:
                if path.endswith(slug):
                    raise VersionError(f"{slug}: the paper does not exist at {commit.hexsha[:7]} "
                                       f"({path} is not in that commit); pick a later revision "
                                       f"(papier log {slug})") from None
                continue
            for item in tree.traverse():
                if item.type != "blob":  # type: ignore[union-attr]
                    continue
                target = root / str(item.path)[len(prefix):]  # type: ignore[union-attr]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(item.data_stream.read())  # type: ignore[union-attr]
        (root / "papers").mkdir(exist_ok=True)
        yield Workspace(root, Origin(Path(repo.working_dir), prefix, commit.hexsha))
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def checkout(ws: Workspace, slug: str, revision: Revision) -> Iterator[Workspace]:
    """The workspace of *revision*: the real one for the working tree, else a snapshot."""
    if revision.commit is None:
        yield ws
    else:
        with snapshot(ws, slug, revision.commit) as past:
            yield past


def commits_since(ws: Workspace, slug: str, since: str | None) -> list[git.Commit]:
    """Commits touching the paper after *since* (a tag), newest first."""
    repo = repo_of(ws)
    if not repo.head.is_valid():
        return []
    folder = f"{prefix_of(ws, repo)}papers/{slug}"
    rev = f"{since}..HEAD" if since else "HEAD"
    return list(repo.iter_commits(rev, paths=folder))


def changed_papers(ws: Workspace, since: str) -> list[str]:
    """Slugs of the papers whose own files changed between *since* and HEAD (from their merge
    base, as a pull request shows it), and that still exist; for CI's redlines and builds."""
    import git  # noqa: PLC0415 - lazy: GitPython is slow to load

    repo = repo_of(ws)
    prefix = f"{prefix_of(ws, repo)}papers/"
    try:
        names = repo.git.diff("--name-only", "--no-renames", f"{since}...HEAD", "--", prefix)
    except git.GitCommandError as exc:
        raise VersionError(f"{since!r} is not a revision of this repository (in CI, fetch the "
                           "whole history: fetch-depth: 0); see: git log --oneline") from exc
    found = {name[len(prefix):].split("/", 1)[0] for name in names.splitlines() if "/" in name[len(prefix):]}
    return [slug for slug in ws.slugs() if slug in found]


@dataclass(frozen=True)
class SourceState:
    """What git says about a paper's folder."""

    commit: str  # short hash of the last commit touching the paper, "" without git
    dirty: bool
    day: dt.date  # commit date, or today for uncommitted changes


def source_state(paper: Paper) -> SourceState:
    """The last commit touching the paper's folder, and whether the folder has changes."""
    import git  # noqa: PLC0415 - lazy: GitPython is slow to load

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


def head_commit(ws: Workspace) -> str:
    """The full hash of the workspace's HEAD commit; "" outside git or before a commit."""
    import git  # noqa: PLC0415 - lazy: GitPython is slow to load

    try:
        return git.Repo(ws.root, search_parent_directories=True).head.commit.hexsha
    except (git.InvalidGitRepositoryError, git.NoSuchPathError, ValueError):
        return ""


def user_name(ws: Workspace) -> str:
    """Who is working: git's user.name, for changes not yet committed."""
    repo = repo_of(ws)
    try:
        return str(repo.config_reader().get_value("user", "name"))
    except Exception:  # configparser raises several kinds
        return "papier"
