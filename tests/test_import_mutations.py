"""Mutated exports: an import applies exactly what the files say, or nothing (issue 12).

Hypothesis takes an export of the seed register and changes it as people and programs do: cells
rewritten (numbers in other digits or with separators, ids out of range, years, vocabulary values,
huge and odd text), rows added, columns dropped, repeated, renamed or reordered, files saved in
other encodings or with other line endings. Each change knows what it means: the value the
register must then hold, or that the import must refuse it, and where the refusal is named.

Then either every change is allowed, the import exits 0, and a new export holds exactly the
changed values beside the untouched ones (and the log verifies, and `show` works); or one is not,
and the import exits 2 with one line naming one of the refused changes, and the register is row
for row what it was.
"""

from __future__ import annotations

import codecs
import csv
import io
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pledges.fields import WHOLE_NUMBER
from pledges.transfer.tables import TABLES, restore
from pledges.vocab import MAX_ID, Confidence, Formality, PledgeKind, Status
from tests.conftest import CLI
from tests.registers import copy_of, seeded_template
from tests.test_atomicity import snapshot

Rows = list[list[str]]  # a file's lines, the header first
DERIVED = {t.file: {c.name for c in t.columns if c.derived} for t in TABLES}
KEYS = {t.file: t.key for t in TABLES}
STANDING = "become carbon neutral by 2060"  # stands in china-us-talks-success


@dataclass(frozen=True)
class Export:
    """The seed register's export, read once: each file's lines, cells as written."""

    folder: Path
    database: Path
    tables: dict[str, Rows] = field(repr=False)

    def value(self, file: str, number: int, column: str) -> str:
        """A cell's value (its escape undone)."""
        rows = self.tables[file]
        return restore(rows[number - 1][rows[0].index(column)])


def _cells(path: Path) -> Rows:
    limit = csv.field_size_limit(10**9)  # a huge source text comes back in one cell
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            return list(csv.reader(stream))
    finally:
        csv.field_size_limit(limit)


def _values(rows: Rows) -> Rows:
    return [rows[0], *([restore(cell) for cell in row] for row in rows[1:])]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Export]:
    from pledges.cli import run

    folder = tmp_path_factory.mktemp("mutations")
    database = seeded_template(folder)
    assert run(["export", "--db", f"sqlite:///{database}", "--out", str(folder / "out")]) == 0
    yield Export(
        folder / "out", database, {t.file: _cells(folder / "out" / t.file) for t in TABLES}
    )


# --- changes, each with what it means -----------------------------------------------------------


@dataclass(frozen=True)
class Cells:
    """Cells of one row rewritten (`written`: the text of each cell, as a file holds it).
    `meaning`: the value each then holds in the register, as an export writes it (escape
    undone); None when the import must refuse the row, naming `column`."""

    file: str
    number: int  # as a spreadsheet numbers rows: the header is row 1
    written: dict[str, str]
    meaning: dict[str, str] | None
    column: str  # where a refusal is named

    def __repr__(self) -> str:  # short: hypothesis shows it, and a cell may be huge
        cells = {c: _short(w) for c, w in self.written.items()}
        return f"Cells({self.file}:{self.number} {cells} -> {self.meaning and 'allowed'})"


@dataclass(frozen=True)
class NewEvidence:
    id: str
    stance: str
    meaning: int | None  # the id it is stored under; None: refused
    column: str


@dataclass(frozen=True)
class NewSource:
    text: str = field(repr=False)
    allowed: bool
    size: int = 0


def _short(text: str) -> str:
    return repr(text) if len(text) <= 40 else f"{text[:20]!r}… ({len(text):,} characters)"


@dataclass(frozen=True)
class Columns:
    """What happens to a file's header: 'drop', 'twice', 'rename' a column, or 'shuffle' them."""

    file: str
    how: str
    column: str
    seed: int = 0


@dataclass
class Mutation:
    cells: list[Cells] = field(default_factory=list)
    evidence: NewEvidence | None = None
    source: NewSource | None = None
    columns: list[Columns] = field(default_factory=list)
    codecs: dict[str, str] = field(default_factory=dict)
    line_end: str = "\r\n"


YEARS = [("2030", "2030"), ("1990", "1990"), ("2100", "2100"), (" 2045 ", "2045"),
         ("02050", "2050"), ("2030.0", "2030"), ("", "")]  # fmt: skip
BAD_YEARS = ["2_030", "\u0662\u0660\u0663\u0660", "+2030", "1989", "2101", "2030.5", "20 30",
             "\uff12\uff10\uff13\uff10", "-2030", "2030s", str(2**63), "9" * 5000]  # fmt: skip
