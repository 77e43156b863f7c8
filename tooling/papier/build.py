"""Build papers into DOCX, PDF and HTML: in parallel, and only what changed."""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from papier import cache, fsutil, profile
from papier.brand import Brand, load_brand
from papier.errors import PapierError
from papier.paper import Paper, load_paper
from papier.stamp import Stamp, make_stamp
from papier.versions import checkout, resolve, source_state
from papier.workspace import Workspace
from papier.writers import FORMATS
from papier.writers.registry import prepare, write


@dataclass(frozen=True)
class Result:
    slug: str
    fmt: str
    path: Path | None
    seconds: float
    skipped: bool = False
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error

    def line(self) -> str:
        if self.error:
            return f"{self.slug}  {self.fmt:<4}  FAILED\n{self.error}"
        state = "up to date" if self.skipped else "built"
        return f"{self.slug}  {self.fmt:<4}  {state:<10}  {self.path}  ({self.seconds:.2f} s)"


def output_path(out_dir: Path, paper: Paper, fmt: str, subdir: str = "") -> Path:
    return out_dir / paper.slug / subdir / f"{paper.slug}-v{paper.version}.{fmt}"


def _tree_digest(digest: hashlib._Hash, folder: Path, skip: tuple[str, ...] = ()) -> None:
    for rel, path in fsutil.source_files(folder, skip):
        digest.update(str(rel).encode())
        digest.update(path.read_bytes())


def input_keys(paper: Paper, stamp: Stamp | Future[Stamp], formats: list[str], final: bool) -> dict[str, str]:
    """One content hash per format; the paper's files and the templates are read once
    (while git tells the stamp, if *stamp* is still to come)."""
    digest = hashlib.sha256(cache.tool_fingerprint().encode())
    _tree_digest(digest, paper.folder, skip=("rounds",))
    _tree_digest(digest, paper.workspace.templates_dir)
    digest.update(repr((final, stamp.result() if isinstance(stamp, Future) else stamp)).encode())
    inputs = digest.hexdigest()
    return {fmt: hashlib.sha256(f"{inputs} {fmt}".encode()).hexdigest() for fmt in formats}


def _stamp(paper: Paper, final: bool) -> Stamp:
    with profile.stage(f"{paper.slug}: stamp (git state)"):
        return make_stamp(paper, source_state(paper), final)


def build_paper(ws: Workspace, brand: Brand, slug: str, formats: Iterable[str], final: bool,
                out_dir: Path, report: Callable[[Result], None], subdir: str = "") -> list[Result]:
    """Build one paper into *formats*; never raises for the paper's own problems."""
    started = time.perf_counter()
    formats = list(formats)
    results: list[Result] = []

    def failed(fmts: list[str], exc: PapierError) -> list[Result]:
        for fmt in fmts:
            result = Result(slug, fmt, None, time.perf_counter() - started, error=str(exc))
            report(result)
            results.append(result)
        return results

    try:
        with profile.stage(f"{slug}: paper.yaml"):
            paper = load_paper(ws, slug)
        with ThreadPoolExecutor(1, thread_name_prefix="git") as git:
            stamping = git.submit(_stamp, paper, final)  # git runs while the files are hashed
            with profile.stage(f"{slug}: input keys"):
                keys = input_keys(paper, stamping, formats, final)
            stamp = stamping.result()
    except PapierError as exc:
        return failed(formats, exc)
    key_dir = cache.paper_folder(ws, slug)
    todo = []
    for fmt in formats:
        out = output_path(out_dir, paper, fmt, subdir)
        key_file = key_dir / f"{fmt}{'-final' if final else ''}.key"
        if out.exists() and key_file.exists() and key_file.read_text() == f"{keys[fmt]} {out}":
            result = Result(slug, fmt, out, time.perf_counter() - started, skipped=True)
            report(result)
            results.append(result)
        else:
            todo.append((fmt, out, key_file))
    if not todo:
        return results
    try:
        ctx = prepare(paper, brand, stamp, key_dir, final=final)
    except PapierError as exc:
        return failed([fmt for fmt, _out, _key in todo], exc)
    key_dir.mkdir(parents=True, exist_ok=True)

    def one(job: tuple[str, Path, Path]) -> Result:
        fmt, out, key_file = job
        begin = time.perf_counter()
        try:
            write(fmt, ctx, out)
        except PapierError as exc:
            return Result(slug, fmt, None, time.perf_counter() - begin, error=str(exc))
        fsutil.write_text(key_file, f"{keys[fmt]} {out}")
        return Result(slug, fmt, out, time.perf_counter() - begin)

    with ThreadPoolExecutor(max_workers=len(todo), thread_name_prefix="write") as pool:
        for result in pool.map(one, todo):
            report(result)
            results.append(result)
    return results


