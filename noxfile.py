"""Tasks for papier. `nox` alone builds every paper; `nox -s tests` runs the test suite."""

from __future__ import annotations

import nox

nox.options.sessions = ["build"]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = False


@nox.session
def build(session: nox.Session) -> None:
    """Build every paper into build/<slug>/ (DOCX, PDF, HTML); pass SLUGs or flags after --."""
    session.install("-e", ".")
    session.run("papier", "build", *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the whole test suite, end-to-end tests included (they build the example papers,
    open comment rounds and run LibreOffice; marked `slow`). `nox -s tests -- -m "not slow"`
    runs the fast unit tests only; other pytest arguments go after -- as well."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff (style and common bugs) and import-linter (the layers in pyproject.toml)."""
    session.install("-e", ".[lint]")
    session.run("ruff", "check", "tooling", "tests", "noxfile.py")
    session.run("lint-imports")


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
