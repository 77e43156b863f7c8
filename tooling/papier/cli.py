"""The papier command line: parse arguments, call one library function, print the result.

Domain errors become one message on stderr and a non-zero exit; nothing else is caught.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from papier import profile
from papier.errors import PapierError
from papier.formats import FORMATS
from papier.workspace import find_workspace

if TYPE_CHECKING:
    import datetime as dt


class _Version(argparse.Action):
    """--version, reading the installed version only when asked (importlib.metadata is slow)."""

    def __call__(self, parser: argparse.ArgumentParser, *_args: Any, **_kwargs: Any) -> None:
        from papier import __version__

        print(f"papier {__version__}")
        parser.exit()


def _json(value: Any, **kwargs: Any) -> str:
    import json  # start-up: only --json loads it

    return json.dumps(value, **kwargs)


def _formats(value: str) -> list[str]:
    formats = [f.strip() for f in value.split(",") if f.strip()]
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise argparse.ArgumentTypeError(f"unknown format {', '.join(bad)}; use {','.join(FORMATS)}")
    return formats


def cmd_new(args: argparse.Namespace) -> int:
    from papier.scaffold import new_paper

    path = new_paper(find_workspace(), args.slug, args.kind, args.title)
    print(f"created {path}")
    print(f"next: write text/*.md, then run: papier check {args.slug} && papier build {args.slug}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from papier.paper import read_paper

    ws = find_workspace()
    rows = []
    if args.changed:
        from papier.versions import changed_papers

        slugs = changed_papers(ws, args.changed)
    else:
        slugs = ws.slugs()
    for slug in slugs:
        paper, _problems = read_paper(ws, slug)
        if paper is None:
            rows.append({"slug": slug, "kind": "?", "title": "(invalid paper.yaml: run papier check)",
                         "version": "?", "status": "?"})
        else:
            rows.append({"slug": slug, "kind": paper.kind, "title": paper.title,
                         "version": paper.version, "status": paper.status})
    if args.json:
        print(_json(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print(f"no paper changed since {args.changed}" if args.changed else
              "no papers yet; create one with: papier new SLUG --kind positionspapier")
        return 0
    widths = {k: max(len(k), *(len(str(r[k])) for r in rows)) for k in ("slug", "kind", "version", "status")}
    print("  ".join(k.upper().ljust(widths[k]) for k in widths) + "  TITLE")
    for r in rows:
        print("  ".join(str(r[k]).ljust(widths[k]) for k in widths) + f"  {r['title']}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from papier.check import check, render, repo_prefix

    ws = find_workspace()
    if args.fix:
        from papier.check import fix

        for path, count in fix(ws, args.slugs or None):
            print(f"{path}: fixed {count}", file=sys.stderr)
    problems = check(ws, args.slugs or None)
    prefix = repo_prefix(ws) if args.format in ("github", "gitlab") else ""
    report = render(problems, args.format, prefix)
    if args.output:
        from papier import fsutil

        fsutil.write_text(Path(args.output), report + "\n")
        print(f"{args.format} report: {args.output}", file=sys.stderr)
        report = render(problems, "text")  # the log shows the problems too
    if report:
        print(report)
    errors = [p for p in problems if p.severity == "error"]
    warnings = len(problems) - len(errors)
    count = len(args.slugs or ws.slugs())
    also = f", {warnings} warning(s) or hint(s)" if warnings else ""
    if errors:
        print(f"{len(errors)} problem(s) in {count} paper(s){also}", file=sys.stderr)
        return 1
    print(f"ok: {count} paper(s) checked, no errors{also}", file=sys.stderr)
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from papier.build import build, build_at

    ws = find_workspace()
    started = time.perf_counter()
    out_dir = Path(args.out) if args.out else None
    report = lambda r: print(r.line(), flush=True)  # noqa: E731
    if args.at:
        results = build_at(ws, args.at, args.slugs or None, args.to, args.final, out_dir, report)
    else:
        results = build(ws, args.slugs or None, args.to, final=args.final, out_dir=out_dir,
                        report=report)
    failed = [r for r in results if not r.ok]
    skipped = sum(r.skipped for r in results)
    summary = (f"{len(results) - len(failed)} of {len(results)} outputs ok "
               f"({skipped} up to date) in {time.perf_counter() - started:.2f} s")
    print(summary if not failed else f"{summary}; {len(failed)} FAILED", file=sys.stderr)
    return 1 if failed else 0


def _date(value: str) -> dt.date:
    import datetime as dt  # start-up: only the commands that take a date
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date; write YYYY-MM-DD") from exc


def cmd_round_open(args: argparse.Namespace) -> int:
    from papier.rounds.opening import open_round

    rnd, files = open_round(find_workspace(), args.slug, Path(args.reviewers), args.deadline)
    print(f"round {rnd.number} open for {args.slug}, deadline {rnd.deadline.isoformat()}; "
          f"record: {rnd.folder}")
    for path in files:
        print(f"  {path}")
    print("send each reviewer their DOCX (or their PDF, to comment on in a PDF viewer); collect "
          f"the returned ones (.docx, .odt or .pdf) with: papier round collect {args.slug} FILE...")
    return 0


def cmd_round_collect(args: argparse.Namespace) -> int:
    from papier.rounds.collect import collect, collect_warnings

    results = collect(find_workspace(), args.slug, [Path(f) for f in args.files], args.reviewer,
                      args.overwrite)
    for r in results:
        if r.error:
            print(f"FAILED {r.error}", file=sys.stderr)
            continue
        if r.verdict is not None:
            v = r.verdict
            print(f"{r.path}: Gesamtfassung: {v.counts['accepted']} accepted, {v.counts['rejected']} "
                  f"rejected, {v.counts['answered']} answered, {v.counts['open']} still open; "
                  f"{len(v.recorded)} decision(s) recorded"
                  + (f" ({', '.join(v.recorded)})" if v.recorded else ""))
            for line in v.contradictions:
                print(f"CONFLICT {line}", file=sys.stderr)
            for line in v.notes:
                print(f"NOTE {line}", file=sys.stderr)
            continue
        if r.note:
            print(f"NOTE {r.note}", file=sys.stderr)
        if r.already and not r.added and not r.updated:
            print(f"{r.path}: already collected ({r.reviewer}); nothing new")
        else:
            print(f"{r.path}: {r.reviewer}: {len(r.added)} new item(s)"
                  + (f" ({r.added[0]} … {r.added[-1]})" if r.added else "")
                  + (f", {len(r.updated)} thread(s) with new replies" if r.updated else ""))
        for line in collect_warnings(r):
            print(f"WARNING {line}", file=sys.stderr)
    return 1 if any(r.error for r in results) else 0


def cmd_round_merge(args: argparse.Namespace) -> int:
    from papier.rounds.merge import merge

    result = merge(find_workspace(), args.slug)
    counts = result.counts
    print(f"{result.path}: {counts['change']} tracked change(s), {counts['comment']} comment(s), "
          f"{counts['alternative'] + counts['same']} alternative(s) as comments"
          + (f", {len(result.elsewhere)} as comments without an exact place" if result.elsewhere else ""))
    for ident, why in result.elsewhere:
        print(f"NOTE {ident}: written as a comment ({why})", file=sys.stderr)
    for line in result.problems:
        print(f"WARNING {line}", file=sys.stderr)
    print(f"decide in Word or LibreOffice, then: papier round collect {args.slug} {result.path.name}")
    return 0


def cmd_round_reply(args: argparse.Namespace) -> int:
    from papier.rounds.reply import reply

    results = reply(find_workspace(), args.slug, args.reviewer, args.partial)
    for r in results:
        if r.error:
            print(f"REFUSED {r.error}", file=sys.stderr)
            continue
        c = r.counts
        if r.path is None:
            print(f"{r.cover}: {r.reviewer} returned a PDF or ODT: every answer is in this cover "
                  "text and the e-mail draft beside it")
            continue
        print(f"{r.path}: {c['replies']} repl(ies) under comments, {c['changes']} comment(s) on "
              f"changes; cover text and e-mail draft beside it")
        if r.missing:
            print(f"WARNING {r.reviewer}: {', '.join(r.missing)} not found again in their file; "
                  "answered only in the cover text", file=sys.stderr)
    return 1 if any(r.error for r in results) else 0


def cmd_round_status(args: argparse.Namespace) -> int:
    from papier.rounds.decisions import status

    info = status(find_workspace(), args.slug)
    if args.json:
        print(_json(info, ensure_ascii=False, indent=2))
        return 0
    print(f"{info['paper']}: round {info['round']} ({info['state']}), deadline {info['deadline']}, "
          f"{info['items']} item(s)")
    for r in info["reviewers"]:
        state = f"{r['items']} item(s)" if r["answered"] else "no answer yet"
        if r["unplaced"]:
            state += f", {r['unplaced']} without a place in the text"
        if r["formatting"]:
            state += f", {r['formatting']} formatting change(s) not taken"
        print(f"  {r['id']:<24} {r['organisation']:<40} {state}")
    for title, key in (("by kind", "by_kind"), ("by decision", "by_decision"), ("by section", "by_section")):
        print(f"{title}: " + ", ".join(f"{k} {v}" for k, v in info[key].items()))
    print(f"undecided: {', '.join(info['open']) or 'none'}")
    if info["waiting"]:
        print(f"accepted, not yet in the text: {', '.join(info['waiting'])} (papier round apply)")
    for r in info["reviewers"]:
        if r["items"] and r["unplaced"] == r["items"]:
            print(f"WARNING {r['id']}: none of {r['items']} item(s) matched the text: a draft of "
                  "another paper or an older version?", file=sys.stderr)
    return 0


def cmd_round_matrix(args: argparse.Namespace) -> int:
    from papier.rounds.matrix import write_matrix

    print(write_matrix(find_workspace(), args.slug, args.to, args.anonymize))
    return 0


def cmd_round_decide(args: argparse.Namespace) -> int:
    from papier.rounds.decisions import FLAG_TO_DECISION, decide

    decision = FLAG_TO_DECISION[args.decision]
    decide(find_workspace(), args.slug, args.id, decision, args.response)
    print(f"{args.id}: {decision}")
    return 0


def cmd_round_apply(args: argparse.Namespace) -> int:
    from papier.rounds.apply import apply

    report = apply(find_workspace(), args.slug, args.ids or None, by_hand=args.by_hand)
    for ident in report.applied:
        print(f"applied {ident}")
    for ident, why in report.refused:
        print(f"refused {ident}: {why}", file=sys.stderr)
    if report.files:
        print("changed: " + ", ".join(sorted(report.files)) + " (review with git diff, then commit)")
    elif not report.refused:
        print("nothing to apply: no accepted insertion, deletion or replacement is left")
    return 1 if report.refused else 0


def cmd_round_close(args: argparse.Namespace) -> int:
    from papier.rounds.decisions import close

    if args.force and not args.reason:
        print("papier round close --force needs --reason \"…\" (it is kept in round.yaml)",
              file=sys.stderr)
        return 2
    rnd = close(find_workspace(), args.slug, force=args.reason if args.force else None)
    print(f"round {rnd.number} of {args.slug} closed; status is entwurf again")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from papier.redline import diff

    out = diff(find_workspace(), args.slug, args.old, args.new, args.to, args.synopse)
    print(out)
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from papier.release import release

    done = release(find_workspace(), args.slug, args.version, draft=args.draft)
    print(f"{done.slug} {done.version}: commit {done.commit}, tag {done.tag}")
    for path in done.outputs:
        print(f"  {path}")
    print(f"publish it with: git push && git push origin {done.tag}")
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    from papier import i18n
    from papier.release import history

    info = history(find_workspace(), args.slug)
    if args.json:
        print(_json(info, ensure_ascii=False, indent=2))
        return 0
    if not info["versions"]:
        print(f"{args.slug}: no version yet; make one with: papier release {args.slug} 1.0.0")
    for v in reversed(info["versions"]):
        status = i18n.label("de", v["status"]) if v["status"] in i18n.LABELS["de"] else v["status"]
        print(f"v{v['version']:<8}  {v['date']}  {status:<16}  {v['commit']}  {v['tag']}")
        for line in v["rounds"]:
            print(f"            {line}")
    work = info["worktree"]
    since = f"since {info['since']}" if info["since"] else "so far"
    print(f"working tree: version {work['version']}, status {work['status']}; "
          f"{len(info['commits'])} commit(s) {since}")
    for line in work["rounds"]:
        print(f"            {line}")
    for c in info["commits"]:
        print(f"  {c['commit']}  {c['date']}  {c['author']}: {c['summary']}")
    return 0


def cmd_site(args: argparse.Namespace) -> int:
    from papier.site import build_site

    started = time.perf_counter()
    result = build_site(find_workspace(), Path(args.out) if args.out else None, args.drafts,
                        args.base_url or "", lambda line: print(line, flush=True))
    for line in result.left_out:
        print(f"NOTE {line}", file=sys.stderr)
    for line in result.warnings:
        print(f"WARNING {line}", file=sys.stderr)
    drafts = f" and {result.drafts} working draft(s)" if args.drafts else ""
    print(f"{result.out}: {len(result.pages)} page(s) for {result.releases} release(s){drafts}, "
          f"feed.xml and sitemap.xml in {time.perf_counter() - started:.2f} s; open "
          f"{result.out / 'index.html'}")
    return 0


def cmd_data_inspect(args: argparse.Namespace) -> int:
    from papier.data.inspect import inspect

    print(inspect(Path(args.file), args.sheet or ""))
    return 0


def cmd_preview(args: argparse.Namespace) -> int:
    from papier.preview import watch

    ws = find_workspace()
    ws.paper_dir(args.slug)
    print(f"watching papers/{args.slug} and templates/; the PDF is rebuilt on every save "
          f"into build/{args.slug}/preview/ (Ctrl+C ends)", flush=True)
    watch(ws, args.slug, args.html, args.port, lambda line: print(line, flush=True),
          rounds=args.rounds)
    return 0


def _round_parser(sub: Any) -> None:
    r = sub.add_parser("round", help="comment rounds: drafts out, reviewers' files in",
                       description="Open a comment round, collect returned DOCX files, decide, "
                                   "apply and close.")
    rs = r.add_subparsers(dest="round_command", required=True, metavar="STEP")
    s = rs.add_parser("open", help="build one reviewer copy per reviewer",
                      description="Create rounds/<n>/ and one DOCX per reviewer in build/<slug>/runde-<n>/.")
    s.add_argument("slug", metavar="SLUG")
    s.add_argument("--reviewers", required=True, metavar="FILE",
                   help="YAML list of {id, name, organisation, email}")
    s.add_argument("--deadline", type=_date, metavar="YYYY-MM-DD", help="default: in three weeks")
    s.set_defaults(func=cmd_round_open)
    s = rs.add_parser("collect", help="read returned DOCX, ODT or annotated PDF files into comments.yaml",
                      description="Comments, replies and tracked changes (or PDF annotations), "
                                  "anchored to file:line.")
    s.add_argument("slug", metavar="SLUG")
    s.add_argument("files", nargs="+", metavar="FILE", help=".docx, .odt or the annotated reviewer .pdf")
    s.add_argument("--reviewer", metavar="ID", help="who returned the files, if the file cannot tell")
    s.add_argument("--overwrite", action="store_true",
                   help="a Gesamtfassung's decisions replace different ones already recorded")
    s.set_defaults(func=cmd_round_collect)
    s = rs.add_parser("merge", help="one DOCX with every reviewer's comments and changes",
                      description="Write build/<slug>/runde-<n>/<slug>-v<version>-gesamt.docx: the text "
                      "as sent with every collected comment, reply and tracked change, attributed to "
                      "its author. Where reviewers change the same words, the first is a tracked change "
                      "and the others are comments („Alternativvorschlag …“). Decide in the file, then "
                      "collect it: papier reads the decisions back.")
    s.add_argument("slug", metavar="SLUG")
    s.set_defaults(func=cmd_round_merge)
    s = rs.add_parser("reply", help="answer each reviewer in their own returned file",
                      description="Answer every reviewer who returned a file, in their own file "
                      "(build/<slug>/runde-<n>/rueckmeldung/<slug>-v<version>-<reviewer>-rueckmeldung.docx), "
                      "with a threaded reply under each of their comments and a comment on each of their "
                      "changes („übernommen: …“), plus a cover text (.txt) and an e-mail draft (.eml). "
                      "Refused for a reviewer with undecided items unless --partial.")
    s.add_argument("slug", metavar="SLUG")
    s.add_argument("--reviewer", action="append", metavar="ID", help="only this reviewer (repeatable)")
    s.add_argument("--partial", action="store_true", help="answer what is decided; list the rest as open")
    s.set_defaults(func=cmd_round_reply)
    s = rs.add_parser("status", help="who answered, counts, what is undecided",
                      description="Who answered, each reviewer's items, items without a place in the "
                      "text and formatting changes not taken; counts by kind, section and decision; "
                      "what is undecided and what is accepted but not yet applied.")
    s.add_argument("slug", metavar="SLUG")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_round_status)
    s = rs.add_parser("matrix", help="write the Kommentarmatrix",
                      description="Write rounds/<n>/kommentarmatrix-runde-<n>.<ext> and print its path.")
    s.add_argument("slug", metavar="SLUG")
    s.add_argument("--to", choices=["docx", "xlsx", "csv", "md"], default="xlsx")
    s.add_argument("--anonymize", action="store_true", help="reviewers as Stelle A, B, …")
    s.set_defaults(func=cmd_round_matrix)
    s = rs.add_parser("decide", help="record a decision on one item",
                      description="Record übernommen (--accept), teilweise (--partly), abgelehnt "
                      "(--reject) or zur-kenntnis (--note) for one item, with the reasoning shown "
                      "in the matrix (--response).")
    s.add_argument("slug", metavar="SLUG")
    s.add_argument("id", metavar="ID", help="like R1-004")
    group = s.add_mutually_exclusive_group(required=True)
    for flag in ("accept", "partly", "reject", "note"):
        group.add_argument(f"--{flag}", dest="decision", action="store_const", const=flag)
    s.add_argument("--response", metavar="TEXT", help="the reasoning shown in the matrix")
    s.set_defaults(func=cmd_round_decide)
    s = rs.add_parser("apply", help="take accepted suggestions into the Markdown",
                      description="Insertions, deletions, replacements, new and deleted paragraphs, "
                      "splits and joins decided 'übernommen', each exactly where the reviewer made "
                      "it, or refused with the reason.")
    s.add_argument("slug", metavar="SLUG")
    s.add_argument("ids", nargs="*", metavar="ID")
    s.add_argument("--by-hand", action="store_true",
                   help="mark the named items as applied: you took them over by hand")
    s.set_defaults(func=cmd_round_apply)
    s = rs.add_parser("close", help="close the round (refused while items are undecided or "
                      "accepted but not applied)",
                      description="Close the round. Refused while items are undecided or "
                      "accepted but not yet applied; --force --reason closes anyway and keeps the "
                      "reason in round.yaml. The paper's status goes back to entwurf.")
    s.add_argument("slug", metavar="SLUG")
    s.add_argument("--force", action="store_true",
                   help="close although accepted items are not in the text (needs --reason)")
    s.add_argument("--reason", metavar="TEXT", help="why; kept in round.yaml")
    s.set_defaults(func=cmd_round_close)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="papier",
        description="Docs-as-code for position papers and potential analyses. "
                    "Run inside a workspace (a folder with papers/ and templates/) or set PAPIER_ROOT.")
    p.add_argument("--version", action=_Version, nargs=0, help="show papier's version and exit")
    p.add_argument("--profile", action="store_true",
                   help="print the time of each stage (start-up, assembling, each writer, each "
                        "pandoc and Typst call, in every thread) to stderr; also PAPIER_PROFILE=1")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser("new", help="scaffold a paper from templates/kinds/",
                       description="Create papers/SLUG from the skeleton of KIND.")
    s.add_argument("slug", metavar="SLUG", help="folder name: lower-case letters, digits, hyphens")
    s.add_argument("--kind", required=True,
                   choices=["positionspapier", "diskussionspapier", "potenzialanalyse"])
    s.add_argument("--title", help="the paper's title (default: the skeleton's)")
    s.set_defaults(func=cmd_new)

    s = sub.add_parser("list", help="list the papers", description="Slug, kind, version, status, title.")
    s.add_argument("--json", action="store_true", help="a JSON list of objects")
    s.add_argument("--changed", metavar="REV",
                   help="only papers whose files changed between REV and HEAD (from their merge "
                        "base, as a pull request shows them)")
    s.set_defaults(func=cmd_list)

    s = sub.add_parser("check", help="report every problem; exit 1 if there is an error",
                       description="One line per problem: path:line[:col]: message (with the fix). "
                                   "Language findings are warnings (hints for long sentences) unless "
                                   "paper.yaml or brand.yaml lists them under language.errors.")
    s.add_argument("slugs", nargs="*", metavar="SLUG", help="papers to check (default: all)")
    s.add_argument("--fix", action="store_true",
                   help="first fix the mechanical language findings in the Markdown (spaces, "
                        "'z.B.', non-breaking spaces, gender forms), then report the rest")
    s.add_argument("--format", choices=["text", "json", "github", "gitlab"], default="text",
                   help="text: path:line:col: message (default); json: a list of objects; github: "
                        "workflow commands (::error file=…,line=…::…) shown in a pull request; "
                        "gitlab: a Code Quality report (JSON) for artifacts:reports:codequality")
    s.add_argument("--output", metavar="FILE",
                   help="write the report to FILE (atomically); the problems are printed as text")
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("build", help="build DOCX, PDF and HTML",
                       description="Build papers into build/<slug>/<slug>-v<version>.<ext>. "
                                   "Unchanged outputs are skipped.")
    s.add_argument("slugs", nargs="*", metavar="SLUG", help="papers to build (default: all)")
    s.add_argument("--to", type=_formats, default=list(FORMATS), metavar="FORMATS",
                   help="comma-separated: docx,pdf,html (default: all three)")
    s.add_argument("--final", action="store_true", help="no draft stamp")
    s.add_argument("--out", metavar="DIR", help="output folder instead of build/")
    s.add_argument("--at", metavar="REV",
                   help="build the version REV (0.2.0, a tag or any git revision) from git into "
                        "build/<slug>/at-<REV>/, without touching the working tree")
    s.set_defaults(func=cmd_build)
    _round_parser(sub)

    s = sub.add_parser("diff", help="redline between two versions (Word tracked changes, Synopse)",
                       description="Compare two versions of a paper: FROM and TO are versions "
                                   "(0.2.0, v0.2.0), tags or git revisions; TO defaults to the "
                                   "working tree, FROM to the last version. Prints the path written.")
    s.add_argument("slug", metavar="SLUG")
    s.add_argument("old", nargs="?", metavar="FROM", help="default: the last version tag")
    s.add_argument("new", nargs="?", metavar="TO", help="default: the working tree")
    s.add_argument("--to", choices=["docx", "html", "md"], default="docx",
                   help="docx: tracked changes (default); html, md: <ins>/<del> markup")
    s.add_argument("--synopse", action="store_true",
                   help="a landscape DOCX in two columns: bisherige Fassung | neue Fassung")
    s.set_defaults(func=cmd_diff)

    s = sub.add_parser("release", help="cut a version: paper.yaml, CHANGELOG, build, commit, tag",
                       description="Refused on a dirty tree, an open round or undecided comments, "
                                   "a failing check, or a version not greater than the last. "
                                   "Sets version, status veroeffentlicht and date in paper.yaml, "
                                   "adds a section to papers/SLUG/CHANGELOG.md, commits, tags "
                                   "SLUG/vVERSION and builds the final outputs into build/SLUG/ "
                                   "and publish/SLUG/VERSION/.")
    s.add_argument("slug", metavar="SLUG")
    s.add_argument("version", metavar="VERSION", help="like 1.0.0; greater than the last")
    s.add_argument("--draft", action="store_true",
                   help="tag a draft (0.x before a round): status unchanged, stamped outputs")
    s.set_defaults(func=cmd_release)

    s = sub.add_parser("site", help="the publication site of every released version",
                       description="A static, accessible site from the version tags SLUG/vX.Y.Z, "
                                   "built from git without touching the working tree: index "
                                   "(filter by kind), a page per paper with every version's PDF, "
                                   "DOCX and HTML, Atom feed, sitemap, imprint and accessibility "
                                   "statement. Releases built before are taken from build/.cache/site.")
    s.add_argument("--out", metavar="DIR", help="the site's folder (default: build/site)")
    s.add_argument("--drafts", action="store_true",
                   help="add each paper's working state, marked as Entwurf")
    s.add_argument("--base-url", metavar="URL",
                   help="the site's public address, for sitemap.xml and feed.xml (default: site.url "
                        "in templates/brand.yaml)")
    s.set_defaults(func=cmd_site)

    s = sub.add_parser("preview", help="rebuild the PDF on every save (and serve the HTML)",
                       description="Watch the paper's files and templates/; rebuild the PDF into "
                                   "build/SLUG/preview/ on every save, reusing the Typst compiler "
                                   "and the unchanged chapters. --html also serves the HTML on "
                                   "localhost; the page reloads itself after each build.")
    s.add_argument("slug", metavar="SLUG")
    s.add_argument("--html", action="store_true", help="serve the HTML on http://127.0.0.1:PORT/")
    s.add_argument("--port", type=int, default=8765)
    s.add_argument("--rounds", type=int, help=argparse.SUPPRESS)  # tests: stop after N looks
    s.set_defaults(func=cmd_preview)

    s = sub.add_parser("data", help="data files: how papier reads a CSV file or a workbook",
                       description="Look at data files before writing a .table or .chart block.")
    ds = s.add_subparsers(dest="data_command", required=True, metavar="STEP")
    s = ds.add_parser("inspect", help="show how papier reads FILE: layout, columns, first rows",
                      description="Show how papier reads a CSV file (encoding, delimiter) or a workbook "
                      "(.xlsx, .xlsm, .ods: sheet, cells): title, header and footer rows found, the "
                      "columns with their types, units and special values, the first rows as a table "
                      "shows them, and a block to start from.")
    s.add_argument("file", metavar="FILE", help="a .csv, .xlsx, .xlsm or .ods file")
    s.add_argument("--sheet", metavar="S", help="the sheet (name or number); default: the first with a table")
    s.set_defaults(func=cmd_data_inspect)

    s = sub.add_parser("log", help="versions, their comment rounds, commits since the last tag",
                       description="Every version of the paper (tag, date, status) with its comment "
                       "rounds, and the commits since the last version.")
    s.add_argument("slug", metavar="SLUG")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_log)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.profile:
        profile.enable()
    profile.since_start("start-up: papier.cli imported, arguments parsed")
    try:
        with profile.stage(f"papier {args.command}"):
            result: int = args.func(args)
        return result
    except PapierError as exc:
        print(f"papier: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    finally:
        profile.report()
