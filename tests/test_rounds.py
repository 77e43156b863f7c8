"""Comment rounds end to end: reviewer copies, real Word/LibreOffice files back, decisions."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from conftest import POSITION, REPO
from papier import yamlio
from papier.cli import main
from papier.ooxml.reader import read_docx
from papier.workspace import Workspace
from readback import W, docx_part, docx_text, paragraphs
from roundkit import REVIEWERS, draft, items, open_round, zip_parts

pytestmark = pytest.mark.slow  # opens comment rounds through the CLI, runs LibreOffice

FIXTURES = REPO / "tests" / "fixtures" / "word"  # copies of the real reviewer files, see its LICENSES.md


@pytest.fixture
def opened(workspace: Workspace, capsys) -> Workspace:
    open_round(workspace)
    capsys.readouterr()
    return workspace


# ------------------------------------------------------------------ open


def test_open_writes_record_and_sets_status(opened: Workspace) -> None:
    paper_yaml = (opened.papers_dir / POSITION / "paper.yaml").read_text("utf-8")
    assert "status: kommentierung" in paper_yaml
    assert paper_yaml.startswith("# yaml-language-server")  # comments survive
    assert "# Die Kernforderungen stehen als Kasten" in paper_yaml
    record, _ = yamlio.load(opened.papers_dir / POSITION / "rounds" / "1" / "round.yaml")
    assert record["number"] == 1 and record["state"] == "open" and record["version"] == "0.1.0"
    assert len(record["commit"]) == 40
    assert str(record["deadline"]) == "2026-12-12"
    assert [r["id"] for r in record["reviewers"]] == ["bmfsfj", "stadt-ludwigsburg"]


def test_reviewer_copy(opened: Workspace) -> None:
    path = draft(opened)
    header = docx_text(path, "word/header1.xml")
    assert header == "Entwurf – Kommentierungsrunde 1 – Frist: 12. Dezember 2026"
    texts = [t for _, t in paragraphs(path)]
    assert texts[0] == "Hinweise zur Kommentierung (Runde 1)"
    assert any("Barbara Blum (barbara.blum@dkjs.de)" in t and "12. Dezember 2026" in t for t in texts)
    settings = docx_part(path, "word/settings.xml")
    assert settings.find(f"{W}trackRevisions") is not None
    protection = settings.find(f"{W}documentProtection")
    assert protection.get(f"{W}edit") == "trackedChanges" and protection.get(f"{W}enforcement") == "1"
    assert settings.find(f"{W}doNotTrackMoves") is None
    document = docx_part(path, "word/document.xml")
    assert document.find(f".//{W}sectPr/{W}lnNumType") is not None
    names = {b.get(f"{W}name") for b in document.iter(f"{W}bookmarkStart")}
    blocks = {n for n in names if n.startswith("blk-")}
    import json

    anchors = json.loads((opened.papers_dir / POSITION / "rounds" / "1" / "anchors.json").read_text())
    assert blocks <= set(anchors) and len(blocks) >= 45  # paragraphs, headings, list items, cells
    table = document.find(f".//{W}tbl")
    cell_marks = {b.get(f"{W}name") for b in table.iter(f"{W}bookmarkStart")}
    assert len([n for n in cell_marks if n.startswith("blk-")]) >= 18  # every cell of the table
    reading = read_docx(path)
    import git

    head = git.Repo(opened.root).head.commit.hexsha  # 40 hex digits: the commit the copy was built from
    assert reading.properties == {"papier.paper": POSITION, "papier.round": "1",
                                  "papier.reviewer": "bmfsfj", "papier.version": "0.1.0",
                                  "papier.commit": head}
    texts = [p.original for p in reading.paragraphs]
    body = reading.paragraphs[texts.index("1 Ausgangslage"): texts.index("Literatur")]
    assert body and all(p.block for p in body if p.original.strip()), "every body paragraph has a block"


def test_second_round_while_open_is_refused(opened: Workspace, capsys) -> None:
    assert main(["round", "open", POSITION, "--reviewers", "reviewers.yaml"]) == 2
    assert "round 1 is still open" in capsys.readouterr().err


def test_bad_reviewers_file(workspace: Workspace, capsys) -> None:
    (workspace.root / "r.yaml").write_text("- id: Bad Id\n  name: X\n", "utf-8")
    assert main(["round", "open", POSITION, "--reviewers", "r.yaml"]) == 2
    err = capsys.readouterr().err
    assert "r.yaml:1: reviewer is missing organisation, email" in err
    assert not (workspace.papers_dir / POSITION / "rounds").exists()


# ------------------------------------------------------------------ collect: real files


def test_collect_word_and_libreoffice_fixtures(opened: Workspace, capsys) -> None:
    files = sorted(str(p) for p in FIXTURES.glob("*.docx"))
    assert len(files) == 5
    assert main(["round", "collect", POSITION, *files, "--reviewer", "bmfsfj"]) == 0
    found = items(opened)
    kinds = [e["kind"] for e in found]
    assert kinds.count("comment") == 5  # four threads in comments.docx + one from LibreOffice
    assert kinds.count("move") == 1
    assert [e["id"] for e in found] == [f"R1-{i:03d}" for i in range(1, len(found) + 1)]
    by_text = {e["text"]: e for e in found}
    thread = by_text["Do something."]
    assert [r["text"] for r in thread["replies"]] == ["Do something else."]
    assert by_text["This one has multiple paragraphs.\n\nSee?"]["anchor"]["quote"] == "more"
    assert by_text["A comment across paragraphs."]["anchor"]["quote"] == "a new paragraph. And so"
    libre = by_text["Welche Länder sind gemeint?"]
    assert libre["date"] is None and libre["author"] == "Referat Familie NRW"
    assert by_text[" Sie stärken Familien im Sozialraum."]["kind"] == "insertion"
    deletions = [e for e in found if e["kind"] == "deletion"]
    assert {e["deleted"] for e in deletions} == {"Familienzentren ", "n excessively modified"}
    assert by_text["two exciting "]["anchor"]["before"] == "This is a text with "
    for entry in found:  # nothing of the fixtures belongs to this paper: kept, marked unanchored
        assert entry["anchor"]["method"] == "none" and entry["decision"] == "offen"
        assert (opened.papers_dir / POSITION / entry["source"]["file"]).is_file()


def test_collect_twice_changes_nothing(opened: Workspace, capsys) -> None:
    files = [str(FIXTURES / "comments.docx")]
    assert main(["round", "collect", POSITION, *files, "--reviewer", "bmfsfj"]) == 0
    before = (opened.papers_dir / POSITION / "rounds" / "1" / "comments.yaml").read_bytes()
    assert main(["round", "collect", POSITION, *files, "--reviewer", "bmfsfj"]) == 0
    assert "already collected" in capsys.readouterr().out
    after = (opened.papers_dir / POSITION / "rounds" / "1" / "comments.yaml").read_bytes()
    assert before == after


def test_libreoffice_fixture_anchors_by_bookmark(tmp_path: Path, monkeypatch, capsys) -> None:
    """The fixture's source Markdown as a paper: blk- bookmarks lead back to file:line."""
    from conftest import make_workspace

    ws = make_workspace(tmp_path / "ws", papers=(POSITION,))
    monkeypatch.chdir(ws.root)
    text_dir = ws.papers_dir / POSITION / "text"
    for old in text_dir.iterdir():
        old.unlink()
    (text_dir / "01-ausgangslage.md").write_text(
        (FIXTURES / "libreoffice_reviewed.source.md").read_text("utf-8"), "utf-8")
    (ws.root / "reviewers.yaml").write_text(REVIEWERS.replace("bmfsfj", "nrw"), "utf-8")
    assert main(["round", "open", POSITION, "--reviewers", "reviewers.yaml"]) == 0
    assert main(["round", "collect", POSITION, str(FIXTURES / "libreoffice_reviewed.docx"),
                 "--reviewer", "nrw"]) == 0
    found = items(ws)
    comment = next(e for e in found if e["kind"] == "comment")
    assert comment["anchor"]["file"] == "text/01-ausgangslage.md"
    assert comment["anchor"]["line"] == 8 and comment["anchor"]["section"] == "1 Ausgangslage"
    deletion = next(e for e in found if e["kind"] == "deletion")
    assert deletion["anchor"]["line"] == 4


