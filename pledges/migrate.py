"""Schema migrations: upgrade, downgrade and report the revision of a database with alembic.

A downgrade never loses data silently. Each migration names what its downgrade drops
(`DOWNGRADE_DROPS`: tables, or `table.column`); a downgrade that would drop a table holding rows or
a column holding values is refused unless forced, and a forced one keeps a backup first: SQLite
copies the file beside it, PostgreSQL asks for the `pg_dump` file the user made.

Targets are resolved here, before alembic sees them, so that a revision that does not exist, or
one in the wrong direction, is one clear line rather than alembic's error.

Imported only by the commands that migrate, so that everyday commands never load alembic.
"""

from __future__ import annotations

import re
import shlex
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import URL, Connection, inspect, text

from pledges.dburl import describe
from pledges.errors import InvalidInput

_PACKAGE = Path(__file__).resolve().parent
BASE = "base"  # alembic's name for the database without any of our tables
HEAD = "head"


def script_location() -> Path:
    """alembic/ beside the package in a checkout; inside it (as _alembic) in an installed wheel."""
    for candidate in (_PACKAGE.parent / "alembic", _PACKAGE / "_alembic"):
        if (candidate / "env.py").exists():
            return candidate
    raise FileNotFoundError("the alembic migrations are missing from this installation")


def config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location()))
    if connection is not None:
        # Alembic joins the caller's transaction: migrating and what follows commit together.
        cfg.attributes["connection"] = connection
    return cfg


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(config())


def head() -> str:
    revision = _scripts().get_current_head()
    assert revision is not None
    return revision


def revisions() -> list[str]:
    """Every schema revision, oldest first (the history is linear)."""
    return [script.revision for script in reversed(list(_scripts().walk_revisions()))]


def drops(revision: str) -> tuple[str, ...]:
    """What undoing `revision` drops: table names, and `table.column` for single columns."""
    script = _scripts().get_revision(revision)
    assert script is not None
    return tuple(script.module.DOWNGRADE_DROPS)


# --- where a target leads -----------------------------------------------------------------------


