"""Open a returned file defensively: only regular files of a bounded size, only real DOCX,
parts unpacked with a hard cap on the bytes actually produced, no DTDs or entities in any
encoding."""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from papier.errors import UnreadableFile

MAX_FILE = 100 * 1024 * 1024  # the returned file itself, as stored on disk
MAX_PART = 16 * 1024 * 1024  # one XML part, unpacked (parsed, 16 MB of XML take ~200 MB)
MAX_TOTAL = 256 * 1024 * 1024  # all parts together, unpacked, as the headers claim
MAX_XML = 24 * 1024 * 1024  # the XML parts together, as actually unpacked
MAX_RATIO = 200  # unpacked / packed bytes, for parts past RATIO_FROM (zip bombs)
RATIO_FROM = 1024 * 1024
MAX_DIRECTORY = 1024 * 1024  # the zip's central directory (one entry per part; Word: a few KB)
CHUNK = 64 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAIN_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_CT = "application/vnd.ms-word.document.macroEnabled.main+xml"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                         dtd_validation=False, huge_tree=False, remove_blank_text=False)


def _ole_kind(head: bytes) -> str:
    name = "EncryptionInfo".encode("utf-16-le")
    return "encrypted" if name in head else "doc"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_file(path: Path) -> bytes:
    """The bytes of *path* if it is a regular file (after symlinks) of at most MAX_FILE bytes;
    never blocks on a pipe, never reads a device, never reads more than MAX_FILE + 1 bytes."""
    shown = str(path)
    try:
        info = os.stat(path)
    except OSError as exc:
        raise UnreadableFile(f"{shown}: cannot be read ({exc.strerror})") from exc
    if not stat.S_ISREG(info.st_mode):
        raise UnreadableFile(f"{shown}: is {_kind(info.st_mode)}, not a file; papier reads only "
                             ".docx files saved on disk")
    too_big = UnreadableFile(f"{shown}: is larger than {MAX_FILE // (1024 * 1024)} MB; not read. Ask "
                             "the reviewer to compress the pictures (File › Compress Pictures) and "
                             "send it again")
    if info.st_size > MAX_FILE:
        raise too_big
    try:
        # O_NONBLOCK: if the path was swapped for a pipe since the stat, open must not wait
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise UnreadableFile(f"{shown}: cannot be read ({exc.strerror})") from exc
    with open(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise UnreadableFile(f"{shown}: is {_kind(mode)}, not a file; papier reads only .docx "
                                 "files saved on disk")
        try:
            data = handle.read(MAX_FILE + 1)
        except OSError as exc:
            raise UnreadableFile(f"{shown}: cannot be read ({exc.strerror})") from exc
    if len(data) > MAX_FILE:
        raise too_big
    return data


def _directory_size(data: bytes) -> int:
    """The size of the zip's central directory as its end records state it (0 if none is
    found; zipfile then reports the damage). Checked before zipfile builds one object per
    entry: a 100 MB file of empty entries would otherwise take gigabytes."""
    tail_start = max(0, len(data) - (65535 + 22))
    at = data.rfind(b"PK\x05\x06", tail_start)
    if at < 0 or len(data) - at < 22:
        return 0
    (size,) = struct.unpack_from("<I", data, at + 12)
    record = at - 20 - 56  # zip64: a locator right before, its end record before that
    if record >= 0 and data[at - 20: at - 16] == b"PK\x06\x07" and data[record: record + 4] == b"PK\x06\x06":
        (size64,) = struct.unpack_from("<Q", data, record + 40)
        size = max(size, size64)
    return int(size)


def _damaged(shown: str, why: str) -> UnreadableFile:
    return UnreadableFile(f"{shown}: the zip package is damaged ({why}); ask for the file again")


def _bomb(shown: str, name: str, size: int, packed: int | None = None) -> UnreadableFile:
    source = f" from {packed} packed bytes" if packed is not None else ""
    return UnreadableFile(f"{shown}: part {name} unpacks to more than {size} bytes{source}; not read "
                          "(zip bomb?)")


def _raw(data: bytes, info: zipfile.ZipInfo, shown: str) -> memoryview:
    """The packed bytes of one part, located through its local header (no copy)."""
    start = info.header_offset
    if start < 0 or len(data) < start + 30 or data[start: start + 4] != b"PK\x03\x04":
        raise _damaged(shown, f"no local header for {info.filename}")
    name_len, extra_len = struct.unpack_from("<HH", data, start + 26)
    begin = start + 30 + name_len + extra_len
    end = begin + info.compress_size
    if end > len(data):
        raise _damaged(shown, f"{info.filename} is cut off")
    return memoryview(data)[begin:end]


def _unpacked(raw: memoryview, info: zipfile.ZipInfo, shown: str) -> Iterator[tuple[bytes, int]]:
    """(unpacked chunk, packed bytes consumed so far), CHUNK bytes at most at a time, whatever
    the headers claim about the sizes."""
    if info.compress_type == zipfile.ZIP_STORED:
        for at in range(0, len(raw), CHUNK):
            yield bytes(raw[at: at + CHUNK]), min(at + CHUNK, len(raw))
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise UnreadableFile(f"{shown}: part {info.filename} is packed with a method Word never "
                             f"uses (zip method {info.compress_type}); ask for the .docx file again")
    inflate = zlib.decompressobj(-zlib.MAX_WBITS)
    consumed = 0
    try:
        while not inflate.eof:
            pending = inflate.unconsumed_tail
            if not pending:
                if consumed >= len(raw):
                    raise _damaged(shown, f"{info.filename} ends early")
                pending = bytes(raw[consumed: consumed + CHUNK])
                consumed += len(pending)
            yield inflate.decompress(pending, CHUNK), consumed - len(inflate.unconsumed_tail)
    except zlib.error as exc:
        raise _damaged(shown, f"{info.filename}: {exc}") from exc


def read_part(data: bytes, info: zipfile.ZipInfo, shown: str, limit: int) -> bytes:
    """One part, unpacked chunk by chunk: refused as soon as it passes *limit* bytes or
    MAX_RATIO times the packed bytes it was made from; then size and CRC checked."""
    name = info.filename
    if info.flag_bits & 0x1:
        raise UnreadableFile(f"{shown}: part {name} is encrypted inside the zip package, which Word "
                             "never does; ask the reviewer for the .docx file without a password")
    out = io.BytesIO()
    produced = 0
    crc = 0
    for chunk, consumed in _unpacked(_raw(data, info, shown), info, shown):
        produced += len(chunk)
        if produced > limit:
            raise _bomb(shown, name, limit)
        if produced > RATIO_FROM and produced > MAX_RATIO * max(consumed, 1):
            raise _bomb(shown, name, produced - len(chunk), consumed)
        crc = zlib.crc32(chunk, crc)
        out.write(chunk)
    if produced != info.file_size:
        raise _damaged(shown, f"{name} unpacks to {produced} bytes, its header says {info.file_size}")
    if crc != info.CRC:
        raise _damaged(shown, f"Bad CRC-32 for file {name!r}")
    return out.getvalue()


def _refuse_dtd(root: etree._Element, name: str, shown: str) -> None:
    docinfo = root.getroottree().docinfo  # .doctype is non-empty exactly when one of these is set
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise UnreadableFile(f"{shown}: part {name} declares a DOCTYPE or entities, which no word "
                             "processor writes; not read (unsafe XML)")


def _utf8(content: bytes) -> bool:
    """Whether libxml2 reads *content* as UTF-8 (no BOM but UTF-8's, no other encoding
    declared), so that a DTD in it must show as the bytes <!DOCTYPE."""
    head = content.removeprefix(codecs.BOM_UTF8)
    if not head.startswith(b"<") or b"\x00" in head:  # UTF-16 or -32 without a BOM has NULs
        return False
    if not head.startswith(b"<?xml"):
        return True
    end = head.find(b"?>")
    if end < 0:
        return False
    declaration = head[:end]
    if b"encoding" not in declaration:
        return True
    match = re.search(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]*)["']""", declaration)
    return match is not None and match.group(1).lower() in (b"utf-8", b"utf8")


