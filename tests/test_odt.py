"""OpenDocument text as reviewers return it, without LibreOffice at hand: ODT packages written
here the way LibreOffice writes them (the reviewer copy's blocks as paragraphs with papier's
block bookmarks, the copy's custom properties as meta:user-defined), with comments, replies,
resolved threads, tracked insertions, deletions and format changes put in; and hostile or
foreign files, each refused in one line. The LibreOffice-made twin of a DOCX review is in
test_odt_libreoffice.py."""

from __future__ import annotations

import json
import zipfile
from html import escape
from pathlib import Path

import pytest

from conftest import POSITION
from papier.cli import main
from papier.workspace import Workspace
from roundkit import items, zip_parts
from test_hostile import comments_yaml

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/" '
      'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
      'xmlns:loext="urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0"')
MIMETYPE = b"application/vnd.oasis.opendocument.text"
PROPS = {"papier.paper": POSITION, "papier.round": "1", "papier.reviewer": "bmfsfj"}


def anchors(ws: Workspace) -> dict:
    return json.loads((ws.papers_dir / POSITION / "rounds" / "1" / "anchors.json").read_text("utf-8"))


def change_info(author: str, date: str) -> str:
    return (f"<office:change-info><dc:creator>{escape(author)}</dc:creator>"
            f"<dc:date>{date}</dc:date></office:change-info>")


def package(content: str, props: dict[str, str] | None = None, extra: dict[str, bytes] | None = None,
            manifest: str = "") -> bytes:
    user = "".join(f'<meta:user-defined meta:name="{k}" meta:value-type="string">{escape(v)}'
                   "</meta:user-defined>" for k, v in (PROPS if props is None else props).items())
    meta = (f'<office:document-meta {NS} office:version="1.3"><office:meta>{user}</office:meta>'
            "</office:document-meta>")
    manifest = manifest or ('<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
                            'manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:'
                            'media-type="application/vnd.oasis.opendocument.text"/></manifest:manifest>')
    parts = {"mimetype": MIMETYPE, "content.xml": content.encode("utf-8"),
             "meta.xml": meta.encode("utf-8"), "META-INF/manifest.xml": manifest.encode("utf-8"),
             **(extra or {})}
    return zip_parts(parts)


def reviewer_odt(ws: Workspace, edits: dict[str, list[tuple[str, str]]], changes: str = "") -> str:
    """content.xml of the reviewer copy as LibreOffice writes it: one paragraph per block
    with its bookmark; *edits* replace texts in a block by ODF markup: {block: [(old, new)]}."""
    paras = []
    for ident, anchor in anchors(ws).items():
        if ident.startswith("fn-"):
            continue
        text = escape(anchor["text"], quote=False)
        for old, new in edits.get(ident, []):
            assert text.count(escape(old, quote=False)) == 1, (ident, old)
            text = text.replace(escape(old, quote=False), new)
        paras.append(f'<text:p><text:bookmark-start text:name="{ident}"/>{text}'
                     f'<text:bookmark-end text:name="{ident}"/></text:p>')
    tracked = f"<text:tracked-changes>{changes}</text:tracked-changes>" if changes else ""
    return (f'<office:document-content {NS} office:version="1.3"><office:body><office:text>'
            f'{tracked}<text:p>Hinweise zur Kommentierung</text:p>{"".join(paras)}'
            "</office:text></office:body></office:document-content>")


def collected(ws: Workspace, path: Path, capsys) -> tuple[list, str]:
    capsys.readouterr()
    code = main(["round", "collect", POSITION, str(path)])
    out = capsys.readouterr()
    assert code == 0, out.err
    return items(ws), out.out + out.err


def line_of(ws: Workspace, rel: str, text: str) -> int:
    lines = (ws.papers_dir / POSITION / rel).read_text("utf-8").split("\n")
    [number] = [i for i, line in enumerate(lines, 1) if text in line]
    return number


