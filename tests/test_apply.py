"""Accepted suggestions land in the Markdown exactly as the reviewer made them: each kind of
edit Word writes, made on a real reviewer copy, collected, accepted and applied; the chapter
files afterwards are compared whole with what the reviewer meant."""

from __future__ import annotations

import copy
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import ANALYSIS, POSITION
from papier import yamlio
from papier.cli import main
from papier.workspace import Workspace

pytestmark = pytest.mark.slow  # opens, collects and applies comment rounds through the CLI

WNS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{WNS}}}"
REVIEWERS = """\
- id: bmfsfj
  name: Dr. Maria Beispiel
  organisation: Bundesministerium (Beispiel)
  email: maria.beispiel@example.org
"""
AUTHOR = {f"{W}author": "Maria Beispiel", f"{W}date": "2026-11-30T09:00:00Z"}


class Draft:
    """A reviewer copy, edited the way Word stores tracked changes."""

    def __init__(self, path: Path) -> None:
        with zipfile.ZipFile(path) as zf:
            self.parts = {n: zf.read(n) for n in zf.namelist()}
        self.roots = {n: etree.fromstring(self.parts[n]) for n in ("word/document.xml", "word/footnotes.xml")}
        self.ids = 900

    def para(self, starts: str, part: str = "word/document.xml") -> etree._Element:
        return next(p for p in self.roots[part].iter(f"{W}p")
                    if "".join(t.text or "" for t in p.iter(f"{W}t")).strip().startswith(starts))

    def rev(self, tag: str) -> etree._Element:
        self.ids += 1
        return etree.Element(f"{W}{tag}", {f"{W}id": str(self.ids), **AUTHOR})

    def split_run(self, p: etree._Element, word: str) -> etree._Element:
        """Split the run holding *word* so that *word* starts a run; return that run."""
        for r in p.iter(f"{W}r"):
            t = r.find(f"{W}t")
            if t is not None and t.text and word in t.text:
                at = t.text.index(word)
                if at == 0:
                    return r
                tail = copy.deepcopy(r)
                t.text, tail.find(f"{W}t").text = t.text[:at], t.text[at:]
                r.addnext(tail)
                return tail
        raise AssertionError(word)

    def insert(self, p: etree._Element, before_word: str, *pieces: tuple[str, bool]) -> None:
        """Adjacent w:ins elements (one per piece: text, bold) before *before_word*."""
        anchor = self.split_run(p, before_word)
        for text, bold in pieces:
            ins = self.rev("ins")
            r = etree.SubElement(ins, f"{W}r")
            if bold:
                etree.SubElement(etree.SubElement(r, f"{W}rPr"), f"{W}b")
            t = etree.SubElement(r, f"{W}t")
            t.text = text
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            anchor.addprevious(ins)

    def delete_run(self, run: etree._Element) -> None:
        for t in run.findall(f"{W}t"):
            t.tag = f"{W}delText"
        d = self.rev("del")
        run.addprevious(d)
        d.append(run)

    def mark(self, p: etree._Element, tag: str) -> None:
        ppr = p.find(f"{W}pPr")
        if ppr is None:
            ppr = etree.Element(f"{W}pPr")
            p.insert(0, ppr)
        rpr = ppr.find(f"{W}rPr")
        if rpr is None:
            rpr = etree.SubElement(ppr, f"{W}rPr")
        rpr.append(self.rev(tag))

    def delete_paragraph(self, p: etree._Element) -> None:
        for r in list(p.iter(f"{W}r")):
            if r.getparent().tag != f"{W}del":
                self.delete_run(r)
        self.mark(p, "del")

    def new_paragraph_after(self, p: etree._Element, text: str) -> None:
        """Enter at the end of *p*, then typing: p's mark is new, the new paragraph's runs too."""
        new = etree.Element(f"{W}p")
        ppr = p.find(f"{W}pPr")
        if ppr is not None:
            new.append(copy.deepcopy(ppr))
        ins = self.rev("ins")
        r = etree.SubElement(ins, f"{W}r")
        etree.SubElement(r, f"{W}t").text = text
        new.append(ins)
        self.mark(p, "ins")
        p.addnext(new)

    def save(self, out: Path) -> Path:
        parts = dict(self.parts)
        for name, root in self.roots.items():
            parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in parts.items():
                zf.writestr(name, data)
        return out


