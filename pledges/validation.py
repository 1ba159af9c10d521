"""Turning invalid input into one line that names the field and says what is allowed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from pledges.errors import InvalidInput
from pledges.vocab import MAX_ID, allowed, listed, option_for

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
    "from_metadata": "name title, published_on or publisher, each once, joined with ';'",
    "encoding": "use the name of a character encoding, such as utf-8, gb18030 or cp1252",
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
# A value this long or longer that is one letter off an allowed one (a letter wrong, missing, extra
# or two swapped) is suggested even below SUGGEST_FROM: 'newz' scores 75 against news. Shorter
# values are one letter off too many words.
ONE_OFF_FROM = 3
# A value this long or longer that begins exactly one allowed value is suggested: 'warn' for
# warning ('in' begins in_policy and in_law alike, and nothing is suggested).
PREFIX_FROM = 2


def closest(value: object, values: Sequence[str]) -> str | None:
    """The allowed value `value` most likely means: the same written in another case or with
    spaces or hyphens for underscores ('Net-Zero'), the one value it begins ('warn'), the one
    value a letter away ('newz'), else the nearest spelling; None when none is near."""
    if not isinstance(value, str) or not values:
        return None
    written = re.sub(r"[\s-]+", "_", value.strip().casefold())
    if written in values:
        return written
    if len(written) >= PREFIX_FROM:
        starting = [allowed for allowed in values if allowed.startswith(written)]
        if len(starting) == 1:
            return starting[0]
    from rapidfuzz import fuzz, process  # only when a value is refused
    from rapidfuzz.distance import OSA

    if len(written) >= ONE_OFF_FROM:
        near = [allowed for allowed in values if OSA.distance(written, allowed) == 1]
        if len(near) == 1:
            return near[0]
    match = process.extractOne(written, values, scorer=fuzz.ratio, score_cutoff=SUGGEST_FROM)
    return None if match is None else str(match[0])


def suggesting(value: object, values: Sequence[str], hint: str) -> str:
    """`hint`, after 'did you mean X?' when an allowed value is near `value`."""
    close = closest(value, values)
    return hint if close is None else f"did you mean {close}? {hint}"


def choice(enum: type[E], field: str, value: str) -> E:
    """The member of a vocabulary named by `value`, a command's option, or an error naming the
    option (`field` names the field it filters or sets, or the option itself) and listing what
    is allowed (after the allowed value that is nearest, if one is near)."""
    try:
        return enum(value)
    except ValueError:
        hint = suggesting(value, [member.value for member in enum], f"use {allowed(enum)}")
        option = field if field.startswith("-") else option_for(field)
        raise InvalidInput(f"{option} {value!r} is not allowed", hint) from None


def _shown(value: Any) -> str:
    try:
        text = repr(value)
    except ValueError:  # an int longer than Python will print (sys.get_int_max_str_digits)
        return "a number with too many digits to show"
    return text if len(text) <= 60 else text[:57] + "..."


# pydantic's error types, by what the value was meant to be; each is told in the project's words.
_DATES = ("date_", "datetime_")
_WHOLE_NUMBERS = ("int_",)
_NUMBERS = ("float_", "decimal_", "finite_number")
_BOUNDS = {
    "greater_than_equal": "at least {ge}",
    "greater_than": "greater than {gt}",
    "less_than_equal": "at most {le}",
    "less_than": "less than {lt}",
}
# What a field cannot be when it is empty, where the schema says it in its own words.
_BLANK = {"quote": "a quote cannot be blank", "text": "a source's text cannot be blank"}


def _told(kind: str, context: dict[str, Any], field: str) -> str:
    """What is allowed, for an error pydantic reports as `kind`, in the project's words."""
    if kind.startswith(_WHOLE_NUMBERS):
        return "write a whole number with the digits 0-9, e.g. 2030"
    if kind.startswith(_NUMBERS):
        return "write a finite number with the digits 0-9, e.g. 65 or 12.5"
    if kind in _BOUNDS:
        return "use a number " + _BOUNDS[kind].format(**context)
    if kind.startswith("bool"):
        return "use true or false"
    if kind == "string_pattern_mismatch":
        return f"write {field} in the form the README gives for it"
    if kind in ("string_type", "string_unicode"):
        return "give it as text"
    if kind in ("list_type", "tuple_type"):
        return "give a list of values"
    return f"correct it: the README says what {field} allows"


