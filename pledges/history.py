"""The append-only revision log and its hash chain.

Every change to any record appends one revision whose hash is
sha256(prev_hash + canonical JSON of the revision), so editing or deleting a past revision breaks
the chain at that point. Functions take a session and flush; they never commit.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from json.encoder import encode_basestring  # a string as `canonical` writes it
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pledges.models import RevisionRow
from pledges.schema import Evidence, FieldChange, Revision
from pledges.vocab import Action, Entity, Rank

Changes = dict[str, dict[str, Any]]


def now() -> datetime:
    return datetime.now(UTC)


def canonical(payload: dict[str, Any]) -> str:
    """The one serialisation that is hashed: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def body(row: RevisionRow) -> dict[str, Any]:
    """Everything a revision says, as hashed (its own hash aside)."""
    return payload(
        seq=row.seq, at=row.at, author=row.author, action=row.action, entity=row.entity,
        entity_id=row.entity_id, reason=row.reason, changes=row.changes, prev_hash=row.prev_hash,
    )  # fmt: skip


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
    seq = last + 1
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


# --- verification -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    revisions: int
    records: int
    sources: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def _describe(row: RevisionRow) -> str:
    when = row.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"revision {row.seq} ({row.action} {row.entity} {row.entity_id}, {when} by {row.author})"


def check_chain(rows: Sequence[RevisionRow]) -> str | None:
    """The first revision that breaks the chain, described; None when every link holds."""
    prev_hash: str | None = None
    for expected, row in enumerate(rows, start=1):
        if row.seq != expected:
            return f"revision {expected} is missing: the log goes from {expected - 1} to {row.seq}"
        if row.prev_hash != prev_hash:
            return f"{_describe(row)} does not follow revision {expected - 1}: the chain is cut"
        if row.hash != chain_hash(prev_hash, body(row)):
            return (
                f"{_describe(row)} was altered after it was written: it no longer matches its hash"
            )
        prev_hash = row.hash
    return None


def replay(rows: Sequence[RevisionRow]) -> dict[tuple[Entity, str], dict[str, Any]]:
    """Every record as the log says it should be now: creations, then each change applied."""
    state: dict[tuple[Entity, str], dict[str, Any]] = {}
    for row in rows:
        record = state.setdefault((Entity(row.entity), row.entity_id), {})
        for name, change in row.changes.items():
            record[name] = change.get("after")
    return state


def verify(session: Session) -> Verification:
    """Recompute the chain, replay the log against the register, and re-hash every source text."""
    from pledges import repository as repo
    from pledges.schema import text_sha256

    rows = repo.revisions(session)
    problems = []
    broken = check_chain(rows)
    if broken:
        problems.append(broken)
    logged = replay(rows)
    stored = repo.all_records(session)
    for key in sorted(set(logged) | set(stored)):
        entity, entity_id = key
        if key not in logged:
            problems.append(f"{entity} {entity_id} has no revision: it was added without pledges")
        elif key not in stored:
            problems.append(f"{entity} {entity_id} is in the log but not in the register: deleted")
        else:
            for name, value in stored[key].items():
                if logged[key].get(name) != value:
                    problems.append(
                        f"{entity} {entity_id}: {name} is {value!r} in the register but "
                        f"{logged[key].get(name)!r} in the log: changed without a revision"
                    )
    texts = repo.source_texts(session)
    for source_id, text, recorded in texts:
        if text_sha256(text) != recorded:
            problems.append(
                f"source {source_id}: its text no longer matches the sha256 recorded when it was "
                "added: the article was changed in the database"
            )
    return Verification(len(rows), len(stored), len(texts), problems)


# --- the timeline of a pledge -------------------------------------------------------------------

TIMELINE_FIELDS = ("status", "formality")


@dataclass(frozen=True)
class Step:
    """One change of a pledge's status or formality, with the evidence that asserts it."""

    at: datetime
    field: str
    before: Any
    after: Any
    author: str
    reason: str
    evidence: tuple[Evidence, ...]


def timeline(rows: Sequence[RevisionRow], evidence: Sequence[Evidence]) -> list[Step]:
    steps = []
    for row in rows:
        if row.entity != Entity.PLEDGE:
            continue
        for name in TIMELINE_FIELDS:
            change = row.changes.get(name)
            if change is None:
                continue
            asserting = tuple(
                e
                for e in evidence
                if name == "status"
                and e.asserts_status is not None
                and e.asserts_status.value == change.get("after")
                and e.rank is not Rank.DEPRECATED
            )
            steps.append(
                Step(
                    row.at,
                    name,
                    change.get("before"),
                    change.get("after"),
                    row.author,
                    row.reason,
                    asserting,
                )
            )
    return steps
