"""The publication site as a reader, an audit, a feed reader and a search engine see it.

One site is built from the release history of sitekit (two releases of the Positionspapier,
a draft tag and a release of the Potenzialanalyse) with `papier site --drafts --base-url …`,
run as a whole process; a second one without --base-url (relative feed links) in another
folder. Every HTML page found in the output folder (index, kind pages, paper pages, imprint,
accessibility statement, every reading version) is opened in headless Chromium (Debian's
`chromium`, never a downloaded browser) and checked with axe-core at 1280 and 360 px and for
sideways scrolling at 360 and 320 px; every link is followed on disk; the filter by kind is
clicked with JavaScript switched off; feed.xml and sitemap.xml are read as XML.

The page text read back by lxml, caching and refusals are in test_site.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import git
import lxml.html
import pytest
import yaml
from lxml import etree

from conftest import ANALYSIS, POSITION
from sitekit import BASE_URL, CHANGED_SENTENCE, RELEASES, SiteRun, history, run_site
from test_html_browser import AXE, WCAG_TAGS, _axe_report, launched_chromium

pytestmark = pytest.mark.slow

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
TITLES = {POSITION: "Familienzentren verlässlich verankern", ANALYSIS: "Was Familienzentren möglich machen"}
KIND_OF = {POSITION: "Positionspapier", ANALYSIS: "Potenzialanalyse"}
DRAFT_VERSIONS = {POSITION: "1.2.0", ANALYSIS: "1.0.0"}  # the working tree after the history
MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
          "Oktober", "November", "Dezember"]
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
SIZE = re.compile(r"\((\d+(?:,\d+)?) (kB|MB)\)$")
EXTERNAL = ("http://", "https://", "//")
LOADING_RELS = {"stylesheet", "icon", "preload", "prefetch", "modulepreload", "manifest",
                "apple-touch-icon", "dns-prefetch", "preconnect"}
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]*)\1\s*\)""")
CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?['"]?([^'"\s;)]+)""")


@dataclass
class Sites:
    run: SiteRun  # --drafts --base-url BASE_URL
    relative: SiteRun  # no --base-url, no --drafts

    @property
    def site(self) -> Path:
        return self.run.site


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Sites:
    root = tmp_path_factory.mktemp("sb_site")
    ws = history(root / "ws")
    run = run_site(ws, "--drafts", "--base-url", BASE_URL, "--out", str(root / "site"))
    assert run.code == 0, run.stderr
    relative = run_site(ws, "--out", str(root / "site-relative"))
    assert relative.code == 0, relative.stderr
    return Sites(run, relative)


@pytest.fixture(scope="module")
def pages(sites: Sites) -> list[str]:
    """Every HTML page in the output folder, as paths relative to it."""
    found = sorted(p.relative_to(sites.site).as_posix() for p in sites.site.rglob("*.html"))
    core = {"index.html", "art/positionspapier.html", "art/potenzialanalyse.html", "impressum.html",
            "barrierefreiheit.html", f"{POSITION}/index.html", f"{ANALYSIS}/index.html"}
    reading = {f"{slug}/{version}/{slug}-v{version}.html" for slug, version in RELEASES}
    drafts = {f"{slug}/entwurf/{slug}-v{version}.html" for slug, version in DRAFT_VERSIONS.items()}
    # exactly these: no page for the draft tag 0.9.0, nothing missing from the walk
    assert set(found) == core | reading | drafts
    return found


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    with launched_chromium() as browser:
        yield browser


@contextmanager
def opened(browser: Any, path: Path, width: int = 1280, javascript: bool = True) -> Iterator[Any]:
    page = browser.new_page(viewport={"width": width, "height": 900}, java_script_enabled=javascript)
    try:
        page.goto(path.as_uri())
        page.evaluate("document.fonts.ready.then(() => true)")
        yield page
    finally:
        page.close()


def arrived(page: Any, pattern: str) -> None:
    """After a click on a link: the page it leads to has loaded, and its address matches."""
    page.wait_for_load_state("load")
    assert re.search(pattern, page.url), f"the link led to {page.url}"


