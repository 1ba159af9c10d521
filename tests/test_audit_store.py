"""What the audit stores between runs (pledges.audit.store): an audit reusing it reports exactly
what a fresh audit reports, whatever a curator changed in between, and examines no more quotes.
Losing what is stored, a new version of the rules, or a rewritten log only cost time; a register
the audit may not write is audited all the same; and storing never makes an editor wait.

The register is the small one of tests/test_audit.py, built and audited once (which stores).
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from pledges import editing, migrate
from pledges.audit import Report, audit
from pledges.audit.store import TABLES
from pledges.db import open_engine, opened, transaction
from pledges.schema import EvidenceIn
from pledges.vocab import Confidence, Status
from tests.conftest import CLI, ROOT, FreshPostgres, Result
from tests.registers import TODAY, WHO, build, copy_of, empty, parse
from tests.test_audit import SMALL
from tests.test_cli import one_line

DAYS = 365  # the default re-verification limit

# --- registers ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def audited_small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small register, audited once as of TODAY: what it learnt is stored."""
    path = tmp_path_factory.mktemp("small") / "small.db"
    url = empty(path)
    build(url, parse(SMALL))
    first = audit(url, today=TODAY)
    assert first.examined == first.quotes == 10
    return path


def sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def snapshot(url: str, folder: Path) -> str:
    """A copy of a register file as it stands now (the write-ahead log included)."""
    copy = folder / f"copy-{uuid.uuid4().hex[:8]}.db"
    source, target = sqlite3.connect(sqlite_path(url)), sqlite3.connect(copy)
    with closing(source), closing(target):
        source.backup(target)
    return f"sqlite:///{copy}"


def migrated(url: str) -> str:
    """A register on any database, migrated and empty (`pledges init` would load the seeds)."""
    engine = open_engine(url, create=True, current=False)
    try:
        with transaction(engine, write=True) as session:
            migrate.upgrade(session.connection())
    finally:
        engine.dispose()
    return url


@contextmanager
def connected(url: str) -> Iterator[Any]:
    """A plain connection to the register, committed at the end (what no command does)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            yield conn
    finally:
        engine.dispose()


def stored(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every audit_* table, in order."""
    with connected(url) as conn:
        return {
            table: sorted(tuple(row) for row in conn.execute(text(f"SELECT * FROM {table}")))
            for table in TABLES
        }


def same_as_fresh(url: str, copy: str, *, today: date = TODAY, days: int = DAYS) -> Report:
    """Audit `url` reusing what is stored, and `copy` (the same register) afresh: the reports
    are the same, and the first examined no more quotes than the second."""
    kept = audit(url, today=today, reverify_days=days)
    fresh = audit(copy, today=today, reverify_days=days, fresh=True)
    assert kept.as_dict() == fresh.as_dict()
    assert fresh.examined == fresh.quotes
    assert kept.examined <= fresh.examined
    return kept


# --- what a curator does ------------------------------------------------------------------------