# ------------------------------------------------------------------ collect: bad input


def _docx_with(path: Path, replace: dict[str, bytes]) -> bytes:
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts.update(replace)
    return zip_parts(parts)


def _bad_files(ws: Workspace) -> dict[str, tuple[bytes, str]]:
    good = draft(ws)
    doc_xml = zipfile.ZipFile(good).read("word/document.xml")
    types = zipfile.ZipFile(good).read("[Content_Types].xml")
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500
    return {
        "text.docx": (b"Dies ist keine Word-Datei.", "is not a file papier reads; ask the reviewer for a "
                      ".docx, .odt or annotated .pdf file"),
        "archive.docx": (zip_parts({"a.txt": b"hallo"}), "is a zip file but not a Word document"),
        "alt.doc": (ole + "WordDocument".encode("utf-16-le"), "is an old Word file (.doc)"),
        "geheim.docx": (ole + "EncryptionInfo".encode("utf-16-le"), "is password-protected"),
        "makro.docm": (_docx_with(good, {
            "[Content_Types].xml": types.replace(
                b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                b"application/vnd.ms-word.document.macroEnabled.main+xml")}),
            "macro-enabled document (.docm)"),
        "bombe.docx": (_docx_with(good, {"word/document.xml": b"<a>" + b" " * (70 * 1024 * 1024) + b"</a>"}),
                       "implausibly large"),
        "xxe.docx": (_docx_with(good, {"word/document.xml": b'<?xml version="1.0"?>\n<!DOCTYPE x '
                                       b'[<!ENTITY e SYSTEM "file:///etc/passwd">]>' + doc_xml[38:]}),
                     "declares a DOCTYPE or entities"),
        "lachen.docx": (_docx_with(good, {"word/document.xml": b'<!DOCTYPE l [<!ENTITY a "ha">'
                                          b'<!ENTITY b "&a;&a;&a;">]><l>&b;</l>'}),
                        "declares a DOCTYPE or entities"),
    }


