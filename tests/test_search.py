# ruff: noqa: RUF001, RUF003 (Chinese is written with full-width punctuation)
"""`pledges search` and its index: the query language, the filters, the output, Chinese text,
the same hits on SQLite and PostgreSQL, the index kept in step with every write, its repair by
`pledges db reindex`, and the refusals."""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, make_url, text

from pledges.errors import InvalidInput
from pledges.search.query import Form, parse
from pledges.search.snippets import matcher, snippet
from tests.conftest import CLI, FreshPostgres
from tests.test_cli import one_line

Hits = list[dict[str, Any]]
FIELDS = ["kind", "id", "title", "date", "source", "source_title", "pledge", "status",
          "deprecated", "snippet"]  # fmt: skip


def reindex(db: str) -> str:
    """The hint of a missing or damaged index: the command that makes it again, for `db`."""
    shown = db if "://" not in db else db.replace("postgresql://", "postgresql+psycopg://")
    return f"run 'pledges db reindex --db {shown}' to make it again from the register"


# A text written for these tests, stating public facts: China's goals announced at the UN General
# Assembly in September 2020 (carbon dioxide emissions to peak before 2030, carbon neutrality
# before 2060).
ZH_ID = "zh-goals"
ZH_TITLE = "中国的碳达峰与碳中和目标"
ZH_TEXT = (
    "2020年9月，中国在联合国大会（UN General Assembly）上宣布了新的气候目标。"
    "中国的二氧化碳排放力争于2030年前达到峰值，努力争取2060年前实现碳中和。"
    "此后，中国表示将大力发展风能和太阳能。"
)
ZH_QUOTE = "努力争取2060年前实现碳中和"


def search(cli: CLI, db: str, query: str, *args: str) -> Hits:
    result = cli("search", "--format", "json", "--db", db, *args, "--", query)
    assert result.code == 0, result.err
    hits: Hits = json.loads(result.out)
    return hits


def keys(cli: CLI, db: str, query: str, *args: str) -> set[tuple[str, str]]:
    return {(h["kind"], h["id"]) for h in search(cli, db, query, *args)}


def of(kind: str, found: set[tuple[str, str]]) -> set[str]:
    return {i for k, i in found if k == kind}


def refused(cli: CLI, *args: str) -> str:
    result = cli(*args)
    assert result.code == 2, (result.out, result.err)
    assert result.out == ""
    return one_line(result.err)


def add_chinese(cli: CLI, db: str, folder: Path) -> None:
    article = folder / "zh-goals.txt"
    article.write_text(ZH_TEXT, encoding="utf-8")
    added = cli("source", "add", str(article), "--id", ZH_ID, "--title", ZH_TITLE,
                "--language", "zh", "--published", "2020-09-22", "--reason", "a Chinese source",
                "--db", db)  # fmt: skip
    assert added.code == 0, added.err
    cited = cli("cite", "cn-carbon-neutrality-2060", ZH_ID, "--quote", ZH_QUOTE,
                "--reason", "the goal in Chinese", "--db", db)  # fmt: skip
    assert cited.code == 0, cited.err


def zh_quote_id(cli: CLI, db: str) -> str:
    hits = search(cli, db, "碳中和", "--in", "quotes", "--source", ZH_ID)
    assert len(hits) == 1
    return str(hits[0]["id"])


# --- the seed register --------------------------------------------------------------------------


def test_words_find_the_seed_records(cli: CLI, seeded: str) -> None:
    found = keys(cli, seeded, "methane")
    assert of("pledges", found) == {"us-cn-methane-non-co2"}
    assert of("sources", found) == {"kerry-more-work-needed", "kerry-not-dictating"}
    assert of("quotes", found)
    coal = keys(cli, seeded, "coal")
    assert "us-cn-renewables-power-sector" in of("pledges", coal)
    assert keys(cli, seeded, "METHANE") == found  # case does not matter
    assert keys(cli, seeded, "xylophone") == set()


def test_a_phrase_is_its_words_in_a_row(cli: CLI, seeded: str) -> None:
    words = keys(cli, seeded, "peak carbon")
    phrase = keys(cli, seeded, '"peak carbon"')
    assert phrase < words
    assert of("sources", phrase) == {"china-rejects-us-calls"}
    assert "cn-co2-peak-2030" in of("pledges", words) and not of("pledges", phrase)
    assert keys(cli, seeded, '"climate talks"') < keys(cli, seeded, "climate talks")
    # All words are required: a word no record holds finds nothing.
    assert keys(cli, seeded, "methane xylophone") == set()


def test_excluded_words_leave_records_out(cli: CLI, seeded: str) -> None:
    carbon = keys(cli, seeded, "carbon")
    without = keys(cli, seeded, "carbon -neutrality")
    with_it = keys(cli, seeded, "carbon neutrality")
    assert without and with_it
    assert without == carbon - with_it
    phrase_out = keys(cli, seeded, 'carbon -"carbon neutral"')
    assert phrase_out == carbon - keys(cli, seeded, '"carbon neutral"')


def test_a_prefix_finds_the_words_that_begin_so(cli: CLI, seeded: str) -> None:
    prefix = keys(cli, seeded, "neutr*")
    assert keys(cli, seeded, "neutral") | keys(cli, seeded, "neutrality") <= prefix
    assert keys(cli, seeded, "neutr") == set()
    assert keys(cli, seeded, "meth*") >= keys(cli, seeded, "methane")


