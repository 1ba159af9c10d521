"""A pledge's timeline: each change of its status or formality, with the evidence asserting it.

It reads the log's revisions and the evidence through two small protocols, so that a stored row,
a pydantic record or a light record (`records.py`) can each be given as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from pledges.vocab import Entity, Rank, Status

TIMELINE_FIELDS = ("status", "formality")


class Logged(Protocol):
    """A revision as the timeline reads it: a stored row, or the report's light record."""

    @property
    def entity(self) -> Entity: ...
    @property
    def at(self) -> datetime: ...
    @property
    def author(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def changes(self) -> dict[str, dict[str, Any]]: ...


class Asserting(Protocol):
    """A piece of evidence as the timeline reads it: a pydantic record or a light one."""

    @property
    def id(self) -> int: ...
    @property
    def source_id(self) -> str: ...
    @property
    def asserts_status(self) -> Status | None: ...
    @property
    def rank(self) -> Rank: ...


@dataclass(frozen=True)
class Step:
    """One change of a pledge's status or formality, with the evidence that asserts it."""

    at: datetime
    field: str
    before: Any
    after: Any
    author: str
    reason: str
    evidence: tuple[Asserting, ...]


def timeline(rows: Sequence[Logged], evidence: Sequence[Asserting]) -> list[Step]:
    steps = []
    for row in rows:
        if row.entity != Entity.PLEDGE:
            continue
        for name in TIMELINE_FIELDS:
            change = row.changes.get(name)
            if change is None:
                continue
            before, after = change.get("before"), change.get("after")
            asserting = tuple(
                e
                for e in evidence
                if name == "status"
                and e.asserts_status is not None
                and e.asserts_status.value == after
                and e.rank is not Rank.DEPRECATED
            )
            steps.append(Step(row.at, name, before, after, row.author, row.reason, asserting))
    return steps
