"""status, decide, close: the author's side of a round."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any

from papier import yamlio
from papier.errors import Problem
from papier.paper import Paper, load_paper
from papier.rounds.items import Item, items_of
from papier.rounds.store import (
    DECISIONS,
    KINDS,
    Round,
    RoundError,
    latest_round,
    load_items,
    locked,
    open_round_of,
    save_items,
    strict_items,
)
from papier.workspace import Workspace

FLAG_TO_DECISION = {"accept": "übernommen", "partly": "teilweise", "reject": "abgelehnt",
                    "note": "zur-kenntnis"}


def set_status(paper: Paper, status: str) -> None:
    """opening.set_status, imported when a round closes: opening brings python-docx, which
    status and decide do not need."""
    from papier.rounds.opening import set_status as set_paper_status  # noqa: PLC0415 - lazy

    set_paper_status(paper, status)


def position(entry: Any) -> tuple[Any, ...]:
    """Order of the text, for a record of comments.yaml (see Item.position)."""
    return Item(entry).position()


def not_applied(items: Any) -> list[str]:
    """Ids of the accepted suggestions not yet written into the text, in the order of the text."""
    return [i.id for i in sorted(items_of(items), key=Item.position) if i.waiting]


def undecided(items: Any) -> list[str]:
    """Ids of the items still 'offen', in the order of the text."""
    return [str(e.get("id")) for e in sorted(items, key=position) if e.get("decision") == "offen"]


def status(ws: Workspace, slug: str) -> dict[str, Any]:
    paper = load_paper(ws, slug)
    rnd = latest_round(paper)
    items = load_items(rnd)
    answered = sorted({str(e.get("reviewer")) for e in items})
    return {
        "paper": slug,
        "round": rnd.number,
        "state": rnd.state,
        "deadline": rnd.deadline.isoformat(),
        "reviewers": [{"id": r.id, "organisation": r.organisation, "answered": r.id in answered,
                       "items": sum(1 for e in items if e.get("reviewer") == r.id),
                       "unplaced": sum(1 for e in items if e.get("reviewer") == r.id
                                       and not (e.get("anchor") or {}).get("file")),
                       "formatting": sum(int(f.get("formatting") or 0)
                                         for f in rnd.data.get("returned") or []
                                         if f.get("reviewer") == r.id)}
                      for r in rnd.reviewers],
        "waiting": not_applied(items),
        "items": len(items),
        "by_kind": dict(Counter(str(e.get("kind")) for e in items)),
        "by_section": dict(Counter(str((e.get("anchor") or {}).get("section") or "(ohne Zuordnung)")
                                   for e in items)),
        "by_decision": dict(Counter(str(e.get("decision")) for e in items)),
        "open": undecided(items),
    }


def decide(ws: Workspace, slug: str, ident: str, decision: str, response: str | None) -> Any:
    paper = load_paper(ws, slug)
    rnd = open_round_of(paper)
    with locked(rnd.folder):
        items = load_items(rnd)
        entry = next((e for e in items if str(e.get("id")) == ident), None)
        if entry is None:
            raise RoundError(f"{paper.rel(rnd.comments_path)}: no item {ident}; see "
                             f"papier round status {slug}")
        entry["decision"] = decision
        if response is not None:
            entry["response"] = response
        save_items(rnd, items)
        return entry


def close(ws: Workspace, slug: str, today: dt.date | None = None, force: str | None = None) -> Round:
    """Close the round; refused while items are undecided, or accepted but not written into
    the text (unless *force* gives the reason, which round.yaml keeps)."""
    paper = load_paper(ws, slug)
    rnd = open_round_of(paper)
    with locked(rnd.folder):
        items = load_items(rnd)
        still_open = undecided(items)
        if still_open:
            raise RoundError(f"round {rnd.number} still has {len(still_open)} undecided item(s): "
                             f"{', '.join(still_open)}; decide them with: papier round decide "
                             f"{slug} ID --accept|--partly|--reject|--note")
        waiting = not_applied(items)
        if waiting and not force:
            raise RoundError(f"round {rnd.number} has {len(waiting)} accepted item(s) not yet in the "
                             f"text: {', '.join(waiting)}; write them with: papier round apply {slug}, "
                             f"or mark what you took over by hand: papier round apply {slug} ID… "
                             "--by-hand, or close anyway: papier round close "
                             f"{slug} --force --reason \"…\"")
        rnd.data["state"] = "closed"
        rnd.data["closed"] = today or dt.date.today()
        if waiting:
            rnd.data["forced"] = {"reason": force, "not_applied": waiting}
        rnd.save()
    set_status(paper, "entwurf")
    return rnd


def validate_items(rnd: Round) -> list[Problem]:
    """Hand edits of comments.yaml, checked by papier check."""

    path = rnd.comments_path
    if not path.is_file():
        return []
    shown = rnd.paper.rel(path)
    plain = strict_items(rnd)  # as papier writes it: read fast; lines are looked up for problems
    if plain is not None and not _item_problems(shown, plain, lambda keys: 0):
        return []
    data, problems = yamlio.load(path, shown)
    if problems or data is None:
        return problems
    if not isinstance(data, list):
        return [Problem(shown, 1, "must be a list of items; restore it with git")]
    return _item_problems(shown, data, lambda keys: yamlio.line_of(data, keys))


def _item_problems(shown: str, data: list[Any], line_of: Callable[[list[Any]], int]) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(data):
        line = line_of([i])
        if not isinstance(entry, dict):
            problems.append(Problem(shown, line, "each item must be a mapping"))
            continue
        ident = str(entry.get("id", ""))
        if not ident:
            problems.append(Problem(shown, line, "item without 'id'; restore it with git"))
        elif ident in seen:
            problems.append(Problem(shown, line, f"id {ident} is used twice (first at line "
                                    f"{seen[ident]}); restore the file with git"))
        else:
            seen[ident] = line
        if entry.get("decision") not in DECISIONS:
            problems.append(Problem(shown, line_of([i, "decision"]),
                                    f"{ident}: decision {entry.get('decision')!r} is not one of "
                                    f"{', '.join(DECISIONS)}"))
        if entry.get("kind") not in KINDS:
            problems.append(Problem(shown, line_of([i, "kind"]),
                                    f"{ident}: kind {entry.get('kind')!r} is not one of {', '.join(KINDS)}"))
        for key in ("reviewer", "text", "anchor", "source"):
            if key not in entry:
                problems.append(Problem(shown, line, f"{ident}: '{key}' is missing; restore it with git"))
    return problems
