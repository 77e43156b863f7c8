"""The site's HTML pages: index (and one page per kind, so filtering needs no JavaScript),
one page per paper, imprint and accessibility statement. Every link is relative, so the site
works from any Pages path or a file share; nothing is loaded from elsewhere."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from papier import i18n
from papier.brand import Brand
from papier.imprint import web_url
from papier.site.labels import SITE, label, size_text, statement
from papier.site.releases import Release

KINDS = ("positionspapier", "potenzialanalyse", "diskussionspapier")
TEASER = 3  # key messages on the index card
CURRENT = ' aria-current="page"'
ATOM = ' type="application/atom+xml"'


@dataclass
class Publication:
    """A paper on the site: its released versions (newest first) and, with --drafts, its
    working state."""

    slug: str
    releases: list[Release]
    draft: Release | None = None

    @property
    def latest(self) -> Release:
        """What the index shows: the newest release, else the draft."""
        if self.releases:
            return self.releases[0]
        assert self.draft is not None
        return self.draft

    @property
    def sort_key(self) -> tuple[str, str, str]:
        """Newest first: the version's date, then when it was tagged, then the slug."""
        return (self.latest.info["date"], self.latest.info["published"], self.slug)


@dataclass
class SiteInfo:
    brand: Brand
    lang: str
    title: str
    url: str  # the public address, "" when unknown

    def l(self, key: str, **values: object) -> str:  # noqa: E743 - short on purpose, used often
        return label(self.lang, key, **values)


def page(site: SiteInfo, depth: int, title: str, main: str, lang: str = "", description: str = "",
         current: str = "") -> str:
    """A whole page; *depth* is how many folders below the site's root it lives."""
    root = "../" * depth
    lang = lang or site.lang
    brand = site.brand
    logo = (f'<img class="logo" src="{root}assets/logo{brand.logo.suffix}" alt="" width="48" height="48">'
            if brand.logo else "")
    links = [("impressum.html", site.l("imprint")), ("barrierefreiheit.html", site.l("accessibility")),
             ("feed.xml", site.l("feed"))]
    nav = "".join(
        f'<li><a href="{root}{href}"{CURRENT if href == current else ""}'
        f'{ATOM if href.endswith(".xml") else ""}>{escape(text)}</a></li>'
        for href, text in links)
    meta = f'<meta name="description" content="{escape(description)}">\n' if description else ""
    full_title = title if title == site.title else f"{title} – {site.title}"
    return f"""<!DOCTYPE html>
<html lang="{escape(site.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(full_title)}</title>
{meta}<link rel="stylesheet" href="{root}assets/site.css">
<link rel="alternate" type="application/atom+xml" title="{escape(site.title)}" href="{root}feed.xml">
</head>
<body>
<a class="skip" href="#inhalt">{escape(site.l("skip"))}</a>
<header class="site-header">
<a class="brand" href="{root}index.html">{logo}<span>{escape(brand.organisation)}</span></a>
</header>
<main id="inhalt" tabindex="-1"{f' lang="{escape(lang)}"' if lang != site.lang else ""}>
{main}
</main>
<footer class="site-footer">
<nav aria-label="{escape(site.l("site_nav"))}"><ul>{nav}</ul></nav>
<p>{escape(brand.publisher)}{", " + escape(brand.publisher_address) if brand.publisher_address else ""}</p>
</footer>
</body>
</html>
"""


def _kind_plural(site: SiteInfo, kind: str) -> str:
    return site.l(f"{kind}_plural") if f"{kind}_plural" in SITE["de"] else i18n.label(site.lang, kind)


def _meta_line(release: Release, lang: str) -> str:
    info = release.info
    parts = [escape(info["kind_label"]),
             escape(i18n.format_date(release.date, lang)),
             escape(f"{label(lang, 'version')} {release.version}")]
    if release.draft:
        parts.append(f'<strong class="draft">{escape(label(lang, "draft"))}</strong>')
    return " · ".join(parts)


def _link(href: str, text: str, hidden: str = "") -> str:
    extra = f'<span class="visually-hidden"> {escape(hidden)}</span>' if hidden else ""
    return f'<a href="{escape(href)}">{escape(text)}{extra}</a>'


def _downloads(release: Release, lang: str, context: str = "") -> str:
    """PDF, DOCX and HTML of *release* with their sizes, linked from the paper's page."""
    items = []
    for fmt in ("pdf", "docx", "html"):
        file = release.file(fmt)
        if file is None:
            continue
        href = f"{release.dirname}/{file['name']}"
        size = size_text(int(file["size"]), lang)
        items.append(f"<li>{_link(href, label(lang, fmt), context)} ({size})</li>")
    return f'<ul class="downloads">{"".join(items)}</ul>'


def _cover(release: Release, prefix: str) -> str:
    return (f'<img class="cover" src="{escape(prefix)}{release.dirname}/{release.info["cover"]}" '
            f'alt="" width="160" height="226" loading="lazy">')


