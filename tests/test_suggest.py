"""`pledges suggest` as a curator meets it: the candidates of stored sources in a table, JSON or
CSV; --all and --min-score; one accepted as a pledge with its evidence, or all written for
review with --out; each refusal one line, exit 2, nothing written.

Read-only tests share the seed register on SQLite; tests that write run on SQLite and
PostgreSQL (`seeded`)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from pledges.audit.actors import ActorMatcher
from pledges.db import opened
from pledges.models import SourceRow
from pledges.records import ActorRecord
from pledges.suggest.reading import Reader
from pledges.vocab import ActorKind
from tests.conftest import CLI
from tests.test_cli import one_line
from tests.test_editing import table_counts

TALKS = "china-us-talks-success"
KEYS = {"passage", "start", "end", "actors", "kind", "target_year", "target_value",
        "target_unit", "baseline_year", "score", "reasons", "existing_pledge_id"}  # fmt: skip
SCORE_HINT = "use a number from 0 to 1, e.g. 0.5"

# Texts written for these tests, stating public facts: the EU's climate law (55% below 1990 by
# 2030, climate neutrality by 2050) and China's goals announced at the UN in September 2020.
EN = (
    "BRUSSELS: The European Union has pledged to cut its net greenhouse gas emissions by at "
    "least 55% by 2030 compared with 1990 levels, officials said on Monday.\n\n"
    "The bloc's climate law also commits the EU to climate neutrality by 2050. Analysts expect "
    "the price of carbon permits to rise next year.\n\n"
    "Last year, emissions in the bloc fell by 8%, according to the European Environment Agency.\n"
)
ZH = (
    "2020年9月，国家主席习近平在联合国大会上宣布，中国二氧化碳排放力争于2030年前"
    "达到峰值，努力争取2060年前实现碳中和。\n\n"
    "分析人士认为，这一目标将推动能源结构转型。去年，中国的可再生能源装机容量继续增长。\n"
)


def run_json(cli: CLI, *args: str) -> Any:
    result = cli("suggest", *args, "--format", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def stored_text(db: str, source_id: str) -> str:
    with opened(db) as engine, engine.connect() as conn:
        text = conn.scalar(select(SourceRow.text).where(SourceRow.id == source_id))
    assert text is not None
    return text


def add_sources(cli: CLI, db: str, folder: Path) -> None:
    """The EU as an actor, China's Chinese names, and the English and Chinese texts as sources,
    through the CLI."""
    actor = cli("actor", "add", "EU", "--name", "European Union", "--kind", "bloc", "--alias",
                "European Union", "--alias", "EU", "--reason", "r", "--db", db)  # fmt: skip
    assert actor.code == 0, actor.err
    chinese = cli("actor", "update", "CN", "--add-alias", "中国", "--add-alias", "习近平",
                  "--reason", "Chinese sources", "--db", db)  # fmt: skip
    assert chinese.code == 0, chinese.err
    for name, text, title in (("eu-climate-law", EN, "EU climate law"), ("zh-2060", ZH, "碳中和")):
        path = folder / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        added = cli("source", "add", str(path), "--id", name, "--title", title,
                    "--reason", "r", "--db", db)  # fmt: skip
        assert added.code == 0, added.err


def written(cli: CLI, db: str) -> tuple[dict[str, int], int]:
    """The register's row counts and the length of its log: unchanged means nothing written."""
    log = cli("history", "--format", "json", "--db", db)
    return table_counts(db), len(json.loads(log.out))


# --- showing --------------------------------------------------------------------------------------


def test_json_for_one_source(cli: CLI, seeded_sqlite: str) -> None:
    data = run_json(cli, TALKS, "--db", seeded_sqlite)
    assert set(data) == {"source_id", "candidates"} and data["source_id"] == TALKS
    found = data["candidates"]
    assert found and all(set(c) == KEYS for c in found)
    text = stored_text(seeded_sqlite, TALKS)
    assert all(text[c["start"] : c["end"]] == c["passage"] for c in found)
    scores = [c["score"] for c in found]
    assert scores == sorted(scores, reverse=True) and all(s >= 0.5 for s in scores)
    peak = next(c for c in found if c["existing_pledge_id"] == "cn-co2-peak-2030")
    assert peak["passage"].endswith("has pledged to peak emissions of carbon dioxide by 2030")
    assert (peak["kind"], peak["target_year"], peak["actors"]) == ("emissions_peak", 2030, ["CN"])


