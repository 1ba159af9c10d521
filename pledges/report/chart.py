"""A pledge's timeline of events, drawn as inline SVG on the server.

The events are the pledge's own, on one time axis: its announcement (`announced_on`), each piece
of its evidence at its source's date (`published_on`; an inferred date says so in its tooltip
and in the table), with the status it asserts if it asserts one, and its target year, drawn at
1 January of that year so that it sits on its year's tick (the pledge is due some time in that
year). When a record was typed into the register is not an event of the pledge: the log's table
gives it, not the chart.

Two lanes share the axis: the pledge (announced, target) and its evidence (a diamond for evidence
asserting a status, filled with the status' colour and labelled with it; a circle for other
evidence; several on one day stacked). Evidence dated before the announcement is drawn hollow and
dashed, and says "before the announcement" in its tooltip and in the table; a dashed guide marks
the announcement across both lanes. Deprecated evidence is left off the chart and the table (its
article on the page says it is deprecated). A status asserted by evidence whose source has no
date cannot be placed: it is listed under the chart as "asserted, not dated", and in the table.
A pledge with no dated event at all gets a sentence instead of a chart.

The axis runs from the earliest event to the latest, with a margin of 4% of the span (at least
20 days) on each side, widened to whole years when the events span eight years or more, and to
whole months when they span one or more (so that pledges share axes, whose ticks are drawn once
for each); x is linear in the date between its ends. Year ticks stand on
1 January, one a year, or every 2, 5, 10... years so that no more than eight are drawn; an axis
that holds no 1 January is labelled with its ends' dates instead.

Each mark carries `data-date` (YYYY-MM-DD), `data-event` (announced, evidence, asserted or
target) and, for evidence, `data-evidence` (its id), so that a browser can check where it stands.
No script draws it; the page gives the same facts as a table (for screen readers and print), and
the SVG carries a one-line summary as its accessible name. Colours come from the stylesheet
(classes `v-VALUE` and the marks' classes), so that contrast and print are decided in one place.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache, partial
from typing import NamedTuple

from markupsafe import Markup

WIDTH = 640
LEFT = 76  # the lane labels
RIGHT = 16
PLOT = WIDTH - LEFT - RIGHT
PLEDGE_Y = 18  # the middle of the pledge's lane
EVIDENCE_Y = 78  # where evidence marks stand (those sharing a day are stacked above)
STACK = 13  # how far above each other marks of one day stand
STACKED = 3  # marks of one day stacked at most (more are drawn on the top one)
LABEL_Y = 98  # the evidence labels' baseline
AXIS = 106
HEIGHT = AXIS + 44
CHAR = 6.2  # average width of a label character at 11px, to keep labels apart
MAX_TICKS = 8
STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000)
MARGIN = 0.04  # of the span, on each side
MIN_MARGIN = 20  # days


class Event(NamedTuple):
    """One event of a pledge. `on` is None for evidence whose source has no date. Evidence
    (`evidence` or, when it asserts a status, `asserted`) names its id, source and status; an
    inferred date gives `inferred` True, with the source's note on it if any."""

    on: date | None
    kind: str
    evidence_id: int | None = None
    source_id: str | None = None
    status: str | None = None
    inferred: bool = False
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Chart:
    """The drawn timeline: the SVG (empty when no event is dated), its one-line summary, the
    rows of the table of events (date, event, evidence, source; HTML, escaped already) and the
    assertions with no date, each as (status, evidence id, source id)."""

    svg: Markup
    summary: str
    table: Markup
    undated: list[tuple[str, int, str]]


def label(value: str) -> str:
    return value.replace("_", " ")


