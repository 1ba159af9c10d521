"""Rows the register holds exactly as written are left alone unread (transfer.unchanged), and a
sources table may leave out the texts of sources the register holds.

The shortcut must never change what an import decides: the plan of every edited export here is
compared, line for line, with the plan the full check makes of the same files (the shortcut
turned off). The shortcut's speed is measured in bench/transfer.py, not here.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from pledges.transfer.rows import Row
from tests.conftest import CLI, Result
from tests.test_import_touched import both_ways

Rows = list[list[str]]


def export(cli: CLI, url: str, out: Path, *options: str) -> Path:
    done = cli("export", "--db", url, "--out", str(out), *options)
    assert done.code == 0, done.err
    return out


def cells(path: Path) -> Rows:
    text = path.read_text("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def save(path: Path, rows: Rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(rows)


def edit(path: Path, key: str, column: str, value: str) -> None:
    """Set one cell of the row whose first cell is `key`."""
    rows = cells(path)
    row = next(r for r in rows if r[0] == key)
    row[rows[0].index(column)] = value
    save(path, rows)


def dry_run(cli: CLI, url: str, folder: Path) -> Result:
    return cli("import", str(folder), "--db", url, "--dry-run", "--verbose")


def test_an_untouched_export_is_left_alone_unread(
    cli: CLI, seeded: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[str] = []
    original = Row.read

    def counted(row: Row, problems: list[object]) -> bool:
        read.append(row.file)
        return original(row, problems)  # type: ignore[arg-type]

    for options in ((), ("--excel",), ("--format", "datapackage")):
        folder = export(cli, seeded, tmp_path / "-".join(options or ("csv",)), *options)
        with monkeypatch.context() as patched:
            patched.setattr(Row, "read", counted)
            done = dry_run(cli, seeded, folder)
        assert done.code == 0, done.err
        assert done.err.endswith("is as the register holds it; nothing was written.\n"), done.err
        assert read == [], options


def test_edits_of_every_kind_are_planned_as_the_full_check_plans_them(
    cli: CLI, seeded: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = export(cli, seeded, tmp_path / "out")
    pledges, evidence_file = folder / "pledges.csv", folder / "evidence.csv"
    edit(pledges, "cn-co2-peak-2030", "notes", "Checked against the Xinhua report.")
    edit(pledges, "us-cn-cop28-success", "evidence_count", "99")  # not read back
    edit(pledges, "cn-carbon-neutrality-2060", "target_year", "2060.0")  # a spreadsheet's number
    rows = cells(evidence_file)
    header = rows[0]
    first = rows[1]
    first[header.index("rank")] = "deprecated"
    first[header.index("deprecated_reason")] = "Restated more fully in the second article."
    save(evidence_file, rows)
    done = both_ways(cli, seeded, folder, monkeypatch)
    assert done.code == 0, done.err
    assert "~ cn-co2-peak-2030: notes: empty → Checked against the Xinhua report." in done.out
    for left_alone in ("cn-carbon-neutrality-2060", "us-cn-cop28-success"):
        assert f"= {left_alone}: left alone\n" in done.out, done.out
    assert done.err.endswith("Would make 2 changes from actors.csv, sources.csv, pledges.csv, "
                             "evidence.csv; nothing was written.\n"), done.err  # fmt: skip


def test_a_row_repeated_exactly_is_refused_as_a_second(
    cli: CLI, seeded: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = export(cli, seeded, tmp_path / "out")
    rows = cells(folder / "pledges.csv")
    save(folder / "pledges.csv", [*rows, rows[1]])
    done = both_ways(cli, seeded, folder, monkeypatch)
    assert (done.code, done.out) == (2, "")
    assert done.err == (
        f"Error: pledges.csv:{len(rows) + 1}:id: {rows[1][0]} is also on row 2 — keep one row per "
        "record; nothing was written\n"
    )


def test_a_changed_text_file_is_refused_though_its_row_is_as_exported(
    cli: CLI, seeded: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = export(cli, seeded, tmp_path / "package", "--format", "datapackage")
    text = folder / "texts" / "china-us-talks-success.txt"
    text.write_text(text.read_text("utf-8") + " An added line.", encoding="utf-8")
    done = both_ways(cli, seeded, folder / "datapackage.json", monkeypatch)
    assert (done.code, done.out) == (2, "")
    assert done.err.startswith(
        "Error: sources.csv:3:text_path: the text of source china-us-talks-success differs from "
        "the register's — "
    ), done.err


@pytest.mark.parametrize("how", ["column removed", "cells emptied"])
def test_a_sources_table_without_texts_keeps_the_registers(
    cli: CLI, seeded: str, tmp_path: Path, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = export(cli, seeded, tmp_path / "out")
    rows = cells(folder / "sources.csv")
    at = rows[0].index("text")
    if how == "column removed":
        rows = [[c for i, c in enumerate(row) if i != at] for row in rows]
    else:
        rows = [rows[0], *([*row[:at], "", *row[at + 1 :]] for row in rows[1:])]
    title = rows[0].index("title")
    was, rows[1][title] = rows[1][title], "China and the US agree to push for COP28's success"
    save(folder / "sources.csv", rows)
    done = both_ways(cli, seeded, folder, monkeypatch)
    assert done.code == 0, done.err
    assert f"~ sources {rows[1][0]}: title: {was} → {rows[1][title]}\n" in done.out, done.out
    assert "Would make 1 change from" in done.err, done.err


def test_a_new_source_still_needs_its_text(cli: CLI, seeded: str, tmp_path: Path) -> None:
    folder = export(cli, seeded, tmp_path / "out")
    rows = cells(folder / "sources.csv")
    header = rows[0]
    new = [*rows[1]]
    new[header.index("id")] = "a-new-article"
    new[header.index("text")] = ""
    new[header.index("sha256")] = ""
    save(folder / "sources.csv", [*rows, new])
    done = cli("import", str(folder), "--db", seeded, "--dry-run")
    assert (done.code, done.out) == (2, "")
    assert done.err == (
        f"Error: sources.csv:{len(rows) + 1}:text: a source needs its text — keep the text cell; "
        "nothing was written\n"
    )


def test_files_without_the_texts_folder_are_still_an_export(
    cli: CLI, seeded: str, tmp_path: Path
) -> None:
    folder = export(cli, seeded, tmp_path / "excel", "--excel")
    shutil.rmtree(folder / "texts")
    done = cli("import", str(folder), "--db", seeded, "--dry-run")
    assert done.code == 0, done.err
    assert done.err.endswith("is as the register holds it; nothing was written.\n"), done.err


def test_a_character_turned_into_a_question_mark_is_refused_not_taken(
    cli: CLI, seeded: str, tmp_path: Path
) -> None:
    """A file saved in a single-byte character set without the typographic apostrophe has '?'
    (or "'") for it: the row is refused, and says what was lost. In a UTF-8 file, or with
    anything else changed too, it is an edit like any other."""
    folder = export(cli, seeded, tmp_path / "out")
    rows = cells(folder / "pledges.csv")
    title = rows[0].index("title")
    number, row = next((n, r) for n, r in enumerate(rows[1:], 2) if r[0] == "cn-co2-peak-2030")
    row[title] = "China\u2019s CO2 peaks by 2030"
    save(folder / "pledges.csv", rows)
    assert cli("import", str(folder), "--db", seeded, "--reason", "typographic").code == 0
    assert cli("export", "--db", seeded, "--out", str(tmp_path / "again")).code == 0
    again = tmp_path / "again" / "pledges.csv"
    rows = cells(again)
    for written, code in (("China?s CO2 peaks by 2030", 2), ("China's CO2 peaks by 2030", 2),
                          ("China?s CO2 peaks by 2030?", 0)):  # fmt: skip
        rows[number - 1][title] = written
        text = io.StringIO()
        csv.writer(text).writerows(rows)
        again.write_bytes(text.getvalue().encode("cp1252"))  # what a Latin-1 save leaves
        done = cli("import", str(tmp_path / "again"), "--db", seeded, "--dry-run")
        assert done.code == code, done.err
        if code == 0:
            assert done.out.startswith("~ cn-co2-peak-2030: title: "), done.out
            continue
        stand_in = repr(written[5])
        assert (done.out, done.err) == ("", (
            f"Error: pledges.csv:{number}:title: title has {stand_in} where the register has "
            "'\u2019': the file was saved in a character set that cannot hold it — save it as "
            "'CSV UTF-8' and import again; nothing was written\n"
        ))  # fmt: skip
    rows[number - 1][title] = "China?s CO2 peaks by 2030"
    save(again, rows)  # in UTF-8: nothing was lost, so '?' is what the curator typed
    done = cli("import", str(tmp_path / "again"), "--db", seeded, "--dry-run")
    assert done.code == 0, done.err
    expected = "~ cn-co2-peak-2030: title: China\u2019s CO2 peaks by 2030 → China?s"
    assert done.out.startswith(expected), done.out