def test_in_picks_the_kinds_of_record(cli: CLI, seeded: str) -> None:
    everything = keys(cli, seeded, "methane")
    for kind in ("sources", "quotes", "pledges"):
        assert keys(cli, seeded, "methane", "--in", kind) == {
            (k, i) for k, i in everything if k == kind
        }
    two = keys(cli, seeded, "methane", "--in", "sources", "--in", "pledges")
    assert two == {(k, i) for k, i in everything if k != "quotes"}


def test_actor_filter_by_code_name_and_alias(cli: CLI, seeded: str) -> None:
    climate = keys(cli, seeded, "climate")
    us = keys(cli, seeded, "climate", "--actor", "US")
    assert us and us <= climate
    assert all(i.startswith("us-") for i in of("pledges", us))
    assert keys(cli, seeded, "carbon", "--actor", "US") < keys(cli, seeded, "carbon")
    assert keys(cli, seeded, "climate", "--actor", "United States") == us
    assert keys(cli, seeded, "climate", "--actor", "Kerry") == us
    cn = keys(cli, seeded, "carbon", "--in", "pledges", "--actor", "CN")
    assert of("pledges", cn) == {"cn-co2-peak-2030", "cn-carbon-neutrality-2060",
                                 "cn-clean-energy-system"}  # fmt: skip
    assert keys(cli, seeded, "carbon", "--in", "pledges", "--actor", "China") == cn


def test_kind_status_and_source_filters(cli: CLI, seeded: str) -> None:
    kind = keys(cli, seeded, "carbon", "--kind", "carbon_neutrality")
    assert of("pledges", kind) == {"cn-carbon-neutrality-2060"}
    assert of("quotes", kind) and all(i in {"3", "4"} for i in of("quotes", kind))
    assert keys(cli, seeded, "carbon", "--status", "not_yet_rated") == keys(cli, seeded, "carbon")
    assert keys(cli, seeded, "carbon", "--status", "kept") == set()
    source = keys(cli, seeded, "carbon", "--source", "china-rejects-us-calls")
    assert of("sources", source) == {"china-rejects-us-calls"}
    assert all(h["source"] == "china-rejects-us-calls"
               for h in search(cli, seeded, "carbon", "--in", "quotes", "--source",
                               "china-rejects-us-calls"))  # fmt: skip
    assert "cn-clean-energy-system" in of("pledges", source)


def test_since_and_until(cli: CLI, seeded: str) -> None:
    late = search(cli, seeded, "climate", "--in", "sources", "--since", "2023-11-01")
    assert {h["id"] for h in late} == {"china-us-talks-success"}
    early = search(cli, seeded, "climate", "--in", "sources", "--until", "2023-07-19")
    assert {h["id"] for h in early} == {"kerry-not-dictating", "kerry-more-work-needed",
                                         "kerry-no-agreement"}  # fmt: skip
    day = keys(cli, seeded, "climate", "--since", "2023-07-20", "--until", "2023-07-20")
    assert of("sources", day) == {"china-rejects-us-calls"}
    pledges = search(cli, seeded, "energy", "--in", "pledges", "--since", "2023-07-01")
    assert {h["id"] for h in pledges} == {"cn-clean-energy-system"}


def test_limit_caps_each_kind(cli: CLI, seeded: str) -> None:
    hits = search(cli, seeded, "climate", "--limit", "1")
    kinds = [h["kind"] for h in hits]
    assert all(kinds.count(k) <= 1 for k in set(kinds)) and kinds
    table = cli("search", "climate", "--limit", "1", "--db", seeded)
    assert table.code == 0 and "--limit shows more" in table.out


def test_output_shapes(cli: CLI, seeded: str) -> None:
    hits = search(cli, seeded, "methane")
    assert hits and all(list(h) == FIELDS for h in hits)
    pledge = next(h for h in hits if h["kind"] == "pledges")
    assert pledge["pledge"] == "us-cn-methane-non-co2" and pledge["status"] == "not_yet_rated"
    assert pledge["deprecated"] is False
    quote = next(h for h in hits if h["kind"] == "quotes")
    assert quote["source"] == "kerry-not-dictating" and quote["pledge"] == "us-cn-methane-non-co2"
    assert quote["source_title"] == "Kerry says US is not dictating climate solutions to China"
    for hit in hits:
        assert re.search(r"\*\*methane\*\*", hit["snippet"], re.IGNORECASE), hit
    lines = cli("search", "methane", "--format", "jsonl", "--db", seeded).out.splitlines()
    assert [json.loads(line) for line in lines] == hits
    csv_out = cli("search", "methane", "--format", "csv", "--db", seeded).out.splitlines()
    assert csv_out[0] == ",".join(FIELDS) and len(csv_out) == len(hits) + 1
    nothing = cli("search", "xylophone", "--db", seeded)
    assert nothing.code == 0 and "Nothing in the register matches 'xylophone'" in nothing.err


# --- Chinese ------------------------------------------------------------------------------------


def test_chinese_is_found_inside_unspaced_text(cli: CLI, seeded: str, tmp_path: Path) -> None:
    add_chinese(cli, seeded, tmp_path)
    quote = zh_quote_id(cli, seeded)
    assert keys(cli, seeded, "碳中和") == {("sources", ZH_ID), ("quotes", quote)}  # 3 characters
    assert keys(cli, seeded, "峰值") == {("sources", ZH_ID)}  # 2 characters
    assert keys(cli, seeded, "碳") == {("sources", ZH_ID), ("quotes", quote)}  # 1 character
    assert keys(cli, seeded, "碳中和 assembly") == {("sources", ZH_ID)}  # mixed
    assert keys(cli, seeded, "碳中和 -assembly") == {("quotes", quote)}
    assert keys(cli, seeded, "达峰") == {("sources", ZH_ID)}  # only in the title
    hit = search(cli, seeded, "碳中和", "--in", "quotes")[0]
    assert "**碳中和**" in hit["snippet"]


