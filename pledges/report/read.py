"""Reading the register for the report: every table in bulk, with plain selects.

A register of 10,000 pledges is read in a handful of queries inside one read transaction (a
consistent snapshot), never pledge by pledge, and into small slotted records rather than ORM
objects or pydantic models, which would cost more to build than the whole page costs to render.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from pledges.history import TIMELINE_FIELDS
from pledges.models import (
    ActorRow,
    EvidenceRow,
    PledgeActorRow,
    PledgeRow,
    RevisionRow,
    SourceRow,
)
from pledges.vocab import Confidence, Entity, Formality, PledgeKind, Rank, Stance, Status


@dataclass(frozen=True, slots=True)
class ActorItem:
    id: str
    name: str
    kind: str


@dataclass(frozen=True, slots=True)
class SourceItem:
    id: str
    title: str
    publisher: str | None
    kind: str
    url: str | None
    published_on: date | None
    date_inferred: bool
    date_note: str | None
    retrieved_on: date | None
    language: str
    notes: str | None
    text: str
    sha256: str


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    id: int
    pledge_id: str
    source_id: str
    quote: str
    stance: Stance
    asserts_status: Status | None
    rank: Rank
    deprecated_reason: str | None
    note: str | None


@dataclass(slots=True)
class PledgeItem:
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
    actors: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Logged:
    """A revision of a pledge, with only the fields the timeline reads: `changes` holds the
    status and formality changes alone (history.timeline reads nothing else of them)."""

    entity: Entity
    entity_id: str
    at: datetime
    author: str
    reason: str
    changes: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class Head:
    """The last revision of the log: what the register was when the report was built."""

    seq: int
    hash: str
    at: datetime


@dataclass
class Register:
    actors: dict[str, ActorItem]
    sources: dict[str, SourceItem]  # in id order
    pledges: list[PledgeItem]  # in id order
    evidence: dict[str, list[EvidenceItem]]  # by pledge, in evidence id order
    citing: dict[str, list[EvidenceItem]]  # by source, in evidence id order
    logged: dict[str, list[Logged]]  # by pledge, in log order
    head: Head | None

    @property
    def quotes(self) -> int:
        return sum(len(items) for items in self.evidence.values())


_PLEDGE_FIELDS = [name for name in PledgeItem.__dataclass_fields__ if name != "actors"]
_SOURCE_FIELDS = list(SourceItem.__dataclass_fields__)
_EVIDENCE_FIELDS = list(EvidenceItem.__dataclass_fields__)


def read(session: Session) -> Register:
    """The whole register, in a few queries (on the session's connection: these are plain
    selects, which the ORM layer would only slow down)."""
    connection = session.connection()
    actors = {
        row.id: ActorItem(row.id, row.name, str(row.kind))
        for row in connection.execute(select(ActorRow.id, ActorRow.name, ActorRow.kind))
    }
    sources = {
        row[0]: SourceItem(*row)
        for row in connection.execute(
            select(*[getattr(SourceRow, n) for n in _SOURCE_FIELDS]).order_by(SourceRow.id)
        )
    }
    pledges = [
        PledgeItem(*row)
        for row in connection.execute(
            select(*[getattr(PledgeRow, n) for n in _PLEDGE_FIELDS]).order_by(PledgeRow.id)
        )
    ]
    by_id = {p.id: p for p in pledges}
    links = select(PledgeActorRow.pledge_id, PledgeActorRow.actor_id).order_by(
        PledgeActorRow.pledge_id, PledgeActorRow.position
    )
    for pledge_id, actor_id in connection.execute(links):
        by_id[pledge_id].actors.append(actor_id)
    evidence: dict[str, list[EvidenceItem]] = defaultdict(list)
    citing: dict[str, list[EvidenceItem]] = defaultdict(list)
    query = select(*[getattr(EvidenceRow, n) for n in _EVIDENCE_FIELDS]).order_by(EvidenceRow.id)
    for row in connection.execute(query):
        item = EvidenceItem(*row)
        evidence[item.pledge_id].append(item)
        citing[item.source_id].append(item)
    return Register(
        actors,
        sources,
        pledges,
        dict(evidence),
        dict(citing),
        _logged(connection),
        _head(connection),
    )


def _logged(connection: Connection) -> dict[str, list[Logged]]:
    """The status and formality changes of every pledge, by pledge. Only those two fields of
    each revision's changes are read, as JSON paths: the rest is not drawn."""
    paths = [
        RevisionRow.changes[(name, side)].as_string()
        for name in TIMELINE_FIELDS
        for side in ("before", "after")
    ]
    query = (
        select(RevisionRow.entity_id, RevisionRow.at, RevisionRow.author, RevisionRow.reason)
        .add_columns(*paths)
        .where(RevisionRow.entity == Entity.PLEDGE)
        .order_by(RevisionRow.seq)
    )
    logged: dict[str, list[Logged]] = defaultdict(list)
    for entity_id, at, author, reason, *values in connection.execute(query):
        changes = {
            name: {"before": values[2 * i], "after": values[2 * i + 1]}
            for i, name in enumerate(TIMELINE_FIELDS)
            if values[2 * i + 1] is not None  # a field a revision sets is never set to nothing
        }
        logged[entity_id].append(Logged(Entity.PLEDGE, entity_id, at, author, reason, changes))
    return dict(logged)


def _head(connection: Connection) -> Head | None:
    query = select(RevisionRow.seq, RevisionRow.hash, RevisionRow.at)
    row = connection.execute(query.order_by(RevisionRow.seq.desc()).limit(1)).first()
    return None if row is None else Head(row.seq, row.hash, row.at)
