"""A pledge's page, pledges/ID.html: its facts (each actor a link to its page), the audit's
findings about it, the timeline of its events (chart.py) with their table, the changes of
its status and formality recorded in the register's log, and each piece of its evidence, with
the passage its quote stands in and the source it cites.

The timeline is drawn for each pledge: its marks name the pledge's evidence, so no two pledges
share one, and drawing it costs less than a look-up keyed by its events would save."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from markupsafe import Markup, escape

from pledges.audit import Finding
from pledges.pages import shown
from pledges.records import EvidenceRecord, PledgeRecord
from pledges.report import chart
from pledges.report.register import Register
from pledges.report.site import LABELS, Site, change, href, target
from pledges.timeline import timeline
from pledges.vocab import Rank


def pages(
    site: Site, pledges: Iterable[PledgeRecord], findings: Mapping[str, Sequence[Finding]]
) -> Iterator[tuple[str, str]]:
    """The pages of these pledges, as (pledge id, HTML), each with the audit's `findings` about
    it."""
    template = site.env.get_template("pledge.html.j2")
    register = site.register
    actors: dict[str, Markup] = {}  # each actor's link, written once
    for p in pledges:
        items = register.evidence.get(p.id, [])
        asserting = [e for e in items if e.asserts_status is not None]
        steps = timeline(register.logged.get(p.id, []), asserting)
        related = [
            (term, other, href(other))
            for term, other in (("Follows up", p.parent_id), ("Superseded by", p.superseded_by))
            if other
        ]
        named = []
        for actor_id in p.actors:
            link = actors.get(actor_id)
            if link is None:
                link = actors[actor_id] = _actor(register, actor_id)
            named.append(link)
        main = template.render(
            id=p.id,
            title=p.title,
            version=p.version,
            statement=p.statement,
            actors=Markup(", ").join(named),
            kind=LABELS[p.kind],
            target=target(p),
            status=LABELS[p.status],
            formality=LABELS[p.formality],
            confidence=LABELS[p.confidence],
            announced=p.announced_on.isoformat() if p.announced_on else "not dated",
            related=related,
            notes=p.notes,
            findings=site.findings(findings.get(p.id, ()), "pledge"),
            chart=chart.draw(events(register, p, items), p.status.value, p.formality.value),
            steps=[
                (f"{s.at:%Y-%m-%d}", change(s), [e.id for e in s.evidence], s.author, s.reason)
                for s in steps
            ],
            evidence=[cited(site, n, item) for n, item in enumerate(items, start=1)],
        )
        yield p.id, site.nested.page(p.title, main)


def _actor(register: Register, actor_id: str) -> Markup:
    """An actor as its pledges name it: its name and id, a link to its page."""
    actor = register.actors.get(actor_id)
    if actor is None:  # not in the register: named by its id, with no page to link to
        return escape(actor_id)
    return Markup('<a href="../actors/{}">{} ({})</a>').format(href(actor_id), actor.name, actor_id)


def cited(site: Site, n: int, item: EvidenceRecord) -> tuple[Any, ...]:
    """A piece of evidence as its pledge's page shows it (see pledge.html.j2): its heading names
    the source, and the page where the quote starts when the source's text has pages."""
    source = site.register.sources[item.source_id]
    where = site.located.get(item.id)
    facts = f"Evidence {item.id}: {LABELS[item.stance]}, {LABELS[item.rank]}"
    if item.asserts_status is not None:
        facts += f", asserts {LABELS[item.asserts_status]}"
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


def events(
    register: Register, p: PledgeRecord, items: Sequence[EvidenceRecord]
) -> list[chart.Event]:
    """The pledge's events (chart.py): its announcement, each piece of its evidence that is not
    deprecated, at its source's date (None when the source has none), and its target year."""
    found = [chart.Event(p.announced_on, "announced")] if p.announced_on is not None else []
    sources = register.sources
    for e in items:
        if e.rank is Rank.DEPRECATED:
            continue
        source = sources[e.source_id]
        found.append(
            chart.Event(
                source.published_on,
                "evidence" if e.asserts_status is None else "asserted",
                e.id,
                e.source_id,
                None if e.asserts_status is None else e.asserts_status.value,
                source.date_inferred,
                source.date_note,
            )
        )
    if p.target_year is not None:
        found.append(chart.Event(date(p.target_year, 1, 1), "target"))
    return found
