"""Operational failures are one line, exit 2, and write nothing: never an "unexpected failure".

The cases: ids and numbers beyond what the register or the calendar can hold, database URLs that
name nothing this tool can open, and a register that cannot be written (a read-only SQLite file,
a read-only folder for its -wal and -shm files, an immutable file, a read-only PostgreSQL
database). Each runs through the command line; the register is compared before and after.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text

from pledges import service, stored_records
from pledges.db import unit_of_work
from pledges.models import RevisionRow
from pledges.vocab import MAX_ID
from tests.conftest import CLI, ROOT, FreshPostgres, Result

URL_HINT = "use a file path (SQLite) or a URL such as postgresql://user@host:5432/dbname"
PORT_HINT = "give a port from 1 to 65535, e.g. postgresql://user@host:5432/dbname"
READ_ONLY_HINT = (
    "make it writable, or copy the register to a place you can write, then run the command "
    "again; commands that only read, such as 'pledges list', still work"
)
UPDATE = ("update", "cn-co2-peak-2030", "--notes", "a change", "--reason", "r")


def state(url: str) -> tuple[int, Any]:
    """The number of revisions and every record: what a refused command must leave alone."""
    with unit_of_work(url) as session:
        revisions = session.scalar(select(func.count()).select_from(RevisionRow))
        return revisions or 0, stored_records.all_records(session)


def refused(result: Result, line: str) -> None:
    assert (result.code, result.out, result.err) == (2, "", f"Error: {line}\n")


# --- ids and numbers ----------------------------------------------------------------------------

# Beyond the database's integer, and what Python's int() would read but a person did not mean.
TOO_BIG = ["0", str(MAX_ID + 1), str(2**63), "99999999999999999999", "1_0", "+1", "\u0661"]


def test_evidence_ids_beyond_the_register_are_refused(cli: CLI, seeded: str) -> None:
    before = state(seeded)
    for number in TOO_BIG:
        line = (
            f"evidence id {number} is not allowed — use an id from 1 to 2147483647, "
            "as 'pledges show PLEDGE_ID' lists them"
        )
        refused(cli("evidence", "deprecate", number, "--reason", "r", "--db", seeded), line)
        refused(cli("evidence", "verify", "1", number, "--reason", "r", "--db", seeded), line)
        version = cli(*UPDATE, "--expect-version", number, "--db", seeded)
        refused(
            version,
            f"--expect-version {number} is not allowed — use a version from 1 to 2147483647, "
            "as 'pledges show ID' gives it",
        )
    # The largest id is asked of the database, which can hold it: there is none.
    refused(
        cli("evidence", "deprecate", str(MAX_ID), "--reason", "r", "--db", seeded),
        f"no evidence with id {MAX_ID} — 'pledges show PLEDGE_ID' lists each piece of evidence "
        "with its id",
    )
    assert state(seeded) == before
    assert cli("log", "verify", "--db", seeded).code == 0


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("--reverify-days", "1000000000000"), "--reverify-days 1000000000000 is not allowed — "
         "use a number of days from 1 to 36500"),
        (("--reverify-days", "0"), "--reverify-days 0 is not allowed — use a number of days "
         "from 1 to 36500"),
        (("--reverify-days", "36501"), "--reverify-days 36501 is not allowed — use a number of "
         "days from 1 to 36500"),
        (("--today", "0001-01-02"), "--today '0001-01-02' is not allowed — give a date from "
         "1900-01-01 to 2100-12-31"),
        (("--today", "9999-12-31"), "--today '9999-12-31' is not allowed — give a date from "
         "1900-01-01 to 2100-12-31"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("command", ["audit", "report"])
def test_audit_numbers_beyond_a_sane_range_are_refused(
    cli: CLI, seeded_sqlite: str, tmp_path: Path, command: str, args: tuple[str, ...], line: str
) -> None:
    site = tmp_path / "site"
    out = ("--out", str(site)) if command == "report" else ()
    refused(cli(command, *out, *args, "--db", seeded_sqlite), line)
    assert not site.exists()


def test_the_widest_audit_range_still_runs(cli: CLI, seeded_sqlite: str) -> None:
    """The bounds themselves stay within the calendar: a century back from the earliest day."""
    result = cli(
        "audit", "--reverify-days", "36500", "--today", "1900-01-01", "--db", seeded_sqlite
    )
    assert result.code in (0, 1), result.err
    assert "unexpected failure" not in result.err


def test_too_many_audit_workers_are_refused(cli: CLI, seeded_sqlite: str) -> None:
    refused(
        cli("audit", "--workers", "99999999999999999999", "--db", seeded_sqlite),
        "--workers 99999999999999999999 is not allowed — use a number of processes from 1 to 64",
    )


# --- database URLs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "line"),
    [
        ("foo://x", f"database URL 'foo://x' names no database this tool supports — {URL_HINT}"),
        ("mysql://analyst:s3cret@db.example/register", "database URL "
         f"'mysql://analyst:***@db.example/register' names no database this tool supports — "
         f"{URL_HINT}"),
        ("postgresql://analyst:s3cret@db.example:abc/register", "the port 'abc' in database URL "
         f"'postgresql://analyst:***@db.example:abc/register' is not allowed — {PORT_HINT}"),
        ("postgresql://analyst@db.example:99999/register", "the port '99999' in database URL "
         f"'postgresql://analyst@db.example:99999/register' is not allowed — {PORT_HINT}"),
        ("postgresql://analyst@db.example:0/register", "the port '0' in database URL "
         f"'postgresql://analyst@db.example:0/register' is not allowed — {PORT_HINT}"),
        ("postgresql://analyst@[::1/register", "database URL 'postgresql://analyst@[::1/register'"
         " cannot be read — give a file path (SQLite) or a URL such as "
         "postgresql://user@host:5432/dbname"),
        ("sqlite://", "database URL 'sqlite://' names no file (an in-memory database keeps "
         "nothing) — give the register's file, e.g. sqlite:///pledges.db or just pledges.db"),
        ("sqlite:///:memory:", "database URL 'sqlite:///:memory:' names no file (an in-memory "
         "database keeps nothing) — give the register's file, e.g. sqlite:///pledges.db or just "
         "pledges.db"),
        (f"postgresql://analyst@{'a' * 300}:5432/register", "the host name in database URL "
         f"'postgresql+psycopg://analyst@{'a' * 300}:5432/register' is not allowed — give a host "
         "name whose parts are at most 63 characters, or an IP address"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("command", ["list", "init"])
def test_database_urls_that_name_nothing_usable(
    cli: CLI, command: str, url: str, line: str
) -> None:
    result = cli(command, "--db", url)
    refused(result, line)
    assert "s3cret" not in result.err


def test_an_odd_url_in_the_environment_is_named_too(
    cli: CLI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLEDGES_DB", "foo://x")
    refused(
        cli("show", "cn-co2-peak-2030"),
        f"database URL 'foo://x' names no database this tool supports — {URL_HINT}",
    )


def test_a_folder_given_as_the_register(cli: CLI, tmp_path: Path) -> None:
    for command in ("list", "init"):
        refused(
            cli(command, "--db", str(tmp_path)),
            f"{tmp_path} is a folder, not a register — give the register's file, "
            f"e.g. {tmp_path / 'pledges.db'}",
        )
    assert list(tmp_path.iterdir()) == []


def test_a_path_too_long_for_the_file_system(cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / ("x" * 300 + ".db")
    for command in ("list", "init"):
        refused(
            cli(command, "--db", str(path)),
            f"the register's path '{path}' cannot be used (File name too long) — give a shorter "
            "path to the register's file with --db / PLEDGES_DB",
        )


def test_init_in_a_folder_that_does_not_exist(cli: CLI, tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    refused(
        cli("init", "--db", str(missing / "register.db")),
        f"the folder {missing} of the register does not exist — create it first, or point "
        "--db / PLEDGES_DB at a file in a folder that exists",
    )
    assert not missing.exists()


# --- a register that cannot be written ----------------------------------------------------------


def run_as(prefix: list[str], *args: str) -> Result:
    """`pledges ARGS...` in a process of its own (one that file permissions apply to)."""
    done = subprocess.run(
        [*prefix, sys.executable, "-m", "pledges", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )
    return Result(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def sqlite_register(tmp_path: Path) -> Iterator[Path]:
    """A seeded SQLite register alone in its folder; its files are made writable again after."""
    folder = tmp_path / "register"
    folder.mkdir()
    path = folder / "register.db"
    service.init(f"sqlite:///{path}", author="test")
    yield path
    folder.chmod(0o755)
    for file in folder.iterdir():
        file.chmod(0o644)


def test_a_read_only_file_is_named_and_still_read(
    unprivileged: list[str], sqlite_register: Path
) -> None:
    url = f"sqlite:///{sqlite_register}"
    before = state(url)
    sqlite_register.chmod(0o444)
    shown = run_as(unprivileged, "show", "cn-co2-peak-2030", "--db", url)
    assert (shown.code, shown.err) == (0, ""), shown.err
    listed = run_as(unprivileged, "list", "--format", "csv", "--db", url)
    assert (listed.code, len(listed.out.splitlines())) == (0, 13), listed.err
    for args in (UPDATE, ("evidence", "deprecate", "3", "--reason", "r")):
        refused(
            run_as(unprivileged, *args, "--db", url),
            f"the register {sqlite_register} is read-only: the file cannot be written; nothing "
            f"was written — {READ_ONLY_HINT}",
        )
    sqlite_register.chmod(0o644)
    for file in sqlite_register.parent.iterdir():  # the -wal and -shm a reader made
        file.chmod(0o644)
    assert state(url) == before


def test_a_read_only_folder_is_named(unprivileged: list[str], sqlite_register: Path) -> None:
    url = f"sqlite:///{sqlite_register}"
    before = state(url)
    folder = sqlite_register.parent
    assert sorted(p.name for p in folder.iterdir()) == ["register.db"]
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP)
    line = (
        f"the folder {folder} of the register is read-only, and SQLite must write "
        "register.db-wal and register.db-shm beside the register; nothing was written — make the "
        "folder writable, or copy the register to a folder you can write"
    )
    for args in (UPDATE, ("list",), ("log", "verify")):
        refused(run_as(unprivileged, *args, "--db", url), line)
    folder.chmod(0o755)
    assert state(url) == before


def test_an_immutable_file_is_named_and_still_read(cli: CLI, sqlite_register: Path) -> None:
    chattr = shutil.which("chattr")
    if os.geteuid() != 0 or chattr is None:
        pytest.skip("making a file immutable needs root and chattr")
    url = f"sqlite:///{sqlite_register}"
    before = state(url)
    made = subprocess.run([chattr, "+i", str(sqlite_register)], capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"chattr +i failed on this file system: {made.stderr.decode().strip()}")
    try:
        assert cli("list", "--db", url).code == 0
        refused(
            cli(*UPDATE, "--db", url),
            f"the register {sqlite_register} is read-only: the file cannot be written; nothing "
            f"was written — {READ_ONLY_HINT}",
        )
    finally:
        subprocess.run([chattr, "-i", str(sqlite_register)], check=True)
    assert state(url) == before
    assert cli("log", "verify", "--db", url).code == 0


@pytest.mark.postgres
def test_a_read_only_postgresql_database_is_named(cli: CLI, fresh_pg: FreshPostgres) -> None:
    url = fresh_pg.new()
    service.init(url, author="test")
    before = state(url)
    name = url.rsplit("/", 1)[1]
    admin = create_engine(fresh_pg.server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
        refused(
            cli(*UPDATE, "--db", url),
            f"the database at {url} accepts no writes (it is read-only); nothing was written — "
            "point --db / PLEDGES_DB at the server that takes writes, or ask its administrator; "
            "commands that only read still work",
        )
        assert cli("list", "--db", url).code == 0
        assert state(url) == before
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" RESET default_transaction_read_only'))
        admin.dispose()


# --- a damaged file -----------------------------------------------------------------------------


def test_a_damaged_register_is_named(cli: CLI, sqlite_register: Path) -> None:
    """Garbage over the pledges table's pages: commands say the register is damaged, not exit 3."""
    import sqlite3

    with sqlite3.connect(sqlite_register) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'pledges'").fetchone()
    conn.close()
    with sqlite_register.open("r+b") as file:
        file.seek((root[0] - 1) * page_size)
        file.write(b"\xff" * page_size)
    result = cli("list", "--db", str(sqlite_register))
    refused(
        result,
        f"the register {sqlite_register} is damaged: SQLite finds its pages corrupt; nothing was "
        "written — restore the register from a backup or an export ('pledges import' into a new "
        "register); 'pledges log verify' runs SQLite's integrity check",
    )


def test_cite_says_when_no_evidence_id_is_left(cli: CLI, seeded: str) -> None:
    """Evidence stored at the largest id (an import can restore one) leaves none for `cite`."""
    engine = create_engine(seeded)
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE evidence SET id = :top WHERE id = (SELECT max(id) FROM evidence)"),
            {"top": MAX_ID},
        )
    engine.dispose()
    before = state(seeded)
    result = cli(
        "cite", "cn-co2-peak-2030", "china-rejects-us-calls",
        "--quote", "peak carbon and carbon neutrality", "--reason", "r", "--db", seeded,
    )  # fmt: skip
    refused(
        result,
        f"no evidence id is left: ids go up to {MAX_ID} and the register holds that one — "
        "renumber the evidence in an export (empty ids are numbered anew) and import it into a "
        "new register",
    )
    assert state(seeded) == before