def _open(ws: Workspace, slug: str) -> Draft:
    (ws.root / "reviewers.yaml").write_text(REVIEWERS, "utf-8")
    assert main(["round", "open", slug, "--reviewers", "reviewers.yaml", "--deadline", "2026-12-12"]) == 0
    return Draft(ws.build_dir / slug / "runde-1" / f"{slug}-v0.1.0-bmfsfj.docx")


def _accept_all_and_apply(ws: Workspace, slug: str, capsys) -> list[dict]:
    path = ws.papers_dir / slug / "rounds" / "1" / "comments.yaml"
    found, _ = yamlio.load(path)
    for entry in found:
        assert main(["round", "decide", slug, entry["id"], "--accept"]) == 0
    capsys.readouterr()
    code = main(["round", "apply", slug])
    out = capsys.readouterr()
    assert code == 0, out.err
    return list(found)


def _text(ws: Workspace, slug: str, rel: str) -> str:
    return (ws.papers_dir / slug / rel).read_text("utf-8")


def test_word_edits_are_applied_exactly(workspace: Workspace, capsys) -> None:
    ws = workspace
    chapter1 = _text(ws, POSITION, "text/01-ausgangslage.md")
    chapter2 = _text(ws, POSITION, "text/02-was-familienzentren-leisten.md")
    draft = _open(ws, POSITION)
    # "sehr unterschiedlichen " typed before "Familien", the second word bold: two w:ins
    draft.insert(draft.para("Kinder wachsen nicht"), "Familien, Nachbarschaften",
                 ("sehr ", False), ("unterschiedlichen ", True))
    # Enter after the first sentence of a paragraph (a split)
    split = draft.para("So verbreitet der Ansatz")
    second = draft.split_run(split, "Bundesweit fehlt")
    tail = etree.Element(f"{W}p")
    ppr = split.find(f"{W}pPr")
    if ppr is not None:
        tail.append(copy.deepcopy(ppr))
    for node in list(second.itersiblings(preceding=False)):
        if node.tag == f"{W}r":
            tail.append(node)
    tail.insert(1 if ppr is not None else 0, second)
    draft.mark(split, "ins")
    split.addnext(tail)
    # two paragraphs joined: the first one's mark deleted
    draft.mark(draft.para("Kinder wachsen nicht"), "del")
    # a new paragraph typed after the paragraph that ends "… Beratung."
    draft.new_paragraph_after(draft.para("Dieser Handlungsansatz"), "Ein neuer Absatz der Prüferin.")
    # a new paragraph after the table, whose bookmark end LibreOffice dropped
    table = draft.roots["word/document.xml"].find(f".//{W}tbl")
    new = etree.Element(f"{W}p")
    ins = draft.rev("ins")
    etree.SubElement(etree.SubElement(ins, f"{W}r"), f"{W}t").text = "Nach der Tabelle."
    new.append(ins)
    draft.mark(new, "ins")
    end = table.getnext()
    while end is not None and end.tag == f"{W}bookmarkEnd":
        end = end.getnext()
    table.addnext(new)
    for bookmark_end in list(draft.roots["word/document.xml"].iter(f"{W}bookmarkEnd")):
        if bookmark_end.getprevious() is table:
            bookmark_end.getparent().remove(bookmark_end)
    # a word replaced in the footnote
    note = draft.para("Das Papier ist in mehreren", "word/footnotes.xml")
    run = draft.split_run(note, "mehreren")
    t = run.find(f"{W}t")
    rest = copy.deepcopy(run)
    rest.find(f"{W}t").text = t.text[len("mehreren"):]
    t.text = "mehreren"
    run.addnext(rest)
    draft.delete_run(run)
    ins = draft.rev("ins")
    etree.SubElement(etree.SubElement(ins, f"{W}r"), f"{W}t").text = "drei"
    rest.addprevious(ins)
    returned = draft.save(ws.root / "zurueck.docx")

    assert main(["round", "collect", POSITION, str(returned)]) == 0
    assert main(["check", POSITION]) == 0, capsys.readouterr()  # split and join are kinds it knows
    found = _accept_all_and_apply(ws, POSITION, capsys)
    kinds = sorted(e["kind"] for e in found)
    assert kinds == ["insertion", "insertion", "insertion", "join", "replacement", "split"]
    by_text = {e["text"] or e["kind"]: e for e in found}
    assert by_text["sehr unterschiedlichen "]["anchor"]["line"] == 3
    assert "[+sehr unterschiedlichen +]" in by_text["sehr unterschiedlichen "]["anchor"]["quote"]
    assert by_text["drei"]["anchor"]["line"] == 46  # the footnote's definition
    assert by_text["Nach der Tabelle."]["anchor"]["line"] == 38  # the table
    assert by_text["Ein neuer Absatz der Prüferin."]["anchor"]["line"] == 11

    expected1 = (chapter1
                 .replace("sondern in Familien,", "sondern in sehr unterschiedlichen Familien,")
                 .replace("Beratung.\n\n## Ein Ansatz",
                          "Beratung.\n\nEin neuer Absatz der Prüferin.\n\n## Ein Ansatz")
                 .replace("so unsicher ist sein Fundament. Bundesweit fehlt",
                          "so unsicher ist sein Fundament.\n\nBundesweit fehlt")
                 .replace("in mehreren Runden", "in drei Runden")
                 .replace("Freizeitangeboten.\n\nDieser", "Freizeitangeboten. Dieser"))
    assert _text(ws, POSITION, "text/01-ausgangslage.md") == expected1
    expected2 = chapter2.replace(
        "| Sozialraum | Stadtteilfeste, Vernetzung mit Schulen und Vereinen | Kirchengemeinden, "
        "Quartiersmanagement |\n",
        "| Sozialraum | Stadtteilfeste, Vernetzung mit Schulen und Vereinen | Kirchengemeinden, "
        "Quartiersmanagement |\n\nNach der Tabelle.\n")
    assert _text(ws, POSITION, "text/02-was-familienzentren-leisten.md") == expected2
    assert main(["round", "close", POSITION]) == 0