def test_bad_files_each_get_one_clear_line(opened: Workspace, capsys) -> None:
    bad = _bad_files(opened)
    paths = []
    for name, (data, _message) in bad.items():
        path = opened.root / name
        path.write_bytes(data)
        paths.append(str(path))
    good = str(FIXTURES / "track_changes_insertion.docx")
    code = main(["round", "collect", POSITION, *paths, good, "--reviewer", "bmfsfj"])
    out = capsys.readouterr()
    assert code == 1
    errors = [line for line in out.err.splitlines() if line.startswith("FAILED")]
    assert len(errors) == len(bad)
    for name, (_data, message) in bad.items():
        line = next(e for e in errors if f"/{name}:" in e)
        assert message in line
    assert [e["kind"] for e in items(opened)] == ["insertion"]  # the good file still counts
    returned = sorted(p.name for p in (opened.papers_dir / POSITION / "rounds" / "1" / "returned").iterdir())
    assert len(returned) == 1


def test_file_from_another_paper_or_round(opened: Workspace, capsys) -> None:
    from papier.ooxml import edit as ooxml

    other = opened.root / "andere.docx"
    other.write_bytes(draft(opened).read_bytes())
    ooxml.set_custom_properties(other, {"papier.paper": "ein-anderes-papier", "papier.round": "1",
                                        "papier.reviewer": "bmfsfj"})
    late = opened.root / "alt.docx"
    late.write_bytes(draft(opened).read_bytes())
    ooxml.set_custom_properties(late, {"papier.paper": POSITION, "papier.round": "7",
                                       "papier.reviewer": "bmfsfj"})
    assert main(["round", "collect", POSITION, str(other), str(late)]) == 1
    err = capsys.readouterr().err
    assert "draft of paper 'ein-anderes-papier'" in err and "sent in round 7" in err
    assert items(opened) == []


