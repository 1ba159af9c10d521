"""An import holds the rows its files touch, not the whole register: each file's rows are sieved
as they are read (transfer.unchanged.Settled), a batch at a time, and the check looks up only the
records and ids those rows name (transfer.held).

Whatever is held, the import decides as the full check does: every edited export here is
imported with the sieve and with every row held and read, and the two results (plan, messages,
exit code) must be the same to the letter, on SQLite and PostgreSQL. The batches are made small
here, so that a file's rows span several of them.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from pledges import editing
from pledges.db import opened, transaction, unit_of_work
from pledges.transfer import check, evidence, importing, rows, unchanged
from pledges.transfer.rows import Row, read_files
from tests.conftest import CLI, Result

Rows = list[list[str]]
NOTE = "Checked against the Xinhua report."
CONFLICT = (
    "Error: pledges.csv:4:version: pledge cn-co2-peak-2030 was changed by someone else since you "
    "read it (you had version 1, it is now at version 2); nothing was written — run 'pledges "
    "show cn-co2-peak-2030' to see the latest version, then make your change again; nothing was "
    "written\n"
)


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of a few rows: the seeded register's files each span several."""
    monkeypatch.setattr(rows, "SIEVED", 3)
    monkeypatch.setattr(unchanged, "BATCH", 2)


def export(cli: CLI, url: str, out: Path, *options: str) -> Path:
    done = cli("export", "--db", url, "--out", str(out), *options)
    assert done.code == 0, done.err
    return out


def cells(path: Path) -> Rows:
    return list(csv.reader(io.StringIO(path.read_text("utf-8-sig"), newline="")))


