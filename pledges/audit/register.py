"""The register as the audit reads it: plain SQL, rows as tuples, one state throughout.

A register given as a file is read with Python's sqlite3 alone, as the search reads it: after a
small change the audit has little to do, and SQLAlchemy would take longer to load than the rest.
A register on a server is read through SQLAlchemy in a REPEATABLE READ transaction. Both run the
same statements (named parameters, `:name`).

What the audit stores (pledges.audit.store) is written after the reading transaction ends, in a
short transaction of its own. A register the audit may not write (a read-only file or folder, a
role that may only read) is audited all the same, without storing; so is one busy with another
writer for longer than a moment: the audit never makes an editor wait.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from pledges.registerfile import (
    busy_seconds,
    check_path,
    check_revision,
    given,
    sqlite_failure,
    sqlite_path,
)

STORE_WAIT = 0.5  # seconds the audit waits to store what it learnt before it gives up storing
STREAMED = 200  # rows fetched at a time by `stream` (each may hold an article's whole text)

Params = Mapping[str, Any]
Writes = Sequence[tuple[str, Sequence[Params]]]
Guard = tuple[str, Any]  # a query, and the value its first row's first column must hold


def _holds(rows: Sequence[Sequence[Any]], guard: Guard) -> bool:
    return bool((rows[0][0] if rows else None) == guard[1])


class Register:
    """Reads of one state of the register, and `store` to write what the audit learnt."""

    dialect: str
    url: str  # how a worker process opens the same register (`opened(url)`)

    def rows(self, statement: str, params: Params | None = None) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def stream(self, statement: str, params: Params | None = None) -> Iterator[tuple[Any, ...]]:
        raise NotImplementedError

    def store(self, writes: Writes, guard: Guard | None = None) -> bool:
        """Run each statement over its rows, in one transaction, after the reads: True when
        stored, False when the register may not be written now (read-only, or busy), or when
        the `guard`'s query, run first in the transaction, does not give its value."""
        raise NotImplementedError


class _File(Register):
    def __init__(self, path: Path) -> None:
        self.dialect, self.url, self.path = "sqlite", str(path), path
        self.connection = sqlite3.connect(path, timeout=busy_seconds(), isolation_level=None)
        try:
            self._begin()
        except sqlite3.OperationalError:
            # In a folder it may not write, SQLite cannot make the files a register's readers
            # share (-wal, -shm). With no -wal file left there, the file holds the whole
            # register and can be read as it stands (and nothing stored).
            self.connection.close()
            wal = path.with_name(path.name + "-wal")
            if os.access(path.parent, os.W_OK) or wal.exists():
                raise
            uri = path.as_uri() + "?immutable=1"
            self.connection = sqlite3.connect(uri, uri=True, isolation_level=None)
            self._begin()

    def _begin(self) -> None:
        self.connection.execute("BEGIN")  # one state for every read, until `store`
        self.connection.execute("SELECT count(*) FROM sqlite_master").fetchall()

    def rows(self, statement: str, params: Params | None = None) -> list[tuple[Any, ...]]:
        return self.connection.execute(statement, params or {}).fetchall()

    def stream(self, statement: str, params: Params | None = None) -> Iterator[tuple[Any, ...]]:
        cursor = self.connection.execute(statement, params or {})
        while batch := cursor.fetchmany(STREAMED):
            yield from batch

    def store(self, writes: Writes, guard: Guard | None = None) -> bool:
        connection = self.connection
        if connection.in_transaction:
            connection.execute("COMMIT")
        connection.execute(f"PRAGMA busy_timeout = {round(STORE_WAIT * 1000)}")
        connection.execute("PRAGMA synchronous = NORMAL")  # a cache: a power cut may lose it
        connection.execute("PRAGMA cache_size = -65536")  # 64 MB for a fresh audit's facts
        try:
            connection.execute("BEGIN IMMEDIATE")
            if guard is not None and not _holds(connection.execute(guard[0]).fetchall(), guard):
                connection.execute("ROLLBACK")
                return False
            for statement, rows in writes:
                connection.executemany(statement, rows)
            connection.execute("COMMIT")
        except sqlite3.OperationalError as error:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            name = str(getattr(error, "sqlite_errorname", ""))
            if name.startswith(
                ("SQLITE_READONLY", "SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN")
            ):
                return False
            raise
        return True


class _Server(Register):
    def __init__(self, connection: Any, url: str) -> None:
        self.dialect, self.url, self.connection = connection.dialect.name, url, connection
        self.connection.begin()

    def rows(self, statement: str, params: Params | None = None) -> list[tuple[Any, ...]]:
        from sqlalchemy import text

        return [tuple(row) for row in self.connection.execute(text(statement), params or {})]

    def stream(self, statement: str, params: Params | None = None) -> Iterator[tuple[Any, ...]]:
        from sqlalchemy import text

        streamed = {"yield_per": STREAMED}
        for row in self.connection.execute(
            text(statement), params or {}, execution_options=streamed
        ):
            yield tuple(row)

    def store(self, writes: Writes, guard: Guard | None = None) -> bool:
        from sqlalchemy import text
        from sqlalchemy.exc import DBAPIError

        connection = self.connection
        connection.commit()
        try:
            with connection.begin() as transaction:
                if self.dialect == "postgresql":  # never queue behind anyone for long
                    connection.execute(
                        text(f"SET LOCAL lock_timeout = '{round(STORE_WAIT * 1000)}ms'")
                    )
                if guard is not None:
                    found = connection.execute(text(guard[0] + " FOR UPDATE")).all()
                    if not _holds(found, guard):
                        transaction.rollback()
                        return False
                for statement, rows in writes:
                    if rows:
                        connection.execute(text(statement), list(rows))
        except DBAPIError as error:
            sqlstate = str(getattr(error.orig, "sqlstate", "") or "")
            # 42501 may not write, 25006 a read-only transaction, 55P03 a lock not granted in
            # time, 40001 a concurrent audit stored the same rows first
            if sqlstate in {"42501", "25006", "55P03", "40001", "40P01"}:
                return False
            name = str(getattr(error.orig, "sqlite_errorname", ""))
            if name.startswith(("SQLITE_READONLY", "SQLITE_BUSY", "SQLITE_LOCKED")):
                return False
            raise
        return True


@contextmanager
def opened(db: str | None) -> Iterator[Register]:
    """The register at `db` (a path or URL; None for the default), read in one transaction."""
    path = sqlite_path(db)
    if path is None and given(db).startswith("sqlite:"):  # a file named by a URL
        from pledges.dburl import resolve_url

        named = resolve_url(db).database
        path = Path(named).resolve() if named else None
    if path is None:
        from pledges.db import open_engine, snapshot

        engine = open_engine(db)
        try:
            with snapshot(engine).connect() as connection:
                yield _Server(connection, engine.url.render_as_string(hide_password=False))
        finally:
            engine.dispose()
        return
    check_path(path, create=False)
    try:
        register = _File(path)
    except sqlite3.Error as error:
        raise sqlite_failure(path, error) from None
    with closing(register.connection):
        try:
            known = register.rows("SELECT name FROM sqlite_master WHERE name = 'alembic_version'")
            revision = register.rows("SELECT version_num FROM alembic_version") if known else []
            check_revision(str(revision[0][0]) if revision else None, str(path))
            yield register
        except sqlite3.Error as error:
            raise sqlite_failure(path, error) from None
