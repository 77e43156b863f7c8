"""LibreOffice round trips of papier's own reviewer copies.

A reviewer copy from ``papier round open`` is edited by LibreOffice itself, through UNO, the
way a reviewer does it by hand with change recording on (tests/libreoffice/edits.py: Enter,
typing, Delete, Ctrl+B, Insert › Comment), saved as .docx by LibreOffice's own writer, then
collected, accepted and applied. What is asserted is what the author sees: one item per
change, at the file:line of the Markdown block it belongs to, and after ``papier round
apply`` chapter files that differ from the sent ones by exactly the reviewer's edits.

The contract (kinds, anchors) is the one of the reviewer-file reader in papier.rounds:
kinds are comment, insertion, deletion, replacement, move, split, join; a new paragraph is
one insertion with anchor.paragraph at the block it follows; a deleted paragraph, list item
or heading is one deletion with anchor.paragraph at that block; a footnote edit is anchored
to the line of the footnote's ``[^label]:`` definition.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import zipfile
from pathlib import Path

import git
import pytest

from conftest import ANALYSIS, POSITION
from papier import yamlio
from papier.cli import main
from papier.workspace import Workspace
from roundkit import items, open_round, zip_parts

pytestmark = pytest.mark.slow  # LibreOffice edits reviewer copies of opened rounds

EDITS = Path(__file__).parent / "libreoffice" / "edits.py"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
KINDS = {"comment", "insertion", "deletion", "replacement", "move", "split", "join"}
REVIEWERS = """\
- id: bmfsfj
  name: Dr. Maria Beispiel
  organisation: Bundesministerium (Beispiel)
  email: maria.beispiel@example.org
