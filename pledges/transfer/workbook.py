"""The register as one Excel workbook (.xlsx): written with openpyxl, read with python-calamine.

`pledges export --format xlsx --out FILE.xlsx` writes one sheet per table (pledges, evidence,
sources, actors: the columns of the CSV export, in its order) with typed cells (dates as dates,
numbers as numbers, booleans as booleans), a frozen header row, readable column widths and a
drop-down list on every vocabulary column; and a sheet `log-head` with the revision of the log
the sheets were read at (as log-head.json holds it).

A source's text never goes through a cell (a spreadsheet keeps at most 32,767 characters in
one): it is written to FILE.texts/ID.txt beside the workbook, and the sources sheet keeps its
sha256 and the file's path (`text_path`, from the workbook's folder), as a data package does.

An `--excel` CSV export keeps the texts out of its cells the same way (texts/ID.txt beside the
files), and `read_sheets` reads it too: its cells escaped as --excel escapes them, and its
sources' texts from their files.

`pledges import FILE.xlsx` reads each sheet into the rows the CSV reader makes
(pledges.transfer.rows), each typed cell turned back into the text the schema reads (a date as
YYYY-MM-DD, 2030.0 as 2030, a boolean as true or false), so that every check of a CSV import
applies unchanged.
"""

from __future__ import annotations

import csv
import io
import itertools
from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, cast

from sqlalchemy import select

from pledges import history
from pledges.db import opened, snapshot, transaction
from pledges.errors import InvalidInput
from pledges.models import SourceRow
from pledges.outfolder import OutFolder, file_name
from pledges.transfer import cells
from pledges.transfer.datapackage import allowed
from pledges.transfer.export import TEXTS, Exported, _queries, _values
from pledges.transfer.problems import BadRows, Problem
from pledges.transfer.rows import Files, Row, _read_table, _rows, _tables
from pledges.transfer.sniff import Reading
from pledges.transfer.tables import Table, join

HEAD_SHEET = "log-head"
SHEETS = ("pledges", "evidence", "sources", "actors")  # the order of the CSV export
_WIDEST = 60  # characters: a column of long text is cut to this width (the cell wraps no text)
_NARROWEST = 8  # characters: room for the drop-down arrow
_SAMPLED = 200  # rows looked at for a column's width
_NOT_A_WORKBOOK = (
    "give the .xlsx file 'pledges export --format xlsx' wrote, or a spreadsheet's save of it"
)


def texts_folder(workbook: Path) -> str:
    """The folder beside the workbook that holds each source's text: FILE.texts."""
    return f"{workbook.stem}.texts"


# --- writing --------------------------------------------------------------------------------------


def _typed(value: Any, kind: str) -> Any:
    """A value as a typed cell: a date as a date, a list joined as the CSV export joins it."""
    if value is None:
        return None
    if kind == "list":
        return join(value)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "float" and float(f"{value:.15g}") != value:
        # A spreadsheet keeps 15 significant digits (openpyxl writes 16): a number that needs
        # more is written as its exact text, which the import reads back as the same number.
        return repr(value)
    return value  # numbers and booleans as they are; text (and times, in UTC) as text


def export_workbook(db: str | None, out: Path) -> Exported:
    """FILE.xlsx and FILE.texts/ID.txt for each source, all or nothing."""
    from openpyxl import Workbook

    texts = texts_folder(out)
    book = Workbook(write_only=True)  # rows streamed to the file: a sheet's rows are not kept
    counts: dict[str, int] = {}
    with OutFolder(out.parent) as folder, opened(db) as engine:
        folder.plan("", [out.name])
        with transaction(snapshot(engine)) as session:
            head, hash = history.head(session)
            ids = list(session.scalars(select(SourceRow.id)))
            folder.plan(texts, {file_name(i, ".txt"): i for i in ids}, "source")
            for table, row_type, computed, derived in _queries(session, packaged=True):
                if table.name == "sources":
                    derived = {"text_path": lambda i: f"{texts}/{file_name(i, '.txt')}"}
                values = _values(session, table, row_type, computed, derived)
                counts[table.name] = _sheet(book, table, values)
            for source_id, text in cells.read(
                session, select(SourceRow.id, SourceRow.text).order_by(SourceRow.id)
            ):
                with folder.open(texts, file_name(source_id, ".txt"), newline="") as stream:
                    stream.write(text)
        sheet = book.create_sheet(HEAD_SHEET)
        sheet.column_dimensions["B"].width = 70
        sheet.append(["seq", head])
        sheet.append(["hash", hash])
        data = io.BytesIO()
        book.save(data)
        with folder.open("", out.name) as stream:
            # the workbook's bytes, under the text stream the folder opens (nothing written to it)
            cast(io.TextIOWrapper, stream).buffer.write(data.getvalue())
        folder.commit()
    return Exported(out.parent, [out.name, f"{texts}/"], counts, (head, hash))


