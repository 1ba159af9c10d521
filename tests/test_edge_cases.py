"""Edge cases said plainly: each is one line, exit code 2, and nothing written."""

from __future__ import annotations

import pytest
from sqlalchemy import URL

from tests.conftest import CLI
from tests.test_cli import one_line
from tests.test_editing import table_counts

PLEDGE = "cn-co2-peak-2030"


def refused(cli: CLI, db: str, *args: str) -> str:
    """The one line of a refused command, having checked that it wrote nothing."""
    before = table_counts(db)
    result = cli(*args, "--db", db)
    assert result.code == 2, result.err
    assert result.out == ""
    assert table_counts(db) == before
    return one_line(result.err)


def test_an_expected_version_not_reached_yet_is_named(cli: CLI, seeded: str) -> None:
    assert refused(cli, seeded, "update", PLEDGE, "--status", "in_progress",
                   "--expect-version", "3", "--reason", "test") == (
        f"Error: pledge {PLEDGE} is at version 1: version 3 does not exist yet; nothing was "
        f"written — give the version 'pledges show {PLEDGE}' shows (--expect-version 1, or the "
        "version column of an export)"
    )  # fmt: skip
    done = cli("update", PLEDGE, "--status", "in_progress", "--expect-version", "1",
               "--reason", "test", "--db", seeded)  # fmt: skip
    assert done.code == 0, done.err


@pytest.mark.parametrize(
    ("given", "field", "option"),
    [
        (["--target-year", "2030"], "target_year", "--target-year"),
        (["--gas", "CH4"], "gases", "--gas"),
        (["--actor", "CN"], "actors", "--actor"),
    ],
)
def test_a_field_both_set_and_cleared_is_refused(
    cli: CLI, seeded_sqlite: str, given: list[str], field: str, option: str
) -> None:
    assert refused(cli, seeded_sqlite, "update", PLEDGE, *given, "--clear", field,
                   "--reason", "test") == (
        f"Error: {field} is both given ({option}) and cleared (--clear {field}) in one change — "
        "give a new value or clear it, not both; nothing was written"
    )  # fmt: skip


SUPERSEDED_ALONE = (
    "Error: status superseded needs --superseded-by (superseded_by in a file) naming the pledge "
    "that replaces it — correct the record and try again"
)
SUCCESSOR_ALONE = (
    "Error: --superseded-by (superseded_by in a file) is set, so status must be superseded: add "
    "--status superseded, or --clear superseded_by for another status — correct the record and "
    "try again"
)
NEW = ["add", "cn-old", "--title", "Old", "--actor", "CN", "--kind", "coal", "--reason", "test"]


def test_superseded_and_its_successor_go_together(cli: CLI, seeded: str) -> None:
    db, successor = seeded, ["--superseded-by", "cn-carbon-neutrality-2060"]
    assert refused(cli, db, *NEW, "--status", "superseded") == SUPERSEDED_ALONE
    assert refused(cli, db, *NEW, *successor) == SUCCESSOR_ALONE
    update = ["update", PLEDGE, "--reason", "test"]
    assert refused(cli, db, *update, "--status", "superseded") == SUPERSEDED_ALONE
    assert refused(cli, db, *update, *successor) == SUCCESSOR_ALONE
    assert cli(*update, "--status", "superseded", *successor, "--db", db).code == 0
    # A superseded pledge given another status keeps its successor unless it is cleared.
    assert refused(cli, db, *update, "--status", "in_progress") == SUCCESSOR_ALONE
    cleared = cli(*update, "--status", "in_progress", "--clear", "superseded_by", "--db", db)
    assert cleared.code == 0, cleared.err
    assert cli("log", "verify", "--db", db).code == 0


def test_init_empty_on_a_register_holding_records_changes_nothing(cli: CLI, seeded: str) -> None:
    where = seeded.removeprefix("sqlite:///")  # as the register is shown: a path, or its URL
    line = refused(cli, seeded, "init", "--empty")
    assert line == (
        f"Error: the register at {where} already holds 12 pledges, 5 sources and 3 actors; "
        "--empty only makes a new register, so nothing was changed — to import an export into "
        "an empty register, give 'pledges init --empty' a new --db; 'pledges import DIR' can "
        "also add to this one"
    )


def test_init_empty_on_an_empty_register_is_fine_again(cli: CLI, db_url: str) -> None:
    for _ in range(2):
        done = cli("init", "--empty", "--db", db_url)
        assert done.code == 0, done.err
        assert "No seeds were loaded" in done.err


def _fail(cli: CLI, url: str) -> str:
    result = cli("list", "--db", url)
    assert result.code == 2
    assert result.out == ""
    return one_line(result.err)


@pytest.mark.postgres
def test_a_postgresql_database_that_does_not_exist_is_named_with_its_command(
    cli: CLI, pg_admin: URL
) -> None:
    url = pg_admin.set(drivername="postgresql", database="nosuchdb")
    host, port, user = pg_admin.host, pg_admin.port, pg_admin.username
    server = f"-h {host}" + (f" -p {port}" if port else "")
    shown = url.set(drivername="postgresql+psycopg").render_as_string(hide_password=True)
    expected = (
        f"Error: the database 'nosuchdb' does not exist on the server at {shown} — create it "
        f"with 'createdb {server} -U {user} nosuchdb' (or in SQL: CREATE DATABASE \"nosuchdb\"), "
        "then run 'pledges init' on it"
    )
    assert _fail(cli, url.render_as_string(hide_password=False)) == expected
    init = cli("init", "--db", url.render_as_string(hide_password=False))
    assert (init.code, one_line(init.err)) == (2, expected)


@pytest.mark.postgres
def test_a_postgresql_role_that_does_not_exist_is_named_password_masked(
    cli: CLI, pg_admin: URL
) -> None:
    url = pg_admin.set(drivername="postgresql", username="nosuchrole", password="s3cret")
    host, port = pg_admin.host, pg_admin.port
    server = f"-h {host}" + (f" -p {port}" if port else "")
    line = _fail(cli, url.render_as_string(hide_password=False))
    assert "s3cret" not in line
    shown = url.set(drivername="postgresql+psycopg").render_as_string(hide_password=True)
    assert line == (
        f"Error: the role 'nosuchrole' does not exist on the server at {shown} — create it as a "
        f"superuser with 'createuser {server} -U postgres --createdb --pwprompt nosuchrole' (or in "
        'SQL: CREATE ROLE "nosuchrole" LOGIN CREATEDB), or give an existing user in --db / '
        "PLEDGES_DB"
    )
