"""`pledges export --format xlsx` and `pledges import FILE.xlsx`: one sheet per table with typed
cells, each source's text in FILE.texts/ beside the workbook, read back as the CSV rows are.

The LibreOffice test is skipped without `soffice` on PATH, except under CI=true, where it fails.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pledges.schema import text_sha256
from pledges.vocab import Status
from tests.conftest import CLI
from tests.test_spreadsheet import calc, soffice  # noqa: F401  (soffice: the fixture)

VOCABULARY_COLUMNS = {
    "pledges": ["kind", "formality", "status", "confidence"],
    "evidence": ["stance", "asserts_status", "rank"],
    "sources": ["kind", "format"],
    "actors": ["kind"],
}


def export(cli: CLI, url: str, out: Path) -> None:
    done = cli("export", "--db", url, "--format", "xlsx", "--out", str(out))
    assert done.code == 0, done.err
    assert done.err.startswith(
        f"Wrote {out.name}, {out.stem}.texts/ to {out.parent} (12 pledges, 21 evidence, "
    )


NOTHING = (
    "Nothing would change: every row of actors.csv, sources.csv, pledges.csv, evidence.csv is as "
    "the register holds it; nothing was written.\n"
)


def nothing(book: str) -> str:
    """A dry run's last line when a workbook changes nothing: the workbook is its one file."""
    said = f"Nothing would change: every row of {book} is as the register holds it"
    return said + "; nothing was written.\n"


def dry_run(cli: CLI, url: str, path: Path) -> str:
    """What a dry run's last line says."""
    done = cli("import", str(path), "--db", url, "--dry-run")
    assert done.code == 0, done.err
    return done.err.splitlines(keepends=True)[-1]


def column_of(sheet: Worksheet, name: str) -> int:
    header = [c.value for c in sheet[1]]
    return header.index(name) + 1


def letter(sheet: Worksheet, name: str) -> str:
    return get_column_letter(column_of(sheet, name))


def values(sheet: Worksheet, name: str) -> list[Any]:
    """A column's cells below the header."""
    return [c.value for c in sheet[letter(sheet, name)]][1:]


def test_a_workbook_round_trip_changes_nothing_and_one_cell_one_thing(
    cli: CLI, seeded: str, tmp_path: Path
) -> None:
    book = tmp_path / "register.xlsx"
    export(cli, seeded, book)
    assert dry_run(cli, seeded, book) == nothing("register.xlsx")
    opened = load_workbook(book)
    pledges = opened["pledges"]
    row = next(
        r for r in range(2, pledges.max_row + 1) if pledges.cell(r, 1).value == "cn-co2-peak-2030"
    )
    pledges.cell(row, column_of(pledges, "target_year")).value = 2029
    opened.save(book)
    done = cli("import", str(book), "--db", seeded, "--reason", "one cell")
    assert done.code == 0, done.err
    assert "~ cn-co2-peak-2030: target_year: 2030 → 2029" in done.out
    assert done.err.splitlines()[-1].startswith("Made 1 change from ")
    assert cli("log", "verify", "--db", seeded).code == 0
    shown = cli("show", "cn-co2-peak-2030", "--db", seeded, "--format", "json")
    assert json.loads(shown.out)["pledge"]["target_year"] == 2029


def test_cells_are_typed_and_the_sheets_made_for_people(
    cli: CLI, seeded_sqlite: str, tmp_path: Path
) -> None:
    book = tmp_path / "register.xlsx"
    export(cli, seeded_sqlite, book)
    opened = load_workbook(book)
    assert opened.sheetnames == ["pledges", "evidence", "sources", "actors", "log-head"]
    pledges = opened["pledges"]
    assert pledges.freeze_panes == "A2"
    assert [c.value for c in pledges[1]][:4] == ["id", "title", "statement", "actors"]
    years = values(pledges, "target_year")
    assert 2060 in years and all(isinstance(y, int) for y in years if y is not None)
    sources = opened["sources"]
    published = values(sources, "published_on")
    assert all(isinstance(d, datetime | None) for d in published)
    assert any(isinstance(d, datetime) for d in published)
    inferred = values(sources, "date_inferred")
    assert inferred and all(isinstance(b, bool) for b in inferred)
    assert "text" not in [c.value for c in sources[1]]
    for path in values(sources, "text_path"):
        assert str(path).startswith("register.texts/")
        assert (tmp_path / str(path)).is_file()
    for name, columns in VOCABULARY_COLUMNS.items():
        sheet = opened[name]
        validated = {
            str(cells)
            for rule in sheet.data_validations.dataValidation
            for cells in rule.sqref.ranges
        }
        assert validated == {f"{letter(sheet, c)}2:{letter(sheet, c)}1048576" for c in columns}
        for index in range(1, sheet.max_column + 1):
            assert sheet.column_dimensions[get_column_letter(index)].width >= 10
    assert pledges.column_dimensions["B"].width == 62  # the titles: cut at 60 characters
    head = json.loads(cli("log", "head", "--db", seeded_sqlite, "--format", "json").out)
    rows = list(opened["log-head"].iter_rows(values_only=True))
    assert rows == [("seq", head["seq"]), ("hash", head["hash"])]
    assert validated_statuses(opened) == '"{}"'.format(",".join(s.value for s in Status))


def validated_statuses(opened: Workbook) -> str:
    sheet = opened["pledges"]
    column = letter(sheet, "status")
    rule = next(
        r for r in sheet.data_validations.dataValidation if str(r.sqref).startswith(f"{column}2:")
    )
    return str(rule.formula1)


