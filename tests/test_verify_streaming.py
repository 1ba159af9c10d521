"""`log verify` streams: the log read twice (in seq order, then by record), the register a batch
of records at a time, the texts one at a time. It must report exactly what reading everything at
once reported.

The reference below is that whole-register algorithm, kept here only to compare with: every
revision read into a list, the chain checked over it, the log replayed into a dict of every
record, every record and every text of the register read, then compared. Tampering is done with
SQL inside a transaction that is rolled back, and both read that same transaction, on SQLite and
on PostgreSQL.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from pledges import integrity, stored_records, verification
from pledges import repository as repo
from pledges.anchors import Anchor, broken
from pledges.cli import run
from pledges.db import make_engine
from pledges.dburl import resolve_url
from pledges.history import HASHED, chain_hash, payload
from pledges.schema import text_sha256
from pledges.vocab import Entity
from tests.conftest import CLI, FreshPostgres
from tests.test_cli import one_line
from tests.test_log import pages_checked

# --- the whole-register algorithm, to compare with ---------------------------------------------


@dataclass(frozen=True)
class Whole:
    revisions: int
    records: int
    sources: int
    problems: list[str]


@dataclass(frozen=True)
class _Revision:
    seq: int
    hash: str | None
    fields: dict[str, Any] | None
    record: tuple[Entity, str] | None


def _described(revision: _Revision) -> str:
    f = revision.fields or {}
    when = f["at"].astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return (
        f"revision {revision.seq} ({f['action']} {f['entity']} {f['entity_id']}, {when} by "
        f"{f['author']})"
    )


def _first_break(revisions: list[_Revision]) -> str | None:
    unknown = object()
    prev_hash: object = None
    for expected, revision in enumerate(revisions, start=1):
        if revision.seq != expected:
            return (
                f"revision {expected} is missing: the log goes from {expected - 1} to "
                f"{revision.seq}"
            )
        fields = revision.fields
        if fields is not None:
            if prev_hash is not unknown and fields["prev_hash"] != prev_hash:
                return (
                    f"{_described(revision)} does not follow revision {expected - 1}: "
                    "the chain is cut"
                )
            if revision.hash != chain_hash(fields["prev_hash"], payload(**fields)):
                return (
                    f"{_described(revision)} was altered after it was written: it no longer "
                    "matches its hash"
                )
        prev_hash = unknown if revision.hash is None else revision.hash
    return None


def whole_register_verify(session: Session, anchors: list[Anchor]) -> Whole:
    """What `log verify` reported when it read everything at once."""
    revisions, problems = [], []
    for row in integrity.read_rows(session, integrity.REVISIONS):
        problems += [f"{integrity.name_of(row)}: {p} — its hash cannot be recomputed"
                     for p in row.problems]  # fmt: skip
        values = row.values
        fields = None if row.problems else {name: values[name] for name in HASHED}
        record = None
        if values.get("entity") is not None and values.get("entity_id") is not None:
            record = (Entity(values["entity"]), values["entity_id"])
        revisions.append(_Revision(int(row.key[0]), values.get("hash"), fields, record))
    unreadable: dict[Entity, set[str]] = {}
    for table in integrity.record_tables():
        for row in integrity.read_rows(session, table):
            if row.problems:
                entity, record_id = integrity.record_of(row)
                unreadable.setdefault(entity, set()).add(record_id)
                problems += [
                    f"{integrity.name_of(row)}: {p} — the record was not compared with the log"
                    for p in row.problems
                ]
    cut = _first_break(revisions)
    if cut:
        problems.append(cut)
    problems += broken(anchors, {r.seq: r.hash for r in revisions})
    logged: dict[tuple[Entity, str], dict[str, Any]] = {}
    for revision in revisions:
        if revision.fields is not None:
            assert revision.record is not None
            state = logged.setdefault(revision.record, {})
            for name, change in revision.fields["changes"].items():
                state[name] = change.get("after")
    skipped = {(entity, i) for entity, ids in unreadable.items() for i in ids}
    skipped |= {r.record for r in revisions if r.fields is None and r.record is not None}
    with integrity.leaving_out(session, unreadable):
        stored = stored_records.all_records(session)
        texts = list(repo.source_texts(session))
    for key in sorted((set(logged) | set(stored)) - skipped):
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
    for source_id, body, recorded in texts:
        if text_sha256(body) != recorded:
            problems.append(
                f"source {source_id}: its text no longer matches the sha256 recorded when it was "
                "added: the article was changed in the database"
            )
    return Whole(len(revisions), len(stored), len(texts), problems)


# --- registers ----------------------------------------------------------------------------------

UPDATES = (  # through pledges, so that some records have several revisions (42 to 46)
    ["update", "cn-co2-peak-2030", "--status", "in_progress"],
    ["update", "cn-co2-peak-2030", "--status", "kept"],
    ["update", "us-cn-cop28-success", "--notes", "Checked against the 2024 report."],
    ["update", "cn-co2-peak-2030", "--notes", "Peaked early."],
    ["evidence", "deprecate", "9"],
)


def built(db: str) -> str:
    assert run(["init", "--db", db]) == 0
    for args in UPDATES:
        assert run([*args, "--reason", "a change", "--author", "analyst", "--db", db]) == 0
    return db


@pytest.fixture(scope="module")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("verify") / "register.db"
    built(f"sqlite:///{path}")
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def register(request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path) -> str:
    """A register with the seeds and UPDATES, on SQLite (a copy) and on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "register.db"
        shutil.copyfile(sqlite_template, path)
        return f"sqlite:///{path}"
    fresh: FreshPostgres = request.getfixturevalue("fresh_pg")
    return built(fresh.new())


