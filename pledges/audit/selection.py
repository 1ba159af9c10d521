"""What an audit covers: the whole register, or some pledges (named, or those citing a source)
and the sources they cite.

A selection is plain data (it is sent to the worker processes) that becomes SQL where it is
used: the audit reads only the selected pledges' evidence and sources, whatever the size of the
register. The register checks still see every pledge, and report only about the selected ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import false, or_, select

from pledges.models import EvidenceRow, PledgeRow, SourceRow

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Connection
    from sqlalchemy.orm import InstrumentedAttribute


@dataclass(frozen=True)
class Selection:
    """The pledges named (`pledges`), and/or those citing `source`, with the sources they cite
    (and `source` itself). Both given: the named pledges that cite the source."""

    pledges: tuple[str, ...] = ()
    source: str | None = None

    def pledge_ids(self, column: InstrumentedAttribute[str]) -> ColumnElement[bool]:
        """`column` (a pledge id) is one of the selected pledges."""
        clauses = []
        if self.pledges:
            clauses.append(column.in_(self.pledges))
        if self.source is not None:
            citing = select(EvidenceRow.pledge_id).where(EvidenceRow.source_id == self.source)
            clauses.append(column.in_(citing))
        if not clauses:
            return false()
        return clauses[0] if len(clauses) == 1 else clauses[0] & clauses[1]

    def source_ids(self, column: InstrumentedAttribute[str]) -> ColumnElement[bool]:
        """`column` (a source id) is cited by a selected pledge, or is the source named."""
        cited = select(EvidenceRow.source_id).where(self.pledge_ids(EvidenceRow.pledge_id))
        if self.source is None:
            return column.in_(cited)
        return or_(column.in_(cited), column == self.source)

    def read(self, connection: Connection) -> tuple[list[str], set[str]]:
        """The ids of the sources selected, in order, and of the pledges selected."""
        sources = select(SourceRow.id).where(self.source_ids(SourceRow.id)).order_by(SourceRow.id)
        pledges = select(PledgeRow.id).where(self.pledge_ids(PledgeRow.id))
        return list(connection.scalars(sources)), set(connection.scalars(pledges))
