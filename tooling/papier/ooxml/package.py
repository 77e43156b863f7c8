"""Open a returned file defensively: only real DOCX, bounded sizes, no DTDs or entities."""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from papier.errors import PapierError

MAX_PART = 64 * 1024 * 1024  # one XML part, uncompressed
MAX_TOTAL = 256 * 1024 * 1024  # the whole package, uncompressed
MAX_RATIO = 200  # uncompressed / compressed for large parts (zip bombs)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAIN_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_CT = "application/vnd.ms-word.document.macroEnabled.main+xml"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                         dtd_validation=False, huge_tree=False, remove_blank_text=False)


class UnreadableFile(PapierError):
    """A returned file papier will not read; the message says what to ask the reviewer for."""


def _ole_kind(head: bytes) -> str:
    name = "EncryptionInfo".encode("utf-16-le")
    return "encrypted" if name in head else "doc"


def open_package(path: Path) -> dict[str, bytes]:
    """The XML parts of a DOCX, after every check; raises UnreadableFile with the fix."""
    shown = str(path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise UnreadableFile(f"{shown}: cannot be read ({exc.strerror})") from exc
    if head.startswith(OLE_MAGIC):
        data = path.read_bytes()[: 4 * 1024 * 1024]
        if _ole_kind(data) == "encrypted":
            raise UnreadableFile(f"{shown}: is password-protected; ask the reviewer to remove the "
                                 "password (File › Info › Protect Document) and send it again")
        raise UnreadableFile(f"{shown}: is an old Word file (.doc); open it in Word or LibreOffice "
                             "and save it as .docx, then collect that file")
    if not zipfile.is_zipfile(path):
        raise UnreadableFile(f"{shown}: is not a DOCX file (not a zip package); ask the reviewer "
                             "for the .docx file they edited")
    try:
        with zipfile.ZipFile(path) as package:
            infos = package.infolist()
            total = 0
            for info in infos:
                total += info.file_size
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > MAX_PART or (info.file_size > 1024 * 1024 and ratio > MAX_RATIO):
                    raise UnreadableFile(f"{shown}: part {info.filename} is implausibly large "
                                         f"({info.file_size} bytes unpacked); not read (zip bomb?)")
            if total > MAX_TOTAL:
                raise UnreadableFile(f"{shown}: unpacks to {total} bytes; not read (zip bomb?)")
            names = {info.filename for info in infos}
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                raise UnreadableFile(f"{shown}: is a zip file but not a Word document; ask the "
                                     "reviewer for the .docx file")
            types = package.read("[Content_Types].xml")
            if MACRO_CT.encode() in types or b"macroEnabled" in types or "word/vbaProject.bin" in names:
                raise UnreadableFile(f"{shown}: is a macro-enabled document (.docm); ask the "
                                     "reviewer to save it as .docx (macros are never opened)")
            if MAIN_CT.encode() not in types:
                raise UnreadableFile(f"{shown}: is not a Word text document (wrong content type); "
                                     "ask the reviewer for the .docx file")
            parts = {}
            for name in names:
                if name.endswith((".xml", ".rels")):
                    data = package.read(name)
                    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
                        raise UnreadableFile(f"{shown}: part {name} declares a DOCTYPE or entities, "
                                             "which Word never writes; not read (unsafe XML)")
                    parts[name] = data
            return parts
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise UnreadableFile(f"{shown}: the zip package is damaged ({exc}); ask for the file "
                             "again") from exc


def parse(parts: dict[str, bytes], name: str, shown: str) -> etree._Element | None:
    data = parts.get(name)
    if data is None:
        return None
    try:
        return etree.fromstring(data, PARSER)
    except etree.XMLSyntaxError as exc:
        raise UnreadableFile(f"{shown}: {name} is not well-formed XML ({exc}); ask for the file "
                             "again") from exc
