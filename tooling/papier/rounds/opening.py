"""papier round open: one reviewer copy per reviewer, and the round's record."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from papier import cache, fsutil, i18n, yamlio
from papier import pandoc_ast as ast
from papier.assemble import assemble
from papier.brand import load_brand
from papier.document import Assembled
from papier.errors import PaperInvalid, Problem
from papier.ooxml import edit as ooxml
from papier.paper import Paper, load_paper, update_paper_yaml
from papier.raster import logo_png
from papier.rounds.notes import add_notes
from papier.rounds.pdfcopy import write_review_pdfs
from papier.rounds.store import (
    Reviewer,
    Round,
    RoundError,
    load_round,
    new_map,
    round_dir,
    round_numbers,
    write_anchors,
    write_origins,
)
from papier.stamp import Stamp, page_footer
from papier.versions import head_commit, source_state
from papier.workspace import SLUG_RE, Workspace
from papier.writers import Context
from papier.writers.docx import HINTS_STYLE, MESSAGES_TITLE_STYLE, PAGE_BREAK, Layout, styled, write_docx
from papier.writers.registry import prepare

DEFAULT_WEEKS = 3


@dataclass(frozen=True)
class ReviewDraft:
    """What makes a reviewer's copy: round, deadline, whom to send it back to."""

    number: int
    deadline: dt.date
    return_to: str


def _enforce_tracking(path: Path) -> None:
    ooxml.rewrite_parts(path, {"word/settings.xml": ooxml.enforce_tracking})


# line numbers for questions, change tracking on and enforced
REVIEW_COPY = Layout(line_numbers=True, post=(_enforce_tracking,))


def hints_block(ctx: Context, review: ReviewDraft) -> list[ast.Node]:
    """The first page of a reviewer's copy: how to comment, the deadline, where to send it."""
    deadline = i18n.format_date(review.deadline, ctx.paper.lang)
    lines = i18n.REVIEW_HINTS[i18n.lang_key(ctx.paper.lang)]
    title, *paragraphs = [line.format(n=review.number, deadline=deadline, to=review.return_to)
                          for line in lines]
    return [
        styled(MESSAGES_TITLE_STYLE, [ast.para(ast.text_inlines(title))]),
        styled(HINTS_STYLE, [ast.para(ast.text_inlines(p)) for p in paragraphs]),
        PAGE_BREAK,
    ]


def read_reviewers(path: Path) -> list[Reviewer]:
    shown = str(path)
    if not path.is_file():
        raise RoundError(f"{shown}: reviewers file not found; write a YAML list of "
                         "{id, name, organisation, email}")
    data, problems = yamlio.load(path, shown)
    if problems:
        raise PaperInvalid(problems)
    if isinstance(data, dict) and "reviewers" in data:
        data = data["reviewers"]
    if not isinstance(data, list) or not data:
        raise RoundError(f"{shown}:1: expected a list of reviewers like "
                         "'- {id: bmfsfj, name: …, organisation: …, email: …}'")
    found: list[Reviewer] = []
    errors: list[Problem] = []
    for i, entry in enumerate(data):
        line = yamlio.line_of(data, [i])
        if not isinstance(entry, dict):
            errors.append(Problem(shown, line, "each reviewer needs id, name, organisation, email"))
            continue
        missing = [k for k in ("id", "name", "organisation", "email") if not entry.get(k)]
        if missing:
            errors.append(Problem(shown, line, f"reviewer is missing {', '.join(missing)}"))
            continue
        ident = str(entry["id"])
        if not SLUG_RE.match(ident):
            errors.append(Problem(shown, line, f"id '{ident}' must be lower-case letters, digits "
                                  "and hyphens (it becomes part of the file name)"))
        elif any(r.id == ident for r in found):
            errors.append(Problem(shown, line, f"id '{ident}' is used twice"))
        found.append(Reviewer(ident, str(entry["name"]), str(entry["organisation"]),
                              str(entry["email"])))
    if errors:
        raise PaperInvalid(errors)
    return found


def draft_path(ws: Workspace, paper: Paper, number: int, reviewer: str, ext: str = "docx") -> Path:
    """A reviewer's copy: build/<slug>/runde-<n>/<slug>-v<version>-<reviewer>.<ext>."""
    return (ws.build_dir / paper.slug / f"runde-{number}"
            / f"{paper.slug}-v{paper.version}-{reviewer}.{ext}")


def _check_can_open(paper: Paper, today: dt.date, deadline: dt.date | None) -> tuple[int, dt.date]:
    """The new round's number and deadline; RoundError while the last round is open."""
    numbers = round_numbers(paper)
    if numbers:
        last = load_round(paper, numbers[-1])
        if last.state == "open":
            raise RoundError(
                f"{paper.rel(last.folder / 'round.yaml')}: round {last.number} is still open; "
                f"collect and decide it, then: papier round close {paper.slug}")
    deadline = deadline or today + dt.timedelta(weeks=DEFAULT_WEEKS)
    if deadline < today:
        raise RoundError(f"deadline {deadline.isoformat()} is in the past; give a later --deadline")
    return (numbers[-1] + 1) if numbers else 1, deadline


