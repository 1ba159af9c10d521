"""Bad input never writes and never crashes: `add`, `update` and `cite` with invalid values.

Hypothesis gives one or two fields of an otherwise valid command a value that is not allowed.
Every example must exit 2 with exactly one line on stderr, `Error: ...`, naming the field or
option, and leave every table of the register as it was. The real command line runs in this
process against one seeded SQLite register per test, shared by its examples.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pledges import seeds, service
from pledges.fields import ACTOR_ID_PATTERN, SLUG_PATTERN
from pledges.textmatch import locate
from pledges.vocab import MAX_ID, Confidence, Formality, PledgeKind, Rank, Stance, Status
from tests.conftest import CLI, ROOT

REGISTER = seeds.read(ROOT / "seeds")
PLEDGE_IDS = {p.id for p in REGISTER.pledges}
SOURCE_IDS = {s.id for s in REGISTER.sources}
ACTOR_IDS = {a.id for a in REGISTER.actors}
SOURCE = "kerry-not-dictating"
SOURCE_TEXT = next(s.text for s in REGISTER.sources if s.id == SOURCE)
QUOTE = "hammer out an agenda for the UN COP 28 climate conference in December"
PLEDGE = "cn-co2-peak-2030"  # the one `update` changes and `cite` cites for
# What `--clear` may empty: every field that is not required.
OPTIONAL_FIELDS = {
    "statement", "target_year", "target_value", "target_unit", "baseline_year", "gases",
    "announced_on", "parent_id", "superseded_by", "notes",
}  # fmt: skip
SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- invalid values -----------------------------------------------------------------------------

# Argument strings: anything a shell can pass, which is everything but NUL.
text = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30)
# Whitespace that both Python and pydantic strip.
blank = st.text(st.sampled_from(" \t\n\r\x0b\x0c\u00a0\u2003\u3000"), max_size=6)
visible = st.characters(categories=["L", "N", "P", "S"])


def too_long(limit: int) -> st.SearchStrategy[str]:
    """A visible string one to a few hundred characters over `limit`."""
    return st.builds(
        lambda chunk, over: (chunk * (limit // len(chunk) + 2))[: limit + over],
        st.text(visible, min_size=1, max_size=8),
        st.integers(1, 300),
    )


def not_utf8(values: st.SearchStrategy[str] = text) -> st.SearchStrategy[str]:
    """What Python makes of bytes that are not UTF-8 in an argument: lone surrogates."""
    return st.builds(lambda s, bad: s + bad, values, st.sampled_from(["\udce9", "\udcff"]))


def garbled(values: st.SearchStrategy[str] = text) -> st.SearchStrategy[str]:
    """Text that ends in a letter, so that it can never read as a number or a date."""
    return values.map(lambda s: s + "y")


def short_text(limit: int) -> st.SearchStrategy[str]:
    return st.one_of(blank, too_long(limit), not_utf8())


def slug_not_allowed() -> st.SearchStrategy[str]:
    def allowed(s: str) -> bool:
        return bool(re.fullmatch(SLUG_PATTERN, s)) and 2 <= len(s) <= 80

    examples = [
        "Has Space", " cn-co2-peak-2030", "cn-co2-peak-2030\n", "", "a" * 81, "UPPER",
        "cn-CO2-peak", "ünïcödé", "日本-2030", "a", "-x", "x-", "x--y", "x_y", "x.y", "x/y",
    ]  # fmt: skip
    return st.one_of(st.sampled_from(examples), text.filter(lambda s: not allowed(s)), not_utf8())


def not_in(known: set[str]) -> st.SearchStrategy[str]:
    """Ids that are not in the register: malformed, or well formed and unknown."""
    well_formed = st.from_regex(SLUG_PATTERN, fullmatch=True).filter(lambda s: 2 <= len(s) <= 80)
    return st.one_of(slug_not_allowed(), well_formed).filter(lambda s: s not in known)


def vocabulary(values: Any, *also: str) -> st.SearchStrategy[str]:
    allowed = {v.value for v in values}
    variants = [f(v) for v in sorted(allowed) for f in (str.upper, str.title, " {}".format)]
    variants += [v.replace("_", c) for v in sorted(allowed) if "_" in v for c in "- "]
    return st.one_of(
        st.sampled_from([*variants, *also, ""]), text.filter(lambda s: s not in allowed), not_utf8()
    )


def year_not_allowed(low: int, high: int) -> st.SearchStrategy[str]:
    examples = [
        "twenty thirty", "", " ", str(low - 1), str(high + 1), "9" * 40,
        "\uff12\uff10\uff13\uff10",  # fullwidth digits: Python's int() would read them
        "20300", "-5", "2030x", "x2030", "2030.5", "1e3", "0x7ee", "2030-01-01",
    ]  # fmt: skip
    out_of_range = st.integers().filter(lambda n: not low <= n <= high).map(str)
    return st.one_of(st.sampled_from(examples), out_of_range, garbled(), not_utf8())


def number_not_allowed() -> st.SearchStrategy[str]:
    examples = [
        "abc", "nan", "NaN", "inf", "-inf", "Infinity", "1e400", "-1e999", "", " ", "1,5", "5%",
        "½", "0x10", "1..5",
    ]  # fmt: skip
    return st.one_of(st.sampled_from(examples), garbled(), not_utf8())


def day_not_allowed() -> st.SearchStrategy[str]:
    examples = [
        "tomorrow", "today", "", "2023-11-20 ", " 2023-11-20",
        "\uff12\uff10\uff12\uff13-\uff11\uff11-\uff12\uff10",
        "2023-02-30", "2023-02-29", "2023-04-31", "2023-13-01", "2023-00-10", "2023-01-00",
        "20230101", "0", "86400", "1700006400", "2023-1-1", "1899-12-31", "2101-01-01",
        "0000-01-01", "2023/11/20", "2023-11-20T00:00",
    ]  # fmt: skip
    in_calendar = st.dates(date(1900, 1, 1), date(2100, 12, 31))
    formats = ["%Y%m%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y/%m/%d", "%Y-%m-%dT00:00:00",
               "%d %B %Y", "%b %d, %Y"]  # fmt: skip
    return st.one_of(
        st.sampled_from(examples),
        st.builds(lambda d, f: d.strftime(f), in_calendar, st.sampled_from(formats)),
        st.dates().filter(lambda d: not 1900 <= d.year <= 2100).map(date.isoformat),
        st.builds(
            lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}",
            st.integers(1900, 2100),
            st.integers(0, 99),
            st.integers(0, 99),
        ).filter(_not_a_day),
        st.integers().map(str),
        garbled(),
        not_utf8(),
    )


def _not_a_day(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return True
    return False


def actors_not_allowed() -> st.SearchStrategy[list[str]]:
    """Actor lists with a code that is malformed or unknown (codes are upper-cased first)."""
    examples = ["C N", "", "1X", "X", "ÇN", "cn us", "CN,US", "ZZ", "EU", "A" * 33, "CN-", "-CN"]
    code = st.one_of(
        st.sampled_from(examples),
        text,
        st.from_regex(ACTOR_ID_PATTERN, fullmatch=True),
        not_utf8(),
    ).filter(lambda c: c.upper() not in ACTOR_IDS)
    return st.one_of(
        code.map(lambda c: [c]),
        code.map(lambda c: ["US", c]),
        st.sampled_from([["CN", "CN"], ["US", "us"], ["CN", "US", "cn"]]),
    )


def clear_not_allowed() -> st.SearchStrategy[str]:
    """Fields `--clear` cannot empty: required ones, unknown ones, ones a user cannot set."""
    required = ["title", "actors", "kind", "formality", "status", "confidence"]
    other = ["id", "version", "created_at", "updated_at", "evidence", "target-year", ""]
    return st.one_of(st.sampled_from(required + other), text).filter(
        lambda s: s not in OPTIONAL_FIELDS
    )


def not_located() -> st.SearchStrategy[str]:
    return st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1).filter(
        lambda q: bool(q.strip()) and locate(q, SOURCE_TEXT) is None
    )


# --- commands -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One field of a command: where its value goes, what invalid values look like, and the
    words by which an error message may name it."""

    where: str  # an option such as --title, or the name of a positional argument
    values: st.SearchStrategy[Any]
    labels: tuple[str, ...]

    @property
    def positional(self) -> bool:
        return not self.where.startswith("--")


