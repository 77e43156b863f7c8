"""feed.xml (Atom, RFC 4287: one entry per release) and sitemap.xml (sitemaps.org 0.9).

Links are relative to the site's root unless its public address is known (--base-url or
site.url in brand.yaml); Atom resolves relative links against the feed's own address, and
entry ids are urn:uuid, stable for a tag and its commit, so they never depend on where the
site is served. A sitemap needs absolute addresses: without a base it is written with
relative ones and papier site says so.
"""

from __future__ import annotations

import datetime as dt
import uuid

from lxml import etree

from papier.site.pages import Publication, SiteInfo
from papier.site.releases import Release

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
NAMESPACE = uuid.UUID("6f1d4a52-3f0b-4f43-9a53-2c1e3c7a9b10")  # papier's, for urn:uuid ids


def _href(site: SiteInfo, path: str) -> str:
    return f"{site.url.rstrip('/')}/{path}" if site.url else path


def _sub(parent: etree._Element, tag: str, text: str = "", **attrs: str) -> etree._Element:
    node = etree.SubElement(parent, f"{{{ATOM}}}{tag}", {k.rstrip("_"): v for k, v in attrs.items()})
    if text:
        node.text = text
    return node


def _stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def entry_id(release: Release) -> str:
    return uuid.uuid5(NAMESPACE, f"{release.slug}/v{release.version}@{release.info['commit']}").urn


def atom_feed(site: SiteInfo, pubs: list[Publication]) -> bytes:
    releases = sorted((r for p in pubs for r in p.releases), reverse=True,
                      key=lambda r: (r.date, r.published, r.slug))
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})  # type: ignore[dict-item]
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", site.lang)
    _sub(feed, "id", uuid.uuid5(NAMESPACE, f"site {site.brand.organisation}").urn)
    _sub(feed, "title", site.title)
    newest = max(r.published for r in releases) if releases else dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    _sub(feed, "updated", _stamp(newest))
    author = _sub(feed, "author")
    _sub(author, "name", site.brand.publisher or site.brand.organisation)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=_href(site, "feed.xml"))
    _sub(feed, "link", rel="alternate", type="text/html", href=_href(site, "index.html"))
    _sub(feed, "generator", "papier")
    for release in releases:
        info = release.info
        entry = _sub(feed, "entry")
        entry.set("{http://www.w3.org/XML/1998/namespace}lang", info["lang"])
        _sub(entry, "id", entry_id(release))
        _sub(entry, "title", f"{info['title']} – {info['kind_label']}, Version {release.version}")
        _sub(entry, "updated", _stamp(release.published))
        _sub(entry, "published", _stamp(release.published))
        for name in info["authors"]:
            _sub(_sub(entry, "author"), "name", name)
        _sub(entry, "link", rel="alternate", type="text/html",
             href=_href(site, f"{release.slug}/index.html#{release.anchor}"))
        pdf = release.file("pdf")
        if pdf is not None:
            _sub(entry, "link", rel="enclosure", type="application/pdf", length=str(pdf["size"]),
                 href=_href(site, f"{release.slug}/{release.dirname}/{pdf['name']}"))
        _sub(entry, "category", term=info["kind"], label=info["kind_label"])
        summary = info["subtitle"] or ""
        if info["messages"]:
            summary = (summary + " " if summary else "") + " ".join(info["messages"])
        if summary:
            _sub(entry, "summary", summary)
    data: bytes = etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return data


def sitemap(site: SiteInfo, pages: list[tuple[str, dt.date | None]]) -> bytes:
    urlset = etree.Element(f"{{{SITEMAP}}}urlset", nsmap={None: SITEMAP})  # type: ignore[dict-item]
    for path, modified in pages:
        url = etree.SubElement(urlset, f"{{{SITEMAP}}}url")
        etree.SubElement(url, f"{{{SITEMAP}}}loc").text = _href(site, path)
        if modified is not None:
            etree.SubElement(url, f"{{{SITEMAP}}}lastmod").text = modified.isoformat()
    data: bytes = etree.tostring(urlset, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return data