# Quotes that stand in the source they are cited to, and quotes that do not: some stand in
# another source, some in none (until a source holding them is added).
LOCATED = [
    ("talks-success", "the world's largest greenhouse gas emitter"),
    ("talks-success", "jointly push for the success of the COP28 conference"),
    ("talks-success", "become carbon neutral by 2060"),
    ("not-dictating", "reduce coal emissions"),
    ("not-dictating", "Kerry said"),
    ("peak-carbon", "foster a clean, low-carbon, safe and efficient energy system"),
]
UNLOCATED = [
    ("not-dictating", "become carbon neutral by 2060"),
    ("peak-carbon", "There's no politics or ideology in what we do"),
    ("talks-success", "China will close every coal plant by 2040"),
    ("not-dictating", "has pledged to peak emissions of carbon dioxide by 2035"),
]
# New articles: each holds a quote that a pledge cites to another source, and actors' names.
ARTICLES = [
    "Xi Jinping said China has pledged to peak emissions of carbon dioxide by 2035.",
    "China will close every coal plant by 2040, Beijing said after meeting Kerry.",
    "Washington said: “There's no politics or ideology in what we do,” the ministry said.",
]
# Sentences added to a stored text behind the register's back.
APPENDED = [
    " Kerry said the US has pledged to peak emissions of carbon dioxide by 2035.",
    " The ministry said nothing more.",
    " China will close every coal plant by 2040.",
]
UPDATES = [
    *[("--status", s.value) for s in Status],
    *[("--confidence", c.value) for c in Confidence],
    *[("--target-year", year) for year in ("2030", "2035", "2060")],
    ("--actor", "CN"),
    ("--actor", "US"),
    ("--actor", "CN", "--actor", "US"),
]
SOURCE_UPDATES = [
    ("--publisher", "Xinhua"),
    ("--publisher", "DW"),
    ("--published", "2023-11-10"),
    ("--kind", "official"),
    ("--clear", "publisher"),
    ("--clear", "published"),
]
ALIASES = ["Xi", "Kerry", "Beijing", "Washington", "the ministry", "Blinken", "Both parties"]
NEW_ACTORS = [
    ("MEE", "Ministry of Ecology and Environment", "organisation", "the ministry"),
    ("EU", "European Union", "bloc", "Brussels"),
    ("DW", "Deutsche Welle", "company", "DW"),
]
CELLS = [  # (table, column, values): one cell of an export changed before it is imported
    ("pledges", "confidence", ["low", "medium", "high"]),
    ("pledges", "target_year", ["2030", "2035", ""]),
    ("pledges", "status", ["not_yet_rated", "in_progress", "kept"]),
    ("sources", "publisher", ["Xinhua", "DW", ""]),
    ("sources", "published_on", ["2023-11-09", "2024-01-01", ""]),
    ("actors", "aliases", ["Xi Jinping;Kerry", "US;Beijing", "Chinese;Xi"]),
]