def test_join_with_a_heading_is_refused(workspace: Workspace, capsys) -> None:
    """Joining a paragraph with the heading after it has no faithful Markdown: refused."""
    ws = workspace
    chapter3 = _text(ws, POSITION, "text/03-forderungen.md")
    draft = _open(ws, POSITION)
    draft.mark(draft.para("Familienzentren brauchen eine klare"), "del")
    assert main(["round", "collect", POSITION, str(draft.save(ws.root / "z.docx"))]) == 0
    [entry] = yamlio.load(ws.papers_dir / POSITION / "rounds" / "1" / "comments.yaml")[0]
    assert entry["kind"] == "join" and entry["anchor"]["line"] == 5
    assert main(["round", "decide", POSITION, entry["id"], "--accept"]) == 0
    assert main(["round", "apply", POSITION]) == 1
    assert "heading" in capsys.readouterr().err
    assert _text(ws, POSITION, "text/03-forderungen.md") == chapter3


def test_list_item_and_heading_deletions_applied(workspace: Workspace, capsys) -> None:
    ws = workspace
    rel = "text/02-handlungsfelder.md"
    before = _text(ws, ANALYSIS, rel)
    draft = _open(ws, ANALYSIS)
    draft.delete_paragraph(draft.para("Gesundheit und Prävention."))
    draft.delete_paragraph(draft.para("Was ein Familienzentrum tut"))
    assert main(["round", "collect", ANALYSIS, str(draft.save(ws.root / "z.docx"))]) == 0
    found = _accept_all_and_apply(ws, ANALYSIS, capsys)
    assert [(e["kind"], e["anchor"]["paragraph"]) for e in found] == [("deletion", True)] * 2
    lines = before.split("\n")
    start = lines.index("4. **Gesundheit und Prävention.** Angebote zu Bewegung, Ernährung und "
                        "Entwicklung sowie")
    del lines[start:start + 2]
    expected = "\n".join(lines)
    para = expected.index("Was ein Familienzentrum tut")
    end = expected.index("\n\n", para) + 2
    expected = expected[:para] + expected[end:]
    assert _text(ws, ANALYSIS, rel) == expected