def test_comments_replies_and_resolved_threads(position_round: Workspace, capsys) -> None:
    blocks = anchors(position_round)
    first = next(k for k, a in blocks.items() if "Kinder wachsen nicht in Zuständigkeiten" in a["text"])
    note = ('<office:annotation office:name="__Annotation__1" loext:resolved="true">'
            "<dc:creator>Dr. Maria Beispiel</dc:creator><dc:date>2026-11-20T09:15:00.123456789</dc:date>"
            "<meta:creator-initials>MB</meta:creator-initials><text:p>Gilt das auch für "
            "<text:span>Bayern</text:span>?<text:line-break/>Bitte prüfen.</text:p>"
            "<text:p>Zweiter<text:tab/>Absatz<text:s text:c=\"2\"/>mit Abstand</text:p></office:annotation>")
    reply = ('<office:annotation office:name="__Annotation__2" loext:parent-name="__Annotation__1">'
             "<dc:creator>Barbara Blum</dc:creator><dc:date>2026-11-20T10:00:00</dc:date>"
             "<text:p>Ja, Bayern ist mitgemeint.</text:p></office:annotation>")
    point = ("<office:annotation><dc:creator>Kai Muster</dc:creator><dc:date>2026-11-20T11:00:00"
             "</dc:date><text:p>Quelle?</text:p></office:annotation>")
    content = reviewer_odt(position_round, {first: [(
        "Zuständigkeiten auf", f'{note}{reply}Zuständigkeiten<office:annotation-end '
        f'office:name="__Annotation__1"/> auf{point}')]})
    path = position_round.root / "zurueck.odt"
    path.write_bytes(package(content))
    found, _ = collected(position_round, path, capsys)
    assert len(found) == 2, found
    thread, quelle = found
    assert thread["kind"] == "comment" and thread["author"] == "Dr. Maria Beispiel"
    assert thread["text"] == "Gilt das auch für Bayern?\nBitte prüfen.\nZweiter\tAbsatz  mit Abstand"
    assert thread["date"] == "2026-11-20T09:15:00Z" and thread["initials"] == "MB"
    assert thread["resolved"] is True
    assert [(r["author"], r["text"]) for r in thread["replies"]] == [
        ("Barbara Blum", "Ja, Bayern ist mitgemeint.")]
    assert thread["anchor"]["quote"] == "Zuständigkeiten"
    assert (thread["anchor"]["file"], thread["anchor"]["line"]) == (
        "text/01-ausgangslage.md", line_of(position_round, "text/01-ausgangslage.md", "Kinder wachsen nicht"))
    assert quelle["text"] == "Quelle?" and quelle["anchor"]["block"] == first
    stored = quelle["source"]["file"]
    assert stored.startswith("rounds/1/returned/bmfsfj-") and stored.endswith(".odt")
    assert (position_round.papers_dir / POSITION / stored).read_bytes() == path.read_bytes()
    # collected again: nothing doubles
    again, _ = collected(position_round, path, capsys)
    assert len(again) == 2


def test_tracked_changes_applied_and_format_change_reported(position_round: Workspace, capsys) -> None:
    blocks = anchors(position_round)
    para = next(k for k, a in blocks.items() if "Kinder wachsen nicht in Zuständigkeiten" in a["text"])
    head = next(k for k, a in blocks.items() if a["text"].endswith("Ein Ansatz ohne gemeinsames Fundament"))
    who = change_info("Maria Beispiel", "2026-11-20T12:00:00")
    changes = (
        f'<text:changed-region text:id="ct1"><text:deletion>{who}<text:p>Zuständigkeiten</text:p>'
        f'</text:deletion></text:changed-region>'
        f'<text:changed-region text:id="ct2"><text:insertion>{who}</text:insertion></text:changed-region>'
        f'<text:changed-region text:id="ct3"><text:format-change>{who}</text:format-change>'
        "</text:changed-region>"
        f'<text:changed-region text:id="ct4"><text:deletion>{who}<text:p>ohne </text:p>'
        f'</text:deletion></text:changed-region>')
    content = reviewer_odt(position_round, {
        para: [("Zuständigkeiten auf", '<text:change text:change-id="ct1"/><text:change-start '
                'text:change-id="ct2"/>Verwaltungsgrenzen<text:change-end text:change-id="ct2"/> auf'),
               ("früh und ohne Hürden", 'früh und <text:change text:change-id="ct4"/>Hürden')],
        head: [("gemeinsames", '<text:change-start text:change-id="ct3"/>gemeinsames<text:change-end '
                'text:change-id="ct3"/>')],
    }, changes)
    path = position_round.root / "zurueck.odt"
    path.write_bytes(package(content))
    found, out = collected(position_round, path, capsys)
    assert "1 formatting change(s) not taken" in out
    kinds = [(e["kind"], e.get("deleted", ""), e["text"]) for e in found]
    assert kinds == [("replacement", "Zuständigkeiten", "Verwaltungsgrenzen"),
                     ("deletion", "ohne ", "")], kinds
    assert all(e["author"] == "Maria Beispiel" and e["date"] == "2026-11-20T12:00:00Z" for e in found)
    for entry in found:
        assert main(["round", "decide", POSITION, entry["id"], "--accept"]) == 0
    capsys.readouterr()
    assert main(["round", "apply", POSITION]) == 0, capsys.readouterr().err
    text = (position_round.papers_dir / POSITION / "text/01-ausgangslage.md").read_text("utf-8")
    assert "Kinder wachsen nicht in Verwaltungsgrenzen auf, sondern" in text
    assert "Zuständigkeiten auf" not in text


# ------------------------------------------------------------------ refused, in one line


def refused(ws: Workspace, capsys, path: Path) -> str:
    record = comments_yaml(ws)
    before = record.read_bytes() if record.exists() else None
    returned = sorted((record.parent / "returned").iterdir())
    capsys.readouterr()
    assert main(["round", "collect", POSITION, str(path)]) == 1
    out = capsys.readouterr()
    assert "Traceback" not in out.err + out.out
    lines = out.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"FAILED {path}: "), lines
    assert (record.read_bytes() if record.exists() else None) == before
    assert sorted((record.parent / "returned").iterdir()) == returned
    return lines[0].removeprefix(f"FAILED {path}: ")


