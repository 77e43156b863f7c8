"""papier preview: rebuild a paper's PDF whenever one of its files is saved.

One Typst compiler is kept for the whole session (Typst then recompiles only what
changed), chapters come from the chapter cache (only an edited chapter is read again),
and with --html the HTML is served on localhost and reloads itself after each build.
"""

from __future__ import annotations

import errno
import http.server
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from papier import cache, fsutil
from papier.brand import load_brand
from papier.errors import PapierError, PortUnavailable
from papier.paper import load_paper
from papier.stamp import make_stamp
from papier.versions import source_state
from papier.workspace import Workspace
from papier.writers.html import write_html
from papier.writers.pdf import TypstSession
from papier.writers.registry import prepare

RELOAD = ("<script>/* papier preview */ (function poll(v){fetch('/__version').then(r=>r.text())"
          ".then(t=>{if(v&&t!==v){location.reload()}else{setTimeout(()=>poll(t),500)}})"
          ".catch(()=>setTimeout(()=>poll(v),1000))})()</script>")


@dataclass
class Preview:
    ws: Workspace
    slug: str
    html: bool = False
    typst: TypstSession = field(default_factory=TypstSession)
    version: int = 0
    seen: dict[Path, int] = field(default_factory=dict)

    @property
    def out_dir(self) -> Path:
        return self.ws.build_dir / self.slug / "preview"

    def rebuild(self) -> list[Path]:
        """Build the PDF (and HTML) once; the paths written."""
        paper = load_paper(self.ws, self.slug)
        brand = load_brand(self.ws)
        work = cache.paper_folder(self.ws, self.slug, "preview")
        stamp = make_stamp(paper, source_state(paper), False)
        ctx = prepare(paper, brand, stamp, work)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        pdf = self.out_dir / f"{self.slug}.pdf"
        self.typst.compile(ctx, pdf)  # unchanged blocks are not converted again
        written = [pdf]
        if self.html:
            page = self.out_dir / "index.html"
            write_html(ctx, page)
            page.write_text(page.read_text("utf-8").replace("</body>", RELOAD + "</body>"), "utf-8")
            written.append(page)
        self.version += 1
        return written

    def changed(self) -> bool:
        """Has any file of the paper or of templates/ been saved since the last look?"""
        now = {path: path.stat().st_mtime_ns
               for folder in (self.ws.paper_dir(self.slug), self.ws.templates_dir)
               for _rel, path in fsutil.source_files(folder, skip=("rounds",))}
        different = now != self.seen
        self.seen = now
        return different

    def serve(self, port: int) -> http.server.ThreadingHTTPServer:
        session = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/__version":
                    body = str(session.version).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                super().do_GET()

            def log_message(self, *args: Any) -> None:
                pass

        server = _bind(port, partial(Handler, directory=str(self.out_dir)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server


class _Server(http.server.ThreadingHTTPServer):
    allow_reuse_port = False  # never share a port with another preview (SO_REUSEPORT)


FIX = "pass --port N, or --port 0 for a free one"


def _bind(port: int, handler: Any) -> http.server.ThreadingHTTPServer:
    """A server listening on 127.0.0.1:*port* (0: a free port), or one line saying why not."""
    if not 0 <= port <= 65535:
        raise PortUnavailable(f"port {port} is not a port number (0 to 65535); {FIX}")
    try:
        return _Server(("127.0.0.1", port), handler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise PortUnavailable(f"port {port} is in use; {FIX}") from None
        if exc.errno == errno.EACCES:
            raise PortUnavailable(f"port {port} is not allowed for this user; {FIX}") from None
        raise PortUnavailable(f"cannot serve on port {port}: {exc.strerror or exc}; {FIX}") from None


def watch(ws: Workspace, slug: str, html: bool, port: int, report: Callable[[str], None],
          interval: float = 0.1, rounds: int | None = None) -> None:
    """Rebuild on every save until interrupted (or after *rounds* looks, for tests).

    With *html* the server is started first, in this thread: a port that cannot be used
    raises PortUnavailable before anything is built; port 0 picks a free one, and the
    URL reported names the port actually used."""
    session = Preview(ws, slug, html)
    server = None
    if html:
        session.out_dir.mkdir(parents=True, exist_ok=True)
        server = session.serve(port)
        report(f"serving http://127.0.0.1:{server.server_address[1]}/ (reloads after each build)")
    try:
        looked = 0
        while rounds is None or looked < rounds:
            looked += 1
            if session.changed():
                started = time.perf_counter()
                try:
                    paths = session.rebuild()
                    report(f"built {', '.join(str(p) for p in paths)} in "
                           f"{time.perf_counter() - started:.2f} s")
                except PapierError as exc:
                    report(f"FAILED (fix and save again)\n{exc}")
            time.sleep(interval)
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
