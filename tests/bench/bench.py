"""papier's benchmark: every case as whole processes, paired with the raw tools (`nox -s bench`).

usage: python tests/bench/bench.py [--runs N] [--json PATH] [--only CASE ...]

Each case runs `papier …` as a new process, the way an author runs it, and the raw tools
for the same work as another new process (one Python process calling pandoc and Typst
directly, as a script would). After a warm-up pair, N pairs run in alternation (papier
first in even pairs, the raw tools first in odd ones); a case reports the median of the
pair ratios with their min and max, the medians of both, and the peak memory of each
(the largest sum of the memory of the process and of everything it started, running side
by side). Inputs are
generated into a temporary folder (tests/bench/generate.py). Results: a table on the
terminal and a JSON file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
import generate

HERE = Path(__file__).resolve()
Run = tuple[float, float]  # seconds, peak resident set in MB


@dataclass
class Case:
    what: str
    goal: str  # "ratio" (papier / raw) or "seconds" (papier alone)
    limit: float
    papier: list[str]  # arguments after `papier`
    raw: list[str]  # arguments of tests/bench/raw.py
    folder: str  # the workspace, under the bench root
    before: Callable[[Path], None] | None = None  # before each papier run
    memory: float | None = 1.2  # papier's peak at most this times the raw tools' peak
    notes: list[str] = field(default_factory=list)


def _edit(chapter: str) -> Callable[[Path], None]:
    words = iter(generate.WORDS * 40)

    def edit(ws: Path) -> None:
        path = ws / "papers" / chapter
        text = path.read_text("utf-8")
        path.write_text(text.replace(" und ", f" und {next(words)} ", 1), "utf-8")

    return edit


def _forget(*parts: str) -> Callable[[Path], None]:
    def forget(ws: Path) -> None:
        for part in parts:
            shutil.rmtree(ws / part, ignore_errors=True)

    return forget


def _forget_keeping_typst(ws: Path) -> None:
    """Forget build/ as `_forget("build")`, but first keep each paper's Typst work folder
    (main.typ, meta.json, units.json) in typeset/: the raw tools of a `typeset` case compile
    papier's own Typst source, and papier must not find it."""
    for work in sorted((ws / "build" / ".cache").glob("*/main.typ")):
        shutil.copytree(work.parent, ws / "typeset" / work.parent.name, dirs_exist_ok=True)
    shutil.rmtree(ws / "build", ignore_errors=True)