def draw(events: Sequence[Event], status: str, formality: str) -> Chart:
    """The timeline of a pledge's events (in any order), whose status and formality are now
    `status` and `formality` (said in the summary). It is drawn for each of ten thousand pages,
    so each event is read once, its words serve both its tooltip and its row, and the rows are
    written here rather than by the template, which would cost more than the chart."""
    dated = sorted(
        [e for e in events if e.on is not None],
        key=lambda e: (e.on, _ORDER[e.kind], e.evidence_id or 0),
    )
    announced = None
    for e in dated:
        if e.kind == "announced":
            announced = e.on
            break
    rows: list[str] = []
    undated: list[tuple[str, int, str]] = []
    if not dated:
        _undated(events, None, rows, undated)
        said = _summary(None, (), 0, None, len(undated), None, status, formality)
        return Chart(Markup(""), said, Markup("".join(rows)), undated)
    start, end = _span(dated[0].on.toordinal(), dated[-1].on.toordinal())  # type: ignore[union-attr]
    scale = PLOT / (end - start)
    body = [_axis(start, end)]
    if announced is not None:
        guide = LEFT + (announced.toordinal() - start) * scale
        body.append(f'<line class="guide" x1="{guide:.1f}" y1="4" x2="{guide:.1f}" y2="{AXIS}"/>')
    seen: dict[int, int] = {}  # marks drawn on each day, to stack them
    room = 0.0  # where the last evidence label ends
    said_room = 0.0  # where the last label of the pledge's lane ends
    evidence: list[str] = []  # the days of the dated evidence, for the summary
    early = 0
    latest: tuple[str, str] | None = None
    target = None
    for e in dated:
        on: date = e.on  # type: ignore[assignment]
        kind = e.kind
        day = on.toordinal()
        x = LEFT + (day - start) * scale
        iso = on.isoformat()
        if kind == "announced":
            rows.append(f"<tr><td>{iso}</td><td>announced</td><td></td><td></td></tr>")
            beside, said_room = _beside(x, "announced", said_room)
            body.append(
                f'<path class="mark announced" data-date="{iso}" data-event="announced" '
                f'd="M{x:.1f} {PLEDGE_Y + 7}l-7-12h14z"><title>Announced on {iso}</title></path>'
                f"{beside}"
            )
            continue
        if kind == "target":
            target = on.year
            rows.append(f"<tr><td>{iso}</td><td>target year {on.year}</td><td></td><td></td></tr>")
            beside, said_room = _beside(x, f"target {on.year}", said_room)
            body.append(
                f'<rect class="mark target" data-date="{iso}" data-event="target" '
                f'x="{x - 6:.1f}" y="{PLEDGE_Y - 6}" width="12" height="12">'
                f"<title>Target year {on.year} (drawn at 1 January)</title></rect>"
                f"{beside}"
            )
            continue
        level = seen.get(day, 0)
        seen[day] = level + 1
        y = EVIDENCE_Y - STACK * (level if level < STACKED else STACKED - 1)
        what = _html(_what(e, announced))
        source = _html(e.source_id or "")
        number = e.evidence_id
        rows.append(
            f"<tr><td>{iso}{' (inferred)' if e.inferred else ''}</td><td>{what}</td><td>"
            f'<a href="#evidence-{number}">evidence {number}</a></td><td>{source}</td></tr>'
        )
        classes = kind
        evidence.append(iso)
        if announced is not None and on < announced:
            classes += " early"
            early += 1
        if e.inferred:
            classes += " inferred"
        at = (
            f'data-date="{iso}" data-event="{kind}" data-evidence="{number}"><title>Evidence '
            f"{number} ({source}), {iso}{_inferred(e) if e.inferred else ''}: {what}</title>"
        )
        if kind == "asserted":
            value = _html(e.status or "")
            body.append(
                f'<path class="mark v-{value} {classes}" d="M{x:.1f} {y - 7}l7 7-7 7-7-7z" '
                f"{at}</path>"
            )
            text = value.replace("_", " ")
            latest = (text, iso)
            half = len(text) * CHAR / 2
            if x - half > room + 4 and x + half <= WIDTH:
                body.append(
                    f'<text class="value" x="{x:.1f}" y="{LABEL_Y}" text-anchor="middle">'
                    f"{text}</text>"
                )
                room = x + half
        else:
            body.append(f'<circle class="mark {classes}" cx="{x:.1f}" cy="{y}" r="5" {at}</circle>')
    if len(dated) < len(events):
        _undated(events, announced, rows, undated)
    said = _summary(announced, evidence, early, latest, len(undated), target, status, formality)
    # The summary holds dates, counts and vocabulary values only: nothing to escape.
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="chart-title"><title id="chart-title">{said}</title>'
    )
    svg = Markup(head + _FRAME + "".join(body) + "</svg>")
    return Chart(svg, said, Markup("".join(rows)), undated)


