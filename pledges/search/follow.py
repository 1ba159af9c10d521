"""Bring SQLite's search index in step with what a transaction changed, as it commits.

Every change to a record appends a revision, so the revisions a transaction appended name every
record it touched: each one created is added to the index; each one whose title, text, quote or
statement changed is taken out with the words it had when the transaction began (the first
`before` its revisions give, its stored value otherwise: FTS5 takes a text out by being told it)
and added again. pledges.db.transaction() calls `follow` before it commits, so the index and the
register are written together or not at all, whichever command writes: an edit, an import, a
revert or `init`. PostgreSQL keeps its index itself (pledges.search.tables).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, text
from sqlalchemy.exc import DBAPIError

from pledges.search.kinds import BY_ENTITY, UNSPACED_TABLE, Kind
from pledges.search.tables import register_functions, unspaced_rows
from pledges.vocab import Action, Entity

AT_ONCE = 500  # ids in one IN (...)


def damaged(error: DBAPIError) -> bool:
    """Whether a database error says that a search table is missing or damaged."""
    name = str(getattr(error.orig, "sqlite_errorname", ""))
    return name == "SQLITE_CORRUPT_VTAB" or "no such table: search_" in str(error.orig)


def _has(connection: Connection, table: str) -> bool:
    found = connection.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"), {"name": table}
    )
    return found.first() is not None


def head(connection: Connection) -> int:
    """The last revision's seq when a transaction begins (0 before the register has tables)."""
    if not _has(connection, "revisions"):
        return 0
    return int(connection.execute(text("SELECT coalesce(max(seq), 0) FROM revisions")).scalar_one())


@dataclass
class _Touched:
    created: set[str] = field(default_factory=set)
    before: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> column -> value


def _touched(connection: Connection, since: int) -> dict[Entity, _Touched]:
    touched: dict[Entity, _Touched] = {}
    rows = connection.execute(
        text("SELECT entity, entity_id, action, CASE WHEN action = :update THEN changes END "
             "FROM revisions WHERE seq > :since ORDER BY seq"),
        {"since": since, "update": Action.UPDATE.value},
    )  # fmt: skip
    for entity, entity_id, action, changes in rows:
        kind = BY_ENTITY.get(Entity(entity))
        if kind is None:
            continue
        seen = touched.setdefault(kind.entity, _Touched())
        if action == Action.CREATE.value:
            seen.created.add(entity_id)
        elif entity_id not in seen.created and changes is not None:
            parsed = json.loads(changes) if isinstance(changes, str) else changes
            first = seen.before.setdefault(entity_id, {})
            for column in kind.columns:
                if column in parsed and column not in first:
                    first[column] = parsed[column]["before"]
    return touched


def _chunks(ids: Sequence[str]) -> Iterator[list[str]]:
    for start in range(0, len(ids), AT_ONCE):
        yield list(ids[start : start + AT_ONCE])


def _key(kind: Kind, ids: list[str]) -> list[Any]:
    return [int(i) for i in ids] if kind.key == "id" else ids


def _add(connection: Connection, kind: Kind, ids: Sequence[str]) -> None:
    columns = ", ".join(kind.columns)
    where = "id IN :ids"
    insert = text(
        f"INSERT INTO {kind.index}(rowid, {columns}) "
        f"SELECT {kind.key}, {columns} FROM {kind.table} WHERE {where}"
    ).bindparams(bindparam("ids", expanding=True))
    unspaced = text(
        f"INSERT INTO {UNSPACED_TABLE}(rowid, title, body) {unspaced_rows(kind, where)}"
    ).bindparams(bindparam("ids", expanding=True))
    for chunk in _chunks(ids):
        connection.execute(insert, {"ids": _key(kind, chunk)})
        connection.execute(unspaced, {"ids": _key(kind, chunk)})


def _take_out(connection: Connection, kind: Kind, before: dict[str, dict[str, Any]]) -> None:
    """Take the changed records out of the index, as they were indexed."""
    columns = ", ".join(kind.columns)
    marks = ", ".join(f":{c}" for c in kind.columns)
    delete = text(
        f"INSERT INTO {kind.index}({kind.index}, rowid, {columns}) VALUES ('delete', :key, {marks})"
    )
    current = text(
        f"SELECT id, {kind.key}, {columns} FROM {kind.table} WHERE id IN :ids"
    ).bindparams(bindparam("ids", expanding=True))
    for chunk in _chunks(sorted(before)):
        for row in connection.execute(current, {"ids": _key(kind, chunk)}):
            record_id, key, *values = row
            old = dict(zip(kind.columns, values, strict=True))
            old.update(before[str(record_id)])
            connection.execute(delete, {"key": key, **old})
            connection.execute(
                text(f"DELETE FROM {UNSPACED_TABLE} WHERE rowid = :rowid"),
                {"rowid": key * 4 + kind.code},
            )


def follow(connection: Connection, since: int) -> None:
    """Index what the revisions after `since` created or changed (nothing before the index's
    tables are made: a migration that makes them fills them)."""
    if not _has(connection, "search_sources"):
        return
    touched = _touched(connection, since)
    if not touched:
        return
    register_functions(connection)
    try:
        with connection.begin_nested():
            for entity, seen in touched.items():
                kind = BY_ENTITY[entity]
                changed = {i: b for i, b in seen.before.items() if b}
                if changed:
                    _take_out(connection, kind, changed)
                _add(connection, kind, sorted(seen.created | set(changed)))
    except DBAPIError as error:
        if not damaged(error):
            raise
        # An index deleted or damaged behind the tool's back is not made worse, and does not
        # stop the change: `pledges search` names it, and `pledges db reindex` makes it again.
