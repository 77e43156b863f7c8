"""comments.yaml written by papier's own emitter: block mappings in the items' key order,
one item per block, a blank line between blocks; a string double-quoted JSON-style unless it
is a plain word, so that no YAML reader guesses a type. The same items give the same bytes."""

from __future__ import annotations

import datetime as dt
import json
import re
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any

# Words that read as text to every YAML reader (1.1 and 1.2) stay plain: decisions, kinds, ids,
# reviewer ids, paths, "Stelle A". Everything else is double-quoted, so that no reader
# guesses a type (dates, numbers, yes/no) or trips over "- ", ": ", " #", quotes, "=", tabs.
_PLAIN = re.compile(r"[^\W\d_][\w./-]*(?: [\w./-]+)*\Z")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
RESERVED = frozenset(w for base in ("y", "n", "yes", "no", "on", "off", "true", "false", "null")
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
    if _PLAIN.match(text) and text not in RESERVED:
        return text
    out: str = encode_basestring(text)
    return _MORE.sub(_more, out) if _MORE.search(out) else out


def _key(key: Any) -> str:
    """A key: plain when it is a name (as the strict reader reads keys), else double-quoted."""
    if not isinstance(key, str):
        raise TypeError(f"comments.yaml keys are strings, not {key!r}")
    if _NAME.match(key) and key not in RESERVED:
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


def item_block(item: Any) -> str:
    """One item: its lines, none of them empty (so blocks split on blank lines)."""
    if not (item and isinstance(item, dict | list | tuple)):
        return f"- {_scalar(item)}"
    out: list[str] = []
    _block(item, 2, "- ", out)
    return "\n".join(out)


def document(blocks: list[str], header: str) -> str:
    top = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return top + ("\n\n".join(blocks) if blocks else "[]") + "\n"


def blocks_of(path: Path) -> dict[str, str]:
    """Item JSON -> its block, from the comments.yaml this process last read (when papier
    wrote it as it is: the cache says so) or wrote: a save re-emits only what changed."""
    loaded = LOADED.get(path)
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
encode = json.JSONEncoder(ensure_ascii=False, check_circular=False, default=_json_default).encode
LOADED: dict[Path, tuple[bytes, list[str]]] = {}