def _bomb() -> bytes:
    raw = zipfile.ZipInfo("content.xml")
    raw.compress_type = zipfile.ZIP_DEFLATED
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("mimetype", MIMETYPE, compress_type=zipfile.ZIP_STORED)
        zf.writestr(raw, b"<a>" + b" " * (40 * 1024 * 1024) + b"</a>")
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "make", "says"), [
    ("makro.odt", lambda c: package(c, extra={"Basic/Standard/Module1.xml": b"<x/>"}),
     "contains macros (Basic/ or Scripts/); ask the reviewer to save it again as .odt without macros"),
    ("skript.odt", lambda c: package(c, extra={"Scripts/python/x.py": b"print(1)"}), "contains macros"),
    ("geheim.odt", lambda c: package(c, manifest=(
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
        '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x"/>'
        '</manifest:file-entry></manifest:manifest>')), "is password-protected"),
    ("tabelle.odt", lambda c: zip_parts({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                                         "content.xml": b"<x/>"}),
     "is a spreadsheet (.ods), not a text document"),
    ("xxe.odt", lambda c: package('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM '
                                  '"file:///etc/passwd">]>' + c), "declares a DOCTYPE or entities"),
    ("bombe.odt", lambda c: _bomb(), "(zip bomb?)"),
    ("kaputt.odt", lambda c: package(c)[:-200], "the zip package is damaged"),
])
def test_hostile_odt_refused_in_one_line(position_round: Workspace, capsys, name: str, make,
                                        says: str) -> None:
    path = position_round.root / name
    path.write_bytes(make(reviewer_odt(position_round, {})))
    assert says in refused(position_round, capsys, path)


@pytest.mark.parametrize(("name", "data", "says"), [
    ("alt.rtf", b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}} Hallo}",
     "is an RTF file, which keeps no reliable comments or tracked changes; open it in Word or "
     "LibreOffice and save it as .docx (Word) or .odt (LibreOffice), then collect that file"),
    ("word2003.xml", b'<?xml version="1.0"?><?mso-application progid="Word.Document"?><w:wordDocument '
     b'xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml"/>',
     "is a Word 2003 XML document; open it in Word or LibreOffice and save it as .docx (Word) or .odt"),
    ("flach.xml", b'<?xml version="1.0"?><pkg:package xmlns:pkg="http://schemas.microsoft.com/office/'
     b'2006/xmlPackage"/>', "is a Word XML document (Word 2007 XML, one file)"),
    ("flach.fodt", b'<?xml version="1.0"?><office:document xmlns:office="urn:oasis:names:tc:'
     b'opendocument:xmlns:office:1.0" office:mimetype="application/vnd.oasis.opendocument.text"/>',
     "is a flat OpenDocument text (.fodt); open it in LibreOffice and save it as .odt"),
    ("seite.htm", b"<!DOCTYPE html><html><body>Hallo</body></html>", "is a web page (HTML)"),
    ("alt.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
     "is an old Word file (.doc); open it in Word or LibreOffice and save it as .docx (Word) or .odt"),
])
def test_formats_papier_does_not_read_say_how_to_save(position_round: Workspace, capsys, name: str,
                                                      data: bytes, says: str) -> None:
    path = position_round.root / name
    path.write_bytes(data)
    assert says in refused(position_round, capsys, path)


def test_a_deleted_insertion_and_text_in_a_shape(position_round: Workspace, capsys) -> None:
    """LibreOffice writes another reviewer's deletion of an insertion as one changed region
    with both: the insertion and the deletion are both items. A drawing shape with text
    inside a paragraph is a story of its own; the paragraph goes on after it."""
    blocks = anchors(position_round)
    para = next(k for k, a in blocks.items() if "Kinder wachsen nicht in Zuständigkeiten" in a["text"])
    changes = (f'<text:changed-region text:id="ct9"><text:insertion>'
               f'{change_info("Maria Beispiel", "2026-11-20T12:00:00")}</text:insertion>'
               f'<text:deletion>{change_info("Jonas Muster", "2026-11-20T13:00:00")}'
               f'<text:p>ganz </text:p></text:deletion></text:changed-region>')
    shape = ('<draw:custom-shape xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0">'
             '<text:p>Im Kasten<office:annotation><dc:creator>Kai Muster</dc:creator>'
             '<dc:date>2026-11-20T11:00:00</dc:date><text:p>Kasten weg?</text:p>'
             '</office:annotation></text:p></draw:custom-shape>')
    content = reviewer_odt(position_round, {para: [
        ("nicht in Zuständigkeiten", f'nicht <text:change text:change-id="ct9"/>in{shape} Zuständigkeiten')]},
        changes)
    path = position_round.root / "zurueck.odt"
    path.write_bytes(package(content))
    found, _ = collected(position_round, path, capsys)
    kinds = sorted((e["kind"], e["author"], e["text"] or e.get("deleted", "")) for e in found)
    assert kinds == [("comment", "Kai Muster", "Kasten weg?"), ("deletion", "Jonas Muster", "ganz "),
                     ("insertion", "Maria Beispiel", "ganz ")], kinds
    assert next(e for e in found if e["kind"] == "deletion").get("nested")
