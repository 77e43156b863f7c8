"""The releases a site shows: every version tag <slug>/vX.Y.Z built from git, once.

Each release is built from its tag in a temporary snapshot (the working tree is never
touched) into build/.cache/site/<slug>/v<version>-<commit>/: the final DOCX, PDF and HTML, a
cover thumbnail from the PDF's first page, and release.json with what the pages show (title,
key messages, Zitiervorschlag, licence, changelog as HTML). A cache folder is used again as
long as the tag points to the same commit and papier, pandoc and Typst are the same, so a new
release builds only itself. Draft tags (papier release --draft, for comment rounds) are not
publications and are left out; --drafts adds the working tree instead, marked as Entwurf.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from papier import cache, fsutil, imprint, pandoc
from papier import pandoc_ast as ast
from papier.brand import load_brand
from papier.build import build
from papier.errors import PapierError
from papier.imprint import Line
from papier.paper import Paper, load_paper
from papier.versions import RELEASE_TRAILER, Version, checkout, prefix_of, repo_of, resolve, versions
from papier.workspace import Workspace
from papier.writers import FORMATS, short_texts

SITE_CACHE = "site"
THUMB_WIDTH = 320  # px; shown at 160 CSS px, sharp on a phone's 2x screen
TAG_RE = re.compile(r"^([a-z0-9]+(?:-[a-z0-9]+)*)/v(\d+\.\d+\.\d+)$")
PUBLISHED = "veroeffentlicht"


@dataclass
class Release:
    """One version of a paper as the site shows it (or the working state, draft=True)."""

    slug: str
    version: str
    folder: Path  # where its files and release.json are
    info: dict[str, Any] = field(default_factory=dict)
    draft: bool = False

    @property
    def date(self) -> dt.date:
        return dt.date.fromisoformat(self.info["date"])

    @property
    def published(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.info["published"])

    @property
    def anchor(self) -> str:
        return "entwurf" if self.draft else "v" + self.version.replace(".", "-")

    @property
    def dirname(self) -> str:
        return "entwurf" if self.draft else self.version

    def file(self, fmt: str) -> dict[str, Any] | None:
        found: dict[str, Any] | None = self.info["files"].get(fmt)
        return found


def release_tags(ws: Workspace) -> list[tuple[str, str]]:
    """(slug, version) of every version tag in the repository, in no particular order."""
    found = []
    for ref in repo_of(ws).tags:
        match = TAG_RE.match(ref.name)
        if match:
            found.append((match[1], match[2]))
    return found


def html_fragments(parts: list[list[ast.Node]]) -> list[str]:
    """Blocks -> one HTML fragment each, with one pandoc call."""
    if not parts:
        return []
    import lxml.html  # noqa: PLC0415 - lazy: only the site needs it here

    doc = {"pandoc-api-version": [1, 23, 1], "meta": {},
           "blocks": [ast.div(blocks, f"part-{i}") for i, blocks in enumerate(parts)]}
    out = pandoc.write(doc, "html5", ["--wrap=none"]).decode("utf-8")
    tree = lxml.html.fragment_fromstring(out, create_parent="div")
    fragments = []
    for i in range(len(parts)):
        node = tree.get_element_by_id(f"part-{i}")
        inner = html.escape(node.text or "", quote=False) + "".join(
            lxml.html.tostring(child, encoding="unicode") for child in node)
        fragments.append(inner.strip())
    return fragments


SAFE_LINK = re.compile(r"^(?:https?:|mailto:|#|[^:/?#]+(?:[/?#]|$))", re.I)


def safe(value: Any) -> Any:
    """Texts from git (commit subjects in the changelog) and paper.yaml as the site may show
    them: raw HTML becomes its text, a link other than http(s), mailto or relative becomes
    its words, an image its alt text (it has no file on the site)."""

    def fix(node: ast.Node) -> ast.Node | list[ast.Node] | None:
        kind = node["t"]
        if kind == "RawInline":
            return {"t": "Str", "c": node["c"][1]}
        if kind == "RawBlock":
            return ast.para([{"t": "Str", "c": node["c"][1]}])
        if kind == "Link" and not SAFE_LINK.match(node["c"][2][0].strip()):
            return {"t": "Span", "c": [ast.attr(), node["c"][1]]}
        if kind == "Image":
            return {"t": "Span", "c": [ast.attr(), node["c"][1]]}
        return None

    return ast.walk(value, fix)


def _line_html(line: Line) -> str:
    return "".join(f'<a href="{html.escape(s.href)}">{html.escape(s.text)}</a>' if s.href
                   else html.escape(s.text) for s in line)


def _changelog_blocks(paper: Paper) -> list[ast.Node]:
    """The paper's CHANGELOG.md without its title, headings one level down, ids prefixed."""
    path = paper.folder / "CHANGELOG.md"
    if not path.is_file():
        return []
    doc = pandoc.read_markdown(path.read_text("utf-8"), paper.rel(path), positions=False)
    blocks = [b for b in doc["blocks"] if not (b["t"] == "Header" and b["c"][0] == 1)]

    def shift(node: ast.Node) -> None:
        if node["t"] == "Header":
            node["c"][0] = min(node["c"][0] + 1, 6)
            node["c"][1][0] = f"aenderungen-{node['c'][1][0]}" if node["c"][1][0] else ""

    for node in ast.iter_nodes(blocks):
        shift(node)
    return blocks