def save(path: Path, table: Rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(table)


def edit(path: Path, key: str, column: str, value: str) -> None:
    """Set one cell of the row whose first cell is `key`."""
    table = cells(path)
    row = next(r for r in table if r[0] == key)
    row[table[0].index(column)] = value
    save(path, table)


def keep_only(path: Path, *keys: str) -> None:
    """The file cut down to the rows whose first cell is one of `keys`."""
    table = cells(path)
    save(path, [table[0], *(r for r in table[1:] if r[0] in keys)])


def append(path: Path, values: dict[str, str]) -> None:
    table = cells(path)
    table.append([values.get(name, "") for name in table[0]])
    save(path, table)


class _HoldsAll:
    """A sieve that keeps every row: the whole files held, every row read."""

    def __init__(self, table: str) -> None:
        self.same: dict[str, int] = {}
        self.other: list[Row] = []

    def add(self, batch: list[Row]) -> None:
        self.other.extend(batch)


def _read_everything(
    session: object, table: str, rows: list[Row], **_: object
) -> tuple[dict[str, int], list[Row]]:
    return {}, rows


def both_ways(
    cli: CLI, url: str, folder: Path, monkeypatch: pytest.MonkeyPatch, *options: str
) -> Result:
    """The import's result, which must be the full check's (nothing left alone), to the letter.
    Run as a dry run, so that both see the same register."""
    args = ("import", str(folder), "--db", url, "--dry-run", "--verbose", *options)
    sieved = cli(*args)
    with monkeypatch.context() as patched:
        patched.setattr(importing, "_sieves", lambda *_: _HoldsAll)
        for module in (check, evidence):
            patched.setattr(module, "settle", _read_everything)
        full = cli(*args)
    assert sieved == full
    return sieved


def test_a_few_changed_rows_are_all_that_is_held(seeded: str, cli: CLI, tmp_path: Path) -> None:
    folder = export(cli, seeded, tmp_path / "out")
    edit(folder / "pledges.csv", "cn-co2-peak-2030", "notes", NOTE)
    edit(folder / "evidence.csv", "3", "note", "A closer reading.")
    with opened(seeded) as engine, transaction(engine) as session:
        files = read_files(folder, False, sieves=importing._sieves(session, folder, False))
    held = {name: [r.cell("id") for r in found or []] for name, found in files.rows.items()}
    assert held == {"actors": [], "sources": [], "pledges": ["cn-co2-peak-2030"],
                    "evidence": ["3"]}  # fmt: skip
    assert len(files.settled["pledges"]) == len(cells(folder / "pledges.csv")) - 2
    assert len(files.settled["evidence"]) == len(cells(folder / "evidence.csv")) - 2
    assert files.settled["evidence"]["1"] == 2  # its row number, for a second row of its id


def test_an_edited_export_is_planned_and_applied_as_the_full_check_does(
    seeded: str, cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = export(cli, seeded, tmp_path / "out")
    edit(folder / "pledges.csv", "cn-co2-peak-2030", "notes", NOTE)
    edit(folder / "pledges.csv", "cn-carbon-neutrality-2060", "target_year", "2060.0")
    table = cells(folder / "evidence.csv")
    first = table[1]
    first[table[0].index("rank")] = "deprecated"
    first[table[0].index("deprecated_reason")] = "Restated more fully in the second article."
    save(folder / "evidence.csv", table)
    done = both_ways(cli, seeded, folder, monkeypatch)
    assert done.code == 0, done.err
    assert f"~ cn-co2-peak-2030: notes: empty → {NOTE}" in done.out
    assert "= cn-carbon-neutrality-2060: left alone\n" in done.out
    applied = cli("import", str(folder), "--db", seeded, "--reason", "review")
    assert applied.code == 0, applied.err
    assert applied.err.endswith(
        "Made 2 changes from actors.csv, sources.csv, pledges.csv, evidence.csv.\n"
    ), applied.err
    again = cli("import", str(folder), "--db", seeded, "--dry-run")
    assert again.err.endswith("is as the register holds it; nothing was written.\n"), again.err


def test_a_row_repeated_in_a_later_batch_is_refused_as_a_second(
    seeded: str, cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = export(cli, seeded, tmp_path / "out")
    table = cells(folder / "pledges.csv")
    save(folder / "pledges.csv", [*table, table[1]])  # the first row again, at the end
    done = both_ways(cli, seeded, folder, monkeypatch)
    assert done.code == 2
    last = len(table) + 1
    assert f"pledges.csv:{last}:id: {table[1][0]} is also on row 2" in done.err, done.err


def test_a_pledge_changed_in_the_register_since_the_export_is_a_conflict(
    seeded: str, cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = export(cli, seeded, tmp_path / "out")
    edit(folder / "pledges.csv", "cn-co2-peak-2030", "notes", NOTE)
    changed = cli("update", "cn-co2-peak-2030", "--notes", "Meanwhile.", "--reason", "r",
                  "--db", seeded)  # fmt: skip
    assert changed.code == 0, changed.err
    done = both_ways(cli, seeded, folder, monkeypatch)
    assert done.code == 2
    assert done.err == CONFLICT, done.err


def test_the_register_changed_after_the_files_were_sieved_is_checked_as_it_is_now(
    seeded: str, cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pledge changed between the reading of the files and the import's transaction: its row,
    as exported, is no longer the register's, and is read and refused as a conflict."""
    folder = export(cli, seeded, tmp_path / "out")
    edit(folder / "pledges.csv", "us-apec-real-results", "notes", NOTE)
    expected = None
    with monkeypatch.context() as patched:  # the same change made before the import: the check
        original = transaction  # what the import opens its transactions with

        def meanwhile(engine: object, *, write: bool = False) -> object:
            if write:
                with unit_of_work(seeded, write=True) as session:
                    who = editing.Who("someone", "meanwhile")
                    editing.update_pledge(session, "cn-co2-peak-2030", {"notes": "Meanwhile."}, who)
            return original(engine, write=write)  # type: ignore[arg-type]

        patched.setattr(importing, "transaction", meanwhile)
        done = cli("import", str(folder), "--db", seeded, "--reason", "review")
    expected = cli("import", str(folder), "--db", seeded, "--dry-run")
    assert done.code == expected.code == 2
    assert done.err == expected.err
    assert done.err == CONFLICT, done.err


def test_a_new_actors_alias_may_not_be_a_name_only_the_register_holds(
    seeded: str, cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = export(cli, seeded, tmp_path / "out")
    keep_only(folder / "actors.csv")  # CN is in the register, not in the file
    append(folder / "actors.csv", {"id": "XX", "name": "Xland", "kind": "country",
                                   "aliases": "Xland;China"})  # fmt: skip
    done = both_ways(cli, seeded, folder, monkeypatch)
    assert done.code == 2
    assert done.err == (
        "Error: actors.csv:2:aliases: the alias 'China' of actor XX is already the name of "
        "actor CN — an alias names one actor only: give another one; nothing was written\n"
    ), done.err


def test_a_new_quote_its_pledge_already_cites_in_the_register_is_refused(
    seeded: str, cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = export(cli, seeded, tmp_path / "out")
    table = cells(folder / "evidence.csv")
    header, stored = table[0], table[1]
    cited = {name: stored[header.index(name)] for name in ("pledge_id", "source_id", "quote")}
    cited["quote"] = cited["quote"].upper()  # cite compares quotes folded
    keep_only(folder / "evidence.csv")  # the quote cited is in the register, not in the file
    append(folder / "evidence.csv", {**cited, "stance": "supports", "rank": "normal",
                                     "note": "Read again."})  # not the stored row: new  # fmt: skip
    done = both_ways(cli, seeded, folder, monkeypatch)
    assert done.code == 2
    assert done.err.startswith(
        f"Error: evidence.csv:2:quote: pledge {cited['pledge_id']} already cites this quote of "
        f"{cited['source_id']}"
    ), done.err


def test_new_rows_may_name_records_only_the_register_holds(
    seeded: str, cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = export(cli, seeded, tmp_path / "out")
    table = cells(folder / "pledges.csv")
    new = dict(zip(table[0], table[1], strict=True))
    new.update(id="cn-new-child", parent_id="cn-co2-peak-2030", version="", title="A new one")
    keep_only(folder / "pledges.csv")
    append(folder / "pledges.csv", new)
    append(folder / "pledges.csv", {**new, "id": "cn-orphan", "parent_id": "cn-nowhere"})
    keep_only(folder / "evidence.csv")
    nowhere = {"pledge_id": "cn-co2-peak-2030", "source_id": "nowhere", "quote": "x"}
    append(folder / "evidence.csv", {**nowhere, "stance": "supports", "rank": "normal"})
    done = both_ways(cli, seeded, folder, monkeypatch)
    assert done.code == 2
    assert "pledges.csv:3:parent_id: the pledge 'cn-nowhere' is not there" in done.err, done.err
    assert "cn-new-child" not in done.err
    keep_only(folder / "pledges.csv", "cn-new-child")
    keep_only(folder / "evidence.csv")
    append(folder / "evidence.csv", {"pledge_id": "cn-co2-peak-2030", "source_id": stored_source(
        folder), "quote": "Not in the text", "stance": "supports", "rank": "normal"})  # fmt: skip
    done = both_ways(cli, seeded, folder, monkeypatch, "--allow-unlocated")
    assert done.code == 0, done.err
    assert "+ cn-new-child" in done.out, done.out


def stored_source(folder: Path) -> str:
    return cells(folder / "sources.csv")[1][0]
