"""Files are written only inside --out, all or nothing, and record the log's head (issue 12,
items 8 and 9).

`export` (CSV, JSON, data package) and `report` must not write through a symbolic link planted
in --out, nor into the current folder for `--out ""`; a name that holds a folder or a named pipe
is refused by name, and so is a record whose file name the file system cannot hold, before
anything is written. Every export and report records the revision of the log it read
(log-head.json), which the import ignores.

Each test runs the command line and checks the exit code and the message, and that nothing
outside --out changed (a planted link's target above all).
"""

from __future__ import annotations

import csv
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import insert, select

from pledges import history
from pledges.db import opened, transaction, unit_of_work
from pledges.editing import Who, update_pledge
from pledges.errors import InvalidInput
from pledges.models import PledgeRow, SourceRow
from pledges.outfolder import HEAD_FILE, file_name
from pledges.transfer import export
from tests.conftest import CLI
from tests.registers import copy_of, seeded_template
from tests.test_cli import one_line

FORMATS = {  # --format: the files it writes at the top of --out
    "csv": ["actors.csv", "evidence.csv", HEAD_FILE, "pledges.csv", "sources.csv"],
    "json": [HEAD_FILE, "register.json"],
    "datapackage": ["actors.csv", "datapackage.json", "evidence.csv", HEAD_FILE, "pledges.csv",
                    "sources.csv", "texts"],
}  # fmt: skip
REPLACE = "remove or rename it, or choose another folder with --out"
LINKED = (
    "pledges writes only inside --out, never through a link: remove the link, or choose another "
    "folder with --out"
)
BEHIND = (
    "ids are short slugs, so this one was stored behind the tool's back: run 'pledges log "
    "verify' to find the change, and correct the register"
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_template(tmp_path_factory.mktemp("out-folder"))


@pytest.fixture
def url(template: Path, tmp_path: Path) -> str:
    return copy_of(template, tmp_path)


@pytest.fixture
def outside(tmp_path: Path) -> Iterator[Path]:
    """A folder beside --out with a file in it, which no command may touch; checked after."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "target.txt").write_text("not yours\n", encoding="utf-8")
    before = _tree(folder)
    yield folder
    assert _tree(folder) == before


def _tree(folder: Path) -> dict[str, Any]:
    """Every entry below `folder`: a file's bytes, a link's target, or that it is a folder."""
    tree: dict[str, Any] = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.is_symlink():
            tree[name] = ("link", os.readlink(path))
        elif path.is_dir():
            tree[name] = "folder"
        else:
            tree[name] = path.read_bytes()
    return tree


def _export(cli: CLI, url: str, out: Path | str, kind: str = "csv") -> Any:
    return cli("export", "--db", url, "--out", str(out), "--format", kind)


def _plant_pledge(url: str, pledge_id: str) -> None:
    """A pledge added behind the tool's back (an SQL client, a restored file): a copy of
    cn-co2-peak-2030 under `pledge_id`. The tool's own commands refuse such an id."""
    table = PledgeRow.__table__
    with opened(url) as engine, engine.begin() as conn:
        row = conn.execute(select(table).where(table.c.id == "cn-co2-peak-2030")).mappings().one()
        conn.execute(insert(PledgeRow).values({**row, "id": pledge_id}))


def _plant_source(url: str, source_id: str) -> None:
    table = SourceRow.__table__
    with opened(url) as engine, engine.begin() as conn:
        row = conn.execute(select(table).where(table.c.id == "kerry-no-agreement")).mappings().one()
        conn.execute(insert(SourceRow).values({**row, "id": source_id}))


# --- never through a link ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_an_export_replaces_a_planted_link_and_leaves_its_target(
    cli: CLI, seeded: str, tmp_path: Path, outside: Path, kind: str
) -> None:
    """A link planted at each file's name (and at a source's text) is replaced by the file; the
    file it pointed to is unchanged (the `outside` fixture checks it)."""
    out = tmp_path / "out"
    (out / "texts").mkdir(parents=True)
    planted = [name for name in FORMATS[kind] if name != "texts"]
    if kind == "datapackage":
        planted.append("texts/kerry-no-agreement.txt")
    for name in planted:
        (out / name).symlink_to(outside / "target.txt")
    result = _export(cli, seeded, out, kind)
    assert result.code == 0, result.err
    for name in planted:
        assert not (out / name).is_symlink() and (out / name).is_file(), name
    if kind == "datapackage":
        text = (out / "texts" / "kerry-no-agreement.txt").read_text(encoding="utf-8")
        assert "Kerry" in text


