"""The DOCX reader on real Word files (the corpus, counted independently) and on tiny
packages that each hold one thing reviewers do."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from docxfactory import deleted_run, make_docx, mark, para, rev, run
from papier.ooxml.reader import read_docx

CORPUS = Path(__file__).parent / "fixtures" / "word-corpus"
TRUTH = json.loads((CORPUS / "truth.json").read_text("utf-8"))
INSERTING = ("insertion", "replacement", "move")


def _chars(text: str) -> int:
    return len(re.sub(r"\s", "", text))


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_corpus_file_read_completely(name: str) -> None:
    """Every comment, reply and changed character of every part, none doubled."""
    truth = TRUTH[name]
    reading = read_docx(CORPUS / name)
    comments = [f for f in reading.found if f.kind == "comment"]
    threads = [(c.author, c.text) for c in comments] + \
        [(r["author"], r["text"]) for c in comments for r in c.replies]
    assert sorted(threads) == sorted((c["author"], c["text"]) for c in truth["comments"])
    assert sum(len(c.replies) for c in comments) == truth["n_replies"]
    assert sum(c.resolved for c in comments) == truth["n_done"]
    inserted: Counter[str] = Counter()
    deleted: Counter[str] = Counter()
    for item in reading.found:
        if item.kind != "comment":
            inserted[item.part] += _chars(item.text)
            deleted[item.part] += _chars(item.deleted)
    for part in set(truth["revisions"]) | set(inserted) | set(deleted):
        want = truth["revisions"].get(part, {})
        assert (inserted[part], deleted[part]) == (want.get("ins_chars", 0), want.get("del_chars", 0)), part
        assert reading.formatting[part] == want.get("fmt", 0), part
        assert reading.rows[part] == want.get("row", 0), part


def test_corpus_has_strict_files() -> None:
    strict = [n for n, t in TRUTH.items() if t["strict"]]
    assert len(strict) >= 2
    assert all(read_docx(CORPUS / n).found for n in strict)


def _read(tmp_path: Path, body: str, **parts: str):
    return read_docx(make_docx(tmp_path / "t.docx", body, **parts))


def test_adjacent_insertions_are_one_suggestion(tmp_path: Path) -> None:
    body = para(run("Das ist eine ") + rev("ins", 1, run("sehr ")) + rev("ins", 2, run("wichtige ", True))
                + run("Aufgabe."))
    found = _read(tmp_path, body).found
    assert [(f.kind, f.text) for f in found] == [("insertion", "sehr wichtige ")]
    assert found[0].before == "Das ist eine " and found[0].after == "Aufgabe."


def test_deletion_then_insertion_is_one_replacement_others_stay_apart(tmp_path: Path) -> None:
    body = para(run("Die ") + rev("del", 1, deleted_run("alte")) + rev("ins", 2, run("neue"))
                + run(" Regel und ") + rev("ins", 3, run("mehr"), author="Andere") + run(" Geld."))
    found = _read(tmp_path, body).found
    assert [(f.kind, f.deleted, f.text, f.author) for f in found] == [
        ("replacement", "alte", "neue", "Prüferin"), ("insertion", "", "mehr", "Andere")]


def test_changes_in_footnotes_headers_and_text_boxes(tmp_path: Path) -> None:
    box = ('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx>'
           f'<w:txbxContent>{para(rev("ins", 7, run("Kasten")))}</w:txbxContent></wps:txbx></w:drawing>'
           '</mc:Choice><mc:Fallback><w:pict><w:txbxContent>'
           f'{para(rev("ins", 8, run("Kasten")))}</w:txbxContent></w:pict></mc:Fallback>'
           '</mc:AlternateContent></w:r>')
    body = para(run("Text") + '<w:r><w:footnoteReference w:id="2"/></w:r>' + box)
    note = ('<w:footnote w:type="separator" w:id="0"><w:p/></w:footnote>'
            f'<w:footnote w:id="2">{para(run("Eine ") + rev("ins", 4, run("kurze ")) + run("Notiz"))}'
            "</w:footnote>")
    reading = _read(tmp_path, body, footnotes=note,
                    header1=para(rev("del", 5, deleted_run("Entwurf"))))
    got = sorted((f.part, f.kind, f.text or f.deleted) for f in reading.found)
    assert got == [("document.xml", "insertion", "Kasten"), ("footnotes.xml", "insertion", "kurze "),
                   ("header1.xml", "deletion", "Entwurf")]
    footnote = next(p for p in reading.paragraphs if p.note)
    assert footnote.note == "footnote:2" and reading.note_refs[("footnote", "2")] == 0


def test_strict_namespaces(tmp_path: Path) -> None:
    body = para(run("A ") + rev("ins", 1, run("neu")))
    reading = read_docx(make_docx(tmp_path / "s.docx", body, strict=True,
                                  comments='<w:comment w:id="1" w:author="X"><w:p><w:r><w:t>Hm'
                                           "</w:t></w:r></w:p></w:comment>"))
    assert sorted(f.kind for f in reading.found) == ["comment", "insertion"]


def test_paragraph_marks_split_join_new_and_deleted(tmp_path: Path) -> None:
    body = (para(run("Erster Teil "), mark=mark("ins", 1)) + para(run("zweiter Teil."))
            + para(run("Ende eins."), mark=mark("del", 2)) + para(run("Anfang zwei."))
            + para(run("Vorher."), mark=mark("ins", 3)) + para(rev("ins", 4, run("Ganz neu.")))
            + para(rev("del", 5, deleted_run("Weg damit.")), mark=mark("del", 6)) + para(run("Bleibt.")))
    found = _read(tmp_path, body).found
    got = [(f.kind, f.text or f.deleted, f.whole_paragraph, f.paragraph) for f in found]
    assert got == [("split", "", False, 0), ("join", "", False, 2), ("insertion", "Ganz neu.", True, 4),
                   ("deletion", "Weg damit.", True, 6)]
    assert found[0].before == "Erster Teil " and found[0].after == "zweiter Teil."


def test_move_deleted_afterwards_keeps_both(tmp_path: Path) -> None:
    body = (para('<w:moveFromRangeStart w:id="1" w:name="m1" w:author="A"/>'
                 + rev("moveFrom", 2, run("Wandert."), author="A") + '<w:moveFromRangeEnd w:id="1"/>')
            + para(run("Mitte."))
            + para('<w:moveToRangeStart w:id="3" w:name="m1" w:author="A"/>'
                   + rev("moveTo", 4, rev("del", 5, deleted_run("Wandert."), author="B"), author="A")
                   + '<w:moveToRangeEnd w:id="3"/>'))
    found = _read(tmp_path, body).found
    assert [(f.kind, f.author, f.nested != "") for f in found] == [("move", "A", False),
                                                                   ("deletion", "B", True)]
    assert found[0].text == found[0].deleted == found[1].deleted == "Wandert."


def test_comment_text_keeps_breaks_and_symbols(tmp_path: Path) -> None:
    comment = ('<w:comment w:id="1" w:author="X"><w:p><w:r><w:t>Zeile eins</w:t><w:br/>'
               "<w:t>zwei</w:t><w:tab/><w:t>drei</w:t></w:r></w:p></w:comment>")
    body = para('<w:commentRangeStart w:id="1"/>' + run("Wort") + '<w:commentRangeEnd w:id="1"/>'
                + rev("ins", 2, '<w:r><w:t>Kita</w:t><w:noBreakHyphen/><w:t>Plätze </w:t>'
                      '<w:sym w:font="Symbol" w:char="F0B3"/></w:r>'))
    found = _read(tmp_path, body, comments=comment).found
    assert found[0].text == "Zeile eins\nzwei\tdrei" and found[0].quote == "Wort"
    assert found[1].text == "Kita\u2011Plätze \u00b3"


def test_replies_with_missing_or_cyclic_parents_are_kept(tmp_path: Path) -> None:
    def comment(ident: int, text: str) -> str:
        return (f'<w:comment w:id="{ident}" w:author="X"><w:p w14:paraId="0000000{ident}"><w:r>'
                f"<w:t>{text}</w:t></w:r></w:p></w:comment>")

    extended = ('<w15:commentEx w15:paraId="00000001" w15:paraIdParent="00000002"/>'
                '<w15:commentEx w15:paraId="00000002" w15:paraIdParent="00000001"/>'
                '<w15:commentEx w15:paraId="00000003" w15:paraIdParent="0000000F"/>'
                '<w15:commentEx w15:paraId="00000004"/>'
                '<w15:commentEx w15:paraId="00000005" w15:paraIdParent="00000004" w15:done="1"/>')
    comments = "".join(comment(i, t) for i, t in enumerate(("a", "b", "c", "d", "e"), 1))
    reading = read_docx(make_docx(tmp_path / "c.docx", para(run("x")), comments=comments,
                                  extended=extended))
    tops = {f.text: [r["text"] for r in f.replies] for f in reading.found}
    assert tops == {"a": [], "b": [], "c": [], "d": ["e"]}


def test_formatting_changes_are_counted(tmp_path: Path) -> None:
    body = para('<w:r><w:rPr><w:b/><w:rPrChange w:id="1" w:author="X"><w:rPr/></w:rPrChange>'
                "</w:rPr><w:t>fett</w:t></w:r>")
    reading = _read(tmp_path, body)
    assert reading.formatting["document.xml"] == 1 and reading.found == []


def test_a_bookmark_without_end_ends_at_the_next_block(tmp_path: Path) -> None:
    body = ('<w:bookmarkStart w:id="1" w:name="blk-01-001"/>' + para(run("Tabelle: x"))
            + "<w:tbl><w:tr><w:tc>" + '<w:bookmarkStart w:id="2" w:name="blk-01-002"/>'
            + para(run("Zelle")) + '<w:bookmarkEnd w:id="2"/></w:tc></w:tr></w:tbl>'
            + '<w:bookmarkStart w:id="3" w:name="blk-01-003"/>' + para(run("Danach"))
            + '<w:bookmarkEnd w:id="3"/>' + para(run("Literatur"), style="Heading1")
            + para(run("Ein Eintrag")))
    reading = _read(tmp_path, body)
    assert [(p.original, p.block, p.table_block) for p in reading.paragraphs] == [
        ("Tabelle: x", "blk-01-001", None), ("Zelle", "blk-01-002", "blk-01-001"),
        ("Danach", "blk-01-003", None), ("Literatur", None, None), ("Ein Eintrag", None, None)]
    assert reading.paragraphs[-1].section == "Literatur"
