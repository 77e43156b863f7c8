"""Files of a comment round: round.yaml, anchors.json, comments.yaml, returned/ (under a lock)."""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from papier import cache, fsutil, yamlio
from papier.errors import PaperInvalid, RoundError
from papier.paper import Paper
from papier.rounds.items import Decision, Kind
from papier.rounds.yamlemit import LOADED, blocks_of, document, encode, item_block
from papier.rounds.yamlread import Unsupported, from_ruamel, general_load, read_strict

DECISIONS = tuple(d.value for d in Decision)
KINDS = tuple(k.value for k in Kind)


@dataclass(frozen=True)
class Reviewer:
    id: str
    name: str
    organisation: str = ""
    email: str = ""


@dataclass
class Round:
    paper: Paper
    number: int
    data: Any  # round.yaml, round trip

    @property
    def folder(self) -> Path:
        return round_dir(self.paper, self.number)

    @property
    def state(self) -> str:
        return str(self.data.get("state", "open"))

    @property
    def reviewers(self) -> list[Reviewer]:
        return [Reviewer(str(r["id"]), str(r.get("name", "")), str(r.get("organisation", "")),
                         str(r.get("email", ""))) for r in self.data.get("reviewers", [])]

    def reviewer(self, ident: str) -> Reviewer | None:
        return next((r for r in self.reviewers if r.id == ident), None)

    @property
    def comments_path(self) -> Path:
        return self.folder / "comments.yaml"

    @property
    def deadline(self) -> dt.date:
        value = self.data["deadline"]
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))

    def save(self) -> None:
        yamlio.dump(self.folder / "round.yaml", self.data)

    def origins(self) -> dict[str, dict[str, Any]]:
        """Generated cells and numbers of the copies sent: bookmark id -> data origin."""
        return self._json("data.json")

    def anchors(self) -> dict[str, dict[str, Any]]:
        """Block id -> where the block stood in the text as sent."""
        return self._json("anchors.json")

    def _json(self, name: str) -> dict[str, dict[str, Any]]:
        path = self.folder / name
        if not path.is_file():
            return {}
        data: dict[str, dict[str, Any]] = json.loads(path.read_text("utf-8"))
        return data


def write_origins(folder: Path, origins: dict[str, dict[str, Any]]) -> None:
    """data.json: the bookmark id of each table cell and number generated from data -> the
    data file, line or sheet and cell, and column it came from."""
    _write_json(folder / "data.json", origins)


def write_anchors(folder: Path, anchors: dict[str, dict[str, Any]]) -> None:
    """anchors.json: block id -> file, line, end_line, section, text and source as sent."""
    _write_json(folder / "anchors.json", anchors)


def _write_json(path: Path, data: dict[str, dict[str, Any]]) -> None:
    fsutil.write_text(path, json.dumps(data, ensure_ascii=False, indent=1))


def round_dir(paper: Paper, number: int) -> Path:
    return paper.folder / "rounds" / str(number)


def round_numbers(paper: Paper) -> list[int]:
    folder = paper.folder / "rounds"
    if not folder.is_dir():
        return []
    return sorted(int(p.name) for p in folder.iterdir()
                  if p.name.isdigit() and (p / "round.yaml").is_file())


def load_round(paper: Paper, number: int) -> Round:
    path = round_dir(paper, number) / "round.yaml"
    data, problems = yamlio.load(path, paper.rel(path))
    if problems:
        raise PaperInvalid(problems)
    return Round(paper, number, data)


def latest_round(paper: Paper) -> Round:
    numbers = round_numbers(paper)
    if not numbers:
        raise RoundError(f"{paper.rel(paper.folder)}: no comment round yet; open one with: "
                         f"papier round open {paper.slug} --reviewers reviewers.yaml")
    return load_round(paper, numbers[-1])