def _sized(
    first: Any, label: str, prefix: str, options: bool, model: type[BaseModel] | None
) -> InvalidInput:
    """A text too short or too long for its field: empty or blank (say so, and how to leave the
    field empty instead), shorter than the field takes, or how far over its limit."""
    field, item = str(first["loc"][0]), len(first["loc"]) > 1
    value, context = first.get("input"), first.get("ctx") or {}
    if first["type"] == "string_too_long":
        length = len(value) if isinstance(value, str) else context.get("max_length")
        return InvalidInput(
            f"{prefix}{label} is {length} characters long",
            f"keep it within {context.get('max_length')}",
        )
    if field in _BLANK and not item:
        return InvalidInput(f"{prefix}{label} {_shown(value)} is not allowed", _BLANK[field])
    if isinstance(value, str) and value.strip():
        return InvalidInput(
            f"{prefix}{label} {_shown(value)} is not allowed",
            f"write at least {context.get('min_length')} characters",
        )
    hint = "give a value"
    if not item and model is not None and not model.model_fields[field].is_required():
        hint += (
            f", or leave the option out (--clear {field} empties it in an update)"
            if options
            else ", or leave it out"
        )
    state = "blank" if value else "empty"
    return InvalidInput(f"{prefix}{label} is {state}", hint)


def explain(
    error: ValidationError,
    where: str = "",
    *,
    options: bool = False,
    model: type[BaseModel] | None = None,
) -> InvalidInput:
    """The first problem of a pydantic error as one line naming the field and what is allowed,
    never in pydantic's words. With `options` (a command's input), the field is named by the
    option that sets it (--published for published_on); `model`, when known, tells whether
    the field may be left empty."""
    first = error.errors(include_url=False)[0]
    loc = [str(part) for part in first["loc"]]
    field = loc[0] if loc else ""
    prefix = f"{where}: " if where else ""
    kind = first["type"]
    value = first.get("input")
    context: dict[str, Any] = dict(first.get("ctx") or {})
    message = str(first["msg"]).removeprefix("Value error, ")
    if kind in ("extra_forbidden", "invalid_key"):
        return InvalidInput(f"{prefix}unknown field {field!r}", "remove it or check its spelling")
    if kind == "missing":
        return InvalidInput(f"{prefix}{field} is required", "give a value for it")
    if not field:  # a rule across fields, in the schema's own words
        return InvalidInput(f"{prefix}{message}", "correct the record and try again")
    label = option_for(field) if options else field
    if value is None and len(loc) == 1:  # a required field emptied: --clear, or an empty cell
        if options:
            return InvalidInput(f"{field} cannot be cleared", f"give it a new value with {label}")
        return InvalidInput(f"{prefix}{field} is required", "give a value for it")
    if not options and len(loc) > 1 and not loc[1].isdigit():
        label = ".".join(loc)
    item = len(loc) > 1  # one value of a list, such as one --gas
    if kind.startswith(_DATES):
        return InvalidInput(
            f"{prefix}{label} {_shown(value)} is not a date",
            "write it as YYYY-MM-DD, e.g. 2023-07-19",
        )
    if kind == "too_short" and not item:  # a list with fewer values than it needs
        return InvalidInput(f"{prefix}{label} is empty", "give at least one")
    hint = _MODEL_HINTS.get((error.title.removesuffix("In"), field)) or _HINTS.get(field)
    if kind in ("string_too_short", "string_too_long") and not hint:
        return _sized(first, label, prefix, options, model)
    if kind == "enum":
        expected = str(context.get("expected", ""))  # "'a', 'b' or 'c'"
        values = re.findall(r"'([^']*)'", expected)
        hint = suggesting(value, values, "use " + listed(values))
    elif kind == "value_error":  # the schema's own words (pledges.schema), after any field hint
        hint = hint or message
    else:
        hint = hint or _told(kind, context, field)
    return InvalidInput(f"{prefix}{label} {_shown(value)} is not allowed", hint)


def validate(model: type[M], data: dict[str, Any], where: str = "") -> M:
    """`data` as a `model` record, or InvalidInput in the project's words: for a file's record
    (`where` names it, e.g. 'seeds/pledges.yaml:3') naming the field, for a command's input
    (no `where`) naming the option that sets it."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise explain(error, where, options=not where, model=model) from None
