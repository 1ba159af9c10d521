"""`log verify` on stored values it cannot read, and on a damaged SQLite file.

Someone with a SQL prompt can store what the ORM cannot convert: malformed JSON, a timestamp
that is not one, a word outside a vocabulary, bytes that are not text. `log verify` must name the
record and the field (exit 1), check everything else, and never fail itself (exit 3). A damaged
SQLite file must be reported by its integrity check rather than read as if it were whole.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from pledges.db import make_engine
from pledges.dburl import resolve_url
from tests.conftest import CLI
from tests.test_cli import one_line
from tests.test_log import SEEDED_REVISIONS, pages_checked

NOT_COMPARED = "— the record was not compared with the log"
NOT_HASHED = "— its hash cannot be recomputed"
STATUSES = (
    "not_yet_rated, in_progress, stalled, partially_kept, kept, broken, withdrawn, superseded, "
    "unverifiable"
)


def execute(db: str, *statements: str, **params: Any) -> None:
    """Run SQL on the register directly, in one connection (SQLite's pragmas are per connection)."""
    engine = make_engine(resolve_url(db))
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement), params)
    finally:
        engine.dispose()


SQLITE_CHECKS_OFF = "PRAGMA ignore_check_constraints = ON"
RULES_BROKEN = (
    "the database file holds rows that break its rules: SQLite's integrity check reports "
    "“CHECK constraint failed in pledges”"
)

