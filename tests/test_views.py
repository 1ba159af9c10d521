"""Narrowed views: the audit of some pledges or one source, with its findings filtered; the
findings `show` and `source show` list; history filtered in SQL; --limit; JSON Lines. The pager:
tests/test_pager.py."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from pledges.db import opened
from tests.conftest import CLI
from tests.test_cli import SEEDED_IDS, one_line
from tests.test_log import SEEDED_REVISIONS

LATER = "2030-01-01"  # every seed quote is due a new check by then
SEED_SOURCES = 5
SEED_QUOTES = 21


def findings(cli: CLI, *args: str) -> list[dict[str, Any]]:
    result = cli("audit", *args, "--format", "json", "--fail-on", "never")
    assert result.code == 0, result.err
    found: list[dict[str, Any]] = json.loads(result.out)["findings"]
    return found


def jsonl(out: str) -> list[Any]:
    assert out.endswith("\n")
    return [json.loads(line) for line in out.splitlines()]


# --- the audit, narrowed ------------------------------------------------------------------------


def test_the_summary_comes_first_and_says_what_was_audited(cli: CLI, seeded: str) -> None:
    whole = cli("audit", "--db", seeded)
    assert whole.code == 0 and whole.err == ""
    assert whole.out.splitlines()[0] == (
        f"Audited {SEEDED_IDS} pledges, {SEED_QUOTES} quotes and {SEED_SOURCES} sources: "
        "0 errors (0 pledges), 4 warnings."
    )
    one = cli("audit", "cn-co2-peak-2030", "--db", seeded, "--today", LATER)
    assert one.code == 0
    assert one.out.splitlines()[0] == (
        "Audited 1 pledge, 2 quotes and 2 sources (only pledge cn-co2-peak-2030): "
        "0 errors (0 pledges), 4 warnings."
    )
    found = findings(cli, "cn-co2-peak-2030", "--db", seeded, "--today", LATER)
    assert sorted((f["code"], f["pledge_id"], f["source_id"]) for f in found) == [
        ("evidence-not-reverified", "cn-co2-peak-2030", "china-rejects-us-calls"),
        ("evidence-not-reverified", "cn-co2-peak-2030", "china-us-talks-success"),
        ("source-metadata-missing", None, "china-rejects-us-calls"),
        ("source-metadata-missing", None, "china-us-talks-success"),
    ]


def test_a_source_is_audited_with_the_pledges_citing_it(cli: CLI, seeded: str) -> None:
    args = ("--source", "kerry-no-agreement", "--db", seeded, "--today", LATER)
    result = cli("audit", *args, "--code", "evidence-not-reverified", "--fail-on", "warning")
    assert result.code == 1  # the warnings shown
    assert result.out.splitlines()[0] == (
        "Audited 2 pledges, 5 quotes and 3 sources (only source kerry-no-agreement and the "
        "pledges citing it): 0 errors (0 pledges), 6 warnings; shown: code "
        "evidence-not-reverified (5 findings)."
    )
    pledges = {f["pledge_id"] for f in findings(cli, *args)}
    assert pledges == {None, "us-cn-continue-talks", "us-stabilise-relations-cn"}
    both = findings(cli, "us-cn-continue-talks", *args)
    assert {f["pledge_id"] for f in both} == {None, "us-cn-continue-talks"}  # named and citing


def test_a_named_pledge_must_cite_the_named_source(cli: CLI, seeded: str) -> None:
    hint = (
        "name pledges that cite it (pledges source show kerry-no-agreement lists them), "
        "or drop --source"
    )
    cases = {
        ("cn-co2-peak-2030",): "Error: pledge cn-co2-peak-2030 does not cite source "
        f"kerry-no-agreement — {hint}",
        ("us-cn-continue-talks", "us-cn-cop28-success", "cn-co2-peak-2030"): "Error: pledges "
        f"us-cn-cop28-success, cn-co2-peak-2030 do not cite source kerry-no-agreement — {hint}",
    }
    for pledges, line in cases.items():
        result = cli("audit", *pledges, "--source", "kerry-no-agreement", "--db", seeded)
        assert (result.code, result.out, one_line(result.err)) == (2, "", line)


def test_the_summary_counts_every_finding_and_says_how_many_are_shown(
    cli: CLI, seeded: str
) -> None:
    whole = cli("audit", "--db", seeded, "--severity", "error", "--fail-on", "warning")
    assert (whole.code, whole.out, whole.err) == (
        0,  # nothing shown, nothing failing: the 4 warnings are not shown
        f"Audited {SEEDED_IDS} pledges, {SEED_QUOTES} quotes and {SEED_SOURCES} sources: "
        "0 errors (0 pledges), 4 warnings; shown: severity error (0 findings).\n",
        "",
    )
    base = ("--db", seeded, "--today", LATER, "--format", "json")
    errors_only = cli("audit", *base, "--fail-on", "warning", "--severity", "error")
    assert errors_only.code == 0
    data = json.loads(errors_only.out)
    assert data["findings"] == []
    assert data["summary"]["filters"] == {"severity": "error"}
    assert (data["summary"]["warnings"], data["summary"]["shown"]) == (SEED_QUOTES + 4, 0)
    coded = cli("audit", *base, "--code", "source-metadata-missing", "--code", "contradicted")
    summary = json.loads(coded.out)["summary"]
    assert summary["by_code"] == {
        "evidence-not-reverified": SEED_QUOTES, "source-metadata-missing": 4
    }  # fmt: skip
    assert summary["filters"] == {"codes": ["contradicted", "source-metadata-missing"]}
    assert summary["shown"] == len(json.loads(coded.out)["findings"]) == 4


def test_the_exit_code_follows_the_findings_shown_when_filtered(cli: CLI, seeded: str) -> None:
    """--code and --severity gate on what they show (one check in CI); else every finding
    about what was audited counts."""
    misquote = cli(
        "cite", "cn-co2-peak-2030", "kerry-not-dictating", "--allow-unlocated", "--quote",
        "has pledged to peak emissions of carbon dioxide by 2035", "--reason", "x", "--db", seeded,
    )  # fmt: skip
    assert misquote.code == 0, misquote.err
    db = ("--db", seeded)
    summary = (
        f"Audited {SEEDED_IDS} pledges, {SEED_QUOTES + 1} quotes and {SEED_SOURCES} sources: "
        "1 error (1 pledge), 4 warnings"
    )
    cases = {
        (): (1, summary + "."),
        ("--code", "quote-not-found"): (1, summary + "; shown: code quote-not-found (1 finding)."),
        ("--code", "source-metadata-missing"): (
            0, summary + "; shown: code source-metadata-missing (4 findings)."
        ),
        ("--severity", "warning"): (0, summary + "; shown: severity warning (4 findings)."),
        ("--severity", "warning", "--fail-on", "warning"): (
            1, summary + "; shown: severity warning (4 findings)."
        ),
        ("cn-co2-peak-2030", "--fail-on", "never"): (0, "Audited 1 pledge, 3 quotes and 3 sources "
            "(only pledge cn-co2-peak-2030): 1 error (1 pledge), 2 warnings."),
    }  # fmt: skip
    for args, (code, line) in cases.items():
        result = cli("audit", *args, *db)
        assert (result.code, result.out.splitlines()[0]) == (code, line), args


def test_jsonl_is_one_finding_a_line_as_json_has_them(cli: CLI, seeded_sqlite: str) -> None:
    args = ("audit", "--db", seeded_sqlite, "--today", LATER, "--fail-on", "never")
    lines = cli(*args, "--format", "jsonl")
    assert lines.code == 0 and lines.err == ""
    assert jsonl(lines.out) == json.loads(cli(*args, "--format", "json").out)["findings"]
    assert len(lines.out.splitlines()) == SEED_QUOTES + 4


def test_unknown_ids_and_codes_are_one_line(cli: CLI, seeded_sqlite: str) -> None:
    db = ("--db", seeded_sqlite)
    cases = {
        ("cn-co2-peak-2030", "cn-co2-peak"): "Error: no pledge with id 'cn-co2-peak' — did you "
        "mean cn-co2-peak-2030, cn-clean-energy-system?",
        ("--source", "kerry-no-agreemnt"): "Error: no source with id 'kerry-no-agreemnt' — did "
        "you mean kerry-no-agreement, kerry-not-dictating?",
        ("--code", "quote-not-fund"): "Error: --code 'quote-not-fund' is not the code of a "
        "check — did you mean quote-not-found?",
    }
    for args, line in cases.items():
        result = cli("audit", *args, *db)
        assert (result.code, result.out, one_line(result.err)) == (2, "", line)
    severity = cli("audit", "--severity", "fatal", *db)
    assert (severity.code, one_line(severity.err)) == (
        2, "Error: --severity 'fatal' is not allowed — use error or warning"
    )  # fmt: skip


def test_register_checks_report_only_about_the_pledges_audited(cli: CLI, seeded: str) -> None:
    added = cli(
        "add", "cn-co2-peak-2030-again", "--title", "China peaks CO2 by 2030", "--actor", "CN",
        "--kind", "emissions_peak", "--target-year", "2030", "--reason", "a duplicate",
        "--db", seeded,
    )  # fmt: skip
    assert added.code == 0, added.err
    found = findings(cli, "cn-co2-peak-2030", "--db", seeded, "--code", "possible-duplicate")
    assert [(f["pledge_id"], f["message"]) for f in found] == [
        ("cn-co2-peak-2030", "same actors, kind and target year as cn-co2-peak-2030-again")
    ]
    assert (
        findings(cli, "us-cn-cop28-success", "--db", seeded, "--code", "possible-duplicate") == []
    )
    everything = findings(cli, "--db", seeded, "--code", "possible-duplicate")
    assert len(everything) == 2


def test_only_the_selection_is_read(cli: CLI, seeded: str) -> None:
    """A source outside the selection is not read: its changed text is not reported."""
    with opened(seeded) as engine, engine.begin() as conn:
        conn.execute(text("UPDATE sources SET text = 'rewritten' WHERE id = 'kerry-no-agreement'"))
    whole = findings(cli, "--db", seeded, "--code", "source-text-changed")
    assert [f["source_id"] for f in whole] == ["kerry-no-agreement"]
    assert findings(cli, "cn-co2-peak-2030", "--db", seeded, "--code", "source-text-changed") == []
    sourced = findings(cli, "--source", "kerry-no-agreement", "--db", seeded)
    assert "source-text-changed" in {f["code"] for f in sourced}


# --- findings in show ---------------------------------------------------------------------------


def test_show_lists_the_findings_the_audit_has_about_the_pledge(cli: CLI, seeded: str) -> None:
    """Every pledge's findings in `show` are the audit's about it, misquotes and duplicates
    included (the misquote stands in another source, found by the audit's search)."""
    for args in (
        ["cite", "cn-co2-peak-2030", "kerry-not-dictating", "--allow-unlocated", "--quote",
         "has pledged to peak emissions of carbon dioxide by 2030"],
        ["add", "us-cn-cop28-success-2", "--title", "COP28 again", "--actor", "US", "--actor",
         "CN", "--kind", "cooperation"],
    ):  # fmt: skip
        result = cli(*args, "--reason", "test", "--db", seeded)
        assert result.code == 0, result.err
    ids = [p["id"] for p in json.loads(cli("list", "--db", seeded, "--format", "json").out)]
    audited = findings(cli, "--db", seeded)
    assert {"quote-not-found", "possible-duplicate"} <= {f["code"] for f in audited}
    for pledge_id in ids:
        shown = json.loads(cli("show", pledge_id, "--db", seeded, "--format", "json").out)
        assert shown["findings"] == [f for f in audited if f["pledge_id"] == pledge_id], pledge_id
    table = cli("show", "cn-co2-peak-2030", "--db", seeded)
    out = " ".join(table.out.split())
    assert "Findings (1) error quote-not-found: quote “has pledged to peak emissions" in out
    assert "it stands in china-us-talks-success (evidence 22)" in out
    assert "→ cite the source that holds it, or correct the quote" in out
    clean = cli("show", "us-cn-keep-1-5c-alive", "--db", seeded)
    assert "Findings (0) none: the audit finds nothing to correct" in " ".join(clean.out.split())


def test_source_show_lists_its_findings(cli: CLI, seeded_sqlite: str) -> None:
    shown = cli("source", "show", "kerry-no-agreement", "--db", seeded_sqlite, "--format", "json")
    assert [f["code"] for f in json.loads(shown.out)["findings"]] == ["source-metadata-missing"]
    table = " ".join(cli("source", "show", "kerry-no-agreement", "--db", seeded_sqlite).out.split())
    assert "Findings (1) warning source-metadata-missing: kerry-no-agreement has no publisher" in (
        table
    )
    dated = cli("source", "show", "kerry-not-dictating", "--db", seeded_sqlite)
    assert "Findings (0)" in dated.out


# --- history ------------------------------------------------------------------------------------


def revisions(cli: CLI, *args: str) -> list[dict[str, Any]]:
    result = cli("history", *args, "--format", "jsonl")
    assert result.code == 0, result.err
    return jsonl(result.out) if result.out else []


def test_history_filters_in_sql(cli: CLI, seeded: str) -> None:
    for author, args in (
        ("ana", ["update", "cn-co2-peak-2030", "--status", "in_progress"]),
        ("ben", ["source", "add", "README.md", "--id", "readme", "--title", "Readme"]),
        ("ana", ["actor", "add", "IN", "--name", "India", "--kind", "country"]),
    ):
        result = cli(*args, "--reason", "curation", "--author", author, "--db", seeded)
        assert result.code == 0, result.err
    db = ("--db", seeded)
    assert [r["seq"] for r in revisions(cli, *db, "--author", "ana")] == [
        SEEDED_REVISIONS + 1,
        SEEDED_REVISIONS + 3,
    ]
    assert [r["entity"] for r in revisions(cli, "readme", *db)] == ["source"]
    assert [r["entity_id"] for r in revisions(cli, "in", *db)] == ["IN"]  # an actor, any case
    pledge = revisions(cli, "cn-co2-peak-2030", *db)
    assert [r["entity"] for r in pledge] == ["pledge", "evidence", "evidence", "pledge"]
    cited = revisions(cli, "kerry-no-agreement", *db)  # the source and the evidence citing it
    assert [(r["entity"], r["entity_id"]) for r in cited] == [
        ("source", "kerry-no-agreement"), ("evidence", "15"), ("evidence", "20"),
    ]  # fmt: skip
    today = datetime.now(UTC).date()
    day = timedelta(days=1)
    assert len(revisions(cli, *db, "--since", str(today - day))) == SEEDED_REVISIONS + 3
    assert revisions(cli, *db, "--since", str(today + day)) == []
    assert revisions(cli, *db, "--until", str(today - day)) == []
    assert len(revisions(cli, *db, "--until", str(today), "--since", str(today))) == (
        SEEDED_REVISIONS + 3
    )
    newest = revisions(cli, *db, "--limit", "2")
    assert [r["seq"] for r in newest] == [SEEDED_REVISIONS + 2, SEEDED_REVISIONS + 3]
    assert [r["seq"] for r in revisions(cli, *db, "--author", "ana", "--limit", "1")] == [
        SEEDED_REVISIONS + 3
    ]
    table = cli("history", *db, "--limit", "2")
    assert table.out.splitlines()[0].strip() == "2 revisions (the newest 2: --limit)"


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    record=st.sampled_from([None, "cn-co2-peak-2030", "kerry-not-dictating", "US"]),
    author=st.sampled_from([None, "test", "nobody"]),
    limit=st.one_of(st.none(), st.integers(1, 50)),
)
def test_history_in_sql_is_the_whole_log_filtered(
    cli: CLI, seeded_sqlite: str, record: str | None, author: str | None, limit: int | None
) -> None:
    """Whatever the filters, the rows are those of the unfiltered history that pass them, the
    newest `limit` of them, oldest first."""
    whole = revisions(cli, *([record] if record else []), "--db", seeded_sqlite)
    args = [*([record] if record else []), "--db", seeded_sqlite]
    args += [*(["--author", author] if author else []), *(["--limit", str(limit)] if limit else [])]
    expected = [r for r in whole if author is None or r["author"] == author]
    assert revisions(cli, *args) == (expected[-limit:] if limit else expected)