SENT = "sent.docx"  # rounds/<n>/sent.docx: the text as sent, before the reviewers' names


def copy_header(lang: str, number: int, deadline: dt.date) -> str:
    """The page header of a reviewer copy."""
    return (f"{i18n.label(lang, 'entwurf')} – {i18n.label(lang, 'round')} {number} – "
            f"{i18n.label(lang, 'deadline')}: {i18n.format_date(deadline, lang)}")


def _write_copies(ws: Workspace, paper: Paper, assembled: Assembled, number: int,
                  deadline: dt.date, reviewers: list[Reviewer], commit: str) -> tuple[Path, list[Path]]:
    """One reviewer copy each, a DOCX and a PDF: the stamped draft naming them (custom
    properties, PDF keywords); and the draft they were made from. The DOCX files come
    first, then the PDFs."""
    lang = paper.lang
    header = copy_header(lang, number, deadline)
    brand = load_brand(ws)
    ctx = prepare(paper, brand, Stamp(header, page_footer(lang)), cache.paper_folder(ws, paper.slug),
                  assembled=assembled)
    contact = paper.contact
    return_to = (f"{contact.get('name', '')} ({contact.get('email', '')})" if contact
                 else paper.authors[0].name)
    base = cache.paper_folder(ws, paper.slug, f"runde-{number}.docx")
    base.parent.mkdir(parents=True, exist_ok=True)
    write_docx(ctx, base, logo_png(brand, ws), REVIEW_COPY,
               hints_block(ctx, ReviewDraft(number, deadline, return_to)))
    files = []
    identities = []
    for reviewer in reviewers:
        out = draft_path(ws, paper, number, reviewer.id)
        out.parent.mkdir(parents=True, exist_ok=True)
        identity = {
            "papier.paper": paper.slug, "papier.round": str(number),
            "papier.reviewer": reviewer.id, "papier.version": paper.version,
            "papier.commit": commit,
        }
        with fsutil.atomic_path(out) as tmp:
            shutil.copyfile(base, tmp)
            ooxml.set_custom_properties(tmp, identity)
        files.append(out)
        identities.append((draft_path(ws, paper, number, reviewer.id, "pdf"), identity))
    files += write_review_pdfs(ctx, cache.paper_folder(ws, paper.slug, f"runde-{number}-pdf"),
                               identities)
    return base, files


def open_round(ws: Workspace, slug: str, reviewers_file: Path, deadline: dt.date | None = None,
               today: dt.date | None = None) -> tuple[Round, list[Path]]:
    paper = load_paper(ws, slug)
    today = today or dt.date.today()
    number, deadline = _check_can_open(paper, today, deadline)
    reviewers = read_reviewers(reviewers_file)
    assembled = assemble(paper, anchors=True)
    if assembled.problems:
        raise PaperInvalid(assembled.problems)
    state = source_state(paper)
    commit = head_commit(paper.workspace)
    base, files = _write_copies(ws, paper, assembled, number, deadline, reviewers, commit)
    sources = {rel: (paper.folder / rel).read_text("utf-8").splitlines()
               for rel in {a.file for a in assembled.anchors}}
    anchors = {a.id: _anchor_record(asdict(a), sources[a.file]) for a in assembled.anchors}
    add_notes(anchors, sources)
    folder = round_dir(paper, number)
    staging = folder.with_name(f".{number}.new")  # the round appears whole or not at all
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    write_anchors(staging, anchors)
    if assembled.origins:
        write_origins(staging, assembled.origins)
    shutil.copyfile(base, staging / SENT)  # the Gesamtfassung starts from exactly this text
    os.chmod(staging / SENT, 0o666 & ~fsutil.umask())
    record = new_map({
        "number": number, "version": paper.version, "commit": commit, "dirty": state.dirty,
        "opened": today, "deadline": deadline, "state": "open",
        "reviewers": [asdict(r) for r in reviewers],
        "files": [str(f.relative_to(ws.root)) if f.is_relative_to(ws.root) else str(f)
                  for f in files],
    })
    yamlio.dump(staging / "round.yaml", record)
    (staging / "returned").mkdir()
    staging.rename(folder)
    set_status(paper, "kommentierung")
    return Round(paper, number, record), files


def _anchor_record(anchor: dict[str, Any], lines: list[str]) -> dict[str, Any]:
    """Anchor plus the source lines as sent, so apply can tell if they were edited since."""
    anchor["source"] = "\n".join(lines[anchor["line"] - 1: anchor["end_line"]])
    anchor.pop("id")
    return anchor


def set_status(paper: Paper, status: str) -> None:
    """Change paper.yaml's status in place; comments and key order survive."""
    update_paper_yaml(paper.yaml_path, {"status": status}, paper.rel(paper.yaml_path))
