"""What is wrong with an import's rows: each problem a record, and the one error they make.

A problem is where it is (file, row as a spreadsheet numbers it, column: as much as is known) and
what is wrong and what to do (message, hint), as the commands say it. An import with any problem
writes nothing and ends with `BadRows`, one line: the first problem in full, then the places of
the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pledges.errors import InvalidInput
from pledges.excerpt import excerpt

SHOWN_ERRORS = 5  # bad rows named in the one line, besides the first


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    row: int | None  # the header is row 1; None for the file as a whole
    column: str | None
    message: str
    hint: str | None = None

    @property
    def place(self) -> str:
        """file:row:column, as far as it is known."""
        parts = [self.file, *(str(p) for p in (self.row, self.column) if p is not None)]
        return ":".join(parts)


class BadRows(InvalidInput):
    """Rows that cannot be imported: the first in full, the others by place."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        first, *others = problems
        hint = (first.hint or "").removesuffix("nothing was written").removesuffix("; ")
        if others:
            places = ", ".join(p.place for p in others[:SHOWN_ERRORS])
            more = len(others) - SHOWN_ERRORS
            hint = (hint + "; " if hint else "") + (
                f"{len(others)} more row(s) are bad: {places}"
                + (f" and {more} more" if more > 0 else "")
            )
        super().__init__(
            f"{first.place}: {first.message}",
            (hint + "; nothing was written") if hint else "nothing was written",
        )


def shown(value: Any, limit: int = 60) -> str:
    """A value as a one-line message shows it: a list by its items, 'empty' when there is none."""
    if value is None or value == () or value == []:
        return "empty"
    if isinstance(value, list | tuple):
        return excerpt(";".join(map(str, value)), limit)
    return excerpt(str(getattr(value, "value", value)), limit)
