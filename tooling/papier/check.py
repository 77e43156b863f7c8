"""papier check: every problem of every paper at once, one line each."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import PurePosixPath

from papier import imprint, profile, yamlio
from papier.assemble import assemble, prefetch
from papier.brand import load_brand
from papier.data.analysis import FILE, load_analysis
from papier.errors import PaperInvalid, Problem
from papier.language.check import check_language, fix_language
from papier.paper import Paper, read_paper
from papier.rounds.decisions import validate_items
from papier.rounds.store import load_round, round_numbers
from papier.workspace import Workspace

FORMATS = ("text", "json", "github", "gitlab")


def check_paper(ws: Workspace, slug: str,
                read: tuple[Paper | None, list[Problem]] | None = None,
                language: list[Problem] | None = None) -> list[Problem]:
    """Every problem of one paper (*read*: its paper.yaml, when already read; *language*:
    its language findings, when already checked)."""
    paper, problems = read or read_paper(ws, slug)
    if paper is not None:
        # read without source positions (five times less to read); only a paper with
        # problems is read again with them, so that every message names its line
        found = assemble(paper, citeproc=False, render=False, positions=False).problems
        if found:
            found = assemble(paper, citeproc=False, render=False).problems
        problems = problems + found

        for number in round_numbers(paper):
            problems += validate_items(load_round(paper, number))
        analysis_file = paper.folder / FILE
        if analysis_file.is_file():
            problems += load_analysis(ws, analysis_file, paper.rel(analysis_file))[1]
        problems += check_language(paper) if language is None else language
        lic = imprint.licence(paper.license, paper.license_url)
        if lic is not None and not lic.url:
            problems.append(Problem(
                paper.rel(paper.yaml_path), yamlio.line_of(paper.raw, ["license"]),
                f"license: '{paper.license}' is no licence papier knows (CC BY 4.0, CC BY-SA 4.0, …); "
                "add license_url: with a link to its text", "warning"))
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.col, p.message))


def fix(ws: Workspace, slugs: list[str] | None = None) -> list[tuple[str, int]]:
    """Apply the mechanical language fixes of every valid paper: (file, fixes) per paper."""
    done = []
    for slug in slugs or ws.slugs():
        paper, _ = read_paper(ws, slug)
        if paper is not None and (count := fix_language(paper)):
            done.append((paper.rel(paper.folder), count))
    return done


def check_brand(ws: Workspace) -> list[Problem]:
    """Colours of templates/brand.yaml that no accessible variant can make readable."""
    try:
        brand = load_brand(ws)
    except PaperInvalid as exc:
        return list(exc.problems)
    return [Problem("templates/brand.yaml", 0, message, "warning") for message in brand.contrast_problems()]


def check(ws: Workspace, slugs: list[str] | None = None) -> list[Problem]:
    names = slugs or ws.slugs()
    for slug in names:
        ws.paper_dir(slug)
    read = {slug: read_paper(ws, slug) for slug in names}
    papers = {slug: paper for slug, (paper, _problems) in read.items() if paper is not None}

    def language() -> dict[str, list[Problem]]:
        with profile.stage("language checks"):
            return {slug: check_language(paper) for slug, paper in papers.items()}

    # the language checks need the text only: they run while pandoc reads the new chapters
    with profile.stage("pandoc reads every paper's new chapters; language checks meanwhile"):
        checked = prefetch(list(papers.values()), language)
    with ThreadPoolExecutor(max_workers=4, thread_name_prefix="paper") as pool:
        found = [p for problems in pool.map(lambda s: check_paper(ws, s, read[s], checked.get(s)), names)
                 for p in problems]
    return check_brand(ws) + found


# ---------------------------------------------------------------- reports for people and CI

_GITHUB_LEVEL = {"error": "error", "warning": "warning", "hint": "notice"}
_GITLAB_SEVERITY = {"error": "major", "warning": "minor", "hint": "info"}


def repo_prefix(ws: Workspace) -> str:
    """The workspace folder inside its git repository ("" at the root or outside git): CI
    annotations name files from the repository root."""
    from papier.versions import VersionError, prefix_of, repo_of  # noqa: PLC0415 - git is slow to load

    try:
        return prefix_of(ws, repo_of(ws))
    except VersionError:
        return ""


def check_name(problem: Problem) -> str:
    """The check that found *problem*: its rule, else what kind of file it is about."""
    if problem.rule:
        return problem.rule
    path = PurePosixPath(problem.path)
    if path.parts[:1] == ("templates",):
        return "templates/" + path.stem
    if "rounds" in path.parts:
        return "rounds"
    if path.name == "paper.yaml":
        return "paper-yaml"
    if path.suffix == ".md":
        return "text"
    if path.suffix in (".csv", ".yaml", ".yml"):
        return "data"
    return "paper"


def _github_escape(text: str, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_value else text


def github_lines(problems: list[Problem], prefix: str = "") -> list[str]:
    """GitHub Actions workflow commands (::error file=…,line=…,col=…,title=…::message): shown
    inline in the pull request's diff and in the run's summary."""
    lines = []
    for p in problems:
        props = [f"file={_github_escape(prefix + p.path, True)}"]
        if p.line:
            props.append(f"line={p.line}")
            if p.col:
                props.append(f"col={p.col}")
        props.append(f"title={_github_escape('papier ' + check_name(p), True)}")
        lines.append(f"::{_GITHUB_LEVEL.get(p.severity, 'warning')} {','.join(props)}::"
                     f"{_github_escape(p.message)}")
    return lines


def gitlab_report(problems: list[Problem], prefix: str = "") -> list[dict[str, object]]:
    """A GitLab Code Quality report (artifacts:reports:codequality): one object per problem.
    The fingerprint stays the same when lines above move, so GitLab tells new findings from
    old ones in a merge request; the same message twice in a file is told apart by count."""
    seen: Counter[tuple[str, str, str]] = Counter()
    report: list[dict[str, object]] = []
    for p in problems:
        key = (prefix + p.path, check_name(p), p.message)
        seen[key] += 1
        digest = hashlib.sha256("\0".join([*key, str(seen[key])]).encode()).hexdigest()
        report.append({
            "description": p.message,
            "check_name": key[1],
            "fingerprint": digest,
            "severity": _GITLAB_SEVERITY.get(p.severity, "minor"),
            "location": {"path": key[0], "lines": {"begin": max(p.line, 1)}},
        })
    return report


def render(problems: list[Problem], fmt: str, prefix: str = "") -> str:
    """*problems* as text (path:line:col: message), json, github or gitlab."""
    if fmt == "text":
        return "\n".join(str(p) for p in problems)
    if fmt == "github":
        return "\n".join(github_lines(problems, prefix))
    if fmt == "gitlab":
        return json.dumps(gitlab_report(problems, prefix), ensure_ascii=False, indent=2)
    if fmt == "json":
        return json.dumps([{"path": p.path, "line": p.line, "col": p.col, "severity": p.severity,
                            "check": check_name(p), "message": p.message} for p in problems],
                          ensure_ascii=False, indent=2)
    raise ValueError(f"unknown format {fmt}")
