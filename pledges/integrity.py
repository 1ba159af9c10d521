"""Whether what the database holds can be read: the database's own check of its pages, and each
stored value against its column's type.

`log verify` runs both before it reads the register through the ORM, which raises on a value it
cannot convert (malformed JSON, a timestamp that is not one, a word outside a vocabulary). Here
every value is read as text and decoded by hand, as the ORM would decode it, so that a bad one
becomes a finding naming its record and field. Nothing here raises on what the database holds,
and nothing here writes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    Enum,
    Float,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    cast,
    event,
    select,
    text,
)
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria
from sqlalchemy.types import TypeDecorator, TypeEngine

from pledges.db import unreachable
from pledges.models import (
    ActorRow,
    Base,
    EvidenceRow,
    PledgeActorRow,
    PledgeRow,
    RevisionRow,
    SourceRow,
)
from pledges.vocab import Entity

# --- the database's own check -------------------------------------------------------------------

_SQLITE_CORRUPT = 11  # SQLite's primary result code for a damaged file
_SHOWN_FINDINGS = 3


@dataclass(frozen=True)
class PageCheck:
    """What the database's own check of its storage did (a clause for the summary), what it
    found wrong, and whether that is damage (then nothing read from the file can be trusted)
    rather than rows that break the schema's rules."""

    done: str
    problems: list[str]
    damaged: bool = False


def check_pages(engine: Engine) -> PageCheck | None:
    """Run the database's own check. None when SQLite cannot open the file as a database at all:
    opening the register reports that, as for every command."""
    if engine.dialect.name == "sqlite":
        return _sqlite_pages(engine)
    if engine.dialect.name == "postgresql":
        try:
            return _postgres_pages(engine)
        except sa_exc.OperationalError as error:
            raise unreachable(engine.url, error) from None
    return PageCheck(f"{engine.dialect.name} has no check of its pages that pledges runs", [])


def _sqlite_pages(engine: Engine) -> PageCheck | None:
    try:
        findings = _integrity_check(engine, None)
    except sa_exc.DatabaseError as error:
        if not _corrupt(error):
            return None
        # Python's SQLite stops the whole check at the first page it cannot read; checking table
        # by table names each table that cannot be read.
        try:
            findings = _table_by_table(engine)
        except sa_exc.DatabaseError as again:
            if not _corrupt(again):
                raise
            findings = ["that the file's list of tables cannot be read"]
    if findings == ["ok"]:
        return PageCheck("SQLite's integrity check passed", [])
    # integrity_check also reports rows that break a CHECK or NOT NULL rule: values in pages that
    # are whole, which the reading of each stored value names precisely.
    broken_rules = [f for f in findings if f.startswith(_RULES)]
    damage = [f for f in findings if not f.startswith(_RULES)]
    problems = [
        f"the database file {what}: SQLite's integrity check reports {_some(found)}"
        for what, found in (
            ("is damaged", damage),
            ("holds rows that break its rules", broken_rules),
        )
        if found
    ]
    done = "failed" if damage else "found rows that break the schema's rules"
    return PageCheck(f"SQLite's integrity check {done}", problems, damaged=bool(damage))


_RULES = ("“CHECK constraint failed", "“NULL value in")


def _integrity_check(engine: Engine, table: str | None) -> list[str]:
    """SQLite's findings, each quoted; ["ok"] when there are none."""
    pragma = "PRAGMA integrity_check" if table is None else f"PRAGMA integrity_check({table})"
    with engine.connect() as conn:
        found = [str(row[0]) for row in conn.exec_driver_sql(pragma)]
    if found == ["ok"]:
        return found
    return [f"“{f}”" for f in found if not f.startswith("*** in database")]


def _table_by_table(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        tables = conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        ).scalars()
        names = [str(name) for name in tables]
    findings = []
    for name in names:
        quoted = engine.dialect.identifier_preparer.quote(name)
        try:
            findings += [f for f in _integrity_check(engine, quoted) if f != "ok"]
        except sa_exc.DatabaseError as error:
            if not _corrupt(error):
                raise
            findings.append(f"that the table {name} or one of its indexes cannot be read")
    return findings or ["that the file cannot be read"]


