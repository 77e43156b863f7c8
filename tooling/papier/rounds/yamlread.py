"""comments.yaml read fast: a strict reader of what the emitter writes (and of hand edits in
that style), libyaml for anything else, ruamel's values made plain."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

from papier.rounds.yamlemit import RESERVED


class Unsupported(Exception):
    """Text outside what read_strict reads: the general reader takes it."""


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
            raise Unsupported from None
        # JSON joins an escaped surrogate pair, YAML does not
        if text[end:].strip(" ") or ("\\u" in text and _SURROGATE_ESCAPE.search(text)):
            raise Unsupported
        return value
    if text == "[]":
        return []
    if text == "{}":
        return {}
    first = text[0]
    if first in _INDICATORS and not (first == "-" and text[1:2] not in ("", " ")):
        raise Unsupported
    if ": " in text or " #" in text or text.endswith(":"):
        raise Unsupported
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
            if key in RESERVED:
                raise Unsupported
            if quoted is not None:
                value: Any = quoted if "\\" not in quoted else _plain_value(f'"{quoted}"')
            elif word is not None:
                value = word if word not in RESERVED else _plain_value(word)
            else:
                value = int(number)
            append((len(indent), _PAIR, key, value))
            continue
        stripped = line.lstrip(" ")
        if not stripped or stripped[0] == "#":
            continue
        col = len(line) - len(stripped)
        if col == 0 and stripped.startswith(("---", "...", "%")):
            raise Unsupported
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
        elif key in RESERVED:
            raise Unsupported
        rest = stripped[found.end():]
        append((col, _PAIR, key, _plain_value(rest)) if rest else (col, _OPEN, key, None))
    return tokens


def read_strict(text: str) -> Any:
    """Block YAML of the shape the emitter writes, as libyaml and ruamel read it: block
    mappings and sequences (also "- - x" and a sequence under a key at the key's indent),
    one-line double-quoted scalars with JSON's escapes, plain scalars on one line, [] and {},
    comment lines. Anything else (block scalars, flow collections, anchors, tags, comments
    after a value, multi-line scalars, tabs, duplicate keys) raises Unsupported."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if _ODD.search(text):
        raise Unsupported
    tokens = _tokens(text)
    if not tokens:
        return None
    col, kind, _, value = tokens[0]
    if col != 0:
        raise Unsupported
    if kind == _BARE:
        if len(tokens) > 1:
            raise Unsupported
        return _plain_value(value)
    value, pos = _node(tokens, 0)
    if pos != len(tokens):
        raise Unsupported
    return value


def _node(tokens: list[tuple[int, int, Any, Any]], pos: int) -> tuple[Any, int]:
    """The block node starting at tokens[pos] -> (value, position after it). A node ends at
    the first token of another column or kind; what is left over makes read_strict refuse."""
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
        raise Unsupported
    mapping: dict[Any, Any] = {}
    while pos < end:
        at, kind, key, value = tokens[pos]
        if at != col:
            break
        if kind not in (_PAIR, _OPEN) or key in mapping:
            raise Unsupported
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
    import yaml  # noqa: PLC0415 - lazy: libyaml only for a hand-edited file
    from yaml.constructor import ConstructorError, SafeConstructor  # noqa: PLC0415 - lazy

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


def general_load(text: str) -> Any:
    import yaml  # noqa: PLC0415 - lazy: libyaml only for a hand-edited file

    return yaml.load(text, Loader=_general_loader())  # a safe loader (libyaml), see above


def from_ruamel(value: Any) -> Any:
    """ruamel's round-trip types -> plain ones (dates as the ISO text)."""
    if isinstance(value, dict):
        return {str(k): from_ruamel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_ruamel(v) for v in value]
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


