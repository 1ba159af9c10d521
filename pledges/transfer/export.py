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
import itertools
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import func, null, select
from sqlalchemy.orm import Session

from pledges import history, parallel, progress, records
from pledges.db import opened, snapshot, transaction
from pledges.errors import InvalidInput
from pledges.models import ActorRow, EvidenceRow, PledgeRow, SourceRow
from pledges.outfolder import HEAD_FILE, OutFolder, file_name, head_json
from pledges.pages import PAGE_BREAK, page_at
from pledges.textmatch import Article
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
)

TEXTS = "texts"  # the folder of a data package that holds each source's text
# The files in two groups of about the same work, for two processes on a large register.
_GROUPS = (("evidence", "sources"), ("pledges", "actors"))
_ALL = ("pledges", "evidence", "sources", "actors")
_FILES = tuple(f"{name}.csv" for name in _ALL)
JSON_FILE = "register.json"
DOWNLOADS = (*_FILES, JSON_FILE)  # what write_downloads writes
ATTEMPTS = 3  # exports begun again when the register changes between their reads


@dataclass(frozen=True)
class Exported:
    folder: Path
    files: list[str]
    counts: dict[str, int]  # rows by table
    head: tuple[int, str | None]  # the revision of the log the files were read at


def text_path(source_id: str) -> str:
    return f"{TEXTS}/{file_name(source_id, '.txt')}"


# --- what each table's query reads ----------------------------------------------------------------


# A table's query: the table, its ORM row type, the columns a query expression makes, and those
# a function makes from the row's id.
Query = tuple[Table, Any, dict[str, Any], dict[str, Callable[[Any], Any]]]


def _queries(
    session: Session, *, packaged: bool = False, only: Sequence[str] = _ALL
) -> Iterator[Query]:
    """Each table named in `only`, in the order of the files, with its ORM row type and the
    columns that are not stored under their name: those a query expression makes, and those a
    function makes from the row's id (a pledge's actors in order, the sources its evidence
    cites, sorted, and the page a quote starts on: `_pages`)."""
    if "pledges" in only:
        actors = records.actor_links(session.connection())
        cited: dict[str, list[str]] = defaultdict(list)
        pairs = (
            select(EvidenceRow.pledge_id, EvidenceRow.source_id)
            .distinct()
            .order_by(EvidenceRow.pledge_id, EvidenceRow.source_id)
        )
        for pledge_id, source_id in cells.read(session, pairs):
            cited[pledge_id].append(source_id)
        count = select(func.count()).where(EvidenceRow.pledge_id == PledgeRow.id)
        computed = {"evidence_count": count.scalar_subquery().label("evidence_count")}
        derived = {"actors": lambda i: actors.get(i, ()), "source_ids": lambda i: cited.get(i, ())}
        yield PLEDGES, PledgeRow, computed, derived
    if "evidence" in only:
        pages = _pages(session)
        if pages:
            yield EVIDENCE, EvidenceRow, {}, {"page": pages.get}
        else:  # every page empty, made by the query: no row is finished in Python
            yield EVIDENCE, EvidenceRow, {"page": null().label("page")}, {}
    if "sources" in only:
        if packaged:
            yield SOURCES_PACKAGED, SourceRow, {}, {"text_path": text_path}
        else:
            yield SOURCES, SourceRow, {}, {}
    if "actors" in only:
        yield ACTORS, ActorRow, {}, {}


def _pages(session: Session) -> dict[int, int]:
    """The page each located quote starts on (pledges.pages), by evidence id, for the sources
    whose text has pages. The database picks those sources, so that in a register without them
    no quote is searched for; each of their quotes is searched for once, each text folded once."""
    paged = select(SourceRow.id).where(SourceRow.text.contains(PAGE_BREAK)).order_by(SourceRow.id)
    pages: dict[int, int] = {}
    for source_id in list(session.scalars(paged)):
        text = session.scalar(select(SourceRow.text).where(SourceRow.id == source_id)) or ""
        article = Article(text)
        quotes = select(EvidenceRow.id, EvidenceRow.quote).where(EvidenceRow.source_id == source_id)
        for evidence_id, quote in session.execute(quotes):
            span = article.find(quote)
            page = None if span is None else page_at(text, span.start)
            if page is not None:
                pages[evidence_id] = page
    return pages