def test_unknown_reviewer(opened: Workspace, capsys) -> None:
    assert main(["round", "collect", POSITION, str(FIXTURES / "comments.docx"),
                 "--reviewer", "niemand"]) == 1
    assert "reviewer 'niemand' is not in round 1" in capsys.readouterr().err
    assert main(["round", "collect", POSITION, str(FIXTURES / "comments.docx")]) == 1
    assert "cannot tell who returned this file" in capsys.readouterr().err


# ------------------------------------------------------------------ decide, matrix, apply, close


def _edit_draft(ws: Workspace, reviewer: str) -> Path:
    """A reviewer's edits written as Word writes them (w:ins, w:del, a comment) into our copy."""
    from lxml import etree

    path = draft(ws, reviewer)
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    target = None
    for p in root.iter(f"{W}p"):
        text = "".join(t.text or "" for t in p.iter(f"{W}t"))
        if text.startswith("Kinder wachsen nicht in Zuständigkeiten auf"):
            target = p
            break
    assert target is not None
    run = next(r for r in target.iter(f"{W}r") if any("Zuständigkeiten" in (t.text or "")
                                                        for t in r.iter(f"{W}t")))
    t = run.find(f"{W}t")
    head, tail = t.text.split("Zuständigkeiten", 1)
    t.text = head
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    dele = etree.SubElement(run.getparent(), f"{W}del", {f"{W}id": "901", f"{W}author": "Jonas Muster",
                                                        f"{W}date": "2026-11-30T10:00:00Z"})
    dr = etree.SubElement(dele, f"{W}r")
    etree.SubElement(dr, f"{W}delText").text = "Zuständigkeiten"
    ins = etree.SubElement(run.getparent(), f"{W}ins", {f"{W}id": "902", f"{W}author": "Jonas Muster",
                                                       f"{W}date": "2026-11-30T10:00:00Z"})
    ir = etree.SubElement(ins, f"{W}r")
    etree.SubElement(ir, f"{W}t").text = "Verwaltungsgrenzen"
    rest = etree.SubElement(run.getparent(), f"{W}r")
    tt = etree.SubElement(rest, f"{W}t")
    tt.text = tail
    tt.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    parent = run.getparent()
    for el in (dele, ins, rest):
        parent.remove(el)
    index = parent.index(run)
    for offset, el in enumerate((dele, ins, rest), 1):
        parent.insert(index + offset, el)
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    out = ws.root / f"zurueck-{reviewer}.docx"
    out.write_bytes(zip_parts(parts))
    return out


def test_decide_matrix_apply_close(opened: Workspace, capsys) -> None:
    returned = _edit_draft(opened, "stadt-ludwigsburg")
    assert main(["round", "collect", POSITION, str(returned)]) == 0  # reviewer from the properties
    [entry] = items(opened)
    assert entry["kind"] == "replacement" and entry["reviewer"] == "stadt-ludwigsburg"
    assert entry["deleted"] == "Zuständigkeiten" and entry["text"] == "Verwaltungsgrenzen"
    assert entry["anchor"]["method"] == "bookmark"
    assert entry["anchor"]["file"] == "text/01-ausgangslage.md" and entry["anchor"]["line"] == 3
    assert entry["anchor"]["section"] == "1 Ausgangslage"

    assert main(["round", "close", POSITION]) == 2
    assert "R1-001" in capsys.readouterr().err
    assert main(["round", "decide", POSITION, "R1-001", "--accept", "--response", "Präziser."]) == 0
    capsys.readouterr()
    assert main(["round", "matrix", POSITION, "--to", "md", "--anonymize"]) == 0
    matrix = Path(capsys.readouterr().out.strip()).read_text("utf-8")
    assert "| R1-001 | 1 Ausgangslage<br>text/01-ausgangslage.md:3 |" in matrix
    assert "Stelle B" in matrix and "Ludwigsburg" not in matrix.split("|---|")[-1]
    assert "Ersetzen: „Zuständigkeiten“ durch „Verwaltungsgrenzen“ | übernommen | Präziser. |" in matrix

    chapter = opened.papers_dir / POSITION / "text" / "01-ausgangslage.md"
    before = chapter.read_text("utf-8")
    assert main(["round", "apply", POSITION]) == 0
    after = chapter.read_text("utf-8")
    assert after == before.replace("Kinder wachsen nicht in Zuständigkeiten auf",
                                   "Kinder wachsen nicht in Verwaltungsgrenzen auf")
    assert main(["round", "apply", POSITION]) == 0  # nothing left: changes nothing
    assert chapter.read_text("utf-8") == after
    capsys.readouterr()
    assert main(["round", "close", POSITION]) == 0
    assert "status: entwurf" in (opened.papers_dir / POSITION / "paper.yaml").read_text("utf-8")


