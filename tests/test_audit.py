"""The audit: each check's rule, a passing and a failing example of it, the seed register on both
databases, the `pledges audit` command, and properties (insertion order, parallel reading).

The accuracy cases built from the seed articles are in test_audit_cases.py.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import re
import uuid
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from pledges.audit import CHECKS, Report, Severity, audit
from pledges.db import opened
from pledges.models import EvidenceRow
from tests.conftest import CLI
from tests.registers import (
    TODAY,
    build,
    codes,
    copy_of,
    empty,
    parse,
    seeded_template,
)
from tests.test_cli import one_line

FINDING_FIELDS = {"code", "severity", "pledge_id", "source_id", "evidence_id", "message", "hint"}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_template(tmp_path_factory.mktemp("audit"))


def register(template: Path, folder: Path, snippet: str) -> str:
    """A copy of the seed register with what the snippet adds."""
    url = copy_of(template, folder)
    build(url, parse(snippet))
    return url


# --- the registry -------------------------------------------------------------------------------


def test_every_check_has_a_stable_code_a_severity_and_a_rule() -> None:
    found = [check.code for check in CHECKS]
    assert len(found) == len(set(found)), "codes must be unique"
    for check in CHECKS:
        assert re.fullmatch(r"[a-z]+(?:-[a-z0-9]+)*", check.code), check.code
        assert isinstance(check.severity, Severity)
        assert check.scope in ("quote", "pledge", "source", "register")
        assert len(check.rule.split()) >= 8, f"{check.code}: the docstring must state the rule"


# Xi's words, cited for a US pledge (named CN, spoken by CN: both actor-mismatch and
# speaker-not-actor) and for a Chinese one (neither).
XI_FOR_BOTH = """
seed_pledges:
  - id: us-stabilise-relations-cn
    evidence:
      - source: kerry-not-dictating
        quote: No one should expect to exert influence over us
  - id: cn-clean-energy-system
    evidence:
      - source: kerry-not-dictating
        quote: No one should expect to exert influence over us
