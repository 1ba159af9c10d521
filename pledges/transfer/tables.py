"""The four tables a register is exported as, and how each value is written in a cell.

One row per record, in id order; columns in the order given here. Lists (a pledge's actors, an
actor's aliases) are joined with ';'. A ';' or '\\' inside an item is written '\\;' or '\\\\', so
that splitting undoes joining exactly. Dates are ISO 8601; booleans are `true` and `false`; an
empty cell is a value that is not set.

Columns marked `derived` are written for readers (a pledge's evidence count, its version, when
it was created, the page a quote starts on in a source whose text has pages: pledges.pages) and
are not read back as values by an import, which takes a file with them or without them; a
pledge's `version` is read back as the version the row was exported at, so that a change made
meanwhile is not overwritten.
A column's kind says how a value is written; reading a cell back is the schema's work (see
`pledges.transfer.values`), so that an import takes exactly what the commands take.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, Literal

Kind = Literal["text", "int", "float", "bool", "date", "datetime", "list"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = "text"
    derived: bool = False  # written for readers; not read back as a value


@dataclass(frozen=True)
class Table:
    name: str  # also the file: NAME.csv
    key: str
    columns: tuple[Column, ...]

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


ACTORS = Table("actors", "id", (
    Column("id"), Column("name"), Column("kind"), Column("aliases", "list"),
))  # fmt: skip

SOURCE_COLUMNS = (
    Column("id"), Column("title"), Column("publisher"), Column("kind"), Column("url"),
    Column("published_on", "date"), Column("date_inferred", "bool"), Column("date_note"),
    Column("retrieved_on", "date"), Column("language"), Column("notes"), Column("supersedes"),
    Column("format"), Column("encoding"), Column("extractor"), Column("from_metadata", "list"),
    Column("sha256", derived=True),
)  # fmt: skip
# The text of each source: in a cell of sources.csv, or (in a data package) in a file of its
# own, named in the `text_path` column.
SOURCES = Table("sources", "id", (*SOURCE_COLUMNS, Column("text")))
SOURCES_PACKAGED = Table("sources", "id", (*SOURCE_COLUMNS, Column("text_path")))

PLEDGES = Table("pledges", "id", (
    Column("id"), Column("title"), Column("statement"), Column("actors", "list"),
    Column("kind"), Column("target_year", "int"), Column("target_value", "float"),
    Column("target_unit"), Column("baseline_year", "int"), Column("gases", "list"),
    Column("formality"), Column("status"), Column("confidence"), Column("announced_on", "date"),
    Column("parent_id"), Column("superseded_by"), Column("notes"),
    Column("version", "int", derived=True), Column("evidence_count", "int", derived=True),
    Column("source_ids", "list", derived=True), Column("created_at", "datetime", derived=True),
    Column("updated_at", "datetime", derived=True),
))  # fmt: skip

EVIDENCE = Table("evidence", "id", (
    Column("id", "int"), Column("pledge_id"), Column("source_id"), Column("quote"),
    Column("stance"), Column("asserts_status"), Column("rank"), Column("deprecated_reason"),
    Column("note"), Column("page", "int", derived=True),
    Column("created_at", "datetime", derived=True), Column("verified_on", "date", derived=True),
))  # fmt: skip

TABLES = (ACTORS, SOURCES, PLEDGES, EVIDENCE)  # in the order an import applies them


# --- lists --------------------------------------------------------------------------------------

_TOKEN = re.compile(r"\\(.)|(;)|([^\\;]+)|(\\)", re.DOTALL)
_BACKSLASHES = "a backslash is written \\\\ and a ';' inside an item \\;"


def join(items: Any) -> str:
    return ";".join(str(i).replace("\\", "\\\\").replace(";", "\\;") for i in items)


def split(cell: str) -> list[str]:
    """The items of a joined cell; '' is no items. Raises ValueError on a stray backslash."""
    if cell == "":
        return []
    items: list[str] = []
    current: list[str] = []
    for escaped, separator, plain, lone in _TOKEN.findall(cell):
        if separator:
            items.append("".join(current))
            current = []
        elif plain:
            current.append(plain)
        elif lone or escaped not in ("\\", ";"):
            raise ValueError(_BACKSLASHES)
        else:
            current.append(escaped)
    items.append("".join(current))
    return items


# --- cells --------------------------------------------------------------------------------------


def cell(value: Any, kind: Kind) -> str:
    """How a value is written in a cell."""
    if value is None:
        return ""
    if kind == "list":
        return join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the same number
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


# --- spreadsheets -------------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PROTECT = "'"


def neutralise(value: str, *, excel: bool) -> str:
    """A cell as a CSV export writes it. A leading apostrophe always marks an escape, so a value
    that starts with one gets another; with `excel`, so does a value that starts like a formula,
    and no spreadsheet runs it. `restore` undoes both, whether or not the file kept the
    byte-order mark that --excel writes (LibreOffice drops it)."""
    if value.startswith(PROTECT) or (excel and value.startswith(FORMULA_START)):
        return PROTECT + value
    return value


def restore(value: str) -> str:
    return value[1:] if value.startswith(PROTECT) else value