def tree_of(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


def text_of(node: Any) -> str:
    return " ".join(node.text_content().split())


def german_date(text: str) -> dt.date:
    match = re.search(r"(\d{1,2})\. (\w+) (\d{4})", text)
    assert match, f"no date in {text!r}"
    return dt.date(int(match[3]), MONTHS.index(match[2]) + 1, int(match[1]))


def tag_time(ws_root: Path, slug: str, version: str) -> int:
    return int(git.Repo(ws_root).tags[f"{slug}/v{version}"].tag.tagged_date)


# ---------------------------------------------------------------- 1. axe-core on every page


@pytest.mark.parametrize("width", [1280, 360])
def test_axe_wcag21_aa_on_every_page(chromium: Any, sites: Sites, pages: list[str], width: int) -> None:
    failures = []
    for rel in pages:
        with opened(chromium, sites.site / rel, width) as page:
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("""tags => axe.run(document,
                {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})""", WCAG_TAGS)
        assert result["passes"], f"{rel}: axe-core did not run"
        if result["violations"]:
            failures.append(f"{rel} at {width} px:\n{_axe_report(result['violations'])}")
    assert not failures, "axe-core WCAG 2.1 A/AA violations:\n" + "\n".join(failures)


# ---------------------------------------------------------------- 2. links and resources


def _refs(tree: lxml.html.HtmlElement) -> Iterator[tuple[str, str, str]]:
    """(tag, attribute, value) of every href and src on the page."""
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        for attr in ("href", "src"):
            value = el.get(attr)
            if value is not None:
                yield el.tag, attr, value.strip()


def _css_texts(tree: lxml.html.HtmlElement) -> list[str]:
    return [s.text or "" for s in tree.iter("style")] + [el.get("style") for el in tree.iter()
                                                         if isinstance(el.tag, str) and el.get("style")]


class _Ids:
    def __init__(self) -> None:
        self.cache: dict[Path, set[str]] = {}

    def of(self, path: Path) -> set[str]:
        if path not in self.cache:
            self.cache[path] = {el.get("id") for el in tree_of(path).iter()
                                if isinstance(el.tag, str) and el.get("id")}
        return self.cache[path]


def _check_target(site: Path, source: Path, ref: str, ids: _Ids) -> str | None:
    """Why *ref* (relative, found in *source*) is broken, or None."""
    parts = urlsplit(ref)
    path, fragment = unquote(parts.path), unquote(parts.fragment)
    target = (source.parent / path).resolve() if path else source
    if not target.is_relative_to(site.resolve()):
        return "points outside the site folder"
    if not target.is_file():
        return f"{target.relative_to(site.resolve()).as_posix()} does not exist"
    if fragment:
        if target.suffix != ".html":
            return f"#{fragment} on a file that is no HTML page"
        if fragment not in ids.of(target):
            return f"no element with id {fragment!r} in {target.relative_to(site.resolve()).as_posix()}"
    return None


def test_no_broken_internal_link(sites: Sites, pages: list[str]) -> None:
    site = sites.site.resolve()
    ids = _Ids()
    broken = []
    checked = 0
    for rel in pages:
        source = site / rel
        tree = tree_of(source)
        for tag, attr, ref in _refs(tree):
            where = f"{rel}: <{tag} {attr}={ref[:90]!r}>"
            if ref.startswith(("/", "file:")):
                broken.append(f"{where}: absolute path into the file system or server root")
                continue
            base = source
            if ref.startswith(BASE_URL + "/"):  # an absolute address into the site itself
                ref, base = ref[len(BASE_URL) + 1:], site / "index.html"
            elif ref.startswith(("http://", "https://", "mailto:", "data:")):
                continue
            elif re.match(r"^[a-z][a-z0-9+.-]*:", ref, re.I):
                broken.append(f"{where}: unexpected scheme")
                continue
            checked += 1
            why = _check_target(site, base, ref, ids)
            if why:
                broken.append(f"{where}: {why}")
        for css in _css_texts(tree):
            for _quote, ref in CSS_URL.findall(css):
                if not ref.startswith(("data:", "#", "http://", "https://", "//")):
                    why = _check_target(site, source, ref, ids)
                    if why:
                        broken.append(f"{rel}: inline CSS url({ref}): {why}")
    css_file = site / "assets" / "site.css"
    for _quote, ref in CSS_URL.findall(css_file.read_text("utf-8")):
        if not ref.startswith(("data:", "#", "http://", "https://", "//")):
            why = _check_target(site, css_file, ref, ids)
            if why:
                broken.append(f"assets/site.css: url({ref}): {why}")
    assert checked > 100  # the walk really saw the links (nav, cards, downloads, tables of contents)
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_nothing_is_loaded_from_elsewhere(sites: Sites, pages: list[str]) -> None:
    """No script, stylesheet, image, font or import from another server; links to the licence
    or the DOI resolver (<a href>) are fine."""
    site = sites.site
    found = []
    for rel in pages:
        tree = tree_of(site / rel)
        for el in tree.iter():
            if not isinstance(el.tag, str):
                continue
            for attr in ("src", "srcset", "data", "poster"):
                value = (el.get(attr) or "").strip()
                if el.tag != "a" and any(part.strip().startswith(EXTERNAL) for part in value.split(",")):
                    found.append(f"{rel}: <{el.tag} {attr}={value[:90]!r}>")
            if el.tag == "link":
                rels = set((el.get("rel") or "").lower().split())
                href = (el.get("href") or "").strip()
                if rels & LOADING_RELS and href.startswith(EXTERNAL):
                    found.append(f"{rel}: <link rel={el.get('rel')!r} href={href!r}>")
        for css in _css_texts(tree):
            found += [f"{rel}: inline CSS url({ref})" for _q, ref in CSS_URL.findall(css)
                      if ref.startswith(EXTERNAL)]
            found += [f"{rel}: inline CSS @import {ref}" for ref in CSS_IMPORT.findall(css)]
        assert not tree.xpath("//script[@src]"), f"{rel}: a script file"
    css = (site / "assets" / "site.css").read_text("utf-8")
    found += [f"assets/site.css: url({ref})" for _q, ref in CSS_URL.findall(css) if ref.startswith(EXTERNAL)]
    found += [f"assets/site.css: @import {ref}" for ref in CSS_IMPORT.findall(css)]
    assert "data:font/woff2;base64," in css  # the font is embedded, not fetched
    assert not found, "loaded from elsewhere:\n" + "\n".join(found)


# ---------------------------------------------------------------- 3. no sideways scrolling


@pytest.mark.parametrize("width", [360, 320])
def test_nothing_scrolls_sideways_on_any_page(chromium: Any, sites: Sites, pages: list[str],
                                             width: int) -> None:
    failures = []
    for rel in pages:
        with opened(chromium, sites.site / rel, width) as page:
            scroll = page.evaluate("document.documentElement.scrollWidth")
            wider = page.evaluate("""w => [...document.querySelectorAll('body *')]
                .filter(e => !e.closest('.table-scroll') && e.getBoundingClientRect().right > w + 0.5)
                .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
                          + ' right=' + Math.round(e.getBoundingClientRect().right))""", width)
            regions = page.evaluate("""() => [...document.querySelectorAll('.table-scroll')]
                .map(e => e.getBoundingClientRect()).map(r => [r.left, r.right])""")
        if scroll > width:
            failures.append(f"{rel}: scrollWidth {scroll} > {width}")
        if wider:
            failures.append(f"{rel}: wider than {width} px outside .table-scroll: {wider[:8]}")
        outside = [r for r in regions if r[0] < 0 or r[1] > width + 0.5]
        if outside:
            failures.append(f"{rel}: .table-scroll regions outside the viewport: {outside}")
    assert not failures, f"sideways scrolling at {width} px:\n" + "\n".join(failures)


# ---------------------------------------------------------------- 4. filter without JavaScript


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(n) for n in version.split("."))