# --- CSV: the files, each in one read transaction -----------------------------------------------


def _write_cells(
    folder: OutFolder, table: Table, rows: Iterator[Sequence[Any]], excel: bool, sub: str = ""
) -> int:
    numbers = itertools.count()
    encoding = "utf-8-sig" if excel else "utf-8"
    with folder.open(sub, table.file, encoding=encoding, newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(table.names)
        writer.writerows(row for row, _ in zip(rows, numbers, strict=False))
    return next(numbers)  # zip stops at the end of the rows, before taking another number


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
        for query in _queries(session, packaged=packaged, only=names):
            rows = cells.rows(session, *query, escape=escape, excel=excel)
            counts[query[0].name] = _write_cells(folder, query[0], rows, excel)
            progress.advance()
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
    db: str | None, folder: OutFolder, parallel_from: int, **options: bool
) -> tuple[dict[str, int], int, str | None]:
    """Every table's file, the revision they were read at and its hash; `options`: those of
    `_write_snapshot`. From `parallel_from` pledges and evidence, the files are written by two
    processes at once, each in its own read transaction; both must see the revision the export
    began at, or it begins again (so must one process alone: its names were checked at that
    revision)."""
    for _ in range(ATTEMPTS):
        head, size = _survey(db, folder, options["packaged"])
        progress.stage("writing the files", total=len(_ALL))
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
                progress.advance(len(theirs))
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
    log-head.json. With `excel`, each source's text is kept out of the sheet (a spreadsheet
    keeps at most 32,767 characters in a cell): texts/ID.txt, named in sources.csv's text_path
    column, as a data package has it. `parallel_from`: the size of register (pledges and
    evidence) from which a second process writes half of the files; below it, starting one
    costs more than it saves (at 100,000 pledges it saves a third of the time)."""
    files = [*_FILES, *([f"{TEXTS}/"] if excel else []), HEAD_FILE]
    with OutFolder(out) as folder:
        folder.plan("", [*_FILES, HEAD_FILE])
        if excel:
            folder.plan(TEXTS, [])
        counts, head, hash = _write_files(
            db, folder, parallel_from, escape=True, excel=excel, packaged=excel
        )
        folder.write("", HEAD_FILE, head_json(head, hash))
        folder.commit()
    return Exported(out, files, counts, (head, hash))


def export_package(db: str | None, out: Path, *, parallel_from: int = 20_000) -> Exported:
    """A Frictionless data package: datapackage.json (which names the revision of the log read,
    as log-head.json does), the four CSVs, and texts/ID.txt for each source, named in
    sources.csv's text_path column. `parallel_from`: as for `export_csv`."""
    from pledges.transfer.datapackage import descriptor

    name = "datapackage.json"
    with OutFolder(out) as folder:
        folder.plan("", [name, *_FILES, HEAD_FILE])
        folder.plan(TEXTS, [])
        counts, head, hash = _write_files(
            db, folder, parallel_from, escape=False, excel=False, packaged=True
        )
        package = descriptor({"seq": head, "hash": hash})
        folder.write("", name, json.dumps(package, indent=2, ensure_ascii=False) + "\n")
        folder.write("", HEAD_FILE, head_json(head, hash))
        folder.commit()
    return Exported(out, [name, *_FILES, f"{TEXTS}/", HEAD_FILE], counts, (head, hash))


# --- JSON: values, not cells ----------------------------------------------------------------------


def _values(
    session: Session,
    table: Table,
    row_type: Any,
    computed: dict[str, Any],
    derived: dict[str, Callable[[Any], Any]],
) -> Iterator[dict[str, Any]]:
    """The rows of a table as values by column, as register.json holds them (`_queries`)."""
    selected = [
        computed[c.name] if c.name in computed
        else row_type.id if c.name in derived
        else getattr(row_type, c.name)
        for c in table.columns
    ]  # fmt: skip
    columns = [(c.name, c.kind, derived.get(c.name)) for c in table.columns]
    for row in cells.read(session, select(*selected).order_by(row_type.id)):
        yield {
            name: _json_value(value if make is None else make(value), kind)
            for (name, kind, make), value in zip(columns, row, strict=True)
        }


