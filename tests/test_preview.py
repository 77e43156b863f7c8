"""papier preview: the PDF follows every save; the HTML is served and reloads itself."""

from __future__ import annotations

import threading
import time
import urllib.request

import pytest

from conftest import POSITION
from papier.cli import main
from papier.preview import Preview, watch
from papier.workspace import Workspace
from readback import pdf_text

TEXT = f"papers/{POSITION}/text/04-fazit.md"


def test_preview_rebuilds_after_an_edit(workspace: Workspace) -> None:
    session = Preview(workspace, POSITION)
    assert session.changed()  # the first look sees every file
    pdf = session.rebuild()[0]
    assert "Fazit und Einladung" in pdf_text(pdf)
    assert not session.changed()
    path = workspace.root / TEXT
    path.write_text(path.read_text("utf-8").replace("Fazit und Einladung", "Fazit und Aufruf"), "utf-8")
    assert session.changed()
    session.rebuild()
    text = pdf_text(pdf)
    assert "Fazit und Aufruf" in text and "Fazit und Einladung" not in text
    assert "Entwurf" in text  # a preview is a draft: stamped


def test_preview_serves_html_that_reloads(workspace: Workspace) -> None:
    lines: list[str] = []
    thread = threading.Thread(target=watch, args=(workspace, POSITION, True, 8799, lines.append),
                              kwargs={"interval": 0.05, "rounds": 60}, daemon=True)
    thread.start()
    for _ in range(200):
        if any(line.startswith("built") for line in lines):
            break
        time.sleep(0.05)
    page = urllib.request.urlopen("http://127.0.0.1:8799/index.html", timeout=5).read().decode()
    assert "Familienzentren verlässlich verankern" in page and "/__version" in page
    version = urllib.request.urlopen("http://127.0.0.1:8799/__version", timeout=5).read().decode()
    assert version == "1"
    thread.join(timeout=30)
    assert lines[0].startswith("serving http://127.0.0.1:8799/")


def test_preview_reports_problems_and_keeps_watching(workspace: Workspace,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = workspace.root / TEXT
    path.write_text(path.read_text("utf-8") + "\n![](fehlt.png)\n", "utf-8")
    assert main(["preview", POSITION, "--rounds", "2"]) == 0
    out = capsys.readouterr().out
    assert "FAILED (fix and save again)" in out and "04-fazit.md" in out and "no alt text" in out