def _cards(page: Any) -> list[dict[str, str]]:
    cards = page.locator("main .card")
    out = []
    for i in range(cards.count()):
        card = cards.nth(i)
        out.append({"title": card.locator("h2").inner_text().strip(),
                    "href": card.locator("h2 a").get_attribute("href"),
                    "meta": " ".join(card.locator(".meta").inner_text().split())})
    return out


def test_filter_by_kind_works_without_javascript(chromium: Any, sites: Sites) -> None:
    with opened(chromium, sites.site / "index.html", javascript=False) as page:
        assert page.locator("script").count() == 0  # nothing on the page would need it
        filters = page.locator("nav.filter")
        assert filters.get_attribute("aria-label")
        current = filters.locator('a[aria-current="page"]')
        assert current.count() == 1 and current.inner_text().startswith("Alle")

        cards = _cards(page)
        assert sorted(c["title"] for c in cards) == sorted(TITLES.values())
        latest = {slug: max((v for s, v in RELEASES if s == slug), key=_version_key) for slug in TITLES}
        order = []
        for card in cards:
            slug = next(s for s, t in TITLES.items() if t == card["title"])
            assert card["href"] == f"{slug}/index.html"
            assert card["meta"].startswith(KIND_OF[slug]) and card["meta"].endswith(f"Version {latest[slug]}")
            order.append((german_date(card["meta"]), tag_time(sites.run.ws.root, slug, latest[slug])))
        # newest first: by the date on the card, then by when the release was tagged (the
        # Potenzialanalyse last; tags made within the same second may stand in either order)
        assert order == sorted(order, reverse=True), f"not newest first: {cards}"

        link = filters.get_by_role("link", name=re.compile(r"^Positionspapiere\b"))
        shown = re.search(r"\((\d+)\)", link.inner_text())
        assert shown, link.inner_text()
        count = int(shown[1])
        link.click()
        arrived(page, r"/art/positionspapier\.html$")
        kept = _cards(page)
        assert len(kept) == count == 1, (count, kept)
        assert all(c["meta"].startswith("Positionspapier ") for c in kept), kept
        assert kept[0]["title"] == TITLES[POSITION]
        current = page.locator('nav.filter a[aria-current="page"]')
        assert current.count() == 1 and current.inner_text().startswith("Positionspapiere")
        assert page.get_by_role("heading", level=1).inner_text() == "Positionspapiere"

        # from the kind page (one folder down) to the paper and back to all
        page.locator("main .card h2 a").click()
        arrived(page, rf"/{POSITION}/index\.html$")
        assert page.get_by_role("heading", level=1).inner_text() == TITLES[POSITION]
        page.go_back()
        page.locator("nav.filter").get_by_role("link", name=re.compile(r"^Alle\b")).click()
        arrived(page, r"/index\.html$")
        assert len(_cards(page)) == 2


