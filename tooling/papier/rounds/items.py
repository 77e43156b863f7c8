"""Round items as types: a small view over one record of comments.yaml (the record stays
the plain mapping that is stored; the view reads and writes it with names and enums)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    COMMENT = "comment"
    INSERTION = "insertion"
    DELETION = "deletion"
    REPLACEMENT = "replacement"
    MOVE = "move"
    SPLIT = "split"  # a paragraph break inserted
    JOIN = "join"  # a paragraph break removed


class Decision(StrEnum):
    OPEN = "offen"
    ACCEPTED = "übernommen"
    PARTLY = "teilweise"
    REJECTED = "abgelehnt"
    NOTED = "zur-kenntnis"


SUGGESTIONS = frozenset(Kind) - {Kind.COMMENT}
APPLICABLE = frozenset({Kind.INSERTION, Kind.DELETION, Kind.REPLACEMENT, Kind.SPLIT, Kind.JOIN})


class Anchor:
    """Where an item sits: the Markdown file and line of its block, and the change's context."""

    def __init__(self, record: dict[str, Any]) -> None:
        self.record = record

    def _str(self, key: str) -> str:
        value = self.record.get(key)
        return "" if value is None else str(value)

    @property
    def file(self) -> str:
        return self._str("file")

    @property
    def line(self) -> int:
        return int(self.record.get("line") or 0)

    @property
    def block(self) -> str:
        return self._str("block")

    @property
    def section(self) -> str:
        return self._str("section")

    @property
    def before(self) -> str:
        return self._str("before")

    @property
    def after(self) -> str:
        return self._str("after")

    @property
    def method(self) -> str:
        return self._str("method")

    @property
    def whole_paragraph(self) -> bool:
        return bool(self.record.get("paragraph"))

    @property
    def offset(self) -> int:
        return int(self.record.get("offset") or 0)

    @property
    def placed(self) -> bool:
        return bool(self.file)


class Item:
    """One comment or suggestion of a round."""

    def __init__(self, record: dict[str, Any]) -> None:
        self.record = record

    @property
    def id(self) -> str:
        return str(self.record.get("id", ""))

    @property
    def kind(self) -> Kind:
        return Kind(str(self.record.get("kind")))

    @property
    def decision(self) -> Decision:
        return Decision(str(self.record.get("decision", Decision.OPEN.value)))

    @decision.setter
    def decision(self, value: Decision) -> None:
        self.record["decision"] = value.value

    @property
    def text(self) -> str:
        return str(self.record.get("text") or "")

    @property
    def deleted(self) -> str:
        return str(self.record.get("deleted") or "")

    @property
    def nested(self) -> str:
        return str(self.record.get("nested") or "")

    @property
    def anchor(self) -> Anchor:
        value = self.record.get("anchor")
        return Anchor(value if isinstance(value, dict) else {})

    @property
    def applied(self) -> str:
        return str(self.record.get("applied") or "")

    @property
    def waiting(self) -> bool:
        """Accepted, a suggestion, and not yet written into the text."""
        return self.decision is Decision.ACCEPTED and self.kind in SUGGESTIONS and not self.applied

    def position(self) -> tuple[int, str, int, int, str]:
        """Order of the text: placed items by file, line and place in the block; others last."""
        anchor = self.anchor
        return (0 if anchor.file else 1, anchor.file, anchor.line, anchor.offset, self.id)


def items_of(records: Any) -> list[Item]:
    return [Item(r) for r in records]
