"""A workspace with a release history, and its publication site built by `papier site` run as
a whole process, as CI runs it.

History: the Positionspapier released as 1.0.0 (2 November 2026), one sentence changed,
released as 1.1.0 (16 November); the Potenzialanalyse tagged as a draft 0.9.0 (9 November;
papier release --draft, for a comment round, not a publication) and released as 1.0.0
(20 November).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import git

from conftest import ANALYSIS, POSITION, make_workspace
from papier.release import release
from papier.workspace import Workspace

BASE_URL = "https://bundesforum.example.org/publikationen"
CHANGED_FROM = "Familienzentren"  # first word replaced in the 1.1.0 change
CHANGED_SENTENCE = "Dieser Satz ist neu in Fassung 1.1.0."
RELEASES = [(POSITION, "1.0.0"), (POSITION, "1.1.0"), (ANALYSIS, "1.0.0")]


@dataclass
class SiteRun:
    ws: Workspace
    site: Path
    stdout: str
    stderr: str
    code: int


def history(root: Path) -> Workspace:
    ws = make_workspace(root)
    release(ws, POSITION, "1.0.0", today=dt.date(2026, 11, 2))
    release(ws, ANALYSIS, "0.9.0", draft=True, today=dt.date(2026, 11, 9))
    chapter = ws.root / "papers" / POSITION / "text" / "04-fazit.md"
    text = chapter.read_text("utf-8").rstrip("\n") + f"\n\n{CHANGED_SENTENCE}\n"
    chapter.write_text(text, "utf-8")
    repo = git.Repo(ws.root)
    repo.git.add(A=True)
    repo.index.commit("Fazit ergänzt")
    release(ws, POSITION, "1.1.0", today=dt.date(2026, 11, 16))
    release(ws, ANALYSIS, "1.0.0", today=dt.date(2026, 11, 20))
    return ws


def run_site(ws: Workspace, *args: str) -> SiteRun:
    env = {**os.environ, "PAPIER_ROOT": str(ws.root)}
    proc = subprocess.run([sys.executable, "-m", "papier", "site", *args], env=env,
                          capture_output=True, text=True, check=False)
    out = args[args.index("--out") + 1] if "--out" in args else None
    site = Path(out) if out else ws.root / "build" / "site"
    return SiteRun(ws, site, proc.stdout, proc.stderr, proc.returncode)
