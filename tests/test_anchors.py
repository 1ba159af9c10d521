"""Anchors: `pledges log head` prints the head of the log, and `log verify --anchor SEQ:HASH`
proves later that the log up to it was neither rewritten nor rolled back.

Whoever can write the database can rewrite a revision and recompute every hash after it, or
delete the last revisions and put the register back as it was: the chain is whole again and
`log verify` alone says the log is intact. These tests do exactly that with SQL, and check that
an anchor kept outside the database catches it. Each runs on a fresh SQLite file and a fresh
PostgreSQL database.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import JSON, bindparam, select, text
from sqlalchemy.orm import Session

from pledges.db import make_engine
from pledges.dburl import resolve_url
from pledges.history import chain_hash, payload
from pledges.models import RevisionRow, UTCDateTime
from tests.conftest import CLI
from tests.test_cli import one_line
from tests.test_log import SEEDED_REVISIONS, edited, history, pages_checked

HEX = "0123456789abcdef" * 4  # 64 hex digits


def head(cli: CLI, db: str) -> str:
    """The anchor `pledges log head --format json` gives, as SEQ:HASH."""
    result = cli("log", "head", "--format", "json", "--db", db)
    assert result.code == 0, result.err
    shown = json.loads(result.out)
    return f"{shown['seq']}:{shown['hash']}"


def verify(cli: CLI, db: str, *anchors: str) -> tuple[int, list[str], str]:
    args = [a for anchor in anchors for a in ("--anchor", anchor)]
    result = cli("log", "verify", *args, "--db", db)
    assert "Traceback" not in result.out + result.err
    return result.code, result.out.splitlines(), one_line(result.err)


def intact(db: str, revisions: int, anchors: int) -> str:
    return (
        f"The log is intact: {revisions} revisions, 41 records and 5 source texts checked, and "
        f"the log holds the {anchors} anchor{'' if anchors == 1 else 's'} given; "
        f"{pages_checked(db)}."
    )


def no_anchor(db: str, revisions: int) -> str:
    return (
        f"The log is intact: {revisions} revisions, 41 records and 5 source texts checked; "
        f"{pages_checked(db)}."
    )


def execute(db: str, statement: Any, rows: list[dict[str, Any]] | None = None) -> None:
    engine = make_engine(resolve_url(db))
    try:
        with engine.begin() as conn:
            conn.execute(statement, rows) if rows else conn.execute(statement)
    finally:
        engine.dispose()


# --- the head -----------------------------------------------------------------------------------


def test_log_head_of_an_empty_log(cli: CLI, db_url: str) -> None:
    assert cli("init", "--empty", "--db", db_url).code == 0
    as_json = cli("log", "head", "--format", "json", "--db", db_url)
    assert (as_json.code, json.loads(as_json.out)) == (0, {"seq": 0, "hash": None})
    table = cli("log", "head", "--db", db_url)
    assert (table.code, table.out) == (0, "The log is empty: there is no revision to anchor yet.\n")


def test_log_head_prints_the_newest_revision(cli: CLI, seeded: str) -> None:
    last = history(cli, seeded)[-1]
    anchor = f"{SEEDED_REVISIONS}:{last['hash']}"
    assert head(cli, seeded) == anchor
    table = cli("log", "head", "--db", seeded)
    assert table.code == 0
    assert one_line(table.out) == (
        f"Revision {SEEDED_REVISIONS} is the head of the log. Its anchor is {anchor} — keep it "
        f"outside the database, and check it later with 'pledges log verify --anchor {anchor}'."
    )
    assert table.err == ""


def test_anchors_that_hold(cli: CLI, seeded: str) -> None:
    first = head(cli, seeded)
    edited(cli, seeded)
    second = head(cli, seeded)
    assert verify(cli, seeded, first) == (0, [], intact(seeded, 44, 1))
    assert verify(cli, seeded, second, first.upper()) == (0, [], intact(seeded, 44, 2))


# --- a rewritten history ------------------------------------------------------------------------


def rewrite(db: str, seq: int, edit: Callable[[dict[str, Any]], None]) -> dict[int, str]:
    """Edit revision `seq`'s changes and recompute its hash and every one after it, writing them
    with SQL: the chain is whole again. Returns the new hashes by revision."""
    engine = make_engine(resolve_url(db))
    try:
        with Session(engine) as session:
            prev = session.get_one(RevisionRow, seq - 1).hash
            rows = session.scalars(
                select(RevisionRow).where(RevisionRow.seq >= seq).order_by(RevisionRow.seq)
            ).all()
            updates: list[dict[str, Any]] = []
            for row in rows:
                changes = copy.deepcopy(row.changes)
                if row.seq == seq:
                    edit(changes)
                fields = payload(
                    seq=row.seq, at=row.at, author=row.author, action=row.action,
                    entity=row.entity, entity_id=row.entity_id, reason=row.reason,
                    changes=changes, prev_hash=prev,
                )  # fmt: skip
                new = chain_hash(prev, fields)
                updates.append({"seq": row.seq, "changes": changes, "prev": prev, "hash": new})
                prev = new
    finally:
        engine.dispose()
    statement = text(
        "UPDATE revisions SET changes = :changes, prev_hash = :prev, hash = :hash WHERE seq = :seq"
    ).bindparams(bindparam("changes", type_=JSON))
    execute(db, statement, updates)
    return {u["seq"]: u["hash"] for u in updates}


def test_a_forged_revision_is_caught_by_an_anchor(cli: CLI, seeded: str) -> None:
    before = head(cli, seeded)  # revision 41, taken before the changes
    edited(cli, seeded)  # 42: in_progress, 43: kept, 44: a note
    anchor = head(cli, seeded)
    forged = rewrite(seeded, 43, lambda c: c["status"].update(after="broken"))
    execute(seeded, text("UPDATE pledges SET status = 'broken' WHERE id = 'cn-co2-peak-2030'"))

    # The chain is whole and the register matches it: without an anchor, nothing shows.
    assert verify(cli, seeded) == (0, [], no_anchor(seeded, 44))
    assert history(cli, seeded)[42]["changes"]["status"]["after"] == "broken"

    code, problems, summary = verify(cli, seeded, before, anchor)
    assert code == 1
    assert problems == [
        f"anchor 44:{anchor[3:15]}… does not hold: revision 44's hash is now {forged[44][:12]}…, "
        "so the history up to revision 44 was rewritten since the anchor was taken"
    ]
    assert summary.startswith(
        "The log does not match: 1 problem above (44 revisions, 41 records and 5 source texts "
        "checked, 2 anchors given; "
    )


def test_a_rolled_back_log_is_caught_by_an_anchor(cli: CLI, seeded: str) -> None:
    edited(cli, seeded)
    anchor = head(cli, seeded)
    at_42 = history(cli, seeded)[41]["changes"]
    # Undo revisions 43 and 44 with SQL: the pledge back as revision 42 left it, and the log cut.
    back = text(
        "UPDATE pledges SET status = 'in_progress', notes = NULL, version = :version, "
        "updated_at = :at WHERE id = 'cn-co2-peak-2030'"
    ).bindparams(bindparam("at", type_=UTCDateTime()))
    when = datetime.fromisoformat(at_42["updated_at"]["after"])
    execute(seeded, back, [{"version": at_42["version"]["after"], "at": when}])
    execute(seeded, text("DELETE FROM revisions WHERE seq > 42"))

    assert verify(cli, seeded) == (0, [], no_anchor(seeded, 42))
    code, problems, summary = verify(cli, seeded, anchor)
    assert code == 1
    assert problems == [
        f"anchor 44:{anchor[3:15]}… does not hold: the log holds no revision 44 (it ends at "
        "revision 42), so revisions were removed since the anchor was taken, or this is not the "
        "register it was taken from"
    ]
    assert summary.startswith("The log does not match: 1 problem above (42 revisions, ")


# --- anchors that are not anchors ---------------------------------------------------------------

NOT_AN_ANCHOR = (
    "— give it as 'pledges log head' prints it: the revision number, a colon and the 64 hex "
    "digits of its hash, e.g. 41:3f1c…"
)


@pytest.mark.parametrize(
    ("anchor", "message"),
    [
        ("abc", f"--anchor 'abc' is not an anchor {NOT_AN_ANCHOR}"),
        ("41", f"--anchor '41' is not an anchor {NOT_AN_ANCHOR}"),
        ("41:", f"--anchor '41:' is not an anchor {NOT_AN_ANCHOR}"),
        (f"41:{HEX[:63]}", f"--anchor '41:{HEX[:63]}' is not an anchor {NOT_AN_ANCHOR}"),
        (f"41:{HEX}0", f"--anchor '41:{HEX}0' is not an anchor {NOT_AN_ANCHOR}"),
        (f"41:{HEX[:63]}g", f"--anchor '41:{HEX[:63]}g' is not an anchor {NOT_AN_ANCHOR}"),
        (f"-1:{HEX}", f"--anchor '-1:{HEX}' is not an anchor {NOT_AN_ANCHOR}"),
        (f"{HEX}:41", f"--anchor '{HEX}:41' is not an anchor {NOT_AN_ANCHOR}"),
        (f"0:{HEX}", f"--anchor '0:{HEX}' names revision 0 — revisions are numbered from 1 to "
                     "2147483647; copy the anchor as it was recorded"),
        (f"2147483648:{HEX}", f"--anchor '2147483648:{HEX}' names revision 2147483648 — "
                              "revisions are numbered from 1 to 2147483647; copy the anchor as it "
                              "was recorded"),
    ],
)  # fmt: skip
def test_a_malformed_anchor_is_one_line(
    cli: CLI, seeded_sqlite: str, anchor: str, message: str
) -> None:
    result = cli("log", "verify", "--anchor", f"1:{HEX}", "--anchor", anchor, "--db", seeded_sqlite)
    assert (result.code, result.out) == (2, "")
    assert one_line(result.err) == f"Error: {message}"
