"""Cells as a spreadsheet saves them, put back the way an export wrote them.

Why this module exists: a spreadsheet that opens an export and saves it rewrites some cells in
its own way. It writes a date with a time ('2023-07-18 00:00:00'), booleans in capitals
('TRUE'), and whole numbers as decimals ('25.0'). Those are read here as what they stand for;
everything else is left to the schema, so that an import takes what the commands take. A date
in a local order ('7/8/2023', '18.07.2023') is refused: which order a file follows cannot be
known from one cell.
"""

from __future__ import annotations

import re
from datetime import date

from pledges.errors import InvalidInput
from pledges.transfer.tables import Kind

_DATE_AND_MIDNIGHT = re.compile(r"(\d{4}-\d{2}-\d{2})[ T]00:00(?::00(?:\.0+)?)?")
_LOCAL_DATE = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})")
_DECIMAL = re.compile(r"(-?\d+)\.(\d+)")
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_ISO = "write it as YYYY-MM-DD"


def cell(text: str, kind: Kind, name: str) -> str:
    """A non-empty cell's text as the export would have written it. Raises InvalidInput for a
    date in a local order and a decimal where a whole number belongs."""
    if kind == "date":
        return _date(text, name)
    if kind == "bool" and text.lower() in ("true", "false"):
        return text.lower()
    if kind == "int" and (decimal := _DECIMAL.fullmatch(text)):
        whole, fraction = decimal.groups()
        if fraction.strip("0"):
            raise InvalidInput(f"{name} '{text}' is not a whole number", f"write it as {whole}")
        return whole
    return text


def _date(text: str, name: str) -> str:
    if midnight := _DATE_AND_MIDNIGHT.fullmatch(text):
        return midnight.group(1)
    local = _LOCAL_DATE.fullmatch(text)
    if local is None:
        return text
    first, second, year = int(local.group(1)), int(local.group(3)), local.group(4)
    readings = [r for r in (_day(year, first, second), _day(year, second, first)) if r]
    if len(set(readings)) == 2:
        month_first, day_first = readings
        raise InvalidInput(
            f"{name} '{text}' is ambiguous ({_MONTHS[month_first.month - 1]} {month_first.day} "
            f"or {day_first.day} {_MONTHS[day_first.month - 1]})",
            _ISO,
        )
    if readings and len(year) == 4:
        raise InvalidInput(
            f"{name} '{text}' is in a local order of day and month",
            f"{_ISO} ({readings[0].isoformat()})",
        )
    raise InvalidInput(f"{name} '{text}' is in a local order of day and month", _ISO)


def _day(year: str, month: int, day: int) -> date | None:
    """The date, if month and day make one (a two-digit year is not guessed at)."""
    if len(year) != 4:
        return None
    try:
        return date(int(year), month, day)
    except ValueError:
        return None