def test_a_number_written_against_chinese_is_found_with_it(
    cli: CLI, seeded: str, tmp_path: Path
) -> None:
    """The quote holds "2060年前": the year stands against the Chinese, as Chinese writes it, so
    it is part of the unspaced text (the README says so): it is found written as the text writes
    it, `2060年`, and not as a word of its own."""
    add_chinese(cli, seeded, tmp_path)
    quote = zh_quote_id(cli, seeded)
    assert ("quotes", quote) in keys(cli, seeded, "碳中和 2060年")
    assert ("quotes", quote) not in keys(cli, seeded, "碳中和 2060")


# --- the same on both databases -----------------------------------------------------------------

QUERIES = [
    "methane", "carbon neutrality", '"carbon neutrality"', '"peak carbon"', "carbon -neutrality",
    'climate -"climate talks"', "neutr*", '"carbon neutral*"', "low-carbon", "1.5", "CO2",
    "碳中和", "峰值", "碳", "碳中和 assembly", "碳 -峰值", "meth* -xylophone", "Kerry China",
    "-methane climate",
    'carbon -"peak carbon"',
    '"1.5 °C"',
    "co* -coal",
    '碳中和 -"general assembly"',
    'assem* 碳',
    "2060",
]  # fmt: skip


def _build(cli: CLI, db: str, folder: Path) -> None:
    assert cli("init", "--db", db).code == 0
    add_chinese(cli, db, folder)


def _both(
    cli: CLI, fresh_pg: FreshPostgres, folder: Path, build: Callable[[CLI, str, Path], None]
) -> tuple[str, str]:
    """The same register built on SQLite and on PostgreSQL: their URLs."""
    lite, server = str(folder / "register.db"), fresh_pg.new()
    build(cli, lite, folder)
    build(cli, server, folder)
    return lite, server


def _one_source(cli: CLI, db: str, folder: Path, source_id: str, title: str, text: str) -> None:
    """A register holding one English source and nothing else."""
    assert cli("init", "--empty", "--db", db).code == 0
    article = folder / f"{source_id}.txt"
    article.write_text(text, encoding="utf-8")
    added = cli("source", "add", str(article), "--id", source_id, "--title", title,
                "--published", "2024-01-01", "--language", "en", "--reason", "t",
                "--db", db)  # fmt: skip
    assert added.code == 0, added.err


@pytest.mark.postgres
def test_both_databases_find_the_same(cli: CLI, fresh_pg: FreshPostgres, tmp_path: Path) -> None:
    lite, server = _both(cli, fresh_pg, tmp_path, _build)
    for query in QUERIES:
        on_lite, on_server = search(cli, lite, query), search(cli, server, query)
        assert {(h["kind"], h["id"]) for h in on_lite} == {
            (h["kind"], h["id"]) for h in on_server
        }, query
        snippets = {(h["kind"], h["id"]): h["snippet"] for h in on_lite}
        assert snippets == {(h["kind"], h["id"]): h["snippet"] for h in on_server}, query


@pytest.mark.postgres
def test_a_year_against_chinese_is_read_alike(
    cli: CLI, fresh_pg: FreshPostgres, tmp_path: Path
) -> None:
    lite, server = _both(cli, fresh_pg, tmp_path, _build)
    assert keys(cli, lite, "2060")  # the seed register's English texts hold the year
    for query in ("2060", "2030 -碳中和", "碳中和 2060"):
        assert keys(cli, lite, query) == keys(cli, server, query), query


# Letters outside plain ASCII: accents, Greek with its final sigma, superscripts, fractions,
# Roman numerals, full-width forms and kana.
ODD_TEXT = (
    "Test article. The ΚΌΣΜΟΣ project and the κόσμος review met in the CAFÉ Naïve. Emissions of "
    "CO₂ fell; the area is 40 m² and ½ of it is green. Chapter Ⅻ explains İstanbul plans. "
    "ＣＯ２排放下降。カーボンニュートラル宣言。Ｔｏｋｙｏ meeting."
)
ODD_FOUND = ["κόσμος", "ΚΌΣΜΟΣ", "café", "CAFÉ", "naïve", "co₂", "CO₂", "m²", "½", "ⅻ", "Ⅻ",
             "ｃｏ２", "ＣＯ２", "ｔｏｋｙｏ", "カーボン", "ー", "ＣＯ", "été", "ÉTÉ"]  # fmt: skip
ODD_MISSED = ["co2", "tokyo", "κοσμοσ", "stanbul"]


def _odd(cli: CLI, db: str, folder: Path) -> None:
    _one_source(cli, db, folder, "odd", "Odd letters ÉTÉ", ODD_TEXT)


@pytest.mark.postgres
def test_letters_beyond_ascii_are_read_alike(
    cli: CLI, fresh_pg: FreshPostgres, tmp_path: Path
) -> None:
    lite, server = _both(cli, fresh_pg, tmp_path, _odd)
    for query in ODD_FOUND:
        for db in (lite, server):
            assert keys(cli, db, query) == {("sources", "odd")}, (query, db)
    for query in ODD_MISSED:
        for db in (lite, server):
            assert keys(cli, db, query) == set(), (query, db)


