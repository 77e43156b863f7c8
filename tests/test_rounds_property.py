"""Property: across collect, decide and apply no reviewer item is lost, duplicated or changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from conftest import POSITION, make_workspace
from papier import yamlio
from papier.cli import main
from papier.ooxml.reader import read_docx
from readback import W
from test_rounds import REVIEWERS
from wordlike import Review, decide_in_word

pytestmark = pytest.mark.slow  # opens, collects, decides and applies comment rounds

WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüß", min_size=3, max_size=10)
EDIT = st.tuples(st.sampled_from(["comment", "insertion", "deletion"]), st.integers(0, 30), WORDS)


def _returned(draft: Path, out: Path, edits: list[tuple[str, int, str]]) -> None:
    """Add comments, insertions and deletions to body paragraphs, as Word writes them."""
    review = Review(draft)
    author = {f"{W}author": "Prüferin", f"{W}date": "2026-11-30T09:00:00Z"}
    for number, (kind, where, word) in enumerate(edits):
        p = review.body[where % len(review.body)]
        if kind == "comment":
            review.comment(p, str(100 + number), author, word)
        else:
            review.change(p, kind, str(100 + number), author, f" {word}")
    review.save(out)


# each example opens a round and builds a DOCX (~0.5 s): no shrinking, the failing example is printed
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck),
          phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(edits=st.lists(EDIT, min_size=1, max_size=12, unique_by=lambda e: (e[0], e[1] % 31, e[2])),
       decisions=st.lists(st.sampled_from(["--accept", "--reject", "--note", "--partly"]), max_size=12))
# found by this test: two comments with the same text and minute in different places were one
@example(edits=[("deletion", 6, "evip"), ("comment", 0, "aaa"), ("comment", 1, "aaa")],
         decisions=["--accept", "--partly", "--reject"])
def test_no_item_lost_or_duplicated(tmp_path_factory, edits, decisions) -> None:
    root = tmp_path_factory.mktemp("prop")
    ws = make_workspace(root / "ws", papers=(POSITION,))
    import os

    old = os.getcwd()
    os.chdir(ws.root)
    try:
        (ws.root / "r.yaml").write_text(REVIEWERS, "utf-8")
        assert main(["round", "open", POSITION, "--reviewers", "r.yaml"]) == 0
        draft = ws.build_dir / POSITION / "runde-1" / f"{POSITION}-v0.1.0-bmfsfj.docx"
        returned = ws.root / "zurueck.docx"
        _returned(draft, returned, edits)
        assert main(["round", "collect", POSITION, str(returned)]) == 0
        assert main(["round", "collect", POSITION, str(returned)]) == 0  # again: nothing new
        path = ws.papers_dir / POSITION / "rounds" / "1" / "comments.yaml"
        first, _ = yamlio.load(path)
        # every word the reviewer wrote or struck is in exactly one item (changes of one author
        # side by side are one suggestion: an insertion next to a deletion is one replacement,
        # two insertions in a row one insertion, their words in document order)
        collected = [v for e in first for v in (e["text"], e.get("deleted", "")) if v]
        assert sorted(w for v in collected for w in v.split()) == sorted(w for _, _, w in edits)
        comments = sorted(e["text"] for e in first if e["kind"] == "comment")
        assert comments == sorted(w for k, _, w in edits if k == "comment")
        # the Gesamtfassung: every change accepted in the file comes back as übernommen,
        # nothing else is decided, no item is added, lost or changed
        assert main(["round", "merge", POSITION]) == 0
        gesamt = ws.build_dir / POSITION / "runde-1" / f"{POSITION}-v0.1.0-gesamt.docx"
        decide_in_word(gesamt, ws.root / "entschieden.docx", accept=("Prüferin",))
        assert main(["round", "collect", POSITION, str(ws.root / "entschieden.docx")]) == 0
        merged, _ = yamlio.load(path)
        assert [e["id"] for e in merged] == [e["id"] for e in first]
        for a, b in zip(merged, first, strict=True):
            for key in ("reviewer", "author", "date", "kind", "text", "anchor", "source", "replies"):
                assert a[key] == b[key]
            taken = a["kind"] != "comment" and a["merged"]["as"] == "change"
            assert a["decision"] == ("übernommen" if taken else "offen"), a
        for entry, flag in zip(list(first), decisions, strict=False):
            assert main(["round", "decide", POSITION, entry["id"], flag]) == 0
        main(["round", "apply", POSITION])
        after, _ = yamlio.load(path)
        assert [e["id"] for e in after] == [e["id"] for e in first]
        for a, b in zip(after, first, strict=True):
            for key in ("reviewer", "author", "date", "kind", "text", "anchor", "source"):
                assert a[key] == b[key]
        assert len({e["id"] for e in after}) == len(after)
        # the reviewer's own file, answered: their comments and changes as they were
        assert main(["round", "reply", POSITION, "--partial"]) == 0
        answered = read_docx(ws.build_dir / POSITION / "runde-1" / "rueckmeldung"
                             / f"{POSITION}-v0.1.0-bmfsfj-rueckmeldung.docx")
        own = [(f.kind, f.author, f.text, f.deleted) for f in read_docx(returned).found]
        assert [(f.kind, f.author, f.text, f.deleted) for f in answered.found
                if f.author == "Prüferin"] == own
    finally:
        os.chdir(old)
        shutil.rmtree(root, ignore_errors=True)