"""

# what edits.py types (kept in step with it)
NEW_SENTENCE = "Sprachförderung gelingt dort am besten, wo sie zum Alltag der Kita gehört."
TABLE_SENTENCE = "Die Auswahl zeigt typische Angebote; jedes Zentrum setzt eigene Schwerpunkte."
MULTILINE_COMMENT = "Bitte prüfen:\nGilt das auch für Bayern?"
BIB_COMMENT = "Bitte die aktuelle Fassung des SGB VIII zitieren."

CH1 = "text/01-ausgangslage.md"
CH2 = "text/02-was-familienzentren-leisten.md"
CH3 = "text/03-forderungen.md"
TABLE_LAST_ROW = ("| Sozialraum | Stadtteilfeste, Vernetzung mit Schulen und Vereinen | Kirchengemeinden, "
                  "Quartiersmanagement |")

# each case of edits.py as the author would make it by hand in the Markdown: (file, old, new),
# old occurring exactly once in the sent file
BY_HAND = {
    "paragraph-after": [(CH2, "und Angeboten im Stadtteil.\n",
                         f"und Angeboten im Stadtteil.\n\n{NEW_SENTENCE}\n")],
    "paragraph-after-table": [(CH2, TABLE_LAST_ROW + "\n", f"{TABLE_LAST_ROW}\n\n{TABLE_SENTENCE}\n")],
    "bibliography-comment": [],
    "footnote": [(CH1, "[^beteiligung]: Das Papier ist in mehreren Runden",
                  "[^beteiligung]: Das Papier ist in drei Runden")],
    "bold-insertion": [(CH1, "geraten Querschnittsaufgaben", "geraten sehr wichtige Querschnittsaufgaben")],
    "split": [(CH1, "Die rechtlichen Grundlagen wären vorhanden. Das Kinder- und",
               "Die rechtlichen Grundlagen wären vorhanden.\n\nDas Kinder- und")],
    # the two paragraphs become one: the blank line between them goes, nothing else
    "join": [(CH1, "Freizeitangeboten.\n\nDieser Handlungsansatz",
              "Freizeitangeboten.\nDieser Handlungsansatz")],
    "delete-heading": [(CH1, "## Warum das Bundesforum Familienzentren sich einmischt\n\n", "")],
    "comment-newline": [],
    "delete-list-item": [("text/05-hebel.md",
                          "- **Koordinierungs- und Servicestellen:** Landesweite Stellen beraten Kommunen "
                          "und Träger,\n  organisieren Austausch und Fortbildung und bündeln Wissen.\n", "")],
    "delete-heading-analysis": [("text/04-hemmnisse.md", "## Fehlende Zeit und Qualifizierung\n\n", "")],
}
POSITION_CASES = ["paragraph-after", "paragraph-after-table", "bibliography-comment", "footnote",
                  "bold-insertion", "split", "join", "delete-heading", "comment-newline"]


# ------------------------------------------------------------------ fixtures and helpers


@pytest.fixture
def opened(workspace: Workspace, capsys) -> Workspace:
    open_round(workspace, POSITION, REVIEWERS)
    capsys.readouterr()
    return workspace


@pytest.fixture
def opened_analysis(workspace: Workspace, capsys) -> Workspace:
    open_round(workspace, ANALYSIS, REVIEWERS)
    capsys.readouterr()
    return workspace


@pytest.fixture
def uno_python() -> str:
    for candidate in ("/usr/bin/python3", "/usr/local/bin/python3"):
        if os.path.exists(candidate) and subprocess.run(
                [candidate, "-c", "import uno"], capture_output=True, check=False).returncode == 0:
            return candidate
    if os.environ.get("CI"):
        pytest.fail("python3-uno is missing on CI: .ci/run installs it")
    pytest.skip("Debian's python3-uno (and LibreOffice) is not installed on this machine")


def draft(ws: Workspace, slug: str, reviewer: str = "bmfsfj") -> Path:
    return ws.build_dir / slug / "runde-1" / f"{slug}-v0.1.0-{reviewer}.docx"


def anchors(ws: Workspace, slug: str) -> dict:
    return json.loads((ws.papers_dir / slug / "rounds" / "1" / "anchors.json").read_text("utf-8"))


def _rewrite(path: Path, out: Path, edit) -> Path:
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    edit(parts)
    out.write_bytes(zip_parts(parts))
    return out


def reviewed(ws: Workspace, slug: str, python: str, tmp_path: Path, *cases: str) -> Path:
    """The reviewer copy, edited in LibreOffice with *cases* and saved by it as .docx.

    Headless UNO will not load a file whose tracked changes are protected, so the protection
    is lifted first, as a reviewer's 'Edit › Track Changes › Protect' would."""

    def unprotect(parts: dict[str, bytes]) -> None:
        parts["word/settings.xml"] = re.sub(rb"<w:documentProtection[^>]*/>", b"", parts["word/settings.xml"])

    copy = _rewrite(draft(ws, slug), tmp_path / "kopie.docx", unprotect)
    saved = tmp_path / f"{slug}-v0.1.0-bmfsfj-zurueck.docx"
    run = subprocess.run([python, str(EDITS), str(copy), str(saved), *cases], capture_output=True,
                         text=True, timeout=300, check=False)
    assert run.returncode == 0 and saved.is_file(), f"LibreOffice edits failed:\n{run.stderr[-3000:]}"
    return saved


def revisions(path: Path) -> dict[str, int]:
    """What LibreOffice wrote: tracked changes per kind (body and footnotes) and comments."""
    from lxml import etree

    counts = {"ins": 0, "del": 0, "paragraph-ins": 0, "paragraph-del": 0, "comments": 0,
              "footnote-revisions": 0, "comment-paragraphs": 0}
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        document = etree.fromstring(zf.read("word/document.xml"))
        counts["ins"] = len(document.findall(f".//{W}ins"))
        counts["del"] = len(document.findall(f".//{W}del"))
        counts["paragraph-ins"] = len(document.findall(f".//{W}pPr/{W}rPr/{W}ins"))
        counts["paragraph-del"] = len(document.findall(f".//{W}pPr/{W}rPr/{W}del"))
        if "word/footnotes.xml" in names:
            notes = etree.fromstring(zf.read("word/footnotes.xml"))
            counts["footnote-revisions"] = len(notes.findall(f".//{W}ins")) + len(notes.findall(f".//{W}del"))
        if "word/comments.xml" in names:
            comments = etree.fromstring(zf.read("word/comments.xml"))
            counts["comments"] = len(comments.findall(f"{W}comment"))
            counts["comment-paragraphs"] = len(comments.findall(f"{W}comment/{W}p"))
    return counts


