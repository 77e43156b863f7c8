"""The prose of a Markdown chapter, with everything that is not prose masked out.

Code, fenced-div lines, attributes, link targets, URLs, HTML and comments are replaced
by NUL characters of the same length, so that columns in the masked text are columns in
the file, and a fix found in the masked text can be applied to the original."""

from __future__ import annotations

import re

MASK = "\0"
_INLINE = [
    re.compile(r"(`+)[^`]*?\1"),  # inline code, `=sum(…)` values
    re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)"),  # link/image targets
    re.compile(r"\{[^{}\n]*\}"),  # attributes {#id .class key=value}
    re.compile(r"<[a-zA-Z/!][^<>\n]*>"),  # autolinks, HTML tags
    re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\w+"),  # bare URLs, e-mail addresses
    re.compile(r"\[@[^\]]*\]|(?<![\w\\])@[\w:-]+"),  # citations
    re.compile(r"\[\^[^\]]+\]"),  # footnote references
]
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_TABLE = re.compile(r"^\s*\|")


def _blank(match: re.Match[str]) -> str:
    return MASK * len(match.group(0))


def mask(text: str) -> list[str]:
    """One masked string per line of *text* (same lengths as the original lines)."""
    out: list[str] = []
    fence: str | None = None
    comment = False
    for line in text.split("\n"):
        if fence is not None:
            out.append(MASK * len(line))
            if line.strip().startswith(fence):
                fence = None
            continue
        found = _FENCE.match(line)
        if found:
            fence = found.group(1)[0] * 3
            out.append(MASK * len(line))
            continue
        if line.lstrip().startswith(":::"):
            out.append(MASK * len(line))
            continue
        masked = line
        if comment or "<!--" in masked:
            chars = list(masked)
            i = 0
            while i < len(chars):
                if not comment and masked.startswith("<!--", i):
                    comment = True
                if comment:
                    if masked.startswith("-->", i):
                        chars[i:i + 3] = MASK * 3
                        comment = False
                        i += 3
                        continue
                    chars[i] = MASK
                i += 1
            masked = "".join(chars)
        for pattern in _INLINE:
            masked = pattern.sub(_blank, masked)
        out.append(masked)
    return out


def is_table_line(line: str) -> bool:
    return bool(_TABLE.match(line))
