"""Rows the register holds exactly as written: left alone without being read.

Why this module exists: the common import is an export brought back with a few rows edited.
Reading every row as a record and comparing it with its stored record costs as much as importing
the whole register into an empty one. Comparing each row's cells, as written, with the cells the
export would write for its record now costs a digest per row; a row whose cells are those is
unchanged (an export imports as no change), so it is counted and never read, and every other row
is read and checked in full. A file that lacks a column, a spreadsheet that rewrote a cell
('2030.0', a line break), or a record changed since the export: those rows are simply read and
checked. Measured with bench/transfer.py (the import of a 100,000-pledge export in which 5
pledges changed), see the README.

The rows are compared a batch at a time, as their file is read (`Settled.add`): one query for the
records a batch's ids name, so that neither the file's rows nor the register's are all held at
once. What is held is the ids of the rows left alone (with their row numbers: a second row of the
same id is refused naming the first) and the rows that are read.

A row's digest is Python's hash of its cells (every cell but a source's `text_path`: a packaged
source is left alone only when the file its row names holds the text whose sha256 the row and
the register give). A changed row taken for unchanged would need its 64-bit hash to equal its
record's by chance, a chance of one in 2**64 (the hash is seeded anew by each run, and a second
process of the import is forked with the same seed); a cryptographic digest cost a third of the
time this saves.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pledges import records
from pledges.models import ActorRow, EvidenceRow, PledgeRow, SourceRow
from pledges.schema import text_sha256
from pledges.transfer import cells
from pledges.transfer.rows import Row
from pledges.transfer.tables import Column, Table, restore
from pledges.vocab import MAX_ID

BATCH = 2_000  # rows compared at a time: the ids of one query
_SKIPPED = "text_path"  # a packaged source's text is compared by its sha256
NUMBERS = ("int", "float")
READ_BACK = ("version", "sha256")  # derived, but read: a pledge's version, a source's sha256
# The stored rows of each table. A column an export makes otherwise is derived (not compared),
# but for a pledge's actors, made from its links to them (`_held`).
_ROW_TYPES: dict[str, Any] = {
    "actors": ActorRow, "sources": SourceRow, "pledges": PledgeRow, "evidence": EvidenceRow,
}  # fmt: skip


def settle(
    session: Session, table: str, rows: list[Row], *, folder: Path, packaged: bool
) -> tuple[dict[str, int], list[Row]]:
    """The rows the register holds exactly as written, by id with their row numbers (each id
    once: a second row of the same id is read, and refused as a second), and the other rows."""
    settled = Settled(session, table, folder=folder, packaged=packaged)
    for start in range(0, len(rows), BATCH):
        settled.add(rows[start : start + BATCH])
    return settled.same, settled.other


class Settled:
    """One file's rows, given in the order of the file a batch at a time, sorted into those the
    register holds exactly as written (`same`: by id, with their row numbers) and the others."""

    def __init__(self, session: Session, table: str, *, folder: Path, packaged: bool) -> None:
        self.session, self.table, self.folder, self.packaged = session, table, folder, packaged
        self.same: dict[str, int] = {}
        self.other: list[Row] = []
        self._compared: Table | None = None  # the columns compared, once the first row is seen
        self._order: list[int] = []  # where each compared column is in a row
        self._key = 0  # where the id is among the compared columns
        self._compares = True  # False when the file lacks a column, or the table is empty

    def add(self, rows: list[Row]) -> None:
        """Sort a batch of rows (the next ones of the file)."""
        if rows and self._compared is None and self._compares:
            self._begin(rows[0])
        if not rows or not self._compares or self._compared is None:
            self.other.extend(rows)
            return
        at = self._order[self._key]
        held = self._held(self._compared, [row.cells[at] for row in rows], rows[0].layout.escaped)
        same, text_kept = self.same, self.table == "sources" and self.packaged
        for row in rows:
            written = [row.cells[i] or None for i in self._order]  # an empty cell: None, as held
            row_id = row.cells[at]
            if (
                row_id not in same
                and held.get(row_id) == hash(tuple(written))
                and (not text_kept or _text_kept(row, self.folder))
            ):
                same[row_id] = row.number
            else:
                self.other.append(row)

    def _begin(self, first: Row) -> None:
        """The columns compared, from the file's layout: none (every row is read) when the file
        lacks one of them, or when the register holds no record of the table (every row is
        new)."""
        layout = first.layout
        compared = [c for c in layout.table.columns if _compared(c)]
        names = [c.name for c in layout.columns]
        row_type = _ROW_TYPES[self.table]
        if any(c.name not in names for c in compared):  # an older export's file, or one cut down
            self._compares = False
            return
        if self.session.execute(select(row_type.id).limit(1)).first() is None:
            self._compares = False
            return
        self._order = [names.index(c.name) for c in compared]
        self._key = [c.name for c in compared].index(layout.table.key)
        self._compared = replace(layout.table, columns=tuple(compared))

    def _held(self, table: Table, written: list[str], escaped: bool) -> dict[str, int]:
        """The digest of the cells, in `table`'s columns, of each record whose id cell is one of
        `written`, as the export would write them now (escaped as the file's are: an --excel
        export, packaged and escaped, escapes formulas too), by its id cell."""
        row_type = _ROW_TYPES[self.table]
        ids = _ids(written, table.column(table.key), escaped)
        if not ids:
            return {}
        chosen = row_type.id.in_(ids)
        derived: dict[str, Any] = {}
        if self.table == "pledges":  # only the pledge's actors, of the columns made in Python
            links = records.actor_links(self.session.connection(), chosen)
            derived["actors"] = lambda i: links.get(i, ())
        numbers = [index for index, column in enumerate(table.columns) if column.kind in NUMBERS]
        key = table.names.index(table.key)
        held: dict[str, int] = {}
        for row in cells.rows(self.session, table, row_type, {}, derived, escape=escaped,
                              excel=self.packaged and escaped, where=chosen):  # fmt: skip
            cells_written = list(row)
            for index in numbers:  # csv writes a number as str() does
                if cells_written[index] is not None:
                    cells_written[index] = str(cells_written[index])
            digest = tuple(value or None for value in cells_written)  # an empty cell: None
            held[str(digest[key])] = hash(digest)
        return held


def _ids(written: list[str], key: Column, escaped: bool) -> list[Any]:
    """The ids that id cells as written may name: each cell restored if escaped, or a whole
    number written as str() writes it (any other cell names no record)."""
    if key.kind != "int":
        return list({restore(cell) if escaped else cell for cell in written})
    return list({int(c) for c in written if c.isascii() and c.isdigit() and int(c) <= MAX_ID})


def _compared(column: Column) -> bool:
    """Whether a column's cells are compared: those an import reads (a column written only for
    readers, such as a pledge's evidence count, is not read back, so it may differ)."""
    return column.name in READ_BACK or not (column.derived or column.name == _SKIPPED)


def _text_kept(row: Row, folder: Path) -> bool:
    """Whether the text file a packaged source's row names holds the text of its sha256, or is
    not there (the files were moved without their texts: the register's text stands)."""
    path = (folder / row.cell(_SKIPPED)).resolve()
    if not path.exists():
        return True
    if not path.is_relative_to(folder.resolve()) or not path.is_file():
        return False
    try:
        with path.open(encoding="utf-8", newline="") as stream:
            return text_sha256(stream.read()) == row.cell("sha256")
    except (OSError, UnicodeDecodeError):
        return False
