"""Options shared by many commands, the settings they resolve to, and `read(db)` / `write(db)`,
how a command opens the register for its one unit of work (`log verify` and `db ...` open the
database with pledges.db as they need).

Imported by every command module, so it imports nothing heavy at the top.
"""

import getpass
import os
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pledges.errors import InvalidInput
from pledges.vocab import MAX_ID

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from pledges.editing import Who

# Bounds of the numbers commands take. Past them a number means nothing (no evidence is due a new
# check after more than a century) or breaks what uses it: date arithmetic overflows, the
# database's integer cannot hold the id, a machine cannot start that many processes.
REVERIFY_DAYS_MAX = 36_500
WORKERS_MAX = 64


def within(label: str, low: int, high: int, allowed: str, then: str = "") -> Callable[[Any], int]:
    """A typer parser reading a whole number written in plain digits (not `1_0`, `+1` or other
    scripts' digits, which Python's int() would take) from low to high, or refusing it with one
    line: `<label> <value> is not allowed — use <allowed> from <low> to <high><then>`."""

    def parse(value: Any) -> int:
        written = str(value).strip()
        if re.fullmatch(r"[0-9]+", written, re.ASCII) and low <= int(written) <= high:
            return int(written)
        shown = written if len(written) <= 40 else written[:37] + "..."
        if not shown.isprintable():  # a line break or a control character: shown as typed
            shown = repr(shown)
        raise InvalidInput(
            f"{label} {shown} is not allowed", f"use {allowed} from {low} to {high}{then}"
        )

    return parse


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
    JSONL = "jsonl"
    CSV = "csv"


class ShowFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"


ListAs = Annotated[
    Format,
    typer.Option("--format", help="How to print the list (jsonl: one JSON object a line)."),
]
ShowAs = Annotated[
    ShowFormat, typer.Option("--format", help="How to print it (jsonl: one JSON object a line).")
]
LIMIT_MAX = 1_000_000_000
LimitOf = within("--limit", 1, LIMIT_MAX, "a number")
Limit = Annotated[
    int | None,
    typer.Option(
        "--limit",
        metavar="N",
        help=f"Only the first N rows (1 to {LIMIT_MAX}).",
        parser=LimitOf,
    ),
]


def author_name(author: str | None) -> str:
    return author or os.environ.get("PLEDGES_AUTHOR") or getpass.getuser()


Reason = Annotated[
    str,
    typer.Option(
        "--reason", help="Why you make this change; kept in the history.", show_default=False
    ),
]


def changed_by(author: str | None, reason: str) -> "Who":
    """Who makes a change (--author, else $PLEDGES_AUTHOR, else the login name) and why
    (--reason): checked here, before the register is opened."""
    from pledges.editing import Who

    return Who(author_name(author), reason)


def read(db: str | None) -> AbstractContextManager["Session"]:
    """`with read(db) as session:` the register opened for one transaction that reads, and
    closed afterwards; a database error that is a condition of the register becomes one line."""
    from pledges.db import unit_of_work

    return unit_of_work(db)


def write(db: str | None) -> AbstractContextManager["Session"]:
    """`with write(db) as session:` as read(), holding the writers' lock; everything done in it
    is committed together when the block ends, or nothing is."""
    from pledges.db import unit_of_work

    return unit_of_work(db, write=True)


@contextmanager
def writing_into(folder: Path) -> Iterator[None]:
    """A file that cannot be written into --out's folder, as one line. The folder's own messages
    name the file (pledges.outfolder); this is a last resort."""
    try:
        yield
    except OSError as error:
        raise InvalidInput(
            f"cannot write {error.filename or folder} ({error.strerror})",
            "free some space, or choose another folder with --out",
        ) from None


def given(**values: object) -> dict[str, object]:
    """The options the user gave, by schema field name (lists only when non-empty)."""
    return {
        name: value
        for name, value in values.items()
        if value is not None and not (isinstance(value, list) and not value)
    }


def apply_clears(
    changes: dict[str, object], clear: list[str] | None, *,
    names: Mapping[str, str] | None = None, empty: Mapping[str, object] | None = None,
    also_given: Collection[str] = (),
) -> None:  # fmt: skip
    """Empty in `changes` each field `clear` names, refusing one that is also given a value.
    `names` maps a name the user may type to its field (e.g. published to published_on);
    `empty` a field to the value that empties it (else None); `also_given` fields given other
    than in `changes`."""
    from pledges.vocab import option_for

    for typed in clear or []:
        name = (names or {}).get(typed, typed)
        if name in changes or name in also_given:
            option = option_for(name)
            raise InvalidInput(
                f"{typed} is both given ({option}) and cleared (--clear {typed}) in one change",
                "give a new value or clear it, not both; nothing was written",
            )
        changes[name] = (empty or {}).get(name)


Today = Annotated[
    str | None, typer.Option(help="Audit as of this date (YYYY-MM-DD). Default: today.")
]
ReverifyDays = Annotated[
    int,
    typer.Option(
        help=f"Evidence older than this many days is due a new check (1 to {REVERIFY_DAYS_MAX}).",
        parser=within("--reverify-days", 1, REVERIFY_DAYS_MAX, "a number of days"),
    ),
]
EvidenceIds = within("evidence id", 1, MAX_ID, "an id", ", as 'pledges show PLEDGE_ID' lists them")
ExpectVersion = Annotated[
    int | None,
    typer.Option(
        help="Refuse the change unless the pledge is still at this version.",
        parser=within(
            "--expect-version", 1, MAX_ID, "a version", ", as 'pledges show ID' gives it"
        ),
    ),
]


def as_of(today: str | None) -> date | None:
    """The day --today names (None: today), or a one-line error. It lies within the years a
    register's dates may take, so that counting days back from it stays within the calendar."""
    if today is None:
        return None
    from pledges.fields import YEAR_MAX, YEAR_MIN

    try:
        day = date.fromisoformat(today)
    except ValueError:
        raise InvalidInput(f"--today {today!r} is not a date", "write it as YYYY-MM-DD") from None
    if not YEAR_MIN <= day.year <= YEAR_MAX:
        raise InvalidInput(
            f"--today {today!r} is not allowed",
            f"give a date from {YEAR_MIN}-01-01 to {YEAR_MAX}-12-31",
        )
    return day


def day(option: str, value: str | None) -> date | None:
    """The day an option names (None when not given), or one line naming the option and what
    is allowed: a date written YYYY-MM-DD, within the years a register's dates may take."""
    if value is None:
        return None
    from pledges.fields import YEAR_MAX, YEAR_MIN

    try:
        found = date.fromisoformat(value)
    except ValueError:
        found = None
    if found is None or not YEAR_MIN <= found.year <= YEAR_MAX:
        shown = value if len(value) <= 40 else value[:37] + "..."
        raise InvalidInput(
            f"{option} {shown!r} is not allowed",
            f"give a date written YYYY-MM-DD, from {YEAR_MIN}-01-01 to {YEAR_MAX}-12-31",
        )
    return found