@dataclass
class Curator:
    """Edits one register with the CLI, as a curator would, and keeps the audit's date and
    re-verification limit."""

    cli: CLI
    db: str
    folder: Path
    today: date = TODAY
    days: int = DAYS
    made: list[str] = field(default_factory=list)  # the edits that changed the register

    def edit(self, *args: str) -> Result:
        """Run an edit: it changes the register, or is refused in one line (a random pick may
        ask for what the register already holds, or a status that needs more)."""
        result = self.cli(*args, "--db", self.db)
        if result.code == 0:
            self.made.append(" ".join(args[:2]))
        else:
            assert result.code == 2, result.err
            one_line(result.err)
        return result

    def ids(self, statement: str) -> list[Any]:
        with connected(self.db) as conn:
            return [row[0] for row in conn.execute(text(statement))]

    def pick(self, statement: str, index: int) -> Any:
        found = self.ids(statement)
        return found[index % len(found)] if found else None

    # the steps

    def cite(self, pledge: int, quote: int, located: bool, contradicts: bool) -> None:
        source, words = (LOCATED if located else UNLOCATED)[quote]
        args = ["cite", self.pick("SELECT id FROM pledges ORDER BY id", pledge), source]
        args += ["--quote", words, "--reason", "cited"]
        args += ["--stance", "contradicts"] if contradicts else []
        self.edit(*args, *([] if located else ["--allow-unlocated"]))

    def update(self, pledge: int, change: int) -> None:
        pledge_id = self.pick("SELECT id FROM pledges ORDER BY id", pledge)
        self.edit("update", pledge_id, *UPDATES[change], "--reason", "updated")

    def deprecate(self, evidence: int) -> None:
        found = self.pick(
            "SELECT id FROM evidence WHERE deprecated_reason IS NULL ORDER BY id", evidence
        )
        if found is not None:
            self.edit("evidence", "deprecate", str(found), "--reason", "not about it")

    def verify(self, evidence: int) -> None:
        found = self.pick("SELECT id FROM evidence ORDER BY id", evidence)
        self.edit("evidence", "verify", str(found), "--reason", "checked again")

    def add_source(self, article: int) -> None:
        number = len(self.ids("SELECT id FROM sources"))
        path = self.folder / f"article-{number}.txt"
        path.write_text(ARTICLES[article] + "\n", encoding="utf-8")
        self.edit("source", "add", str(path), "--id", f"new-{number}", "--title",
                  f"New article {number}", "--reason", "found it")  # fmt: skip

    def update_source(self, source: int, change: int) -> None:
        source_id = self.pick("SELECT id FROM sources ORDER BY id", source)
        self.edit("source", "update", source_id, *SOURCE_UPDATES[change], "--reason", "fixed")

    def change_text(self, source: int, sentence: int) -> None:
        """A source's text changed behind the register's back (its recorded sha256 kept)."""
        source_id = self.pick("SELECT id FROM sources ORDER BY id", source)
        with connected(self.db) as conn:
            conn.execute(
                text("UPDATE sources SET text = text || :more WHERE id = :id"),
                {"more": APPENDED[sentence], "id": source_id},
            )
        self.made.append("text changed")

    def alias(self, actor: int, alias: int, add: bool) -> None:
        actor_id = self.pick("SELECT id FROM actors ORDER BY id", actor)
        if add:
            self.edit("actor", "update", actor_id, "--add-alias", ALIASES[alias], "--reason", "a")
            return
        with connected(self.db) as conn:
            names = conn.execute(text("SELECT aliases FROM actors WHERE id = :id"),
                                 {"id": actor_id}).scalar_one()  # fmt: skip
        held = json.loads(names) if isinstance(names, str) else list(names)
        if held:
            removed = held[alias % len(held)]
            self.edit("actor", "update", actor_id, "--remove-alias", removed, "--reason", "r")

    def add_actor(self, actor: int) -> None:
        actor_id, name, kind, alias = NEW_ACTORS[actor]
        self.edit("actor", "add", actor_id, "--name", name, "--kind", kind, "--alias", alias,
                  "--reason", "a new actor")  # fmt: skip

    def import_cell(self, cell: int, row: int, value: int) -> None:
        """Export, change one cell, import."""
        table, column, values = CELLS[cell]
        out = self.folder / f"export-{uuid.uuid4().hex[:8]}"
        exported = self.cli("export", "--out", str(out), "--db", self.db)
        assert exported.code == 0, exported.err
        path = out / f"{table}.csv"
        with path.open(newline="", encoding="utf-8") as file:
            rows = list(csv.reader(file))
        rows[1 + row % (len(rows) - 1)][rows[0].index(column)] = values[value]
        with path.open("w", newline="", encoding="utf-8") as file:
            csv.writer(file, lineterminator="\r\n").writerows(rows)
        result = self.cli("import", str(out), "--reason", "edited the export", "--db", self.db)
        assert result.code in (0, 2), result.err
        if result.code == 0:
            self.made.append(f"import {table}.{column}")
        else:
            one_line(result.err)

    def later(self, days: int) -> None:
        self.today += timedelta(days=days)

    def reverify(self, days: int) -> None:
        self.days = days


def _steps() -> st.SearchStrategy[tuple[Any, ...]]:
    index = st.integers(0, 40)
    return st.one_of(
        st.tuples(st.just("cite"), index, st.integers(0, len(LOCATED) - 1), st.just(True),
                  st.booleans()),
        st.tuples(st.just("cite"), index, st.integers(0, len(UNLOCATED) - 1), st.just(False),
                  st.booleans()),
        st.tuples(st.just("update"), index, st.integers(0, len(UPDATES) - 1)),
        st.tuples(st.just("deprecate"), index),
        st.tuples(st.just("verify"), index),
        st.tuples(st.just("add_source"), st.integers(0, len(ARTICLES) - 1)),
        st.tuples(st.just("update_source"), index, st.integers(0, len(SOURCE_UPDATES) - 1)),
        st.tuples(st.just("change_text"), index, st.integers(0, len(APPENDED) - 1)),
        st.tuples(st.just("alias"), index, st.integers(0, len(ALIASES) - 1), st.booleans()),
        st.tuples(st.just("add_actor"), st.integers(0, len(NEW_ACTORS) - 1)),
        st.tuples(st.just("import_cell"), st.integers(0, len(CELLS) - 1), index,
                  st.integers(0, 2)),
        st.tuples(st.just("later"), st.integers(30, 800)),
        st.tuples(st.just("reverify"), st.sampled_from([30, 365, 1000, 5000])),
    )  # fmt: skip


