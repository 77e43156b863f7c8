"""papier round reply: every reviewer's own returned file, answered.

The file is the one stored under rounds/<n>/returned/: the team's answer goes in as a
threaded reply under each of the reviewer's comments (w15:paraIdParent) and as a comment
on each of their tracked changes, „übernommen: …“ and so on. Their text, comments and
changes stay as they were; document protection is lifted so that they can answer. A cover
text and an e-mail draft with the counts go beside it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr
from pathlib import Path

from lxml import etree

from papier import fsutil, i18n
from papier.brand import load_brand
from papier.errors import RoundError
from papier.ooxml import annotate
from papier.ooxml.annotate import Author, Comments, Package, w
from papier.ooxml.story import local
from papier.paper import Paper, load_paper
from papier.rounds.collect import find_again
from papier.rounds.items import Item, Kind
from papier.rounds.store import Reviewer, Round, latest_round, load_items
from papier.workspace import Workspace

DOCX_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass
class Answered:
    reviewer: str
    path: Path | None = None
    counts: Counter[str] = field(default_factory=Counter)
    missing: list[str] = field(default_factory=list)  # items not found in the file again
    error: str = ""
    cover: Path | None = None  # the cover text (with every answer when there is no file)


def answer_text(lang: str, decision: str, response: str) -> str:
    """„übernommen: Begründung“, or the label alone when there is no reason."""
    label = i18n.ANSWER_LABELS[i18n.lang_key(lang)].get(decision, decision)
    return f"{label}: {response.strip()}" if response.strip() else label


def _team(ws: Workspace, rnd: Round) -> str:
    brand = load_brand(ws)
    return str(rnd.data.get("team") or brand.team or brand.organisation or "Redaktion")


def _revision_elements(pkg: Package, ident: str) -> list[etree._Element]:
    """The w:ins/w:del/w:moveFrom/w:moveTo elements with w:id *ident*, in every story part."""
    out = []
    for name in pkg.names:
        if name.startswith("word/") and name.endswith(".xml"):
            root = pkg.tree(name)
            if root is None:
                continue
            out += [el for el in root.iter(w("ins"), w("del"), w("moveFrom"), w("moveTo"))
                    if el.get(w("id")) == ident]
    return out


def _comment_markers(pkg: Package, ident: str) -> tuple[etree._Element | None, etree._Element | None,
                                                          etree._Element | None]:
    """commentRangeStart, commentRangeEnd and the reference run of comment *ident*."""
    start = end = ref = None
    for name in pkg.names:
        if not (name.startswith("word/") and name.endswith(".xml")) or "comments" in name:
            continue
        root = pkg.tree(name)
        if root is None:
            continue
        for el in root.iter(w("commentRangeStart"), w("commentRangeEnd"), w("commentReference")):
            if el.get(w("id")) != ident:
                continue
            if local(el) == "commentRangeStart":
                start = el
            elif local(el) == "commentRangeEnd":
                end = el
            else:
                ref = el.getparent()
    return start, end, ref


def _answer_file(ws: Workspace, paper: Paper, rnd: Round, reviewer: Reviewer, items: list[Item],
                 source: Path, out: Path, who: Author) -> Answered:
    result = Answered(reviewer.id, out)
    pkg = Package(source)
    reading = pkg.reading()
    comments = Comments(pkg)
    existing = {c.get(w("id")): c for c in comments.root.iter(w("comment"))}
    taken: set[int] = set()
    for item in items:
        if item.decision.value == "offen":
            continue
        found = find_again(item, reading, taken)
        text = answer_text(paper.lang, item.decision.value, str(item.record.get("response") or ""))
        if found is None:
            result.missing.append(item.id)
            continue
        if item.kind is Kind.COMMENT:
            parent = existing.get(found.docx_id)
            if parent is None:
                result.missing.append(item.id)
                continue
            ident, _ = comments.add(who, text, parent=comments.paragraph_id(parent), seed=f"reply/{item.id}")
            start, end, ref = _comment_markers(pkg, found.docx_id)
            if start is not None and end is not None:
                start.addnext(etree.Element(w("commentRangeStart"), {w("id"): str(ident)}))
                new_end = etree.Element(w("commentRangeEnd"), {w("id"): str(ident)})
                (ref if ref is not None and ref.getprevious() is end else end).addnext(new_end)
                new_end.addnext(annotate.reference_run(ident))
            elif ref is not None:
                ref.addnext(annotate.reference_run(ident))
            result.counts["replies"] += 1
        else:
            elements = _revision_elements(pkg, found.docx_id)
            if not elements:
                result.missing.append(item.id)
                continue
            ident, _ = comments.add(who, text, seed=f"answer/{item.id}")
            annotate.anchor_comment(ident, annotate.range_end(elements[0]),
                                    annotate.range_end(elements[-1]))
            result.counts["changes"] += 1
        result.counts[item.decision.value] += 1
    annotate.lift_protection(pkg, track=False)
    annotate.custom_properties(pkg, {"papier.kind": "rueckmeldung"})
    pkg.save(out)
    return result


def reply_path(ws: Workspace, paper: Paper, rnd: Round, reviewer: str, suffix: str = ".docx") -> Path:
    version = rnd.data.get("version", paper.version)
    return (ws.build_dir / paper.slug / f"runde-{rnd.number}" / "rueckmeldung"
            / f"{paper.slug}-v{version}-{reviewer}-rueckmeldung{suffix}")


def _source_file(paper: Paper, rnd: Round, reviewer: str, items: list[Item]) -> Path | None:
    """The reviewer's returned file that most of their items come from (without items: the
    last file they returned)."""
    files = Counter(str((i.record.get("source") or {}).get("file", "")) for i in items)
    files.pop("", None)
    if files:
        rel = files.most_common(1)[0][0]
    else:
        theirs = [str(f.get("file")) for f in rnd.data.get("returned") or [] if f.get("reviewer") == reviewer]
        if not theirs:
            return None
        rel = theirs[-1]
    path = paper.folder / rel
    return path if path.is_file() else None


def _listed(paper: Paper, items: list[Item], ids: list[str]) -> list[str]:
    """One line per answer, for answers not written into a file: „id, the words: answer“."""
    out = []
    for item in items:
        if item.id in ids:
            anchor = item.record.get("anchor") or {}
            quote = " ".join(str(anchor.get("quote") or "").split())
            quote = quote if len(quote) <= 80 else quote[:79] + "…"
            answer = answer_text(paper.lang, item.decision.value, str(item.record.get("response") or ""))
            out.append(f"- {item.id}" + (f" („{quote}“)" if quote else "") + f": {answer}")
    return out


_COVER = {  # the cover text of papier round reply, by language; {…} filled in by _cover
    "en": {
        "subject": "Subject: Your comments on „{title}“ (round {round}): our answers",
        "greeting": "Dear {name},",
        "thanks": "thank you for your comments on „{title}“. Attached is your own file with our "
                  "answer under each of your comments and on each of your suggestions.",
        "counts": "Accepted: {übernommen}, partly accepted: {teilweise}, rejected: {abgelehnt}, "
                  "noted: {zur_kenntnis}.",
        "open": "Still under discussion: {count} ({ids}).",
        "listed": "Our answers one by one:",
        "closing": "Kind regards",
    },
    "de": {
        "subject": "Betreff: Ihre Anmerkungen zu „{title}“ (Runde {round}): unsere Rückmeldung",
        "greeting": "Guten Tag {name},",
        "thanks": "vielen Dank für Ihre Anmerkungen zu „{title}“. Anbei erhalten Sie Ihre eigene "
                  "Datei zurück, mit unserer Antwort unter jedem Ihrer Kommentare und an jedem Ihrer "
                  "Änderungsvorschläge.",
        "counts": "Übernommen: {übernommen}, teilweise übernommen: {teilweise}, abgelehnt: "
                  "{abgelehnt}, zur Kenntnis genommen: {zur_kenntnis}.",
        "open": "Noch in Beratung: {count} ({ids}).",
        "listed": "Unsere Antworten im Einzelnen:",
        "closing": "Mit freundlichen Grüßen",
    },
}


def _cover(paper: Paper, rnd: Round, reviewer: Reviewer, result: Answered, team: str,
           open_ids: list[str], listed: list[str] | None = None) -> str:
    text = _COVER["en" if i18n.lang_key(paper.lang) == "en" else "de"]
    c = result.counts  # a Counter: a decision nobody got counts 0
    counts = text["counts"].format(übernommen=c["übernommen"], teilweise=c["teilweise"],
                                   abgelehnt=c["abgelehnt"], zur_kenntnis=c["zur-kenntnis"])
    lines = [text["subject"].format(title=paper.title, round=rnd.number), "",
             text["greeting"].format(name=reviewer.name), "",
             text["thanks"].format(title=paper.title), "", counts]
    if open_ids:
        lines.append(text["open"].format(count=len(open_ids), ids=", ".join(open_ids)))
    if listed:
        lines += ["", text["listed"], *listed]
    lines += ["", text["closing"], team]
    return "\n".join(lines) + "\n"


def _eml(cover: str, reviewer: Reviewer, team: str, attachment: Path | None) -> bytes:
    """An unsent e-mail (X-Unsent: Outlook and Thunderbird open it as a draft)."""
    subject, _, body = cover.partition("\n\n")
    msg = EmailMessage()
    msg["To"] = formataddr((reviewer.name, reviewer.email))
    msg["From"] = team
    msg["Subject"] = subject.split(":", 1)[1].strip()
    msg["X-Unsent"] = "1"
    msg.set_content(body)
    if attachment is None:
        return bytes(msg)
    maintype, subtype = DOCX_CT.split("/")
    msg.add_attachment(attachment.read_bytes(), maintype=maintype, subtype=subtype,
                       filename=attachment.name)
    return bytes(msg)


def reply(ws: Workspace, slug: str, reviewers: list[str] | None = None,
          partial: bool = False, now: dt.datetime | None = None) -> list[Answered]:
    paper = load_paper(ws, slug)
    rnd = latest_round(paper)
    items = [Item(r) for r in load_items(rnd)]
    known = {r.id for r in rnd.reviewers}
    unknown = [r for r in reviewers or [] if r not in known]
    if unknown:
        raise RoundError(f"reviewer(s) {', '.join(unknown)} not in round {rnd.number} "
                         f"(reviewers: {', '.join(sorted(known))})")
    returned = [str(f.get("reviewer")) for f in rnd.data.get("returned") or []]
    wanted = [r for r in rnd.reviewers if r.id in returned and (not reviewers or r.id in reviewers)]
    if not wanted:
        raise RoundError(f"round {rnd.number} of {slug}: no returned file"
                         + (f" from {', '.join(reviewers)}" if reviewers else "") + " yet")
    team = _team(ws, rnd)
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    who = Author(team, stamp, "".join(p[0] for p in team.split()[:3] if p[:1].isalpha()))
    results = []
    for reviewer in wanted:
        mine = [i for i in items if str(i.record.get("reviewer")) == reviewer.id]
        open_ids = [i.id for i in mine if i.decision.value == "offen"]
        if open_ids and not partial:
            results.append(Answered(reviewer.id, error=(
                f"{reviewer.id}: {len(open_ids)} item(s) still undecided: {', '.join(open_ids)}; "
                f"decide them (papier round decide, or in the Gesamtfassung) or answer the rest "
                f"with --partial")))
            continue
        source = _source_file(paper, rnd, reviewer.id, mine)
        if source is None:
            results.append(Answered(reviewer.id, error=f"{reviewer.id}: the returned file is not "
                                    f"in {paper.rel(rnd.folder / 'returned')}; restore it from git"))
            continue
        out: Path | None = None
        if source.suffix == ".docx":
            out = reply_path(ws, paper, rnd, reviewer.id)
            result = _answer_file(ws, paper, rnd, reviewer, mine, source, out, who)
        else:  # an annotated PDF or an ODT: the answers go into the cover text, one by one
            decided = [i for i in mine if i.decision.value != "offen"]
            result = Answered(reviewer.id, None, Counter(i.decision.value for i in decided),
                              missing=[i.id for i in decided])
        cover = _cover(paper, rnd, reviewer, result, team, open_ids, _listed(paper, mine, result.missing))
        result.cover = reply_path(ws, paper, rnd, reviewer.id, ".txt")
        fsutil.write_text(result.cover, cover)
        fsutil.write_bytes(reply_path(ws, paper, rnd, reviewer.id, ".eml"), _eml(cover, reviewer, team, out))
        results.append(result)
    return results

