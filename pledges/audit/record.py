"""The audit of one pledge, from what `pledges show` has read already: its evidence and the
articles it cites. The same checks as `pledges audit PLEDGE_ID` (tests/test_views.py holds them
equal), without its reading machinery: `show` is timed (bench/startup.py), and most of a
short command's time is the statements it compiles and the modules it imports.

Like the audit, it looks for a quote not found in its source in every other source (only when
there is one), and lets each register check see every pledge (or the peers it names: those that
can share a finding with this one), keeping its findings about this one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select

from pledges import records
from pledges.audit.actors import ActorMatcher
from pledges.audit.checks import CHECKS
from pledges.audit.facts import QuoteFact, examine
from pledges.audit.findings import Finding, Report
from pledges.audit.registry import Context, SourceFacts, Support
from pledges.audit.speakers import Speech
from pledges.models import SourceRow
from pledges.records import EvidenceRecord, PledgeRecord, SourceRecord
from pledges.textmatch import Article, fold

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from pledges.schema import Evidence, Pledge, Source


def _elsewhere(connection: Connection, facts: list[QuoteFact]) -> list[QuoteFact]:
    """The facts, each quote not found in its source with the other sources that hold it."""
    needles = {fold(f.cited.quote) for f in facts if not f.located} - {""}
    if not needles:
        return facts
    from dataclasses import replace

    from pledges.audit.reading import Search  # only now: it brings the worker processes' modules

    every = list(connection.scalars(select(SourceRow.id).order_by(SourceRow.id)))
    found = Search(connection.engine.url.render_as_string(hide_password=False), needles).scan(every)
    out = []
    for fact in facts:
        needle = fold(fact.cited.quote)
        holders = sorted({s for n, s in found if n == needle and s != fact.cited.source_id})
        out.append(replace(fact, elsewhere=tuple(holders)) if holders else fact)
    return out


def pledge_findings(
    connection: Connection,
    pledge: Pledge,
    evidence: Sequence[Evidence],
    sources: Mapping[str, Source],
    *,
    today: date,
    reverify_days: int,
) -> list[Finding]:
    """The findings about `pledge`, given its evidence and the sources that evidence cites."""
    subject = PledgeRecord._make(
        (*(getattr(pledge, name) for name in PledgeRecord._fields[:-1]), tuple(pledge.actors))
    )
    read = {
        i: SourceRecord._make(getattr(s, name) for name in SourceRecord._fields)
        for i, s in sources.items()
    }
    context = Context(today, reverify_days, {i: SourceFacts.of(s) for i, s in read.items()})
    matcher = ActorMatcher(records.actors(connection).values())
    articles = {i: Article(s.text) for i, s in read.items()}
    speeches = {i: Speech(s.text, matcher) for i, s in read.items()}
    facts = [
        examine(
            EvidenceRecord._make(getattr(e, name) for name in EvidenceRecord._fields),
            articles[e.source_id],
            matcher,
            speech=speeches[e.source_id],
            several=len(subject.actors) > 1,
        )
        for e in evidence
    ]
    facts = _elsewhere(connection, facts)
    found: list[Finding] = []
    support = [lent for lent in map(Support.of, facts) if lent is not None]
    for check in CHECKS:
        if check.scope == "quote":
            for fact in facts:
                found.extend(check.run(fact, subject, context))
        elif check.scope == "pledge":
            found.extend(check.run(subject, support, context))
        elif check.scope == "register":  # among every pledge, or the peers it names
            peers = records.pledges(connection, check.peers(subject) if check.peers else None)
            found.extend(f for f in check.run(peers, context) if f.pledge_id == pledge.id)
    return list(Report.of(found, pledges=1, quotes=len(facts), sources=len(read)).findings)