# --- 1. stored == fresh after any edit ----------------------------------------------------------


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(_steps(), min_size=3, max_size=8))
def test_an_audit_reusing_what_is_stored_reports_what_a_fresh_one_does(
    steps: list[tuple[Any, ...]], audited_small: Path, cli: CLI, tmp_path: Path
) -> None:
    folder = tmp_path / uuid.uuid4().hex
    folder.mkdir()
    curator = Curator(cli, copy_of(audited_small, folder), folder)
    reused = []
    for step in steps:
        note(f"{step}, as of {curator.today} with {curator.days} days")
        getattr(curator, step[0])(*step[1:])
        copy = snapshot(curator.db, folder)
        kept = same_as_fresh(curator.db, copy, today=curator.today, days=curator.days)
        reused.append(kept.examined < kept.quotes)
    note(f"edits made: {curator.made}")
    assert any(reused), "every audit examined every quote again"


def test_an_audit_with_nothing_changed_examines_nothing(
    audited_small: Path, tmp_path: Path
) -> None:
    url = copy_of(audited_small, tmp_path)
    again = audit(url, today=TODAY)
    assert (again.examined, again.quotes) == (0, 10)
    assert again.as_dict() == audit(snapshot(url, tmp_path), today=TODAY, fresh=True).as_dict()


def test_a_curators_edit_re_examines_only_what_it_touched(
    audited_small: Path, cli: CLI, tmp_path: Path
) -> None:
    curator = Curator(cli, copy_of(audited_small, tmp_path), tmp_path)
    curator.cite(0, 0, located=True, contradicts=False)  # a quote of talks-success
    assert curator.made == ["cite cn-co2-peak-2030"]
    kept = same_as_fresh(curator.db, snapshot(curator.db, tmp_path))
    assert (kept.examined, kept.quotes) == (1, 11)


# --- 2. a new version of the rules --------------------------------------------------------------


