"""Citation syntax on top of commonmark_x: what becomes a citation and what stays text."""

from __future__ import annotations

import pytest

from papier.cites import mark_citations


@pytest.mark.parametrize(("source", "expected"), [
    ("siehe [@doe2020, S. 3].", "siehe [@doe2020, S. 3]{.papier-cite}."),
    ("[vgl. @a; @b]", "[vgl. @a; @b]{.papier-cite}"),
    ("wie @doe2020 zeigt", "wie [@doe2020]{.papier-cite .in-text} zeigt"),
    ("Mail an info@example.org", "Mail an info@example.org"),
    ("ein \\@handle", "ein \\@handle"),
    ("Code `@decorator` bleibt", "Code `@decorator` bleibt"),
    ("[Bericht](https://example.org/@user)", "[Bericht](https://example.org/@user)"),
    ("<https://example.org/@user>", "<https://example.org/@user>"),
])
def test_marking(source: str, expected: str) -> None:
    assert mark_citations(source) == expected


def test_fenced_code_is_left_alone_and_lines_are_kept() -> None:
    source = "Text @a\n\n```\n@b\n```\n\nMehr @c\n"
    marked = mark_citations(source)
    assert marked.count("\n") == source.count("\n")
    assert "\n@b\n" in marked and "[@a]" in marked and "[@c]" in marked