"""

# One example register per check: the subject named `fails` must be reported under the code, the
# subject named `passes` must not. Subjects are pledge ids, or 'source ID'.
EXAMPLES: dict[str, tuple[str, str, str, date]] = {
    "quote-not-found": (
        """
        seed_pledges:
          - id: cn-co2-peak-2030
            evidence:
              - source: china-us-talks-success
                quote: has pledged to peak emissions of carbon dioxide by 2035
          - id: cn-carbon-neutrality-2060
            evidence:
              - source: china-us-talks-success
                quote: |-
                  China, the world's largest greenhouse gas emitter, has pledged to peak
                  emissions of carbon dioxide by 2030 and become carbon neutral by 2060.
        """,
        "cn-co2-peak-2030",
        "cn-carbon-neutrality-2060",
        TODAY,
    ),
    "quote-too-short": (
        """
        seed_pledges:
          - id: us-cn-continue-talks
            evidence:
              - source: kerry-not-dictating
                quote: meet intensively
          - id: us-cn-national-targets-2025
            evidence:
              - source: kerry-not-dictating
                quote: be submitted in 2025
        """,
        "us-cn-continue-talks",
        "us-cn-national-targets-2025",
        TODAY,
    ),
    "actor-mismatch": (
        XI_FOR_BOTH,
        "us-stabilise-relations-cn",
        "cn-clean-energy-system",
        TODAY,
    ),
    "speaker-not-actor": (
        XI_FOR_BOTH,
        "us-stabilise-relations-cn",
        "cn-clean-energy-system",
        TODAY,
    ),
    "joint-party-unsupported": (
        """
        pledges:
          - id: us-cn-not-dictating
            title: The US and China dictate nothing to anyone
            actors: [US, CN]
            kind: cooperation
            evidence:
              - source: kerry-not-dictating
                quote: We're not involved in dictating anything to anyone.
        seed_pledges:
          - id: us-cn-renewables-power-sector
        """,
        "us-cn-not-dictating",
        "us-cn-renewables-power-sector",
        TODAY,
    ),
    "elided-part-too-short": (
        """
        seed_pledges:
          - id: us-cn-cop28-success
            evidence:
              - source: kerry-not-dictating
                quote: Kerry said the two sides were focused on how to make COP 28 ... a success
          - id: us-cn-keep-1-5c-alive
            evidence:
              - source: kerry-not-dictating
                quote: >-
                  Kerry said the two sides were focused on how to make COP 28 ... in Dubai, a
                  success
        """,
        "us-cn-cop28-success",
        "us-cn-keep-1-5c-alive",
        TODAY,
    ),
    "elision-changes-meaning": (
        """
        seed_pledges:
          - id: us-not-dictating-to-cn
            evidence:
              - source: kerry-not-dictating
                quote: that Washington was ... dictating climate solutions to China
          - id: us-stabilise-relations-cn
            evidence:
              - source: kerry-not-dictating
                quote: that Washington was not dictating ... solutions to China
        """,
        "us-not-dictating-to-cn",
        "us-stabilise-relations-cn",
        TODAY,
    ),
    "target-year-mismatch": (
        """
        pledges:
          - id: cn-carbon-neutral-2050
            title: China carbon neutral by 2050
            actors: [CN]
            kind: carbon_neutrality
            target_year: 2050
            evidence:
              - source: china-us-talks-success
                quote: become carbon neutral by 2060
        seed_pledges:
          - id: cn-carbon-neutrality-2060
            evidence:
              - source: china-us-talks-success
                quote: become carbon neutral by 2060
        """,
        "cn-carbon-neutral-2050",
        "cn-carbon-neutrality-2060",
        TODAY,
    ),
    "contradicted": (
        """
        seed_pledges:
          - id: us-not-dictating-to-cn
            evidence:
              - source: china-rejects-us-calls
                quote: >-
                  China has rejected calls from the United States to pursue a more ambitious
                  climate change strategy
                stance: contradicts
          - id: us-stabilise-relations-cn
            evidence:
              - source: china-rejects-us-calls
                quote: >-
                  China has rejected calls from the United States to pursue a more ambitious
                  climate change strategy
                stance: contradicts
                deprecated: A disagreement on ambition does not unsettle relations.
        """,
        "us-not-dictating-to-cn",
        "us-stabilise-relations-cn",
        TODAY,
    ),
    "evidence-not-reverified": (
        """
        seed_pledges:
          - id: us-cn-keep-1-5c-alive
            evidence:
              - source: kerry-more-work-needed
                quote: the two sides agreed climate change was urgent
                verified_on: 2023-07-20
          - id: us-cn-methane-non-co2
            evidence:
              - source: kerry-not-dictating
                quote: focus on non-CO2 greenhouse gas emissions, particularly methane
                verified_on: 2023-07-21
        """,
        "us-cn-keep-1-5c-alive",
        "us-cn-methane-non-co2",
        date(2024, 7, 20),  # 365 days after 2023-07-21
    ),
    "no-supporting-evidence": (
        """
        pledges:
          - id: cn-open-to-talks
            title: China is open to talks with the US at all levels
            actors: [CN]
            kind: cooperation
            evidence:
              - source: china-us-talks-success
                quote: his country was open to talks with the United States at “all levels”
                deprecated: Han Zheng spoke of talks in general, not of climate talks.
              - source: china-us-talks-success
                quote: road to San Francisco is not smooth, and we cannot be on autopilot
                stance: contradicts
          - id: cn-open-to-talks-all-levels
            title: China is open to talks with the US at all levels
            actors: [CN]
            kind: cooperation
            evidence:
              - source: china-us-talks-success
                quote: his country was open to talks with the United States at “all levels”
        """,
        "cn-open-to-talks",
        "cn-open-to-talks-all-levels",
        TODAY,
    ),
    "confidence-overclaimed": (
        """
        sources:
          - id: mee-talks-ended-successfully
            title: China-US climate talks end successfully
            publisher: Ministry of Ecology and Environment of the People's Republic of China
            kind: official
            published_on: 2023-11-08
            text: >-
              China and the United States agreed to jointly push for the success of the COP28
              conference.
        seed_pledges:
          - id: cn-co2-peak-2030
            confidence: medium
          - id: us-cn-cop28-success
            confidence: medium
            evidence:
              - source: mee-talks-ended-successfully
                quote: agreed to jointly push for the success of the COP28 conference
        """,
        "cn-co2-peak-2030",
        "us-cn-cop28-success",
        TODAY,
    ),
    "target-year-not-stated": (
        """
        pledges:
          - id: us-cn-leaders-meet-2023
            title: Biden and Xi meet on the sidelines of APEC
            actors: [US, CN]
            kind: diplomatic_process
            target_year: 2023
            evidence:
              - source: china-us-talks-success
                quote: >-
                  the two sides had made arrangements to hold the meeting on November 15 on the
                  sidelines of next week's Asia-Pacific Economic Cooperation summit
        """,
        "us-cn-leaders-meet-2023",
        "cn-co2-peak-2030",  # one of its two quotes states the year
        TODAY,
    ),
    "status-unasserted": (
        """
        seed_pledges:
          - id: us-cn-continue-talks
            status: in_progress
          - id: us-cn-cop28-success
            status: in_progress
            evidence:
              - source: china-us-talks-success
                quote: >-
                  Beijing and Washington agreed to “jointly push for the success of the COP28
                  conference”, the ministry said.
                asserts_status: in_progress
        """,
        "us-cn-continue-talks",
        "us-cn-cop28-success",
        TODAY,
    ),
    "status-asserted-too-early": (
        """
        seed_pledges:
          - id: us-cn-cop28-success  # announced 2023-11-08
            status: in_progress
            evidence:
              - source: kerry-more-work-needed  # 2023-07-19
                quote: it planned further negotiations with the U.S. ahead of the next U.N.
                asserts_status: in_progress
          - id: cn-clean-energy-system  # announced 2023-07-18
            status: in_progress
            evidence:
              - source: china-rejects-us-calls  # 2023-07-20
                quote: We must actively and steadily work towards peak carbon
                asserts_status: in_progress
        """,
        "us-cn-cop28-success",
        "cn-clean-energy-system",
        TODAY,
    ),
    "source-text-changed": (
        """
        tampered:
          - source: kerry-no-agreement
            replace: concluded his flying three-day trip
            with: concluded his three-day trip
        """,
        "source kerry-no-agreement",
        "source kerry-not-dictating",
        TODAY,
    ),
    "source-metadata-missing": (
        """
        sources:
          - id: xinhua-han-zheng-kerry
            title: Han Zheng meets John Kerry
            kind: news
            text: >-
              Addressing climate change is an important aspect of China-U.S. cooperation.
        """,
        "source xinhua-han-zheng-kerry",
        "source kerry-not-dictating",
        TODAY,
    ),
    "possible-duplicate": (
        """
        pledges:
          - id: cn-peak-co2-by-2030
            title: China to peak carbon dioxide emissions by 2030
            actors: [CN]
            kind: emissions_peak
            target_year: 2030
            evidence:
              - source: china-us-talks-success
                quote: has pledged to peak emissions of carbon dioxide by 2030
          - id: cn-co2-peaking-2030
            title: China's CO2 emissions peak by 2030
            actors: [CN]
            kind: emissions_peak
            target_year: 2030
            status: superseded
            superseded_by: cn-co2-peak-2030
            evidence:
              - source: china-us-talks-success
                quote: peak emissions of carbon dioxide by 2030
        """,
        "cn-peak-co2-by-2030",
        "cn-co2-peaking-2030",
        TODAY,
    ),
}


def test_every_check_has_an_example() -> None:
    assert sorted(EXAMPLES) == sorted(check.code for check in CHECKS)


@pytest.mark.parametrize("code", list(EXAMPLES))
def test_a_failing_and_a_passing_example(code: str, template: Path, tmp_path: Path) -> None:
    snippet, fails, passes, today = EXAMPLES[code]
    report = audit(register(template, tmp_path, snippet), today=today)
    found = codes(report)
    assert code in found.get(fails, set()), found
    assert code not in found.get(passes, set()), found
    check = next(c for c in CHECKS if c.code == code)
    assert {f.severity for f in report.findings if f.code == code} == {check.severity}


# --- the seed register --------------------------------------------------------------------------


def test_the_seed_register_has_no_errors(seeded: str) -> None:
    report = audit(seeded)
    assert report.count(Severity.ERROR) == 0, [f.message for f in report.findings]
    assert (report.pledges, report.sources) == (12, 5)
    assert report.quotes == _quotes(seeded)
    # What remains is what the articles do not show: publishers left empty rather than guessed.
    assert {f.code for f in report.findings} <= {"source-metadata-missing"}


def _quotes(url: str) -> int:
    with opened(url) as engine, engine.connect() as conn:
        return len(conn.scalars(select(EvidenceRow.id)).all())


# --- the command --------------------------------------------------------------------------------

WITH_ERRORS = """
pledges:
  - id: cn-co2-peak-2035
    title: China peaks CO2 emissions by 2035
    actors: [CN]
    kind: emissions_peak
    target_year: 2035
    evidence:
      - source: china-us-talks-success
        quote: has pledged to peak emissions of carbon dioxide by 2035