@dataclass(frozen=True)
class Command:
    words: tuple[str, ...]
    positional: dict[str, str]
    options: dict[str, list[str]]
    fields: dict[str, Field]

    def argv(self, invalid: dict[str, Any], db: str) -> list[str]:
        positional = dict(self.positional)
        options = {name: list(values) for name, values in self.options.items()}
        for name, value in invalid.items():
            spec = self.fields[name]
            if spec.positional:
                positional[spec.where] = value
            else:
                options[spec.where] = value if isinstance(value, list) else [value]
        # `--option=value` and positional arguments after `--`: a value may start with a dash.
        opts = [f"{option}={value}" for option, values in options.items() for value in values]
        return [*self.words, *opts, f"--db={db}", "--", *positional.values()]


def option(name: str, values: st.SearchStrategy[Any], *labels: str) -> Field:
    return Field(name, values, (name, *labels))


def who_fields() -> dict[str, Field]:
    return {
        "reason": option("--reason", st.one_of(blank, too_long(500), not_utf8()), "reason"),
        # An empty --author falls back to the login name, so only non-empty blanks are invalid.
        "author": option(
            "--author", st.one_of(blank.filter(bool), too_long(500), not_utf8()), "author"
        ),
    }


def pledge_fields() -> dict[str, Field]:
    return {
        "title": option("--title", short_text(500), "title"),
        "statement": option("--statement", short_text(5000), "statement"),
        "actors": option("--actor", actors_not_allowed(), "actor", "actors"),
        "kind": option("--kind", vocabulary(PledgeKind), "kind"),
        "target_year": option("--target-year", year_not_allowed(1990, 2100), "target_year"),
        "target_value": option("--target-value", number_not_allowed(), "target_value"),
        "target_unit": option("--target-unit", short_text(500), "target_unit"),
        "baseline_year": option("--baseline-year", year_not_allowed(1900, 2100), "baseline_year"),
        "gases": option("--gas", st.lists(short_text(500), min_size=1, max_size=2), "gases", "gas"),
        "formality": option("--formality", vocabulary(Formality), "formality"),
        "status": option("--status", vocabulary(Status, "superseded"), "status"),
        "confidence": option("--confidence", vocabulary(Confidence), "confidence"),
        "announced_on": option("--announced-on", day_not_allowed(), "announced_on"),
        "parent_id": option("--parent-id", not_in(PLEDGE_IDS), "parent_id", "follow up itself"),
        "notes": option("--notes", short_text(5000), "notes"),
        **who_fields(),
    }


