"""papier's benchmark: each case against the raw tools in the same run (run by `nox -s bench`).

usage: python tests/bench/bench.py [--runs N] [--json PATH] [--only CASE ...]

Inputs are generated into a temporary folder (tests/bench/generate.py). Every case runs in
a child process of its own, so its peak memory is its own and imports are not timed; the
times are the median of N runs. Results: a table on the terminal and a JSON file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
import generate

# name: (what, goal kind, goal value) - "ratio" compares with the raw tools, "seconds" is absolute
CASES: dict[str, tuple[str, str, float]] = {
    "build-50": ("50-page paper to DOCX+PDF after a one-word edit vs pandoc docx + pandoc typst + "
                 "typst.compile", "ratio", 1.10),
    "build-50-cold": ("the same with nothing cached (first build: figures, reference document)",
                      "ratio", 1.10),
    "build-20": ("20 papers to DOCX+PDF on all cores vs the raw calls one after another", "ratio", 0.60),
    "noop-20": ("no-op rebuild of 20 papers", "seconds", 0.30),
    "check-20": ("papier check of 20 papers, nothing cached", "seconds", 1.00),
    "check-20-edit": ("papier check of 20 papers after a one-word edit in one chapter", "seconds", 1.00),
    "collect-40": ("round collect of 40 files with 1,000 comments and changes", "seconds", 5.00),
    "redline-50": ("redline of the 50-page paper, 5 % of its blocks changed", "seconds", 2.00),
    "preview-50": ("preview: one-word edit in the 50-page paper until the PDF is new", "seconds", 0.50),
    # comment rounds of 1,000 and 10,000 items, each step a whole `papier` process (imports timed)
    "round-collect-10k": ("papier round collect of one DOCX with 10,000 comments", "seconds", 10.0),
    "round-status-1k": ("papier round status, 1,000 items", "seconds", 0.50),
    "round-decide-1k": ("papier round decide, 1,000 items", "seconds", 0.50),
    "round-matrix-1k": ("papier round matrix --to xlsx, 1,000 items", "seconds", 0.50),
    "round-status-10k": ("papier round status, 10,000 items", "seconds", 1.00),
    "round-decide-10k": ("papier round decide, 10,000 items", "seconds", 1.00),
    "round-matrix-10k": ("papier round matrix --to xlsx, 10,000 items", "seconds", 5.00),
    "round-status-10k-cold": ("papier round status, 10,000 items, comments.yaml not parsed before "
                              "(fresh clone or hand edit)", "seconds", 2.00),
}


def timed(fn: Callable[[], Any], runs: int, before: Callable[[], Any] | None = None) -> list[float]:
    out = []
    for _ in range(runs):
        if before is not None:
            before()
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def raw_tools(paper: Path, work: Path) -> Callable[[], None]:
    """pandoc -o x.docx, pandoc -t typst and typst.compile on the paper's joined chapters."""
    import pypandoc
    import typst

    pandoc = pypandoc.get_pandoc_path()
    work.mkdir(parents=True, exist_ok=True)
    joined = paper / "text" / "_alle.md"
    joined.write_text("\n\n".join(p.read_text("utf-8") for p in sorted((paper / "text").glob("[0-9]*.md"))),
                      "utf-8")
    text_dir = str(paper / "text")

    def run() -> None:
        subprocess.run([pandoc, str(joined), "-o", str(work / "x.docx"), f"--resource-path={text_dir}"],
                       check=True, capture_output=True)
        typ = paper / "text" / "_alle.typ"  # beside the chapters: image paths stay relative
        subprocess.run([pandoc, str(joined), "-t", "typst", "-s", "-o", str(typ)], check=True)
        typst.compile(str(typ), output=str(work / "x.pdf"), root=str(paper))

    return run


def cold(ws: Any) -> Callable[[], None]:
    """Nothing cached: neither on disk (build/.cache) nor in this process (chapters)."""
    from papier import assemble

    def run() -> None:
        shutil.rmtree(ws.cache_dir, ignore_errors=True)
        assemble._MEMO.clear()

    return run


