"""A busy register: a command waits a bounded time for another one that is writing, then stops.

Another process holds the writers' lock as any writing command holds it (pledges.db.transaction:
BEGIN IMMEDIATE on SQLite, the advisory lock on PostgreSQL). With PLEDGES_BUSY_SECONDS=1 a
second writer must give up after about a second with one line, exit 2, and leave the register
as it was; a reader is not held up at all; and a writer whose wait outlasts the other's lock
lands.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from pledges import stored_records
from pledges.db import opened, transaction, unit_of_work
from pledges.models import RevisionRow
from pledges.registerfile import busy_seconds
from tests.conftest import CLI, ROOT

BUSY_LINE = (
    "Error: the register is busy — try again in a moment: another command is writing to it and "
    "did not finish within 1 s, so nothing was written (PLEDGES_BUSY_SECONDS sets how long to "
    "wait)"
)
START_TIMEOUT = 60.0

# The other writer: it opens the register's write transaction, says so, and keeps it open.
HOLDER = """
import sys, time
from pathlib import Path
from sqlalchemy import text
from pledges.db import opened, transaction
url, seconds, ready = sys.argv[1], float(sys.argv[2]), Path(sys.argv[3])
with opened(url) as engine, transaction(engine, write=True) as session:
    session.execute(text("SELECT 1"))  # SQLite takes its lock with the first statement
    ready.touch()
    time.sleep(seconds)
"""

WRITES = {
    "update": ("update", "cn-co2-peak-2030", "--notes", "written while busy", "--reason", "r"),
    "cite": (
        "cite", "us-cn-cop28-success", "kerry-not-dictating", "--reason", "r",
        "--quote", "hammer out an agenda for the UN COP 28 climate conference in December",
    ),
    "deprecate": ("evidence", "deprecate", "3", "--reason", "written while busy"),
    "init": ("init",),
}  # fmt: skip


@contextmanager
def another_writer(url: str, tmp_path: Path, seconds: float = 60.0) -> Iterator[None]:
    """Another process holding the writers' lock for `seconds` (or until the block ends)."""
    ready = tmp_path / "holder.ready"
    ready.unlink(missing_ok=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, url, str(seconds), str(ready)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not ready.exists():
            assert holder.poll() is None, holder.communicate()
            assert time.monotonic() < deadline, "the other writer did not take its lock"
            time.sleep(0.01)
        yield
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.communicate()


def state(url: str) -> tuple[int, Any]:
    """The number of revisions and every record: what a refused command must leave alone."""
    with unit_of_work(url) as session:
        revisions = session.scalar(select(func.count()).select_from(RevisionRow))
        return revisions or 0, stored_records.all_records(session)


@pytest.mark.parametrize("command", sorted(WRITES))
def test_a_writer_gives_up_after_the_wait_and_writes_nothing(
    cli: CLI, seeded: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.setenv("PLEDGES_BUSY_SECONDS", "1")
    before = state(seeded)
    with another_writer(seeded, tmp_path):
        started = time.monotonic()
        result = cli(*WRITES[command], "--db", seeded)
        waited = time.monotonic() - started
    assert (result.code, result.out, result.err) == (2, "", BUSY_LINE + "\n")
    assert 0.9 <= waited < 5.0, f"waited {waited:.2f} s for a 1 s wait"
    assert state(seeded) == before
    assert cli("log", "verify", "--db", seeded).code == 0


def test_a_reader_is_not_held_up_by_a_writer(
    cli: CLI, seeded: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLEDGES_BUSY_SECONDS", "1")
    with another_writer(seeded, tmp_path):
        listed = cli("list", "--db", seeded, "--format", "csv")
        shown = cli("show", "cn-co2-peak-2030", "--db", seeded)
    assert (listed.code, listed.err) == (0, "")
    assert len(listed.out.strip().splitlines()) == 13  # the header and the 12 seed pledges
    assert (shown.code, shown.err) == (0, "")


def test_a_writer_lands_when_the_other_one_finishes_within_the_wait(
    cli: CLI, seeded: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLEDGES_BUSY_SECONDS", "20")
    revisions, _ = state(seeded)
    with another_writer(seeded, tmp_path, seconds=1.0):
        started = time.monotonic()
        result = cli(*WRITES["update"], "--db", seeded)
        waited = time.monotonic() - started
    assert result.code == 0, result.err
    assert result.err == "Updated pledge cn-co2-peak-2030: now at version 2.\n"
    assert 0.5 <= waited < 15.0, f"waited {waited:.2f} s for a lock held about 1 s"
    assert state(seeded)[0] == revisions + 1
    assert cli("log", "verify", "--db", seeded).code == 0


@pytest.mark.postgres
def test_the_postgresql_wait_ends_with_its_transaction(
    fresh_pg: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SET LOCAL: a pooled connection does not carry the wait into what runs on it next."""
    monkeypatch.delenv("PLEDGES_BUSY_SECONDS", raising=False)
    url = fresh_pg.new()
    with opened(url, current=False) as engine:
        with transaction(engine, write=True) as session:
            inside = session.scalar(text("SHOW lock_timeout"))
        with engine.connect() as conn:
            after = conn.scalar(text("SHOW lock_timeout"))
    assert (inside, after) == ("30s", "0")


def test_the_wait_is_30_seconds_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PLEDGES_BUSY_SECONDS", raising=False)
    assert busy_seconds() == 30.0
    monkeypatch.setenv("PLEDGES_BUSY_SECONDS", " 2.5 ")
    assert busy_seconds() == 2.5
    monkeypatch.setenv("PLEDGES_BUSY_SECONDS", "")
    assert busy_seconds() == 30.0


def _not_a_wait(value: str) -> bool:
    try:
        return not 0.1 <= float(value) <= 3600
    except ValueError:
        return True


not_a_wait = st.one_of(
    st.sampled_from(["0", "-1", "0.05", "3601", "nan", "inf", "abc", "1s", "30 s", "½"]),
    st.floats(allow_nan=True).map(str),
    st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=12),
).filter(lambda v: bool(v.strip()) and _not_a_wait(v.strip()))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(value=not_a_wait)
def test_a_wait_that_is_not_allowed_is_one_line(
    cli: CLI, seeded_sqlite: str, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("PLEDGES_BUSY_SECONDS", value)
    result = cli("list", "--db", seeded_sqlite)
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        f"Error: PLEDGES_BUSY_SECONDS {value.strip()!r} is not allowed — set it to a number of "
        "seconds from 0.1 to 3600, or unset it to wait 30 s\n"
    )