def describe(paper: Paper, final: bool) -> dict[str, Any]:
    """What the site shows of *paper*: texts as HTML fragments, the rest as plain values."""
    brand = load_brand(paper.workspace)
    title, subtitle, messages = safe(list(short_texts(paper)))
    fragments = html_fragments([[ast.plain(title)], [ast.plain(subtitle)],
                                *[[ast.plain(m)] for m in messages], safe(_changelog_blocks(paper))])
    title_text, subtitle_text = ast.stringify(title), ast.stringify(subtitle)
    info = imprint.build(paper, brand, title_text, subtitle_text, final)
    lic = info.licence
    return {
        "slug": paper.slug, "version": paper.version, "lang": paper.lang, "kind": paper.kind,
        "kind_label": paper.kind_label, "date": paper.date.isoformat(),
        "title": title_text, "title_html": fragments[0], "subtitle": subtitle_text,
        "subtitle_html": fragments[1], "messages_title": paper.messages_title,
        "messages": [ast.stringify(m) for m in messages],
        "messages_html": fragments[2:2 + len(messages)],
        "changelog_html": fragments[-1],
        "authors": [a.name + (f" ({a.organisation})" if a.organisation else "") for a in paper.authors],
        "citation_html": _line_html(info.citation),
        "licence": {"name": lic.name, "url": lic.url} if lic is not None else None,
        "doi": paper.doi, "isbn": paper.isbn,
    }


def thumbnail(pdf: Path, out: Path) -> None:
    """The PDF's first page as a small PNG (PDFium renders it, as Chromium would)."""
    import pypdfium2 as pdfium  # noqa: PLC0415 - lazy: only the site draws covers

    document = pdfium.PdfDocument(str(pdf))
    try:
        page = document[0]
        image = page.render(scale=THUMB_WIDTH / page.get_width()).to_pil()
        page.close()
    finally:
        document.close()
    image = image.convert("RGB").quantize(colors=128)  # a cover has few colours: 4x smaller
    with fsutil.atomic_path(out) as tmp:
        image.save(tmp, format="PNG", optimize=True)


def _store(paper: Paper, final: bool, built_files: dict[str, Path], target: Path,
           extra: dict[str, Any]) -> None:
    """Copy the built files of *paper* into *target* with a thumbnail and release.json."""
    target.mkdir(parents=True, exist_ok=True)
    files: dict[str, Any] = {}
    for fmt in FORMATS:
        built = built_files[fmt]
        shutil.copyfile(built, target / built.name)
        files[fmt] = {"name": built.name, "size": built.stat().st_size}
    thumbnail(target / files["pdf"]["name"], target / "cover.png")
    info = {**describe(paper, final), **extra, "files": files, "cover": "cover.png",
            "tool": cache.tool_fingerprint()}
    fsutil.write_text(target / "release.json", json.dumps(info, ensure_ascii=False, indent=1))


def _built(ws: Workspace, slug: str, final: bool, out: Path | None = None) -> dict[str, Path]:
    results = build(ws, [slug], FORMATS, final=final, out_dir=out)
    failed = [r for r in results if not r.ok]
    if failed:  # the build's own message names the file, the line and the fix
        raise PapierError(failed[0].error)
    return {r.fmt: r.path for r in results if r.path is not None}


