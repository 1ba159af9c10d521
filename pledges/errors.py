"""Operational failures, each carrying what went wrong and what the user should do next.

    PledgesError                  base; the command line prints "Error: <message> — <hint>", exit 2
    ├── InvalidInput              a value, row or file that does not fit the schema
    ├── NotFound                  no pledge, source or actor with that id (suggests close ids)
    ├── AlreadyExists             an id that is taken
    ├── Conflict                  an edit made from a stale version
    └── DatabaseError
        ├── NoDatabase            the SQLite file is not there yet
        ├── NotInitialised        the database exists but holds no register
        ├── OutdatedDatabase      the database is at an older schema revision
        ├── Unreachable           the server cannot be reached (password masked)
        ├── Busy                  another command kept writing past PLEDGES_BUSY_SECONDS
        └── ReadOnly              the register, its folder or its server refuses writes

Curation problems are not errors: the audit reports them as findings.
"""

from __future__ import annotations


class PledgesError(Exception):
    """A failure the user can act on."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} — {self.hint}" if self.hint else self.message


class InvalidInput(PledgesError):
    pass


class NotFound(PledgesError):
    pass


class AlreadyExists(PledgesError):
    pass


class Conflict(PledgesError):
    pass


class DatabaseError(PledgesError):
    pass


class NoDatabase(DatabaseError):
    pass


class NotInitialised(DatabaseError):
    pass


class OutdatedDatabase(DatabaseError):
    pass


class Unreachable(DatabaseError):
    pass


class Busy(DatabaseError):
    pass


class ReadOnly(DatabaseError):
    pass
