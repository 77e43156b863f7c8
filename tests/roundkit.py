"""Small helpers the comment-round tests share: the reviewers file, opening a round, the
reviewer copy's path, and the items of comments.yaml as papier check reads them."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from conftest import POSITION
from papier import yamlio
from papier.cli import main
from papier.workspace import Workspace

REVIEWERS = """\
- id: bmfsfj
  name: Dr. Maria Beispiel
  organisation: Bundesministerium (Beispiel)
  email: maria.beispiel@example.org
- id: stadt-ludwigsburg
  name: Jonas Muster
  organisation: Stadt Ludwigsburg (Beispiel)
  email: j.muster@example.org
"""


def open_round(ws: Workspace, slug: str = POSITION, reviewers: str = REVIEWERS) -> Workspace:
    """Round 1 of *slug*, deadline 12 December 2026."""
    (ws.root / "reviewers.yaml").write_text(reviewers, "utf-8")
    assert main(["round", "open", slug, "--reviewers", "reviewers.yaml", "--deadline", "2026-12-12"]) == 0
    return ws


def draft(ws: Workspace, reviewer: str = "bmfsfj", slug: str = POSITION) -> Path:
    return ws.build_dir / slug / "runde-1" / f"{slug}-v0.1.0-{reviewer}.docx"


def items(ws: Workspace, slug: str = POSITION) -> list:
    path = ws.papers_dir / slug / "rounds" / "1" / "comments.yaml"
    if not path.exists():
        return []
    data, problems = yamlio.load(path)
    assert not problems
    return list(data or [])


def zip_parts(parts: dict[str, bytes]) -> bytes:
    """A package of *parts* (name -> bytes), as a reviewer's word processor would zip it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buffer.getvalue()
