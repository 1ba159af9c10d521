"""Fixtures: real SQLite files and real PostgreSQL databases, one fresh database per test.

The PostgreSQL server is PLEDGES_TEST_PG (default: the local server, user postgres, database test).
Under CI=true the PostgreSQL tests must run: an unreachable server fails them. Elsewhere they are
skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import URL, create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from pledges.cli import run

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ROOT = Path(__file__).resolve().parents[1]


def pg_server() -> URL:
    url = make_url(os.environ.get("PLEDGES_TEST_PG", PG_DEFAULT))
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def _pg_unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is required under CI=true and is unreachable: {reason}")
    pytest.skip(f"PostgreSQL server not reachable ({reason}); set PLEDGES_TEST_PG to run these")


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[URL]:
    server = pg_server()
    engine = create_engine(
        server, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5}
    )
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as error:
        engine.dispose()
        _pg_unavailable(str(error.orig).strip().splitlines()[0])
    engine.dispose()
    yield server


@dataclass
class FreshPostgres:
    server: URL
    created: list[str]

    def new(self) -> str:
        name = f"pledges_test_{uuid.uuid4().hex[:12]}"
        engine = create_engine(self.server, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        self.created.append(name)
        return self.server.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        engine = create_engine(self.server, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture
def fresh_pg(pg_admin: URL) -> Iterator[FreshPostgres]:
    fresh = FreshPostgres(pg_admin, [])
    yield fresh
    fresh.drop_all()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL to a new, empty database: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'register.db'}"
    fresh: FreshPostgres = request.getfixturevalue("fresh_pg")
    return fresh.new()


@pytest.fixture
def seeded(db_url: str) -> str:
    """A database initialised from seeds/, as `pledges init` leaves it."""
    from pledges import service

    service.init(db_url, author="test")
    return db_url


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One seeded SQLite register shared by read-only tests."""
    from pledges import service

    url = f"sqlite:///{tmp_path_factory.mktemp('shared') / 'register.db'}"
    service.init(url, author="test")
    return url


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


CLI = Callable[..., Result]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> CLI:
    """Run `pledges ARGS...` in this process; returns exit code, stdout and stderr."""
    monkeypatch.setenv("COLUMNS", "200")

    def invoke(*args: str) -> Result:
        capsys.readouterr()
        code = run(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


# --- a register that cannot be written ----------------------------------------------------------

DROP_OVERRIDE = ["--bounding-set=-dac_override,-dac_read_search",
                 "--inh-caps=-dac_override,-dac_read_search"]  # fmt: skip


@pytest.fixture(scope="module")
def unprivileged(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """How to run a command that file permissions apply to: as it is for a normal user; for
    root, under setpriv without the capabilities that override them."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root, and setpriv is not there to drop the permission override")
    probe = tmp_path_factory.mktemp("probe") / "read-only"
    probe.touch(mode=0o444)
    tried = subprocess.run(
        [setpriv, *DROP_OVERRIDE, "--", sys.executable, "-c", f"open({str(probe)!r}, 'a')"],
        capture_output=True,
        check=False,
    )
    if tried.returncode == 0 or b"PermissionError" not in tried.stderr:
        pytest.skip("setpriv could not drop root's permission override here")
    return [setpriv, *DROP_OVERRIDE, "--"]
