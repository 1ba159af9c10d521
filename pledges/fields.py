"""The values records are made of: ids, one-line and long text, quotes, years, days, numbers,
flags and digests, each a pydantic type that validates it and says, in one line, what is allowed.

Numbers, years and days are read only as a person writes them (the digits 0-9, YYYY-MM-DD, true
or false), never as Python or pydantic would also read them. pledges.schema builds the records
of these types.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from pledges.vocab import MAX_ID

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ACTOR_ID_PATTERN = r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*$"
TARGET_YEAR_MIN, TARGET_YEAR_MAX = 1990, 2100
YEAR_MIN, YEAR_MAX = 1900, 2100

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, min_length=2, max_length=80)]
ActorId = Annotated[str, StringConstraints(pattern=ACTOR_ID_PATTERN, min_length=2, max_length=32)]
# Control characters other than tab and line breaks have no place in a record (and PostgreSQL
# refuses NUL outright); single-line fields take no line breaks either.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LINE_BREAK = re.compile(r"[\r\n]")


def _printable(value: str) -> str:
    if CONTROL_CHARS.search(value):
        raise ValueError("control characters are not allowed; remove them")
    return value


def _one_line(value: str) -> str:
    if LINE_BREAK.search(value):
        raise ValueError("line breaks are not allowed here; keep it on one line")
    return _printable(value)


def no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("the text holds NUL characters; save the article as plain text again")
    return value


# Numbers are written in the digits 0-9 (`[0-9]` in `re` is ASCII only, unlike `\d`). int(),
# float() and pydantic would also read '2_030', '+2030', '٢٠٣٠' (Arabic-Indic digits) or '1_0.5':
# a cell or an option that is read that way is stored as a value nobody typed.
WHOLE_NUMBER = re.compile(r"-?[0-9]+")
DECIMAL = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


def _whole_number(value: Any) -> Any:
    # A year or an id is written as digits: '2030' or 2030, never 2030.0, '2_030' or True.
    written = not isinstance(value, str) or WHOLE_NUMBER.fullmatch(value.strip())
    if isinstance(value, bool) or not isinstance(value, int | str) or not written:
        raise ValueError("write a whole number with the digits 0-9, e.g. 2030")
    return value


def _decimal(value: Any) -> Any:
    # A number such as 65, -0.5 or 1e-05 (as an export writes it); not '1_000', '+5' or 'inf'.
    written = not isinstance(value, str) or DECIMAL.fullmatch(value.strip())
    if isinstance(value, bool) or not isinstance(value, int | float | str) or not written:
        raise ValueError("write a number with the digits 0-9, e.g. 65 or 12.5")
    return value


def _true_or_false(value: Any) -> Any:
    # pydantic alone would also take 'yes', 'on', 't', '1' or 1; a spreadsheet writes TRUE.
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ValueError("use true or false")


Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
    AfterValidator(_one_line),
]
LongText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=5000),
    AfterValidator(_printable),
]
# The range comes before the validator so that the JSON Schema keeps minimum and maximum.
TargetYear = Annotated[
    int, Field(ge=TARGET_YEAR_MIN, le=TARGET_YEAR_MAX), BeforeValidator(_whole_number)
]
Year = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX), BeforeValidator(_whole_number)]
# Ids and versions fit PostgreSQL's integer, so a register moves between databases unchanged.
RecordId = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(_whole_number)]
Number = Annotated[float, Field(allow_inf_nan=False), BeforeValidator(_decimal)]
Flag = Annotated[bool, BeforeValidator(_true_or_false)]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


def _in_calendar(value: date) -> date:
    if not YEAR_MIN <= value.year <= YEAR_MAX:
        raise ValueError(f"dates must fall between {YEAR_MIN} and {YEAR_MAX}")
    return value


def _written_as_day(value: Any) -> Any:
    # pydantic alone would read '0' or '1700006400' as a Unix time and '2023-01-01T00:00' as a day.
    if isinstance(value, date) or (
        isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value)
    ):
        return value
    # Typed as pydantic's own date errors, so that a day written otherwise and an impossible day
    # ('2023-02-30') are told the same way (pledges.validation).
    raise PydanticCustomError("date_parsing", "write it as YYYY-MM-DD, e.g. 2023-07-19")


Day = Annotated[date, BeforeValidator(_written_as_day), AfterValidator(_in_calendar)]


def _quote(value: str) -> str:
    if not value.strip():
        raise ValueError("a quote cannot be blank")
    return _printable(value)


Quote = Annotated[str, StringConstraints(min_length=1, max_length=5000), AfterValidator(_quote)]
