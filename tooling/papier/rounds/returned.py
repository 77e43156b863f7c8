"""What a reviewer sent back, whatever the format: a DOCX (Word, LibreOffice, pages),
an ODT (LibreOffice's own format, Word's "Save as ODT") or the reviewer PDF with the
annotations of Acrobat, Edge or Preview. Each is read into the same Reading, so that
collecting, merging and answering do not care which it was. Formats that keep no reliable
comments or changes are refused with one line saying how to save the file instead."""

from __future__ import annotations

import re
from pathlib import Path

from papier.errors import UnreadableFile
from papier.odf.reader import read_odt
from papier.ooxml.package import OLE_MAGIC, entries, read_file
from papier.ooxml.reader import Reading, read_docx
from papier.paper import Paper
from papier.rounds.opening import SENT
from papier.rounds.store import Round, RoundError
from papier.workspace import Workspace

SUFFIX = {"docx": ".docx", "odt": ".odt", "pdf": ".pdf"}
ACCEPTED = "a .docx, .odt or annotated .pdf file"
SAVE_AS = ("open it in Word or LibreOffice and save it as .docx (Word) or .odt (LibreOffice), "
           "then collect that file")


def sniff(data: bytes, shown: str) -> str:
    """The format of a returned file by its content (never by its name): docx, odt, pdf, or
    what it is when papier does not read it (ole, rtf, word2003, flat-opc, fodt, html, …).
    A zip's entries are listed by the hardened opener (its caps on the central directory
    and the sizes hold before anything is read; a damaged zip is refused there)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if data.startswith(OLE_MAGIC):
        return "ole"
    if head.startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if data.startswith(b"PK"):
        names = {info.filename for info in entries(data, shown)}
        return "odt" if "[Content_Types].xml" not in names and \
            ("mimetype" in names or "content.xml" in names) else "docx"
    text = head.decode("utf-8", "replace") if head[:2] not in (b"\xff\xfe", b"\xfe\xff") \
        else data[:4096].decode("utf-16", "replace")
    if "schemas.microsoft.com/office/word/2003/wordml" in text or 'progid="Word.Document"' in text:
        return "word2003"
    if "schemas.microsoft.com/office/2006/xmlPackage" in text:
        return "flat-opc"
    if "urn:oasis:names:tc:opendocument:xmlns:office:1.0" in text and "office:document" in text:
        return "fodt"
    if re.match(r"(?is)\s*(<!doctype\s+html|<html)", text):
        return "html"
    return "unknown"


def refusal(kind: str, shown: str) -> UnreadableFile | None:
    """The one line for a format papier does not read (None for the ones it reads)."""
    lines = {
        "rtf": f"{shown}: is an RTF file, which keeps no reliable comments or tracked changes; {SAVE_AS}",
        "word2003": f"{shown}: is a Word 2003 XML document; {SAVE_AS}",
        "flat-opc": f"{shown}: is a Word XML document (Word 2007 XML, one file); {SAVE_AS}",
        "fodt": f"{shown}: is a flat OpenDocument text (.fodt); open it in LibreOffice and save it "
                "as .odt (File › Save As, „ODF Text Document“), then collect that file",
        "html": f"{shown}: is a web page (HTML), which keeps no comments or tracked changes; ask the "
                f"reviewer for {ACCEPTED}",
        "unknown": f"{shown}: is not a file papier reads; ask the reviewer for {ACCEPTED}",
    }
    line = lines.get(kind)
    return UnreadableFile(line) if line else None


def read_returned(rnd: Round, path: Path, data: bytes | None = None) -> tuple[Reading, str]:
    """The Reading of a returned file and its format (docx, odt, pdf); UnreadableFile with
    the fix for anything else."""
    shown = str(path)
    if data is None:
        data = read_file(path)
    kind = sniff(data, shown)
    refused = refusal(kind, shown)
    if refused is not None:
        raise refused
    if kind == "odt":
        return read_odt(path, data), "odt"
    if kind == "pdf":
        from papier.rounds.pdfnotes import read_pdf  # noqa: PLC0415 - pdfplumber loads slowly

        return read_pdf(rnd, path, data), "pdf"
    return read_docx(path, data), "docx"  # and the DOCX opener's lines for .doc, other zips, …


def sent_copy(ws: Workspace, paper: Paper, rnd: Round) -> Path:
    """rounds/<n>/sent.docx (rounds opened before papier kept it: the first reviewer copy
    still in build/)."""
    path = rnd.folder / SENT
    if path.is_file():
        return path
    for rel in rnd.data.get("files") or []:
        candidate = ws.root / str(rel)
        if candidate.suffix == ".docx" and candidate.is_file():
            return candidate
    raise RoundError(f"{paper.rel(rnd.folder)}: the text as sent in round {rnd.number} is not "
                     f"kept (rounds/{rnd.number}/{SENT}); rounds opened with this papier keep it. "
                     "Rebuild the reviewer copies of that commit, or merge by hand")