seed_pledges:
  - id: us-cn-continue-talks
    status: in_progress
"""


def subjects_in_order(table: str) -> list[str]:
    """The group titles of the audit table, top to bottom."""
    titles = re.compile(r"^([a-z0-9-]+|source [a-z0-9-]+)$")
    return [line.strip() for line in table.splitlines() if titles.match(line.strip())]


def test_table_the_summary_then_groups_by_pledge_worst_first(
    cli: CLI, template: Path, tmp_path: Path
) -> None:
    url = register(template, tmp_path, WITH_ERRORS)
    result = cli("audit", "--db", url, "--today", TODAY.isoformat())
    assert result.code == 1
    assert result.out.splitlines()[0] == (
        "Audited 13 pledges, 22 quotes and 5 sources: 3 errors (2 pledges), 5 warnings."
    )
    assert result.err == ""
    assert subjects_in_order(result.out) == [
        "cn-co2-peak-2035",  # two errors and a warning
        "us-cn-continue-talks",  # one error
        "source china-rejects-us-calls",  # a warning each, by name
        "source china-us-talks-success",
        "source kerry-more-work-needed",
        "source kerry-no-agreement",
    ]
    text = " ".join(result.out.split())
    assert "error quote-not-found quote “has pledged to peak emissions" in text
    assert "→ correct the quote to the article's exact words" in text


def test_json_is_written_as_the_standard_library_writes_it(
    cli: CLI, template: Path, tmp_path: Path, seeded_sqlite: str
) -> None:
    """The report is streamed one finding at a time; the bytes are json.dumps(indent=2)'s."""
    url = register(template, tmp_path, WITH_ERRORS)
    for db, today in ((url, TODAY.isoformat()), (seeded_sqlite, "2023-12-01")):
        result = cli(
            "audit", "--db", db, "--format", "json", "--today", today, "--fail-on", "never"
        )
        data = json.loads(result.out)
        assert result.out == json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    empty = Report.of([], pledges=0, quotes=0, sources=0)
    from pledges.render.audit import write_json

    with contextlib.redirect_stdout(io.StringIO()) as written:
        write_json(empty)
    assert written.getvalue() == json.dumps(empty.as_dict(), indent=2) + "\n"