def test_table_names_the_source_and_how_to_accept(cli: CLI, seeded_sqlite: str) -> None:
    result = cli("suggest", TALKS, "--db", seeded_sqlite)
    assert result.code == 0, result.err
    count = len(run_json(cli, TALKS, "--db", seeded_sqlite)["candidates"])
    assert f"{TALKS}: {count} suggestions, best first" in result.out
    assert "already in the register as" in result.out and "cn-co2-peak-2030" in result.out
    assert f"Accept one with 'pledges suggest {TALKS} --accept N" in " ".join(result.err.split())


def test_several_sources_give_a_list_and_csv_a_row_per_candidate(
    cli: CLI, seeded_sqlite: str
) -> None:
    ids = [TALKS, "kerry-no-agreement"]
    data = run_json(cli, *ids, "--db", seeded_sqlite)
    assert isinstance(data, list) and [d["source_id"] for d in data] == ids
    result = cli("suggest", *ids, "--format", "csv", "--db", seeded_sqlite)
    assert result.code == 0, result.err
    table = list(csv.reader(io.StringIO(result.out)))
    assert table[0] == ["source_id", "number", "passage", "start", "end", "actors", "kind",
                       "target_year", "target_value", "target_unit", "baseline_year", "score",
                       "reasons", "existing_pledge_id"]  # fmt: skip
    expected = [(d["source_id"], str(n), c["passage"])
                for d in data for n, c in enumerate(d["candidates"], 1)]  # fmt: skip
    assert [(r[0], r[1], r[2]) for r in table[1:]] == expected


def test_all_leaves_out_cited_passages_and_covers_every_source(
    cli: CLI, seeded_sqlite: str
) -> None:
    data = run_json(cli, "--all", "--db", seeded_sqlite)
    sources = json.loads(cli("source", "list", "--format", "json", "--db", seeded_sqlite).out)
    assert [d["source_id"] for d in data] == sorted(s["id"] for s in sources)
    assert all(c["existing_pledge_id"] is None for d in data for c in d["candidates"])
    named = run_json(cli, TALKS, "--db", seeded_sqlite)["candidates"]
    talks = next(d for d in data if d["source_id"] == TALKS)["candidates"]
    assert talks == [c for c in named if c["existing_pledge_id"] is None]


def test_min_score_widens_and_narrows(cli: CLI, seeded_sqlite: str) -> None:
    def spans(*args: str) -> list[tuple[int, int, str]]:
        found = run_json(cli, TALKS, "--db", seeded_sqlite, *args)["candidates"]
        return [(c["start"], c["end"], c["kind"]) for c in found]

    default, zero, high = spans(), spans("--min-score", "0"), spans("--min-score", "0.8")
    assert len(zero) > len(default) and set(default) <= set(zero)
    assert high and len(high) < len(default) and set(high) <= set(default)


@pytest.mark.parametrize("value", ["1.1", "-1", "abc"])
def test_min_score_out_of_range_is_refused(cli: CLI, seeded_sqlite: str, value: str) -> None:
    result = cli("suggest", TALKS, f"--min-score={value}", "--db", seeded_sqlite)
    assert result.code == 2 and result.out == ""
    assert one_line(result.err) == f"Error: --min-score {value} is not allowed — {SCORE_HINT}"


def test_jsonl_is_not_offered(cli: CLI, seeded_sqlite: str) -> None:
    result = cli("suggest", TALKS, "--format", "jsonl", "--db", seeded_sqlite)
    assert result.code == 2 and result.out == ""
    assert one_line(result.err) == (
        "Error: --format 'jsonl' is not allowed — did you mean json? use table, json or csv"
    )


def test_sources_added_from_files_are_read(cli: CLI, seeded: str, tmp_path: Path) -> None:
    add_sources(cli, seeded, tmp_path)
    found = run_json(cli, "eu-climate-law", "--db", seeded)["candidates"]
    assert [(c["kind"], c["target_year"], c["actors"]) for c in found] == [
        ("emissions_reduction", 2030, ["EU"]),
        ("carbon_neutrality", 2050, ["EU"]),
    ]
    assert (found[0]["target_value"], found[0]["target_unit"], found[0]["baseline_year"]) == (
        55, "% below 1990", 1990)  # fmt: skip
    assert not any("Analysts" in c["passage"] or "Last year" in c["passage"] for c in found)
    zh = run_json(cli, "zh-2060", "--db", seeded)["candidates"]
    assert {(c["kind"], c["target_year"]) for c in zh} == {
        ("carbon_neutrality", 2060), ("emissions_peak", 2030)}  # fmt: skip
    assert all(c["actors"] == ["CN"] for c in zh)
    neutral = next(c for c in zh if c["target_year"] == 2060)
    assert neutral["passage"] == "努力争取2060年前实现碳中和"
    text = stored_text(seeded, "zh-2060")
    assert all(text[c["start"] : c["end"]] == c["passage"] for c in zh)


