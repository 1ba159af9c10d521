"""Schema downgrades through the command line: nothing is lost without a word.

A downgrade that would drop records, or a column holding values, is refused, naming what; with
--force, SQLite's file is copied first and PostgreSQL asks for the pg_dump file made before. An
empty register downgrades freely, `-N` works as the help says, a revision that does not exist is
one line, and an upgrade after a forced downgrade never leaves deprecated evidence without a
reason. Each runs on a fresh SQLite file and a fresh PostgreSQL database where the database
matters.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import make_url, text

from pledges.db import make_engine
from pledges.dburl import resolve_url
from pledges.registerfile import HEAD_REVISION
from tests.conftest import CLI
from tests.test_cli import one_line
from tests.test_editing import TABLES
from tests.test_editing import table_counts as counts

DEPRECATED_ONE = "actors (3 rows), sources (5 rows), pledges (12 rows), pledge_actors (18 rows), "
DEPRECATED_ONE += "evidence (21 rows) and revisions (42 rows)"  # after deprecate_one


def where(db: str) -> str:
    """The database as messages name it: the file, or the URL without its password."""
    url = resolve_url(db)
    return url.database or "" if url.drivername == "sqlite" else url.render_as_string()


def intact(cli: CLI, db: str) -> str:
    result = cli("log", "verify", "--db", db)
    assert result.code == 0, result.out + result.err
    return one_line(result.err)


def deprecate_one(cli: CLI, db: str) -> None:
    result = cli("evidence", "deprecate", "3", "--reason", "quotes the wrong year", "--db", db)
    assert result.code == 0, result.err


def refusal(db: str, target: str, lost: str) -> str:
    """The one line a lossy downgrade is refused with."""
    what = (
        f"Error: downgrading {where(db)} from schema revision {HEAD_REVISION} to {target} "
        f"would drop {lost} — "
    )
    url = resolve_url(db)
    if url.drivername == "sqlite":
        return what + (
            "to downgrade anyway, add --force: a copy of the database file is saved beside it "
            "first, to restore from"
        )
    dump = f"{url.database}-before-{target}.dump"
    server = url.set(drivername="postgresql").render_as_string()
    return what + (
        f"back the database up first with: pg_dump --format=custom --file={dump} {server}; "
        f"then downgrade again with --force --backup {dump}"
    )


# --- refused, and the register unchanged --------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "lost"),
    [
        pytest.param("base", DEPRECATED_ONE, id="to base"),
        pytest.param("-5", "evidence.deprecated_reason (1 value)", id="five steps, a reason"),
        pytest.param("0001", "evidence.deprecated_reason (1 value)", id="to 0001 by name"),
    ],
)
def test_a_lossy_downgrade_is_refused_and_says_what_would_be_lost(
    cli: CLI, seeded: str, target: str, lost: str
) -> None:
    deprecate_one(cli, seeded)
    before = counts(seeded)
    result = cli("db", "downgrade", target, "--db", seeded)
    assert result.code == 2, result.err
    assert result.out == ""
    named = "0001" if target == "-5" else target
    assert one_line(result.err) == refusal(seeded, named, lost)
    assert counts(seeded) == before
    assert cli("db", "current", "--db", seeded).out == f"database: {HEAD_REVISION}\ncode: 0006\n"
    assert intact(cli, seeded).startswith("The log is intact: 42 revisions")
    if resolve_url(seeded).drivername == "sqlite":
        assert not list(Path(resolve_url(seeded).database or "").parent.glob("*.bak"))


def test_downgrade_minus_one_works_as_the_help_says(cli: CLI, seeded: str) -> None:
    """The seed register's sources record no format, encoding, extractor or fields from their
    metadata: the columns it drops hold nothing."""
    before = counts(seeded)
    result = cli("db", "downgrade", "-3", "--db", seeded)
    assert result.code == 0, result.err
    assert result.err == "database now at revision 0003\n"
    assert counts(seeded) == before
    upgraded = cli("db", "upgrade", "--db", seeded)
    assert (upgraded.code, upgraded.err) == (0, "database now at revision 0006\n")
    assert intact(cli, seeded).startswith("The log is intact: 41 revisions")


def test_an_empty_register_downgrades_freely(cli: CLI, db_url: str) -> None:
    assert cli("init", "--empty", "--db", db_url).code == 0
    result = cli("db", "downgrade", "base", "--db", db_url)
    assert (result.code, result.err) == (0, "database now at revision base\n")
    assert cli("db", "current", "--db", db_url).out == "database: empty\ncode: 0006\n"
    assert cli("db", "upgrade", "--db", db_url).code == 0
    assert intact(cli, db_url).startswith("The log is intact: 0 revisions")


# --- forced ---------------------------------------------------------------------------------------


BACKUP = re.compile(
    r"Saved a copy of the database before the downgrade: (?P<path>.*/register\.db\.before-base-"
    r"\d{8}T\d{6}Z\.bak)"
)


def test_a_forced_sqlite_downgrade_copies_the_whole_file_first(cli: CLI, tmp_path: Path) -> None:
    """The copy holds what is still only in the write-ahead log: a reader left open keeps
    SQLite from folding the log into the file, as a busy register would."""
    db = str(tmp_path / "register.db")
    assert cli("init", "--db", db).code == 0
    reader = sqlite3.connect(db)
    try:
        reader.execute("SELECT count(*) FROM revisions").fetchone()
        deprecate_one(cli, db)
        in_file_alone = tmp_path / "file-alone.db"
        shutil.copyfile(db, in_file_alone)  # what copying the file, without its log, would keep
        with sqlite3.connect(in_file_alone) as naive:
            assert naive.execute("SELECT count(*) FROM revisions").fetchone() == (41,)

        result = cli("db", "downgrade", "base", "--force", "--db", db)
    finally:
        reader.close()
    assert result.code == 0, result.err
    lines = result.err.splitlines()
    saved = BACKUP.fullmatch(lines[0])
    assert saved is not None, lines
    assert lines[1:] == [f"Dropped {DEPRECATED_ONE.replace(' and ', ', ')}.",
                         "database now at revision base"]  # fmt: skip
    assert counts_of_missing_tables(db)

    copy = Path(saved["path"])
    assert copy.parent == tmp_path
    restored = tmp_path / "restored.db"
    shutil.copyfile(copy, restored)
    assert counts(str(restored))["revisions"] == 42
    assert intact(cli, str(restored)).startswith("The log is intact: 42 revisions")
    shown = json.loads(cli("show", "cn-carbon-neutrality-2060", "--format", "json",
                           "--db", str(restored)).out)  # fmt: skip
    assert [e["deprecated_reason"] for e in shown["evidence"] if e["id"] == 3] == [
        "quotes the wrong year"
    ]


def counts_of_missing_tables(db: str) -> bool:
    """True when none of the register's tables is left."""
    engine = make_engine(resolve_url(db))
    try:
        with engine.connect() as conn:
            names = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master"))}
    finally:
        engine.dispose()
    return not names & set(TABLES)


