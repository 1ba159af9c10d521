"""One light record per entity, for the commands that read the register in bulk.

The audit, the report and the export read thousands of rows at a time. They read them here,
with plain selects in id order, into named tuples: cheaper to build than ORM objects or
pydantic models (which stay the contract for input and for the published schema), and read by
name wherever they are used. Each reader takes a connection, so that a caller's reads share
its transaction (one consistent state of the register), and an optional condition on the rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from sqlalchemy import ColumnElement, Connection, select

from pledges.models import ActorRow, EvidenceRow, PledgeActorRow, PledgeRow, RevisionRow, SourceRow
from pledges.recordtypes import ActorRecord as ActorRecord
from pledges.recordtypes import EvidenceRecord as EvidenceRecord
from pledges.recordtypes import LoggedRecord as LoggedRecord
from pledges.recordtypes import PledgeRecord as PledgeRecord
from pledges.recordtypes import SourceRecord as SourceRecord
from pledges.timeline import TIMELINE_FIELDS
from pledges.vocab import Entity

BATCH = 5_000  # rows fetched at a time by the readers that stream (and the export's cells)
TEXTS_AT_ONCE = 500  # sources fetched at a time: each holds an article's whole text


def _columns(row_type: Any, record: Any, leave: tuple[str, ...] = ()) -> Any:
    return [getattr(row_type, name) for name in record._fields if name not in leave]


def actor_links(
    connection: Connection, pledges: ColumnElement[bool] | None = None
) -> dict[str, list[str]]:
    """The actors of each pledge (of those `pledges` selects), in the order it names them."""
    query = select(PledgeActorRow.pledge_id, PledgeActorRow.actor_id).order_by(
        PledgeActorRow.pledge_id, PledgeActorRow.position
    )
    if pledges is not None:
        query = query.where(PledgeActorRow.pledge_id.in_(select(PledgeRow.id).where(pledges)))
    links: dict[str, list[str]] = defaultdict(list)
    for pledge_id, actor_id in connection.execute(query):
        links[pledge_id].append(actor_id)
    return links


def actors(connection: Connection) -> dict[str, ActorRecord]:
    """Every actor, by id, in id order."""
    query = select(*_columns(ActorRow, ActorRecord)).order_by(ActorRow.id)
    return {row.id: ActorRecord._make(row) for row in connection.execute(query)}


def pledges(connection: Connection, where: ColumnElement[bool] | None = None) -> list[PledgeRecord]:
    """Every pledge (or those `where` selects) with its actors, in id order."""
    links = actor_links(connection, where)
    query = select(*_columns(PledgeRow, PledgeRecord, ("actors",))).order_by(PledgeRow.id)
    if where is not None:
        query = query.where(where)
    return [
        PledgeRecord._make((*row, tuple(links.get(row.id, ()))))
        for row in connection.execute(query)
    ]


def evidence(
    connection: Connection, where: ColumnElement[bool] | None = None, *, by_source: bool = False
) -> Iterator[EvidenceRecord]:
    """Every piece of evidence (or those `where` selects), in id order, or by source and then
    id (`by_source`)."""
    query = select(*_columns(EvidenceRow, EvidenceRecord))
    if where is not None:
        query = query.where(where)
    order = (EvidenceRow.source_id, EvidenceRow.id) if by_source else (EvidenceRow.id,)
    return map(EvidenceRecord._make, connection.execute(query.order_by(*order)))


def sources(
    connection: Connection, where: ColumnElement[bool] | None = None
) -> Iterator[SourceRecord]:
    """Every source (or those `where` selects) with its text, in id order, read a batch at a
    time: a register's texts are the largest part of it."""
    query = select(*_columns(SourceRow, SourceRecord)).order_by(SourceRow.id)
    if where is not None:
        query = query.where(where)
    return map(
        SourceRecord._make,
        connection.execute(query, execution_options={"yield_per": TEXTS_AT_ONCE}),
    )


def logged(connection: Connection) -> dict[str, list[LoggedRecord]]:
    """The status and formality changes of every pledge, by pledge, in log order. Only those
    two fields of each revision's changes are read, as JSON paths: the rest is not drawn."""
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
    found: dict[str, list[LoggedRecord]] = defaultdict(list)
    for entity_id, at, author, reason, *values in connection.execute(query):
        changes = {
            name: {"before": values[2 * i], "after": values[2 * i + 1]}
            for i, name in enumerate(TIMELINE_FIELDS)
            if values[2 * i + 1] is not None  # a field a revision sets is never set to nothing
        }
        found[entity_id].append(LoggedRecord(Entity.PLEDGE, entity_id, at, author, reason, changes))
    return dict(found)
