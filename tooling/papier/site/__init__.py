"""papier site: the publication site, static and accessible, from the version tags.

index.html (and art/<kind>.html, the filter by kind without JavaScript), <slug>/index.html per
paper with every version's PDF, DOCX and HTML, feed.xml, sitemap.xml, impressum.html and
barrierefreiheit.html, assets/ with the brand's CSS, font subset and logo. The site is
written into a new folder beside the target and swapped in at the end: a failed run leaves
the old site as it was.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from papier import cache, fsutil, i18n, webfont
from papier.brand import load_brand
from papier.errors import PapierError
from papier.site import feeds, pages
from papier.site.labels import SITE, label
from papier.site.pages import Publication, SiteInfo
from papier.site.releases import Release, released, working_state
from papier.versions import parse_version
from papier.workspace import Workspace
from papier.writers.html import brand_css_root

MARKER = ".papier-site"  # a folder papier may replace as a whole


class SiteError(PapierError):
    """The site cannot be written where asked; the message says why and what to do."""


@dataclass
class SiteResult:
    out: Path
    pages: list[str] = field(default_factory=list)  # paths of the HTML pages, relative to out
    releases: int = 0
    drafts: int = 0
    left_out: list[str] = field(default_factory=list)  # draft tags, tags of no paper: why
    warnings: list[str] = field(default_factory=list)


def _publications(releases: list[Release], drafts: list[Release]) -> list[Publication]:
    by_slug: dict[str, Publication] = {}
    for release in releases:
        by_slug.setdefault(release.slug, Publication(release.slug, [])).releases.append(release)
    for draft in drafts:
        by_slug.setdefault(draft.slug, Publication(draft.slug, [])).draft = draft
    for pub in by_slug.values():
        pub.releases.sort(key=lambda r: parse_version(r.version) or (0, 0, 0), reverse=True)
    return sorted(by_slug.values(), key=lambda p: p.sort_key, reverse=True)


def _check_target(ws: Workspace, out: Path) -> None:
    if out.is_relative_to(ws.cache_dir.resolve()):
        raise SiteError(f"{out}: is inside papier's cache ({ws.cache_dir}), which the site is built "
                        "from; name another folder (papier site --out DIR)")
    if out.exists() and not out.is_dir():
        raise SiteError(f"{out}: is a file; name a folder for the site (papier site --out DIR)")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise SiteError(f"{out}: the folder has other files and is no site papier wrote, so it is "
                        "not replaced; name an empty or new folder (papier site --out DIR)")


def _stylesheet(ws: Workspace, site: SiteInfo, pages_html: list[str]) -> str:
    css_file = ws.templates_dir / "html" / "site.css"
    if not css_file.is_file():
        raise SiteError(f"{css_file}: missing; copy templates/html/site.css from papier's repository")
    brand = site.brand
    fonts = webfont.font_face_css("\n".join(pages_html), brand.body_font, brand.heading_font,
                                  brand.font_dirs, cache.folder(ws, cache.WEBFONTS))
    return f"{brand_css_root(brand)}\n{fonts}\n{css_file.read_text('utf-8')}"


def build_site(ws: Workspace, out: Path | None = None, drafts: bool = False, base_url: str = "",
               report: Callable[[str], None] | None = None) -> SiteResult:
    """Write the site into *out* (default build/site); only releases not built before are built."""
    say = report or (lambda _line: None)
    out = (out or ws.build_dir / "site").resolve()
    _check_target(ws, out)
    brand = load_brand(ws)
    lang = brand.site.get("lang", "de")
    title = brand.site.get("title") or f"{label(lang, 'publications')}: {brand.organisation}"
    if lang not in SITE:
        raise SiteError(f"templates/brand.yaml: site.lang: {lang!r} has no site texts; use "
                        f"{' or '.join(SITE)}")
    url = (base_url or brand.site.get("url", "")).strip().rstrip("/")
    if url and not re.match(r"^https?://[^\s/]+", url):
        where = "--base-url" if base_url else "templates/brand.yaml: site.url"
        raise SiteError(f"{where}: {url!r} is not a web address; write it like "
                        "https://netzwerk.example.org/publikationen")
    site = SiteInfo(brand, lang, title, url)
    collected = released(ws, say)
    releases = collected.releases
    current = working_state(ws, say) if drafts else []
    pubs = _publications(releases, current)
    result = SiteResult(out, releases=len(releases), drafts=len(current), left_out=collected.notes,
                        warnings=list(collected.warnings))

    written: dict[str, str] = {"index.html": pages.listing(site, pubs)}
    kinds = sorted({p.latest.info["kind"] for p in pubs})
    for kind in kinds:
        written[f"art/{kind}.html"] = pages.listing(site, pubs, kind)
    for pub in pubs:
        written[f"{pub.slug}/index.html"] = pages.paper_page(site, pub)
    written["impressum.html"] = pages.imprint_page(site)
    newest = max((r.date for r in releases), default=dt.date.today())
    reviewed = brand.site.get("accessibility_reviewed", "")
    try:
        reviewed_day = dt.date.fromisoformat(reviewed) if reviewed else newest
    except ValueError as exc:
        raise SiteError(f"templates/brand.yaml: site.accessibility_reviewed: {reviewed!r} is not a "
                        "date; write YYYY-MM-DD") from exc
    written["barrierefreiheit.html"] = pages.accessibility_page(
        site, i18n.format_date(reviewed_day, lang))
    result.pages = list(written)

    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        os.chmod(staging, 0o777 & ~fsutil.umask())
        for rel, text in written.items():
            fsutil.write_text(staging / rel, text)
        fsutil.write_text(staging / "assets" / "site.css", _stylesheet(ws, site, list(written.values())))
        if brand.logo is not None:
            shutil.copyfile(brand.logo, staging / "assets" / f"logo{brand.logo.suffix}")
        for pub in pubs:
            for release in ([pub.draft] if pub.draft else []) + pub.releases:
                target = staging / pub.slug / release.dirname
                target.mkdir(parents=True, exist_ok=True)
                for name in [f["name"] for f in release.info["files"].values()] + [release.info["cover"]]:
                    shutil.copyfile(release.folder / name, target / name)
        reading = [(f"{p.slug}/{r.dirname}/{r.info['files']['html']['name']}", r.date)
                   for p in pubs for r in p.releases if "html" in r.info["files"]]
        dated = {f"{p.slug}/index.html": p.latest.date for p in pubs}
        sitemap_pages = [(rel, dated.get(rel, newest if rel.startswith(("index", "art/")) else None))
                         for rel in written] + reading
        fsutil.write_bytes(staging / "sitemap.xml", feeds.sitemap(site, sitemap_pages))
        fsutil.write_bytes(staging / "feed.xml", feeds.atom_feed(site, pubs))
        fsutil.write_text(staging / MARKER, "papier site: this folder is replaced as a whole\n")
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if not site.url:
        result.warnings.append("sitemap.xml has addresses relative to the site, which search engines "
                               "do not accept: pass --base-url https://… (CI does) or set site.url "
                               "in templates/brand.yaml")
    if not reviewed:
        result.warnings.append("the accessibility statement gives the newest release's date as the "
                               "day it was last reviewed: set site.accessibility_reviewed in "
                               "templates/brand.yaml when someone has reviewed it")
    if not brand.site.get("contact"):
        result.warnings.append("the accessibility statement has no e-mail address for feedback: set "
                               "site.contact in templates/brand.yaml")
    return result


def _swap(staging: Path, out: Path) -> None:
    """Put the new site in place of the old one (two renames; the old one is then removed,
    or put back if the second rename fails)."""
    if not out.exists():
        os.replace(staging, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.replace(out, old / "site")
    try:
        os.replace(staging, out)
    except OSError:
        os.replace(old / "site", out)
        raise
    finally:
        shutil.rmtree(old, ignore_errors=True)
