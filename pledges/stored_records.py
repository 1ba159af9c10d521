"""The register's records as the revision log describes them, for `log verify` to compare with
what the log says: every record, the records of one entity named by id, how many there are, and
those that no revision names.

Every function takes a session and only reads. A record is given as `log verify` compares it: a
dict of JSON values (a source's text left out), unvalidated, so that a row edited behind the
tool's back is named rather than failing the reading.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Select, String, exists, func, select
from sqlalchemy.orm import Session, selectinload

from pledges.models import (
    ActorRow,
    Base,
    EvidenceRow,
    PledgeActorRow,
    PledgeRow,
    RevisionRow,
    SourceRow,
)
from pledges.repository import row_fields
from pledges.schema import Actor, Evidence, Pledge, Source
from pledges.vocab import Entity

_RECORDS: dict[Entity, tuple[type[Base], type[BaseModel]]] = {
    Entity.ACTOR: (ActorRow, Actor),
    Entity.SOURCE: (SourceRow, Source),
    Entity.PLEDGE: (PledgeRow, Pledge),
    Entity.EVIDENCE: (EvidenceRow, Evidence),
}
_ROW_ID = (-(2**63), 2**63)  # the ids a database's integer column can hold, from .. to (excluded)


def _logged(model: type[BaseModel], row: Base) -> dict[str, Any]:
    """A record as the revision log describes it (JSON values; a source's text left out), as
    `model_dump(mode="json")` gives it of the repository's record, but unvalidated: a row edited
    behind the tool's back may break the schema (a pledge without actors, a blank title), and
    `log verify` must name such a row rather than fail on it."""
    record = model.model_construct(**row_fields(model, row))
    return record.model_dump(mode="json", exclude={"text"}, warnings=False)


def _rows_of(entity: Entity) -> Select[Any]:
    row_type = _RECORDS[entity][0]
    query = select(row_type)
    if entity is Entity.PLEDGE:
        query = query.options(selectinload(PledgeRow.actor_links))
    return query


def all_records(session: Session) -> dict[tuple[Entity, str], dict[str, Any]]:
    """Every record as the revision log describes it (see `_logged`), by entity and id."""
    out: dict[tuple[Entity, str], dict[str, Any]] = {}
    for entity in _RECORDS:
        model = _RECORDS[entity][1]
        for row in session.scalars(_rows_of(entity)):
            out[(entity, str(row.id))] = _logged(model, row)
    return out


def records_of(session: Session, entity: Entity, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The records of one entity named by `ids` (ids as the log writes them: text), by id, as
    `all_records` gives them; an id that names no record is left out. Name at most
    repository.NAMED_AT_ONCE ids, each of a record whose values can all be read.

    Read as plain rows rather than ORM objects, which cost more than the reading itself when
    `log verify` reads every record: the same columns, converted by the same column types; a
    pledge's actors by the query that `selectinload` makes of its links, in the same order."""
    row_type, model = _RECORDS[entity]
    table = Base.metadata.tables[row_type.__tablename__]
    key = table.primary_key.columns.values()[0]
    wanted: Sequence[str | int] = ids
    if entity is Entity.EVIDENCE:  # an integer id: only the text of a number can name one
        numbers = [int(i) for i in ids if _integer_text(i)]
        wanted = [n for n in numbers if _ROW_ID[0] <= n < _ROW_ID[1]]
    # Every field that is a column, but a source's text: `_logged` leaves it out.
    columns = [table.c[name] for name in model.model_fields if name in table.c and name != "text"]
    rows = session.execute(select(*columns).where(key.in_(wanted))).mappings().all()
    actors = _actors_of(session, [row["id"] for row in rows]) if entity is Entity.PLEDGE else {}
    out = {}
    for row in rows:
        fields = dict(row)
        if entity is Entity.ACTOR:
            fields["aliases"] = tuple(fields["aliases"])
        elif entity is Entity.SOURCE:
            taken = fields["from_metadata"]
            fields["from_metadata"] = tuple(taken) if taken else None
        elif entity is Entity.PLEDGE:
            fields["actors"] = tuple(actors.get(fields["id"], ()))
            fields["gases"] = tuple(fields["gases"])
        record = model.model_construct(**fields)
        out[str(fields["id"])] = record.model_dump(mode="json", exclude={"text"}, warnings=False)
    return out


def _actors_of(session: Session, pledge_ids: Sequence[str]) -> dict[str, list[str]]:
    """The actors of each pledge named, in the order of their positions."""
    links = PledgeActorRow
    query = (
        select(links.pledge_id, links.actor_id, links.position)
        .where(links.pledge_id.in_(pledge_ids))
        .order_by(links.position)
    )
    found: dict[str, list[str]] = {}
    for pledge_id, actor_id, _ in session.execute(query):
        found.setdefault(pledge_id, []).append(actor_id)
    return found


def _integer_text(text: str) -> bool:
    """Whether `text` is an integer as str() writes one: what an integer id is in the log."""
    try:
        return str(int(text)) == text
    except ValueError:
        return False


def record_count(session: Session, entity: Entity) -> int:
    """How many records of one entity the session's ORM reads see (`integrity.leaving_out`
    narrows them)."""
    return session.scalar(select(func.count()).select_from(_RECORDS[entity][0])) or 0


def records_without_revision(session: Session, entity: Entity) -> list[str]:
    """The ids of the records of one entity that no revision names, in no particular order."""
    row_type = _RECORDS[entity][0]
    key = Base.metadata.tables[row_type.__tablename__].primary_key.columns.values()[0]
    named = key if entity is not Entity.EVIDENCE else func.cast(key, String)
    logged = (RevisionRow.entity == entity) & (RevisionRow.entity_id == named)
    query = select(key).where(~exists().where(logged))
    return [str(i) for i in session.scalars(query)]
