"""The editorial team's decisions taken in the Gesamtfassung, read back by papier round
collect: accepted and rejected tracked changes, and replies beginning with a decision word.

Word renumbers revision ids and rsids on saving, splits and merges runs and may move
comment ranges, so nothing here relies on w:id: a comment is known by author and text, a
tracked change still pending by author, text and place, a decided one by the text now
inside papier's bookmark around it, else by the text between its neighbours as sent."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from papier.errors import RoundError
from papier.i18n import DECISION_WORDS
from papier.ooxml.changes import Found
from papier.ooxml.reader import Reading
from papier.rounds.store import Round

KIND = "gesamtfassung"  # papier.kind of a Gesamtfassung (papier round merge)
DECISION_RE = re.compile(
    r"^\s*(" + "|".join(sorted((re.escape(k) for k in DECISION_WORDS), key=len, reverse=True))
    + r")(?=$|\s|[:–—-])\s*[:–—-]?\s*", re.IGNORECASE)
COMPATIBLE = {"accepted": {"übernommen", "teilweise"},
              "rejected": {"abgelehnt", "teilweise", "zur-kenntnis"}}


def decision_of(reply: str) -> tuple[str, str] | None:
    """(decision, the rest as the response) when *reply* begins with a decision word."""
    match = DECISION_RE.match(reply)
    if match is None:
        return None
    word = " ".join(match.group(1).lower().split())
    return DECISION_WORDS[word], reply[match.end():].strip()


@dataclass
class Verdict:
    """What a Gesamtfassung said, item by item, and what was recorded."""

    path: Path
    decided: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (decision, response)
    states: dict[str, str] = field(default_factory=dict)  # id -> accepted/rejected/pending/unclear
    recorded: list[str] = field(default_factory=list)
    contradictions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)


def manifest_path(rnd: Round, merge_id: str) -> Path:
    return rnd.folder / "gesamt" / f"{merge_id}.json"


def load_manifest(rnd: Round, merge_id: str) -> dict[str, Any] | None:
    """What papier round merge wrote into the Gesamtfassung *merge_id*, item by item."""
    path = manifest_path(rnd, merge_id)
    if not merge_id or not merge_id.isalnum() or not path.is_file():
        return None
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def _norm(text: str) -> str:
    return " ".join(text.split())


def _match_comments(reading: Reading, manifest: dict[str, Any]) -> tuple[dict[str, Found], list[Found]]:
    """Manifest item -> its top-level comment in the file (by author and text, the same
    date first); and the comments of the file that are no item's."""
    comments = [f for f in reading.found if f.kind == "comment"]
    used: set[int] = set()
    out: dict[str, Found] = {}
    for ident, entry in manifest["items"].items():
        label = str(entry.get("label") or "")
        text = _norm(label or str(entry.get("text") or ""))
        author = "papier" if label else entry.get("author")
        candidates = [(k, c) for k, c in enumerate(comments)
                      if k not in used and c.author == author and _norm(c.text) == text]
        if not candidates:
            continue
        dated = [(k, c) for k, c in candidates if label or c.date == entry.get("date")]
        k, found = (dated or candidates)[0]
        used.add(k)
        out[ident] = found
    return out, [c for k, c in enumerate(comments) if k not in used]