def test_json_output(cli: CLI, template: Path, tmp_path: Path) -> None:
    url = register(template, tmp_path, WITH_ERRORS)
    result = cli("audit", "--db", url, "--format", "json", "--today", TODAY.isoformat())
    assert result.code == 1
    assert result.err == ""  # machine output: nothing but the JSON, on stdout
    data = json.loads(result.out)
    assert set(data) == {"summary", "findings"}
    assert data["summary"] == {
        "pledges": 13,
        "quotes": 22,
        "sources": 5,
        "errors": 3,
        "warnings": 5,
        "pledges_with_errors": 2,
        "by_code": {
            "no-supporting-evidence": 1,
            "quote-not-found": 1,
            "source-metadata-missing": 4,
            "status-unasserted": 1,
            "target-year-not-stated": 1,
        },
        "filters": {},
        "shown": 8,
    }
    assert all(set(f) == FINDING_FIELDS for f in data["findings"])
    misquote = next(f for f in data["findings"] if f["code"] == "quote-not-found")
    assert misquote["severity"] == "error"
    assert (misquote["pledge_id"], misquote["source_id"]) == (
        "cn-co2-peak-2035",
        "china-us-talks-success",
    )
    assert isinstance(misquote["evidence_id"], int)
    assert "closest passage" in misquote["message"] and misquote["hint"]
    assert data == audit(url, today=TODAY).as_dict()


@pytest.mark.parametrize(
    ("fail_on", "seed_code", "errors_code"),
    [([], 0, 1), (["--fail-on", "error"], 0, 1), (["--fail-on", "warning"], 1, 1),
     (["--fail-on", "never"], 0, 0)],
    ids=["default", "error", "warning", "never"],
)  # fmt: skip
def test_fail_on(
    cli: CLI,
    seeded_sqlite: str,
    template: Path,
    tmp_path: Path,
    fail_on: list[str],
    seed_code: int,
    errors_code: int,
) -> None:
    # The seed register has warnings only; the other register has errors too.
    assert cli("audit", "--db", seeded_sqlite, *fail_on).code == seed_code
    url = register(template, tmp_path, WITH_ERRORS)
    assert cli("audit", "--db", url, *fail_on, "--format", "json").code == errors_code


