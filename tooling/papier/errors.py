"""The one small exception tree of papier.

Every message names the file (and line where there is one) and says how to fix it.
The CLI prints ``str(exc)`` and exits non-zero; nothing else needs to know more.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One finding of ``papier check``: ``path:line: message``."""

    path: str
    line: int
    message: str
    severity: str = "error"  # or "warning", or "hint"
    col: int = 0  # 1-based column where one is known (language checks)
    rule: str = ""  # the check that found it, e.g. "language/gender" (CI reports group by it)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        if self.line and self.col:
            where += f":{self.col}"
        prefix = "" if self.severity == "error" else f"{self.severity}: "
        return f"{where}: {prefix}{self.message}"


class PapierError(Exception):
    """Base class: a problem the user can fix; the message says how."""


class WorkspaceError(PapierError):
    """No papers/ folder, unknown slug, a paper that already exists."""


class PaperInvalid(PapierError):
    """A paper failed validation; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class ToolError(PapierError):
    """pandoc or Typst failed; the tool's own message is included."""

    def __init__(self, tool: str, message: str, path: Path | str | None = None) -> None:
        self.tool = tool
        where = f"{path}: " if path else ""
        super().__init__(f"{where}{tool} failed: {message.strip()}")


class DataError(PapierError):
    """Bad data in a CSV or in analysis.yaml: carries the Problem (file, line, the fix)."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


class VersionError(PapierError):
    """A revision, version or tag cannot be used; the message says why and what to do."""


class ReleaseRefused(PapierError):
    """A release cannot be made yet; the message lists every reason and what to do."""


class RoundError(PapierError):
    """A round command cannot go ahead; the message says why and what to do."""


class UnreadableFile(PapierError):
    """A returned file papier will not read; the message says what to ask the reviewer for."""


class PortUnavailable(PapierError):
    """preview --html cannot listen on the port asked for (in use, not allowed, no port)."""
