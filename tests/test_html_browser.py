"""The HTML page as a reader and an audit see it.

Fast tests read the built HTML (meta tags, table containers, imprint) with lxml. The slow
tests open both example papers in headless Chromium (Debian's `chromium`, driven by
playwright-python; no browser is ever downloaded) and measure: no sideways scrolling at
360 and 320 px, axe-core's WCAG 2.1 A/AA rules with no violation, the embedded brand font
really drawing the text, heading colours, mailto links and the imprint.

Chromium comes from apt (`apt-get install chromium`), axe-core from npm
(`npm ci --prefix tests/browser`); .ci/run installs both. In CI (`CI` set) a missing piece
fails the tests; elsewhere they are skipped only when Chromium itself is missing.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import lxml.html
import pytest

from conftest import ANALYSIS, POSITION, make_workspace
from papier import colour as wcag
from papier import pandoc, webfont
from papier.brand import load_brand
from papier.build import build
from papier.paper import load_paper
from papier.workspace import Workspace
from papier.writers.html import colours, mailto_links, scroll_tables

CHROMIUM = Path(os.environ.get("PAPIER_CHROMIUM", "/usr/bin/chromium"))
AXE = Path(__file__).parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LICENCE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"

# ---------------------------------------------------------------- fast: the HTML as written

TRICKY_KEYWORD = 'Eltern "zuerst" & <Kinder>'
TRICKY_URL = "https://example.org/papier?x=1&y=2"


@pytest.fixture(scope="module")
def page_tree(tmp_path_factory: pytest.TempPathFactory) -> lxml.html.HtmlElement:
    """The Potenzialanalyse as HTML only, with a web address and a keyword that need escaping."""
    ws = make_workspace(tmp_path_factory.mktemp("html") / "ws", papers=(ANALYSIS,), commit=False)
    yaml_path = ws.root / "papers" / ANALYSIS / "paper.yaml"
    text = yaml_path.read_text("utf-8").replace(
        "keywords:\n", f"keywords:\n  - {json.dumps(TRICKY_KEYWORD)}\n", 1)
    yaml_path.write_text(text + f"url: {json.dumps(TRICKY_URL)}\n", "utf-8")
    results = build(ws, formats=["html"])
    assert all(r.ok for r in results), [r.error for r in results]
    assert results[0].path is not None
    return lxml.html.fromstring(results[0].path.read_bytes())


def _meta(tree: lxml.html.HtmlElement, key: str) -> list[str]:
    return [m.get("content") for m in tree.xpath(f'//meta[@name="{key}" or @property="{key}"]')]


def test_citation_and_open_graph_tags(page_tree: lxml.html.HtmlElement) -> None:
    title = "Was Familienzentren möglich machen"
    assert _meta(page_tree, "citation_title") == [title]
    assert _meta(page_tree, "citation_author") == ["Blum, Barbara", "Arbeitsgruppe Potenzialanalyse"]
    assert _meta(page_tree, "citation_publication_date") == ["2026/11/21"]
    assert _meta(page_tree, "citation_publisher") == ["Deutsche Kinder- und Jugendstiftung gGmbH"]
    assert _meta(page_tree, "citation_doi") == ["10.5555/papier.potenzialanalyse.2026"]
    assert _meta(page_tree, "citation_language") == ["de"]
    assert _meta(page_tree, "og:title") == [title]
    assert _meta(page_tree, "og:type") == ["article"]
    assert _meta(page_tree, "og:description") == ["Potenzialanalyse des Handlungsansatzes Familienzentren"]
    assert _meta(page_tree, "og:locale") == ["de_DE"]


def test_meta_values_are_escaped(page_tree: lxml.html.HtmlElement) -> None:
    """A quote, an ampersand or an angle bracket in paper.yaml comes back unchanged, and
    adds no element or attribute to <head>."""
    keywords = _meta(page_tree, "citation_keywords")[0].split("; ")
    assert keywords[0] == TRICKY_KEYWORD and "Sozialraum" in keywords
    assert _meta(page_tree, "og:url") == [TRICKY_URL]
    head = page_tree.find("head")
    assert not head.xpath(".//kinder") and all(
        set(m.attrib) <= {"name", "property", "content", "charset"} for m in head.iter("meta"))


def test_tables_sit_in_labelled_scroll_regions(page_tree: lxml.html.HtmlElement) -> None:
    tables = page_tree.xpath("//main//table")
    assert len(tables) >= 2
    for table in tables:
        box = table.getparent()
        assert box.tag == "div" and "table-scroll" in box.get("class", "").split()
        assert box.get("role") == "region" and box.get("tabindex") == "0"
        label = page_tree.get_element_by_id(box.get("aria-labelledby"))
        assert label.xpath("ancestor::caption")[0].getparent() is table
        assert label.text_content().startswith("Tabelle ")


def test_imprint_in_footer(page_tree: lxml.html.HtmlElement) -> None:
    footer = page_tree.find(".//footer")
    terms = [dt.text_content() for dt in footer.iter("dt")]
    assert {"Herausgeber", "Kontakt", "Lizenz", "DOI", "Zitiervorschlag"} <= set(terms)
    links = {a.get("href") for a in footer.iter("a")}
    assert "mailto:barbara.blum@dkjs.de" in links and LICENCE_URL in links
    citation = footer.xpath("//dt[.='Zitiervorschlag']/following-sibling::dd[1]")[0].text_content()
    assert " ".join(citation.split()).endswith(
        "Jugendstiftung gGmbH. https://doi.org/10.5555/papier.potenzialanalyse.2026")
    logo = page_tree.find_class("logo")[0]
    assert logo.get("alt") == "" and logo.get("aria-hidden") == "true"  # the name stands beside it


def test_brand_font_embedded_as_woff2(page_tree: lxml.html.HtmlElement) -> None:
    css = page_tree.get_element_by_id("papier-webfonts").text
    faces = re.findall(r'font-family: "([^"]+)"; font-style: (\w+); font-weight: (\d+)', css)
    assert ("Source Sans Pro", "normal", "400") in faces and ("Source Sans Pro", "normal", "700") in faces
    assert css.count("data:font/woff2;base64,") == len(faces)


def test_scroll_tables_names_a_table_without_caption() -> None:
    markdown = "| a | b |\n|---|---|\n| 1 | 2 |\n\n: Tabelle 1: Zahlen\n\n| c |\n|---|\n| 3 |\n"
    doc = json.loads(pandoc.run(["-f", "markdown", "-t", "json"], markdown.encode()))
    doc["blocks"] = scroll_tables(doc["blocks"], "Tabelle")
    tree = lxml.html.fromstring(pandoc.write(doc, "html5", []))
    first, second = tree.find_class("table-scroll")
    assert tree.get_element_by_id(first.get("aria-labelledby")).text_content() == "Tabelle 1: Zahlen"
    assert second.get("aria-label") == "Tabelle 2" and second.get("role") == "region"


def test_mailto_links_in_text() -> None:
    doc = pandoc.read_markdown("Fragen an barbara.blum@dkjs.de, gern auch `a@b.de`.", "t.md",
                               positions=False)
    tree = lxml.html.fromstring(pandoc.write({**doc, "blocks": mailto_links(doc["blocks"])}, "html5", []))
    assert [(a.get("href"), a.text, a.tail.split()[0]) for a in tree.iter("a")] == [
        ("mailto:barbara.blum@dkjs.de", "barbara.blum@dkjs.de", ",")]
    assert tree.find(".//code").text == "a@b.de"


def test_page_text_by_face() -> None:
    text = webfont.page_text("<html><head><title>Ω</title><style>p::before{content:\"▸\"}</style>"
                             "</head><body><h2>Kopf <em>ä</em></h2><p>x<em>ü</em><br>y</p></body></html>")
    assert "Ω" not in text.all and {"K", "x", "y", "ä", "ü", "▸"} <= text.all
    assert text.italic == {"ä", "ü"} and text.bold_italic == {"ä"} and "K" in text.headings


def test_text_colours_reach_aa(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", papers=(), commit=False)
    brand = load_brand(ws)
    c = colours(SimpleNamespace(brand=brand))  # type: ignore[arg-type]
    pairs = [("text", "#FFFFFF"), ("heading", "#FFFFFF"), ("muted", "#FFFFFF"),
             ("text-on-light", c["light"]), ("heading-on-light", c["light"]),
             ("on-primary", c["primary"]), ("accent-on-primary", c["primary"])]
    for name, back in pairs:
        assert wcag.ratio(c[name], back) >= wcag.TEXT, (name, c[name], back)
    assert wcag.ratio(c["marker-on-light"], c["light"]) >= wcag.MARKS
    assert c["heading"] == brand.colour("primary")  # petrol, as in the PDF


# ---------------------------------------------------------------- slow: headless Chromium


def _missing(reason: str) -> None:
    """Fail in CI, where everything must be installed; skip elsewhere."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched_chromium() as chromium:
        yield chromium


