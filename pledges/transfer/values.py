"""A row's cells read into values, as the schema's input models read the commands' options, and
its values made into the schema's records. What is wrong with a cell or a record is a Problem
naming the row and the column.

A cell is split into items when its column is a list, and an empty cell is a value not set; a
date, boolean or whole number as a spreadsheet saves it is put back as the export wrote it
(`pledges.transfer.saved`); nothing else is converted here (`record` leaves that to the schema,
so that an import takes exactly what the commands take).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from pledges.errors import InvalidInput
from pledges.transfer import saved
from pledges.transfer.tables import Column, restore, split
from pledges.validation import explain

if TYPE_CHECKING:
    from pledges.transfer.problems import Problem
    from pledges.transfer.rows import Row


def read_cells(row: Row, problems: list[Problem]) -> bool:
    """Whether a row's cells are read into its values (if not, a problem says why)."""
    escaped = row.layout.escaped
    for column, written in zip(row.layout.columns, row.cells, strict=True):
        if column.derived and column.name not in ("version", "sha256"):
            continue  # a row's version and a text's sha256 are checked, not stored
        try:
            row.values[column.name] = _read_cell(restore(written) if escaped else written, column)
        except InvalidInput as error:  # a date in a local order, a decimal for a whole number
            row.values.clear()
            problems.append(row.refused(column.name, error))
            return False
        except ValueError as error:  # a lone backslash in a list
            row.values.clear()
            message = f"{column.name} holds a backslash that escapes nothing"
            problems.append(row.problem(column.name, message, str(error)))
            return False
    return bool(row.values)


def _read_cell(text: str, column: Column) -> Any:
    """A cell's value for the schema's input model: a list split into its items, an empty cell
    as a value not set, and any other cell as its text, put back as the export wrote it if a
    spreadsheet rewrote it. Numbers, booleans and dates are read by the model, as the commands'
    options are: int() or float() here would take '2_030', '+2030' or '٢٠٣٠', which the
    commands refuse. Raises ValueError (a list) or InvalidInput (a cell) with what is allowed."""
    if column.kind == "list":
        return split(text)
    return None if text == "" else saved.cell(text, column.kind, column.name)


# --- rows as records ----------------------------------------------------------------------------


def record(row: Row, model: type[BaseModel], data: dict[str, Any], problems: list[Problem]) -> Any:
    """`data` (a row's values, or what is made of them) as the schema's record, or None and a
    problem naming the column."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        column = str(first["loc"][0]) if first["loc"] else _named(str(first["msg"]), data)
        problems.append(row.refused(column, explain(error)))
        return None


def _named(message: str, data: dict[str, Any]) -> str:
    """The column a rule across fields is about: the first one its message names (as a word:
    'id' is not named by 'evidence')."""
    names = sorted(data, key=len, reverse=True)
    found = [
        (m.start(), name) for name in names if (m := re.search(rf"\b{re.escape(name)}\b", message))
    ]
    return min(found)[1] if found else next(iter(data), "")


def once(row: Row, key: str, seen: dict[str, int], problems: list[Problem]) -> bool:
    """Whether this is the first row of its file with this key (a second is refused)."""
    if key in seen:
        problems.append(
            row.problem("id", f"{key} is also on row {seen[key]}", "keep one row per record")
        )
        return False
    seen[key] = row.number
    return True