def test_a_forced_sqlite_downgrade_writes_its_copy_where_asked(
    cli: CLI, seeded_file: str, tmp_path: Path
) -> None:
    deprecate_one(cli, seeded_file)
    wanted = tmp_path / "kept" / "before.db"
    missing = cli("db", "downgrade", "-5", "--force", "--backup", str(wanted), "--db", seeded_file)
    assert missing.code == 2
    assert one_line(missing.err) == (
        f"Error: the backup {wanted} could not be written whole; nothing was dropped — check "
        "that its folder exists and has room, or name another file with --backup"
    )
    assert cli("db", "current", "--db", seeded_file).out.startswith("database: 0006\n")

    wanted.parent.mkdir()
    done = cli("db", "downgrade", "-5", "--force", "--backup", str(wanted), "--db", seeded_file)
    assert done.code == 0, done.err
    assert done.err.splitlines() == [
        f"Saved a copy of the database before the downgrade: {wanted}",
        "Dropped evidence.deprecated_reason (1 value).",
        "database now at revision 0001",
    ]
    again = cli("db", "downgrade", "base", "--force", "--backup", str(wanted), "--db", seeded_file)
    assert again.code == 2
    assert one_line(again.err) == (
        f"Error: the backup {wanted} exists already — name a new file with --backup; none is "
        "replaced"
    )