NOTES = [("reviewed", "reviewed"), ("  padded  ", "padded"), ("line one\nline two", None),
         ("x" * 5000, None), ("'=1+1", "=1+1"), ("''quoted", "'quoted"), ("", ""),
         ("\u202eright to left \U0001f600", None)]  # fmt: skip
BAD_NOTES = ["x" * 5001, "x" * 200_000, "a\x00b", "bell\x07", " "]
NUMBERS = [("65", "65.0"), ("-0.5", "-0.5"), ("1e-05", "1e-05"), ("12.5", "12.5")]
BAD_NUMBERS = ["1_000", "+5", "inf", "nan", "\u0661\u0660", "1,5", "0x10", "1e400"]


def _allowed(values: list[tuple[str, str | None]]) -> list[tuple[str, str]]:
    """(written, meaning); a meaning of None: the value itself."""
    return [(written, written if meaning is None else meaning) for written, meaning in values]


def pledge_cells(export: Export, number: int, clean: bool) -> st.SearchStrategy[Cells]:
    """One pledge row changed in one way."""
    file = "pledges.csv"

    def one(column: str, good: list[tuple[str, str]], bad: list[str]) -> st.SearchStrategy[Cells]:
        goods = [Cells(file, number, {column: w}, {column: m}, column) for w, m in good]
        bads = [Cells(file, number, {column: w}, None, column) for w in bad]
        return st.sampled_from(goods if clean else goods + bads)

    def vocabulary(column: str, values: list[str], bad: list[str]) -> st.SearchStrategy[Cells]:
        return one(column, [(v, v) for v in values], bad)

    status = [s.value for s in Status if s is not Status.SUPERSEDED]
    number_cells = [
        Cells(file, number, {"target_value": w, "target_unit": "%"},
              {"target_value": m, "target_unit": "%"}, "target_value")
        for w, m in NUMBERS
    ] + ([] if clean else [
        Cells(file, number, {"target_value": w, "target_unit": "%"}, None, "target_value")
        for w in BAD_NUMBERS
    ] + [Cells(file, number, {"target_value": "65"}, None, "target_value")])  # fmt: skip
    return st.one_of(
        one("target_year", YEARS, BAD_YEARS),
        one(
            "baseline_year",
            [("1900", "1900"), ("2005", "2005"), ("", "")],
            ["1899", "2_005", "\u0662\u0660\u0660\u0665"],
        ),
        vocabulary("status", status, ["KEPT", "kept ", "done", "", "superseded"]),
        vocabulary("confidence", [c.value for c in Confidence], ["certain", "Low", ""]),
        vocabulary("formality", [f.value for f in Formality], ["law", "IN_LAW"]),
        vocabulary("kind", [k.value for k in PledgeKind], ["Coal", "coal power"]),
        one("notes", _allowed(NOTES), BAD_NOTES),
        one(
            "title",
            [("A retitled pledge", "A retitled pledge"), ("  Spaced ", "Spaced")],
            ["", "x" * 501, "two\nlines"],
        ),
        one("actors", [("CN;US", "CN;US"), ("US", "US")], ["cn", "CN;CN", "CN\\"]),
        st.sampled_from(number_cells),
        # The version a row was exported at, with or without another change of the row.
        st.sampled_from(["", "1", " 1", "01", "2", "0", "-1", "1_0", "\u0661", str(2**31)]).map(
            lambda v: Cells(file, number, {"version": v}, {}, "version")
        ),
        st.sampled_from(["", "1", "2", "01", "\u0661", "0"]).map(
            lambda v: Cells(
                file, number, {"version": v, "notes": "checked"}, {"notes": "checked"}, "version"
            )
        ),
    )


def evidence_cells(export: Export, number: int, clean: bool) -> st.SearchStrategy[Cells]:
    """An exported evidence row: only its id may be written otherwise; anything else is an
    edit in place, which is refused."""
    file, stored = "evidence.csv", export.value("evidence.csv", number, "id")
    same = [f"0{stored}", f" {stored} ", f"00{stored}", f"{stored}.0"]
    goods = [Cells(file, number, {"id": w}, {}, "id") for w in same]
    other = [("0", "id"), ("-1", "id"), ("1_0", "id"), ("\u0661", "id"), (str(2**31), "id"),
             (str(2**63), "id"), (f"{stored}.5", "id"), ("+" + stored, "id"),
             ("99", "quote"), ("", "quote")]  # fmt: skip
    stance = export.value(file, number, "stance")
    edits = [("stance", "contradicts" if stance == "supports" else "supports"),
             ("stance", stance.upper()), ("rank", "preferred"), ("rank", "deprecated"),
             ("quote", "something else")]  # fmt: skip
    bads = [Cells(file, number, {"id": w}, None, at) for w, at in other] + [
        Cells(file, number, {c: w}, None, "deprecated_reason" if w == "deprecated" else c)
        for c, w in edits
    ]
    return st.sampled_from(goods if clean else goods + bads)