def test_history_refuses_bad_dates_limits_and_ids(cli: CLI, seeded_sqlite: str) -> None:
    dates = "give a date written YYYY-MM-DD, from 1900-01-01 to 2100-12-31"
    cases = {
        ("--since", "2023-02-30"): f"Error: --since '2023-02-30' is not allowed — {dates}",
        ("--until", "yesterday"): f"Error: --until 'yesterday' is not allowed — {dates}",
        ("--until", "9999-01-01"): f"Error: --until '9999-01-01' is not allowed — {dates}",
        ("--since", "2024-01-02", "--until", "2024-01-01"): "Error: --since 2024-01-02 is after "
        "--until 2024-01-01 — give a --since on or before --until",
        ("--limit", "0"): "Error: --limit 0 is not allowed — use a number from 1 to 1000000000",
        ("--limit", "ten"): "Error: --limit ten is not allowed — use a number from 1 to 1000000000",
        ("kerry-no-agreemnt",): "Error: no pledge, source or actor with id 'kerry-no-agreemnt' "
        "— did you mean kerry-no-agreement, kerry-not-dictating?",
    }
    for args, line in cases.items():
        result = cli("history", *args, "--db", seeded_sqlite)
        assert (result.code, result.out, one_line(result.err)) == (2, "", line)


