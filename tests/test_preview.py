"""papier preview: the PDF follows every save; the HTML is served and reloads itself."""

from __future__ import annotations

import re
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator

import pytest

from conftest import POSITION
from papier.cli import main
from papier.errors import PortUnavailable
from papier.preview import Preview, watch
from papier.workspace import Workspace
from readback import pdf_text

TEXT = f"papers/{POSITION}/text/04-fazit.md"
SERVING = re.compile(r"serving http://127\.0\.0\.1:(\d+)/ ")


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port another program listens on (bound and listening here, without SO_REUSEADDR)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def _is_free(port: int) -> bool:
    """Nothing listens on *port* (connections of a closed server may linger in TIME_WAIT)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@pytest.mark.slow
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


@pytest.mark.slow
def test_preview_serves_html_that_reloads(workspace: Workspace) -> None:
    lines: list[str] = []
    thread = threading.Thread(target=watch, args=(workspace, POSITION, True, 0, lines.append),
                              kwargs={"interval": 0.05, "rounds": 60}, daemon=True)
    thread.start()
    for _ in range(600):
        if any(line.startswith(("built", "FAILED")) for line in lines):
            break
        time.sleep(0.05)
    assert any(line.startswith("built") for line in lines), lines
    found = SERVING.match(lines[0])  # port 0: papier picked a free port and names it
    assert found, lines[0]
    url = f"http://127.0.0.1:{found[1]}"
    page = urllib.request.urlopen(f"{url}/index.html", timeout=5).read().decode()
    assert "Familienzentren verlässlich verankern" in page and "/__version" in page
    version = urllib.request.urlopen(f"{url}/__version", timeout=5).read().decode()
    assert version == "1"
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert _is_free(int(found[1]))  # the server is closed when watching ends


def test_preview_refuses_a_busy_port_in_one_line(workspace: Workspace, busy_port: int,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", POSITION, "--html", "--port", str(busy_port), "--rounds", "1"]) == 2
    err = capsys.readouterr().err
    assert err == f"papier: port {busy_port} is in use; pass --port N, or --port 0 for a free one\n"
    assert not (workspace.build_dir / POSITION / "preview" / f"{POSITION}.pdf").exists()  # never built


def test_preview_refusal_comes_before_watching(workspace: Workspace, busy_port: int) -> None:
    lines: list[str] = []
    with pytest.raises(PortUnavailable, match=f"^port {busy_port} is in use; pass --port N"):
        watch(workspace, POSITION, True, busy_port, lines.append, rounds=1)
    assert lines == []


@pytest.mark.parametrize("port", [-1, 65536])
def test_preview_refuses_a_number_that_is_no_port(workspace: Workspace, port: int,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", POSITION, "--html", "--port", str(port), "--rounds", "1"]) == 2
    assert capsys.readouterr().err == (f"papier: port {port} is not a port number (0 to 65535); "
                                       "pass --port N, or --port 0 for a free one\n")


def test_preview_port_0_picks_a_free_port_and_prints_it(workspace: Workspace,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", POSITION, "--html", "--port", "0", "--rounds", "0"]) == 0
    out = capsys.readouterr().out
    found = SERVING.search(out)
    assert found, out
    port = int(found[1])
    assert port != 0 and _is_free(port)


@pytest.mark.slow
def test_preview_reports_problems_and_keeps_watching(workspace: Workspace,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = workspace.root / TEXT
    path.write_text(path.read_text("utf-8") + "\n![](fehlt.png)\n", "utf-8")
    assert main(["preview", POSITION, "--rounds", "2"]) == 0
    out = capsys.readouterr().out
    assert "FAILED (fix and save again)" in out and "04-fazit.md" in out and "no alt text" in out
