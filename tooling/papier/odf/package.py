"""Open a returned OpenDocument text (.odt) defensively, with the same caps as a DOCX:
only a real ODF text package, parts unpacked within size and ratio limits, no DTDs, no
macros, no encrypted parts."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from papier.errors import UnreadableFile
from papier.ooxml.package import (
    MAX_PART,
    MAX_XML,
    PARSER,
    checked_xml,
    entries,
    read_file,
    read_part,
)

MIMETYPE = "application/vnd.oasis.opendocument.text"
MANIFEST = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
PARTS = ("content.xml", "styles.xml", "meta.xml")
OTHER_ODF = {
    "application/vnd.oasis.opendocument.spreadsheet": "a spreadsheet (.ods)",
    "application/vnd.oasis.opendocument.presentation": "a presentation (.odp)",
    "application/vnd.oasis.opendocument.graphics": "a drawing (.odg)",
    "application/vnd.oasis.opendocument.text-template": "a text template (.ott)",
    "application/vnd.oasis.opendocument.text-master": "a master document (.odm)",
}


def open_odt(path: Path, data: bytes | None = None) -> dict[str, bytes]:
    """The XML parts papier reads of an ODT (content, styles, meta), after every check;
    raises UnreadableFile with the fix."""
    shown = str(path)
    if data is None:
        data = read_file(path)
    infos = entries(data, shown)
    by_name = {info.filename: info for info in infos}
    if "mimetype" not in by_name or "content.xml" not in by_name:
        raise UnreadableFile(f"{shown}: is a zip file but not an OpenDocument text; ask the "
                             "reviewer for the .odt or .docx file they edited")
    mimetype = read_part(data, by_name["mimetype"], shown, 256).decode("ascii", "replace").strip()
    if mimetype != MIMETYPE:
        what = OTHER_ODF.get(mimetype, f"an OpenDocument file of type {mimetype[:80]!r}")
        raise UnreadableFile(f"{shown}: is {what}, not a text document; ask the reviewer for "
                             "the .odt or .docx file they edited")
    if any(name.startswith(("Basic/", "Scripts/")) for name in by_name):
        raise UnreadableFile(f"{shown}: contains macros (Basic/ or Scripts/); ask the reviewer to "
                             "save it again as .odt without macros (papier never runs them)")
    read = 0

    def part(name: str) -> bytes:
        nonlocal read
        content = read_part(data, by_name[name], shown, min(MAX_PART, MAX_XML - read))
        read += len(content)
        return checked_xml(content, name, shown)

    if "META-INF/manifest.xml" in by_name:
        manifest = part("META-INF/manifest.xml")
        root = _parsed(manifest, "META-INF/manifest.xml", shown)
        if root.find(f".//{{{MANIFEST}}}encryption-data") is not None:
            raise UnreadableFile(f"{shown}: is password-protected; ask the reviewer to save it "
                                 "without a password (File › Save As, „Save with password“ off) "
                                 "and send it again")
    return {name: part(name) for name in PARTS if name in by_name}


def _parsed(content: bytes, name: str, shown: str) -> etree._Element:
    try:
        return etree.fromstring(content, PARSER)
    except etree.XMLSyntaxError as exc:
        raise UnreadableFile(f"{shown}: {name} is not well-formed XML ({exc}); ask for the file "
                             "again") from exc
