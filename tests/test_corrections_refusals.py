"""What a correction refuses, and how it says so: `source update` (--clear, --supersedes),
`actor update` (aliases), `revert` twice, and an import of changed sources and actors.

Each test runs on a fresh SQLite file and a fresh PostgreSQL database (the `seeded` fixture).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.conftest import CLI
from tests.test_corrections import (
    SOURCE,
    WHY,
    actor,
    edit_csv,
    refused,
    revisions,
    source,
    verified,
)
from tests.test_editing import table_counts

# The hint of a field both given and cleared.
BOTH = "give a new value or clear it, not both; nothing was written"


# --- source update ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--clear", "url", "--url", "http://y"), "Error: url is both given (--url) and cleared "
         f"(--clear url) in one change — {BOTH}"),
        (("--published", "2023-01-01", "--clear", "published"), "Error: published is both given "
         f"(--published) and cleared (--clear published) in one change — {BOTH}"),
        (("--clear", "foo"), "Error: foo cannot be changed — change one of: title, publisher, "
         "kind, url, published, date_inferred, date_note, retrieved, language, notes, "
         "supersedes"),
        (("--language", "en", "--kind", "news"), f"Error: source {SOURCE} already has kind "
         "'news', language 'en' — nothing was written; give a different value, or run 'pledges "
         f"source show {SOURCE}' to see the current ones"),
        (("--supersedes", SOURCE), "Error: a source cannot supersede itself — correct the record "
         "and try again"),
        (("--supersedes", "kerry-more-work"), "Error: supersedes: no source with id "
         "'kerry-more-work' — did you mean kerry-more-work-needed?"),
    ],
)  # fmt: skip
def test_source_update_refusals(cli: CLI, seeded: str, args: tuple[str, ...], message: str) -> None:
    assert refused(cli, seeded, "source", "update", SOURCE, *args, *WHY) == message


def test_pledge_update_refuses_a_field_given_and_cleared(cli: CLI, seeded: str) -> None:
    line = refused(cli, seeded, "update", "cn-co2-peak-2030", "--target-year", "2030",
                   "--clear", "target_year", *WHY)  # fmt: skip
    assert line == (
        "Error: target_year is both given (--target-year) and cleared (--clear target_year) in "
        f"one change — {BOTH}"
    )


@pytest.mark.parametrize("name", ["published", "published_on", "retrieved", "retrieved_on"])
def test_clear_takes_the_options_name_and_the_fields(cli: CLI, seeded: str, name: str) -> None:
    field = name.removesuffix("_on") + "_on"
    if field == "retrieved_on":
        set_first = ("--retrieved", "2024-01-02")
        assert cli("source", "update", SOURCE, *set_first, *WHY, "--db", seeded).code == 0
    args = ("--no-date-inferred",) if field == "published_on" else ()
    result = cli("source", "update", SOURCE, *args, "--clear", name, *WHY, "--db", seeded)
    assert result.code == 0, result.err
    assert source(cli, seeded, SOURCE)["source"][field] is None
    verified(cli, seeded)


def test_source_update_sets_and_clears_supersedes(cli: CLI, seeded: str) -> None:
    old, new = "kerry-not-dictating", "kerry-no-agreement"
    result = cli("source", "update", new, "--supersedes", old, *WHY, "--db", seeded)
    assert result.code == 0, result.err
    assert source(cli, seeded, old)["superseded_by"] == [new]
    assert refused(cli, seeded, "source", "update", old, "--supersedes", new, *WHY) == (
        f"Error: {old} would supersede {new}, which already supersedes it — a corrected text "
        "supersedes the one it replaces, never the other way round: name another source, or "
        "none; nothing was written"
    )
    third = "kerry-more-work-needed"
    assert cli("source", "update", third, "--supersedes", new, *WHY, "--db", seeded).code == 0
    assert refused(cli, seeded, "source", "update", old, "--supersedes", third, *WHY) == (
        f"Error: {old} would supersede {third}, which already supersedes it through {new} — a "
        "corrected text supersedes the one it replaces, never the other way round: name another "
        "source, or none; nothing was written"
    )
    cleared = cli("source", "update", new, "--clear", "supersedes", *WHY, "--db", seeded)
    assert cleared.code == 0, cleared.err
    assert source(cli, seeded, old)["superseded_by"] == []
    verified(cli, seeded)


# --- actor update and actor add -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("alias", "what"),
    [("China", "the name"), ("cn", "the id"), ("Xinhua", "an alias")],
)
def test_an_alias_names_one_actor_only(cli: CLI, seeded: str, alias: str, what: str) -> None:
    message = (
        f"the alias {alias!r} of actor US is already {what} of actor CN — an alias names one "
        "actor only: give another one; nothing was written"
    )
    line = refused(cli, seeded, "actor", "update", "US", "--add-alias", alias, *WHY)
    assert line == f"Error: {message}"
    line = refused(cli, seeded, "actor", "add", "XX", "--name", "Other", "--kind", "country",
                   "--alias", alias, *WHY)  # fmt: skip
    assert line == "Error: " + message.replace("actor US", "actor XX")


def test_actor_update_alias_refusals(cli: CLI, seeded: str) -> None:
    aliases = actor(cli, seeded, "GREENPEACE")["aliases"]
    shown = ", ".join(repr(a) for a in aliases)
    assert refused(cli, seeded, "actor", "update", "GREENPEACE", "--add-alias", "X",
                   "--remove-alias", "x", *WHY) == (
        "Error: the alias 'X' is both added (--add-alias) and removed (--remove-alias) — give "
        "one of them, not both; nothing was written"
    )  # fmt: skip
    assert refused(cli, seeded, "actor", "update", "GREENPEACE", "--remove-alias", "Nope",
                   *WHY) == (
        "Error: actor GREENPEACE has no alias 'Nope' — remove one of its aliases: "
        f"{shown}; nothing was written"
    )  # fmt: skip
    assert refused(cli, seeded, "actor", "update", "GREENPEACE", "--add-alias", "li shuo",
                   *WHY) == (
        "Error: actor GREENPEACE already has the alias 'Li Shuo' — nothing was written; add "
        "another alias, or leave this one out"
    )  # fmt: skip
    assert refused(cli, seeded, "actor", "update", "GREENPEACE", "--name", "Greenpeace",
                   *WHY) == (
        "Error: actor GREENPEACE already has name 'Greenpeace' — nothing was written; give a "
        "different value, or run 'pledges actor list' to see the current ones"
    )  # fmt: skip


def test_an_alias_ending_in_a_full_stop_is_noted_once(cli: CLI, seeded: str) -> None:
    result = cli("actor", "update", "CN", "--add-alias", "P.R.C.", *WHY, "--db", seeded)
    assert result.code == 0, result.err
    assert result.err.endswith(", Xinhua, P.R.C.\n")
    verified(cli, seeded)


# --- revert -------------------------------------------------------------------------------------


def test_a_revision_is_reverted_once(cli: CLI, seeded: str) -> None:
    assert cli("source", "update", SOURCE, "--publisher", "Wrong", *WHY, "--db", seeded).code == 0
    wrong = revisions(cli, seeded)[-1]["seq"]
    assert cli("revert", str(wrong), *WHY, "--db", seeded).code == 0
    assert refused(cli, seeded, "revert", str(wrong), *WHY) == (
        f"Error: revision {wrong} was already undone by revision {wrong + 1} — nothing to "
        f"revert; to set its values again, run 'pledges revert {wrong + 1}'"
    )


# --- import -------------------------------------------------------------------------------------


def exported(cli: CLI, db: str, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    assert cli("export", "--db", db, "--out", str(out)).code == 0
    return out


def row_of(path: Path, row_id: str) -> int:
    """The line number an import names for the row with this id (the header is line 1)."""
    with path.open(newline="", encoding="utf-8") as stream:
        ids = [row["id"] for row in csv.DictReader(stream)]
    return ids.index(row_id) + 2


def test_an_import_refuses_an_edited_sha256(cli: CLI, seeded: str, tmp_path: Path) -> None:
    out = exported(cli, seeded, tmp_path)
    sha256 = source(cli, seeded, SOURCE)["source"]["sha256"]
    edit_csv(out / "sources.csv", SOURCE, sha256="0" * 64)
    line = refused(cli, seeded, "import", str(out), *WHY)
    assert line == (
        f"Error: sources.csv:{row_of(out / 'sources.csv', SOURCE)}:sha256: the sha256 of source "
        f"{SOURCE} is not the one of its text — restore the exported sha256, {sha256}: a "
        "source's text and sha256 never change; nothing was written"
    )


def test_an_import_refuses_a_supersedes_cycle(cli: CLI, seeded: str, tmp_path: Path) -> None:
    old, new = "kerry-not-dictating", "kerry-no-agreement"
    out = exported(cli, seeded, tmp_path)
    edit_csv(out / "sources.csv", new, supersedes=old)
    result = cli("import", str(out), *WHY, "--db", seeded)
    assert result.code == 0, result.err
    assert result.err == "Made 1 change from actors.csv, sources.csv, pledges.csv, evidence.csv.\n"
    out = exported(cli, seeded, tmp_path / "again")
    edit_csv(out / "sources.csv", old, supersedes=new)
    assert refused(cli, seeded, "import", str(out), *WHY) == (
        f"Error: sources.csv:{row_of(out / 'sources.csv', old)}:supersedes: {old} would "
        f"supersede {new}, which already supersedes it — a corrected text supersedes the one it "
        "replaces, never the other way round: name another source, or none; nothing was written"
    )
    verified(cli, seeded)


def test_an_import_names_the_supersedes_of_a_source_superseding_itself(
    cli: CLI, seeded: str, tmp_path: Path
) -> None:
    out = exported(cli, seeded, tmp_path)
    edit_csv(out / "sources.csv", SOURCE, supersedes=SOURCE)
    assert refused(cli, seeded, "import", str(out), *WHY) == (
        f"Error: sources.csv:{row_of(out / 'sources.csv', SOURCE)}:supersedes: source {SOURCE} "
        "cannot supersede itself — name the source it replaces, or leave the cell empty; nothing "
        "was written"
    )


def test_an_import_names_the_refused_field_and_counts_in_words(
    cli: CLI, seeded: str, tmp_path: Path
) -> None:
    out = exported(cli, seeded, tmp_path)
    aliases = actor(cli, seeded, "US")["aliases"]
    edit_csv(out / "actors.csv", "US", name="USA", aliases=";".join([*aliases, "Xinhua"]))
    assert refused(cli, seeded, "import", str(out), *WHY) == (
        f"Error: actors.csv:{row_of(out / 'actors.csv', 'US')}:aliases: the alias 'Xinhua' of "
        "actor US is already an alias of actor CN — an alias names one actor only: give another "
        "one; nothing was written"
    )
    edit_csv(out / "actors.csv", "US", aliases=";".join(aliases))
    edit_csv(out / "sources.csv", SOURCE, title="", publisher="P")
    edit_csv(out / "sources.csv", "kerry-no-agreement", title="")
    before = table_counts(seeded)
    result = cli("import", str(out), *WHY, "--db", seeded)
    assert (result.code, result.out, table_counts(seeded)) == (2, "", before)
    lines = result.err.splitlines()
    assert lines[0] == "Error: 2 problems in the files:"
    assert lines[1].startswith(f"  sources.csv:{row_of(out / 'sources.csv', SOURCE)}:title: ")
    assert lines[2].startswith(
        f"  sources.csv:{row_of(out / 'sources.csv', 'kerry-no-agreement')}:title: "
    )
    assert lines[3:] == ["Nothing was written: mend them and import again."]


def test_an_import_refuses_a_new_actor_with_another_actors_alias(
    cli: CLI, seeded: str, tmp_path: Path
) -> None:
    out = exported(cli, seeded, tmp_path)
    with (out / "actors.csv").open("a", newline="", encoding="utf-8") as stream:
        csv.writer(stream).writerow(["XX", "Other", "country", "Beijing;Elsewhere"])
    assert refused(cli, seeded, "import", str(out), *WHY) == (
        f"Error: actors.csv:{row_of(out / 'actors.csv', 'XX')}:aliases: the alias 'Beijing' of "
        "actor XX is already an alias of actor CN — an alias names one actor only: give another "
        "one; nothing was written"
    )
