"""build/.cache: its layout in one place, and the fingerprint of the tools that made what
is cached (papier's own code, pandoc, Typst): a change to any of them makes it stale."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from papier import pandoc
from papier.workspace import Workspace

CHAPTERS = "chapters"  # chapters read by pandoc, by content
CHARTS = "charts"  # charts drawn by matplotlib, by data and spec
RASTER = "raster"  # SVG figures as PNG for Word
LANGUAGE = "language"  # pandoc's view of a chapter's quotes, for the language checks
ROUNDS = "rounds"  # comment matrices parsed, by content
WEBFONTS = "webfonts"  # font subsets for HTML, by font file and characters
REFERENCES = "references"  # Word reference documents, by brand, language and layout
VALID = "valid"  # YAML data found valid against a schema, by content (no jsonschema next time)


def folder(ws: Workspace, kind: str) -> Path:
    """The shared cache folder of one kind (CHAPTERS, CHARTS, …)."""
    return ws.cache_dir / kind


def paper_folder(ws: Workspace, slug: str, *parts: str) -> Path:
    """A paper's own working folder: reference documents, previews, redlines, round bases."""
    return ws.cache_dir.joinpath(slug, *parts)


@cache
def tool_fingerprint() -> str:
    """papier's own code, pandoc's and Typst's versions: a change to any rebuilds."""
    import typst  # noqa: PLC0415 - lazy: Typst is slow to load

    from papier import __version__  # noqa: PLC0415 - lazy: importlib.metadata is slow to load

    digest = hashlib.sha256(f"{__version__} {pandoc.version()}".encode())
    digest.update(getattr(typst, "__version__", "").encode())
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()
