"""Files of a comment round: round.yaml, anchors.json, comments.yaml, returned/ (under a lock)."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from papier import fsutil, yamlio
from papier.errors import PaperInvalid, PapierError
from papier.paper import Paper

DECISIONS = ("offen", "übernommen", "teilweise", "abgelehnt", "zur-kenntnis")
KINDS = ("comment", "insertion", "deletion", "replacement", "move")


class RoundError(PapierError):
    """A round command cannot go ahead; the message says why and what to do."""


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

    def anchors(self) -> dict[str, dict[str, Any]]:
        path = self.folder / "anchors.json"
        if not path.is_file():
            return {}
        data: dict[str, dict[str, Any]] = json.loads(path.read_text("utf-8"))
        return data


def write_anchors(folder: Path, anchors: dict[str, dict[str, Any]]) -> None:
    """anchors.json: block id -> file, line, end_line, section, text and source as sent."""
    fsutil.write_text(folder / "anchors.json", json.dumps(anchors, ensure_ascii=False, indent=1))


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


def load_items(rnd: Round) -> CommentedSeq:
    path = rnd.comments_path
    if not path.is_file():
        return CommentedSeq()
    data, problems = yamlio.load(path, rnd.paper.rel(path))
    if problems:
        raise PaperInvalid(problems)
    if data is None:
        return CommentedSeq()
    if not isinstance(data, CommentedSeq):
        raise RoundError(f"{rnd.paper.rel(path)}: must be a list of items; restore it from git")
    return data


HEADER = ("Comment matrix of round {n}: one entry per comment or suggestion.\n"
          "Edit only 'decision' and 'response' (or use: papier round decide).")


def save_items(rnd: Round, items: CommentedSeq) -> None:
    if not items.ca.comment:
        items.yaml_set_start_comment(HEADER.format(n=rnd.number))
    fsutil.write_text(rnd.comments_path, yamlio.dump_text(items))


def new_map(values: dict[str, Any]) -> CommentedMap:
    out = CommentedMap()
    for key, value in values.items():
        if isinstance(value, dict):
            value = new_map(value)
        elif isinstance(value, list):
            value = CommentedSeq([new_map(v) if isinstance(v, dict) else v for v in value])
        out[key] = value
    return out
