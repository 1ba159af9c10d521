"""Refusals in the project's own words: a command names its option (--published, not
published_on), an import its file:row:column, and neither ever passes on pydantic's wording;
a value that is nearly allowed gets a suggestion, and a suggestion is always an allowed value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from pledges.schema import ActorIn, EvidenceIn, PledgeIn, SourceIn
from pledges.service import close_to
from pledges.validation import closest, explain
from pledges.vocab import Formality, PledgeKind, SourceKind, Status, allowed, option_for
from tests.conftest import CLI
from tests.test_corrections import refused
from tests.test_import_input import assert_refused, edit, export, put

SOURCE = "kerry-more-work-needed"
PLEDGE = "cn-co2-peak-2030"
WHY = ("--reason", "test")
QUOTE_HINT = "a quote cannot be blank"
EMPTY = "give a value, or leave the option out (--clear publisher empties it in an update)"
DAY_HINT = "write it as YYYY-MM-DD, e.g. 2023-07-19"
ARTICLE = Path(__file__).resolve().parents[1] / "examples" / "cn-action-plan-2021.txt"


def not_a_date(option: str, written: str) -> str:
    return f"Error: {option} {written!r} is not a date — {DAY_HINT}"


# --- commands name their options -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("source", "update", SOURCE, "--published", "2023-13-01"),
         not_a_date("--published", "2023-13-01")),
        (("source", "update", SOURCE, "--retrieved", "2023-02-30"),
         not_a_date("--retrieved", "2023-02-30")),
        (("source", "update", SOURCE, "--published", "19 July 2023"),
         not_a_date("--published", "19 July 2023")),
        (("source", "add", str(ARTICLE), "--id", "plan-2021", "--title", "T", "--published",
          "2023-13-01"), not_a_date("--published", "2023-13-01")),
        (("source", "add", str(ARTICLE), "--id", "plan-2021", "--title", "T", "--retrieved",
          "2021-02-29"), not_a_date("--retrieved", "2021-02-29")),
        (("add", "cn-new-2030", "--title", "T", "--actor", "CN", "--kind", "coal",
          "--announced-on", "2023-13-01"), not_a_date("--announced-on", "2023-13-01")),
        (("update", PLEDGE, "--announced-on", "2023-11-31"),
         not_a_date("--announced-on", "2023-11-31")),
        (("source", "update", SOURCE, "--publisher", ""),
         f"Error: --publisher is empty — {EMPTY}"),
        (("source", "update", SOURCE, "--publisher", "  "),
         f"Error: --publisher is blank — {EMPTY}"),
        (("source", "add", str(ARTICLE), "--id", "plan-2021", "--title", "T", "--publisher", ""),
         f"Error: --publisher is empty — {EMPTY}"),
        (("update", PLEDGE, "--title", "a" * 612),
         "Error: --title is 612 characters long — keep it within 500"),
        (("update", PLEDGE, "--gas", "CO2", "--gas", ""), "Error: --gas is empty — give a value"),
        (("update", PLEDGE, "--target-year", "soon"),
         "Error: --target-year 'soon' is not allowed — use a year from 1990 to 2100"),
        (("source", "update", SOURCE, "--language", "english"),
         "Error: --language 'english' is not allowed — use a language code such as en or zh-Hans"),
        (("actor", "add", "XX", "--name", "", "--kind", "country"),
         "Error: --name is empty — give a value"),
        (("cite", PLEDGE, SOURCE, "--quote", ""),
         f"Error: --quote '' is not allowed — {QUOTE_HINT}"),
        (("cite", PLEDGE, SOURCE, "--quote", "   "),
         f"Error: --quote '   ' is not allowed — {QUOTE_HINT}"),
        (("source", "update", SOURCE, "--kind", "newz"),
         f"Error: --kind 'newz' is not allowed — did you mean news? use {allowed(SourceKind)}"),
        (("update", PLEDGE, "--formality", "in"),
         f"Error: --formality 'in' is not allowed — use {allowed(Formality)}"),
        (("update", PLEDGE, "--formality", "in_lw"),
         "Error: --formality 'in_lw' is not allowed — did you mean in_law? use "
         f"{allowed(Formality)}"),
        (("audit", "--severity", "warn"),
         "Error: --severity 'warn' is not allowed — did you mean warning? use error or warning"),
        (("update", PLEDGE, "--clear", "title"),
         "Error: title cannot be cleared — give it a new value with --title"),
        (("update", PLEDGE, "--clear", "kind"),
         "Error: kind cannot be cleared — give it a new value with --kind"),
        (("history", "25"),
         "Error: no pledge, source or actor with id '25' — run 'pledges list' to see the ids"),
    ],
)  # fmt: skip
def test_a_command_names_its_option_in_the_projects_words(
    cli: CLI, seeded: str, args: tuple[str, ...], message: str
) -> None:
    writes = args[0] in ("source", "actor", "add", "update", "cite")
    assert refused(cli, seeded, *args, *(WHY if writes else ())) == message


def test_a_date_in_an_import_row_is_named_by_its_column(
    cli: CLI, seeded: str, tmp_path: Path
) -> None:
    out = export(cli, seeded, tmp_path / "out")
    edit(out / "pledges.csv", put(3, "announced_on", "2023-13-01"))
    assert_refused(
        cli, seeded, out, "Error: pledges.csv:3:announced_on: announced_on '2023-13-01' is not a "
        f"date — {DAY_HINT}; nothing was written",
    )  # fmt: skip


# --- one mapping from fields to options ----------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "option"),
    [("published_on", "--published"), ("retrieved_on", "--retrieved"), ("actors", "--actor"),
     ("gases", "--gas"), ("aliases", "--alias"), ("target_year", "--target-year"),
     ("announced_on", "--announced-on"), ("pledge_id", "pledge_id"), ("id", "id")],
)  # fmt: skip
def test_each_field_is_named_by_the_option_that_sets_it(field: str, option: str) -> None:
    assert option_for(field) == option


# --- never pydantic's words ----------------------------------------------------------------------

MODELS: list[type[BaseModel]] = [ActorIn, SourceIn, PledgeIn, EvidenceIn]
values = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=600),
    st.lists(st.text(max_size=5), max_size=2), st.sampled_from(["", " ", "2023-13-01", "x" * 5001]),
)  # fmt: skip


@settings(max_examples=300)
@given(
    model=st.sampled_from(MODELS),
    data=st.data(),
    options=st.booleans(),
)
def test_no_refusal_passes_on_pydantics_words(
    model: type[BaseModel], data: st.DataObject, options: bool
) -> None:
    fields = data.draw(st.dictionaries(st.sampled_from(sorted(model.model_fields)), values))
    try:
        model.model_validate(fields)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        told = str(explain(error, options=options, model=model))
        assert len(told.splitlines()) == 1
        if first["type"] != "value_error":  # a value_error is the schema's own sentence
            assert str(first["msg"]) not in told, told
        for words in ("Input should", "String should", "should have", "Value error"):
            assert words not in told, told


# --- suggestions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "vocabulary", "suggested"),
    [
        ("newz", SourceKind, "news"),
        ("offical", SourceKind, "official"),
        ("nws", SourceKind, "news"),
        ("nwes", SourceKind, "news"),
        ("Official", SourceKind, "official"),
        ("warn", ["error", "warning"], "warning"),
        ("in", Formality, None),  # in_policy and in_law alike
        ("in_l", Formality, "in_law"),
        ("n", SourceKind, None),  # one letter begins too much to mean anything
        ("blog", SourceKind, None),
        ("law", Formality, None),
        ("done", Status, None),
        ("kep", Status, "kept"),
        ("netzero", PledgeKind, "net_zero"),
        ("", SourceKind, None),
    ],
)
def test_closest_suggests_a_value_begun_or_one_letter_off(
    written: str, vocabulary: Any, suggested: str | None
) -> None:
    names = [str(getattr(member, "value", member)) for member in vocabulary]
    assert closest(written, names) == suggested


@given(
    written=st.one_of(st.text(max_size=12), st.sampled_from(["ne", "warn", "in_"])),
    names=st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=8, unique=True),
)
def test_a_suggestion_is_always_an_allowed_value(written: str, names: list[str]) -> None:
    suggested = closest(written, names)
    assert suggested is None or suggested in names


@pytest.mark.parametrize("wanted", ["25", "2025", "0", "-1", "20 25"])
def test_an_id_is_not_suggested_for_a_bare_number(wanted: str) -> None:
    assert close_to(wanted, ["us-cn-national-targets-2025", "cn-co2-peak-2030", "a-25"]) == []


def test_an_id_with_letters_still_gets_suggestions() -> None:
    assert close_to("us-cn-2025", ["us-cn-national-targets-2025", "xx"])[0] == (
        "us-cn-national-targets-2025"
    )