def _corrupt(error: sa_exc.DatabaseError) -> bool:
    code = getattr(error.orig, "sqlite_errorcode", None)
    return code is not None and code & 0xFF == _SQLITE_CORRUPT


def _some(findings: list[str]) -> str:
    hidden = len(findings) - _SHOWN_FINDINGS
    more = f" (and {hidden} more)" if hidden > 0 else ""
    return "; ".join(findings[:_SHOWN_FINDINGS]) + more


def _postgres_pages(engine: Engine) -> PageCheck:
    """PostgreSQL checks pages as it reads them only when the cluster was made with data
    checksums; a full check needs the amcheck extension, which is used when installed."""
    with engine.connect() as conn:
        checksums = conn.exec_driver_sql("SHOW data_checksums").scalar() == "on"
        amcheck = conn.exec_driver_sql(
            "SELECT 1 FROM pg_extension WHERE extname = 'amcheck'"
        ).first()
        failures = conn.execute(
            text(
                "SELECT coalesce(checksum_failures, 0) FROM pg_stat_database "
                "WHERE datname = current_database()"
            )
        ).scalar()
    problems = []
    if checksums and failures:
        problems.append(
            f"the database is damaged: PostgreSQL has counted {failures} page checksum "
            "failure(s) in it (pg_stat_database.checksum_failures)"
        )
    done = []
    if checksums:
        done.append("PostgreSQL's page checksums are on")
    if amcheck:
        indexes, found = _amcheck(engine)
        problems += found
        done.append(f"PostgreSQL's amcheck checked {indexes} index(es) and their tables")
    if not done:
        return PageCheck(
            "PostgreSQL has no check of its pages to run here: data checksums are off and the "
            "amcheck extension is not installed",
            [],
        )
    return PageCheck(" and ".join(done), problems, damaged=bool(problems))


def _amcheck(engine: Engine) -> tuple[int, list[str]]:
    indexes_query = (
        "SELECT c.oid::regclass::text FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
        "JOIN pg_class t ON t.oid = i.indrelid "
        "WHERE a.amname = 'btree' AND t.relnamespace = current_schema()::regnamespace "
        "ORDER BY 1"
    )
    problems = []
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        indexes = [str(name) for name in conn.exec_driver_sql(indexes_query).scalars()]
        for index in indexes:
            try:
                conn.execute(
                    text("SELECT bt_index_check(CAST(:index AS regclass), true)"),
                    {"index": index},
                )
            except sa_exc.DBAPIError as error:
                detail = str(error.orig).strip().splitlines()[0] if error.orig else ""
                problems.append(f"the database is damaged: amcheck finds index {index} broken "
                                f"({detail})")  # fmt: skip
    return len(indexes), problems


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


