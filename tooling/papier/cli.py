"""The papier command line: parse arguments, call one library function, print the result.

Domain errors become one message on stderr and a non-zero exit; nothing else is caught.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from papier import __version__
from papier.errors import PapierError
from papier.workspace import find_workspace
from papier.writers import FORMATS


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
    for slug in ws.slugs():
        paper, _problems = read_paper(ws, slug)
        if paper is None:
            rows.append({"slug": slug, "kind": "?", "title": "(invalid paper.yaml: run papier check)",
                         "version": "?", "status": "?"})
        else:
            rows.append({"slug": slug, "kind": paper.kind, "title": paper.title,
                         "version": paper.version, "status": paper.status})
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("no papers yet; create one with: papier new SLUG --kind positionspapier")
        return 0
    widths = {k: max(len(k), *(len(str(r[k])) for r in rows)) for k in ("slug", "kind", "version", "status")}
    print("  ".join(k.upper().ljust(widths[k]) for k in widths) + "  TITLE")
    for r in rows:
        print("  ".join(str(r[k]).ljust(widths[k]) for k in widths) + f"  {r['title']}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from papier.check import check

    ws = find_workspace()
    problems = check(ws, args.slugs or None)
    for problem in problems:
        print(problem)
    errors = [p for p in problems if p.severity == "error"]
    count = len(args.slugs or ws.slugs())
    if errors:
        print(f"{len(errors)} problem(s) in {count} paper(s)", file=sys.stderr)
        return 1
    print(f"ok: {count} paper(s) checked, no problems", file=sys.stderr)
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from papier.build import build

    ws = find_workspace()
    started = time.perf_counter()
    results = build(ws, args.slugs or None, args.to, final=args.final,
                    out_dir=Path(args.out) if args.out else None,
                    report=lambda r: print(r.line(), flush=True))
    failed = [r for r in results if not r.ok]
    skipped = sum(r.skipped for r in results)
    summary = (f"{len(results) - len(failed)} of {len(results)} outputs ok "
               f"({skipped} up to date) in {time.perf_counter() - started:.2f} s")
    print(summary if not failed else f"{summary}; {len(failed)} FAILED", file=sys.stderr)
    return 1 if failed else 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="papier",
        description="Docs-as-code for position papers and potential analyses. "
                    "Run inside a workspace (a folder with papers/ and templates/) or set PAPIER_ROOT.")
    p.add_argument("--version", action="version", version=f"papier {__version__}")
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
    s.set_defaults(func=cmd_list)

    s = sub.add_parser("check", help="report every problem; exit 1 if there is any",
                       description="One line per problem: path:line: message (with the fix).")
    s.add_argument("slugs", nargs="*", metavar="SLUG", help="papers to check (default: all)")
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("build", help="build DOCX, PDF and HTML",
                       description="Build papers into build/<slug>/<slug>-v<version>.<ext>. "
                                   "Unchanged outputs are skipped.")
    s.add_argument("slugs", nargs="*", metavar="SLUG", help="papers to build (default: all)")
    s.add_argument("--to", type=_formats, default=list(FORMATS), metavar="FORMATS",
                   help="comma-separated: docx,pdf,html (default: all three)")
    s.add_argument("--final", action="store_true", help="no draft stamp")
    s.add_argument("--out", metavar="DIR", help="output folder instead of build/")
    s.set_defaults(func=cmd_build)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        result: int = args.func(args)
        return result
    except PapierError as exc:
        print(f"papier: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
