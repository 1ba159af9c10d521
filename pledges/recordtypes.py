"""The light records the bulk readers give (pledges.records): named tuples, one per entity, read
by name wherever they are used. Apart from the readers so that code that only handles records
(the audit's checks) does not load the database layer.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, NamedTuple

from pledges.vocab import (
    ActorKind,
    Confidence,
    Entity,
    Formality,
    PledgeKind,
    Rank,
    SourceKind,
    Stance,
    Status,
)


class ActorRecord(NamedTuple):
    id: str
    name: str
    kind: ActorKind
    aliases: list[str]


class SourceRecord(NamedTuple):
    id: str
    title: str
    publisher: str | None
    kind: SourceKind
    url: str | None
    published_on: date | None
    date_inferred: bool
    date_note: str | None
    retrieved_on: date | None
    language: str
    notes: str | None
    text: str
    sha256: str


class EvidenceRecord(NamedTuple):
    id: int
    pledge_id: str
    source_id: str
    quote: str
    stance: Stance
    asserts_status: Status | None
    rank: Rank
    deprecated_reason: str | None
    note: str | None
    verified_on: date | None


class PledgeRecord(NamedTuple):
    id: str
    title: str
    statement: str | None
    kind: PledgeKind
    target_year: int | None
    target_value: float | None
    target_unit: str | None
    baseline_year: int | None
    gases: list[str]
    formality: Formality
    status: Status
    confidence: Confidence
    announced_on: date | None
    parent_id: str | None
    superseded_by: str | None
    notes: str | None
    version: int
    actors: tuple[str, ...]  # in the order the pledge names them


class LoggedRecord(NamedTuple):
    """A revision of a pledge, with only what its timeline reads: `changes` holds the status
    and formality changes alone (timeline() reads nothing else of them)."""

    entity: Entity
    entity_id: str
    at: datetime
    author: str
    reason: str
    changes: dict[str, dict[str, Any]]
