"""Load a paper: paper.yaml (validated against templates/paper.schema.json) and its chapters."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from papier import fsutil, i18n, yamlio
from papier.cache import VALID
from papier.errors import PaperInvalid, Problem
from papier.workspace import Workspace

if TYPE_CHECKING:
    import jsonschema

SCHEMA_FILE = "paper.schema.json"


@dataclass(frozen=True)
class Author:
    name: str
    organisation: str = ""
    role: str = ""


@dataclass
class Paper:
    """A validated paper with plain attributes; ``raw`` keeps the round-trip YAML."""

    workspace: Workspace
    slug: str
    folder: Path
    raw: Any
    title: str
    kind: str
    lang: str
    status: str
    version: str
    date: dt.date
    authors: list[Author]
    chapters: list[Path]
    subtitle: str = ""
    series: int | None = None
    contact: dict[str, str] = field(default_factory=dict)
    audience: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    key_messages: list[str] = field(default_factory=list)
    key_messages_title: str = ""
    partners: list[str] = field(default_factory=list)
    license: str = ""
    license_url: str = ""
    doi: str = ""
    isbn: str = ""
    url: str = ""
    place: str = ""
    picture_credits: list[str] = field(default_factory=list)
    bibliography: Path | None = None
    toc: bool | None = None

    @property
    def yaml_path(self) -> Path:
        return self.folder / "paper.yaml"

    def rel(self, path: Path) -> str:
        """Path as users see it in messages: relative to the workspace."""
        try:
            return str(path.resolve().relative_to(self.workspace.root.resolve()))
        except ValueError:
            return str(path)

    @property
    def kind_label(self) -> str:
        text = i18n.label(self.lang, self.kind)
        if self.series:
            text += f" {i18n.label(self.lang, 'series')} {self.series}"
        return text

    @property
    def messages_title(self) -> str:
        if self.key_messages_title:
            return self.key_messages_title
        key = "key_demands" if self.kind == "positionspapier" else "key_messages"
        return i18n.label(self.lang, key)

    @property
    def wants_toc(self) -> bool:
        return self.toc if self.toc is not None else len(self.chapters) >= 5


@lru_cache(maxsize=8)
def _schema(path: str, mtime: float) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


def schema(ws: Workspace, name: str = SCHEMA_FILE) -> dict[str, Any]:
    path = ws.templates_dir / name
    return _schema(str(path), path.stat().st_mtime)


def _plain(value: Any) -> Any:
    """ruamel types -> JSON types for the schema (dates become ISO strings)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


_PATTERN_HINTS = {
    "doi": "is not a DOI; write it without https://doi.org/, like 10.5281/zenodo.1234567",
    "isbn": "is not an ISBN; write it like 978-3-00-012345-6",
    "url": "is not a web address; write it like https://www.example.org/papier",
    "license_url": "is not a link; write it like https://example.org/lizenz",
}


def _hint(error: jsonschema.ValidationError, schema_file: str = SCHEMA_FILE) -> str:
    where = ".".join(str(p) for p in error.absolute_path) or "the file"
    validator = error.validator
    if validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"'{missing}' is missing; add '{missing}: …' (see templates/{schema_file})"
    if validator == "enum":
        values = error.validator_value if isinstance(error.validator_value, list) else []
        allowed = ", ".join(str(v) for v in values)
        return f"{where}: {error.instance!r} is not allowed; use one of: {allowed}"
    if validator == "additionalProperties":
        return f"{error.message}; remove it or check the spelling (see templates/{schema_file})"
    if validator == "pattern" and where == "version":
        return f"version: {error.instance!r} is not a semantic version; write it quoted, like \"0.1.0\""
    if validator == "type" and where == "version":
        return f"version: {error.instance!r} is a number, not a version; write it quoted, like \"0.1.0\""
    if validator == "format" and where == "date":
        return f"date: {error.instance!r} is not a date; write YYYY-MM-DD, like 2026-11-21"
    if validator == "pattern" and where in _PATTERN_HINTS:
        return f"{where}: {error.instance!r} {_PATTERN_HINTS[where]}"
    if validator == "pattern" and where == "contact.email":
        return f"contact.email: {error.instance!r} is not an e-mail address"
    return f"{where}: {error.message}"


