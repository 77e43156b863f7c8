"""Tasks for papier. `nox` alone builds every paper; `nox -s tests` runs the test suite.
CI (.github/workflows/papier.yml, .gitlab-ci.yml) runs the sessions check, build, redline and site."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import nox

nox.options.sessions = ["build"]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = False

WORKFLOW = ".github/workflows/papier.yml"
REDLINE_DIR = Path("build/redline")
SUMMARY_LIMIT = 900_000  # bytes; GitHub refuses a job summary over 1 MiB


@nox.session
def build(session: nox.Session) -> None:
    """Build every paper into build/<slug>/ (DOCX, PDF, HTML); pass SLUGs or flags after --."""
    session.install("-e", ".")
    session.run("papier", "build", *session.posargs)


@nox.session
def check(session: nox.Session) -> None:
    """papier check over every paper; SLUGs or flags after -- (CI: `-- --format github`)."""
    session.install("-e", ".")
    session.run("papier", "check", *session.posargs)


@nox.session
def redline(session: nox.Session) -> None:
    """Redlines of the papers changed since a base revision: `nox -s redline -- origin/main`.

    The changed passages go into the job summary ($GITHUB_STEP_SUMMARY) or else the log; the
    redline as Markdown and DOCX and the Synopse into build/redline/."""
    if len(session.posargs) != 1:
        session.error("name the base revision after --, e.g. nox -s redline -- origin/main")
    base = session.posargs[0]
    session.install("-e", ".")
    listed = session.run("papier", "list", "--changed", base, "--json", silent=True, stderr=None)
    papers = json.loads(str(listed))
    if REDLINE_DIR.exists():
        shutil.rmtree(REDLINE_DIR)
    if not papers:
        _report(f"## Redline\n\nNo paper changed since {base}.\n", "")
        return
    REDLINE_DIR.mkdir(parents=True)
    # the changes of this branch only: from where it left the base (as the pull request shows them)
    fork = _git(session, "merge-base", base, "HEAD")
    head = _git(session, "rev-parse", "--short", "HEAD")
    short, parts, details = fork[:7], [], []
    for paper in papers:
        slug = paper["slug"]
        heading = (f"## Redline: {paper['title']}\n\n"
                   f"`{slug}`, from {short} (where this branch left {base}) to {head}")
        if not _git(session, "ls-tree", "--name-only", fork, "--", f"papers/{slug}/paper.yaml"):
            parts.append(f"{heading}: a new paper, nothing to compare with.\n")
            continue
        written = []
        for options in (["--to", "md"], ["--to", "docx"], ["--synopse"]):
            output = session.run("papier", "diff", slug, fork, "HEAD", *options, silent=True, stderr=None)
            path = Path(str(output).strip().splitlines()[-1])
            shutil.copy2(path, REDLINE_DIR / path.name)
            written.append(path.name)
        markdown = (REDLINE_DIR / written[0]).read_text("utf-8")
        count, passages = _changed_passages(markdown)
        files = ", ".join(f"`{name}`" for name in written)
        parts.append(f"{heading}: {count} changed passage(s). In the artifact (build/redline/): "
                     f"{files}.\n\n{passages}\n")
        details.append(f"<details><summary>{slug}: the whole paper with its changes</summary>\n\n"
                       f"{markdown}\n\n</details>\n")
    _report("\n".join(parts), "\n".join(details))


def _git(session: nox.Session, *args: str) -> str:
    return str(session.run("git", *args, external=True, silent=True, stderr=None)).strip()


def _changed_passages(markdown: str) -> tuple[int, str]:
    """How many blocks have an <ins> or <del>, and those blocks under their section's title."""
    passages: list[str] = []
    section = shown = ""
    count = 0
    for block in re.split(r"\n[ \t]*\n", markdown.strip()):
        if block.startswith("#"):
            section = block.lstrip("#").strip()
        if "<ins" not in block and "<del" not in block:
            continue
        if section and section != shown and not block.startswith("#"):
            passages.append(f"**{section}**")
        shown = section
        passages.append(block)
        count += 1
    return count, "\n\n".join(passages)


def _report(summary: str, whole: str) -> None:
    """*summary* (and *whole*, collapsed, if it fits) into GitHub's job summary, else the log."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        print(summary)
        return
    text = f"{summary}\n{whole}"
    if len(text.encode("utf-8")) > SUMMARY_LIMIT:
        text = summary + "\nThe whole papers with their changes are in the artifact (too long for here).\n"
    if len(text.encode("utf-8")) > SUMMARY_LIMIT:
        text = text.encode("utf-8")[:SUMMARY_LIMIT].decode("utf-8", "ignore") + \
            "\n\n(cut off here; the redlines are in the artifact)\n"
    with open(target, "a", encoding="utf-8") as out:
        out.write(text)


@nox.session
def site(session: nox.Session) -> None:
    """The publication site of the released versions into public/, for GitHub or GitLab Pages.

    `nox -s site -- --base-url URL` gives the site's public address."""
    session.install("-e", ".")
    session.run("papier", "site", "--out", "public", *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the whole test suite, end-to-end tests included (they build the example papers,
    open comment rounds and run LibreOffice; marked `slow`). `nox -s tests -- -m "not slow"`
    runs the fast unit tests only; other pytest arguments go after -- as well."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff, import-linter (the layers in pyproject.toml), the CI files against the vendors' schemas.

    check-jsonschema ships GitHub's and GitLab's published schemas, so this works offline."""
    session.install("-e", ".[lint]")
    session.run("ruff", "check", "tooling", "tests", "noxfile.py")
    session.run("lint-imports")
    for schema, path in (("github-workflows", WORKFLOW), ("gitlab-ci", ".gitlab-ci.yml")):
        session.run("check-jsonschema", "--builtin-schema", f"vendor.{schema}", path)


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy over the package."""
    session.install("-e", ".[typecheck]")
    session.run("mypy")


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmark against the raw tools on generated inputs; table on the terminal, JSON in
    build/bench/results.json. Pass --runs N or --only CASE after --."""
    session.install("-e", ".[test]")
    session.run("python", "tests/bench/bench.py", *session.posargs)


@nox.session
def profile(session: nox.Session) -> None:
    """Where one papier command spends its time, in every thread and in pandoc: py-spy samples
    the process and its children into build/profile/papier.svg (a flame graph). Pass the
    command after --, e.g. nox -s profile -- build SLUG --to pdf."""
    session.install("-e", ".", "py-spy")
    if not session.posargs:
        session.error("name the command: nox -s profile -- build SLUG")
    Path("build/profile").mkdir(parents=True, exist_ok=True)
    session.run("py-spy", "record", "--threads", "--subprocesses", "--rate", "250", "--output",
                "build/profile/papier.svg", "--", "python", "-m", "papier", "--profile", *session.posargs)