@pytest.mark.parametrize("value", ["yesterday", "2024-13-01", "01/06/2024"])
def test_a_bad_today_is_one_line(cli: CLI, seeded_sqlite: str, value: str) -> None:
    result = cli("audit", "--db", seeded_sqlite, "--today", value)
    assert result.code == 2
    assert result.out == ""
    assert one_line(result.err) == (
        f"Error: --today {value!r} is not a date — write it as YYYY-MM-DD"
    )


def test_today_and_reverify_days_set_when_evidence_is_due(cli: CLI, seeded_sqlite: str) -> None:
    # The seed quotes were verified when the register was loaded, i.e. today.
    later = (date.today() + timedelta(days=800)).isoformat()
    soon = cli("audit", "--db", seeded_sqlite, "--format", "json", "--today", later)
    due = {f["evidence_id"] for f in json.loads(soon.out)["findings"]
           if f["code"] == "evidence-not-reverified"}  # fmt: skip
    assert len(due) == _quotes(seeded_sqlite)
    lenient = cli("audit", "--db", seeded_sqlite, "--format", "json", "--today", later,
                  "--reverify-days", "1000")  # fmt: skip
    assert "evidence-not-reverified" not in json.loads(lenient.out)["summary"]["by_code"]


# --- properties ---------------------------------------------------------------------------------

# A small register of its own (no seeds), with findings of many kinds: it is built in random
# orders, and the audit must report the same findings whatever the order.
SMALL = """
actors:
  - {id: CN, name: China, kind: country, aliases: [Chinese, Beijing, Xi Jinping, Xi]}
  - {id: US, name: United States, kind: country, aliases: [US, Washington, Kerry]}
sources:
  - id: talks-success
    title: China says climate talks with the US were a success
    published_on: 2023-11-09
    text: |
      Beijing and Washington agreed to “jointly push for the success of the COP28 conference”,
      the ministry said.

      China, the world's largest greenhouse gas emitter, has pledged to peak emissions of carbon
      dioxide by 2030 and become carbon neutral by 2060.
  - id: not-dictating
    title: Kerry says US is not dictating climate solutions to China
    publisher: DW
    published_on: 2023-07-19
    text: |
      Both parties agreed to focus on integrating renewable energy into the power sector to
      reduce coal emissions.

      “There's no politics or ideology in what we do,” Kerry said.
  - id: peak-carbon
    title: China rejects US calls for a more ambitious climate strategy
    kind: news
    text: >-
      “We must actively and steadily work towards peak carbon and carbon neutrality, foster a
      clean, low-carbon, safe and efficient energy system,” Xi said.
pledges:
  - id: cn-co2-peak-2030
    title: China peaks CO2 emissions by 2030
    actors: [CN]
    kind: emissions_peak
    target_year: 2030
    confidence: medium
    evidence:
      - {source: talks-success, quote: has pledged to peak emissions of carbon dioxide by 2030}
      - {source: peak-carbon, quote: We must actively and steadily work towards peak carbon}
      - {source: not-dictating, quote: has pledged to peak emissions of carbon dioxide by 2030}
      - {source: peak-carbon, quote: peak carbon, stance: contradicts}
  - id: cn-peak-2030
    title: China to peak emissions by 2030
    actors: [CN]
    kind: emissions_peak
    target_year: 2030
    evidence:
      - {source: talks-success, quote: has pledged to peak emissions of carbon dioxide by 2035}
      - {source: talks-success, quote: become carbon neutral by 2060}
  - id: us-cn-renewables
    title: The US and China integrate renewables into the power sector
    actors: [US, CN]
    kind: renewable_energy
    status: in_progress
    evidence:
      - source: not-dictating
        quote: Both parties agreed to focus on integrating renewable energy … coal emissions
      - source: not-dictating
        quote: There's no politics or ideology in what we do
        deprecated: Not about renewables.
  - id: cn-no-politics
    title: China keeps politics out of climate talks
    actors: [CN]
    kind: cooperation
    evidence:
      - {source: not-dictating, quote: There's no politics or ideology in what we do}
      - {source: talks-success, quote: jointly push for the success, verified_on: 2022-01-01}
"""


@pytest.fixture(scope="module")
def empty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("empty") / "empty.db"
    empty(path)
    return path