def test_the_report_replaces_a_planted_link_and_leaves_its_target(
    cli: CLI, url: str, tmp_path: Path, outside: Path
) -> None:
    site = tmp_path / "site"
    (site / "pledges").mkdir(parents=True)
    for name in ("index.html", "pledges/cn-co2-peak-2030.html", HEAD_FILE):
        (site / name).symlink_to(outside / "target.txt")
    result = cli("report", "--db", url, "--out", str(site))
    assert result.code == 0, result.err
    for name in ("index.html", "pledges/cn-co2-peak-2030.html", HEAD_FILE):
        assert not (site / name).is_symlink(), name
    assert "China peaks CO2 emissions by 2030" in (
        site / "pledges/cn-co2-peak-2030.html"
    ).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("command", "folder"),
    [("datapackage", "texts"), ("report", "pledges"), ("report", "sources"), ("report", "assets")],
)
def test_a_linked_folder_inside_out_is_refused(
    cli: CLI, url: str, tmp_path: Path, outside: Path, command: str, folder: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / folder).symlink_to(outside, target_is_directory=True)
    if command == "report":
        result = cli("report", "--db", url, "--out", str(out))
    else:
        result = _export(cli, url, out, command)
    assert result.code == 2
    assert one_line(result.err) == f"Error: {out / folder} is a symbolic link — {LINKED}"
    assert [p.name for p in out.iterdir()] == [folder]  # nothing was written


