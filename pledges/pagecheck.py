"""The database's own check of its pages, which `log verify` runs before anything is read.

SQLite's integrity check, table by table when a damaged page stops it; on PostgreSQL, the count
of page checksum failures and, where the extension is installed, amcheck on every B-tree index.
Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, text
from sqlalchemy import exc as sa_exc

from pledges.db import first_line, unreachable

_SQLITE_CORRUPT = 11  # SQLite's primary result code for a damaged file
_SHOWN_FINDINGS = 3


@dataclass(frozen=True)
class PageCheck:
    """What the database's own check of its storage did (a clause for the summary), what it
    found wrong, and whether that is damage (then nothing read from the file can be trusted)
    rather than rows that break the schema's rules."""

    done: str
    problems: list[str]
    damaged: bool = False


def check_pages(engine: Engine) -> PageCheck | None:
    """Run the database's own check. None when SQLite cannot open the file as a database at all:
    opening the register reports that, as for every command."""
    if engine.dialect.name == "sqlite":
        return _sqlite_pages(engine)
    if engine.dialect.name == "postgresql":
        try:
            return _postgres_pages(engine)
        except sa_exc.OperationalError as error:
            raise unreachable(engine.url, error) from None
    return PageCheck(f"{engine.dialect.name} has no check of its pages that pledges runs", [])


def _sqlite_pages(engine: Engine) -> PageCheck | None:
    try:
        findings = _integrity_check(engine, None)
    except sa_exc.DatabaseError as error:
        if not _corrupt(error):
            return None
        # Python's SQLite stops the whole check at the first page it cannot read; checking table
        # by table names each table that cannot be read.
        try:
            findings = _table_by_table(engine)
        except sa_exc.DatabaseError as again:
            if not _corrupt(again):
                raise
            findings = ["that the file's list of tables cannot be read"]
    if findings == ["ok"]:
        return PageCheck("SQLite's integrity check passed", [])
    # integrity_check also reports rows that break a CHECK or NOT NULL rule: values in pages that
    # are whole, which the reading of each stored value names precisely.
    broken_rules = [f for f in findings if f.startswith(_RULES)]
    damage = [f for f in findings if not f.startswith(_RULES)]
    problems = [
        f"the database file {what}: SQLite's integrity check reports {_some(found)}"
        for what, found in (
            ("is damaged", damage),
            ("holds rows that break its rules", broken_rules),
        )
        if found
    ]
    done = "failed" if damage else "found rows that break the schema's rules"
    return PageCheck(f"SQLite's integrity check {done}", problems, damaged=bool(damage))


_RULES = ("“CHECK constraint failed", "“NULL value in")


def _integrity_check(engine: Engine, table: str | None) -> list[str]:
    """SQLite's findings, each quoted; ["ok"] when there are none."""
    pragma = "PRAGMA integrity_check" if table is None else f"PRAGMA integrity_check({table})"
    with engine.connect() as conn:
        found = [str(row[0]) for row in conn.exec_driver_sql(pragma)]
    if found == ["ok"]:
        return found
    return [f"“{f}”" for f in found if not f.startswith("*** in database")]


def _table_by_table(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        tables = conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        ).scalars()
        names = [str(name) for name in tables]
    findings = []
    for name in names:
        quoted = engine.dialect.identifier_preparer.quote(name)
        try:
            findings += [f for f in _integrity_check(engine, quoted) if f != "ok"]
        except sa_exc.DatabaseError as error:
            if not _corrupt(error):
                raise
            findings.append(f"that the table {name} or one of its indexes cannot be read")
    return findings or ["that the file cannot be read"]


def _corrupt(error: sa_exc.DatabaseError) -> bool:
    code = getattr(error.orig, "sqlite_errorcode", None)
    return code is not None and code & 0xFF == _SQLITE_CORRUPT


def _some(findings: list[str]) -> str:
    hidden = len(findings) - _SHOWN_FINDINGS
    more = f" (and {hidden} more)" if hidden > 0 else ""
    return "; ".join(findings[:_SHOWN_FINDINGS]) + more


def _postgres_pages(engine: Engine) -> PageCheck:
    """PostgreSQL checks pages as it reads them only when the cluster was made with data
    checksums; a full check needs the amcheck extension, which is used when installed."""
    with engine.connect() as conn:
        checksums = conn.exec_driver_sql("SHOW data_checksums").scalar() == "on"
        amcheck = conn.exec_driver_sql(
            "SELECT 1 FROM pg_extension WHERE extname = 'amcheck'"
        ).first()
        failures = conn.execute(
            text(
                "SELECT coalesce(checksum_failures, 0) FROM pg_stat_database "
                "WHERE datname = current_database()"
            )
        ).scalar()
    problems = []
    if checksums and failures:
        problems.append(
            f"the database is damaged: PostgreSQL has counted {failures} page checksum "
            "failure(s) in it (pg_stat_database.checksum_failures)"
        )
    done = []
    if checksums:
        done.append("PostgreSQL's page checksums are on")
    if amcheck:
        indexes, found = _amcheck(engine)
        problems += found
        done.append(f"PostgreSQL's amcheck checked {indexes} index(es) and their tables")
    if not done:
        return PageCheck(
            "PostgreSQL has no check of its pages to run here: data checksums are off and the "
            "amcheck extension is not installed",
            [],
        )
    return PageCheck(" and ".join(done), problems, damaged=bool(problems))


def _amcheck(engine: Engine) -> tuple[int, list[str]]:
    indexes_query = (
        "SELECT c.oid::regclass::text FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
        "JOIN pg_class t ON t.oid = i.indrelid "
        "WHERE a.amname = 'btree' AND t.relnamespace = current_schema()::regnamespace "
        "ORDER BY 1"
    )
    problems = []
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        indexes = [str(name) for name in conn.exec_driver_sql(indexes_query).scalars()]
        for index in indexes:
            try:
                conn.execute(
                    text("SELECT bt_index_check(CAST(:index AS regclass), true)"),
                    {"index": index},
                )
            except sa_exc.DBAPIError as error:
                problems.append(f"the database is damaged: amcheck finds index {index} broken "
                                f"({first_line(error)})")  # fmt: skip
    return len(indexes), problems