def test_a_suggestion_like_a_pledge_of_the_register_says_which(cli: CLI, tmp_path: Path) -> None:
    db = str(tmp_path / "like.db")
    assert cli("init", "--db", db).code == 0
    add_sources(cli, db, tmp_path)
    zh = {c["target_year"]: c for c in run_json(cli, "zh-2060", "--db", db)["candidates"]}
    assert zh[2060]["existing_pledge_id"] is None
    assert zh[2060]["reasons"][-1] == (
        "like cn-carbon-neutrality-2060 (the same actors, kind and year): cite it there"
    )
    out = tmp_path / "review"
    result = cli("suggest", "zh-2060", "--out", str(out), "--db", db)
    assert result.code == 0, result.err
    assert result.err.splitlines() == [
        f"Nothing new to write to {out}: every suggestion is cited already, written there "
        "before, like a pledge the register has, or names no actor.",
        "Left out 2 suggestions that are like a pledge the register has (the same actors, kind "
        "and year): cite each for that pledge with 'pledges cite'.",
    ]
    assert not out.exists()  # nothing new to write


# --- accepting ------------------------------------------------------------------------------------


def test_accept_adds_the_pledge_and_its_evidence(cli: CLI, seeded: str, tmp_path: Path) -> None:
    add_sources(cli, seeded, tmp_path)
    first = run_json(cli, "eu-climate-law", "--db", seeded)["candidates"][0]
    _, revisions = written(cli, seeded)
    result = cli("suggest", "eu-climate-law", "--accept", "1", "--id", "eu-55-2030",
                 "--reason", "read the law", "--db", seeded)  # fmt: skip
    assert result.code == 0, result.err
    assert "Added pledge eu-55-2030" in result.err
    shown = json.loads(cli("show", "eu-55-2030", "--format", "json", "--db", seeded).out)
    pledge = shown["pledge"]
    assert (pledge["actors"], pledge["kind"], pledge["target_year"]) == (
        ["EU"], "emissions_reduction", 2030)  # fmt: skip
    assert pledge["title"] == "European Union: emissions cut of 55% below 1990 by 2030"
    assert [(e["source_id"], e["quote"], e["located"]) for e in shown["evidence"]] == [
        ("eu-climate-law", first["passage"], True)]  # fmt: skip
    assert written(cli, seeded)[1] == revisions + 2  # the pledge and its evidence
    assert cli("log", "verify", "--db", seeded).code == 0
    again = run_json(cli, "eu-climate-law", "--db", seeded)["candidates"][0]
    assert again["existing_pledge_id"] == "eu-55-2030"


def test_accept_takes_the_curators_fields(cli: CLI, seeded: str, tmp_path: Path) -> None:
    add_sources(cli, seeded, tmp_path)
    result = cli("suggest", "eu-climate-law", "--accept", "2", "--id", "eu-neutral",
                 "--title", "EU: neutral by 2050", "--actor", "CN", "--kind", "net_zero",
                 "--target-year", "2049", "--reason", "r", "--db", seeded)  # fmt: skip
    assert result.code == 0, result.err
    pledge = json.loads(cli("show", "eu-neutral", "--format", "json", "--db", seeded).out)["pledge"]
    assert (pledge["title"], pledge["actors"], pledge["kind"], pledge["target_year"]) == (
        "EU: neutral by 2050", ["CN"], "net_zero", 2049)  # fmt: skip