def card(site: SiteInfo, pub: Publication, root: str) -> str:
    release = pub.latest
    info = release.info
    lang = info["lang"]
    prefix = f"{root}{pub.slug}/"
    messages = info["messages_html"]
    teaser = "".join(f"<li>{m}</li>" for m in messages[:TEASER])
    more = (f'<p class="more">{escape(label(lang, "more_messages", n=len(messages) - TEASER))}</p>'
            if len(messages) > TEASER else "")
    teaser_block = (f'<p class="teaser-title">{escape(info["messages_title"])}</p><ul class="teaser">'
                    f'{teaser}</ul>{more}') if messages else ""
    lang_attr = f' lang="{escape(lang)}"' if lang != site.lang else ""
    subtitle = f'<p class="subtitle">{info["subtitle_html"]}</p>' if info["subtitle_html"] else ""
    return f"""<li class="card"{lang_attr}>
{_cover(release, prefix)}
<div class="card-text">
<h2><a href="{escape(prefix)}index.html">{info["title_html"]}</a></h2>
<p class="meta">{_meta_line(release, lang)}</p>
{subtitle}
{teaser_block}
</div>
</li>"""


def listing(site: SiteInfo, pubs: list[Publication], kind: str = "") -> str:
    """index.html (kind "") or art/<kind>.html: the publications, newest first."""
    depth = 1 if kind else 0
    root = "../" * depth
    kinds = [k for k in KINDS if any(p.latest.info["kind"] == k for p in pubs)]
    kinds += sorted({p.latest.info["kind"] for p in pubs} - set(kinds))
    shown = [p for p in pubs if not kind or p.latest.info["kind"] == kind]
    filters = [(f"{root}index.html", site.l("all"), len(pubs), not kind)]
    filters += [(f"{root}art/{k}.html", _kind_plural(site, k),
                 sum(p.latest.info["kind"] == k for p in pubs), k == kind) for k in kinds]
    nav = "".join(
        f'<li><a href="{escape(href)}"{CURRENT if current else ""}>{escape(text)} '
        f'<span class="count">({count})</span></a></li>' for href, text, count, current in filters)
    heading = _kind_plural(site, kind) if kind else site.title
    cards = "\n".join(card(site, p, root) for p in shown)
    body = f'<ul class="publications">\n{cards}\n</ul>' if shown else f"<p>{escape(site.l('none'))}</p>"
    main = f"""<h1>{escape(heading)}</h1>
<p class="lead">{escape(site.l("lead", org=site.brand.organisation))}</p>
<nav class="filter" aria-label="{escape(site.l("filter"))}"><ul>{nav}</ul></nav>
{body}"""
    return page(site, depth, heading, main, description=site.l("lead", org=site.brand.organisation))


def _version_rows(pub: Publication, lang: str) -> str:
    rows = []
    items = ([pub.draft] if pub.draft else []) + pub.releases
    for release in items:
        name = (f"{release.version} ({label(lang, 'draft')})" if release.draft
                else release.version)
        rows.append(
            f'<tr id="{release.anchor}"><th scope="row">{escape(name)}</th>'
            f"<td>{escape(i18n.format_date(release.date, lang))}</td>"
            f"<td>{_downloads(release, lang, label(lang, 'of_version', version=release.version))}"
            "</td></tr>")
    return "\n".join(rows)


