"""Incremental builds must not change what is built: the Typst body converted block by block
(from the last build's blocks) reads exactly as the whole body converted at once, a cached
validation never hides a broken paper.yaml, and `--profile` shows where the time goes."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ANALYSIS, POSITION
from papier import pandoc
from papier.brand import load_brand
from papier.paper import load_paper
from papier.stamp import make_stamp
from papier.versions import source_state
from papier.workspace import Workspace
from papier.writers import pdf
from papier.writers.registry import prepare

TRICKY = """# Blöcke aller Art {#bloecke}

Ein Absatz mit *Betonung*, `Code`, einer Fußnote^[Mit **fetter** Anmerkung.] und
einem [Link](https://example.org).

- erster Punkt
- zweiter Punkt mit

  zweitem Absatz

1. eins
2. zwei

> Ein Zitat über zwei
> Zeilen.

```
Codeblock # kein Kommentar
```

::: hinweis
Ein Absatz in einem Div.
:::

| Land | Zentren |
|---|---:|
| Bremen | 12 |

Tabelle: Eine kleine Tabelle (Beispieldaten)

## Zwischenüberschrift

Term
: Erklärung des Begriffs.

```{=typst}
#v(1em)
```

Letzter Absatz.
"""


def _whole(ctx: pdf.Context) -> str:
    """main.typ as papier wrote it before: the whole body through pandoc at once."""
    doc = ctx.doc()
    doc["blocks"] = pdf._images(ctx, pdf._units(doc["blocks"]))
    meta = doc["meta"]
    meta["title"] = {"t": "MetaInlines", "c": ctx.title}
    if ctx.subtitle:
        meta["subtitle"] = {"t": "MetaInlines", "c": ctx.subtitle}
    meta["key-messages"] = {"t": "MetaList", "c": [{"t": "MetaInlines", "c": m} for m in ctx.key_messages]}
    template = ctx.paper.workspace.templates_dir / "typst" / "pandoc.typ"
    return pdf._tight_captions(pandoc.write(doc, "typst", [f"--template={template}"]).decode("utf-8"))


def _context(ws: Workspace, slug: str, work: Path) -> pdf.Context:
    paper = load_paper(ws, slug)
    return prepare(paper, load_brand(ws), make_stamp(paper, source_state(paper), False), work)


def test_typst_body_block_by_block_reads_as_the_whole(workspace: Workspace, tmp_path: Path) -> None:
    """Both example papers, one with every kind of block, and the same after random edits
    with the last build's blocks in the work folder: main.typ is identical."""
    chapter = workspace.paper_dir(ANALYSIS) / "text" / "07-bloecke.md"
    chapter.write_text(TRICKY, "utf-8")
    rng = random.Random(17)
    for slug in (POSITION, ANALYSIS):
        work = tmp_path / slug
        ctx = _context(workspace, slug, work)
        assert pdf.typst_source(ctx) == _whole(ctx)
        assert (work / pdf.BLOCKS_FILE).is_file()
        chapters = sorted((workspace.paper_dir(slug) / "text").glob("*.md"))
        for _ in range(4):  # reword, drop and add paragraphs; the cache holds the last build
            path = rng.choice(chapters)
            paragraphs = path.read_text("utf-8").split("\n\n")
            i = rng.randrange(1, len(paragraphs))
            choice = rng.random()
            if choice < 0.4 and not paragraphs[i].startswith(("|", "#", "`", ":", "!")):
                paragraphs[i] = paragraphs[i].replace(" ", " neues Wort ", 1)
            elif choice < 0.7:
                paragraphs.insert(i, "Ein eingefügter Absatz mit „Anführungszeichen“.")
            elif not paragraphs[i].startswith(("#", "Tabelle:", ":::")):
                del paragraphs[i]
            path.write_text("\n\n".join(paragraphs), "utf-8")
            ctx = _context(workspace, slug, work)
            assert pdf.typst_source(ctx) == _whole(ctx), path.name
    pdf._BLOCK_MEMO.clear()


def test_a_damaged_block_cache_is_rebuilt(workspace: Workspace, tmp_path: Path) -> None:
    ctx = _context(workspace, POSITION, tmp_path)
    (tmp_path / pdf.BLOCKS_FILE).write_text("{kaputt", "utf-8")
    pdf._BLOCK_MEMO.clear()
    assert pdf.typst_source(ctx) == _whole(ctx)
    (tmp_path / pdf.BLOCKS_FILE).write_text('{"nonsense": 1}', "utf-8")
    assert pdf.typst_source(ctx) == _whole(ctx)
    (tmp_path / pdf.BLOCKS_FILE).write_text("[1, 2]", "utf-8")
    assert pdf.typst_source(ctx) == _whole(ctx)
    # the template around the body: JSON of another shape, and a frame without the body's place
    frame = tmp_path / "typst-frame.json"
    frame.write_text("[]", "utf-8")
    pdf._TEMPLATE_MEMO.clear()
    assert pdf.typst_source(ctx) == _whole(ctx)
    key = next(iter(json.loads(frame.read_text("utf-8"))))
    frame.write_text(json.dumps({key: "kaputt"}), "utf-8")
    pdf._TEMPLATE_MEMO.clear()
    assert pdf.typst_source(ctx) == _whole(ctx)


def _papier(ws: Workspace, *args: str, profile: bool = False) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PAPIER_PROFILE"}
    env["PAPIER_ROOT"] = str(ws.root)
    if profile:
        env["PAPIER_PROFILE"] = "1"
    return subprocess.run([sys.executable, "-m", "papier", *args], cwd=ws.root, env=env,
                          capture_output=True, text=True, check=False)


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_profile_shows_each_stage_and_an_edit_converts_one_block(workspace: Workspace) -> None:
    first = _papier(workspace, "--profile", "build", POSITION, "--to", "docx,pdf")
    assert first.returncode == 0, first.stderr
    assert "papier profile:" in first.stderr
    lines = first.stderr.splitlines()
    stages = [line.split(None, 3) for line in lines if re.match(r"^\s+\d+\.\d{3}\s+\d+\.\d{3}\s", line)]
    names = [stage[3].strip() for stage in stages]
    for wanted in ("assemble", "read chapters", "write docx", "write pdf", "docx: reference document",
                   "typst: layout 1 (where figures and tables go)", "typst: compile PDF",
                   "pandoc json -> docx"):
        assert wanted in names, (wanted, names)
    threads = {stage[2] for stage in stages}
    assert {"main", "paper_0"} <= threads and any(t.startswith("write") for t in threads), threads
    converted = [n for n in names if re.fullmatch(r"typst: (\d+) of (\d+) blocks converted", n)]
    assert converted and converted[0].split()[1] == converted[0].split()[3]  # all, the first time

    chapter = workspace.paper_dir(POSITION) / "text" / "04-fazit.md"
    text = chapter.read_text("utf-8")
    word = text.split()[len(text.split()) // 2]
    chapter.write_text(text.replace(f" {word} ", f" {word} Zwischenwort ", 1), "utf-8")
    second = _papier(workspace, "build", POSITION, "--to", "docx,pdf", profile=True)  # PAPIER_PROFILE=1
    assert second.returncode == 0, second.stderr
    found = re.search(r"typst: (\d+) of (\d+) blocks converted", second.stderr)
    assert found and found[1] == "1", second.stderr
    assert "reference document" not in second.stderr  # one per brand and layout, kept
    built = workspace.build_dir / POSITION
    assert "Zwischenwort" in _pdf_text(next(built.glob("*.pdf")))

    quiet = _papier(workspace, "build", POSITION, "--to", "pdf")
    assert "papier profile" not in quiet.stderr


def test_incremental_pdf_equals_a_build_from_nothing(workspace: Workspace) -> None:
    """The PDF built from cached chapters and blocks after an edit and its undo is the same,
    byte for byte, as the one built with nothing cached."""
    assert _papier(workspace, "build", ANALYSIS, "--to", "pdf").returncode == 0
    pdf_path = next((workspace.build_dir / ANALYSIS).glob("*.pdf"))
    cold = pdf_path.read_bytes()
    chapter = workspace.paper_dir(ANALYSIS) / "text" / "03-potenziale.md"
    text = chapter.read_text("utf-8")
    chapter.write_text(text.replace(" und ", " und zudem ", 1), "utf-8")
    assert _papier(workspace, "build", ANALYSIS, "--to", "pdf").returncode == 0
    assert pdf_path.read_bytes() != cold
    chapter.write_text(text, "utf-8")
    assert _papier(workspace, "build", ANALYSIS, "--to", "pdf").returncode == 0
    assert pdf_path.read_bytes() == cold


def test_a_cached_validation_never_hides_a_broken_paper_yaml(workspace: Workspace) -> None:
    assert _papier(workspace, "check", POSITION).returncode == 0
    assert any((workspace.cache_dir / "valid").iterdir())
    meta = workspace.paper_dir(POSITION) / "paper.yaml"
    meta.write_text(meta.read_text("utf-8").replace("status: entwurf", "status: fertig"), "utf-8")
    broken = _papier(workspace, "check", POSITION)
    assert broken.returncode != 0
    assert "paper.yaml" in broken.stderr + broken.stdout and "fertig" in broken.stderr + broken.stdout


@pytest.mark.parametrize("command", [["--help"], ["list"]])
def test_start_up_loads_no_heavy_library(workspace: Workspace, command: list[str]) -> None:
    """`papier --help` and `list` stay fast: none of the libraries a build needs is loaded."""
    probe = ("import sys, runpy; sys.argv = ['papier', *sys.argv[1:]]\n"
             "try:\n    runpy.run_module('papier', run_name='__main__')\n"
             "except SystemExit:\n    pass\n"
             "heavy = ['jsonschema', 'docx', 'lxml', 'typst', 'git', 'openpyxl', 'matplotlib', "
             "'pypandoc', 'papier.writers.docx', 'papier.assemble']\n"
             "print('LOADED', [m for m in heavy if m in sys.modules])")
    _papier(workspace, "check")  # paper.yaml found valid once: list needs no jsonschema after
    env = {**os.environ, "PAPIER_ROOT": str(workspace.root)}
    out = subprocess.run([sys.executable, "-c", probe, *command], cwd=workspace.root, env=env,
                         capture_output=True, text=True, check=True).stdout
    assert "LOADED []" in out, out


def test_papers_build_in_a_process_each_and_a_broken_one_stops_only_itself(workspace: Workspace) -> None:
    """Several papers are built in worker processes (one per core): every paper's results
    reach the report, a broken paper fails alone, and the profile names each process."""
    chapter = workspace.paper_dir(POSITION) / "text" / "04-fazit.md"
    chapter.write_text(chapter.read_text("utf-8") + "\nSiehe [@gibt-es-nicht].\n", "utf-8")
    done = _papier(workspace, "--profile", "build", "--to", "pdf")
    assert done.returncode == 1
    assert f"{POSITION}  pdf   FAILED" in done.stdout and "gibt-es-nicht" in done.stdout
    assert re.search(rf"{ANALYSIS}  pdf   built ", done.stdout), done.stdout
    assert next((workspace.build_dir / ANALYSIS).glob("*.pdf")).stat().st_size > 10_000
    if (os.cpu_count() or 1) > 1:
        processes = set(re.findall(r"\s(p\d+)/\S+\s", done.stderr))
        assert len(processes) >= 1 and "typst: compile PDF" in done.stderr, done.stderr


def test_a_build_in_a_process_that_has_typst_loaded_uses_threads(workspace: Workspace,
                                                                  tmp_path: Path) -> None:
    """A caller that has already compiled with Typst (tests, the preview, a release building
    several versions) must not fork: the child would wait forever for Typst's threads. Its
    papers are built in threads, completely."""
    import threading

    import typst

    from papier.build import build

    (tmp_path / "a.typ").write_text("Hallo", "utf-8")
    assert typst.compile(str(tmp_path / "a.typ")).startswith(b"%PDF")  # Typst's threads run
    before = threading.active_count()
    results = build(workspace, formats=["pdf"])
    assert [r.slug for r in results] == sorted([POSITION, ANALYSIS]) and all(r.ok for r in results)
    assert all(r.path is not None and r.path.stat().st_size > 10_000 for r in results)
    assert threading.active_count() == before  # no worker left behind


@pytest.mark.parametrize("positions", [True, False])
def test_chapters_read_together_read_as_each_alone(positions: bool) -> None:
    """pandoc as a Lua interpreter reads many chapters in one process, each exactly as
    `pandoc -f … -t json` reads it alone (footnotes, ids and lists do not leak between them)."""
    repo = Path(__file__).resolve().parents[1]
    texts = [p.read_text("utf-8") for p in sorted(repo.glob("papers/*/text/*.md"))]
    texts += [TRICKY, "# Einleitung\n\nText[^1].\n\n[^1]: Erste Anmerkung.\n",
              "# Einleitung\n\nNoch einmal[^1].\n"]
    together = pandoc.read_many(texts, [f"text {i}" for i in range(len(texts))], positions)
    alone = [pandoc.read_markdown(text, "text", positions) for text in texts]
    assert together == alone
    ids = [b["c"][1][0] for doc in together[-2:] for b in doc["blocks"] if b["t"] == "Header"]
    assert ids == ["einleitung", "einleitung"]  # not einleitung-1: each text on its own


def test_a_pandoc_without_runtime_options_runs_without_them(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """papier asks pandoc's runtime for a smaller heap (+RTS -H32m); a pandoc built without
    runtime options refuses any +RTS: papier then runs it without, and stays so."""
    fake = tmp_path / "pandoc"
    calls = tmp_path / "calls"
    fake.write_text(f"#!{sys.executable}\n"
                    "import sys\n"
                    f"open({str(calls)!r}, 'a').write(' '.join(sys.argv[1:]) + '\\n')\n"
                    "if '+RTS' in sys.argv:\n"
                    "    sys.exit('pandoc: Most RTS options are disabled.')\n"
                    "sys.stdout.write(sys.stdin.read().upper())\n", "utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(pandoc, "executable", lambda: str(fake))
    monkeypatch.setattr(pandoc, "_RTS", list(pandoc._RTS))
    assert pandoc.run(["-t", "plain"], b"hallo") == b"HALLO"
    assert pandoc.run(["-t", "plain"], b"welt") == b"WELT"
    assert calls.read_text("utf-8").splitlines() == ["+RTS -H32m -RTS -t plain", "-t plain", "-t plain"]