def test_accept_refusals_write_nothing(cli: CLI, seeded: str, tmp_path: Path) -> None:
    out = str(tmp_path / "out")
    shown = len(run_json(cli, TALKS, "--db", seeded)["candidates"])
    cases = {
        ("--accept", "99", "--id", "x", "--reason", "r"): (
            f"there is no suggestion 99 for {TALKS}: there are {shown} at --min-score 0.5 — run "
            f"'pledges suggest {TALKS}' to see them, and give the number of one"),
        ("--accept", "1", "--id", "x", "--reason", "r"): (
            "suggestion 1 is already in the register as cn-co2-peak-2030 — nothing was written; "
            "accept another, or see it with 'pledges show cn-co2-peak-2030'"),
        ("--accept", "4", "--reason", "r"): (
            "--accept needs --id — give the new pledge's id, e.g. --id cn-peak"),
        ("--accept", "4", "--id", "x"): (
            "--accept needs --reason — say why you add it, e.g. --reason 'Read in the "
            "statement'"),
        ("--accept", "4", "--id", "cn-co2-peak-2030", "--reason", "r"): (
            "pledge cn-co2-peak-2030 already exists — change it with "
            "'pledges update cn-co2-peak-2030'"),
        ("kerry-no-agreement", "--accept", "1", "--id", "x", "--reason", "r"): (
            "--accept takes one source — e.g. 'pledges suggest SOURCE_ID --accept 1'"),
        ("--accept", "4", "--id", "xy-z", "--kind", "bogus", "--reason", "r"): (
            "--kind 'bogus' is not allowed — use emissions_peak, carbon_neutrality, net_zero, "
            "emissions_reduction, renewable_energy, coal, methane_non_co2, finance, forests, "
            "diplomatic_process, cooperation or other"),
        ("--accept", "4", "--id", "x", "--reason", "r", "--out", out): (
            "give --accept or --out, not both — accept one, or write all"),
        ("--id", "x"): ("--id, --reason and the pledge's fields go with --accept N — add "
                        "--accept N, the number of the suggestion to add"),
    }  # fmt: skip
    before = written(cli, seeded)
    for args, message in cases.items():
        result = cli("suggest", TALKS, *args, "--db", seeded)
        assert (result.code, one_line(result.err)) == (2, f"Error: {message}"), args
    others = {
        ("china-us-talks", "--accept", "1", "--id", "x", "--reason", "r"): (
            "no source with id 'china-us-talks' — did you mean china-us-talks-success, "
            "china-rejects-us-calls?"),
        (): "no source named — name one, e.g. 'pledges suggest SOURCE_ID', or give --all",
        (TALKS, "--all"): "give source ids or --all, not both — e.g. 'pledges suggest --all'",
    }  # fmt: skip
    for args, message in others.items():
        result = cli("suggest", *args, "--db", seeded)
        assert (result.code, one_line(result.err)) == (2, f"Error: {message}"), args
    assert written(cli, seeded) == before
    assert not Path(out).exists()


# --- writing for review ---------------------------------------------------------------------------


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def test_out_then_import_then_audit(cli: CLI, seeded: str, tmp_path: Path) -> None:
    out = tmp_path / "review"
    result = cli("suggest", "--all", "--out", str(out), "--db", seeded)
    assert result.code == 0, result.err
    pledges, evidence = rows(out / "pledges.csv"), rows(out / "evidence.csv")
    suggested = sum(len(d["candidates"]) for d in run_json(cli, "--all", "--db", seeded))
    assert len(pledges) == len(evidence) == suggested > 0
    assert [e["pledge_id"] for e in evidence] == [p["id"] for p in pledges]
    done = cli("import", str(out), "--reason", "reviewed", "--db", seeded)
    assert done.code == 0, done.err
    report = cli("audit", *(p["id"] for p in pledges), "--format", "json", "--db", seeded)
    findings = json.loads(report.out)["findings"]
    assert report.code == 0, findings
    assert [f for f in findings if f["severity"] == "error"] == []
    assert cli("log", "verify", "--db", seeded).code == 0


def test_out_into_an_export_keeps_its_rows(cli: CLI, seeded: str, tmp_path: Path) -> None:
    out = tmp_path / "export"
    assert cli("export", "--out", str(out), "--db", seeded).code == 0
    exported = rows(out / "pledges.csv"), rows(out / "evidence.csv")
    assert cli("suggest", "--all", "--out", str(out), "--db", seeded).code == 0
    first = rows(out / "pledges.csv"), rows(out / "evidence.csv")
    assert first[0][: len(exported[0])] == exported[0]
    assert first[1][: len(exported[1])] == exported[1]
    added = [p["id"] for p in first[0][len(exported[0]) :]]
    assert added
    assert cli("suggest", "--all", "--out", str(out), "--db", seeded).code == 0
    second = [p["id"] for p in rows(out / "pledges.csv")]
    assert second == [p["id"] for p in first[0]]  # what the folder holds is not written again
    done = cli("import", str(out), "--reason", "reviewed", "--db", seeded)
    assert done.code == 0, done.err
    listed = json.loads(cli("list", "--format", "json", "--db", seeded).out)
    assert {p["id"] for p in listed} == set(second)


