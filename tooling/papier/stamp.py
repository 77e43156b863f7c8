"""Draft stamps: status, version, git short hash (+ 'geändert'), date, all from git."""

from __future__ import annotations

from dataclasses import dataclass

from papier import i18n
from papier.paper import Paper
from papier.versions import SourceState


@dataclass(frozen=True)
class Stamp:
    """The header line of a draft; empty for final builds."""

    text: str
    footer: str  # "Seite {page} von {pages}" template, filled by each writer

    @property
    def draft(self) -> bool:
        return bool(self.text)


def page_footer(lang: str) -> str:
    """'Seite {page} von {pages}': each writer fills in its own page fields."""
    return f"{i18n.label(lang, 'page')} {{page}} {i18n.label(lang, 'of')} {{pages}}"


def make_stamp(paper: Paper, state: SourceState, final: bool) -> Stamp:
    lang = paper.lang
    footer = page_footer(lang)
    if final:
        return Stamp("", footer)
    commit = state.commit or i18n.label(lang, "no_git")
    if state.dirty:
        commit += f" ({i18n.label(lang, 'changed')})"
    parts = [
        i18n.label(lang, paper.status),
        f"{i18n.label(lang, 'version')} {paper.version}",
        commit,
        i18n.format_date(state.day, lang),
    ]
    return Stamp(" · ".join(parts), footer)
