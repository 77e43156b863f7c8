"""SVG -> PNG through Typst, for DOCX (Word wants bitmaps); cached by content."""

from __future__ import annotations

import hashlib
from pathlib import Path

from papier import cache, fsutil
from papier.brand import Brand
from papier.workspace import Workspace


def svg_to_png(ws: Workspace, svg: Path, font_dirs: list[Path], width_cm: float = 16.0) -> Path:
    import typst  # noqa: PLC0415 - lazy: Typst is slow to load

    digest = hashlib.sha256(svg.read_bytes() + f"{width_cm}".encode()).hexdigest()[:16]
    out = cache.folder(ws, cache.RASTER) / f"{svg.stem}-{digest}.png"
    if out.exists():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    rel = svg.resolve().relative_to(ws.root.resolve()).as_posix()
    source = f'#set page(width: auto, height: auto, margin: 0pt)\n#image("/{rel}", width: {width_cm}cm)'
    # the stub ties input, root and font paths to one type; bytes input with str paths is fine
    data = typst.compile(source.encode(), root=str(ws.root), format="png", ppi=200,  # type: ignore[call-overload]
                         font_paths=[str(p) for p in font_dirs])
    fsutil.write_bytes(out, data)
    return out


def logo_png(brand: Brand, ws: Workspace) -> Path | None:
    """DOCX wants a bitmap logo."""
    if brand.logo is None or brand.logo.suffix.lower() != ".svg":
        return brand.logo
    return svg_to_png(ws, brand.logo, brand.font_dirs, width_cm=3.0)
