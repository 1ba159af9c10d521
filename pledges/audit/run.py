"""Running the audit over a database: read each article once, then apply every check.

The audit reads the register through pledges.records (named tuples, not ORM objects or pydantic
models: a register of 100,000 pledges would spend most of its time building them), and keeps
little:

1. The sources are cut into chunks in id order. Each chunk's articles are read once, with the
   quotes that cite them and those quotes' pledges, and the quote checks run there. What comes
   back is small: the findings, the quotes not found in their source, and for each quote that
   counts, the few fields the pledge checks need (checks.Support).
2. A second pass over the articles looks for every quote not found in its source in all the other
   sources at once (an Aho-Corasick automaton), so that the message can name the source that
   holds it. The quote checks of those quotes run then.
3. The pledge and register checks run over every pledge as it is read, a range at a time; the
   source checks run last.

On a large register both passes are shared between worker processes, one per core (started by
pledges.parallel, which sees to it that they end with this process).
"""

from __future__ import annotations

import os
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from itertools import tee
from sys import intern
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Engine, func, select

from pledges import parallel, progress, records
from pledges.audit.actors import ActorMatcher
from pledges.audit.checks import CHECKS, Context, SourceFacts, Support
from pledges.audit.facts import QuoteFact, examine
from pledges.audit.findings import Finding, Report
from pledges.audit.selection import Selection
from pledges.audit.speakers import Speech
from pledges.db import open_engine, opened
from pledges.models import EvidenceRow, PledgeRow, SourceRow
from pledges.records import EvidenceRecord, PledgeRecord
from pledges.textmatch import Article, fold
from pledges.vocab import REVERIFY_DAYS

CHUNKS_PER_WORKER = 8  # small chunks keep each worker's memory small and the cores busy
PLEDGES_AT_ONCE = 1_000  # pledges read at a time for the pledge and register checks

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


def _ranges(ids: Sequence[str], size: int) -> list[tuple[str, str]]:
    """(first, last) of each run of `size` ids (sorted), in order."""
    return [(ids[i], ids[min(i + size, len(ids)) - 1]) for i in range(0, len(ids), size)]


def _by_source(evidence: Iterable[EvidenceRecord]) -> dict[str, list[EvidenceRecord]]:
    """The evidence, by the source it cites. A source's evidence shares one string for the
    source's id, not one each: the findings and support sent back hold it, for every quote."""
    by_source: dict[str, list[EvidenceRecord]] = {}
    for item in evidence:
        cited = by_source.get(item.source_id)
        if cited is None:
            by_source[item.source_id] = [item]
        else:
            cited.append(item._replace(source_id=cited[0].source_id))
    return by_source


def _every_pledge(engine: Engine) -> Iterator[PledgeRecord]:
    """Every pledge, in id order, read PLEDGES_AT_ONCE at a time: a register's worth of them is
    never held at once."""
    with engine.connect() as conn:
        ids = conn.scalars(select(PledgeRow.id).order_by(PledgeRow.id)).all()
        progress.stage("checking the pledges", total=len(ids))
        for first, last in _ranges(ids, PLEDGES_AT_ONCE):
            yield from records.pledges(conn, PledgeRow.id.between(first, last))


@dataclass
class Checked:
    """What the checks over every pledge leave: their findings, how many pledges there are, and
    the pledges that the quote checks still to run need."""

    findings: list[Finding]
    count: int
    kept: dict[str, PledgeRecord]


