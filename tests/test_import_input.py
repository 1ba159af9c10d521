"""An import reads every cell as the commands read their options (issue 12, items 2, 4 and 5).

Each test exports a register with `pledges export`, edits the CSV files as a person or a
spreadsheet might, and runs `pledges import`, on a SQLite file and on PostgreSQL. A refused
import is one line naming file:row:column and what is allowed, exit 2, and leaves the register as
it was: the same rows in every table, a log that verifies, and pledges that `show` still shows.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from pledges.transfer.tables import restore
from pledges.vocab import MAX_ID
from tests.conftest import CLI, FreshPostgres
from tests.test_atomicity import snapshot

Rows = list[list[str]]  # a CSV file's lines, the header first

ID_HINT = (
    f"keep the id as exported, a whole number from 1 to {MAX_ID}, or leave it empty for new "
    "evidence; nothing was written"
)
YEAR_HINT = "use a year from 1990 to 2100; nothing was written"
STANDING = "become carbon neutral by 2060"  # stands in china-us-talks-success


def rows_of(path: Path) -> Rows:
    limit = csv.field_size_limit(10**9)  # the long article's cell, for this reading only
    try:
        with path.open(encoding="utf-8", newline="") as stream:
            return list(csv.reader(stream))
    finally:
        csv.field_size_limit(limit)


def edit(path: Path, change: Callable[[Rows], None]) -> None:
    """Change a CSV file's lines in place, and write it back as the export wrote it."""
    rows = rows_of(path)
    change(rows)
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(rows)


def put(number: int, column: str, value: str) -> Callable[[Rows], None]:
    """Set one cell: the row as a spreadsheet numbers it (the header is row 1)."""

    def change(rows: Rows) -> None:
        rows[number - 1][rows[0].index(column)] = value

    return change


def drop(column: str) -> Callable[[Rows], None]:
    def change(rows: Rows) -> None:
        index = rows[0].index(column)
        for row in rows:
            del row[index]

    return change


def append(**values: str) -> Callable[[Rows], None]:
    def change(rows: Rows) -> None:
        rows.append([values.get(name, "") for name in rows[0]])

    return change


def twice(column: str, number: int, value: str) -> Callable[[Rows], None]:
    """The column again at the end of each line, holding `value` on row `number`."""

    def change(rows: Rows) -> None:
        index = rows[0].index(column)
        for row in rows:
            row.append(row[index])
        rows[number - 1][-1] = value

    return change


def both(*changes: Callable[[Rows], None]) -> Callable[[Rows], None]:
    def change(rows: Rows) -> None:
        for each in changes:
            each(rows)

    return change


def export(cli: CLI, db: str, folder: Path) -> Path:
    result = cli("export", "--db", db, "--out", str(folder))
    assert result.code == 0, result.err
    return folder


def assert_intact(cli: CLI, db: str, *pledge_ids: str) -> None:
    """The register still reads: its log verifies and each pledge shows."""
    verified = cli("log", "verify", "--db", db)
    assert verified.code == 0, verified.out + verified.err
    for pledge_id in pledge_ids:
        shown = cli("show", pledge_id, "--db", db)
        assert shown.code == 0, shown.err


def assert_refused(cli: CLI, db: str, folder: Path, expected: str) -> None:
    """The import is refused with exactly `expected`, and nothing is written (nor in a dry run)."""
    before = snapshot(db)
    for extra in ((), ("--dry-run",)):
        result = cli("import", str(folder), "--db", db, "--reason", "edited", *extra)
        assert (result.code, result.out, result.err) == (2, "", expected + "\n")
        assert snapshot(db) == before


# --- item 2: a changed row needs the version it was exported at ---------------------------------