@pytest.fixture
def small_batches() -> Iterator[None]:
    """Batches of two ids and rows fetched two at a time: every boundary is crossed."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(repo, "NAMED_AT_ONCE", 2)
        patch.setattr(integrity, "AT_ONCE", 2)
        patch.setattr(repo, "TEXTS_AT_ONCE", 2)
        yield


# --- tampering ----------------------------------------------------------------------------------

PLEDGES = (
    "cn-co2-peak-2030",
    "us-cn-cop28-success",
    "us-cn-continue-talks",
    "us-apec-real-results",
)
STATUSES = ("broken", "kept", "stalled")
# Evidence ids sort as text in the findings ("10" before "9"): some of each width.
EVIDENCE = (1, 2, 9, 10, 11, 20)
SOURCES = ("china-us-talks-success", "kerry-no-agreement")

Step = tuple[str, dict[str, Any]]  # SQL and its parameters

STEPS = st.one_of(
    st.builds(lambda p, s: ("UPDATE pledges SET status = :s WHERE id = :p", {"p": p, "s": s}),
              st.sampled_from(PLEDGES), st.sampled_from(STATUSES)),
    st.builds(lambda p, t: ("UPDATE pledges SET title = :t WHERE id = :p", {"p": p, "t": t}),
              st.sampled_from(PLEDGES), st.sampled_from(["", "Another title", "Ünïcode 标题"])),
    st.builds(lambda e: ("UPDATE evidence SET quote = 'altered' WHERE id = :e", {"e": e}),
              st.sampled_from(EVIDENCE)),
    st.builds(lambda a: ("UPDATE actors SET name = 'Renamed' WHERE id = :a", {"a": a}),
              st.sampled_from(["CN", "US"])),
    st.builds(lambda p: ("DELETE FROM pledge_actors WHERE pledge_id = :p", {"p": p}),
              st.sampled_from(PLEDGES)),
    st.builds(lambda e: ("DELETE FROM evidence WHERE id = :e", {"e": e}),
              st.sampled_from(EVIDENCE)),
    st.builds(lambda s: ("UPDATE sources SET text = text || ' (edited)' WHERE id = :s", {"s": s}),
              st.sampled_from(SOURCES)),
    st.builds(lambda s: ("UPDATE sources SET title = 'Retitled' WHERE id = :s", {"s": s}),
              st.sampled_from(SOURCES)),
    st.builds(lambda n: ("DELETE FROM revisions WHERE seq = :n", {"n": n}),
              st.integers(1, 46)),
    st.builds(lambda n: ("UPDATE revisions SET reason = 'rewritten' WHERE seq = :n", {"n": n}),
              st.integers(1, 46)),
    st.builds(lambda i: ("INSERT INTO pledges (id, title, kind, gases, formality, status, "
                         "confidence, version, created_at, updated_at) VALUES (:i, 'Unlogged', "
                         "'coal', '[]', 'in_law', 'kept', 'high', 1, '2024-01-01 00:00:00', "
                         "'2024-01-01 00:00:00') ON CONFLICT DO NOTHING", {"i": i}),
              st.sampled_from(["a-ghost", "zz-ghost", "cn-co2-peak-2030-b"])),
    st.builds(lambda i: ("INSERT INTO evidence (id, pledge_id, source_id, quote, stance, rank, "
                         "created_at) VALUES (:i, 'cn-co2-peak-2030', 'kerry-no-agreement', "
                         "'unlogged', 'supports', 'normal', '2024-01-01 00:00:00') "
                         "ON CONFLICT DO NOTHING", {"i": i}),
              st.sampled_from([5, 100, 999])),  # 5: once its own row is deleted
    st.builds(lambda p: ("UPDATE pledges SET gases = '{\"CO2\": 1}' WHERE id = :p", {"p": p}),
              st.sampled_from(PLEDGES)),  # a value that cannot be read
    st.builds(lambda n: ("UPDATE revisions SET changes = '[1]' WHERE seq = :n", {"n": n}),
              st.integers(1, 46)),  # a revision that cannot be read
)  # fmt: skip


def tampered(conn: Connection, steps: list[Step]) -> None:
    for sql, params in steps:
        if conn.dialect.name == "postgresql" and "changes =" in sql:
            sql = sql.replace("'[1]'", "CAST('[1]' AS JSON)")
        if conn.dialect.name == "postgresql" and "gases =" in sql:
            sql = sql.replace("'{\"CO2\": 1}'", "CAST('{\"CO2\": 1}' AS JSON)")
        conn.execute(text(sql), params)


def both_ways(db: str, steps: list[Step], anchors: list[Anchor]) -> tuple[Whole, Whole]:
    """What the streaming verify and the whole-register one report, on the register tampered
    by `steps` inside one transaction (rolled back after)."""
    engine = make_engine(resolve_url(db))
    try:
        with engine.connect() as conn:
            outer = conn.begin()
            tampered(conn, steps)
            with Session(bind=conn) as session:
                streamed = verification.verify(session, anchors)
            with Session(bind=conn) as session:
                whole = whole_register_verify(session, anchors)
            outer.rollback()
    finally:
        engine.dispose()
    assert streamed.anchors == len(anchors)
    ours = Whole(streamed.revisions, streamed.records, streamed.sources, streamed.problems)
    return ours, whole


def anchors_of(db: str) -> list[Anchor]:
    """An anchor that holds (revision 44), one whose hash is wrong (3) and one beyond the log."""
    engine = make_engine(resolve_url(db))
    try:
        with engine.connect() as conn:
            held = conn.execute(text("SELECT hash FROM revisions WHERE seq = 44")).scalar_one()
    finally:
        engine.dispose()
    return [Anchor(3, "0" * 64), Anchor(44, held), Anchor(60, "f" * 64)]


# --- the property -------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(steps=st.lists(STEPS, max_size=5), anchored=st.booleans())
def test_streaming_reports_what_reading_everything_reported(
    register: str, small_batches: None, steps: list[Step], anchored: bool
) -> None:
    anchors = anchors_of(register) if anchored else []
    streamed, whole = both_ways(register, steps, anchors)
    assert streamed == whole


# --- explicit findings, through the command -----------------------------------------------------


def test_findings_come_in_record_order_across_batches(
    cli: CLI, register: str, small_batches: None
) -> None:
    """Evidence ids as text (10 before 9), actors before evidence before pledges before sources,
    a record's fields in their order; the log's problems first, the texts' last."""
    engine = make_engine(resolve_url(register))
    try:
        with engine.begin() as conn:
            tampered(conn, [
                ("UPDATE sources SET text = text || ' (edited)' WHERE id = :s",
                 {"s": "kerry-no-agreement"}),
                ("UPDATE evidence SET quote = 'altered' WHERE id = :e", {"e": 9}),
                ("UPDATE evidence SET quote = 'altered' WHERE id = :e", {"e": 10}),
                ("DELETE FROM evidence WHERE id = :e", {"e": 2}),
                ("UPDATE pledges SET status = 'broken', title = '' WHERE id = :p",
                 {"p": "cn-co2-peak-2030"}),
                ("INSERT INTO pledges (id, title, kind, gases, formality, status, confidence, "
                 "version, created_at, updated_at) VALUES ('a-ghost', 'Unlogged', 'coal', '[]', "
                 "'in_law', 'kept', 'high', 1, '2024-01-01 00:00:00', '2024-01-01 00:00:00')",
                 {}),
                ("UPDATE actors SET name = 'Renamed' WHERE id = :a", {"a": "US"}),
                ("DELETE FROM revisions WHERE seq = :n", {"n": 40}),  # evidence 20's creation
            ])  # fmt: skip
    finally:
        engine.dispose()
    result = cli("log", "verify", "--db", register)
    assert result.code == 1, result.err
    assert result.out.splitlines() == [
        "revision 40 is missing: the log goes from 39 to 41",
        "actor US: name is 'Renamed' in the register but 'United States' in the log: changed "
        "without a revision",
        "evidence 10: quote is 'altered' in the register but 'Both parties agreed to focus on "
        "integrating renewable energy into the power sector to reduce coal emissions.' in the "
        "log: changed without a revision",
        "evidence 2 is in the log but not in the register: deleted",
        "evidence 20 has no revision: it was added without pledges",
        "evidence 9: quote is 'altered' in the register but 'The two sides agreed climate change "
        "was urgent and that they should stick to the global commitment “to keep 1.5 alive,”' in "
        "the log: changed without a revision",
        "pledge a-ghost has no revision: it was added without pledges",
        "pledge cn-co2-peak-2030: title is '' in the register but 'China peaks CO2 emissions by "
        "2030' in the log: changed without a revision",
        "pledge cn-co2-peak-2030: status is 'broken' in the register but 'kept' in the log: "
        "changed without a revision",
        "source kerry-no-agreement: its text no longer matches the sha256 recorded when it was "
        "added: the article was changed in the database",
    ]
    assert one_line(result.err) == (
        "The log does not match: 10 problems above (45 revisions, 41 records and 5 source texts "
        f"checked; {pages_checked(register)}). Restore the database from a backup, or ask "
        "whoever edited it directly."
    )


