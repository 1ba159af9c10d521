"""Which register a command means, and whether a SQLite register's file may be opened: shared by
pledges.db (SQLAlchemy) and the search (sqlite3 alone, to start quickly: pledges.search.find), so
that both say the same thing about the same file.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

from pledges.errors import (
    Busy,
    InvalidInput,
    NoDatabase,
    NotInitialised,
    OutdatedDatabase,
    PledgesError,
)

DEFAULT_DB = "pledges.db"
ENV_VAR = "PLEDGES_DB"
# The alembic revision this code expects; tests/test_migrations.py pins it to alembic's head so
# that opening a database never has to import alembic.
HEAD_REVISION = "0006"
BUSY_VAR = "PLEDGES_BUSY_SECONDS"
BUSY_DEFAULT = 30.0
BUSY_MIN, BUSY_MAX = 0.1, 3600.0


def given(db: str | None) -> str:
    """`--db`, else PLEDGES_DB, else ./pledges.db: as typed."""
    return db or os.environ.get(ENV_VAR) or DEFAULT_DB


def sqlite_path(db: str | None) -> Path | None:
    """The register's file when it is given as a path (not as a URL)."""
    raw = given(db)
    return None if "://" in raw else Path(raw).expanduser().resolve()


def check_path(path: Path, *, create: bool) -> None:
    """The register's file may be opened (or, with `create`, made) at `path`."""
    try:
        folder, exists = path.is_dir(), path.exists()
    except OSError as error:  # a name too long for the file system, a loop of links
        raise InvalidInput(
            f"the register's path {str(path)!r} cannot be used ({error.strerror})",
            "give a shorter path to the register's file with --db / PLEDGES_DB",
        ) from None
    if folder:
        raise InvalidInput(
            f"{path} is a folder, not a register",
            f"give the register's file, e.g. {path / DEFAULT_DB}",
        )
    if not create and not exists:
        raise NoDatabase(
            f"there is no register at {path}",
            "run 'pledges init' to create it, or point --db / PLEDGES_DB at an existing one",
        )


def check_revision(revision: str | None, where: str) -> None:
    """The schema the database is at is the one this code needs."""
    if revision is None:
        raise NotInitialised(
            f"the database at {where} holds no register yet", "run 'pledges init' to create it"
        )
    if revision != HEAD_REVISION:
        raise OutdatedDatabase(
            f"the database at {where} is at schema revision {revision}; "
            f"this version of pledges needs {HEAD_REVISION}",
            "run 'pledges db upgrade' (or 'pledges init') to bring it up to date",
        )


def busy_seconds() -> float:
    """How long a command waits for another one that is writing: PLEDGES_BUSY_SECONDS."""
    raw = os.environ.get(BUSY_VAR, "").strip()
    if not raw:
        return BUSY_DEFAULT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not BUSY_MIN <= seconds <= BUSY_MAX:  # NaN fails too
        raise InvalidInput(
            f"{BUSY_VAR} {raw!r} is not allowed",
            f"set it to a number of seconds from {BUSY_MIN:g} to {BUSY_MAX:g}, "
            f"or unset it to wait {BUSY_DEFAULT:g} s",
        )
    return seconds


def sqlite_failure(path: Path, error: BaseException) -> PledgesError:
    """What a sqlite3 error met reading the register at `path` means to its user: busy, not a
    register (or damaged), or not readable."""
    name = str(getattr(error, "sqlite_errorname", ""))
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return Busy(
            "the register is busy",
            f"try again in a moment: another command is writing to it ({BUSY_VAR} sets how "
            "long to wait)",
        )
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return PledgesError(
            f"{path} is not a pledges register, or it is damaged",
            "point --db / PLEDGES_DB at the register; 'pledges log verify' checks a damaged one",
        )
    return PledgesError(
        f"cannot read the register {path}",
        "check that you may read the file and its folder; 'pledges log verify' checks a "
        "damaged one",
    )
