"""Writing the register out: CSV for spreadsheets, JSON, or a Frictionless data package.

Rows are read with plain queries in one read transaction (a consistent snapshot), in id order,
and written as they are read.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import Any

from sqlalchemy import Enum as SQLEnum
from sqlalchemy import String, case, func, literal, select, type_coerce
from sqlalchemy.orm import Session

from pledges import history
from pledges.db import opened, transaction, unit_of_work
from pledges.errors import InvalidInput
from pledges.models import (
    ActorRow,
    EvidenceRow,
    PledgeActorRow,
    PledgeRow,
    SourceRow,
)
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
    return f"{TEXTS}/{source_id}.txt"


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


def _folder(out: Path) -> Path:
    if out.exists() and not out.is_dir():
        raise InvalidInput(f"{out} is a file", "give --out a folder (it is created if need be)")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InvalidInput(f"cannot create the folder {out} ({error.strerror})",
                           "choose a folder you can write to") from None  # fmt: skip
    return out


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


def _write_cells(path: Path, table: Table, rows: Iterator[Sequence[Any]], excel: bool) -> int:
    count = 0

    def counted() -> Iterator[Sequence[Any]]:
        nonlocal count
        for count, row in enumerate(rows, 1):  # noqa: B007 - the count is read after
            yield row

    with path.open("w", encoding="utf-8-sig" if excel else "utf-8", newline="") as stream:
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
PARALLEL_FROM = 20_000  # pledges and evidence: below this, a second process costs more
ATTEMPTS = 3  # exports begun again when the register changes under a parallel one


class _Moved(Exception):
    """The register changed between the reads of a parallel export."""


def _head(session: Session) -> int:
    """The last revision of the log (see `history.head`)."""
    return history.head(session)[0]


def _write_group(
    db: str | None,
    folder: Path,
    names: Sequence[str],
    head: int | None,
    *,
    escape: bool,
    excel: bool,
    packaged: bool,
) -> dict[str, int]:
    """Write the files of the tables in `names` in one read transaction (a snapshot); raise
    _Moved if it does not see the register at revision `head`."""
    counts = {}
    with opened(db) as engine, transaction(engine) as session:
        if engine.dialect.name == "postgresql":  # one snapshot for every query, as SQLite has
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        if head is not None and _head(session) != head:
            raise _Moved
        only = [name for name in _ALL if name in names]
        for table, rows in _csv_tables(session, escape=escape, excel=excel, packaged=packaged,
                                       only=only):  # fmt: skip
            counts[table.name] = _write_cells(folder / table.file, table, rows, excel)
        if packaged and "sources" in names:
            for source_id, text in _read(
                session, select(SourceRow.id, SourceRow.text).order_by(SourceRow.id)
            ):
                with (folder / text_path(source_id)).open("w", encoding="utf-8", newline="") as f:
                    f.write(text)
    return counts


def _write_files(
    db: str | None, folder: Path, *, escape: bool, excel: bool, packaged: bool = False
) -> dict[str, int]:
    """Every table's file. On a large register the files are written by two processes at
    once, each in its own read transaction; both must see the same revision of the register,
    or the export begins again."""
    options = {"escape": escape, "excel": excel, "packaged": packaged}
    with opened(db) as engine, transaction(engine) as session:
        head = _head(session)
        size = session.scalar(select(func.count()).select_from(EvidenceRow)) or 0
        size += session.scalar(select(func.count()).select_from(PledgeRow)) or 0
    if size < PARALLEL_FROM or "fork" not in get_all_start_methods():
        counts = _write_group(db, folder, _ALL, None, **options)
        return {name: counts[name] for name in _ALL}
    for _ in range(ATTEMPTS):
        try:
            # Forked before this process opens the register again: a connection is never
            # carried across a fork.
            with ProcessPoolExecutor(1, mp_context=get_context("fork")) as pool:
                other = pool.submit(_write_group, db, folder, _GROUPS[1], head, **options)
                counts = _write_group(db, folder, _GROUPS[0], head, **options)
                counts.update(other.result())
            return {name: counts[name] for name in _ALL}
        except _Moved:
            with opened(db) as engine, transaction(engine) as session:
                head = _head(session)
    raise InvalidInput(
        "the register kept changing while it was being exported",
        "export again when fewer people are editing it",
    )


def export_csv(db: str | None, out: Path, *, excel: bool = False) -> Exported:
    """pledges.csv, evidence.csv, sources.csv (with each text in a cell) and actors.csv."""
    folder = _folder(out)
    counts = _write_files(db, folder, escape=True, excel=excel)
    return Exported(folder, [f"{name}.csv" for name in counts], counts)


def _json_value(value: Any, kind: Kind) -> Any:
    if value is None or kind in ("int", "float", "bool"):
        return value
    if kind == "list":
        return list(value)
    return cell(value, kind)


def export_json(db: str | None, out: Path) -> Exported:
    """register.json: the four tables as lists of objects, with each source's text."""
    folder = _folder(out)
    data: dict[str, list[dict[str, Any]]] = {}
    with unit_of_work(db) as session:
        for table, rows in _tables(session):
            kinds = [(c.name, c.kind) for c in table.columns]
            data[table.name] = [{n: _json_value(v[n], k) for n, k in kinds} for v in rows]
    path = folder / "register.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return Exported(folder, [path.name], {name: len(rows) for name, rows in data.items()})


def export_package(db: str | None, out: Path) -> Exported:
    """A Frictionless data package: datapackage.json, the four CSVs, and texts/ID.txt for each
    source, named in sources.csv's text_path column."""
    from pledges.transfer.datapackage import descriptor

    folder = _folder(out)
    (folder / TEXTS).mkdir(exist_ok=True)
    counts = _write_files(db, folder, escape=False, excel=False, packaged=True)
    path = folder / "datapackage.json"
    path.write_text(json.dumps(descriptor(), indent=2, ensure_ascii=False) + "\n", "utf-8")
    return Exported(folder, [path.name, *(f"{n}.csv" for n in counts), f"{TEXTS}/"], counts)