def _inferred(e: Event) -> str:
    """How an inferred date is said in its tooltip, with the source's note on it."""
    return f" (inferred: {_html(e.note)})" if e.note else " (inferred)"


def _undated(
    events: Sequence[Event],
    announced: date | None,
    rows: list[str],
    undated: list[tuple[str, int, str]],
) -> None:
    """The rows of the evidence whose source has no date, and the statuses they assert."""
    for e in events:
        if e.on is None:
            number = e.evidence_id
            rows.append(
                f"<tr><td>not dated</td><td>{_html(_what(e, announced))}</td><td>"
                f'<a href="#evidence-{number}">evidence {number}</a></td>'
                f"<td>{_html(e.source_id or '')}</td></tr>"
            )
            if e.kind == "asserted":
                undated.append((label(e.status or ""), number or 0, e.source_id or ""))


def _span(first: int, last: int) -> tuple[int, int]:
    """The ends of the axis for events from ordinal day `first` to `last`: a margin either
    side, widened to whole years (spans of 8 years or more) or months (a year or more), so that
    pledges share axes, whose ticks are drawn once for each."""
    pad = max((last - first) * MARGIN, MIN_MARGIN)
    low = date.fromordinal(max(math.floor(first - pad), 1))
    high = date.fromordinal(min(math.ceil(last + pad), date.max.toordinal()))
    if last - first >= 8 * 365:
        return date(low.year, 1, 1).toordinal(), _january(high.year + 1)
    if last - first >= 365:
        after = (
            date(high.year + 1, 1, 1) if high.month == 12 else date(high.year, high.month + 1, 1)
        )
        return date(low.year, low.month, 1).toordinal(), after.toordinal()
    return low.toordinal(), high.toordinal()


_ORDER = {"announced": 0, "evidence": 1, "asserted": 1, "target": 2}  # of events on one day
_html = lru_cache(maxsize=1 << 16)(partial(html.escape, quote=True))  # source ids recur


def _what(e: Event, announced: date | None) -> str:
    """An event as the table of events says it."""
    if e.kind == "announced":
        return "announced"
    if e.kind == "target":
        return f"target year {e.on.year}"  # type: ignore[union-attr]
    what = f"evidence asserting {label(e.status or '')}" if e.kind == "asserted" else "evidence"
    if e.on is None:
        return f"{what}: asserted, not dated (its source has no date)" if e.status else what
    if announced is not None and e.on < announced:
        what += ", before the announcement"
    return what


def _beside(x: float, text: str, room: float) -> tuple[str, float]:
    """A label beside a mark of the pledge's lane: on its right, or its left near the end; left
    out (the mark's title and the table still say it) where it would run into the label before,
    which ends at `room`. Gives the label and where the lane's labels now end."""
    width = len(text) * CHAR
    if x + 10 + width <= WIDTH:
        start, svg = (
            x + 10,
            f'<text class="value" x="{x + 10:.1f}" y="{PLEDGE_Y + 4}">{text}</text>',
        )
    else:
        start = x - 10 - width
        svg = (
            f'<text class="value" x="{x - 10:.1f}" y="{PLEDGE_Y + 4}" text-anchor="end">{text}'
            "</text>"
        )
    if start < room + 4:
        return "", room
    return svg, start + width


