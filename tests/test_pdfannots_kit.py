"""The PDF-annotation kit (tests/pdfannots.py) against a real PDF made by Typst: the words
it finds, the annotations it writes as Acrobat writes them (read back with pypdf and
pdfplumber), and the hostile files. Independent of papier's own code."""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
import typst
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError
from pypdf.generic import BooleanObject, DictionaryObject

from pdfannots import (
    Annotator,
    Words,
    damaged,
    encrypt,
    encrypt_owner_only,
    find_words,
    point_after,
    point_before,
    with_javascript,
)

# Two German paragraphs, justified and hyphenated, with line numbers in the left margin
# (the kit must ignore them when it looks for words).
SOURCE = """\
#set document(title: "Familienzentren")
#set page(paper: "a4", margin: (x: 2.5cm, y: 2.7cm))
#set text(lang: "de", size: 11pt, hyphenate: true)
#set par(justify: true)
#set par.line(numbering: "1")

Die Familienzentren bündeln Beratung, Bildung und Betreuung unter einem Dach. Sie erreichen
Eltern früh und niedrigschwellig, gerade dort, wo Unterstützungsangebote sonst kaum ankommen.
„Gute Kitas“ sind dafür die Grundlage; Kinderbetreuungseinrichtungen übernehmen zusätzliche
Verantwortungsbereiche im Sozialraum und werden so zu Orten der Begegnung.

Für die Weiterentwicklung braucht es verlässliche Finanzierung, qualifiziertes Personal und
eine Landesförderung, die über Projektlaufzeiten hinausreicht. Gemeinwesenorientierte
Zusammenarbeit zwischen Jugendhilfe und Gesundheitswesen ist ausdrücklich erwünscht, und die
Kommunen tragen die Verantwortung für die Planung vor Ort.

#pagebreak()
Anhang: Die Sozialraumanalyse folgt im nächsten Abschnitt.
"""

AUTHOR = "Dr. Jürgen Müller-Lüdenscheidt"
COMMENT = "Bitte „Umlaute“ prüfen: äöüß ÄÖÜ – und Zeilen\numbrüche."


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pdfkit")
    typ = folder / "vorlage.typ"
    typ.write_text(SOURCE, encoding="utf-8")
    pdf = folder / "vorlage.pdf"
    typst.compile(str(typ), output=str(pdf))
    return pdf


def page_lines(pdf: Path) -> list[str]:
    with pdfplumber.open(pdf) as document:
        return document.pages[0].extract_text().split("\n")


def inside(quads: list[float], x: float, y: float) -> bool:
    for i in range(0, len(quads), 8):
        xs, ys = quads[i:i + 8:2], quads[i + 1:i + 8:2]
        if min(xs) <= x <= max(xs) and min(ys) <= y <= max(ys):
            return True
    return False


def covered_text(pdf: Path, page: int, quads: list[float]) -> str:
    """The characters whose centre lies inside one of the quads (PDF user space), in
    reading order, whitespace dropped."""
    with pdfplumber.open(pdf) as document:
        p = document.pages[page]
        hits = [c for c in p.chars
                if inside(quads, (c["x0"] + c["x1"]) / 2, p.height - (c["top"] + c["bottom"]) / 2)]
        hits.sort(key=lambda c: (round(c["top"]), c["x0"]))
        return "".join(c["text"] for c in hits if not c["text"].isspace())


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def unhyphenate(text: str) -> str:
    return squeeze(re.sub("[\u00ad-]\n", "", text))


# --- finding words --------------------------------------------------------------------


def test_words_on_one_line(source: Path) -> None:
    words = find_words(source, "Beratung, Bildung")
    assert words.page == 0
    assert len(words.quads) == 8
    x1, y1, x2, y2, x3, y3, x4, y4 = words.quads
    assert (y1, x1) == (y2, x3) and (y3, x2) == (y4, x4)  # Acrobat: TL TR BL BR
    assert y1 > y3 and x2 > x1  # top above bottom in PDF space, left to right
    assert words.rect == [x1, y3, x2, y1]
    assert covered_text(source, 0, words.quads) == "Beratung,Bildung"