def is_draft(version: Version, slug: str) -> bool | None:
    """Whether *version* was tagged with papier release --draft: from the tag's trailer
    (Papier-Release: draft|final), else from the release commit's subject; None when the tag
    does not say (a lightweight tag, or one made by hand)."""
    for line in version.message.splitlines():
        if line.startswith(f"{RELEASE_TRAILER}:"):
            return line.split(":", 1)[1].strip() == "draft"
    subject = str(version.commit.summary)
    if subject.startswith(f"{slug}: Entwurf "):
        return True
    if subject.startswith(f"{slug}: Veröffentlichung "):
        return False
    return None


@dataclass
class Collected:
    releases: list[Release] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # draft tags and tags of no paper, left out
    warnings: list[str] = field(default_factory=list)  # releases that could not be built


def released(ws: Workspace, report: Callable[[str], None]) -> Collected:
    """Every published release, built now or taken from the cache. A draft tag or a tag of
    something that is no paper is left out with a note; a release that cannot be built is
    left out with a warning naming the tag and the way out, and the others still go on."""
    found = Collected()
    root = cache.folder(ws, SITE_CACHE)
    repo = repo_of(ws)
    prefix = prefix_of(ws, repo)
    for slug in sorted({slug for slug, _version in release_tags(ws)}):
        for version in versions(ws, slug):
            try:
                version.commit.tree / f"{prefix}papers/{slug}/paper.yaml"
            except KeyError:
                found.notes.append(f"{version.tag} names no paper (no papers/{slug}/paper.yaml at "
                                   f"{version.commit.hexsha[:7]}); not on the site")
                continue
            target = root / slug / f"v{version.version}-{version.commit.hexsha[:12]}"
            meta = target / "release.json"
            info = json.loads(meta.read_text("utf-8")) if meta.is_file() else {}
            if info.get("tool") == cache.tool_fingerprint():
                report(f"{version.tag}  up to date")
            else:
                try:
                    info = _build_release(ws, slug, version, target, report)
                except PapierError as exc:
                    shutil.rmtree(target, ignore_errors=True)
                    first = str(exc).strip().splitlines()[0]
                    found.warnings.append(
                        f"{version.tag} ({version.commit.hexsha[:7]}) cannot be built and is not on "
                        f"the site: {first} — release a fixed version, or withdraw the tag: git tag "
                        f"-d {version.tag} && git push --delete origin {version.tag}")
                    report(f"{version.tag}  FAILED")
                    continue
            if info.get("draft"):
                found.notes.append(f"{version.tag} is a draft (papier release --draft) and not on the site")
                continue
            found.releases.append(Release(slug, version.version, target, info))
    return found


def _build_release(ws: Workspace, slug: str, version: Version, target: Path,
                   report: Callable[[str], None]) -> dict[str, Any]:
    revision = resolve(ws, slug, version.tag)
    shutil.rmtree(target, ignore_errors=True)
    with checkout(ws, slug, revision) as past, tempfile.TemporaryDirectory(
            prefix="papier-site-") as tmp:
        paper = load_paper(past, slug)
        draft = is_draft(version, slug)
        if draft is None:  # a tag papier did not make: published is what its paper.yaml says
            draft = paper.status != PUBLISHED
        if draft:  # remembered as one, never built
            target.mkdir(parents=True, exist_ok=True)
            fsutil.write_text(target / "release.json",
                              json.dumps({"draft": True, "tool": cache.tool_fingerprint()}))
            report(f"{version.tag}  a draft: not on the site")
        else:
            _store(paper, True, _built(past, slug, True, Path(tmp)), target,
                   {"tag": version.tag, "commit": version.commit.hexsha,
                    "published": version.tagger_date.isoformat()})
            report(f"{version.tag}  built")
    info: dict[str, Any] = json.loads((target / "release.json").read_text("utf-8"))
    return info


def working_state(ws: Workspace, report: Callable[[str], None]) -> list[Release]:
    """Every paper of the working tree as a draft (papier site --drafts)."""
    out = []
    root = cache.folder(ws, SITE_CACHE)
    for slug in ws.slugs():
        paper = load_paper(ws, slug)
        target = root / slug / "entwurf"
        files = _built(ws, slug, False)  # into build/<slug>/, with the build's own cache
        shutil.rmtree(target, ignore_errors=True)
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        _store(paper, False, files, target, {"tag": "", "commit": "", "published": now.isoformat()})
        report(f"{slug}  working state (Entwurf) built")
        info = json.loads((target / "release.json").read_text("utf-8"))
        out.append(Release(slug, paper.version, target, info, draft=True))
    return out
