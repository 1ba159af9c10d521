"""The cells of a CSV export, made by the database's query wherever it can make them.

Why this module exists: rather than Python converting each value as it writes it (`tables.cell`),
the query turns each column into its cell as it reads it: text (with the apostrophe of
`tables.neutralise` where it needs one), numbers, vocabulary values and booleans; with SQLite,
which keeps dates and times as text, dates and times too. Python finishes only the cells a query
cannot make (lists, and dates and times from other databases), one function per such column,
remembering its results, as they repeat. The bytes are those `tables.cell` and
`tables.neutralise` make. Measured with bench/transfer.py, this is what makes `pledges export`
faster than its peer (sqlite-utils writing the same four tables): keep it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

from sqlalchemy import Enum as SQLEnum
from sqlalchemy import String, case, func, literal, select, type_coerce
from sqlalchemy.orm import Session

from pledges import records
from pledges.transfer.tables import FORMULA_START, PROTECT, Table, join, neutralise


def read(session: Session, query: Any) -> Any:
    """The rows of a query, fetched a batch at a time through the connection (not one by one,
    and not through the ORM's loading)."""
    return session.connection().execute(query, execution_options={"yield_per": records.BATCH})


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


def _listed(items: Callable[[Any], Any], protect: Callable[[str], str], row_id: Any) -> str:
    return protect(join(items(row_id)))


def _cells(
    table: Table,
    row_type: Any,
    computed: Mapping[str, Any],
    derived: Mapping[str, Callable[[Any], Any]],
    *,
    escape: bool,
    excel: bool,
    dialect: str,
) -> tuple[list[Any], list[tuple[int, Callable[[Any], Any]]]]:
    """The columns to select for a table's cells, and the cells that a function finishes. The
    query makes what it can as it is written: text (escaped where it needs it), numbers,
    vocabulary values and booleans; with SQLite, which keeps dates and times as text, dates and
    times too. Lists, and dates and times from other databases, are written here. A column in
    `derived` is computed by its function from the row's id (a list column's function gives
    its items)."""
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
            make = derived[column.name]
            if column.kind == "list":  # its items, joined into a cell as a stored list is
                make = partial(_listed, make, protect)
            fixes.append((index, make))
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


def rows(
    session: Session,
    table: Table,
    row_type: Any,
    computed: Mapping[str, Any],
    derived: Mapping[str, Callable[[Any], Any]],
    *,
    escape: bool,
    excel: bool,
    where: Any = None,
) -> Iterator[Sequence[Any]]:
    """The rows of cells of one table, in id order. `computed` and `derived`: the columns that
    a query expression makes, and those that a function makes from the row's id (a list: its
    items). `escape`: text gets the apostrophe of `tables.neutralise` (with `excel`, before a
    formula too). `where`: the records wanted, when not all are (an import compares only the
    records its rows name)."""
    dialect = session.get_bind().dialect.name
    selected, fixes = _cells(table, row_type, computed, derived, escape=escape, excel=excel,
                             dialect=dialect)  # fmt: skip
    query = select(*selected).order_by(row_type.id)
    found = read(session, query if where is None else query.where(where))
    if not fixes:
        yield from found
        return
    for row in found:
        cells = list(row)
        for index, fix in fixes:
            cells[index] = fix(cells[index])
        yield cells
