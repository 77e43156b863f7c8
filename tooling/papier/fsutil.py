"""Atomic file writes (readers see the old file or the new one, never half of one), and
the source files of a folder."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def umask() -> int:
    """The process's umask, read without changing it where the system tells it (Linux
    /proc); elsewhere set and restored at once (a thread creating a file in between would
    see 022)."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a unique temporary path beside *path*; it replaces *path* if the block succeeds.
    The file gets the mode an editor gives a new file (0666 less the umask), not mkstemp's 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        os.chmod(tmp, 0o666 & ~umask())
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes(path: Path, data: bytes) -> None:
    with atomic_path(path) as tmp, open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def source_files(folder: Path, skip: tuple[str, ...] = ()) -> Iterator[tuple[Path, Path]]:
    """(relative path, path) of every file under *folder* in a stable order, leaving out
    hidden files and folders (locks, editor swap files) and the top-level folders *skip*."""
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if not any(part.startswith(".") for part in rel.parts) and rel.parts[0] not in skip \
                and path.is_file():
            yield rel, path
