"""Reading the revision log's rows: the log, one record's revisions, one revision by its seq, and
the revisions since one.

The functions give the ORM rows of models.py (or, `revisions_of`, the query of them) and never
flush; pledges.history appends revisions and turns a row into the `Revision` of schema.py.
"""

from __future__ import annotations

from sqlalchemy import Select, String, func, or_, select
from sqlalchemy.orm import Session

from pledges.models import EvidenceRow, RevisionRow
from pledges.vocab import MAX_ID, Entity


def revisions_of(entity: Entity | None = None, key: str = "") -> Select[RevisionRow]:
    """The query of the log (unordered); of one record: its own revisions, and for a pledge or
    a source those of the evidence that cites it too."""
    query = select(RevisionRow)
    if entity is None:
        return query
    own = (RevisionRow.entity == entity) & (RevisionRow.entity_id == key)
    if entity not in (Entity.PLEDGE, Entity.SOURCE):
        return query.where(own)
    column = EvidenceRow.pledge_id if entity is Entity.PLEDGE else EvidenceRow.source_id
    evidence = select(func.cast(EvidenceRow.id, String)).where(column == key)
    cited = (RevisionRow.entity == Entity.EVIDENCE) & RevisionRow.entity_id.in_(evidence)
    return query.where(or_(own, cited))


def revisions(session: Session, pledge_id: str) -> list[RevisionRow]:
    """A pledge's revisions and those of its evidence, in order."""
    query = revisions_of(Entity.PLEDGE, pledge_id).order_by(RevisionRow.seq)
    return list(session.scalars(query))


def revision(session: Session, seq: int) -> RevisionRow | None:
    return session.get(RevisionRow, seq) if 1 <= seq <= MAX_ID else None


def revisions_since(
    session: Session, seq: int, entity: Entity, entity_id: str
) -> list[RevisionRow]:
    """The revisions of one record after revision `seq`, in order."""
    query = (
        select(RevisionRow)
        .where(RevisionRow.seq > seq, RevisionRow.entity == entity)
        .where(RevisionRow.entity_id == entity_id)
        .order_by(RevisionRow.seq)
    )
    return list(session.scalars(query))
