"""An `--excel` export opened in LibreOffice Calc as it opens a CSV file by default, and saved
again as Calc saves by default, with ';' and in Latin-1; a workbook re-saved by Calc.

Calc, told nothing, reads a CSV file in Windows-1252 and detects numbers and dates. Our UTF-8
file then shows 'â€™' for U+2019 and its byte-order mark as 'ï»¿' in the first cell. Saved back by
default (Windows-1252 again) the bytes are the export's; saved as UTF-8 with ';' the import
puts the text back (the 'ï»¿' says how it was misread). Saved in Latin-1, the characters that
Latin-1 lacks ('€', '™' of 'â€™') are '?' and lost: the import refuses, saying so.

Without `soffice` on PATH the tests are skipped, except under CI=true, where they fail.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from openpyxl import load_workbook

from pledges.transfer.tables import TABLES
from tests.conftest import CLI
from tests.registers import copy_of, empty, seeded_template
from tests.test_spreadsheet import CSV_FILTER, READ_CSV, calc, soffice  # noqa: F401  (soffice: the fixture)
from tests.test_workbook import column_of

SEMICOLON_UTF8 = f"csv:{CSV_FILTER}:59,34,76,1"  # ';', '"', UTF-8, from line 1
LATIN_1 = f"csv:{CSV_FILTER}:44,34,12,1"  # ',', '"', ISO-8859-1 (12), from line 1
FILES = ", ".join(table.file for table in TABLES)
NOTHING = (
    f"Nothing would change: every row of {FILES} is as the register holds it; nothing was written."
)
LEFT_ALONE = "= 12 pledges, 21 evidence, 5 sources and 3 actors left alone\n"
LOST = (
    "the file starts with the mark of UTF-8 text and is not UTF-8: a spreadsheet opened it in "
    "another character set and saved it in one that lost characters ('?' in their place) — save "
    "it as 'CSV UTF-8' (comma-delimited) and import again"
)


def in_calc(cli: CLI, soffice: str, url: str, tmp_path: Path, *options: str) -> list[Path]:  # noqa: F811
    """The register's `--excel` export opened in Calc (with its import `options`) and saved as
    .xlsx: the workbooks, one per table, in the export's order."""
    exported, sheets = tmp_path / "exported", tmp_path / "xlsx"
    done = cli("export", "--db", url, "--format", "csv", "--out", str(exported), "--excel")
    assert done.code == 0, done.err
    calc(soffice, tmp_path / "profile", [exported / t.file for t in TABLES], "xlsx", sheets,
         *options)  # fmt: skip
    return [sheets / f"{Path(t.file).stem}.xlsx" for t in TABLES]


def opened_by_default(cli: CLI, soffice: str, tmp_path: Path) -> tuple[str, list[Path]]:  # noqa: F811
    """The seed register, its `--excel` export opened in Calc with no import options and saved
    as .xlsx: the register's url and the workbooks."""
    url = copy_of(seeded_template(tmp_path), tmp_path)
    return url, in_calc(cli, soffice, url, tmp_path)


def saved(soffice: str, tmp_path: Path, books: list[Path], to: str, name: str) -> Path:  # noqa: F811
    """The workbooks saved as CSV by Calc into `name`/, with the export's texts/ beside them."""
    folder = tmp_path / name
    calc(soffice, tmp_path / "profile", books, to, folder)
    shutil.copytree(tmp_path / "exported" / "texts", folder / "texts")
    return folder


