"""Running the audit over a database: read each article once, then apply every check.

The audit reads plain rows (not ORM objects or pydantic records: a register of 100,000 pledges
would spend most of its time building them), and keeps little:

1. The sources are cut into chunks in id order. Each chunk's articles are read once, with the
   quotes that cite them and those quotes' pledges, and the quote checks run there. What comes
   back is small: the findings, the quotes not found in their source, and for each quote that
   counts, the few fields the pledge checks need (checks.Support).
2. A second pass over the articles looks for every quote not found in its source in all the other
   sources at once (an Aho-Corasick automaton), so that the message can name the source that
   holds it. The quote checks of those quotes run then.
3. The pledge, source and register checks run last, over every pledge.

On a large register both passes are shared between worker processes, one per core (started by
pledges.parallel, which sees to it that they end with this process).
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from sys import intern
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Engine, func, select

from pledges import parallel
from pledges import repository as repo
from pledges.audit.actors import ActorMatcher
from pledges.audit.checks import CHECKS, Context, PledgeFacts, SourceFacts, Support
from pledges.audit.facts import Cited, QuoteFact, examine
from pledges.audit.findings import Finding, Report
from pledges.db import open_engine, opened, transaction
from pledges.models import EvidenceRow, PledgeActorRow, PledgeRow, SourceRow
from pledges.schema import text_sha256
from pledges.textmatch import Article, fold
from pledges.vocab import REVERIFY_DAYS

PARALLEL_FROM = 20_000  # quotes; below this, starting workers costs more than it saves
CHUNKS_PER_WORKER = 8  # small chunks keep each worker's memory small and the cores busy
BATCH = 500

T = TypeVar("T")


@dataclass(frozen=True)
class Examined:
    """What reading one chunk of sources yields."""

    findings: list[Finding]  # of the quote checks, for the quotes found in their source
    missing: list[QuoteFact]  # quotes not found in their source: checked after the search
    support: list[tuple[str, Support]]  # (pledge id, support) for each quote that counts
    sources: list[SourceFacts]
    quotes: int


# --- reading ------------------------------------------------------------------------------------


def _pledges(engine: Engine, where: ColumnElement[bool] | None = None) -> dict[str, PledgeFacts]:
    """The facts of every pledge (or of those `where` selects), by id, in id order. Ids are
    interned: a register's worth of pledges shares one string per id."""
    actors: dict[str, list[str]] = defaultdict(list)
    links = select(PledgeActorRow.pledge_id, PledgeActorRow.actor_id).order_by(
        PledgeActorRow.pledge_id, PledgeActorRow.position
    )
    query = select(
        PledgeRow.id, PledgeRow.kind, PledgeRow.target_year, PledgeRow.baseline_year,
        PledgeRow.status, PledgeRow.confidence, PledgeRow.announced_on,
    ).order_by(PledgeRow.id)  # fmt: skip
    if where is not None:
        links = links.where(PledgeActorRow.pledge_id.in_(select(PledgeRow.id).where(where)))
        query = query.where(where)
    with engine.connect() as conn:
        for pledge_id, actor_id in conn.execute(links):
            actors[intern(pledge_id)].append(intern(actor_id))
        facts = {}
        for i, kind, year, base, status, confidence, announced in conn.execute(query):
            i = intern(i)
            facts[i] = PledgeFacts(i, tuple(actors.pop(i, ())), kind, year, base, status,
                                   confidence, announced)  # fmt: skip
        return facts


def _in_range(first: str, last: str) -> ColumnElement[bool]:
    return EvidenceRow.source_id.between(first, last)


def _cited(engine: Engine, first: str, last: str) -> dict[str, list[Cited]]:
    query = (
        select(
            EvidenceRow.id, EvidenceRow.pledge_id, EvidenceRow.source_id, EvidenceRow.quote,
            EvidenceRow.stance, EvidenceRow.rank, EvidenceRow.asserts_status,
            EvidenceRow.verified_on,
        )
        .where(_in_range(first, last))
        .order_by(EvidenceRow.source_id, EvidenceRow.id)
    )  # fmt: skip
    by_source: dict[str, list[Cited]] = {}
    with engine.connect() as conn:
        for row in conn.execute(query):
            cited = by_source.setdefault(row.source_id, [])
            # One string for all of a source's quotes, not one each.
            source_id = cited[0].source_id if cited else row.source_id
            cited.append(Cited(row.id, row.pledge_id, source_id, *row[3:]))
    return by_source


