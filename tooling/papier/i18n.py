"""Labels and dates in the documents' languages (German first, English second)."""

from __future__ import annotations

import datetime as dt

_MONTHS_DE = [
    "Januar", "Februar", "März", "April", "Mai", "Juni",
    "Juli", "August", "September", "Oktober", "November", "Dezember",
]

LABELS: dict[str, dict[str, str]] = {
    "de": {
        "entwurf": "Entwurf",
        "round": "Kommentierungsrunde",
        "deadline": "Frist",
        "kommentierung": "Entwurf zur Kommentierung",
        "final": "Endfassung",
        "veroeffentlicht": "Veröffentlicht",
        "positionspapier": "Positionspapier",
        "diskussionspapier": "Diskussionspapier",
        "potenzialanalyse": "Potenzialanalyse",
        "key_messages": "Kernbotschaften",
        "key_demands": "Kernforderungen",
        "toc": "Inhalt",
        "references": "Literatur",
        "figure": "Abbildung",
        "table": "Tabelle",
        "page": "Seite",
        "of": "von",
        "version": "Version",
        "changed": "geändert",
        "series": "Nr.",
        "imprint": "Impressum",
        "publisher": "Herausgeber",
        "contact": "Kontakt",
        "license": "Lizenz",
        "date": "Stand",
        "authors": "Autorinnen und Autoren",
        "partners": "In Zusammenarbeit mit",
        "no_git": "ohne Git",
        "redline": "Änderungsfassung",
        "total": "Summe",
        "source": "Quelle",
        "field": "Handlungsfeld",
        "current": "Ist-Stand",
        "potential": "Potenzial",
        "gap": "Spielraum",
        "scale_note": "Bewertung von 1 (gering) bis 5 (sehr hoch)",
        "synopsis": "Synopse",
        "old_text": "Bisherige Fassung",
        "new_text": "Neue Fassung",
        "unchanged": "unverändert",
        "worktree": "Arbeitsstand",
        "paragraphs": "Absätze",
        "paragraph": "Absatz",
    },
    "en": {
        "entwurf": "Draft",
        "round": "Comment round",
        "deadline": "Deadline",
        "kommentierung": "Draft for comment",
        "final": "Final",
        "veroeffentlicht": "Published",
        "positionspapier": "Position paper",
        "diskussionspapier": "Discussion paper",
        "potenzialanalyse": "Potential analysis",
        "key_messages": "Key messages",
        "key_demands": "Key demands",
        "toc": "Contents",
        "references": "References",
        "figure": "Figure",
        "table": "Table",
        "page": "Page",
        "of": "of",
        "version": "Version",
        "changed": "modified",
        "series": "No.",
        "imprint": "Imprint",
        "publisher": "Publisher",
        "contact": "Contact",
        "license": "License",
        "date": "Date",
        "authors": "Authors",
        "partners": "In cooperation with",
        "no_git": "no git",
        "redline": "Changes",
        "total": "Total",
        "source": "Source",
        "field": "Field of action",
        "current": "Current state",
        "potential": "Potential",
        "gap": "Room to grow",
        "scale_note": "Rated from 1 (low) to 5 (very high)",
        "synopsis": "Synopsis",
        "old_text": "Previous text",
        "new_text": "New text",
        "unchanged": "unchanged",
        "worktree": "working tree",
        "paragraphs": "paragraphs",
        "paragraph": "paragraph",
    },
}


def lang_key(lang: str) -> str:
    """``de-DE`` -> ``de``; unknown languages fall back to German labels."""
    key = lang.split("-")[0].lower()
    return key if key in LABELS else "de"


def label(lang: str, key: str) -> str:
    return LABELS[lang_key(lang)][key]


def format_date(day: dt.date, lang: str) -> str:
    """21. November 2026 (de) or 21 November 2026 (en)."""
    if lang_key(lang) == "de":
        return f"{day.day}. {_MONTHS_DE[day.month - 1]} {day.year}"
    return f"{day.day} {day.strftime('%B')} {day.year}"


def quotes(lang: str) -> tuple[str, str, str, str]:
    """Double open/close and single open/close quotation marks."""
    if lang_key(lang) == "de":
        return "„", "“", "‚", "‘"
    return "“", "”", "‘", "’"
