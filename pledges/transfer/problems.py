"""What is wrong with an import's rows: a Problem says where (its file, row and column, as far as
they are known) and what to do, as the commands say it. An import with any problem writes
nothing, and ends with `BadRows`, which lists them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pledges.errors import InvalidInput
from pledges.excerpt import excerpt

SHOWN_ERRORS = 20  # problems listed, then how many more


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong with a row, where (as much as is known) and what to do, as the commands say
    it. An import with any problem writes nothing, and ends with `BadRows`."""

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
    """Rows that cannot be imported: one on one line; several each on its own line, up to
    SHOWN_ERRORS, then how many more. 'Nothing was written' is said once, at the end."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        said = [(p.place, (p.hint or "").removesuffix("nothing was written").removesuffix("; "))
                for p in problems]  # fmt: skip
        if len(problems) == 1:
            (place, hint), message = said[0], problems[0].message
            hint = (hint + "; nothing was written") if hint else "nothing was written"
            super().__init__(f"{place}: {message}", hint)
            return
        lines = [f"{len(problems):,} problems in the files:"]
        for problem, (place, hint) in zip(problems[:SHOWN_ERRORS], said, strict=False):
            lines.append(f"  {place}: {problem.message}" + (f" — {hint}" if hint else ""))
        if len(problems) > SHOWN_ERRORS:
            lines.append(f"  and {len(problems) - SHOWN_ERRORS:,} more")
        lines.append("Nothing was written: mend them and import again.")
        super().__init__("\n".join(lines))


def shown(value: Any, limit: int = 60) -> str:
    """A value as a one-line message shows it: a list by its items, 'empty' when there is none."""
    if value is None or value == () or value == []:
        return "empty"
    if isinstance(value, list | tuple):
        return excerpt(";".join(map(str, value)), limit)
    return excerpt(str(getattr(value, "value", value)), limit)