def other_cells(export: Export, clean: bool) -> st.SearchStrategy[Cells]:
    """Actors and sources are never changed by an import: only the same values, written
    otherwise, are allowed."""
    goods = [
        Cells("sources.csv", 2, {"date_inferred": "FALSE"}, {"date_inferred": "false"},
              "date_inferred"),
        Cells("sources.csv", 2, {"date_inferred": " false "}, {"date_inferred": "false"},
              "date_inferred"),
    ]  # fmt: skip
    bads = [
        Cells("sources.csv", 2, {"date_inferred": w}, None, "date_inferred")
        for w in ("yes", "0", "")
    ] + [
        # Read as true: then the rule across fields, which names published_on first, refuses it.
        Cells("sources.csv", 2, {"date_inferred": "TRUE"}, None, "published_on"),
    ] + [
        Cells("sources.csv", 2, {"published_on": w}, None, "published_on")
        for w in ("2023-7-20", "\uff12\uff10\uff12\uff13-07-20", "2023-07-21")
    ] + [
        Cells("actors.csv", 2, {"aliases": "China\\"}, None, "aliases"),
        Cells("actors.csv", 3, {"name": "Green Peace"}, None, "name"),
    ]  # fmt: skip
    return st.sampled_from(goods if clean else goods + bads)


def new_evidence(clean: bool) -> st.SearchStrategy[NewEvidence]:
    goods = [("", 22), ("30", 30), (" 31", 31), ("000040", 40), (str(MAX_ID), MAX_ID), ("30.0", 30)]
    bads = ["0", "-1", str(2**31), str(2**63), "1_0", "\u0661", "+30", "30.5"]
    ids = [NewEvidence(i, "supports", m, "id") for i, m in goods]
    if not clean:
        ids += [NewEvidence(i, "supports", None, "id") for i in bads]
        ids += [NewEvidence("", s, None, "stance") for s in ("Supports", "support", "")]
    return st.sampled_from(ids)


def new_source(clean: bool) -> st.SearchStrategy[NewSource]:
    line = "Officials said coal use would \u201cpeak by 2028\u201d \u2014 \u78b3\u8fbe\u5cf0.\r\n"
    huge = line * (200_000 // len(line))  # over csv's default limit of 131,072 on a cell
    sources = [NewSource(huge, True, len(huge)), NewSource("A short article.\n", True, 17)]
    if not clean:
        sources.append(NewSource(huge + "\x00", False, len(huge) + 1))
    return st.sampled_from(sources)


def columns(export: Export, clean: bool) -> st.SearchStrategy[Columns]:
    def of(file: str) -> st.SearchStrategy[Columns]:
        names = export.tables[file][0]
        derived = sorted(DERIVED[file])
        shuffled = st.builds(Columns, st.just(file), st.just("shuffle"), st.just(""),
                             st.integers(0, 10**6))  # fmt: skip
        if clean and not derived:
            return shuffled
        if clean:
            return shuffled | st.builds(Columns, st.just(file), st.just("drop"),
                                        st.sampled_from(derived))  # fmt: skip
        how = st.sampled_from(["drop", "twice", "rename"])
        return shuffled | st.builds(Columns, st.just(file), how, st.sampled_from(names))

    return st.sampled_from([t.file for t in TABLES]).flatmap(of)


@st.composite
def mutations(draw: st.DrawFn, export: Export) -> Mutation:
    clean = draw(st.booleans(), "only allowed changes")
    pledge_rows = range(2, len(export.tables["pledges.csv"]) + 1)
    evidence_rows = range(2, len(export.tables["evidence.csv"]) + 1)
    some_cells = st.one_of(
        st.sampled_from(pledge_rows).flatmap(lambda n: pledge_cells(export, n, clean)),
        st.sampled_from(evidence_rows).flatmap(lambda n: evidence_cells(export, n, clean)),
        other_cells(export, clean),
    )
    codecs = ["utf-8", "utf-8-sig"] + ([] if clean else ["utf-16", "cp1252", "utf-32"])
    return Mutation(
        cells=draw(st.lists(some_cells, max_size=3, unique_by=lambda c: (c.file, c.number))),
        evidence=draw(st.none() | new_evidence(clean)),
        source=draw(st.none() | new_source(clean)),
        columns=draw(st.lists(columns(export, clean), max_size=2, unique_by=lambda c: c.file)),
        codecs=draw(
            st.dictionaries(
                st.sampled_from([t.file for t in TABLES]), st.sampled_from(codecs), max_size=2
            )
        ),
        line_end=draw(st.sampled_from(["\r\n", "\n"])),
    )


# --- writing the files --------------------------------------------------------------------------

NEW_SOURCE_ID = "a-new-article"


def written(export: Export, mutation: Mutation) -> dict[str, bytes]:
    """The mutated files, as bytes."""
    tables = {file: [list(row) for row in rows] for file, rows in export.tables.items()}
    for cells in mutation.cells:
        rows = tables[cells.file]
        for column, text in cells.written.items():
            rows[cells.number - 1][rows[0].index(column)] = text
    if mutation.source is not None:
        rows = tables["sources.csv"]
        rows.append([{"id": NEW_SOURCE_ID, "title": "A new article", "kind": "news",
                      "date_inferred": "false", "language": "en",
                      "text": mutation.source.text}.get(n, "") for n in rows[0]])  # fmt: skip
    if mutation.evidence is not None:
        rows = tables["evidence.csv"]
        new = {"id": mutation.evidence.id, "pledge_id": "cn-co2-peak-2030", "rank": "normal",
               "source_id": "china-us-talks-success", "quote": STANDING,
               "stance": mutation.evidence.stance}  # fmt: skip
        rows.append([new.get(n, "") for n in rows[0]])
    for change in mutation.columns:
        tables[change.file] = _header_changed(tables[change.file], change)
    out: dict[str, bytes] = {}
    for file, rows in tables.items():
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator=mutation.line_end).writerows(rows)
        codec = mutation.codecs.get(file, "utf-8")
        try:
            out[file] = buffer.getvalue().encode(codec)
        except UnicodeEncodeError:  # what cp1252 cannot hold: saved as UTF-16 instead
            out[file] = buffer.getvalue().encode("utf-16")
    return out