@contextmanager
def launched_chromium() -> Iterator[Any]:
    """Debian's chromium under playwright, with axe-core at hand (for test_site_browser too)."""
    if not CHROMIUM.is_file():
        _missing(f"{CHROMIUM} not found; install Debian's chromium (apt-get install chromium)")
    if not AXE.is_file():
        pytest.fail(f"{AXE} not found; run: npm ci --prefix tests/browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is not installed; run: pip install -e '.[test]' (never `playwright install`)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def open_page(browser: Any, built: dict) -> Iterator[Any]:
    pages = []

    def _open(slug: str, width: int = 1280) -> Any:
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(Path(built[slug]["html"]).as_uri())
        page.evaluate("document.fonts.ready.then(() => true)")
        pages.append(page)
        return page

    yield _open
    for page in pages:
        page.close()


def _axe_report(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary'].splitlines()[-1].strip()}")
            lines.append(f"      {node['html'][:160]}")
    return "\n".join(lines)


@pytest.mark.slow
@pytest.mark.parametrize("width", [360, 320])
@pytest.mark.parametrize("slug", [POSITION, ANALYSIS])
def test_nothing_scrolls_sideways(open_page: Any, slug: str, width: int) -> None:
    page = open_page(slug, width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    wider = page.evaluate("""w => [...document.querySelectorAll('body *')]
        .filter(e => !e.closest('.table-scroll') && e.getBoundingClientRect().right > w + 0.5)
        .map(e => e.tagName + '.' + e.className)""", width)
    assert wider == []
    # the wide tables scroll inside their own region instead
    regions = page.locator(".table-scroll")
    assert regions.count() >= 1
    for i in range(regions.count()):
        box = regions.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("slug", [POSITION, ANALYSIS])
def test_axe_wcag21_aa_has_no_violations(open_page: Any, slug: str, width: int) -> None:
    page = open_page(slug, width)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS)
    assert result["passes"] or result["violations"] is not None  # axe ran
    assert not result["violations"], "axe-core WCAG 2.1 A/AA:\n" + _axe_report(result["violations"])


def _platform_fonts(page: Any, selector: str) -> list[dict]:
    """The fonts Chromium really drew a node's text with (DevTools protocol)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts: list[dict] = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return fonts


@pytest.mark.slow
@pytest.mark.parametrize("slug", [POSITION, ANALYSIS])
def test_embedded_brand_font_draws_the_text(open_page: Any, built: dict, slug: str) -> None:
    brand = load_brand(Workspace(built["_root"]["root"]))
    family = brand.body_font
    page = open_page(slug)
    loaded = page.evaluate("""() => [...document.fonts].filter(f => f.status === 'loaded')
        .map(f => [f.family.replace(/"/g, ''), f.weight, f.style])""")
    assert [family, "400", "normal"] in loaded and [family, "700", "normal"] in loaded
    assert page.evaluate(
        "f => document.fonts.check(`16px \"${f}\"`) && document.fonts.check(`bold 16px \"${f}\"`)", family)
    assert page.evaluate("() => getComputedStyle(document.querySelector('main p')).fontFamily"
                         ).startswith(f'"{family}"')
    for selector in ("main section p", "main h2", ".imprint dd"):
        fonts = _platform_fonts(page, selector)
        drawn = sum(f["glyphCount"] for f in fonts)
        own = sum(f["glyphCount"] for f in fonts if f["isCustomFont"] and f["familyName"] == family)
        assert own == drawn > 0, (selector, fonts)


@pytest.mark.slow
@pytest.mark.parametrize("slug", [POSITION, ANALYSIS])
def test_headings_petrol_mailto_and_imprint(open_page: Any, built: dict, slug: str) -> None:
    root = built["_root"]["root"]
    brand = load_brand(Workspace(root))
    r, g, b = (round(c * 255) for c in wcag.parse(brand.colour("primary")))
    petrol = f"rgb({r}, {g}, {b})"
    page = open_page(slug)
    seen = page.evaluate("""() => [...document.querySelectorAll(
            'main h1, main h2, main h3, .header-section-number')]
        .map(e => getComputedStyle(e).color)""")
    assert seen and set(seen) == {petrol}
    email = load_paper(Workspace(root), slug).contact["email"]
    assert page.locator(f'footer a[href="mailto:{email}"]').count() == 1
    imprint = page.locator("footer").inner_text()
    assert "Zitiervorschlag" in imprint and "Impressum" in imprint and LICENCE_URL in imprint
    assert page.locator(f'footer a[href="{LICENCE_URL}"]').count() == 1
    region = page.get_by_role("region", name=re.compile(r"^Tabelle 1:"))
    assert region.count() == 1 and region.get_attribute("tabindex") == "0"
    if slug == ANALYSIS:
        doi = load_paper(Workspace(root), slug).doi
        assert page.locator('meta[name="citation_doi"]').get_attribute("content") == doi
