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

from pledges import integrity, progress
from pledges import repository as repo
from pledges.anchors import Anchor, broken
from pledges.models import RevisionRow
from pledges.schema import Revision, text_sha256
from pledges.vocab import Action, Entity

Changes = dict[str, dict[str, Any]]


def now() -> datetime:
    return datetime.now(UTC)


def canonical(payload: dict[str, Any]) -> str:
    """The one serialisation that is hashed: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_HASHED = ("seq", "at", "author", "action", "entity", "entity_id", "reason", "changes",
           "prev_hash")  # fmt: skip


def body(row: RevisionRow) -> dict[str, Any]:
    """Everything a revision says, as hashed (its own hash aside)."""
    return payload(**{name: getattr(row, name) for name in _HASHED})


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


# --- verification -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    revisions: int
    records: int
    sources: int
    problems: list[str]
    anchors: int = 0  # anchors given, each checked
    database: str = ""  # what the database's own check of its pages did, as a clause
    damaged: bool = False  # that check failed: nothing else was read

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class StoredRevision:
    """A revision as stored, read without the ORM: `fields` holds what is hashed (its own hash
    aside), or is None when one of them cannot be read; `hash` is None when it cannot."""

    seq: int
    hash: str | None
    fields: dict[str, Any] | None
    record: tuple[Entity, str] | None  # what it changed, when that much can be read


def _describe(revision: StoredRevision) -> str:
    f = revision.fields or {}
    when = f["at"].astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return (
        f"revision {revision.seq} ({f['action']} {f['entity']} {f['entity_id']}, {when} by "
        f"{f['author']})"
    )


_UNKNOWN = object()  # a previous hash that cannot be read: the link to it cannot be checked


def check_chain(revisions: Sequence[StoredRevision]) -> str | None:
    """The first revision that breaks the chain, described; None when every link holds. A
    revision that cannot be read is named elsewhere; the links around it are left unchecked."""
    prev_hash: object = None
    for expected, revision in enumerate(revisions, start=1):
        if revision.seq != expected:
            return (
                f"revision {expected} is missing: the log goes from {expected - 1} to "
                f"{revision.seq}"
            )
        fields = revision.fields
        if fields is not None:
            if prev_hash is not _UNKNOWN and fields["prev_hash"] != prev_hash:
                return (
                    f"{_describe(revision)} does not follow revision {expected - 1}: "
                    "the chain is cut"
                )
            if revision.hash != chain_hash(fields["prev_hash"], payload(**fields)):
                return (
                    f"{_describe(revision)} was altered after it was written: it no longer "
                    "matches its hash"
                )
        prev_hash = _UNKNOWN if revision.hash is None else revision.hash
    return None


def replay(revisions: Sequence[StoredRevision]) -> dict[tuple[Entity, str], dict[str, Any]]:
    """Every record as the log says it should be now: creations, then each change applied."""
    state: dict[tuple[Entity, str], dict[str, Any]] = {}
    for revision in revisions:
        if revision.fields is None:
            continue
        assert revision.record is not None  # read whole, so its entity was read too
        record = state.setdefault(revision.record, {})
        for name, change in revision.fields["changes"].items():
            record[name] = change.get("after")
    return state


def read_log(session: Session) -> tuple[list[StoredRevision], list[str]]:
    """The stored revisions in order, and a finding for each value that cannot be read."""
    revisions = []
    problems = []
    for row in integrity.read_rows(session, integrity.REVISIONS):
        problems += [f"{integrity.name_of(row)}: {p} — its hash cannot be recomputed"
                     for p in row.problems]  # fmt: skip
        values = row.values
        fields = None if row.problems else {name: values[name] for name in _HASHED}
        record = None
        if values.get("entity") is not None and values.get("entity_id") is not None:
            record = (Entity(values["entity"]), values["entity_id"])
        revisions.append(StoredRevision(int(row.key[0]), values.get("hash"), fields, record))
        progress.advance()
    return revisions, problems


def _unreadable_records(session: Session) -> tuple[dict[Entity, set[str]], list[str]]:
    """The records holding a value that cannot be read, by entity, and a finding for each."""
    records: dict[Entity, set[str]] = {}
    problems = []
    for table in integrity.record_tables():
        for row in integrity.read_rows(session, table):
            if row.problems:
                entity, record_id = integrity.record_of(row)
                records.setdefault(entity, set()).add(record_id)
                problems += [
                    f"{integrity.name_of(row)}: {p} — the record was not compared with the log"
                    for p in row.problems
                ]
    return records, problems


def verify(session: Session, anchors: Sequence[Anchor] = ()) -> Verification:
    """Recompute the chain, check each anchor, replay the log against the register, and re-hash
    every source text. Stored values are read as text first: one that cannot be read is named,
    and its record is left out of the comparison rather than failing it.

    The reads must see one state of the register: give a session whose transaction is a snapshot
    (`db.snapshot`)."""
    progress.stage("reading the log")
    revisions, problems = read_log(session)
    progress.stage("reading the records")
    unreadable, found = _unreadable_records(session)
    problems += found
    progress.stage("checking the hash chain")
    cut = check_chain(revisions)
    if cut:
        problems.append(cut)
    problems += broken(anchors, {r.seq: r.hash for r in revisions})
    logged = replay(revisions)
    # Neither a record that cannot be read nor one whose revisions cannot all be read is
    # compared: what the log says of it would be a guess.
    skipped = {(entity, i) for entity, ids in unreadable.items() for i in ids}
    skipped |= {r.record for r in revisions if r.fields is None and r.record is not None}
    progress.stage("reading the register")
    with integrity.leaving_out(session, unreadable):
        stored = repo.all_records(session)
        texts = repo.source_texts(session)
    compared = sorted((set(logged) | set(stored)) - skipped)
    progress.stage("comparing the records with the log", total=len(compared))
    for key in compared:
        progress.advance()
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
    for source_id, text, recorded in texts:
        if text_sha256(text) != recorded:
            problems.append(
                f"source {source_id}: its text no longer matches the sha256 recorded when it was "
                "added: the article was changed in the database"
            )
    return Verification(len(revisions), len(stored), len(texts), problems, len(anchors))