# --- --limit and jsonl elsewhere ----------------------------------------------------------------


def test_list_limit_keeps_the_first_in_id_order(cli: CLI, seeded: str) -> None:
    every = json.loads(cli("list", "--db", seeded, "--format", "json").out)
    limited = cli("list", "--db", seeded, "--format", "jsonl", "--limit", "3", "--actor", "US")
    assert jsonl(limited.out) == [p for p in every if "US" in p["actors"]][:3]
    assert cli("list", "--db", seeded, "--limit", "-1").code == 2


def test_the_title_says_when_limit_left_rows_out(cli: CLI, seeded: str) -> None:
    def title(*args: str) -> str:
        result = cli(*args, "--db", seeded)
        assert (result.code, result.err) == (0, ""), args
        return result.out.splitlines()[0].strip()

    assert title("list", "--limit", "3") == "3 pledges (the first 3: --limit)"
    assert title("list", "--limit", str(SEEDED_IDS)) == f"{SEEDED_IDS} pledges"
    assert title("list", "--limit", str(SEEDED_IDS - 1)) == (
        f"{SEEDED_IDS - 1} pledges (the first {SEEDED_IDS - 1}: --limit)"
    )
    assert title("history", "--limit", str(SEEDED_REVISIONS)) == f"{SEEDED_REVISIONS} revisions"
    assert title("history", "--limit", "1") == "1 revision (the newest 1: --limit)"


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("list", "--status", "withdrawn"), "No pledges match (--status withdrawn)."),
        (("list", "--actor", "CN", "--kind", "finance", "--limit", "2"),
         "No pledges match (--actor CN, --kind finance)."),
        (("history", "--author", "nobody"), "No revisions match (--author nobody)."),
        (("history", "cn-co2-peak-2030", "--since", "2099-01-01", "--limit", "5"),
         "No revisions match (record cn-co2-peak-2030, --since 2099-01-01)."),
        (("history", "--until", "2000-01-01", "--author", "test"),
         "No revisions match (--until 2000-01-01, --author test)."),
    ],
)  # fmt: skip
def test_a_view_matching_nothing_says_so(
    cli: CLI, seeded_sqlite: str, args: tuple[str, ...], line: str
) -> None:
    result = cli(*args, "--db", seeded_sqlite)
    assert (result.code, result.out, result.err) == (0, line + "\n", "")
    as_json = cli(*args, "--db", seeded_sqlite, "--format", "json")
    assert (as_json.code, json.loads(as_json.out)) == (0, [])


def test_an_empty_register_lists_no_pledges(cli: CLI, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'empty.db'}"
    assert cli("init", "--empty", "--db", db).code == 0
    result = cli("list", "--db", db)
    assert (result.code, result.out) == (0, "No pledges in the register.\n")


@pytest.mark.parametrize(
    "command",
    [
        ("list",),
        ("source", "list"),
        ("actor", "list"),
        ("history",),
        ("show", "cn-co2-peak-2030"),
        ("source", "show", "kerry-no-agreement"),
        ("log", "head"),
    ],
)
def test_jsonl_holds_what_json_holds(cli: CLI, seeded_sqlite: str, command: tuple[str]) -> None:
    as_json = json.loads(cli(*command, "--db", seeded_sqlite, "--format", "json").out)
    lines = cli(*command, "--db", seeded_sqlite, "--format", "jsonl")
    assert lines.code == 0 and lines.err == ""
    assert jsonl(lines.out) == (as_json if isinstance(as_json, list) else [as_json])
