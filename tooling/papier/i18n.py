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
        "skip": "Zum Inhalt springen",
        "changes": "Änderungen",
        "changes_since": "Änderungen seit",
        "beginning": "Beginn",
        "no_commits": "keine Commits",
        "comment_rounds": "Kommentarrunden",
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
        "citation": "Zitiervorschlag",
        "place_year": "Ort und Jahr",
        "online": "Online",
        "picture_credits": "Bildnachweis",
        "no_git": "ohne Git",
        "redline": "Änderungsfassung",
        "total": "Summe",
        "subtotal": "Zusammen",
        "incomplete": "Summe unvollständig: ohne die Felder mit {symbols}",
        "not_charted": "Im Diagramm ohne Wert: {items}",
        "source": "Quelle",
        "field": "Handlungsfeld",
        "current": "Ist-Stand",
        "potential": "Potenzial",
        "gap": "Spielraum",
        "axis_from": "Achse ab",
        "scale_note": "Bewertung von 1 (gering) bis 5 (sehr hoch)",
        "synopsis": "Synopse",
        "old_text": "Bisherige Fassung",
        "new_text": "Neue Fassung",
        "unchanged": "unverändert",
        "worktree": "Arbeitsstand",
        "version_of": "Fassung {version} vom {date}",  # a side of a Synopse or redline
        "worktree_of": "Arbeitsstand vom {date}",
        "revision_of": "Stand vom {date}",
        "paragraphs": "Absätze",
        "paragraph": "Absatz",
    },
    "en": {
        "entwurf": "Draft",
        "round": "Comment round",
        "deadline": "Deadline",
        "skip": "Skip to content",
        "changes": "Changes",
        "changes_since": "Changes since",
        "beginning": "the beginning",
        "no_commits": "no commits",
        "comment_rounds": "Comment rounds",
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
        "citation": "Suggested citation",
        "place_year": "Place and year",
        "online": "Online",
        "picture_credits": "Picture credits",
        "no_git": "no git",
        "redline": "Changes",
        "total": "Total",
        "subtotal": "Subtotal",
        "incomplete": "Incomplete total: without the cells marked {symbols}",
        "not_charted": "Not shown in the chart (no value): {items}",
        "source": "Source",
        "field": "Field of action",
        "current": "Current state",
        "potential": "Potential",
        "gap": "Room to grow",
        "axis_from": "axis from",
        "scale_note": "Rated from 1 (low) to 5 (very high)",
        "synopsis": "Synopsis",
        "old_text": "Previous text",
        "new_text": "New text",
        "unchanged": "unchanged",
        "worktree": "working tree",
        "version_of": "Version {version} of {date}",
        "worktree_of": "Working draft of {date}",
        "revision_of": "Draft of {date}",
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


# The first page of a reviewer copy: how to comment, the deadline, whom to send it to
_HINTS_DE = [
    "Hinweise zur Kommentierung (Runde {n})",
    "Vielen Dank, dass Sie diesen Entwurf kommentieren. Die Änderungsverfolgung ist "
    "eingeschaltet: Alles, was Sie im Text ändern, bleibt als Vorschlag sichtbar.",
    "Kommentare: Markieren Sie die Textstelle und wählen Sie „Überprüfen › Neuer Kommentar“ "
    "(LibreOffice: „Einfügen › Kommentar“). Auf Kommentare anderer können Sie antworten.",
    "Änderungsvorschläge: Schreiben, löschen oder ersetzen Sie direkt im Text. Jede Änderung "
    "wird als Vorschlag mit Ihrem Namen markiert.",
    "Bitte nehmen Sie keine Änderungen an und lehnen Sie keine ab, benennen Sie die Datei nicht "
    "um und speichern Sie sie im Format .docx. Die Zeilennummern am Rand helfen bei Rückfragen.",
    "Frist: {deadline}. Bitte senden Sie die Datei zurück an {to}.",
]
_HINTS_EN = [
    "How to comment (round {n})",
    "Thank you for commenting on this draft. Track changes is on: everything you change in "
    "the text stays visible as a suggestion.",
    "Comments: select the passage and choose Review › New Comment (LibreOffice: Insert › "
    "Comment). You can reply to other comments.",
    "Suggestions: type, delete or replace directly in the text; each change is marked as a "
    "suggestion with your name.",
    "Please do not accept or reject changes, do not rename the file, and save it as .docx. "
    "The line numbers in the margin help with questions.",
    "Deadline: {deadline}. Please send the file back to {to}.",
]
REVIEW_HINTS = {"de": _HINTS_DE, "en": _HINTS_EN}

# The Kommentarmatrix is the editorial team's document: German
MATRIX_HEADERS = ["Nr.", "Kapitel / Zeile", "Stelle", "Kommentierende Stelle",
           "Anmerkung / Änderungsvorschlag", "Bewertung", "Begründung"]
DECISION_LABELS = {"offen": "offen", "übernommen": "übernommen", "teilweise": "teilweise übernommen",
                   "abgelehnt": "abgelehnt", "zur-kenntnis": "zur Kenntnis genommen"}

# The Gesamtfassung (papier round merge): its first page, header and the comments papier writes
_MERGE_DE = {
    "header": "Gesamtfassung – Kommentierungsrunde {n} – nur für die Redaktion",
    "title": "Gesamtfassung der Kommentierungsrunde {n}",
    "intro": "Diese Datei enthält den Text, wie er in Runde {n} versandt wurde, mit allen "
             "Kommentaren und Änderungsvorschlägen der Rückmeldungen. Jeder Vorschlag trägt den "
             "Namen der Person und ihrer Organisation; die Nummern (R{n}-001 …) sind die der "
             "Kommentarmatrix.",
    "reviewers": "Rückmeldungen:",
    "reviewer": "{who}: Kommentare {comments}, Änderungsvorschläge {changes}",
    "alternatives": ", davon {k} als Alternativvorschlag (Kommentar)",
    "unplaced": ", {k} ohne Stelle im Text",
    "none": "Noch keine Rückmeldungen.",
    "how": "So entscheiden Sie in dieser Datei: Nehmen Sie Änderungen an oder lehnen Sie sie ab "
           "(Word: Überprüfen › Annehmen/Ablehnen; LibreOffice: Bearbeiten › Änderungen verfolgen "
           "› Verwalten). Antworten Sie auf den Kommentar zu einem Vorschlag mit der Bewertung am "
           "Anfang: „übernommen: …“, „teilweise: …“, „abgelehnt: …“ oder „zur Kenntnis“; der Rest "
           "der Antwort wird die Begründung. Was Sie nicht entscheiden, bleibt offen.",
    "conflicts": "Wo mehrere Stellen dieselben Wörter ändern, steht der erste Vorschlag als "
                 "Änderung im Text, die übrigen als Kommentar „Alternativvorschlag …“ an denselben "
                 "Wörtern.",
    "back": "Danach: papier round collect {slug} {file}",
    "label": "{id} · Vorschlag von {who}",
    "alternative": "Alternativvorschlag {who} ({id}): {what}",
    "same": "Gleicher Vorschlag von {who} ({id}): {what}",
    "elsewhere": "Ohne genaue Stelle im Text – {who} ({id}): {what}",
    "unplaced_list": "Ohne Stelle im Text (als Kommentar am Abschnittsanfang): {ids}",
}
_MERGE_EN = {
    "header": "Consolidated version – comment round {n} – for the editorial team only",
    "title": "Consolidated version of comment round {n}",
    "intro": "This file holds the text as sent in round {n} with every comment and suggestion "
             "of the returned files. Each suggestion carries the name of its author and their "
             "organisation; the numbers (R{n}-001 …) are those of the comment matrix.",
    "reviewers": "Returned files:",
    "reviewer": "{who}: comments {comments}, suggestions {changes}",
    "alternatives": ", {k} of them as alternative suggestions (comments)",
    "unplaced": ", {k} without a place in the text",
    "none": "No returned files yet.",
    "how": "How to decide in this file: accept or reject changes (Word: Review › Accept/Reject; "
           "LibreOffice: Edit › Track Changes › Manage). Reply to the comment on a suggestion "
           "with the decision first: “accepted: …”, “partly: …”, “rejected: …” or “noted”; "
           "the rest of the reply becomes the reason. What you do not decide stays open.",
    "conflicts": "Where several reviewers change the same words, the first suggestion is a "
                 "tracked change and the others are comments “Alternative suggestion …” on the "
                 "same words.",
    "back": "Then: papier round collect {slug} {file}",
    "label": "{id} · suggested by {who}",
    "alternative": "Alternative suggestion by {who} ({id}): {what}",
    "same": "Same suggestion by {who} ({id}): {what}",
    "elsewhere": "No exact place in the text – {who} ({id}): {what}",
    "unplaced_list": "Without a place in the text (as a comment at the section start): {ids}",
}
MERGE_TEXTS = {"de": _MERGE_DE, "en": _MERGE_EN}

# Decision words in replies (any case), and the answers papier writes to reviewers
DECISION_WORDS = {
    "übernommen": "übernommen", "uebernommen": "übernommen", "accepted": "übernommen",
    "teilweise übernommen": "teilweise", "teilweise": "teilweise", "partly": "teilweise",
    "partly accepted": "teilweise",
    "abgelehnt": "abgelehnt", "rejected": "abgelehnt",
    "zur kenntnis genommen": "zur-kenntnis", "zur kenntnis": "zur-kenntnis",
    "zur-kenntnis": "zur-kenntnis", "noted": "zur-kenntnis",
}
ANSWER_LABELS = {
    "de": {"übernommen": "übernommen", "teilweise": "teilweise übernommen",
           "abgelehnt": "abgelehnt", "zur-kenntnis": "zur Kenntnis genommen"},
    "en": {"übernommen": "accepted", "teilweise": "partly accepted", "abgelehnt": "rejected",
           "zur-kenntnis": "noted"},
}


def merge_text(lang: str, key: str, **values: object) -> str:
    return MERGE_TEXTS[lang_key(lang)][key].format(**values)