def open_package(path: Path, data: bytes | None = None) -> dict[str, bytes]:
    """The XML parts of a DOCX (*data*, or read from *path*), after every check; raises
    UnreadableFile with the fix."""
    shown = str(path)
    if data is None:
        data = read_file(path)
    infos = entries(data, shown)
    return _parts(data, infos, shown)


def entries(data: bytes, shown: str) -> list[zipfile.ZipInfo]:
    """The zip's entries, once the file is known to be a zip of plausible size."""
    if data.startswith(OLE_MAGIC):
        if _ole_kind(data[: 4 * 1024 * 1024]) == "encrypted":
            raise UnreadableFile(f"{shown}: is password-protected; ask the reviewer to remove the "
                                 "password (File › Info › Protect Document) and send it again")
        raise UnreadableFile(f"{shown}: is an old Word file (.doc); open it in Word or LibreOffice "
                             "and save it as .docx (Word) or .odt (LibreOffice), then collect that file")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        if data.startswith(b"PK"):  # a zip whose end is missing
            raise _damaged(shown, "its table of contents is missing or broken: cut off in transfer?")
        raise UnreadableFile(f"{shown}: is not a DOCX file (not a zip package); ask the reviewer "
                             "for the .docx file they edited")
    if _directory_size(data) > MAX_DIRECTORY:
        raise UnreadableFile(f"{shown}: lists far more parts than a Word document has; not read "
                             "(zip bomb?)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise _damaged(shown, str(exc)) from exc
    total = 0
    for info in infos:  # what the headers claim: a quick refusal of honest bombs
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_PART or (info.file_size > RATIO_FROM and ratio > MAX_RATIO):
            raise UnreadableFile(f"{shown}: part {info.filename} is implausibly large "
                                 f"({info.file_size} bytes unpacked); not read (zip bomb?)")
    if total > MAX_TOTAL:
        raise UnreadableFile(f"{shown}: unpacks to {total} bytes; not read (zip bomb?)")
    return infos


def _parts(data: bytes, infos: list[zipfile.ZipInfo], shown: str) -> dict[str, bytes]:
    """Every XML part, unpacked within the caps, once the package is a Word document."""
    by_name = {info.filename: info for info in infos}
    if "[Content_Types].xml" not in by_name or "word/document.xml" not in by_name:
        raise UnreadableFile(f"{shown}: is a zip file but not a Word document; ask the "
                             "reviewer for the .docx, .odt or annotated .pdf file")
    read = 0

    def part(name: str) -> bytes:  # what the parts really unpack to, bounded
        nonlocal read
        content = read_part(data, by_name[name], shown, min(MAX_PART, MAX_XML - read))
        read += len(content)
        return content

    types = part("[Content_Types].xml")
    if MACRO_CT.encode() in types or b"macroEnabled" in types or "word/vbaProject.bin" in by_name:
        raise UnreadableFile(f"{shown}: is a macro-enabled document (.docm); ask the "
                             "reviewer to save it as .docx (macros are never opened)")
    if MAIN_CT.encode() not in types:
        raise UnreadableFile(f"{shown}: is not a Word text document (wrong content type); "
                             "ask the reviewer for the .docx file")
    parts = {}
    for name in sorted(by_name):
        if not name.endswith((".xml", ".rels")):
            continue
        content = types if name == "[Content_Types].xml" else part(name)
        parts[name] = checked_xml(content, name, shown)
    return parts


def checked_xml(content: bytes, name: str, shown: str) -> bytes:
    """*content* of part *name*, refused if it declares a DOCTYPE or entities in any
    encoding (no word processor writes them; they are how XML attacks start)."""
    if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
        raise UnreadableFile(f"{shown}: part {name} declares a DOCTYPE or entities, "
                             "which no word processor writes; not read (unsafe XML)")
    if not _utf8(content):  # UTF-16 and the like: only the parser sees a DTD there
        with contextlib.suppress(etree.XMLSyntaxError):  # parse() reports it if used
            _refuse_dtd(etree.fromstring(content, PARSER), name, shown)
    return content


def parse(parts: dict[str, bytes], name: str, shown: str) -> etree._Element | None:
    """Part *name* as a tree (None if the package has no such part); never with a DTD."""
    data = parts.get(name)
    if data is None:
        return None
    try:
        root = etree.fromstring(data, PARSER)
    except etree.XMLSyntaxError as exc:
        raise UnreadableFile(f"{shown}: {name} is not well-formed XML ({exc}); ask for the file "
                             "again") from exc
    _refuse_dtd(root, name, shown)
    return root