def test_a_long_article_never_goes_through_a_cell(cli: CLI, seeded: str, tmp_path: Path) -> None:
    book = tmp_path / "register.xlsx"
    export(cli, seeded, book)
    article = ("Beijing — “peak coal use by 2028”, officials said. " * 800)[:40_000] + "\n"
    (tmp_path / "register.texts" / "long-article.txt").write_text(
        article, encoding="utf-8", newline=""
    )
    opened = load_workbook(book)
    sources = opened["sources"]
    header = [c.value for c in sources[1]]
    values = {"id": "long-article", "title": "A long article", "kind": "news", "language": "en",
              "date_inferred": False, "sha256": text_sha256(article),
              "text_path": "register.texts/long-article.txt"}  # fmt: skip
    sources.append([values.get(str(name)) for name in header])
    opened.save(book)
    done = cli("import", str(book), "--db", seeded, "--reason", "long article")
    assert done.code == 0, done.err
    assert "+ sources: 1 added (long-article)" in done.out
    assert cli("log", "verify", "--db", seeded).code == 0
    shown = json.loads(
        cli("source", "show", "long-article", "--db", seeded, "--format", "json").out
    )
    assert shown["source"]["sha256"] == text_sha256(article)
    again = tmp_path / "again" / "again.xlsx"
    again.parent.mkdir()
    done = cli("export", "--db", seeded, "--format", "xlsx", "--out", str(again))
    assert done.code == 0, done.err
    assert (again.parent / "again.texts" / "long-article.txt").read_bytes() == article.encode()
    assert dry_run(cli, seeded, again) == nothing("again.xlsx")


def test_a_wrong_file_or_a_missing_sheet_is_one_line(
    cli: CLI, seeded_sqlite: str, tmp_path: Path
) -> None:
    other = tmp_path / "notes.xlsx"
    other.write_text("not a workbook", encoding="utf-8")
    refused = cli("import", str(other), "--db", seeded_sqlite, "--dry-run")
    assert (refused.code, refused.out) == (2, "")
    assert refused.err == (
        f"Error: {other} is not an Excel workbook (.xlsx) — give the .xlsx file 'pledges export "
        "--format xlsx' wrote, or a spreadsheet's save of it\n"
    )
    book = tmp_path / "register.xlsx"
    export(cli, seeded_sqlite, book)
    opened = load_workbook(book)
    del opened["evidence"]
    opened.save(book)
    refused = cli("import", str(book), "--db", seeded_sqlite, "--dry-run")
    assert (refused.code, refused.out) == (2, "")
    assert refused.err == (
        "Error: register.xlsx has no sheet evidence — keep the sheets the export wrote: pledges, "
        "evidence, sources, actors\n"
    )
    refused = cli("export", "--db", seeded_sqlite, "--format", "xlsx", "--out", str(tmp_path / "x"))
    assert (refused.code, refused.err) == (
        2,
        f"Error: --out {tmp_path / 'x'} does not end in .xlsx — name the workbook, e.g. --out "
        "register.xlsx\n",
    )


def test_a_bad_cell_is_named_by_its_sheet(cli: CLI, seeded_sqlite: str, tmp_path: Path) -> None:
    book = tmp_path / "register.xlsx"
    export(cli, seeded_sqlite, book)
    opened = load_workbook(book)
    pledges = opened["pledges"]
    pledges.cell(2, column_of(pledges, "status")).value = "done"
    opened.save(book)
    refused = cli("import", str(book), "--db", seeded_sqlite, "--dry-run")
    assert (refused.code, refused.out) == (2, "")
    assert refused.err.startswith("Error: register.xlsx[pledges]:2:status: ")


def test_a_workbook_saved_by_libreoffice_imports_unchanged(
    cli: CLI,
    seeded_sqlite: str,
    soffice: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    book = tmp_path / "register.xlsx"
    export(cli, seeded_sqlite, book)
    saved = tmp_path / "saved"
    calc(soffice, tmp_path / "profile", [book], "xlsx", saved)
    shutil.copytree(tmp_path / "register.texts", saved / "register.texts")
    assert dry_run(cli, seeded_sqlite, saved / "register.xlsx") == nothing("register.xlsx")


def test_an_excel_csv_export_keeps_the_texts_out_of_its_cells(
    cli: CLI, seeded: str, tmp_path: Path
) -> None:
    out = tmp_path / "excel"
    done = cli("export", "--db", seeded, "--out", str(out), "--excel")
    assert done.code == 0, done.err
    assert done.err.startswith(
        "Wrote pledges.csv, evidence.csv, sources.csv, actors.csv, texts/, log-head.json to "
    )
    header, *rows = csv.reader(io.StringIO((out / "sources.csv").read_text("utf-8-sig")))
    assert "text" not in header and len(rows) == 5
    for row in rows:
        text = (out / row[header.index("text_path")]).read_text("utf-8")
        assert text_sha256(text) == row[header.index("sha256")]
    assert dry_run(cli, seeded, out) == NOTHING
    # An edited text is refused as a changed text, named by its file's column.
    first = out / rows[0][header.index("text_path")]
    first.write_text(first.read_text("utf-8") + "more", encoding="utf-8")
    refused = cli("import", str(out), "--db", seeded, "--dry-run")
    assert (refused.code, refused.out) == (2, "")
    assert refused.err.startswith(
        f"Error: sources.csv:2:text_path: the text of source {rows[0][0]} differs from the "
        "register's — "
    )
