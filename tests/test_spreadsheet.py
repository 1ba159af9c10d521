"""A real spreadsheet: an `--excel` export goes through LibreOffice Calc and comes back whole.

Each exported CSV is opened in Calc with every column as text (what Data > Text Import with the
column type Text does), saved as .xlsx, and the .xlsx saved back as CSV: UTF-8, comma-separated,
quoted where needed. Every cell must then be what was exported, and importing the folder must
change nothing.

Calc changes two things, and both are handled where they belong:

- it keeps a line break inside a cell as '\\n' alone, so the '\\r\\n' of an article saved on
  Windows comes back as '\\n'. The import takes a value that differs from the register's only by
  its line breaks as the register's value, and gives a source's text back its '\\r\\n' when that
  is what its sha256 was taken of. The cells are compared here with that one difference allowed;
  the import then has to show it changes nothing.
- it may write no byte-order mark (LibreOffice 7.4 writes none, whatever its filter options say).
  The import does not need it: a leading apostrophe always marks an escape in an exported CSV, so
  the files are imported as Calc left them.

A plain export saved by Calc as it saves a semicolon CSV by default (Windows-1252, ';') imports
with no change too, the import saying how it read each file.

Without `soffice` on PATH the tests are skipped, except under CI=true, where they fail.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pledges import repository as repo
from pledges.db import unit_of_work
from pledges.schema import text_sha256
from pledges.transfer.tables import TABLES, restore
from tests.conftest import CLI
from tests.registers import copy_of, empty, seeded_template

BOM = "\ufeff"
TEXT = 2  # Calc's column type Text, in the import filter's column/type pairs
COLUMNS = max(len(table.columns) for table in TABLES)
CSV_FILTER = "Text - txt - csv (StarCalc)"
# Tokens: separator ',' (44), text delimiter '"' (34), UTF-8 (76), from line 1, every column as
# Text, English (1033), quoted fields not forced to text, no special numbers, (export only: as
# shown, no formulas), spaces kept, (export only: sheet), formulas not evaluated.
READ_CSV = (
    f"{CSV_FILTER}:44,34,76,1,{'/'.join(f'{n}/{TEXT}' for n in range(1, COLUMNS + 1))},"
    "1033,false,false,true,false,false,0,false"
)
# Tokens: ',', '"', UTF-8, (import only: line, types), English, quote only where needed, (import
# only), cells as shown, values not formulas, (import only), first sheet, (import only), and a
# byte-order mark (where the version honours that token: 7.4 does not).
WRITE_CSV = f"csv:{CSV_FILTER}:44,34,76,1,,1033,false,false,true,false,false,0,false,true"

# An article saved on Windows: its lines end in '\r\n'.
ARTICLE = (
    "- Paris, 29 février 2024 -\r\n"
    "« Nous agirons », a dit Zoë Ünal — “we will act,” she said.\r\n"
    "The plan\u2019s \u2018core\u2019 \u2013 碳达峰 (carbon peaking) \u2013 holds; "
    "emissions fall by 0.1 percent a year.\r\n"
    "=SUM(A1:A2) is no formula here, and neither is +1 or @home.\r\n"
    "\r\n"
    '\tAn indented line, with “quotes”, commas, and a "straight" quote.\r\n'
)

TABBED = "\tAn indented line, not in the article"
# Cells the export must hold for the test to mean anything: each is hard for a spreadsheet.
HARD = {
    "=SUM(A1:A2)", "+1.5 °C stays “alive” — 保持", "-2 % a year, \u2018roughly\u2019", "-0.5",
    "@COP28: \u2018keep 1.5 alive\u2019", "'an apostrophe first", TABBED,
    "-not the pledge\u2019s words", "First line — “quoted”\r\nsecond line\nthird line",
    "CO₂;CH₄\\;N₂O", "Élysée;法国;Paris\\;Île-de-France", "0.1", "0.30000000000000004",
    "2024-02-29", "true", "",
}  # fmt: skip


@pytest.fixture
def soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(
                "LibreOffice is required under CI=true and soffice is not on PATH — install "
                "libreoffice-calc ('python3 tasks.py test' does under CI=true)"
            )
        pytest.skip("LibreOffice is not installed (no soffice on PATH); install libreoffice-calc")
    return found


def calc(soffice: str, profile: Path, files: list[Path], to: str, out: Path, *extra: str) -> None:
    """Convert `files` with one headless LibreOffice, whose profile is the test's own (so that
    runs side by side do not share one instance)."""
    command = [
        soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
        *extra, "--convert-to", to, "--outdir", str(out), *map(str, files),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    suffix = to.split(":", 1)[0]
    missing = [f.name for f in files if not (out / f"{f.stem}.{suffix}").is_file()]
    assert done.returncode == 0 and not missing, (
        f"LibreOffice did not convert {', '.join(missing) or 'the files'} to {suffix} "
        f"(exit {done.returncode}): {done.stdout}{done.stderr}"
    )


def cells(path: Path) -> list[list[str]]:
    """The cells of an `--excel` CSV file, as the import reads them."""
    text = path.read_bytes().decode("utf-8")
    rows = csv.reader(io.StringIO(text.removeprefix(BOM), newline=""), strict=True)
    return [[restore(value) for value in row] for row in rows if any(row)]


def line_breaks(value: str) -> str:
    """A value as Calc keeps it: each line break inside a cell is '\\n'."""
    return re.sub(r"\r\n?", "\n", value)


def differences(name: str, exported: list[list[str]], back: list[list[str]]) -> list[str]:
    """Each cell that did not survive, named by file, row (as a spreadsheet numbers it) and
    column; a cell whose line breaks alone changed survived."""
    found = []
    header = exported[0]
    if len(back) != len(exported):
        found.append(f"{name}: {len(exported)} rows exported, {len(back)} came back")
    for number, (before, after) in enumerate(zip(exported, back, strict=False), 1):
        if len(after) != len(before):
            found.append(f"{name}:{number}: {len(before)} cells exported, {len(after)} came back")
        for column, old, new in zip(header, before, after, strict=False):
            if line_breaks(old) != line_breaks(new):
                found.append(f"{name}:{number}:{column}: exported {old!r}, came back {new!r}")
    return found


def added_evidence(result: str) -> str:
    match = re.search(r"Added evidence (\d+)", result)
    assert match, result
    return match.group(1)


def build(cli: CLI, url: str, folder: Path) -> None:
    """Add to the seed register values that are hard for a spreadsheet: typographic quotes and
    dashes, accents, CJK, cells that start like a formula or with an apostrophe, a line break
    inside a cell ('\\n' and '\\r\\n'), a leading tab, 0.1 and other floats, a leap day."""

    def ok(*args: str, reason: str = "spreadsheet test") -> str:
        result = cli(*args, "--db", url, "--author", "test", "--reason", reason)
        assert result.code == 0, f"pledges {' '.join(args)}: {result.err}"
        return result.err

    article = folder / "article.txt"
    article.write_bytes(ARTICLE.encode("utf-8"))
    ok("actor", "add", "FR", "--name", "République française", "--kind", "country",
       "--alias", "Élysée", "--alias", "法国", "--alias", "Paris;Île-de-France")  # fmt: skip
    ok("source", "add", str(article), "--id", "fr-hard-article",
       "--title", "“Nous agirons” \u2013 Zoë\u2019s pledge — 碳达峰",
       "--publisher", "Le Monde — Élysée desk",
       "--published", "2024-02-29", "--date-inferred",
       "--date-note", "@desk: inferred from “jeudi dernier”", "--retrieved", "2024-03-01",
       "--url", 'https://example.org/zoë?a=1,2&b="x"', "--language", "fr",
       "--notes", "+ checked against the print edition\nand a second line")  # fmt: skip
    ok("add", "fr-sum-formula", "--title", "=SUM(A1:A2)", "--actor", "FR",
       "--kind", "emissions_reduction", "--target-year", "2030", "--target-value", "0.1",
       "--target-unit", "% of GDP \u2013 “green”", "--baseline-year", "2005",
       "--gas", "CO₂", "--gas", "CH₄;N₂O", "--announced-on", "2024-02-29",
       "--statement", "First line — “quoted”\r\nsecond line\nthird line",
       "--notes", "'an apostrophe first")  # fmt: skip
    ok("add", "fr-plus-formula", "--title", "+1.5 °C stays “alive” — 保持", "--actor", "FR",
       "--actor", "CN", "--kind", "cooperation", "--target-value", "0.30000000000000004",
       "--target-unit", "°C", "--formality", "in_policy", "--status", "in_progress",
       "--notes", "-2 % a year, \u2018roughly\u2019")  # fmt: skip
    ok("add", "fr-at-mention", "--title", "@COP28: \u2018keep 1.5 alive\u2019", "--actor", "FR",
       "--kind", "diplomatic_process", "--target-value", "-0.5", "--target-unit", "%",
       "--parent-id", "fr-sum-formula", "--notes", '=HYPERLINK("https://example.org")')  # fmt: skip
    ok("cite", "fr-sum-formula", "fr-hard-article", "--quote", "“we will act,” she said",
       "--note", "=1+1")  # fmt: skip
    ok("cite", "fr-plus-formula", "fr-hard-article", "--quote", "碳达峰 (carbon peaking)",
       "--asserts-status", "in_progress", "--note", "line one\nline two")  # fmt: skip
    ok("cite", "fr-at-mention", "fr-hard-article", "--quote",
       "a dit Zoë Ünal — “we will act,” she said.\r\nThe plan\u2019s \u2018core\u2019",
       "--note", "@analyst: \u2018spot-check\u2019")  # fmt: skip
    # cite stores a quote it finds as the article writes it, from its first word: a quote kept
    # with its leading tab is one the article does not hold
    tabbed = ok("cite", "fr-plus-formula", "fr-hard-article", "--quote", TABBED,
                "--allow-unlocated")  # fmt: skip
    ok("evidence", "deprecate", added_evidence(tabbed), reason="-not the pledge\u2019s words")


def test_an_excel_export_survives_a_round_trip_through_libreoffice(
    cli: CLI, soffice: str, tmp_path: Path
) -> None:
    url = copy_of(seeded_template(tmp_path), tmp_path)
    build(cli, url, tmp_path)
    exported, sheets, back = tmp_path / "exported", tmp_path / "xlsx", tmp_path / "back"
    result = cli("export", "--db", url, "--format", "csv", "--out", str(exported), "--excel")
    assert result.code == 0, result.err
    files = [exported / table.file for table in TABLES]
    profile = tmp_path / "libreoffice-profile"
    calc(soffice, profile, files, "xlsx", sheets, f"--infilter={READ_CSV}")
    calc(soffice, profile, [sheets / f"{f.stem}.xlsx" for f in files], WRITE_CSV, back)
    # --excel keeps each source's text out of the cells, in texts/ beside the files: kept there
    assert (exported / "texts" / "fr-hard-article.txt").read_bytes() == ARTICLE.encode("utf-8")
    shutil.copytree(exported / "texts", back / "texts")

    for table in TABLES:  # --excel writes the mark that tells Excel the file is UTF-8
        assert (exported / table.file).read_bytes().startswith(BOM.encode()), table.file
    original = {table.file: cells(exported / table.file) for table in TABLES}
    exported_values = {value for rows in original.values() for row in rows for value in row}
    assert exported_values >= HARD, f"the export lacks {HARD - exported_values}"
    problems = [
        problem
        for table in TABLES
        for problem in differences(table.file, original[table.file], cells(back / table.file))
    ]
    assert not problems, "cells changed by the round trip:\n" + "\n".join(problems)

    dry = cli("import", str(back), "--db", url, "--dry-run")
    assert dry.code == 0, dry.err
    pledge_ids = {row[0] for row in original["pledges.csv"][1:]}
    counts = {table.name: len(original[table.file]) - 1 for table in TABLES}
    assert dry.out == (
        f"= {len(pledge_ids)} pledges, {counts['evidence']} evidence, {counts['sources']} "
        f"sources and {counts['actors']} actors left alone\n"
    ), dry.out
    assert dry.err.startswith("Nothing would change: every row of "), dry.err
    assert dry.err.endswith(" is as the register holds it; nothing was written.\n"), dry.err

    # In a register that does not hold them yet, the sources are added with the very text they
    # were exported with: the one their sha256 was taken of, '\r\n' and all.
    only = tmp_path / "sources-only"
    only.mkdir()
    for name in ("actors.csv", "sources.csv"):
        shutil.copyfile(back / name, only / name)
    shutil.copytree(back / "texts", only / "texts")
    other = empty(tmp_path / "other.db")
    added = cli("import", str(only), "--db", other, "--author", "test", "--reason", "elsewhere")
    assert added.code == 0, added.err
    header, *rows = original["sources.csv"]
    exported_sha256 = {row[0]: row[header.index("sha256")] for row in rows}
    with unit_of_work(other) as session:
        for source_id, sha256 in exported_sha256.items():
            source = repo.get_source(session, source_id)
            assert source is not None and text_sha256(source.text) == sha256, source_id
        article = repo.get_source(session, "fr-hard-article")
    assert article is not None and article.text == ARTICLE


# Tokens: separator ';' (59), '"', the system's single-byte character set (Windows-1252 for
# English), from line 1: what Calc saves where a comma is the decimal mark, unless told 'UTF-8'.
WRITE_SEMICOLON_ANSI = f"csv:{CSV_FILTER}:59,34,ANSI,1"


def test_a_libreoffice_save_in_cp1252_with_semicolons_imports_with_no_change(
    cli: CLI, soffice: str, tmp_path: Path
) -> None:
    url = copy_of(seeded_template(tmp_path), tmp_path)
    exported, sheets, back = tmp_path / "exported", tmp_path / "xlsx", tmp_path / "back"
    result = cli("export", "--db", url, "--format", "csv", "--out", str(exported))
    assert result.code == 0, result.err
    files = [exported / table.file for table in TABLES]
    profile = tmp_path / "libreoffice-profile"
    calc(soffice, profile, files, "xlsx", sheets, f"--infilter={READ_CSV}")
    calc(soffice, profile, [sheets / f"{f.stem}.xlsx" for f in files], WRITE_SEMICOLON_ANSI, back)
    saved = (back / "evidence.csv").read_bytes()
    assert "\u2019".encode("cp1252") in saved and b";" in saved.split(b"\n", 1)[0], saved[:200]

    dry = cli("import", str(back), "--db", url, "--dry-run", "--reason", "resaved")
    assert dry.code == 0, dry.err
    assert all(line.startswith("= ") for line in dry.out.splitlines()), dry.out
    assert dry.err.splitlines() == [
        "actors.csv: read as UTF-8, separated by ';'",  # ASCII alone: UTF-8 as well
        "sources.csv: read as cp1252, separated by ';'",
        "pledges.csv: read as cp1252, separated by ';'",
        "evidence.csv: read as cp1252, separated by ';'",
        "Nothing would change: every row of actors.csv, sources.csv, pledges.csv, evidence.csv "
        "is as the register holds it; nothing was written.",
    ], dry.err