def collect(ws: Workspace, slug: str, path: Path, capsys) -> list:
    capsys.readouterr()
    code = main(["round", "collect", slug, str(path)])
    out = capsys.readouterr()
    assert code == 0, out.err
    found = items(ws, slug)
    for entry in found:
        assert entry["kind"] in KINDS, f"{entry['id']}: kind {entry['kind']!r} is not one of {sorted(KINDS)}"
    return found


def where(entry) -> tuple[str, int]:
    anchor = entry.get("anchor") or {}
    return anchor.get("file") or "", int(anchor.get("line") or 0)


def summary(found: list) -> str:
    return "\n".join(f"  {e['id']} {e['kind']} {where(e)} "
                     f"paragraph={(e.get('anchor') or {}).get('paragraph')} "
                     f"text={e.get('text')!r} deleted={e.get('deleted', '')!r}" for e in found)


def line_of(ws: Workspace, slug: str, rel: str, starts_with: str) -> int:
    lines = (ws.papers_dir / slug / rel).read_text("utf-8").split("\n")
    [number] = [i for i, line in enumerate(lines, 1) if line.startswith(starts_with)]
    return number


def accept_all_and_apply(ws: Workspace, slug: str, found: list, capsys) -> None:
    for entry in found:
        assert main(["round", "decide", slug, entry["id"], "--accept"]) == 0
    capsys.readouterr()
    code = main(["round", "apply", slug])
    err = capsys.readouterr().err
    assert code == 0, f"papier round apply exit {code}:\n{err}"


def by_hand(ws: Workspace, slug: str, cases: list[str]) -> dict[str, str]:
    """The sent chapter files with the reviewer's edits made by hand: {rel path: text}."""
    repo = git.Repo(ws.root)
    texts: dict[str, str] = {}
    for case in cases:
        for rel, old, new in BY_HAND[case]:
            if rel not in texts:
                texts[rel] = repo.git.show(f"HEAD:papers/{slug}/{rel}") + "\n"
            assert texts[rel].count(old) == 1, f"{rel}: {old!r} is not once in the sent text"
            texts[rel] = texts[rel].replace(old, new)
    return texts


def blocks(markdown: str) -> list[str]:
    """The Markdown's blocks (parted by blank lines), their line breaks and spaces folded."""
    return [" ".join(b.split()) for b in re.split(r"\n[ \t]*\n", markdown.strip())]


def assert_text_is(ws: Workspace, slug: str, expected: dict[str, str], bold_ok: bool = False) -> None:
    """The paper's text/ after apply is the sent one with exactly the reviewer's edits: the
    same blocks in the same order (a changed paragraph may be wrapped anew), every block the
    reviewer did not touch byte for byte as sent, and no other chapter file touched."""
    repo = git.Repo(ws.root)
    changed = set(repo.git.diff("--name-only", "HEAD", "--", f"papers/{slug}/text").split())
    assert changed == {f"papers/{slug}/{rel}" for rel in expected}, f"git diff touches {sorted(changed)}"
    for rel, want in expected.items():
        sent = repo.git.show(f"HEAD:papers/{slug}/{rel}") + "\n"
        got = (ws.papers_dir / slug / rel).read_text("utf-8")
        seen = got.replace("sehr **wichtige**", "sehr wichtige") if bold_ok else got
        assert blocks(seen) == blocks(want), (
            f"{rel} after apply differs from the reviewer's edit:\n--- expected\n{want}\n--- got\n{got}")
        raw_sent, raw_want, raw_got = (re.split(r"\n[ \t]*\n", t.strip()) for t in (sent, want, got))
        untouched = [b for b in raw_sent if b in raw_want]
        rewrapped = [b for b in untouched if b not in raw_got]
        assert not rewrapped, f"{rel}: blocks the reviewer did not touch were rewritten: {rewrapped}"


# ------------------------------------------------------------------ one concern a test