# ---------------------------------------------------------------- 5. the paper page


def _check_size(label: str, size: int) -> str | None:
    match = SIZE.search(label)
    if not match:
        return f"no size in {label!r}"
    shown = float(match[1].replace(",", "."))
    unit, step = (1000, 1000) if match[2] == "kB" else (1_000_000, 100_000)
    if abs(shown * unit - size) > step / 2 + 1:
        return f"{label!r} but the file has {size} bytes"
    return None


def test_paper_page_as_a_reader_sees_it(chromium: Any, sites: Sites) -> None:
    folder = sites.site / POSITION
    with opened(chromium, folder / "index.html") as page:
        assert page.get_by_role("heading", level=1).inner_text() == TITLES[POSITION]
        rows = page.locator("section[aria-labelledby='versionen'] tbody tr")
        versions = [" ".join(rows.nth(i).locator("th").inner_text().split()) for i in range(rows.count())]
        assert versions == [f"{DRAFT_VERSIONS[POSITION]} (Entwurf)", "1.1.0", "1.0.0"]
        for i, folder_name in enumerate(["entwurf", "1.1.0", "1.0.0"]):
            hrefs = [a.get_attribute("href") for a in rows.nth(i).locator("a").all()]
            assert len(hrefs) == 3 and all(h.startswith(f"{folder_name}/") for h in hrefs), hrefs
            assert {Path(h).suffix for h in hrefs} == {".pdf", ".docx", ".html"}

        wrong = []
        links = page.locator("ul.downloads li")
        assert links.count() == 3 + 3 * 3  # the newest on top, then every version's three files
        for i in range(links.count()):
            item = links.nth(i)
            href = item.locator("a").get_attribute("href")
            target = folder / unquote(href)
            if not target.is_file():
                wrong.append(f"{href}: missing")
                continue
            why = _check_size(" ".join(item.inner_text().split()), target.stat().st_size)
            if why:
                wrong.append(f"{href}: {why}")
        assert not wrong, "download sizes:\n" + "\n".join(wrong)

        cover = page.locator("img.cover")
        assert cover.count() == 1 and cover.get_attribute("src") == "1.1.0/cover.png"
        cover.scroll_into_view_if_needed()
        page.wait_for_function("() => document.querySelector('img.cover').complete")
        assert cover.evaluate("img => img.naturalWidth") > 0, "the cover did not load"

        assert page.get_by_role("heading", name="Zitiervorschlag", level=2).count() == 1
        citation = " ".join(page.locator(".citation").inner_text().split())
        assert citation.startswith("Blum, Barbara; Arbeitsgruppe Positionen (2026): " + TITLES[POSITION])

        changes = page.locator("section[aria-labelledby='aenderungen']")
        assert changes.get_by_role("heading", name="Änderungen", level=2).count() == 1
        headings = changes.locator("h3").all_inner_texts()
        assert any(h.startswith("1.1.0 ") for h in headings) and any(h.startswith("1.0.0 ") for h in headings)
        assert headings.index(next(h for h in headings if h.startswith("1.1.0 "))) < headings.index(
            next(h for h in headings if h.startswith("1.0.0 ")))

        page.get_by_role("link", name="Online lesen", exact=True).click()
        arrived(page, rf"/{POSITION}/1\.1\.0/{POSITION}-v1\.1\.0\.html$")
        assert page.title() == TITLES[POSITION]
        assert page.locator("h1").first.inner_text().strip() == TITLES[POSITION]
        assert CHANGED_SENTENCE in page.locator("main").inner_text()  # 1.1.0, not 1.0.0


