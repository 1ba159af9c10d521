"""An export saved again as spreadsheets save it: another character set (UTF-8 with a byte-order
mark, UTF-16, Windows-1252), ';' or a tab between cells, dates with a time, booleans in capitals,
whole numbers as decimals. The import reads it as the export, says how it read each file that is
not UTF-8 and comma-separated, and refuses, in one line, what it cannot tell."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import CLI
from tests.test_transfer import two_processes

FILES = ("actors.csv", "sources.csv", "pledges.csv", "evidence.csv")
SUMMARY = (
    "Nothing would change: every row of " + ", ".join(FILES) + " is as the register holds it; "
    "nothing was written."
)
SAVE = "save it as 'CSV UTF-8' (comma-delimited) and import again"
NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16": "UTF-16", "utf-16-be": "UTF-16"}
Rows = list[list[str]]


def export(cli: CLI, url: str, folder: Path) -> dict[str, Rows]:
    """The register exported as CSV into `folder`, and each file's rows."""
    result = cli("export", "--db", url, "--out", str(folder))
    assert result.code == 0, result.err
    return {name: table(folder / name) for name in FILES}


def table(path: Path) -> Rows:
    return list(csv.reader(io.StringIO(path.read_text("utf-8"), newline=""), strict=True))


def save(
    folder: Path, tables: dict[str, Rows], encoding: str, delimiter: str, newline: str = "\r\n"
) -> Path:
    """`tables` written into `folder` as a spreadsheet would save them. 'utf-16-be' is written
    with its byte-order mark, as Python's 'utf-16' writes the machine's order with one."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows(rows)
        text = out.getvalue()
        data = (
            b"\xfe\xff" + text.encode("utf-16-be")
            if encoding == "utf-16-be"
            else text.encode(encoding)
        )
        (folder / name).write_bytes(data)
    return folder


def edited(
    tables: dict[str, Rows], file: str, key: str, column: str, value: str
) -> dict[str, Rows]:
    """A copy of `tables` with one cell changed: `column` of the row whose first cell is `key`."""
    copy = {name: [list(row) for row in rows] for name, rows in tables.items()}
    header, *rows = copy[file]
    row = next(r for r in rows if r[0] == key)
    row[header.index(column)] = value
    return copy


def described(encoding: str, delimiter: str) -> list[str]:
    """The lines a dry run says how each file was read (none for UTF-8 and ',')."""
    if encoding.startswith("utf-8") and delimiter == ",":
        return []
    separator = "a tab" if delimiter == "\t" else repr(delimiter)
    name = NAMES.get(encoding, encoding)
    lines = []
    for file in FILES:
        # A file that is ASCII alone is UTF-8 too: it is read as such.
        ascii_only = file == "actors.csv" and encoding == "cp1252"
        shown = "UTF-8" if ascii_only else name
        if not (shown == "UTF-8" and delimiter == ","):
            lines.append(f"{file}: read as {shown}, separated by {separator}")
    return lines


def dry_run(cli: CLI, folder: Path, url: str) -> tuple[int, str, str]:
    result = cli("import", str(folder), "--db", url, "--dry-run", "--reason", "x")
    return result.code, result.out, result.err


SAVES = [
    ("utf-8-sig", ","),
    ("utf-8", ";"),
    ("utf-8-sig", "\t"),
    ("utf-16", "\t"),
    ("utf-16-be", ","),
    ("cp1252", ";"),
    ("cp1252", ","),
    ("cp1252", "\t"),
]


@pytest.mark.parametrize(("encoding", "delimiter"), SAVES)
def test_a_register_saved_again_imports_with_no_change(
    cli: CLI, seeded_sqlite: str, tmp_path: Path, encoding: str, delimiter: str
) -> None:
    tables = export(cli, seeded_sqlite, tmp_path / "export")
    if encoding == "cp1252":  # the seed's typographic quotes are in Windows-1252, not in latin-1
        assert "\u2019" in (tmp_path / "export" / "evidence.csv").read_text("utf-8")
    folder = save(tmp_path / "saved", tables, encoding, delimiter)
    code, out, err = dry_run(cli, folder, seeded_sqlite)
    assert code == 0, err
    assert err.splitlines() == [*described(encoding, delimiter), SUMMARY]
    assert all(line.startswith("=") for line in out.splitlines()), out


def test_evidence_read_by_a_second_process_is_named_too(
    cli: CLI, seeded_sqlite: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    two_processes(monkeypatch)
    tables = export(cli, seeded_sqlite, tmp_path / "export")
    folder = save(tmp_path / "saved", tables, "utf-16", "\t")
    code, _, err = dry_run(cli, folder, seeded_sqlite)
    assert (code, err.splitlines()) == (0, [*described("utf-16", "\t"), SUMMARY])


def test_an_edited_cell_in_a_cp1252_semicolon_file_is_one_change(
    cli: CLI, seeded: str, tmp_path: Path
) -> None:
    tables = export(cli, seeded, tmp_path / "export")
    title = "China carbon neutral by 2060 — “net zero”, é"
    changed = edited(tables, "pledges.csv", "cn-carbon-neutrality-2060", "title", title)
    folder = save(tmp_path / "saved", changed, "cp1252", ";")
    code, out, err = dry_run(cli, folder, seeded)
    assert code == 0, err
    assert (
        f"~ cn-carbon-neutrality-2060: title: China carbon neutral by 2060 → {title}"
        in out.splitlines()
    ), out
    assert err.splitlines()[-1].startswith("Would make 1 change from"), err
    result = cli("import", str(folder), "--db", seeded, "--author", "test", "--reason", "resaved")
    assert result.code == 0, result.err
    assert "pledges.csv: read as cp1252, separated by ';'" in result.err.splitlines()
    assert cli("show", "cn-carbon-neutrality-2060", "--db", seeded).out.count(title) >= 1
    verify = cli("log", "verify", "--db", seeded)
    assert verify.code == 0, verify.err
    again = dry_run(cli, folder, seeded)
    assert again[0] == 0 and "Nothing would change" in again[2], again


def refused(cli: CLI, url: str, folder: Path) -> str:
    code, out, err = dry_run(cli, folder, url)
    assert code == 2 and out == "", (code, out, err)
    return err.strip()


def test_a_file_in_no_character_set_it_knows_is_refused(
    cli: CLI, seeded_sqlite: str, tmp_path: Path
) -> None:
    tables = export(cli, seeded_sqlite, tmp_path / "export")
    folder = save(tmp_path / "saved", tables, "cp1252", ",")
    raw = (folder / "pledges.csv").read_bytes()
    # 0x81 is no character in Windows-1252, and é written as in latin-1 is not UTF-8.
    (folder / "pledges.csv").write_bytes(raw.replace(b"China", b"Chin\xe9\x81", 1))
    assert refused(cli, seeded_sqlite, folder) == (
        "Error: pledges.csv: cannot tell which character set the file is in (tried UTF-8, "
        f"UTF-16 and Windows-1252 (cp1252)) — {SAVE}; nothing was written"
    )


def test_a_file_partly_utf8_and_partly_cp1252_is_refused(
    cli: CLI, seeded_sqlite: str, tmp_path: Path
) -> None:
    tables = export(cli, seeded_sqlite, tmp_path / "export")
    folder = save(tmp_path / "saved", tables, "utf-8", ",")
    raw = (folder / "pledges.csv").read_bytes()  # UTF-8 throughout, with typographic quotes
    assert any(byte > 0x7F for byte in raw), "the test needs a character beyond ASCII"
    (folder / "pledges.csv").write_bytes(raw.replace(b"China", b"Chin\xe9", 1))
    line = raw[: min(i for i, byte in enumerate(raw) if byte > 0x7F)].count(b"\n") + 1
    assert refused(cli, seeded_sqlite, folder) == (
        "Error: pledges.csv: the file is partly UTF-8 and partly in another character set "
        f"(line {line}) — {SAVE}; nothing was written"
    )


def test_utf16_without_its_byte_order_mark_is_refused(
    cli: CLI, seeded_sqlite: str, tmp_path: Path
) -> None:
    tables = export(cli, seeded_sqlite, tmp_path / "export")
    folder = save(tmp_path / "saved", tables, "utf-16-le", "\t")
    lines = refused(cli, seeded_sqlite, folder).splitlines()
    assert lines[0] == "Error: 4 problems in the files:"
    for line, table in zip(lines[1:5], FILES, strict=True):
        assert line.startswith(f"  {table}: cannot tell which character set the file is in")
    assert lines[5:] == ["Nothing was written: mend them and import again."]


def test_a_header_under_no_known_separator_is_refused(
    cli: CLI, seeded_sqlite: str, tmp_path: Path
) -> None:
    tables = export(cli, seeded_sqlite, tmp_path / "export")
    folder = save(tmp_path / "saved", tables, "utf-8", "|")
    lines = refused(cli, seeded_sqlite, folder).splitlines()
    assert lines[0] == "Error: 4 problems in the files:"
    assert lines[1] == (
        "  actors.csv:1: the header names none of the columns, whether cells are separated "
        "by ',', ';' or a tab (read as UTF-8) — the columns are id, name, kind, aliases; "
        f"{SAVE}"
    )
    assert [line.split(":")[0] for line in lines[2:5]] == [f"  {t}" for t in FILES[1:]]
    assert lines[5:] == ["Nothing was written: mend them and import again."]


# --- cells --------------------------------------------------------------------------------------

Edit = Callable[[dict[str, Rows]], dict[str, Rows]]
SAME: dict[str, tuple[str, str, str, str]] = {
    "a date with midnight": ("sources.csv", "kerry-no-agreement", "published_on",
                             "2023-07-19 00:00:00"),
    "a date with a T and midnight": ("sources.csv", "kerry-no-agreement", "published_on",
                                     "2023-07-19T00:00:00"),
    "TRUE": ("sources.csv", "kerry-more-work-needed", "date_inferred", "TRUE"),
    "False": ("sources.csv", "kerry-no-agreement", "date_inferred", "False"),
    "a whole number as a decimal": ("pledges.csv", "cn-carbon-neutrality-2060", "target_year",
                                    "2060.0"),
    "an evidence id as a decimal": ("evidence.csv", "1", "id", "1.0"),
}  # fmt: skip


@pytest.mark.parametrize("case", SAME)
def test_a_cell_as_a_spreadsheet_saves_it_is_no_change(
    cli: CLI, seeded_sqlite: str, tmp_path: Path, case: str
) -> None:
    tables = export(cli, seeded_sqlite, tmp_path / "export")
    file, key, column, value = SAME[case]
    folder = save(tmp_path / "saved", edited(tables, file, key, column, value), "utf-8", ",")
    code, _, err = dry_run(cli, folder, seeded_sqlite)
    assert (code, err.splitlines()) == (0, [SUMMARY])


REFUSED: dict[str, tuple[str, str, str, str, str]] = {
    "a date in either order": (
        "pledges.csv", "cn-carbon-neutrality-2060", "announced_on", "7/8/2023",
        "pledges.csv:2:announced_on: announced_on '7/8/2023' is ambiguous (July 8 or 7 August) "
        "— write it as YYYY-MM-DD",
    ),
    "a date day first": (
        "sources.csv", "kerry-no-agreement", "published_on", "18/07/2023",
        "sources.csv:5:published_on: published_on '18/07/2023' is in a local order of day and "
        "month — write it as YYYY-MM-DD (2023-07-18)",
    ),
    "a date with a two-digit year": (
        "sources.csv", "kerry-no-agreement", "published_on", "18.07.23",
        "sources.csv:5:published_on: published_on '18.07.23' is in a local order of day and "
        "month — write it as YYYY-MM-DD",
    ),
    "a decimal for a year": (
        "pledges.csv", "cn-carbon-neutrality-2060", "target_year", "2060.5",
        "pledges.csv:2:target_year: target_year '2060.5' is not a whole number — write it as 2060",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", REFUSED)
def test_a_cell_that_cannot_be_told_is_refused(
    cli: CLI, seeded_sqlite: str, tmp_path: Path, case: str
) -> None:
    tables = export(cli, seeded_sqlite, tmp_path / "export")
    file, key, column, value, message = REFUSED[case]
    folder = save(tmp_path / "saved", edited(tables, file, key, column, value), "cp1252", ";")
    assert refused(cli, seeded_sqlite, folder) == f"Error: {message}; nothing was written"


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "cp1252"]),
    delimiter=st.sampled_from([",", ";", "\t"]),
    crlf=st.booleans(),
)
def test_any_save_round_trips_the_export(
    cli: CLI, seeded_sqlite: str, encoding: str, delimiter: str, crlf: bool
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        tables = export(cli, seeded_sqlite, Path(scratch) / "export")
        folder = save(
            Path(scratch) / "saved", tables, encoding, delimiter, "\r\n" if crlf else "\n"
        )
        code, out, err = dry_run(cli, folder, seeded_sqlite)
        assert code == 0, err
        assert err.splitlines() == [*described(encoding, delimiter), SUMMARY]
        assert all(line.startswith("=") for line in out.splitlines()), out