def test_new_paragraph_after_a_paragraph_and_after_the_table(opened: Workspace, uno_python: str,
                                                             tmp_path: Path, capsys) -> None:
    """Enter at the end of a body paragraph and typing; a paragraph typed between the table
    (end of chapter 2) and the next chapter's heading."""
    saved = reviewed(opened, POSITION, uno_python, tmp_path, "paragraph-after", "paragraph-after-table")
    counts = revisions(saved)
    assert counts["paragraph-ins"] == 2 and counts["ins"] >= 4, counts  # two marks, two texts

    found = collect(opened, POSITION, saved, capsys)
    assert len(found) == 2, f"two new paragraphs, two items; got\n{summary(found)}"
    by_text = {e["text"].strip(): e for e in found}
    assert set(by_text) == {NEW_SENTENCE, TABLE_SENTENCE}, summary(found)
    for entry in found:
        assert entry["kind"] == "insertion" and entry["anchor"]["paragraph"] is True, summary(found)

    marks = anchors(opened, POSITION)
    after = by_text[NEW_SENTENCE]
    assert where(after) == (CH2, line_of(opened, POSITION, CH2, "Die Chancen eines Kindes"))
    assert marks[after["anchor"]["block"]]["text"].startswith("Die Chancen eines Kindes")

    # the table is the block the second paragraph follows: its record in anchors.json (the
    # caption line or the table itself), not the heading of chapter 3 it stands before, not a cell
    table = by_text[TABLE_SENTENCE]
    caption = [k for k, r in marks.items()
               if r["file"] == CH2 and r["text"].startswith("Tabelle: Was Familien")]
    whole = [k for k, r in marks.items() if r["file"] == CH2 and r["text"].startswith("BereichBeispiele")]
    assert caption or whole, "anchors.json has no record of the table"
    allowed = {(marks[k]["file"], marks[k]["line"]) for k in caption + whole}
    assert where(table) in allowed, (
        f"the paragraph after the table is anchored at {where(table)}, "
        f"block {table['anchor'].get('block')!r}; expected the table at {allowed}")
    assert table["anchor"]["block"] in caption + whole

    accept_all_and_apply(opened, POSITION, found, capsys)
    assert_text_is(opened, POSITION, by_hand(opened, POSITION, ["paragraph-after", "paragraph-after-table"]))


def test_comment_on_the_bibliography_and_comment_with_a_line_break(opened: Workspace, uno_python: str,
                                                                    tmp_path: Path, capsys) -> None:
    """A comment on an entry of „Literatur“ (generated, no Markdown block), and a comment
    whose text has two paragraphs (Enter in the comment)."""
    saved = reviewed(opened, POSITION, uno_python, tmp_path, "bibliography-comment", "comment-newline")
    counts = revisions(saved)
    assert counts["comments"] == 2 and counts["comment-paragraphs"] == 3, counts

    found = collect(opened, POSITION, saved, capsys)
    assert [e["kind"] for e in found] == ["comment", "comment"], (
        f"two comments and nothing else (LibreOffice records the comment's anchor as an empty "
        f"insertion); got\n{summary(found)}")
    by_text = {e["text"]: e for e in found}
    assert MULTILINE_COMMENT in by_text, f"the line break did not survive: {[e['text'] for e in found]}"
    multiline = by_text[MULTILINE_COMMENT]
    assert where(multiline) == (CH3, line_of(opened, POSITION, CH3, "Land, Kommune und Träger tragen"))

    [bib] = [e for e in found if e["text"] == BIB_COMMENT]
    anchor = bib["anchor"]
    chapter_blocks = {k for k, r in anchors(opened, POSITION).items() if r["file"].startswith("text/")}
    placed = f"the bibliography comment is anchored at {where(bib)}, block {anchor.get('block')!r}"
    assert anchor.get("block", "") not in chapter_blocks, placed
    assert not (anchor.get("file") or "").startswith("text/"), placed
    assert anchor.get("section") == "Literatur"


def test_edit_inside_a_footnote(opened: Workspace, uno_python: str, tmp_path: Path, capsys) -> None:
    saved = reviewed(opened, POSITION, uno_python, tmp_path, "footnote")
    assert revisions(saved)["footnote-revisions"] == 2  # w:del mehreren, w:ins drei

    found = collect(opened, POSITION, saved, capsys)
    assert len(found) == 1, summary(found)
    [entry] = found
    assert (entry["kind"], entry.get("deleted"), entry["text"]) == ("replacement", "mehreren", "drei")
    definition = line_of(opened, POSITION, CH1, "[^beteiligung]:")
    assert where(entry) == (CH1, definition), (
        f"a footnote edit belongs to the line of its [^beteiligung]: definition ({CH1}:{definition}), "
        f"not {where(entry)}")

    accept_all_and_apply(opened, POSITION, found, capsys)
    assert_text_is(opened, POSITION, by_hand(opened, POSITION, ["footnote"]))


