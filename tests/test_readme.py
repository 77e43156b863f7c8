"""The README is tested: every `papier` line in its console blocks runs and succeeds."""

from __future__ import annotations

import re
import shlex

from conftest import REPO
from papier.cli import main
from papier.workspace import Workspace

COMMANDS = ("new", "list", "check", "build", "round", "release", "diff", "log", "site", "data")


def readme_commands() -> list[list[str]]:
    text = (REPO / "README.md").read_text("utf-8")
    blocks = re.findall(r"```console\n(.*?)```", text, re.S)
    lines = [line.split("#")[0].strip() for block in blocks for line in block.splitlines()]
    return [shlex.split(line)[1:] for line in lines if line.startswith("papier ")]


def test_readme_papier_commands_run(workspace: Workspace, capsys) -> None:
    text = (REPO / "README.md").read_text("utf-8")
    reviewers = re.search(r"```yaml\n# reviewers.yaml\n(.*?)```", text, re.S)
    assert reviewers is not None
    (workspace.root / "reviewers.yaml").write_text(reviewers.group(1), "utf-8")
    commands = readme_commands()
    assert {c[0] for c in commands} == set(COMMANDS)
    for argv in commands:
        assert main(argv) == 0, (argv, capsys.readouterr())
    built = sorted(p.name for p in (workspace.build_dir / "sprachfoerderung-familienzentren").iterdir())
    assert built == [f"sprachfoerderung-familienzentren-v0.1.0.{ext}" for ext in ("docx", "html", "pdf")]


def test_readme_quickstart_names_the_two_commands() -> None:
    text = (REPO / "README.md").read_text("utf-8")
    quickstart = text.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    assert "python3 -m pip install nox" in quickstart
    assert "nox -s build" in quickstart and "nox -s tests" in quickstart
