"""papier site as a publisher uses it: run as a whole process after releases, its files read
back (pages, downloads, cover thumbnails, feed, sitemap), its cache, its drafts and its
refusals. The pages in a browser (axe-core, links, phone width) are in test_site_browser.py."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import git
import lxml.html
import pytest
from lxml import etree
from PIL import Image
from pypdf import PdfReader

from conftest import ANALYSIS, POSITION
from papier.brand import load_brand
from papier.release import release
from papier.site.labels import size_text
from sitekit import BASE_URL, CHANGED_SENTENCE, HOSTILE_SUBJECT, SiteRun, history, run_site

pytestmark = pytest.mark.slow
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> SiteRun:
    ws = history(tmp_path_factory.mktemp("site") / "ws")
    run = run_site(ws, "--base-url", BASE_URL + "/")
    assert run.code == 0, run.stderr
    return run


def page(run: SiteRun, rel: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((run.site / rel).read_bytes())


def text_of(node: lxml.html.HtmlElement) -> str:
    return " ".join(node.text_content().split())


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(path).pages).split())


def test_index_lists_each_paper_once_newest_first(built: SiteRun) -> None:
    tree = page(built, "index.html")
    assert tree.get("lang") == "de"
    cards = tree.find_class("card")
    titles = [text_of(c.find(".//h2")) for c in cards]
    assert titles == ["Was Familienzentren möglich machen", "Familienzentren verlässlich verankern"]
    metas = [text_of(c.find_class("meta")[0]) for c in cards]
    assert metas[0].startswith("Potenzialanalyse Nr. 1 · ") and metas[0].endswith("Version 1.0.0")
    assert metas[1].endswith("Version 1.1.0")  # the newest version, not one card per version
    links = [c.find(".//h2/a").get("href") for c in cards]
    assert links == [f"{ANALYSIS}/index.html", f"{POSITION}/index.html"]
    teaser = [text_of(li) for li in cards[1].find_class("teaser")[0]]
    assert len(teaser) == 3 and teaser[0].startswith("Verankern:")
    assert "Entwurf" not in text_of(tree.body)  # no draft without --drafts
    # the filter by kind is a link to a static page each
    nav = {text_of(a): a.get("href") for a in tree.xpath("//nav[@class='filter']//a")}
    assert nav == {"Alle (2)": "index.html", "Positionspapiere (1)": "art/positionspapier.html",
                   "Potenzialanalysen (1)": "art/potenzialanalyse.html"}
    kind_page = page(built, "art/positionspapier.html")
    assert [text_of(c.find(".//h2")) for c in kind_page.find_class("card")] == [titles[1]]
    assert kind_page.find(".//h2/a").get("href") == f"../{POSITION}/index.html"


def test_draft_tags_are_no_publications(built: SiteRun) -> None:
    """A draft before the first publication, and a draft of a published paper (whose status
    papier release --draft leaves at veroeffentlicht)."""
    assert f"NOTE {ANALYSIS}/v0.9.0 is a draft" in built.stderr
    assert f"NOTE {POSITION}/v1.2.0 is a draft" in built.stderr
    assert not (built.site / ANALYSIS / "0.9.0").exists() and not (built.site / POSITION / "1.2.0").exists()
    rows = page(built, f"{POSITION}/index.html").xpath("//section[@aria-labelledby='versionen']//tbody/tr")
    assert [r.get("id") for r in rows] == ["v1-1-0", "v1-0-0"]
    assert "1.2.0" not in (built.site / "feed.xml").read_text("utf-8")
    rows = page(built, f"{ANALYSIS}/index.html").xpath("//section[@aria-labelledby='versionen']//tbody/tr")
    assert [r.get("id") for r in rows] == ["v1-0-0"]  # the changelog still names the tag


def test_paper_page_has_every_version_with_sizes(built: SiteRun) -> None:
    tree = page(built, f"{POSITION}/index.html")
    assert text_of(tree.find(".//h1")) == "Familienzentren verlässlich verankern"
    rows = tree.xpath("//section[@aria-labelledby='versionen']//tbody/tr")
    assert [r.get("id") for r in rows] == ["v1-1-0", "v1-0-0"]
    for row in rows:
        version = text_of(row.find("th"))
        links = row.xpath(".//a")
        assert len(links) == 3
        for link in links:
            target = built.site / POSITION / link.get("href")
            assert target.is_file() and target.parent.name == version
            size = size_text(target.stat().st_size, "de")
            assert f"({size})" in text_of(link.getparent())
    read = tree.xpath("//a[@class='button']")[0]
    assert read.get("href") == f"1.1.0/{POSITION}-v1.1.0.html" and text_of(read) == "Online lesen"
    citation = text_of(tree.find_class("citation")[0])
    assert citation.startswith("Blum, Barbara; Arbeitsgruppe Positionen (2026): Familienzentren verlässlich")
    lic = tree.xpath("//dl[@class='facts']/dt[.='Lizenz']/following-sibling::dd[1]/a")[0]
    assert lic.get("href") == "https://creativecommons.org/licenses/by-sa/4.0/"
    changes = text_of(tree.xpath("//section[@aria-labelledby='aenderungen']")[0])
    assert "1.1.0 –" in changes and "1.0.0 –" in changes and "Fazit ergänzt" in changes
    # HTML in a commit subject is shown as text, never run
    assert HOSTILE_SUBJECT in changes and not tree.xpath("//main//img[@onerror]")
    analysis = page(built, f"{ANALYSIS}/index.html")
    doi = analysis.xpath("//dt[.='DOI']/following-sibling::dd[1]/a")[0]
    assert doi.get("href") == "https://doi.org/10.5555/papier.potenzialanalyse.2026"


def test_versions_are_built_from_their_tags(built: SiteRun) -> None:
    """Each version's files are that version: final (no stamp), with the text of its tag."""
    old = pdf_text(built.site / POSITION / "1.0.0" / f"{POSITION}-v1.0.0.pdf")
    new = pdf_text(built.site / POSITION / "1.1.0" / f"{POSITION}-v1.1.0.pdf")
    assert CHANGED_SENTENCE not in old and CHANGED_SENTENCE in new
    assert "Entwurf" not in old[:400] and "Version 1.0.0" in old
    reading = page(built, f"{POSITION}/1.1.0/{POSITION}-v1.1.0.html")
    assert CHANGED_SENTENCE in text_of(reading.body)
    repo = git.Repo(built.ws.root)
    assert repo.git.status("--porcelain", "--", "papers", "templates") == ""  # the tree untouched