LONG = generate.LONG
FORGETTING = ("first-build", "first-build-typeset", "build-20", "build-20-typeset", "check-20")
CASES: dict[str, Case] = {
    "edit-19": Case(
        "50-page paper (15,000 words) in 19 chapters, one-word edit, build DOCX+PDF", "ratio", 1.10,
        ["build", LONG, "--to", "docx,pdf"], ["build", f"papers/{LONG}"], "long",
        before=_edit(f"{LONG}/text/05-kapitel.md")),
    "edit-19-typeset": Case(
        "the same, but the raw tools' Typst compiles papier's own Typst source (brand font, "
        "justified and hyphenated German, PDF/UA): what papier adds to the same typesetting",
        "ratio", 1.10, ["build", LONG, "--to", "docx,pdf"], ["typeset", f"papers/{LONG}"], "long",
        before=_edit(f"{LONG}/text/05-kapitel.md")),
    "edit-1": Case(
        "the same paper as one chapter, one-word edit", "ratio", 1.10,
        ["build", LONG, "--to", "docx,pdf"], ["build", f"papers/{LONG}"], "one",
        before=_edit(f"{LONG}/text/01-kapitel.md")),
    "first-build": Case(
        "the 50-page paper with nothing cached (first build: reference document, figures)",
        "ratio", 1.50, ["build", LONG, "--to", "docx,pdf"], ["build", f"papers/{LONG}"], "long",
        before=_forget("build")),
    "first-build-typeset": Case(
        "the same, but the raw tools' Typst compiles papier's own Typst source (as in the second row)",
        "ratio", 1.50, ["build", LONG, "--to", "docx,pdf"], ["typeset", f"papers/{LONG}"], "long",
        before=_forget_keeping_typst),
    "build-20": Case(
        "20 papers to DOCX+PDF, nothing cached, vs the raw calls one after another", "ratio", 0.60,
        ["build", "--to", "docx,pdf"], ["build", "papers"], "many", before=_forget("build"),
        memory=None),  # one worker per core holds one paper each: the memory goal is per paper
    "build-20-typeset": Case(
        "the same, but the raw tools' Typst compiles papier's own Typst source of each paper",
        "ratio", 0.60, ["build", "--to", "docx,pdf"], ["typeset", "papers"], "many",
        before=_forget_keeping_typst, memory=None),
    "help": Case("papier --help (raw: python -c pass)", "seconds", 0.15, ["--help"], ["nothing"],
                 "many", memory=None),
    "list": Case("papier list, 20 papers (raw: python -c pass)", "seconds", 0.15, ["list"],
                 ["nothing"], "many", memory=None),
    "check-20": Case(
        "papier check of 20 papers, nothing cached (raw: pandoc reads every chapter)", "seconds",
        1.00, ["check"], ["read", "papers"], "many", before=_forget("build"), memory=None),
    "preview": Case(
        "papier preview: one-word edit in the 50-page paper until the PDF is new (raw: pandoc "
        "typst + typst.compile)", "seconds", 0.50, ["preview", LONG], ["pdf", f"papers/{LONG}"],
        "preview", memory=None),
    "redline-50": Case(
        "papier diff of the 50-page paper, 5 % of its blocks changed (raw: pandoc docx of the "
        "new text)", "seconds", 2.00, ["diff", LONG], ["docx", f"papers/{LONG}"], "redline",
        memory=None),
    "round-collect-1k": Case("round collect, one DOCX with 1,000 comments (raw: lxml reads it)",
                             "seconds", 2.0, [], ["docx-read"], "round-1000", memory=None),
    "round-collect-10k": Case("round collect, one DOCX with 10,000 comments (raw: lxml reads it)",
                              "seconds", 10.0, [], ["docx-read"], "round-10000", memory=None),
    "round-status-1k": Case("round status, 1,000 items (raw: PyYAML reads comments.yaml)",
                            "seconds", 0.50, [], ["yaml"], "round-1000", memory=None),
    "round-decide-1k": Case("round decide, 1,000 items", "seconds", 0.50, [], ["yaml"], "round-1000",
                            memory=None),
    "round-matrix-1k": Case("round matrix --to xlsx, 1,000 items (raw: openpyxl writes the rows)",
                            "seconds", 0.50, [], ["xlsx"], "round-1000", memory=None),
    "round-status-10k": Case("round status, 10,000 items", "seconds", 1.00, [], ["yaml"],
                             "round-10000", memory=None),
    "round-decide-10k": Case("round decide, 10,000 items", "seconds", 1.00, [], ["yaml"],
                             "round-10000", memory=None),
    "round-matrix-10k": Case("round matrix --to xlsx, 10,000 items", "seconds", 5.00, [], ["xlsx"],
                             "round-10000", memory=None),
}
ROUND_SLUG = "papier-01"


# ---------------------------------------------------------------- running processes