def _header_changed(rows: Rows, change: Columns) -> Rows:
    if change.how == "shuffle":
        order = list(range(len(rows[0])))
        random.Random(change.seed).shuffle(order)
        return [[row[i] for i in order] for row in rows]
    index = rows[0].index(change.column)
    if change.how == "drop":
        return [row[:index] + row[index + 1 :] for row in rows]
    if change.how == "twice":
        return [[*row, row[index]] for row in rows]
    assert change.how == "rename"
    return [[*rows[0][:index], "colour", *rows[0][index + 1 :]], *rows[1:]]


# --- what the files mean ------------------------------------------------------------------------


def _readable(raw: bytes) -> bool:
    """Whether the import tells the file's character set: UTF-8, UTF-16 with its mark and
    Windows-1252 it does; UTF-32 (whose mark starts as UTF-16's) it does not."""
    return not raw.startswith(codecs.BOM_UTF32_LE)


def _version(text: str | None) -> int | None:
    """A version cell as the schema reads it; -1 when it is refused whatever the row."""
    if text is None or text.strip() == "":
        return None
    plain = text.strip()
    if not WHOLE_NUMBER.fullmatch(plain) or not 1 <= int(plain) <= MAX_ID:
        return -1
    return int(plain)


def refusals(export: Export, mutation: Mutation, files: dict[str, bytes]) -> list[str]:
    """Where the import must name a refusal (file:row:column, or a prefix of it); none when
    every change is allowed."""
    places = [f"{file}:" for file, raw in files.items() if not _readable(raw)]
    dropped = {(c.file, c.column) for c in mutation.columns if c.how == "drop"}
    for change in mutation.columns:
        if change.how == "drop" and change.column not in DERIVED[change.file]:
            places.append(f"{change.file}:1: the column {change.column} is missing")
        elif change.how == "twice":
            places.append(f"{change.file}:1:{change.column}: the column appears twice")
        elif change.how == "rename":
            places.append(f"{change.file}:1:colour: unknown column")
    for cells in mutation.cells:
        if cells.meaning is None:
            places.append(f"{cells.file}:{cells.number}:{cells.column}:")
            continue
        if cells.file != "pledges.csv":
            continue
        # A pledge row: its version is read whatever else it says, and checked when it changes.
        version = (
            None
            if ("pledges.csv", "version") in dropped
            else _version(cells.written.get("version", "1"))
        )
        changed = any(export.value(cells.file, cells.number, c) != v
                      for c, v in cells.meaning.items())  # fmt: skip
        if version == -1 or (changed and version != 1):
            places.append(f"pledges.csv:{cells.number}:version:")
    if mutation.evidence is not None and mutation.evidence.meaning is None:
        number = len(export.tables["evidence.csv"]) + 1
        places.append(f"evidence.csv:{number}:{mutation.evidence.column}:")
    if mutation.source is not None and not mutation.source.allowed:
        places.append(f"sources.csv:{len(export.tables['sources.csv']) + 1}:text:")
    return places