def open_round_of(paper: Paper) -> Round:
    current = latest_round(paper)
    if current.state != "open":
        raise RoundError(f"{paper.rel(current.folder / 'round.yaml')}: round {current.number} is "
                         f"{current.state}; open a new one with: papier round open {paper.slug} …")
    return current


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """One writer at a time per round (an exclusive lock on rounds/<n>/.lock)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# ---------------------------------------------------------------- comments.yaml
#
# The matrix is the reviewable record in git, and it grows to thousands of items: ruamel's
# round trip took seconds to read and write it. So papier writes it with a small emitter of
# its own (block mappings in the items' key order, one item per block, a string double-quoted
# JSON-style unless it is a plain word, so nothing is type-guessed), reads it back as plain
# dicts and lists, and keeps the items as JSON keyed by the SHA-256 of the file's bytes: a
# command after a papier command parses no YAML at all, and a hand edit (new bytes, new key)
# is parsed once, by a strict reader of what the emitter writes (and of hand edits in that
# style) or, for anything else, by libyaml. A save re-emits only the items that changed.

HEADER = ("Comment matrix of round {n}: one entry per comment or suggestion.\n"
          "Edit only 'decision' and 'response' (or use: papier round decide).")
# bump when the emitter's output or what load_items returns for the same bytes changes
CACHE_FORMAT = 1


def load_items(rnd: Round) -> list[dict[str, Any]]:
    """The items of comments.yaml as plain dicts and lists; [] before the first collect."""
    path = rnd.comments_path
    if not path.is_file():
        return []
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    cached = _read_cache(rnd, sha)
    if cached is not None:
        meta, lines = cached
        items: list[dict[str, Any]] = json.loads("[" + ",".join(lines) + "]")
        if meta.get("canonical"):
            LOADED[path] = (data, lines)
        return items
    items, strict = _parse(rnd, data)
    _write_cache(rnd, sha, [encode(item) for item in items], canonical=False, strict=strict)
    return items


def strict_items(rnd: Round) -> list[dict[str, Any]] | None:
    """The items when comments.yaml is a list of mappings in the shape papier writes (also
    after hand edits in that shape), read without a full YAML parser: papier check looks
    up lines with ruamel only when these show a problem. None for anything else."""
    path = rnd.comments_path
    if not path.is_file():
        return None
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    cached = _read_cache(rnd, sha)
    if cached is not None:
        meta, lines = cached
        return json.loads("[" + ",".join(lines) + "]") if meta.get("strict") else None
    try:
        value = read_strict(data.decode("utf-8"))
    except (Unsupported, UnicodeDecodeError):
        return None
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        return None
    _write_cache(rnd, sha, [encode(item) for item in value], canonical=False, strict=True)
    return value


def save_items(rnd: Round, items: list[dict[str, Any]]) -> None:
    """Write comments.yaml (atomically) and remember its items for the next command."""
    path = rnd.comments_path
    reuse = blocks_of(path)
    lines, blocks = [], []
    for item in items:
        line = encode(item)
        block = reuse.get(line)
        lines.append(line)
        blocks.append(block if block is not None else item_block(item))
    data = document(blocks, HEADER.format(n=rnd.number)).encode("utf-8")
    fsutil.write_bytes(path, data)
    _write_cache(rnd, hashlib.sha256(data).hexdigest(), lines, canonical=True, strict=True)
    LOADED[path] = (data, lines)


def new_map(values: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of *values* as plain dicts and lists, safe to store and change."""
    out: dict[str, Any] = _copy(values)
    return out


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copy(sub) for key, sub in value.items()}
    if isinstance(value, list | tuple):
        return [_copy(sub) for sub in value]
    return value


def dump_items(items: list[Any], header: str = "") -> str:
    """comments.yaml's text: the header as comment lines, then one block per item, a blank
    line between them. The same items give the same text."""
    return document([item_block(item) for item in items], header)


def _parse(rnd: Round, data: bytes) -> tuple[list[dict[str, Any]], bool]:
    """comments.yaml's bytes -> (items, read by the strict reader). What that reader does
    not take goes to libyaml; what libyaml refuses to yamlio.load (ruamel), so that errors
    read as everywhere else, with their line."""
    path = rnd.comments_path
    shown = rnd.paper.rel(path)
    strict = True
    try:
        text = data.decode("utf-8")
        value = read_strict(text)
    except (Unsupported, UnicodeDecodeError):
        strict = False
        try:
            value = general_load(data.decode("utf-8"))
        except Exception:  # a syntax error, a duplicate key, not UTF-8: ruamel words it
            value, problems = yamlio.load(path, shown)
            if problems:
                raise PaperInvalid(problems) from None
            value = from_ruamel(value)
    if value is None:
        return [], strict
    if not isinstance(value, list):
        raise RoundError(f"{shown}: must be a list of items; restore it from git")
    for i, entry in enumerate(value):
        if not isinstance(entry, dict):
            raise RoundError(f"{shown}: item {i + 1} is not a mapping; restore it from git")
    return value, strict



# ------------------------------------------------------------------ the cache
#
# build/.cache/rounds/<slug>/<n>/<sha256 of comments.yaml>.v<CACHE_FORMAT>.json: a line of
# facts ({"canonical": written by save_items, "strict": read by the strict reader}), then one
# line of JSON per item. One file per round: a new one replaces the old.


def _cache_folder(rnd: Round) -> Path:
    return cache.folder(rnd.paper.workspace, cache.ROUNDS) / rnd.paper.slug / str(rnd.number)


def _cache_name(sha: str) -> str:
    return f"{sha}.v{CACHE_FORMAT}.json"


def _read_cache(rnd: Round, sha: str) -> tuple[dict[str, Any], list[str]] | None:
    try:
        text = (_cache_folder(rnd) / _cache_name(sha)).read_bytes().decode("utf-8", "surrogatepass")
        head, *lines = text.split("\n")
        meta = json.loads(head)
        if not isinstance(meta, dict) or meta.get("items") != len(lines):
            return None
    except (OSError, ValueError):  # none yet, pruned meanwhile, or damaged: parse the YAML
        return None
    return meta, lines


def _write_cache(rnd: Round, sha: str, lines: list[str], canonical: bool, strict: bool) -> None:
    """Best effort (a read-only workspace just parses every time)."""
    folder = _cache_folder(rnd)
    name = _cache_name(sha)
    head = json.dumps({"items": len(lines), "canonical": canonical, "strict": strict})
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with fsutil.atomic_path(folder / name) as tmp:
            tmp.write_bytes("\n".join([head, *lines]).encode("utf-8", "surrogatepass"))
        for old in folder.iterdir():
            if old.name != name and not old.name.startswith("."):
                old.unlink(missing_ok=True)
    except OSError:
        pass
