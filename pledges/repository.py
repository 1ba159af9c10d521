"""Reading and writing records through the ORM rows of models.py.

Every function takes a session and may flush, never commit; what goes in and comes out are the
pydantic shapes of schema.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from pledges.errors import Conflict
from pledges.models import (
    ActorRow,
    Base,
    EvidenceRow,
    PledgeActorRow,
    PledgeRow,
    SourceRow,
)
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
from pledges.vocab import MAX_ID, Formality, PledgeKind, Status

# --- conversions --------------------------------------------------------------------------------

R = TypeVar("R", bound=BaseModel)
K = TypeVar("K", str, int)
NAMED_AT_ONCE = 500  # ids in one query's IN (...): within any database's limit on parameters


def _chunks(ids: Iterable[K]) -> Iterator[list[K]]:
    """The distinct ids, sorted, a query's worth at a time."""
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), NAMED_AT_ONCE):
        yield wanted[start : start + NAMED_AT_ONCE]


def row_fields(model: type[BaseModel], row: Base) -> dict[str, Any]:
    """Every field of `model` read from the row's column of the same name, except those that are
    not a plain column: an actor's aliases, a pledge's gases and a source's fields from its
    document's metadata (stored as JSON lists), and a pledge's actors (rows of their own). The
    records of log verify (pledges.stored_records) are read with it too."""
    derived: dict[str, Any] = {}
    if isinstance(row, ActorRow):
        derived = {"aliases": tuple(row.aliases)}
    elif isinstance(row, SourceRow):
        derived = {"from_metadata": tuple(row.from_metadata) if row.from_metadata else None}
    elif isinstance(row, PledgeRow):
        actors = tuple(link.actor_id for link in row.actor_links)
        derived = {"actors": actors, "gases": tuple(row.gases)}
    fields = {name: getattr(row, name) for name in model.model_fields if name not in derived}
    return {**fields, **derived}


def _record(model: type[R], row: Base) -> R:
    """The pydantic record for an ORM row."""
    return model.model_validate(row_fields(model, row))


def _added(session: Session, row: Base, model: type[R]) -> R:
    """A new row, flushed (so the database has checked it and given it its id), as its record."""
    session.add(row)
    session.flush()
    return _record(model, row)


def pledge_columns(pledge: PledgeIn) -> dict[str, Any]:
    """A pledge's fields as its row holds them (its actors are rows of their own), also for
    transfer/bulk.py; fields beyond PledgeIn's (the version an exported row was read with) are
    not stored as given."""
    fields = pledge.model_dump(include=set(PledgeIn.model_fields) - {"actors"})
    return {**fields, "gases": list(pledge.gases)}


def source_columns(source: SourceIn) -> dict[str, Any]:
    """A source's fields as its row holds them, also for transfer/bulk.py: the fields taken from
    its document's metadata as a JSON list, or NULL when none was."""
    taken = source.from_metadata
    return {**source.model_dump(), "from_metadata": list(taken) if taken else None}


def _links(actors: Sequence[str]) -> list[PledgeActorRow]:
    return [PledgeActorRow(actor_id=actor, position=index) for index, actor in enumerate(actors)]


# --- actors -------------------------------------------------------------------------------------


def add_actor(session: Session, actor: ActorIn) -> Actor:
    row = ActorRow(id=actor.id, name=actor.name, kind=actor.kind, aliases=list(actor.aliases))
    return _added(session, row, Actor)


def get_actor(session: Session, actor_id: str) -> Actor | None:
    row = session.get(ActorRow, actor_id)
    return None if row is None else _record(Actor, row)


def update_actor(session: Session, actor: ActorIn) -> Actor:
    """Write new values over an actor's fields (its id is the same)."""
    row = session.get_one(ActorRow, actor.id)
    row.name, row.kind, row.aliases = actor.name, actor.kind, list(actor.aliases)
    session.flush()
    return _record(Actor, row)


def list_actors(session: Session, ids: Sequence[str] | None = None) -> list[Actor]:
    query = select(ActorRow).order_by(ActorRow.id)
    if ids is not None:
        query = query.where(ActorRow.id.in_(ids))
    return [_record(Actor, row) for row in session.scalars(query)]


# --- sources ------------------------------------------------------------------------------------


def add_source(session: Session, source: SourceIn) -> Source:
    row = SourceRow(**source_columns(source), sha256=text_sha256(source.text))
    return _added(session, row, Source)