def _texts(engine: Engine, first: str, last: str) -> Iterator[tuple[Any, ...]]:
    """(id, text, sha256, publisher, kind, published_on) of each source from `first` to `last`,
    in id order, a batch at a time."""
    query = (
        select(SourceRow.id, SourceRow.text, SourceRow.sha256, SourceRow.publisher,
               SourceRow.kind, SourceRow.published_on)
        .where(SourceRow.id.between(first, last))
        .order_by(SourceRow.id)
    )  # fmt: skip
    with engine.connect() as conn:
        yield from conn.execution_options(yield_per=BATCH).execute(query)


# --- the two passes, as run in each process -----------------------------------------------------


class Reader:
    """The first pass over a range of sources: one per process."""

    def __init__(self, engine: Engine, today: date, reverify_days: int) -> None:
        self.engine = engine
        self.today, self.reverify_days = today, reverify_days
        with transaction(engine) as session:
            self.matcher = ActorMatcher(repo.list_actors(session))

    def examine(self, first: str, last: str) -> Examined:
        """Read the sources from `first` to `last` once, examine every quote that cites them,
        and run the quote checks on those found."""
        cited = _cited(self.engine, first, last)
        pledges = _pledges(self.engine, PledgeRow.id.in_(
            select(EvidenceRow.pledge_id).where(_in_range(first, last))
        ))  # fmt: skip
        facts: list[QuoteFact] = []
        sources: list[SourceFacts] = []
        for source_id, text, sha256, publisher, kind, published_on in _texts(
            self.engine, first, last
        ):
            matches = text_sha256(text) == sha256
            sources.append(SourceFacts(source_id, publisher, kind, published_on, matches))
            article = Article(text)
            facts.extend(examine(item, article, self.matcher) for item in cited.get(source_id, ()))
        context = Context(self.today, self.reverify_days, {s.id: s for s in sources})
        findings: list[Finding] = []
        missing: list[QuoteFact] = []
        support: list[tuple[str, Support]] = []
        for fact in facts:
            if not fact.located:
                missing.append(fact)
                continue
            findings.extend(quote_findings(fact, pledges[fact.cited.pledge_id], context))
            lent = Support.of(fact)
            if lent is not None:
                support.append((fact.cited.pledge_id, lent))
        return Examined(findings, missing, support, sources, len(facts))


class Search:
    """The second pass: which sources hold any of the quotes not found where they are cited.

    An automaton of whole quotes would cost about 3.7 KB a quote in each worker (73 MB for
    20,000 quotes). This one holds the first KEY characters of each quote (ahocorasick-rs,
    in Rust); where one stands, the quotes that begin so are compared in full."""

    KEY = 48

    def __init__(self, engine: Engine, quotes: Iterable[str]) -> None:
        import ahocorasick_rs

        self.engine = engine
        by_key: dict[str, list[str]] = defaultdict(list)
        for quote in quotes:
            by_key[quote[: self.KEY]].append(quote)
        self.keys = list(by_key)
        self.quotes = [by_key[key] for key in self.keys]
        self.automaton = ahocorasick_rs.AhoCorasick(self.keys) if self.keys else None

    def scan(self, first: str, last: str) -> list[tuple[str, str]]:
        """(folded quote, source id) for each quote standing in a source from `first` to `last`."""
        found: set[tuple[str, str]] = set()
        if self.automaton is None:
            return []
        for source_id, text, *_ in _texts(self.engine, first, last):
            folded = fold(text)
            for key, start, _ in self.automaton.find_matches_as_indexes(folded, overlapping=True):
                for quote in self.quotes[key]:
                    if folded.startswith(quote, start):
                        found.add((quote, source_id))
        return sorted(found)


_reader: Reader | None = None
_search: Search | None = None


def _start_reader(url: str, today: date, reverify_days: int) -> None:
    global _reader
    _reader = Reader(open_engine(url), today, reverify_days)


def _start_search(url: str, quotes: list[str]) -> None:
    global _search
    _search = Search(open_engine(url), quotes)


def _examine(first: str, last: str) -> Examined:
    assert _reader is not None, "_start_reader runs first"
    return _reader.examine(first, last)


def _scan(first: str, last: str) -> list[tuple[str, str]]:
    assert _search is not None, "_start_search runs first"
    return _search.scan(first, last)


def _stop() -> None:
    global _reader, _search
    for state in (_reader, _search):
        if state is not None:
            state.engine.dispose()
    _reader = _search = None


