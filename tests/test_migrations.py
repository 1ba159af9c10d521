"""Migrations from the first revision, on SQLite and PostgreSQL: up, no drift, down, up again."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from pledges import migrate, service
from pledges.db import make_engine, schema_revision, transaction
from pledges.dburl import resolve_url
from pledges.models import Base
from pledges.registerfile import HEAD_REVISION


def test_code_expects_alembics_head() -> None:
    assert migrate.head() == HEAD_REVISION


def test_upgrade_check_downgrade_upgrade(db_url: str) -> None:
    engine = make_engine(resolve_url(db_url))
    assert schema_revision(engine) is None
    with transaction(engine, write=True) as session:
        migrate.upgrade(session.connection())
    assert schema_revision(engine) == HEAD_REVISION
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        migrate.check(connection)  # raises when the models drift from the migrations

    with transaction(engine, write=True) as session:
        migrate.downgrade(session.connection(), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}

    with transaction(engine, write=True) as session:
        migrate.upgrade(session.connection())
    assert schema_revision(engine) == HEAD_REVISION
    engine.dispose()


def test_each_revision_declares_what_its_downgrade_drops(db_url: str) -> None:
    """`db downgrade` refuses to lose data by what each migration says its downgrade drops: the
    tables it creates, and the columns it adds to tables that were there before."""
    engine = make_engine(resolve_url(db_url))

    def schema() -> dict[str, set[str]]:
        inspector = inspect(engine)
        return {
            t: {c["name"] for c in inspector.get_columns(t)}
            for t in inspector.get_table_names()
            if t != "alembic_version"
        }

    before = schema()
    assert before == {}
    for revision in migrate.revisions():
        with transaction(engine, write=True) as session:
            migrate.upgrade(session.connection(), revision)
        after = schema()
        added = {t for t in after if t not in before} | {
            f"{t}.{c}" for t in before for c in after[t] - before[t]
        }
        # The search index and what the audit stores are derived from the register: a downgrade
        # drops them and loses nothing.
        added = {a for a in added if not a.rpartition(".")[2].startswith(("search_", "audit_"))}
        assert set(migrate.drops(revision)) == added, revision
        before = after
    engine.dispose()


def test_each_step_down_and_up_keeps_the_register(seeded: str) -> None:
    engine = make_engine(resolve_url(seeded))
    count = "SELECT count(*) FROM evidence"
    with engine.connect() as conn:
        before = conn.execute(text(count)).scalar_one()
    for below in ("0005", "0004", "0003", "0002", "0001"):
        with transaction(engine, write=True) as session:
            migrate.downgrade(session.connection(), "-1")
        assert schema_revision(engine) == below
    with transaction(engine, write=True) as session:
        migrate.upgrade(session.connection())
    with engine.connect() as conn:
        assert conn.execute(text(count)).scalar_one() == before
    engine.dispose()


def test_init_twice_changes_nothing(db_url: str) -> None:
    first = service.init(db_url, author="test")
    assert first.loaded is not None and first.loaded.pledges >= 10
    engine = make_engine(resolve_url(db_url))
    tables = ("actors", "sources", "pledges", "evidence", "revisions", "pledge_actors")

    def snapshot() -> dict[str, list[tuple[object, ...]]]:
        with engine.connect() as conn:
            return {
                t: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY 1, 2"))]
                for t in tables
            }

    before = snapshot()
    second = service.init(db_url, author="someone else")
    assert second.loaded is None
    assert second.revision_before == second.revision_after == HEAD_REVISION
    assert snapshot() == before
    engine.dispose()


def test_foreign_keys_are_enforced(seeded: str) -> None:
    engine = make_engine(resolve_url(seeded))
    insert = text(
        "INSERT INTO pledge_actors (pledge_id, actor_id, position) "
        "VALUES ('cn-co2-peak-2030', 'XX', 9)"
    )
    with pytest.raises(IntegrityError), transaction(engine, write=True) as session:
        session.execute(insert)
    engine.dispose()


def test_closed_vocabularies_are_enforced_by_the_database(seeded: str) -> None:
    engine = make_engine(resolve_url(seeded))
    update = text("UPDATE pledges SET status = 'done' WHERE id = 'cn-co2-peak-2030'")
    with pytest.raises(IntegrityError), transaction(engine, write=True) as session:
        session.execute(update)
    engine.dispose()