def test_out_refuses_a_folder_that_is_not_an_export(cli: CLI, seeded: str, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "pledges.csv").write_text("id,title\nx,y\n", encoding="utf-8")
    before = written(cli, seeded)
    result = cli("suggest", "--all", "--out", str(out), "--db", seeded)
    assert result.code == 2
    assert one_line(result.err) == (
        f"Error: {out / 'pledges.csv'} is not a file that 'pledges export' wrote (its columns "
        "differ) — give --out a new folder, or the folder of an export made with "
        "'pledges export'"
    )
    assert sorted(p.name for p in out.iterdir()) == ["pledges.csv"]
    assert (out / "pledges.csv").read_text(encoding="utf-8") == "id,title\nx,y\n"
    assert written(cli, seeded) == before


# A passage may start with a character an export escapes: an apostrophe (always), a dash (with
# --excel). Written by the tests: China's goals, set as a bullet list after a quoted sentence.
MARKED = (  # targets the seed register lacks: suggestions --out writes
    "Officials met in Beijing on Tuesday.\n\n'China will peak its carbon dioxide emissions "
    "before 2029,' the minister said.\n\n- China will reach carbon neutrality before 2059.\n"
)


def add_marked(cli: CLI, db: str, folder: Path) -> None:
    path = folder / "marked.txt"
    path.write_text(MARKED, encoding="utf-8")
    added = cli("source", "add", str(path), "--id", "marked", "--title", "Goals", "--reason", "r",
                "--db", db)  # fmt: skip
    assert added.code == 0, added.err


def test_a_passage_that_starts_with_an_apostrophe_survives_out_and_import(
    cli: CLI, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'register.db'}"
    assert cli("init", "--db", db).code == 0
    add_marked(cli, db, tmp_path)
    passage = run_json(cli, "marked", "--db", db)["candidates"][0]["passage"]
    assert passage.startswith("'China will peak")
    out = tmp_path / "review"
    assert cli("suggest", "marked", "--out", str(out), "--db", db).code == 0
    assert cli("import", str(out), "--reason", "reviewed", "--db", db).code == 0
    pledge_id = rows(out / "pledges.csv")[0]["id"]
    shown = json.loads(cli("show", pledge_id, "--format", "json", "--db", db).out)
    assert shown["evidence"][0]["quote"] == passage


def test_out_into_an_excel_export_keeps_it_fit_for_a_spreadsheet(cli: CLI, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'register.db'}"
    assert cli("init", "--db", db).code == 0
    add_marked(cli, db, tmp_path)
    out = tmp_path / "sheet"
    assert cli("export", "--out", str(out), "--excel", "--db", db).code == 0
    assert (out / "pledges.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert cli("suggest", "marked", "--out", str(out), "--db", db).code == 0
    assert (out / "pledges.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (out / "evidence.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    quotes = [e["quote"] for e in rows(out / "evidence.csv") if e["source_id"] == "marked"]
    assert "'- China will reach carbon neutrality before 2059" in quotes


# --- the reader, on any arrangement of sentences ------------------------------------------------

MATCHER = ActorMatcher([
    ActorRecord("CN", "China", ActorKind.COUNTRY, ["China", "中国"]),
    ActorRecord("EU", "European Union", ActorKind.BLOC, ["European Union", "EU"]),
])  # fmt: skip
SENTENCES = [
    "The European Union has pledged to cut emissions by 55% by 2030 from 1990 levels.",
    "China will peak carbon dioxide emissions before 2030 and reach carbon neutrality before 2060.",
    "“We are committed to climate neutrality by 2050,” the EU said.",
    "Analysts expect coal use to rise next year.",
    "Last year, emissions fell by 8%.",
    "Will China phase out coal?",
    "The EU did not commit to a coal exit.",
    "中国力争2030年前实现碳达峰，2060年前实现碳中和。",
    "到2025年，非化石能源消费比重达到20%左右。",
    "去年，中国的可再生能源装机容量继续增长。",
]
SPACES = st.sampled_from(["", " ", "  ", "\n", "\n\n", "\t", " \n \n ", "\u3000"])
BLANK_LINE = re.compile(r"\n[ \t\u3000]*\n")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(SPACES, st.sampled_from(SENTENCES), st.booleans()), min_size=1,
                max_size=6), SPACES)  # fmt: skip
def test_every_candidate_stands_in_the_text_and_one_paragraph(
    parts: list[tuple[str, str, bool]], tail: str
) -> None:
    text = "".join(space + (s if stop else s[:-1]) for space, s, stop in parts) + tail
    for candidate in Reader(text, MATCHER).candidates():
        assert text[candidate.start : candidate.end] == candidate.passage
        assert 0 <= candidate.score <= 1
        assert BLANK_LINE.search(candidate.passage) is None, candidate.passage
