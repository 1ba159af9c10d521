"""An export's files read into rows: each row knows its file and number, and its cells as written;
they are read into values when the import needs them (`Row.read`, by pledges.transfer.values). What
is wrong with a file or a row is a Problem (pledges.transfer.problems).

A file may be saved as a spreadsheet saves it: in UTF-8, UTF-16 or Windows-1252, its cells
separated by ',', ';' or a tab (`pledges.transfer.sniff` tells which; `Files.readings` keeps it).
The header must name the export's columns. A row the register holds exactly as written is left
alone unread (`pledges.transfer.unchanged`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any, Protocol

from pledges.errors import InvalidInput, PledgesError
from pledges.transfer.problems import BadRows, Problem
from pledges.transfer.sniff import REOPENED, SINGLE_BYTE, Reading, Unreadable, decode
from pledges.transfer.tables import (
    ACTORS,
    EVIDENCE,
    PLEDGES,
    SOURCES,
    SOURCES_PACKAGED,
    Column,
    Table,
    restore,
)
from pledges.transfer.values import read_cells

SINGLE_BYTE_READINGS = (SINGLE_BYTE, REOPENED)  # a save in these may have lost characters
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")
# A sources file may leave out its text column: a source the register holds keeps its text.
TEXT_COLUMNS = ("text", "text_path")
# How a source's text was got: an export made before they were recorded lacks these columns, and
# imports as it did then (a new source without them, a stored source keeping its values).
SOURCE_READING_COLUMNS = ("format", "encoding", "extractor", "from_metadata")


@dataclass(frozen=True, slots=True)
class Layout:
    """A file's columns in its header's order, and whether its cells are escaped (a CSV
    export's leading apostrophe, `tables.restore`)."""

    table: Table
    columns: tuple[Column, ...]
    escaped: bool
    # Read as Windows-1252, or nothing beyond ASCII in it: a save that may have lost characters.
    single_byte: bool = False


@dataclass(frozen=True, slots=True)
class Row:
    """A row as written: its cells are read into `values` by `read`, when the import needs
    them (a row the register holds exactly as written is never read: transfer.unchanged)."""

    file: str
    number: int  # as a spreadsheet numbers it: the header is row 1
    cells: list[str]  # as written, one per column of the layout
    layout: Layout
    values: dict[str, Any] = field(default_factory=dict)  # by column, read by the column's kind

    def cell(self, name: str) -> str:
        """A column's cell as written, restored if escaped ('' when the file lacks it)."""
        for column, written in zip(self.layout.columns, self.cells, strict=True):
            if column.name == name:
                return restore(written) if self.layout.escaped else written
        return ""

    def read(self, problems: list[Problem]) -> bool:
        """Whether its cells are read into its values (if not, a problem says why)."""
        return bool(self.values) or read_cells(self, problems)

    def problem(self, column: str | None, message: str, hint: str | None = None) -> Problem:
        return Problem(self.file, self.number, column, message, hint)

    def refused(self, column: str, error: PledgesError) -> Problem:
        return self.problem(column, error.message, error.hint)


def read_rows(rows: list[Row], problems: list[Problem]) -> list[Row]:
    """The rows whose cells are read; each other row's problem is added to `problems`."""
    return [row for row in rows if row.read(problems)]


class Sieve(Protocol):
    """What sorts a file's rows as they are read, a batch at a time in the order of the file:
    the rows the register holds exactly as written (`same`, by id with their row numbers) are let
    go of, the `other` rows kept (`pledges.transfer.unchanged.Settled`)."""

    same: dict[str, int]
    other: list[Row]

    def add(self, rows: list[Row]) -> None: ...


Sieves = Callable[[str], Sieve]  # the sieve of a table, by its name
SIEVED = 2_000  # rows read before a batch is sieved


@dataclass(frozen=True)
class Files:
    """An export's files as read: the rows of each table, None for a file that is not there."""

    folder: Path
    packaged: bool  # a data package: each source's text is a file of its own
    rows: dict[str, list[Row] | None]  # by table, in the order an import applies them
    unread: set[str] = field(default_factory=set)  # tables whose file is there, left to `rows_of`
    readings: dict[str, Reading] = field(default_factory=dict)  # by file: how each was read
    workbook: str | None = None  # the file's name, when the tables are the sheets of a workbook
    # By table, when its rows were sieved as read: the ids of the rows the register holds
    # exactly as written, with their row numbers (`rows` holds only the others).
    settled: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        """The files that are there (a workbook's sheets are its one file)."""
        if self.workbook is not None:
            return [self.workbook]
        return [f"{n}.csv" for n, rows in self.rows.items() if rows is not None or n in self.unread]

    def rows_of(self, name: str) -> list[Row] | None:
        """A table's rows, read now if they were left unread; refused with the file's problems."""
        if name in self.unread:
            problems: list[Problem] = []
            self.rows[name] = _read_table(self.folder, _tables(self.packaged)[name], problems,
                                          self.readings, escaped=not self.packaged)  # fmt: skip
            if problems:
                raise BadRows(problems)
            self.unread.discard(name)
        return self.rows[name]


def _tables(packaged: bool) -> dict[str, Table]:
    tables = (ACTORS, SOURCES_PACKAGED if packaged else SOURCES, PLEDGES, EVIDENCE)
    return {table.name: table for table in tables}


def read_files(
    folder: Path, packaged: bool, *, leave: str | None = None, sieves: Sieves | None = None
) -> Files:
    """Every file of the export, read; refused with every problem the files have. The table
    `leave` is left unread (for `Files.rows_of`), unless another file has a problem: then its
    own are named too. With `sieves`, each file's rows are sieved as they are read, and only
    the other rows are held (`Files.settled`)."""
    tables = _tables(packaged)
    problems: list[Problem] = []
    unread = {leave} if leave and (folder / tables[leave].file).is_file() else set()
    readings: dict[str, Reading] = {}
    settled: dict[str, dict[str, int]] = {}
    rows: dict[str, list[Row] | None] = {}
    for name, t in tables.items():
        sieve = None if sieves is None or name in unread else sieves(name)
        rows[name] = None if name in unread else _read_table(
            folder, t, problems, readings, escaped=not packaged, sieve=sieve
        )  # fmt: skip
        if sieve is not None and rows[name] is not None:
            settled[name] = sieve.same
    if all(r is None for r in rows.values()) and not unread:
        raise InvalidInput(
            f"{folder} holds none of {', '.join(t.file for t in tables.values())}",
            "give the folder 'pledges export' wrote as CSV (the default) or as a data package; "
            "a JSON or JSON Lines export is for programs to read, and is not imported",
        )
    for name in unread if problems else ():
        rows[name] = _read_table(folder, tables[name], problems, readings, escaped=not packaged)
    if problems:
        raise BadRows(problems)
    for name in unread:
        _how_read(folder, tables[name], readings, escaped=not packaged)
    return Files(folder, packaged, rows, unread, readings, settled=settled)


def _read_table(
    folder: Path,
    table: Table,
    problems: list[Problem],
    readings: dict[str, Reading],
    *,
    escaped: bool,
    sieve: Sieve | None = None,
) -> list[Row] | None:
    """The rows of one CSV file (those `sieve` keeps, if given), or None when the file is not
    there. Its problems are added to `problems`, and how it was read to `readings`."""
    path = folder / table.file
    if not path.is_file():
        return None
    try:
        raw = path.read_bytes()
    except OSError as error:
        hint = "check the file's permissions, or copy it somewhere you can read it"
        problems.append(Problem(table.file, None, None, f"cannot be read ({error.strerror})", hint))
        return []
    try:
        content, reading = decode(raw, table.names, restore if escaped else str)
        del raw  # the file's text is all that is needed now
    except Unreadable as error:
        problems.append(Problem(table.file, error.row, None, error.message, error.hint))
        return []
    readings[table.file] = reading
    single_byte = reading.encoding in SINGLE_BYTE_READINGS or content.isascii()
    with _cells_of_any_size():
        return _rows(content, table, problems, reading.delimiter, escaped=escaped,
                     single_byte=single_byte, sieve=sieve)  # fmt: skip


def _how_read(folder: Path, table: Table, readings: dict[str, Reading], *, escaped: bool) -> None:
    """How a file left unread (its rows read by another process) is read, told now so that the
    plan says it; its problems are found when its rows are read."""
    with suppress(OSError, Unreadable):
        raw = (folder / table.file).read_bytes()
        _, readings[table.file] = decode(raw, table.names, restore if escaped else str)


@contextmanager
def _cells_of_any_size() -> Iterator[None]:
    """csv's limit on a cell (131,072 characters unless raised) lifted while a file is read, to
    the most a C long holds everywhere: a source's whole text is one cell, and the register holds
    texts of any length. The limit is the whole process's, so it is put back afterwards."""
    previous = csv.field_size_limit(2**31 - 1)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _numbered(
    content: str, file: str, problems: list[Problem], delimiter: str
) -> Iterator[tuple[int, list[str]]]:
    """Each row's cells with its number; a row csv cannot read is a problem, and the last."""
    reader = csv.reader(_lines(content), delimiter=delimiter, strict=True)
    for number in count(1):
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            what = "the header line" if number == 1 else "the quoting of this row"
            problems.append(Problem(file, number, None, str(error), f"check {what}"))
            return
        yield number, cells


def _lines(content: str) -> Iterator[str]:
    """The lines of a file's text, each with its line break ('\r\n', '\r' or '\n'), as a
    file opened with newline='' gives them to csv (which joins those inside a quoted cell).
    Not io.StringIO: it holds its text at four bytes a character, 350 MB for the sources of a
    100,000-pledge register."""
    for line in _LINE.finditer(content):
        if line.group():
            yield line.group()


def _header(cells: list[str], table: Table, problems: list[Problem]) -> list[str] | None:
    """The columns a file names, or None (and a problem) when they are not the export's."""
    known = set(table.names)
    for index, name in enumerate(cells, 1):
        if name not in known:
            hint = f"the columns are {', '.join(table.names)}"
            problems.append(Problem(table.file, 1, name or str(index), "unknown column", hint))
            return None
        if name in cells[: index - 1]:  # else the last copy's cells would silently win
            problems.append(Problem(table.file, 1, name, "the column appears twice", "keep one"))
            return None
    optional = (*TEXT_COLUMNS, *SOURCE_READING_COLUMNS)
    needed = [c.name for c in table.columns if not c.derived and c.name not in optional]
    lacking = [name for name in needed if name not in cells]
    if lacking:
        hint = f"keep every column of the export: {', '.join(needed)}"
        problems.append(Problem(table.file, 1, None, f"the column {lacking[0]} is missing", hint))
        return None
    return cells


def _rows(
    content: str, table: Table, problems: list[Problem], delimiter: str, *, escaped: bool,
    single_byte: bool = False, sieve: Sieve | None = None,
) -> list[Row]:  # fmt: skip
    """A file's rows, checked against its header; with `sieve`, those it keeps, each batch
    sieved as it is read (the rows it lets go of are never all held at once)."""
    file = table.file
    found: list[Problem] = []  # this file's own
    lines = _numbered(content, file, found, delimiter)
    first = next(lines, None)
    if first is None and not found:
        hint = "it needs at least its header line"
        found.append(Problem(file, 1, None, "the file is empty", hint))
    header = None if first is None else _header(
        [restore(h) if escaped else h for h in first[1]], table, found
    )  # fmt: skip
    rows: list[Row] = []
    if header is not None:
        layout = Layout(table, tuple(table.column(name) for name in header), escaped, single_byte)
        width = len(header)
        for number, cells in lines:
            if not any(cells):
                continue  # a blank line, as spreadsheets leave at the end
            if len(cells) != width:
                message = f"the row has {len(cells)} cells and the header {width}"
                hint = "check for a stray comma or quote"
                found.append(Problem(file, number, None, message, hint))
                continue
            rows.append(Row(file, number, cells, layout))
            if sieve is not None and len(rows) == SIEVED:
                sieve.add(rows)
                rows = []
    problems.extend(found)
    if sieve is None:
        return rows
    sieve.add(rows)
    return sieve.other
