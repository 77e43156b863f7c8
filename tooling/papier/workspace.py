"""Where papers and templates live: the folder that holds ``papers/``."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from papier.errors import WorkspaceError

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Origin:
    """Where a snapshot workspace came from: a git repository and a commit in it."""

    repo_root: Path
    prefix: str  # the workspace folder inside the repository, "" or "sub/dir/"
    commit: str  # full hash


@dataclass(frozen=True)
class Workspace:
    root: Path
    origin: Origin | None = None  # set for a past version extracted from git

    @property
    def papers_dir(self) -> Path:
        return self.root / "papers"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    @property
    def cache_dir(self) -> Path:
        return self.build_dir / ".cache"

    def slugs(self) -> list[str]:
        if not self.papers_dir.is_dir():
            return []
        return sorted(
            p.name for p in self.papers_dir.iterdir() if (p / "paper.yaml").is_file()
        )

    def paper_dir(self, slug: str) -> Path:
        path = self.papers_dir / slug
        if not (path / "paper.yaml").is_file():
            known = ", ".join(self.slugs()) or "none yet"
            raise WorkspaceError(
                f"{path}: no paper '{slug}' here (papers: {known}); "
                f"create it with: papier new {slug} --kind positionspapier"
            )
        return path


def find_workspace(start: Path | None = None) -> Workspace:
    """The nearest folder upwards from *start* (or $PAPIER_ROOT) that holds papers/ or templates/."""
    env = os.environ.get("PAPIER_ROOT")
    here = Path(env) if env else (start or Path.cwd())
    here = here.resolve()
    for folder in (here, *here.parents):
        if (folder / "templates").is_dir() and (folder / "papers").is_dir():
            return Workspace(folder)
    raise WorkspaceError(
        f"{here}: not inside a papier workspace (a folder with papers/ and templates/); "
        "change into the repository or set PAPIER_ROOT"
    )