def case(name: str, root: Path, runs: int) -> dict[str, Any]:
    """Run one case in this (child) process."""
    from papier.build import build
    from papier.workspace import Workspace

    long_ws, many_ws = root / "long", root / "many"
    papier_times: list[float] = []
    raw_times: list[float] | None = None
    if name in ("build-50", "build-50-cold"):
        ws = Workspace(long_ws)
        build(ws, [generate.LONG], ["docx", "pdf"])  # warm: imports, reference doc, rasters
        chapter = long_ws / "papers" / generate.LONG / "text" / "05-kapitel.md"
        words = iter(generate.WORDS * 10)

        def one_word() -> None:
            chapter.write_text(chapter.read_text("utf-8").replace(" und ", f" und {next(words)} ", 1),
                               "utf-8")

        papier_times = timed(lambda: build(ws, [generate.LONG], ["docx", "pdf"]), runs,
                             before=cold(ws) if name == "build-50-cold" else one_word)
        raw = raw_tools(long_ws / "papers" / generate.LONG, root / "raw-50")
        raw()
        raw_times = timed(raw, runs)
    elif name == "build-20":
        ws = Workspace(many_ws)
        build(ws, None, ["docx", "pdf"])
        papier_times = timed(lambda: build(ws, None, ["docx", "pdf"]), runs,
                             before=cold(ws))
        raws = [raw_tools(p, root / "raw-20" / p.name) for p in sorted((many_ws / "papers").iterdir())]
        raws[0]()
        raw_times = timed(lambda: [r() for r in raws], runs)
    elif name == "noop-20":
        ws = Workspace(many_ws)
        build(ws, None)
        papier_times = timed(lambda: build(ws, None), runs)
        assert all(r.skipped for r in build(ws, None))
    elif name == "check-20":
        from papier.check import check

        ws = Workspace(many_ws)
        check(ws)
        papier_times = timed(lambda: check(ws), runs,
                             before=cold(ws))
    elif name == "check-20-edit":
        from papier.check import check

        ws = Workspace(many_ws)
        check(ws)
        chapter = many_ws / "papers" / "papier-07" / "text" / "02-kapitel.md"
        words = iter(generate.WORDS * 10)
        papier_times = timed(lambda: check(ws), runs, before=lambda: chapter.write_text(
            chapter.read_text("utf-8").replace(" und ", f" und {next(words)} ", 1), "utf-8"))
    elif name == "collect-40":
        papier_times = _collect(root, runs)
    elif name == "redline-50":
        from papier.redline import diff

        copy = root / "redline"
        if not copy.exists():
            shutil.copytree(long_ws, copy)
            repo = generate.commit(copy, "unverändert")
            repo.create_tag(f"{generate.LONG}/v0.1.0", message="Basis")
            generate.change_blocks(copy, generate.LONG, 0.05, random.Random(7))
        ws = Workspace(copy)
        diff(ws, generate.LONG)
        papier_times = timed(lambda: diff(ws, generate.LONG), runs)
    elif name == "preview-50":
        papier_times = _preview(root, runs)
    elif name.startswith("round-"):
        papier_times = _round_step(root, name, runs)
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"case": name, "papier": papier_times, "raw": raw_times,
            "peak_mb": round(max(self_kb, child_kb) / 1024, 1),
            "peak_python_mb": round(self_kb / 1024, 1)}


def _collect(root: Path, runs: int) -> list[float]:
    from papier import yamlio
    from papier.rounds.collect import collect
    from papier.rounds.opening import open_round
    from papier.workspace import Workspace

    folder = root / "collect"
    ws = Workspace(folder)
    slug = "papier-01"
    if not folder.exists():
        generate.workspace(folder)
        shutil.copytree(root / "many" / "papers" / slug, folder / "papers" / slug)
        generate.commit(folder, "Runde vorbereiten")
        reviewers = folder / "reviewers.yaml"
        reviewers.write_text("".join(f"- id: stelle{i:02d}\n  name: Stelle {i}\n  organisation: Org {i}\n"
                                     f"  email: stelle{i}@example.org\n"
                                     for i in range(40)), "utf-8")
        _rnd, copies = open_round(ws, slug, reviewers, None)
        generate.returned_files(copies, folder / "zurueck", 25, random.Random(3))
    files = sorted((folder / "zurueck").glob("*.docx"))
    record = folder / "papers" / slug / "rounds" / "1"

    def reset() -> None:
        (record / "comments.yaml").unlink(missing_ok=True)
        shutil.rmtree(record / "returned", ignore_errors=True)
        (record / "returned").mkdir()

    def run() -> None:
        results = collect(ws, slug, files, None)
        assert not any(r.error for r in results), [r.error for r in results if r.error]
        items = yamlio.load(record / "comments.yaml")[0]
        # an insertion right after a deletion is one replacement item carrying both
        assert sum(2 if e["kind"] == "replacement" else 1 for e in items) == 1000

    return timed(run, runs, before=reset)


