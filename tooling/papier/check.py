"""papier check: every problem of every paper at once, one line each."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from papier.assemble import assemble
from papier.errors import Problem
from papier.paper import read_paper
from papier.workspace import Workspace


def check_paper(ws: Workspace, slug: str) -> list[Problem]:
    paper, problems = read_paper(ws, slug)
    if paper is not None:
        problems = problems + assemble(paper, citeproc=False).problems
        from papier.rounds.decisions import validate_items
        from papier.rounds.store import load_round, round_numbers

        for number in round_numbers(paper):
            problems += validate_items(load_round(paper, number))
    return sorted(set(problems))


def check(ws: Workspace, slugs: list[str] | None = None) -> list[Problem]:
    names = slugs or ws.slugs()
    for slug in names:
        ws.paper_dir(slug)
    with ThreadPoolExecutor(max_workers=4) as pool:
        return [p for found in pool.map(lambda s: check_paper(ws, s), names) for p in found]