def test_apply_refuses_edited_source(opened: Workspace, capsys) -> None:
    returned = _edit_draft(opened, "bmfsfj")
    assert main(["round", "collect", POSITION, str(returned)]) == 0
    assert main(["round", "decide", POSITION, "R1-001", "--accept"]) == 0
    chapter = opened.papers_dir / POSITION / "text" / "01-ausgangslage.md"
    edited = chapter.read_text("utf-8").replace("Kinder wachsen nicht", "Kinder wachsen eben nicht")
    chapter.write_text(edited, "utf-8")
    capsys.readouterr()
    assert main(["round", "apply", POSITION]) == 1
    err = capsys.readouterr().err
    assert "refused R1-001" in err and "text/01-ausgangslage.md:3: the text was edited since" in err
    assert chapter.read_text("utf-8") == edited


def test_check_validates_hand_edits(opened: Workspace, capsys) -> None:
    assert main(["round", "collect", POSITION, str(FIXTURES / "comments.docx"), "--reviewer", "bmfsfj"]) == 0
    path = opened.papers_dir / POSITION / "rounds" / "1" / "comments.yaml"
    path.write_text(path.read_text("utf-8").replace("decision: offen", "decision: vielleicht", 1), "utf-8")
    capsys.readouterr()
    assert main(["check", POSITION]) == 1
    out = capsys.readouterr().out
    assert "rounds/1/comments.yaml:" in out and "decision 'vielleicht' is not one of" in out


def test_status_json(opened: Workspace, capsys) -> None:
    assert main(["round", "collect", POSITION, str(FIXTURES / "comments.docx"), "--reviewer", "bmfsfj"]) == 0
    capsys.readouterr()
    assert main(["round", "status", POSITION, "--json"]) == 0
    import json

    info = json.loads(capsys.readouterr().out)
    assert info["items"] == 4 and info["by_kind"] == {"comment": 4}
    assert [r["answered"] for r in info["reviewers"]] == [True, False]
    assert info["open"] == ["R1-001", "R1-002", "R1-003", "R1-004"]


def test_matrix_formats(opened: Workspace, capsys) -> None:
    from openpyxl import load_workbook

    assert main(["round", "collect", POSITION, str(FIXTURES / "comments.docx"), "--reviewer", "bmfsfj"]) == 0
    capsys.readouterr()
    for fmt in ("xlsx", "docx", "csv"):
        assert main(["round", "matrix", POSITION, "--to", fmt]) == 0
    folder = opened.papers_dir / POSITION / "rounds" / "1"
    book = load_workbook(folder / "kommentarmatrix-runde-1.xlsx")
    sheet = book.active
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    assert sheet["A1"].value == "Nr." and sheet["E5"].value.startswith("Do something.\n↳ Jesse")
    document = docx_part(folder / "kommentarmatrix-runde-1.docx", "word/document.xml")
    assert document.find(f".//{W}pgSz").get(f"{W}orient") == "landscape"
    assert document.find(f".//{W}tr/{W}trPr/{W}tblHeader") is not None
    csv_text = (folder / "kommentarmatrix-runde-1.csv").read_text("utf-8-sig")
    assert csv_text.startswith("Nr.;Kapitel / Zeile;Stelle;")


# ------------------------------------------------------------------ a real word processor


