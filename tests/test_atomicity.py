"""One transaction per command: a failure after the first write leaves the database as it was.

The failure is injected into `history.append`: the wrapped call first does its real work (so the
record and its revision are both flushed to the database, inside the command's transaction), then
raises. Every table is compared row by row before and after, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, select, text

from pledges import history
from pledges.db import make_engine
from pledges.dburl import resolve_url
from tests.conftest import CLI

Snapshot = dict[str, list[tuple[Any, ...]]]


class InjectedFailure(RuntimeError):
    pass


def snapshot(url: str) -> Snapshot:
    """Every table of the database and all its rows (sorted, so that order does not matter)."""
    engine = make_engine(resolve_url(url))
    try:
        with engine.connect() as conn:
            meta = MetaData()
            meta.reflect(conn)
            return {
                name: sorted((tuple(row) for row in conn.execute(select(table))), key=repr)
                for name, table in meta.tables.items()
            }
    finally:
        engine.dispose()


def fail_on_append(monkeypatch: pytest.MonkeyPatch, call: int) -> list[int]:
    """Make the `call`-th history.append raise once it has written; returns, when it has, the
    number of revisions its transaction could see at that moment (flushed, not committed)."""
    real = history.append
    calls: list[int] = []
    seen: list[int] = []

    def append(session: Any, **kwargs: Any) -> Any:
        revision = real(session, **kwargs)
        calls.append(1)
        if len(calls) == call:
            seen.append(session.execute(text("SELECT count(*) FROM revisions")).scalar_one())
            raise InjectedFailure(f"injected at history.append call {call}")
        return revision

    monkeypatch.setattr(history, "append", append)
    return seen


def assert_failed_cleanly(result: Any) -> None:
    assert result.code == 3, result
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert "Traceback" not in result.err
    assert lines[0].startswith("Error: unexpected failure (InjectedFailure: injected at")
    assert "nothing was written" in lines[0] and "rerun with --debug" in lines[0]


def revision_count(snap: Snapshot) -> int:
    return len(snap["revisions"])


QUOTE = "hammer out an agenda for the UN COP 28 climate conference in December"

COMMANDS: dict[str, Callable[[Path], list[str]]] = {
    "add": lambda _: [
        "add", "cn-coal-cap-2025", "--title", "China caps coal use by 2025", "--actor", "CN",
        "--kind", "coal", "--target-year", "2025", "--reason", "atomicity test",
    ],
    "update": lambda _: [
        "update", "cn-co2-peak-2030", "--status", "in_progress", "--formality", "in_policy",
        "--notes", "changed", "--actor", "CN", "--actor", "US", "--reason", "atomicity test",
    ],
    "cite": lambda _: [
        "cite", "us-cn-cop28-success", "kerry-not-dictating", "--quote", QUOTE,
        "--reason", "atomicity test",
    ],
    "evidence deprecate": lambda _: ["evidence", "deprecate", "1", "--reason", "atomicity test"],
    "source add": lambda tmp: [
        "source", "add", str(tmp / "article.txt"), "--id", "nea-coal-control", "--title",
        "China to strictly control coal consumption", "--kind", "official",
        "--published", "2023-11-20", "--reason", "atomicity test",
    ],
    "actor add": lambda _: [
        "actor", "add", "IN", "--name", "India", "--kind", "country", "--alias", "Indian",
        "--reason", "atomicity test",
    ],
}  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS)
def test_a_failing_command_writes_nothing(
    command: str, seeded: str, tmp_path: Path, cli: CLI, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "article.txt").write_text(
        "China will strictly control coal consumption, the NEA said.\n", encoding="utf-8"
    )
    args = [*COMMANDS[command](tmp_path), "--db", seeded, "--author", "tester"]
    before = snapshot(seeded)

    with monkeypatch.context() as patch:
        seen = fail_on_append(patch, call=1)
        failed = cli(*args)
    assert_failed_cleanly(failed)
    assert seen == [revision_count(before) + 1], "the failure came before anything was written"
    assert snapshot(seeded) == before

    # The same command, without the failure, writes: so the test above was not vacuous.
    done = cli(*args)
    assert done.code == 0, done.err
    assert revision_count(snapshot(seeded)) == revision_count(before) + 1


def test_a_failing_init_leaves_an_empty_database_empty(
    db_url: str, cli: CLI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Migrations and seeding are one transaction: a failure at the 10th seed revision leaves no
    table, no alembic_version row and no seed record (SQLite and PostgreSQL both roll back DDL).

    A SQLite file that did not exist is left behind empty (opening it set WAL mode): it holds no
    table, `db current` calls it empty, and `init` completes on it.
    """
    with monkeypatch.context() as patch:
        seen = fail_on_append(patch, call=10)
        failed = cli("init", "--db", db_url, "--author", "tester")
    assert_failed_cleanly(failed)
    assert seen == [10], "the migrations and nine seed revisions were written before the failure"
    assert snapshot(db_url) == {}
    current = cli("db", "current", "--db", db_url)
    assert current.code == 0, current.err
    assert current.out.splitlines()[0] == "database: empty"

    # Nothing half-done stands in the way of the next attempt.
    done = cli("init", "--db", db_url, "--author", "tester")
    assert done.code == 0, done.err
    after = snapshot(db_url)
    assert revision_count(after) > 10
    assert len(after["alembic_version"]) == 1
