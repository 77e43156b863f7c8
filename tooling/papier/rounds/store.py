"""Files of a comment round: round.yaml, anchors.json, comments.yaml, returned/ (under a lock)."""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from json.decoder import scanstring  # type: ignore[attr-defined]
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any

from papier import fsutil, yamlio
from papier.errors import PaperInvalid, PapierError
from papier.paper import Paper

DECISIONS = ("offen", "übernommen", "teilweise", "abgelehnt", "zur-kenntnis")
KINDS = ("comment", "insertion", "deletion", "replacement", "move")


class RoundError(PapierError):
    """A round command cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class Reviewer:
    id: str
    name: str
    organisation: str = ""
    email: str = ""


@dataclass
class Round:
    paper: Paper
    number: int
    data: Any  # round.yaml, round trip

    @property
    def folder(self) -> Path:
        return round_dir(self.paper, self.number)

    @property
    def state(self) -> str:
        return str(self.data.get("state", "open"))

    @property
    def reviewers(self) -> list[Reviewer]:
        return [Reviewer(str(r["id"]), str(r.get("name", "")), str(r.get("organisation", "")),
                         str(r.get("email", ""))) for r in self.data.get("reviewers", [])]

    def reviewer(self, ident: str) -> Reviewer | None:
        return next((r for r in self.reviewers if r.id == ident), None)

    @property
    def comments_path(self) -> Path:
        return self.folder / "comments.yaml"

    @property
    def deadline(self) -> dt.date:
        value = self.data["deadline"]
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))

    def save(self) -> None:
        yamlio.dump(self.folder / "round.yaml", self.data)

    def anchors(self) -> dict[str, dict[str, Any]]:
        path = self.folder / "anchors.json"
        if not path.is_file():
            return {}
        data: dict[str, dict[str, Any]] = json.loads(path.read_text("utf-8"))
        return data


def write_anchors(folder: Path, anchors: dict[str, dict[str, Any]]) -> None:
    """anchors.json: block id -> file, line, end_line, section, text and source as sent."""
    fsutil.write_text(folder / "anchors.json", json.dumps(anchors, ensure_ascii=False, indent=1))


def round_dir(paper: Paper, number: int) -> Path:
    return paper.folder / "rounds" / str(number)


def round_numbers(paper: Paper) -> list[int]:
    folder = paper.folder / "rounds"
    if not folder.is_dir():
        return []
    return sorted(int(p.name) for p in folder.iterdir()
                  if p.name.isdigit() and (p / "round.yaml").is_file())


def load_round(paper: Paper, number: int) -> Round:
    path = round_dir(paper, number) / "round.yaml"
    data, problems = yamlio.load(path, paper.rel(path))
    if problems:
        raise PaperInvalid(problems)
    return Round(paper, number, data)


def latest_round(paper: Paper) -> Round:
    numbers = round_numbers(paper)
    if not numbers:
        raise RoundError(f"{paper.rel(paper.folder)}: no comment round yet; open one with: "
                         f"papier round open {paper.slug} --reviewers reviewers.yaml")
    return load_round(paper, numbers[-1])


def open_round_of(paper: Paper) -> Round:
    current = latest_round(paper)
    if current.state != "open":
        raise RoundError(f"{paper.rel(current.folder / 'round.yaml')}: round {current.number} is "
                         f"{current.state}; open a new one with: papier round open {paper.slug} …")
    return current


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """One writer at a time per round (an exclusive lock on rounds/<n>/.lock)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# ---------------------------------------------------------------- comments.yaml
#
# The matrix is the reviewable record in git, and it grows to thousands of items: ruamel's
# round trip took seconds to read and write it. So papier writes it with a small emitter of
# its own (block mappings in the items' key order, one item per block, a string double-quoted
# JSON-style unless it is a plain word, so nothing is type-guessed), reads it back as plain
# dicts and lists, and keeps the items as JSON keyed by the SHA-256 of the file's bytes: a
# command after a papier command parses no YAML at all, and a hand edit (new bytes, new key)
# is parsed once, by a strict reader of what the emitter writes (and of hand edits in that
# style) or, for anything else, by libyaml. A save re-emits only the items that changed.

