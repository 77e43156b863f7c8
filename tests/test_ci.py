"""The CI pipelines (.github/workflows/papier.yml, .gitlab-ci.yml) as a network's CI runs them.

Fast tests validate both files against GitHub's and GitLab's own schemas (check-jsonschema's
vendored copies, offline; a broken copy must fail, so the validation validates) and check what
the jobs are wired to: sessions that exist, triggers and tag rules that match papier's release
tags, the whole history fetched.

Slow tests run each job's `nox` and `git` lines as the runner would (one bash with -e and
pipefail, the job's variables set, GitHub's ${{ }} expressions only in `env:` values) inside a
copy of the example workspace that is a git repository with a remote. `nox` runs the
repository's noxfile copied into the workspace with --no-venv --no-install, so papier comes
from the test environment. They look at what a user would see: annotations and the Code
Quality report for a known error, the files each artifact takes, the job summary of a
redline, the Pages site of a release.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import git
import pytest
import yaml

from conftest import ANALYSIS, POSITION, REPO, make_workspace
from papier.paper import load_paper
from papier.release import release
from papier.versions import tag_name
from papier.workspace import Workspace

GITHUB = REPO / ".github" / "workflows" / "papier.yml"
GITLAB = REPO / ".gitlab-ci.yml"
GITLAB_KEYWORDS = {"default", "include", "stages", "variables", "workflow", "image", "services",
                   "cache", "before_script", "after_script"}
CHAPTER = f"papers/{POSITION}/text/01-ausgangslage.md"
OLD_WORDS, NEW_WORDS = "längst keine Ausnahme mehr", "inzwischen weit verbreitet"
BASE_URL = "https://netzwerk.example.org/papiere"
BASE = "redaktion"  # the network's main branch; not `main`, so that a name written into a job shows
FORMATS = ("docx", "html", "pdf")


# ---------------------------------------------------------------- the two files, read

def load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text("utf-8"))
    assert isinstance(data, dict), path
    return data


def github_jobs() -> dict[str, dict[str, Any]]:
    return load(GITHUB)["jobs"]


def gitlab_jobs() -> dict[str, dict[str, Any]]:
    return {name: job for name, job in load(GITLAB).items()
            if name not in GITLAB_KEYWORDS and not str(name).startswith(".") and isinstance(job, dict)}


def github_triggers() -> dict[str, Any]:
    data = load(GITHUB)
    return data.get("on", data.get(True))  # YAML 1.1 (PyYAML) reads the key `on` as true


def step_using(job: dict[str, Any], action: str) -> dict[str, Any]:
    found = [s for s in job["steps"] if str(s.get("uses", "")).startswith(action + "@")]
    assert len(found) == 1, (action, job["steps"])
    return found[0]


@dataclass
class Job:
    """The lines of a job that CI runs and the test runs too (nox and git), with their env."""

    name: str
    lines: list[str]
    env: dict[str, str]


def _runnable(script: str) -> list[str]:
    return [line.strip() for line in script.splitlines()
            if line.strip().split(" ", 1)[0] in ("nox", "git")]


def github_job(name: str, context: dict[str, str]) -> Job:
    """*context* gives the values of the ${{ }} expressions; only `env:` may use them (a run
    line that interpolates an expression is a script-injection risk and cannot run here)."""
    job = github_jobs()[name]

    def expand(value: object) -> str:
        return re.sub(r"\$\{\{\s*([\w.]+)\s*\}\}", lambda m: context[m.group(1)], str(value))

    env = {k: expand(v) for k, v in job.get("env", {}).items()}
    lines = []
    for step in job["steps"]:
        if "run" not in step:
            continue
        assert "${{" not in step["run"], f"{name}: pass expressions through env:, not into run: {step}"
        env.update({k: expand(v) for k, v in step.get("env", {}).items()})
        lines += _runnable(step["run"])
    return Job(name, lines, env)


def gitlab_job(name: str, variables: dict[str, str]) -> Job:
    job = gitlab_jobs()[name]
    env = {**{k: str(v) for k, v in load(GITLAB).get("variables", {}).items()},
           **{k: str(v) for k, v in job.get("variables", {}).items()}, **variables}
    return Job(name, [line for entry in job["script"] for line in _runnable(entry)], env)


def nox_command() -> list[str]:
    assert importlib.util.find_spec("nox") is not None, "nox is in the test extra: pip install -e '.[test]'"
    return [sys.executable, "-m", "nox"]


def run_job(ws: Workspace, job: Job, **runner: object) -> subprocess.CompletedProcess[str]:
    """The job's lines in one bash with -e and pipefail (as both runners do), `nox` being the
    workspace's noxfile without virtualenvs or installs; *runner*: variables the runner sets."""
    assert job.lines, f"{job.name}: no nox or git line to run"
    nox = shlex.join([*nox_command(), "--no-venv", "--no-install", "-f", str(ws.root / "noxfile.py")])
    script = "\n".join(["set -eo pipefail", f'nox() {{ {nox} "$@"; }}', *job.lines])
    env = {k: v for k, v in os.environ.items() if k not in ("PAPIER_ROOT", "GITHUB_STEP_SUMMARY")}
    env |= job.env | {k: str(v) for k, v in runner.items()}
    return subprocess.run(["bash", "-c", script], cwd=ws.root, env=env, capture_output=True, text=True,
                          timeout=900, check=False)