def test_an_unreadable_revision_leaves_its_record_out(cli: CLI, register: str) -> None:
    """Revision 43 (cn-co2-peak-2030's status) cannot be read: the pledge is not compared, its
    status changed behind the tool's back is not named; the other pledge still is."""
    cast = "CAST('[1]' AS JSON)" if register.startswith("postgresql") else "'[1]'"
    engine = make_engine(resolve_url(register))
    try:
        with engine.begin() as conn:
            conn.execute(text(f"UPDATE revisions SET changes = {cast} WHERE seq = 43"))
            conn.execute(text("UPDATE pledges SET status = 'broken' WHERE id = 'cn-co2-peak-2030'"))
            conn.execute(
                text("UPDATE pledges SET status = 'kept' WHERE id = 'us-apec-real-results'")
            )
    finally:
        engine.dispose()
    result = cli("log", "verify", "--db", register)
    assert result.code == 1, result.err
    assert result.out.splitlines() == [
        "revision 43: changes holds JSON that is not an object of fields, each with its before "
        "and after: '[1]' — its hash cannot be recomputed",
        "pledge us-apec-real-results: status is 'kept' in the register but 'not_yet_rated' in "
        "the log: changed without a revision",
    ]


def test_the_replay_reads_the_log_through_its_index_on_sqlite(sqlite_template: Path) -> None:
    """Ordered by record and seq without sorting the log: the index on (entity, entity_id)
    holds the seq too (it is the rowid)."""
    engine = make_engine(resolve_url(f"sqlite:///{sqlite_template}"))
    try:
        with engine.connect() as conn, Session(bind=conn) as session:
            statements: list[str] = []

            def seen(*args: Any) -> None:
                statements.append(args[2])

            from sqlalchemy import event

            event.listen(engine, "before_cursor_execute", seen)
            replayed = list(verification.replayed(session, set()))
            event.remove(engine, "before_cursor_execute", seen)
            (query,) = [s for s in statements if "FROM revisions" in s]
            plan = [row[-1] for row in conn.execute(text(f"EXPLAIN QUERY PLAN {query}"))]
    finally:
        engine.dispose()
    assert plan == ["SCAN revisions USING INDEX ix_revisions_entity"]
    keys = [key for key, _ in replayed]
    assert len(keys) == len(set(keys)) == 41  # each record once, all its revisions together
    state = dict(replayed)[(Entity.PLEDGE, "cn-co2-peak-2030")]
    assert (state["status"], state["notes"]) == ("kept", "Peaked early.")  # in seq order