def _env(root: Path) -> dict[str, str]:
    """As an installed papier runs: bytecode cached (outside the repository)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PAPIER_PROFILE")}
    env["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
    return env


# a small launcher (no site packages) forks and execs the command and reports its time and
# peak memory. The bench itself (60 MB and more) must not be the parent: a child's peak
# counts the memory of the process it was forked from. The peak is the larger of the
# largest single process (ru_maxrss) and the largest sum, sampled every 20 ms, of the
# proportional set sizes (PSS: shared pages divided among the processes that share them) of
# the command and every process it started, so that processes running side by side (DOCX
# and PDF, one worker per core) are counted together, as the machine has to hold them.
LAUNCH = """
import json, os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    os.execv(sys.argv[1], sys.argv[1:])
tree, seen, peak = {pid}, set(), 0
def kb(p, field):
    try:
        with open(f"/proc/{p}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
while True:
    done, status, usage = os.wait4(pid, os.WNOHANG)
    if done:
        break
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and int(entry.name) not in seen:
            other = int(entry.name)
            seen.add(other)
            try:
                with open(f"/proc/{other}/stat", "rb") as f:
                    ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid in tree:
                tree.add(other)
    alive = [p for p in tree if os.path.exists(f"/proc/{p}")]
    seen -= set(tree) - set(alive)  # a pid that ended may come back as another process
    tree = set(alive) | {pid}
    peak = max(peak, sum(kb(p, b"Pss:") for p in tree))
    time.sleep(0.02)
seconds = time.perf_counter() - start
print(json.dumps([seconds, max(usage.ru_maxrss, peak), os.waitstatus_to_exitcode(status)]))
"""


def measure(args: list[str], cwd: Path, env: dict[str, str]) -> Run:
    """Wall time and peak memory (MB) of one whole process and everything it started."""
    proc = subprocess.run([sys.executable, "-I", "-S", "-c", LAUNCH, *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)
    try:
        seconds, peak_kb, code = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        code, seconds, peak_kb = -1, 0.0, 0
    if code != 0 or proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed in {cwd}:\n{proc.stderr[-3000:]}")
    return seconds, peak_kb / 1024


def papier(ws: Path, root: Path, *args: str) -> Run:
    env = {**_env(root), "PAPIER_ROOT": str(ws)}
    return measure([sys.executable, "-m", "papier", *args], ws, env)


def raw(ws: Path, root: Path, *args: str) -> Run:
    if args == ("nothing",):  # what any Python program costs to start
        return measure([sys.executable, "-c", "pass"], ws, _env(root))
    return measure([sys.executable, str(HERE.parent / "raw.py"), ROUND_SLUG, *args], ws, _env(root))


# ---------------------------------------------------------------- inputs

def inputs(root: Path, names: list[str]) -> None:
    """Generate the workspaces the cases need (each once)."""
    folders = {CASES[n].folder for n in names}
    if folders & {"long", "preview", "redline"} and not (root / "long").exists():
        generate.long_paper(root / "long", chapters=19)
    if "one" in folders and not (root / "one").exists():
        generate.long_paper(root / "one", chapters=1)
    if folders & {"many", "round-1000", "round-10000"} and not (root / "many").exists():
        generate.many_papers(root / "many")
    if "preview" in folders and not (root / "preview").exists():
        shutil.copytree(root / "long", root / "preview")
    if "redline" in folders and not (root / "redline").exists():
        copy = root / "redline"
        shutil.copytree(root / "long", copy)
        repo = generate.commit(copy, "unverändert")
        repo.create_tag(f"{LONG}/v0.1.0", message="Basis")
        generate.change_blocks(copy, LONG, 0.05, random.Random(7))
    for count in (1000, 10000):
        if f"round-{count}" in folders and not (root / f"round-{count}").exists():
            _big_round(root, count)


def _big_round(root: Path, count: int) -> None:
    """A workspace with an open round of one reviewer and their copy back with *count* comments."""
    folder = root / f"round-{count}"
    generate.workspace(folder)
    shutil.copytree(root / "many" / "papers" / ROUND_SLUG, folder / "papers" / ROUND_SLUG)
    generate.commit(folder, "Runde vorbereiten")
    reviewers = folder / "reviewers.yaml"
    reviewers.write_text("- id: stelle\n  name: Stelle\n  organisation: Org\n"
                         "  email: stelle@example.org\n", "utf-8")
    papier(folder, root, "round", "open", ROUND_SLUG, "--reviewers", str(reviewers))
    draft = sorted((folder / "build" / ROUND_SLUG / "runde-1").glob("*.docx"))[0]
    generate.many_comments(draft, folder / "zurueck" / "stelle.docx", count, random.Random(5))


# ---------------------------------------------------------------- one case

def run_case(name: str, root: Path, runs: int) -> dict[str, Any]:
    case = CASES[name]
    ws = root / case.folder
    if name == "preview":
        return _preview(case, ws, root, runs)
    papier_args, before = case.papier, case.before
    if name.startswith("round-"):
        papier_args, before = _round_args(name, ws, root)
    pairs: list[tuple[Run, Run]] = []
    for i in range(runs + 1):  # the first pair warms up: bytecode, page cache
        if before is not None:
            before(ws)
        if i % 2 == 0:
            mine = papier(ws, root, *papier_args)
            theirs = raw(ws, root, *case.raw)
        else:
            theirs = raw(ws, root, *case.raw)
            if before is not None and name in FORGETTING:
                before(ws)  # the raw tools may have left nothing, but be sure
            mine = papier(ws, root, *papier_args)
        if i:
            pairs.append((mine, theirs))
    return _result(name, pairs)


def _round_args(name: str, ws: Path, root: Path) -> tuple[list[str], Callable[[Path], None] | None]:
    step = name.split("-")[1]
    record = ws / "papers" / ROUND_SLUG / "rounds" / "1"
    returned = ws / "zurueck" / "stelle.docx"

    def reset(_ws: Path) -> None:
        (record / "comments.yaml").unlink(missing_ok=True)
        shutil.rmtree(record / "returned", ignore_errors=True)
        (record / "returned").mkdir()

    if step == "collect":
        return ["round", "collect", ROUND_SLUG, str(returned)], reset
    if not (record / "comments.yaml").exists():
        papier(ws, root, "round", "collect", ROUND_SLUG, str(returned))
    if step == "status":
        return ["round", "status", ROUND_SLUG], None
    if step == "matrix":
        return ["round", "matrix", ROUND_SLUG, "--to", "xlsx"], None
    args = ["round", "decide", ROUND_SLUG, "R1-001", "--accept", "--response", "Begründung: „so“ – siehe 2."]
    idents = iter(range(1, 10**6, 37))

    def pick(_ws: Path) -> None:
        args[3] = f"R1-{next(idents):03d}"

    return args, pick


def _preview(case: Case, ws: Path, root: Path, runs: int) -> dict[str, Any]:
    """`papier preview` runs as its own process; each run edits a chapter and waits until
    the PDF is new. The raw pair is pandoc -t typst + typst.compile in a new process."""
    pdf = ws / "build" / LONG / "preview" / f"{LONG}.pdf"
    env = {**_env(root), "PAPIER_ROOT": str(ws)}
    proc = subprocess.Popen([sys.executable, "-m", "papier", *case.papier], cwd=ws, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    edit = _edit(f"{LONG}/text/05-kapitel.md")
    try:
        _wait_for(pdf, 0, proc, 120)
        time.sleep(0.5)
        pairs = []
        for i in range(runs + 1):
            theirs = raw(ws, root, *case.raw)
            before = pdf.stat().st_mtime_ns
            start = time.perf_counter()
            edit(ws)
            _wait_for(pdf, before, proc, 60)
            mine = (time.perf_counter() - start, 0.0)
            time.sleep(0.3)  # the preview looks again before the next edit
            if i:
                pairs.append((mine, theirs))
    finally:
        proc.terminate()
        proc.wait(10)
    return _result("preview", pairs)


def _wait_for(pdf: Path, older_than: int, proc: subprocess.Popen[bytes], limit: float) -> None:
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        if pdf.exists() and pdf.stat().st_mtime_ns != older_than:
            return
        if proc.poll() is not None:
            raise RuntimeError("papier preview stopped")
        time.sleep(0.005)
    raise RuntimeError(f"{pdf} was not written within {limit} s")


def _result(name: str, pairs: list[tuple[Run, Run]]) -> dict[str, Any]:
    case = CASES[name]
    ratios = [m[0] / t[0] for m, t in pairs]
    mine = statistics.median(m[0] for m, _t in pairs)
    theirs = statistics.median(t[0] for _m, t in pairs)
    # memory as time: the median of the runs (one run may meet another process's pid)
    peak, raw_peak = statistics.median(m[1] for m, _t in pairs), statistics.median(t[1] for _m, t in pairs)
    ratio = statistics.median(ratios)
    value = ratio if case.goal == "ratio" else mine
    row: dict[str, Any] = {
        "case": name, "what": case.what, "pairs": len(pairs),
        "papier_s": round(mine, 3), "raw_s": round(theirs, 3),
        "ratio": round(ratio, 2), "ratio_min": round(min(ratios), 2), "ratio_max": round(max(ratios), 2),
        "papier_runs_s": [round(m[0], 3) for m, _t in pairs],
        "raw_runs_s": [round(t[0], 3) for _m, t in pairs],
        "goal": f"<= {case.limit}x" if case.goal == "ratio" else f"< {case.limit} s",
        "met": value <= case.limit,
    }
    if peak:
        row["peak_mb"], row["raw_peak_mb"] = round(peak, 1), round(raw_peak, 1)
        if case.memory is not None:
            row["memory_ratio"] = round(peak / raw_peak, 2)
            row["memory_met"] = peak <= case.memory * raw_peak
    return row


# ---------------------------------------------------------------- report

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed pairs per case (default 5)")
    parser.add_argument("--json", default="build/bench/results.json")
    parser.add_argument("--only", nargs="*", choices=list(CASES))
    parser.add_argument("--keep", metavar="DIR", help="generate inputs into DIR and keep them")
    args = parser.parse_args()
    root = Path(args.keep).resolve() if args.keep else Path(tempfile.mkdtemp(prefix="papier-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    names = args.only or list(CASES)
    rows = []
    try:
        started = time.perf_counter()
        inputs(root, names)
        print(f"inputs in {root} ({time.perf_counter() - started:.1f} s)", flush=True)
        for name in names:
            try:
                rows.append(run_case(name, root, args.runs))
            except (RuntimeError, OSError) as exc:
                print(f"{name}: FAILED\n{exc}", file=sys.stderr)
                rows.append({"case": name, "what": CASES[name].what, "error": str(exc)[-3000:], "met": False})
                continue
            print(_line(rows[-1]), flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    machine = {"python": platform.python_version(), "system": platform.platform(),
               "cpus": os.cpu_count(), "processor": platform.processor() or platform.machine()}
    print(_table(rows, machine))
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": machine, "results": rows}, ensure_ascii=False, indent=2), "utf-8")
    print(f"written: {out}")
    return 0 if all(r.get("met") and r.get("memory_met", True) for r in rows) else 1


def _line(row: dict[str, Any]) -> str:
    memory = f"peak {row['peak_mb']:.0f}/{row['raw_peak_mb']:.0f} MB" if "peak_mb" in row else ""
    if "memory_met" in row:
        memory += "" if row["memory_met"] else " MISSED"
    return (f"{row['case']:<18} papier {row['papier_s']:6.3f} s  raw {row['raw_s']:6.3f} s  "
            f"ratio {row['ratio']:.2f}x ({row['ratio_min']:.2f}-{row['ratio_max']:.2f})  {memory:<20} "
            f"goal {row['goal']:<9} {'met' if row['met'] else 'MISSED'}")


def _table(rows: list[dict[str, Any]], machine: dict[str, Any]) -> str:
    lines = [f"\nmachine: {machine['cpus']} CPUs, {machine['system']}, Python {machine['python']}",
             "| case | papier (median) | raw tools (median) | ratio: median (min–max) "
             "| peak memory papier / raw | goal | |",
             "|---|---:|---:|---:|---:|---|---|"]
    for row in rows:
        if "error" in row:
            lines.append(f"| {row['what']} | failed | | | | | |")
            continue
        memory = f"{row['peak_mb']:.0f} / {row['raw_peak_mb']:.0f} MB" if "peak_mb" in row else "–"
        if "memory_met" in row:
            memory += f" ({row['memory_ratio']:.2f}x: {'met' if row['memory_met'] else 'missed'})"
        lines.append(f"| {row['what']} | {row['papier_s']:.2f} s | {row['raw_s']:.2f} s | "
                     f"{row['ratio']:.2f}x ({row['ratio_min']:.2f}–{row['ratio_max']:.2f}) | {memory} | "
                     f"{row['goal']} | {'met' if row['met'] else 'missed'} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