def get_source(session: Session, source_id: str) -> Source | None:
    row = session.get(SourceRow, source_id)
    return None if row is None else _record(Source, row)


def update_source(session: Session, source: SourceIn) -> Source:
    """Write new metadata over a source; its text and sha256 are never written again."""
    row = session.get_one(SourceRow, source.id)
    for name, value in source_columns(source).items():
        if name not in ("id", "text") and getattr(row, name) != value:
            setattr(row, name, value)
    session.flush()
    return _record(Source, row)


def sources_superseding(session: Session, source_id: str) -> list[str]:
    """The ids of the sources that name `source_id` as the one they replace."""
    query = select(SourceRow.id).where(SourceRow.supersedes == source_id).order_by(SourceRow.id)
    return list(session.scalars(query))


def get_sources(session: Session, ids: Iterable[str]) -> dict[str, Source]:
    found: dict[str, Source] = {}
    for named in _chunks(ids):
        rows = session.scalars(select(SourceRow).where(SourceRow.id.in_(named)))
        found.update((row.id, _record(Source, row)) for row in rows)
    return found


def source_ids(session: Session) -> list[str]:
    return list(session.scalars(select(SourceRow.id).order_by(SourceRow.id)))


def source_texts_of(session: Session, ids: Iterable[str]) -> dict[str, str]:
    """The text of each source named, by id: plain strings, not records."""
    texts: dict[str, str] = {}
    for named in _chunks(ids):
        query = select(SourceRow.id, SourceRow.text).where(SourceRow.id.in_(named))
        texts.update((i, t) for i, t in session.execute(query))
    return texts


TEXTS_AT_ONCE = 50  # source texts fetched at a time when every one is read


def source_texts(session: Session) -> Iterator[tuple[str, str, str]]:
    """(id, text, recorded sha256) of every source, in id order, streamed: a few texts in memory
    at a time (on PostgreSQL through a server-side cursor)."""
    query = select(SourceRow.id, SourceRow.text, SourceRow.sha256).order_by(SourceRow.id)
    rows = session.execute(query.execution_options(yield_per=TEXTS_AT_ONCE))
    return ((i, t, s) for i, t, s in rows)


# --- pledges ------------------------------------------------------------------------------------


def add_pledge(session: Session, pledge: PledgeIn, at: datetime) -> Pledge:
    row = PledgeRow(**pledge_columns(pledge), created_at=at, updated_at=at)
    row.actor_links = _links(pledge.actors)
    return _added(session, row, Pledge)


def get_pledge(session: Session, pledge_id: str) -> Pledge | None:
    row = session.get(PledgeRow, pledge_id, options=[selectinload(PledgeRow.actor_links)])
    return None if row is None else _record(Pledge, row)


def get_pledges(session: Session, ids: Iterable[str]) -> dict[str, Pledge]:
    found: dict[str, Pledge] = {}
    for named in _chunks(ids):
        query = select(PledgeRow).options(selectinload(PledgeRow.actor_links))
        rows = session.scalars(query.where(PledgeRow.id.in_(named)))
        found.update((row.id, _record(Pledge, row)) for row in rows)
    return found


def pledge_ids(session: Session) -> list[str]:
    return list(session.scalars(select(PledgeRow.id).order_by(PledgeRow.id)))


def list_pledges(
    session: Session,
    *,
    actor: str | None = None,
    status: Status | None = None,
    kind: PledgeKind | None = None,
    formality: Formality | None = None,
    limit: int | None = None,
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
    if limit is not None:
        query = query.limit(limit)
    return [_record(Pledge, row) for row in session.scalars(query)]


# --- evidence -----------------------------------------------------------------------------------


def add_evidence(
    session: Session, evidence: EvidenceIn, at: datetime, *, located: bool = True
) -> Evidence:
    """Store a quote; `verified_on` records the day it was found in its source, if it was."""
    verified = at.date() if located else None
    row = EvidenceRow(**evidence.model_dump(), created_at=at, verified_on=verified)
    return _added(session, row, Evidence)


def highest_evidence_id(session: Session) -> int:
    return session.scalar(select(func.max(EvidenceRow.id))) or 0


def evidence_citing(session: Session, source_id: str) -> list[Evidence]:
    query = select(EvidenceRow).where(EvidenceRow.source_id == source_id).order_by(EvidenceRow.id)
    return [_record(Evidence, row) for row in session.scalars(query)]


def evidence_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(EvidenceRow)) or 0


