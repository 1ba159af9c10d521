"""The append-only revision log and its hash chain.

Every change to any record appends one revision whose hash is
sha256(prev_hash + canonical JSON of the revision), so editing or deleting a past revision breaks
the chain at that point. Functions take a session and flush; they never commit.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from json.encoder import encode_basestring  # a string as `canonical` writes it
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pledges.models import RevisionRow
from pledges.schema import Revision
from pledges.vocab import Action, Entity

Changes = dict[str, dict[str, Any]]
Record = tuple[Entity, str]  # a record as the log names it: its entity and its id


def now() -> datetime:
    return datetime.now(UTC)


def canonical(payload: dict[str, Any]) -> str:
    """The one serialisation that is hashed: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


HASHED = ("seq", "at", "author", "action", "entity", "entity_id", "reason", "changes",
           "prev_hash")  # fmt: skip


def body(row: RevisionRow) -> dict[str, Any]:
    """Everything a revision says, as hashed (its own hash aside)."""
    return payload(**{name: getattr(row, name) for name in HASHED})


def payload(
    *, seq: int, at: datetime, author: str, action: Action | str, entity: Entity | str,
    entity_id: str, reason: str, changes: Changes, prev_hash: str | None,
) -> dict[str, Any]:  # fmt: skip
    """What is hashed of a revision, from its fields (`body` gives it of a stored row)."""
    return {
        "seq": seq,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "author": author,
        "action": Action(action).value,
        "entity": Entity(entity).value,
        "entity_id": entity_id,
        "reason": reason,
        "changes": changes,
        "prev_hash": prev_hash,
    }


def chain_hash(prev_hash: str | None, payload: dict[str, Any]) -> str:
    return hashlib.sha256(((prev_hash or "") + canonical(payload)).encode("utf-8")).hexdigest()


class Links:
    """Hashes of revisions that share their time, author, action and reason (an import's): the
    hash `chain_hash` gives, for changes given as their canonical JSON (serialised once, for the
    hash and the stored column alike). The text hashed is the canonical JSON of the payload: its
    keys sort as action, at, author, changes, entity, entity_id, prev_hash, reason, seq, so the
    parts before the changes are the same for every revision and are made once."""

    def __init__(self, *, at: datetime, author: str, action: Action, reason: str) -> None:
        fixed = payload(
            seq=0, at=at, author=author, action=action, entity=Entity.ACTOR, entity_id="",
            reason=reason, changes={}, prev_hash=None,
        )  # fmt: skip
        self._head = canonical({k: v for k, v in fixed.items() if k < "changes"})[:-1]
        self._reason = encode_basestring(reason)

    def hash(
        self, prev_hash: str | None, seq: int, entity: Entity, entity_id: str, changes: str
    ) -> str:
        previous = "null" if prev_hash is None else encode_basestring(prev_hash)
        text = (
            f'{self._head},"changes":{changes},"entity":"{entity.value}",'
            f'"entity_id":{encode_basestring(entity_id)},"prev_hash":{previous},'
            f'"reason":{self._reason},"seq":{int(seq)}}}'
        )
        return hashlib.sha256(((prev_hash or "") + text).encode("utf-8")).hexdigest()


def diff(before: dict[str, Any] | None, after: dict[str, Any]) -> Changes:
    """The fields whose values differ, each with its before and after (JSON-ready values)."""
    before = before or {}
    return {
        key: {"before": before.get(key), "after": value}
        for key, value in after.items()
        if before.get(key) != value
    }


def head(session: Session) -> tuple[int, str | None]:
    """The last revision's seq and hash: (0, None) when the log is empty. Every change appends a
    revision, so two reads that see the same head see the same register."""
    last = session.execute(
        select(RevisionRow.seq, RevisionRow.hash).order_by(RevisionRow.seq.desc()).limit(1)
    ).first()
    return (last[0], last[1]) if last else (0, None)


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
    last, prev_hash = head(session)
    row = RevisionRow(
        seq=last + 1,
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
    return Revision.model_validate(row, from_attributes=True)