@pytest.mark.postgres
def test_case_of_short_full_width_and_dotted_i(
    cli: CLI, fresh_pg: FreshPostgres, tmp_path: Path
) -> None:
    lite, server = _both(cli, fresh_pg, tmp_path, _odd)
    # A Chinese/Japanese term of 1-2 characters ignores case beyond ASCII on both: "ｃｏ" finds
    # "ＣＯ２" (as the trigram index does for "ｃｏ２").
    assert keys(cli, lite, "ｃｏ") == keys(cli, server, "ｃｏ") == {("sources", "odd")}
    # "İstanbul" typed as the text writes it stays one word, found on both. SQLite's unicode61
    # leaves the Turkish dotted capital as it is, and PostgreSQL is made to (pledges_fold), so
    # "istanbul" finds it on neither; the final sigma is a sigma on both.
    assert keys(cli, lite, "İstanbul") == keys(cli, server, "İstanbul") == {("sources", "odd")}
    assert keys(cli, lite, "istanbul") == keys(cli, server, "istanbul") == set()


# --- kept in step -------------------------------------------------------------------------------


def test_update_of_a_pledge_is_followed(cli: CLI, seeded: str) -> None:
    assert keys(cli, seeded, "methane", "--in", "pledges") == {("pledges", "us-cn-methane-non-co2")}
    done = cli("update", "us-cn-methane-non-co2", "--title", "The US and China cut xenongas",
               "--statement", "They will cut xenongas leaks.", "--reason", "test",
               "--db", seeded)  # fmt: skip
    assert done.code == 0, done.err
    assert keys(cli, seeded, "methane", "--in", "pledges") == set()
    assert keys(cli, seeded, "xenongas") == {("pledges", "us-cn-methane-non-co2")}
    assert keys(cli, seeded, "leaks", "--in", "pledges") == {("pledges", "us-cn-methane-non-co2")}
    # A second change of the same record, then a revert of it.
    again = cli("update", "us-cn-methane-non-co2", "--title", "Kryptongas title",
                "--reason", "test", "--db", seeded)  # fmt: skip
    assert again.code == 0, again.err
    assert keys(cli, seeded, "kryptongas") == {("pledges", "us-cn-methane-non-co2")}
    assert keys(cli, seeded, "xenongas") == {("pledges", "us-cn-methane-non-co2")}  # statement
    head = json.loads(cli("history", "--format", "json", "--db", seeded).out)
    last = max(int(r["seq"]) for r in head)
    back = cli("revert", str(last), "--reason", "test", "--db", seeded)
    assert back.code == 0, back.err
    assert keys(cli, seeded, "kryptongas") == set()
    assert keys(cli, seeded, '"cut xenongas"') == {("pledges", "us-cn-methane-non-co2")}


def test_cite_and_source_update_are_followed(cli: CLI, seeded: str) -> None:
    assert keys(cli, seeded, "talks", "--in", "quotes") == set()
    cited = cli("cite", "us-cn-continue-talks", "kerry-not-dictating", "--quote",
                "He admitted there had been no breakthrough in talks", "--reason", "test",
                "--db", seeded)  # fmt: skip
    assert cited.code == 0, cited.err
    found = search(cli, seeded, "breakthrough", "--in", "quotes")
    assert [(h["pledge"], h["source"]) for h in found] == [
        ("us-cn-continue-talks", "kerry-not-dictating")
    ]
    assert "**breakthrough**" in found[0]["snippet"]
    done = cli("source", "update", "kerry-no-agreement", "--title",
               "Kerry leaves Beijing zebrafish", "--reason", "test", "--db", seeded)  # fmt: skip
    assert done.code == 0, done.err
    assert keys(cli, seeded, "zebrafish") == {("sources", "kerry-no-agreement")}
    assert ("sources", "kerry-no-agreement") not in keys(cli, seeded, '"ends Beijing trip"')


def test_a_title_turned_chinese_and_back_is_followed(cli: CLI, seeded: str) -> None:
    pledge = "cn-carbon-neutrality-2060"

    def retitle(title: str) -> None:
        done = cli("update", pledge, "--title", title, "--reason", "test", "--db", seeded)
        assert done.code == 0, done.err

    retitle("中国2060年前实现碳中和")
    assert keys(cli, seeded, "碳中和") == {("pledges", pledge)}
    assert keys(cli, seeded, "实现") == {("pledges", pledge)}
    assert keys(cli, seeded, "碳", "--in", "pledges") == {("pledges", pledge)}
    retitle("China carbon neutral by 2060")
    assert keys(cli, seeded, "碳中和") == set()
    assert keys(cli, seeded, "实现") == set()


def test_a_deprecated_quote_is_found_and_says_so(cli: CLI, seeded: str) -> None:
    (quote,) = search(cli, seeded, "methane", "--in", "quotes")
    assert quote["deprecated"] is False
    done = cli("evidence", "deprecate", quote["id"], "--reason", "test", "--db", seeded)
    assert done.code == 0, done.err
    (again,) = search(cli, seeded, "methane", "--in", "quotes")
    assert again["id"] == quote["id"] and again["deprecated"] is True


def test_a_refused_command_leaves_the_index_as_it_was(cli: CLI, seeded: str) -> None:
    before = {q: keys(cli, seeded, q) for q in ("methane", "climate", "coal")}
    bad = cli("update", "us-cn-methane-non-co2", "--title", "xenongas", "--status", "done",
              "--reason", "test", "--db", seeded)  # fmt: skip
    assert bad.code == 2
    missing = cli("cite", "nope-pledge", "kerry-not-dictating", "--quote", "methane",
                  "--reason", "test", "--db", seeded)  # fmt: skip
    assert missing.code == 2
    assert {q: keys(cli, seeded, q) for q in before} == before
    assert keys(cli, seeded, "xenongas") == set()


