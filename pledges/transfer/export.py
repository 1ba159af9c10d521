"""Writing the register out: CSV for spreadsheets, JSON, or a Frictionless data package.

Rows are read with plain queries in one read transaction (a consistent snapshot), in id order,
and written as they are read. Every export records the revision of the log it read
(log-head.json, and datapackage.json), and writes only inside its folder, all or nothing
(pledges.outfolder: every name checked first, each file written beside its place and moved
there once all are written).
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, String, case, func, literal, select, type_coerce
from sqlalchemy import Enum as SQLEnum
from sqlalchemy.orm import Session

from pledges import history, parallel
from pledges.db import opened, transaction
from pledges.errors import InvalidInput
from pledges.models import (
    ActorRow,
    EvidenceRow,
    PledgeActorRow,
    PledgeRow,
    RevisionRow,
    SourceRow,
)
from pledges.outfolder import HEAD_FILE, OutFolder, file_name, head_json
from pledges.transfer.tables import (
    ACTORS,
    EVIDENCE,
    FORMULA_START,
    PLEDGES,
    PROTECT,
    SOURCES,
    SOURCES_PACKAGED,
    Kind,
    Table,
    cell,
    join,
    neutralise,
)  # fmt: skip

BATCH = 5_000  # rows fetched at a time
TEXTS = "texts"  # the folder of a data package that holds each source's text


def _read(session: Session, query: Any) -> Any:
    """The rows of a query, fetched a batch at a time through the connection (not one by one,
    and not through the ORM's loading)."""
    return session.connection().execution_options(yield_per=BATCH).execute(query)


def text_path(source_id: str) -> str:
    return f"{TEXTS}/{file_name(source_id, '.txt')}"


def _columns(row_type: Any, names: list[str]) -> list[Any]:
    return [getattr(row_type, name) for name in names]


def _value_rows(session: Session, row_type: Any, table: Table) -> Iterator[dict[str, Any]]:
    """The rows of a table whose columns are all stored as they are, as values by column."""
    names = table.names
    for row in _read(session, select(*_columns(row_type, names)).order_by(row_type.id)):
        yield dict(zip(names, row, strict=True))


def pledge_rows(session: Session) -> Iterator[dict[str, Any]]:
    actors, cited = _pledge_links(session)
    stored = [c.name for c in PLEDGES.columns if c.name not in _PLEDGE_DERIVED]
    query = select(*_columns(PledgeRow, stored), _evidence_count()).order_by(PledgeRow.id)
    for row in _read(session, query):
        values = dict(zip(stored, row[:-1], strict=True))
        pledge_id = values["id"]
        values["actors"] = actors.get(pledge_id, [])
        values["evidence_count"] = row[-1]
        values["source_ids"] = cited.get(pledge_id, [])
        yield values


def _evidence_count() -> Any:
    """How many pieces of evidence a pledge has, as a column of a query of pledges."""
    return (
        select(func.count())
        .where(EvidenceRow.pledge_id == PledgeRow.id)
        .scalar_subquery()
        .label("evidence_count")
    )


_PLEDGE_DERIVED = {"actors", "evidence_count", "source_ids"}  # not columns of the pledges table


@dataclass(frozen=True)
class Exported:
    folder: Path
    files: list[str]
    counts: dict[str, int]  # rows by table
    head: tuple[int, str | None]  # the revision of the log the files were read at


def snapshot(engine: Engine) -> Engine:
    """The engine for a read transaction whose every query sees one state of the register, as
    SQLite's reads do (on PostgreSQL, REPEATABLE READ: set when the connection is taken, as the
    transaction's first statements are not the caller's)."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="REPEATABLE READ")
    return engine


# --- CSV, fast: cells made by the database where they can be, the rest by one function each ----


def _memo(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`convert`, remembering its results: a column's dates and times repeat (every record of
    an import shares one), and so do its lists ('[]' for most pledges' gases)."""
    seen: dict[Any, Any] = {}

    def memoised(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            seen[value] = out = convert(value)
            return out
        except TypeError:  # a list, from a driver that decodes JSON: not a key
            return convert(value)

    return memoised


def _iso_date(value: Any) -> str | None:
    """A date as ISO 8601: SQLite hands it over stored as text, PostgreSQL as a date."""
    if value is None:
        return None
    return (date.fromisoformat(value) if isinstance(value, str) else value).isoformat()


def _iso_time(value: Any) -> str | None:
    """A timestamp in UTC as ISO 8601, as the register reads it (models.UTCDateTime)."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.isoformat()


def _stored_time(column: Any) -> Any:
    """A timestamp as `_iso_time` writes it, made by SQLite from the text it stores
    ('2023-11-15 09:30:00.000000', in UTC)."""
    fraction = func.substr(column, 21, 6)
    return (
        func.replace(func.substr(column, 1, 19), " ", "T")
        + case((fraction.in_(["", "000000"]), literal("")), else_=literal(".") + fraction)
        + literal("+00:00")
    )


def _cells(
    row_type: Any,
    table: Table,
    derived: Mapping[str, Callable[[Any], Any]],
    computed: Mapping[str, Any],
    *,
    escape: bool,
    excel: bool,
    dialect: str,
) -> tuple[list[Any], list[tuple[int, Callable[[Any], Any]]]]:
    """The columns to select for a table's cells, and the cells that a function finishes. The
    query makes what it can as it is written: text (escaped where it needs it), numbers,
    vocabulary values and booleans; with SQLite, which keeps dates and times as text, dates and
    times too. Lists, and dates and times from other databases, are written here. A column in
    `derived` is computed by its function from the row's id."""
    starts = frozenset((*FORMULA_START, PROTECT)) if excel else frozenset(PROTECT)
    protect = partial(neutralise, excel=excel) if escape else str
    stored_as_text = dialect == "sqlite"
    selected: list[Any] = []
    fixes: list[tuple[int, Callable[[Any], Any]]] = []
    for index, column in enumerate(table.columns):
        if column.name in computed:
            selected.append(computed[column.name])
            continue
        if column.name in derived:
            selected.append(row_type.id)
            fixes.append((index, derived[column.name]))
            continue
        stored = getattr(row_type, column.name)
        raw: Any = type_coerce(stored, String)
        if column.kind == "text" and escape and not isinstance(stored.type, SQLEnum):
            # Vocabulary values never start like a formula or with an apostrophe; text may.
            raw = case((func.substr(raw, 1, 1).in_(sorted(starts)), literal(PROTECT) + raw),
                       else_=raw)  # fmt: skip
        elif column.kind in ("int", "float"):
            raw = stored
            if column.kind == "float" and escape and excel:
                fixes.append(
                    (index, lambda v: None if v is None else neutralise(repr(v), excel=True))
                )
        elif column.kind == "bool":
            raw = case((stored.is_(True), literal("true")), (stored.is_(False), literal("false")))
        elif column.kind == "date" and not stored_as_text:
            raw = stored
            fixes.append((index, _memo(_iso_date)))
        elif column.kind == "datetime":
            if stored_as_text:
                raw = _stored_time(raw)
            else:
                raw = stored
                fixes.append((index, _memo(_iso_time)))
        elif column.kind == "list":
            fixes.append((index, _memo(lambda v: None if v is None else protect(join(
                json.loads(v) if isinstance(v, str) else v)))))  # fmt: skip
        selected.append(raw.label(column.name))
    return selected, fixes


def _fast_rows(
    session: Session,
    row_type: Any,
    table: Table,
    derived: Mapping[str, Callable[[Any], Any]],
    *,
    escape: bool,
    excel: bool,
    computed: Mapping[str, Any] | None = None,
) -> Iterator[Sequence[Any]]:
    """The rows of cells of one table, in id order. `derived` and `computed`: the columns that
    a function makes from the row's id, and those that a query expression makes."""
    dialect = session.get_bind().dialect.name
    selected, fixes = _cells(row_type, table, derived, computed or {}, escape=escape,
                             excel=excel, dialect=dialect)  # fmt: skip
    rows = _read(session, select(*selected).order_by(row_type.id))
    if not fixes:
        yield from rows
        return
    for row in rows:
        cells = list(row)
        for index, fix in fixes:
            cells[index] = fix(cells[index])
        yield cells


def _pledge_links(session: Session) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Each pledge's actors in order, and the sources its evidence cites (sorted)."""
    actors: dict[str, list[str]] = defaultdict(list)
    links = select(PledgeActorRow.pledge_id, PledgeActorRow.actor_id).order_by(
        PledgeActorRow.pledge_id, PledgeActorRow.position
    )
    for pledge_id, actor_id in _read(session, links):
        actors[pledge_id].append(actor_id)
    cited: dict[str, list[str]] = defaultdict(list)
    pairs = (
        select(EvidenceRow.pledge_id, EvidenceRow.source_id)
        .distinct()
        .order_by(EvidenceRow.pledge_id, EvidenceRow.source_id)
    )
    for pledge_id, source_id in _read(session, pairs):
        cited[pledge_id].append(source_id)
    return actors, cited


def _csv_tables(
    session: Session,
    *,
    escape: bool,
    excel: bool,
    packaged: bool = False,
    only: Sequence[str] = ("pledges", "evidence", "sources", "actors"),
) -> Iterator[tuple[Table, Iterator[Sequence[Any]]]]:
    """Each table named in `only` with its rows of cells, in the order of the files."""
    if "pledges" in only:
        actors, cited = _pledge_links(session)
        listed = partial(neutralise, excel=excel) if escape else str
        pledge_extras = {
            "actors": lambda i: listed(join(actors.get(i, ()))),
            "source_ids": lambda i: listed(join(cited.get(i, ()))),
        }
        yield PLEDGES, _fast_rows(
            session, PledgeRow, PLEDGES, pledge_extras, escape=escape, excel=excel,
            computed={"evidence_count": _evidence_count()},
        )  # fmt: skip
    if "evidence" in only:
        yield EVIDENCE, _fast_rows(session, EvidenceRow, EVIDENCE, {}, escape=escape, excel=excel)
    if "sources" in only:
        sources = SOURCES_PACKAGED if packaged else SOURCES
        extras = {"text_path": text_path} if packaged else {}
        yield sources, _fast_rows(session, SourceRow, sources, extras, escape=escape, excel=excel)
    if "actors" in only:
        yield ACTORS, _fast_rows(session, ActorRow, ACTORS, {}, escape=escape, excel=excel)


def _write_cells(
    folder: OutFolder, table: Table, rows: Iterator[Sequence[Any]], excel: bool
) -> int:
    count = 0

    def counted() -> Iterator[Sequence[Any]]:
        nonlocal count
        for count, row in enumerate(rows, 1):  # noqa: B007 - the count is read after
            yield row

    encoding = "utf-8-sig" if excel else "utf-8"
    with folder.open("", table.file, encoding=encoding, newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(table.names)
        writer.writerows(counted())
    return count


def _tables(session: Session) -> tuple[tuple[Table, Iterator[dict[str, Any]]], ...]:
    """Each table with its rows of values, in the order of the files (for JSON)."""
    return (
        (PLEDGES, pledge_rows(session)),
        (EVIDENCE, _value_rows(session, EvidenceRow, EVIDENCE)),
        (SOURCES, _value_rows(session, SourceRow, SOURCES)),
        (ACTORS, _value_rows(session, ActorRow, ACTORS)),
    )


# The files in two groups of about the same work, for two processes on a large register.
_GROUPS = (("evidence", "sources"), ("pledges", "actors"))
_ALL = ("pledges", "evidence", "sources", "actors")
_FILES = tuple(f"{name}.csv" for name in _ALL)
PARALLEL_FROM = 20_000  # pledges and evidence: below this, a second process costs more
ATTEMPTS = 3  # exports begun again when the register changes between their reads


class _Moved(Exception):
    """The register changed between two reads of one export."""


def _head(session: Session) -> int:
    """The last revision of the log (see `history.head`)."""
    return history.head(session)[0]


def _hash_at(session: Session, seq: int) -> str | None:
    """The hash of revision `seq` (None for the empty log's 0)."""
    return session.scalar(select(RevisionRow.hash).where(RevisionRow.seq == seq))


def _write_snapshot(
    db: str | None,
    folder: OutFolder,
    names: Sequence[str],
    head: int,
    *,
    escape: bool,
    excel: bool,
    packaged: bool,
) -> tuple[dict[str, int], str | None]:
    """Write the files of the tables in `names` in one read transaction (a snapshot), and give
    the hash of revision `head` as that snapshot holds it; raise _Moved if it does not see the
    register at revision `head`."""
    counts = {}
    with opened(db) as engine, transaction(snapshot(engine)) as session:
        if _head(session) != head:
            raise _Moved
        hash = _hash_at(session, head)
        only = [name for name in _ALL if name in names]
        for table, rows in _csv_tables(session, escape=escape, excel=excel, packaged=packaged,
                                       only=only):  # fmt: skip
            counts[table.name] = _write_cells(folder, table, rows, excel)
        if packaged and "sources" in names:
            for source_id, text in _read(
                session, select(SourceRow.id, SourceRow.text).order_by(SourceRow.id)
            ):
                with folder.open(TEXTS, file_name(source_id, ".txt"), newline="") as stream:
                    stream.write(text)
    return counts, hash


def _write_group(
    db: str | None,
    folder: OutFolder | Path,
    names: Sequence[str],
    head: int,
    *,
    escape: bool,
    excel: bool,
    packaged: bool,
) -> dict[str, int]:
    """The rows written of each table in `names` (see _write_snapshot). Given a path, the files
    are written to that folder at once (a CSV export of these tables alone)."""
    if isinstance(folder, Path):
        with OutFolder(folder) as alone:
            alone.plan("", [f"{name}.csv" for name in names])
            counts = _write_group(db, alone, names, head, escape=escape, excel=excel,
                                  packaged=False)  # fmt: skip
            alone.commit()
        return counts
    return _write_snapshot(db, folder, names, head, escape=escape, excel=excel,
                           packaged=packaged)[0]  # fmt: skip


def _group_aside(
    db: str | None, folder: OutFolder, names: Sequence[str], head: int, **options: bool
) -> tuple[dict[str, int], list[tuple[str, str, str]]]:
    """A second process's group: its counts, and the files it wrote for this one to commit."""
    before = len(folder.pending)
    counts = _write_group(db, folder, names, head, **options)
    return counts, folder.pending[before:]


def _survey(db: str | None, folder: OutFolder, packaged: bool) -> tuple[int, int]:
    """The head of the log and the size of the register (pledges and evidence); for a data
    package, each source's text file is planned (its name checked before anything is written)."""
    with opened(db) as engine, transaction(snapshot(engine)) as session:
        head = _head(session)
        size = session.scalar(select(func.count()).select_from(EvidenceRow)) or 0
        size += session.scalar(select(func.count()).select_from(PledgeRow)) or 0
        ids = list(session.scalars(select(SourceRow.id))) if packaged else []
    if packaged:
        folder.plan(TEXTS, {file_name(i, ".txt"): i for i in ids}, "source")
    return head, size


def _write_files(
    db: str | None, folder: OutFolder, *, escape: bool, excel: bool, packaged: bool = False
) -> tuple[dict[str, int], int, str | None]:
    """Every table's file, the revision they were read at and its hash. On a large register the
    files are written by two processes at once, each in its own read transaction; both must see
    the revision the export began at, or it begins again (so must one process alone: its names
    were checked at that revision)."""
    options = {"escape": escape, "excel": excel, "packaged": packaged}
    for _ in range(ATTEMPTS):
        head, size = _survey(db, folder, packaged)
        folder.create()
        try:
            if size < PARALLEL_FROM or not parallel.forking():
                counts, hash = _write_snapshot(db, folder, _ALL, head, **options)
            else:
                # Forked before this process opens the register again: a connection is never
                # carried across a fork.
                aside = parallel.Child(
                    partial(_group_aside, db, folder, _GROUPS[1], head, **options),
                    name="pledges-export",
                )
                try:
                    counts, hash = _write_snapshot(db, folder, _GROUPS[0], head, **options)
                    theirs, written = aside.result()
                finally:
                    aside.close()
                counts.update(theirs)
                folder.adopt(written)
            return {name: counts[name] for name in _ALL}, head, hash
        except _Moved:
            folder.rollback()
    raise InvalidInput(
        "the register kept changing while it was being exported",
        "export again when fewer people are editing it",
    )


def export_csv(db: str | None, out: Path, *, excel: bool = False) -> Exported:
    """pledges.csv, evidence.csv, sources.csv (with each text in a cell), actors.csv, and
    log-head.json."""
    with OutFolder(out) as folder:
        folder.plan("", [*_FILES, HEAD_FILE])
        counts, head, hash = _write_files(db, folder, escape=True, excel=excel)
        folder.write("", HEAD_FILE, head_json(head, hash))
        folder.commit()
    return Exported(out, [*(f"{name}.csv" for name in counts), HEAD_FILE], counts, (head, hash))


def _json_value(value: Any, kind: Kind) -> Any:
    if value is None or kind in ("int", "float", "bool"):
        return value
    if kind == "list":
        return list(value)
    return cell(value, kind)


def export_json(db: str | None, out: Path) -> Exported:
    """register.json: the four tables as lists of objects, with each source's text; and
    log-head.json."""
    name = "register.json"
    with OutFolder(out) as folder:
        folder.plan("", [name, HEAD_FILE])
        data: dict[str, list[dict[str, Any]]] = {}
        with opened(db) as engine, transaction(snapshot(engine)) as session:
            head, hash = history.head(session)
            for table, rows in _tables(session):
                kinds = [(c.name, c.kind) for c in table.columns]
                data[table.name] = [{n: _json_value(v[n], k) for n, k in kinds} for v in rows]
        folder.write("", name, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        folder.write("", HEAD_FILE, head_json(head, hash))
        folder.commit()
    counts = {table: len(rows) for table, rows in data.items()}
    return Exported(out, [name, HEAD_FILE], counts, (head, hash))


def export_package(db: str | None, out: Path) -> Exported:
    """A Frictionless data package: datapackage.json (which names the revision of the log read,
    as log-head.json does), the four CSVs, and texts/ID.txt for each source, named in
    sources.csv's text_path column."""
    from pledges.transfer.datapackage import descriptor

    name = "datapackage.json"
    with OutFolder(out) as folder:
        folder.plan("", [name, *_FILES, HEAD_FILE])
        folder.plan(TEXTS, [])
        counts, head, hash = _write_files(db, folder, escape=False, excel=False, packaged=True)
        package = descriptor({"seq": head, "hash": hash})
        folder.write("", name, json.dumps(package, indent=2, ensure_ascii=False) + "\n")
        folder.write("", HEAD_FILE, head_json(head, hash))
        folder.commit()
    files = [name, *(f"{n}.csv" for n in counts), f"{TEXTS}/", HEAD_FILE]
    return Exported(out, files, counts, (head, hash))