@pytest.mark.parametrize("without", ["the column", "its cell"])
def test_a_changed_row_without_its_version_does_not_overwrite_a_newer_change(
    cli: CLI, seeded: str, tmp_path: Path, without: str
) -> None:
    out = export(cli, seeded, tmp_path / "out")
    # A colleague changes the pledge after the export ...
    colleague = cli("update", "cn-co2-peak-2030", "--db", seeded, "--notes", "checked by Li",
                    "--reason", "a colleague's review")  # fmt: skip
    assert colleague.code == 0, colleague.err
    # ... and this file, edited meanwhile, does not say which version it was read at.
    removed = drop("version") if without == "the column" else put(4, "version", "")
    edit(out / "pledges.csv", both(put(4, "status", "kept"), removed))
    assert_refused(
        cli, seeded, out,
        "Error: pledges.csv:4:version: pledge cn-co2-peak-2030 is changed (status: not_yet_rated "
        "→ kept) but its row has no version — keep the version column as exported, with each "
        "row's version; nothing was written",
    )  # fmt: skip
    shown = json.loads(cli("show", "cn-co2-peak-2030", "--db", seeded, "--format", "json").out)
    assert (shown["pledge"]["notes"], shown["pledge"]["version"]) == ("checked by Li", 2)
    assert_intact(cli, seeded, "cn-co2-peak-2030")


def test_new_and_unchanged_pledges_need_no_version(cli: CLI, seeded: str, tmp_path: Path) -> None:
    out = export(cli, seeded, tmp_path / "out")
    new = {"id": "xx-new", "title": "A new pledge", "actors": "CN", "kind": "coal",
           "formality": "declared", "status": "not_yet_rated", "confidence": "low"}  # fmt: skip
    edit(out / "pledges.csv", both(append(**new), drop("version")))
    result = cli("import", str(out), "--db", seeded, "--reason", "a new pledge")
    assert result.code == 0, result.err
    assert "+ xx-new: added" in result.out.splitlines()
    assert result.out.splitlines()[-1] == (
        "= 12 pledges, 21 evidence, 5 sources and 3 actors left alone"
    )
    assert result.err == (
        "Made 1 change from actors.csv, sources.csv, pledges.csv, evidence.csv.\n"
    )
    assert_intact(cli, seeded, "xx-new", "cn-co2-peak-2030")


# --- item 4: a text longer than csv's default limit on a cell -----------------------------------


