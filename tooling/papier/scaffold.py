"""papier new: a paper folder from the skeletons in templates/kinds/."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from papier.errors import PaperInvalid, WorkspaceError
from papier.paper import update_paper_yaml
from papier.workspace import SLUG_RE, Workspace

KINDS = ("positionspapier", "diskussionspapier", "potenzialanalyse")


def new_paper(ws: Workspace, slug: str, kind: str, title: str | None = None,
              today: dt.date | None = None) -> Path:
    if not SLUG_RE.match(slug):
        raise WorkspaceError(
            f"'{slug}' is not a valid slug; use lower-case letters, digits and hyphens, "
            "like familienzentren-positionspapier")
    if kind not in KINDS:
        raise WorkspaceError(f"unknown kind '{kind}'; use one of: {', '.join(KINDS)}")
    skeleton = ws.templates_dir / "kinds" / kind
    if not (skeleton / "paper.yaml").is_file():
        raise WorkspaceError(f"{skeleton}: no skeleton for '{kind}'; add templates/kinds/{kind}/")
    target = ws.papers_dir / slug
    if target.exists():
        raise WorkspaceError(f"{target}: already exists; choose another slug or remove the folder")
    tmp = ws.papers_dir / f".{slug}.new"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(skeleton, tmp)
    changes: dict[str, Any] = {"kind": kind, **({"title": title} if title else {}),
                               "date": today or dt.date.today(), "status": "entwurf",
                               "version": "0.1.0"}
    try:
        update_paper_yaml(tmp / "paper.yaml", changes)
    except PaperInvalid as exc:
        shutil.rmtree(tmp)
        raise WorkspaceError(str(exc.problems[0])) from None
    tmp.rename(target)
    return target
