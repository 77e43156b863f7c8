"""papier release and papier log: versions as annotated git tags, a changelog per paper.

A release refuses, with the reason, on a dirty tree, an open round or undecided comments,
a failing check, or a version not greater than the last. Otherwise it sets version, status
and date in paper.yaml (ruamel round trip), adds a section to the paper's CHANGELOG.md,
commits, tags <slug>/v<version>, and builds the outputs into build/<slug>/ and
publish/<slug>/<version>/. If the build fails, commit and tag are taken back.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from papier import fsutil, i18n, yamlio
from papier.build import build
from papier.check import check
from papier.errors import PapierError, ReleaseRefused
from papier.paper import Paper, load_paper, update_paper_yaml
from papier.rounds.decisions import undecided
from papier.rounds.store import load_items, load_round, round_numbers
from papier.versions import (
    RELEASE_TRAILER,
    Version,
    VersionError,
    commits_since,
    last_version,
    parse_version,
    prefix_of,
    repo_of,
    tag_name,
    versions,
)
from papier.workspace import Workspace


@dataclass(frozen=True)
class RoundSummary:
    number: int
    version: str
    state: str
    decisions: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.decisions.values())

    def line(self) -> str:
        state = {"open": "offen", "closed": "abgeschlossen"}.get(self.state, self.state)
        parts = ", ".join(f"{n} {d}" for d, n in sorted(self.decisions.items()))
        return (f"Runde {self.number} (Fassung {self.version}, {state}): {self.total} Kommentare "
                f"und Vorschläge" + (f" – {parts}" if parts else ""))


def round_summaries(paper: Paper) -> list[RoundSummary]:

    out = []
    for number in round_numbers(paper):
        rnd = load_round(paper, number)
        items = load_items(rnd)
        out.append(RoundSummary(number, str(rnd.data.get("version", "?")), rnd.state,
                                dict(Counter(str(e.get("decision")) for e in items))))
    return out


def _refusals(ws: Workspace, paper: Paper, key: tuple[int, int, int]) -> list[str]:

    slug = paper.slug
    reasons = []
    repo = repo_of(ws)
    if not repo.head.is_valid():
        reasons.append("the repository has no commit yet: commit the paper first")
    prefix = prefix_of(ws, repo)
    status = repo.git.status("--porcelain", "--untracked-files=all", "--",
                             f"{prefix}papers/{slug}", f"{prefix}templates")
    dirty = [line for line in status.splitlines() if not line.endswith("/.lock")]
    if dirty:
        shown = ", ".join(line[3:] for line in dirty[:5]) + (" …" if len(dirty) > 5 else "")
        reasons.append(f"uncommitted changes ({shown}): commit or stash them first")
    for number in round_numbers(paper):
        rnd = load_round(paper, number)
        if rnd.state == "open":
            reasons.append(f"round {number} is still open: decide its items and run "
                           f"papier round close {slug}")
        still_open = undecided(load_items(rnd))
        if still_open:
            reasons.append(f"round {number} has {len(still_open)} undecided item(s) "
                           f"({', '.join(still_open[:5])}{' …' if len(still_open) > 5 else ''}): "
                           f"papier round decide {slug} ID --accept|--partly|--reject|--note")
    errors = [p for p in check(ws, [slug]) if p.severity == "error"]
    if errors:
        reasons.append(f"papier check {slug} reports {len(errors)} problem(s), the first: {errors[0]}")
    last = last_version(ws, slug)
    if last is not None and key <= last.key:
        wanted = ".".join(map(str, key))
        reasons.append(f"version {wanted} is not greater than the last version {last.version} "
                       f"(tag {last.tag}); release {last.key[0]}.{last.key[1] + 1}.0 or "
                       f"{last.key[0] + 1}.0.0")
    return reasons


def changelog_section(paper: Paper, version: str, day: dt.date, since: Version | None,
                      commits: list[Any], rounds: list[RoundSummary]) -> str:
    lang = paper.lang
    lines = [f"## {version} – {i18n.format_date(day, lang)}", "",
             f"Status: {i18n.label(lang, paper.status)}. Git-Tag: `{tag_name(paper.slug, version)}`.", ""]
    since_text = "v" + since.version if since else i18n.label(lang, "beginning")
    lines.append(f"### {i18n.label(lang, 'changes_since')} {since_text}")
    lines.append("")
    lines += [f"- {c.summary} ({c.hexsha[:7]}, {c.author.name}, {c.committed_datetime.date()})"
              for c in commits] or [f"- ({i18n.label(lang, 'no_commits')})"]
    lines.append("")
    if rounds:
        lines += [f"### {i18n.label(lang, 'comment_rounds')}", ""] + [f"- {r.line()}" for r in rounds] + [""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _add_to_changelog(path: Path, title: str, section: str, lang: str) -> None:
    """Newest section first, under the file's heading."""
    header = f"# {i18n.label(lang, 'changes')}: {title}\n\n"
    text = path.read_text("utf-8") if path.is_file() else header
    first = text.find("\n## ")
    text = text + ("\n" if not text.endswith("\n\n") else "") + section if first < 0 \
        else text[:first + 1] + section + "\n" + text[first + 1:]
    fsutil.write_text(path, text)


