"""Inputs for the benchmark, generated on the spot (nothing binary is committed).

A long paper (10 chapters, about 15,000 words, 20 tables, 150 footnotes, 10 figures), a
workspace of 20 shorter papers, and returned reviewer files with comments and changes.
The text is German-looking filler from a fixed seed: the same inputs on every run.
"""

from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

import git

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))
from wordlike import Review, W  # noqa: E402

WORDS = [
    "Familienzentrum", "Familien", "Kinder", "Eltern", "Kita", "Beratung", "Bildung", "Kommune",
    "Land", "Träger", "Netzwerk", "Sozialraum", "Angebot", "Fachkräfte", "Koordination",
    "Förderung", "Qualität", "Zugang", "Gesundheit", "Prävention", "Elterncafé", "Sprechstunde",
    "Jugendamt", "Stadtteil", "Kooperation", "Leitung", "Finanzierung", "Verlässlichkeit",
    "Teilhabe", "Bildungsgerechtigkeit", "Erziehung", "Unterstützung", "Begegnung", "Alltag",
    "Vertrauen", "Wirkung", "stärkt", "verbindet", "öffnet", "braucht", "sichert", "erreicht",
    "begleitet", "entwickelt", "plant", "fördert", "verlässlich", "dauerhaft", "gemeinsam",
    "früh", "niedrigschwellig", "wirksam", "regional", "kommunal", "und", "mit", "für", "im",
    "in", "der", "die", "das", "den", "dem", "eine", "einen", "ohne", "durch", "über", "vor",
    "nach", "zwischen",
]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def paragraph(rng: random.Random, words: int = 90) -> str:
    out: list[str] = []
    while sum(len(s.split()) for s in out) < words:
        out.append(sentence(rng))
    return " ".join(out)


def table(rng: random.Random, number: int) -> str:
    rows = ["| Handlungsfeld | Ist-Stand | Potenzial | Voraussetzung |", "|---|---:|---:|---|"]
    for _ in range(6):
        rows.append(f"| {rng.choice(WORDS)} {rng.choice(WORDS)} | {rng.randint(1, 5)} | "
                    f"{rng.randint(1, 5)} | {rng.choice(WORDS)} {rng.choice(WORDS)} |")
    return "\n".join(rows) + f"\n\nTabelle: Übersicht {number} (Beispieldaten)\n"


SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="160" viewBox="0 0 400 160">'
       '<rect x="10" y="10" width="{w}" height="60" fill="#0b5f6e"/>'
       '<rect x="10" y="90" width="{v}" height="60" fill="#e0a526"/></svg>')


