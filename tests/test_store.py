"""comments.yaml: papier's own emitter, the strict and general readers, the JSON cache."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import POSITION, make_workspace
from papier import yamlio
from papier.errors import PaperInvalid
from papier.paper import load_paper
from papier.rounds import store
from papier.rounds.decisions import validate_items
from papier.rounds.store import Round, RoundError, load_items, new_map, round_dir, save_items

TRICKY = [
    "=SUMME(A1:A3)", "- kein Listenpunkt", "# kein Kommentar", ": Doppelpunkt", "a: b", "x #y",
    "\"Zitat\"", "'einfach'", "„deutsch“", "Zeile 1\nZeile 2\n", "\tTab", "a\tb", "trail ",
    " lead", "Trenner\u2028hier", "Absatz\u2029", "NEL\x85", "BOM\ufeff", "ctl\x01\x1f\x7f",
    "Emoji 😀 👩‍👧", "yes", "no", "on", "off", "null", "~", "true", "False", "2026-11-21",
    "2026-11-30T09:00:00Z", "12:30", "0o17", "0x1F", "1e3", ".inf", ".nan", "007", "1_000",
    "", " ", "-", "?", "|", ">", "&anker", "*alias", "!tag", "%YAML", "@x", "`x`", "[1, 2]",
    "{a: 1}", "---", "...", "\\", "\\n", "back\\slash", "R1-001", "übernommen",
    "text/01-einleitung.md", "Stelle A", "Stelle  A", "x" * 300,
]


def item(n: int, **extra: object) -> dict:
    entry = {
        "id": f"R1-{n:03d}", "reviewer": "bmfsfj", "author": "Dr. Maria Beispiel",
        "date": "2026-11-30T09:00:00Z", "kind": "comment", "text": f"Kommentar {n}",
        "initials": "MB", "replies": [{"author": "Jonas", "date": "2026-12-01T10:00:00Z",
                                       "text": "Antwort:\n- mit Liste"}],
        "resolved": False,
        "anchor": {"file": "text/01-ausgangslage.md", "line": 3 + n, "section": "1 Ausgangslage",
                   "quote": "Familienzentren", "block": "blk-01-003", "method": "bookmark",
                   "to": {"file": "", "line": 0}},
        "source": {"file": "rounds/1/returned/bmfsfj-1234abcd.docx", "sha256": "0" * 64,
                   "docx_id": "7"},
        "decision": "offen", "response": "",
    }
    entry.update(extra)
    return entry


@pytest.fixture
def rnd(tmp_path: Path) -> Round:
    ws = make_workspace(tmp_path / "ws", papers=(POSITION,), commit=False)
    paper = load_paper(ws, POSITION)
    round_dir(paper, 1).mkdir(parents=True)
    return Round(paper, 1, {"state": "open"})


def cache_files(rnd: Round) -> list[Path]:
    return sorted(store._cache_folder(rnd).glob("*.json"))


def forget(rnd: Round) -> None:
    """As on a fresh clone: no cache, nothing remembered in this process."""
    for path in cache_files(rnd):
        path.unlink()
    store.LOADED.clear()


def tricky_items() -> list[dict]:
    items = [item(i + 1, text=text, response=text) for i, text in enumerate(TRICKY)]
    items.append(item(900, nested=[[1, [2, []]], [], {}, None, True, 0, -7, 1.5, 1e20],
                      empty_map={}, empty_list=[], none=None, flag=True, count=12, ratio=-0.25,
                      replies=[], **{"yes": "key", "2026": "digit key", "a b": "spaced key"}))
    return items


def test_round_trip_of_tricky_values(rnd: Round) -> None:
    items = tricky_items()
    save_items(rnd, copy.deepcopy(items))
    assert load_items(rnd) == items  # from the cache
    forget(rnd)
    assert load_items(rnd) == items  # by the strict reader
    text = rnd.comments_path.read_text("utf-8")
    assert store.read_strict(text) == items
    assert store.general_load(text) == items  # libyaml
    data, problems = yamlio.load(rnd.comments_path)  # ruamel round trip, as papier check reads
    assert not problems and data == items
    assert validate_items(rnd) == []


def test_output_is_readable_and_stable(rnd: Round) -> None:
    save_items(rnd, tricky_items())
    first = rnd.comments_path.read_bytes()
    text = first.decode("utf-8")
    assert text.startswith("# Comment matrix of round 1: one entry per comment or suggestion.\n# Edit")
    assert "\n\n- id: R1-002\n  reviewer: bmfsfj\n" in text  # one block per item, keys in order
    assert "  decision: offen\n" in text and '  date: "2026-11-30T09:00:00Z"\n' in text
    assert '  text: "yes"\n' in text and '  text: "2026-11-21"\n' in text
    assert '  text: "Trenner\\u2028hier"\n' in text and '"BOM\\ufeff"' in text
    assert "\t" not in text and "\u2028" not in text and "\x85" not in text
    save_items(rnd, load_items(rnd))
    assert rnd.comments_path.read_bytes() == first
    forget(rnd)
    save_items(rnd, load_items(rnd))
    assert rnd.comments_path.read_bytes() == first
    assert store.dump_items(tricky_items(), store.HEADER.format(n=1)).encode("utf-8") == first


def test_a_save_re_emits_only_changed_items_and_writes_the_same_bytes(rnd: Round, monkeypatch) -> None:
    items = [item(n) for n in range(1, 40)]
    save_items(rnd, items)
    store.LOADED.clear()
    loaded = load_items(rnd)  # from the cache: the blocks of the file are reused
    loaded[5]["decision"] = "abgelehnt"
    loaded[5]["response"] = "Nein: „so nicht“ – siehe 2."
    loaded.append(item(40, kind="insertion"))
    emitted = []
    real = store.item_block
    monkeypatch.setattr(store, "item_block", lambda entry: emitted.append(entry["id"]) or real(entry))
    save_items(rnd, loaded)
    assert emitted == ["R1-006", "R1-040"]
    assert rnd.comments_path.read_text("utf-8") == store.dump_items(loaded, store.HEADER.format(n=1))
    forget(rnd)
    assert load_items(rnd) == loaded


def test_hand_edit_is_read_and_checked(rnd: Round) -> None:
    save_items(rnd, [item(1), item(2), item(3)])
    assert load_items(rnd)[1]["decision"] == "offen"
    path = rnd.comments_path
    text = path.read_text("utf-8")
    # an editor: a plain word, a plain sentence, the same in CRLF
    edited = text.replace("decision: offen\n  response: \"\"", "decision: übernommen\n"
                          "  response: Wir übernehmen das, gern.", 1)
    path.write_bytes(edited.replace("\n", "\r\n").encode("utf-8"))
    got = load_items(rnd)  # new bytes, new cache key
    assert got[0]["decision"] == "übernommen" and got[0]["response"] == "Wir übernehmen das, gern."
    assert got[1]["decision"] == "offen"
    assert validate_items(rnd) == []
    # outside the strict shape: a block scalar, a comment after a value, an unquoted date
    edited = text.replace("decision: offen\n  response: \"\"", "decision: abgelehnt  # Sitzung\n"
                          "  response: |\n    Nein.\n    Zweite Zeile.\n  applied: 2026-12-01", 1)
    path.write_text(edited, "utf-8")
    got = load_items(rnd)
    assert got[0]["decision"] == "abgelehnt" and got[0]["response"] == "Nein.\nZweite Zeile.\n"
    assert got[0]["applied"] == "2026-12-01"  # the text that was written, not a date
    assert store.strict_items(rnd) is None
    assert validate_items(rnd) == []
    # a wrong decision: papier check names it with its line
    path.write_text(text.replace("decision: offen", "decision: vielleicht", 1), "utf-8")
    problems = validate_items(rnd)
    assert len(problems) == 1 and "decision 'vielleicht' is not one of" in problems[0].message
    line = text.splitlines().index("  decision: offen") + 1
    assert problems[0].line == line
    # a broken file: an error with its line, not a traceback
    path.write_text(text.replace("  kind: comment", "  kind: [comment", 1), "utf-8")
    with pytest.raises(PaperInvalid) as err:
        load_items(rnd)
    assert "comments.yaml:" in str(err.value) and "YAML syntax error" in str(err.value)


def test_duplicate_keys_and_wrong_shapes_are_refused(rnd: Round) -> None:
    path = rnd.comments_path
    path.write_text("- id: R1-001\n  decision: offen\n  decision: abgelehnt\n", "utf-8")
    with pytest.raises(PaperInvalid):
        load_items(rnd)
    path.write_text("id: R1-001\n", "utf-8")
    with pytest.raises(RoundError, match="must be a list"):
        load_items(rnd)
    path.write_text("- R1-001\n", "utf-8")
    with pytest.raises(RoundError, match="not a mapping"):
        load_items(rnd)
    path.write_text("# nur ein Kommentar\n", "utf-8")
    assert load_items(rnd) == []
    save_items(rnd, [])
    assert load_items(rnd) == [] and path.read_text("utf-8").endswith("\n[]\n")


def test_no_yaml_is_parsed_while_the_cache_is_valid(rnd: Round, monkeypatch) -> None:
    items = [item(n) for n in range(1, 6)]
    save_items(rnd, items)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("YAML parsed although the cache is valid")

    with monkeypatch.context() as patch:
        for name in ("read_strict", "general_load", "from_ruamel"):
            patch.setattr(store, name, refuse)
        patch.setattr(store.yamlio, "load", refuse)
        assert load_items(rnd) == items
        assert store.strict_items(rnd) == items
    assert len(cache_files(rnd)) == 1
    # another save: the new content's cache replaces the old one
    items[0]["decision"] = "teilweise"
    save_items(rnd, items)
    assert len(cache_files(rnd)) == 1
    forget(rnd)
    assert load_items(rnd) == items  # parsed once more ...
    with monkeypatch.context() as patch:
        patch.setattr(store, "read_strict", refuse)
        assert load_items(rnd) == items  # ... and cached again
    # a damaged cache is not trusted
    cache_files(rnd)[0].write_text("{broken", "utf-8")
    assert load_items(rnd) == items


def test_new_map_is_a_plain_deep_copy() -> None:
    source = {"a": {"b": [1, {"c": (2, 3)}]}, "d": dt.date(2026, 1, 2)}
    out = new_map(source)
    assert out == {"a": {"b": [1, {"c": [2, 3]}]}, "d": dt.date(2026, 1, 2)}
    assert type(out) is dict and type(out["a"]["b"]) is list
    out["a"]["b"][1]["c"].append(4)
    assert source["a"]["b"][1]["c"] == (2, 3)


def test_dates_and_enums_are_written_as_their_text(rnd: Round) -> None:
    from papier.rounds.items import Decision

    save_items(rnd, [item(1, applied=dt.date(2026, 12, 1), decision=Decision.ACCEPTED)])
    forget(rnd)
    got = load_items(rnd)[0]
    assert got["applied"] == "2026-12-01" and got["decision"] == "übernommen"


# ------------------------------------------------------------------ properties

TEXT = st.text(st.characters(codec="utf-8"), max_size=30) | st.sampled_from(TRICKY)
SCALAR = TEXT | st.none() | st.booleans() | st.integers(-10**6, 10**6) \
    | st.floats(allow_nan=False, allow_infinity=True)
KEY = st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True) | TEXT
VALUE = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(KEY, inner, max_size=3), max_leaves=12)
ITEMS = st.lists(st.dictionaries(KEY, VALUE, max_size=6), max_size=4)


@settings(max_examples=300, deadline=None)
@given(items=ITEMS)
def test_every_reader_reads_what_the_emitter_writes(items) -> None:
    text = store.dump_items(items, "Kopf")
    assert store.read_strict(text) == items
    assert store.general_load(text) == items
    assert yamlio._yaml().load(text) == items


def _ruamel_or_error(text: str) -> object:
    try:
        return store.from_ruamel(yamlio._yaml().load(text))
    except Exception as exc:
        return exc


EDITS = st.sampled_from([" ", "  ", "-", "- ", ":", ": ", "#", " #", "\"", "'", "\\", "\n", "\n  ",
                         "\n- ", "[", "]", "{", "}", "|", ">", "&a", "*a", "!", "?", "~", "yes",
                         "null", "1", "0x", "2026-01-01", "\t", "\r", "\u2028", "\x85", "\ufeff",
                         ",", "%", "@", "---", "..."])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=ITEMS, edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 3), EDITS),
                                   min_size=1, max_size=3))
def test_the_strict_reader_accepts_only_what_it_reads_like_yaml(items, edits) -> None:
    """Hand edits anywhere: what the strict reader takes, libyaml and ruamel read the same."""
    text = store.dump_items(items, "Kopf")
    for where, cut, insert in edits:
        at = where % (len(text) + 1)
        text = text[:at] + insert + text[at + cut:]
    try:
        strict = store.read_strict(text)
    except store.Unsupported:
        return
    assert store.general_load(text) == strict
    assert _ruamel_or_error(text) == strict


def test_cache_lines_are_the_items_as_json(rnd: Round) -> None:
    save_items(rnd, [item(1), item(2)])
    head, *lines = cache_files(rnd)[0].read_text("utf-8").split("\n")
    assert json.loads(head) == {"items": 2, "canonical": True, "strict": True}
    assert [json.loads(line) for line in lines] == [item(1), item(2)]


def test_lone_surrogates_survive(rnd: Round) -> None:
    """Not from Word (XML cannot carry them), but kept all the same: escaped when written,
    read back by ruamel when neither the strict reader nor libyaml takes the escape."""
    items = [item(1, text="a\ud800b", response="\udc00")]
    save_items(rnd, copy.deepcopy(items))
    assert "\\ud800" in rnd.comments_path.read_text("utf-8")
    assert load_items(rnd) == items
    forget(rnd)
    assert load_items(rnd) == items