def current(connection: Connection) -> str | None:
    """The revision the database is at; None when it has none of our tables."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
    return None if row is None else str(row[0])


@dataclass(frozen=True)
class Step:
    """A migration about to run: from the revision the database is at, to the target."""

    before: str | None
    after: str | None
    undone: tuple[str, ...]  # the revisions a downgrade undoes, newest first

    @property
    def target(self) -> str:
        return self.after or BASE


def _name(revision: str | None) -> str:
    return revision or BASE


def plan(connection: Connection, action: str, target: str) -> Step:
    """Where `target` leads from the database's revision, or a one-line error saying what exists.

    Upgrades take a revision, `head` or `+N`; downgrades a revision, `base` or `-N`.
    """
    known = revisions()
    now = current(connection)
    if now is not None and now not in known:
        raise InvalidInput(
            f"the database is at schema revision {now}, which this version of pledges does not "
            "know",
            f"use the version of pledges that made it; this one knows {', '.join(known)}",
        )
    at = -1 if now is None else known.index(now)
    upward = action == "upgrade"
    index = _index(target, known, at, upward)
    if (index < at) if upward else (index > at):
        other = "downgrade" if upward else "upgrade --revision"
        raise InvalidInput(
            f"the database is at schema revision {_name(now)}, "
            f"{'above' if upward else 'below'} {target}",
            f"to go {'down' if upward else 'up'} to it, run 'pledges db {other} {target}'",
        )
    after = known[index] if index >= 0 else None
    undone = tuple(reversed(known[index + 1 : at + 1])) if not upward else ()
    return Step(now, after, undone)


_RELATIVE = re.compile(r"([+-])([0-9]{1,4})")


def _index(target: str, known: Sequence[str], at: int, upward: bool) -> int:
    """The position in `known` that `target` names (-1: base)."""
    sign = "+" if upward else "-"
    allowed = (
        f"give {', '.join(known)}, head (the default) or +N to go N revisions up"
        if upward
        else f"give {', '.join(known)}, base (no tables at all) or -N to go N revisions down, "
        "e.g. -1"
    )
    if target.startswith("--"):
        raise InvalidInput(f"no such option: {target}", f"see 'pledges db {_verb(upward)} --help'")
    if target in known:
        return known.index(target)
    if target == (HEAD if upward else BASE):
        return len(known) - 1 if upward else -1
    relative = _RELATIVE.fullmatch(target)
    if relative is None or relative.group(1) != sign or int(relative.group(2)) == 0:
        raise InvalidInput(f"there is no schema revision {target!r} to {_verb(upward)} to", allowed)
    index = at + int(relative.group(2)) * (1 if upward else -1)
    if not -1 <= index < len(known):
        end, side = (HEAD, "below") if upward else (BASE, "above")
        room = (len(known) - 1 - at) if upward else at + 1
        raise InvalidInput(
            f"{target} goes past {end}: the database is at schema revision "
            f"{known[at] if at >= 0 else BASE}, {room} revision(s) {side} {end}",
            allowed,
        )
    return index


def _verb(upward: bool) -> str:
    return "upgrade" if upward else "downgrade"


# --- what a downgrade would lose ----------------------------------------------------------------


@dataclass(frozen=True)
class Loss:
    """A table that holds rows, or a column that holds values, which a downgrade drops."""

    dropped: str  # a table, or table.column
    count: int

    def __str__(self) -> str:
        unit = "value" if "." in self.dropped else "row"
        return f"{self.dropped} ({self.count} {unit}{'' if self.count == 1 else 's'})"


def losses(connection: Connection, undone: Sequence[str]) -> list[Loss]:
    """What undoing these revisions would drop that holds anything; empty when nothing would be
    lost (an empty register, or columns that hold no values)."""
    lost = []
    inspector = inspect(connection)
    tables = set(inspector.get_table_names())
    dropped_whole = {d for revision in undone for d in drops(revision) if "." not in d}
    for revision in undone:
        for dropped in drops(revision):
            table, _, column = dropped.partition(".")
            if table not in tables:
                continue
            if column and (
                table in dropped_whole  # counted with its table
                or column not in {c["name"] for c in inspector.get_columns(table)}
            ):
                continue
            held = f"WHERE {_quoted(connection, column)} IS NOT NULL" if column else ""
            count = connection.execute(
                text(f"SELECT count(*) FROM {_quoted(connection, table)} {held}")
            ).scalar_one()
            if count:
                lost.append(Loss(dropped, count))
    return lost


def _quoted(connection: Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote(name)


def _listed(items: Sequence[object]) -> str:
    words = [str(item) for item in items]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def pg_dump_command(url: URL, dump: str) -> str:
    """The command that backs the database up, its password masked."""
    server = url.set(drivername="postgresql").render_as_string(hide_password=True)
    return f"pg_dump --format=custom --file={shlex.quote(dump)} {shlex.quote(server)}"


def _refused(step: Step, lost: Sequence[Loss], url: URL, backup: Path | None) -> InvalidInput:
    what = (
        f"downgrading {describe(url)} from schema revision {_name(step.before)} to {step.target} "
        f"would drop {_listed(lost)}"
    )
    if url.get_backend_name() == "postgresql":
        dump = str(backup) if backup else f"{url.database}-before-{step.target}.dump"
        return InvalidInput(
            what,
            f"back the database up first with: {pg_dump_command(url, dump)}; then downgrade "
            f"again with --force --backup {shlex.quote(dump)}",
        )
    return InvalidInput(
        what,
        "to downgrade anyway, add --force: a copy of the database file is saved beside it "
        "first, to restore from",
    )


# --- backups ------------------------------------------------------------------------------------


def _copy_sqlite(connection: Connection, step: Step, backup: Path | None) -> Path:
    """Copy the SQLite file whole (SQLite's backup API reads through the write-ahead log) before
    the downgrade; the copy is checked before anything is dropped.

    A second connection reads it: the downgrade's own holds the write lock, so nobody can commit
    in between, and its transaction has written nothing yet.
    """
    source = Path(str(connection.engine.url.database))
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    copy = backup or source.with_name(f"{source.name}.before-{step.target}-{stamp}.bak")
    if copy.exists():
        raise InvalidInput(
            f"the backup {copy} exists already", "name a new file with --backup; none is replaced"
        )
    try:
        # closing(): a sqlite3 connection used as a context manager commits but stays open.
        with closing(sqlite3.connect(source)) as reader, closing(sqlite3.connect(copy)) as out:
            reader.backup(out)
        with closing(sqlite3.connect(copy)) as check:
            sound = check.execute("PRAGMA quick_check").fetchone() == ("ok",)
            copied = check.execute("SELECT count(*) FROM revisions").fetchone()
    except sqlite3.Error:
        sound, copied = False, None
    expected = connection.execute(text("SELECT count(*) FROM revisions")).scalar_one()
    if not sound or copied != (expected,):
        raise InvalidInput(
            f"the backup {copy} could not be written whole; nothing was dropped",
            "check that its folder exists and has room, or name another file with --backup",
        )
    return copy


def _pg_backup_given(step: Step, lost: Sequence[Loss], url: URL, backup: Path | None) -> Path:
    if backup is None:
        raise _refused(step, lost, url, None)
    state = None
    if not backup.exists():
        state = "does not exist"
    elif backup.stat().st_size == 0 if backup.is_file() else not any(backup.iterdir()):
        state = "is empty"  # pg_dump writes a file, or a folder with --format=directory
    if state is not None:
        raise InvalidInput(
            f"the backup {backup} named by --backup {state}; nothing was dropped",
            f"make it first with: {pg_dump_command(url, str(backup))}",
        )
    return backup


# --- running alembic ----------------------------------------------------------------------------


def upgrade(connection: Connection, target: str = HEAD) -> Step:
    step = plan(connection, "upgrade", target)
    command.upgrade(config(connection), step.target)
    return step


@dataclass(frozen=True)
class Downgraded:
    step: Step
    lost: tuple[Loss, ...]  # what was dropped that held anything
    copy: Path | None  # the SQLite copy written before it
    backup: Path | None  # the PostgreSQL dump the user named


def downgrade(
    connection: Connection, target: str, *, force: bool = False, backup: Path | None = None
) -> Downgraded:
    """Downgrade to `target`. Refused when it would drop rows or values, unless `force`; then
    SQLite's file is copied first (to `backup` if given), and PostgreSQL needs `backup`, the
    pg_dump file made before."""
    step = plan(connection, "downgrade", target)
    lost = losses(connection, step.undone)
    url = connection.engine.url
    copy = dump = None
    if lost and not force:
        raise _refused(step, lost, url, backup)
    if lost and url.get_backend_name() == "postgresql":
        dump = _pg_backup_given(step, lost, url, backup)
    elif lost:
        copy = _copy_sqlite(connection, step, backup)
    command.downgrade(config(connection), step.target)
    return Downgraded(step, tuple(lost), copy, dump)


def check(connection: Connection) -> None:
    """Raise alembic's AutogenerateDiffsDetected when the models drift from the migrations."""
    command.check(config(connection))
