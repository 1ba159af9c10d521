"""Reading and writing records: the only module that handles ORM rows.

Every function takes a session and may flush, never commit; what goes in and comes out are the
pydantic shapes of schema.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, selectinload

from pledges.models import ActorRow, Base, EvidenceRow, PledgeActorRow, PledgeRow, SourceRow
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

R = TypeVar("R", bound=BaseModel)


def _record(model: type[R], row: Base, **derived: Any) -> R:
    """The pydantic record for an ORM row: every field read from the column of the same name,
    except those given (fields that are not a plain column, such as a pledge's actors)."""
    fields = {name: getattr(row, name) for name in model.model_fields if name not in derived}
    return model.model_validate({**fields, **derived})


def _actor(row: ActorRow) -> Actor:
    return _record(Actor, row, aliases=tuple(row.aliases))


def _source(row: SourceRow) -> Source:
    return _record(Source, row)


def _pledge(row: PledgeRow) -> Pledge:
    actors = tuple(link.actor_id for link in row.actor_links)
    return _record(Pledge, row, actors=actors, gases=tuple(row.gases))


def _evidence(row: EvidenceRow) -> Evidence:
    return _record(Evidence, row)


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
