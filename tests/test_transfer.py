"""Export and import: CSV for spreadsheets, JSON, data packages, and the way back."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from pledges import editing, history, parallel
from pledges.db import opened, transaction, unit_of_work
from pledges.errors import InvalidInput
from pledges.models import EvidenceRow, RevisionRow
from pledges.outfolder import OutFolder
from pledges.schema import PledgeIn
from pledges.service import get_pledge
from pledges.transfer import check, export, importing
from pledges.transfer import evidence as evidence_check
from pledges.transfer.problems import BadRows, Problem
from pledges.transfer.rows import read_files
from pledges.transfer.tables import EVIDENCE, PLEDGES, SOURCES, TABLES, join, split
from pledges.vocab import Confidence, Formality, PledgeKind, Status
from tests.conftest import CLI
from tests.registers import copy_of, empty, seeded_template
from tests.test_atomicity import snapshot

WHO = editing.Who("test", "set up the test")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_template(tmp_path_factory.mktemp("transfer"))


@pytest.fixture
def url(template: Path, tmp_path: Path) -> str:
    return copy_of(template, tmp_path)


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def rewrite(path: Path, change: Any) -> None:
    """Apply `change` to the rows of a CSV file (as dicts) and write it back as export did."""
    bom = path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.DictReader(stream)
        header = list(reader.fieldnames or [])
        rows = list(reader)
    rows = change(rows) or rows
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, header)
        writer.writeheader()
        writer.writerows(rows)


def revisions(url: str) -> int:
    with opened(url) as engine, engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(RevisionRow)) or 0


def add_pledge(url: str, **fields: Any) -> None:
    data = {"id": "xx-test-pledge", "title": "A test pledge", "actors": ["CN"], "kind": "other",
            **fields}  # fmt: skip
    with unit_of_work(url, write=True) as session:
        editing.add_pledge(session, PledgeIn.model_validate(data), WHO)


@pytest.fixture(params=[1, 2], ids=["one process", "two processes"])
def processes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """Imports as they are of a small export (one process), and as of a large one: evidence.csv
    read and checked by a second process."""
    if request.param == 2:
        two_processes(monkeypatch)
    return int(request.param)


def two_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The import command, with evidence.csv read and checked by a second process whatever its
    size and however many of its rows the register holds (where the platform forks)."""
    monkeypatch.setattr(importing, "_worth_a_process", lambda *_: parallel.forking())


def test_a_second_process_is_worth_it_for_new_evidence_only(
    cli: CLI, template: Path, tmp_path: Path
) -> None:
    """From any size (0 bytes here), a second process checks the evidence when at least half
    of its rows are new to the register: into an empty register, yes; back into the register
    the export came from, no (it would hold memory twice for rows left alone)."""
    url = copy_of(template, tmp_path)
    assert cli("export", "--db", url, "--out", str(tmp_path / "out")).code == 0
    evidence = tmp_path / "out" / "evidence.csv"
    assert importing._worth_a_process(url, evidence, 0) is False
    empty_one = empty(tmp_path / "empty.db")
    assert importing._worth_a_process(empty_one, evidence, 0) is parallel.forking()
    assert importing._worth_a_process(empty_one, evidence, evidence.stat().st_size + 1) is False


# --- export -------------------------------------------------------------------------------------


def test_csv_export_writes_four_tables_in_a_stable_order(
    cli: CLI, seeded: str, tmp_path: Path
) -> None:
    result = cli("export", "--db", seeded, "--out", str(tmp_path / "out"))
    assert result.code == 0, result.err
    files = sorted(p.name for p in (tmp_path / "out").iterdir() if p.suffix == ".csv")
    assert files == ["actors.csv", "evidence.csv", "pledges.csv", "sources.csv"]
    for table in TABLES:
        raw = (tmp_path / "out" / table.file).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")  # plain UTF-8 unless --excel
        header = next(csv.reader(io.StringIO(raw.decode("utf-8"))))
        assert header == table.names
    pledges = read(tmp_path / "out" / "pledges.csv")
    assert [p["id"] for p in pledges] == sorted(p["id"] for p in pledges)
    assert len(pledges) == 12
    joint = next(p for p in pledges if p["id"] == "us-cn-cop28-success")
    assert split(joint["actors"]) == ["CN", "US"] or split(joint["actors"]) == ["US", "CN"]
    evidence = read(tmp_path / "out" / "evidence.csv")
    assert [int(e["id"]) for e in evidence] == sorted(int(e["id"]) for e in evidence)
    assert sum(int(p["evidence_count"]) for p in pledges) == len(evidence) == 21
    assert {s for p in pledges for s in split(p["source_ids"])} == {
        e["source_id"] for e in evidence
    }
    sources = read(tmp_path / "out" / "sources.csv")
    assert all(date.fromisoformat(s["published_on"]) for s in sources if s["published_on"])
    # Exporting twice gives the same bytes: the order of rows and columns is stable.
    again = cli("export", "--db", seeded, "--out", str(tmp_path / "again"))
    assert again.code == 0
    for table in TABLES:
        assert (tmp_path / "out" / table.file).read_bytes() == (
            tmp_path / "again" / table.file
        ).read_bytes()


@given(st.lists(st.text(min_size=1, max_size=12)))
def test_lists_join_and_split_exactly(items: list[str]) -> None:
    """Items are never empty (the schema says so), and may hold ';' and '\\' themselves."""
    assert split(join(items)) == items


def test_a_lone_backslash_is_not_a_list() -> None:
    with pytest.raises(ValueError, match="a backslash is written"):
        split("CN\\")


DANGEROUS = ["=SUM(A1:A2)", "+44 20 7946 0000", "-5% from 2005", "@cmd", "'quoted", "\tindent"]


