"""Changing the register through the command line: add, update, cite, deprecate, and the timeline.

Each test runs on a fresh SQLite file and a fresh PostgreSQL database (the `seeded` fixture).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from pledges.db import make_engine
from pledges.dburl import resolve_url
from pledges.textmatch import normalise
from tests.conftest import CLI
from tests.test_cli import one_line

TABLES = ("actors", "sources", "pledges", "pledge_actors", "evidence", "revisions")


def table_counts(db: str) -> dict[str, int]:
    """How many rows each table holds: equal before and after means nothing was written."""
    engine = make_engine(resolve_url(db))
    try:
        with engine.connect() as conn:
            return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}
    finally:
        engine.dispose()


def pledge(cli: CLI, db: str, pledge_id: str) -> dict[str, Any]:
    shown = cli("show", pledge_id, "--format", "json", "--db", db)
    assert shown.code == 0, shown.err
    data: dict[str, Any] = json.loads(shown.out)
    return data


def last_revision(cli: CLI, db: str, pledge_id: str) -> dict[str, Any]:
    revisions = json.loads(cli("history", pledge_id, "--format", "json", "--db", db).out)
    last: dict[str, Any] = revisions[-1]
    return last


# The article the citing tests quote: typographic quotes and dashes, as news copy has them.
ARTICLE = (
    "BEIJING — China\u2019s National Energy Administration said on Monday that the country would "
    "“strictly control coal consumption” until 2025 — and phase it down after that.\n"
    "Non-fossil fuels will account for 25 percent of total energy consumption by 2030, "
    "officials said.\n"
    "Work on the new power system is under way in 14 provinces, the administration added.\n"
)
PLEDGE = "cn-non-fossil-25pc-2030"
SOURCE = "nea-coal-control"


@pytest.fixture
def register(cli: CLI, seeded: str, tmp_path: Path) -> str:
    """The seed register plus one official article and one new pledge it can support."""
    path = tmp_path / "nea-2023-11-20.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    added = cli("source", "add", str(path), "--id", SOURCE, "--kind", "official",
                "--title", "China to strictly control coal consumption", "--published",
                "2023-11-20", "--reason", "official statement", "--db", seeded)  # fmt: skip
    assert added.code == 0, added.err
    created = cli("add", PLEDGE, "--title", "Non-fossil fuels 25% of China's energy by 2030",
                  "--actor", "CN", "--kind", "renewable_energy", "--target-year", "2030",
                  "--reason", "announced by the NEA", "--db", seeded)  # fmt: skip
    assert created.code == 0, created.err
    return seeded


def cite(cli: CLI, db: str, quote: str, *extra: str, pledge_id: str = PLEDGE):
    return cli("cite", pledge_id, SOURCE, "--quote", quote, "--reason", "the NEA's words",
               "--db", db, *extra)  # fmt: skip


# --- add ----------------------------------------------------------------------------------------


def test_add_with_every_option_round_trips(cli: CLI, seeded: str) -> None:
    result = cli(
        "add", "us-cn-methane-plan-2030", "--title", "US and China methane action plans",
        "--statement", "The US and China each publish a methane action plan.",
        "--actor", "us", "--actor", "CN", "--kind", "methane_non_co2", "--target-year", "2030",
        "--target-value", "30", "--target-unit", "% below 2020", "--baseline-year", "2020",
        "--gas", "CH4", "--gas", "N2O", "--formality", "in_policy", "--status", "in_progress",
        "--confidence", "medium", "--announced-on", "2023-11-15",
        "--parent-id", "us-cn-methane-non-co2", "--notes", "Sunnylands statement.",
        "--reason", "new follow-up", "--author", "analyst", "--db", seeded,
    )  # fmt: skip
    assert result.code == 0, result.err
    assert result.out == ""
    assert one_line(result.err) == (
        "Added pledge us-cn-methane-plan-2030 (version 1). Cite its evidence with "
        "'pledges cite us-cn-methane-plan-2030 SOURCE_ID --quote ...'."
    )
    data = pledge(cli, seeded, "us-cn-methane-plan-2030")
    stored = {k: v for k, v in data["pledge"].items() if k not in ("created_at", "updated_at")}
    assert stored == {
        "id": "us-cn-methane-plan-2030",
        "title": "US and China methane action plans",
        "statement": "The US and China each publish a methane action plan.",
        "actors": ["US", "CN"],
        "kind": "methane_non_co2",
        "target_year": 2030,
        "target_value": 30.0,
        "target_unit": "% below 2020",
        "baseline_year": 2020,
        "gases": ["CH4", "N2O"],
        "formality": "in_policy",
        "status": "in_progress",
        "confidence": "medium",
        "announced_on": "2023-11-15",
        "parent_id": "us-cn-methane-non-co2",
        "superseded_by": None,
        "notes": "Sunnylands statement.",
        "version": 1,
    }
    assert data["pledge"]["created_at"] == data["pledge"]["updated_at"]
    assert [a["id"] for a in data["actors"]] == ["US", "CN"]
    assert data["evidence"] == []


def test_add_refusals(cli: CLI, seeded: str) -> None:
    before = table_counts(seeded)

    def add(pledge_id: str, *extra: str):
        return cli("add", pledge_id, "--title", "A title", "--kind", "coal", "--reason", "test",
                   "--db", seeded, *extra)  # fmt: skip

    unknown = add("in-coal-2030", "--actor", "IN")
    assert unknown.code == 2
    assert one_line(unknown.err) == (
        "Error: actor 'IN' is not in the register — the register's actors are CN (China), "
        "GREENPEACE (Greenpeace), US (United States); add one with 'pledges actor add'"
    )
    taken = add("cn-co2-peak-2030", "--actor", "CN")
    assert taken.code == 2
    assert one_line(taken.err) == (
        "Error: pledge cn-co2-peak-2030 already exists — change it with "
        "'pledges update cn-co2-peak-2030'"
    )
    orphan = add("cn-co2-peak-2030-follow-up", "--actor", "CN", "--parent-id", "cn-co2-peak")
    assert orphan.code == 2
    assert one_line(orphan.err) == (
        "Error: parent_id: no pledge with id 'cn-co2-peak' — did you mean cn-co2-peak-2030, "
        "cn-clean-energy-system?"
    )
    bad_year = add("cn-coal-2200", "--actor", "CN", "--target-year", "2200")
    assert bad_year.code == 2
    assert one_line(bad_year.err) == (
        "Error: --target-year '2200' is not allowed — use a year from 1990 to 2100"
    )
    assert table_counts(seeded) == before


# --- update -------------------------------------------------------------------------------------

# Each step changes cn-co2-peak-2030 (seeded: CN, emissions_peak, 2030, CO2, declared,
# not_yet_rated, low) and lands as exactly one new version.
STEPS: list[tuple[list[str], dict[str, Any]]] = [
    (["--status", "in_progress"], {"status": "in_progress"}),
    (["--formality", "in_policy"], {"formality": "in_policy"}),
    (["--title", "China peaks CO2 before 2030"], {"title": "China peaks CO2 before 2030"}),
    (["--statement", "China peaks CO2 emissions before 2030."],
     {"statement": "China peaks CO2 emissions before 2030."}),
    (["--actor", "us", "--actor", "CN", "--notes", "Restated jointly."],
     {"actors": ["US", "CN"], "notes": "Restated jointly."}),
    (["--actor", "CN"], {"actors": ["CN"]}),
    (["--kind", "net_zero", "--confidence", "medium"],
     {"kind": "net_zero", "confidence": "medium"}),
    (["--target-year", "2029"], {"target_year": 2029}),
    (["--target-value", "65", "--target-unit", "% below 2005", "--baseline-year", "2005"],
     {"target_value": 65.0, "target_unit": "% below 2005", "baseline_year": 2005}),
    (["--gas", "CO2", "--gas", "CH4"], {"gases": ["CO2", "CH4"]}),
    (["--announced-on", "2020-09-22"], {"announced_on": "2020-09-22"}),
    (["--parent-id", "us-cn-keep-1-5c-alive"], {"parent_id": "us-cn-keep-1-5c-alive"}),
    (["--clear", "target_year", "--clear", "gases"], {"target_year": None, "gases": []}),
    (["--status", "superseded", "--superseded-by", "cn-carbon-neutrality-2060"],
     {"status": "superseded", "superseded_by": "cn-carbon-neutrality-2060"}),
    (["--status", "withdrawn", "--clear", "superseded_by"],
     {"status": "withdrawn", "superseded_by": None}),
]  # fmt: skip


def test_update_changes_any_field_one_version_at_a_time(cli: CLI, seeded: str) -> None:
    current = pledge(cli, seeded, "cn-co2-peak-2030")["pledge"]
    assert current["version"] == 1
    for number, (args, expected) in enumerate(STEPS, start=2):
        result = cli("update", "cn-co2-peak-2030", *args, "--reason", f"step {number}",
                     "--expect-version", str(number - 1), "--db", seeded)  # fmt: skip
        assert result.code == 0, (args, result.err)
        assert one_line(result.err) == f"Updated pledge cn-co2-peak-2030: now at version {number}."
        new = pledge(cli, seeded, "cn-co2-peak-2030")["pledge"]
        assert new["version"] == number
        assert {k: new[k] for k in expected} == expected
        unchanged = set(new) - set(expected) - {"version", "updated_at"}
        assert {k: new[k] for k in unchanged} == {k: current[k] for k in unchanged}
        revision = last_revision(cli, seeded, "cn-co2-peak-2030")
        assert (revision["action"], revision["reason"]) == ("update", f"step {number}")
        changed = {k: v for k, v in revision["changes"].items() if k != "updated_at"}
        assert changed == {
            **{k: {"before": current[k], "after": v} for k, v in expected.items()},
            "version": {"before": number - 1, "after": number},
        }
        current = new
    assert pledge(cli, seeded, "cn-co2-peak-2030")["pledge"]["status"] == "withdrawn"


def test_a_stale_expected_version_is_refused(cli: CLI, seeded: str) -> None:
    first = cli("update", "cn-co2-peak-2030", "--formality", "in_policy", "--expect-version", "1",
                "--reason", "part of the Five-Year Plan", "--db", seeded)  # fmt: skip
    assert first.code == 0, first.err
    before = table_counts(seeded)
    conflict = (
        "Error: pledge cn-co2-peak-2030 was changed by someone else since you read it (you had "
        "version 1, it is now at version 2); nothing was written — run 'pledges show "
        "cn-co2-peak-2030' to see the latest version, then make your change again"
    )
    # Whatever the change, even one the newer version already holds or one that no longer fits.
    for args in (
        ["--status", "in_progress"],
        ["--formality", "in_policy"],
        ["--status", "superseded"],
    ):
        stale = cli("update", "cn-co2-peak-2030", *args, "--expect-version", "1",
                    "--reason", "read before the last change", "--db", seeded)  # fmt: skip
        assert stale.code == 2
        assert stale.out == ""
        assert one_line(stale.err) == conflict
    assert table_counts(seeded) == before
    shown = pledge(cli, seeded, "cn-co2-peak-2030")["pledge"]
    assert (shown["version"], shown["status"]) == (2, "not_yet_rated")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(
            ["--reason", "test"],
            "Error: no change given — name at least one field, e.g. --status in_progress",
            id="no field",
        ),
        pytest.param(
            ["--status", "not_yet_rated", "--target-year", "2030", "--reason", "test"],
            "Error: pledge cn-co2-peak-2030 already has these values — nothing was written; "
            "check the values",
            id="same values",
        ),
        pytest.param(
            ["--status", "superseded", "--reason", "test"],
            "Error: status superseded needs --superseded-by (superseded_by in a file) naming the "
            "pledge that replaces it — correct the record and try again",
            id="superseded alone",
        ),
        pytest.param(
            ["--status", "superseded", "--superseded-by", "cn-co2-peak", "--reason", "test"],
            "Error: superseded_by: no pledge with id 'cn-co2-peak' — did you mean "
            "cn-co2-peak-2030, cn-clean-energy-system?",
            id="superseded by nothing",
        ),
        pytest.param(
            ["--status", "kept"],
            "Error: Missing option '--reason'. — see 'pledges update --help'",
            id="no reason",
        ),
        pytest.param(
            ["--status", "kept", "--reason", " \t "],
            "Error: --reason is required — say in a few words why you make this change",
            id="blank reason",
        ),
        pytest.param(
            ["--status", "done", "--reason", "test"],
            "Error: --status 'done' is not allowed — use not_yet_rated, in_progress, stalled, "
            "partially_kept, kept, broken, withdrawn, superseded or unverifiable",
            id="unknown status",
        ),
        pytest.param(
            ["--clear", "version", "--reason", "test"],
            "Error: version cannot be changed — change one of: title, statement, actors, kind, "
            "target_year, target_value, target_unit, baseline_year, gases, formality, status, "
            "confidence, announced_on, parent_id, superseded_by, notes",
            id="clear version",
        ),
    ],
)
def test_update_refusals(cli: CLI, seeded: str, args: list[str], expected: str) -> None:
    before = table_counts(seeded)
    result = cli("update", "cn-co2-peak-2030", *args, "--db", seeded)
    assert result.code == 2
    assert one_line(result.err) == expected
    assert table_counts(seeded) == before
    assert pledge(cli, seeded, "cn-co2-peak-2030")["pledge"]["version"] == 1


def test_update_of_an_unknown_pledge_suggests(cli: CLI, seeded_sqlite: str) -> None:
    result = cli("update", "cn-co2-peak", "--status", "kept", "--reason", "test",
                 "--db", seeded_sqlite)  # fmt: skip
    assert result.code == 2
    assert one_line(result.err) == (
        "Error: no pledge with id 'cn-co2-peak' — did you mean cn-co2-peak-2030, "
        "cn-clean-energy-system?"
    )


# --- cite ---------------------------------------------------------------------------------------


def test_cite_an_exact_quote(cli: CLI, register: str) -> None:
    quote = "Non-fossil fuels will account for 25 percent of total energy consumption by 2030"
    result = cite(cli, register, quote, "--note", "the NEA's own figure")
    assert result.code == 0, result.err
    (evidence,) = pledge(cli, register, PLEDGE)["evidence"]
    assert one_line(result.err) == f"Added evidence {evidence['id']} to pledge {PLEDGE}."
    assert evidence["quote"] == quote
    assert evidence["located"] is True
    assert evidence["verified_on"] is not None
    assert (evidence["stance"], evidence["rank"], evidence["note"]) == (
        "supports",
        "normal",
        "the NEA's own figure",
    )
    assert evidence["context"] == (
        "Non-fossil fuels will account for 25 percent of total energy consumption by 2030, "
        "officials said."
    )


@pytest.mark.parametrize(
    "quote",
    [
        pytest.param("NON-FOSSIL fuels will account for 25 PERCENT", id="case"),
        pytest.param("Non-fossil  fuels will\naccount   for 25 percent", id="whitespace"),
        pytest.param(
            "China's National Energy Administration said on Monday that the country would "
            '"strictly control coal consumption" until 2025 - and phase it down',
            id="straight quotes and hyphen",
        ),
        pytest.param("Non\u2011fossil fuels will account", id="non-breaking hyphen"),
    ],
)
def test_cite_accepts_a_quote_differing_only_in_case_space_quotes_and_dashes(
    cli: CLI, register: str, quote: str
) -> None:
    result = cite(cli, register, quote)
    assert result.code == 0, result.err
    (evidence,) = pledge(cli, register, PLEDGE)["evidence"]
    assert evidence["located"] is True
    placed = evidence["context"][evidence["quote_start"] : evidence["quote_end"]]
    assert placed in ARTICLE
    assert normalise(placed).text == normalise(quote).text
    assert placed != quote
    assert evidence["quote"] == placed  # stored as the article writes it (tests/test_cite.py)


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        pytest.param(
            "Non-fossil fuels will account for 20 percent of total energy consumption by 2030",
            "Error: the quote does not stand in source nea-coal-control — the closest passage "
            "(99% alike) is “Non-fossil fuels will account for 25 percent of total energy "
            "consumption by 2030,”; you typed 'for 20 percent', the article has 'for 25 "
            "percent'; copy the words exactly as the article has them, or add "
            "--allow-unlocated to record it anyway (the audit will report it)",
            id="changed figure",
        ),
        pytest.param(
            "Non-fossil fuels will account for 25 percent of total energy consumption by 2035",
            "Error: the quote does not stand in source nea-coal-control — the closest passage "
            "(99% alike) is “Non-fossil fuels will account for 25 percent of total energy "
            "consumption by 2030,”; you typed 'by 2035', the article has 'by 2030'; copy the "
            "words exactly as the article has them, or add "
            "--allow-unlocated to record it anyway (the audit will report it)",
            id="changed year",
        ),
        pytest.param(
            "the country would strictly limit coal consumption",
            "Error: the quote does not stand in source nea-coal-control — the closest passage "
            "(86% alike) is “the country would “strictly control coal consumption””; you typed "
            "'would strictly limit coal', the article has 'would “strictly control coal'; copy the "
            "words exactly as the article has them, or add --allow-unlocated to record it anyway "
            "(the audit will report it)",
            id="changed word",
        ),
    ],
)
def test_cite_refuses_a_quote_that_is_not_there_and_shows_the_closest(
    cli: CLI, register: str, quote: str, expected: str
) -> None:
    before = table_counts(register)
    result = cite(cli, register, quote)
    assert result.code == 2
    assert one_line(result.err) == expected
    assert table_counts(register) == before


def test_cite_allow_unlocated_records_it_for_the_audit(cli: CLI, register: str) -> None:
    quote = "Non-fossil fuels will account for 20 percent of total energy consumption by 2030"
    result = cite(cli, register, quote, "--allow-unlocated")
    assert result.code == 0, result.err
    (evidence,) = pledge(cli, register, PLEDGE)["evidence"]
    assert one_line(result.err) == (
        f"Added evidence {evidence['id']} to pledge {PLEDGE} "
        "(not found in the source: the audit will report it)."
    )
    assert evidence["verified_on"] is None
    assert evidence["located"] is False
    assert (evidence["quote_start"], evidence["quote_end"]) == (None, None)
    shown = cli("show", PLEDGE, "--db", register).out
    assert "(quote not found in the source)" in shown


def test_citing_the_same_quote_twice_is_refused(cli: CLI, register: str) -> None:
    quote = "strictly control coal consumption"
    first = cite(cli, register, quote)
    assert first.code == 0, first.err
    (evidence,) = pledge(cli, register, PLEDGE)["evidence"]
    before = table_counts(register)
    for again in (quote, "STRICTLY   control coal consumption"):
        twice = cite(cli, register, again)
        assert twice.code == 2
        assert one_line(twice.err) == (
            f"Error: pledge {PLEDGE} already cites this quote of {SOURCE} "
            f"(evidence {evidence['id']}) — nothing was written"
        )
    unlocated = "strictly limit coal consumption"
    assert cite(cli, register, unlocated, "--allow-unlocated").code == 0
    assert cite(cli, register, unlocated, "--allow-unlocated").code == 2
    assert table_counts(register)["evidence"] == before["evidence"] + 1


def test_cite_unknown_source_or_pledge_suggests(cli: CLI, register: str) -> None:
    before = table_counts(register)
    source = cli("cite", PLEDGE, "nea-coal", "--quote", "coal", "--reason", "test",
                 "--db", register)  # fmt: skip
    assert source.code == 2
    assert one_line(source.err).startswith(
        "Error: no source with id 'nea-coal' — did you mean nea-coal-control"
    )
    missing = cli("cite", "cn-non-fossil", SOURCE, "--quote", "coal", "--reason", "test",
                  "--db", register)  # fmt: skip
    assert missing.code == 2
    assert one_line(missing.err).startswith(
        f"Error: no pledge with id 'cn-non-fossil' — did you mean {PLEDGE}"
    )
    assert table_counts(register) == before


def test_a_status_asserted_by_evidence_shows_in_the_timeline(cli: CLI, register: str) -> None:
    cited = cite(cli, register, "Work on the new power system is under way in 14 provinces",
                 "--asserts-status", "in_progress")  # fmt: skip
    assert cited.code == 0, cited.err
    (evidence,) = pledge(cli, register, PLEDGE)["evidence"]
    assert evidence["asserts_status"] == "in_progress"
    updated = cli("update", PLEDGE, "--status", "in_progress", "--reason", "the NEA reports work",
                  "--author", "analyst", "--db", register)  # fmt: skip
    assert updated.code == 0, updated.err

    data = pledge(cli, register, PLEDGE)
    step = data["timeline"][-1]
    assert (step["field"], step["before"], step["after"]) == (
        "status",
        "not_yet_rated",
        "in_progress",
    )
    assert (step["author"], step["reason"]) == ("analyst", "the NEA reports work")
    assert step["asserted_by"] == [evidence["id"]]

    shown = cli("show", PLEDGE, "--db", register).out
    line = next(x.strip() for x in shown.splitlines() if "not_yet_rated → in_progress" in x)
    assert line.endswith(
        "status not_yet_rated → in_progress — the NEA reports work (analyst); "
        f"asserted by evidence {evidence['id']} ({SOURCE}, 2023-11-20)"
    )
    assert f"evidence {evidence['id']}: supports, normal, asserts in_progress" in shown


# --- deprecating evidence -----------------------------------------------------------------------


def test_deprecating_evidence_keeps_it_with_the_reason(cli: CLI, register: str) -> None:
    counts = [table_counts(register)["evidence"]]

    def evidence_rows() -> int:
        counts.append(table_counts(register)["evidence"])
        return counts[-1]

    assert cite(cli, register, "strictly control coal consumption").code == 0
    assert evidence_rows() == counts[0] + 1
    (evidence,) = pledge(cli, register, PLEDGE)["evidence"]
    number = evidence["id"]

    done = cli("evidence", "deprecate", str(number), "--reason", "quotes the wrong target",
               "--db", register)  # fmt: skip
    assert done.code == 0, done.err
    assert one_line(done.err) == f"Deprecated evidence {number} of pledge {PLEDGE}."
    evidence_rows()
    (kept,) = pledge(cli, register, PLEDGE)["evidence"]
    assert (kept["id"], kept["rank"], kept["deprecated_reason"]) == (
        number,
        "deprecated",
        "quotes the wrong target",
    )
    assert kept["quote"] == "strictly control coal consumption"
    shown = cli("show", PLEDGE, "--db", register).out
    assert f"evidence {number}: supports, deprecated" in shown
    assert "deprecated: quotes the wrong target" in shown

    twice = cli("evidence", "deprecate", str(number), "--reason", "again", "--db", register)
    assert twice.code == 2
    assert one_line(twice.err) == (
        f"Error: evidence {number} is already deprecated (quotes the wrong target) — "
        "nothing was written"
    )
    evidence_rows()
    unknown = cli("evidence", "deprecate", "9999", "--reason", "test", "--db", register)
    assert unknown.code == 2
    assert one_line(unknown.err) == (
        "Error: no evidence with id 9999 — 'pledges show PLEDGE_ID' lists each piece of evidence "
        "with its id"
    )
    no_reason = cli("evidence", "deprecate", str(number), "--db", register)
    assert no_reason.code == 2
    assert one_line(no_reason.err) == (
        "Error: Missing option '--reason'. — see 'pledges evidence deprecate --help'"
    )

    # Once deprecated, the same quote may be cited afresh; the old row stays.
    assert cite(cli, register, "strictly control coal consumption").code == 0
    assert evidence_rows() == counts[0] + 2
    ranks = [e["rank"] for e in pledge(cli, register, PLEDGE)["evidence"]]
    assert ranks == ["deprecated", "normal"]
    # Nothing is ever deleted: the evidence count never went down.
    assert counts == sorted(counts)


# --- the timeline -------------------------------------------------------------------------------


def test_show_timeline_lists_status_and_formality_changes_in_order(cli: CLI, register: str) -> None:
    cited = cite(cli, register, "strictly control coal consumption", "--asserts-status", "stalled")
    assert cited.code == 0
    (evidence,) = pledge(cli, register, PLEDGE)["evidence"]
    for args, reason in (
        (["--formality", "in_policy"], "part of the Five-Year Plan"),
        (["--status", "in_progress", "--title", "Non-fossil 25% by 2030"], "work has begun"),
        (["--status", "stalled", "--formality", "in_law"], "the law passed; work stalled"),
        (["--notes", "Not a status change."], "a note"),
    ):
        result = cli("update", PLEDGE, *args, "--reason", reason, "--author", "analyst",
                     "--db", register)  # fmt: skip
        assert result.code == 0, result.err

    data = pledge(cli, register, PLEDGE)
    steps = [(s["field"], s["before"], s["after"], s["reason"]) for s in data["timeline"]]
    assert steps == [
        ("status", None, "not_yet_rated", "announced by the NEA"),
        ("formality", None, "declared", "announced by the NEA"),
        ("formality", "declared", "in_policy", "part of the Five-Year Plan"),
        ("status", "not_yet_rated", "in_progress", "work has begun"),
        ("status", "in_progress", "stalled", "the law passed; work stalled"),
        ("formality", "in_policy", "in_law", "the law passed; work stalled"),
    ]
    ats = [s["at"] for s in data["timeline"]]
    assert ats == sorted(ats)
    assert [s["asserted_by"] for s in data["timeline"]] == [[], [], [], [], [evidence["id"]], []]
    assert {s["author"] for s in data["timeline"][2:]} == {"analyst"}

    shown = cli("show", PLEDGE, "--db", register).out
    lines = [x.strip() for x in shown.splitlines()]
    timeline = lines[lines.index("Timeline") + 1 : lines.index("Timeline") + 7]
    today = ats[-1][:10]
    assert timeline[2:] == [
        f"{today}  formality declared → in_policy — part of the Five-Year Plan (analyst)",
        f"{today}  status not_yet_rated → in_progress — work has begun (analyst)",
        f"{today}  status in_progress → stalled — the law passed; work stalled (analyst); "
        f"asserted by evidence {evidence['id']} ({SOURCE}, 2023-11-20)",
        f"{today}  formality in_policy → in_law — the law passed; work stalled (analyst)",
    ]


def test_reason_and_author_stay_on_one_line(cli: CLI, seeded_sqlite: str) -> None:
    for option, value in (("--reason", "first\nsecond"), ("--author", "ana\x1b[31m")):
        args = ["update", "cn-co2-peak-2030", "--notes", "x", "--db", seeded_sqlite]
        args += ["--reason", "ok"] if option == "--author" else []
        result = cli(*args, option, value)
        assert result.code == 2
        assert one_line(result.err) == (
            f"Error: {option} holds a line break or a control character — "
            "write it on one line of plain text"
        )


def test_a_pledge_can_be_added_already_superseded(cli: CLI, seeded: str) -> None:
    result = cli(
        "add", "cn-co2-peak-2030-old", "--title", "An earlier wording", "--actor", "CN",
        "--kind", "emissions_peak", "--status", "superseded",
        "--superseded-by", "cn-co2-peak-2030", "--reason", "kept for the record", "--db", seeded,
    )  # fmt: skip
    assert result.code == 0, result.err
    shown = json.loads(cli("show", "cn-co2-peak-2030-old", "--format", "json", "--db", seeded).out)
    assert shown["pledge"]["superseded_by"] == "cn-co2-peak-2030"


def test_an_elided_quote_can_be_cited(cli: CLI, seeded: str) -> None:
    db = seeded
    quote = "We must actively and steadily work towards peak carbon … a new power system"
    result = cli("cite", "cn-clean-energy-system", "china-rejects-us-calls", "--quote", quote,
                 "--reason", "the whole sentence, shortened", "--db", db)  # fmt: skip
    assert result.code == 0, result.err
    shown = json.loads(cli("show", "cn-clean-energy-system", "--format", "json", "--db", db).out)
    added = shown["evidence"][-1]
    assert added["quote"] == quote and added["located"] and added["verified_on"] is not None


def test_evidence_verify_records_the_day_or_refuses_all(cli: CLI, seeded: str) -> None:
    from sqlalchemy import text

    from pledges.db import make_engine
    from pledges.dburl import resolve_url

    db = seeded
    engine = make_engine(resolve_url(db))
    with engine.begin() as conn:
        conn.execute(text("UPDATE evidence SET verified_on = '2020-01-01' WHERE id IN (1, 2)"))
    before = table_counts(db)
    ok = cli("evidence", "verify", "1", "2", "--reason", "yearly check", "--db", db)
    assert ok.code == 0, ok.err
    assert table_counts(db)["revisions"] == before["revisions"] + 2
    with engine.connect() as conn:
        days = conn.execute(text("SELECT verified_on FROM evidence WHERE id IN (1, 2)")).all()
    assert {str(d[0]) for d in days} == {date.today().isoformat()}
    cited = cli("cite", "cn-co2-peak-2030", "kerry-no-agreement", "--quote", "not in the article",
                "--allow-unlocated", "--reason", "test", "--db", db)  # fmt: skip
    assert cited.code == 0
    unlocated = cli("evidence", "verify", "--all", "--reason", "check", "--db", db)
    assert unlocated.code == 2
    assert one_line(unlocated.err).startswith("Error: evidence 22: the quote no longer stands")
    assert table_counts(db)["revisions"] == before["revisions"] + 3  # the cite, nothing more
    engine.dispose()
