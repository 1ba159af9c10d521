"""An import's plan as people read it (issue 15): the same files imported twice change nothing
the second time, the plan lists what changes and counts what is left alone (--verbose lists
everything), and every refused row is listed at once, 'nothing was written' said once.

Each test exports the seed register (12 pledges, 21 evidence, 5 sources, 3 actors), edits the
files, and imports them through the command line, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

from pledges.render.importing import lines
from pledges.transfer.plan import Plan
from tests.conftest import CLI
from tests.test_atomicity import snapshot
from tests.test_import_input import STANDING, Rows, append, edit, export, put

FILES = "actors.csv, sources.csv, pledges.csv, evidence.csv"
TITLE = "China carbon neutral by 2060"  # of cn-carbon-neutrality-2060, row 2 of pledges.csv
NEW = {"pledge_id": "cn-co2-peak-2030", "source_id": "china-us-talks-success", "quote": STANDING,
       "stance": "supports", "rank": "normal"}  # fmt: skip
CITED = f"+ evidence 22: cn-co2-peak-2030 cites china-us-talks-success: “{STANDING}”"
UNCHANGED = "Nothing changed: every row of {} is as the register holds it."


def _edited(cli: CLI, db: str, folder: Path) -> Path:
    """An export with a pledge's title changed and a new evidence row (no id)."""
    out = export(cli, db, folder)
    edit(out / "pledges.csv", put(2, "title", f"{TITLE}, restated"))
    edit(out / "evidence.csv", append(**NEW))
    return out


def test_the_same_files_imported_twice_change_nothing_the_second_time(
    cli: CLI, seeded: str, tmp_path: Path
) -> None:
    out = _edited(cli, seeded, tmp_path / "out")
    first = cli("import", str(out), "--db", seeded, "--reason", "review")
    assert (first.code, first.out, first.err) == (
        0,
        f"~ cn-carbon-neutrality-2060: title: {TITLE} → {TITLE}, restated\n{CITED}\n"
        "= 11 pledges, 21 evidence, 5 sources and 3 actors left alone\n",
        f"Made 2 changes from {FILES}.\n",
    )
    before = snapshot(seeded)
    again = cli("import", str(out), "--db", seeded, "--reason", "review")
    assert (again.code, again.out, again.err) == (
        0,
        "= 12 pledges, 22 evidence, 5 sources and 3 actors left alone\n",
        UNCHANGED.format(FILES) + "\n",
    )
    dry = cli("import", str(out), "--db", seeded, "--dry-run")
    assert (dry.code, dry.out) == (0, again.out)
    assert dry.err == (
        f"Nothing would change: every row of {FILES} is as the register holds it; nothing was "
        "written.\n"
    )
    assert snapshot(seeded) == before
    verified = cli("log", "verify", "--db", seeded)
    assert verified.code == 0, verified.err


def test_a_repeated_quote_that_says_something_else_is_refused(
    cli: CLI, seeded: str, tmp_path: Path
) -> None:
    """Only a row that says what the register holds is left alone: the same quote with another
    stance is a second citation, refused as cite refuses it."""
    out = _edited(cli, seeded, tmp_path / "out")
    assert cli("import", str(out), "--db", seeded, "--reason", "review").code == 0
    edit(out / "evidence.csv", put(23, "stance", "contradicts"))
    before = snapshot(seeded)
    result = cli("import", str(out), "--db", seeded, "--reason", "review")
    assert (result.code, result.out, result.err) == (
        2,
        "",
        "Error: evidence.csv:23:quote: pledge cn-co2-peak-2030 already cites this quote of "
        "china-us-talks-success (evidence in this import or the register) — keep one row per "
        "quote; nothing was written\n",
    )
    assert snapshot(seeded) == before


def test_a_new_row_twice_in_one_file_is_refused(cli: CLI, seeded: str, tmp_path: Path) -> None:
    """A row matches the register's evidence once: the same new row twice is still a quote cited
    twice, as in a first import."""
    out = _edited(cli, seeded, tmp_path / "out")
    assert cli("import", str(out), "--db", seeded, "--reason", "review").code == 0
    edit(out / "evidence.csv", append(**NEW))
    result = cli("import", str(out), "--db", seeded, "--reason", "review")
    assert result.code == 2
    assert result.err.startswith("Error: evidence.csv:24:quote: pledge cn-co2-peak-2030 already ")


