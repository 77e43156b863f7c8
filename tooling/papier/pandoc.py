"""Run pandoc (the binary shipped by pypandoc-binary; never a system pandoc)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

from papier import profile
from papier.errors import ToolError

READER = "commonmark_x+sourcepos+implicit_figures"


@cache
def executable() -> str:
    """The pandoc of pypandoc-binary, found without importing pypandoc (which loads
    importlib.metadata and urllib: 20 ms of every command that runs pandoc)."""
    spec = importlib.util.find_spec("pypandoc")
    if spec is not None and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            shipped = Path(folder) / "files" / ("pandoc.exe" if os.name == "nt" else "pandoc")
            if shipped.is_file() and os.access(shipped, os.X_OK):
                return str(shipped)
    import pypandoc  # noqa: PLC0415 - lazy: see above

    path: str = pypandoc.get_pandoc_path()
    return path


@cache
def version() -> str:
    out = subprocess.run([executable(), "--version"], capture_output=True, text=True, check=True)
    return out.stdout.split("\n", 1)[0].split()[-1]


# pandoc's Haskell runtime is built to grow its heap to 64 MB before it collects
# (-with-rtsopts -H64m); at 32 MB a 50-page paper converts as fast with 35 MB less at its
# peak (178 -> 145 MB to DOCX), which counts when DOCX and PDF are made side by side. The
# output does not change. A pandoc built without runtime options is run without them.
_RTS = ["+RTS", "-H32m", "-RTS"]


def run(args: list[str], data: bytes | None = None, where: Path | str | None = None) -> bytes:
    """Run pandoc with *args*, feeding *data* on stdin; stderr becomes the error message."""
    with profile.stage(_stage_name(args)):
        proc = subprocess.run([executable(), *_RTS, *args], input=data, capture_output=True, check=False)
        if proc.returncode != 0 and _RTS and b"RTS" in proc.stderr:
            _RTS.clear()
            proc = subprocess.run([executable(), *args], input=data, capture_output=True, check=False)
    if proc.returncode != 0:
        raise ToolError("pandoc", proc.stderr.decode("utf-8", "replace"), where)
    return proc.stdout


def _stage_name(args: list[str]) -> str:
    """'pandoc json -> typst' for the profile."""
    if args[:1] == ["lua"]:
        return "pandoc lua"
    if "-f" not in args[:-1] and "-t" not in args[:-1]:
        return f"pandoc {' '.join(args[:2])}"
    source = args[args.index("-f") + 1] if "-f" in args[:-1] else "markdown"
    target = args[args.index("-t") + 1] if "-t" in args[:-1] else "?"
    extra = " --citeproc" if "--citeproc" in args else ""
    return f"pandoc {source.split('+')[0]} -> {target}{extra}"


# pandoc as a Lua interpreter: each text read on its own (as `pandoc -f … -t json` reads it),
# many in one process; a text pandoc cannot read yields {"papier-error": message}
_READ_MANY = """
local input = pandoc.json.decode(io.read("a"), false)
local out = {}
for i, item in ipairs(input) do
  local ok, doc = pcall(pandoc.read, item.text, item.format)
  if ok then
    out[i] = pandoc.write(doc, "json")
  else
    out[i] = pandoc.json.encode({["papier-error"] = tostring(doc)})
  end
end
io.write("[" .. table.concat(out, ",") .. "]")
"""


def read_many(texts: list[str], where: list[str], positions: bool = True) -> list[dict[str, Any]]:
    """Each Markdown text -> pandoc JSON AST, exactly as `read_markdown` reads it, with one
    pandoc process for all of them (starting pandoc costs more than reading a chapter).
    *where* names each text for a message."""
    if not texts:
        return []
    reader = READER if positions else READER.replace("+sourcepos", "")
    payload = json.dumps([{"text": text, "format": reader} for text in texts])
    with profile.stage(f"pandoc: read {len(texts)} text(s)"):
        docs: list[dict[str, Any]] = json.loads(run(["lua", "-e", _READ_MANY], payload.encode("utf-8"),
                                                    where[0] if len(where) == 1 else None))
    for doc, shown in zip(docs, where, strict=True):
        if "papier-error" in doc:
            raise ToolError("pandoc", str(doc["papier-error"]), shown)
    return docs


def read_markdown(text: str, where: Path | str, positions: bool = True) -> dict[str, Any]:
    """Markdown -> pandoc JSON AST with data-pos on every block and inline (or, without
    *positions*, five times less JSON, for readers that need no line numbers)."""
    reader = READER if positions else READER.replace("+sourcepos", "")
    out = run(["-f", reader, "-t", "json"], text.encode("utf-8"), where)
    doc: dict[str, Any] = json.loads(out)
    return doc


def write(doc: dict[str, Any], fmt: str, args: list[str], where: Path | str | None = None) -> bytes:
    """pandoc JSON AST -> *fmt* (output on stdout unless args contain -o)."""
    return run(["-f", "json", "-t", fmt, *args], json.dumps(doc).encode("utf-8"), where)


def filter_json(doc: dict[str, Any], args: list[str], where: Path | str | None = None) -> dict[str, Any]:
    """Run pandoc JSON -> JSON with *args* (for --citeproc)."""
    out: dict[str, Any] = json.loads(write(doc, "json", args, where))
    return out