def test_covers_on_the_index_load(chromium: Any, sites: Sites) -> None:
    with opened(chromium, sites.site / "index.html", width=360) as page:
        covers = page.locator("img.cover")
        assert covers.count() == 2
        for i in range(covers.count()):
            covers.nth(i).scroll_into_view_if_needed()
            covers.nth(i).evaluate("img => img.complete || new Promise(r => img.onload = img.onerror = r)")
            assert covers.nth(i).evaluate("img => img.naturalWidth") > 0, covers.nth(i).get_attribute("src")


# ---------------------------------------------------------------- 6. feed and sitemap


def _stamp(text: str | None) -> dt.datetime:
    assert text and RFC3339.match(text), f"not RFC 3339: {text!r}"
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _entries(feed: etree._Element) -> dict[tuple[str, str], etree._Element]:
    """The entries by (slug, version), read from the enclosure's address."""
    out = {}
    for entry in feed.findall(f"{ATOM}entry"):
        enclosure = entry.find(f"{ATOM}link[@rel='enclosure']")
        assert enclosure is not None, etree.tostring(entry)
        match = re.search(r"([a-z0-9-]+)/(\d+\.\d+\.\d+)/\1-v\2\.pdf$", enclosure.get("href", ""))
        assert match, enclosure.get("href")
        assert (match[1], match[2]) not in out, f"two entries for {match[1]} {match[2]}"
        out[(match[1], match[2])] = entry
    return out