def _add_comment(path: Path, starts_with: str, text: str) -> None:
    """A comment on the first words of a paragraph, as Word writes it (range + reference)."""
    from lxml import etree

    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    target = next(p for p in root.iter(f"{W}p")
                  if "".join(t.text or "" for t in p.iter(f"{W}t")).startswith(starts_with))
    first_run = next(target.iter(f"{W}r"))
    first_run.addprevious(etree.Element(f"{W}commentRangeStart", {f"{W}id": "77"}))
    first_run.addnext(etree.Element(f"{W}commentRangeEnd", {f"{W}id": "77"}))
    ref = etree.SubElement(target, f"{W}r")
    etree.SubElement(ref, f"{W}commentReference", {f"{W}id": "77"})
    comments = etree.fromstring(parts["word/comments.xml"])
    comment = etree.SubElement(comments, f"{W}comment", {
        f"{W}id": "77", f"{W}author": "Jonas Muster", f"{W}date": "2026-11-30T11:00:00Z",
        f"{W}initials": "JM"})
    etree.SubElement(etree.SubElement(etree.SubElement(comment, f"{W}p"), f"{W}r"), f"{W}t").text = text
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    parts["word/comments.xml"] = etree.tostring(comments, xml_declaration=True, encoding="UTF-8")
    path.write_bytes(zip_parts(parts))


def test_libreoffice_roundtrip(opened: Workspace, tmp_path: Path, capsys) -> None:
    """The reviewer copy, edited, opened and saved again by LibreOffice (which rewrites
    bookmarks, comments and revisions its own way), still collects to the right lines."""
    import os
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is missing on CI: .ci/run installs libreoffice-writer-nogui")
        pytest.skip("LibreOffice (soffice) is not installed on this machine")
    edited = _edit_draft(opened, "stadt-ludwigsburg")
    _add_comment(edited, "Dieser Handlungsansatz ist in Deutschland", "Welche Länder genau?")
    outdir = tmp_path / "libreoffice"
    run = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
         "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(outdir), str(edited)],
        capture_output=True, text=True, timeout=180, check=False)
    saved = outdir / edited.name
    assert saved.is_file(), run.stderr
    assert zipfile.ZipFile(saved).read("word/document.xml") != zipfile.ZipFile(edited).read(
        "word/document.xml"), "LibreOffice wrote the file anew"
    assert main(["round", "collect", POSITION, str(saved)]) == 0
    found = {e["kind"]: e for e in items(opened)}
    assert set(found) == {"replacement", "comment"}
    replacement, comment = found["replacement"], found["comment"]
    assert replacement["reviewer"] == "stadt-ludwigsburg"  # custom properties survived
    assert (replacement["deleted"], replacement["text"]) == ("Zuständigkeiten", "Verwaltungsgrenzen")
    assert replacement["anchor"]["method"] == "bookmark"
    assert (replacement["anchor"]["file"], replacement["anchor"]["line"]) == ("text/01-ausgangslage.md", 3)
    assert comment["text"] == "Welche Länder genau?" and comment["author"] == "Jonas Muster"
    assert comment["anchor"]["method"] == "bookmark"
    assert comment["anchor"]["line"] == 11 and comment["anchor"]["section"] == "1 Ausgangslage"


# ------------------------------------------------------------------ more of what Word writes


def _rewrite(path: Path, out: Path, edit) -> Path:
    from lxml import etree

    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    edit(root, parts)
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    out.write_bytes(zip_parts(parts))
    return out


def _paragraph(root, starts_with: str):
    return next(p for p in root.iter(f"{W}p")
                if "".join(t.text or "" for t in p.iter(f"{W}t")).startswith(starts_with))


def test_copy_without_bookmarks_is_anchored_by_text(opened: Workspace, capsys) -> None:
    """A reviewer pasted the text into a new file: no bookmarks, no properties."""
    edited = _edit_draft(opened, "bmfsfj")

    def strip(root, parts) -> None:
        for tag in ("bookmarkStart", "bookmarkEnd"):
            for el in list(root.iter(f"{W}{tag}")):
                el.getparent().remove(el)
        parts.pop("docProps/custom.xml")

    copy = _rewrite(edited, opened.root / "kopie-bmfsfj.docx", strip)
    assert main(["round", "collect", POSITION, str(copy)]) == 0  # reviewer from the file name
    [entry] = items(opened)
    assert entry["reviewer"] == "bmfsfj" and entry["anchor"]["method"] == "text"
    assert (entry["anchor"]["file"], entry["anchor"]["line"]) == ("text/01-ausgangslage.md", 3)