def test_typed_words_with_a_bold_one_are_one_insertion(opened: Workspace, uno_python: str,
                                                       tmp_path: Path, capsys) -> None:
    """"sehr wichtige " typed before a word, "wichtige" then made bold: LibreOffice writes
    three w:ins (plain, bold, plain); the reviewer made one suggestion."""
    saved = reviewed(opened, POSITION, uno_python, tmp_path, "bold-insertion")
    assert revisions(saved)["ins"] == 3

    found = collect(opened, POSITION, saved, capsys)
    assert len(found) == 1, f"one suggestion, not one per run:\n{summary(found)}"
    [entry] = found
    assert (entry["kind"], entry["text"]) == ("insertion", "sehr wichtige ")
    assert where(entry) == (CH1, line_of(opened, POSITION, CH1, "So verbreitet der Ansatz ist"))

    accept_all_and_apply(opened, POSITION, found, capsys)
    # the words are in the text once, in order, before the word they were typed before;
    # "wichtige" may keep its bold (**wichtige**), but nothing is doubled
    chapter = (opened.papers_dir / POSITION / CH1).read_text("utf-8")
    assert chapter.replace("**", "").count("sehr wichtige") == 1
    assert_text_is(opened, POSITION, by_hand(opened, POSITION, ["bold-insertion"]), bold_ok=True)


def test_split_and_join(opened: Workspace, uno_python: str, tmp_path: Path, capsys) -> None:
    """Enter in the middle of a paragraph; Delete at the end of one (its paragraph mark)."""
    saved = reviewed(opened, POSITION, uno_python, tmp_path, "split", "join")
    counts = revisions(saved)
    assert counts["paragraph-ins"] == 1 and counts["paragraph-del"] == 1, counts

    found = collect(opened, POSITION, saved, capsys)
    assert sorted(e["kind"] for e in found) == ["join", "split"], summary(found)
    kinds = {e["kind"]: e for e in found}
    assert where(kinds["split"]) == (CH1, line_of(opened, POSITION, CH1, "Die rechtlichen Grundlagen"))
    assert where(kinds["join"]) == (CH1, line_of(opened, POSITION, CH1, "Kinder wachsen nicht"))

    assert main(["round", "matrix", POSITION, "--to", "md"]) == 0
    matrix = Path(capsys.readouterr().out.strip()).read_text("utf-8")
    for entry in found:
        [row] = [r for r in matrix.splitlines() if r.startswith(f"| {entry['id']} |")]
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", row)[1:-1]]
        file, line = where(entry)
        assert f"{file}:{line}" in cells[1], row
        # the paragraph mark shown in the quoted place, or the change said in words
        assert "¶" in cells[2] or cells[4], f"the matrix does not show the {entry['kind']}: {row}"

    accept_all_and_apply(opened, POSITION, found, capsys)
    assert_text_is(opened, POSITION, by_hand(opened, POSITION, ["split", "join"]))


def test_deleted_list_item_and_heading(opened_analysis: Workspace, uno_python: str,
                                       tmp_path: Path, capsys) -> None:
    """A whole list item and a whole heading selected with their paragraph marks and deleted."""
    ws = opened_analysis
    saved = reviewed(ws, ANALYSIS, uno_python, tmp_path, "delete-list-item", "delete-heading-analysis")
    assert revisions(saved)["paragraph-del"] == 2

    found = collect(ws, ANALYSIS, saved, capsys)
    assert len(found) == 2 and all(e["kind"] == "deletion" for e in found), summary(found)
    for entry in found:
        assert entry["anchor"]["paragraph"] is True, summary(found)
    assert sorted(where(e) for e in found) == sorted([
        ("text/04-hemmnisse.md", line_of(ws, ANALYSIS, "text/04-hemmnisse.md", "## Fehlende Zeit")),
        ("text/05-hebel.md", line_of(ws, ANALYSIS, "text/05-hebel.md", "- **Koordinierungs- und")),
    ]), summary(found)

    accept_all_and_apply(ws, ANALYSIS, found, capsys)
    assert_text_is(ws, ANALYSIS, by_hand(ws, ANALYSIS, ["delete-list-item", "delete-heading-analysis"]))


