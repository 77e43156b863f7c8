"""YAML through ruamel in round-trip mode: comments and key order survive edits."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from io import StringIO
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError

from papier import fsutil
from papier.errors import Problem


def _yaml() -> YAML:
    yaml = YAML()  # round-trip
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never re-wrap what authors wrote
    return yaml


def load(path: Path, display: str | None = None) -> tuple[Any, list[Problem]]:
    """Parse *path*; a syntax error becomes a Problem with its line, not an exception."""
    shown = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(shown, 1, f"not UTF-8 ({exc.reason}); save the file as UTF-8")]
    try:
        return _yaml().load(text), []
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        return None, [
            Problem(shown, line, f"YAML syntax error: {what}; check indentation, colons and quotes")
        ]
    except ValueError as exc:  # a date that does not exist (2026-02-30): ruamel builds it and fails
        line = next((i for i, row in enumerate(text.splitlines(), 1)
                     if re.search(r"\b\d{4}-\d{2}-\d{2}\b", row) and _bad_date(row)), 1)
        return None, [Problem(shown, line, f"{exc}: not a date; write an existing day as YYYY-MM-DD")]


def _bad_date(row: str) -> bool:
    for found in re.findall(r"\b(\d{4})-(\d{2})-(\d{2})\b", row):
        try:
            dt.date(*map(int, found))
        except ValueError:
            return True
    return False


@lru_cache(maxsize=32)
def _load_cached(path: Path, shown: str | None, _mtime_ns: int, _size: int) -> tuple[Any, list[Problem]]:
    return load(path, shown)


def load_cached(path: Path, display: str | None = None) -> tuple[Any, list[Problem]]:
    """``load``, parsed once per change of the file, for files papier only reads (brand.yaml,
    glossary.yaml, analysis.yaml): a check or build of many papers reads them for each.
    The result is shared: callers must not change it. A missing file is (None, [])."""
    if not path.is_file():
        return None, []
    stat = path.stat()
    return _load_cached(path, display, stat.st_mtime_ns, stat.st_size)


def loads(text: str) -> Any:
    """Parse YAML text (as read from git); raises ValueError on a syntax error."""
    try:
        return _yaml().load(text)
    except MarkedYAMLError as exc:
        raise ValueError(str(exc)) from exc


def dump_text(data: Any) -> str:
    buf = StringIO()
    _yaml().dump(data, buf)
    return buf.getvalue()


def dump(path: Path, data: Any) -> None:
    fsutil.write_text(path, dump_text(data))


def line_of(data: Any, keys: list[Any]) -> int:
    """1-based line of the deepest key in *keys* that exists in *data* (0 if unknown)."""
    line = 0
    node = data
    for key in keys:
        lc = getattr(node, "lc", None)
        try:
            if lc is not None:
                pos = lc.key(key) if isinstance(key, str) else lc.item(key)
                line = pos[0] + 1
            node = node[key]
        except (KeyError, IndexError, TypeError, AttributeError):
            break
    if not line and getattr(data, "lc", None) is not None:
        line = data.lc.line + 1
    return line
