"""Writing the register out: CSV for spreadsheets, JSON, or a Frictionless data package.

Rows are read with plain queries in one read transaction (a consistent snapshot), in id order,
and written as they are read.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pledges.db import unit_of_work
from pledges.errors import InvalidInput
from pledges.models import ActorRow, EvidenceRow, PledgeActorRow, PledgeRow, SourceRow
from pledges.transfer.tables import (
    ACTORS,
    EVIDENCE,
    PLEDGES,
    SOURCES,
    SOURCES_PACKAGED,
    Kind,
    Table,
    cell,
    writer_of,
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


def actor_rows(session: Session) -> Iterator[dict[str, Any]]:
    names = ACTORS.names
    for row in (
        session.connection()
        .execution_options(yield_per=BATCH)
        .execute(select(*_columns(ActorRow, names)).order_by(ActorRow.id))
    ):
        yield dict(zip(names, row, strict=True))


def source_rows(session: Session, *, packaged: bool = False) -> Iterator[dict[str, Any]]:
    names = [c.name for c in SOURCES.columns]
    query = select(*_columns(SourceRow, names)).order_by(SourceRow.id)
    for row in _read(session, query):
        values = dict(zip(names, row, strict=True))
        if packaged:
            values["text_path"] = text_path(values["id"])
        yield values


def pledge_rows(session: Session) -> Iterator[dict[str, Any]]:
    actors: dict[str, list[str]] = defaultdict(list)
    links = select(PledgeActorRow.pledge_id, PledgeActorRow.actor_id).order_by(
        PledgeActorRow.pledge_id, PledgeActorRow.position
    )
    for pledge_id, actor_id in _read(session, links):
        actors[pledge_id].append(actor_id)
    counts: dict[str, int] = defaultdict(int)
    cited: dict[str, set[str]] = defaultdict(set)
    for pledge_id, source_id in (
        session.connection()
        .execution_options(yield_per=BATCH)
        .execute(select(EvidenceRow.pledge_id, EvidenceRow.source_id))
    ):
        counts[pledge_id] += 1
        cited[pledge_id].add(source_id)
    stored = [c.name for c in PLEDGES.columns if c.name not in _PLEDGE_DERIVED]
    for row in (
        session.connection()
        .execution_options(yield_per=BATCH)
        .execute(select(*_columns(PledgeRow, stored)).order_by(PledgeRow.id))
    ):
        values = dict(zip(stored, row, strict=True))
        pledge_id = values["id"]
        values["actors"] = actors.get(pledge_id, [])
        values["evidence_count"] = counts.get(pledge_id, 0)
        values["source_ids"] = sorted(cited.get(pledge_id, ()))
        yield values


_PLEDGE_DERIVED = {"actors", "evidence_count", "source_ids"}  # not columns of the pledges table


def evidence_rows(session: Session) -> Iterator[dict[str, Any]]:
    names = EVIDENCE.names
    for row in (
        session.connection()
        .execution_options(yield_per=BATCH)
        .execute(select(*_columns(EvidenceRow, names)).order_by(EvidenceRow.id))
    ):
        yield dict(zip(names, row, strict=True))


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


def _write_csv(
    path: Path, table: Table, rows: Iterator[dict[str, Any]], excel: bool, *, escape: bool = True
) -> int:
    """One CSV file. `escape`: cells are written as `neutralise` gives them (not in a data
    package, whose readers are programs that take each cell as it is)."""
    converters = [(c.name, writer_of(c.kind, escape=escape, excel=excel)) for c in table.columns]
    count = 0
    with path.open("w", encoding="utf-8-sig" if excel else "utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(table.names)
        for values in rows:
            writer.writerow([write(values[name]) for name, write in converters])
            count += 1
    return count


def _tables(
    session: Session, *, packaged: bool = False
) -> tuple[tuple[Table, Iterator[dict[str, Any]]], ...]:
    """Each table with its rows, in the order of the files."""
    return (
        (PLEDGES, pledge_rows(session)),
        (EVIDENCE, evidence_rows(session)),
        (SOURCES_PACKAGED if packaged else SOURCES, source_rows(session, packaged=packaged)),
        (ACTORS, actor_rows(session)),
    )


def export_csv(db: str | None, out: Path, *, excel: bool = False) -> Exported:
    """pledges.csv, evidence.csv, sources.csv (with each text in a cell) and actors.csv."""
    folder = _folder(out)
    counts = {}
    with unit_of_work(db) as session:
        for table, rows in _tables(session):
            counts[table.name] = _write_csv(folder / table.file, table, rows, excel)
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
    counts = {}
    with unit_of_work(db) as session:
        for table, rows in _tables(session, packaged=True):
            counts[table.name] = _write_csv(folder / table.file, table, rows, False, escape=False)
        for source_id, text in (
            session.connection()
            .execution_options(yield_per=BATCH)
            .execute(select(SourceRow.id, SourceRow.text).order_by(SourceRow.id))
        ):
            with (folder / text_path(source_id)).open("w", encoding="utf-8", newline="") as f:
                f.write(text)
    path = folder / "datapackage.json"
    path.write_text(json.dumps(descriptor(), indent=2, ensure_ascii=False) + "\n", "utf-8")
    return Exported(folder, [path.name, *(f"{n}.csv" for n in counts), f"{TEXTS}/"], counts)
