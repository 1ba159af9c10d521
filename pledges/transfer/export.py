"""Writing the register out: CSV for spreadsheets, JSON, or a Frictionless data package.

Rows are read with plain queries in one read transaction (`snapshot`: one state of the
register), in id order, and written as they are read; a CSV's cells are made by the query
(pledges.transfer.cells), and each pledge's actors are read by `records.actor_links`. Every
export records the revision of the log it read (log-head.json, and datapackage.json), and writes
only inside its folder, all or nothing (pledges.outfolder: every name checked first, each file
written beside its place and moved there once all are written).

On a large register the CSV files are written by two processes at once (the second one started
through pledges.parallel), each in its own read transaction. Each must read the register at the
revision the export began at, or the export begins again.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pledges import history, parallel, records
from pledges.db import opened, snapshot, transaction
from pledges.errors import InvalidInput
from pledges.models import ActorRow, EvidenceRow, PledgeRow, SourceRow
from pledges.outfolder import HEAD_FILE, OutFolder, file_name, head_json
from pledges.transfer import cells
from pledges.transfer.tables import (
    ACTORS,
    EVIDENCE,
    PLEDGES,
    SOURCES,
    SOURCES_PACKAGED,
    Kind,
    Table,
    cell,
    join,
    neutralise,
)

TEXTS = "texts"  # the folder of a data package that holds each source's text
# The files in two groups of about the same work, for two processes on a large register.
_GROUPS = (("evidence", "sources"), ("pledges", "actors"))
_ALL = ("pledges", "evidence", "sources", "actors")
_FILES = tuple(f"{name}.csv" for name in _ALL)
ATTEMPTS = 3  # exports begun again when the register changes between their reads


@dataclass(frozen=True)
class Exported:
    folder: Path
    files: list[str]
    counts: dict[str, int]  # rows by table
    head: tuple[int, str | None]  # the revision of the log the files were read at


def text_path(source_id: str) -> str:
    return f"{TEXTS}/{file_name(source_id, '.txt')}"


# --- what a pledge's row holds beside its own columns ---------------------------------------------


def _evidence_count() -> Any:
    """How many pieces of evidence a pledge has, as a column of a query of pledges."""
    return (
        select(func.count())
        .where(EvidenceRow.pledge_id == PledgeRow.id)
        .scalar_subquery()
        .label("evidence_count")
    )


def _pledge_links(session: Session) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Each pledge's actors in order, and the sources its evidence cites (sorted)."""
    actors = records.actor_links(session.connection())
    cited: dict[str, list[str]] = defaultdict(list)
    pairs = (
        select(EvidenceRow.pledge_id, EvidenceRow.source_id)
        .distinct()
        .order_by(EvidenceRow.pledge_id, EvidenceRow.source_id)
    )
    for pledge_id, source_id in cells.read(session, pairs):
        cited[pledge_id].append(source_id)
    return actors, cited


# --- CSV: the files, each in one read transaction -----------------------------------------------


def _csv_tables(
    session: Session,
    *,
    escape: bool,
    excel: bool,
    packaged: bool = False,
    only: Sequence[str] = _ALL,
) -> Iterator[tuple[Table, Iterator[Sequence[Any]]]]:
    """Each table named in `only` with its rows of cells, in the order of the files."""
    if "pledges" in only:
        actors, cited = _pledge_links(session)
        listed = partial(neutralise, excel=excel) if escape else str
        pledge_extras = {
            "actors": lambda i: listed(join(actors.get(i, ()))),
            "source_ids": lambda i: listed(join(cited.get(i, ()))),
        }
        yield PLEDGES, cells.rows(
            session, PledgeRow, PLEDGES, pledge_extras, escape=escape, excel=excel,
            computed={"evidence_count": _evidence_count()},
        )  # fmt: skip
    if "evidence" in only:
        yield EVIDENCE, cells.rows(session, EvidenceRow, EVIDENCE, {}, escape=escape, excel=excel)
    if "sources" in only:
        sources = SOURCES_PACKAGED if packaged else SOURCES
        extras = {"text_path": text_path} if packaged else {}
        yield sources, cells.rows(session, SourceRow, sources, extras, escape=escape, excel=excel)
    if "actors" in only:
        yield ACTORS, cells.rows(session, ActorRow, ACTORS, {}, escape=escape, excel=excel)


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


class _Moved(Exception):
    """The register changed between two reads of one export."""


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
    """Write the files of the tables in `names` in one read transaction (a snapshot): the rows
    written of each, and the hash of revision `head`; raise _Moved if the snapshot does not see
    the register at revision `head`."""
    counts = {}
    with opened(db) as engine, transaction(snapshot(engine)) as session:
        seq, hash = history.head(session)
        if seq != head:
            raise _Moved
        only = [name for name in _ALL if name in names]
        for table, rows in _csv_tables(session, escape=escape, excel=excel, packaged=packaged,
                                       only=only):  # fmt: skip
            counts[table.name] = _write_cells(folder, table, rows, excel)
        if packaged and "sources" in names:
            for source_id, text in cells.read(
                session, select(SourceRow.id, SourceRow.text).order_by(SourceRow.id)
            ):
                with folder.open(TEXTS, file_name(source_id, ".txt"), newline="") as stream:
                    stream.write(text)
    return counts, hash


