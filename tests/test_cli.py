"""The command line as a user meets it: output, exact error lines and exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pledges import migrate
from pledges.db import opened, transaction
from tests.conftest import CLI

SEEDED_IDS = 12


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


def test_help_lists_every_command(cli: CLI) -> None:
    result = cli("--help")
    assert result.code == 0
    for command in ("init", "list", "show", "schema", "db"):
        assert command in result.out


def test_init_creates_the_default_register_in_the_current_folder(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PLEDGES_DB", raising=False)
    first = cli("init")
    assert first.code == 0, first.err
    assert first.out == ""
    assert f"{SEEDED_IDS} pledges" in first.err
    assert (tmp_path / "pledges.db").exists()
    second = cli("init")
    assert second.code == 0
    assert "nothing was loaded" in second.err
    listed = cli("list", "--format", "json")
    assert len(json.loads(listed.out)) == SEEDED_IDS


def test_list_formats(cli: CLI, seeded_sqlite: str) -> None:
    table = cli("list", "--db", seeded_sqlite)
    assert table.code == 0
    assert "cn-co2-peak-2030" in table.out and f"{SEEDED_IDS} pledges" in table.out
    rows = json.loads(cli("list", "--db", seeded_sqlite, "--format", "json").out)
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    assert rows[0]["actors"] == ["CN"]
    text = cli("list", "--db", seeded_sqlite, "--format", "csv", "--actor", "US").out
    records = list(csv.DictReader(io.StringIO(text)))
    assert records and all("US" in r["actors"].split(";") for r in records)
    assert {r["id"] for r in records} >= {"us-cn-cop28-success", "us-not-dictating-to-cn"}


def test_list_filters_by_kind_status_formality(cli: CLI, seeded_sqlite: str) -> None:
    def ids(*args: str) -> list[str]:
        out = cli("list", "--db", seeded_sqlite, "--format", "json", *args).out
        return [r["id"] for r in json.loads(out)]

    assert ids("--kind", "carbon_neutrality") == ["cn-carbon-neutrality-2060"]
    assert ids("--status", "kept") == []
    assert len(ids("--formality", "declared")) == SEEDED_IDS
    assert ids("--formality", "in_law") == []


def test_show_quotes_in_context_with_the_source(cli: CLI, seeded_sqlite: str) -> None:
    result = cli("show", "us-cn-renewables-power-sector", "--db", seeded_sqlite)
    assert result.code == 0
    out = " ".join(result.out.split())
    assert "The US and China integrate renewables into the power sector" in out
    assert "United States (US), China (CN)" in out
    assert "Both parties agreed to focus on integrating renewable energy" in out
    assert "Kerry says US is not dictating climate solutions to China — DW, 2023-07-19" in out
    assert "(inferred)" in out


def test_show_json_places_the_quote_inside_its_sentence(cli: CLI, seeded_sqlite: str) -> None:
    shown = cli("show", "cn-co2-peak-2030", "--db", seeded_sqlite, "--format", "json")
    data = json.loads(shown.out)
    assert data["pledge"]["target_year"] == 2030
    first = data["evidence"][0]
    assert first["context"][first["quote_start"] : first["quote_end"]] == first["quote"]
    assert first["context"].endswith("become carbon neutral by 2060.")
    assert first["source"]["published_on"] == "2023-11-09"
    assert "text" not in first["source"]


def test_unknown_pledge_suggests_close_ids(cli: CLI, seeded_sqlite: str) -> None:
    result = cli("show", "cn-co2-peak", "--db", seeded_sqlite)
    assert result.code == 2
    assert one_line(result.err) == (
        "Error: no pledge with id 'cn-co2-peak' — did you mean cn-co2-peak-2030, "
        "cn-clean-energy-system?"
    )
    far = cli("show", "zzzz", "--db", seeded_sqlite)
    assert one_line(far.err) == (
        "Error: no pledge with id 'zzzz' — run 'pledges list' to see the ids"
    )


def test_unknown_filter_values_name_the_allowed_ones(cli: CLI, seeded_sqlite: str) -> None:
    result = cli("list", "--db", seeded_sqlite, "--status", "done")
    assert result.code == 2
    assert one_line(result.err) == (
        "Error: --status 'done' is not allowed — use not_yet_rated, in_progress, stalled, "
        "partially_kept, kept, broken, withdrawn, superseded or unverifiable"
    )
    actor = cli("list", "--db", seeded_sqlite, "--actor", "CX")
    assert actor.code == 2
    assert one_line(actor.err) == (
        "Error: actor 'CX' is not in the register — the register's actors are CN (China), "
        "GREENPEACE (Greenpeace), US (United States); add one with 'pledges actor add'"
    )


def test_usage_errors_are_one_line(cli: CLI, seeded_sqlite: str) -> None:
    result = cli("list", "--db", seeded_sqlite, "--format", "xml")
    assert result.code == 2
    assert one_line(result.err) == (
        "Error: --format 'xml' is not allowed — use table, json, jsonl or csv"
    )
    unknown = cli("list", "--db", seeded_sqlite, "--no-such-option")
    assert unknown.code == 2
    assert one_line(unknown.err) == (
        "Error: No such option: --no-such-option — see 'pledges list --help'"
    )
    missing = cli("show")
    assert missing.code == 2
    assert one_line(missing.err) == "Error: Missing argument 'ID'. — see 'pledges show --help'"


def test_no_database_yet(cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "nowhere.db"
    result = cli("list", "--db", str(path))
    assert result.code == 2
    assert one_line(result.err) == (
        f"Error: there is no register at {path} — run 'pledges init' to create it, "
        "or point --db / PLEDGES_DB at an existing one"
    )
    assert not path.exists()


def test_database_at_an_older_revision(cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    assert cli("init", "--db", str(path)).code == 0
    with opened(str(path)) as engine, transaction(engine, write=True) as session:
        migrate.downgrade(session.connection(), "-1")
    result = cli("show", "cn-co2-peak-2030", "--db", str(path))
    assert result.code == 2
    assert one_line(result.err) == (
        f"Error: the database at {path} is at schema revision 0005; this version of pledges "
        "needs 0006 — run 'pledges db upgrade' (or 'pledges init') to bring it up to date"
    )
    assert cli("db", "upgrade", "--db", str(path)).code == 0
    assert cli("show", "cn-co2-peak-2030", "--db", str(path)).code == 0


def test_unreachable_server_masks_the_password(cli: CLI) -> None:
    result = cli("list", "--db", "postgresql://analyst:s3cret@127.0.0.1:9/register")
    assert result.code == 2
    line = one_line(result.err)
    assert line.startswith(
        "Error: cannot reach the database at postgresql+psycopg://analyst:***@127.0.0.1:9/register"
    )
    assert line.endswith("— check that the server is running and that --db / PLEDGES_DB is right")
    assert "s3cret" not in result.err


def test_a_file_that_is_not_a_register(cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("shopping list\n" * 200)
    result = cli("list", "--db", str(path))
    assert result.code == 2
    assert one_line(result.err).startswith(f"Error: {path} is not a pledges database")


def test_the_installed_command_runs_without_traceback(seeded_sqlite: str) -> None:
    exe = Path(sys.executable).with_name("pledges")
    ok = subprocess.run([exe, "--help"], capture_output=True, text=True, check=False)
    assert ok.returncode == 0 and "Usage" in ok.stdout
    bad = subprocess.run(
        [exe, "show", "nope", "--db", seeded_sqlite], capture_output=True, text=True, check=False
    )
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert one_line(bad.stderr).startswith("Error: no pledge with id 'nope'")


def test_list_and_show_on_either_database(cli: CLI, seeded: str) -> None:
    listed = json.loads(cli("list", "--db", seeded, "--format", "json", "--actor", "CN").out)
    assert "us-cn-cop28-success" in [r["id"] for r in listed]
    shown = cli("show", "us-cn-cop28-success", "--db", seeded, "--format", "json")
    assert shown.code == 0
    quotes = [e["quote"] for e in json.loads(shown.out)["evidence"]]
    assert any("jointly push for the success of the COP28 conference" in q for q in quotes)