def canonical(url: str, report: Report) -> dict[str, Any]:
    """The report with each evidence id replaced by what the evidence is (ids follow the order
    of insertion), in an order that does not depend on them."""
    with opened(url) as engine, engine.connect() as conn:
        rows = conn.execute(select(EvidenceRow.id, EvidenceRow.pledge_id,
                                   EvidenceRow.source_id, EvidenceRow.quote))  # fmt: skip
        names = {i: f"{pledge}/{source}/{quote}" for i, pledge, source, quote in rows}
    findings = []
    for finding in report.as_dict()["findings"]:
        evidence = finding["evidence_id"]
        if evidence is not None:
            finding["evidence_id"] = names[evidence]
            finding["message"] = finding["message"].replace(
                f"evidence {evidence} ", f"evidence {names[evidence]} "
            )
        findings.append(finding)
    findings.sort(key=lambda f: json.dumps(f, sort_keys=True))
    return {"summary": report.summary(), "findings": findings}


@pytest.fixture(scope="module")
def small_in_order(empty_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    url = copy_of(empty_template, tmp_path_factory.mktemp("in-order"))
    build(url, parse(SMALL))
    return canonical(url, audit(url, today=TODAY))


def test_the_small_register_has_findings_of_many_kinds(small_in_order: Any) -> None:
    assert set(small_in_order["summary"]["by_code"]) >= {
        "quote-not-found", "quote-too-short", "actor-mismatch", "target-year-mismatch",
        "contradicted", "evidence-not-reverified", "confidence-overclaimed",
        "status-unasserted", "possible-duplicate", "source-metadata-missing",
    }  # fmt: skip
    assert any("it stands in talks-success" in f["message"] for f in small_in_order["findings"])


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rng=st.randoms(use_true_random=False))
def test_findings_do_not_depend_on_insertion_order(
    rng: random.Random, empty_template: Path, small_in_order: Any, tmp_path: Path
) -> None:
    folder = tmp_path / uuid.uuid4().hex
    folder.mkdir()
    url = copy_of(empty_template, folder)
    build(url, parse(SMALL), rng=rng)
    assert canonical(url, audit(url, today=TODAY)) == small_in_order


# Findings in sources on either side of the split: a quote cited to the wrong article (found
# elsewhere), a wrong actor, a short quote, a changed year.
SPREAD = """
seed_pledges:
  - id: cn-co2-peak-2030
    evidence:
      - source: china-us-talks-success
        quote: has pledged to peak emissions of carbon dioxide by 2035
  - id: us-cn-renewables-power-sector
    evidence:
      - source: kerry-no-agreement
        quote: Both parties agreed to focus on integrating renewable energy into the power sector
  - id: cn-clean-energy-system
    evidence:
      - source: china-rejects-us-calls
        quote: we're involved in tracking the science
  - id: us-cn-keep-1-5c-alive
    evidence:
      - source: kerry-more-work-needed
        quote: to keep 1.5
"""


def test_parallel_reading_gives_the_same_report(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = register(template, tmp_path, SPREAD)
    serial = audit(url, today=TODAY, workers=1)
    pools: list[int] = []

    class Pool(ProcessPoolExecutor):
        def __init__(self, workers: int, **options: Any) -> None:
            pools.append(workers)
            super().__init__(workers, **options)

    monkeypatch.setattr("pledges.parallel.ProcessPoolExecutor", Pool)
    parallel = audit(url, today=TODAY, workers=2, parallel_from=1, fresh=True)
    assert pools == [2, 2]  # the first pass, and the search for quotes not found
    assert parallel.as_dict() == serial.as_dict()
    assert set(serial.summary()["by_code"]) >= {
        "quote-not-found",
        "actor-mismatch",
        "quote-too-short",
    }


def test_a_short_quote_counts_its_words_in_good_english(cli: CLI, seeded: str) -> None:
    for quote in ("intensively", "meet intensively"):
        cited = cli("cite", "us-cn-continue-talks", "kerry-not-dictating", "--quote", quote,
                    "--reason", "short", "--db", seeded)  # fmt: skip
        assert cited.code == 0, cited.err
    result = cli("audit", "--code", "quote-too-short", "--format", "jsonl", "--db", seeded)
    assert (result.code, result.err) == (0, "")
    assert [json.loads(line)["message"] for line in result.out.splitlines()] == [
        "quote “intensively” has 1 word",
        "quote “meet intensively” has 2 words",
    ]