def _state(reading: Reading, entry: dict[str, Any], pending: list[Found], taken: set[int]) -> str:
    """accepted, rejected, pending, partly (one half of a replacement decided) or unclear."""
    author = entry.get("author")
    text, deleted = _norm(str(entry.get("text") or "")), _norm(str(entry.get("deleted") or ""))
    mark = reading.bookmarks.get(str(entry.get("bookmark") or ""))
    near = mark[1] if mark else -1
    halves = []
    for k, f in enumerate(pending):
        if k in taken or f.author != author:
            continue
        if (text and _norm(f.text) == text) or (deleted and _norm(f.deleted) == deleted) \
                or (not text and not deleted and f.kind in ("split", "join")):
            halves.append((abs(f.offset - near) if near >= 0 else 0, k, f))
    if halves:
        halves.sort(key=lambda h: h[0])
        _, k, f = halves[0]
        taken.add(k)
        whole = (not text or _norm(f.text) == text) and (not deleted or _norm(f.deleted) == deleted)
        return "pending" if whole else "partly"
    accepted, rejected = str(entry.get("accepted", "")), str(entry.get("rejected", ""))
    if mark is not None:
        story, offset, length = mark
        inside = reading.stories[story].original[offset:offset + length]
        if _norm(accepted) != _norm(rejected):
            if _norm(inside) == _norm(accepted):
                return "accepted"
            if _norm(inside) == _norm(rejected):
                return "rejected"
    return _by_context(reading, entry, accepted, rejected)


def _by_context(reading: Reading, entry: dict[str, Any], accepted: str, rejected: str) -> str:
    """Which of the two texts stands between the change's neighbours as sent (the nearest
    neighbours first: a neighbour may itself have been changed)."""
    story = int(entry.get("story", 0))
    if story >= len(reading.stories):
        return "unclear"
    now = reading.stories[story].original
    before, after = str(entry.get("before", "")), str(entry.get("after", ""))
    for size in (40, 20, 10, 5):
        head = before[-size:] if before else ""
        tail = after[:size]
        hits = {name: now.count(head + value + tail) for name, value in
                (("accepted", accepted), ("rejected", rejected))}
        if hits["accepted"] == 1 and hits["rejected"] == 0:
            return "accepted"
        if hits["rejected"] == 1 and hits["accepted"] == 0:
            return "rejected"
        if hits["accepted"] and hits["rejected"]:
            continue
    return "unclear"


def read_back(rnd: Round, reading: Reading, path: Path, manifest: dict[str, Any] | None,
              records: list[dict[str, Any]], overwrite: bool = False) -> Verdict:
    """Record the decisions *reading* (a Gesamtfassung) holds into *records* (in place)."""
    shown = str(path)
    if manifest is None:
        raise RoundError(f"{shown}: this Gesamtfassung's record (rounds/{rnd.number}/gesamt/"
                         f"{reading.properties.get('papier.merge')}.json) is missing; was it made "
                         "in another clone? Commit rounds/ there, or merge again and decide in "
                         "the new file")
    verdict = Verdict(path)
    by_id = {str(r.get("id")): r for r in records}
    comments, strays = _match_comments(reading, manifest)
    pending = [f for f in reading.found if f.kind != "comment"]
    taken: set[int] = set()
    for ident, entry in manifest["items"].items():
        record = by_id.get(ident)
        if record is None:
            verdict.notes.append(f"{shown}: {ident} is in the file but no longer in comments.yaml; "
                                 "not recorded")
            continue
        state = _state(reading, entry, pending, taken) if entry.get("as") == "change" else ""
        if state:
            verdict.states[ident] = state
        thread = comments.get(ident)
        if thread is None and entry.get("as") != "change":
            verdict.notes.append(f"{shown}: the comment of {ident} is no longer in the file "
                                 "(deleted?); its decision stays as it was")
        said = _replies(thread, entry, ident, shown, verdict) if thread is not None else None
        decision = _decide(ident, state, said, shown, verdict)
        if decision is not None:
            verdict.decided[ident] = decision
    for ident, entry in manifest["items"].items():  # the same suggestion twice follows the first
        if entry.get("as") == "same" and ident not in verdict.decided \
                and entry.get("of") in verdict.decided:
            verdict.decided[ident] = (verdict.decided[entry["of"]][0], "")
    written = Counter(_norm(str(t)) for e in manifest["items"].values() for t in e.get("replies") or [])
    for stray in strays:  # LibreOffice 7.4 saves replies as comments of their own
        if written[_norm(stray.text)]:
            written[_norm(stray.text)] -= 1
            continue
        said = decision_of(stray.text)
        if said is not None:
            verdict.notes.append(f"{shown}: comment by {stray.author} „{_short(stray.text)}“ has a "
                                 "decision word but is not a reply under an item (was the file saved "
                                 "by a LibreOffice that drops threads?); not recorded: reply in Word, "
                                 "or record it with papier round decide")
        elif stray.author != "papier":
            verdict.notes.append(f"{shown}: comment by {stray.author} „{_short(stray.text)}“ is not "
                                 "under an item; not recorded (reply under the item's comment)")
    _record(verdict, by_id, overwrite)
    return verdict