def test_excel_export_neutralises_formulas_and_import_restores_them(
    cli: CLI, url: str, tmp_path: Path
) -> None:
    methane = "CH\u2084 \u2013 \u201cmethane\u201d"
    add_pledge(url, title=DANGEROUS[0], statement=DANGEROUS[1], target_unit=DANGEROUS[2],
               notes=DANGEROUS[3], gases=[DANGEROUS[4], methane])  # fmt: skip
    out = tmp_path / "xl"
    assert cli("export", "--db", url, "--out", str(out), "--excel").code == 0
    for table in TABLES:
        raw = (out / table.file).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        for cells in csv.reader(io.StringIO(raw.decode("utf-8-sig"))):
            for value in cells:
                assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    row = next(r for r in read(out / "pledges.csv") if r["id"] == "xx-test-pledge")
    assert row["title"] == "'=SUM(A1:A2)" and row["gases"].startswith("''quoted")
    before = revisions(url)
    result = cli("import", str(out), "--db", url, "--reason", "back from the spreadsheet")
    assert result.code == 0, result.err
    assert result.out == "= 13 pledges, 21 evidence, 5 sources and 3 actors left alone\n"
    assert revisions(url) == before
    with unit_of_work(url) as session:
        pledge = get_pledge(session, "xx-test-pledge")
    assert (pledge.title, pledge.statement, pledge.target_unit, pledge.notes) == tuple(
        DANGEROUS[:4]
    )
    assert pledge.gases == (DANGEROUS[4], methane)


def test_json_export(cli: CLI, url: str, tmp_path: Path) -> None:
    assert cli("export", "--db", url, "--out", str(tmp_path), "--format", "json").code == 0
    data = json.loads((tmp_path / "register.json").read_text("utf-8"))
    assert sorted(data) == ["actors", "evidence", "pledges", "sources"]
    assert len(data["pledges"]) == 12 and len(data["evidence"]) == 21
    pledge = data["pledges"][0]
    assert isinstance(pledge["actors"], list) and isinstance(pledge["version"], int)
    assert all(s["text"] for s in data["sources"])


def test_an_export_that_cannot_be_written_is_one_line(cli: CLI, url: str, tmp_path: Path) -> None:
    (tmp_path / "pledges.csv").mkdir()  # a folder where the file should go
    result = cli("export", "--db", url, "--out", str(tmp_path))
    assert result.code == 2
    assert result.err.startswith(f"Error: cannot write {tmp_path / 'pledges.csv'} (Is a directory)")
    file = tmp_path / "a-file"
    file.write_text("")
    other = cli("export", "--db", url, "--out", str(file))
    assert other.code == 2 and other.err.startswith(f"Error: {file} is a file")


