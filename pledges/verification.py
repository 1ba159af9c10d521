"""`pledges log verify`: the revision log checked against itself and against the register.

The hash chain is checked in one pass over the log, keeping only the previous hash
(`ChainCheck`); anchors given by the user are checked on the way. Each record the log names is
then replayed from its revisions, in order, and compared with the register's row a batch at a
time (`compare_records`); records no revision names, rows that cannot be read, and texts whose
sha256 is not the one recorded are named too. Functions take a session and only read.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from sqlalchemy.orm import Session

from pledges import integrity, progress, stored_records
from pledges import repository as repo
from pledges.anchors import Anchor, broken
from pledges.history import HASHED, Record, chain_hash, payload
from pledges.schema import text_sha256
from pledges.vocab import Entity


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
    record: Record | None  # what it changed, when that much can be read


def _describe(revision: StoredRevision) -> str:
    f = revision.fields or {}
    when = f["at"].astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return (
        f"revision {revision.seq} ({f['action']} {f['entity']} {f['entity_id']}, {when} by "
        f"{f['author']})"
    )


_UNKNOWN = object()  # a previous hash that cannot be read: the link to it cannot be checked


class ChainCheck:
    """The hash chain checked one revision at a time, in seq order, keeping only the hash of the
    revision before: `cut` describes the first revision that breaks it (None while every link
    holds). A revision that cannot be read is named elsewhere; the links around it are left
    unchecked."""

    def __init__(self) -> None:
        self.cut: str | None = None
        self._expected = 1
        self._prev_hash: object = None

    def follow(self, revision: StoredRevision) -> None:
        if self.cut is None:
            self.cut = self._break(revision)
        self._expected += 1
        self._prev_hash = _UNKNOWN if revision.hash is None else revision.hash

    def _break(self, revision: StoredRevision) -> str | None:
        expected = self._expected
        if revision.seq != expected:
            return (
                f"revision {expected} is missing: the log goes from {expected - 1} to "
                f"{revision.seq}"
            )
        fields = revision.fields
        if fields is not None:
            if self._prev_hash is not _UNKNOWN and fields["prev_hash"] != self._prev_hash:
                return (
                    f"{_describe(revision)} does not follow revision {expected - 1}: "
                    "the chain is cut"
                )
            if revision.hash != chain_hash(fields["prev_hash"], payload(**fields)):
                return (
                    f"{_describe(revision)} was altered after it was written: it no longer "
                    "matches its hash"
                )
        return None


@dataclass
class LogScan:
    """What one pass over the log in seq order found, all that is kept of it: `hashes` holds
    the hash of each revision an anchor names and of the last one (what `anchors.broken` needs),
    `skipped` the records one of whose revisions cannot be read."""

    revisions: int = 0
    problems: list[str] = field(default_factory=list)
    cut: str | None = None
    hashes: dict[int, str | None] = field(default_factory=dict)
    unreadable: set[int] = field(default_factory=set)  # the seqs of those revisions
    skipped: set[Record] = field(default_factory=set)


def scan_log(session: Session, anchored: Collection[int] = ()) -> LogScan:
    """Read the log once in seq order: name each value that cannot be read, and check the chain."""
    scan = LogScan()
    chain = ChainCheck()
    last: StoredRevision | None = None
    for row in integrity.read_rows(session, integrity.REVISIONS):
        scan.problems += [f"{integrity.name_of(row)}: {p} — its hash cannot be recomputed"
                          for p in row.problems]  # fmt: skip
        values = row.values
        fields = None if row.problems else {name: values[name] for name in HASHED}
        record = None
        if values.get("entity") is not None and values.get("entity_id") is not None:
            record = (Entity(values["entity"]), values["entity_id"])
        revision = StoredRevision(int(row.key[0]), values.get("hash"), fields, record)
        if fields is None:
            scan.unreadable.add(revision.seq)
            if record is not None:
                scan.skipped.add(record)
        chain.follow(revision)
        if revision.seq in anchored:
            scan.hashes[revision.seq] = revision.hash
        last = revision
        scan.revisions += 1
        progress.advance()
    if last is not None:
        scan.hashes[last.seq] = last.hash
    scan.cut = chain.cut
    return scan


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


def replayed(
    session: Session, unreadable: Collection[int]
) -> Iterator[tuple[Record, dict[str, Any]]]:
    """Each record the log names, as its revisions say it should be now (creation, then each
    change applied), one record at a time: the log is read ordered by record and seq (the
    revisions table's index on entity and entity_id). Revisions whose seq is in `unreadable`
    are passed over: every other one was read whole by `scan_log`, in the same snapshot."""
    order = ("entity", "entity_id", "seq")
    rows = integrity.read_texts(session, integrity.REVISIONS, (*order, "changes"), order)
    key: Record | None = None
    state: dict[str, Any] = {}
    for entity, entity_id, seq, changes in rows:
        progress.advance()
        assert seq is not None and entity is not None and entity_id is not None
        if int(seq) in unreadable:
            continue
        assert changes is not None  # read whole by scan_log
        if key is None or entity_id != key[1] or entity != key[0]:
            if key is not None:
                yield key, state
            key, state = (Entity(entity), entity_id), {}
        for name, change in json.loads(changes).items():
            state[name] = change["after"]
    if key is not None:
        yield key, state


def _differences(key: Record, stored: dict[str, Any] | None, logged: dict[str, Any]) -> list[str]:
    """What the register holds of a record that its log does not say (`stored` None: nothing)."""
    entity, entity_id = key
    if stored is None:
        return [f"{entity} {entity_id} is in the log but not in the register: deleted"]
    return [
        f"{entity} {entity_id}: {name} is {value!r} in the register but "
        f"{logged.get(name)!r} in the log: changed without a revision"
        for name, value in stored.items()
        if logged.get(name) != value
    ]


def compare_records(session: Session, scan: LogScan) -> list[str]:
    """Replay the log record by record against the register, read a batch of ids at a time,
    and name the register's records that no revision names. The findings come in the order of
    the records' entity and id, as sorted text."""
    found: list[tuple[Record, str]] = []
    batch: list[tuple[Record, dict[str, Any]]] = []

    def against_register() -> None:
        entity = batch[0][0][0]
        stored = stored_records.records_of(session, entity, [key[1] for key, _ in batch])
        for key, logged in batch:
            found.extend((key, line) for line in _differences(key, stored.get(key[1]), logged))
        batch.clear()

    for key, logged in replayed(session, scan.unreadable):
        if key in scan.skipped:
            continue
        if batch and (batch[0][0][0] != key[0] or len(batch) == repo.NAMED_AT_ONCE):
            against_register()
        batch.append((key, logged))
    if batch:
        against_register()
    for entity in Entity:
        for entity_id in stored_records.records_without_revision(session, entity):
            if (entity, entity_id) not in scan.skipped:
                line = f"{entity} {entity_id} has no revision: it was added without pledges"
                found.append(((entity, entity_id), line))
    found.sort(key=lambda finding: finding[0])  # stable: a record's fields stay in their order
    return [line for _, line in found]


def check_texts(session: Session) -> tuple[int, list[str]]:
    """Re-hash every source text, one at a time: how many, and a finding for each that changed."""
    checked = 0
    problems = []
    for source_id, text, recorded in repo.source_texts(session):
        checked += 1
        if text_sha256(text) != recorded:
            problems.append(
                f"source {source_id}: its text no longer matches the sha256 recorded when it was "
                "added: the article was changed in the database"
            )
    return checked, problems


def verify(session: Session, anchors: Sequence[Anchor] = ()) -> Verification:
    """Recompute the chain, check each anchor, replay the log against the register, and re-hash
    every source text. Stored values are read as text first: one that cannot be read is named,
    and its record is left out of the comparison rather than failing it.

    Nothing is held whole: the log is read twice (in seq order for the chain, then by record
    for the replay), the register a batch of records at a time, the texts one at a time.

    The reads must see one state of the register: give a session whose transaction is a snapshot
    (`db.snapshot`)."""
    progress.stage("reading the log and checking the hash chain")
    scan = scan_log(session, {anchor.seq for anchor in anchors})
    progress.stage("reading the records")
    unreadable, found = _unreadable_records(session)
    problems = scan.problems + found
    if scan.cut:
        problems.append(scan.cut)
    problems += broken(anchors, scan.hashes)
    # Neither a record that cannot be read nor one whose revisions cannot all be read is
    # compared: what the log says of it would be a guess.
    scan.skipped |= {(entity, i) for entity, ids in unreadable.items() for i in ids}
    with integrity.leaving_out(session, unreadable):
        progress.stage("comparing the records with the log", total=scan.revisions)
        problems += compare_records(session, scan)
        records = sum(stored_records.record_count(session, entity) for entity in Entity)
        progress.stage("re-hashing the source texts")
        sources, changed = check_texts(session)
    return Verification(scan.revisions, records, sources, problems + changed, len(anchors))