def _replies(thread: Found, entry: dict[str, Any], ident: str, shown: str,
             verdict: Verdict) -> tuple[str, str] | None:
    """The team's decision in the replies papier did not write (the last one with a
    decision word); replies without one are reported."""
    known = Counter(_norm(str(t)) for t in entry.get("replies") or [])
    said = None
    for reply in thread.replies:
        text = str(reply.get("text") or "")
        if known[_norm(text)]:
            known[_norm(text)] -= 1
            continue
        found = decision_of(text)
        if found is None:
            verdict.notes.append(f"{shown}: {ident}: reply „{_short(text)}“ by {reply.get('author')} "
                                 "begins with no decision word (übernommen, teilweise, abgelehnt, zur "
                                 "Kenntnis); not recorded")
            continue
        if said is not None and said[0] != found[0]:
            verdict.contradictions.append(f"{ident}: replies say both „{said[0]}“ and „{found[0]}“")
        said = found
    return said


def _decide(ident: str, state: str, said: tuple[str, str] | None, shown: str,
            verdict: Verdict) -> tuple[str, str] | None:
    if state in ("partly", "unclear"):
        verdict.notes.append(f"{shown}: {ident}: " + (
            "only part of this change was accepted or rejected; finish it in the file"
            if state == "partly" else "cannot tell whether this change was accepted or rejected"))
        return said
    if said is not None:
        if state in COMPATIBLE and said[0] not in COMPATIBLE[state]:
            verdict.contradictions.append(
                f"{ident}: the change was {state} in the file, but the reply says „{said[0]}“; "
                "not recorded")
            return None
        return said
    if state == "accepted":
        return "übernommen", ""
    if state == "rejected":
        return "abgelehnt", ""
    return None


def _record(verdict: Verdict, by_id: dict[str, dict[str, Any]], overwrite: bool) -> None:
    for ident, (decision, response) in verdict.decided.items():
        record = by_id[ident]
        old, old_response = str(record.get("decision") or "offen"), str(record.get("response") or "")
        if old != "offen" and old != decision and not overwrite:
            verdict.contradictions.append(
                f"{ident}: comments.yaml says „{old}“, the file „{decision}“; kept „{old}“ "
                "(collect with --overwrite to take the file's)")
            continue
        if old == decision and response and old_response and old_response != response \
                and not overwrite:
            verdict.contradictions.append(
                f"{ident}: comments.yaml's response differs from the file's; kept "
                "(collect with --overwrite to take the file's)")
            continue
        if old == decision and (not response or response == old_response):
            continue
        record["decision"] = decision
        if response or old != decision:
            record["response"] = response or (old_response if old == decision else "")
        verdict.recorded.append(ident)
    counts = verdict.counts
    counts["accepted"] = sum(1 for s in verdict.states.values() if s == "accepted")
    counts["rejected"] = sum(1 for s in verdict.states.values() if s == "rejected")
    counts["answered"] = sum(1 for i, (_, r) in verdict.decided.items() if r)
    counts["open"] = sum(1 for r in by_id.values() if str(r.get("decision") or "offen") == "offen")


def _short(text: str) -> str:
    text = _norm(text)
    return text if len(text) <= 60 else text[:59] + "…"
