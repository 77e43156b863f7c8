"""Tiny DOCX packages written from XML snippets, for unit tests of the reader: each test
says exactly which OOXML it feeds in (Transitional or Strict)."""

from __future__ import annotations

import zipfile
from pathlib import Path

TRANSITIONAL = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
REL_T = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_S = "http://purl.oclc.org/ooxml/officeDocument/relationships"
NS = ('xmlns:w="{w}" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
      'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" '
      'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
      'xmlns:r="{r}"')
MAIN_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
PARTS = {  # part -> (relationship type's last word, content type's last word, root element)
    "footnotes": ("footnotes", "footnotes", "footnotes"),
    "endnotes": ("endnotes", "endnotes", "endnotes"),
    "header1": ("header", "header", "hdr"),
    "footer1": ("footer", "footer", "ftr"),
    "comments": ("comments", "comments", "comments"),
}


def make_docx(path: Path, body: str, *, strict: bool = False, extended: str = "",
              **parts: str) -> Path:
    """A DOCX whose body is *body* (w: elements); keyword arguments give the inner XML of
    footnotes, endnotes, header1, footer1 and comments; *extended* the w15:commentEx list."""
    w, r = (STRICT, REL_S) if strict else (TRANSITIONAL, REL_T)
    ns = NS.format(w=w, r=r)
    rel_base = REL_S if strict else REL_T
    files = {
        "word/document.xml": f'<?xml version="1.0" encoding="UTF-8"?><w:document {ns}>'
                             f"<w:body>{body}</w:body></w:document>",
    }
    rels = []
    types = [f'<Override PartName="/word/document.xml" ContentType="{MAIN_CT}"/>']
    for number, (name, inner) in enumerate(parts.items(), 1):
        rel, ct, root = PARTS[name]
        files[f"word/{name}.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?><w:{root} {ns}>{inner}'
                                     f"</w:{root}>")
        rels.append(f'<Relationship Id="rId{number}" Type="{rel_base}/{rel}" Target="{name}.xml"/>')
        types.append(f'<Override PartName="/word/{name}.xml" ContentType="application/'
                     f'vnd.openxmlformats-officedocument.wordprocessingml.{ct}+xml"/>')
    if extended:
        files["word/commentsExtended.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><w15:commentsEx {ns}>{extended}</w15:commentsEx>')
        rels.append('<Relationship Id="rId90" Type="http://schemas.microsoft.com/office/2011/'
                    'relationships/commentsExtended" Target="commentsExtended.xml"/>')
    files["word/_rels/document.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
        f'.org/package/2006/relationships">{"".join(rels)}</Relationships>')
    files["_rels/.rels"] = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
        f'.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel_base}/officeDocument" '
        'Target="word/document.xml"/></Relationships>')
    files["[Content_Types].xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        f'ContentType="application/xml"/>{"".join(types)}</Types>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in files.items():
            package.writestr(name, data)
    return path


def run(text: str, bold: bool = False) -> str:
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{text}</w:t></w:r>'


def deleted_run(text: str) -> str:
    return f'<w:r><w:delText xml:space="preserve">{text}</w:delText></w:r>'


def rev(tag: str, ident: int, inner: str, author: str = "Prüferin",
        date: str = "2026-11-30T09:00:00Z") -> str:
    return f'<w:{tag} w:id="{ident}" w:author="{author}" w:date="{date}">{inner}</w:{tag}>'


def para(inner: str, mark: str = "", style: str = "") -> str:
    ppr = ""
    if mark or style:
        ppr = "<w:pPr>" + (f'<w:pStyle w:val="{style}"/>' if style else "") + \
              (f"<w:rPr>{mark}</w:rPr>" if mark else "") + "</w:pPr>"
    return f"<w:p>{ppr}{inner}</w:p>"


def mark(tag: str, ident: int, author: str = "Prüferin") -> str:
    return f'<w:{tag} w:id="{ident}" w:author="{author}" w:date="2026-11-30T09:00:00Z"/>'