def paper_page(site: SiteInfo, pub: Publication) -> str:
    """<slug>/index.html: everything about one paper and every version of it."""
    release = pub.latest
    info = release.info
    lang = info["lang"]

    def lab(key: str, **values: object) -> str:
        return escape(label(lang, key, **values))

    html_file = release.file("html")
    read = (f'<p><a class="button" href="{release.dirname}/{escape(html_file["name"])}">'
            f'{lab("read_online")}</a></p>') if html_file else ""
    draft_note = (f'<p class="draft-note"><strong>{lab("draft")}:</strong> {lab("draft_note")}</p>'
                  if release.draft else "")
    subtitle = f'<p class="subtitle">{info["subtitle_html"]}</p>' if info["subtitle_html"] else ""
    messages = ""
    if info["messages_html"]:
        items = "".join(f"<li>{m}</li>" for m in info["messages_html"])
        messages = (f'<section class="key-messages" aria-labelledby="kern"><h2 id="kern">'
                    f'{escape(info["messages_title"])}</h2><ul>{items}</ul></section>')
    ids = []
    if info["licence"]:
        lic = info["licence"]
        value = (f'<a href="{escape(lic["url"])}">{escape(lic["name"])}</a>' if lic["url"]
                 else escape(lic["name"]))
        ids.append(f"<dt>{lab('licence')}</dt><dd>{value}</dd>")
    if info["doi"]:
        doi = escape(info["doi"])
        ids.append(f'<dt>DOI</dt><dd><a href="https://doi.org/{doi}">{doi}</a></dd>')
    if info["isbn"]:
        ids.append(f"<dt>ISBN</dt><dd>{escape(info['isbn'])}</dd>")
    ids_block = (f'<section aria-labelledby="nachweise"><h2 id="nachweise">{lab("licence_and_ids")}</h2>'
                 f'<dl class="facts">{"".join(ids)}</dl></section>') if ids else ""
    authors = ", ".join(escape(a) for a in info["authors"])
    changelog = (f'<section aria-labelledby="aenderungen"><h2 id="aenderungen">{lab("changes")}</h2>'
                 f'{info["changelog_html"]}</section>') if info["changelog_html"] else ""
    crumbs = f'<a href="../index.html">{escape(site.title)}</a>'
    main = f"""<nav class="crumbs" aria-label="{lab("breadcrumb")}">{crumbs}</nav>
<p class="kind">{escape(info["kind_label"])}</p>
<h1>{info["title_html"]}</h1>
{subtitle}
<p class="meta">{_meta_line(release, lang)}</p>
<p class="authors"><span class="visually-hidden">{lab("authors")}: </span>{authors}</p>
{draft_note}
<div class="paper-top">
{_cover(release, "")}
<div>
{read}
<h2 class="downloads-title">{lab("downloads")} <span class="small">({lab("latest")})</span></h2>
{_downloads(release, lang)}
</div>
</div>
{messages}
<section aria-labelledby="zitieren"><h2 id="zitieren">{lab("citation")}</h2>
<p class="citation">{info["citation_html"]}</p></section>
{ids_block}
<section aria-labelledby="versionen"><h2 id="versionen">{lab("versions")}</h2>
<div class="table-scroll" role="region" tabindex="0" aria-labelledby="versionen-caption">
<table><caption id="versionen-caption">{lab("versions_caption")}</caption>
<thead><tr><th scope="col">{lab("version")}</th><th scope="col">{lab("date")}</th>
<th scope="col">{lab("files")}</th></tr></thead>
<tbody>
{_version_rows(pub, lang)}
</tbody></table></div></section>
{changelog}"""
    description = info["subtitle"] or (info["messages"][0] if info["messages"] else info["title"])
    return page(site, 1, info["title"], main, lang=lang, description=description)


def imprint_page(site: SiteInfo) -> str:
    brand = site.brand
    address = "".join(f"<br>{escape(part.strip())}" for part in brand.publisher_address.split(",")
                      if part.strip())
    web = (f'<br><a href="{escape(web_url(brand.website))}">{escape(brand.website)}</a>'
           if brand.website else "")
    parts = [f"<h1>{escape(site.l('imprint'))}</h1>",
             f"<h2>{escape(site.l('publisher'))}</h2><p>{escape(brand.publisher)}{address}{web}</p>"]
    if brand.imprint:
        parts.append(f"<p>{escape(brand.imprint)}</p>")
    if brand.partners:
        items = "".join(f"<li>{escape(p)}</li>" for p in brand.partners)
        parts.append(f"<h2>{escape(site.l('partners'))}</h2><ul>{items}</ul>")
    contact = brand.site.get("contact", "")
    if contact:
        parts.append(f"<h2>{escape(site.l('contact'))}</h2>"
                     f'<p><a href="mailto:{escape(contact)}">{escape(contact)}</a></p>')
    if brand.site.get("responsible"):
        parts.append(f"<h2>{escape(site.l('responsible'))}</h2><p>{escape(brand.site['responsible'])}</p>")
    parts.append(f"<h2>{escape(site.l('licence'))}</h2><p>{escape(site.l('licences_text'))}</p>")
    return page(site, 0, site.l("imprint"), "\n".join(parts), current="impressum.html")


def accessibility_page(site: SiteInfo, reviewed: str) -> str:
    brand = site.brand
    lang = site.lang

    def s(key: str, **values: object) -> str:
        return escape(statement(lang, key, **values))

    contact = brand.site.get("contact", "")
    reach = (f'<p><a href="mailto:{escape(contact)}">{escape(contact)}</a></p>' if contact
             else f"<p>{s('no_contact', publisher=brand.publisher, address=brand.publisher_address)}</p>")
    limits = "".join(f"<li>{s(key)}</li>" for key in ("limit_docx", "limit_charts", "limit_drafts"))
    main = f"""<h1>{escape(site.l("accessibility_title"))}</h1>
<p>{s("intro", publisher=brand.publisher, site=site.url or site.title)}</p>
<h2>{s("state_h")}</h2>
<p>{s("state")}</p>
<h2>{s("limits_h")}</h2>
<ul>{limits}</ul>
<h2>{s("method_h")}</h2>
<p>{s("method", date=reviewed)}</p>
<h2>{s("feedback_h")}</h2>
<p>{s("feedback")}</p>
{reach}
<h2>{s("enforcement_h")}</h2>
<p>{s("enforcement")}</p>
<p><a href="https://www.schlichtungsstelle-bgg.de">{s("enforcement_link")}</a></p>"""
    return page(site, 0, site.l("accessibility_title"), main, current="barrierefreiheit.html")
