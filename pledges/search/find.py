"""A search run: the register opened, each kind of record asked for its best matches, and each
hit given what names it and its passage.

A register given as a file is read with Python's sqlite3 alone: a search is a short command, and
SQLAlchemy would take longer to load than the search takes to run. A PostgreSQL register is read
through SQLAlchemy, as every other command reads it. Both run the same statements (sql.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pledges.errors import PledgesError
from pledges.registerfile import (
    busy_seconds,
    check_path,
    check_revision,
    sqlite_failure,
    sqlite_path,
)
from pledges.search import sql
from pledges.search.kinds import FOLD_FUNCTION, KINDS, LISTED, TABLES, Kind, fold, index_damage
from pledges.search.query import Query
from pledges.search.snippets import Snippet, matcher, snippet

Run = Callable[[str, dict[str, Any]], list[tuple[Any, ...]]]


def damaged(where: str, db: str | None) -> PledgesError:
    """The search index of a register is missing or damaged: the command that makes it again."""
    named = ""
    if db is not None:
        import shlex

        shown = db
        if "://" in db:
            from pledges.dburl import describe, resolve_url

            shown = describe(resolve_url(db))
        named = f" --db {shlex.quote(shown)}"
    return PledgesError(
        f"the search index of {where} is missing or damaged",
        f"run 'pledges db reindex{named}' to make it again from the register",
    )


@dataclass(frozen=True)
class Hit:
    kind: str  # sources, quotes or pledges
    id: str
    title: str  # the source's or the pledge's
    snippet: Snippet
    source: str | None = None
    source_title: str | None = None
    date: str | None = None  # the source's publication, or the pledge's announcement
    pledge: str | None = None
    status: str | None = None
    deprecated: bool = False


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _hits(kind: Kind, rows: list[tuple[Any, ...]], order: list[Any], query: Query) -> list[Hit]:
    found = matcher(query)
    by_id = {row[0]: row for row in rows}
    hits = []
    for record_id in order:
        row = by_id[record_id]
        if kind.name == "sources":
            _, title, published, head, body = row
            hits.append(Hit(kind.name, str(record_id), title, snippet([body, head], found),
                            source=str(record_id), source_title=title,
                            date=_text(published)))  # fmt: skip
        elif kind.name == "quotes":
            _, pledge, pledge_title, source, source_title, published, deprecated, quote, status = (
                row
            )
            hits.append(Hit(kind.name, str(record_id), pledge_title, snippet([quote], found),
                            source=source, source_title=source_title, date=_text(published),
                            pledge=pledge, status=status,
                            deprecated=deprecated is not None))  # fmt: skip
        else:
            _, title, status, announced, head, body = row
            hits.append(Hit(kind.name, str(record_id), title, snippet([body, head], found),
                            date=_text(announced), pledge=str(record_id),
                            status=status))  # fmt: skip
    return hits


def search(
    run: Run, dialect: str, query: Query, kinds: Sequence[Kind], filters: sql.Filters, limit: int
) -> dict[str, list[Hit]]:
    """The best `limit` hits of each kind, best first (one more, to tell whether any were cut)."""
    found: dict[str, list[Hit]] = {}
    for kind in kinds:
        statement, params = sql.ranked(dialect, kind, query, filters, limit + 1)
        order = [row[0] for row in run(statement, params)]
        statement, params = sql.details(kind, order)
        found[kind.name] = _hits(kind, run(statement, params) if order else [], order, query)
    return found


# --- the register, opened -----------------------------------------------------------------------


def _sqlite_values(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in params.items()}


def _sqlite_failure(path: Path, db: str | None, error: sqlite3.Error) -> PledgesError:
    """A damaged search index named as such; anything else as any reader of the file says it."""
    name = str(getattr(error, "sqlite_errorname", ""))
    generic = name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CORRUPT", "SQLITE_NOTADB"))
    if index_damage(error) or (not generic and "fts5" in str(error).lower()):
        return damaged(str(path), db)
    return sqlite_failure(path, error)


def _whole(run: Run, kinds: Sequence[Kind]) -> bool:
    """Whether the index's tables are there, and each kind searched has as many records in its
    index as in the register (a cheap check: `pledges db reindex` reads the whole index)."""
    if not set(TABLES) <= {str(row[0]) for row in run(LISTED, {})}:
        return False
    counts = " AND ".join(
        f"(SELECT count(*) FROM {k.index}_docsize) = (SELECT count(*) FROM {k.table})"
        for k in kinds
    )
    return not kinds or bool(run(f"SELECT {counts}", {})[0][0])


@contextmanager
def _sqlite(path: Path, db: str | None, kinds: Sequence[Kind]) -> Iterator[Run]:
    check_path(path, create=False)
    with closing(sqlite3.connect(path, timeout=busy_seconds())) as connection:
        connection.create_function(FOLD_FUNCTION, 1, fold, deterministic=True)

        def run(statement: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
            return connection.execute(statement, _sqlite_values(params)).fetchall()

        try:
            known = run("SELECT name FROM sqlite_master WHERE name = 'alembic_version'", {})
            revision = run("SELECT version_num FROM alembic_version", {}) if known else []
            check_revision(str(revision[0][0]) if revision else None, str(path))
            if not _whole(run, kinds):
                raise damaged(str(path), db)
            yield run
        except sqlite3.Error as error:
            raise _sqlite_failure(path, db, error) from None


@contextmanager
def _server(db: str | None) -> Iterator[tuple[Run, str]]:
    from sqlalchemy import text
    from sqlalchemy.exc import ProgrammingError

    from pledges.db import opened, transaction

    with opened(db) as engine, transaction(engine) as session:
        if engine.dialect.name == "sqlite":  # a sqlite:/// URL
            raw = session.connection().connection.driver_connection
            raw.create_function(FOLD_FUNCTION, 1, fold, deterministic=True)  # type: ignore[union-attr]

        def run(statement: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
            try:
                return [tuple(row) for row in session.execute(text(statement), params)]
            except ProgrammingError as error:
                if "search_words" not in str(error):
                    raise
                raise damaged(str(engine.url.database), db) from None

        yield run, engine.dialect.name


def checked(run: Run, filters: sql.Filters) -> sql.Filters:
    """The filters with the actor named by its code, or one line naming the one that names
    nothing in the register (what it allows, and what is near)."""
    from dataclasses import replace

    if filters.kind is not None or filters.status is not None:
        from pledges.validation import choice
        from pledges.vocab import PledgeKind, Status

        if filters.kind is not None:
            choice(PledgeKind, "--kind", filters.kind)
        if filters.status is not None:
            choice(Status, "--status", filters.status)
    if filters.source is not None and not run(
        "SELECT 1 FROM sources WHERE id = :id", {"id": filters.source}
    ):
        from pledges.service import not_found

        known = [str(row[0]) for row in run("SELECT id FROM sources ORDER BY id", {})]
        raise not_found("source", filters.source, known, "pledges source list")
    if filters.actor is not None:
        import json

        from pledges.actor_names import find
        from pledges.schema import Actor

        actors = [
            Actor(id=i, name=n, kind=k, aliases=json.loads(a) if isinstance(a, str) else a)
            for i, n, k, a in run("SELECT id, name, kind, aliases FROM actors", {})
        ]
        return replace(filters, actor=find(actors, filters.actor).id)
    return filters


def run_search(
    db: str | None, query: Query, kinds: Sequence[str], filters: sql.Filters, limit: int
) -> dict[str, list[Hit]]:
    wanted = [k for k in KINDS if k.name in kinds]
    path = sqlite_path(db)
    if path is not None:
        with _sqlite(path, db, wanted) as run:
            return search(run, "sqlite", query, wanted, checked(run, filters), limit)
    with _server(db) as (run, dialect):
        return search(run, dialect, query, wanted, checked(run, filters), limit)
