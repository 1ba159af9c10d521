"""Options shared by many commands, and the settings they resolve to."""

import getpass
import os
from datetime import date
from enum import StrEnum
from typing import Annotated

import typer

Db = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="The register: a file path (SQLite) or a URL such as postgresql://user@host/db. "
        "Default: $PLEDGES_DB, else ./pledges.db.",
        show_default=False,
    ),
]
Author = Annotated[
    str | None,
    typer.Option(
        "--author", help="Who makes the change. Default: $PLEDGES_AUTHOR, else your login name."
    ),
]


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


class ShowFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


def author_name(author: str | None) -> str:
    return author or os.environ.get("PLEDGES_AUTHOR") or getpass.getuser()


Reason = Annotated[
    str,
    typer.Option(
        "--reason", help="Why you make this change; kept in the history.", show_default=False
    ),
]


def given(**values: object) -> dict[str, object]:
    """The options the user gave, by schema field name (lists only when non-empty)."""
    return {
        name: value
        for name, value in values.items()
        if value is not None and not (isinstance(value, list) and not value)
    }


Today = Annotated[
    str | None, typer.Option(help="Audit as of this date (YYYY-MM-DD). Default: today.")
]
ReverifyDays = Annotated[
    int, typer.Option(min=1, help="Evidence older than this many days is due a new check.")
]


def as_of(today: str | None) -> date | None:
    """The day --today names (None: today), or a one-line error."""
    from pledges.errors import InvalidInput

    try:
        return None if today is None else date.fromisoformat(today)
    except ValueError:
        raise InvalidInput(f"--today {today!r} is not a date", "write it as YYYY-MM-DD") from None
