"""Who returned a file: the reviewer copy's custom properties, --reviewer, the file name."""

from __future__ import annotations

from pathlib import Path

from papier.rounds.docx_read import Reading
from papier.rounds.store import Round, RoundError


def identify_reviewer(rnd: Round, reading: Reading, path: Path, given: str | None) -> str:
    props = reading.properties
    paper = props.get("papier.paper")
    if paper and paper != rnd.paper.slug:
        raise RoundError(f"{path}: this file is a draft of paper '{paper}', not "
                         f"'{rnd.paper.slug}'; collect it there: papier round collect {paper} {path}")
    number = props.get("papier.round")
    if number and number != str(rnd.number):
        raise RoundError(f"{path}: this file was sent in round {number}, but round {rnd.number} "
                         "is open; it belongs to a closed round")
    known = {r.id for r in rnd.reviewers}
    candidates = [props.get("papier.reviewer"), given]
    stem = path.stem
    candidates += [r for r in sorted(known, key=len, reverse=True)
                   if stem == r or stem.endswith(f"-{r}")]
    for candidate in candidates:
        if candidate:
            if candidate in known:
                return candidate
            raise RoundError(f"{path}: reviewer '{candidate}' is not in round {rnd.number} "
                             f"(reviewers: {', '.join(sorted(known))}); pass --reviewer ID")
    raise RoundError(f"{path}: cannot tell who returned this file; pass --reviewer ID "
                     f"(one of: {', '.join(sorted(known))})")
