"""Heading numbers, computed in one place for the DOCX, its table of contents, the anchors
of a round (and so the matrix): 1, 1.1, 2 …; headings marked {.unnumbered} or {-} get
none and do not count, as in pandoc's --number-sections."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

UNNUMBERED = ("unnumbered", "-")


def heading_numbers(headings: Iterable[tuple[int, Sequence[str]]]) -> Iterator[str | None]:
    """For each (level, classes) in document order, its number, or None."""
    counters = [0] * 6
    for level, classes in headings:
        if any(c in UNNUMBERED for c in classes):
            yield None
            continue
        counters[level - 1] += 1
        counters[level:] = [0] * (6 - level)
        yield ".".join(str(n) for n in counters[:level])
