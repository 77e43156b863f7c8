"""Two versions of a paper side by side: what a redline, a Synopse and a text diff compare."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from papier import i18n
from papier.brand import Brand
from papier.redline.align import Differ, Marks
from papier.versions import Revision
from papier.workspace import Workspace
from papier.writers import Context


@dataclass
class Side:
    revision: Revision
    ws: Workspace
    ctx: Context

    @property
    def name(self) -> str:
        if self.revision.commit is None:
            return i18n.label(self.ctx.paper.lang, "worktree")
        return self.revision.label

    @property
    def described(self) -> str:
        """'v0.2.0 (3. Oktober 2026)' for headings and the stamp."""
        return f"{self.name} ({i18n.format_date(self.revision.when.date(), self.ctx.paper.lang)})"


@dataclass
class Comparison:
    old: Side
    new: Side
    brand: Brand
    marks: Marks

    def differ(self) -> Differ:
        roots = (str(self.old.ws.root), str(self.new.ws.root))

        def normalise(text: str) -> str:
            for root in roots:
                text = text.replace(root, "")
            return text

        return Differ(self.marks, normalise)

    def out_path(self, ws: Workspace, kind: str, ext: str) -> Path:
        slug = self.new.ctx.paper.slug
        old, new = (s.revision.file_label.lower().replace("/", "-") for s in (self.old, self.new))
        return ws.build_dir / slug / f"{slug}-{kind}-{old}-{new}.{ext}"