def read_rows(session: Session, table: Table) -> Iterator[StoredRow]:
    """Every row of `table`, in primary-key order, read as text and decoded here."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        # Dates and times as text in the one style decoded here, whatever the server's setting;
        # SET LOCAL ends with the transaction.
        session.execute(text("SET LOCAL DateStyle = 'ISO, YMD'"))
    columns = list(table.columns)
    # SQLite keeps whatever bytes it was given, even in a text column; PostgreSQL keeps text valid.
    as_text = [cast(c, LargeBinary if dialect == "sqlite" else Text) for c in columns]
    keys = [c.name for c in table.primary_key.columns]
    query = select(*as_text).select_from(table).order_by(*table.primary_key.columns)
    for raw in session.execute(query):
        values: dict[str, Any] = {}
        problems = []
        for column, stored in zip(columns, raw, strict=True):
            try:
                values[column.name] = _decode(table.name, column, stored)
            except _Unreadable as error:
                problems.append(f"{column.name} holds {error}")
        key = tuple(_shown_key(raw[columns.index(table.c[k])]) for k in keys)
        yield StoredRow(table.name, key, values, tuple(problems))


def _type(column: Column[Any]) -> TypeEngine[Any]:
    kind = column.type
    return kind.impl_instance if isinstance(kind, TypeDecorator) else kind


def _shown_key(stored: Any) -> str:
    if isinstance(stored, bytes):
        return stored.decode("utf-8", errors="replace")
    return "" if stored is None else str(stored)


def _shown(value: str) -> str:
    return repr(value if len(value) <= 60 else value[:59] + "…")


def _decode(table: str, column: Column[Any], stored: Any) -> Any:
    if stored is None:
        return None
    if isinstance(stored, bytes):
        try:
            stored = stored.decode("utf-8")
        except UnicodeDecodeError:
            raise _Unreadable("bytes that are not UTF-8 text") from None
    value = str(stored)
    kind = _type(column)
    decoder = next(decode for types, decode in _DECODERS if isinstance(kind, types))
    try:
        decoded = decoder(value, kind)
    except (ValueError, OverflowError) as error:
        raise _Unreadable(f"{_shown(value)}, which is not {error}") from None
    shape = _SHAPES.get((table, column.name))
    if shape is not None and not shape[0](decoded):
        raise _Unreadable(f"JSON that is not {shape[1]}: {_shown(value)}")
    return decoded


def _json(value: str, _: TypeEngine[Any]) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        raise _Unreadable(f"malformed JSON: {_shown(value)}") from None


def _timestamp(value: str, _: TypeEngine[Any]) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _Unreadable(f"a malformed timestamp: {_shown(value)}") from None
    # As models.UTCDateTime gives it: SQLite keeps no zone, and the value was written in UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _date(value: str, _: TypeEngine[Any]) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _Unreadable(f"a malformed date: {_shown(value)}") from None


def _vocabulary(value: str, kind: TypeEngine[Any]) -> str:
    allowed: list[str] = list(getattr(kind, "enums", []))
    if value not in allowed:
        raise ValueError(f"one of {', '.join(allowed)}")
    return value


_BOOLEANS = {"0": False, "1": True, "false": False, "true": True}  # SQLite, PostgreSQL


def _boolean(value: str, _: TypeEngine[Any]) -> bool:
    if value not in _BOOLEANS:
        raise ValueError("true or false")
    return _BOOLEANS[value]


_WHOLE = re.compile(r"-?[0-9]+")


def _integer(value: str, _: TypeEngine[Any]) -> int:
    if not _WHOLE.fullmatch(value):
        raise ValueError("a whole number")
    return int(value)


def _number(value: str, _: TypeEngine[Any]) -> float:
    try:
        return float(value)
    except ValueError:
        raise ValueError("a number") from None


def _string(value: str, _: TypeEngine[Any]) -> str:
    return value


# Most specific first: an Enum is a String, and a DateTime is not a Date.
_DECODERS: list[tuple[type[TypeEngine[Any]], Callable[[str, TypeEngine[Any]], Any]]] = [
    (JSON, _json),
    (DateTime, _timestamp),
    (Date, _date),
    (Enum, _vocabulary),
    (Boolean, _boolean),
    (Integer, _integer),
    (Float, _number),
    (String, _string),
    (TypeEngine, _string),
]


def _texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _changes(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(change, dict) and set(change) == {"before", "after"} for change in value.values()
    )


# JSON columns whose readers rely on a shape, with the shape in words.
_SHAPES: dict[tuple[str, str], tuple[Callable[[Any], bool], str]] = {
    ("actors", "aliases"): (_texts, "a list of text"),
    ("pledges", "gases"): (_texts, "a list of text"),
    ("revisions", "changes"): (_changes, "an object of fields, each with its before and after"),
}


# --- naming rows, and leaving the unreadable ones out -------------------------------------------

RECORD_TABLES: dict[str, tuple[Entity, type[Base]]] = {
    "actors": (Entity.ACTOR, ActorRow),
    "sources": (Entity.SOURCE, SourceRow),
    "pledges": (Entity.PLEDGE, PledgeRow),
    "evidence": (Entity.EVIDENCE, EvidenceRow),
}
LINKS: Table = Base.metadata.tables[PledgeActorRow.__tablename__]
REVISIONS: Table = Base.metadata.tables[RevisionRow.__tablename__]


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