# ------------------------------------------------------------------ all at once, and close


def test_every_edit_once_then_apply_and_close(opened: Workspace, uno_python: str,
                                              tmp_path: Path, capsys) -> None:
    """All the edits above (and a deleted heading) in one copy: each is one item with its own
    place; accepted and applied, the chapters read as the reviewer edited them; close works."""
    saved = reviewed(opened, POSITION, uno_python, tmp_path, *POSITION_CASES)
    counts = revisions(saved)
    assert counts["comments"] == 2 and counts["footnote-revisions"] == 2, counts
    assert counts["paragraph-ins"] == 3 and counts["paragraph-del"] == 2, counts

    found = collect(opened, POSITION, saved, capsys)

    def line(rel: str, start: str) -> int:
        return line_of(opened, POSITION, rel, start)

    expected = sorted([
        ("insertion", CH2, line(CH2, "Die Chancen eines Kindes")),
        ("insertion", CH2, None),  # after the table: checked in its own test
        ("comment", "", None),  # the bibliography: checked in its own test
        ("replacement", CH1, line(CH1, "[^beteiligung]:")),
        ("insertion", CH1, line(CH1, "So verbreitet der Ansatz ist")),
        ("split", CH1, line(CH1, "Die rechtlichen Grundlagen")),
        ("join", CH1, line(CH1, "Kinder wachsen nicht")),
        ("deletion", CH1, line(CH1, "## Warum das Bundesforum")),
        ("comment", CH3, line(CH3, "Land, Kommune und Träger tragen")),
    ], key=str)
    assert len(found) == len(expected), (
        f"{len(POSITION_CASES)} edits, {len(expected)} items expected, {len(found)} collected:\n"
        f"{summary(found)}")
    ids = [e["id"] for e in found]
    assert len(set(ids)) == len(ids)
    got = []
    for entry in found:
        file, number = where(entry)
        if entry["kind"] == "comment" and not file.startswith("text/"):
            got.append(("comment", "", None))
        elif entry["kind"] == "insertion" and entry["text"].strip() == TABLE_SENTENCE:
            got.append(("insertion", file, None))
        else:
            got.append((entry["kind"], file, number))
    assert sorted(got, key=str) == expected, summary(found)
    places = [where(e) for e in found if where(e)[0].startswith("text/")]
    assert len(set(places)) == len(places), f"two items share a place:\n{summary(found)}"

    accept_all_and_apply(opened, POSITION, found, capsys)
    assert_text_is(opened, POSITION, by_hand(opened, POSITION, POSITION_CASES), bold_ok=True)
    capsys.readouterr()
    assert main(["round", "close", POSITION]) == 0, capsys.readouterr().err


def test_close_refuses_accepted_items_not_applied(opened: Workspace, uno_python: str,
                                                  tmp_path: Path, capsys) -> None:
    saved = reviewed(opened, POSITION, uno_python, tmp_path, "paragraph-after", "footnote")
    found = collect(opened, POSITION, saved, capsys)
    assert found, "nothing collected"
    for entry in found:
        assert main(["round", "decide", POSITION, entry["id"], "--accept"]) == 0
    capsys.readouterr()
    record = opened.papers_dir / POSITION / "rounds" / "1" / "round.yaml"

    code = main(["round", "close", POSITION])
    err = capsys.readouterr().err
    assert "state: open" in record.read_text("utf-8"), "closed with accepted items not in the text"
    for entry in found:
        assert entry["id"] in err, f"the refusal does not name {entry['id']}:\n{err}"
    assert code == 2, f"close refused with exit {code}, expected 2 (a refusal):\n{err}"

    reason = "Die Änderungen kommen mit der Überarbeitung in Runde 2."
    assert main(["round", "close", POSITION, "--force", "--reason", reason]) == 0, capsys.readouterr().err
    data, problems = yamlio.load(record)
    assert not problems
    assert data["state"] == "closed"
    assert reason in record.read_text("utf-8"), "round.yaml does not keep the reason"