# --- --out is a folder -------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["csv", "json", "datapackage", "report"])
def test_an_empty_out_is_refused(
    cli: CLI, url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """`--out ""` is not the current folder."""
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    for out in ("", "  "):
        if command == "report":
            result = cli("report", "--db", url, "--out", out)
        else:
            result = _export(cli, url, out, command)
        assert result.code == 2
        assert one_line(result.err) == (
            f"Error: --out {out!r} names no folder — give the folder to write, e.g. --out export"
        )
    assert list(here.iterdir()) == []


@pytest.mark.parametrize("kind", ["folder", "fifo"])
@pytest.mark.parametrize("command", ["csv", "datapackage", "report"])
def test_a_name_that_is_not_a_file_is_refused_by_name(
    cli: CLI, url: str, tmp_path: Path, kind: str, command: str
) -> None:
    """A folder or a named pipe where a file goes: refused by name, before anything is written.
    A reader holds the pipe open, so that a write to it would not block the test but be seen."""
    out = tmp_path / "out"
    out.mkdir()
    name = "index.html" if command == "report" else "pledges.csv"
    reader = None
    if kind == "folder":
        (out / name).mkdir()
        why = "Is a directory"
    else:
        os.mkfifo(out / name)
        reader = os.open(out / name, os.O_RDONLY | os.O_NONBLOCK)
        why = "Is a named pipe"
    try:
        if command == "report":
            result = cli("report", "--db", url, "--out", str(out))
        else:
            result = _export(cli, url, out, command)
        assert result.code == 2
        assert one_line(result.err) == f"Error: cannot write {out / name} ({why}) — {REPLACE}"
        assert [p.name for p in out.iterdir()] == [name]
        if reader is not None:
            assert os.read(reader, 100) == b""  # nothing was written into the pipe
            assert stat.S_ISFIFO(os.lstat(out / name).st_mode)
    finally:
        if reader is not None:
            os.close(reader)


def test_an_out_that_is_a_named_pipe_is_refused(cli: CLI, url: str, tmp_path: Path) -> None:
    out = tmp_path / "pipe"
    os.mkfifo(out)
    result = _export(cli, url, out)
    assert result.code == 2
    assert one_line(result.err) == (
        f"Error: {out} is a named pipe — give --out a folder (it is created if need be)"
    )


# --- names that cannot be files ----------------------------------------------------------------


LONG_ID = "é" * 60  # 120 bytes in UTF-8, 365 once percent-encoded as a page's name


def _name_max(folder: Path) -> int:
    return os.pathconf(folder, "PC_NAME_MAX")


def test_such_an_id_is_refused_by_every_command_that_makes_one(cli: CLI, url: str) -> None:
    """How a 60-character non-ASCII id can exist: not through the tool, whose ids are slugs."""
    added = cli("add", LONG_ID, "--title", "t", "--actor", "CN", "--kind", "coal", "--reason", "r",
                "--db", url)  # fmt: skip
    assert added.code == 2 and "is not allowed" in added.err
    actor = cli("actor", "add", "É" * 20, "--name", "n", "--kind", "country", "--reason", "r",
                "--db", url)  # fmt: skip
    assert actor.code == 2 and "is not allowed" in actor.err


def test_the_report_refuses_an_id_too_long_for_a_file_before_writing(
    cli: CLI, url: str, tmp_path: Path
) -> None:
    _plant_pledge(url, LONG_ID)
    site = tmp_path / "site"
    result = cli("report", "--db", url, "--out", str(site))
    assert result.code == 2
    name = file_name(LONG_ID, ".html")
    assert len(name.encode()) == 365
    shown = site / "pledges" / (name[:59] + "…")
    assert one_line(result.err) == (
        f"Error: pledge {LONG_ID!r} cannot name a file: {shown} would be 365 bytes long, and "
        f"the file system allows {_name_max(tmp_path)} — {BEHIND}"
    )
    assert not site.exists()  # not even the folders


def test_a_data_package_refuses_a_source_id_too_long_for_a_file(
    cli: CLI, url: str, tmp_path: Path
) -> None:
    source_id = "ü" * 80
    _plant_source(url, source_id)
    out = tmp_path / "package"
    out.mkdir()
    (out / "pledges.csv").write_text("an older export\n", encoding="utf-8")
    result = _export(cli, url, out, "datapackage")
    assert result.code == 2
    name = file_name(source_id, ".txt")
    shown = out / "texts" / (name[:59] + "…")
    assert one_line(result.err) == (
        f"Error: source {source_id!r} cannot name a file: {shown} would be {len(name)} bytes "
        f"long, and the file system allows {_name_max(tmp_path)} — {BEHIND}"
    )
    assert [p.name for p in out.iterdir()] == ["pledges.csv"]
    assert (out / "pledges.csv").read_text(encoding="utf-8") == "an older export\n"


def test_ids_that_differ_only_by_case_are_refused(cli: CLI, url: str, tmp_path: Path) -> None:
    """One file on macOS or Windows: the second page would overwrite the first."""
    _plant_pledge(url, "CN-CO2-PEAK-2030")
    site = tmp_path / "site"
    result = cli("report", "--db", url, "--out", str(site))
    assert result.code == 2
    assert one_line(result.err) == (
        "Error: pledges 'CN-CO2-PEAK-2030' and 'cn-co2-peak-2030' would be written to one file "
        f"on a file system that ignores case ({site / 'pledges' / 'cn-co2-peak-2030.html'}) — "
        f"{BEHIND}"
    )
    assert not site.exists()


def test_an_id_that_is_a_path_stays_inside_out(
    cli: CLI, url: str, tmp_path: Path, outside: Path
) -> None:
    _plant_source(url, "../outside/target")
    out = tmp_path / "package"
    result = _export(cli, url, out, "datapackage")
    assert result.code == 0, result.err
    assert (out / "texts" / "%2E%2E%2Foutside%2Ftarget.txt").is_file()
    with (out / "sources.csv").open(encoding="utf-8", newline="") as stream:
        paths = {row["id"]: row["text_path"] for row in csv.DictReader(stream)}
    assert paths["../outside/target"] == "texts/%2E%2E%2Foutside%2Ftarget.txt"


@given(st.text(min_size=1, max_size=30), st.text(min_size=1, max_size=30))
def test_a_record_file_is_one_name_of_its_own(first: str, second: str) -> None:
    """Whatever the id: one name inside its folder (no separator, not . or .., not hidden),
    which no other id has."""
    name = file_name(first, "")
    assert "/" not in name and "\x00" not in name and not name.startswith(".")
    assert (file_name(second, "") == name) == (first == second)


# --- all or nothing ------------------------------------------------------------------------------


@pytest.mark.parametrize(("processes", "failing"), [(1, "sources"), (2, "sources"), (2, "actors")])
def test_an_export_that_fails_midway_leaves_the_folder_as_it_was(
    cli: CLI,
    url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    processes: int,
    failing: str,
) -> None:
    """A full disk at one file (with two processes, in this one or in the second, which writes
    pledges.csv and then actors.csv): the files of the export before stay as they were, no file
    of this one is left, whole or partial, and the error is the command's one line."""
    out = tmp_path / "out"
    assert _export(cli, url, out).code == 0
    before = _tree(out)
    assert cli("update", "cn-co2-peak-2030", "--notes", "changed", "--reason", "r",
               "--db", url).code == 0  # fmt: skip
    written = export._write_cells

    def full(folder: Any, table: Any, rows: Any, excel: bool) -> int:
        if table.name == failing:
            raise OSError(28, "No space left on device")
        return written(folder, table, rows, excel)

    monkeypatch.setattr(export, "_write_cells", full)
    with pytest.raises(OSError) as raised:
        export.export_csv(url, out, parallel_from=0 if processes == 2 else 10**9)
    assert (raised.value.errno, raised.value.strerror) == (28, "No space left on device")
    assert _tree(out) == before
    result = _export(cli, url, out)  # one process: the register is small
    assert result.code == 2
    assert one_line(result.err).startswith("Error: ")
    assert "No space left on device" in result.err
    assert _tree(out) == before


# --- the log's head ------------------------------------------------------------------------------


def _head(url: str) -> dict[str, Any]:
    with opened(url) as engine, transaction(engine) as session:
        seq, digest = history.head(session)
    return {"seq": seq, "hash": digest}


@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_every_export_records_the_head_of_the_log_it_read(
    cli: CLI, seeded: str, tmp_path: Path, kind: str
) -> None:
    out = tmp_path / "out"
    result = _export(cli, seeded, out, kind)
    assert result.code == 0, result.err
    head = _head(seeded)
    assert head["seq"] > 0 and head["hash"]
    assert json.loads((out / HEAD_FILE).read_text(encoding="utf-8")) == head
    assert sorted(p.name for p in out.iterdir()) == FORMATS[kind]
    anchor = f"{head['seq']}:{head['hash']}"
    assert f"as of revision {head['seq']} of the log (anchor {anchor})." in result.err
    assert cli("log", "verify", "--db", seeded, "--anchor", anchor).code == 0
    if kind == "datapackage":
        package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
        assert package["log_head"] == head


def test_the_head_is_the_revision_the_files_were_read_at(
    cli: CLI, url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A change lands between the export's first look and its read: the export begins again, and
    records the revision its files hold."""
    survey = export._survey
    changed: list[bool] = []

    def survey_then_change(*args: Any) -> Any:
        seen = survey(*args)
        if not changed:  # someone else's edit, once
            changed.append(True)
            with unit_of_work(url, write=True) as session:
                update_pledge(session, "cn-co2-peak-2030", {"notes": "meanwhile"},
                              Who("someone", "an edit meanwhile"))  # fmt: skip
        return seen

    monkeypatch.setattr(export, "_survey", survey_then_change)
    out = tmp_path / "out"
    assert _export(cli, url, out).code == 0
    assert json.loads((out / HEAD_FILE).read_text(encoding="utf-8")) == _head(url)
    assert "meanwhile" in (out / "pledges.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", ["csv", "datapackage"])
def test_the_import_ignores_the_head_file(cli: CLI, url: str, tmp_path: Path, kind: str) -> None:
    out = tmp_path / "out"
    assert _export(cli, url, out, kind).code == 0
    before = _head(url)
    result = cli("import", str(out), "--db", url, "--reason", "again")
    assert result.code == 0, result.err
    assert result.err.startswith("Nothing changed: every row of ")
    assert _head(url) == before


def test_retired_files_go_only_when_the_new_ones_are_committed(tmp_path: Path) -> None:
    """A command's own files left by an earlier run are removed at commit, never on a failure,
    and files of other names are left alone."""
    import re

    from pledges.outfolder import OutFolder

    out = tmp_path / "out"
    (out / "list").mkdir(parents=True)
    for name in ("2.html", "3.html", "notes.txt"):
        (out / "list" / name).write_text("old\n", encoding="utf-8")
    owned = re.compile(r"[0-9]+\.html")
    with pytest.raises(RuntimeError), OutFolder(out) as folder:
        folder.plan("list", ["2.html"])
        folder.retire("list", owned)
        folder.write("list", "2.html", "new\n")
        raise RuntimeError("a failure before the commit")
    assert sorted(p.name for p in (out / "list").iterdir()) == ["2.html", "3.html", "notes.txt"]
    assert (out / "list" / "2.html").read_text(encoding="utf-8") == "old\n"
    with OutFolder(out) as folder:
        folder.plan("list", ["2.html"])
        folder.retire("list", owned)
        folder.write("list", "2.html", "new\n")
        folder.commit()
    assert sorted(p.name for p in (out / "list").iterdir()) == ["2.html", "notes.txt"]
    assert (out / "list" / "2.html").read_text(encoding="utf-8") == "new\n"


def test_what_stands_at_a_retired_name_is_refused_before_anything_is_written(
    tmp_path: Path,
) -> None:
    import re

    from pledges.outfolder import OutFolder

    out = tmp_path / "out"
    (out / "list" / "3.html").mkdir(parents=True)
    (out / "list" / "4.html").write_text("old\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as refused, OutFolder(out) as folder:
        folder.plan("list", ["2.html"])
        folder.retire("list", re.compile(r"[0-9]+\.html"))
    assert str(refused.value) == (
        f"cannot remove the old {out / 'list' / '3.html'} (Is a directory) — remove or rename "
        "it, or choose another folder with --out"
    )
    assert sorted(p.name for p in (out / "list").iterdir()) == ["3.html", "4.html"]


def test_an_old_file_that_cannot_be_removed_is_named(tmp_path: Path) -> None:
    """A folder put at an old page's name between the checks and the commit (another command at
    work there) is named; the new files stay written."""
    import re

    from pledges.outfolder import OutFolder

    out = tmp_path / "out"
    (out / "list").mkdir(parents=True)
    (out / "list" / "3.html").write_text("old\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as refused, OutFolder(out) as folder:
        folder.plan("", ["index.html"])
        folder.plan("list", [])
        folder.retire("list", re.compile(r"[0-9]+\.html"))
        folder.write("", "index.html", "new\n")
        (out / "list" / "3.html").unlink()
        (out / "list" / "3.html").mkdir()
        folder.commit()
    assert str(refused.value) == (
        f"the new files are written, but an earlier run's {out / 'list' / '3.html'} (Is a "
        "directory) could not be removed — remove it by hand"
    )
    assert (out / "index.html").read_text(encoding="utf-8") == "new\n"