def test_a_change_refused_inside_its_transaction_leaves_the_index(cli: CLI, seeded: str) -> None:
    before = {q: keys(cli, seeded, q) for q in ("breakthrough", "methane", "kerry")}
    near = cli("cite", "us-cn-continue-talks", "kerry-not-dictating", "--quote",
               "He admitted there had been no breakthrough in the talks at all", "--reason", "t",
               "--db", seeded)  # fmt: skip
    assert near.code == 2
    assert {q: keys(cli, seeded, q) for q in before} == before


def test_an_import_of_edited_titles_is_followed(cli: CLI, seeded: str, tmp_path: Path) -> None:
    import csv

    out = tmp_path / "export"
    assert cli("export", "--db", seeded, "--out", str(out)).code == 0
    path = out / "pledges.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
        columns = list(rows[0])
    for row in rows:
        if row["id"] == "us-cn-methane-non-co2":
            row["title"] = "The US and China curb zirconium"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(rows)
    done = cli("import", str(out), "--db", seeded, "--reason", "edited titles")
    assert done.code == 0, done.err
    assert keys(cli, seeded, "zirconium") == {("pledges", "us-cn-methane-non-co2")}
    assert keys(cli, seeded, '"focus on methane"', "--in", "pledges") == set()
    assert keys(cli, seeded, "methane", "--in", "pledges") == {("pledges", "us-cn-methane-non-co2")}


def test_an_import_is_indexed_as_the_original(
    cli: CLI, seeded: str, db_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    add_chinese(cli, seeded, tmp_path)
    out = tmp_path / "export"
    assert cli("export", "--db", seeded, "--out", str(out)).code == 0
    if seeded.startswith("sqlite"):
        fresh = f"sqlite:///{tmp_path / 'copy.db'}"
    else:
        fresh = request.getfixturevalue("fresh_pg").new()
    assert cli("init", "--empty", "--db", fresh).code == 0
    done = cli("import", str(out), "--db", fresh, "--allow-unlocated", "--reason", "copy")
    assert done.code == 0, done.err
    for query in QUERIES:
        assert search(cli, fresh, query) == search(cli, seeded, query), query


# --- damage -------------------------------------------------------------------------------------


def _path(url: str) -> str:
    return url.removeprefix("sqlite:///")


def test_a_dropped_sqlite_table_is_named_and_made_again(cli: CLI, tmp_path: Path) -> None:
    db = str(tmp_path / "register.db")
    assert cli("init", "--db", db).code == 0
    with sqlite3.connect(db) as connection:
        connection.execute("DROP TABLE search_pledges")
    assert refused(cli, "search", "methane", "--db", db) == (
        f"Error: the search index of {db} is missing or damaged — {reindex(db)}"
    )
    fixed = cli("db", "reindex", "--db", db)
    assert fixed.code == 0, fixed.err
    assert fixed.err.strip().splitlines()[-2:] == [
        "Found: the search index table search_pledges is missing.",
        "The search index was missing or damaged; it was rebuilt from the register.",
    ]
    assert keys(cli, db, "methane", "--in", "pledges") == {("pledges", "us-cn-methane-non-co2")}
    whole = cli("db", "reindex", "--db", db)
    assert whole.err.strip().splitlines()[-1] == (
        "The search index was intact; it was rebuilt from the register."
    )
    assert cli("log", "verify", "--db", db).code == 0


def test_a_damaged_sqlite_table_is_named_and_made_again(cli: CLI, tmp_path: Path) -> None:
    db = str(tmp_path / "register.db")
    assert cli("init", "--db", db).code == 0
    with sqlite3.connect(db) as connection:  # the FTS5 table's own records, emptied
        connection.execute("DELETE FROM search_pledges_data")
    # A damaged FTS5 table (SQLITE_CORRUPT_VTAB) is the index's damage, not the register's.
    assert refused(cli, "search", "methane", "--db", db) == (
        f"Error: the search index of {db} is missing or damaged — {reindex(db)}"
    )


def test_a_damaged_sqlite_table_is_made_again(cli: CLI, tmp_path: Path) -> None:
    db = str(tmp_path / "register.db")
    assert cli("init", "--db", db).code == 0
    with sqlite3.connect(db) as connection:
        connection.execute("DELETE FROM search_pledges_data")
    # DROP TABLE of an FTS5 table whose structure record is gone fails in the table's
    # constructor: the reindex removes its entry instead. Until then a write still goes in (the
    # index is left as it is, damaged, for the reindex), and the register stays whole.
    assert cli("log", "verify", "--db", db).code == 0
    edited = cli(
        "update", "cn-co2-peak-2030", "--title", "A new title", "--reason", "t", "--db", db
    )
    assert edited.code == 0, edited.err
    fixed = cli("db", "reindex", "--db", db)
    assert fixed.code == 0, fixed.err
    assert "Found: the search index search_pledges does not match the register." in fixed.err
    assert keys(cli, db, "methane", "--in", "pledges") == {("pledges", "us-cn-methane-non-co2")}


def test_a_title_changed_behind_the_tools_back_is_found(cli: CLI, tmp_path: Path) -> None:
    db = str(tmp_path / "register.db")
    assert cli("init", "--db", db).code == 0
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE sources SET title = 'Quokka' WHERE id = 'kerry-no-agreement'")
    fixed = cli("db", "reindex", "--db", db)
    assert fixed.code == 0
    assert "Found: the search index search_sources does not match the register." in fixed.err
    assert keys(cli, db, "quokka") == {("sources", "kerry-no-agreement")}


def test_init_makes_a_damaged_index_again(cli: CLI, tmp_path: Path) -> None:
    db = str(tmp_path / "register.db")
    assert cli("init", "--db", db).code == 0
    with sqlite3.connect(db) as connection:
        connection.execute("DROP TABLE search_unspaced")
        connection.execute("DROP TABLE search_sources")
    again = cli("init", "--db", db)
    assert again.code == 0, again.err
    assert keys(cli, db, "methane", "--in", "sources")
    assert "xylophone" not in again.err
    assert (
        cli("db", "reindex", "--db", db)
        .err.strip()
        .splitlines()[-1]
        .startswith("The search index was intact")
    )


@pytest.mark.postgres
def test_a_dropped_postgres_column_is_named_and_made_again(
    cli: CLI, fresh_pg: FreshPostgres
) -> None:
    db = fresh_pg.new()
    assert cli("init", "--db", db).code == 0
    engine = create_engine(db)
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE sources DROP COLUMN search_words"))
    engine.dispose()
    name = db.rsplit("/", 1)[1]
    assert refused(cli, "search", "methane", "--db", db) == (
        f"Error: the search index of {name} is missing or damaged — {reindex(db)}"
    )
    fixed = cli("db", "reindex", "--db", db)
    assert fixed.code == 0, fixed.err
    assert "Found: the search index's search_words columns are missing." in fixed.err
    assert of("sources", keys(cli, db, "methane"))
    assert cli("log", "verify", "--db", db).code == 0


def test_log_verify_is_clean_with_the_index(cli: CLI, seeded: str, tmp_path: Path) -> None:
    add_chinese(cli, seeded, tmp_path)
    verified = cli("log", "verify", "--db", seeded)
    assert verified.code == 0, verified.err


# --- refusals -----------------------------------------------------------------------------------

NO_WORD = "holds no word to look for (words are letters and digits)"
HINT = (
    'give at least one word or "a phrase" to find, e.g. pledges search methane '
    "or pledges search '\"carbon neutrality\" -2050'"
)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "the search is empty"),
        ("   ", "the search is empty"),
        ("?!-- ...", f"the search '?!-- ...' {NO_WORD}"),
        ("-methane -coal", "the search '-methane -coal' only leaves words out"),
        ('-"carbon neutral"', "the search '-\"carbon neutral\"' only leaves words out"),
        ("- -", f"the search '- -' {NO_WORD}"),
    ],
)  # fmt: skip
def test_queries_with_nothing_to_find(cli: CLI, seeded: str, query: str, message: str) -> None:
    assert refused(cli, "search", "--db", seeded, "--", query) == f"Error: {message} — {HINT}"


