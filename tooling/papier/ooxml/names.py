"""The one table of WordprocessingML namespaces papier reads: Transitional (what Word and
LibreOffice write by default) and ISO Strict (Word's "Strict Open XML Document")."""

from __future__ import annotations

from functools import lru_cache

from lxml import etree

TRANSITIONAL = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "custom": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
}
STRICT = {
    "w": "http://purl.oclc.org/ooxml/wordprocessingml/main",
    "r": "http://purl.oclc.org/ooxml/officeDocument/relationships",
    "custom": "http://purl.oclc.org/ooxml/officeDocument/customProperties",
}
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
# what papier writes (always Transitional): custom properties, pictures
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
PIC_NS = "http://schemas.openxmlformats.org/drawingml/2006/picture"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
FAMILIES = (TRANSITIONAL, STRICT)


class Names:
    """Qualified names of one namespace family: ``names.w("p")`` is ``{…/main}p``."""

    def __init__(self, family: dict[str, str]) -> None:
        self.family = family
        self.W = family["w"]

    @lru_cache(maxsize=256)  # noqa: B019 - two instances live for the whole process
    def w(self, local: str) -> str:
        return f"{{{self.W}}}{local}"

    def attr(self, el: etree._Element, local: str, default: str = "") -> str:
        value = el.get(self.w(local))
        return default if value is None else str(value)


NAMES = {family["w"]: Names(family) for family in FAMILIES}


def names_for(namespace: str) -> Names:
    """The family of a part's root namespace (Transitional when unknown)."""
    return NAMES.get(namespace, NAMES[TRANSITIONAL["w"]])


def custom_namespaces() -> tuple[str, ...]:
    return tuple(family["custom"] for family in FAMILIES)
