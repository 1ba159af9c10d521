"""Which database is the register: the URL from `--db` or `PLEDGES_DB` (`resolve_url`), and
how it is shown (`describe`: the password masked). PostgreSQL URLs use psycopg 3. Opening the
database the URL names is pledges.db's.
"""

from __future__ import annotations

import re

from sqlalchemy import URL, make_url
from sqlalchemy import exc as sa_exc

from pledges.errors import InvalidInput
from pledges.registerfile import given, sqlite_path

SQLITE_DRIVERS = ("sqlite", "sqlite+pysqlite")
POSTGRESQL_DRIVERS = ("postgresql", "postgres", "postgresql+psycopg")
URL_EXAMPLE = "a file path (SQLite) or a URL such as postgresql://user@host:5432/dbname"


def _masked(raw: str) -> str:
    """A URL as typed, its password hidden: for URLs SQLAlchemy cannot parse (and so mask)."""
    return re.sub(r"(://[^:/@]*:)[^/]*@", r"\1***@", raw)  # up to the host's last @


def _port_text(raw: str) -> str | None:
    """What stands where a URL's port goes (`abc` in `host:abc/db`), or None if nothing does."""
    netloc = re.split(r"[/?#]", raw.split("://", 1)[1], maxsplit=1)[0]
    host = netloc.rpartition("@")[2]
    if host.startswith("["):  # an IPv6 address holds colons of its own
        host = host.partition("]")[2] if "]" in host else ""
    return host.partition(":")[2] if ":" in host else None


def _bad_port(shown: str, port: str) -> InvalidInput:
    return InvalidInput(
        f"the port {port!r} in database URL {shown!r} is not allowed",
        "give a port from 1 to 65535, e.g. postgresql://user@host:5432/dbname",
    )


def resolve_url(db: str | None = None) -> URL:
    """The SQLAlchemy URL for `--db`, else PLEDGES_DB, else ./pledges.db.

    Only SQLite files and PostgreSQL servers are accepted: another scheme, a port that is not a
    number from 1 to 65535, or an in-memory SQLite database (which would lose every change when
    the command ends) is refused with one line naming it.
    """
    path = sqlite_path(db)
    if path is not None:
        return URL.create("sqlite", database=str(path))
    raw = given(db)
    try:
        url = make_url(raw)
    except (sa_exc.ArgumentError, ValueError):  # ValueError: SQLAlchemy's int() of the port
        port = _port_text(raw)
        if port is not None and not port.isdigit():
            raise _bad_port(_masked(raw), port) from None
        raise InvalidInput(
            f"database URL {_masked(raw)!r} cannot be read", f"give {URL_EXAMPLE}"
        ) from None
    if url.drivername in SQLITE_DRIVERS:
        if url.database in (None, "", ":memory:"):
            raise InvalidInput(
                f"database URL {_masked(raw)!r} names no file (an in-memory database keeps "
                "nothing)",
                "give the register's file, e.g. sqlite:///pledges.db or just pledges.db",
            )
        return url
    if url.drivername not in POSTGRESQL_DRIVERS:
        raise InvalidInput(
            f"database URL {describe(url)!r} names no database this tool supports",
            f"use {URL_EXAMPLE}",
        )
    if url.port is not None and not 1 <= url.port <= 65535:
        raise _bad_port(describe(url), str(url.port))
    return url.set(drivername="postgresql+psycopg")


def describe(url: URL) -> str:
    """The URL as it may be shown to a person: the password masked."""
    if url.get_backend_name() == "sqlite":
        return url.database or ":memory:"
    return url.render_as_string(hide_password=True)
