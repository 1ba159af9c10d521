"""Rows the register holds exactly as written: left alone without being read.

Why this module exists: the common import is an export brought back with a few rows edited.
Reading every row as a record and comparing it with its stored record costs as much as importing
the whole register into an empty one. Comparing each row's cells, as written, with the cells the
export would write for its record now costs one query per table and a digest per row; a row
whose cells are those is unchanged (an export imports as no change), so it is counted and never
read, and every other row is read and checked in full. A file that lacks a column, a spreadsheet
that rewrote a cell ('2030.0', a line break), or a record changed since the export: those rows
are simply read and checked. Measured with bench/transfer.py (the import of a 100,000-pledge
export in which 5 pledges changed), see the README.

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

from sqlalchemy.orm import Session

from pledges import records
from pledges.models import PledgeRow
from pledges.schema import text_sha256
from pledges.transfer import cells
from pledges.transfer.export import _queries
from pledges.transfer.rows import Row
from pledges.transfer.tables import Column, Table

_SKIPPED = "text_path"  # a packaged source's text is compared by its sha256
NUMBERS = ("int", "float")
READ_BACK = ("version", "sha256")  # derived, but read: a pledge's version, a source's sha256


def settle(
    session: Session, table: str, rows: list[Row], *, folder: Path, packaged: bool
) -> tuple[dict[str, int], list[Row]]:
    """The rows the register holds exactly as written, by id with their row numbers (each id
    once: a second row of the same id is read, and refused as a second), and the other rows."""
    if not rows:
        return {}, rows
    layout = rows[0].layout
    compared = [c for c in layout.table.columns if _compared(c)]
    names = [c.name for c in layout.columns]
    if any(c.name not in names for c in compared):  # an older export's file, or one cut down
        return {}, rows
    order = [names.index(c.name) for c in compared]
    key = [c.name for c in compared].index(layout.table.key)
    held = _held(session, replace(layout.table, columns=tuple(compared)), packaged=packaged,
                 escaped=layout.escaped)  # fmt: skip
    if not held:  # nothing stored: every row is new
        return {}, rows
    same: dict[str, int] = {}
    other: list[Row] = []
    for row in rows:
        written = [row.cells[i] or None for i in order]  # an empty cell: None, as queried
        row_id = row.cells[order[key]]
        if (
            row_id not in same
            and held.get(row_id) == hash(tuple(written))
            and (table != "sources" or not packaged or _text_kept(row, folder))
        ):
            same[row_id] = row.number
        else:
            other.append(row)
    return same, other


def _compared(column: Column) -> bool:
    """Whether a column's cells are compared: those an import reads (a column written only for
    readers, such as a pledge's evidence count, is not read back, so it may differ)."""
    return column.name in READ_BACK or not (column.derived or column.name == _SKIPPED)


def _held(session: Session, table: Table, *, packaged: bool, escaped: bool) -> dict[str, int]:
    """The digest of each record's cells in `table`'s columns, as the export would write them
    now (escaped as the file's are: an --excel export, packaged and escaped, escapes formulas
    too), by its id cell."""
    if table.name == "pledges":  # only the pledge's actors, of the columns made in Python
        links = records.actor_links(session.connection())
        row_type: Any = PledgeRow
        computed: dict[str, Any] = {}
        derived: dict[str, Any] = {"actors": lambda i: links.get(i, ())}
    else:
        ((_, row_type, computed, derived),) = _queries(session, only=[table.name])
    numbers = [index for index, column in enumerate(table.columns) if column.kind in NUMBERS]
    key = table.names.index(table.key)
    held: dict[str, int] = {}
    for row in cells.rows(session, table, row_type, computed, derived, escape=escaped,
                          excel=packaged and escaped):  # fmt: skip
        written = list(row)
        for index in numbers:  # csv writes a number as str() does
            if written[index] is not None:
                written[index] = str(written[index])
        chosen = tuple(value or None for value in written)  # an empty cell: None, as in `settle`
        held[str(chosen[key])] = hash(chosen)
    return held


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
