"""`pledges export --format jsonl`: one file of JSON Lines per table, each line the record that
register.json holds, and the same head of the log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from pledges.transfer.export import json_parts
from tests.conftest import CLI


def test_jsonl_holds_what_register_json_holds(cli: CLI, seeded_sqlite: str, tmp_path: Path) -> None:
    whole, lines = tmp_path / "json", tmp_path / "jsonl"
    assert cli("export", "--format", "json", "--out", str(whole), "--db", seeded_sqlite).code == 0
    done = cli("export", "--format", "jsonl", "--out", str(lines), "--db", seeded_sqlite)
    assert done.code == 0, done.err
    assert done.err.startswith(
        f"Wrote pledges.jsonl, evidence.jsonl, sources.jsonl, actors.jsonl, log-head.json to "
        f"{lines} (12 pledges, 21 evidence, 5 sources, 3 actors), as of revision 41 of the log"
    )
    register = json.loads((whole / "register.json").read_text(encoding="utf-8"))
    assert set(register) == {"pledges", "evidence", "sources", "actors"}
    for table, records in register.items():
        text = (lines / f"{table}.jsonl").read_text(encoding="utf-8")
        assert text.endswith("\n") and "\n\n" not in text
        assert [json.loads(line) for line in text.splitlines()] == records, table
    head = (lines / "log-head.json").read_text(encoding="utf-8")
    assert head == (whole / "log-head.json").read_text(encoding="utf-8")


def test_a_jsonl_export_is_not_imported(cli: CLI, seeded_sqlite: str, tmp_path: Path) -> None:
    lines = tmp_path / "jsonl"
    assert cli("export", "--format", "jsonl", "--out", str(lines), "--db", seeded_sqlite).code == 0
    refused = cli("import", str(lines), "--reason", "x", "--dry-run", "--db", seeded_sqlite)
    assert (refused.code, refused.out) == (2, "")
    assert refused.err == (
        f"Error: {lines} holds none of actors.csv, sources.csv, pledges.csv, evidence.csv — give "
        "the folder 'pledges export' wrote as CSV (the default) or as a data package; a JSON or "
        "JSON Lines export is for programs to read, and is not imported\n"
    )


_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(), st.lists(st.text(), max_size=3),
    st.floats(allow_nan=False, allow_infinity=False),
)  # fmt: skip


@given(
    st.dictionaries(
        st.sampled_from(["pledges", "evidence", "sources", "actors"]),
        st.lists(st.dictionaries(st.text(min_size=1, max_size=8), _VALUES, max_size=4), max_size=3),
    )
)
def test_register_json_reads_back_as_the_tables_it_was_given(data: dict[str, Any]) -> None:
    """register.json puts a record a line; it is still one JSON document holding every value."""
    text = "".join(json_parts(data.items()))
    assert json.loads(text) == data
    assert text.endswith("}\n")
    lines = [
        line.strip().removesuffix(",") for line in text.split("\n") if line[:5] == " " * 4 + "{"
    ]
    assert [json.loads(line) for line in lines] == [r for rows in data.values() for r in rows]