# Each case: the SQL that damages a value, on SQLite and on PostgreSQL (None where that database
# refuses to store it), the SQL that puts it back, and the lines `log verify` must print.
CASES: list[Any] = [
    pytest.param(
        {"sqlite": ["UPDATE pledges SET gases = '[\"CO2\"' WHERE id = 'cn-co2-peak-2030'"]},
        ["UPDATE pledges SET gases = '[\"CO2\"]' WHERE id = 'cn-co2-peak-2030'"],
        {"sqlite": [f"pledge cn-co2-peak-2030: gases holds malformed JSON: '[\"CO2\"' "
                    f"{NOT_COMPARED}"]},
        id="gases: malformed JSON",
    ),
    pytest.param(
        {"sqlite": ["UPDATE pledges SET gases = '{\"CO2\": 1}' WHERE id = 'cn-co2-peak-2030'"],
         "postgresql": ["UPDATE pledges SET gases = '{\"CO2\": 1}' WHERE id = 'cn-co2-peak-2030'"]},
        ["UPDATE pledges SET gases = '[\"CO2\"]' WHERE id = 'cn-co2-peak-2030'"],
        {"*": [f"pledge cn-co2-peak-2030: gases holds JSON that is not a list of text: "
               f"'{{\"CO2\": 1}}' {NOT_COMPARED}"]},
        id="gases: an object, not a list",
    ),
    pytest.param(
        {"sqlite": ["UPDATE actors SET aliases = 'null' WHERE id = 'US'"],
         "postgresql": ["UPDATE actors SET aliases = 'null' WHERE id = 'US'"]},
        ["UPDATE actors SET aliases = :aliases WHERE id = 'US'"],
        {"*": [f"actor US: aliases holds JSON that is not a list of text: 'null' {NOT_COMPARED}"]},
        id="aliases: null",
    ),
    pytest.param(
        {"sqlite": ["UPDATE revisions SET changes = '{\"status\": ' WHERE seq = 20"]},
        ["UPDATE revisions SET changes = :changes WHERE seq = 20"],
        {"sqlite": [f"revision 20: changes holds malformed JSON: '{{\"status\": ' {NOT_HASHED}"]},
        id="changes: malformed JSON",
    ),
    pytest.param(
        {"sqlite": ["UPDATE revisions SET changes = '[1, 2]' WHERE seq = 20"],
         "postgresql": ["UPDATE revisions SET changes = '[1, 2]' WHERE seq = 20"]},
        ["UPDATE revisions SET changes = :changes WHERE seq = 20"],
        {"*": ["revision 20: changes holds JSON that is not an object of fields, each with its "
               f"before and after: '[1, 2]' {NOT_HASHED}"]},
        id="changes: a list",
    ),
    pytest.param(
        {"sqlite": ["UPDATE revisions SET at = 'yesterday' WHERE seq = 20"],
         "postgresql": ["UPDATE revisions SET at = 'infinity' WHERE seq = 20"]},
        ["UPDATE revisions SET at = (SELECT at FROM revisions WHERE seq = 19) WHERE seq = 20"],
        {"sqlite": [f"revision 20: at holds a malformed timestamp: 'yesterday' {NOT_HASHED}"],
         "postgresql": [f"revision 20: at holds a malformed timestamp: 'infinity' {NOT_HASHED}"]},
        id="a timestamp that is not one",
    ),
    pytest.param(
        {"sqlite": ["UPDATE evidence SET verified_on = '2023-02-30' WHERE id = 3"],
         "postgresql": ["UPDATE evidence SET verified_on = '0044-03-15 BC' WHERE id = 3"]},
        ["UPDATE evidence SET verified_on = (SELECT verified_on FROM evidence WHERE id = 4) "
         "WHERE id = 3"],
        {"sqlite": [f"evidence 3: verified_on holds a malformed date: '2023-02-30' {NOT_COMPARED}"],
         "postgresql": [f"evidence 3: verified_on holds a malformed date: '0044-03-15 BC' "
                        f"{NOT_COMPARED}"]},
        id="a date that is not one",
    ),
    pytest.param(
        {"sqlite": [SQLITE_CHECKS_OFF,
                    "UPDATE pledges SET status = 'done' WHERE id = 'cn-co2-peak-2030'"],
         "postgresql": ["ALTER TABLE pledges DROP CONSTRAINT ck_pledges_status",
                        "UPDATE pledges SET status = 'done' WHERE id = 'cn-co2-peak-2030'"]},
        ["UPDATE pledges SET status = 'not_yet_rated' WHERE id = 'cn-co2-peak-2030'"],
        {"sqlite": [RULES_BROKEN,
                    f"pledge cn-co2-peak-2030: status holds 'done', which is not one of {STATUSES} "
                    f"{NOT_COMPARED}"],
         "postgresql": [f"pledge cn-co2-peak-2030: status holds 'done', which is not one of "
                        f"{STATUSES} {NOT_COMPARED}"]},
        id="a status outside the vocabulary",
    ),
    pytest.param(
        {"sqlite": ["UPDATE sources SET title = CAST(X'4368696E61FF' AS TEXT) "
                    "WHERE id = 'kerry-no-agreement'"]},
        ["UPDATE sources SET title = :title WHERE id = 'kerry-no-agreement'"],
        {"sqlite": [f"source kerry-no-agreement: title holds bytes that are not UTF-8 text "
                    f"{NOT_COMPARED}"]},
        id="a title that is not text",
    ),
    pytest.param(
        {"sqlite": ["UPDATE pledges SET target_year = 'soon' WHERE id = 'cn-co2-peak-2030'"]},
        ["UPDATE pledges SET target_year = 2030 WHERE id = 'cn-co2-peak-2030'"],
        {"sqlite": [f"pledge cn-co2-peak-2030: target_year holds 'soon', which is not a whole "
                    f"number {NOT_COMPARED}"]},
        id="a year that is not a number",
    ),
    pytest.param(
        {"sqlite": ["UPDATE sources SET date_inferred = 'perhaps' "
                    "WHERE id = 'kerry-no-agreement'"]},
        ["UPDATE sources SET date_inferred = :inferred WHERE id = 'kerry-no-agreement'"],
        {"sqlite": [f"source kerry-no-agreement: date_inferred holds 'perhaps', which is not true "
                    f"or false {NOT_COMPARED}"]},
        id="a flag that is not one",
    ),
    pytest.param(
        {"sqlite": ["UPDATE pledge_actors SET position = 'first' "
                    "WHERE pledge_id = 'cn-co2-peak-2030'"]},
        ["UPDATE pledge_actors SET position = 0 WHERE pledge_id = 'cn-co2-peak-2030'"],
        {"sqlite": [f"pledge cn-co2-peak-2030 (its link to actor CN): position holds 'first', "
                    f"which is not a whole number {NOT_COMPARED}"]},
        id="an actor link's position",
    ),
]  # fmt: skip


EDIT_ELSEWHERE = "UPDATE pledges SET status = 'kept' WHERE id = 'us-cn-cop28-success'"
UNDO_ELSEWHERE = "UPDATE pledges SET status = 'not_yet_rated' WHERE id = 'us-cn-cop28-success'"


