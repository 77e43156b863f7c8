"""The imprint of a paper, once for every writer (PDF, final DOCX, HTML).

It says who publishes, who wrote, whom to contact (a linked e-mail), which version of
which date, where and when, under which licence (name, link and a one-sentence notice
for Creative Commons), DOI/ISBN/URL where paper.yaml gives them, picture credits, and a
Zitiervorschlag (citation suggestion) built from the same facts.

Values are lines of segments: ``Segment(text, href)``; a writer turns a segment with an
``href`` into a link. ``to_blocks`` gives pandoc blocks for writers that go through pandoc.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from papier import i18n
from papier import pandoc_ast as ast
from papier.brand import Brand
from papier.paper import Paper


@dataclass(frozen=True)
class Licence:
    name: str
    url: str
    title: dict[str, str]  # the licence's full name per language key


_CC = "https://creativecommons.org/licenses/{}/4.0/"
_CC_NAMES = {
    "by": ("Namensnennung", "Attribution"),
    "by-sa": ("Namensnennung – Weitergabe unter gleichen Bedingungen", "Attribution-ShareAlike"),
    "by-nd": ("Namensnennung – Keine Bearbeitungen", "Attribution-NoDerivatives"),
    "by-nc": ("Namensnennung – Nicht kommerziell", "Attribution-NonCommercial"),
    "by-nc-sa": ("Namensnennung – Nicht kommerziell – Weitergabe unter gleichen Bedingungen",
                 "Attribution-NonCommercial-ShareAlike"),
    "by-nc-nd": ("Namensnennung – Nicht kommerziell – Keine Bearbeitungen",
                 "Attribution-NonCommercial-NoDerivatives"),
}
LICENCES: dict[str, Licence] = {
    f"CC {code.upper()} 4.0": Licence(
        f"CC {code.upper()} 4.0", _CC.format(code),
        {"de": f"Creative Commons {de} 4.0 International", "en": f"Creative Commons {en} 4.0 International"})
    for code, (de, en) in _CC_NAMES.items()
}
LICENCES["CC0 1.0"] = Licence("CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/",
                              {"de": "CC0 1.0 Universell (Public Domain Dedication)",
                               "en": "CC0 1.0 Universal (Public Domain Dedication)"})

_NOTICE = {
    "de": "Dieses Werk ist lizenziert unter der Lizenz {title} ({name}); der Lizenztext steht unter {url}.",
    "en": "This work is licensed under {title} ({name}); the licence text is at {url}.",
}
_CC0_NOTICE = {
    "de": "Dieses Werk ist gemeinfrei ({name}); Einzelheiten unter {url}.",
    "en": "This work is dedicated to the public domain ({name}); details at {url}.",
}

# Author names that are groups, not persons, keep their order in the citation.
_GROUP_WORDS = {"arbeitsgruppe", "ag", "redaktion", "team", "bundesforum", "netzwerk", "verband",
                "bundesverband", "e.", "v.", "group", "working", "network", "stiftung", "gruppe",
                "kreis", "arbeitskreis", "initiative", "forum", "und", "and", "der", "des", "für"}


def licence(name: str, url: str = "") -> Licence | None:
    """The licence behind paper.yaml's ``license`` (known Creative Commons names are
    recognised in any spacing and case); None for an empty value."""
    if not name.strip():
        return None
    key = " ".join(name.replace("-", " - ").split()).replace(" - ", "-").upper()
    lic = LICENCES.get(key)  # the keys are upper case already
    if lic is not None:
        return Licence(lic.name, url or lic.url, lic.title)
    return Licence(name.strip(), url, {})


def cited_name(name: str) -> str:
    """'Barbara Blum' -> 'Blum, Barbara'; group names ('Arbeitsgruppe …') stay as they are."""
    words = name.split()
    if not 2 <= len(words) <= 4 or any(w.lower() in _GROUP_WORDS for w in words):
        return name
    if any(w.lower().endswith(("gruppe", "kreis", "verband", "stiftung", "forum")) for w in words):
        return name
    particles = {"von", "van", "de", "zu", "vom", "zum", "der", "den"}
    first = [w for w in words[:-1] if w.lower() not in particles]
    last = " ".join(w for w in words[len(first):])
    return f"{last}, {' '.join(first)}" if first else name


def place_of(address: str) -> str:
    """'Tempelhofer Ufer 11, 10963 Berlin' -> 'Berlin' (the town after a postal code)."""
    match = re.search(r"\b\d{4,5}\s+([^,]+)\s*$", address)
    return match.group(1).strip() if match else ""


def web_url(text: str) -> str:
    text = text.strip()
    return text if re.match(r"^[a-z]+://", text) else f"https://{text}" if text else ""


@dataclass(frozen=True)
class Segment:
    text: str
    href: str = ""


Line = list[Segment]


@dataclass
class Imprint:
    lang: str
    heading: str
    rows: list[tuple[str, list[Line]]] = field(default_factory=list)
    notice: str = ""          # the brand's sentence about the network
    citation: Line = field(default_factory=list)
    doi: str = ""
    isbn: str = ""
    url: str = ""
    place: str = ""
    year: int = 0
    licence: Licence | None = None

    def row(self, key: str) -> list[Line] | None:
        """The value lines of the row labelled with i18n *key*."""
        label = i18n.label(self.lang, key)
        return next((lines for name, lines in self.rows if name == label), None)

    def citation_text(self) -> str:
        return "".join(s.text for s in self.citation)

    def to_json(self) -> dict[str, Any]:
        """For Typst's meta.json."""
        def line(segments: Line) -> list[dict[str, str]]:
            return [{"text": s.text, "href": s.href} for s in segments]
        return {
            "heading": self.heading,
            "rows": [{"label": label, "lines": [line(v) for v in lines]} for label, lines in self.rows],
            "notice": self.notice,
            "citation_label": i18n.label(self.lang, "citation"),
            "citation": line(self.citation),
            "doi": self.doi,
        }

    def entries(self) -> list[tuple[str, list[Line]]]:
        """The rows, then the Zitiervorschlag as the last row."""
        return [*self.rows, (i18n.label(self.lang, "citation"), [self.citation])]

    def to_blocks(self) -> list[ast.Node]:
        """pandoc blocks: a heading-less definition list (label: lines, the Zitiervorschlag
        last) and the brand's notice."""
        items = []
        for label, lines in self.entries():
            body: list[ast.Node] = []
            for i, segments in enumerate(lines):
                body += [{"t": "LineBreak"}] if i else []
                body += inlines(segments)
            items.append([ast.text_inlines(label), [[ast.plain(body)]]])
        blocks: list[ast.Node] = [{"t": "DefinitionList", "c": items}]
        if self.notice:
            blocks.append(ast.para(ast.text_inlines(self.notice)))
        return blocks