def test_cover_thumbnail_is_the_first_page(built: SiteRun) -> None:
    primary = load_brand(built.ws).colour("primary").lstrip("#")
    petrol = tuple(int(primary[i:i + 2], 16) for i in (0, 2, 4))
    for slug, version in ((POSITION, "1.1.0"), (ANALYSIS, "1.0.0")):
        image = Image.open(built.site / slug / version / "cover.png").convert("RGB")
        assert image.width == 320 and 440 < image.height < 470  # A4 upright
        pixel = image.getpixel((image.width - 20, image.height // 4))  # the cover's petrol band
        assert all(abs(a - b) <= 12 for a, b in zip(pixel, petrol, strict=True)), pixel
        assert min(image.getpixel((image.width // 2, image.height - 30))) >= 245  # white page
        assert (built.site / slug / version / "cover.png").stat().st_size < 60_000


def test_feed_has_one_entry_per_release(built: SiteRun) -> None:
    feed = etree.parse(built.site / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert len(titles) == 3 and titles[0].startswith("Was Familienzentren möglich machen")
    assert [t.rsplit(" ", 1)[-1] for t in titles] == ["1.0.0", "1.1.0", "1.0.0"]
    for entry in entries:
        enclosure = entry.find(f"{ATOM}link[@rel='enclosure']")
        href = enclosure.get("href")
        assert href.startswith(BASE_URL + "/") and href.endswith(".pdf")
        assert int(enclosure.get("length")) == (built.site / href[len(BASE_URL) + 1:]).stat().st_size
    sitemap = etree.parse(built.site / "sitemap.xml").getroot()
    locs = [u.text for u in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert f"{BASE_URL}/index.html" in locs and f"{BASE_URL}/{POSITION}/index.html" in locs
    assert "WARNING sitemap.xml" not in built.stderr


def test_second_run_builds_nothing_and_a_new_release_only_itself(built: SiteRun, tmp_path: Path) -> None:
    again = run_site(built.ws, "--out", str(tmp_path / "site"))
    assert again.code == 0, again.stderr
    tags = len(git.Repo(built.ws.root).tags)  # the draft tag 0.9.0 too: remembered as a draft
    assert again.stdout.count("up to date") == tags == 5 and " built" not in again.stdout
    assert "WARNING sitemap.xml has addresses relative to the site" in again.stderr
    loc = etree.parse(tmp_path / "site" / "sitemap.xml").getroot()[0][0].text
    assert loc == "index.html"
    ws = built.ws
    fazit = ws.root / "papers" / ANALYSIS / "paper.yaml"
    fazit.write_text(fazit.read_text("utf-8").replace("Was Familienzentren möglich machen",
                                                      "Was Familienzentren möglich machen können"), "utf-8")
    repo = git.Repo(ws.root)
    repo.git.add(A=True)
    repo.index.commit("Titel")
    release(ws, ANALYSIS, "1.1.0")
    third = run_site(ws, "--out", str(tmp_path / "site"))
    assert third.code == 0, third.stderr
    assert [line for line in third.stdout.splitlines() if line.endswith("  built")] == [
        f"{ANALYSIS}/v1.1.0  built"]
    tree = page(third, "index.html")
    assert text_of(tree.find_class("card")[0].find(".//h2")) == "Was Familienzentren möglich machen können"
    mode = stat.S_IMODE((tmp_path / "site" / "index.html").stat().st_mode)
    assert mode == 0o666 & ~_umask()
    assert stat.S_IMODE((tmp_path / "site").stat().st_mode) == 0o777 & ~_umask()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_drafts_add_the_working_state(built: SiteRun, tmp_path: Path) -> None:
    ws = built.ws
    shutil.copytree(ws.root / "papers" / POSITION, ws.root / "papers" / "kita-sozialraum")
    meta = ws.root / "papers" / "kita-sozialraum" / "paper.yaml"
    text = meta.read_text("utf-8").replace("Familienzentren verlässlich verankern", "Kita im Sozialraum")
    meta.write_text(text.replace("status: veroeffentlicht", "status: entwurf"), "utf-8")
    try:
        run = run_site(ws, "--drafts", "--out", str(tmp_path / "site"))
        assert run.code == 0, run.stderr
        cards = page(run, "index.html").find_class("card")
        draft = next(c for c in cards if text_of(c.find(".//h2")) == "Kita im Sozialraum")
        assert text_of(draft.find_class("draft")[0]) == "Entwurf"
        assert draft.find(".//h2/a").get("href") == "kita-sozialraum/index.html"
        paper_page = page(run, "kita-sozialraum/index.html")
        assert "Arbeitsstand, nicht veröffentlicht" in text_of(paper_page.find_class("draft-note")[0])
        rows = paper_page.xpath("//tbody/tr")
        assert [r.get("id") for r in rows] == ["entwurf"]
        pdf = tmp_path / "site" / "kita-sozialraum" / "entwurf" / "kita-sozialraum-v1.2.0.pdf"
        assert "Entwurf · Version 1.2.0" in pdf_text(pdf)[:600]  # the draft stamp
        released_page = page(run, f"{POSITION}/index.html")
        ids = [r.get("id") for r in released_page.xpath("//tbody/tr")]
        assert ids == ["entwurf", "v1-1-0", "v1-0-0"]
        feed = etree.parse(tmp_path / "site" / "feed.xml").getroot()
        titles = [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]
        assert titles and not [t for t in titles if "Kita im Sozialraum" in t]  # releases only
    finally:
        shutil.rmtree(ws.root / "papers" / "kita-sozialraum")


def test_refuses_a_folder_it_did_not_write(built: SiteRun, tmp_path: Path) -> None:
    other = tmp_path / "eigene-dateien"
    other.mkdir()
    (other / "wichtig.txt").write_text("bleibt", "utf-8")
    run = run_site(built.ws, "--out", str(other))
    assert run.code == 2 and "Traceback" not in run.stderr
    assert run.stderr.count("\n") == 1 and "no site papier wrote" in run.stderr
    assert [p.name for p in other.iterdir()] == ["wichtig.txt"]


def test_a_failed_run_leaves_the_old_site(built: SiteRun, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert run_site(built.ws, "--out", str(out)).code == 0
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    css = built.ws.root / "templates" / "html" / "site.css"
    saved = css.read_bytes()
    css.unlink()
    try:
        run = run_site(built.ws, "--out", str(out))
    finally:
        css.write_bytes(saved)
    assert run.code == 2 and "site.css: missing" in run.stderr and "Traceback" not in run.stderr
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.")]  # no staging left



def test_every_short_text_keeps_its_place() -> None:
    """Title, subtitle placeholder and key messages come back one each, also a message that
    looks like a list item or carries HTML (a missing subtitle lost the first key message)."""
    from papier import pandoc_ast as ast
    from papier.site.releases import safe
    from papier.writers import inline_markdown

    texts = ["Titel *kursiv*", "-", "1. Verankern jetzt", "- kein Punkt", "<b>roh</b> & mehr",
             "[Link](javascript:alert(1)) und [gut](https://example.org)"]
    found = safe(inline_markdown(texts, "de"))
    assert [ast.stringify(f) for f in found] == [
        "Titel kursiv", "-", "1. Verankern jetzt", "- kein Punkt", "<b>roh</b> & mehr", "Link und gut"]
    links = [n["c"][2][0] for n in ast.iter_nodes(found) if n["t"] == "Link"]
    assert links == ["https://example.org"]


def test_a_broken_tag_and_a_tag_of_no_paper_leave_the_rest(built: SiteRun, tmp_path: Path) -> None:
    ws = built.ws
    repo = git.Repo(ws.root)
    meta = ws.root / "papers" / POSITION / "paper.yaml"
    saved = meta.read_text("utf-8")
    meta.write_text(saved.replace("kind: positionspapier", "kind: quatsch"), "utf-8")
    repo.git.commit("-qam", "kaputt")
    repo.create_tag(f"{POSITION}/v9.0.0", message="von Hand")
    repo.create_tag("tooling/v2.0.0", message="kein Papier")
    repo.git.reset("--hard", "HEAD~1")
    try:
        run = run_site(ws, "--out", str(tmp_path / "site"))
    finally:
        repo.delete_tag(repo.tags[f"{POSITION}/v9.0.0"])
        repo.delete_tag(repo.tags["tooling/v2.0.0"])
    assert run.code == 0 and "Traceback" not in run.stderr, run.stderr
    warning = next(line for line in run.stderr.splitlines() if line.startswith("WARNING "))
    assert f"{POSITION}/v9.0.0 (" in warning and "kind: 'quatsch' is not allowed" in warning
    assert f"git tag -d {POSITION}/v9.0.0" in warning
    assert "NOTE tooling/v2.0.0 names no paper" in run.stderr
    rows = page(run, f"{POSITION}/index.html").xpath("//tbody/tr")
    assert [r.get("id") for r in rows] == ["v1-1-0", "v1-0-0"]


@pytest.mark.parametrize(("args", "message"), [
    (["--base-url", "bundesforum.example.org"], "--base-url: 'bundesforum.example.org' is not a web address"),
    (["--out", "{ws}/build/.cache/site"], "is inside papier's cache"),
])
def test_bad_arguments_get_one_line(built: SiteRun, args: list[str], message: str) -> None:
    run = run_site(built.ws, *[a.format(ws=built.ws.root) for a in args])
    assert run.code == 2 and message in run.stderr and run.stderr.count("\n") == 1, run.stderr