def original(db: str) -> dict[str, Any]:
    """The values the repairs put back."""
    engine = make_engine(resolve_url(db))
    try:
        with engine.connect() as conn:

            def one(sql: str) -> Any:
                return conn.execute(text(sql)).scalar_one()

            return {
                "aliases": one("SELECT CAST(aliases AS TEXT) FROM actors WHERE id = 'US'"),
                "changes": one("SELECT CAST(changes AS TEXT) FROM revisions WHERE seq = 20"),
                "title": one("SELECT title FROM sources WHERE id = 'kerry-no-agreement'"),
                "inferred": one(
                    "SELECT date_inferred FROM sources WHERE id = 'kerry-no-agreement'"
                ),
            }
    finally:
        engine.dispose()


def each_database(cases: list[Any]) -> list[Any]:
    """Each case once on every database that can store its value (PostgreSQL keeps JSON, dates
    and text valid, so some values can be written only to SQLite)."""
    out = []
    for case in cases:
        damage, repair, expected = case.values
        for kind in damage:
            marks = [pytest.mark.postgres] if kind == "postgresql" else []
            lines = expected.get(kind, expected.get("*"))
            out.append(pytest.param(kind, damage[kind], repair, lines, marks=marks,
                                    id=f"{kind}-{case.id}"))  # fmt: skip
    return out


def new_register(request: pytest.FixtureRequest, tmp_path: Path, kind: str) -> str:
    from pledges import service

    if kind == "sqlite":
        db = f"sqlite:///{tmp_path / 'register.db'}"
    else:
        db = request.getfixturevalue("fresh_pg").new()
    service.init(db, author="test")
    return db


@pytest.mark.parametrize(("kind", "damage", "repair", "lines"), each_database(CASES))
def test_log_verify_names_a_value_it_cannot_read(
    cli: CLI,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    kind: str,
    damage: list[str],
    repair: list[str],
    lines: list[str],
) -> None:
    seeded = new_register(request, tmp_path, kind)
    values = original(seeded)
    if kind == "postgresql" and "changes" in repair[0]:
        repair = [repair[0].replace(":changes", "CAST(:changes AS JSON)")]
    if kind == "postgresql" and "aliases" in repair[0]:
        repair = [repair[0].replace(":aliases", "CAST(:aliases AS JSON)")]
    # A change behind the tool's back elsewhere: it is still found beside the unreadable value.
    execute(seeded, *damage, EDIT_ELSEWHERE)

    result = cli("log", "verify", "--db", seeded)
    assert result.code == 1, result.err
    assert result.out.splitlines() == [
        *lines,
        "pledge us-cn-cop28-success: status is 'kept' in the register but 'not_yet_rated' in the "
        "log: changed without a revision",
    ]
    summary = one_line(result.err)
    assert summary.startswith(
        f"The log does not match: {len(lines) + 1} problem{'' if not lines else 's'} above ("
    )

    execute(seeded, *repair, UNDO_ELSEWHERE, **values)
    repaired = cli("log", "verify", "--db", seeded)
    assert repaired.code == 0, repaired.out
    assert one_line(repaired.err) == (
        f"The log is intact: {SEEDED_REVISIONS} revisions, 41 records and 5 source texts "
        f"checked; {pages_checked(seeded)}."
    )


# --- a damaged file -----------------------------------------------------------------------------


def test_a_damaged_sqlite_page_fails_the_integrity_check(cli: CLI, tmp_path: Path) -> None:
    db = tmp_path / "register.db"
    assert cli("init", "--db", str(db)).code == 0
    assert not Path(f"{db}-wal").exists()  # every page is in the file itself
    engine = make_engine(resolve_url(str(db)))
    try:
        with engine.connect() as conn:
            page = conn.execute(
                text("SELECT rootpage FROM sqlite_master WHERE name = 'evidence'")
            ).scalar_one()
            size = conn.execute(text("PRAGMA page_size")).scalar_one()
    finally:
        engine.dispose()
    with db.open("r+b") as file:  # the page's header overwritten, as a failing disk might
        file.seek((page - 1) * size)
        file.write(b"\xde\xad\xbe\xef" * 16)
        file.flush()
        os.fsync(file.fileno())

    result = cli("log", "verify", "--db", str(db))
    assert result.code == 1, result.err
    assert result.out.splitlines() == [
        "the database file is damaged: SQLite's integrity check reports that the table evidence "
        "or one of its indexes cannot be read"
    ]
    assert one_line(result.err) == (
        "The database is damaged, so the log was not read: 1 problem above. Restore the "
        "database from a backup."
    )