def test_words_across_a_line_break(source: Path) -> None:
    first, second = page_lines(source)[:2]
    phrase = f"{first.split()[-1]} {second.split()[1]}"  # after the line number
    words = find_words(source, phrase)
    assert len(words.quads) == 16
    assert "\n" in words.text
    assert covered_text(source, 0, words.quads) == squeeze(phrase)


def test_a_word_hyphenated_at_a_line_end(source: Path) -> None:
    lines = page_lines(source)
    broken = [i for i, line in enumerate(lines) if line.endswith(("\u00ad", "-"))]
    if not broken:
        pytest.skip("Typst hyphenated no word at a line end in this layout")
    i = broken[0]
    head, tail = lines[i].split()[-1], lines[i + 1].split()[1]
    word = head[:-1] + tail.rstrip(".,;")
    words = find_words(source, word)
    assert len(words.quads) == 16
    assert words.text.startswith(head)  # the hyphen stays in what the quads cover
    assert covered_text(source, 0, words.quads) == head + tail.rstrip(".,;")
    assert unhyphenate(words.text) == word


def test_line_numbers_in_the_margin_are_ignored(source: Path) -> None:
    words = find_words(source, "Die Familienzentren")
    assert words.text == "Die Familienzentren"
    assert covered_text(source, 0, words.quads) == "DieFamilienzentren"
    with pdfplumber.open(source) as document:
        numbers = [c for c in document.pages[0].chars if c["text"] == "1" and c["x1"] < words.rect[0]]
    assert numbers, "the Typst source should have line numbers in the margin"


def test_occurrences_and_missing_text(source: Path) -> None:
    first, second = find_words(source, "und"), find_words(source, "und", occurrence=1)
    assert first.quads != second.quads
    with pytest.raises(AssertionError, match="Elbphilharmonie"):
        find_words(source, "Elbphilharmonie")
    with pytest.raises(AssertionError, match="Dach"):
        find_words(source, "Dach", page=0, occurrence=5)


def test_words_on_a_later_page(source: Path, tmp_path: Path) -> None:
    words = find_words(source, "Sozialraumanalyse")
    assert words.page == 1
    assert find_words(source, "Sozialraumanalyse", page=1).quads == words.quads
    with pytest.raises(AssertionError, match="Sozialraumanalyse"):
        find_words(source, "Sozialraumanalyse", page=0)
    kit = Annotator(source)
    kit.highlight(words, "Auf Seite 2", "Anna Schmidt")
    out = kit.save(tmp_path / "seite2.pdf")
    reader = PdfReader(out)
    assert "/Annots" not in reader.pages[0]
    annots = [a.get_object() for a in reader.pages[1]["/Annots"]]
    assert [str(a["/Subtype"]) for a in annots] == ["/Highlight", "/Popup"]
    assert annots[0].raw_get("/P").idnum == reader.pages[1].indirect_reference.idnum
    assert covered_text(out, 1, words.quads) == "Sozialraumanalyse"


def test_points_for_a_caret(source: Path) -> None:
    words = find_words(source, "Beratung")
    page, x, y = point_after(words)
    assert page == 0 and x == pytest.approx(words.quads[2])
    assert words.quads[5] < y < words.quads[1]  # on the baseline, inside the line
    page, x, y = point_before(words)
    assert x == pytest.approx(words.quads[0])


# --- annotations ----------------------------------------------------------------------


def annotations(pdf: Path) -> list[DictionaryObject]:
    reader = PdfReader(pdf)
    return [a.get_object() for a in reader.pages[0].get("/Annots", [])]


def by_contents(annots: list[DictionaryObject], subtype: str) -> dict[str, DictionaryObject]:
    return {str(a.get("/Contents", "")): a for a in annots if a["/Subtype"] == subtype}