def test_calc_defaults_a_semicolon_and_a_latin1_save(
    cli: CLI,
    soffice: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    url, books = opened_by_default(cli, soffice, tmp_path)
    first = load_workbook(books[0]).active
    assert first is not None and first["A1"].value == "ï»¿id"  # how Calc misread the mark

    plain = saved(soffice, tmp_path, books, "csv", "default")
    for table in TABLES:  # Windows-1252 back again: the export's bytes, line ends aside
        exported = (tmp_path / "exported" / table.file).read_bytes()
        assert (plain / table.file).read_bytes() == exported.replace(b"\r\n", b"\n"), table.file
    dry = cli("import", str(plain), "--db", url, "--dry-run")
    assert (dry.code, dry.out, dry.err) == (0, LEFT_ALONE, NOTHING + "\n")

    semicolon = saved(soffice, tmp_path, books, SEMICOLON_UTF8, "semicolon")
    assert (semicolon / "pledges.csv").read_bytes().startswith('"ï»¿id";'.encode())
    dry = cli("import", str(semicolon), "--db", url, "--dry-run")
    assert (dry.code, dry.out) == (0, LEFT_ALONE), dry.err
    how = "read as UTF-8 that a spreadsheet had opened as cp1252, separated by ';'"
    assert dry.err.splitlines() == [*(f"{t.file}: {how}" for t in TABLES), NOTHING]

    latin = saved(soffice, tmp_path, books, LATIN_1, "latin-1")
    assert b"world\xe2??s largest" in (latin / "evidence.csv").read_bytes()
    dry = cli("import", str(latin), "--db", url, "--dry-run")
    assert (dry.code, dry.out) == (2, "")
    assert dry.err.splitlines() == [
        "Error: 2 problems in the files:",
        f"  pledges.csv:7: {LOST}",
        f"  evidence.csv:2: {LOST}",
        "Nothing was written: mend them and import again.",
    ], dry.err


NOTE = "Checked again against the Xinhua report."
ONE_CHANGE = (
    f"~ cn-co2-peak-2030: notes: empty → {NOTE}\n"
    "= 11 pledges, 21 evidence, 5 sources and 3 actors left alone\n"
)


def noted(book: Path, sheet: str | None = None) -> None:
    """The notes of cn-co2-peak-2030 written in `book`, as a person would with openpyxl."""
    opened = load_workbook(book)
    pledges = opened[sheet] if sheet else opened.active
    assert pledges is not None
    row = next(
        r for r in range(2, pledges.max_row + 1) if pledges.cell(r, 1).value == "cn-co2-peak-2030"
    )
    pledges.cell(row, column_of(pledges, "notes")).value = NOTE
    opened.save(book)


def test_one_cell_edited_in_calc_made_sheets_is_one_change(
    cli: CLI,
    soffice: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    url, books = opened_by_default(cli, soffice, tmp_path)
    noted(next(b for b in books if b.stem == "pledges"))
    back = saved(soffice, tmp_path, books, "csv", "default")
    dry = cli("import", str(back), "--db", url, "--dry-run")
    assert dry.code == 0, dry.err
    assert dry.out == ONE_CHANGE, dry.out
    assert dry.err.splitlines()[-1] == (
        f"Would make 1 change from {FILES}; nothing was written."
    ), dry.err


def test_one_cell_edited_in_a_workbook_resaved_by_calc_is_one_change(
    cli: CLI,
    soffice: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    url = copy_of(seeded_template(tmp_path), tmp_path)
    book = tmp_path / "register.xlsx"
    assert cli("export", "--db", url, "--format", "xlsx", "--out", str(book)).code == 0
    noted(book, "pledges")
    again = tmp_path / "again"
    calc(soffice, tmp_path / "profile", [book], "xlsx", again)
    shutil.copytree(tmp_path / "register.texts", again / "register.texts")
    dry = cli("import", str(again / "register.xlsx"), "--db", url, "--dry-run")
    assert dry.code == 0, dry.err
    assert dry.out == ONE_CHANGE, dry.out
    assert dry.err.splitlines()[-1] == (
        "Would make 1 change from register.xlsx; nothing was written."
    ), dry.err


# A text in French that Latin-1 holds whole (no typographic quotes or dashes).
FRENCH = (
    "Bruxelles, le 14 juillet 2021. La Commission européenne a présenté un paquet de mesures "
    "qui doit permettre à l'Union de réduire ses émissions nettes d'au moins 55 % d'ici 2030, "
    "par rapport à 1990, et d'atteindre la neutralité climatique en 2050.\n"
)


def french_register(cli: CLI, tmp_path: Path) -> str:
    """A register whose every character Latin-1 holds: one actor, source, pledge and quote."""
    url = empty(tmp_path / "french.db")
    article = tmp_path / "article.txt"
    article.write_text(FRENCH, encoding="utf-8")
    for args in (
        ("actor", "add", "EU", "--name", "Union européenne", "--kind", "bloc",
         "--alias", "Commission européenne", "--alias", "l'Union"),
        ("source", "add", str(article), "--id", "ce-paquet-55", "--title",
         "La Commission présente son paquet « 55 % »", "--published", "2021-07-14",
         "--language", "fr"),
        ("add", "eu-moins-55-2030", "--title", "L'Union réduit ses émissions nettes de 55 %",
         "--actor", "EU", "--kind", "emissions_reduction", "--target-year", "2030",
         "--target-value", "55", "--target-unit", "%", "--baseline-year", "1990"),
        ("cite", "eu-moins-55-2030", "ce-paquet-55", "--quote",
         "réduire ses émissions nettes d'au moins 55 % d'ici 2030"),
    ):  # fmt: skip
        done = cli(*args, "--db", url, "--author", "test", "--reason", "Latin-1 test")
        assert done.code == 0, done.err
    return url


def test_a_latin1_save_of_what_latin1_holds_changes_nothing_and_one_edit_one_thing(
    cli: CLI,
    soffice: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    url = french_register(cli, tmp_path)
    books = in_calc(cli, soffice, url, tmp_path, f"--infilter={READ_CSV}")
    latin = saved(soffice, tmp_path, books, LATIN_1, "latin-1")
    assert "é".encode("latin-1") in (latin / "pledges.csv").read_bytes()
    dry = cli("import", str(latin), "--db", url, "--dry-run")
    assert (dry.code, dry.out) == (0, "= 1 pledge, 1 evidence, 1 source and 1 actor left alone\n")
    assert dry.err.splitlines() == [
        *(f"{t.file}: read as cp1252, separated by ','" for t in TABLES),
        NOTHING,
    ], dry.err

    pledges = load_workbook(tmp_path / "xlsx" / "pledges.xlsx")
    sheet = pledges.active
    assert sheet is not None
    sheet.cell(2, column_of(sheet, "notes")).value = "Vérifié à nouveau en août."
    pledges.save(tmp_path / "xlsx" / "pledges.xlsx")
    edited = saved(soffice, tmp_path, books, LATIN_1, "edited")
    dry = cli("import", str(edited), "--db", url, "--dry-run")
    assert (dry.code, dry.out) == (
        0,
        "~ eu-moins-55-2030: notes: empty → Vérifié à nouveau en août.\n"
        "= 1 evidence, 1 source and 1 actor left alone\n",
    ), dry.err
    assert dry.err.splitlines()[-1] == f"Would make 1 change from {FILES}; nothing was written."


def test_a_latin1_save_of_what_latin1_cannot_hold_is_refused_row_by_row(
    cli: CLI,
    soffice: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Read as UTF-8, as Calc's dialog offers when the file has its byte-order mark, and saved
    in Latin-1: Calc writes each typographic quote of the seed register as its plain look-alike
    (or '?'), and each row that lost one is named, with what it lost."""
    url = copy_of(seeded_template(tmp_path), tmp_path)
    books = in_calc(cli, soffice, url, tmp_path, f"--infilter={READ_CSV}")
    latin = saved(soffice, tmp_path, books, LATIN_1, "l1")
    dry = cli("import", str(latin), "--db", url, "--dry-run")
    assert (dry.code, dry.out) == (2, "")
    lines = dry.err.splitlines()
    assert re.fullmatch(r"Error: \d+ problems in the files:", lines[0]), dry.err
    listed = lines[1:-1]
    assert listed and all(
        re.fullmatch(
            r"  (pledges|evidence|sources)\.csv:\d+:\w+: \w+ has ('\?'|\"'\"|'\W') where the "
            r"register has "
            r"'[\u2018\u2019\u201c\u201d\u2013\u2014]': the file was saved in a character "
            r"set that cannot hold it — save it as 'CSV UTF-8' and import again",
            line,
        )
        for line in listed
        if not line.startswith("  and ")
    ), dry.err
    assert lines[-1] == "Nothing was written: mend them and import again."