@dataclass
class Released:
    slug: str
    version: str
    tag: str
    commit: str
    outputs: list[Path] = field(default_factory=list)


def release(ws: Workspace, slug: str, version: str, draft: bool = False,
            today: dt.date | None = None) -> Released:

    key = parse_version(version)
    if key is None:
        raise VersionError(f"{version!r} is not a version; write it like 1.0.0 (major.minor.patch)")
    version = ".".join(map(str, key))
    paper = load_paper(ws, slug)
    reasons = _refusals(ws, paper, key)
    if reasons:
        raise ReleaseRefused(f"cannot release {slug} {version}:\n  - " + "\n  - ".join(reasons))
    repo = repo_of(ws)
    day = today or dt.date.today()
    since = last_version(ws, slug)
    commits = commits_since(ws, slug, since.tag if since else None)
    rounds = [r for r in round_summaries(paper)
              if since is None or (parse_version(r.version) or (0, 0, 0)) >= since.key]

    changes: dict[str, Any] = {"version": version, "date": day}
    if not draft:
        changes["status"] = "veroeffentlicht"
    update_paper_yaml(paper.yaml_path, changes, paper.rel(paper.yaml_path))
    paper = load_paper(ws, slug)
    changelog = paper.folder / "CHANGELOG.md"
    _add_to_changelog(changelog, paper.title,
                      changelog_section(paper, version, day, since, commits, rounds), paper.lang)
    prefix = prefix_of(ws, repo)
    repo.index.add([f"{prefix}papers/{slug}/paper.yaml", f"{prefix}papers/{slug}/CHANGELOG.md"])
    kind = "Entwurf" if draft else "Veröffentlichung"
    commit = repo.index.commit(f"{slug}: {kind} {version}")
    tag = tag_name(slug, version)
    summary = "\n".join([f"{paper.title} – {kind} {version}", "",
                         *[f"- {r.line()}" for r in rounds], "",
                         f"{RELEASE_TRAILER}: {'draft' if draft else 'final'}"])
    repo.create_tag(tag, ref=commit, message=summary)
    try:
        results = build(ws, [slug], final=not draft)
        failed = [r for r in results if not r.ok]
        if failed:
            raise PapierError(f"the build of {slug} {version} failed, so the release was taken "
                              f"back (tag and commit removed):\n{failed[0].error}")
    except BaseException:
        repo.delete_tag(repo.tags[tag])
        repo.head.reset(commit.parents[0], index=True, working_tree=True)
        raise
    publish = ws.root / "publish" / slug / version
    publish.mkdir(parents=True, exist_ok=True)
    outputs = []
    for result in results:
        assert result.path is not None
        target = publish / result.path.name
        with fsutil.atomic_path(target) as tmp:
            shutil.copyfile(result.path, tmp)
        outputs += [result.path, target]
    return Released(slug, version, tag, commit.hexsha[:7], outputs)


def history(ws: Workspace, slug: str) -> dict[str, Any]:
    """Versions (oldest first) with date, status and rounds; commits since the last tag."""
    paper = load_paper(ws, slug)
    repo = repo_of(ws)
    prefix = prefix_of(ws, repo)
    rounds = round_summaries(paper)
    found: list[dict[str, Any]] = []
    for v in versions(ws, slug):
        status, day = "?", v.tagger_date.date().isoformat()
        try:
            blob = v.commit.tree / f"{prefix}papers/{slug}/paper.yaml"
            data = yamlio.loads(blob.data_stream.read().decode("utf-8"))
            status, day = str(data.get("status", "?")), str(data.get("date", day))
        except (KeyError, ValueError):
            pass
        found.append({"version": v.version, "tag": v.tag, "commit": v.commit.hexsha[:7],
                      "date": day, "status": status,
                      "rounds": [r.line() for r in rounds if r.version == v.version]})
    last = str(found[-1]["tag"]) if found else None
    commits = commits_since(ws, slug, last)
    return {
        "paper": slug,
        "versions": found,
        "since": last,
        "commits": [{"commit": c.hexsha[:7], "date": c.committed_datetime.date().isoformat(),
                     "author": c.author.name, "summary": c.summary} for c in commits],
        "worktree": {"version": paper.version, "status": paper.status,
                     "rounds": [r.line() for r in rounds
                                if not any(r.version == v["version"] for v in found)]},
    }