def test_heading_deletion_applied(workspace: Workspace, capsys) -> None:
    ws = workspace
    rel = "text/03-forderungen.md"
    before = _text(ws, POSITION, rel)
    draft = _open(ws, POSITION)
    draft.delete_paragraph(draft.para("3.4"))
    assert main(["round", "collect", POSITION, str(draft.save(ws.root / "z.docx"))]) == 0
    [entry] = _accept_all_and_apply(ws, POSITION, capsys)
    assert entry["deleted"].endswith("Qualität entwickeln und sichtbar machen")
    assert _text(ws, POSITION, rel) == before.replace("## Qualität entwickeln und sichtbar machen\n\n", "")


def test_apply_never_writes_a_wrong_place(workspace: Workspace, capsys) -> None:
    """An insertion whose context is in the source twice, or nowhere, is refused, not guessed."""
    ws = workspace
    draft = _open(ws, POSITION)
    draft.insert(draft.para("Kinder wachsen nicht"), "Stadtteilen", ("lebendigen ", False))
    assert main(["round", "collect", POSITION, str(draft.save(ws.root / "z.docx"))]) == 0
    path = ws.papers_dir / POSITION / "text" / "01-ausgangslage.md"
    text = path.read_text("utf-8")
    path.write_text(text.replace("Nachbarschaften und\nStadtteilen", "Nachbarn und Stadtteilen"), "utf-8")
    found, _ = yamlio.load(ws.papers_dir / POSITION / "rounds" / "1" / "comments.yaml")
    assert main(["round", "decide", POSITION, found[0]["id"], "--accept"]) == 0
    assert main(["round", "apply", POSITION]) == 1
    assert "edited since round 1 was sent" in capsys.readouterr().err
    assert "lebendigen" not in path.read_text("utf-8")
    assert main(["round", "close", POSITION]) == 2
    err = capsys.readouterr().err
    assert found[0]["id"] in err and "--force" in err
    assert main(["round", "close", POSITION, "--force"]) == 2
    assert main(["round", "close", POSITION, "--force", "--reason", "von Hand übernommen"]) == 0
    record, _ = yamlio.load(ws.papers_dir / POSITION / "rounds" / "1" / "round.yaml")
    assert record["forced"]["reason"] == "von Hand übernommen"
    assert list(record["forced"]["not_applied"]) == [found[0]["id"]]


@pytest.mark.parametrize("typed", ["=SUMME(A1)", "*fett*", "@kiqutg", "[Link](x)"])
def test_inserted_text_stays_text(workspace: Workspace, capsys, typed: str) -> None:
    ws = workspace
    draft = _open(ws, POSITION)
    draft.insert(draft.para("Kinder wachsen nicht"), "Stadtteilen", (typed + " ", False))
    assert main(["round", "collect", POSITION, str(draft.save(ws.root / "z.docx"))]) == 0
    _accept_all_and_apply(ws, POSITION, capsys)
    assert main(["check", POSITION]) == 0, capsys.readouterr()
    assert main(["build", POSITION, "--to", "html"]) == 0
    html = (ws.build_dir / POSITION / f"{POSITION}-v0.1.0.html").read_text("utf-8")
    assert f"{typed} Stadtteilen" in html.replace("&amp;", "&")
