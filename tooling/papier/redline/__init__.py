"""Redlines between two versions of a paper: DOCX with tracked changes, Synopse, HTML, Markdown."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from papier import cache, i18n
from papier import pandoc_ast as ast
from papier.brand import Brand, load_brand
from papier.paper import load_paper
from papier.redline.align import Marks
from papier.redline.compare import Comparison, Side
from papier.redline.docx import write_redline
from papier.redline.synopsis import write_synopsis
from papier.redline.text import write_text_redline
from papier.stamp import Stamp, page_footer
from papier.versions import Revision, VersionError, checkout, last_version, resolve, user_name
from papier.workspace import Workspace
from papier.writers.registry import prepare

TARGETS = ("docx", "html", "md")


def _side(ws: Workspace, revision: Revision, brand: Brand, slug: str) -> Side:
    """One version, assembled; its stamp is set once both sides are known."""
    paper = load_paper(ws, slug)
    ctx = prepare(paper, brand, Stamp("", page_footer(paper.lang)),
                  cache.paper_folder(ws, slug, "redline"))
    return Side(revision, ws, ctx)


@contextmanager
def comparison(ws: Workspace, slug: str, old_spec: str | None, new_spec: str | None,
               kind: str = "redline") -> Iterator[Comparison]:
    """Both versions loaded and assembled (past ones from git, in temporary folders)."""
    ws.paper_dir(slug)
    new_rev = resolve(ws, slug, new_spec)
    if old_spec is None:
        last = last_version(ws, slug)
        if last is None:
            raise VersionError(f"{slug}: no version tagged yet, so there is nothing to compare "
                               f"with by default; name a revision: papier diff {slug} HEAD~1, "
                               f"or tag one with: papier release {slug} VERSION")
        old_spec = last.version
    old_rev = resolve(ws, slug, old_spec)
    author = user_name(ws) if new_rev.commit is None else new_rev.author
    marks = Marks(author, new_rev.when.strftime("%Y-%m-%dT%H:%M:%SZ"))
    with ExitStack() as stack:
        new_ws = stack.enter_context(checkout(ws, slug, new_rev))
        old_ws = stack.enter_context(checkout(ws, slug, old_rev))
        brand = load_brand(new_ws)
        new = _side(new_ws, new_rev, brand, slug)
        old = _side(old_ws, old_rev, brand, slug)
        lang = new.ctx.paper.lang
        sides = [f"{side.described} ({side.commit_id})" if side.commit_id else side.described
                 for side in (old, new)]  # the hash in the stamp's small print only
        stamp = Stamp(f"{i18n.label(lang, kind)} · {sides[0]} → {sides[1]}", page_footer(lang))
        old.ctx.stamp = new.ctx.stamp = stamp
        _adopt_images(old, new)
        yield Comparison(old, new, brand, marks)


def _adopt_images(old: Side, new: Side) -> None:
    """Move the old version's images where the new version's writers can reach them.

    The old version lives in a temporary folder; its figures and charts must be under the
    new workspace's root. An image the new version has too (same path, same bytes) is
    taken from there, so that the differ sees no change; a chart (named by its content in
    build/.cache) is copied to the same place; any other is copied aside."""
    old_root, new_root = old.ws.root.resolve(), new.ws.root.resolve()
    if old_root == new_root:
        return

    def adopt(node: ast.Node) -> None:
        if node["t"] != "Image":
            return None
        src = Path(node["c"][2][0]).resolve()
        if not src.is_relative_to(old_root) or not src.is_file():
            return None
        rel = src.relative_to(old_root)
        target = new_root / rel
        if not (target.is_file() and target.read_bytes() == src.read_bytes()):
            if rel.parts[:2] != ("build", ".cache"):
                target = cache.paper_folder(new.ws, new.ctx.paper.slug, "redline", "old") / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target)
        node["c"][2][0] = str(target)
        return None

    ast.walk(old.ctx.assembled.doc["blocks"], adopt)


def diff(ws: Workspace, slug: str, old_spec: str | None = None, new_spec: str | None = None,
         to: str = "docx", synopse: bool = False) -> Path:
    """Write the redline (or Synopse) of *slug* between two versions; return its path."""
    if to not in TARGETS:
        raise VersionError(f"unknown target {to}; use one of {', '.join(TARGETS)}")
    with comparison(ws, slug, old_spec, new_spec, "synopsis" if synopse else "redline") as comp:
        if synopse:
            if to != "docx":
                raise VersionError("the Synopse is a DOCX; leave out --to or use --to docx")
            out = comp.out_path(ws, "synopse", "docx")
            write_synopsis(comp, out)
        elif to == "docx":
            out = comp.out_path(ws, "redline", "docx")
            write_redline(comp, out)
        else:
            out = comp.out_path(ws, "redline", to)
            write_text_redline(comp, out, to)
    return out


