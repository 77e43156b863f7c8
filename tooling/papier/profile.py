"""Where a papier process spends its time: with ``--profile`` or ``PAPIER_PROFILE=1`` every
stage (start-up, loading, assembling, each writer, each pandoc and Typst call) is timed, in
every thread, and printed to stderr when the command ends. Off, a stage costs one test.

For a sampling profile of every thread, see ``nox -s profile`` (py-spy).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple, TextIO

_STARTED = time.perf_counter()  # papier's first module: everything before is Python's start-up
_enabled = os.environ.get("PAPIER_PROFILE", "") not in ("", "0")
_lock = threading.Lock()
_depth = threading.local()


class Stage(NamedTuple):  # not a dataclass: dataclasses costs every command's start-up 5 ms
    name: str
    thread: str
    depth: int
    start: float  # seconds since papier's first import
    seconds: float


_stages: list[Stage] = []


def enable() -> None:
    """Time the stages of this process (``--profile``)."""
    global _enabled
    _enabled = True


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Time the block as the stage *name* in the current thread."""
    if not _enabled:
        yield
        return
    depth = getattr(_depth, "value", 0)
    _depth.value = depth + 1
    begin = time.perf_counter()
    try:
        yield
    finally:
        end = time.perf_counter()
        _depth.value = depth
        record = Stage(name, threading.current_thread().name, depth, begin - _STARTED, end - begin)
        with _lock:
            _stages.append(record)


def taken() -> list[Stage]:
    """The stages timed so far, and forget them: a worker process hands them to its parent,
    named by its process id and thread."""
    pid = os.getpid()
    with _lock:
        found = [s._replace(thread=f"p{pid}/{s.thread}") for s in _stages]
        _stages.clear()
    return found


def adopt(stages: list[Stage]) -> None:
    """Stages timed in a worker process (`taken`)."""
    if _enabled and stages:
        with _lock:
            _stages.extend(stages)


def since_start(name: str) -> None:
    """Record the time from papier's first import until now as the stage *name* (imports)."""
    if _enabled:
        now = time.perf_counter()
        with _lock:
            _stages.append(Stage(name, threading.current_thread().name, 0, 0.0, now - _STARTED))


def _python_start_up() -> float | None:
    """Seconds from the process's start until papier's first import (Linux only; 10 ms steps)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            started_ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime", encoding="ascii") as uptime:
            now = float(uptime.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    elapsed_at_start = now - started_ticks / os.sysconf("SC_CLK_TCK")
    return max(0.0, elapsed_at_start - (time.perf_counter() - _STARTED))


def report(stream: TextIO | None = None) -> None:
    """Print the stages in the order they began, nested stages indented, with their thread."""
    if not _enabled:
        return
    out = stream or sys.stderr
    total = time.perf_counter() - _STARTED
    before = _python_start_up()
    with _lock:
        stages = sorted(_stages, key=lambda s: (s.start, s.depth))
    lines = [f"papier profile: {total:.3f} s from papier's first import"
             + (f" (+ about {before:.2f} s Python start-up before it)" if before is not None else "")]
    lines.append(f"{'start':>8} {'seconds':>8}  {'thread':<20} stage")
    for s in stages:
        thread = "main" if s.thread == "MainThread" else s.thread
        lines.append(f"{s.start:8.3f} {s.seconds:8.3f}  {thread[:20]:<20} {'  ' * s.depth}{s.name}")
    out.write("\n".join(lines) + "\n")
    out.flush()