def json_parts(tables: Iterable[tuple[str, Iterable[dict[str, Any]]]]) -> Iterator[str]:
    """register.json, piece by piece as its tables' records come: an object of the tables, each a
    list of its records, one record a line. (Indented throughout, the document would be written
    by json's Python encoder, three times slower than its C encoder, which writes each record.)"""
    encode = json.JSONEncoder(ensure_ascii=False).encode
    yield "{"
    for n, (name, rows) in enumerate(tables):
        yield f"{',' if n else ''}\n  {encode(name)}: ["
        first = True
        for row in rows:
            yield f"{'' if first else ','}\n    {encode(row)}"
            first = False
        yield "]" if first else "\n  ]"
    yield "\n}\n"


def _write_json(
    session: Session, folder: OutFolder, sub: str, queries: Iterable[Query]
) -> dict[str, int]:
    """register.json, written as the tables are read (one batch of rows at a time) by these
    `queries` (`_queries`); gives the records of each table."""
    counts: dict[str, int] = {}

    def records(query: Query) -> Iterator[dict[str, Any]]:
        name = query[0].name
        counts[name] = 0
        for row in _values(session, *query):
            counts[name] += 1
            yield row

    with folder.open(sub, JSON_FILE) as stream:
        stream.writelines(json_parts((q[0].name, records(q)) for q in queries))
    return counts


def _json_value(value: Any, kind: Kind) -> Any:
    if value is None or kind in ("int", "float", "bool"):
        return value
    if kind == "list":
        return list(value)
    return cell(value, kind)


def export_json(db: str | None, out: Path) -> Exported:
    """register.json: the four tables as lists of objects, with each source's text; and
    log-head.json."""
    name = JSON_FILE
    with OutFolder(out) as folder:
        folder.plan("", [name, HEAD_FILE])
        with opened(db) as engine, transaction(snapshot(engine)) as session:
            head, hash = history.head(session)
            counts = _write_json(session, folder, "", _queries(session))
        folder.write("", HEAD_FILE, head_json(head, hash))
        folder.commit()
    return Exported(out, [name, HEAD_FILE], counts, (head, hash))


def write_downloads(session: Session, folder: OutFolder, sub: str) -> dict[str, int]:
    """The four CSV files and register.json into the subfolder `sub` of a folder another command
    writes (the report's downloads), read in that command's read transaction, so that they show
    the register its pages show. Their names must be planned. The CSV files are for the readers
    of a report, who open them in a spreadsheet: made as `export --excel` makes them (a
    byte-order mark, formula-like cells behind an apostrophe), but each source's text in its
    cell, since the files are downloaded one by one; `pledges import` reads them back."""
    counts = {}
    queries = list(_queries(session))  # each table's query, its derived columns worked out once
    for query in queries:
        rows = cells.rows(session, *query, escape=True, excel=True)
        counts[query[0].name] = _write_cells(folder, query[0], rows, True, sub)
    _write_json(session, folder, sub, queries)
    return counts


def export_jsonl(db: str | None, out: Path) -> Exported:
    """pledges.jsonl, evidence.jsonl, sources.jsonl and actors.jsonl: one object a line, each
    as register.json holds it (each source with its text); and log-head.json."""
    counts: dict[str, int] = {}
    with OutFolder(out) as folder, opened(db) as engine:
        with transaction(snapshot(engine)) as session:
            head, hash = history.head(session)
            queries = list(_queries(session))
            names = [f"{query[0].name}.jsonl" for query in queries]
            folder.plan("", [*names, HEAD_FILE])
            for name, query in zip(names, queries, strict=True):
                lines = [json.dumps(row, ensure_ascii=False) for row in _values(session, *query)]
                folder.write("", name, "".join(line + "\n" for line in lines))
                counts[query[0].name] = len(lines)
        folder.write("", HEAD_FILE, head_json(head, hash))
        folder.commit()
    return Exported(out, [*names, HEAD_FILE], counts, (head, hash))