# The lanes' names, the axis line and the legend: the same on every chart.
_FRAME = (
    f'<text class="lane" x="{LEFT - 8}" y="{PLEDGE_Y + 4}" text-anchor="end">Pledge</text>'
    f'<text class="lane" x="{LEFT - 8}" y="{EVIDENCE_Y + 4}" text-anchor="end">Evidence</text>'
    f'<line class="axis" x1="{LEFT}" y1="{AXIS}" x2="{WIDTH - RIGHT}" y2="{AXIS}"/>'
    f'<g class="legend" transform="translate({LEFT} {HEIGHT - 8})">'
    '<path class="key announced" d="M0 2l-5-9h10z"/><text class="lane" x="8" y="0">announced</text>'
    '<rect class="key target" x="88" y="-8" width="9" height="9"/>'
    '<text class="lane" x="102" y="0">target year</text>'
    '<path class="key asserted" d="M184 -9l5 5-5 5-5-5z"/>'
    '<text class="lane" x="193" y="0">asserts a status</text>'
    '<circle class="key evidence" cx="300" cy="-4" r="4"/>'
    '<text class="lane" x="308" y="0">evidence</text>'
    '<circle class="key evidence early" cx="376" cy="-4" r="4"/>'
    '<text class="lane" x="384" y="0">before the announcement</text></g>'
)


@lru_cache(maxsize=4096)
def _axis(start: int, end: int) -> str:
    """The year ticks of an axis from ordinal day `start` to `end`."""
    scale = PLOT / (end - start)
    low = date.fromordinal(start).year
    low += _january(low) < start  # the first 1 January on the axis
    high = date.fromordinal(min(end, date.max.toordinal())).year  # and the last
    step = next((s for s in STEPS if high - low + 1 <= MAX_TICKS * s), STEPS[-1])
    parts = []
    for year in range(-(-low // step) * step, high + 1, step):
        x = f"{LEFT + (_january(year) - start) * scale:.1f}"
        parts.append(
            f'<line class="tick" x1="{x}" y1="{AXIS}" x2="{x}" y2="{AXIS + 4}"/>'
            f'<text class="tick" x="{x}" y="{AXIS + 16}" text-anchor="middle">{year}</text>'
        )
    if not parts:  # no 1 January on the axis: its ends' dates
        parts.append(
            f'<text class="tick" x="{LEFT}" y="{AXIS + 16}">{date.fromordinal(int(start))}</text>'
            f'<text class="tick" x="{WIDTH - RIGHT}" y="{AXIS + 16}" text-anchor="end">'
            f"{date.fromordinal(int(end))}</text>"
        )
    return "".join(parts)


def _january(year: int) -> int:
    """The ordinal day of 1 January of `year` (the year after the last a date can hold: that
    day's ordinal all the same)."""
    if year > date.max.year:
        return date.max.toordinal() + 1
    return date(year, 1, 1).toordinal()


def _summary(
    announced: date | None,
    evidence: Sequence[str],
    early: int,
    latest: tuple[str, str] | None,
    undated: int,
    target: int | None,
    status: str,
    formality: str,
) -> str:
    """The one line that sums a timeline up: `evidence` gives the days of the dated evidence
    in order, `early` how many came before the announcement, `latest` the last status asserted
    and its day, `undated` how many statuses are asserted with no date."""
    said = f"Announced {announced}" if announced else "Announcement not dated"
    if evidence:
        if len(evidence) > 1:
            said += f"; {len(evidence)} dated pieces of evidence, {evidence[0]} to {evidence[-1]}"
        else:
            said += f"; 1 dated piece of evidence, {evidence[0]}"
        if early:
            said += f", {early} before the announcement"
        if latest:
            said += f"; lately asserting {latest[0]} ({latest[1]})"
    else:
        said += "; no dated evidence"
    if undated:
        said += f"; {undated} status{'es' if undated > 1 else ''} asserted, not dated"
    said += f"; target year {target}" if target else "; no target year"
    return f"{said}. Now {label(status)}, formality {label(formality)}."