def _over(
    ranges: Sequence[tuple[str, str]],
    work: Callable[[str, str], T],
    start: Callable[..., None],
    args: tuple[Any, ...],
    parts: int,
) -> Iterator[T]:
    """`work` over each range, in order: in `parts` worker processes each set up by `start`, or
    in this one."""
    if not ranges:
        return
    firsts, lasts = zip(*ranges, strict=True)
    if parts > 1:
        with parallel.pool(parts, start, args) as pool:
            yield from pool.map(work, firsts, lasts)
        return
    start(*args)
    try:
        yield from map(work, firsts, lasts)
    finally:
        _stop()


# --- the audit ----------------------------------------------------------------------------------


def _chunks(ids: Sequence[str], parts: int) -> list[tuple[str, str]]:
    size = -(-len(ids) // parts)
    return [(ids[i], ids[min(i + size, len(ids)) - 1]) for i in range(0, len(ids), size)]


def quote_findings(fact: QuoteFact, pledge: PledgeFacts, context: Context) -> Iterator[Finding]:
    """Every quote check on one quote, in registry order."""
    for check in CHECKS:
        if check.scope == "quote":
            yield from check.run(fact, pledge, context)


def audit(
    db: str | None,
    *,
    today: date | None = None,
    reverify_days: int = REVERIFY_DAYS,
    workers: int | None = None,
) -> Report:
    """Audit the register at `db` (a URL or path; None for the default)."""
    today = today or date.today()
    with opened(db) as engine:
        url = engine.url.render_as_string(hide_password=False)
        with engine.connect() as conn:
            ids = list(conn.scalars(select(SourceRow.id).order_by(SourceRow.id)))
            quotes = conn.scalar(select(func.count()).select_from(EvidenceRow)) or 0
        cores = workers or min(os.cpu_count() or 1, 4)
        parts = cores if quotes >= PARALLEL_FROM and cores > 1 and parallel.forking() else 1
        ranges = _chunks(ids, parts * CHUNKS_PER_WORKER) if ids else []

        findings: list[Finding] = []
        missing: list[QuoteFact] = []
        support: dict[str, list[Support]] = defaultdict(list)
        sources: list[SourceFacts] = []
        examined = 0
        for part in _over(ranges, _examine, _start_reader, (url, today, reverify_days), parts):
            findings.extend(part.findings)
            missing.extend(part.missing)
            for pledge_id, lent in part.support:
                support[intern(pledge_id)].append(lent)
            sources.extend(part.sources)
            examined += part.quotes

        wanted: dict[str, list[int]] = defaultdict(list)
        for index, fact in enumerate(missing):
            if needle := fold(fact.cited.quote):
                wanted[needle].append(index)
        holders: dict[int, set[str]] = defaultdict(set)
        with ThreadPoolExecutor(1) as loader:
            # The pledges are read meanwhile, once the workers have started: not before, as a
            # process is not forked while a thread of it may hold a lock, and the workers need
            # not share them.
            loading: Future[dict[str, PledgeFacts]] | None = None
            search = _over(ranges, _scan, _start_search, (url, list(wanted)), parts)
            for found in search if wanted else ():
                loading = loading or loader.submit(_pledges, engine)
                for needle, source_id in found:
                    for index in wanted[needle]:
                        if missing[index].cited.source_id != source_id:
                            holders[index].add(source_id)
            pledges = loading.result() if loading else _pledges(engine)

    context = Context(today, reverify_days, {s.id: s for s in sources})
    for index, fact in enumerate(missing):
        if index in holders:
            fact = replace(fact, elsewhere=tuple(sorted(holders[index])))
        findings.extend(quote_findings(fact, pledges[fact.cited.pledge_id], context))
    findings.extend(other_findings(list(pledges.values()), support, sources, context))
    return Report.of(findings, pledges=len(pledges), quotes=examined, sources=len(sources))


def other_findings(
    pledges: Sequence[PledgeFacts],
    support: dict[str, list[Support]],
    sources: Sequence[SourceFacts],
    context: Context,
) -> Iterator[Finding]:
    """The pledge, source and register checks, in registry order."""
    for check in CHECKS:
        if check.scope == "pledge":
            for pledge in pledges:
                yield from check.run(pledge, support.get(pledge.id, ()), context)
        elif check.scope == "source":
            for source in sources:
                yield from check.run(source, context)
        elif check.scope == "register":
            yield from check.run(pledges, context)
