"""Who returned a file: --reviewer, the reviewer copy's custom properties, the file name.

The properties come from the file, that is from whoever sent it: they are only ever
compared with the round's reviewers, never used as a path, and shown in messages with
control characters escaped and, in a suggested command, shell-quoted."""

from __future__ import annotations

import shlex
from pathlib import Path

from papier.ooxml.reader import Reading
from papier.rounds.store import Round, RoundError

SHOWN_MAX = 80  # characters of a value from the file shown in a message


def _shown(value: str) -> str:
    """A value from the file as it may stand in a one-line message."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in value)
    return text if len(text) <= SHOWN_MAX else text[: SHOWN_MAX - 1] + "…"


def _command(*words: str) -> str | None:
    """A command to copy into a shell, every word quoted; None if a word cannot stand on
    one line (control characters) or is implausibly long."""
    if any(not w.isprintable() or len(w) > 200 for w in words):
        return None
    return " ".join(shlex.quote(w) for w in words)


def _listed(known: set[str]) -> str:
    return ", ".join(sorted(known))


def identify_reviewer(rnd: Round, reading: Reading, path: Path, given: str | None) -> str:
    """The reviewer id a returned file is collected as: --reviewer (*given*) first, then
    the file's papier.reviewer property, then a file name ending in -ID; always one of
    the round's reviewers, else RoundError with the fix."""
    props = reading.properties
    paper = props.get("papier.paper")
    if paper and paper != rnd.paper.slug:
        command = _command("papier", "round", "collect", paper, str(path))
        where = f": {command}" if command else " (in that paper's open round)"
        raise RoundError(f"{path}: this file is a draft of paper '{_shown(paper)}', not "
                         f"'{rnd.paper.slug}'; collect it there{where}")
    number = props.get("papier.round")
    if number and number != str(rnd.number):
        raise RoundError(f"{path}: this file was sent in round {_shown(number)}, but round "
                         f"{rnd.number} is open; it belongs to a closed round")
    known = {r.id for r in rnd.reviewers}
    if given:
        if given in known:
            return given
        raise RoundError(f"{path}: reviewer '{_shown(given)}' is not in round {rnd.number} "
                         f"(reviewers: {_listed(known)}); give one of them to --reviewer")
    named = props.get("papier.reviewer")
    if named:
        if named in known:
            return named
        raise RoundError(f"{path}: reviewer '{_shown(named)}' named in the file is not in round "
                         f"{rnd.number} (reviewers: {_listed(known)}); pass --reviewer ID")
    stem = path.stem
    for ident in sorted(known, key=len, reverse=True):
        if stem == ident or stem.endswith(f"-{ident}"):
            return ident
    raise RoundError(f"{path}: cannot tell who returned this file; pass --reviewer ID "
                     f"(one of: {_listed(known)})")


def reviewer_note(rnd: Round, reading: Reading, path: Path, given: str | None) -> str | None:
    """A one-line notice when --reviewer overrides the reviewer the file names (the
    caller prints it beside the result); None when they agree or either is missing."""
    named = reading.properties.get("papier.reviewer")
    if not given or not named or named == given or given not in {r.id for r in rnd.reviewers}:
        return None
    return (f"{path}: the file names reviewer '{_shown(named)}', --reviewer says '{_shown(given)}'; "
            f"collected as '{given}'")