def test_bad_filters_are_refused_in_one_line(cli: CLI, seeded: str) -> None:
    from pledges.validation import choice
    from pledges.vocab import PledgeKind, Status

    for option, enum in (("--status", Status), ("--kind", PledgeKind)):
        with pytest.raises(InvalidInput) as expected:
            choice(enum, option, "done")
        line = refused(cli, "search", "climate", option, "done", "--db", seeded)
        assert line.startswith(f"Error: {expected.value.args[0]}"), line
    assert "CX" in refused(cli, "search", "climate", "--actor", "CX", "--db", seeded)
    assert "no source with id 'nope'" in refused(
        cli, "search", "climate", "--source", "nope", "--db", seeded
    )
    assert refused(cli, "search", "climate", "--since", "2023-08-01", "--until", "2023-07-01",
                   "--db", seeded) == (
        "Error: --since 2023-08-01 is after --until 2023-07-01 — give a --since on or before "
        "--until"
    )  # fmt: skip
    assert "--since" in refused(cli, "search", "climate", "--since", "2023-13-01", "--db", seeded)
    assert "--limit" in refused(cli, "search", "climate", "--limit", "0", "--db", seeded)


# --- the query language and the passages, for any text ------------------------------------------

TEXTS = st.text(
    alphabet=st.sampled_from(list("ab Zé1_-*\"'.,:;!?\t\n碳中和目标カナ한²½－（）")),
    max_size=30,
)
_WORD = re.compile(r"[^\W_]+")


@settings(max_examples=400, deadline=None)
@given(st.one_of(TEXTS, st.text(max_size=30)))
def test_parse_raises_only_invalid_input(query: str) -> None:
    try:
        parsed = parse(query)
    except InvalidInput:
        return
    assert parsed.wanted
    for term in parsed.terms:
        assert term.words
        if term.form is Form.UNSPACED:
            (piece,) = term.words
            assert piece == piece.strip() and piece
        else:
            for word in term.words:
                assert word and _WORD.fullmatch(word) and word == word.lower(), term


PIECES = st.sampled_from(["ab", "abc", "Ab", "x", "1", "碳中和", "碳", "é", "_"])
LONG = st.builds(
    lambda parts, gaps: "".join(p + g for p, g in zip(parts, gaps, strict=False)),
    st.lists(PIECES, min_size=1, max_size=200),
    st.lists(st.sampled_from(["", " ", "  ", "-", "\n", "。"]), min_size=200, max_size=200),
)


