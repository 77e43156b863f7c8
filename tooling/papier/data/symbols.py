"""The special values of official statistics (Zeichenerklärung of the Statistische Ämter des
Bundes und der Länder): kept as symbols in tables, left out of sums and charts, explained
once per paper."""

from __future__ import annotations

import re

from papier.data.numbers import Number, parse_number

# symbol as shown -> (German wording, English wording); the order is the order of the legend
EXPLAINED: dict[str, tuple[str, str]] = {
    "–": ("nichts vorhanden", "nil"),
    ".": ("Zahlenwert unbekannt oder geheim zu halten", "numerical value unknown or to be kept secret"),
    "x": ("Tabellenfach gesperrt, weil Aussage nicht sinnvoll",
          "cell blocked because information is not meaningful"),
    "…": ("Angabe fällt später an", "data will be available later"),
    "/": ("keine Angabe, da Zahlenwert nicht sicher genug",
          "no information, numerical value not reliable enough"),
    "()": ("Aussagewert eingeschränkt, da der Zahlenwert statistisch relativ unsicher ist",
           "limited informative value, numerical value statistically uncertain"),
}
# as written in files -> as shown; "-" is a dash in print, "..." an ellipsis
_WRITTEN = {"-": "–", "–": "–", "—": "–", ".": ".", "x": "x", "X": "x", "...": "…", "…": "…", "/": "/"}
UNKNOWN = frozenset({".", "x", "…", "/"})  # a sum over one of these is incomplete; "–" is zero
_BRACKETED = re.compile(r"^\((.+)\)$")


def symbol(text: str) -> str | None:
    """The special value *text* stands for ('–', '.', 'x', '…', '/'), or None."""
    return _WRITTEN.get(text.strip())


def bracketed(text: str, decimal: str) -> Number | None:
    """'(12,5)': a number of limited informative value; None if *text* is not one."""
    match = _BRACKETED.match(text.strip())
    return parse_number(match.group(1), decimal) if match else None


def legend(used: list[str], lang: str) -> str:
    """'Zeichenerklärung: – nichts vorhanden; . Zahlenwert unbekannt …' for the symbols *used*."""
    english = not lang.lower().startswith("de")
    parts = [f"{s} = {EXPLAINED[s][1 if english else 0]}" for s in EXPLAINED if s in used]
    return ("Explanation of symbols: " if english else "Zeichenerklärung: ") + "; ".join(parts)