NEW_ID = "hyp-new-pledge"
ADD = Command(
    words=("add",),
    positional={"id": NEW_ID},
    options={
        "--title": ["A pledge hypothesis tries to add"],
        "--actor": ["CN"],
        "--kind": ["coal"],
        "--target-unit": ["%"],
        "--reason": ["hypothesis"],
        "--author": ["hypothesis"],
    },
    fields={
        "id": Field("id", st.one_of(slug_not_allowed(), not_utf8()), ("id", "argument")),
        **pledge_fields(),
    },
)
UPDATE = Command(
    words=("update",),
    positional={"id": PLEDGE},
    options={
        "--notes": ["a change hypothesis tries to make"],
        "--target-unit": ["%"],
        "--reason": ["hypothesis"],
        "--author": ["hypothesis"],
    },
    fields={
        "id": Field(
            "id",
            st.one_of(text, not_utf8()).filter(lambda s: s not in PLEDGE_IDS),
            ("id", "argument"),
        ),
        **pledge_fields(),
        "superseded_by": option("--superseded-by", not_in(PLEDGE_IDS), "superseded_by"),
        "clear": option("--clear", clear_not_allowed()),
        "expect_version": option(
            "--expect-version",
            st.one_of(st.integers().filter(lambda n: n != 1).map(str), garbled(), not_utf8()),
            "version",
        ),
    },
)
CITE = Command(
    words=("cite",),
    positional={"pledge_id": PLEDGE, "source_id": SOURCE},
    options={"--quote": [QUOTE], "--reason": ["hypothesis"], "--author": ["hypothesis"]},
    fields={
        "pledge_id": Field("pledge_id", not_in(PLEDGE_IDS), ("pledge_id", "pledge", "argument")),
        "source_id": Field("source_id", not_in(SOURCE_IDS), ("source_id", "source", "argument")),
        "quote": option(
            "--quote", st.one_of(blank, too_long(5000), not_located(), not_utf8()), "quote"
        ),
        "stance": option("--stance", vocabulary(Stance), "stance"),
        "asserts_status": option("--asserts-status", vocabulary(Status), "asserts_status"),
        "rank": option("--rank", vocabulary(Rank, "deprecated"), "rank"),
        "note": option("--note", short_text(5000), "note"),
        **who_fields(),
    },
)


def id_not_allowed() -> st.SearchStrategy[str]:
    """Evidence ids no record can have: beyond PostgreSQL's integer (or SQLite's 64 bits), zero,
    negative, or not a number."""
    examples = ["0", str(MAX_ID + 1), str(2**63), str(2**64), "9" * 40, "-1", "x1", "1e3x"]
    out_of_range = st.integers().filter(lambda n: not 1 <= n <= MAX_ID).map(str)
    return st.one_of(st.sampled_from(examples), out_of_range, garbled(), not_utf8())


