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
    def described(self) -> str:
        """What a reader calls this side: 'Fassung 0.2.0 vom 3. Dezember 2026' for a version,
        'Arbeitsstand vom 21. November 2026' for the working tree, 'Stand vom …' for another
        commit; never a git word (HEAD, a hash)."""
        lang = self.ctx.paper.lang
        date = i18n.format_date(self.revision.when.date(), lang)
        if self.revision.commit is None:
            return i18n.label(lang, "worktree_of").format(date=date)
        if self.revision.version:
            return i18n.label(lang, "version_of").format(version=self.revision.version, date=date)
        return i18n.label(lang, "revision_of").format(date=date)

    @property
    def commit_id(self) -> str:
        """The short hash of a side that is neither a version nor the working tree, for
        small print (two commits of one day would otherwise read the same); else ''."""
        commit = self.revision.commit
        return commit.hexsha[:7] if commit is not None and not self.revision.version else ""


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