def test_a_new_version_of_the_rules_examines_every_quote_again(
    audited_small: Path, cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    curator = Curator(cli, copy_of(audited_small, tmp_path), tmp_path)
    curator.cite(1, 0, located=False, contradicts=False)
    monkeypatch.setattr("pledges.audit.inventory.RULES_VERSION", "2")
    copy = snapshot(curator.db, tmp_path)
    bumped = same_as_fresh(curator.db, copy)
    assert bumped.examined == bumped.quotes == 11
    again = same_as_fresh(curator.db, copy)  # stored under the new version: reused
    assert again.examined == 0


# --- 3. what is stored lost, or out of step with the log ----------------------------------------


@pytest.mark.parametrize(
    ("statements", "examined"),
    [
        (["DELETE FROM audit_facts"], None),
        ([f"DELETE FROM {table}" for table in TABLES], 11),
        (["UPDATE audit_state SET value = 'f00d' WHERE name = 'hash'"], 11),
        (["UPDATE audit_state SET value = CAST(CAST(value AS INTEGER) + 3 AS TEXT) "
          "WHERE name = 'seq'"], 11),
        (["DELETE FROM audit_state WHERE name = 'seq'"], 11),
    ],
    ids=["facts", "everything", "head-rewritten", "head-beyond-log", "no-head"],
)  # fmt: skip
def test_what_is_stored_lost_or_out_of_step_costs_only_time(
    statements: list[str],
    examined: int | None,
    audited_small: Path,
    cli: CLI,
    tmp_path: Path,
) -> None:
    curator = Curator(cli, copy_of(audited_small, tmp_path), tmp_path)
    curator.cite(2, 1, located=True, contradicts=False)
    with connected(curator.db) as conn:
        for statement in statements:
            conn.execute(text(statement))
    kept = same_as_fresh(curator.db, snapshot(curator.db, tmp_path))
    if examined is not None:
        assert kept.examined == examined
    assert audit(curator.db, today=TODAY).examined == 0  # stored again


def test_a_log_rewritten_below_the_stored_head_is_audited_in_full(
    audited_small: Path, cli: CLI, tmp_path: Path
) -> None:
    """The revision the last audit ended at no longer reads as it did: what changed since cannot
    be told from the log."""
    curator = Curator(cli, copy_of(audited_small, tmp_path), tmp_path)
    curator.update(0, UPDATES.index(("--confidence", "high")))
    (seq,) = curator.ids("SELECT value FROM audit_state WHERE name = 'seq'")
    with connected(curator.db) as conn:
        conn.execute(text("UPDATE revisions SET hash = :h WHERE seq = :seq"),
                     {"h": "0" * 64, "seq": seq})  # fmt: skip
    kept = same_as_fresh(curator.db, snapshot(curator.db, tmp_path))
    assert kept.examined == kept.quotes == 10


# --- 4. a register the audit may not write ------------------------------------------------------


def audit_as(prefix: list[str], db: str) -> Result:
    """`pledges audit --format json` in a process of its own, that file permissions apply to."""
    done = subprocess.run(
        [*prefix, sys.executable, "-m", "pledges", "audit", "--db", db, "--format", "json",
         "--today", TODAY.isoformat()],
        cwd=ROOT, capture_output=True, text=True, check=False, env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip
    return Result(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def alone(audited_small: Path, tmp_path: Path) -> Iterator[Path]:
    """A copy of the small register alone in its folder; made writable again after."""
    folder = tmp_path / "register"
    folder.mkdir()
    url = copy_of(audited_small, folder)
    yield sqlite_path(url)
    folder.chmod(0o755)
    for file in folder.iterdir():
        file.chmod(0o644)


@pytest.mark.parametrize("made_read_only", ["file", "folder"])
def test_a_read_only_register_file_is_audited_without_storing(
    made_read_only: str, unprivileged: list[str], alone: Path, cli: CLI, tmp_path: Path
) -> None:
    db = f"sqlite:///{alone}"
    curator = Curator(cli, db, tmp_path)
    curator.cite(1, 0, located=False, contradicts=False)  # something the audit would store
    before = stored(db)
    expected = audit(snapshot(db, tmp_path), today=TODAY, fresh=True).as_dict()
    read_only, mode = (alone, 0o444) if made_read_only == "file" else (alone.parent, 0o555)
    read_only.chmod(mode)
    result = audit_as(unprivileged, db)
    alone.parent.chmod(0o755)
    alone.chmod(0o644)
    assert (result.code, result.err) == (1, ""), result.err
    assert json.loads(result.out) == expected
    assert stored(db) == before


@pytest.mark.postgres
def test_a_role_that_may_only_read_audits_without_storing(fresh_pg: FreshPostgres) -> None:
    url = small_on_postgres(fresh_pg)
    edit_on_postgres(url, "cn-peak-2030", "talks-success", "the world's largest greenhouse")
    before = stored(url)
    role = f"pledges_reader_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
            conn.execute(text(f'GRANT USAGE ON SCHEMA public TO "{role}"'))
            conn.execute(text(f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{role}"'))
        reader = make_url(url).set(username=role, password=None).render_as_string(False)
        read = audit(reader, today=TODAY)
        assert stored(url) == before
        assert read.as_dict() == audit(url, today=TODAY, fresh=True).as_dict()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP OWNED BY "{role}"'))
            conn.execute(text(f'DROP ROLE "{role}"'))
        admin.dispose()


# --- 5 and 6. PostgreSQL ------------------------------------------------------------------------


def small_on_postgres(fresh_pg: FreshPostgres) -> str:
    """The small register on a new PostgreSQL database, audited once (which stores)."""
    url = migrated(fresh_pg.new())
    build(url, parse(SMALL))
    first = audit(url, today=TODAY)
    assert first.examined == first.quotes == 10
    return url


def edit_on_postgres(url: str, pledge: str, source: str, quote: str) -> None:
    with opened(url) as engine, transaction(engine, write=True) as session:
        cited = EvidenceIn(pledge_id=pledge, source_id=source, quote=quote)
        editing.cite(session, cited, WHO, allow_unlocated=True)


@pytest.mark.postgres
def test_an_audit_stores_while_an_editor_holds_its_transaction(
    fresh_pg: FreshPostgres, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The editor holds the writers' lock and new rows, uncommitted: the audit reads the state
    before them, stores what it learnt without waiting, and the editor's commit then lands."""
    monkeypatch.setenv("PLEDGES_BUSY_SECONDS", "1")  # an editor that waited would fail
    url = small_on_postgres(fresh_pg)
    edit_on_postgres(
        url, "cn-peak-2030", "talks-success", "the world's largest greenhouse gas emitter"
    )
    head = max(int(seq) for (seq,) in rows(url, "SELECT seq FROM revisions"))
    with opened(url) as engine, transaction(engine, write=True) as session:
        cited = EvidenceIn(pledge_id="cn-no-politics", source_id="peak-carbon", quote="Xi said")
        editing.cite(session, cited, WHO)
        session.flush()
        started = time.monotonic()
        during = audit(url, today=TODAY)
        took = time.monotonic() - started
        assert rows(url, "SELECT value FROM audit_state WHERE name = 'seq'") == [(str(head),)]
        committing = time.monotonic()
    assert time.monotonic() - committing < 1.0
    assert during.quotes == 11
    after = audit(url, today=TODAY)
    assert after.quotes == 12 and after.examined == 1
    fresh, alone = timed(url)
    assert after.as_dict() == fresh.as_dict()
    assert took < not_waiting(alone), f"the audit took {took:.2f}s beside an open editor"


@pytest.mark.postgres
def test_an_audit_gives_up_storing_rather_than_wait(fresh_pg: FreshPostgres) -> None:
    """Another audit storing holds the rows this one would write: this one reports the same
    findings without storing, after a moment, never waiting for the other."""
    url = small_on_postgres(fresh_pg)
    edit_on_postgres(
        url, "cn-peak-2030", "talks-success", "the world's largest greenhouse gas emitter"
    )
    before = stored(url)
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as other:
            other.execute(text("SELECT * FROM audit_state FOR UPDATE"))
            started = time.monotonic()
            held = audit(url, today=TODAY)
            took = time.monotonic() - started
            other.rollback()
    finally:
        engine.dispose()
    assert stored(url) == before
    fresh, alone = timed(url)
    assert held.as_dict() == fresh.as_dict()
    assert took < not_waiting(alone), f"the audit took {took:.2f}s beside another audit storing"


@pytest.mark.postgres
def test_audits_and_editors_side_by_side_never_wait_long(
    fresh_pg: FreshPostgres, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Audits storing anew (every audit_* row replaced) in one thread while editors cite in
    another, each editor allowed to wait one second at most."""
    monkeypatch.setenv("PLEDGES_BUSY_SECONDS", "1")
    url = small_on_postgres(fresh_pg)
    audits: list[float] = []
    done = threading.Event()

    def auditing() -> None:
        while not done.is_set():
            started = time.monotonic()
            audit(url, today=TODAY, fresh=True)
            audits.append(time.monotonic() - started)

    worker = threading.Thread(target=auditing)
    worker.start()
    edits: list[float] = []
    try:
        for number, (source, quote) in enumerate(LOCATED * 2):
            pledge = ["cn-co2-peak-2030", "us-cn-renewables"][number // len(LOCATED)]
            started = time.monotonic()
            edit_on_postgres(url, pledge, source, quote)
            edits.append(time.monotonic() - started)
    finally:
        done.set()
        worker.join()
    # Every edit went through: one that had waited past PLEDGES_BUSY_SECONDS would have failed.
    assert len(edits) == 12 and len(audits) >= 2
    final = audit(url, today=TODAY)
    assert final.quotes == 22
    fresh, alone = timed(url)
    assert final.as_dict() == fresh.as_dict()
    assert max(audits) < not_waiting(alone), (audits, alone)
    assert max(edits) < not_waiting(alone), (edits, alone)


def timed(url: str) -> tuple[Report, float]:
    """A fresh audit of `url` with nothing beside it, and how long it took."""
    started = time.monotonic()
    report = audit(url, today=TODAY, fresh=True)
    return report, time.monotonic() - started


def not_waiting(alone: float) -> float:
    """The most an audit beside an editor or another audit may take, when a fresh audit alone
    took `alone` seconds: twice that (the machine may be busy) and a second more, for the half
    second the audit gives storing before it goes on without (STORE_WAIT). One that waited for
    the other writer would wait as long as that one holds its rows: in two of these tests, until
    after the audit returns."""
    return 2 * alone + 1.0


def rows(url: str, statement: str) -> list[tuple[Any, ...]]:
    with connected(url) as conn:
        return [tuple(row) for row in conn.execute(text(statement))]


@pytest.mark.postgres
def test_on_postgresql_a_stored_audit_reports_what_a_fresh_one_does(
    fresh_pg: FreshPostgres, cli: CLI, tmp_path: Path
) -> None:
    curator = Curator(cli, small_on_postgres(fresh_pg), tmp_path)
    steps: list[tuple[Any, ...]] = [
        ("cite", 1, 0, True, False),
        ("cite", 3, 3, False, False),
        ("add_source", 0),
        ("alias", 0, 0, False),
        ("update", 0, UPDATES.index(("--actor", "CN", "--actor", "US"))),
        ("change_text", 2, 0),
        ("deprecate", 0),
        ("verify", 1),
        ("update_source", 1, 2),
        ("import_cell", 0, 1, 2),
        ("later", 400),
        ("reverify", 1000),
    ]
    examined = []
    for step in steps:
        getattr(curator, step[0])(*step[1:])
        kept = audit(curator.db, today=curator.today, reverify_days=curator.days)
        fresh = audit(curator.db, today=curator.today, reverify_days=curator.days, fresh=True)
        assert kept.as_dict() == fresh.as_dict(), step
        assert kept.examined <= fresh.examined == fresh.quotes
        examined.append(kept.examined)
    assert len(curator.made) == 10, curator.made
    assert min(examined) == 0 and all(n < 12 for n in examined), examined


def test_an_audit_stores_nothing_over_what_another_stored_since_it_read(
    audited_small: Path, cli: CLI, tmp_path: Path
) -> None:
    from pledges.audit import register, store

    curator = Curator(cli, copy_of(audited_small, tmp_path), tmp_path)
    with register.opened(curator.db) as first:
        read = store.state(first)  # what one audit read at its start
    assert read is not None and read.writer is not None
    curator.cite(1, 0, located=True, contradicts=False)
    audit(curator.db, today=TODAY)  # another audit stores meanwhile, under its own token
    with register.opened(curator.db) as late:
        before = store.state(late)
        late_state = {"seq": "0", "hash": "", "writer": "late"}
        refused = store.write(late, store.rest_written(late_state, {}, {}, ()), expect=read.writer)
    assert not refused
    with register.opened(curator.db) as after:
        assert store.state(after) == before  # the late audit's state was not stored
    assert audit(curator.db, today=TODAY).examined == 0


SPEAKER_SPACED = """
actors:
  - {id: CN, name: China, kind: country, aliases: [Chinese, Beijing]}
  - {id: US, name: United States, kind: country, aliases: [Washington]}
sources:
  - id: envoy-spaced
    title: The envoy on the peak
    publisher: Wire
    published_on: 2023-11-10
    text: "\\u201cChina will peak its emissions before 2030,\\u201d said climate envoy
      Xie\\u00a0Zhenhua on Monday, and  Xie  Zhenhua said it again."
pledges:
  - id: cn-peak
    title: China peaks emissions before 2030
    actors: [CN]
    kind: emissions_peak
    target_year: 2030
    evidence:
      - {source: envoy-spaced, quote: China will peak its emissions before 2030}
"""


def test_an_alias_added_for_a_speaker_written_with_odd_spaces_is_seen(
    cli: CLI, tmp_path: Path
) -> None:
    """A speaker's words are read with their spaces made one: an alias added for them must
    examine again the quotes they speak, however the article spaces the name."""
    url = empty(tmp_path / "spaced.db")
    build(url, parse(SPEAKER_SPACED))
    first = audit(url, today=TODAY)
    assert "speaker-not-actor" in first.summary()["by_code"]
    added = cli("actor", "update", "CN", "--add-alias", "Xie Zhenhua", "--reason", "envoy",
                "--db", url)  # fmt: skip
    assert added.code == 0, added.err
    kept = same_as_fresh(url, snapshot(url, tmp_path))
    assert "speaker-not-actor" not in kept.summary()["by_code"]
    assert kept.examined == 1
