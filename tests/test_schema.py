"""The contract: strict input shapes, one-line messages, and a current published JSON Schema."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from pydantic import BaseModel, ValidationError

from pledges import jsonschema
from pledges.errors import InvalidInput
from pledges.schema import ActorIn, EvidenceIn, Pledge, PledgeIn, SourceIn
from pledges.validation import choice, explain, validate
from pledges.vocab import (
    ActorKind,
    Confidence,
    Formality,
    PledgeKind,
    Rank,
    SourceKind,
    Stance,
    Status,
    allowed,
)

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "schema"

PLEDGE: dict[str, Any] = {
    "id": "cn-co2-peak-2030",
    "title": "China peaks CO2 emissions by 2030",
    "actors": ["CN"],
    "kind": "emissions_peak",
}
ACTOR: dict[str, Any] = {"id": "CN", "name": "China", "kind": "country", "aliases": ["Beijing"]}
SOURCE: dict[str, Any] = {
    "id": "china-us-talks-success",
    "title": "China says climate talks with the US were a success",
    "text": "China has pledged to peak emissions of carbon dioxide by 2030.",
    "published_on": "2023-11-09",
}
EVIDENCE: dict[str, Any] = {
    "pledge_id": "cn-co2-peak-2030",
    "source_id": "china-us-talks-success",
    "quote": "pledged to peak emissions of carbon dioxide by 2030",
}
BASES: dict[type[BaseModel], dict[str, Any]] = {
    PledgeIn: PLEDGE,
    ActorIn: ACTOR,
    SourceIn: SOURCE,
    EvidenceIn: EVIDENCE,
}


def refused(model: type[BaseModel], data: dict[str, Any]) -> str:
    """The one-line message for `data` as a file's record (naming the field, as `explain` does for
    an import or the seeds), failing the test if it is accepted."""
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    message = str(explain(caught.value, model=model))
    assert len(message.splitlines()) == 1, message
    return message


# --- what a valid record is ----------------------------------------------------------------------


@pytest.mark.parametrize("model", list(BASES), ids=lambda m: m.__name__)
def test_the_minimal_records_are_valid(model: type[BaseModel]) -> None:
    assert isinstance(validate(model, BASES[model]), model)


SLUGS_ACCEPTED = ["cn-co2-peak-2030", "a1", "2030", "us-cn-keep-1-5c-alive", "x" * 80]
SLUGS_REFUSED = [
    "CN-co2-peak",  # upper case
    "cn--peak",  # double hyphen
    "-cn-peak",
    "cn-peak-",
    "cn_peak",
    "cn peak",
    "cn.peak",
    "cn-peak\n",
    "cñ-peak",
    "c",  # too short
    "x" * 81,  # too long
    "",
]


@pytest.mark.parametrize("slug", SLUGS_ACCEPTED)
@pytest.mark.parametrize(
    ("model", "field"),
    [
        (PledgeIn, "id"),
        (PledgeIn, "parent_id"),
        (SourceIn, "id"),
        (EvidenceIn, "pledge_id"),
        (EvidenceIn, "source_id"),
    ],
)
def test_slugs_are_accepted_as_ids(model: type[BaseModel], field: str, slug: str) -> None:
    data = {**BASES[model], field: slug}
    if field == "parent_id" and slug == data["id"]:
        data["id"] = "another-pledge"
    assert getattr(validate(model, data), field) == slug


@pytest.mark.parametrize("slug", SLUGS_REFUSED)
@pytest.mark.parametrize(
    ("model", "field"),
    [
        (PledgeIn, "id"),
        (PledgeIn, "parent_id"),
        (PledgeIn, "superseded_by"),
        (SourceIn, "id"),
        (EvidenceIn, "pledge_id"),
        (EvidenceIn, "source_id"),
    ],
)
def test_ids_that_are_not_slugs_are_refused(model: type[BaseModel], field: str, slug: str) -> None:
    data = {**BASES[model], field: slug}
    if field == "superseded_by":
        data["status"] = "superseded"
    message = refused(model, data)
    assert message.startswith(f"{field} {slug!r}"[:40])
    assert " is not allowed — use " in message and "lower-case" in message


@pytest.mark.parametrize("code", ["CN", "US", "EU", "GREENPEACE", "C40", "UN-HABITAT"])
def test_actor_codes_are_accepted(code: str) -> None:
    assert validate(ActorIn, {**ACTOR, "id": code}).id == code
    assert validate(PledgeIn, {**PLEDGE, "actors": [code]}).actors == (code,)


@pytest.mark.parametrize(
    "code", ["cn", "Cn", "C", "1CN", "C N", "CN-", "CN--X", "-CN", "cn-co2-peak", "CN\n", ""]
)
def test_actor_codes_that_are_not_upper_case_codes_are_refused(code: str) -> None:
    assert refused(ActorIn, {**ACTOR, "id": code}) == (
        f"id {code!r} is not allowed — use an upper-case code such as CN, US, EU or GREENPEACE"
    )
    assert refused(PledgeIn, {**PLEDGE, "actors": ["US", code]}) == (
        f"actors {code!r} is not allowed — use upper-case actor codes such as CN, US or EU"
    )


@pytest.mark.parametrize("year", [1990, 2030, 2060, 2100])
def test_target_years_from_1990_to_2100_are_accepted(year: int) -> None:
    assert validate(PledgeIn, {**PLEDGE, "target_year": year}).target_year == year


@pytest.mark.parametrize("year", [20300, 1989, 2101, 0, -2030, 2030.5, True, "twenty thirty"])
def test_target_years_outside_1990_to_2100_are_refused(year: object) -> None:
    assert refused(PledgeIn, {**PLEDGE, "target_year": year}) == (
        f"target_year {year!r} is not allowed — use a year from 1990 to 2100"
    )


@pytest.mark.parametrize("day", ["2023-02-30", "2023-02-29", "2023-13-01", "2023-11-31", "9/11/23"])
@pytest.mark.parametrize(
    ("model", "field"),
    [(PledgeIn, "announced_on"), (SourceIn, "published_on"), (SourceIn, "retrieved_on")],
)
def test_only_real_dates_are_accepted(model: type[BaseModel], field: str, day: str) -> None:
    assert refused(model, {**BASES[model], field: day}) == (
        f"{field} {day!r} is not a date — write it as YYYY-MM-DD, e.g. 2023-07-19"
    )
    assert str(getattr(validate(model, {**BASES[model], field: "2024-02-29"}), field)) == (
        "2024-02-29"
    )


def test_dates_outside_the_register_calendar_are_refused() -> None:
    assert refused(PledgeIn, {**PLEDGE, "announced_on": "1899-12-31"}) == (
        "announced_on '1899-12-31' is not allowed — dates must fall between 1900 and 2100"
    )


@pytest.mark.parametrize(
    ("model", "field", "vocabulary", "value", "suggested"),
    [
        (PledgeIn, "status", Status, "foo", None),
        (PledgeIn, "status", Status, "Kept", "kept"),
        (PledgeIn, "status", Status, "kept ", "kept"),
        (PledgeIn, "kind", PledgeKind, "net-zero", "net_zero"),
        (PledgeIn, "formality", Formality, "law", None),
        (PledgeIn, "confidence", Confidence, "very_high", None),
        (EvidenceIn, "stance", Stance, "neutral", None),
        (EvidenceIn, "rank", Rank, "obsolete", None),
        (EvidenceIn, "asserts_status", Status, "done", None),
        (SourceIn, "kind", SourceKind, "blog", None),
        (ActorIn, "kind", ActorKind, "nation", None),
    ],
)
def test_closed_vocabularies_refuse_other_values_and_list_the_allowed_ones(
    model: type[BaseModel], field: str, vocabulary: type[Status], value: str, suggested: str | None
) -> None:
    message = refused(model, {**BASES[model], field: value})
    guess = "" if suggested is None else f"did you mean {suggested}? "
    assert message == f"{field} {value!r} is not allowed — {guess}use {allowed(vocabulary)}"


@pytest.mark.parametrize("model", list(BASES), ids=lambda m: m.__name__)
def test_unknown_fields_are_refused(model: type[BaseModel]) -> None:
    assert refused(model, {**BASES[model], "targetyear": 2030}) == (
        "unknown field 'targetyear' — remove it or check its spelling"
    )


def test_keys_that_are_not_field_names_are_refused_as_unknown_fields() -> None:
    data: dict[Any, Any] = {**PLEDGE, 7: "x"}
    assert refused(PledgeIn, data) == ("unknown field '7' — remove it or check its spelling")


def test_missing_fields_are_named() -> None:
    data = {k: v for k, v in PLEDGE.items() if k != "kind"}
    assert refused(PledgeIn, data) == "kind is required — give a value for it"


def test_superseded_status_and_superseded_by_go_together() -> None:
    assert refused(PledgeIn, {**PLEDGE, "status": "superseded"}) == (
        "status superseded needs --superseded-by (superseded_by in a file) naming the pledge "
        "that replaces it — correct the record and try again"
    )
    assert refused(PledgeIn, {**PLEDGE, "superseded_by": "cn-co2-peak-2025"}) == (
        "--superseded-by (superseded_by in a file) is set, so status must be superseded: add "
        "--status superseded, or --clear superseded_by for another status — correct the record "
        "and try again"
    )
    both = validate(
        PledgeIn, {**PLEDGE, "status": "superseded", "superseded_by": "cn-co2-peak-2025"}
    )
    assert (both.status, both.superseded_by) == (Status.SUPERSEDED, "cn-co2-peak-2025")
    assert refused(PledgeIn, {**PLEDGE, "status": "superseded", "superseded_by": PLEDGE["id"]}) == (
        "a pledge cannot supersede or follow up itself — correct the record and try again"
    )


def test_a_pledge_names_each_actor_once() -> None:
    assert refused(PledgeIn, {**PLEDGE, "actors": ["US", "CN", "US"]}) == (
        "actors must not repeat — correct the record and try again"
    )
    assert refused(PledgeIn, {**PLEDGE, "actors": []}) == "actors is empty — give at least one"
    assert validate(PledgeIn, {**PLEDGE, "actors": ["US", "CN"]}).actors == ("US", "CN")


def test_an_actor_names_each_alias_once_whatever_the_case() -> None:
    assert refused(ActorIn, {**ACTOR, "aliases": ["China", "CHINA"]}) == (
        "aliases must not repeat — correct the record and try again"
    )


def test_an_inferred_source_date_needs_the_date_and_a_note() -> None:
    rule = (
        "an inferred date needs published_on and a date_note saying from what"
        " — correct the record and try again"
    )
    assert refused(SourceIn, {**SOURCE, "date_inferred": True}) == rule
    undated = {k: v for k, v in SOURCE.items() if k != "published_on"}
    assert refused(
        SourceIn, {**undated, "date_inferred": True, "date_note": "From 'July 19'."}
    ) == (rule)
    assert refused(SourceIn, {**SOURCE, "date_inferred": True, "date_note": "   "}) == (
        "date_note is blank — give a value, or leave it out"
    )
    noted = validate(SourceIn, {**SOURCE, "date_inferred": True, "date_note": "From 'July 19'."})
    assert noted.date_inferred and noted.date_note == "From 'July 19'."


def test_blank_quotes_and_blank_texts_are_refused() -> None:
    assert refused(EvidenceIn, {**EVIDENCE, "quote": " \n\xa0"}) == (
        "quote ' \\n\\xa0' is not allowed — a quote cannot be blank"
    )
    assert refused(SourceIn, {**SOURCE, "text": "\n\n"}) == (
        "a source's text cannot be blank — correct the record and try again"
    )


def test_deprecated_evidence_says_why() -> None:
    assert refused(EvidenceIn, {**EVIDENCE, "rank": "deprecated"}).startswith(
        "deprecated evidence needs a deprecated_reason"
    )
    kept = validate(
        EvidenceIn, {**EVIDENCE, "rank": "deprecated", "deprecated_reason": "Retracted."}
    )
    assert kept.rank is Rank.DEPRECATED


# --- the messages ---------------------------------------------------------------------------------


def test_messages_name_the_field_the_value_and_what_is_allowed() -> None:
    assert refused(PledgeIn, {**PLEDGE, "target_year": 20300}) == (
        "target_year 20300 is not allowed — use a year from 1990 to 2100"
    )
    assert refused(PledgeIn, {**PLEDGE, "status": "foo"}) == (
        "status 'foo' is not allowed — use not_yet_rated, in_progress, stalled,"
        " partially_kept, kept, broken, withdrawn, superseded or unverifiable"
    )
    assert refused(PledgeIn, {**PLEDGE, "id": "CN CO2 peak"}) == (
        "id 'CN CO2 peak' is not allowed"
        " — use lower-case letters, digits and single hyphens, e.g. cn-co2-peak-2030"
    )
    assert refused(SourceIn, {**SOURCE, "language": "English"}) == (
        "language 'English' is not allowed — use a language code such as en or zh-Hans"
    )


def test_where_the_record_came_from_leads_the_message() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate(PledgeIn, {**PLEDGE, "target_year": 1989}, "seeds/pledges.yaml: entry 3")
    assert str(caught.value) == (
        "seeds/pledges.yaml: entry 3: target_year 1989 is not allowed"
        " — use a year from 1990 to 2100"
    )
    assert caught.value.hint == "use a year from 1990 to 2100"


def test_explain_turns_a_pydantic_error_into_the_same_one_line_message() -> None:
    with pytest.raises(ValidationError) as caught:
        PledgeIn.model_validate({**PLEDGE, "target_year": 20300, "status": "foo"})
    error = explain(caught.value)
    assert isinstance(error, InvalidInput)
    assert str(error) == "target_year 20300 is not allowed — use a year from 1990 to 2100"


def test_values_are_shown_on_one_line_and_cut_short() -> None:
    assert refused(PledgeIn, {**PLEDGE, "id": "cn\npeak"}) == (
        "id 'cn\\npeak' is not allowed"
        " — use lower-case letters, digits and single hyphens, e.g. cn-co2-peak-2030"
    )
    long = refused(PledgeIn, {**PLEDGE, "id": "X" * 500})
    assert long.startswith("id 'XXXX") and "X" * 70 not in long and "... is not allowed" in long
    huge = refused(PledgeIn, {**PLEDGE, "target_year": 10**5000})
    assert huge == (
        "target_year a number with too many digits to show is not allowed"
        " — use a year from 1990 to 2100"
    )


def test_choice_returns_the_member_or_lists_the_allowed_values() -> None:
    assert choice(Status, "status", "kept") is Status.KEPT
    with pytest.raises(InvalidInput) as caught:
        choice(Status, "status", "foo")
    assert str(caught.value) == (
        "--status 'foo' is not allowed — use not_yet_rated, in_progress, stalled, partially_kept,"
        " kept, broken, withdrawn, superseded or unverifiable"
    )
    with pytest.raises(InvalidInput) as caught:
        choice(Rank, "--rank", "Preferred")
    assert str(caught.value) == (
        "--rank 'Preferred' is not allowed — did you mean preferred? use preferred, normal or "
        "deprecated"
    )


@pytest.mark.parametrize(
    "vocabulary",
    [ActorKind, SourceKind, Formality, Status, Confidence, PledgeKind, Stance, Rank],
    ids=lambda v: v.__name__,
)
def test_choice_lists_every_value_of_each_vocabulary(vocabulary: type[Status]) -> None:
    with pytest.raises(InvalidInput) as caught:
        choice(vocabulary, "field", "nonsense")
    assert caught.value.hint == f"use {allowed(vocabulary)}"
    for member in vocabulary:
        assert member.value in str(caught.value)
        assert choice(vocabulary, "field", member.value) is member


# --- validation never crashes ---------------------------------------------------------------------

PLAUSIBLE = st.sampled_from(
    [
        "cn-co2-peak-2030",
        "china-us-talks-success",
        "CN",
        "US",
        "us",
        "superseded",
        "kept",
        "not_yet_rated",
        "supports",
        "contradicts",
        "deprecated",
        "preferred",
        "official",
        "news",
        "country",
        "emissions_peak",
        "declared",
        "high",
        "en",
        "zh-Hans",
        "2023-07-19",
        "2023-02-30",
        "0" * 64,
        2030,
        1989,
        2101,
        20300,
        0,
        -1,
        1.5,
        True,
        False,
        "",
        "   ",
        "\n",
        "x" * 6000,
        ["CN", "US"],
        ["CN", "CN"],
        [],
        ["China", "china"],
        ["CO2", ""],
        {"nested": "dict"},
    ]
)
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**4300, max_value=10**4400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
    st.binary(max_size=20),
    st.dates(),
    st.datetimes(),
    st.lists(st.one_of(st.text(max_size=5), st.integers(), st.none()), max_size=4),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
VALUES = st.one_of(PLAUSIBLE, JUNK)


def fields(model: type[BaseModel]) -> st.SearchStrategy[Any]:
    known = sorted(set(model.model_fields) | {"evidence", "sha256", "version"})
    return st.one_of(st.sampled_from(known), st.text(max_size=8), st.integers(-2, 2))


def records(model: type[BaseModel]) -> st.SearchStrategy[dict[Any, Any]]:
    """A valid record with some fields dropped and others replaced, or any dict at all."""
    base = BASES[model]
    edited = st.builds(
        lambda drop, extra: {**{k: v for k, v in base.items() if k not in drop}, **extra},
        st.sets(st.sampled_from(sorted(base))),
        st.dictionaries(fields(model), VALUES, max_size=4),
    )
    return st.one_of(edited, st.dictionaries(fields(model), VALUES, max_size=8))


def check_never_crashes(model: type[BaseModel], data: dict[Any, Any]) -> None:
    try:
        record = validate(model, data)
    except InvalidInput as error:
        message = str(error)
        assert message.strip() and " — " in message
        assert len(message.splitlines()) == 1, message
    else:
        assert isinstance(record, model)


@settings(max_examples=300, deadline=None)
@given(records(PledgeIn))
def test_validating_a_pledge_never_raises_anything_but_invalid_input(data: dict[Any, Any]) -> None:
    check_never_crashes(PledgeIn, data)


@settings(max_examples=300, deadline=None)
@given(records(EvidenceIn))
def test_validating_evidence_never_raises_anything_but_invalid_input(data: dict[Any, Any]) -> None:
    check_never_crashes(EvidenceIn, data)


@settings(max_examples=300, deadline=None)
@given(records(ActorIn))
def test_validating_an_actor_never_raises_anything_but_invalid_input(data: dict[Any, Any]) -> None:
    check_never_crashes(ActorIn, data)


@settings(max_examples=300, deadline=None)
@given(records(SourceIn))
def test_validating_a_source_never_raises_anything_but_invalid_input(data: dict[Any, Any]) -> None:
    check_never_crashes(SourceIn, data)


# --- the published JSON Schema --------------------------------------------------------------------


def stale_files(folder: Path) -> list[str]:
    """The schema files in `folder` that differ from schema.py, are missing, or are left over."""
    expected = jsonschema.documents()
    problems = [
        f"{name} is missing" if not (folder / name).is_file() else f"{name} differs"
        for name, text in expected.items()
        if not (folder / name).is_file() or (folder / name).read_text(encoding="utf-8") != text
    ]
    problems += [
        f"{path.name} is left over"
        for path in sorted(folder.glob("*.json"))
        if path.name not in expected
    ]
    return problems


def test_the_published_json_schema_is_current() -> None:
    problems = stale_files(SCHEMA)
    assert not problems, (
        f"schema/ is stale ({'; '.join(problems)}): run `pledges schema --out schema`"
    )


def test_the_staleness_check_notices_changed_missing_and_extra_files(tmp_path: Path) -> None:
    jsonschema.write(tmp_path)
    assert stale_files(tmp_path) == []
    pledge = tmp_path / "pledge.schema.json"
    pledge.write_text(pledge.read_text(encoding="utf-8").replace("2100", "2101"), encoding="utf-8")
    (tmp_path / "actor.schema.json").unlink()
    (tmp_path / "party.schema.json").write_text("{}", encoding="utf-8")
    assert stale_files(tmp_path) == [
        "actor.schema.json is missing",
        "pledge.schema.json differs",
        "party.schema.json is left over",
    ]


def stored_pledge() -> dict[str, Any]:
    at = datetime(2023, 11, 9, 12, 0, tzinfo=UTC)
    pledge = Pledge(
        **validate(
            PledgeIn,
            {
                **PLEDGE,
                "actors": ["CN", "US"],
                "target_year": 2030,
                "target_value": 100.0,
                "target_unit": "percent of peak",
                "baseline_year": 2005,
                "gases": ["CO2"],
                "announced_on": "2023-11-09",
                "notes": "Reported by the Ministry of Ecology and Environment.",
            },
        ).model_dump(),
        version=1,
        created_at=at,
        updated_at=at,
    )
    return pledge.model_dump(mode="json")


def test_a_stored_pledge_validates_against_the_published_schema() -> None:
    schema = json.loads((SCHEMA / "pledge.schema.json").read_text(encoding="utf-8"))
    checker = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    checker.validate(stored_pledge())
    broken = {**stored_pledge(), "target_year": 20300, "status": "foo", "colour": "red"}
    assert len(list(checker.iter_errors(broken))) == 3


def test_every_seeded_record_validates_against_its_published_schema(seeded_sqlite: str) -> None:
    from sqlalchemy import select

    from pledges import repository as repo
    from pledges.db import unit_of_work
    from pledges.history import to_revision
    from pledges.models import RevisionRow

    with unit_of_work(seeded_sqlite) as session:
        records: dict[str, list[BaseModel]] = {
            "actor": list(repo.list_actors(session)),
            "source": [repo.get_source(session, i) for i in repo.source_ids(session)],  # type: ignore[misc]
            "pledge": list(repo.list_pledges(session)),
            "evidence": [
                e for p in repo.pledge_ids(session) for e in repo.evidence_for(session, p)
            ],
            "revision": [to_revision(r) for r in session.scalars(select(RevisionRow))],
        }
    for name, items in records.items():
        schema = json.loads((SCHEMA / f"{name}.schema.json").read_text(encoding="utf-8"))
        checker = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        assert items, name
        for item in items:
            checker.validate(item.model_dump(mode="json"))


@pytest.mark.parametrize("year", ["2030.0", 2030.0, "2_030", True, "20 30"])
def test_years_are_whole_numbers(year: object) -> None:
    data = {"id": "cn-x", "title": "t", "actors": ["CN"], "kind": "coal", "target_year": year}
    assert (
        refused(PledgeIn, data)
        == f"target_year {year!r} is not allowed — use a year from 1990 to 2100"
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "China\nCoal", "title 'China\\nCoal' is not allowed — line breaks"),
        ("title", "China\x00", "title 'China\\x00' is not allowed — control characters"),
        ("notes", "two\nlines are fine\x07", "notes 'two\\nlines are fine\\x07' is not allowed"),
    ],
)
def test_control_characters_are_refused(field: str, value: str, message: str) -> None:
    data = {"id": "cn-x", "title": "t", "actors": ["CN"], "kind": "coal", field: value}
    assert refused(PledgeIn, data).startswith(message)


def test_notes_may_span_lines_and_source_text_may_not_hold_nul() -> None:
    data = {"id": "cn-x", "title": "t", "actors": ["CN"], "kind": "coal", "notes": "a\nb\tc"}
    assert validate(PledgeIn, data).notes == "a\nb\tc"
    with pytest.raises(InvalidInput) as caught:
        validate(SourceIn, {"id": "s-1", "title": "t", "text": "before\x00after"})
    assert "NUL" in str(caught.value)
