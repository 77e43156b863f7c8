"""papier check: every problem of every paper at once, one line each."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from papier import imprint, yamlio
from papier.assemble import assemble
from papier.brand import load_brand
from papier.data.analysis import FILE, load_analysis
from papier.errors import PaperInvalid, Problem
from papier.language.check import check_language, fix_language
from papier.paper import read_paper
from papier.rounds.decisions import validate_items
from papier.rounds.store import load_round, round_numbers
from papier.workspace import Workspace


def check_paper(ws: Workspace, slug: str) -> list[Problem]:
    paper, problems = read_paper(ws, slug)
    if paper is not None:
        problems = problems + assemble(paper, citeproc=False, render=False).problems

        for number in round_numbers(paper):
            problems += validate_items(load_round(paper, number))
        analysis_file = paper.folder / FILE
        if analysis_file.is_file():
            problems += load_analysis(ws, analysis_file, paper.rel(analysis_file))[1]
        problems += check_language(paper)
        lic = imprint.licence(paper.license, paper.license_url)
        if lic is not None and not lic.url:
            problems.append(Problem(
                paper.rel(paper.yaml_path), yamlio.line_of(paper.raw, ["license"]),
                f"license: '{paper.license}' is no licence papier knows (CC BY 4.0, CC BY-SA 4.0, …); "
                "add license_url: with a link to its text", "warning"))
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.col, p.message))


def fix(ws: Workspace, slugs: list[str] | None = None) -> list[tuple[str, int]]:
    """Apply the mechanical language fixes of every valid paper: (file, fixes) per paper."""
    done = []
    for slug in slugs or ws.slugs():
        paper, _ = read_paper(ws, slug)
        if paper is not None and (count := fix_language(paper)):
            done.append((paper.rel(paper.folder), count))
    return done


def check_brand(ws: Workspace) -> list[Problem]:
    """Colours of templates/brand.yaml that no accessible variant can make readable."""
    try:
        brand = load_brand(ws)
    except PaperInvalid as exc:
        return list(exc.problems)
    return [Problem("templates/brand.yaml", 0, message, "warning") for message in brand.contrast_problems()]


def check(ws: Workspace, slugs: list[str] | None = None) -> list[Problem]:
    names = slugs or ws.slugs()
    for slug in names:
        ws.paper_dir(slug)
    with ThreadPoolExecutor(max_workers=4) as pool:
        found = [p for problems in pool.map(lambda s: check_paper(ws, s), names) for p in problems]
    return check_brand(ws) + found
