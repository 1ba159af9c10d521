"""Where the register lives: resolving the database URL, opening it, and the one place that commits.

The database is `--db` or `PLEDGES_DB` (a SQLAlchemy URL or a plain file path), by default the
embedded SQLite file `pledges.db` in the current folder. PostgreSQL URLs use psycopg 3.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, inspect, make_url, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from pledges.errors import (
    InvalidInput,
    NoDatabase,
    NotInitialised,
    OutdatedDatabase,
    PledgesError,
    Unreachable,
)

DEFAULT_DB = "pledges.db"
ENV_VAR = "PLEDGES_DB"
# The alembic revision this code expects; tests/test_migrations.py pins it to alembic's head so
# that opening a database never has to import alembic.
HEAD_REVISION = "0002"
WRITER_LOCK = 7_412_001  # PostgreSQL advisory lock key held by every writing transaction


def resolve_url(db: str | None = None) -> URL:
    """The SQLAlchemy URL for `--db`, else PLEDGES_DB, else ./pledges.db."""
    raw = db or os.environ.get(ENV_VAR) or DEFAULT_DB
    if "://" not in raw:
        return URL.create("sqlite", database=str(Path(raw).expanduser().resolve()))
    try:
        url = make_url(raw)
    except sa_exc.ArgumentError:
        raise InvalidInput(
            f"database URL {raw!r} cannot be read",
            "give a file path or a URL such as postgresql://user@host:5432/dbname",
        ) from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def describe(url: URL) -> str:
    """The URL as it may be shown to a person: the password masked."""
    if url.get_backend_name() == "sqlite":
        return url.database or ":memory:"
    return url.render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite; WAL lets readers work while one process writes.
    dbapi_connection.isolation_level = None  # let SQLAlchemy's begin event issue BEGIN itself
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
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
    if isinstance(value, JSONText):
        return str(value)
    import json

    return json.dumps(value)


def make_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, json_serializer=_json)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if url.get_backend_name() == "postgresql":
        return create_engine(
            url, connect_args={"connect_timeout": 5}, pool_pre_ping=True, json_serializer=_json
        )
    return create_engine(url, json_serializer=_json)


def open_engine(db: str | None = None, *, create: bool = False, current: bool = True) -> Engine:
    """An engine on a reachable database.

    `create` allows a new SQLite file (init does); `current` insists that the schema is at the
    revision this code expects.
    """
    url = resolve_url(db)
    where = describe(url)
    sqlite_file = url.database if url.get_backend_name() == "sqlite" else None
    if sqlite_file and not create and not Path(sqlite_file).exists():
        raise NoDatabase(
            f"there is no register at {where}",
            "run 'pledges init' to create it, or point --db / PLEDGES_DB at an existing one",
        )
    try:
        engine = make_engine(url)
    except (sa_exc.ArgumentError, sa_exc.NoSuchModuleError):
        raise InvalidInput(
            f"database URL {where!r} names no database this tool supports",
            "use a file path (SQLite) or postgresql://user@host:5432/dbname",
        ) from None
    if current:
        try:
            revision = schema_revision(engine)
        except BaseException:
            engine.dispose()
            raise
        if revision != HEAD_REVISION:
            engine.dispose()
        if revision is None:
            raise NotInitialised(
                f"the database at {where} holds no register yet",
                "run 'pledges init' to create it",
            )
        if revision != HEAD_REVISION:
            raise OutdatedDatabase(
                f"the database at {where} is at schema revision {revision}; "
                f"this version of pledges needs {HEAD_REVISION}",
                "run 'pledges db upgrade' (or 'pledges init') to bring it up to date",
            )
    return engine


def schema_revision(engine: Engine) -> str | None:
    """The alembic revision the database is at, or None for an empty database."""
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    except sa_exc.OperationalError as error:
        raise unreachable(engine.url, error) from None
    except sa_exc.DatabaseError as error:
        raise PledgesError(
            f"{describe(engine.url)} is not a pledges database ({_first_line(error)})",
            "point --db / PLEDGES_DB at the register, or run 'pledges init' on a new file",
        ) from None
    return None if row is None else str(row[0])


def _first_line(error: BaseException) -> str:
    orig = getattr(error, "orig", None) or error
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__


def unreachable(url: URL, error: BaseException) -> Unreachable:
    return Unreachable(
        f"cannot reach the database at {describe(url)} ({_first_line(error)})",
        "check that the server is running and that --db / PLEDGES_DB is right",
    )


@contextmanager
def transaction(engine: Engine, *, write: bool = False) -> Iterator[Session]:
    """One unit of work: everything in it is committed together, or nothing is.

    This is the only place in the code base that commits.
    """
    bind = engine.execution_options(pledges_write=True) if write else engine
    session = Session(bind=bind, expire_on_commit=False, autoflush=True)
    try:
        if write and engine.dialect.name == "postgresql":
            # Writers queue for the head of the revision chain (SQLite's BEGIN IMMEDIATE does the
            # same there); the lock is released when the transaction ends.
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITER_LOCK})
        yield session
        session.commit()
    except sa_exc.OperationalError as error:
        session.rollback()
        if error.connection_invalidated:
            raise unreachable(engine.url, error) from None
        raise
    except BaseException:
        session.rollback()
        raise
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
