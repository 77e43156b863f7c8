"""Every chapter read, in parallel; an unchanged chapter comes from the chapter cache
(build/.cache/chapters, by content) or, in long-running processes, from memory."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import TypeVar

from papier import fsutil, pandoc
from papier.assemble.reader import ChapterReader
from papier.cache import CHAPTERS, tool_fingerprint
from papier.cache import folder as cache_folder
from papier.document import Anchor, Chapter
from papier.errors import Problem
from papier.paper import Paper


def read_chapters(paper: Paper, anchors: bool = False, positions: bool = True) -> list[Chapter]:
    """Every chapter, read by pandoc; an unchanged chapter comes from the chapter cache. The
    others are read together, each on its own, by one pandoc process per core."""
    stored, todo = _look_up(paper, anchors, positions)
    _read(paper, todo, positions, stored)
    # a private copy of each: later steps change blocks
    return [_chapter_from_json(path, stored[path]) for path in paper.chapters]


T = TypeVar("T")


def prefetch(papers: list[Paper], meanwhile: Callable[[], T]) -> T:
    """Read the chapters of all *papers* that are not cached yet, without source positions,
    in as few pandoc processes as there are cores (`papier check`): each paper's own
    `read_chapters` then finds them in memory. While pandoc reads, this thread runs
    *meanwhile* (work that needs no chapter read) and returns its result."""
    todo = [item for paper in papers for item in _look_up(paper, False, False)[1]]
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="prefetch") as pool:
        reading = pool.submit(_read, papers[0], todo, False, {}) if todo else None
        result = meanwhile()
        if reading is not None:
            reading.result()
    return result


Todo = list[tuple[str, ChapterReader]]  # cache key, reader of a chapter not read yet


def _look_up(paper: Paper, anchors: bool, positions: bool) -> tuple[dict[Path, str], Todo]:
    """The chapters found in memory or in the chapter cache, and the readers of the others."""
    salt = _chapter_salt(paper, anchors, positions)
    cache = cache_folder(paper.workspace, CHAPTERS)
    stored: dict[Path, str] = {}
    todo: Todo = []
    for number, path in enumerate(paper.chapters, 1):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            chapter = Chapter(path, [], [Problem(paper.rel(path), 1,
                                                 f"not UTF-8 ({exc.reason}); save the file as UTF-8")])
            stored[path] = _chapter_to_json(chapter)
            continue
        key = hashlib.sha256(f"{salt}\0{path}\0{number}\0{text}".encode()).hexdigest()
        found = _MEMO.get(key)
        if found is None and (cache / f"{key}.json").is_file():
            found = (cache / f"{key}.json").read_text("utf-8")
        if found is not None:
            _MEMO[key] = stored[path] = found
        else:
            todo.append((key, ChapterReader(paper, path, text, anchors, number, positions)))
    return stored, todo


def _read(paper: Paper, todo: Todo, positions: bool, stored: dict[Path, str]) -> None:
    """Read *todo* with pandoc into *stored*, the memory and the chapter cache."""
    cache = cache_folder(paper.workspace, CHAPTERS)
    count = _batches(len(todo))

    def read(batch: Todo) -> None:
        docs = pandoc.read_many([r.source() for _k, r in batch], [r.shown for _k, r in batch], positions)
        for (key, reader), doc in zip(batch, docs, strict=True):
            stored[reader.path] = _MEMO[key] = _chapter_to_json(reader.read(doc))
            with contextlib.suppress(OSError):  # a read-only workspace still checks and builds
                fsutil.write_text(cache / f"{key}.json", stored[reader.path])

    if count == 1:
        read(todo)
    elif count:
        with ThreadPoolExecutor(max_workers=count, thread_name_prefix="chapters") as pool:
            list(pool.map(read, [todo[i::count] for i in range(count)]))


def _batches(chapters: int) -> int:
    """pandoc processes for *chapters* chapters: one per core, none for fewer than 4 chapters each."""
    return max(1, min(os.cpu_count() or 1, chapters // 4)) if chapters else 0


_MEMO: dict[str, str] = {}  # chapter cache key -> JSON, for long-running callers (preview)


def _chapter_salt(paper: Paper, anchors: bool, positions: bool) -> str:
    """What a chapter's reading depends on besides its text: papier and pandoc, the
    language, and the paper's other files (a chapter's image may appear or vanish)."""
    files = [f"{rel}:{path.stat().st_size}:{path.stat().st_mtime_ns}"
             for rel, path in fsutil.source_files(paper.folder, skip=("text", "rounds"))]
    return f"{tool_fingerprint()} {anchors} {positions} {paper.lang} {' '.join(files)}"


def _chapter_to_json(chapter: Chapter) -> str:
    return json.dumps({
        "blocks": chapter.blocks,
        "problems": [[p.path, p.line, p.message, p.severity] for p in chapter.problems],
        "ids": chapter.ids, "links": chapter.links, "cites": chapter.cites,
        "anchors": [asdict(a) for a in chapter.anchors],
    }, ensure_ascii=False)


def _chapter_from_json(path: Path, text: str) -> Chapter:
    data = json.loads(text)
    return Chapter(path, data["blocks"],
                   [Problem(*p) for p in data["problems"]],
                   [(i, line, explicit) for i, line, explicit in data["ids"]],
                   [(t, line) for t, line in data["links"]], [(k, line) for k, line in data["cites"]],
                   [Anchor(**a) for a in data["anchors"]])