def write_paper(folder: Path, slug: str, rng: random.Random, chapters: int, words: int,
                tables: int, notes: int, figures: int) -> None:
    """A paper with about *words* words spread over *chapters* chapters."""
    text = folder / "text"
    (folder / "figures").mkdir(parents=True, exist_ok=True)
    text.mkdir(parents=True, exist_ok=True)
    (folder / "paper.yaml").write_text(
        f"title: Benchmark {slug}\nkind: potenzialanalyse\nlang: de-DE\nauthors:\n"
        "  - name: Bench Autorin\n    organisation: Bundesforum Familienzentren\n"
        "status: entwurf\nversion: 0.1.0\ndate: 2026-11-21\n"
        "key_messages:\n  - Familienzentren wirken, wenn sie verlässlich finanziert sind.\n", "utf-8")
    per_chapter = words // chapters
    table_no = note_no = figure_no = 0
    for c in range(1, chapters + 1):
        parts = [f"# Kapitel {c}: {rng.choice(WORDS)} und {rng.choice(WORDS)}\n"]
        paragraphs = max(1, per_chapter // 90)
        for p in range(paragraphs):
            if p % 4 == 0:
                parts.append(f"## Abschnitt {c}.{p // 4 + 1}\n")
            body = paragraph(rng)
            if note_no < notes * c // chapters:
                note_no += 1
                body += f"^[Anmerkung {note_no}: {sentence(rng)}]"
            parts.append(body + "\n")
            if table_no < tables * c // chapters and p == paragraphs // 2:
                table_no += 1
                parts.append(table(rng, table_no))
            if figure_no < figures * c // chapters and p == paragraphs - 1:
                figure_no += 1
                name = f"abbildung-{figure_no}.svg"
                (folder / "figures" / name).write_text(
                    SVG.format(w=rng.randint(50, 380), v=rng.randint(50, 380)), "utf-8")
                parts.append(f"![Abbildung {figure_no}: Vergleich zweier Werte (Beispieldaten)]"
                             f"(../figures/{name})\n")
        while note_no < notes * c // chapters:  # the rest of this chapter's footnotes
            note_no += 1
            parts.append(paragraph(rng, 30) + f"^[Anmerkung {note_no}: {sentence(rng)}]\n")
        (text / f"{c:02d}-kapitel.md").write_text("\n".join(parts), "utf-8")


def workspace(root: Path) -> Path:
    shutil.copytree(REPO / "templates", root / "templates")
    (root / "papers").mkdir(parents=True)
    return root


def commit(root: Path, message: str) -> git.Repo:
    repo = git.Repo.init(root) if not (root / ".git").exists() else git.Repo(root)
    with repo.config_writer() as cfg:
        cfg.set_value("user", "name", "Bench Autorin")
        cfg.set_value("user", "email", "bench@example.org")
    repo.git.add(A=True)
    repo.index.commit(message)
    return repo


LONG = "langes-papier"


def long_paper(root: Path, chapters: int = 19) -> Path:
    """One workspace with the 50-page paper in *chapters* chapters, committed."""
    ws = workspace(root)
    write_paper(ws / "papers" / LONG, LONG, random.Random(1), chapters=chapters, words=15000,
                tables=20, notes=150, figures=10)
    commit(ws, "Langes Papier")
    return ws


def many_papers(root: Path, count: int = 20) -> Path:
    """A workspace of *count* papers of about eight pages each, committed."""
    ws = workspace(root)
    for i in range(count):
        slug = f"papier-{i + 1:02d}"
        write_paper(ws / "papers" / slug, slug, random.Random(100 + i), chapters=3, words=2400,
                    tables=2, notes=10, figures=1)
    commit(ws, "Zwanzig Papiere")
    return ws


def change_blocks(ws: Path, slug: str, share: float, rng: random.Random) -> int:
    """Change *share* of the paragraphs: reword most, delete and insert some."""
    changed = 0
    for path in sorted((ws / "papers" / slug / "text").glob("*.md")):
        blocks = path.read_text("utf-8").split("\n\n")
        for i, block in enumerate(blocks):
            if block.startswith(("#", "|", "!")) or rng.random() > share:
                continue
            changed += 1
            choice = rng.random()
            if choice < 0.7:
                words = block.split(" ")
                words[rng.randrange(len(words))] = rng.choice(WORDS)
                blocks[i] = " ".join(words)
            elif choice < 0.85:
                blocks[i] = ""
            else:
                blocks[i] = block + "\n\n" + paragraph(rng, 40)
        path.write_text("\n\n".join(b for b in blocks if b), "utf-8")
    return changed


def returned_files(reviewer_copies: list[Path], out: Path, per_file: int, rng: random.Random) -> list[Path]:
    """Each reviewer copy with *per_file* comments, insertions and deletions, as Word writes them."""
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for n, draft in enumerate(reviewer_copies):
        review = Review(draft)
        for i in range(per_file):
            p = review.body[rng.randrange(len(review.body))]
            author = {f"{W}author": f"Prüferin {n}", f"{W}date": f"2026-11-30T09:{i % 60:02d}:00Z"}
            if i % 3 == 0:
                review.comment(p, str(1000 + i), author, sentence(rng))
            else:
                kind = "insertion" if i % 3 == 1 else "deletion"
                review.change(p, kind, str(1000 + i), author, f" {rng.choice(WORDS)} {i}")
        review.save(out / draft.name)
        files.append(out / draft.name)
    return files


def many_comments(draft: Path, out: Path, count: int, rng: random.Random) -> Path:
    """One reviewer copy with *count* comments spread over its body paragraphs, as Word writes them."""
    review = Review(draft)
    for i in range(count):
        p = review.body[rng.randrange(len(review.body))]
        author = {f"{W}author": "Prüferin 0", f"{W}initials": "P0",
                  f"{W}date": f"2026-11-{1 + i // 1440 % 28:02d}T{i // 60 % 24:02d}:{i % 60:02d}:00Z"}
        review.comment(p, str(1000 + i), author, f"{i}: {sentence(rng)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    review.save(out)
    return out