EVIDENCE_ID = Field("evidence_id", id_not_allowed(), ("evidence id", "EVIDENCE_ID", "argument"))
DEPRECATE = Command(
    words=("evidence", "deprecate"),
    positional={"evidence_id": "3"},
    options={"--reason": ["hypothesis"], "--author": ["hypothesis"]},
    fields={"evidence_id": EVIDENCE_ID, **who_fields()},
)
VERIFY = Command(
    words=("evidence", "verify"),
    positional={"first": "1", "evidence_id": "3"},
    options={"--reason": ["hypothesis"], "--author": ["hypothesis"]},
    fields={"evidence_id": EVIDENCE_ID, **who_fields()},
)


def invalid_fields(command: Command) -> st.SearchStrategy[dict[str, Any]]:
    """One or two fields of `command`, each with a value it does not allow."""

    @st.composite
    def draw(draw: Callable[..., Any]) -> dict[str, Any]:
        names = draw(
            st.lists(st.sampled_from(sorted(command.fields)), min_size=1, max_size=2, unique=True)
        )
        return {name: draw(command.fields[name].values) for name in names}

    return draw()


# --- the register and its checks ----------------------------------------------------------------

Snapshot = dict[str, list[tuple[Any, ...]]]


def snapshot(path: Path) -> Snapshot:
    """Every table and all its rows."""
    conn = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables
        }
    finally:
        conn.close()


@dataclass(frozen=True)
class Register:
    path: Path
    url: str
    before: Snapshot = field(repr=False)  # a failing example's report stays short


@pytest.fixture
def register(tmp_path: Path) -> Register:
    """A seeded SQLite register for one test; its examples share it, as nothing may change it."""
    path = tmp_path / "register.db"
    url = f"sqlite:///{path}"
    service.init(url, author="test")
    return Register(path, url, snapshot(path))


def mentions(line: str, label: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(label)}(?![\w-])", line) is not None


def check_refused(cli: CLI, register: Register, command: Command, invalid: dict[str, Any]) -> None:
    result = cli(*command.argv(invalid, register.url))
    assert result.code == 2, result
    assert "Traceback" not in result.err
    assert result.out == ""
    assert result.err.endswith("\n") and result.err.count("\n") == 1, result.err
    line = result.err.rstrip("\n")
    assert line.startswith("Error: "), line
    labels = [label for name in invalid for label in command.fields[name].labels]
    if "clear" in invalid:  # the message names the field that cannot be cleared
        labels += [invalid["clear"], repr(invalid["clear"])]
    assert any(mentions(line, label) for label in labels), (line, labels)
    assert snapshot(register.path) == register.before


# --- the tests ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command", [ADD, UPDATE, CITE, DEPRECATE], ids=["add", "update", "cite", "deprecate"]
)
def test_the_valid_commands_the_examples_start_from_are_valid(
    command: Command, register: Register, cli: CLI
) -> None:
    result = cli(*command.argv({}, register.url))
    assert result.code == 0, result.err
    assert snapshot(register.path) != register.before


@SETTINGS
@given(invalid=invalid_fields(ADD))
@example(invalid={"target_value": "nan"})
@example(invalid={"announced_on": "0"})
@example(invalid={"author": "a" * 501})
@example(invalid={"reason": "caf\udce9"})
def test_add_refuses_invalid_values(cli: CLI, register: Register, invalid: dict[str, Any]) -> None:
    check_refused(cli, register, ADD, invalid)


@SETTINGS
@given(invalid=invalid_fields(UPDATE))
@example(invalid={"target_value": "inf"})
@example(invalid={"announced_on": "1700006400"})
@example(invalid={"expect_version": "0"})
@example(invalid={"clear": ""})
@example(invalid={"clear": "\n"})
@example(invalid={"id": "caf\udce9"})
def test_update_refuses_invalid_values(
    cli: CLI, register: Register, invalid: dict[str, Any]
) -> None:
    check_refused(cli, register, UPDATE, invalid)


@SETTINGS
@given(invalid=invalid_fields(CITE))
@example(invalid={"rank": "deprecated"})
@example(invalid={"quote": "   "})
def test_cite_refuses_invalid_values(cli: CLI, register: Register, invalid: dict[str, Any]) -> None:
    check_refused(cli, register, CITE, invalid)


@SETTINGS
@given(invalid=invalid_fields(DEPRECATE))
@example(invalid={"evidence_id": "99999999999999999999"})
@example(invalid={"evidence_id": "2147483648"})
def test_deprecate_refuses_ids_no_evidence_can_have(
    cli: CLI, register: Register, invalid: dict[str, Any]
) -> None:
    check_refused(cli, register, DEPRECATE, invalid)


@SETTINGS
@given(invalid=invalid_fields(VERIFY))
@example(invalid={"evidence_id": "99999999999999999999"})
def test_verify_refuses_ids_no_evidence_can_have(
    cli: CLI, register: Register, invalid: dict[str, Any]
) -> None:
    check_refused(cli, register, VERIFY, invalid)