def schema_problems(data: Any, shown: str, ws: Workspace, schema_file: str = SCHEMA_FILE) -> list[Problem]:
    """Every violation of templates/*schema_file* by *data* (ruamel), with its line.

    Data found valid before against the same schema is not checked again (a marker in
    build/.cache/valid, by content): loading jsonschema alone costs a command ~45 ms."""
    plain = _plain(data)
    schema_path = ws.templates_dir / schema_file
    seen = ""
    with contextlib.suppress(OSError):
        digest = hashlib.sha256(f"{schema_path.read_text('utf-8')} ".encode())
        digest.update(json.dumps(plain, sort_keys=True, default=str).encode())
        seen = digest.hexdigest()[:32]
        if (ws.cache_dir / VALID / seen).is_file():
            return []
    import jsonschema  # noqa: PLC0415 - lazy: see above

    checker = jsonschema.Draft202012Validator(
        schema(ws, schema_file), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    problems = []
    for error in sorted(checker.iter_errors(plain), key=lambda e: list(map(str, e.absolute_path))):
        line = yamlio.line_of(data, list(error.absolute_path))
        problems.append(Problem(shown, line, _hint(error, schema_file)))
    if not problems and seen:
        with contextlib.suppress(OSError):  # a read-only workspace checks every time
            fsutil.write_text(ws.cache_dir / VALID / seen, "")
    return problems


def validate_meta(data: Any, shown: str, ws: Workspace) -> list[Problem]:
    if not isinstance(data, dict):
        return [Problem(shown, 1, "paper.yaml must be a mapping of keys like 'title: …'")]
    problems = schema_problems(data, shown, ws)
    date = data.get("date")
    if isinstance(date, str) and not problems:
        try:
            dt.date.fromisoformat(date)
        except ValueError:
            problems.append(Problem(shown, yamlio.line_of(data, ["date"]),
                                    f"date: {date!r} is not a date; write YYYY-MM-DD"))
    return problems


def find_chapters(folder: Path, data: Any, shown: str) -> tuple[list[Path], list[Problem]]:
    listed = data.get("chapters") if isinstance(data, dict) else None
    if listed:
        chapters, problems = [], []
        for i, name in enumerate(listed):
            path = folder / str(name)
            if path.is_file():
                chapters.append(path)
            else:
                problems.append(Problem(
                    shown, yamlio.line_of(data, ["chapters", i]),
                    f"chapter file '{name}' does not exist; create it or remove it from 'chapters'",
                ))
        return chapters, problems
    chapters = sorted((folder / "text").glob("*.md"))
    if not chapters:
        return [], [Problem(shown, 1, "no chapters: add text/01-einleitung.md (or list 'chapters')")]
    return chapters, []


def read_paper(ws: Workspace, slug: str) -> tuple[Paper | None, list[Problem]]:
    """Load *slug*; returns the paper (None when its metadata is unusable) and all problems."""
    folder = ws.paper_dir(slug)
    path = folder / "paper.yaml"
    shown = str(path.relative_to(ws.root))
    data, problems = yamlio.load(path, shown)
    if problems:
        return None, problems
    meta_problems = validate_meta(data, shown, ws)
    chapters, problems = find_chapters(folder, data, shown)
    bibliography = None
    if isinstance(data, dict) and data.get("bibliography"):
        bibliography = folder / str(data["bibliography"])
        if not bibliography.is_file():
            problems.append(Problem(
                shown, yamlio.line_of(data, ["bibliography"]),
                f"bibliography file '{data['bibliography']}' does not exist; "
                "add it or remove the 'bibliography' key",
            ))
            bibliography = None
    if meta_problems:
        return None, meta_problems + problems
    plain = _plain(data)
    paper = Paper(
        workspace=ws,
        slug=slug,
        folder=folder,
        raw=data,
        title=plain["title"],
        subtitle=plain.get("subtitle", ""),
        kind=plain["kind"],
        series=plain.get("series"),
        lang=plain["lang"],
        status=plain["status"],
        version=plain["version"],
        date=dt.date.fromisoformat(plain["date"]),
        authors=[Author(**a) for a in plain["authors"]],
        contact=plain.get("contact", {}),
        audience=plain.get("audience", []),
        keywords=plain.get("keywords", []),
        key_messages=plain.get("key_messages", []),
        key_messages_title=plain.get("key_messages_title", ""),
        partners=plain.get("partners", []),
        license=plain.get("license", ""),
        license_url=plain.get("license_url", ""),
        doi=plain.get("doi", ""),
        isbn=plain.get("isbn", ""),
        url=plain.get("url", ""),
        place=plain.get("place", ""),
        picture_credits=plain.get("picture_credits", []),
        bibliography=bibliography,
        chapters=chapters,
        toc=plain.get("toc"),
    )
    return paper, problems


def load_paper(ws: Workspace, slug: str) -> Paper:
    """Load *slug* or raise PaperInvalid with every metadata problem."""
    paper, problems = read_paper(ws, slug)
    if paper is None or problems:
        raise PaperInvalid(problems)
    return paper


def update_paper_yaml(path: Path, changes: dict[str, Any], shown: str | None = None) -> None:
    """Set top-level keys of a paper.yaml in place (round trip: comments and key order
    survive); PaperInvalid if the file does not parse. The one place paper.yaml is edited."""
    data, problems = yamlio.load(path, shown or str(path))
    if problems:
        raise PaperInvalid(problems)
    for key, value in changes.items():
        data[key] = value
    yamlio.dump(path, data)
