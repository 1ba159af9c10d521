"""The revision log: one revision per write, `history`, and `log verify` against direct edits.

The tampering tests edit the database the way someone with a SQL prompt would, behind the tool's
back, and check that `pledges log verify` names what was changed. Each runs on a fresh SQLite file
and a fresh PostgreSQL database.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from pledges.db import make_engine
from pledges.dburl import resolve_url
from pledges.history import Links, body, canonical, chain_hash, payload
from pledges.models import RevisionRow, UTCDateTime
from pledges.vocab import Action, Entity
from tests.conftest import CLI
from tests.test_cli import one_line

SEEDED_REVISIONS = 41  # 3 actors, 5 sources, 12 pledges, 21 quotes


def history(cli: CLI, db: str, *pledge_id: str) -> list[dict[str, Any]]:
    result = cli("history", *pledge_id, "--format", "json", "--db", db)
    assert result.code == 0, result.err
    revisions: list[dict[str, Any]] = json.loads(result.out)
    return revisions


def execute(db: str, *statements: Any) -> None:
    """Run SQL on the register directly, as someone bypassing pledges would."""
    engine = make_engine(resolve_url(db))
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(statement)
    finally:
        engine.dispose()


# --- one revision per write ---------------------------------------------------------------------


def test_every_write_appends_exactly_one_revision(
    cli: CLI, seeded: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLEDGES_AUTHOR", "policy-desk")
    article = tmp_path / "nea.txt"
    article.write_text("China will strictly control coal consumption until 2025.\n")
    steps: list[tuple[list[str], str, tuple[str, str, str], str]] = [
        (["source", "add", str(article), "--id", "nea-coal-control", "--title", "NEA on coal",
          "--kind", "official", "--published", "2023-11-20"],
         "policy-desk", ("create", "source", "nea-coal-control"), "official statement"),
        (["actor", "add", "EU", "--name", "European Union", "--kind", "bloc", "--alias", "EU",
          "--author", "analyst"],
         "analyst", ("create", "actor", "EU"), "COP28 party"),
        (["add", "cn-coal-control", "--title", "China controls coal", "--actor", "CN",
          "--kind", "coal"],
         "policy-desk", ("create", "pledge", "cn-coal-control"), "announced by the NEA"),
        (["cite", "cn-coal-control", "nea-coal-control", "--quote",
          "strictly control coal consumption", "--author", "analyst"],
         "analyst", ("create", "evidence", "{evidence}"), "the NEA's words"),
        (["update", "cn-coal-control", "--status", "in_progress"],
         "policy-desk", ("update", "pledge", "cn-coal-control"), "work has begun"),
        (["evidence", "deprecate", "{evidence}", "--author", "analyst"],
         "analyst", ("update", "evidence", "{evidence}"), "quotes the wrong year"),
    ]  # fmt: skip
    log = history(cli, seeded)
    assert len(log) == SEEDED_REVISIONS
    evidence = "22"  # the seed register's 21 quotes are evidence 1 to 21
    for args, author, (action, entity, entity_id), reason in steps:
        args = [a.format(evidence=evidence) for a in args]
        started = datetime.now(UTC)
        result = cli(*args, "--reason", reason, "--db", seeded)
        finished = datetime.now(UTC)
        assert result.code == 0, (args, result.err)
        after = history(cli, seeded)
        assert after[:-1] == log, args  # earlier revisions are untouched
        new = after[-1]
        assert new["seq"] == log[-1]["seq"] + 1
        assert new["prev_hash"] == log[-1]["hash"]
        assert (new["action"], new["entity"], new["entity_id"]) == (
            action,
            entity,
            entity_id.format(evidence=evidence),
        )
        assert (new["author"], new["reason"]) == (author, reason)
        at = datetime.fromisoformat(new["at"])
        assert at.utcoffset() == timedelta(0)
        assert started <= at <= finished
        if action == "create":
            assert all(change["before"] is None for change in new["changes"].values())
        log = after

    changes = {(r["entity"], r["entity_id"], r["action"]): r["changes"] for r in log}
    source = changes[("source", "nea-coal-control", "create")]
    assert source["sha256"]["after"] == hashlib.sha256(article.read_bytes()).hexdigest()
    assert (source["kind"]["after"], source["published_on"]["after"]) == ("official", "2023-11-20")
    assert "text" not in source
    assert changes[("actor", "EU", "create")] == {
        "id": {"before": None, "after": "EU"},
        "name": {"before": None, "after": "European Union"},
        "kind": {"before": None, "after": "bloc"},
        "aliases": {"before": None, "after": ["EU"]},
    }
    created = changes[("pledge", "cn-coal-control", "create")]
    assert created["actors"]["after"] == ["CN"]
    assert created["version"]["after"] == 1
    cited = changes[("evidence", evidence, "create")]
    assert cited["quote"]["after"] == "strictly control coal consumption"
    assert cited["verified_on"]["after"] is not None
    updated = changes[("pledge", "cn-coal-control", "update")]
    assert set(updated) == {"status", "version", "updated_at"}
    assert updated["status"] == {"before": "not_yet_rated", "after": "in_progress"}
    assert updated["version"] == {"before": 1, "after": 2}
    assert updated["updated_at"]["before"] < updated["updated_at"]["after"]
    assert changes[("evidence", evidence, "update")] == {
        "rank": {"before": "normal", "after": "deprecated"},
        "deprecated_reason": {"before": None, "after": "quotes the wrong year"},
    }


def test_the_author_defaults_to_the_login_name(
    cli: CLI, seeded: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PLEDGES_AUTHOR", raising=False)
    result = cli("update", "cn-co2-peak-2030", "--status", "in_progress", "--reason", "test",
                 "--db", seeded)  # fmt: skip
    assert result.code == 0, result.err
    assert history(cli, seeded)[-1]["author"] == getpass.getuser()


def test_a_refused_write_appends_nothing(cli: CLI, seeded: str) -> None:
    before = history(cli, seeded)
    for args in (
        ["update", "cn-co2-peak-2030", "--status", "superseded", "--reason", "test"],
        [
            "update",
            "cn-co2-peak-2030",
            "--status",
            "kept",
            "--expect-version",
            "7",
            "--reason",
            "x",
        ],
        ["cite", "cn-co2-peak-2030", "kerry-no-agreement", "--quote", "not in it", "--reason", "x"],
        ["actor", "add", "US", "--name", "USA", "--kind", "country", "--reason", "test"],
        ["evidence", "deprecate", "1", "--reason", " "],
    ):
        assert cli(*args, "--db", seeded).code == 2, args
    assert history(cli, seeded) == before


# --- reading the history ------------------------------------------------------------------------


def test_history_of_one_pledge_in_order(cli: CLI, seeded: str) -> None:
    for args in (
        ["cite", "cn-co2-peak-2030", "kerry-no-agreement", "--quote",
         "China, the world's single largest producer of greenhouse gases", "--stance", "supports"],
        ["update", "cn-co2-peak-2030", "--status", "in_progress", "--formality", "in_policy"],
        ["update", "us-cn-cop28-success", "--status", "kept"],
    ):  # fmt: skip
        result = cli(*args, "--reason", "curation", "--author", "analyst", "--db", seeded)
        assert result.code == 0, (args, result.err)

    revisions = history(cli, seeded, "cn-co2-peak-2030")
    described = [(r["action"], r["entity"], r["entity_id"]) for r in revisions]
    assert described == [
        ("create", "pledge", "cn-co2-peak-2030"),
        ("create", "evidence", "1"),
        ("create", "evidence", "2"),
        ("create", "evidence", "22"),
        ("update", "pledge", "cn-co2-peak-2030"),
    ]
    assert [r["seq"] for r in revisions] == sorted(r["seq"] for r in revisions)
    assert revisions[-1]["changes"]["formality"] == {"before": "declared", "after": "in_policy"}
    assert len(history(cli, seeded)) == SEEDED_REVISIONS + 3

    table = cli("history", "cn-co2-peak-2030", "--db", seeded)
    assert table.code == 0
    lines = table.out.splitlines()
    assert lines[0].strip() == "5 revisions"
    row = next(i for i, x in enumerate(lines) if "update pledge cn-co2-peak-2030" in x)
    assert lines[row].split()[0] == str(SEEDED_REVISIONS + 2)
    assert "formality: declared → in_policy" in lines[row]  # in the record's field order
    assert "status: not_yet_rated → in_progress" in lines[row + 1]
    assert lines[row + 1].split()[:2] == ["analyst", "curation"]
    assert "version" not in table.out
    assert "us-cn-cop28-success" not in table.out

    whole = cli("history", "--db", seeded)
    assert whole.code == 0
    assert whole.out.splitlines()[0].strip() == f"{SEEDED_REVISIONS + 3} revisions"
    assert "load the seed register" in whole.out


def test_history_of_an_unknown_record_suggests(cli: CLI, seeded_sqlite: str) -> None:
    result = cli("history", "cn-co2-peak", "--db", seeded_sqlite)
    assert result.code == 2
    assert result.out == ""
    assert one_line(result.err) == (
        "Error: no pledge, source or actor with id 'cn-co2-peak' — did you mean "
        "cn-co2-peak-2030, cn-clean-energy-system?"
    )


# --- verifying the log --------------------------------------------------------------------------


def pages_checked(db: str) -> str:
    """What `log verify` says of the database's own check of its pages, on this server (a
    fresh PostgreSQL database has no amcheck extension)."""
    if resolve_url(db).drivername == "sqlite":
        return "SQLite's integrity check passed"
    engine = make_engine(resolve_url(db))
    try:
        with engine.connect() as conn:
            checksums = conn.execute(text("SHOW data_checksums")).scalar() == "on"
    finally:
        engine.dispose()
    if checksums:
        return "PostgreSQL's page checksums are on"
    return (
        "PostgreSQL has no check of its pages to run here: data checksums are off and the amcheck "
        "extension is not installed"
    )


def test_log_verify_on_an_intact_register(cli: CLI, seeded: str) -> None:
    result = cli("log", "verify", "--db", seeded)
    assert result.code == 0
    assert result.out == ""
    assert one_line(result.err) == (
        f"The log is intact: {SEEDED_REVISIONS} revisions, 41 records and 5 source texts "
        f"checked; {pages_checked(seeded)}."
    )


def edited(cli: CLI, db: str) -> None:
    """Three changes through pledges (revisions 42, 43 and 44), then an intact log."""
    for args, reason in (
        (["--status", "in_progress"], "work has begun"),
        (["--status", "kept"], "peaked early"),
        (["--notes", "Checked against the 2024 report."], "a note"),
    ):
        result = cli("update", "cn-co2-peak-2030", *args, "--reason", reason,
                     "--author", "analyst", "--db", db)  # fmt: skip
        assert result.code == 0, result.err
    intact = cli("log", "verify", "--db", db)
    assert intact.code == 0, intact.out
    assert one_line(intact.err) == (
        f"The log is intact: 44 revisions, 41 records and 5 source texts checked; "
        f"{pages_checked(db)}."
    )


def rewrite_revision_42_and_its_hash(db: str) -> None:
    """Change a revision and recompute its hash: the next revision no longer follows it."""
    engine = make_engine(resolve_url(db))
    try:
        with Session(engine) as session:
            row = session.get_one(RevisionRow, 42)
            row.reason = "tidied up"
            row.hash = chain_hash(row.prev_hash, body(row))
            session.commit()
    finally:
        engine.dispose()


GHOST = text(
    "INSERT INTO pledges (id, title, kind, gases, formality, status, confidence, version, "
    "created_at, updated_at) VALUES ('ghost-pledge', 'A pledge nobody logged', 'coal', '[]', "
    "'in_law', 'kept', 'high', 1, :at, :at)"
).bindparams(bindparam("at", datetime(2024, 1, 1, tzinfo=UTC), type_=UTCDateTime()))

TAMPERING: list[Any] = [
    pytest.param(
        lambda db: execute(db, text("UPDATE revisions SET reason = 'tidied up' WHERE seq = 42")),
        [r"revision 42 \(update pledge cn-co2-peak-2030, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC by "
         r"analyst\) was altered after it was written: it no longer matches its hash"],
        id="a revision's reason altered",
    ),
    pytest.param(
        rewrite_revision_42_and_its_hash,
        [r"revision 43 \(update pledge cn-co2-peak-2030, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC by "
         r"analyst\) does not follow revision 42: the chain is cut"],
        id="a revision and its hash rewritten",
    ),
    pytest.param(
        lambda db: execute(db, text("DELETE FROM revisions WHERE seq = 43")),
        [r"revision 43 is missing: the log goes from 42 to 44",
         r"pledge cn-co2-peak-2030: status is 'kept' in the register but 'in_progress' in the "
         r"log: changed without a revision"],
        id="a revision deleted",
    ),
    pytest.param(
        lambda db: execute(db, text(
            "UPDATE sources SET \"text\" = replace(\"text\", '2030', '2035') "
            "WHERE id = 'china-us-talks-success'"
        )),
        [r"source china-us-talks-success: its text no longer matches the sha256 recorded when it "
         r"was added: the article was changed in the database"],
        id="an article's text altered",
    ),
    pytest.param(
        lambda db: execute(db, text(
            "UPDATE pledges SET status = 'broken' WHERE id = 'cn-co2-peak-2030'"
        )),
        [r"pledge cn-co2-peak-2030: status is 'broken' in the register but 'kept' in the log: "
         r"changed without a revision"],
        id="a pledge's status changed",
    ),
    pytest.param(
        lambda db: execute(db, GHOST),
        [r"pledge ghost-pledge has no revision: it was added without pledges"],
        id="a pledge inserted",
    ),
    pytest.param(
        lambda db: execute(db, text(
            "DELETE FROM pledge_actors WHERE pledge_id = 'cn-co2-peak-2030'"
        )),
        [r"pledge cn-co2-peak-2030: actors is \[\] in the register but \['CN'\] in the log: "
         r"changed without a revision"],
        id="a pledge's actors removed",
    ),
    pytest.param(
        lambda db: execute(db, text(
            "UPDATE pledges SET title = '' WHERE id = 'cn-co2-peak-2030'"
        )),
        [r"pledge cn-co2-peak-2030: title is '' in the register but 'China peaks CO2 emissions "
         r"by 2030' in the log: changed without a revision"],
        id="a title blanked",
    ),
    pytest.param(
        lambda db: execute(db, text(
            "UPDATE evidence SET quote = 'China will peak emissions by 2025' WHERE id = 1"
        )),
        [r"evidence 1: quote is 'China will peak emissions by 2025' in the register but "
         r"'China, the world.s largest .*' in the log: changed without a revision"],
        id="a quote altered",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("tamper", "expected"), TAMPERING)
def test_log_verify_names_what_was_changed_behind_its_back(
    cli: CLI, seeded: str, tamper: Callable[[str], None], expected: list[str]
) -> None:
    edited(cli, seeded)
    tamper(seeded)
    result = cli("log", "verify", "--db", seeded)
    assert result.code == 1, result.err
    problems = result.out.splitlines()
    assert len(problems) == len(expected), problems
    for line, pattern in zip(problems, expected, strict=True):
        assert re.fullmatch(pattern, line), line
    summary = one_line(result.err)
    assert summary.startswith(
        f"The log does not match: {len(expected)} "
        f"problem{'' if len(expected) == 1 else 's'} above ("
    )
    assert summary.endswith(
        "Restore the database from a backup, or ask whoever edited it directly."
    )
    assert "Traceback" not in result.out


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@given(
    changes=st.dictionaries(
        st.text(min_size=1), st.fixed_dictionaries({"before": _JSON_VALUES, "after": _JSON_VALUES})
    ),
    author=st.text(),
    reason=st.text(),
    entity=st.sampled_from(Entity),
    entity_id=st.text(),
    seq=st.integers(min_value=1, max_value=10**12),
    at=st.datetimes(timezones=st.timezones()),
    prev=st.none() | st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
)
def test_an_imports_hashes_are_the_chain_hashes(
    changes: dict[str, Any], author: str, reason: str, entity: Entity, entity_id: str,
    seq: int, at: datetime, prev: str | None,
) -> None:  # fmt: skip
    """Imports hash revisions with the fixed parts of the text made once, and their changes
    serialised once for the hash and the JSON column alike: each hash must be the one `log
    verify` recomputes from the stored revision."""
    fields = payload(
        seq=seq, at=at, author=author, action="create", entity=entity, entity_id=entity_id,
        reason=reason, changes=changes, prev_hash=prev,
    )  # fmt: skip
    links = Links(at=at, author=author, action=Action.CREATE, reason=reason)
    assert links.hash(prev, seq, entity, entity_id, canonical(changes)) == chain_hash(prev, fields)