def output(proc: subprocess.CompletedProcess[str]) -> str:
    return proc.stdout + proc.stderr


# ---------------------------------------------------------------- artifacts, resolved as the runners do

def _files(root: Path, pattern: str) -> set[Path]:
    found: set[Path] = set()
    for path in root.glob(pattern.rstrip("/")):
        found |= {p for p in path.rglob("*") if p.is_file()} if path.is_dir() else {path}
    return found


def rel(root: Path, paths: Iterable[Path]) -> set[str]:
    return {p.relative_to(root).as_posix() for p in paths}


def github_artifact(root: Path, step: dict[str, Any]) -> set[str]:
    """actions/upload-artifact's `path`: one glob or folder a line (`*` stays within a folder)."""
    lines = [line.strip() for line in str(step["with"]["path"]).splitlines() if line.strip()]
    assert not any(line.startswith("!") for line in lines)
    return rel(root, set().union(*(_files(root, line) for line in lines)))


def gitlab_artifact(root: Path, job: dict[str, Any]) -> set[str]:
    """artifacts:paths minus artifacts:exclude."""
    artifacts = job["artifacts"]
    kept = set().union(*(_files(root, p) for p in artifacts["paths"]))
    dropped = set().union(set(), *(_files(root, p) for p in artifacts.get("exclude", [])))
    return rel(root, kept - dropped)


def built_names(ws: Workspace, slugs: Iterable[str]) -> set[str]:
    names = set()
    for slug in slugs:
        version = load_paper(ws, slug).version
        names |= {f"build/{slug}/{slug}-v{version}.{ext}" for ext in FORMATS}
    return names


# ---------------------------------------------------------------- workspaces

def ci_workspace(root: Path, papers: tuple[str, ...] = (POSITION, ANALYSIS)) -> Workspace:
    """The example workspace as a clone: branch BASE, a remote origin that has it, the noxfile."""
    ws = make_workspace(root / "ws", papers)
    repo = git.Repo(ws.root)
    repo.git.branch("-M", BASE)
    git.Repo.init(root / "origin.git", bare=True)
    repo.create_remote("origin", str(root / "origin.git"))
    repo.git.push("origin", BASE)
    repo.git.fetch("origin")
    shutil.copy2(REPO / "noxfile.py", ws.root / "noxfile.py")
    (ws.root / ".git" / "info" / "exclude").write_text(
        "noxfile.py\n.nox/\nbuild/\npublic/\ngl-code-quality-report.json\n")
    return ws


def add_unknown_citation(ws: Workspace) -> int:
    """Cite @nirgends (not in the bibliography) at the end of the chapter; return its line."""
    path = ws.root / CHAPTER
    lines = path.read_text("utf-8").rstrip("\n").split("\n")
    lines += ["", "Ein Beleg, den es nicht gibt [@nirgends]."]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return len(lines)


# ---------------------------------------------------------------- fast: the files, read

SCHEMAS = [(GITHUB, "vendor.github-workflows"), (GITLAB, "vendor.gitlab-ci")]


def check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
                          capture_output=True, text=True, check=False)


@pytest.mark.parametrize(("path", "schema"), SCHEMAS, ids=["github", "gitlab"])
def test_files_pass_their_vendor_schema(path: Path, schema: str) -> None:
    proc = check_jsonschema(schema, path)
    assert proc.returncode == 0, output(proc)


