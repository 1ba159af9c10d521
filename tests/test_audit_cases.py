"""The audit's accuracy on realistic cases: tests/audit_cases/*.yaml, built from the seed articles.

Each case adds to the seed register what a curator might (a misquoted line, a year changed, the
wrong article cited, a quote wrapped over lines...) and names the codes the audit must report for
each pledge (`expect`) and source (`expect_sources`). Both ways: every code named must be found,
and nothing else may be, for those subjects and for every other pledge and source of the register
(which must report just what they report in the seed register: no errors).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from pledges.audit import CHECKS, Report, audit
from tests.registers import TODAY, build, codes, copy_of, messages, seeded_template, sqlite_url

CASES = sorted((Path(__file__).parent / "audit_cases").glob("*.yaml"))
_CASE_KEYS = {"description", "today", "expect", "expect_sources", "messages"}
CODES = {check.code for check in CHECKS}


@dataclass(frozen=True)
class Case:
    description: str
    today: date
    register: dict[str, Any]
    expect: dict[str, set[str]]  # pledge id, or 'source ID', -> codes
    messages: dict[str, list[str]]  # the same subjects -> words their findings must say


def read_case(path: Path) -> Case:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and data.get("description"), f"{path.name}: no description"
    assert data.get("expect") or data.get("expect_sources"), f"{path.name}: expects nothing"
    expect = {pledge: set(found or ()) for pledge, found in (data.get("expect") or {}).items()}
    for source, found in (data.get("expect_sources") or {}).items():
        expect[f"source {source}"] = set(found or ())
    unknown = {code for found in expect.values() for code in found} - CODES
    assert not unknown, f"{path.name}: no check has the code(s) {sorted(unknown)}"
    today = data.get("today", TODAY)
    register = {k: v for k, v in data.items() if k not in _CASE_KEYS}
    register.setdefault("verified_on", today)
    return Case(data["description"], today, register, expect, data.get("messages") or {})


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_template(tmp_path_factory.mktemp("audit-cases"))


@pytest.fixture(scope="module")
def seed_codes(template: Path) -> dict[str, set[str]]:
    """What the unchanged seed register reports, subject by subject."""
    return codes(audit(sqlite_url(template), today=TODAY))


def run_case(case: Case, template: Path, folder: Path) -> Report:
    url = copy_of(template, folder)
    build(url, case.register)
    return audit(url, today=case.today)


@pytest.mark.parametrize("path", CASES, ids=[path.stem for path in CASES])
def test_case(path: Path, template: Path, seed_codes: dict[str, set[str]], tmp_path: Path) -> None:
    case = read_case(path)
    report = run_case(case, template, tmp_path)
    found = codes(report)
    subjects = sorted(set(found) | set(case.expect) | set(seed_codes))
    expected = {s: sorted(case.expect.get(s, seed_codes.get(s, set()))) for s in subjects}
    assert {s: sorted(found.get(s, set())) for s in subjects} == expected, case.description
    for subject, words in case.messages.items():
        said = " | ".join(messages(report, subject))
        for word in words:
            assert word in said, f"{subject}: {word!r} not in {said!r}"


def test_there_are_enough_cases_and_every_check_is_expected_somewhere() -> None:
    cases = [read_case(path) for path in CASES]
    assert len(cases) >= 100
    # at least 30 on texts of their own (news reports, statements, plans), not the seed articles
    assert sum(1 for case in cases if case.register.get("sources")) >= 30
    expected = {code for case in cases for found in case.expect.values() for code in found}
    assert sorted(CODES - expected) == []
