"""A pledge's status and formality over time, drawn as inline SVG on the server.

Three lanes share one time axis. Formality and status, as the register's log recorded them: a
bar for each value, from the revision that set it to the next change (or to the axis' end).
Under them, the status that dated evidence asserts: a diamond at its source's date, and a bar
from there to the next assertion. The axis runs from the first event to the day of the report.
No script draws it; the page gives the same facts as tables (for screen readers and print), and
the SVG carries a one-line summary as its accessible name. Colours come from the stylesheet
(classes `v-VALUE`), so that contrast and print are decided in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import NamedTuple

from markupsafe import Markup, escape

WIDTH = 640
LEFT = 116  # the lane labels
RIGHT = 12
LANE = 26  # a lane's height
GAP = 8
LANES = (("formality", "Formality"), ("status", "Status"), ("asserted", "Status asserted"))
AXIS = len(LANES) * (LANE + GAP) + 2  # the time axis' y
HEIGHT = AXIS + 20
CHAR = 6.6  # average width of a label character at 11px, to decide whether a label fits


class Change(NamedTuple):
    """One value a field took, and when (a revision's time)."""

    field: str
    at: datetime
    value: str


class Assertion(NamedTuple):
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
    """The chart of a pledge's changes (in log order) and assertions (by date), up to `until`."""
    runs: dict[str, list[tuple[float, str, str]]] = {name: [] for name, _ in LANES}
    for c in changes:
        runs[c.field].append((_day(c.at), c.value, f"{c.at:%Y-%m-%d}"))
    for a in assertions:
        runs["asserted"].append((_day(a.on), a.status, a.on.isoformat()))
    moments = [moment for held in runs.values() for moment, _, _ in held]
    first = min(moments, default=_day(until))
    # The axis ends with the day of the report, or of the latest event if that came later.
    last = max([_day(until), *(float(int(m)) for m in moments)]) + 1
    plot = WIDTH - LEFT - RIGHT

    def x(day: float) -> float:
        return round(LEFT + (day - first) / (last - first) * plot, 1)

    body: list[str] = []
    for row, (name, title) in enumerate(LANES):
        top = row * (LANE + GAP)
        middle = top + LANE / 2
        body.append(
            f'<text class="lane" x="{LEFT - 6}" y="{middle + 4}" text-anchor="end">{title}</text>'
        )
        held = runs[name]
        for index, (moment, value, day) in enumerate(held):
            start = x(moment)
            end = x(held[index + 1][0]) if index + 1 < len(held) else x(last)
            text = escape(label(value))
            body.append(
                f'<rect class="bar v-{escape(value)}" x="{start}" y="{top}" '
                f'width="{max(end - start, 2)}" height="{LANE}"><title>{title}: {text} from '
                f"{day}</title></rect>"
            )
            inset = 10 if name == "asserted" else 4  # clear of the diamond
            room = len(text) * CHAR + inset + 4
            if end - start > room:
                body.append(
                    f'<text class="value" x="{start + inset}" y="{middle + 4}">{text}</text>'
                )
            elif index == len(held) - 1 and start - LEFT > room:  # beside its bar, on the left
                body.append(
                    f'<text class="value" x="{start - 4}" y="{middle + 4}" text-anchor="end">'
                    f"{text}</text>"
                )
            if name == "asserted":
                body.append(f'<path class="asserted" d="M{start} {middle - 7}l7 7-7 7-7-7z"/>')
    body.append(
        f'<line class="axis" x1="{LEFT}" y1="{AXIS}" x2="{WIDTH - RIGHT}" y2="{AXIS}"/>'
        f'<text class="tick" x="{LEFT}" y="{AXIS + 16}">{_date(first)}</text>'
        f'<text class="tick" x="{WIDTH - RIGHT}" y="{AXIS + 16}" text-anchor="end">'
        f"{_date(last - 1)}</text>"
    )
    said = _summary(changes, assertions)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="chart-title"><title id="chart-title">{escape(said)}</title>'
    )
    return Chart(Markup(head + "".join(body) + "</svg>"), said)


def _summary(changes: Sequence[Change], assertions: Sequence[Assertion]) -> str:
    said = []
    for name in ("formality", "status"):
        held = [c for c in changes if c.field == name]
        if held:
            said.append(f"{name} {label(held[-1].value)} since {held[-1].at:%Y-%m-%d}")
    if assertions:
        latest = assertions[-1]
        many = len(assertions) > 1
        said.append(
            f"{len(assertions)} dated piece{'s' if many else ''} of evidence "
            f"assert{'' if many else 's'} a status, lately {label(latest.status)} as of "
            f"{latest.on.isoformat()}"
        )
    text = "; ".join(said) or "no status or formality recorded"
    return text[0].upper() + text[1:] + "."


def _date(day: float) -> str:
    return date.fromordinal(int(day)).isoformat()