# --- the property -------------------------------------------------------------------------------


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_mutated_export_is_imported_exactly_or_refused_whole(
    data: st.DataObject, cli: CLI, exported: Export, tmp_path_factory: pytest.TempPathFactory
) -> None:
    mutation = data.draw(mutations(exported), "mutation")
    folder = tmp_path_factory.mktemp("mutated")
    url = copy_of(exported.database, folder)
    files = written(exported, mutation)
    for file, raw in files.items():
        (folder / file).write_bytes(raw)
    places = refusals(exported, mutation, files)
    before = snapshot(url)
    result = cli("import", str(folder), "--db", url, "--reason", "mutated")
    event("refused" if places else "imported")
    if places:
        assert result.code == 2, (places, result.out, result.err)
        if result.err.count("\n") == 1:  # one problem, on one line
            assert result.err.endswith("nothing was written\n")
            named = [line.removeprefix("Error: ") for line in result.err.splitlines()]
        else:  # each problem on its line, then what was written, once
            assert re.fullmatch(r"Error: [\d,]+ problems in the files:", result.err.split("\n")[0])
            assert result.err.endswith("\nNothing was written: mend them and import again.\n")
            assert result.err.count("nothing was written") == 0
            named = [line.removeprefix("  ") for line in result.err.splitlines()[1:-1]]
        assert any(line.startswith(place) for place in places for line in named), (
            places, result.err,
        )  # fmt: skip
        assert snapshot(url) == before
        return
    assert result.code == 0, result.err
    _holds_what_the_files_say(cli, url, exported, mutation, folder / "again")


def _holds_what_the_files_say(
    cli: CLI, url: str, export: Export, mutation: Mutation, again: Path
) -> None:
    verified = cli("log", "verify", "--db", url)
    assert verified.code == 0, verified.out + verified.err
    assert cli("export", "--db", url, "--out", str(again)).code == 0
    expected = {file: _by_key(file, _values(rows)) for file, rows in export.tables.items()}
    changed: set[str] = set()
    for cells in mutation.cells:
        assert cells.meaning is not None
        key = export.value(cells.file, cells.number, KEYS[cells.file])
        record = expected[cells.file][key]
        if any(record[c] != v for c, v in cells.meaning.items()) and cells.file == "pledges.csv":
            changed.add(key)
        record.update(cells.meaning)
    for key in changed:  # one update each
        expected["pledges.csv"][key]["version"] = "2"
    if mutation.evidence is not None:
        assert mutation.evidence.meaning is not None
        expected["evidence.csv"][str(mutation.evidence.meaning)] = {
            "id": str(mutation.evidence.meaning), "pledge_id": "cn-co2-peak-2030",
            "source_id": "china-us-talks-success", "quote": STANDING, "stance": "supports",
            "asserts_status": "", "rank": "normal", "deprecated_reason": "", "note": "",
        }  # fmt: skip
    if mutation.source is not None:
        expected["sources.csv"][NEW_SOURCE_ID] = {
            "id": NEW_SOURCE_ID, "title": "A new article", "publisher": "", "kind": "news",
            "url": "", "published_on": "", "date_inferred": "false", "date_note": "",
            "retrieved_on": "", "language": "en", "notes": "", "text": mutation.source.text,
        }  # fmt: skip
    for file in expected:
        now = _by_key(file, _values(_cells(again / file)))
        assert sorted(now) == sorted(expected[file]), file
        for key, record in expected[file].items():
            shown = {c: now[key][c] for c in record if c not in DERIVED[file] or c == "version"}
            wanted = {c: v for c, v in record.items() if c not in DERIVED[file] or c == "version"}
            assert shown == wanted, (file, key)
    for key in sorted(changed) or ["cn-co2-peak-2030"]:
        result = cli("show", key, "--db", url)
        assert result.code == 0, result.err


def _by_key(file: str, rows: Rows) -> dict[str, dict[str, Any]]:
    header = rows[0]
    return {row[header.index(KEYS[file])]: dict(zip(header, row, strict=True)) for row in rows[1:]}


def test_the_files_written_are_the_export_when_nothing_is_changed(exported: Export) -> None:
    """The property's own footing: with no change, the files it writes are the export's."""
    files = written(exported, Mutation())
    for file, raw in files.items():
        assert raw == (exported.folder / file).read_bytes(), file
