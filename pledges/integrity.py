"""Stored rows read without trusting them: each value as text, decoded by hand as the ORM would.

The ORM raises on a value it cannot convert; here a bad one becomes a finding naming its record
and field, so that `log verify` can leave the records holding one out of the ORM's reads. Nothing
here raises on what the database holds, and nothing here writes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    Float,
    Integer,
    LargeBinary,
    Table,
    Text,
    cast,
    event,
    select,
    text,
)
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria
from sqlalchemy.types import TypeDecorator, TypeEngine

from pledges import models
from pledges.fields import WHOLE_NUMBER
from pledges.models import Base
from pledges.vocab import Entity

# --- stored values, read without trusting them --------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredRow:
    """One row as stored: each readable value decoded as the ORM would give it, and a finding
    for each value that cannot be read ("status holds 'done', which is not ...")."""

    table: str
    key: tuple[str, ...]  # the primary key, as text
    values: dict[str, Any]
    problems: tuple[str, ...]


class _Unreadable(Exception):
    """A value that cannot be read; its message completes "<field> holds ..."."""


AT_ONCE = 1000  # rows fetched from the database at a time: a table is never held whole


def read_rows(
    session: Session,
    table: Table,
    columns: Sequence[str] | None = None,
    order: Sequence[str] | None = None,
) -> Iterator[StoredRow]:
    """Every row of `table`, read as text and decoded here, streamed: only `columns` (all by
    default; the primary key is always read), in the order of the columns `order` names (the
    primary key's by default)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        # Dates and times as text in the one style decoded here, whatever the server's setting;
        # SET LOCAL ends with the transaction.
        session.execute(text("SET LOCAL DateStyle = 'ISO, YMD'"))
    keys = [c.name for c in table.primary_key.columns]
    named = keys + [name for name in columns or () if name not in keys]
    read = list(table.columns) if columns is None else [table.c[name] for name in named]
    # SQLite keeps whatever bytes it was given, even in a text column; PostgreSQL keeps text valid.
    as_text = [cast(c, LargeBinary if dialect == "sqlite" else Text) for c in read]
    ordered = table.primary_key.columns if order is None else [table.c[name] for name in order]
    query = select(*as_text).select_from(table).order_by(*ordered)
    decoders = [(c.name, _decoder(table.name, c)) for c in read]
    at = [read.index(table.c[k]) for k in keys]
    # Fetched a batch at a time (on PostgreSQL through a server-side cursor), not all at once.
    for raw in session.execute(query.execution_options(yield_per=AT_ONCE)):
        values: dict[str, Any] = {}
        problems = []
        for (name, decode), stored in zip(decoders, raw, strict=True):
            try:
                values[name] = decode(stored)
            except _Unreadable as error:
                problems.append(f"{name} holds {error}")
        key = tuple(_shown_key(raw[i]) for i in at)
        yield StoredRow(table.name, key, values, tuple(problems))


def read_texts(
    session: Session, table: Table, columns: Sequence[str], order: Sequence[str]
) -> Iterator[tuple[str | None, ...]]:
    """The values of `columns` of every row, as stored text (NULL as None), in the order of the
    columns `order` names, streamed; undecoded: for rows `read_rows` already found readable (any
    byte that is not UTF-8 is replaced rather than raised)."""
    dialect = session.get_bind().dialect.name
    as_text = [
        cast(table.c[name], LargeBinary if dialect == "sqlite" else Text) for name in columns
    ]
    query = select(*as_text).select_from(table).order_by(*[table.c[name] for name in order])
    for raw in session.execute(query.execution_options(yield_per=AT_ONCE)):
        yield tuple(v.decode("utf-8", errors="replace") if isinstance(v, bytes) else v for v in raw)


def _type(column: Column[Any]) -> TypeEngine[Any]:
    kind = column.type
    return kind.impl_instance if isinstance(kind, TypeDecorator) else kind


def _shown_key(stored: Any) -> str:
    if isinstance(stored, bytes):
        return stored.decode("utf-8", errors="replace")
    return "" if stored is None else str(stored)


def _shown(value: str) -> str:
    return repr(value if len(value) <= 60 else value[:59] + "…")


_CONVERTED = (JSON, DateTime, Date, Enum, Boolean, Integer, Float)  # the types `_decoded` reads


def _decoder(table: str, column: Column[Any]) -> Callable[[Any], Any]:
    """The decoding of one column's stored values (made once per read, not once per value)."""
    kind = _type(column)
    shape = _SHAPES.get((table, column.name))
    plain = shape is None and not isinstance(kind, _CONVERTED)

    def decode(stored: Any) -> Any:
        if stored is None:
            return None
        if isinstance(stored, bytes):
            try:
                stored = stored.decode("utf-8")
            except UnicodeDecodeError:
                raise _Unreadable("bytes that are not UTF-8 text") from None
        value = str(stored)
        if plain:  # text: as it is
            return value
        try:
            decoded = _decoded(value, kind)
        except (ValueError, OverflowError) as error:
            raise _Unreadable(f"{_shown(value)}, which is not {error}") from None
        if shape is not None and not shape[0](decoded):
            raise _Unreadable(f"JSON that is not {shape[1]}: {_shown(value)}")
        return decoded

    return decode


T = TypeVar("T")


def _parsed(parse: Callable[[str], T], value: str, malformed: str) -> T:
    """`parse(value)`, or the finding "<malformed>: <value>" when it cannot be read."""
    try:
        return parse(value)
    except ValueError:
        raise _Unreadable(f"{malformed}: {_shown(value)}") from None


_BOOLEANS = {"0": False, "1": True, "false": False, "true": True}  # SQLite, PostgreSQL


def _decoded(value: str, kind: TypeEngine[Any]) -> Any:
    """The text of a value as the ORM gives it for a column of type `kind`. A ValueError
    completes "<value>, which is not ..."."""
    if isinstance(kind, JSON):
        return _parsed(json.loads, value, "malformed JSON")
    if isinstance(kind, DateTime):
        moment = _parsed(datetime.fromisoformat, value, "a malformed timestamp")
        # As models.UTCDateTime gives it: SQLite keeps no zone, and the value was written in UTC.
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    if isinstance(kind, Date):
        return _parsed(date.fromisoformat, value, "a malformed date")
    if isinstance(kind, Enum) and value not in kind.enums:
        raise ValueError(f"one of {', '.join(kind.enums)}")
    if isinstance(kind, Boolean):
        if value not in _BOOLEANS:
            raise ValueError("true or false")
        return _BOOLEANS[value]
    if isinstance(kind, Integer):
        if not WHOLE_NUMBER.fullmatch(value):
            raise ValueError("a whole number")
        return int(value)
    if isinstance(kind, Float):
        try:
            return float(value)
        except ValueError:
            raise ValueError("a number") from None
    return value  # text, and a word of a vocabulary


def _texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


_BEFORE_AFTER = frozenset(("before", "after"))


def _changes(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    for change in value.values():  # a loop, not all(...): every revision of the log comes here
        if not isinstance(change, dict) or change.keys() != _BEFORE_AFTER:
            return False
    return True


# JSON columns whose readers rely on a shape, with the shape in words.
_SHAPES: dict[tuple[str, str], tuple[Callable[[Any], bool], str]] = {
    ("actors", "aliases"): (_texts, "a list of text"),
    ("pledges", "gases"): (_texts, "a list of text"),
    ("revisions", "changes"): (_changes, "an object of fields, each with its before and after"),
}


# --- naming rows, and leaving the unreadable ones out -------------------------------------------

RECORD_TABLES: dict[str, tuple[Entity, type[Base]]] = {
    "actors": (Entity.ACTOR, models.ActorRow),
    "sources": (Entity.SOURCE, models.SourceRow),
    "pledges": (Entity.PLEDGE, models.PledgeRow),
    "evidence": (Entity.EVIDENCE, models.EvidenceRow),
}
LINKS: Table = Base.metadata.tables[models.PledgeActorRow.__tablename__]
REVISIONS: Table = Base.metadata.tables[models.RevisionRow.__tablename__]


def record_tables() -> list[Table]:
    """The tables whose rows are records, and the pledges' actor links."""
    return [Base.metadata.tables[name] for name in RECORD_TABLES] + [LINKS]


def record_of(row: StoredRow) -> tuple[Entity, str]:
    """The record a stored row belongs to: a pledge's actor links are part of the pledge."""
    if row.table == LINKS.name:
        return (Entity.PLEDGE, row.key[0])
    return (RECORD_TABLES[row.table][0], row.key[0])


def name_of(row: StoredRow) -> str:
    if row.table == LINKS.name:
        return f"pledge {row.key[0]} (its link to actor {row.key[1]})"
    if row.table == REVISIONS.name:
        return f"revision {row.key[0]}"
    return f"{RECORD_TABLES[row.table][0]} {row.key[0]}"


@contextmanager
def leaving_out(session: Session, records: Mapping[Entity, set[str]]) -> Iterator[None]:
    """Within the block, every ORM read in `session` leaves out these records, so that the
    repository's readers never meet a value they cannot convert."""
    options = []
    for entity, model in RECORD_TABLES.values():
        ids = records.get(entity)
        if ids:
            key = Base.metadata.tables[model.__tablename__].primary_key.columns.values()[0]
            wanted = [int(i) for i in ids] if isinstance(_type(key), Integer) else sorted(ids)
            options.append(with_loader_criteria(model, key.not_in(wanted)))

    def narrow(state: ORMExecuteState) -> None:
        if state.is_select:
            state.statement = state.statement.options(*options)

    if not options:
        yield
        return
    event.listen(session, "do_orm_execute", narrow)
    try:
        yield
    finally:
        event.remove(session, "do_orm_execute", narrow)