HEADER = ("Comment matrix of round {n}: one entry per comment or suggestion.\n"
          "Edit only 'decision' and 'response' (or use: papier round decide).")
# bump when the emitter's output or what load_items returns for the same bytes changes
CACHE_FORMAT = 1


def load_items(rnd: Round) -> list[dict[str, Any]]:
    """The items of comments.yaml as plain dicts and lists; [] before the first collect."""
    path = rnd.comments_path
    if not path.is_file():
        return []
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    cached = _read_cache(rnd, sha)
    if cached is not None:
        meta, lines = cached
        items: list[dict[str, Any]] = json.loads("[" + ",".join(lines) + "]")
        if meta.get("canonical"):
            _LOADED[path] = (data, lines)
        return items
    items, strict = _parse(rnd, data)
    _write_cache(rnd, sha, [_encode(item) for item in items], canonical=False, strict=strict)
    return items


def strict_items(rnd: Round) -> list[dict[str, Any]] | None:
    """The items when comments.yaml is a list of mappings in the shape papier writes (also
    after hand edits in that shape), read without a full YAML parser: papier check looks
    up lines with ruamel only when these show a problem. None for anything else."""
    path = rnd.comments_path
    if not path.is_file():
        return None
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    cached = _read_cache(rnd, sha)
    if cached is not None:
        meta, lines = cached
        return json.loads("[" + ",".join(lines) + "]") if meta.get("strict") else None
    try:
        value = _read_strict(data.decode("utf-8"))
    except (_Unsupported, UnicodeDecodeError):
        return None
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        return None
    _write_cache(rnd, sha, [_encode(item) for item in value], canonical=False, strict=True)
    return value


def save_items(rnd: Round, items: list[dict[str, Any]]) -> None:
    """Write comments.yaml (atomically) and remember its items for the next command."""
    path = rnd.comments_path
    reuse = _blocks_of(path)
    lines, blocks = [], []
    for item in items:
        line = _encode(item)
        block = reuse.get(line)
        lines.append(line)
        blocks.append(block if block is not None else _item_block(item))
    data = _document(blocks, HEADER.format(n=rnd.number)).encode("utf-8")
    fsutil.write_bytes(path, data)
    _write_cache(rnd, hashlib.sha256(data).hexdigest(), lines, canonical=True, strict=True)
    _LOADED[path] = (data, lines)


