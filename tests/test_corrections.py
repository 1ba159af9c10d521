"""Correcting records: `source update`, `source add --supersedes`, `actor update`, an import of
changed sources and actors, and `revert`. Each change is one revision, and `log verify` stays
clean after it.

Each test runs on a fresh SQLite file and a fresh PostgreSQL database (the `seeded` fixture).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import CLI
from tests.registers import copy_of, seeded_template
from tests.test_cli import one_line
from tests.test_editing import table_counts

SOURCE = "kerry-more-work-needed"
PUBLISHER = "Publisher as the article's page names it"
WHY = ("--reason", "the page names its publisher", "--author", "curator")


def verified(cli: CLI, db: str) -> None:
    result = cli("log", "verify", "--db", db)
    assert result.code == 0, result.out + result.err
    assert one_line(result.err).startswith("The log is intact")


def revisions(cli: CLI, db: str) -> list[dict[str, Any]]:
    shown = cli("history", "--format", "json", "--db", db)
    assert shown.code == 0, shown.err
    found: list[dict[str, Any]] = json.loads(shown.out)
    return found


def source(cli: CLI, db: str, source_id: str) -> dict[str, Any]:
    shown = cli("source", "show", source_id, "--format", "json", "--db", db)
    assert shown.code == 0, shown.err
    data: dict[str, Any] = json.loads(shown.out)
    return data


def actor(cli: CLI, db: str, actor_id: str) -> dict[str, Any]:
    listed = json.loads(cli("actor", "list", "--format", "json", "--db", db).out)
    return next(a for a in listed if a["id"] == actor_id)


def refused(cli: CLI, db: str, *args: str) -> str:
    """The one line a command is refused with, having checked that nothing was written."""
    before = table_counts(db)
    result = cli(*args, "--db", db)
    assert result.code == 2, result.out + result.err
    assert result.out == ""
    assert table_counts(db) == before
    return one_line(result.err)


# --- source update ------------------------------------------------------------------------------


def test_source_update_records_the_publisher_in_one_revision(cli: CLI, seeded: str) -> None:
    before = source(cli, seeded, SOURCE)["source"]
    audit = cli("audit", "--db", seeded)
    assert f"{SOURCE} has no publisher" in audit.out
    result = cli("source", "update", SOURCE, "--publisher", PUBLISHER, *WHY, "--db", seeded)
    assert result.code == 0, result.err
    assert result.err == (
        f"Updated source {SOURCE}: its text and sha256 {before['sha256'][:12]}… are unchanged.\n"
    )
    after = source(cli, seeded, SOURCE)["source"]
    assert after == {**before, "publisher": PUBLISHER}
    last = revisions(cli, seeded)[-1]
    assert (last["action"], last["entity"], last["entity_id"], last["author"]) == (
        "update", "source", SOURCE, "curator"
    )  # fmt: skip
    assert last["reason"] == "the page names its publisher"
    assert last["changes"] == {"publisher": {"before": None, "after": PUBLISHER}}
    verified(cli, seeded)
    assert f"{SOURCE} has no publisher" not in cli("audit", "--db", seeded).out


def test_source_update_sets_and_clears_several_fields(cli: CLI, seeded: str) -> None:
    args = ("--url", "https://example.org/a", "--retrieved", "2024-01-02", "--notes", "checked")
    assert cli("source", "update", SOURCE, *args, *WHY, "--db", seeded).code == 0
    cleared = cli("source", "update", SOURCE, "--clear", "url", "--clear", "notes", *WHY,
                  "--db", seeded)  # fmt: skip
    assert cleared.code == 0, cleared.err
    after = source(cli, seeded, SOURCE)["source"]
    assert (after["url"], after["notes"], after["retrieved_on"]) == (None, None, "2024-01-02")
    assert revisions(cli, seeded)[-1]["changes"] == {
        "url": {"before": "https://example.org/a", "after": None},
        "notes": {"before": "checked", "after": None},
    }
    verified(cli, seeded)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "Error: no change given — name at least one field, e.g. --title"),
        (("--language", "en"), f"Error: source {SOURCE} already has language 'en' — nothing was "
         f"written; give a different value, or run 'pledges source show {SOURCE}' to see the "
         "current ones"),
        (("--clear", "text"), f"Error: the text of source {SOURCE} never changes — add the "
         f"corrected text as a new source with 'pledges source add FILE --supersedes {SOURCE}'"),
        (("--clear", "sha256"), f"Error: the text of source {SOURCE} never changes — add the "
         f"corrected text as a new source with 'pledges source add FILE --supersedes {SOURCE}'"),
        (("--clear", "title"), "Error: title cannot be cleared — give it a new value with --title"),
        (("--published", "2023-02-30"), "Error: --published '2023-02-30' is not a date — "
         "write it as YYYY-MM-DD, e.g. 2023-07-19"),
    ],
)  # fmt: skip
def test_source_update_refusals(cli: CLI, seeded: str, args: tuple[str, ...], message: str) -> None:
    assert refused(cli, seeded, "source", "update", SOURCE, *args, *WHY) == message


def test_source_update_of_an_unknown_source_suggests_the_nearest(cli: CLI, seeded: str) -> None:
    line = refused(cli, seeded, "source", "update", "kerry-more-work", "--title", "T", *WHY)
    assert line == (
        "Error: no source with id 'kerry-more-work' — did you mean kerry-more-work-needed?"
    )


# --- source add --supersedes --------------------------------------------------------------------


def test_a_corrected_text_supersedes_the_old_source(cli: CLI, seeded: str, tmp_path: Path) -> None:
    article = tmp_path / "corrected.txt"
    article.write_text("A corrected text of the article.\n", encoding="utf-8")
    added = cli("source", "add", str(article), "--id", f"{SOURCE}-v2", "--title", "Corrected",
                "--supersedes", SOURCE, *WHY, "--db", seeded)  # fmt: skip
    assert added.code == 0, added.err
    assert source(cli, seeded, f"{SOURCE}-v2")["source"]["supersedes"] == SOURCE
    assert source(cli, seeded, SOURCE)["superseded_by"] == [f"{SOURCE}-v2"]
    old = cli("source", "show", SOURCE, "--db", seeded).out
    new = cli("source", "show", f"{SOURCE}-v2", "--db", seeded).out
    assert [line.split() for line in old.splitlines() if "superseded by" in line] == [
        ["superseded", "by", f"{SOURCE}-v2"]
    ]
    assert [line.split() for line in new.splitlines() if "supersedes" in line] == [
        ["supersedes", SOURCE]
    ]
    verified(cli, seeded)


@pytest.mark.parametrize(
    ("old", "message"),
    [
        ("kerry-more-work", "Error: supersedes: no source with id 'kerry-more-work' — did you "
         "mean kerry-more-work-needed?"),
        ("new-one", "Error: a source cannot supersede itself — correct the record and try again"),
    ],
)  # fmt: skip
def test_supersedes_names_another_source_of_the_register(
    cli: CLI, seeded: str, tmp_path: Path, old: str, message: str
) -> None:
    article = tmp_path / "corrected.txt"
    article.write_text("A corrected text.\n", encoding="utf-8")
    line = refused(cli, seeded, "source", "add", str(article), "--id", "new-one", "--title", "T",
                   "--supersedes", old, *WHY)  # fmt: skip
    assert line == message


def test_a_downgrade_keeps_the_supersedes_it_would_drop(
    cli: CLI, seeded: str, tmp_path: Path
) -> None:
    article = tmp_path / "corrected.txt"
    article.write_text("A corrected text.\n", encoding="utf-8")
    assert cli("source", "add", str(article), "--id", "new-one", "--title", "T",
               "--supersedes", SOURCE, *WHY, "--db", seeded).code == 0  # fmt: skip
    line = refused(cli, seeded, "db", "downgrade", "0002")
    assert (
        "from schema revision 0006 to 0002 would drop sources.format (1 value), sources.encoding "
        "(1 value) and sources.supersedes (1 value) — "
    ) in line
    assert cli("db", "current", "--db", seeded).out == "database: 0006\ncode: 0006\n"


# --- actor update -------------------------------------------------------------------------------


def test_actor_update_adds_and_removes_aliases_in_one_revision(cli: CLI, seeded: str) -> None:
    aliases = actor(cli, seeded, "US")["aliases"]
    result = cli("actor", "update", "us", "--add-alias", "the United States government",
                 "--remove-alias", aliases[0].upper(), *WHY, "--db", seeded)  # fmt: skip
    assert result.code == 0, result.err
    expected = [*aliases[1:], "the United States government"]
    assert actor(cli, seeded, "US")["aliases"] == expected
    assert result.err.startswith("Updated actor US (")
    last = revisions(cli, seeded)[-1]
    assert (last["action"], last["entity"], last["entity_id"]) == ("update", "actor", "US")
    assert last["changes"] == {"aliases": {"before": aliases, "after": expected}}
    assert cli("actor", "update", "US", "--name", "USA", *WHY, "--db", seeded).code == 0
    assert actor(cli, seeded, "US")["name"] == "USA"
    verified(cli, seeded)


def test_actor_update_refusals(cli: CLI, seeded: str) -> None:
    aliases = actor(cli, seeded, "CN")["aliases"]
    shown = ", ".join(repr(a) for a in aliases)
    assert refused(cli, seeded, "actor", "update", "CN", "--add-alias", aliases[0].lower(),
                   *WHY) == f"Error: actor CN already has the alias {aliases[0]!r} — nothing "\
        "was written; add another alias, or leave this one out"  # fmt: skip
    assert refused(cli, seeded, "actor", "update", "CN", "--remove-alias", "Cathay", *WHY) == (
        f"Error: actor CN has no alias 'Cathay' — remove one of its aliases: {shown}; nothing "
        "was written"
    )
    assert refused(cli, seeded, "actor", "update", "CN", *WHY) == (
        "Error: no change given — name at least one field, e.g. --name"
    )
    assert refused(cli, seeded, "actor", "update", "CNN", "--name", "X", *WHY) == (
        "Error: no actor with id 'CNN' — did you mean CN?"
    )


# --- import -------------------------------------------------------------------------------------


def edit_csv(path: Path, row_id: str, **cells: str) -> None:
    with path.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    for row in rows:
        if row["id"] == row_id:
            row.update(cells)
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_an_import_corrects_sources_and_actors(cli: CLI, seeded: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert cli("export", "--db", seeded, "--out", str(out)).code == 0
    edit_csv(out / "sources.csv", SOURCE, publisher=PUBLISHER)
    aliases = actor(cli, seeded, "US")["aliases"]
    edit_csv(out / "actors.csv", "US", aliases=";".join([*aliases, "the White House"]))
    result = cli("import", str(out), "--reason", "publishers read off the pages",
                 "--author", "importer", "--db", seeded)  # fmt: skip
    assert result.code == 0, result.err
    assert f"~ sources {SOURCE}: publisher: empty → {PUBLISHER}" in result.out.splitlines()
    assert source(cli, seeded, SOURCE)["source"]["publisher"] == PUBLISHER
    assert actor(cli, seeded, "US")["aliases"] == [*aliases, "the White House"]
    last = revisions(cli, seeded)[-2:]
    assert [(r["entity"], r["entity_id"], r["action"], r["author"], r["reason"]) for r in last] == [
        ("actor", "US", "update", "importer", "publishers read off the pages"),
        ("source", SOURCE, "update", "importer", "publishers read off the pages"),
    ]
    verified(cli, seeded)


def test_an_import_refuses_a_changed_text(cli: CLI, seeded: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert cli("export", "--db", seeded, "--out", str(out)).code == 0
    with (out / "sources.csv").open(newline="", encoding="utf-8") as stream:
        text = next(r["text"] for r in csv.DictReader(stream) if r["id"] == SOURCE)
    edit_csv(out / "sources.csv", SOURCE, text=text + " An added sentence.", publisher="P")
    line = refused(cli, seeded, "import", str(out), *WHY)
    assert line == (
        f"Error: sources.csv:4:text: the text of source {SOURCE} differs from the register's — "
        "a source's text never changes; add the corrected text as a new source with "
        f"'pledges source add FILE --supersedes {SOURCE}'; nothing was written"
    )
    assert source(cli, seeded, SOURCE)["source"]["publisher"] is None


# --- revert -------------------------------------------------------------------------------------


def test_revert_sets_an_update_back_and_is_refused_after_a_later_change(
    cli: CLI, seeded: str
) -> None:
    before = source(cli, seeded, SOURCE)["source"]
    assert cli("source", "update", SOURCE, "--publisher", "Wrong", *WHY, "--db", seeded).code == 0
    wrong = revisions(cli, seeded)[-1]["seq"]
    assert cli("source", "update", SOURCE, "--publisher", "Still wrong", *WHY,
               "--db", seeded).code == 0  # fmt: skip
    assert refused(cli, seeded, "revert", str(wrong), *WHY) == (
        f"Error: revision {wrong + 1} changed publisher of source {SOURCE} since — revert that "
        f"first, or change the field with 'pledges source update {SOURCE}'"
    )
    for seq in (wrong + 1, wrong):  # the later one first: then the first one may be reverted
        result = cli("revert", str(seq), *WHY, "--db", seeded)
        assert result.code == 0, result.err
        assert result.err == (
            f"Reverted revision {seq}: source {SOURCE} is back to its values before it "
            f"(revision {revisions(cli, seeded)[-1]['seq']}).\n"
        )
        verified(cli, seeded)
    assert source(cli, seeded, SOURCE)["source"] == before
    last = revisions(cli, seeded)[-1]
    assert last["changes"] == {"publisher": {"before": "Wrong", "after": None}}
    assert last["reason"] == f"revert of revision {wrong}: the page names its publisher"
    # Reverting the revert sets the value again.
    assert cli("revert", str(last["seq"]), *WHY, "--db", seeded).code == 0
    assert source(cli, seeded, SOURCE)["source"]["publisher"] == "Wrong"
    verified(cli, seeded)


def test_revert_of_a_pledge_update_is_a_new_version(cli: CLI, seeded: str) -> None:
    pledge = "cn-co2-peak-2030"
    assert cli("update", pledge, "--status", "kept", *WHY, "--db", seeded).code == 0
    seq = revisions(cli, seeded)[-1]["seq"]
    assert cli("revert", str(seq), *WHY, "--db", seeded).code == 0
    shown = json.loads(cli("show", pledge, "--format", "json", "--db", seeded).out)
    assert (shown["pledge"]["status"], shown["pledge"]["version"]) == ("not_yet_rated", 3)
    verified(cli, seeded)


def test_revert_of_new_evidence_deprecates_it(cli: CLI, seeded: str) -> None:
    created = next(r for r in reversed(revisions(cli, seeded)) if r["entity"] == "evidence")
    evidence_id = created["entity_id"]
    result = cli("revert", str(created["seq"]), *WHY, "--db", seeded)
    assert result.code == 0, result.err
    assert result.err.startswith(f"Reverted revision {created['seq']}: evidence {evidence_id} "
                                 "is deprecated (revision ")  # fmt: skip
    last = revisions(cli, seeded)[-1]
    assert last["changes"]["rank"] == {"before": created["changes"]["rank"]["after"],
                                       "after": "deprecated"}  # fmt: skip
    verified(cli, seeded)
    # The deprecation is an update like any other: reverting it counts the evidence again.
    assert cli("revert", str(last["seq"]), *WHY, "--db", seeded).code == 0
    assert revisions(cli, seeded)[-1]["changes"]["rank"]["after"] == "normal"
    verified(cli, seeded)


def first_created(cli: CLI, db: str, entity: str) -> tuple[str, str]:
    """The number of the revision that created the first record of a kind, and its id."""
    made = next(r for r in revisions(cli, db) if r["entity"] == entity)
    return str(made["seq"]), made["entity_id"]


def test_revert_refuses_to_undo_a_creation_other_than_evidence(cli: CLI, seeded: str) -> None:
    seq, made = first_created(cli, seeded, "actor")
    assert refused(cli, seeded, "revert", seq, *WHY) == (
        f"Error: revision {seq} created actor {made}, which is never deleted — correct it with "
        f"'pledges actor update {made}'"
    )
    seq, made = first_created(cli, seeded, "source")
    assert refused(cli, seeded, "revert", seq, *WHY) == (
        f"Error: revision {seq} created source {made}, which is never deleted — correct its "
        f"metadata with 'pledges source update {made}', or add a corrected text with "
        f"'pledges source add FILE --supersedes {made}'"
    )
    seq, made = first_created(cli, seeded, "pledge")
    assert refused(cli, seeded, "revert", seq, *WHY) == (
        f"Error: revision {seq} created pledge {made}, which is never deleted — withdraw the "
        f"pledge with 'pledges update {made} --status withdrawn'"
    )


@pytest.mark.parametrize(
    ("seq", "message"),
    [
        ("42", "Error: no revision 42 — the log holds revisions 1 to 41; see 'pledges history'"),
        ("0", "Error: revision 0 is not allowed — use a revision number from 1 to 2147483647, as "
         "'pledges history' lists"),
        ("x", "Error: revision x is not allowed — use a revision number from 1 to 2147483647, as "
         "'pledges history' lists"),
    ],
)  # fmt: skip
def test_revert_of_a_revision_that_does_not_exist(
    cli: CLI, seeded: str, seq: str, message: str
) -> None:
    assert refused(cli, seeded, "revert", seq, *WHY) == message


def test_revert_in_an_empty_log(cli: CLI, db_url: str) -> None:
    assert cli("init", "--empty", "--db", db_url).code == 0
    assert refused(cli, db_url, "revert", "1", *WHY) == (
        "Error: no revision 1: the log is empty — there is nothing to revert"
    )


# --- a property ---------------------------------------------------------------------------------

# Values the source has not: every example is a change, which the update must make.
FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "--publisher": st.sampled_from(["Example Wire", "Another Desk"]),
        "--kind": st.sampled_from(["official", "analysis", "other"]),
        "--url": st.just("https://example.org/page"),
        "--retrieved": st.sampled_from(["2024-01-02", "2023-12-31"]),
        "--language": st.sampled_from(["zh", "en-GB"]),
        "--notes": st.text(st.characters(codec="ascii", categories=["L", "N"]), min_size=1,
                           max_size=20),
    },
).filter(bool)  # fmt: skip


FIELD_OF = {"--retrieved": "retrieved_on"} | {
    option: option.removeprefix("--") for option in ("--publisher", "--kind", "--url",
                                                     "--language", "--notes")
}  # fmt: skip


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_template(tmp_path_factory.mktemp("corrections"))


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(changes=FIELDS)
def test_an_update_and_its_revert_restore_the_source(
    cli: CLI, template: Path, tmp_path: Path, changes: dict[str, str]
) -> None:
    db = copy_of(template, tmp_path)
    before = source(cli, db, SOURCE)["source"]
    args = [part for option, value in changes.items() for part in (option, value)]
    assert all(before[FIELD_OF[option]] != value for option, value in changes.items())
    updated = cli("source", "update", SOURCE, *args, *WHY, "--db", db)
    assert updated.code == 0, updated.err
    seq = revisions(cli, db)[-1]["seq"]
    changed = {FIELD_OF[option] for option in changes}
    assert set(revisions(cli, db)[-1]["changes"]) == changed
    assert cli("revert", str(seq), *WHY, "--db", db).code == 0
    assert source(cli, db, SOURCE)["source"] == before
    verified(cli, db)