# --- a property: whatever is stored, verify answers -----------------------------------------------


@pytest.fixture
def register(tmp_path: Path) -> Iterator[str]:
    from pledges import service

    db = str(tmp_path / "register.db")
    service.init(db, author="test")
    yield db


SPOTS = {
    # column: (table, key column, key, the record whose lines may appear)
    "gases": ("pledges", "id", "cn-co2-peak-2030", ("pledge cn-co2-peak-2030",)),
    "status": (
        "pledges",
        "id",
        "cn-co2-peak-2030",
        ("pledge cn-co2-peak-2030", "the database file holds rows"),
    ),
    "at": ("revisions", "seq", 20, ("revision 20", "revision 21")),
    "changes": ("revisions", "seq", 20, ("revision 20", "revision 21")),
}


def _json_texts() -> st.SearchStrategy[str]:
    values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                    max_size=3),
        max_leaves=6,
    )  # fmt: skip
    return values.map(json.dumps)


STORED = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
    _json_texts(),
    st.sampled_from(["2024-02-30 00:00:00", "2024-01-01T00:00:00+05:00", "kept", "[]", "{}"]),
)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(column=st.sampled_from(sorted(SPOTS)), value=STORED)
def test_whatever_is_stored_verify_answers_and_names_the_record(
    cli: CLI, register: str, column: str, value: str
) -> None:
    """Any text stored in a JSON, timestamp or vocabulary column: `log verify` exits 0 or 1 and
    names only that record (or the revision after it, whose link the value may break)."""
    table, key, key_value, named = SPOTS[column]
    engine = make_engine(resolve_url(register))
    try:
        with engine.connect() as conn:
            before = conn.execute(
                text(f"SELECT {column} FROM {table} WHERE {key} = :key"), {"key": key_value}
            ).scalar_one()
    finally:
        engine.dispose()
    update = f"UPDATE {table} SET {column} = :value WHERE {key} = :key"
    execute(register, SQLITE_CHECKS_OFF, update, value=value, key=key_value)
    try:
        result = cli("log", "verify", "--db", register)
    finally:
        execute(register, update, value=before, key=key_value)
    assert result.code in (0, 1), result.err
    assert "Traceback" not in result.out + result.err
    if table == "revisions":  # revision 20 created a pledge: lines about it may appear too
        named = (*named, *_record_of_revision_20(register))
    for line in result.out.splitlines():
        assert line.startswith(named), line


def _record_of_revision_20(db: str) -> tuple[str, ...]:
    engine = make_engine(resolve_url(db))
    try:
        with engine.connect() as conn:
            row = conn.execute(text("SELECT entity, entity_id FROM revisions WHERE seq = 20")).one()
    finally:
        engine.dispose()
    return (f"{row[0]} {row[1]}",)


# --- PostgreSQL's own check ---------------------------------------------------------------------


@pytest.mark.postgres
def test_postgresql_runs_amcheck_when_it_is_installed(cli: CLI, fresh_pg: Any) -> None:
    db = fresh_pg.new()
    assert cli("init", "--db", db).code == 0
    engine = make_engine(resolve_url(db))
    try:
        with engine.begin() as conn:
            available = conn.execute(
                text("SELECT 1 FROM pg_available_extensions WHERE name = 'amcheck'")
            ).first()
            if available is None:
                pytest.skip("this PostgreSQL server has no amcheck extension to install")
            conn.execute(text("CREATE EXTENSION amcheck"))
            indexes = conn.execute(  # amcheck reads B-trees (not the search index's GIN)
                text(
                    "SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() "
                    "AND indexdef LIKE '%USING btree%'"
                )
            ).scalar_one()
            checksums = conn.execute(text("SHOW data_checksums")).scalar() == "on"
    finally:
        engine.dispose()
    result = cli("log", "verify", "--db", db)
    assert result.code == 0, result.out
    checked = f"PostgreSQL's amcheck checked {indexes} index(es) and their tables"
    if checksums:
        checked = f"PostgreSQL's page checksums are on and {checked}"
    assert one_line(result.err) == (
        f"The log is intact: {SEEDED_REVISIONS} revisions, 41 records and 5 source texts "
        f"checked; {checked}."
    )