def build(ws: Workspace, slugs: list[str] | None = None, formats: Iterable[str] = FORMATS,
          final: bool = False, out_dir: Path | None = None,
          report: Callable[[Result], None] | None = None, subdir: str = "") -> list[Result]:
    """Build *slugs* (default: every paper); one Result per paper and format."""
    formats = list(formats)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise PapierError(f"unknown format {', '.join(unknown)}; use {','.join(FORMATS)}")
    names = slugs or ws.slugs()
    for slug in names:
        ws.paper_dir(slug)  # unknown slug: one clear error before any work
    brand = load_brand(ws)
    target = (out_dir or ws.build_dir).resolve()
    lock = threading.Lock()

    def locked_report(result: Result) -> None:
        if report is not None:
            with lock:
                report(result)

    workers = max(1, min(len(names), os.cpu_count() or 1))
    if workers > 1 and _may_fork():
        return _in_processes(ws, brand, names, formats, final, target, locked_report, subdir, workers)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="paper") as pool:
        batches = pool.map(
            lambda slug: build_paper(ws, brand, slug, formats, final, target, locked_report, subdir),
            names)
        return [r for batch in batches for r in batch]


def _may_fork() -> bool:
    """Forking is safe only from a process with one thread and without Typst loaded (Typst
    keeps threads of its own that a forked child does not have: its compile would wait for
    them forever). The CLI forks before it loads Typst; tests and other long-running callers
    get threads."""
    return ("fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
            and "typst" not in sys.modules)


def _in_processes(ws: Workspace, brand: Brand, names: list[str], formats: list[str], final: bool,
                  target: Path, report: Callable[[Result], None], subdir: str,
                  workers: int) -> list[Result]:
    """Papers built in a process per core: assembling and the writers' Python work hold the
    GIL, so threads of one process build two papers hardly faster than one after the other.
    Each paper's results are reported when it is done; the order of the list is the papers'."""
    done: dict[str, list[Result]] = {}
    context = multiprocessing.get_context("fork")  # nothing to import again, nothing to pickle
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_die_with_parent) as pool:
        futures = {pool.submit(_build_one, ws, brand, slug, formats, final, target, subdir): slug
                   for slug in names}
        for future in as_completed(futures):
            results, stages = future.result()
            profile.adopt(stages)
            for result in results:
                report(result)
            done[futures[future]] = results
    return [r for slug in names for r in done[slug]]


def _die_with_parent() -> None:
    """A worker ends when papier ends, however papier ends (killed, or a test's time limit):
    left running, it would hold papier's output open and its caller would wait for it."""
    if sys.platform.startswith("linux"):
        import ctypes  # noqa: PLC0415 - only in workers
        import signal  # noqa: PLC0415

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        parent = multiprocessing.parent_process()
        if parent is not None and parent.pid != os.getppid():  # papier ended before that
            os._exit(1)


def _build_one(ws: Workspace, brand: Brand, slug: str, formats: list[str], final: bool, target: Path,
               subdir: str) -> tuple[list[Result], list[profile.Stage]]:
    """One paper in a worker process (with the parent's brand.yaml, read once): its results
    and the stages it timed."""
    profile.taken()  # what the parent had timed before the fork is the parent's
    results = build_paper(ws, brand, slug, formats, final, target, lambda _r: None, subdir)
    return results, profile.taken()


def build_at(ws: Workspace, rev: str, slugs: list[str] | None = None,
             formats: Iterable[str] = FORMATS, final: bool = False, out_dir: Path | None = None,
             report: Callable[[Result], None] | None = None) -> list[Result]:
    """Build papers as they were at *rev* (a version, tag or git revision) from git.

    The working tree is not touched; outputs go to build/<slug>/at-<rev>/ so that they never
    pass for a build of the working tree. Stamps and dates come from the commit.
    """

    target = (out_dir or ws.build_dir).resolve()
    results: list[Result] = []
    for slug in slugs or ws.slugs():
        revision = resolve(ws, slug, rev)
        with checkout(ws, slug, revision) as past:
            results += build(past, [slug], formats, final, target, report,
                             subdir=f"at-{revision.file_label.replace('/', '-')}")
    return results