def inlines(segments: Line) -> list[ast.Node]:
    """pandoc inlines of one line: a segment with an href is a link; spaces at a segment's
    ends are kept (the Zitiervorschlag's text and its DOI link are two segments)."""
    out: list[ast.Node] = []
    for seg in segments:
        text = ast.text_inlines(seg.text)
        if seg.href:
            text = [{"t": "Link", "c": [ast.attr(), text, [seg.href, ""]]}]
        if seg.text[:1].isspace():
            text.insert(0, {"t": "Space"})
        if seg.text[-1:].isspace() and seg.text.strip():
            text.append({"t": "Space"})
        out.extend(text)
    return out


def build(paper: Paper, brand: Brand, title: str, subtitle: str, final: bool) -> Imprint:
    """The imprint of *paper*; *title*/*subtitle* as plain text (already typographed)."""
    lang = paper.lang
    key = i18n.lang_key(lang)

    def lab(name: str) -> str:
        return i18n.label(lang, name)

    place = paper.place or brand.place or place_of(brand.publisher_address)
    imprint = Imprint(lang=lang, heading=lab("imprint"), notice=brand.imprint, doi=paper.doi,
                      isbn=paper.isbn, url=paper.url, place=place, year=paper.date.year)
    rows = imprint.rows
    publisher: list[Line] = [[Segment(brand.publisher)]]
    publisher += [[Segment(part.strip())] for part in brand.publisher_address.split(",") if part.strip()]
    if brand.website:
        publisher.append([Segment(brand.website, web_url(brand.website))])
    rows.append((lab("publisher"), publisher))
    partners = paper.partners or brand.partners
    if partners:
        rows.append((lab("partners"), [[Segment(p)] for p in partners]))
    rows.append((lab("authors"), [[Segment(a.name + (f" ({a.organisation})" if a.organisation else ""))]
                                  for a in paper.authors]))
    if paper.contact:
        contact: list[Line] = [[Segment(paper.contact.get("name", ""))]]
        if paper.contact.get("organisation"):
            contact.append([Segment(paper.contact["organisation"])])
        email = paper.contact.get("email", "")
        if email:
            contact.append([Segment(email, f"mailto:{email}")])
        if paper.contact.get("phone"):
            contact.append([Segment(paper.contact["phone"])])
        rows.append((lab("contact"), contact))
    status = "" if final else f" ({lab(paper.status)})"
    rows.append((lab("version"), [[Segment(f"{paper.version}{status}")]]))
    rows.append((lab("date"), [[Segment(i18n.format_date(paper.date, lang))]]))
    rows.append((lab("place_year"), [[Segment(f"{place} {paper.date.year}".strip())]]))
    if paper.doi:
        rows.append(("DOI", [[Segment(paper.doi, f"https://doi.org/{paper.doi}")]]))
    if paper.isbn:
        rows.append(("ISBN", [[Segment(paper.isbn)]]))
    if paper.url:
        rows.append((lab("online"), [[Segment(paper.url, web_url(paper.url))]]))
    lic = licence(paper.license, paper.license_url)
    imprint.licence = lic
    if lic is not None:
        lines: list[Line] = [[Segment(lic.name, lic.url)]]
        if lic.title and lic.url:
            template = _CC0_NOTICE if lic.name.startswith("CC0") else _NOTICE
            lines.append([Segment(template[key].format(title=lic.title[key], name=lic.name, url=lic.url))])
        rows.append((lab("license"), lines))
    if paper.picture_credits:
        rows.append((lab("picture_credits"), [[Segment(c)] for c in paper.picture_credits]))
    imprint.citation = citation(paper, brand, title, subtitle, place)
    return imprint


def citation(paper: Paper, brand: Brand, title: str, subtitle: str, place: str) -> Line:
    """Authors (Year): Title. Subtitle. Kind Nr. n. Place: Publisher. DOI or URL."""
    names = "; ".join(cited_name(a.name) for a in paper.authors)
    text = f"{names} ({paper.date.year}): {title.rstrip('.')}."
    if subtitle:
        text += f" {subtitle.rstrip('.')}."
    text += f" {paper.kind_label}."
    where = ": ".join(p for p in (place, brand.publisher) if p)
    if where:
        text += f" {where}."
    line: Line = [Segment(text)]
    if paper.doi:
        line += [Segment(" "), Segment(f"https://doi.org/{paper.doi}", f"https://doi.org/{paper.doi}")]
    elif paper.url:
        line += [Segment(" "), Segment(web_url(paper.url), web_url(paper.url))]
    return line