def test_whole_paragraph_insertion_and_deletion(opened: Workspace, capsys) -> None:
    from lxml import etree

    def edit(root, parts) -> None:
        rev = {f"{W}id": "501", f"{W}author": "Maria Beispiel", f"{W}date": "2026-12-01T08:00:00Z"}
        gone = _paragraph(root, "Gerade Familien, die von klassischen")
        ppr = gone.find(f"{W}pPr")
        etree.SubElement(etree.SubElement(ppr, f"{W}rPr"), f"{W}del", rev)
        for run in list(gone.findall(f"{W}r")):
            wrapper = etree.Element(f"{W}del", rev)
            run.addprevious(wrapper)
            wrapper.append(run)
            for t in run.findall(f"{W}t"):
                t.tag = f"{W}delText"
        anchor = _paragraph(root, "Die Chancen eines Kindes")
        new = etree.Element(f"{W}p")
        etree.SubElement(etree.SubElement(etree.SubElement(new, f"{W}pPr"), f"{W}rPr"), f"{W}ins", rev)
        ins = etree.SubElement(new, f"{W}ins", rev)
        etree.SubElement(etree.SubElement(ins, f"{W}r"), f"{W}t").text = "Ein neuer Absatz zur Sprache."
        anchor.addnext(new)

    returned = _rewrite(draft(opened), opened.root / "absatz.docx", edit)
    assert main(["round", "collect", POSITION, str(returned)]) == 0
    found = {e["kind"]: e for e in items(opened)}
    deletion, insertion = found["deletion"], found["insertion"]
    assert deletion["anchor"]["paragraph"] is True and deletion["deleted"].startswith("Gerade Familien")
    assert deletion["anchor"]["line"] == 12
    assert insertion["anchor"]["paragraph"] is True
    assert insertion["text"] == "Ein neuer Absatz zur Sprache."
    for ident in (deletion["id"], insertion["id"]):
        assert main(["round", "decide", POSITION, ident, "--accept"]) == 0
    assert main(["round", "apply", POSITION]) == 0
    chapter = (opened.papers_dir / POSITION / "text" / "02-was-familienzentren-leisten.md").read_text()
    assert "Gerade Familien, die von klassischen" not in chapter
    assert "Ein neuer Absatz zur Sprache." in chapter
    assert "zu müssen.\n\n## Bildungsgerechtigkeit" in chapter  # no stray blank lines
    assert "im Stadtteil.\n\nEin neuer Absatz zur Sprache.\n\n## Knotenpunkt im Sozialraum" in chapter


def test_resolved_unranged_and_revised_file(opened: Workspace, tmp_path: Path, capsys) -> None:
    import shutil

    """Word's resolved flag, a comment without a range, and a later file adding a reply."""
    source = FIXTURES / "comments.docx"

    def resolve(root, parts) -> None:
        parts["word/commentsExtended.xml"] = parts["word/commentsExtended.xml"].replace(
            b'w15:paraId="49E49F95" w15:done="0"', b'w15:paraId="49E49F95" w15:done="1"')
        for tag in ("commentRangeStart", "commentRangeEnd"):
            for el in list(root.iter(f"{W}{tag}")):
                if el.get(f"{W}id") == "2":
                    el.getparent().remove(el)

    first = _rewrite(source, tmp_path / "erste.docx", lambda root, parts: None)
    assert main(["round", "collect", POSITION, str(first), "--reviewer", "bmfsfj"]) == 0
    assert len(items(opened)) == 4
    revised = _rewrite(source, tmp_path / "zweite.docx", resolve)
    capsys.readouterr()
    assert main(["round", "collect", POSITION, str(revised), "--reviewer", "bmfsfj"]) == 0
    out = capsys.readouterr().out
    found = items(opened)
    by_text = {e["text"]: e for e in found}
    assert by_text["I left a comment."]["resolved"] is True
    assert "1 thread(s)" in out
    [unranged] = [e for e in found if e["text"] == "This one has multiple paragraphs.\n\nSee?"]
    assert unranged["anchor"]["quote"] == "more"  # the same comment: recorded once, unchanged
    assert len(found) == 4
    round_folder = opened.papers_dir / POSITION / "rounds" / "1"
    (round_folder / "comments.yaml").unlink()  # start over: the comment only ever came unranged
    shutil.rmtree(round_folder / "returned")
    assert main(["round", "collect", POSITION, str(revised), "--reviewer", "bmfsfj"]) == 0
    [alone] = [e for e in items(opened) if e["text"].startswith("This one has")]
    assert alone["anchor"]["quote"] == "One more. And this is one with a comment in a comment."


