"""The register as the report draws it, read in bulk through pledges.records: a handful of
queries in one read transaction (a consistent snapshot), never pledge by pledge, into light
records rather than ORM objects or pydantic models, which would cost more to build than the
pages cost to draw.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.orm import Session

from pledges import history, records
from pledges.records import ActorRecord, EvidenceRecord, LoggedRecord, PledgeRecord, SourceRecord


@dataclass
class Register:
    actors: dict[str, ActorRecord]
    sources: dict[str, SourceRecord]  # in id order
    pledges: list[PledgeRecord]  # in id order
    evidence: dict[str, list[EvidenceRecord]]  # by pledge, in evidence id order
    citing: dict[str, list[EvidenceRecord]]  # by source, in evidence id order
    logged: dict[str, list[LoggedRecord]]  # by pledge, in log order
    head: tuple[int, str | None]  # the log's last revision (seq, hash): (0, None) when empty


def read(session: Session) -> Register:
    """The whole register, in the session's transaction."""
    connection = session.connection()
    evidence: dict[str, list[EvidenceRecord]] = defaultdict(list)
    citing: dict[str, list[EvidenceRecord]] = defaultdict(list)
    for item in records.evidence(connection):
        evidence[item.pledge_id].append(item)
        citing[item.source_id].append(item)
    return Register(
        actors=records.actors(connection),
        pledges=records.pledges(connection),
        evidence=dict(evidence),
        citing=dict(citing),
        logged=records.logged(connection),
        head=history.head(session),
        sources={s.id: s for s in records.sources(connection)},
    )
