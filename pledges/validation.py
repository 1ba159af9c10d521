"""Turning invalid input into one line that names the field and says what is allowed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from pledges.errors import InvalidInput
from pledges.vocab import MAX_ID, allowed, listed

E = TypeVar("E", bound=StrEnum)
M = TypeVar("M", bound=BaseModel)

# What to tell the user, by field, when the value does not fit.
_HINTS = {
    "id": "use lower-case letters, digits and single hyphens, e.g. cn-co2-peak-2030",
    "pledge_id": "use lower-case letters, digits and single hyphens, e.g. cn-co2-peak-2030",
    "source_id": "use lower-case letters, digits and single hyphens, e.g. kerry-not-dictating",
    "parent_id": "use the id of an existing pledge (lower-case slug)",
    "superseded_by": "use the id of an existing pledge (lower-case slug)",
    "actors": "use upper-case actor codes such as CN, US or EU",
    "target_year": "use a year from 1990 to 2100",
    "baseline_year": "use a year from 1900 to 2100",
    "sha256": "use 64 lower-case hexadecimal digits",
    "language": "use a language code such as en or zh-Hans",
    "target_value": "use a number written with the digits 0-9, e.g. 65, -0.5 or 12.5",
    "date_inferred": "use true or false",
    "version": f"keep the version as exported, a whole number from 1 to {MAX_ID}",
}
# Where a field name means something else in one record (an actor's id is a code, not a slug),
# by the record's name without "In" (ActorIn and Actor alike).
_MODEL_HINTS = {
    ("Actor", "id"): "use an upper-case code such as CN, US, EU or GREENPEACE",
    ("Source", "id"): "use lower-case letters, digits and single hyphens, e.g. kerry-beijing-2023",
    ("ExportedEvidence", "id"): f"keep the id as exported, a whole number from 1 to {MAX_ID}, "
    "or leave it empty for new evidence",
    ("Evidence", "id"): f"use a whole number from 1 to {MAX_ID}",
}


# How close a value must come to an allowed one (rapidfuzz's ratio, 0 to 100) to be suggested:
# 'netzero' scores 93 against net_zero, 'medum' 91 against medium, 'done' 40 against broken.
SUGGEST_FROM = 80


def closest(value: object, values: Sequence[str]) -> str | None:
    """The allowed value `value` most likely means: the same written in another case or with
    spaces or hyphens for underscores ('Net-Zero'), else the nearest spelling; None when none
    is near."""
    if not isinstance(value, str) or not values:
        return None
    written = re.sub(r"[\s-]+", "_", value.strip().casefold())
    if written in values:
        return written
    from rapidfuzz import fuzz, process  # only when a value is refused

    match = process.extractOne(written, values, scorer=fuzz.ratio, score_cutoff=SUGGEST_FROM)
    return None if match is None else str(match[0])


def suggesting(value: object, values: Sequence[str], hint: str) -> str:
    """`hint`, after 'did you mean X?' when an allowed value is near `value`."""
    close = closest(value, values)
    return hint if close is None else f"did you mean {close}? {hint}"


def choice(enum: type[E], field: str, value: str) -> E:
    """The member of a vocabulary named by `value`, or an error listing what is allowed (after
    the allowed value that is nearest, if one is near)."""
    try:
        return enum(value)
    except ValueError:
        hint = suggesting(value, [member.value for member in enum], f"use {allowed(enum)}")
        raise InvalidInput(f"{field} {value!r} is not allowed", hint) from None


def _shown(value: Any) -> str:
    try:
        text = repr(value)
    except ValueError:  # an int longer than Python will print (sys.get_int_max_str_digits)
        return "a number with too many digits to show"
    return text if len(text) <= 60 else text[:57] + "..."


def explain(error: ValidationError, where: str = "") -> InvalidInput:
    """The first problem of a pydantic error as one line naming the field and what is allowed."""
    first = error.errors(include_url=False)[0]
    loc = [str(part) for part in first["loc"]]
    field = loc[0] if loc else ""
    prefix = f"{where}: " if where else ""
    kind = first["type"]
    value = first.get("input")
    message = str(first["msg"]).removeprefix("Value error, ")
    if kind in ("extra_forbidden", "invalid_key"):
        return InvalidInput(f"{prefix}unknown field {field!r}", "remove it or check its spelling")
    if kind == "missing":
        return InvalidInput(f"{prefix}{field} is required", "give a value for it")
    if not field:  # a rule across fields
        return InvalidInput(f"{prefix}{message}", "correct the record and try again")
    hint = _MODEL_HINTS.get((error.title.removesuffix("In"), field)) or _HINTS.get(field) or message
    if kind == "enum":
        expected = str(first.get("ctx", {}).get("expected", hint))  # "'a', 'b' or 'c'"
        values = re.findall(r"'([^']*)'", expected)
        hint = suggesting(value, values, "use " + (listed(values) if values else expected))
    label = ".".join(loc) if len(loc) > 1 and not loc[1].isdigit() else field
    return InvalidInput(f"{prefix}{label} {_shown(value)} is not allowed", hint)


def validate(model: type[M], data: dict[str, Any], where: str = "") -> M:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise explain(error, where) from None