def _pledge_checks(
    engine: Engine,
    support: dict[str, list[Support]],
    context: Context,
    wanted: set[str],
    selected: set[str] | None = None,
) -> Checked:
    """The pledge and register checks over every pledge as it is read, keeping the pledges
    `wanted`. Each register check sees every pledge once; they share one pass when there is one
    (with more, `tee` keeps the pledges the later ones have not seen yet). With `selected`, only
    those pledges are checked and counted, and only findings about them are kept."""
    out = Checked([], 0, {})
    by_pledge = [check for check in CHECKS if check.scope == "pledge"]
    of_register = [check for check in CHECKS if check.scope == "register"]

    def checked() -> Iterator[PledgeRecord]:
        for pledge in _every_pledge(engine):
            if selected is not None and pledge.id not in selected:
                yield pledge  # seen by the register checks only
                continue
            out.count += 1
            progress.advance()
            for check in by_pledge:
                out.findings.extend(check.run(pledge, support.get(pledge.id, ()), context))
            if pledge.id in wanted:
                out.kept[pledge.id] = pledge
            yield pledge

    passes = tee(checked(), max(1, len(of_register)))
    for check, pledges in zip(of_register, passes, strict=False):
        found = check.run(pledges, context)
        out.findings.extend(f for f in found if selected is None or f.pledge_id in selected)
    deque(passes[0], maxlen=0)  # to the end, whatever the register checks read
    return out


# --- the two passes, as run in each process -----------------------------------------------------


class Reader:
    """The first pass over a range of sources: one per process."""

    def __init__(
        self, url: str, today: date, reverify_days: int, only: Selection | None = None
    ) -> None:
        self.engine = open_engine(url)
        self.today, self.reverify_days, self.only = today, reverify_days, only
        with self.engine.connect() as conn:
            self.matcher = ActorMatcher(records.actors(conn).values())

    def examine(self, first: str, last: str) -> Examined:
        """Read the sources from `first` to `last` once, examine every quote that cites them,
        and run the quote checks on those found."""
        cites: ColumnElement[bool] = EvidenceRow.source_id.between(first, last)
        read: ColumnElement[bool] = SourceRow.id.between(first, last)
        if self.only is not None:
            cites = cites & self.only.pledge_ids(EvidenceRow.pledge_id)
            read = read & self.only.source_ids(SourceRow.id)
        facts: list[QuoteFact] = []
        sources: list[SourceFacts] = []
        with self.engine.connect() as conn:
            cited = _by_source(records.evidence(conn, cites, by_source=True))
            citing = PledgeRow.id.in_(select(EvidenceRow.pledge_id).where(cites))
            pledges = {pledge.id: pledge for pledge in records.pledges(conn, citing)}
            for source in records.sources(conn, read):
                sources.append(SourceFacts.of(source))
                article = Article(source.text)
                speech = Speech(source.text, self.matcher)
                facts.extend(
                    examine(item, article, self.matcher, speech=speech,
                            several=len(pledges[item.pledge_id].actors) > 1)
                    for item in cited.get(source.id, ())
                )  # fmt: skip
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

    def __init__(self, url: str, quotes: Iterable[str]) -> None:
        import ahocorasick_rs

        self.engine = open_engine(url)
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
        with self.engine.connect() as conn:
            for source in records.sources(conn, SourceRow.id.between(first, last)):
                folded = fold(source.text)
                matches = self.automaton.find_matches_as_indexes(folded, overlapping=True)
                for key, start, _ in matches:
                    for quote in self.quotes[key]:
                        if folded.startswith(quote, start):
                            found.add((quote, source.id))
        return sorted(found)


_worker: Reader | Search | None = None  # what a worker process (or this one) works with


def _start(make: Callable[..., Reader | Search], *args: Any) -> None:
    global _worker
    _worker = make(*args)


def _examine(first: str, last: str) -> Examined:
    assert isinstance(_worker, Reader), "_start(Reader, ...) runs first"
    return _worker.examine(first, last)


def _scan(first: str, last: str) -> list[tuple[str, str]]:
    assert isinstance(_worker, Search), "_start(Search, ...) runs first"
    return _worker.scan(first, last)