def _uno_python() -> str | None:
    import os
    import subprocess

    for candidate in ("/usr/bin/python3", "/usr/local/bin/python3"):
        if os.path.exists(candidate) and subprocess.run(
                [candidate, "-c", "import uno"], capture_output=True, check=False).returncode == 0:
            return candidate
    return None


def test_libreoffice_makes_the_tracked_changes(opened: Workspace, tmp_path: Path, capsys) -> None:
    """LibreOffice itself edits the reviewer copy with change tracking (through UNO).

    Headless UNO will not load a file whose tracked changes are protected, so the test
    lifts the protection first, as a reviewer's 'Edit › Track Changes › Protect' would."""
    import os
    import re
    import subprocess

    python = _uno_python()
    if python is None:
        if os.environ.get("CI"):
            pytest.fail("python3-uno is missing on CI: .ci/run installs it")
        pytest.skip("Debian's python3-uno is not installed on this machine")

    def unprotect(root, parts) -> None:
        parts["word/settings.xml"] = re.sub(rb"<w:documentProtection[^>]*/>", b"",
                                            parts["word/settings.xml"])

    copy = _rewrite(draft(opened, "stadt-ludwigsburg"), tmp_path / "kopie.docx", unprotect)
    saved = tmp_path / "zurueck.docx"
    script = Path(__file__).parent / "libreoffice" / "review.py"
    run = subprocess.run([python, str(script), str(copy), str(saved)], capture_output=True,
                         text=True, timeout=300, check=False)
    assert run.returncode == 0 and saved.is_file(), run.stderr[-2000:]
    assert main(["round", "collect", POSITION, str(saved)]) == 0
    found = items(opened)
    assert sorted(e["kind"] for e in found) == ["deletion", "replacement"]
    by_kind = {e["kind"]: e for e in found}
    replacement, deletion = by_kind["replacement"], by_kind["deletion"]
    assert (replacement["deleted"], replacement["text"]) == ("Zuständigkeiten", "Verwaltungsgrenzen")
    assert replacement["reviewer"] == "stadt-ludwigsburg" and replacement["anchor"]["method"] == "bookmark"
    assert replacement["anchor"]["line"] == 3
    assert deletion["deleted"] == "längst " and deletion["anchor"]["line"] == 11
    for entry in found:
        assert main(["round", "decide", POSITION, entry["id"], "--accept"]) == 0
    assert main(["round", "apply", POSITION]) == 0
    text = (opened.papers_dir / POSITION / "text" / "01-ausgangslage.md").read_text("utf-8")
    assert "nicht in Verwaltungsgrenzen auf" in text and "ist in Deutschland keine Ausnahme" in text


def test_list_items_carry_their_own_bookmark(workspace: Workspace, capsys) -> None:
    from conftest import ANALYSIS

    (workspace.root / "reviewers.yaml").write_text(REVIEWERS, "utf-8")
    assert main(["round", "open", ANALYSIS, "--reviewers", "reviewers.yaml"]) == 0
    path = workspace.build_dir / ANALYSIS / "runde-1" / f"{ANALYSIS}-v0.1.0-bmfsfj.docx"
    reading = read_docx(path)
    items_ = [p for p in reading.paragraphs if p.original.startswith(("Bildung und Betreuung der",
                                                                       "Beratung und Unterstützung der"))]
    assert len(items_) == 2 and items_[0].block != items_[1].block
    import json

    anchors = json.loads((workspace.papers_dir / ANALYSIS / "rounds" / "1" / "anchors.json").read_text())
    assert [anchors[p.block]["line"] for p in items_] == [9, 11]
    assert anchors[items_[0].block]["file"] == "text/02-handlungsfelder.md"
