"""A pledge's page, pledges/ID.html: its facts, its findings (a blank the audit fills), the chart
and tables of its status and formality over time, and each piece of its evidence, with the
passage its quote stands in and the source it cites."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from pledges.pages import shown
from pledges.records import EvidenceRecord, PledgeRecord
from pledges.report import chart
from pledges.report.register import Register
from pledges.report.site import Site, change, href, label, target
from pledges.timeline import Step, timeline
from pledges.vocab import Rank


def pages(site: Site, pledges: Iterable[PledgeRecord]) -> Iterator[tuple[str, str]]:
    """The pages of these pledges, as (pledge id, HTML), each with its findings' slot blank."""
    template = site.env.get_template("pledge.html.j2")
    register = site.register
    charts: dict[tuple[Any, ...], chart.Chart] = {}
    for p in pledges:
        items = register.evidence.get(p.id, [])
        steps, assertions = history(register, p, items)
        related = [
            (term, other, href(other))
            for term, other in (("Follows up", p.parent_id), ("Superseded by", p.superseded_by))
            if other
        ]
        main = template.render(
            id=p.id,
            title=p.title,
            version=p.version,
            statement=p.statement,
            actors=", ".join(
                f"{register.actors[i].name} ({i})" if i in register.actors else i for i in p.actors
            ),
            kind=label(p.kind),
            target=target(p),
            status=label(p.status),
            formality=label(p.formality),
            confidence=label(p.confidence),
            announced=p.announced_on.isoformat() if p.announced_on else "not dated",
            related=related,
            notes=p.notes,
            slot=site.slot,
            chart=draw_chart(charts, steps, assertions, site.info.today),
            steps=[
                (f"{s.at:%Y-%m-%d}", change(s), [e.id for e in s.evidence], s.author, s.reason)
                for s in steps
            ],
            assertions=[
                (a.on.isoformat(), label(a.status), a.evidence_id, a.source_id) for a in assertions
            ],
            evidence=[cited(site, n, item) for n, item in enumerate(items, start=1)],
        )
        yield p.id, site.nested.page(p.title, main)


def cited(site: Site, n: int, item: EvidenceRecord) -> tuple[Any, ...]:
    """A piece of evidence as its pledge's page shows it (see pledge.html.j2): its heading names
    the source, and the page where the quote starts when the source's text has pages."""
    source = site.register.sources[item.source_id]
    where = site.located.get(item.id)
    facts = f"Evidence {item.id}: {label(item.stance)}, {label(item.rank)}"
    if item.asserts_status is not None:
        facts += f", asserts {label(item.asserts_status)}"
    page = "" if where is None or where.page is None else f", {shown(where.page)}"
    return (
        item.id,
        f"{n}. {source.title}{page}",
        facts,
        None if where is None else where.parts(source.text),
        f"../sources/{href(source.id)}#evidence-{item.id}",
        item.quote,
        item.note,
        (item.deprecated_reason or "no reason recorded") if item.rank is Rank.DEPRECATED else "",
        site.cites[source.id],
    )


def draw_chart(
    charts: dict[tuple[Any, ...], chart.Chart],
    steps: Sequence[Step],
    assertions: Sequence[chart.Assertion],
    today: date,
) -> chart.Chart:
    """The pledge's chart, drawn once for each distinct history (kept in `charts`): pledges
    loaded or imported together share their revisions' times, and so their charts."""
    changes = tuple(chart.Change(s.field, s.at, str(s.after)) for s in steps)
    key = (changes, tuple(assertions))
    drawn = charts.get(key)
    if drawn is None:
        drawn = charts[key] = chart.draw(changes, assertions, today)
    return drawn


def history(
    register: Register, p: PledgeRecord, items: Sequence[EvidenceRecord]
) -> tuple[list[Step], list[chart.Assertion]]:
    """The pledge's status and formality steps (timeline() reads the light records as
    they are), and the dated evidence that asserts a status, by its source's date."""
    asserting = [e for e in items if e.asserts_status is not None and e.rank != Rank.DEPRECATED]
    steps = timeline(register.logged.get(p.id, []), asserting)
    assertions = sorted(
        (
            chart.Assertion(e.id, e.source_id, day, str(e.asserts_status))
            for e in asserting
            if (day := register.sources[e.source_id].published_on) is not None
        ),
        key=lambda a: (a.on, a.evidence_id),
    )
    return steps, assertions