def _over(
    ranges: Sequence[tuple[str, str]],
    work: Callable[[str, str], T],
    make: Callable[..., Reader | Search],
    args: tuple[Any, ...],
    parts: int,
) -> Iterator[T]:
    """`work` over each range, in order: in `parts` worker processes each set up with
    `make(*args)`, or in this one."""
    global _worker
    if not ranges:
        return
    firsts, lasts = zip(*ranges, strict=True)
    if parts > 1:
        with parallel.pool(parts, _start, (make, *args)) as pool:
            yield from pool.map(work, firsts, lasts)
        return
    _start(make, *args)
    try:
        yield from map(work, firsts, lasts)
    finally:
        if _worker is not None:
            _worker.engine.dispose()
        _worker = None


# --- the audit ----------------------------------------------------------------------------------


def quote_findings(fact: QuoteFact, pledge: PledgeRecord, context: Context) -> Iterator[Finding]:
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
    parallel_from: int = 20_000,
    only: Selection | None = None,
) -> Report:
    """Audit the register at `db` (a URL or path; None for the default), or `only` what that
    selects. Its articles are read by `workers` processes (default: one per core, four at most)
    when it holds `parallel_from` quotes or more: below that, starting them costs more than they
    save."""
    today = today or date.today()
    with opened(db) as engine:
        url = engine.url.render_as_string(hide_password=False)
        with engine.connect() as conn:
            every = list(conn.scalars(select(SourceRow.id).order_by(SourceRow.id)))
            quoting = select(func.count()).select_from(EvidenceRow)
            ids, selected = every, None
            if only is not None:
                ids, selected = only.read(conn)
                quoting = quoting.where(only.pledge_ids(EvidenceRow.pledge_id))
            quotes = conn.scalar(quoting) or 0
        cores = workers or min(os.cpu_count() or 1, 4)
        parts = cores if quotes >= parallel_from and cores > 1 and parallel.forking() else 1
        chunks = parts * CHUNKS_PER_WORKER
        ranges = _ranges(ids, -(-len(ids) // chunks)) if ids else []
        # A quote not found where it is cited is looked for in every source, selected or not.
        searched = _ranges(every, -(-len(every) // chunks)) if every and only else ranges

        findings: list[Finding] = []
        missing: list[QuoteFact] = []
        support: dict[str, list[Support]] = defaultdict(list)
        sources: list[SourceFacts] = []
        examined = 0
        progress.stage("reading the articles", total=len(ids))
        for part in _over(ranges, _examine, Reader, (url, today, reverify_days, only), parts):
            progress.advance(len(part.sources))
            findings.extend(part.findings)
            missing.extend(part.missing)
            for pledge_id, lent in part.support:
                support[intern(pledge_id)].append(lent)
            sources.extend(part.sources)
            examined += part.quotes

        context = Context(today, reverify_days, {s.id: s for s in sources})
        wanted: dict[str, list[int]] = defaultdict(list)
        for index, fact in enumerate(missing):
            if needle := fold(fact.cited.quote):
                wanted[needle].append(index)
        holders: dict[int, set[str]] = defaultdict(set)
        progress.stage("looking for misplaced quotes in every article", total=len(searched))
        for found in _over(searched, _scan, Search, (url, list(wanted)), parts) if wanted else ():
            progress.advance()
            for needle, source_id in found:
                for index in wanted[needle]:
                    if missing[index].cited.source_id != source_id:
                        holders[index].add(source_id)
        # Once the workers are done: while they run, this process holds little (measured: the
        # checks run beside them saved 5 % of the time and cost a quarter more memory at peak).
        checked = _pledge_checks(
            engine, support, context, {f.cited.pledge_id for f in missing}, selected
        )

    findings.extend(checked.findings)
    for index, fact in enumerate(missing):
        if index in holders:
            fact = replace(fact, elsewhere=tuple(sorted(holders[index])))
        findings.extend(quote_findings(fact, checked.kept[fact.cited.pledge_id], context))
    for check in CHECKS:
        if check.scope == "source":
            for source in sources:
                findings.extend(check.run(source, context))
    return Report.of(findings, pledges=checked.count, quotes=examined, sources=len(sources))
