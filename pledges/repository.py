"""Reading and writing records: the only module that handles ORM rows.

Every function takes a session and may flush, never commit; what goes in and comes out are the
pydantic shapes of schema.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, selectinload

from pledges.models import ActorRow, EvidenceRow, PledgeActorRow, PledgeRow, SourceRow
from pledges.schema import (
    Actor,
    ActorIn,
    Evidence,
    EvidenceIn,
    Pledge,
    PledgeIn,
    Source,
    SourceIn,
    text_sha256,
)
from pledges.vocab import Formality, PledgeKind, Status

# --- conversions --------------------------------------------------------------------------------


def _actor(row: ActorRow) -> Actor:
    return Actor(id=row.id, name=row.name, kind=row.kind, aliases=tuple(row.aliases))


def _source(row: SourceRow) -> Source:
    return Source(
        id=row.id,
        title=row.title,
        publisher=row.publisher,
        kind=row.kind,
        url=row.url,
        published_on=row.published_on,
        date_inferred=row.date_inferred,
        date_note=row.date_note,
        retrieved_on=row.retrieved_on,
        language=row.language,
        notes=row.notes,
        text=row.text,
        sha256=row.sha256,
    )


def _pledge(row: PledgeRow) -> Pledge:
    return Pledge(
        id=row.id,
        title=row.title,
        statement=row.statement,
        actors=tuple(link.actor_id for link in row.actor_links),
        kind=row.kind,
        target_year=row.target_year,
        target_value=row.target_value,
        target_unit=row.target_unit,
        baseline_year=row.baseline_year,
        gases=tuple(row.gases),
        formality=row.formality,
        status=row.status,
        confidence=row.confidence,
        announced_on=row.announced_on,
        parent_id=row.parent_id,
        superseded_by=row.superseded_by,
        notes=row.notes,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _evidence(row: EvidenceRow) -> Evidence:
    return Evidence(
        id=row.id,
        pledge_id=row.pledge_id,
        source_id=row.source_id,
        quote=row.quote,
        stance=row.stance,
        asserts_status=row.asserts_status,
        rank=row.rank,
        deprecated_reason=row.deprecated_reason,
        note=row.note,
        created_at=row.created_at,
        verified_on=row.verified_on,
    )


# --- actors -------------------------------------------------------------------------------------


def add_actor(session: Session, actor: ActorIn) -> Actor:
    row = ActorRow(id=actor.id, name=actor.name, kind=actor.kind, aliases=list(actor.aliases))
    session.add(row)
    session.flush()
    return _actor(row)


def get_actor(session: Session, actor_id: str) -> Actor | None:
    row = session.get(ActorRow, actor_id)
    return None if row is None else _actor(row)


def list_actors(session: Session, ids: Sequence[str] | None = None) -> list[Actor]:
    query = select(ActorRow).order_by(ActorRow.id)
    if ids is not None:
        query = query.where(ActorRow.id.in_(ids))
    return [_actor(row) for row in session.scalars(query)]


# --- sources ------------------------------------------------------------------------------------


def add_source(session: Session, source: SourceIn) -> Source:
    row = SourceRow(**source.model_dump(), sha256=text_sha256(source.text))
    session.add(row)
    session.flush()
    return _source(row)


def get_source(session: Session, source_id: str) -> Source | None:
    row = session.get(SourceRow, source_id)
    return None if row is None else _source(row)


def get_sources(session: Session, ids: Sequence[str]) -> dict[str, Source]:
    rows = session.scalars(select(SourceRow).where(SourceRow.id.in_(ids)))
    return {row.id: _source(row) for row in rows}


def source_ids(session: Session) -> list[str]:
    return list(session.scalars(select(SourceRow.id).order_by(SourceRow.id)))


# --- pledges ------------------------------------------------------------------------------------


def add_pledge(session: Session, pledge: PledgeIn, at: datetime) -> Pledge:
    fields = pledge.model_dump(exclude={"actors"})
    fields["gases"] = list(pledge.gases)
    row = PledgeRow(**fields, created_at=at, updated_at=at)
    row.actor_links = [
        PledgeActorRow(actor_id=actor_id, position=index)
        for index, actor_id in enumerate(pledge.actors)
    ]
    session.add(row)
    session.flush()
    return _pledge(row)


def get_pledge(session: Session, pledge_id: str) -> Pledge | None:
    row = session.get(PledgeRow, pledge_id, options=[selectinload(PledgeRow.actor_links)])
    return None if row is None else _pledge(row)


def pledge_ids(session: Session) -> list[str]:
    return list(session.scalars(select(PledgeRow.id).order_by(PledgeRow.id)))


def list_pledges(
    session: Session,
    *,
    actor: str | None = None,
    status: Status | None = None,
    kind: PledgeKind | None = None,
    formality: Formality | None = None,
) -> list[Pledge]:
    query = select(PledgeRow).options(selectinload(PledgeRow.actor_links)).order_by(PledgeRow.id)
    if actor is not None:
        query = query.where(
            exists().where(
                PledgeActorRow.pledge_id == PledgeRow.id, PledgeActorRow.actor_id == actor
            )
        )
    if status is not None:
        query = query.where(PledgeRow.status == status)
    if kind is not None:
        query = query.where(PledgeRow.kind == kind)
    if formality is not None:
        query = query.where(PledgeRow.formality == formality)
    return [_pledge(row) for row in session.scalars(query)]


def evidence_counts(session: Session) -> dict[str, int]:
    query = select(EvidenceRow.pledge_id, func.count()).group_by(EvidenceRow.pledge_id)
    return {pledge_id: count for pledge_id, count in session.execute(query).tuples()}


# --- evidence -----------------------------------------------------------------------------------


def add_evidence(session: Session, evidence: EvidenceIn, at: datetime) -> Evidence:
    row = EvidenceRow(**evidence.model_dump(), created_at=at, verified_on=at.date())
    session.add(row)
    session.flush()
    return _evidence(row)


def evidence_for(session: Session, pledge_id: str) -> list[Evidence]:
    query = select(EvidenceRow).where(EvidenceRow.pledge_id == pledge_id).order_by(EvidenceRow.id)
    return [_evidence(row) for row in session.scalars(query)]


def is_empty(session: Session) -> bool:
    tables = (ActorRow, SourceRow, PledgeRow)
    return not any(session.scalar(select(exists().select_from(t))) for t in tables)