def _in_context(
    text: str, window: str, marks: list[tuple[int, int]], found: re.Pattern[str]
) -> bool:
    """Whether `window` stands somewhere in `text` where each mark is a whole match there."""
    at = text.find(window)
    while at >= 0:
        if all(
            (m := found.match(text, at + start)) is not None and m.end() == at + end
            for start, end in marks
        ):
            return True
        at = text.find(window, at + 1)
    return False


@settings(max_examples=400, deadline=None)
@given(st.one_of(TEXTS, st.sampled_from(["ab", "abc", "ab*", "碳中和", "碳", '"ab abc"', "x 1"])),
       st.lists(st.one_of(TEXTS, LONG), min_size=1, max_size=2))  # fmt: skip
# A passage may be cut inside a run of text with no space: a match is marked only where the
# whole text has it ("ab" is not marked in "…ab-q" where the record has "cab").
@example("ab", ["ab " + "-ab" * 78 + "-abc-x"])
@example("ab", ["cab" + "-q" * 38 + "--ab"])
def test_snippet_marks_lie_on_matched_text(query: str, texts: list[str]) -> None:
    try:
        parsed = parse(query)
    except InvalidInput:
        return
    found = matcher(parsed)
    passage = snippet(list(texts), found)
    lead = 1 if passage.text.startswith("…") else 0
    tail = 1 if passage.text.endswith("…") and len(passage.text) > lead else 0
    window = passage.text[lead : len(passage.text) - tail]
    last = 0
    for start, end in passage.marks:
        assert last <= start < end <= len(passage.text) - tail
        assert start >= lead
        last = end
    present = [" ".join(t.split()) for t in texts if t and t.split()]
    shifted = [(start - lead, end - lead) for start, end in passage.marks]
    # Each mark covers what the matcher matches in the record's own text, not only in the cut.
    assert any(_in_context(t, window, shifted, found) for t in present) or not present


# --- what the review of the search found --------------------------------------------------------

EDGE_TEXT = (
    "A table of codes: " + "x" * 2100 + " ends here. The kairos (ΚΑΙΡΟΣ) of climate talks; the "
    "Greek word κόσμος; a third (⅓) and a first (①) of the targets; a decomposed cafe\u0301.\n"
)


@pytest.mark.postgres
def test_odd_texts_are_stored_and_read_alike(
    cli: CLI, fresh_pg: FreshPostgres, tmp_path: Path
) -> None:
    """A run of 2,100 letters (longer than PostgreSQL takes for a word) is stored on both, and
    the final sigma, fractions, enclosed digits and a decomposed accent are read alike."""
    lite, server = _both(
        cli, fresh_pg, tmp_path, lambda c, db, f: _one_source(c, db, f, "edge", "Edge", EDGE_TEXT)
    )
    for query in ("καιρος", "καιρος*", "ΚΌΣΜΟΣ", "⅓", "①", "cafe\u0301", "ends here", "codes"):
        assert keys(cli, lite, query) == keys(cli, server, query) == {("sources", "edge")}, query
    # A word longer than any query may name is not held by PostgreSQL (only a prefix could
    # reach it on SQLite); a decomposed accent stays in its word on both.
    assert keys(cli, lite, "cafe") == keys(cli, server, "cafe") == set()


def test_a_word_too_long_to_search_is_refused(cli: CLI, seeded: str) -> None:
    word = "a" * 3000
    assert refused(cli, "search", word, "--db", seeded) == (
        "Error: the search is 3,000 characters long; at most 1,000 are allowed — search for "
        "fewer words at a time"
    )
    assert refused(cli, "search", "b" * 61, "--db", seeded) == (
        f"Error: the word '{'b' * 27}...' is longer than 60 characters, the longest a search "
        f"looks for — search for its beginning with a *, e.g. {'b' * 20}*"
    )


def test_the_words_may_be_typed_unquoted_and_may_begin_with_a_minus(cli: CLI, seeded: str) -> None:
    """`pledges search methane -coal` is the search 'methane -coal', as a reader types it: the
    words are joined, -word is a word to leave out (not an option), with or without `--`."""

    def typed(*words: str) -> set[tuple[str, str]]:
        options = ("--format", "json", "--db", seeded)  # after "--" every word is searched for
        args = (*options, *words) if "--" in words else (*words, *options)
        result = cli("search", *args)
        assert result.code == 0, result.err
        return {(h["kind"], h["id"]) for h in json.loads(result.out)}

    quoted = keys(cli, seeded, "climate -methane")
    assert quoted and quoted != keys(cli, seeded, "climate")
    assert typed("climate", "-methane") == typed("-methane", "climate") == quoted
    assert typed("--", "-methane", "climate") == quoted
    assert typed("peak", "-2030") == keys(cli, seeded, "peak -2030") != keys(cli, seeded, "peak")
    assert typed("carbon", "neutrality") == keys(cli, seeded, "carbon neutrality")
    assert typed('"carbon neutrality"', "-2050") == keys(cli, seeded, '"carbon neutrality" -2050')


