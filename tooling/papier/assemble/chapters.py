"""Every chapter read, in parallel; an unchanged chapter comes from the chapter cache
(build/.cache/chapters, by content) or, in long-running processes, from memory."""

from __future__ import annotations

import contextlib
import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path

from papier import fsutil
from papier.assemble.reader import ChapterReader
from papier.cache import CHAPTERS, tool_fingerprint
from papier.cache import folder as cache_folder
from papier.document import Anchor, Chapter
from papier.errors import Problem
from papier.paper import Paper


def read_chapters(paper: Paper, anchors: bool = False, positions: bool = True) -> list[Chapter]:
    """Every chapter, read by pandoc; an unchanged chapter comes from the chapter cache."""
    numbers = {path: i for i, path in enumerate(paper.chapters, 1)}
    salt = _chapter_salt(paper, anchors, positions)
    cache = cache_folder(paper.workspace, CHAPTERS)

    def one(path: Path) -> Chapter:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            chapter = Chapter(path, [])
            chapter.problems.append(Problem(paper.rel(path), 1,
                                            f"not UTF-8 ({exc.reason}); save the file as UTF-8"))
            return chapter
        key = hashlib.sha256(f"{salt}\0{path}\0{numbers[path]}\0{text}".encode()).hexdigest()
        stored = _MEMO.get(key)
        if stored is None and (cache / f"{key}.json").is_file():
            stored = (cache / f"{key}.json").read_text("utf-8")
        if stored is not None:
            _MEMO[key] = stored
            return _chapter_from_json(path, stored)
        chapter = ChapterReader(paper, path, text, anchors, numbers[path], positions).read()
        stored = _chapter_to_json(chapter)
        _MEMO[key] = stored
        with contextlib.suppress(OSError):  # a read-only workspace still checks and builds
            fsutil.write_text(cache / f"{key}.json", stored)
        return _chapter_from_json(path, stored)  # a private copy: later steps change blocks

    with ThreadPoolExecutor(max_workers=4, thread_name_prefix="chapter") as pool:
        return list(pool.map(one, paper.chapters))


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