def test_an_article_longer_than_the_csv_cell_limit_is_exported_and_imported_back(
    cli: CLI, seeded: str, db_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    # 150,000 characters and more: over csv's default limit of 131,072 on a cell.
    paragraph = "Beijing \u2014 officials said coal use would \u201cpeak by 2028\u201d. \u78b3 "
    article = tmp_path / "long.txt"
    article.write_text(paragraph * (150_000 // len(paragraph) + 1), encoding="utf-8")
    assert len(article.read_text(encoding="utf-8")) > 150_000
    added = cli("source", "add", str(article), "--id", "a-long-article", "--title", "A long one",
                "--db", seeded, "--reason", "a long article")  # fmt: skip
    assert added.code == 0, added.err
    cited = cli("cite", "cn-co2-peak-2030", "a-long-article", "--quote", "peak by 2028",
                "--db", seeded, "--reason", "quoted")  # fmt: skip
    assert cited.code == 0, cited.err
    out = export(cli, seeded, tmp_path / "out")
    limit = csv.field_size_limit()
    # Back into the register it came from: nothing to change.
    same = cli("import", str(out), "--db", seeded, "--reason", "round trip")
    assert same.code == 0, same.err
    assert same.err.startswith("Nothing changed: every row of ")
    # Into an empty register: everything is restored, the long text whole.
    if db_url.startswith("sqlite"):
        empty = f"sqlite:///{tmp_path / 'restored.db'}"
    else:
        fresh: FreshPostgres = request.getfixturevalue("fresh_pg")
        empty = fresh.new()
    assert cli("init", "--empty", "--db", empty).code == 0
    restored = cli("import", str(out), "--db", empty, "--reason", "restore")
    assert restored.code == 0, restored.err
    assert "+ sources: 6 added" in restored.out
    again = export(cli, empty, tmp_path / "again")
    long_row = next(r for r in rows_of(again / "sources.csv") if r[0] == "a-long-article")
    header = rows_of(again / "sources.csv")[0]
    assert restore(long_row[header.index("text")]) == article.read_text(encoding="utf-8")
    assert (again / "sources.csv").read_bytes() == (out / "sources.csv").read_bytes()
    assert_intact(cli, empty, "cn-co2-peak-2030")
    # The limit is the whole process's: the import leaves it as it found it.
    assert csv.field_size_limit() == limit


# --- item 5: numbers, ids and headers -----------------------------------------------------------

NEW_EVIDENCE = {"pledge_id": "cn-co2-peak-2030", "source_id": "china-us-talks-success",
                "quote": STANDING, "stance": "supports", "rank": "normal"}  # fmt: skip
REFUSED: dict[str, tuple[str, Callable[[Rows], None], str]] = {
    **{
        f"evidence id {written}": (
            "evidence.csv",
            append(**NEW_EVIDENCE, id=written),
            f"Error: evidence.csv:23:id: id {written!r} is not allowed — {ID_HINT}",
        )
        for written in ("0", "-1", str(2**31), str(2**63), "1_0", "\u0661", "+7")  # '1.0' is 1
    },
    "an exported id written otherwise": (
        "evidence.csv",
        put(2, "id", "\u0661"),
        f"Error: evidence.csv:2:id: id '\u0661' is not allowed — {ID_HINT}",
    ),
    **{
        f"target year {written}": (
            "pledges.csv",
            put(2, "target_year", written),
            f"Error: pledges.csv:2:target_year: target_year {written!r} is not allowed — "
            + YEAR_HINT,
        )
        for written in (
            "2_030",
            "\u0662\u0660\u0663\u0660",
            "+2030",
            "20 30",
            "2101",
        )  # '2030.0' is 2030
    },
    "a baseline year in other digits": (
        "pledges.csv",
        put(3, "baseline_year", "\u0967\u096f\u096f\u0966"),  # Devanagari 1990
        "Error: pledges.csv:3:baseline_year: baseline_year '\u0967\u096f\u096f\u0966' is not "
        "allowed — use a year from 1900 to 2100; nothing was written",
    ),
    "a target value with an underscore": (
        "pledges.csv",
        both(put(2, "target_value", "1_000"), put(2, "target_unit", "t")),
        "Error: pledges.csv:2:target_value: target_value '1_000' is not allowed — use a number "
        "written with the digits 0-9, e.g. 65, -0.5 or 12.5; nothing was written",
    ),
    "a version in other digits": (
        "pledges.csv",
        both(put(4, "status", "kept"), put(4, "version", "\u0661")),
        f"Error: pledges.csv:4:version: version '\u0661' is not allowed — keep the version as "
        f"exported, a whole number from 1 to {MAX_ID}; nothing was written",
    ),
    "a version of 0": (
        "pledges.csv",
        put(4, "version", "0"),
        f"Error: pledges.csv:4:version: version '0' is not allowed — keep the version as "
        f"exported, a whole number from 1 to {MAX_ID}; nothing was written",
    ),
    "an inferred date said as yes": (
        "sources.csv",
        put(2, "date_inferred", "yes"),
        "Error: sources.csv:2:date_inferred: date_inferred 'yes' is not allowed — use true or "
        "false; nothing was written",
    ),
    "a status column twice": (
        "pledges.csv",
        twice("status", 4, "kept"),
        "Error: pledges.csv:1:status: the column appears twice — keep one; nothing was written",
    ),
    "an id column twice": (
        "evidence.csv",
        twice("id", 2, "99"),
        "Error: evidence.csv:1:id: the column appears twice — keep one; nothing was written",
    ),
    "a derived column twice": (
        "pledges.csv",
        twice("version", 4, "2"),
        "Error: pledges.csv:1:version: the column appears twice — keep one; nothing was written",
    ),
}


def test_numbers_ids_and_headers_the_commands_would_refuse_are_refused(
    cli: CLI, seeded: str, tmp_path: Path
) -> None:
    """Each case alone, on one register: nothing is written by any of them."""
    for number, (case, (file, change, expected)) in enumerate(sorted(REFUSED.items())):
        out = export(cli, seeded, tmp_path / f"case{number}")
        edit(out / file, change)
        try:
            assert_refused(cli, seeded, out, expected)
        except AssertionError as error:
            raise AssertionError(f"{case}: {error}") from None
    assert_intact(cli, seeded, "cn-co2-peak-2030", "cn-carbon-neutrality-2060")


@pytest.mark.parametrize(
    ("option", "written", "first"),
    [("--target-year", "\u0662\u0660\u0663\u0660", 1990), ("--target-year", "2_030", 1990),
     ("--baseline-year", "+2005", 1900)],
)  # fmt: skip
def test_the_commands_refuse_the_same_numbers(
    cli: CLI, seeded_sqlite: str, option: str, written: str, first: int
) -> None:
    """One rule for both: `pledges update` refuses what the import refuses, in the same words
    (the command naming its option, the import its column)."""
    result = cli("update", "cn-co2-peak-2030", option, written, "--db", seeded_sqlite,
                 "--reason", "typed")  # fmt: skip
    assert result.code == 2
    assert (
        result.err
        == f"Error: {option} {written!r} is not allowed — use a year from {first} to 2100\n"
    )


def test_ids_and_years_written_in_plain_digits_are_read(
    cli: CLI, seeded: str, tmp_path: Path
) -> None:
    """What the rule allows: surrounding spaces, leading zeros, the largest id."""
    out = export(cli, seeded, tmp_path / "out")
    edit(
        out / "pledges.csv", both(put(4, "target_year", " 2031 "), put(4, "baseline_year", "02005"))
    )
    edit(out / "evidence.csv", both(
        append(**NEW_EVIDENCE, id=str(MAX_ID)), put(2, "id", " 001"),
    ))  # fmt: skip
    result = cli("import", str(out), "--db", seeded, "--reason", "plain digits")
    assert result.code == 0, result.err
    assert "~ cn-co2-peak-2030: target_year: 2030 → 2031; baseline_year: empty → 2005" in (
        result.out.splitlines()
    )
    assert [line for line in result.out.splitlines() if line.startswith("+ evidence")] == [
        f"+ evidence {MAX_ID}: {NEW_EVIDENCE['pledge_id']} cites {NEW_EVIDENCE['source_id']}: "
        f"“{NEW_EVIDENCE['quote']}”"
    ]
    shown = cli("show", "cn-co2-peak-2030", "--db", seeded, "--format", "json")
    assert shown.code == 0, shown.err
    assert MAX_ID in [e["id"] for e in json.loads(shown.out)["evidence"]]
    assert_intact(cli, seeded)


def test_no_id_is_given_past_the_largest(cli: CLI, seeded: str, tmp_path: Path) -> None:
    """Evidence restored at the largest id leaves none for a new row without one."""
    out = export(cli, seeded, tmp_path / "out")
    edit(out / "evidence.csv", both(
        append(**NEW_EVIDENCE, id=str(MAX_ID)),
        append(**{**NEW_EVIDENCE, "quote": "peak emissions of carbon dioxide by 2030",
                  "pledge_id": "us-cn-keep-1-5c-alive"}),
    ))  # fmt: skip
    assert_refused(
        cli, seeded, out,
        f"Error: evidence.csv:24:id: no evidence id is left for this row (ids go up to {MAX_ID}, "
        f"and {MAX_ID} is taken) — give the new rows free ids in the id column; nothing was "
        "written",
    )  # fmt: skip
    assert_intact(cli, seeded, "cn-co2-peak-2030")