@pytest.fixture
def seeded_file(tmp_path: Path) -> str:
    from pledges import service

    path = str(tmp_path / "register.db")
    service.init(path, author="test")
    return path


@pytest.mark.postgres
def test_postgresql_asks_for_a_pg_dump_first(cli: CLI, fresh_pg: object, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    from pledges import service
    from tests.conftest import FreshPostgres

    assert isinstance(fresh_pg, FreshPostgres)
    db = fresh_pg.new()
    service.init(db, author="test")
    deprecate_one(cli, db)
    monkeypatch.chdir(tmp_path)
    before = counts(db)
    expected = refusal(db, "0001", "evidence.deprecated_reason (1 value)")
    for args in ([], ["--force"]):
        result = cli("db", "downgrade", "-5", *args, "--db", db)
        assert result.code == 2
        assert one_line(result.err) == expected
    dump = f"{make_url(db).database}-before-0001.dump"
    command = expected.split("back the database up first with: ", 1)[1].split(";", 1)[0]

    for made, state in ((False, "does not exist"), (True, "is empty")):
        if made:
            Path(dump).touch()
        result = cli("db", "downgrade", "-5", "--force", "--backup", dump, "--db", db)
        assert result.code == 2
        assert one_line(result.err) == (
            f"Error: the backup {dump} named by --backup {state}; nothing was dropped — make it "
            f"first with: {command}"
        )
    assert counts(db) == before

    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed: the command it prints cannot be run here")
    Path(dump).unlink()
    subprocess.run(shlex.split(command), check=True, timeout=120)
    assert Path(dump).read_bytes().startswith(b"PGDMP")
    done = cli("db", "downgrade", "-5", "--force", "--backup", dump, "--db", db)
    assert done.code == 0, done.err
    assert done.err.splitlines() == [
        "Dropped evidence.deprecated_reason (1 value).",
        "database now at revision 0001",
    ]


@pytest.mark.postgres
def test_the_pg_dump_command_masks_the_password(cli: CLI, fresh_pg: object) -> None:
    """The test server trusts local connections, so a URL with a password reaches it too."""
    from pledges import service
    from tests.conftest import FreshPostgres

    assert isinstance(fresh_pg, FreshPostgres)
    db = make_url(fresh_pg.new()).set(password="s3cret-word")
    url = db.render_as_string(hide_password=False)
    service.init(url, author="test")
    result = cli("db", "downgrade", "base", "--db", url)
    assert result.code == 2
    assert "s3cret-word" not in result.err
    masked = db.set(drivername="postgresql").render_as_string()
    assert ":***@" in masked
    command = f"pg_dump --format=custom --file={db.database}-before-base.dump '{masked}';"
    assert command in result.err  # quoted, so that a shell does not read *** as a pattern


# --- coming back up -----------------------------------------------------------------------------


def test_after_a_forced_downgrade_the_upgrade_takes_the_reasons_from_the_log(
    cli: CLI, seeded: str, tmp_path: Path
) -> None:
    deprecate_one(cli, seeded)
    backup = []
    if resolve_url(seeded).drivername != "sqlite":  # a real pg_dump is made in the test above
        dump = tmp_path / "made-before.dump"
        dump.write_bytes(b"PGDMP stands in for the dump here")
        backup = ["--backup", str(dump)]
    result = cli("db", "downgrade", "-5", "--force", *backup, "--db", seeded)
    assert result.code == 0, result.err
    assert cli("show", "cn-carbon-neutrality-2060", "--db", seeded).code == 2  # outdated schema
    assert cli("db", "upgrade", "--db", seeded).code == 0
    shown = cli("show", "cn-carbon-neutrality-2060", "--format", "json", "--db", seeded)
    assert shown.code == 0, shown.err
    evidence = {e["id"]: e for e in json.loads(shown.out)["evidence"]}
    assert evidence[3]["rank"] == "deprecated"
    assert evidence[3]["deprecated_reason"] == "quotes the wrong year"
    assert intact(cli, seeded).startswith("The log is intact: 42 revisions")


def test_deprecated_evidence_the_log_has_no_reason_for_gets_a_placeholder(
    cli: CLI, seeded: str
) -> None:
    """Evidence deprecated at schema 0001 without pledges: nothing recorded its reason."""
    assert cli("db", "downgrade", "-5", "--db", seeded).code == 0
    engine = make_engine(resolve_url(seeded))
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE evidence SET rank = 'deprecated' WHERE id = 4"))
    finally:
        engine.dispose()
    assert cli("db", "upgrade", "--db", seeded).code == 0
    shown = cli("show", "cn-carbon-neutrality-2060", "--format", "json", "--db", seeded)
    assert shown.code == 0, shown.err
    evidence = {e["id"]: e for e in json.loads(shown.out)["evidence"]}
    assert evidence[4]["deprecated_reason"] == "reason lost in a schema downgrade"
    table = cli("show", "cn-carbon-neutrality-2060", "--db", seeded)
    assert table.code == 0
    assert "deprecated: reason lost in a schema downgrade" in table.out


# --- revisions that do not exist ----------------------------------------------------------------

UPWARD = "give 0001, 0002, 0003, 0004, 0005, 0006, head (the default) or +N to go N revisions up"
DOWNWARD = (
    "give 0001, 0002, 0003, 0004, 0005, 0006, base (no tables at all) or -N to go N revisions "
    "down, e.g. -1"
)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["upgrade", "--revision", "zzz"],
         f"there is no schema revision 'zzz' to upgrade to — {UPWARD}"),
        (["upgrade", "--revision", "-1"],
         f"there is no schema revision '-1' to upgrade to — {UPWARD}"),
        (["upgrade", "--revision", "base"],
         f"there is no schema revision 'base' to upgrade to — {UPWARD}"),
        (["upgrade", "--revision", "+1"],
         f"+1 goes past head: the database is at schema revision 0006, 0 revision(s) below head "
         f"— {UPWARD}"),
        (["upgrade", "--revision", "0001"],
         "the database is at schema revision 0006, above 0001 — to go down to it, run "
         "'pledges db downgrade 0001'"),
        (["downgrade", "0009"],
         f"there is no schema revision '0009' to downgrade to — {DOWNWARD}"),
        (["downgrade", "+1"], f"there is no schema revision '+1' to downgrade to — {DOWNWARD}"),
        (["downgrade", "a:b"], f"there is no schema revision 'a:b' to downgrade to — {DOWNWARD}"),
        (["downgrade", "head"],
         f"there is no schema revision 'head' to downgrade to — {DOWNWARD}"),
        (["downgrade", "-0"], f"there is no schema revision '-0' to downgrade to — {DOWNWARD}"),
        (["downgrade", "-7"],
         f"-7 goes past base: the database is at schema revision 0006, 6 revision(s) above "
         f"base — {DOWNWARD}"),
        (["downgrade", "--forse"],
         "no such option: --forse — see 'pledges db downgrade --help'"),
    ],
)  # fmt: skip
def test_a_revision_that_does_not_exist_is_one_line(
    cli: CLI, seeded: str, args: list[str], message: str
) -> None:
    before = counts(seeded)
    result = cli("db", *args, "--db", seeded)
    assert result.code == 2, result.err
    assert one_line(result.err) == f"Error: {message}"
    assert counts(seeded) == before
    assert cli("db", "current", "--db", seeded).out == "database: 0006\ncode: 0006\n"


def test_going_up_from_below(cli: CLI, seeded_file: str) -> None:
    assert cli("db", "downgrade", "-5", "--db", seeded_file).code == 0
    wrong_way = cli("db", "downgrade", "0002", "--db", seeded_file)
    assert wrong_way.code == 2
    assert one_line(wrong_way.err) == (
        "Error: the database is at schema revision 0001, below 0002 — to go up to it, run "
        "'pledges db upgrade --revision 0002'"
    )
    up = cli("db", "upgrade", "--revision", "+1", "--db", seeded_file)
    assert (up.code, up.err) == (0, "database now at revision 0002\n")
