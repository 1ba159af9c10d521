"""The append-only revision log and its hash chain.

Every change to any record appends one revision whose hash is
sha256(prev_hash + canonical JSON of the revision), so editing or deleting a past revision breaks
the chain at that point. Functions take a session and flush; they never commit.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from pledges.models import RevisionRow
from pledges.schema import FieldChange, Revision
from pledges.vocab import Action, Entity

Changes = dict[str, dict[str, Any]]


def now() -> datetime:
    return datetime.now(UTC)


def canonical(payload: dict[str, Any]) -> str:
    """The one serialisation that is hashed: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def body(row: RevisionRow) -> dict[str, Any]:
    """Everything a revision says, as hashed (its own hash aside)."""
    return {
        "seq": row.seq,
        "at": row.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "author": row.author,
        "action": Action(row.action).value,
        "entity": Entity(row.entity).value,
        "entity_id": row.entity_id,
        "reason": row.reason,
        "changes": row.changes,
        "prev_hash": row.prev_hash,
    }


def chain_hash(prev_hash: str | None, payload: dict[str, Any]) -> str:
    return hashlib.sha256(((prev_hash or "") + canonical(payload)).encode("utf-8")).hexdigest()


def diff(before: dict[str, Any] | None, after: dict[str, Any]) -> Changes:
    """The fields whose values differ, each with its before and after (JSON-ready values)."""
    before = before or {}
    return {
        key: {"before": before.get(key), "after": value}
        for key, value in after.items()
        if before.get(key) != value
    }


def append(
    session: Session,
    *,
    author: str,
    action: Action,
    entity: Entity,
    entity_id: str,
    reason: str,
    changes: Changes,
    at: datetime | None = None,
) -> Revision:
    """Append one revision at the head of the chain."""
    if session.get_bind().dialect.name == "postgresql":
        # Serialise writers on the chain head; released when the transaction ends.
        session.execute(text("SELECT pg_advisory_xact_lock(7412)"))
    head = session.execute(
        select(RevisionRow.seq, RevisionRow.hash).order_by(RevisionRow.seq.desc()).limit(1)
    ).first()
    seq, prev_hash = (head[0] + 1, head[1]) if head else (1, None)
    row = RevisionRow(
        seq=seq,
        at=(at or now()).astimezone(UTC),
        author=author,
        action=action,
        entity=entity,
        entity_id=entity_id,
        reason=reason,
        changes=changes,
        prev_hash=prev_hash,
    )
    row.hash = chain_hash(prev_hash, body(row))
    session.add(row)
    session.flush()
    return to_revision(row)


def to_revision(row: RevisionRow) -> Revision:
    return Revision(
        seq=row.seq,
        at=row.at,
        author=row.author,
        action=row.action,
        entity=row.entity,
        entity_id=row.entity_id,
        reason=row.reason,
        changes={k: FieldChange.model_validate(v) for k, v in row.changes.items()},
        prev_hash=row.prev_hash,
        hash=row.hash,
    )
