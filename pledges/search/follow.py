"""Bring SQLite's search index in step with what a transaction changed, as it commits.

Every change to a record appends a revision, so the revisions a transaction appended name every
record it touched: each one created is added to the index; each one whose title, text, quote or
statement changed is taken out with the words it had when the transaction began (the first
`before` its revisions give, its stored value otherwise: FTS5 takes a text out by being told it)
and added again. pledges.db.transaction() notes where the log stands as it begins (`begin`) and
calls `catch_up` before it commits, so the index and the register are written together or not at
all, whichever command writes: an edit, an import, a revert or `init`. PostgreSQL keeps its index
itself (pledges.search.tables).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from pledges.search.kinds import BY_ENTITY, KINDS, UNSPACED_TABLE, Kind, index_damage
from pledges.search.tables import register_functions, unspaced_rows
from pledges.vocab import Action, Entity

AT_ONCE = 500  # ids in one IN (...)
SINCE = "pledges.search.since"  # in a session's info: the seq the index is in step with


def _has(connection: Connection, table: str) -> bool:
    found = connection.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"), {"name": table}
    )
    return found.first() is not None


def head(connection: Connection) -> int:
    """The last revision's seq (0 before the register has tables)."""
    if not _has(connection, "revisions"):
        return 0
    return int(connection.execute(text("SELECT coalesce(max(seq), 0) FROM revisions")).scalar_one())


def begin(session: Session) -> None:
    """Note where the log stands as a writing transaction on SQLite begins."""
    session.info[SINCE] = head(session.connection())


def catch_up(session: Session) -> None:
    """Index what the transaction has changed so far: before it commits (pledges.db), and where
    a command waits for something else (the import, for the process checking its evidence)."""
    since = session.info.get(SINCE)
    if since is None:  # not a writing transaction on SQLite: PostgreSQL keeps its own index
        return
    session.flush()
    follow(session.connection(), since)
    session.info[SINCE] = head(session.connection())


def _changed(connection: Connection, since: int) -> dict[Entity, dict[str, dict[str, Any]]]:
    """Each record of a kind the index holds that the revisions after `since` changed (not
    created), with the first `before` of each indexed column they changed: its indexed value."""
    changed: dict[Entity, dict[str, dict[str, Any]]] = {}
    rows = connection.execute(
        text("SELECT entity, entity_id, changes FROM revisions WHERE seq > :since "
             "AND action = :update AND +entity IN ('source', 'evidence', 'pledge') "
             "AND entity_id NOT IN (SELECT entity_id FROM revisions AS made WHERE "
             "made.seq > :since AND made.action = :create AND +made.entity = revisions.entity) "
             "ORDER BY seq"),
        {"since": since, "update": Action.UPDATE.value, "create": Action.CREATE.value},
    )  # fmt: skip
    for entity, entity_id, changes in rows:
        kind = BY_ENTITY[Entity(entity)]
        parsed = json.loads(changes) if isinstance(changes, str) else changes
        first = changed.setdefault(kind.entity, {}).setdefault(entity_id, {})
        for column in kind.columns:
            if column in parsed and column not in first:
                first[column] = parsed[column]["before"]
    return {entity: {i: b for i, b in by_id.items() if b} for entity, by_id in changed.items()}


def _created(kind: Kind) -> str:
    """The records of `kind` the revisions after :since created, as a condition on their id."""
    entity_id = "CAST(entity_id AS INTEGER)" if kind.key == "id" else "entity_id"
    return (
        f"id IN (SELECT {entity_id} FROM revisions WHERE seq > :since AND action = :create "
        f"AND +entity = '{kind.entity.value}')"  # + : the revisions since, by seq, not by entity
    )


def _add(connection: Connection, kind: Kind, where: str, values: dict[str, Any]) -> None:
    """Index the records of `kind` that `where` names (`:ids` is a list, when it is given)."""
    columns = ", ".join(kind.columns)
    statements = (
        f"INSERT INTO {kind.index}(rowid, {columns}) "
        f"SELECT {kind.key}, {columns} FROM {kind.table} WHERE {where}",
        f"INSERT INTO {UNSPACED_TABLE}(rowid, title, body) {unspaced_rows(kind, where)}",
    )
    for statement in statements:
        sql = text(statement)
        if "ids" in values:
            sql = sql.bindparams(bindparam("ids", expanding=True))
        connection.execute(sql, values)


def _chunks(ids: Sequence[str]) -> Iterator[list[str]]:
    for start in range(0, len(ids), AT_ONCE):
        yield list(ids[start : start + AT_ONCE])


def _key(kind: Kind, ids: list[str]) -> list[Any]:
    return [int(i) for i in ids] if kind.key == "id" else ids


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
    later = text("SELECT 1 FROM revisions WHERE seq > :since LIMIT 1")
    if connection.execute(later, {"since": since}).first() is None:
        return
    changed = _changed(connection, since)
    register_functions(connection)
    try:
        with connection.begin_nested():
            for kind in KINDS:
                edited = changed.get(kind.entity, {})
                if edited:
                    _take_out(connection, kind, edited)
                    for chunk in _chunks(sorted(edited)):
                        _add(connection, kind, "id IN :ids", {"ids": _key(kind, chunk)})
                _add(connection, kind, _created(kind),
                     {"since": since, "create": Action.CREATE.value})  # fmt: skip
    except DBAPIError as error:
        if error.orig is None or not index_damage(error.orig):
            raise
        # An index deleted or damaged behind the tool's back is not made worse, and does not
        # stop the change: `pledges search` names it, and `pledges db reindex` makes it again.