def _sheet(book: Any, table: Table, values: Any) -> int:
    """One table's sheet: its header frozen and bold, its rows, widths (from the first rows),
    and drop-down lists. The book is write-only: widths and lists are set before the rows."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    sheet = book.create_sheet(table.name)
    kinds = [column.kind for column in table.columns]
    rows = (
        [_typed(v, k) for v, k in zip(record.values(), kinds, strict=True)] for record in values
    )
    first = list(itertools.islice(rows, _SAMPLED))
    for index, column in enumerate(table.columns, 1):
        width = max([len(column.name), *(len(str(row[index - 1] or "")) for row in first)])
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(min(width, _WIDEST), _NARROWEST) + 2
        allowed_values = allowed(table.name, column.name)  # the schema's, as the package has them
        if allowed_values is not None:
            validation = DataValidation(
                type="list", formula1='"' + ",".join(allowed_values) + '"',
                allow_blank=True, showErrorMessage=True, errorTitle=column.name,
                error=f"{column.name} is one of: {', '.join(allowed_values)}",
            )  # fmt: skip
            validation.add(f"{letter}2:{letter}1048576")
            sheet.data_validations.append(validation)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in table.names:
        header.append(cell := WriteOnlyCell(sheet, name))
        cell.font = bold
    sheet.append(header)
    count = 0
    for row in itertools.chain(first, rows):
        count += 1
        for index, value in enumerate(row):
            if isinstance(value, str) and value.startswith("="):  # text, never a formula
                row[index] = cell = WriteOnlyCell(sheet, value)
                cell.data_type = "s"
        sheet.append(row)
    return count


# --- reading --------------------------------------------------------------------------------------


def as_text(value: Any) -> str:
    """A typed cell as the text a CSV export writes for it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        if value.tzinfo is None and value.time() == time():
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def read_sheets(path: Path) -> Files | None:
    """The rows of a workbook (FILE.xlsx), or of an --excel CSV export that keeps each source's
    text in texts/ID.txt (its cells escaped, its texts in files, as no other export has both);
    None for any other path, which the CSV reader reads."""
    if path.suffix.casefold() == ".xlsx":
        return read_workbook(path)
    if path.is_dir() and _texts_apart(path) and not (path / "datapackage.json").exists():
        problems: list[Problem] = []
        readings: dict[str, Reading] = {}
        tables = _tables(packaged=True)
        rows = {
            name: _read_table(path, t, problems, readings, escaped=True)
            for name, t in tables.items()
        }
        if problems:
            raise BadRows(problems)
        return Files(path, True, rows, readings=readings)
    return None


def _texts_apart(folder: Path) -> bool:
    """Whether a folder's sources are kept apart from its cells, as --excel keeps them: texts/
    is there, or sources.csv names a text_path column (the files were moved without texts/)."""
    if (folder / TEXTS).is_dir():
        return True
    try:
        with (folder / "sources.csv").open("rb") as stream:
            header = stream.readline(4096)
    except OSError:
        return False
    return b"text_path" in header.replace(b"\x00", b"")  # in UTF-16, a NUL every other byte


def read_workbook(path: Path) -> Files:
    """The sheets of a workbook as an export's rows; refused with every problem they have. Read
    with python-calamine (compiled: a 100,000-pledge workbook in seconds, where openpyxl's reader
    took minutes)."""
    from python_calamine import CalamineError, CalamineWorkbook

    if not path.is_file():
        raise InvalidInput(f"there is no file {path}", _NOT_A_WORKBOOK)
    try:
        book = CalamineWorkbook.from_path(str(path))
    except CalamineError:
        raise InvalidInput(f"{path} is not an Excel workbook (.xlsx)", _NOT_A_WORKBOOK) from None
    except OSError as error:
        hint = "check the file's permissions, or copy it somewhere you can read it"
        raise InvalidInput(f"{path} cannot be read ({error.strerror})", hint) from None
    try:
        missing = [name for name in SHEETS if name not in book.sheet_names]
        if missing:
            raise InvalidInput(
                f"{path.name} has no sheet {missing[0]}",
                f"keep the sheets the export wrote: {', '.join(SHEETS)}",
            )
        problems: list[Problem] = []
        rows: dict[str, list[Row] | None] = {}
        for name, table in _tables(packaged=True).items():
            place = f"{path.name}[{name}]"
            found: list[Problem] = []
            cells_ = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            read = _rows(_as_csv(cells_), table, found, ",", escaped=False)
            rows[name] = [replace(row, file=place) for row in read]
            problems += [replace(problem, file=place) for problem in found]
    except CalamineError:
        raise InvalidInput(f"{path} is not an Excel workbook (.xlsx)", _NOT_A_WORKBOOK) from None
    finally:
        book.close()
    if problems:
        raise BadRows(problems)
    return Files(path.parent, True, rows, workbook=path.name)


def _as_csv(sheet_rows: Any) -> str:
    """A sheet's cells as the CSV text of the same rows (trailing empty cells dropped, as a
    spreadsheet's save may add or drop them: the header says how many there are)."""
    out = io.StringIO()
    writer = csv.writer(out)
    width = None
    for values in sheet_rows:
        cells_ = [as_text(v) for v in values]
        if width is None:
            while cells_ and cells_[-1] == "":
                cells_.pop()
            width = len(cells_)
        elif len(cells_) > width and not any(cells_[width:]):
            cells_ = cells_[:width]
        elif len(cells_) < width:
            cells_ += [""] * (width - len(cells_))
        writer.writerow(cells_)
    return out.getvalue()
