"""Citations: commonmark_x has no citation syntax, so papier marks pandoc's
Markdown citation syntax before parsing and turns it into real Cite elements after.

``[siehe @doe2020, S. 3; @roe2021]`` and bare ``@doe2020`` work as in pandoc's
Markdown; ``\\@`` is a literal at sign. Lines are kept, so positions stay true.
"""

from __future__ import annotations

import re
from typing import Any

from papier import pandoc_ast as ast

_KEY = r"[A-Za-z0-9_](?:[\w:.#$%&+?<>~/-]*\w)?"
_TOKENS = re.compile(
    r"(?P<skip>`+[^`]*?`+|<[^>\s]+>|\]\([^)]*\)|<!--.*?-->)"
    r"|(?P<group>(?<!!)\[(?P<inner>[^\[\]]*?(?<![\w\\])-?@" + _KEY + r"[^\[\]]*)\](?![(\[{:]))"
    r"|(?P<bare>(?<![\w\\@./:\-])@" + _KEY + r")",
    re.S,
)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_PART = re.compile(
    r"^(?P<prefix>.*?)(?P<minus>-?)@(?P<key>" + _KEY + r")(?P<suffix>.*)$", re.S
)
CITE_CLASS = "papier-cite"


def _mark(match: re.Match[str]) -> str:
    if match.group("skip"):
        return match.group(0)
    if match.group("group"):
        return f"[{match.group('inner')}]{{.{CITE_CLASS}}}"
    return f"[{match.group('bare')}]{{.{CITE_CLASS} .in-text}}"


def mark_citations(text: str) -> str:
    """Wrap citation syntax in bracketed spans (outside fenced code); keeps every line."""
    out: list[str] = []
    chunk: list[str] = []
    fence = ""
    for line in text.splitlines(keepends=True):
        opener = _FENCE.match(line)
        if fence:
            out.append(line)
            if opener and opener.group(1)[0] == fence[0] and len(opener.group(1)) >= len(fence):
                fence = ""
            continue
        if opener:
            out.append(_TOKENS.sub(_mark, "".join(chunk)))
            chunk = []
            fence = opener.group(1)
            out.append(line)
            continue
        chunk.append(line)
    out.append(_TOKENS.sub(_mark, "".join(chunk)))
    return "".join(out)


def to_cite(span: ast.Node) -> tuple[ast.Node, list[str]]:
    """A marked span -> a pandoc Cite element and the keys it cites."""
    span_attr, inlines = span["c"]
    in_text = "in-text" in span_attr[1]
    text = ast.stringify(inlines)
    citations: list[dict[str, Any]] = []
    for part in text.split(";"):
        match = _PART.match(part.strip())
        if not match:
            continue
        mode = "AuthorInText" if in_text else (
            "SuppressAuthor" if match.group("minus") else "NormalCitation")
        citations.append({
            "citationId": match.group("key"),
            "citationPrefix": ast.text_inlines(match.group("prefix")),
            "citationSuffix": ast.text_inlines(match.group("suffix")),
            "citationMode": {"t": mode},
            "citationNoteNum": 0,
            "citationHash": 0,
        })
    shown = text if in_text else f"[{text}]"
    return {"t": "Cite", "c": [citations, ast.text_inlines(shown)]}, [
        c["citationId"] for c in citations
    ]
