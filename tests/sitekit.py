"""A workspace with a release history, and its publication site built by `papier site` run as
a whole process, as CI runs it.

History: the Positionspapier released as 1.0.0 (2 November 2026), one sentence changed,
released as 1.1.0 (16 November); the Potenzialanalyse tagged as a draft 0.9.0 (9 November;
papier release --draft, for a comment round, not a publication) and released as 1.0.0
(20 November); then the Positionspapier tagged as a draft 1.2.0 (21 November) for its next
round. The 1.1.0 commit's subject carries HTML that must reach the site as text.
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
HOSTILE_SUBJECT = "<img src=x onerror=alert(1)>"  # a commit subject, into the changelog
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
    repo.index.commit(f"Fazit ergänzt {HOSTILE_SUBJECT}")
    release(ws, POSITION, "1.1.0", today=dt.date(2026, 11, 16))
    release(ws, ANALYSIS, "1.0.0", today=dt.date(2026, 11, 20))
    # a draft for the next round of a published paper: its status stays "veroeffentlicht",
    # and still it is no publication
    release(ws, POSITION, "1.2.0", draft=True, today=dt.date(2026, 11, 21))
    return ws


def run_site(ws: Workspace, *args: str) -> SiteRun:
    env = {**os.environ, "PAPIER_ROOT": str(ws.root)}
    proc = subprocess.run([sys.executable, "-m", "papier", "site", *args], env=env,
                          capture_output=True, text=True, check=False)
    out = args[args.index("--out") + 1] if "--out" in args else None
    site = Path(out) if out else ws.root / "build" / "site"
    return SiteRun(ws, site, proc.stdout, proc.stderr, proc.returncode)
