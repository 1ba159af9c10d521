"""A pledge's status and formality over time, drawn as inline SVG on the server.

Two lanes share one time axis: formality and status, each a run of bars, one bar per value it
held, from the revision that set it to the next change (or to the day of the report). Evidence
that asserts a status is a diamond on the status lane at its source's date. No script draws it;
the page gives the same facts as a table for screen readers and print, and the SVG carries a
one-line summary as its accessible name. Colours come from the page's stylesheet (classes
`v-VALUE`), so that contrast and print are decided in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from markupsafe import Markup, escape

WIDTH = 640
LEFT = 92  # the lane labels
RIGHT = 12
LANES = (("formality", "Formality", 8), ("status", "Status", 44))  # field, label, top
LANE_HEIGHT = 28
AXIS = 84  # the time axis' y
HEIGHT = 104
CHAR = 6.6  # average width of a label character at 11px, to decide whether a label fits


@dataclass(frozen=True, slots=True)
class Change:
    """One value a field took, and when (a revision's time)."""

    field: str
    at: datetime
    value: str


@dataclass(frozen=True, slots=True)
class Assertion:
    """Evidence asserting a status, as of its source's date."""

    evidence_id: int
    source_id: str
    on: date
    status: str


@dataclass(frozen=True, slots=True)
class Chart:
    svg: Markup
    summary: str


def label(value: str) -> str:
    return value.replace("_", " ")


def _day(moment: datetime | date) -> float:
    if isinstance(moment, datetime):
        moment = moment.astimezone(UTC)
        midnight = datetime.combine(moment.date(), time(), UTC)
        return moment.toordinal() + (moment - midnight).total_seconds() / 86_400
    return float(moment.toordinal())


def draw(changes: Sequence[Change], assertions: Sequence[Assertion], until: date) -> Chart:
    """The chart of a pledge's changes (in log order) and assertions, up to the day `until`."""
    moments = [_day(c.at) for c in changes] + [_day(a.on) for a in assertions]
    first = min(moments, default=_day(until))
    last = max([*moments, _day(until) + 1])  # the end of that day
    span = max(last - first, 1.0)
    plot = WIDTH - LEFT - RIGHT

    def x(day: float) -> float:
        return round(LEFT + (day - first) / span * plot, 1)

    body: list[str] = []
    summary: list[str] = []
    for field, name, top in LANES:
        body.append(
            f'<text class="lane" x="{LEFT - 6}" y="{top + 18}" text-anchor="end">{name}</text>'
        )
        held = [c for c in changes if c.field == field]
        for index, change in enumerate(held):
            start = x(_day(change.at))
            end = x(_day(held[index + 1].at)) if index + 1 < len(held) else x(last)
            text = escape(label(change.value))
            body.append(
                f'<rect class="bar v-{escape(change.value)}" x="{start}" y="{top}" '
                f'width="{max(end - start, 2)}" height="{LANE_HEIGHT}"><title>{name}: {text} '
                f"from {change.at:%Y-%m-%d}</title></rect>"
            )
            if end - start > len(text) * CHAR + 8:
                body.append(f'<text class="value" x="{start + 4}" y="{top + 18}">{text}</text>')
        if held:
            summary.append(f"{name.lower()} {label(held[-1].value)} since {held[-1].at:%Y-%m-%d}")
    middle = LANES[1][2] + LANE_HEIGHT / 2
    for item in assertions:
        cx = x(_day(item.on))
        body.append(
            f'<path class="asserted" d="M{cx} {middle - 7}l7 7-7 7-7-7z"><title>evidence '
            f"{item.evidence_id} ({escape(item.source_id)}, {item.on:%Y-%m-%d}) asserts "
            f"{escape(label(item.status))}</title></path>"
        )
    body.append(
        f'<line class="axis" x1="{LEFT}" y1="{AXIS}" x2="{WIDTH - RIGHT}" y2="{AXIS}"/>'
        f'<text class="tick" x="{LEFT}" y="{AXIS + 16}">{_date(first)}</text>'
        f'<text class="tick" x="{WIDTH - RIGHT}" y="{AXIS + 16}" text-anchor="end">'
        f"{_date(last - 1)}</text>"
    )
    if assertions:
        many = len(assertions) > 1
        summary.append(
            f"{len(assertions)} dated piece{'s' if many else ''} of evidence "
            f"assert{'' if many else 's'} a status"
        )
    said = "; ".join(summary) or "no status or formality recorded"
    said = said[0].upper() + said[1:] + "."
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="chart-title"><title id="chart-title">{escape(said)}</title>'
    )
    return Chart(Markup(head + "".join(body) + "</svg>"), said)


def _date(day: float) -> str:
    return date.fromordinal(int(day)).isoformat()