def _group_aside(
    db: str | None, folder: OutFolder, names: Sequence[str], head: int, **options: bool
) -> tuple[dict[str, int], list[tuple[str, str, str]]]:
    """A second process's group: its counts, and the files it wrote for this one to commit."""
    before = len(folder.pending)
    counts, _ = _write_snapshot(db, folder, names, head, **options)
    return counts, folder.pending[before:]


def _survey(db: str | None, folder: OutFolder, packaged: bool) -> tuple[int, int]:
    """The head of the log and the size of the register (pledges and evidence); for a data
    package, each source's text file is planned (its name checked before anything is written)."""
    with opened(db) as engine, transaction(snapshot(engine)) as session:
        head, _ = history.head(session)
        size = session.scalar(select(func.count()).select_from(EvidenceRow)) or 0
        size += session.scalar(select(func.count()).select_from(PledgeRow)) or 0
        ids = list(session.scalars(select(SourceRow.id))) if packaged else []
    if packaged:
        folder.plan(TEXTS, {file_name(i, ".txt"): i for i in ids}, "source")
    return head, size


def _write_files(
    db: str | None,
    folder: OutFolder,
    *,
    escape: bool,
    excel: bool,
    packaged: bool,
    parallel_from: int,
) -> tuple[dict[str, int], int, str | None]:
    """Every table's file, the revision they were read at and its hash. From `parallel_from`
    pledges and evidence, the files are written by two processes at once, each in its own read
    transaction; both must see the revision the export began at, or it begins again (so must one
    process alone: its names were checked at that revision)."""
    options = {"escape": escape, "excel": excel, "packaged": packaged}
    for _ in range(ATTEMPTS):
        head, size = _survey(db, folder, packaged)
        folder.create()
        try:
            if size < parallel_from or not parallel.forking():
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


def export_csv(
    db: str | None, out: Path, *, excel: bool = False, parallel_from: int = 20_000
) -> Exported:
    """pledges.csv, evidence.csv, sources.csv (with each text in a cell), actors.csv, and
    log-head.json. `parallel_from`: the size of register (pledges and evidence) from which a
    second process writes half of the files; below it, starting one costs more than it saves
    (at 100,000 pledges it saves a third of the time)."""
    with OutFolder(out) as folder:
        folder.plan("", [*_FILES, HEAD_FILE])
        counts, head, hash = _write_files(db, folder, escape=True, excel=excel, packaged=False,
                                          parallel_from=parallel_from)  # fmt: skip
        folder.write("", HEAD_FILE, head_json(head, hash))
        folder.commit()
    return Exported(out, [*(f"{name}.csv" for name in counts), HEAD_FILE], counts, (head, hash))


def export_package(db: str | None, out: Path, *, parallel_from: int = 20_000) -> Exported:
    """A Frictionless data package: datapackage.json (which names the revision of the log read,
    as log-head.json does), the four CSVs, and texts/ID.txt for each source, named in
    sources.csv's text_path column. `parallel_from`: as for `export_csv`."""
    from pledges.transfer.datapackage import descriptor

    name = "datapackage.json"
    with OutFolder(out) as folder:
        folder.plan("", [name, *_FILES, HEAD_FILE])
        folder.plan(TEXTS, [])
        counts, head, hash = _write_files(db, folder, escape=False, excel=False, packaged=True,
                                          parallel_from=parallel_from)  # fmt: skip
        package = descriptor({"seq": head, "hash": hash})
        folder.write("", name, json.dumps(package, indent=2, ensure_ascii=False) + "\n")
        folder.write("", HEAD_FILE, head_json(head, hash))
        folder.commit()
    files = [name, *(f"{n}.csv" for n in counts), f"{TEXTS}/", HEAD_FILE]
    return Exported(out, files, counts, (head, hash))


# --- JSON: values, not cells ----------------------------------------------------------------------


def _columns(row_type: Any, names: list[str]) -> list[Any]:
    return [getattr(row_type, name) for name in names]


def _value_rows(session: Session, row_type: Any, table: Table) -> Iterator[dict[str, Any]]:
    """The rows of a table whose columns are all stored as they are, as values by column."""
    names = table.names
    for row in cells.read(session, select(*_columns(row_type, names)).order_by(row_type.id)):
        yield dict(zip(names, row, strict=True))


_PLEDGE_DERIVED = {"actors", "evidence_count", "source_ids"}  # not columns of the pledges table


def _pledge_rows(session: Session) -> Iterator[dict[str, Any]]:
    actors, cited = _pledge_links(session)
    stored = [c.name for c in PLEDGES.columns if c.name not in _PLEDGE_DERIVED]
    query = select(*_columns(PledgeRow, stored), _evidence_count()).order_by(PledgeRow.id)
    for row in cells.read(session, query):
        values = dict(zip(stored, row[:-1], strict=True))
        pledge_id = values["id"]
        values["actors"] = actors.get(pledge_id, [])
        values["evidence_count"] = row[-1]
        values["source_ids"] = cited.get(pledge_id, [])
        yield values


def _tables(session: Session) -> tuple[tuple[Table, Iterator[dict[str, Any]]], ...]:
    """Each table with its rows of values, in the order of the files."""
    return (
        (PLEDGES, _pledge_rows(session)),
        (EVIDENCE, _value_rows(session, EvidenceRow, EVIDENCE)),
        (SOURCES, _value_rows(session, SourceRow, SOURCES)),
        (ACTORS, _value_rows(session, ActorRow, ACTORS)),
    )


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