BROKEN = [(GITHUB, "vendor.github-workflows", "  check:\n    runs-on:", "  check:\n    runs_on:", "runs-on"),
          (GITLAB, "vendor.gitlab-ci", "build:\n  stage: build\n  script:",
           "build:\n  stage: build\n  scirpt:", "scirpt")]


@pytest.mark.parametrize(("path", "schema", "old", "new", "named"), BROKEN, ids=["github", "gitlab"])
def test_a_broken_key_is_rejected(path: Path, schema: str, old: str, new: str, named: str,
                                  tmp_path: Path) -> None:
    text = path.read_text("utf-8")
    assert old in text
    broken = tmp_path / path.name
    broken.write_text(text.replace(old, new, 1), "utf-8")
    proc = check_jsonschema(schema, broken)
    assert proc.returncode == 1, output(proc)
    assert named in proc.stdout


def noxfile_sessions() -> set[str]:
    tree = ast.parse((REPO / "noxfile.py").read_text("utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)
            and any("session" in ast.unparse(d) for d in node.decorator_list)}


def all_commands() -> list[str]:
    gh = [step["run"] for job in github_jobs().values() for step in job["steps"] if "run" in step]
    gl = [line for job in gitlab_jobs().values() for key in ("before_script", "script")
          for line in job.get(key, [])]
    return [line for block in gh + gl for line in block.splitlines()]


def test_every_nox_call_names_a_session() -> None:
    called = [m.group(1) for line in all_commands() for m in re.finditer(r"\bnox -s (\w+)", line)]
    assert set(called) == {"check", "build", "redline", "site"}
    assert set(called) <= noxfile_sessions()
    assert "bash .ci/run" in all_commands()  # the test jobs run what .ci/run runs


def github_tag_filter(pattern: str) -> re.Pattern[str]:
    """GitHub's filter pattern: `*` matches anything but `/`, `**` anything."""
    parts = re.split(r"(\*\*|\*)", pattern)
    body = "".join({"**": ".*", "*": "[^/]*"}.get(p, re.escape(p)) for p in parts)
    return re.compile(f"^{body}$")


def test_release_tags_start_the_release_jobs() -> None:
    tag = tag_name(POSITION, "1.2.0")
    assert tag == f"{POSITION}/v1.2.0"
    triggers = github_triggers()
    assert any(github_tag_filter(p).match(tag) for p in triggers["push"]["tags"])
    assert not any(github_tag_filter(p).match("v1.2.0") for p in triggers["push"]["tags"])
    assert "pull_request" in triggers
    jobs = github_jobs()
    assert "startsWith(github.ref, 'refs/tags/')" in jobs["release"]["if"]
    assert jobs["deploy"]["needs"] == "release"
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert jobs["deploy"]["environment"]["name"] == "github-pages"
    assert load(GITHUB)["permissions"] == {"contents": "read"}

    (rule,) = gitlab_jobs()["pages"]["rules"]
    found = re.fullmatch(r"\$CI_COMMIT_TAG =~ /(.*)/", rule["if"])
    assert found, rule
    gitlab_tag = re.compile(found.group(1))
    assert gitlab_tag.match(tag) and gitlab_tag.match(tag_name(ANALYSIS, "10.0.12"))
    assert not gitlab_tag.match("main") and not gitlab_tag.match("v1.2.0")


def test_redlines_only_for_pull_and_merge_requests() -> None:
    assert github_jobs()["redline"]["if"] == "github.event_name == 'pull_request'"
    assert gitlab_jobs()["redline"]["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]


def test_the_whole_history_is_fetched() -> None:
    """list --changed, draft stamps, redlines and the site read git history and tags."""
    for name, job in github_jobs().items():
        if name in ("check", "build", "redline", "release"):
            assert step_using(job, "actions/checkout")["with"]["fetch-depth"] == 0, name
    assert load(GITLAB)["variables"]["GIT_DEPTH"] == "0"


# ---------------------------------------------------------------- slow: the jobs, run

@pytest.mark.slow
def test_github_check_annotates_the_error(tmp_path: Path) -> None:
    ws = ci_workspace(tmp_path, (POSITION,))
    line = add_unknown_citation(ws)
    proc = run_job(ws, github_job("check", {}))
    assert proc.returncode != 0, output(proc)
    annotations = [a for a in proc.stdout.splitlines() if a.startswith("::error ")]
    assert len(annotations) == 1, output(proc)
    assert annotations[0].startswith(f"::error file={CHAPTER},line={line},")
    assert "nirgends" in annotations[0].split("::", 2)[2]


@pytest.mark.slow
def test_gitlab_check_writes_the_report_and_fails(tmp_path: Path) -> None:
    ws = ci_workspace(tmp_path, (POSITION,))
    line = add_unknown_citation(ws)
    job = gitlab_jobs()["check"]
    proc = run_job(ws, gitlab_job("check", {}))
    assert proc.returncode != 0, output(proc)
    assert f"{CHAPTER}:{line}:" in proc.stdout  # the problem as text in the job log
    assert job["artifacts"]["when"] == "always"  # the report is kept although the job failed
    report = json.loads((ws.root / job["artifacts"]["reports"]["codequality"]).read_text("utf-8"))
    assert [(i["location"]["path"], i["location"]["lines"]["begin"]) for i in report] == [(CHAPTER, line)]
    assert "nirgends" in report[0]["description"]
    assert report[0]["severity"] in ("major", "critical", "blocker")


@pytest.fixture(scope="module")
def built_ci(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, subprocess.CompletedProcess[str]]:
    """Both example papers, built by the GitHub build job."""
    ws = ci_workspace(tmp_path_factory.mktemp("ci-build"))
    return ws, run_job(ws, github_job("build", {}))


@pytest.mark.slow
def test_github_build_artifact_holds_every_paper_in_every_format(built_ci) -> None:
    ws, proc = built_ci
    assert proc.returncode == 0, output(proc)
    taken = github_artifact(ws.root, step_using(github_jobs()["build"], "actions/upload-artifact"))
    assert taken == built_names(ws, (POSITION, ANALYSIS))
    for name in taken:
        path = ws.root / name
        if path.suffix == ".pdf":
            assert path.read_bytes().startswith(b"%PDF-"), name
        elif path.suffix == ".docx":
            assert "word/document.xml" in zipfile.ZipFile(path).namelist(), name
        else:
            title = load_paper(ws, path.parent.name).title
            assert title in path.read_text("utf-8"), name


@pytest.mark.slow
@pytest.mark.parametrize("ci", ["github", "gitlab"])
def test_check_jobs_pass_on_the_example_papers(built_ci, ci: str) -> None:
    ws, _ = built_ci
    proc = run_job(ws, github_job("check", {}) if ci == "github" else gitlab_job("check", {}))
    assert proc.returncode == 0, output(proc)
    assert "::error" not in proc.stdout


@pytest.mark.slow
def test_gitlab_build_artifact_is_the_same_without_the_cache(built_ci) -> None:
    ws, _ = built_ci
    proc = run_job(ws, gitlab_job("build", {}))
    assert proc.returncode == 0, output(proc)
    assert (ws.root / "build" / ".cache").is_dir()
    assert gitlab_artifact(ws.root, gitlab_jobs()["build"]) == built_names(ws, (POSITION, ANALYSIS))


@pytest.fixture(scope="module")
def branch_ci(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """BASE as on the remote; the branch `fassung-2` changes one sentence of the position paper."""
    ws = ci_workspace(tmp_path_factory.mktemp("ci-redline"))
    repo = git.Repo(ws.root)
    repo.git.checkout("-b", "fassung-2")
    path = ws.root / CHAPTER
    text = path.read_text("utf-8")
    assert text.count(OLD_WORDS) == 1
    path.write_text(text.replace(OLD_WORDS, NEW_WORDS), "utf-8")
    repo.git.add(CHAPTER)
    repo.index.commit("Ausgangslage: ein Satz neu")
    repo.git.update_ref("-d", f"refs/remotes/origin/{BASE}")  # the job's fetch must bring it
    return ws


def redline_files(ws: Workspace) -> set[str]:
    return {p.name for p in (ws.root / "build" / "redline").iterdir()}


def assert_change_marked(text: str) -> None:
    assert re.search(rf"<del[^>]*>{OLD_WORDS}</del>", text), text[:2000]
    assert re.search(rf"<ins[^>]*>{NEW_WORDS}</ins>", text), text[:2000]


@pytest.mark.slow
def test_github_redline_writes_the_summary_and_the_three_files(branch_ci: Workspace, tmp_path: Path) -> None:
    ws = branch_ci
    summary = tmp_path / "step_summary.md"
    proc = run_job(ws, github_job("redline", {"github.base_ref": BASE}), GITHUB_STEP_SUMMARY=summary)
    assert proc.returncode == 0, output(proc)
    text = summary.read_text("utf-8")
    title = load_paper(ws, POSITION).title
    assert f"## Redline: {title}" in text and "1 changed passage(s)" in text
    assert_change_marked(text.split("<details>")[0])  # the changed passage, above the whole paper
    assert ANALYSIS not in text  # unchanged: no redline
    files = redline_files(ws)
    assert len(files) == 3 and all(name.startswith(POSITION) for name in files)
    assert {name.rsplit(".", 1)[1] for name in files} == {"md", "docx"}
    assert any("-synopse-" in name for name in files)
    taken = github_artifact(ws.root, step_using(github_jobs()["redline"], "actions/upload-artifact"))
    assert taken == {f"build/redline/{name}" for name in files}
    (redline,) = [n for n in files if "-redline-" in n and n.endswith(".docx")]
    with zipfile.ZipFile(ws.root / "build" / "redline" / redline) as docx:
        document = docx.read("word/document.xml").decode("utf-8")
    assert "<w:ins " in document and NEW_WORDS in document


@pytest.mark.slow
def test_gitlab_redline_logs_the_change_and_keeps_the_three_files(branch_ci: Workspace) -> None:
    ws = branch_ci
    shutil.rmtree(ws.root / "build" / "redline", ignore_errors=True)
    proc = run_job(ws, gitlab_job("redline", {}), CI_MERGE_REQUEST_TARGET_BRANCH_NAME=BASE,
                   CI_PIPELINE_SOURCE="merge_request_event")
    assert proc.returncode == 0, output(proc)
    assert_change_marked(proc.stdout)
    assert "<details>" not in proc.stdout  # the log gets the changed passages, not the whole paper
    files = redline_files(ws)
    assert len(files) == 3
    assert gitlab_artifact(ws.root, gitlab_jobs()["redline"]) == {f"build/redline/{n}" for n in files}


@pytest.mark.slow
def test_redline_without_a_changed_paper_says_so(tmp_path: Path) -> None:
    ws = ci_workspace(tmp_path, (POSITION,))
    summary = tmp_path / "step_summary.md"
    proc = run_job(ws, github_job("redline", {"github.base_ref": BASE}), GITHUB_STEP_SUMMARY=summary)
    assert proc.returncode == 0, output(proc)
    assert f"No paper changed since origin/{BASE}." in summary.read_text("utf-8")
    assert not (ws.root / "build" / "redline").exists()


@pytest.fixture(scope="module")
def released_ci(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The position paper released as 1.0.0 (tag familienzentren-positionspapier/v1.0.0)."""
    ws = ci_workspace(tmp_path_factory.mktemp("ci-release"), (POSITION,))
    release(ws, POSITION, "1.0.0")
    git.Repo(ws.root).git.push("origin", BASE, tag_name(POSITION, "1.0.0"))  # as the README says
    return ws


@pytest.mark.slow
@pytest.mark.parametrize("ci", ["github", "gitlab"])
def test_release_jobs_write_the_site_the_pages_artifact_takes(released_ci: Workspace, ci: str) -> None:
    ws = released_ci
    shutil.rmtree(ws.root / "public", ignore_errors=True)
    if ci == "github":
        job = github_job("release", {"steps.pages.outputs.base_url": BASE_URL})
        site = ws.root / step_using(github_jobs()["release"], "actions/upload-pages-artifact")["with"]["path"]
    else:
        job = gitlab_job("pages", {"CI_PAGES_URL": BASE_URL, "CI_COMMIT_TAG": tag_name(POSITION, "1.0.0")})
        (folder,) = gitlab_jobs()["pages"]["artifacts"]["paths"]
        site = ws.root / folder
    proc = run_job(ws, job)
    assert proc.returncode == 0, output(proc)
    assert (site / "index.html").is_file(), output(proc)
    assert (site / POSITION / "1.0.0" / f"{POSITION}-v1.0.0.pdf").is_file()
    assert f"{BASE_URL}/{POSITION}/" in (site / "sitemap.xml").read_text("utf-8")