@pytest.mark.parametrize("kind", ["csv", "excel", "datapackage"])
def test_two_processes_write_what_one_does(
    seeded: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """A large register is exported by two processes at once; the files are the same."""
    started: list[str] = []
    child = parallel.Child

    def counted(*args: Any, **kwargs: Any) -> Any:
        started.append(kwargs["name"])
        return child(*args, **kwargs)

    def write(out: Path, parallel_from: int) -> None:
        if kind == "datapackage":
            export.export_package(seeded, out, parallel_from=parallel_from)
        else:
            export.export_csv(seeded, out, excel=kind == "excel", parallel_from=parallel_from)

    monkeypatch.setattr(parallel, "Child", counted)
    write(tmp_path / "one", 10**9)
    assert started == []
    write(tmp_path / "two", 0)
    assert started == (["pledges-export"] if parallel.forking() else [])
    one = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*.*"))
    two = sorted(p.relative_to(tmp_path / "two") for p in (tmp_path / "two").rglob("*.*"))
    assert one == two and len(one) >= 4
    for name in one:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_a_read_that_sees_another_revision_is_refused(url: str, tmp_path: Path) -> None:
    with unit_of_work(url) as session:
        head, _ = history.head(session)
    add_pledge(url)  # a change meanwhile: one more revision
    options = {"escape": True, "excel": False, "packaged": False}
    with OutFolder(tmp_path) as folder:
        folder.plan("", ["pledges.csv"])
        with pytest.raises(export._Moved):
            export._write_snapshot(url, folder, ("pledges",), head, **options)
        counts, digest = export._write_snapshot(url, folder, ("pledges",), head + 1, **options)
        folder.commit()
    assert counts == {"pledges": 13}
    assert len(read(tmp_path / "pledges.csv")) == 13
    with unit_of_work(url) as session:
        assert history.head(session) == (head + 1, digest)


def test_a_parallel_export_that_sees_a_change_begins_again(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each process checks that it reads the register at the revision the export began at;
    when one does not (a change landed between them), the export begins again."""
    head = history.head
    calls: list[int] = []

    def moved_once(session: Any) -> tuple[int, str | None]:
        # The export reads the head, then each process reads it again (the second process is
        # forked with this list as it then was): both of those first reads see a change.
        calls.append(1)
        seq, digest = head(session)
        return seq + (1 if len(calls) == 2 else 0), digest

    monkeypatch.setattr(history, "head", moved_once)
    export.export_csv(url, tmp_path / "out", parallel_from=0)
    assert len(calls) == 4  # the first head, the refused read, the head again, the last read
    assert len(read(tmp_path / "out" / "pledges.csv")) == 12

    def always_moving(session: Any) -> tuple[int, str | None]:
        calls.append(1)
        return len(calls), None

    monkeypatch.setattr(history, "head", always_moving)
    with pytest.raises(InvalidInput) as refused:
        export.export_csv(url, tmp_path / "again", parallel_from=0)
    assert refused.value.message == "the register kept changing while it was being exported"


def test_a_parallel_export_that_cannot_write_is_one_line(url: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "sources.csv").mkdir(parents=True)  # refused by name, before either process writes
    with pytest.raises(InvalidInput) as refused:
        export.export_csv(url, out, parallel_from=0)
    assert refused.value.message == f"cannot write {out / 'sources.csv'} (Is a directory)"
    assert [p.name for p in out.iterdir()] == ["sources.csv"]


def test_excel_is_only_for_csv(cli: CLI, url: str, tmp_path: Path) -> None:
    result = cli("export", "--db", url, "--out", str(tmp_path), "--format", "json", "--excel")
    assert result.code == 2 and result.err.startswith("Error: --excel is for --format csv")


# --- data packages ------------------------------------------------------------------------------


def test_data_package_is_valid_and_its_schemas_come_from_the_pydantic_schema(
    cli: CLI, url: str, tmp_path: Path
) -> None:
    from frictionless import Package, validate

    assert cli("export", "--db", url, "--out", str(tmp_path), "--format", "datapackage").code == 0
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])
    package = Package(str(tmp_path / "datapackage.json"))
    pledges = package.get_resource("pledges").schema
    assert pledges.primary_key == ["id"]
    assert pledges.get_field("status").constraints["enum"] == [s.value for s in Status]
    assert pledges.get_field("kind").constraints["enum"] == [k.value for k in PledgeKind]
    assert pledges.get_field("formality").constraints["enum"] == [f.value for f in Formality]
    assert pledges.get_field("confidence").constraints["enum"] == [c.value for c in Confidence]
    assert pledges.get_field("target_year").type == "integer"
    assert pledges.get_field("target_year").constraints["maximum"] == 2100
    assert pledges.get_field("title").constraints["required"] is True
    assert pledges.get_field("statement").constraints["required"] is False
    evidence = package.get_resource("evidence").schema
    references = {fk["fields"][0]: fk["reference"]["resource"] for fk in evidence.foreign_keys}
    assert references == {"pledge_id": "pledges", "source_id": "sources"}
    # Each source's text is a file of the package, named in sources.csv, with its sha256.
    from pledges.schema import text_sha256

    for row in read(tmp_path / "sources.csv"):
        text = (tmp_path / row["text_path"]).read_bytes().decode("utf-8")
        assert text_sha256(text) == row["sha256"]


def test_frictionless_finds_what_the_schemas_forbid(cli: CLI, url: str, tmp_path: Path) -> None:
    """The schemas have teeth: a dangling reference and an unknown status are reported."""
    from frictionless import validate

    assert cli("export", "--db", url, "--out", str(tmp_path), "--format", "datapackage").code == 0

    def break_rows(rows: list[dict[str, str]]) -> None:
        rows[0]["pledge_id"] = "no-such-pledge"

    rewrite(tmp_path / "evidence.csv", break_rows)
    rewrite(tmp_path / "pledges.csv", lambda rows: rows[1].update(status="done"))
    report = validate(str(tmp_path / "datapackage.json"))
    types = {error[2] for error in report.flatten(["rowNumber", "fieldName", "type"])}
    assert {"foreign-key", "constraint-error"} <= types


def test_a_data_package_brings_a_new_source_with_its_text(
    cli: CLI, url: str, tmp_path: Path, processes: int
) -> None:
    out = tmp_path / "pkg"
    assert cli("export", "--db", url, "--out", str(out), "--format", "datapackage").code == 0
    article = "Beijing — China said on Monday it would “peak coal use by 2028”, officials said.\n"
    (out / "texts" / "new-article.txt").write_text(article, encoding="utf-8")

    def add_source(rows: list[dict[str, str]]) -> None:
        rows.append({**{k: "" for k in rows[0]}, "id": "new-article", "title": "A new article",
                     "kind": "news", "language": "en", "date_inferred": "false",
                     "text_path": "texts/new-article.txt"})  # fmt: skip

    def cite_it(rows: list[dict[str, str]]) -> None:
        rows.append({**{k: "" for k in rows[0]}, "pledge_id": "cn-co2-peak-2030",
                     "source_id": "new-article", "quote": "peak coal use by 2028",
                     "stance": "supports", "rank": "normal"})  # fmt: skip

    rewrite(out / "sources.csv", add_source)
    rewrite(out / "evidence.csv", cite_it)
    result = cli("import", str(out / "datapackage.json"), "--db", url, "--reason", "new article")
    assert result.code == 0, result.err
    assert "+ sources: 1 added (new-article)" in result.out
    assert "+ evidence 22: cn-co2-peak-2030 cites new-article: “peak coal use by 2028”" in (
        result.out.splitlines()
    )
    assert cli("log", "verify", "--db", url).code == 0
    # A text file that escapes the package is refused.
    rewrite(out / "sources.csv", lambda rows: rows[-1].update(id="other", text_path="../x.txt"))
    refused = cli("import", str(out), "--db", url, "--reason", "escape")
    assert refused.code == 2
    assert "sources.csv:7:text_path: '../x.txt' is not a file of the package" in refused.err


# --- import: bad input --------------------------------------------------------------------------


def _set(file: str, row: int, **values: str) -> Any:
    def change(folder: Path) -> None:
        rewrite(folder / file, lambda rows: rows[row].update(values))

    return change


def _append(file: str, **values: str) -> Any:
    def change(folder: Path) -> None:
        rewrite(folder / file, lambda rows: rows.append({**dict.fromkeys(rows[0], ""), **values}))

    return change


def _raw(file: str, old: bytes, new: bytes, count: int = 1) -> Any:
    def change(folder: Path) -> None:
        path = folder / file
        path.write_bytes(path.read_bytes().replace(old, new, count))

    return change


def _duplicate(file: str, row: int) -> Any:
    def change(folder: Path) -> None:
        rewrite(folder / file, lambda rows: rows.append(dict(rows[row])))

    return change


def _both(*changes: Any) -> Any:
    def change(folder: Path) -> None:
        for each in changes:
            each(folder)

    return change


NEW_PLEDGE = {"id": "xx-new", "title": "A new pledge", "actors": "CN", "kind": "other",
              "formality": "declared", "status": "not_yet_rated", "confidence": "low"}  # fmt: skip
NEW_EVIDENCE = {"pledge_id": "cn-co2-peak-2030", "stance": "supports", "rank": "normal"}
STANDING = "become carbon neutral by 2060"
BAD = {
    "unknown status": (
        _set("pledges.csv", 2, status="done"),
        "Error: pledges.csv:4:status: status 'done' is not allowed — use not_yet_rated, "
        "in_progress",
    ),
    "a year of 20300": (
        _set("pledges.csv", 0, target_year="20300"),
        "Error: pledges.csv:2:target_year: target_year '20300' is not allowed — use a year from "
        "1990 to 2100",
    ),
    "a year that is not a number": (
        _set("pledges.csv", 0, target_year="2030s"),
        "Error: pledges.csv:2:target_year: target_year '2030s' is not allowed — use a year from "
        "1990 to 2100",
    ),
    "a malformed row": (
        _raw("pledges.csv", b"\r\ncn-", b'\r\n"cn-'),
        "Error: pledges.csv:2:",
    ),
    "a row with a cell too many": (
        _raw("actors.csv", b"\r\nCN,", b"\r\nCN,extra,"),
        "Error: actors.csv:2: the row has 5 cells and the header 4",
    ),
    "a quote not in its article": (
        _append(
            "evidence.csv",
            **NEW_EVIDENCE,
            source_id="china-us-talks-success",
            quote="China will stop burning coal by 2025",
        ),
        "Error: evidence.csv:23:quote: the quote does not stand in source china-us-talks-success"
        " — the closest passage",
    ),
    "a missing source": (
        _append("evidence.csv", **NEW_EVIDENCE, source_id="no-such-article", quote="peak"),
        "Error: evidence.csv:23:source_id: there is no source 'no-such-article' in the register "
        "or sources.csv — cite an existing source, or add it in sources.csv",
    ),
    "an unknown column": (
        _raw("actors.csv", b"aliases", b"aliases,colour"),
        "Error: actors.csv:1:colour: unknown column — the columns are id, name, kind, aliases",
    ),
    "a file partly in UTF-8 and partly not": (
        _raw("pledges.csv", b"China", b"Chin\xe9"),
        "Error: pledges.csv: the file is partly UTF-8 and partly in another character set",
    ),
    "evidence edited in place": (
        _set("evidence.csv", 0, quote="China will reach carbon neutrality"),
        "Error: evidence.csv:2:quote: evidence 1 is not edited in place",
    ),
    "a source's text changed": (
        _set("sources.csv", 0, text="Another text."),
        "Error: sources.csv:2:text: the text of source china-rejects-us-calls differs from the "
        "register's — a source's text never changes; add the corrected text as a new source with "
        "'pledges source add FILE --supersedes china-rejects-us-calls'",
    ),
    "a source superseding one not there": (
        _set("sources.csv", 0, supersedes="nowhere"),
        "Error: sources.csv:2:supersedes: the source 'nowhere' is not in the register or "
        "sources.csv",
    ),
    "an id twice": (
        _duplicate("actors.csv", 1),
        "Error: actors.csv:5:id: GREENPEACE is also on row 3 — keep one row per record",
    ),
    "an unknown actor": (
        _append("pledges.csv", **{**NEW_PLEDGE, "actors": "CN;XX"}),
        "Error: pledges.csv:14:actors: actor 'XX' is not in the register or actors.csv",
    ),
    "a parent that is not there": (
        _append("pledges.csv", **NEW_PLEDGE, parent_id="no-such-pledge"),
        "Error: pledges.csv:14:parent_id: the pledge 'no-such-pledge' is not there",
    ),
    "pledges that name each other": (
        _both(
            _append("pledges.csv", **{**NEW_PLEDGE, "parent_id": "xx-other"}),
            _append("pledges.csv", **{**NEW_PLEDGE, "id": "xx-other", "parent_id": "xx-new"}),
        ),
        "Error: pledges.csv:",
    ),
    "a quote cited twice": (
        _both(
            _append(
                "evidence.csv", **NEW_EVIDENCE, source_id="china-us-talks-success", quote=STANDING
            ),
            _append(
                "evidence.csv",
                **NEW_EVIDENCE,
                source_id="china-us-talks-success",
                quote=STANDING.upper(),
            ),
        ),
        "Error: evidence.csv:24:quote: pledge cn-co2-peak-2030 already cites this quote of "
        "china-us-talks-success (evidence in this import or the register) — keep one row per "
        "quote; nothing was written\n",
    ),
    "a deprecation without a reason": (
        _set("evidence.csv", 0, rank="deprecated"),
        "Error: evidence.csv:2:deprecated_reason: deprecated evidence needs a deprecated_reason",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_row_is_named_and_nothing_is_written(
    case: str, cli: CLI, url: str, tmp_path: Path, processes: int
) -> None:
    change, expected = BAD[case]
    out = tmp_path / "out"
    assert cli("export", "--db", url, "--out", str(out)).code == 0
    # A good change beside the bad one: it must not be written either.
    rewrite(out / "pledges.csv", lambda rows: rows[5].update(status="in_progress"))
    change(out)
    before = snapshot(url)
    for extra in ((), ("--dry-run",)):
        result = cli("import", str(out), "--db", url, "--reason", "bad", *extra)
        assert result.code == 2, (result.out, result.err)
        assert result.err.startswith(expected), result.err
        assert result.err.count("\n") == 1 and "Traceback" not in result.err
        assert "nothing was written" in result.err
        assert snapshot(url) == before


def test_a_folder_named_as_a_file_is_named(cli: CLI, url: str, tmp_path: Path) -> None:
    out = tmp_path / "pkg"
    assert cli("export", "--db", url, "--out", str(out), "--format", "datapackage").code == 0
    rewrite(out / "sources.csv", lambda rows: rows[0].update(text_path="texts"))
    result = cli("import", str(out), "--db", url, "--reason", "x")
    assert result.code == 2
    assert result.err.startswith("Error: sources.csv:2:text_path: 'texts' is not a file of the")


def test_every_bad_row_is_counted(cli: CLI, url: str, tmp_path: Path) -> None:
    assert cli("export", "--db", url, "--out", str(tmp_path)).code == 0

    def spoil(rows: list[dict[str, str]]) -> None:
        for row in rows[:3]:
            row["confidence"] = "certain"

    rewrite(tmp_path / "pledges.csv", spoil)
    result = cli("import", str(tmp_path), "--db", url, "--reason", "bad")
    assert result.code == 2
    said = "confidence 'certain' is not allowed — use low, medium or high"
    assert result.err == (
        "Error: 3 problems in the files:\n"
        + "".join(f"  pledges.csv:{n}:confidence: {said}\n" for n in (2, 3, 4))
        + "Nothing was written: mend them and import again.\n"
    )


def test_import_needs_a_reason_and_a_folder(cli: CLI, url: str, tmp_path: Path) -> None:
    assert cli("export", "--db", url, "--out", str(tmp_path)).code == 0
    missing = cli("import", str(tmp_path), "--db", url)
    assert missing.code == 2 and missing.err.startswith("Error: --reason is required")
    nowhere = cli("import", str(tmp_path / "nope"), "--db", url, "--reason", "x")
    assert nowhere.code == 2 and nowhere.err.startswith(f"Error: there is no folder {tmp_path}")
    (tmp_path / "empty").mkdir()
    empty = cli("import", str(tmp_path / "empty"), "--db", url, "--reason", "x")
    assert empty.code == 2 and "holds none of actors.csv, sources.csv" in empty.err


# --- import: changes ----------------------------------------------------------------------------


def test_dry_run_shows_each_pledge_and_writes_nothing(
    cli: CLI, url: str, tmp_path: Path, processes: int
) -> None:
    assert cli("export", "--db", url, "--out", str(tmp_path)).code == 0

    def edit(rows: list[dict[str, str]]) -> None:
        rows[0].update(status="in_progress", confidence="low", target_year="2061")
        rows.append({**rows[1], "id": "cn-new-pledge", "version": "", "title": "A new one"})

    rewrite(tmp_path / "pledges.csv", edit)
    first = read(tmp_path / "pledges.csv")[0]["id"]
    before = snapshot(url)
    result = cli("import", str(tmp_path), "--db", url, "--dry-run")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert f"~ {first}: target_year: 2060 → 2061; status: not_yet_rated → in_progress" in lines
    assert "+ cn-new-pledge: added" in lines
    assert lines[-1] == "= 11 pledges, 21 evidence, 5 sources and 3 actors left alone"
    assert len(lines) == 3
    assert result.err == (
        "Would make 2 changes from actors.csv, sources.csv, pledges.csv, evidence.csv; "
        "nothing was written.\n"
    )
    verbose = cli("import", str(tmp_path), "--db", url, "--dry-run", "--verbose")
    assert verbose.code == 0, verbose.err
    listed = verbose.out.splitlines()
    assert sum(line.endswith(": left alone") for line in listed) == 11
    assert listed[-3:] == [f"= {t}: {n} left alone" for t, n in (("actors", 3), ("sources", 5),
                                                                 ("evidence", 21))]  # fmt: skip
    assert [line for line in listed if not line.endswith("left alone")] == lines[:2]
    assert verbose.err == result.err
    assert snapshot(url) == before


def test_import_applies_changes_as_revisions_with_its_reason(
    cli: CLI, db_url: str, tmp_path: Path
) -> None:
    assert cli("init", "--db", db_url).code == 0
    out = tmp_path / "out"
    assert cli("export", "--db", db_url, "--out", str(out)).code == 0
    rewrite(out / "pledges.csv", lambda rows: rows[0].update(status="in_progress"))
    rewrite(out / "evidence.csv", lambda rows: rows[1].update(
        rank="deprecated", deprecated_reason="superseded by the full statement"))  # fmt: skip
    before = revisions(db_url)
    result = cli("import", str(out), "--db", db_url, "--reason", "quarterly review",
                 "--author", "analyst")  # fmt: skip
    assert result.code == 0, result.err
    assert revisions(db_url) == before + 2
    history = json.loads(cli("history", "--db", db_url, "--format", "json").out)
    latest = history[-2:]
    assert {r["reason"] for r in latest} == {"quarterly review"}
    assert {r["author"] for r in latest} == {"analyst"}
    with opened(db_url) as engine, transaction(engine) as session:
        deprecated = session.get(EvidenceRow, 2)
        assert deprecated is not None
        assert deprecated.rank.value == "deprecated"
        assert deprecated.deprecated_reason == "superseded by the full statement"
    assert cli("log", "verify", "--db", db_url).code == 0
    # The same files again: nothing left to change.
    again = cli("import", str(out), "--db", db_url, "--reason", "again")
    assert again.code == 0 and revisions(db_url) == before + 2


def test_new_records_are_added_with_the_revisions_the_commands_would_log(
    cli: CLI, db_url: str, tmp_path: Path
) -> None:
    """A new actor, two pledges (one the parent of the other, listed first) and a quote, in one
    import: the log replays to the register, and the audit reads them."""
    assert cli("init", "--db", db_url).code == 0
    assert cli("export", "--db", db_url, "--out", str(tmp_path)).code == 0
    _append("actors.csv", id="UN", name="United Nations", kind="organisation",
            aliases="UN;U.N.")(tmp_path)  # fmt: skip
    _append("pledges.csv", **{**NEW_PLEDGE, "actors": "CN;UN", "parent_id": "xx-parent"})(tmp_path)
    _append("pledges.csv", **{**NEW_PLEDGE, "id": "xx-parent", "title": "The parent"})(tmp_path)
    _append("evidence.csv", **{**NEW_EVIDENCE, "pledge_id": "xx-new"},
            source_id="china-us-talks-success", quote=STANDING)(tmp_path)  # fmt: skip
    before = revisions(db_url)
    result = cli("import", str(tmp_path), "--db", db_url, "--reason", "new records")
    assert result.code == 0, result.err
    assert {"+ xx-new: added", "+ xx-parent: added", "+ actors: 1 added (UN)"} <= set(
        result.out.splitlines()
    )
    assert revisions(db_url) == before + 4
    verified = cli("log", "verify", "--db", db_url)
    assert verified.code == 0, verified.out + verified.err
    shown = json.loads(cli("show", "xx-new", "--db", db_url, "--format", "json").out)
    assert shown["pledge"]["actors"] == ["CN", "UN"]
    assert shown["pledge"]["parent_id"] == "xx-parent"
    assert [e["quote"] for e in shown["evidence"]] == [STANDING]
    audit = json.loads(cli("audit", "--db", db_url, "--format", "json", "--fail-on", "never").out)
    assert audit["summary"]["pledges"] == 14 and audit["summary"]["quotes"] == 22


def test_changes_and_new_records_in_one_import_chain_their_revisions(
    cli: CLI, db_url: str, tmp_path: Path
) -> None:
    """A changed pledge is logged through the commands, between the new pledges and the new
    evidence: the new evidence's revisions follow it in the chain."""
    assert cli("init", "--db", db_url).code == 0
    assert cli("export", "--db", db_url, "--out", str(tmp_path)).code == 0
    rewrite(tmp_path / "pledges.csv", lambda rows: rows[0].update(notes="reviewed"))
    _append("pledges.csv", **NEW_PLEDGE)(tmp_path)
    _append("evidence.csv", **{**NEW_EVIDENCE, "pledge_id": "xx-new"},
            source_id="china-us-talks-success", quote=STANDING)(tmp_path)  # fmt: skip
    before = revisions(db_url)
    result = cli("import", str(tmp_path), "--db", db_url, "--reason", "review and add")
    assert result.code == 0, result.err
    assert revisions(db_url) == before + 3
    verified = cli("log", "verify", "--db", db_url)
    assert verified.code == 0, verified.out + verified.err
    history = json.loads(cli("history", "--db", db_url, "--format", "json").out)
    assert [(r["action"], r["entity"]) for r in history[-3:]] == [
        ("create", "pledge"), ("update", "pledge"), ("create", "evidence"),
    ]  # fmt: skip


def test_a_row_exported_before_someone_elses_change_is_refused(
    cli: CLI, url: str, tmp_path: Path
) -> None:
    assert cli("export", "--db", url, "--out", str(tmp_path)).code == 0
    first = read(tmp_path / "pledges.csv")[0]["id"]
    assert cli("update", first, "--db", url, "--confidence", "low", "--notes", "checked",
               "--reason", "a colleague's edit").code == 0  # fmt: skip
    rewrite(tmp_path / "pledges.csv", lambda rows: rows[0].update(status="stalled"))
    before = snapshot(url)
    result = cli("import", str(tmp_path), "--db", url, "--reason", "mine")
    assert result.code == 2
    assert result.err.startswith(f"Error: pledges.csv:2:version: pledge {first}")
    assert snapshot(url) == before


# --- properties ---------------------------------------------------------------------------------

SAFE_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cc", "Cs", "Zl", "Zp"]),
    min_size=1, max_size=40,
).filter(lambda s: s.strip() == s and s)  # fmt: skip
VALUES: dict[str, st.SearchStrategy[Any]] = {
    "title": SAFE_TEXT,
    "statement": st.one_of(st.none(), SAFE_TEXT),
    "target_year": st.one_of(st.none(), st.integers(1990, 2100)),
    "target_value": st.one_of(st.none(), st.floats(-1e9, 1e9, allow_nan=False, width=64)),
    "target_unit": st.one_of(st.none(), SAFE_TEXT, st.sampled_from(DANGEROUS[:4])),
    "gases": st.lists(SAFE_TEXT, max_size=3, unique_by=str.casefold).map(tuple),
    "status": st.sampled_from([s for s in Status if s is not Status.SUPERSEDED]),
    "confidence": st.sampled_from(list(Confidence)),
    "formality": st.sampled_from(list(Formality)),
    "notes": st.one_of(st.none(), SAFE_TEXT, st.sampled_from(DANGEROUS)),
}


def valid(data: dict[str, Any]) -> bool:
    """Whether a pledge with these fields passes the schema's rules across fields too."""
    try:
        PledgeIn.model_validate(data)
    except ValueError:
        return False
    return True


SETTINGS = settings(max_examples=15, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip


@SETTINGS
@given(fields=st.fixed_dictionaries({}, optional=VALUES), excel=st.booleans())
def test_export_then_import_changes_nothing(
    fields: dict[str, Any], excel: bool, cli: CLI, template: Path, tmp_path_factory: Any
) -> None:
    assume(
        valid({"id": "xx-test-pledge", "title": "t", "actors": ["CN"], "kind": "other", **fields})
    )
    folder = tmp_path_factory.mktemp("roundtrip")
    url = copy_of(template, folder)
    add_pledge(url, **fields)
    out = folder / "out"
    assert cli("export", "--db", url, "--out", str(out), *(["--excel"] if excel else [])).code == 0
    before = snapshot(url)
    result = cli("import", str(out), "--db", url, "--reason", "round trip")
    assert result.code == 0, result.err
    assert result.err.startswith("Nothing changed: every row of ")
    assert snapshot(url) == before


EDITABLE = ["title", "statement", "target_year", "target_value", "target_unit", "gases",
            "status", "confidence", "formality", "notes"]  # fmt: skip


@SETTINGS
@given(data=st.data())
def test_one_edited_cell_changes_that_field_in_one_revision(
    data: st.DataObject, cli: CLI, template: Path, tmp_path_factory: Any
) -> None:
    folder = tmp_path_factory.mktemp("onecell")
    url = copy_of(template, folder)
    out = folder / "out"
    excel = data.draw(st.booleans(), "excel")
    assert cli("export", "--db", url, "--out", str(out), *(["--excel"] if excel else [])).code == 0
    rows = read(out / "pledges.csv")
    index = data.draw(st.integers(0, len(rows) - 1), "row")
    column = data.draw(st.sampled_from(EDITABLE), "column")
    with unit_of_work(url) as session:
        current = get_pledge(session, rows[index]["id"])
    old = getattr(current, column)
    fields = current.model_dump(include=set(PledgeIn.model_fields))

    def stored(v: Any) -> Any:  # the value as the schema keeps it (surrounding spaces go)
        return getattr(PledgeIn.model_validate({**fields, column: v}), column)

    value = data.draw(
        VALUES[column].filter(lambda v: valid({**fields, column: v}) and stored(v) != old),
        "value",
    )
    from pledges.transfer.tables import cell, neutralise

    text = cell(value, PLEDGES.column(column).kind)
    rewrite(out / "pledges.csv",
            lambda rs: rs[index].update({column: neutralise(text, excel=excel)}))  # fmt: skip
    before_revisions = revisions(url)
    result = cli("import", str(out), "--db", url, "--reason", "one cell")
    assert result.code == 0, result.err
    assert revisions(url) == before_revisions + 1
    with unit_of_work(url) as session:
        after = get_pledge(session, rows[index]["id"])
    assert getattr(after, column) == stored(value)
    changed = {
        name for name in PledgeIn.model_fields if getattr(after, name) != getattr(current, name)
    }
    assert changed == {column}
    # Nothing else moved: the other tables export as before.
    again = folder / "again"
    assert (
        cli("export", "--db", url, "--out", str(again), *(["--excel"] if excel else [])).code == 0
    )
    for table in (EVIDENCE, SOURCES):
        assert (again / table.file).read_bytes() == (out / table.file).read_bytes()


def test_export_and_import_on_postgresql_too(cli: CLI, seeded: str, tmp_path: Path) -> None:
    for form in ("csv", "datapackage"):
        out = tmp_path / form
        assert cli("export", "--db", seeded, "--out", str(out), "--format", form).code == 0
        before = snapshot(seeded)
        result = cli("import", str(out), "--db", seeded, "--reason", "round trip")
        assert result.code == 0, result.err
        assert snapshot(seeded) == before
    shutil.rmtree(tmp_path / "csv")


def empty_register(cli: CLI, db_url: str) -> str:
    """A register holding nothing, on the same kind of database as `db_url`."""
    result = cli("init", "--empty", "--db", db_url)
    assert result.code == 0, result.err
    assert "No seeds were loaded" in result.err
    assert cli("init", "--empty", "--seeds", "seeds", "--db", db_url).code == 2
    return db_url


def test_an_export_restores_into_an_empty_register(
    cli: CLI, template: Path, db_url: str, tmp_path: Path, processes: int
) -> None:
    """Everything comes across: evidence keeps its ids, deprecated evidence stays deprecated with
    its reason, and a quote that does not stand comes only with --allow-unlocated, as with
    cite. The new register's log is its own, and verifies."""
    url = copy_of(template, tmp_path, "exported.db")
    assert cli("evidence", "deprecate", "3", "--db", url, "--reason", "a better quote").code == 0
    assert cli("cite", "cn-co2-peak-2030", "china-us-talks-success", "--db", url,
               "--quote", "China will stop burning coal by 2025", "--allow-unlocated",
               "--reason", "reported, not found").code == 0  # fmt: skip
    out = tmp_path / "out"
    assert cli("export", "--db", url, "--out", str(out)).code == 0
    target = empty_register(cli, db_url)
    refused = cli("import", str(out), "--db", target, "--reason", "restore")
    assert refused.code == 2
    assert refused.err.startswith(
        "Error: evidence.csv:23:quote: the quote does not stand in source china-us-talks-success"
    )
    result = cli("import", str(out), "--db", target, "--reason", "restore", "--allow-unlocated")
    assert result.code == 0, result.err
    assert sum(line.startswith("+ evidence ") for line in result.out.splitlines()) == 22
    again = tmp_path / "again"
    assert cli("export", "--db", target, "--out", str(again)).code == 0
    for table in (EVIDENCE, SOURCES):
        skip = {"created_at", "verified_on"}
        before = [{k: v for k, v in r.items() if k not in skip} for r in read(out / table.file)]
        after = [{k: v for k, v in r.items() if k not in skip} for r in read(again / table.file)]
        assert after == before, table.name
    restored = {r["id"]: r for r in read(again / "evidence.csv")}
    assert restored["3"]["rank"] == "deprecated"
    assert restored["3"]["deprecated_reason"] == "a better quote"
    assert restored["22"]["verified_on"] == ""  # not found, so never verified
    assert cli("log", "verify", "--db", target).code == 0
    # New evidence is numbered after the restored ids (PostgreSQL's sequence moved past them).
    added = cli("cite", "cn-co2-peak-2030", "china-us-talks-success", "--db", target,
                "--quote", STANDING, "--reason", "after the restore")  # fmt: skip
    assert added.code == 0, added.err
    assert "Added evidence 23 " in added.err


# --- an import checks every row, then writes ----------------------------------------------------


class Spy:
    """Counts the import's calls of check_evidence."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        real = evidence_check.check_evidence

        def spy(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(importing, "check_evidence", spy)


def _edited_export(cli: CLI, url: str, folder: Path) -> None:
    """An export with every kind of change an import makes: a changed pledge, a new pledge, new
    evidence with and without an id, and a deprecation."""
    assert cli("export", "--db", url, "--out", str(folder)).code == 0
    rewrite(folder / "pledges.csv", lambda rows: rows[0].update(notes="reviewed"))
    _append("pledges.csv", **NEW_PLEDGE)(folder)
    _append("evidence.csv", **{**NEW_EVIDENCE, "pledge_id": "xx-new"},
            source_id="china-us-talks-success", quote=STANDING)(folder)  # fmt: skip
    _append("evidence.csv", **{**NEW_EVIDENCE, "pledge_id": "xx-new", "id": "40"},
            source_id="china-rejects-us-calls", quote="peak carbon")(folder)  # fmt: skip
    rewrite(folder / "evidence.csv", lambda rows: rows[1].update(
        rank="deprecated", deprecated_reason="superseded"))  # fmt: skip


def test_two_processes_import_what_one_does(
    cli: CLI, template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same files, imported at the same moment into two copies of a register, one by one
    process and one by two: the two databases are the same, row for row and hash for hash, and
    so is what the import prints. Each import checks the evidence once."""
    moment = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    monkeypatch.setattr(history, "now", lambda: moment)
    one, two = copy_of(template, tmp_path, "one.db"), copy_of(template, tmp_path, "two.db")
    _edited_export(cli, one, tmp_path / "out")
    spy = Spy(monkeypatch)
    first = cli("import", str(tmp_path / "out"), "--db", one, "--reason", "r")
    assert first.code == 0, first.err
    assert spy.calls == 1  # evidence checked here
    two_processes(monkeypatch)
    result = cli("import", str(tmp_path / "out"), "--db", two, "--reason", "r")
    assert result.code == 0, result.err
    assert spy.calls == (1 if parallel.forking() else 2)  # not here: by the second process
    assert snapshot(one) == snapshot(two)
    assert result.out == first.out
    assert result.out.splitlines()[-4:-2] == [
        f"+ evidence 41: xx-new cites china-us-talks-success: “{STANDING}”",
        "+ evidence 40: xx-new cites china-rejects-us-calls: “peak carbon”",
    ]
    assert cli("log", "verify", "--db", one).code == 0
    assert cli("log", "verify", "--db", two).code == 0


_EVIDENCE_APART = importing._evidence_apart


def _older(*args: Any) -> Any:
    (seq, digest), checked = _EVIDENCE_APART(*args)
    return (seq - 1, digest), checked  # as if someone wrote between its read and the import's


def _refused(*args: Any) -> Any:
    raise RuntimeError("out of luck")


@pytest.mark.skipif(not parallel.forking(), reason="second processes are forked")
def test_evidence_checked_against_an_older_register_is_checked_again(
    cli: CLI, url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second process read the register before someone else's change: the import checks the
    evidence itself, against the register it writes to."""
    _edited_export(cli, url, tmp_path / "out")
    two_processes(monkeypatch)
    monkeypatch.setattr(importing, "_evidence_apart", _older)
    spy = Spy(monkeypatch)
    result = cli("import", str(tmp_path / "out"), "--db", url, "--reason", "r")
    assert result.code == 0, result.err
    assert spy.calls == 1
    assert result.out.splitlines()[-4:-2] == [
        f"+ evidence 41: xx-new cites china-us-talks-success: “{STANDING}”",
        "+ evidence 40: xx-new cites china-rejects-us-calls: “peak carbon”",
    ]
    assert cli("log", "verify", "--db", url).code == 0


@pytest.mark.skipif(not parallel.forking(), reason="second processes are forked")
def test_a_second_process_that_fails_fails_the_import(
    cli: CLI, url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its failure is the import's, with its cause (not done again silently); nothing is
    written."""
    _edited_export(cli, url, tmp_path / "out")
    two_processes(monkeypatch)
    monkeypatch.setattr(importing, "_evidence_apart", _refused)
    before = snapshot(url)
    result = cli("import", str(tmp_path / "out"), "--db", url, "--reason", "r")
    assert result.code == 3
    assert "unexpected failure (RuntimeError: out of luck) — nothing was written" in result.err
    assert snapshot(url) == before


def test_a_bad_evidence_file_is_named_with_the_other_files(
    cli: CLI, url: str, tmp_path: Path, processes: int
) -> None:
    """A file's own problem (no character set) is named whichever process reads evidence.csv,
    with the other files' problems, before any row's."""
    out = tmp_path / "out"
    assert cli("export", "--db", url, "--out", str(out)).code == 0
    rewrite(out / "pledges.csv", lambda rows: rows[0].update(status="done"))
    with (out / "evidence.csv").open("ab") as stream:
        stream.write(b"\x81\n")
    result = cli("import", str(out), "--db", url, "--reason", "r")
    assert result.code == 2
    assert result.err.startswith("Error: evidence.csv:")
    assert "the file is partly UTF-8 and partly in another character set" in result.err
    (out / "actors.csv").write_bytes(b"\x81")
    both = cli("import", str(out), "--db", url, "--reason", "r")
    assert both.code == 2
    lines = both.err.splitlines()
    assert lines[0] == "Error: 2 problems in the files:"
    assert lines[1].startswith("  actors.csv: cannot tell which character set")
    assert lines[2].startswith("  evidence.csv:")
    assert "the file is partly UTF-8 and partly in another character set" in lines[2]
    assert lines[3:] == ["Nothing was written: mend them and import again."]


def test_checking_writes_nothing(cli: CLI, url: str, tmp_path: Path) -> None:
    """The check makes the whole plan, and writes nothing: even committed, the register is as it
    was."""
    _edited_export(cli, url, tmp_path / "out")
    before = snapshot(url)
    files = read_files(tmp_path / "out", packaged=False)
    with opened(url) as engine, transaction(engine, write=True) as session:
        plan, problems = check.check(session, files)
        plan.evidence = evidence_check.check_evidence(
            session, files.rows["evidence"] or [], sources=plan.sources,
            pledges=[p.id for p in plan.pledges], at=history.now(), allow_unlocated=False,
            folder=files.folder, packaged=files.packaged,
        )  # fmt: skip
    assert problems == [] and plan.evidence.problems == plan.evidence.refusals == []
    assert snapshot(url) == before
    assert plan.added["pledges"] == ["xx-new"] and plan.added["evidence"] == ["41", "40"]
    assert list(plan.changed["evidence"]) == ["2"] and len(plan.changed["pledges"]) == 1
    assert plan.writes == 5
    assert plan.files == ["actors.csv", "sources.csv", "pledges.csv", "evidence.csv"]


def test_bad_rows_are_listed_each_in_full() -> None:
    """One problem is one line; several are each on a line, up to twenty, then how many more,
    and 'nothing was written' is said once, at the end (a hint that ends with it does not say it
    again)."""
    first = Problem("pledges.csv", 4, "status", "status 'done' is not allowed", "use 'stalled'")
    unreadable = Problem("actors.csv", None, None, "cannot be read (Permission denied)", "check")
    rows = [Problem("evidence.csv", n, "quote", "the quote does not stand", "copy it") for n in
            range(2, 24)]  # fmt: skip
    assert str(BadRows([first, unreadable, *rows])) == "\n".join([
        "24 problems in the files:",
        "  pledges.csv:4:status: status 'done' is not allowed — use 'stalled'",
        "  actors.csv: cannot be read (Permission denied) — check",
        *(f"  evidence.csv:{n}:quote: the quote does not stand — copy it" for n in range(2, 20)),
        "  and 4 more",
        "Nothing was written: mend them and import again.",
    ])  # fmt: skip
    whole = Problem("pledges.csv", 2, None, "the row has 5 cells and the header 4", None)
    assert str(BadRows([whole])) == (
        "pledges.csv:2: the row has 5 cells and the header 4 — nothing was written"
    )
    done = Problem("evidence.csv", 3, "rank", "evidence 2 is already deprecated (x)",
                   "nothing was written")  # fmt: skip
    assert str(BadRows([done])) == (
        "evidence.csv:3:rank: evidence 2 is already deprecated (x) — nothing was written"
    )
    assert str(BadRows([done, whole])) == (
        "2 problems in the files:\n  evidence.csv:3:rank: evidence 2 is already deprecated (x)\n"
        "  pledges.csv:2: the row has 5 cells and the header 4\n"
        "Nothing was written: mend them and import again."
    )