def _check_feed(feed: etree._Element, site: Path, to_path: Any) -> dict[tuple[str, str], etree._Element]:
    assert feed.tag == f"{ATOM}feed"
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", feed.findtext(f"{ATOM}id") or "")
    assert (feed.findtext(f"{ATOM}title") or "").strip()
    assert (feed.findtext(f"{ATOM}author/{ATOM}name") or "").strip()
    updated = _stamp(feed.findtext(f"{ATOM}updated"))
    self_link = feed.find(f"{ATOM}link[@rel='self']")
    assert self_link is not None and to_path(self_link.get("href")) == ("feed.xml", "")
    entries = _entries(feed)
    assert set(entries) == set(RELEASES)  # not the draft tag 0.9.0, not the working drafts
    ids = []
    for (slug, version), entry in entries.items():
        ids.append(entry.findtext(f"{ATOM}id"))
        assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", ids[-1] or ""), ids[-1]
        title = entry.findtext(f"{ATOM}title") or ""
        assert TITLES[slug] in title and version in title, title
        assert _stamp(entry.findtext(f"{ATOM}updated")) <= updated
        alternate = entry.find(f"{ATOM}link[@rel='alternate']")
        assert alternate is not None
        path, fragment = to_path(alternate.get("href"))
        assert path == f"{slug}/index.html" and fragment, alternate.get("href")
        rows = tree_of(site / path).xpath("//*[@id=$id]", id=fragment)
        assert rows, f"{alternate.get('href')}: no element with id {fragment!r} in {path}"
        row = rows[0]
        assert text_of(row.find("th")) == version
        enclosure = entry.find(f"{ATOM}link[@rel='enclosure']")
        assert enclosure is not None and enclosure.get("type") == "application/pdf"
        pdf_path, _ = to_path(enclosure.get("href"))
        pdf = site / pdf_path
        assert pdf.is_file() and int(enclosure.get("length", "-1")) == pdf.stat().st_size, pdf_path
        assert "entwurf" not in pdf_path.split("/")
    assert len(set(ids)) == len(ids)
    return entries


def test_feed_is_atom_with_one_entry_per_release(sites: Sites) -> None:
    site = sites.site

    def absolute(href: str | None) -> tuple[str, str]:
        assert href and href.startswith(BASE_URL + "/"), href
        parts = urlsplit(href[len(BASE_URL) + 1:])
        return unquote(parts.path), unquote(parts.fragment)

    feed = etree.parse(site / "feed.xml").getroot()
    entries = _check_feed(feed, site, absolute)
    for (slug, version), entry in entries.items():  # released when it was tagged
        when = dt.datetime.fromtimestamp(tag_time(sites.run.ws.root, slug, version), dt.UTC)
        assert _stamp(entry.findtext(f"{ATOM}updated")) == when

    def relative(href: str | None) -> tuple[str, str]:  # resolved against the feed's own address
        assert href and not href.startswith(("http:", "https:", "/")), href
        parts = urlsplit(urljoin("http://site.invalid/feed.xml", href))
        assert parts.netloc == "site.invalid", href
        return unquote(parts.path).lstrip("/"), unquote(parts.fragment)

    other = etree.parse(sites.relative.site / "feed.xml").getroot()
    other_entries = _check_feed(other, sites.relative.site, relative)
    # ids stay the same whatever the base address and however often the site is built
    assert other.findtext(f"{ATOM}id") == feed.findtext(f"{ATOM}id")
    for key, entry in entries.items():
        assert other_entries[key].findtext(f"{ATOM}id") == entry.findtext(f"{ATOM}id"), key


def test_sitemap_lists_every_published_page(sites: Sites, pages: list[str]) -> None:
    urlset = etree.parse(sites.site / "sitemap.xml").getroot()
    assert urlset.tag == f"{SITEMAP}urlset"
    locs = [u.findtext(f"{SITEMAP}loc") or "" for u in urlset.findall(f"{SITEMAP}url")]
    assert all(loc.startswith(BASE_URL + "/") for loc in locs), locs
    listed = [loc[len(BASE_URL) + 1:] for loc in locs]
    assert len(listed) == len(set(listed))
    assert all((sites.site / rel).is_file() for rel in listed)
    published = {rel for rel in pages if "entwurf" not in rel.split("/")}  # drafts are not for search
    assert set(listed) == published, (sorted(published - set(listed)), sorted(set(listed) - published))
    for url in urlset.findall(f"{SITEMAP}url"):
        lastmod = url.findtext(f"{SITEMAP}lastmod")
        assert lastmod is None or dt.date.fromisoformat(lastmod)


# ---------------------------------------------------------------- 7. imprint and statement