def new_map(values: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of *values* as plain dicts and lists, safe to store and change."""
    out: dict[str, Any] = _copy(values)
    return out


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copy(sub) for key, sub in value.items()}
    if isinstance(value, list | tuple):
        return [_copy(sub) for sub in value]
    return value


def dump_items(items: list[Any], header: str = "") -> str:
    """comments.yaml's text: the header as comment lines, then one block per item, a blank
    line between them. The same items give the same text."""
    return _document([_item_block(item) for item in items], header)


# ------------------------------------------------------------------ the emitter

# Words that read as text to every YAML reader (1.1 and 1.2) stay plain: decisions, kinds, ids,
# reviewer ids, paths, "Stelle A". Everything else is double-quoted, so that no reader
# guesses a type (dates, numbers, yes/no) or trips over "- ", ": ", " #", quotes, "=", tabs.
_PLAIN = re.compile(r"[^\W\d_][\w./-]*(?: [\w./-]+)*\Z")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_RESERVED = frozenset(w for base in ("y", "n", "yes", "no", "on", "off", "true", "false", "null")
                      for w in (base, base.capitalize(), base.upper()))
# what JSON leaves raw but YAML must not see raw: C1 controls and NEL, the line and paragraph
# separators, a BOM, surrogates and non-characters
_MORE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")


def _more(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def _quote(text: str) -> str:
    """*text* as a scalar: plain if it is a word as in _PLAIN, else double-quoted with JSON's
    escapes (quotes, backslashes, C0 controls, newlines, tabs; YAML reads them the same) and
    those in _MORE."""
    if _PLAIN.match(text) and text not in _RESERVED:
        return text
    out: str = encode_basestring(text)
    return _MORE.sub(_more, out) if _MORE.search(out) else out


def _key(key: Any) -> str:
    """A key: plain when it is a name (as the strict reader reads keys), else double-quoted."""
    if not isinstance(key, str):
        raise TypeError(f"comments.yaml keys are strings, not {key!r}")
    if _NAME.match(key) and key not in _RESERVED:
        return key
    out: str = encode_basestring(key)
    return _MORE.sub(_more, out) if _MORE.search(out) else out


# short texts repeat (keys, decisions, kinds, reviewers, files, ""): quoted once per process
_SHORT: dict[str, str] = {}
_KEYS: dict[Any, str] = {}


def _text(text: str) -> str:
    quoted = _SHORT.get(text)
    if quoted is None:
        quoted = _quote(text)
        if len(text) <= 48 and len(_SHORT) < 50_000:
            _SHORT[text] = quoted
    return quoted


def _float(value: float) -> str:
    if value != value:
        return ".nan"
    if value in (float("inf"), float("-inf")):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    if "." not in text:  # 1e+20: YAML 1.1 readers want a dot
        mantissa, _, exponent = text.partition("e")
        text = f"{mantissa}.0" + (f"e{exponent}" if exponent else "")
    return text


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return _quote(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return _float(float(value))
    if isinstance(value, dt.date):  # and datetime: kept as the text it reads as
        return _quote(value.isoformat())
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list | tuple):
        return "[]"
    raise TypeError(f"comments.yaml cannot hold {type(value).__name__} {value!r}")


def _block(value: Any, indent: int, lead: str, out: list[str]) -> None:
    """Append a non-empty mapping or sequence in block style; its first line starts with
    *lead*, the others with *indent* spaces (ruamel's layout: mapping 2, sequence 4, offset 2)."""
    pad = " " * indent
    if isinstance(value, dict):
        for key, sub in value.items():
            name = _KEYS.get(key)
            if name is None:
                name = _key(key)
                if len(_KEYS) < 10_000:
                    _KEYS[key] = name
            if type(sub) is str:
                out.append(f"{lead}{name}: {_text(sub)}")
            elif sub and isinstance(sub, dict | list | tuple):
                out.append(f"{lead}{name}:")
                _block(sub, indent + 2, " " * (indent + 2), out)
            else:
                out.append(f"{lead}{name}: {_scalar(sub)}")
            lead = pad
        return
    for sub in value:
        if type(sub) is str:
            out.append(f"{lead}- {_text(sub)}")
        elif sub and isinstance(sub, dict | list | tuple):
            _block(sub, indent + 2, f"{lead}- ", out)
        else:
            out.append(f"{lead}- {_scalar(sub)}")
        lead = pad


def _item_block(item: Any) -> str:
    """One item: its lines, none of them empty (so blocks split on blank lines)."""
    if not (item and isinstance(item, dict | list | tuple)):
        return f"- {_scalar(item)}"
    out: list[str] = []
    _block(item, 2, "- ", out)
    return "\n".join(out)


def _document(blocks: list[str], header: str) -> str:
    top = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return top + ("\n\n".join(blocks) if blocks else "[]") + "\n"


def _blocks_of(path: Path) -> dict[str, str]:
    """Item JSON -> its block, from the comments.yaml this process last read (when papier
    wrote it as it is: the cache says so) or wrote: a save re-emits only what changed."""
    loaded = _LOADED.get(path)
    if loaded is None:
        return {}
    data, lines = loaded
    text = data.decode("utf-8")
    start = 0
    while text.startswith("#", start):
        start = text.index("\n", start) + 1
    blocks = text[start:-1].split("\n\n")
    return dict(zip(lines, blocks, strict=True)) if len(blocks) == len(lines) and lines else {}


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"comments.yaml cannot hold {type(value).__name__} {value!r}")


# the items as JSON, one line each: the cache's lines and the key of an item's block
_encode = json.JSONEncoder(ensure_ascii=False, check_circular=False, default=_json_default).encode
_LOADED: dict[Path, tuple[bytes, list[str]]] = {}


# ------------------------------------------------------------------ the readers


class _Unsupported(Exception):
    """Text outside what _read_strict reads: the general reader takes it."""


def _parse(rnd: Round, data: bytes) -> tuple[list[dict[str, Any]], bool]:
    """comments.yaml's bytes -> (items, read by the strict reader). What that reader does
    not take goes to libyaml; what libyaml refuses to yamlio.load (ruamel), so that errors
    read as everywhere else, with their line."""
    path = rnd.comments_path
    shown = rnd.paper.rel(path)
    strict = True
    try:
        text = data.decode("utf-8")
        value = _read_strict(text)
    except (_Unsupported, UnicodeDecodeError):
        strict = False
        try:
            value = _general_load(data.decode("utf-8"))
        except Exception:  # a syntax error, a duplicate key, not UTF-8: ruamel words it
            value, problems = yamlio.load(path, shown)
            if problems:
                raise PaperInvalid(problems) from None
            value = _from_ruamel(value)
    if value is None:
        return [], strict
    if not isinstance(value, list):
        raise RoundError(f"{shown}: must be a list of items; restore it from git")
    for i, entry in enumerate(value):
        if not isinstance(entry, dict):
            raise RoundError(f"{shown}: item {i + 1} is not a mapping; restore it from git")
    return value, strict


# Characters the strict reader leaves to libyaml: tabs, controls, NEL, line and paragraph
# separators, BOM, surrogates, non-characters (YAML reads some as line breaks, some not at all)
_ODD = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_KEY_TOKEN = re.compile(r'(?:([A-Za-z_][A-Za-z0-9_]*)|("(?:[^"\\]|\\.)*")):(?: +|\Z)')  # as _NAME
_NULL = frozenset(("~", "null", "Null", "NULL"))
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = r"[-+]?(?:0b[01_]+|0o[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)"
_FLOAT = (r"[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?"
          r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
_INT_RE = re.compile(f"(?:{_INT})\\Z")
_FLOAT_RE = re.compile(f"(?:{_FLOAT})\\Z")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
# the tokens of a line: "-" with its entry on the same line or below, "- scalar",
# "key: scalar", "key:" with its value below, and text on a line of its own
_DASH, _ITEM, _PAIR, _OPEN, _BARE = range(5)
# the common line, "  key: value" with a JSON string, a word or a whole number
_FAST = re.compile(r'( *)([A-Za-z_][A-Za-z0-9_]*): (?:"((?:[^"\\]|\\["\\/bfnrt])*)"'
                   r"|([^\W\d_][\w./-]*(?: [\w./-]+)*)|(-?(?:0|[1-9][0-9]*)))\Z")


def _int(text: str) -> int:
    text = text.replace("_", "")
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    base = {"0b": 2, "0o": 8, "0x": 16}.get(digits[:2].lower(), 0)
    return sign * (int(digits[2:], base) if base else int(digits, 10))


def _float_of(text: str) -> float:
    special = text.lower()
    if special.endswith((".inf", ".nan")):
        return float(special.replace(".", ""))
    return float(text.replace("_", ""))


def _plain_value(text: str) -> Any:
    """A scalar as YAML 1.2's core schema reads it (and the libyaml reader below)."""
    if text[0] == '"':
        try:
            value, end = scanstring(text, 1, True)
        except ValueError:  # a YAML-only escape, a raw control: not JSON
            raise _Unsupported from None
        # JSON joins an escaped surrogate pair, YAML does not
        if text[end:].strip(" ") or ("\\u" in text and _SURROGATE_ESCAPE.search(text)):
            raise _Unsupported
        return value
    if text == "[]":
        return []
    if text == "{}":
        return {}
    first = text[0]
    if first in _INDICATORS and not (first == "-" and text[1:2] not in ("", " ")):
        raise _Unsupported
    if ": " in text or " #" in text or text.endswith(":"):
        raise _Unsupported
    text = text.rstrip(" ")
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    if first in "-+.0123456789":
        if _INT_RE.match(text):
            return _int(text)
        if _FLOAT_RE.match(text):
            return _float_of(text)
    return text


def _is_dash(text: str) -> bool:
    return text[0] == "-" and (len(text) == 1 or text[1] == " ")


def _tokens(text: str) -> list[tuple[int, int, Any, Any]]:
    """(column, kind, key, value) for each line that is not blank or a comment."""
    tokens: list[tuple[int, int, Any, Any]] = []
    append = tokens.append
    fast = _FAST.match
    match_key = _KEY_TOKEN.match
    for line in text.split("\n"):
        found = fast(line)
        if found is not None:
            indent, key, quoted, word, number = found.groups()
            if key in _RESERVED:
                raise _Unsupported
            if quoted is not None:
                value: Any = quoted if "\\" not in quoted else _plain_value(f'"{quoted}"')
            elif word is not None:
                value = word if word not in _RESERVED else _plain_value(word)
            else:
                value = int(number)
            append((len(indent), _PAIR, key, value))
            continue
        stripped = line.lstrip(" ")
        if not stripped or stripped[0] == "#":
            continue
        col = len(line) - len(stripped)
        if col == 0 and stripped.startswith(("---", "...", "%")):
            raise _Unsupported
        while _is_dash(stripped):
            rest = stripped[1:].lstrip(" ")
            if rest and not _is_dash(rest) and match_key(rest) is None:
                append((col, _ITEM, None, _plain_value(rest)))
                rest = ""
            else:
                append((col, _DASH, None, None))
            col += len(stripped) - len(rest)
            stripped = rest
            if not stripped:
                break
        if not stripped:
            continue
        found = match_key(stripped)
        if found is None:
            append((col, _BARE, None, stripped))
            continue
        key = found.group(1)
        if key is None:
            key = _plain_value(found.group(2))
        elif key in _RESERVED:
            raise _Unsupported
        rest = stripped[found.end():]
        append((col, _PAIR, key, _plain_value(rest)) if rest else (col, _OPEN, key, None))
    return tokens


def _read_strict(text: str) -> Any:
    """Block YAML of the shape the emitter writes, as libyaml and ruamel read it: block
    mappings and sequences (also "- - x" and a sequence under a key at the key's indent),
    one-line double-quoted scalars with JSON's escapes, plain scalars on one line, [] and {},
    comment lines. Anything else (block scalars, flow collections, anchors, tags, comments
    after a value, multi-line scalars, tabs, duplicate keys) raises _Unsupported."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if _ODD.search(text):
        raise _Unsupported
    tokens = _tokens(text)
    if not tokens:
        return None
    col, kind, _, value = tokens[0]
    if col != 0:
        raise _Unsupported
    if kind == _BARE:
        if len(tokens) > 1:
            raise _Unsupported
        return _plain_value(value)
    value, pos = _node(tokens, 0)
    if pos != len(tokens):
        raise _Unsupported
    return value


def _node(tokens: list[tuple[int, int, Any, Any]], pos: int) -> tuple[Any, int]:
    """The block node starting at tokens[pos] -> (value, position after it). A node ends at
    the first token of another column or kind; what is left over makes _read_strict refuse."""
    col, kind, _, _ = tokens[pos]
    end = len(tokens)
    if kind in (_DASH, _ITEM):
        seq: list[Any] = []
        while pos < end:
            at, kind, _, value = tokens[pos]
            if at != col or kind not in (_DASH, _ITEM):  # a key after a sequence at its indent
                break
            pos += 1
            if kind == _ITEM:
                seq.append(value)
            elif pos < end and tokens[pos][0] > col:
                value, pos = _node(tokens, pos)
                seq.append(value)
            else:
                seq.append(None)
        return seq, pos
    if kind == _BARE:  # text on a line of its own: a multi-line scalar, or not YAML
        raise _Unsupported
    mapping: dict[Any, Any] = {}
    while pos < end:
        at, kind, key, value = tokens[pos]
        if at != col:
            break
        if kind not in (_PAIR, _OPEN) or key in mapping:
            raise _Unsupported
        pos += 1
        if kind == _OPEN and pos < end and (tokens[pos][0] > col or (
                tokens[pos][0] == col and tokens[pos][1] in (_DASH, _ITEM))):
            value, pos = _node(tokens, pos)
        mapping[key] = value
    return mapping, pos


@lru_cache(maxsize=1)
def _general_loader() -> Any:
    """A libyaml (C) safe loader with YAML 1.2's core schema, as ruamel reads: yes/no/on/off
    stay text, and so do unquoted dates and times (the text that was written); a duplicate
    key is an error."""
    import yaml
    from yaml.constructor import ConstructorError, SafeConstructor

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[valid-type,misc]
        yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012

        def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
            self.flatten_mapping(node)
            mapping: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.construct_object(key_node, deep=deep)
                try:
                    seen = key in mapping
                except TypeError:
                    raise ConstructorError("while constructing a mapping", node.start_mark,
                                           "found an unhashable key", key_node.start_mark) from None
                if seen:
                    raise ConstructorError("while constructing a mapping", node.start_mark,
                                           f"found duplicate key {key!r}", key_node.start_mark)
                mapping[key] = self.construct_object(value_node, deep=deep)
            return mapping

    resolvers = [
        ("tag:yaml.org,2002:null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
        ("tag:yaml.org,2002:bool", r"true|True|TRUE|false|False|FALSE", list("tTfF")),
        ("tag:yaml.org,2002:int", _INT, list("-+0123456789")),
        ("tag:yaml.org,2002:float", _FLOAT, list("-+.0123456789")),
        ("tag:yaml.org,2002:merge", r"<<", ["<"]),
    ]
    for tag, pattern, first in resolvers:
        Loader.add_implicit_resolver(tag, re.compile(f"^(?:{pattern})$"), first)
    Loader.add_constructor("tag:yaml.org,2002:int",
                           lambda loader, node: _int(str(loader.construct_scalar(node))))
    Loader.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)
    return Loader


def _general_load(text: str) -> Any:
    import yaml

    return yaml.load(text, Loader=_general_loader())  # a safe loader (libyaml), see above


def _from_ruamel(value: Any) -> Any:
    """ruamel's round-trip types -> plain ones (dates as the ISO text)."""
    if isinstance(value, dict):
        return {str(k): _from_ruamel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_ruamel(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# ------------------------------------------------------------------ the cache
#
# build/.cache/rounds/<slug>/<n>/<sha256 of comments.yaml>.v<CACHE_FORMAT>.json: a line of
# facts ({"canonical": written by save_items, "strict": read by the strict reader}), then one
# line of JSON per item. One file per round: a new one replaces the old.


def _cache_folder(rnd: Round) -> Path:
    return rnd.paper.workspace.cache_dir / "rounds" / rnd.paper.slug / str(rnd.number)


def _cache_name(sha: str) -> str:
    return f"{sha}.v{CACHE_FORMAT}.json"


def _read_cache(rnd: Round, sha: str) -> tuple[dict[str, Any], list[str]] | None:
    try:
        text = (_cache_folder(rnd) / _cache_name(sha)).read_bytes().decode("utf-8", "surrogatepass")
        head, *lines = text.split("\n")
        meta = json.loads(head)
        if not isinstance(meta, dict) or meta.get("items") != len(lines):
            return None
    except (OSError, ValueError):  # none yet, pruned meanwhile, or damaged: parse the YAML
        return None
    return meta, lines


def _write_cache(rnd: Round, sha: str, lines: list[str], canonical: bool, strict: bool) -> None:
    """Best effort (a read-only workspace just parses every time)."""
    folder = _cache_folder(rnd)
    name = _cache_name(sha)
    head = json.dumps({"items": len(lines), "canonical": canonical, "strict": strict})
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with fsutil.atomic_path(folder / name) as tmp:
            tmp.write_bytes("\n".join([head, *lines]).encode("utf-8", "surrogatepass"))
        for old in folder.iterdir():
            if old.name != name and not old.name.startswith("."):
                old.unlink(missing_ok=True)
    except OSError:
        pass