def test_a_new_deprecated_row_imported_twice_is_added_once(
    cli: CLI, seeded: str, tmp_path: Path
) -> None:
    """Deprecated evidence brought over without an id (it does not count, so cite's rule does
    not apply to it) is matched too: the second import leaves it alone."""
    out = export(cli, seeded, tmp_path / "out")
    old = {**NEW, "rank": "deprecated", "deprecated_reason": "a better quote exists"}
    edit(out / "evidence.csv", append(**old))
    first = cli("import", str(out), "--db", seeded, "--reason", "restore")
    assert (first.code, first.out.splitlines()[0]) == (0, CITED)
    again = cli("import", str(out), "--db", seeded, "--reason", "restore")
    assert (again.code, again.out, again.err) == (
        0,
        "= 12 pledges, 22 evidence, 5 sources and 3 actors left alone\n",
        UNCHANGED.format(FILES) + "\n",
    )
    verified = cli("log", "verify", "--db", seeded)
    assert verified.code == 0, verified.err


def _first_rows(out: Path, keep: int) -> None:
    """Each file cut to its header and its first `keep` rows."""

    def cut(rows: Rows) -> None:
        del rows[1 + keep :]

    for name in FILES.split(", "):
        edit(out / name, cut)


def test_counts_are_in_words_singular_and_plural(cli: CLI, seeded: str, tmp_path: Path) -> None:
    out = export(cli, seeded, tmp_path / "out")
    _first_rows(out, 1)
    one = cli("import", str(out), "--db", seeded, "--reason", "one")
    assert (one.code, one.out, one.err) == (
        0,
        "= 1 pledge, 1 evidence, 1 source and 1 actor left alone\n",
        UNCHANGED.format(FILES) + "\n",
    )
    for name in ("actors.csv", "sources.csv", "evidence.csv"):
        (out / name).unlink()
    edit(out / "pledges.csv", put(2, "title", f"{TITLE}, restated"))
    changed = cli("import", str(out), "--db", seeded, "--reason", "one")
    assert (changed.code, changed.out, changed.err) == (
        0,
        f"~ cn-carbon-neutrality-2060: title: {TITLE} → {TITLE}, restated\n",
        "Made 1 change from pledges.csv.\n",
    )
    verbose = cli("import", str(out), "--db", seeded, "--dry-run", "--verbose")
    assert (verbose.code, verbose.out) == (0, "= cn-carbon-neutrality-2060: left alone\n")


def test_counts_have_thousands_separators() -> None:
    plan = Plan(["pledges.csv", "evidence.csv"])
    plan.unchanged["pledges"] = [f"p-{n}" for n in range(9_990)]
    plan.unchanged["evidence"] = [str(n) for n in range(20_000)]
    assert list(lines(plan)) == ["= 9,990 pledges and 20,000 evidence left alone"]
    assert list(lines(plan, verbose=True))[-1] == "= evidence: 20,000 left alone"


def test_every_refused_row_is_listed_at_once(cli: CLI, seeded: str, tmp_path: Path) -> None:
    """Bad cells and a quote cited twice, in one list: up to twenty, then
    how many more, and 'nothing was written' once, at the end."""
    out = export(cli, seeded, tmp_path / "out")
    for number in range(2, 14):  # every pledge
        edit(out / "pledges.csv", put(number, "confidence", "certain"))
    for number in range(2, 12):  # ten evidence rows
        edit(out / "evidence.csv", put(number, "stance", "maybe"))
    edit(out / "evidence.csv", append(**NEW))
    edit(out / "evidence.csv", append(**NEW))
    before = snapshot(seeded)
    result = cli("import", str(out), "--db", seeded, "--reason", "bad")
    assert (result.code, result.out) == (2, "")
    said = result.err.splitlines()
    assert said[0] == "Error: 23 problems in the files:"
    assert said[1] == (
        "  pledges.csv:2:confidence: confidence 'certain' is not allowed — use low, medium or high"
    )
    assert [line.split(": ")[0] for line in said[1:21]] == [
        *(f"  pledges.csv:{n}:confidence" for n in range(2, 14)),
        *(f"  evidence.csv:{n}:stance" for n in range(2, 10)),
    ]
    assert said[21:] == ["  and 3 more", "Nothing was written: mend them and import again."]
    assert "nothing was written" not in result.err
    assert snapshot(seeded) == before
    # A quote cited twice (cite's rule) is listed with the bad cells, not after them.
    fresh = export(cli, seeded, tmp_path / "fresh")
    edit(fresh / "pledges.csv", put(2, "confidence", "certain"))
    edit(fresh / "evidence.csv", append(**NEW))
    edit(fresh / "evidence.csv", append(**NEW))
    both = cli("import", str(fresh), "--db", seeded, "--reason", "bad")
    assert (both.code, both.out) == (2, "")
    assert both.err.splitlines() == [
        "Error: 2 problems in the files:",
        "  pledges.csv:2:confidence: confidence 'certain' is not allowed — use low, medium or high",
        "  evidence.csv:24:quote: pledge cn-co2-peak-2030 already cites this quote of "
        "china-us-talks-success (evidence in this import or the register) — keep one row per "
        "quote",
        "Nothing was written: mend them and import again.",
    ]
    assert snapshot(seeded) == before