def _brand_site(sites: Sites) -> dict[str, Any]:
    brand = yaml.safe_load((sites.run.ws.root / "templates" / "brand.yaml").read_text("utf-8"))
    return {**brand, "site": brand.get("site") or {}}


def _sections(tree: lxml.html.HtmlElement) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    current = None
    for child in tree.get_element_by_id("inhalt"):
        if child.tag == "h2":
            current = text_of(child)
            out[current] = []
        elif current is not None:
            out[current].append(child)
    return out


def test_imprint(chromium: Any, sites: Sites) -> None:
    brand = _brand_site(sites)
    contact = brand["site"].get("contact")
    assert contact, "templates/brand.yaml: site.contact"
    with opened(chromium, sites.site / "index.html") as page:
        page.locator("footer").get_by_role("link", name="Impressum").click()
        arrived(page, r"/impressum\.html$")
        assert page.locator('footer a[aria-current="page"]').inner_text() == "Impressum"
        assert page.get_by_role("heading", level=1).inner_text() == "Impressum"
        headings = page.locator("main h2").all_inner_texts()
        assert {"Herausgeber", "Kontakt"} <= set(headings), headings
        main = page.locator("main").inner_text()
        assert brand["publisher"] in main
        mail = page.locator(f'main a[href="mailto:{contact}"]')
        assert mail.count() == 1 and mail.is_visible() and mail.inner_text() == contact
        if brand["site"].get("responsible"):
            assert any(h.startswith("Verantwortlich") for h in headings)
            assert brand["site"]["responsible"] in main
    sections = _sections(tree_of(sites.site / "impressum.html"))
    assert [a.get("href") for node in sections["Kontakt"] for a in node.iter("a")] == [f"mailto:{contact}"]


def test_accessibility_statement(chromium: Any, sites: Sites) -> None:
    brand = _brand_site(sites)
    contact = brand["site"].get("contact")
    assert contact, "templates/brand.yaml: site.contact"
    required = ["Stand der Vereinbarkeit", "Nicht barrierefreie Inhalte", "Feedback und Kontakt",
                "Schlichtungsverfahren"]
    with opened(chromium, sites.site / f"{POSITION}/index.html", width=360) as page:
        page.locator("footer").get_by_role("link", name="Barrierefreiheit").click()
        arrived(page, r"/barrierefreiheit\.html$")
        assert page.locator('footer a[aria-current="page"]').inner_text() == "Barrierefreiheit"
        assert page.get_by_role("heading", level=1).inner_text() == "Erklärung zur Barrierefreiheit"
        headings = page.locator("main h2").all_inner_texts()
        positions = [next((i for i, h in enumerate(headings) if h.startswith(part)), -1) for part in required]
        assert -1 not in positions and positions == sorted(positions), headings
        mail = page.locator(f'main a[href="mailto:{contact}"]')
        assert mail.count() == 1 and mail.is_visible() and mail.inner_text() == contact
        main = page.locator("main").inner_text()
        assert BASE_URL in main  # the statement names the site it is for
    sections = _sections(tree_of(sites.site / "barrierefreiheit.html"))
    by_start = {part: next(v for k, v in sections.items() if k.startswith(part)) for part in required}
    assert "vereinbar" in " ".join(text_of(n) for n in by_start["Stand der Vereinbarkeit"])
    limits = [li for n in by_start["Nicht barrierefreie Inhalte"] for li in n.iter("li")]
    assert len(limits) >= 1
    feedback_links = [a.get("href") for n in by_start["Feedback und Kontakt"] for a in n.iter("a")]
    assert f"mailto:{contact}" in feedback_links
    enforcement_links = [a.get("href") for n in by_start["Schlichtungsverfahren"] for a in n.iter("a")]
    assert any("schlichtungsstelle-bgg.de" in (h or "") for h in enforcement_links), enforcement_links
    reviewed = brand["site"].get("accessibility_reviewed")
    text = text_of(tree_of(sites.site / "barrierefreiheit.html").get_element_by_id("inhalt"))
    if reviewed:
        day = dt.date.fromisoformat(str(reviewed))
        assert f"{day.day}. {MONTHS[day.month - 1]} {day.year}" in text
    else:
        german_date(text)  # some date, at least
