"""papier diff: redlines with real tracked changes, the Synopse, HTML and Markdown."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import git
import pytest
from docx import Document

from conftest import ANALYSIS, POSITION, make_workspace
from papier.build import build, build_at
from papier.cli import main
from papier.redline import diff
from papier.versions import VersionError
from papier.workspace import Workspace
from readback import NS, W, body_texts, docx_part, resolve_changes

pytestmark = pytest.mark.slow  # builds two versions of a paper and runs LibreOffice

CHAPTER2 = f"papers/{POSITION}/text/02-was-familienzentren-leisten.md"
CHAPTER3 = f"papers/{POSITION}/text/03-forderungen.md"
MOVED = ("Die Arbeit eines Familienzentrums lässt sich nicht nebenbei erledigen. Koordination,\n"
         "Netzwerkarbeit und Elternangebote brauchen Zeit, Personal und Räume. Wir fordern eine\n"
         "Grundfinanzierung, die mindestens eine Koordinationsstelle, zusätzliche Leitungszeit und ein\n"
         "Budget für Angebote im Sozialraum sichert. Befristete Modellmittel können Neues anstoßen; sie\n"
         "ersetzen keine verlässliche Finanzierung.\n\n")
DELETED = ("Familienzentren leben von Fachkräften, die über den Gruppenalltag hinaus denken und\n"
           "Netzwerke knüpfen.")
NEW_PARAGRAPH = "Dieser Absatz ist neu: Er steht erst in der zweiten Fassung des Papiers."


def edit(ws: Workspace, rel: str, old: str, new: str) -> None:
    path = ws.root / rel
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def commit(ws: Workspace, message: str) -> git.Commit:
    repo = git.Repo(ws.root)
    repo.git.add(A=True)
    return repo.index.commit(message)


def tag(ws: Workspace, slug: str, version: str) -> None:
    git.Repo(ws.root).create_tag(f"{slug}/v{version}", message=f"{slug} {version}")


def edit_position(ws: Workspace) -> None:
    """A sentence edit, a heading change, an inserted, a deleted and a moved paragraph."""
    edit(ws, CHAPTER2, "Die Kita ist für Eltern ein Ort, den sie kennen und dem sie vertrauen.",
         "Die Kita ist für viele Eltern ein vertrauter Ort, den sie täglich erleben.")
    edit(ws, CHAPTER2, "## Bildungsgerechtigkeit von Anfang an", "## Bildungsgerechtigkeit ab dem ersten Tag")
    edit(ws, CHAPTER2, "## Knotenpunkt im Sozialraum", f"{NEW_PARAGRAPH}\n\n## Knotenpunkt im Sozialraum")
    edit(ws, CHAPTER3, MOVED, "")
    edit(ws, CHAPTER3, "## Fachkräfte stärken\n\n", f"## Fachkräfte stärken\n\n{MOVED}")
    path = ws.root / CHAPTER3
    text = path.read_text("utf-8")
    start = text.index(DELETED)
    end = text.index("\n\n", start) if "\n\n" in text[start:] else len(text)
    path.write_text(text[:start] + text[end:].lstrip("\n"), "utf-8")


@pytest.fixture(scope="module")
def position_redline(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """v0.1.0 tagged, then edited and committed; the redline and both versions built."""
    ws = make_workspace(tmp_path_factory.mktemp("redline") / "ws", papers=(POSITION,))
    tag(ws, POSITION, "0.1.0")
    edit_position(ws)
    commit(ws, "Zweite Fassung")
    out = diff(ws, POSITION, "0.1.0", "HEAD")
    old = build_at(ws, "0.1.0", [POSITION], ["docx"], out_dir=ws.root / "old")
    new = build(ws, [POSITION], ["docx"], out_dir=ws.root / "new")
    assert all(r.ok for r in old + new)
    return {"redline": out, "old": old[0].path, "new": new[0].path, "root": ws.root}  # type: ignore[dict-item]


def test_redline_marks_words_paragraphs_headings_and_moves(position_redline: dict[str, Path]) -> None:
    root = docx_part(position_redline["redline"], "word/document.xml")
    inserted = ["".join(t.text for t in e.iter(f"{W}t")) for e in root.iter(f"{W}ins")]
    deleted = ["".join(t.text for t in e.iter(f"{W}delText")) for e in root.iter(f"{W}del")]
    assert "viele " in inserted and any("täglich erleben" in s for s in inserted)
    assert any("kennen und dem sie vertrauen" in s for s in deleted)
    assert any("von Anfang an" in s for s in deleted) and any("ab dem ersten Tag" in s for s in inserted)
    # whole paragraphs: the paragraph mark is marked, so accepting removes the paragraph
    new_para = next(p for p in root.iter(f"{W}p") if NEW_PARAGRAPH in "".join(p.itertext()))
    assert new_para.find("w:pPr/w:rPr/w:ins", NS) is not None
    gone = next(p for p in root.iter(f"{W}p") if "Gruppenalltag hinaus" in "".join(p.itertext()))
    assert gone.find("w:pPr/w:rPr/w:del", NS) is not None
    # the moved paragraph is a move, with named ranges on both sides, and not an ins/del
    move_from = [e for e in root.iter(f"{W}moveFrom") if len(e)]
    move_to = [e for e in root.iter(f"{W}moveTo") if len(e)]
    assert any("nicht nebenbei erledigen" in "".join(e.itertext()) for e in move_from)
    assert any("nicht nebenbei erledigen" in "".join(e.itertext()) for e in move_to)
    names = {e.get(f"{W}name") for e in root.iter(f"{W}moveFromRangeStart")}
    assert names and names == {e.get(f"{W}name") for e in root.iter(f"{W}moveToRangeStart")}
    # author and date of the commit; every revision id once
    revisions = [e for tag in ("ins", "del", "moveFrom", "moveTo") for e in root.iter(f"{W}{tag}")]
    assert {e.get(f"{W}author") for e in revisions} == {"Test Autorin"}
    day = git.Repo(position_redline["root"]).head.commit.committed_datetime.astimezone(dt.UTC).date()
    assert {e.get(f"{W}date")[:10] for e in revisions} == {day.isoformat()}
    ids = [e.get(f"{W}id") for e in revisions]
    assert len(ids) == len(set(ids))


def test_accept_all_gives_new_and_reject_all_gives_old(position_redline: dict[str, Path]) -> None:
    redline = docx_part(position_redline["redline"], "word/document.xml")
    new = body_texts(docx_part(position_redline["new"], "word/document.xml"))
    old = body_texts(docx_part(position_redline["old"], "word/document.xml"))
    assert new != old
    assert body_texts(resolve_changes(redline, accept=True)) == new
    assert body_texts(resolve_changes(redline, accept=False)) == old


LIBREOFFICE_PY = "/usr/bin/python3"


@pytest.mark.skipif(not shutil.which("soffice") and not os.environ.get("CI"),
                    reason="LibreOffice is not installed here (CI installs it)")
def test_libreoffice_accepts_and_rejects_to_the_same_texts(position_redline: dict[str, Path],
                                                          tmp_path: Path) -> None:
    script = Path(__file__).parent / "libreoffice" / "resolve.py"
    texts = {}
    for mode in ("accept", "reject"):
        out = tmp_path / f"{mode}.txt"
        proc = subprocess.run([LIBREOFFICE_PY, str(script), str(position_redline["redline"]), mode,
                               str(out)], capture_output=True, text=True, timeout=180)
        assert proc.returncode == 0, proc.stderr
        texts[mode] = [t for t in out.read_text("utf-8").split("\n") if t.strip()]

    def plain(path: Path) -> list[str]:
        return [t.replace("\t", " ") for t in body_texts(docx_part(path, "word/document.xml"))]

    def norm(lines: list[str]) -> list[str]:
        return [" ".join(line.replace("\t", " ").split()) for line in lines]

    assert norm(texts["accept"]) == norm(plain(position_redline["new"]))
    assert norm(texts["reject"]) == norm(plain(position_redline["old"]))


def test_table_cells_and_list_items(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", papers=(ANALYSIS,))
    tag(ws, ANALYSIS, "0.1.0")
    rel = f"papers/{ANALYSIS}/analysis.yaml"  # the Potenzialmatrix is built from it
    edit(ws, rel, "    current: 3\n    potential: 4", "    current: 3\n    potential: 5")
    edit(ws, rel, "  - id: gesundheit", "  - name: Digitale Angebote\n    current: 1\n    potential: 3\n"
         "  - id: gesundheit")
    edit(ws, f"papers/{ANALYSIS}/text/05-hebel.md", "- **Verankerung:**",
         "- **Sichtbarkeit:** Gute Beispiele werden gesammelt und landesweit bekannt gemacht.\n"
         "- **Verankerung:**")
    out = diff(ws, ANALYSIS)  # FROM: the last tag, TO: the working tree
    root = docx_part(out, "word/document.xml")
    rows = list(root.iter(f"{W}tr"))
    changed = next(r for r in rows if "Familienbildung und Begegnung" in "".join(r.itertext()))
    cells = changed.findall("w:tc", NS)
    assert "".join(cells[2].find(".//w:del", NS).itertext()) == "4"
    assert "".join(cells[2].find(".//w:ins", NS).itertext()) == "5"
    assert "".join(cells[3].find(".//w:del", NS).itertext()) == "1"  # the Spielraum follows: +1 -> +2
    assert "".join(cells[3].find(".//w:ins", NS).itertext()) == "2"
    assert cells[0].find(".//w:ins", NS) is None
    pictures = {kind: [d.get("descr") for mark in root.iter(f"{W}{kind}") for d in mark.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
        for kind in ("del", "ins")}
    for kind in ("del", "ins"):  # the matrix chart was drawn again: old one out, new one in
        assert [d[:32] for d in pictures[kind]] == ["Balkendiagramm mit Beispieldaten"], pictures
    added = next(r for r in rows if "Digitale Angebote" in "".join(r.itertext()))
    assert added.find("w:trPr/w:ins", NS) is not None
    item = next(p for p in root.iter(f"{W}p") if "Sichtbarkeit:" in "".join(p.itertext()))
    assert item.find("w:pPr/w:numPr", NS) is not None
    assert item.find("w:pPr/w:rPr/w:ins", NS) is not None
    new = build(ws, [ANALYSIS], ["docx"], out_dir=ws.root / "new")[0].path
    assert new is not None
    assert body_texts(resolve_changes(root, accept=True)) == body_texts(docx_part(new, "word/document.xml"))


def test_synopse_html_and_markdown(position_redline: dict[str, Path], monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    ws_root = position_redline["root"]
    monkeypatch.chdir(ws_root)
    assert main(["diff", POSITION, "v0.1.0", "HEAD", "--synopse"]) == 0
    path = Path(capsys.readouterr().out.strip())
    assert path.name == f"{POSITION}-synopse-v0.1.0-{git.Repo(ws_root).head.commit.hexsha[:7]}.docx"
    document = Document(str(path))
    section = document.sections[0]
    assert section.page_width > section.page_height  # landscape
    table = document.tables[0]
    head = [c.text for c in table.rows[0].cells]
    assert head[0].startswith("Bisherige Fassung\nFassung 0.1.0 vom ")
    assert head[1].startswith("Neue Fassung\nStand vom ")  # a commit: no HEAD, no hash
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert ["Ausgangslage" in r[0] and "unverändert" in r[0] for r in rows].count(True) == 1
    changed = next(r for r in rows if "Die Kita ist für" in r[0])
    assert "den sie kennen" in changed[0] and "den sie kennen" not in changed[1]
    assert "täglich erleben" in changed[1] and "täglich erleben" not in changed[0]
    xml = docx_part(path, "word/document.xml")
    styled = {r.find("w:rPr/w:rStyle", NS).get(f"{W}val") for r in xml.iter(f"{W}r")
              if r.find("w:rPr/w:rStyle", NS) is not None}
    assert {"PapierStreichung", "PapierEinfügung"} <= styled
    assert xml.find(".//w:ins", NS) is None  # a Synopse shows changes, it does not track them

    assert main(["diff", POSITION, "0.1.0", "HEAD", "--to", "md"]) == 0
    md = Path(capsys.readouterr().out.strip()).read_text("utf-8")
    note = md.split("\n\n")[1]  # under the title: what is compared with what, once
    assert note.startswith("Änderungsfassung · Fassung 0.1.0 vom ") and note.count("→") == 1
    assert "<del" in md and "kennen und dem sie vertrauen</del>" in md
    assert f">{NEW_PARAGRAPH}</ins>" in md
    assert main(["diff", POSITION, "0.1.0", "HEAD", "--to", "html"]) == 0
    page = " ".join(Path(capsys.readouterr().out.strip()).read_text("utf-8").split())
    assert '<html' in page and 'lang="de-DE"' in page and "ab dem ersten Tag</ins>" in page


def test_bad_revisions(workspace: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(VersionError, match="no version tagged yet"):
        diff(workspace, POSITION)
    assert main(["diff", POSITION, "gibtsnicht"]) == 2
    err = capsys.readouterr().err
    assert "'gibtsnicht' is not a version, tag or git revision" in err and "papier log" in err
    assert main(["diff", POSITION, "0.9.0"]) == 2
    err = capsys.readouterr().err
    assert "there is no version 0.9.0" in err and f"papier release {POSITION} 0.9.0" in err
    assert main(["build", POSITION, "--at", "v7.0.0"]) == 2
    assert "no version 7.0.0" in capsys.readouterr().err
    assert main(["diff", "gibtsnicht", "HEAD"]) == 2
    assert "no paper 'gibtsnicht'" in capsys.readouterr().err