@pytest.fixture(scope="module")
def annotated(source: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every kind of comment on one page, saved and named for the tests."""
    kit = Annotator(source)
    w: dict[str, Words] = {
        "highlight": find_words(source, "niedrigschwellig"),
        "underline": find_words(source, "Beratung, Bildung und Betreuung"),
        "squiggly": find_words(source, "Landesförderung"),
        "strike": find_words(source, "ausdrücklich"),
        "replace": find_words(source, "verlässliche"),
        "insert": find_words(source, "qualifiziertes"),
    }
    refs = {
        "highlight": kit.highlight(w["highlight"], COMMENT, AUTHOR),
        "underline": kit.highlight(w["underline"], "Reihenfolge?", "Anna Schmidt",
                                   subtype="Underline"),
        "squiggly": kit.highlight(w["squiggly"], "Wörtlich so im Gesetz?", "Anna Schmidt",
                                  date="D:20261121091500Z", subtype="Squiggly"),
        "strike": kit.strikeout(w["strike"], AUTHOR),
        "replace": kit.replace(w["replace"], "dauerhafte", AUTHOR),
        "insert": kit.caret(point_before(w["insert"]), "gut ", "Anna Schmidt"),
        "note": kit.note(0, 300, 500, "Eine Notiz mit „Anführungszeichen“.", AUTHOR,
                         icon="Note"),
        "freetext": kit.freetext(0, [350, 60, 520, 100], "Textfeld: Größe prüfen", AUTHOR),
    }
    refs["reply"] = kit.reply(refs["highlight"], "Stimme zu – ändern wir.", "Anna Schmidt",
                              date="D:20261120113000+01'00'")
    refs["reply_bare"] = kit.reply(refs["note"], "Ohne RT.", "Anna Schmidt", rt=None)
    out = kit.save(tmp_path_factory.mktemp("pdfkit-out") / "kommentiert.pdf")
    return {"pdf": out, "words": w, "refs": refs}


def test_every_comment_is_read_back(annotated: dict[str, Any]) -> None:
    annots = annotations(annotated["pdf"])
    kinds = [str(a["/Subtype"]) for a in annots]
    markup = [a for a in annots if a["/Subtype"] != "/Popup"]
    assert sorted(str(a["/Subtype"]) for a in markup) == sorted(
        ["/Highlight", "/Underline", "/Squiggly", "/StrikeOut", "/StrikeOut", "/Caret", "/Caret",
         "/Text", "/Text", "/Text", "/FreeText"])
    highlight = by_contents(annots, "/Highlight")[COMMENT]
    assert highlight["/T"] == AUTHOR
    assert highlight["/Subj"] == "Highlight"
    assert highlight["/M"] == highlight["/CreationDate"] == "D:20261120103000+01'00'"
    assert int(highlight["/F"]) & 4
    assert list(highlight["/C"]) and float(highlight["/CA"]) == 1
    assert "<p dir=\"ltr\">" in str(highlight["/RC"]) and "„Umlaute“" in str(highlight["/RC"])
    # non-ASCII strings are UTF-16BE with a byte-order mark, as Acrobat writes them
    assert highlight["/Contents"].utf16_bom == codecs.BOM_UTF16_BE
    assert highlight["/T"].utf16_bom == codecs.BOM_UTF16_BE
    squiggly = by_contents(annots, "/Squiggly")["Wörtlich so im Gesetz?"]
    assert squiggly["/M"] == "D:20261121091500Z"
    names = [str(a["/NM"]) for a in markup]
    assert len(set(names)) == len(names)
    assert kinds.count("/Popup") == len(markup) - 1  # all but the FreeText box


def test_popups_point_back_to_their_parents(annotated: dict[str, Any]) -> None:
    reader = PdfReader(annotated["pdf"])
    page = reader.pages[0]
    refs = list(page["/Annots"])
    for i, ref in enumerate(refs):
        annot = ref.get_object()
        if annot["/Subtype"] == "/Popup":
            parent = annot.raw_get("/Parent")
            assert parent.get_object().raw_get("/Popup").idnum == ref.idnum
            assert refs[i - 1].idnum == parent.idnum  # listed right after its parent
            assert annot["/Open"] == BooleanObject(False)
            assert annot["/Rect"][0] >= page.mediabox.right
        elif annot["/Subtype"] != "/FreeText":
            assert annot["/Popup"].raw_get("/Parent").idnum == ref.idnum
            assert annot.raw_get("/P").idnum == page.indirect_reference.idnum


def test_replace_text_is_a_group_under_the_caret(annotated: dict[str, Any]) -> None:
    strike_ref, caret_ref = annotated["refs"]["replace"]
    reader = PdfReader(annotated["pdf"])
    annots = {ref.idnum: ref.get_object() for ref in reader.pages[0]["/Annots"]}
    strike, caret = annots[strike_ref.idnum], annots[caret_ref.idnum]
    assert strike["/Subtype"] == "/StrikeOut" and caret["/Subtype"] == "/Caret"
    assert caret["/Contents"] == "dauerhafte"
    assert strike.raw_get("/IRT").idnum == caret_ref.idnum and strike["/RT"] == "/Group"
    assert "/IRT" not in caret
    assert strike["/Contents"] == ""
    assert caret["/Subj"] == strike["/Subj"] == "Replace Text"
    assert caret["/Sy"] == "/None"
    # the caret sits at the end of the struck words, on their line
    words = annotated["words"]["replace"]
    x0, y0, x1, y1 = (float(v) for v in caret["/Rect"])
    assert (x0 + x1) / 2 == pytest.approx(words.quads[2], abs=0.01)
    assert words.quads[5] < (y0 + y1) / 2 < words.quads[1]


def test_insertion_and_deletion(annotated: dict[str, Any]) -> None:
    annots = annotations(annotated["pdf"])
    insert = by_contents(annots, "/Caret")["gut "]
    assert insert["/Subj"] == "Inserted Text" and "/IRT" not in insert
    strike = next(a for a in annots if a["/Subtype"] == "/StrikeOut" and "/IRT" not in a)
    assert strike["/Subj"] == "Cross-Out" and strike["/Contents"] == ""
    assert strike["/T"] == AUTHOR


def test_replies_thread_under_their_parent(annotated: dict[str, Any]) -> None:
    refs = annotated["refs"]
    reader = PdfReader(annotated["pdf"])
    annots = {ref.idnum: ref.get_object() for ref in reader.pages[0]["/Annots"]}
    reply = annots[refs["reply"].idnum]
    parent = annots[refs["highlight"].idnum]
    assert reply["/Subtype"] == "/Text" and reply["/RT"] == "/R"
    assert reply.raw_get("/IRT").idnum == refs["highlight"].idnum
    assert list(reply["/Rect"]) == list(parent["/Rect"])
    assert reply["/Contents"] == "Stimme zu – ändern wir."
    assert reply["/T"] == "Anna Schmidt" and reply["/M"] == "D:20261120113000+01'00'"
    bare = annots[refs["reply_bare"].idnum]
    assert "/RT" not in bare and bare.raw_get("/IRT").idnum == refs["note"].idnum
    note = annots[refs["note"].idnum]
    assert note["/Name"] == "/Note" and note["/Subj"] == "Sticky Note"
    x0, y0, x1, y1 = (float(v) for v in note["/Rect"])
    assert (x0, y1, x1 - x0, y1 - y0) == (300, 500, 20, 20)
    freetext = annots[refs["freetext"].idnum]
    assert freetext["/Contents"] == "Textfeld: Größe prüfen" and "/Popup" not in freetext


def test_quads_cover_exactly_the_target_words(annotated: dict[str, Any]) -> None:
    annots = annotations(annotated["pdf"])
    for kind, subtype in (("highlight", "/Highlight"), ("underline", "/Underline"),
                          ("squiggly", "/Squiggly")):
        words = annotated["words"][kind]
        annot = next(a for a in annots if a["/Subtype"] == subtype)
        quads = [float(v) for v in annot["/QuadPoints"]]
        assert quads == pytest.approx(words.quads, abs=1e-3)
        assert covered_text(annotated["pdf"], 0, quads) == squeeze(words.text)
    strike_words = annotated["words"]["strike"]
    strikes = [a for a in annots if a["/Subtype"] == "/StrikeOut"]
    texts = {covered_text(annotated["pdf"], 0, [float(v) for v in a["/QuadPoints"]])
             for a in strikes}
    assert texts == {"ausdrücklich", "verlässliche"}
    assert squeeze(strike_words.text) == "ausdrücklich"


def test_pdfplumber_reads_the_comments_too(annotated: dict[str, Any]) -> None:
    with pdfplumber.open(annotated["pdf"]) as document:
        annots = document.pages[0].annots
    contents = {a["contents"] for a in annots if a.get("contents")}
    assert COMMENT in contents
    assert "Eine Notiz mit „Anführungszeichen“." in contents
    titles = {a["title"] for a in annots if a.get("title")}
    assert AUTHOR in titles
    subtypes = {a["data"]["Subtype"].name for a in annots}
    assert {"Highlight", "Caret", "StrikeOut", "Text", "FreeText", "Popup"} <= subtypes


# --- leaner writers -------------------------------------------------------------------


def test_a_lean_writer_leaves_out_what_acrobat_adds(source: Path, tmp_path: Path) -> None:
    kit = Annotator(source, popups=False, rich_text=False, creation_date=False,
                    appearances=False, quad_order="ccw", copy_selection=True,
                    subjects={"Highlight": "Hervorheben"})
    words = find_words(source, "Unterstützungsangebote")
    kit.highlight(words, "", "Edge")
    strike, caret = kit.replace(find_words(source, "Personal"), "Fachkräfte", "Edge",
                                primary="strikeout")
    out = kit.save(tmp_path / "schlank.pdf")
    annots = annotations(out)
    assert all(a["/Subtype"] != "/Popup" for a in annots)
    highlight = next(a for a in annots if a["/Subtype"] == "/Highlight")
    assert highlight["/Subj"] == "Hervorheben"
    assert highlight["/Contents"] == "Unterstützungsangebote"  # the copied selection
    for key in ("/RC", "/CreationDate", "/AP", "/Popup"):
        assert key not in highlight
    x1, y1, x2, y2, x3, y3, x4, y4 = (float(v) for v in highlight["/QuadPoints"])
    assert y1 == y2 < y3 == y4 and x1 == x4 < x2 == x3  # BL BR TR TL, counter-clockwise
    reader_annots = {ref.idnum: ref.get_object() for ref in PdfReader(out).pages[0]["/Annots"]}
    assert reader_annots[caret.idnum].raw_get("/IRT").idnum == strike.idnum
    assert reader_annots[caret.idnum]["/RT"] == "/Group"
    assert "/IRT" not in reader_annots[strike.idnum]


# --- hostile files --------------------------------------------------------------------


def test_encrypted_needs_the_password(source: Path, tmp_path: Path) -> None:
    out = encrypt(source, tmp_path / "verschluesselt.pdf")
    reader = PdfReader(out)
    assert reader.is_encrypted
    with pytest.raises(FileNotDecryptedError):
        _ = reader.pages[0]
    assert not PdfReader(out).decrypt("falsch")
    reader = PdfReader(out)
    assert reader.decrypt("geheim")
    assert "Familienzentren" in reader.pages[0].extract_text()
    with pdfplumber.open(out, password="geheim") as document:
        assert "Familienzentren" in document.pages[0].extract_text()


def test_owner_password_only_opens_without_one(source: Path, tmp_path: Path) -> None:
    out = encrypt_owner_only(source, tmp_path / "nur-besitzer.pdf")
    reader = PdfReader(out)
    assert reader.is_encrypted
    assert "Familienzentren" in reader.pages[0].extract_text()
    with pdfplumber.open(out) as document:
        assert "Familienzentren" in document.pages[0].extract_text()


def test_javascript_and_launch_actions(source: Path, tmp_path: Path) -> None:
    out = with_javascript(source, tmp_path / "skript.pdf")
    reader = PdfReader(out)
    root = reader.trailer["/Root"]
    assert root["/OpenAction"]["/S"] == "/JavaScript"
    assert "/JavaScript" in root["/Names"]
    links = [a.get_object() for a in reader.pages[0]["/Annots"]]
    assert any(a["/Subtype"] == "/Link" and a["/A"]["/S"] == "/Launch" for a in links)


def test_damaged_file_does_not_open(source: Path, tmp_path: Path) -> None:
    out = damaged(source, tmp_path / "kaputt.pdf")
    assert 0 < out.stat().st_size < source.stat().st_size
    with pytest.raises(PdfReadError):
        reader = PdfReader(out)
        _ = [page.extract_text() for page in reader.pages]
