"""Run the language rules over a paper's chapters: settings from brand.yaml and paper.yaml,
the glossary from templates/glossary.yaml, and ``--fix`` for the mechanical rules."""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from papier import fsutil, pandoc, yamlio
from papier import pandoc_ast as ast
from papier.cache import LANGUAGE
from papier.errors import Problem
from papier.language import rules
from papier.language.markdown import mask
from papier.paper import Paper

GLOSSARY = "glossary.yaml"


@dataclass
class Settings:
    """paper.yaml's ``language:`` over brand.yaml's: the gender style, which rules are
    errors instead of warnings, which are off, the sentence length."""

    gender: str | None = None
    errors: set[str] = field(default_factory=set)
    off: set[str] = field(default_factory=set)
    sentence_words: int = 40

    def severity(self, rule: str) -> str:
        if rule in self.errors or "all" in self.errors:
            return "error"
        return "hint" if rule == "sentence" else "warning"


def settings(paper: Paper) -> tuple[Settings, list[Problem]]:
    result = Settings()
    problems: list[Problem] = []
    brand, _ = yamlio.load_cached(paper.workspace.templates_dir / "brand.yaml", "templates/brand.yaml")
    for data, shown in ((brand, "templates/brand.yaml"), (paper.raw, paper.rel(paper.yaml_path))):
        block: Any = (data or {}).get("language") if isinstance(data, dict) else None
        if not block:
            continue
        if "gender" in block:
            style = str(block["gender"])
            if style not in rules.GENDER_STYLES:
                problems.append(Problem(shown, yamlio.line_of(data, ["language", "gender"]), (
                    f"language.gender: '{style}' is unknown; use one of "
                    + ", ".join(rules.GENDER_STYLES))))
            else:
                result.gender = style
        for key in ("errors", "off"):
            if key in block:
                names = {str(n) for n in block[key] or []}
                unknown = names - set(rules.RULES) - {"all"}
                if unknown:
                    problems.append(Problem(shown, yamlio.line_of(data, ["language", key]), (
                        f"language.{key}: unknown rule '{sorted(unknown)[0]}'; rules are "
                        + ", ".join(rules.RULES))))
                setattr(result, key, names & (set(rules.RULES) | {"all"}))
        if "sentence_words" in block:
            result.sentence_words = int(block["sentence_words"])
    return result, problems


@dataclass(frozen=True)
class Term:
    short: str
    long: list[str]
    pattern: re.Pattern[str]

    def explained_in(self, text: str) -> bool:
        """A long form in *text*, in any inflection: „der Allgemeine Soziale Dienst“ explains
        „Allgemeiner Sozialer Dienst“ (each word matched by its stem)."""
        for long in self.long:
            stems = [re.escape(w[:-2] if len(w) > 5 else w) + r"\w*" for w in long.split()]
            if re.search(r"\s+".join(stems), text, re.I):
                return True
        return False


def glossary(paper: Paper) -> tuple[list[Term], list[Problem]]:
    path = paper.workspace.templates_dir / GLOSSARY
    if not path.is_file():
        return [], []
    data, problems = yamlio.load_cached(path, f"templates/{GLOSSARY}")
    if problems or not isinstance(data, dict):
        return [], problems or [Problem(f"templates/{GLOSSARY}", 1, "must map each abbreviation "
                                        "to its long form, e.g. 'Kita: Kindertageseinrichtung'")]
    terms = []
    for short, long in data.items():
        longs = [str(x) for x in long] if isinstance(long, list) else [str(long)]
        spaced = r"[ \u00a0]".join(re.escape(part) for part in str(short).split(" "))
        pattern = re.compile(r"(?<![\wäöüÄÖÜß-])" + spaced + r"(?=(?:s|n)?(?![\wäöüÄÖÜß])|-)")
        terms.append(Term(str(short), longs, pattern))
    return terms, []


def unexplained(terms: list[Term],
                texts: list[tuple[Path, list[str]]]) -> Iterator[tuple[Path, rules.Finding]]:
    """The first use of each term, if its long form is neither earlier in the paper nor in the
    same paragraph."""
    joined = [(path, "\n".join(lines), lines) for path, lines in texts]
    for term in terms:
        before = ""
        for path, text, lines in joined:
            match = term.pattern.search(text)
            if match is None:
                before += text + "\n"
                continue
            number = text.count("\n", 0, match.start()) + 1
            col = match.start() - (text.rfind("\n", 0, match.start()) + 1)
            paragraph_end = number
            while paragraph_end < len(lines) and lines[paragraph_end].strip():
                paragraph_end += 1
            context = (before + "\n".join(lines[:paragraph_end])).replace("\u00a0", " ")
            if not term.explained_in(context):
                yield path, rules.Finding(
                    "glossary", number, col, col + len(match.group(0)),
                    f"'{term.short}' is used before it is explained; on first use write "
                    f"„{term.long[0]} ({term.short})“")
            break


