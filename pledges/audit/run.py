"""Running the audit over a database: read each article once, then apply every check.

The audit reads plain rows (not ORM objects or pydantic records: a register of 100,000 pledges
would spend most of its time building them). Articles are read in id order, each with the quotes
that cite it; on a large register the articles are shared between worker processes, one per core.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import Engine, func, select

from pledges import repository as repo
from pledges.audit.actors import ActorMatcher
from pledges.audit.checks import CHECKS, Context, PledgeFacts, SourceFacts
from pledges.audit.facts import Article, Cited, QuoteFact, examine
from pledges.audit.findings import Finding, Report
from pledges.db import opened, transaction
from pledges.models import EvidenceRow, PledgeActorRow, PledgeRow, SourceRow
from pledges.schema import text_sha256
from pledges.textmatch import fold
from pledges.vocab import SourceKind

REVERIFY_DAYS = 365
PARALLEL_FROM = 20_000  # quotes; below this, starting workers costs more than it saves
BATCH = 500


@dataclass(frozen=True)
class Examined:
    facts: list[QuoteFact]
    sources: list[SourceFacts]


def _pledges(engine: Engine) -> list[PledgeFacts]:
    actors: dict[str, list[str]] = defaultdict(list)
    with engine.connect() as conn:
        links = select(PledgeActorRow.pledge_id, PledgeActorRow.actor_id).order_by(
            PledgeActorRow.pledge_id, PledgeActorRow.position
        )
        for pledge_id, actor_id in conn.execute(links):
            actors[pledge_id].append(actor_id)
        rows = conn.execute(
            select(
                PledgeRow.id, PledgeRow.kind, PledgeRow.target_year, PledgeRow.baseline_year,
                PledgeRow.status, PledgeRow.confidence, PledgeRow.announced_on,
            ).order_by(PledgeRow.id)
        )  # fmt: skip
        return [
            PledgeFacts(i, tuple(actors[i]), kind, year, base, status, confidence, announced)
            for i, kind, year, base, status, confidence, announced in rows
        ]


def _source_range(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.scalars(select(SourceRow.id).order_by(SourceRow.id)))


def _cited(engine: Engine, first: str, last: str) -> dict[str, list[Cited]]:
    query = (
        select(
            EvidenceRow.id, EvidenceRow.pledge_id, EvidenceRow.source_id, EvidenceRow.quote,
            EvidenceRow.stance, EvidenceRow.rank, EvidenceRow.asserts_status,
            EvidenceRow.verified_on,
        )
        .where(EvidenceRow.source_id >= first, EvidenceRow.source_id <= last)
        .order_by(EvidenceRow.source_id, EvidenceRow.id)
    )  # fmt: skip
    by_source: dict[str, list[Cited]] = defaultdict(list)
    with engine.connect() as conn:
        for row in conn.execute(query):
            by_source[row[2]].append(Cited(*row))
    return by_source


def _texts(engine: Engine, first: str, last: str) -> Iterator[tuple[str, str, str]]:
    """(id, text, sha256) of each source from `first` to `last`, in id order, a batch at a time."""
    query = (
        select(SourceRow.id, SourceRow.text, SourceRow.sha256)
        .where(SourceRow.id >= first, SourceRow.id <= last)
        .order_by(SourceRow.id)
    )
    with engine.connect() as conn:
        result = conn.execution_options(yield_per=BATCH).execute(query)
        for source_id, text, sha256 in result:
            yield str(source_id), str(text), str(sha256)


def examine_range(db: str, first: str, last: str) -> Examined:
    """Read the sources from `first` to `last` once, and examine every quote that cites them."""
    with opened(db) as engine:
        with transaction(engine) as session:
            matcher = ActorMatcher(repo.list_actors(session))
        cited = _cited(engine, first, last)
        meta = _source_meta(engine, first, last)
        facts: list[QuoteFact] = []
        sources: list[SourceFacts] = []
        for source_id, text, sha256 in _texts(engine, first, last):
            publisher, kind, published_on = meta[source_id]
            sources.append(
                SourceFacts(source_id, publisher, kind, published_on, text_sha256(text) == sha256)
            )
            article = Article(text)
            facts.extend(examine(item, article, matcher) for item in cited.get(source_id, ()))
        return Examined(facts, sources)


def _source_meta(
    engine: Engine, first: str, last: str
) -> dict[str, tuple[str | None, SourceKind, date | None]]:
    query = select(SourceRow.id, SourceRow.publisher, SourceRow.kind, SourceRow.published_on).where(
        SourceRow.id >= first, SourceRow.id <= last
    )
    with engine.connect() as conn:
        return {i: (publisher, kind, day) for i, publisher, kind, day in conn.execute(query)}


def _chunks(ids: Sequence[str], parts: int) -> list[tuple[str, str]]:
    size = -(-len(ids) // parts)
    return [(ids[i], ids[min(i + size, len(ids)) - 1]) for i in range(0, len(ids), size)]


def _elsewhere(engine: Engine, ids: Sequence[str], facts: list[QuoteFact]) -> list[QuoteFact]:
    """For each quote not found in its source, the other sources that hold it (one pass over
    every article, matching all such quotes at once with an Aho-Corasick automaton)."""
    missing = {i: fold(f.cited.quote) for i, f in enumerate(facts) if not f.located}
    missing = {i: q for i, q in missing.items() if q}
    if not missing:
        return facts
    import ahocorasick

    automaton = ahocorasick.Automaton()
    wanted: dict[str, list[int]] = defaultdict(list)
    for index, quote in missing.items():
        wanted[quote].append(index)
        automaton.add_word(quote, quote)
    automaton.make_automaton()
    found: dict[int, set[str]] = defaultdict(set)
    if ids:
        for source_id, text, _ in _texts(engine, ids[0], ids[-1]):
            for _, quote in automaton.iter(fold(text)):
                for index in wanted[quote]:
                    if facts[index].cited.source_id != source_id:
                        found[index].add(source_id)
    return [
        replace(fact, elsewhere=tuple(sorted(found[i]))) if i in found else fact
        for i, fact in enumerate(facts)
    ]


def audit(
    db: str | None,
    *,
    today: date | None = None,
    reverify_days: int = REVERIFY_DAYS,
    workers: int | None = None,
) -> Report:
    """Audit the register at `db` (a URL or path; None for the default)."""
    with opened(db) as engine:
        url = engine.url.render_as_string(hide_password=False)
        pledges = _pledges(engine)
        ids = _source_range(engine)
        with engine.connect() as conn:
            quotes = conn.scalar(select(func.count()).select_from(EvidenceRow)) or 0
        cores = workers or min(os.cpu_count() or 1, 4)
        parts = cores if quotes >= PARALLEL_FROM and cores > 1 else 1
        ranges = _chunks(ids, parts) if ids else []
        if parts > 1:
            with ProcessPoolExecutor(parts) as pool:
                firsts, lasts = zip(*ranges, strict=True)
                results = list(pool.map(examine_range, [url] * len(ranges), firsts, lasts))
        else:
            results = [examine_range(url, first, last) for first, last in ranges]
        facts = [fact for result in results for fact in result.facts]
        sources = [source for result in results for source in result.sources]
        facts = _elsewhere(engine, ids, facts)
    context = Context(today or date.today(), reverify_days, {s.id: s for s in sources})
    findings = list(run_checks(pledges, facts, sources, context))
    return Report.of(findings, pledges=len(pledges), quotes=len(facts), sources=len(sources))


def run_checks(
    pledges: Sequence[PledgeFacts],
    facts: Iterable[QuoteFact],
    sources: Sequence[SourceFacts],
    context: Context,
) -> Iterator[Finding]:
    """Every registered check over the facts, in registry order."""
    by_pledge: dict[str, list[QuoteFact]] = defaultdict(list)
    for fact in facts:
        by_pledge[fact.cited.pledge_id].append(fact)
    index = {p.id: p for p in pledges}
    for check in CHECKS:
        if check.scope == "quote":
            for pledge_id, items in by_pledge.items():
                for fact in items:
                    yield from check.run(fact, index[pledge_id], context)
        elif check.scope == "pledge":
            for pledge in pledges:
                yield from check.run(pledge, by_pledge.get(pledge.id, []), context)
        elif check.scope == "source":
            for source in sources:
                yield from check.run(source, context)
        else:
            yield from check.run(pledges, context)