def test_a_mistyped_option_is_refused_not_searched_for(cli: CLI, seeded: str) -> None:
    assert refused(cli, "search", "methane", "--acter", "CN", "--db", seeded) == (
        "Error: --acter is not an option of pledges search — did you mean --actor? see "
        "'pledges search --help'"
    )
    assert refused(cli, "search", "--limt=3", "methane", "--db", seeded) == (
        "Error: --limt is not an option of pledges search — did you mean --limit? see "
        "'pledges search --help'"
    )
    assert refused(cli, "search", "methane", "--colour", "--db", seeded) == (
        "Error: --colour is not an option of pledges search — see 'pledges search --help'"
    )
    # One dash, as people often type it: not searched for, and not the register ignored.
    assert refused(cli, "search", "methane", "-db", seeded) == (
        "Error: -db is written with one dash — write --db; to leave out the word 'db', quote "
        "the whole search, e.g. pledges search 'methane -db'"
    )
    assert refused(cli, "search", "--db", seeded, "--", "-coal", "methane", "--limit", "3") == (
        "Error: --limit is given after '--', where every word is searched for — give the "
        "options first, e.g. pledges search --limit ... -- -coal methane"
    )


def test_search_dash_h_prints_the_help_as_dash_dash_help_does(cli: CLI) -> None:
    short, long = cli("search", "-h"), cli("search", "--help")
    assert short.code == long.code == 0
    assert short.out == long.out and "Usage: pledges search [OPTIONS] QUERY..." in short.out


def test_one_missing_table_is_named_for_any_query(cli: CLI, tmp_path: Path) -> None:
    db = str(tmp_path / "register.db")
    assert cli("init", "--db", db).code == 0
    with sqlite3.connect(db) as connection:
        connection.execute("DROP TABLE search_unspaced")
    edited = cli("update", "cn-co2-peak-2030", "--title", "Okapi", "--reason", "t", "--db", db)
    assert edited.code == 0, edited.err
    assert refused(cli, "search", "okapi", "--db", db) == (
        f"Error: the search index of {db} is missing or damaged — {reindex(db)}"
    )
    assert cli("db", "reindex", "--db", db).code == 0
    assert keys(cli, db, "okapi") == {("pledges", "cn-co2-peak-2030")}


@pytest.mark.postgres
def test_a_role_that_may_not_create_pg_trgm_is_told_who_may(
    cli: CLI, fresh_pg: FreshPostgres
) -> None:
    """A role that may create tables in the database but not extensions is told, in one line,
    what to ask of the server's administrator, and nothing is written."""
    db = fresh_pg.new()
    role = f"pledges_plain_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(db), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
            conn.execute(text(f'GRANT CREATE, USAGE ON SCHEMA public TO "{role}"'))
        as_role = make_url(db).set(username=role, password=None).render_as_string(False)
        name = make_url(db).database
        assert refused(cli, "init", "--db", as_role) == (
            "Error: the search index needs PostgreSQL's pg_trgm extension, which this role may "
            f"not create in the database '{name}' (or the server does not have it) — ask the "
            f"server's administrator to run CREATE EXTENSION pg_trgm; in '{name}' (Debian: the "
            "postgresql-contrib package), then run the command again"
        )
        with admin.connect() as conn:
            assert not conn.execute(text("SELECT to_regclass('public.pledges')")).scalar()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP OWNED BY "{role}"'))
            conn.execute(text(f'DROP ROLE "{role}"'))
        admin.dispose()


def test_the_unspaced_index_out_of_step_is_found(cli: CLI, tmp_path: Path) -> None:
    """The unspaced index keeps its own copy of the Chinese texts: a row of it deleted or added
    behind the tool's back is found by comparing it with the register, and made again."""
    db = str(tmp_path / "register.db")
    assert cli("init", "--db", db).code == 0
    add_chinese(cli, db, tmp_path)
    with sqlite3.connect(db) as connection:
        connection.execute("DELETE FROM search_unspaced WHERE body LIKE '%碳中和%'")
    fixed = cli("db", "reindex", "--db", db)
    assert fixed.code == 0, fixed.err
    assert "Found: the search index search_unspaced does not match the register." in fixed.err
    assert ("sources", ZH_ID) in keys(cli, db, "碳中和")
    with sqlite3.connect(db) as connection:
        connection.execute(
            "INSERT INTO search_unspaced(rowid, title, body) VALUES (4, 'x', '不在登记册中')"
        )
    again = cli("init", "--db", db)
    assert again.code == 0, again.err
    assert (
        "Found: the search index search_unspaced does not match the register; the search index "
        "was rebuilt from the register."
    ) in again.err.replace("\n", " ")
    assert keys(cli, db, "不在登记册中") == set()


def test_an_index_missing_records_is_named(cli: CLI, tmp_path: Path) -> None:
    db = str(tmp_path / "register.db")
    assert cli("init", "--db", db).code == 0
    with sqlite3.connect(db) as connection:  # one source taken out of its index
        connection.execute(
            "INSERT INTO search_sources(search_sources, rowid, title, text) "
            "SELECT 'delete', rowid, title, text FROM sources LIMIT 1"
        )
    assert refused(cli, "search", "China", "--in", "sources", "--db", db) == (
        f"Error: the search index of {db} is missing or damaged — {reindex(db)}"
    )
    assert cli("db", "reindex", "--db", db).code == 0
    assert of("sources", keys(cli, db, "China", "--in", "sources"))


def test_what_was_searched_is_said_when_nothing_matches(cli: CLI, seeded: str) -> None:
    done = cli("search", "China", "--status", "kept", "--in", "quotes", "--db", seeded)
    assert (done.code, done.out) == (0, "")
    assert done.err == "Nothing in the register matches 'China' in quotes with --status kept.\n"
    assert refused(cli, "search", "China", "--in", "source", "--db", seeded) == (
        "Error: --in 'source' is not allowed — did you mean sources? use sources, quotes or pledges"
    )
    quote = search(cli, seeded, "steadily", "--in", "quotes")[0]
    assert quote["status"] is not None  # a quote's pledge's status, which --status filters by