def stray_quotes(cache: Path, text: str, lines: list[str], shown: str) -> list[rules.Finding]:
    """Straight quotes that pandoc's smart typography cannot pair: it writes them as English
    “ or ” (as text, not as a quotation), so they never become „…“. Asking pandoc costs a
    read of the chapter, so the answer is cached by the chapter's text."""
    if not any('"' in line for line in lines):
        return []
    key = cache / LANGUAGE / f"quotes-{hashlib.sha256(text.encode()).hexdigest()[:24]}.json"
    if key.is_file():
        return [rules.Finding(**item) for item in json.loads(key.read_text("utf-8"))]
    found = list(_stray_quotes(text, lines, shown))
    with contextlib.suppress(OSError):  # a read-only workspace still checks
        fsutil.write_text(key, json.dumps([asdict(f) for f in found], ensure_ascii=False))
    return found


def _stray_quotes(text: str, lines: list[str], shown: str) -> Iterator[rules.Finding]:
    doc = pandoc.read_markdown(text, shown, True)
    for node in ast.iter_nodes(doc["blocks"]):
        if node["t"] != "Span" or len(node["c"][1]) != 1 or node["c"][1][0].get("t") != "Str":
            continue
        pos = ast.kv(node["c"][0]).get("data-pos", "").rsplit("@", 1)[-1]
        found = re.fullmatch(r"(\d+):(\d+)-(\d+):(\d+)", pos)
        if found is None or found.group(1) != found.group(3) or int(found.group(1)) > len(lines):
            continue
        number, start, end = int(found.group(1)), int(found.group(2)) - 1, int(found.group(4)) - 1
        for col in range(start, end):
            if lines[number - 1][col:col + 1] == '"':
                yield rules.Finding("quotes", number, col, col + 1,
                                    'straight quote (") without a partner: it stays an English “ '
                                    "instead of „…“; add the missing quote or write „ and “ yourself")


def findings(paper: Paper, chosen: Settings) -> Iterator[tuple[Path, rules.Finding]]:
    texts: list[tuple[Path, list[str]]] = []
    raw: dict[Path, str] = {}
    for path in paper.chapters:
        try:
            raw[path] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # the reader reports it
        texts.append((path, mask(raw[path])))
    style = chosen.gender
    if style is None:  # no style chosen: the paper's most frequent one
        counts = Counter(s for _p, lines in texts for _n, _m, s in rules.gender_forms(lines))
        style = counts.most_common(1)[0][0] if counts else None
    on = set(rules.RULES) - chosen.off
    if not paper.lang.lower().startswith("de"):  # gender forms, „z. B.“, § and the glossary are German
        on &= {"quotes", "spaces", "sentence"}
    for path, lines in texts:
        found: list[rules.Finding] = []
        if style and "gender" in on:
            found += rules.gender(lines, style)
        if "abbreviation" in on:
            found += rules.abbreviation(lines)
        if "spaces" in on:
            found += rules.spaces(lines)
        if "nbsp" in on:
            found += rules.nbsp(lines)
        if "sentence" in on:
            found += rules.sentence(lines, chosen.sentence_words)
        if "quotes" in on:
            found += stray_quotes(paper.workspace.cache_dir, raw[path], lines, paper.rel(path))
        yield from ((path, f) for f in found)
    if "glossary" in on:
        terms, _ = glossary(paper)
        yield from unexplained(terms, texts)


def check_language(paper: Paper) -> list[Problem]:
    """Every finding as a Problem (warning, error or hint) with file:line:col."""
    chosen, problems = settings(paper)
    problems += glossary(paper)[1]
    for path, finding in findings(paper, chosen):
        message = finding.message + (" (papier check --fix does it)" if finding.fix is not None else "")
        problems.append(Problem(paper.rel(path), finding.line, message, chosen.severity(finding.rule),
                                finding.start + 1, f"language/{finding.rule}"))
    return problems


def fix_language(paper: Paper) -> int:
    """Apply every mechanical fix in place (atomically, file by file); the number applied."""
    chosen, _ = settings(paper)
    by_file: dict[Path, list[rules.Finding]] = {}
    for path, finding in findings(paper, chosen):
        if finding.fix is not None:
            by_file.setdefault(path, []).append(finding)
    applied = 0
    for path, found in by_file.items():
        lines = path.read_text(encoding="utf-8").split("\n")
        taken: dict[int, int] = {}  # line -> leftmost column already changed
        for finding in sorted(found, key=lambda f: (f.line, -f.start)):
            line = lines[finding.line - 1]
            if finding.end > taken.get(finding.line, len(line) + 1):
                continue  # overlaps a fix already applied on this line
            assert finding.fix is not None
            lines[finding.line - 1] = line[:finding.start] + finding.fix + line[finding.end:]
            taken[finding.line] = finding.start
            applied += 1
        fsutil.write_text(path, "\n".join(lines))
    return applied
