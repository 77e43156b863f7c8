"""Read built outputs back the way a user would see them (tests only)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree
from pypdf import PdfReader

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}


def docx_part(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read(name))


def docx_parts(path: Path, prefix: str) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        return [n for n in zf.namelist() if n.startswith(prefix)]


def paragraphs(path: Path, part: str = "word/document.xml") -> list[tuple[str, str]]:
    """(style id, text) of every paragraph, text including tracked insertions."""
    root = docx_part(path, part)
    out = []
    for p in root.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        text = "".join(t.text or "" for t in p.iter(f"{W}t"))
        out.append((style.get(f"{W}val") if style is not None else "", text))
    return out


def docx_text(path: Path, part: str = "word/document.xml") -> str:
    return "\n".join(text for _style, text in paragraphs(path, part))


def pdf_text(path: Path) -> str:
    reader = PdfReader(path)
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return text.replace("\xa0", " ")


def pdf_xmp(path: Path) -> str:
    reader = PdfReader(path)
    metadata = reader.trailer["/Root"]["/Metadata"].get_object()
    return metadata.get_data().decode("utf-8")


def xmp_value(xmp: str, name: str) -> str | None:
    match = re.search(rf"<{name}>([^<]*)</{name}>", xmp) or re.search(rf'{name}="([^"]*)"', xmp)
    return match.group(1) if match else None