def quote_counts(session: Session) -> dict[str, int]:
    query = select(EvidenceRow.source_id, func.count()).group_by(EvidenceRow.source_id)
    return {source_id: count for source_id, count in session.execute(query)}


def evidence_for(session: Session, pledge_id: str) -> list[Evidence]:
    query = select(EvidenceRow).where(EvidenceRow.pledge_id == pledge_id).order_by(EvidenceRow.id)
    return [_record(Evidence, row) for row in session.scalars(query)]


def is_empty(session: Session) -> bool:
    tables = (ActorRow, SourceRow, PledgeRow)
    return not any(session.scalar(select(exists().select_from(t))) for t in tables)


def get_evidence(session: Session, evidence_id: int) -> Evidence | None:
    if not 1 <= evidence_id <= MAX_ID:  # no such row can exist; the database would overflow
        return None
    row = session.get(EvidenceRow, evidence_id)
    return None if row is None else _record(Evidence, row)


def evidence_by_id(session: Session, ids: Iterable[int]) -> dict[int, Evidence]:
    found: dict[int, Evidence] = {}
    for named in _chunks(i for i in ids if 1 <= i <= MAX_ID):
        rows = session.scalars(select(EvidenceRow).where(EvidenceRow.id.in_(named)))
        found.update((row.id, _record(Evidence, row)) for row in rows)
    return found


def evidence_of_pledges(session: Session, pledge_ids: Iterable[str]) -> list[Evidence]:
    """The evidence of the pledges named, in id order."""
    found: list[Evidence] = []
    for named in _chunks(pledge_ids):
        rows = session.scalars(select(EvidenceRow).where(EvidenceRow.pledge_id.in_(named)))
        found.extend(_record(Evidence, row) for row in rows)
    return sorted(found, key=lambda e: e.id)


def all_evidence(session: Session) -> list[Evidence]:
    query = select(EvidenceRow).order_by(EvidenceRow.id)
    return [_record(Evidence, row) for row in session.scalars(query)]


def change_evidence(session: Session, evidence_id: int, **columns: Any) -> Evidence:
    """Set some of the columns of a piece of evidence (its rank, the day it was verified)."""
    row = session.get_one(EvidenceRow, evidence_id)
    for name, value in columns.items():
        setattr(row, name, value)
    session.flush()
    return _record(Evidence, row)


# --- changing pledges ---------------------------------------------------------------------------


def update_pledge(
    session: Session, pledge: PledgeIn, *, expected_version: int, at: datetime
) -> Pledge:
    """Write new values over a pledge, provided it is still at `expected_version`."""
    row = session.get_one(PledgeRow, pledge.id, options=[selectinload(PledgeRow.actor_links)])
    if row.version != expected_version:
        raise stale(pledge.id, expected_version, row.version)
    for name, value in pledge_columns(pledge).items():
        if getattr(row, name) != value:  # (its id is the same)
            setattr(row, name, value)
    # Every column is set before the first flush, so the row is updated (and its version bumped)
    # exactly once, even when the actors change too.
    row.updated_at = at
    try:
        if tuple(link.actor_id for link in row.actor_links) != pledge.actors:
            row.actor_links.clear()
            session.flush()  # the old links go before new ones with the same keys arrive
            row.actor_links.extend(_links(pledge.actors))
        session.flush()  # UPDATE ... WHERE version = expected: SQLAlchemy's version counter
    except StaleDataError:
        raise stale(pledge.id, expected_version, None) from None
    return _record(Pledge, row)


def stale(pledge_id: str, expected: int, now: int | None) -> Conflict:
    """The refusal of a change made against version `expected` of a pledge now at `now` (None:
    unknown, another writer got there first): an older version, or one not reached yet."""
    if now is not None and expected > now:
        return Conflict(
            f"pledge {pledge_id} is at version {now}: version {expected} does not exist yet; "
            "nothing was written",
            f"give the version 'pledges show {pledge_id}' shows (--expect-version {now}, or the "
            "version column of an export)",
        )
    found = "" if now is None else f", it is now at version {now}"
    return Conflict(
        f"pledge {pledge_id} was changed by someone else since you read it "
        f"(you had version {expected}{found}); nothing was written",
        f"run 'pledges show {pledge_id}' to see the latest version, then make your change again",
    )
