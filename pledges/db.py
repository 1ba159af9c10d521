"""Opening the register: engines, the one place that commits, and database errors as the user's.

Which database is the register is pledges.dburl's. Writers take turns, waiting for one another up
to `PLEDGES_BUSY_SECONDS` (see README.md). On SQLite the wait is the busy timeout; on PostgreSQL
it is the `lock_timeout` of each transaction, which bounds the wait for the writers' advisory lock
(and, for readers, for a migration's table locks).
"""

from __future__ import annotations

import json
import os
import re
import shlex
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, inspect, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from pledges.dburl import URL_EXAMPLE, describe, resolve_url
from pledges.errors import (
    Busy,
    InvalidInput,
    NoDatabase,
    PledgesError,
    ReadOnly,
    Unreachable,
)
from pledges.registerfile import (
    BUSY_VAR,
    HEAD_REVISION,
    busy_seconds,
    check_path,
    check_revision,
)
from pledges.search import follow as search_follow

WRITER_LOCK = 7_412_001  # PostgreSQL advisory lock key held by every writing transaction
_BUSY_OPTION = "pledges_busy_ms"  # the engine's execution option carrying the wait


def _sqlite_pragmas(dbapi_connection: Any, _record: Any, *, busy_ms: int) -> None:
    # Foreign keys are off by default in SQLite; WAL lets readers work while one process writes;
    # the busy timeout is how long BEGIN IMMEDIATE waits for another writer.
    dbapi_connection.isolation_level = None  # let SQLAlchemy's begin event issue BEGIN itself
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={busy_ms:d}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # Writers take the write lock up front, so two editors queue instead of deadlocking.
    write = connection.get_execution_options().get("pledges_write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


class JSONText(str):
    """A value for a JSON column that is serialised already (a revision's changes, whose
    canonical JSON was made for its hash): stored as it is, not serialised again."""


def _json(value: Any) -> str:
    return str(value) if isinstance(value, JSONText) else json.dumps(value)


def _busy_ms(engine: Engine) -> int:
    """The engine's wait for another writer, in milliseconds (read once, by make_engine)."""
    return int(engine.get_execution_options()[_BUSY_OPTION])


def make_engine(url: URL) -> Engine:
    """An engine for the URL; the wait for another writer (busy_seconds) is read here, once."""
    busy_ms = max(1, round(busy_seconds() * 1000))
    server: dict[str, Any] = {"connect_args": {"connect_timeout": 5}, "pool_pre_ping": True}
    engine = create_engine(
        url,
        json_serializer=_json,
        execution_options={_BUSY_OPTION: busy_ms},
        **(server if url.get_backend_name() == "postgresql" else {}),
    )
    if url.get_backend_name() == "sqlite":
        event.listen(engine, "connect", partial(_sqlite_pragmas, busy_ms=busy_ms))
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def open_engine(db: str | None = None, *, create: bool = False, current: bool = True) -> Engine:
    """An engine on a reachable database.

    `create` allows a new SQLite file (init does); `current` insists that the schema is at the
    revision this code expects.
    """
    url = resolve_url(db)
    where = describe(url)
    sqlite_file = url.database if url.get_backend_name() == "sqlite" else None
    if sqlite_file:
        check_path(Path(sqlite_file), create=create)
    try:
        engine = make_engine(url)
    except (sa_exc.ArgumentError, sa_exc.NoSuchModuleError):
        raise InvalidInput(
            f"database URL {where!r} names no database this tool supports", f"use {URL_EXAMPLE}"
        ) from None
    try:
        revision = schema_revision(engine) if current else HEAD_REVISION
        check_revision(revision, where)
    except BaseException:
        engine.dispose()
        raise
    return engine


def schema_revision(engine: Engine) -> str | None:
    """The alembic revision the database is at, or None for an empty database."""
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    except sa_exc.OperationalError as error:
        raise (failure(engine, error) or unreachable(engine.url, error)) from None
    except UnicodeError:  # psycopg encodes the host name (IDNA) before it connects
        raise InvalidInput(
            f"the host name in database URL {describe(engine.url)!r} is not allowed",
            "give a host name whose parts are at most 63 characters, or an IP address",
        ) from None
    except sa_exc.DatabaseError as error:
        raise PledgesError(
            f"{describe(engine.url)} is not a pledges database ({first_line(error)})",
            "point --db / PLEDGES_DB at the register, or run 'pledges init' on a new file",
        ) from None
    return None if row is None else str(row[0])


def first_line(error: BaseException) -> str:
    orig = getattr(error, "orig", None) or error
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__


def unreachable(url: URL, error: BaseException) -> Unreachable:
    return Unreachable(
        f"cannot reach the database at {describe(url)} ({first_line(error)})",
        "check that the server is running and that --db / PLEDGES_DB is right",
    )


def _sqlite_read_only(path: Path, errorname: str) -> ReadOnly:
    """Which part of a SQLite register refuses writes: the file, its folder (where the -wal and
    -shm files are made), or one of those files."""
    if errorname == "SQLITE_READONLY_DIRECTORY":
        return ReadOnly(
            f"the folder {path.parent} of the register is read-only, and SQLite must write "
            f"{path.name}-wal and {path.name}-shm beside the register; nothing was written",
            "make the folder writable, or copy the register to a folder you can write",
        )
    beside = (path.with_name(f"{path.name}-{end}") for end in ("wal", "shm"))
    refusing = [other for other in beside if other.exists() and not os.access(other, os.W_OK)]
    what = (
        "the file cannot be written"
        if refusing == [] or not os.access(path, os.W_OK)
        else f"{refusing[0].name} beside it cannot be written"
    )
    return ReadOnly(
        f"the register {path} is read-only: {what}; nothing was written",
        "make it writable, or copy the register to a place you can write, then run the command "
        "again; commands that only read, such as 'pledges list', still work",
    )


def failure(engine: Engine, error: sa_exc.DBAPIError) -> PledgesError | None:
    """The user's view of a database error that is a condition of the register (busy, read-only,
    unreachable), or None for one that is a bug and should surface as such."""
    url = engine.url
    orig = error.orig
    sqlite_error = str(getattr(orig, "sqlite_errorname", ""))  # Python 3.11's sqlite3 names it
    sqlstate = str(getattr(orig, "sqlstate", "") or "")  # psycopg's SQLSTATE
    if sqlite_error.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or sqlstate == "55P03":
        return Busy(
            "the register is busy",
            "try again in a moment: another command is writing to it and did not finish within "
            f"{_busy_ms(engine) / 1000:g} s, so nothing was written ({BUSY_VAR} sets how long to "
            "wait)",
        )
    if sqlite_error.startswith("SQLITE_READONLY") and url.database:
        return _sqlite_read_only(Path(url.database), sqlite_error)
    if sqlite_error == "SQLITE_CORRUPT_VTAB":  # a search table (pledges.search.tables)
        return PledgesError(
            f"the search index of {describe(url)} is damaged; nothing was written",
            "run 'pledges db reindex' to make it again from the register, then the command again",
        )
    if sqlite_error.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return PledgesError(
            f"the register {describe(url)} is damaged: SQLite finds its pages corrupt; "
            "nothing was written",
            "restore the register from a backup or an export ('pledges import' into a new "
            "register); 'pledges log verify' runs SQLite's integrity check",
        )
    if sqlite_error == "SQLITE_FULL" or sqlstate == "53100":
        return PledgesError(
            f"the disk holding the register {describe(url)} is full; nothing was written",
            "free some space, then run the command again",
        )
    if sqlstate == "25006":  # read_only_sql_transaction: a standby, or a read-only database
        return ReadOnly(
            f"the database at {describe(url)} accepts no writes (it is read-only); "
            "nothing was written",
            "point --db / PLEDGES_DB at the server that takes writes, or ask its administrator; "
            "commands that only read still work",
        )
    if sqlite_error == "SQLITE_CANTOPEN":
        if url.database and not Path(url.database).parent.is_dir():
            return NoDatabase(
                f"the folder {Path(url.database).parent} of the register does not exist",
                "create it first, or point --db / PLEDGES_DB at a file in a folder that exists",
            )
        return Unreachable(
            f"cannot open the register {describe(url)}",
            "check that the path is right and that you may read the file and its folder",
        )
    missing = _missing_on_server(url, str(orig))
    if missing is not None:
        return missing
    if error.connection_invalidated:
        return unreachable(url, error)
    return None


# The server refuses a connection to a database or as a role it does not have with these words
# (libpq gives no SQLSTATE for a refused connection).
_MISSING = re.compile(r'FATAL:\s+(database|role) "((?:[^"]|"")*)" does not exist')


def _missing_on_server(url: URL, message: str) -> NoDatabase | None:
    """A PostgreSQL database or role that does not exist, and the command that creates it."""
    found = _MISSING.search(message)
    if found is None or url.get_backend_name() != "postgresql":
        return None
    what, name = found.group(1), found.group(2).replace('""', '"')
    server = " ".join(
        f"{flag} {shlex.quote(str(value))}"
        for flag, value in (("-h", url.host), ("-p", url.port))
        if value is not None
    )
    sql = '"' + name.replace('"', '""') + '"'
    if what == "database":
        as_user = f" -U {shlex.quote(url.username)}" if url.username else ""
        command = f"createdb {server}{as_user} {shlex.quote(name)}".replace("  ", " ")
        return NoDatabase(
            f"the database {name!r} does not exist on the server at {describe(url)}",
            f"create it with '{command}' (or in SQL: CREATE DATABASE {sql}), then run "
            "'pledges init' on it",
        )
    password = " --pwprompt" if url.password else ""
    command = f"createuser {server} -U postgres --createdb{password} {shlex.quote(name)}"
    return NoDatabase(
        f"the role {name!r} does not exist on the server at {describe(url)}",
        f"create it as a superuser with '{command.replace('  ', ' ')}' (or in SQL: CREATE ROLE "
        f"{sql} LOGIN CREATEDB), or give an existing user in --db / PLEDGES_DB",
    )


@contextmanager
def transaction(engine: Engine, *, write: bool = False) -> Iterator[Session]:
    """One unit of work: everything in it is committed together, or nothing is.

    This is the only place in the code base that commits.
    """
    bind = engine.execution_options(pledges_write=True) if write else engine
    session = Session(bind=bind, expire_on_commit=False, autoflush=True)
    try:
        if engine.dialect.name == "postgresql":
            # Bounded waits (SQLite's busy timeout does this there): behind another writer's
            # advisory lock, or a migration's table locks. SET LOCAL, so it ends with the
            # transaction and never outlives it on a pooled connection.
            wait = f"{_busy_ms(engine)}ms"
            session.execute(text("SELECT set_config('lock_timeout', :wait, true)"), {"wait": wait})
            if write:
                # Writers queue for the head of the revision chain (SQLite's BEGIN IMMEDIATE does
                # the same there); the lock is released when the transaction ends.
                session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITER_LOCK})
        if write and engine.dialect.name == "sqlite":  # PostgreSQL keeps its search index itself
            search_follow.begin(session)
        yield session
        search_follow.catch_up(session)
        session.commit()
    except BaseException as error:
        session.rollback()
        known = failure(engine, error) if isinstance(error, sa_exc.DBAPIError) else None
        if known is None:
            raise
        raise known from None
    finally:
        session.close()


@contextmanager
def opened(db: str | None, *, create: bool = False, current: bool = True) -> Iterator[Engine]:
    """An engine for the length of a command; its connections are closed afterwards."""
    engine = open_engine(db, create=create, current=current)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def unit_of_work(db: str | None, *, write: bool = False) -> Iterator[Session]:
    """Open the register, run one transaction on it, close it: what each command does."""
    with opened(db) as engine, transaction(engine, write=write) as session:
        yield session


def snapshot(engine: Engine) -> Engine:
    """The engine whose transactions see one state of the register throughout, as `log verify`,
    the export and the report need: PostgreSQL's READ COMMITTED would let each query see later
    commits (SQLite's reads always see one state)."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="REPEATABLE READ")
    return engine