ROUND_SLUG = "papier-01"


def _papier(folder: Path, *args: str) -> None:
    """One whole `papier` process in the workspace *folder*, with its modules' bytecode cached
    as in an installed papier (outside the repository, even where PYTHONDONTWRITEBYTECODE is set)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(PAPIER_ROOT=str(folder), PYTHONPYCACHEPREFIX=str(folder.parent / "pycache"))
    proc = subprocess.run([sys.executable, "-m", "papier", *args], cwd=folder, capture_output=True,
                          text=True, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]


def _big_round(root: Path, count: int) -> tuple[Path, Path]:
    """A workspace with an open round of one reviewer and their copy back with *count* comments."""
    from papier.rounds.opening import open_round
    from papier.workspace import Workspace

    folder = root / f"round-{count}"
    returned = folder / "zurueck" / "stelle.docx"
    if not folder.exists():
        generate.workspace(folder)
        shutil.copytree(root / "many" / "papers" / ROUND_SLUG, folder / "papers" / ROUND_SLUG)
        generate.commit(folder, "Runde vorbereiten")
        reviewers = folder / "reviewers.yaml"
        reviewers.write_text("- id: stelle\n  name: Stelle\n  organisation: Org\n"
                             "  email: stelle@example.org\n", "utf-8")
        _rnd, copies = open_round(Workspace(folder), ROUND_SLUG, reviewers, None)
        generate.many_comments(copies[0], returned, count, random.Random(5))
    return folder, returned


def _round_step(root: Path, name: str, runs: int) -> list[float]:
    """collect, status, decide or matrix of a round with 1,000 or 10,000 items, as `papier` runs."""
    _, step, size, *rest = name.split("-")
    count = {"1k": 1000, "10k": 10000}[size]
    folder, returned = _big_round(root, count)
    ws_cache = folder / "build" / ".cache"
    record = folder / "papers" / ROUND_SLUG / "rounds" / "1"

    def reset() -> None:
        (record / "comments.yaml").unlink(missing_ok=True)
        shutil.rmtree(record / "returned", ignore_errors=True)
        (record / "returned").mkdir()

    def collect() -> None:
        _papier(folder, "round", "collect", ROUND_SLUG, str(returned))

    if step == "collect":
        timed(collect, 1, before=reset)  # untimed: bytecode written, files in the page cache
        return timed(collect, runs, before=reset)
    if not (record / "comments.yaml").exists():
        collect()
    if step == "status":
        def status() -> None:
            _papier(folder, "round", "status", ROUND_SLUG)

        status()
        before = (lambda: shutil.rmtree(ws_cache, ignore_errors=True)) if rest == ["cold"] else None
        return timed(status, runs, before=before)
    if step == "decide":
        idents = iter(range(1, count + 1, max(1, count // (runs + 2))))
        flags = iter(["--accept", "--reject", "--partly", "--note"] * (runs + 1))

        def decide() -> None:
            _papier(folder, "round", "decide", ROUND_SLUG, f"R1-{next(idents):03d}", next(flags),
                    "--response", "Begründung: „so“ – siehe Kapitel 2.")

        decide()
        return timed(decide, runs)

    def matrix() -> None:
        _papier(folder, "round", "matrix", ROUND_SLUG, "--to", "xlsx")

    matrix()
    return timed(matrix, runs)


def _preview(root: Path, runs: int) -> list[float]:
    from papier.preview import Preview
    from papier.workspace import Workspace

    copy = root / "preview"
    if not copy.exists():
        shutil.copytree(root / "long", copy)
    session = Preview(Workspace(copy), generate.LONG)
    session.rebuild()  # the first build is not what an author waits for on each save
    chapter = sorted((copy / "papers" / generate.LONG / "text").glob("0*.md"))[4]
    words = iter(generate.WORDS * 10)

    def edit() -> None:
        chapter.write_text(chapter.read_text("utf-8").replace(" und ", f" und {next(words)} ", 1), "utf-8")

    return timed(session.rebuild, runs, before=edit)


def summarise(result: dict[str, Any]) -> dict[str, Any]:
    what, kind, goal = CASES[result["case"]]
    median = statistics.median(result["papier"])
    row = {"case": result["case"], "what": what, "runs": len(result["papier"]),
           "median_s": round(median, 3), "peak_mb": result["peak_mb"]}
    if result["raw"]:
        raw = statistics.median(result["raw"])
        row["raw_median_s"] = round(raw, 3)
        row["ratio"] = round(median / raw, 2)
    value = row.get("ratio") if kind == "ratio" else median
    row["goal"] = f"<= {goal}x" if kind == "ratio" else f"< {goal} s"
    row["met"] = value is not None and value <= goal
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", default="build/bench/results.json")
    parser.add_argument("--only", nargs="*", choices=list(CASES))
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--root", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:  # child
        print(json.dumps(case(args.case, Path(args.root), args.runs)))
        return 0
    root = Path(tempfile.mkdtemp(prefix="papier-bench-"))
    try:
        started = time.perf_counter()
        generate.long_paper(root / "long")
        generate.many_papers(root / "many")
        print(f"inputs generated in {root} ({time.perf_counter() - started:.1f} s)", flush=True)
        rows = []
        for name in args.only or CASES:
            proc = subprocess.run([sys.executable, __file__, "--case", name, "--root", str(root),
                                   "--runs", str(args.runs)], capture_output=True, text=True)
            if proc.returncode != 0:
                print(f"{name}: FAILED\n{proc.stderr[-3000:]}", file=sys.stderr)
                rows.append({"case": name, "what": CASES[name][0], "error": proc.stderr[-3000:],
                             "met": False})
                continue
            rows.append(summarise(json.loads(proc.stdout.strip().splitlines()[-1])))
            print(_line(rows[-1]), flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    machine = {"python": platform.python_version(), "system": platform.platform(),
               "cpus": os.cpu_count(), "processor": platform.processor() or platform.machine()}
    print(_table(rows, machine))
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": machine, "results": rows}, ensure_ascii=False, indent=2), "utf-8")
    print(f"written: {out}")
    return 0


def _line(row: dict[str, Any]) -> str:
    ratio = f"{row['ratio']:.2f}x of {row['raw_median_s']:.2f} s raw" if "ratio" in row else ""
    return (f"{row['case']:<21} {row['median_s']:7.3f} s  {ratio:<22} peak {row['peak_mb']:6.1f} MB  "
            f"goal {row['goal']:<9} {'met' if row['met'] else 'MISSED'}")


def _table(rows: list[dict[str, Any]], machine: dict[str, Any]) -> str:
    lines = [f"\nmachine: {machine['cpus']} CPUs, {machine['system']}, Python {machine['python']}",
             "| case | what | papier (median) | raw tools | ratio | peak memory | goal | |",
             "|---|---|---:|---:|---:|---:|---|---|"]
    for row in rows:
        if "error" in row:
            lines.append(f"| {row['case']} | {row['what']} | failed | | | | | |")
            continue
        raw = f"{row['raw_median_s']:.2f} s" if "raw_median_s" in row else "–"
        ratio = f"{row['ratio']:.2f}x" if "ratio" in row else "–"
        lines.append(f"| {row['case']} | {row['what']} | {row['median_s']:.3f} s | {raw} | {ratio} | "
                     f"{row['peak_mb']:.0f} MB | {row['goal']} | {'met' if row['met'] else 'missed'} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
