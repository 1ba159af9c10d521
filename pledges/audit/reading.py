"""Reading articles, in this process or in worker processes: each text's sha256, the aliases
changed since the last audit that stand in it, and the facts of the quotes to examine in it
(pledges.audit.facts, each article read once); and the search of every article for the quotes
not found where they are cited.

Workers are started by fork (pledges.parallel): what they work with (a Job) is inherited, not
sent; what comes back is small.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from pledges import parallel
from pledges.audit import inventory, store
from pledges.audit.checks import CHECKS
from pledges.audit.findings import Finding
from pledges.audit.inventory import fact_key, lowered
from pledges.audit.register import Register, opened
from pledges.audit.registry import Context, SourceFacts, Support
from pledges.fingerprint import text_sha256

if TYPE_CHECKING:
    from pledges.audit.facts import QuoteFact
    from pledges.records import EvidenceRecord, PledgeRecord

CHUNKS_PER_WORKER = 8  # small chunks keep each worker's memory small and the cores busy

T = TypeVar("T")


def chunks(ids: Sequence[str], parts: int) -> list[list[str]]:
    """The ids cut into runs in order, CHUNKS_PER_WORKER for each of `parts` processes."""
    if not ids:
        return []
    size = -(-len(ids) // (parts * CHUNKS_PER_WORKER))
    return [list(ids[i : i + size]) for i in range(0, len(ids), size)]


def texts(register: Register, ids: Sequence[str], span: bool) -> Iterator[tuple[str, str]]:
    """(id, text) of these sources (`span`: every one from the first to the last), in id
    order."""
    condition, params = inventory.among(register, "id", ids, span=span)
    yield from register.stream(
        f"SELECT id, text FROM sources WHERE {condition} ORDER BY id", params
    )


# --- what the worker processes do --------------------------------------------------------------


@dataclass
class Job:
    """What each process reading articles works with (inherited by the workers at the fork)."""

    url: str
    actors: list[Any]
    today: date
    days: int
    renamed: list[str] = field(default_factory=list)  # aliases changed since (lowered)
    stamp: str = ""  # the stamp of a source read now for the first time (with every quote)
    # The quotes to examine, by source; with `whole`, every quote citing each source read,
    # read with it (and its pledge) by the process that reads it.
    todo: dict[str, list[EvidenceRecord]] = field(default_factory=dict)
    whole: bool = False
    span: bool = True  # each chunk read is every source from its first to its last
    keys: dict[int, str] = field(default_factory=dict)  # evidence id -> the key of its facts
    texts: dict[str, str] = field(default_factory=dict)  # source id -> the sha256 keys assume
    pledges: dict[str, PledgeRecord] = field(default_factory=dict)
    sources: Mapping[str, SourceFacts] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._matcher: Any = None
        self._renamed: Any = None

    def touched(self, text: str) -> bool:
        """Whether a text holds one of the aliases changed since the last audit: as it stands,
        or with its runs of whitespace made one space, as a speaker's words are read
        (pledges.audit.speakers)."""
        if not self.renamed:
            return False
        if self._renamed is None:
            import ahocorasick_rs

            self._renamed = ahocorasick_rs.AhoCorasick(self.renamed)
        low = lowered(text)
        return any(
            self._renamed.find_matches_as_indexes(variant, overlapping=True)
            for variant in (low, " ".join(low.split()))
        )

    def matcher(self) -> Any:
        if self._matcher is None:
            from pledges.audit.actors import ActorMatcher

            self._matcher = ActorMatcher(self.actors)
        return self._matcher


@dataclass
class Examined:
    """What reading one chunk of sources yields."""

    # (id, its text's sha256, whether it holds an alias changed since the last audit)
    states: list[tuple[str, str, bool]] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)  # (key, JSON) of those examined
    findings: list[Finding] = field(default_factory=list)  # quote checks of those found
    missing: list[QuoteFact] = field(default_factory=list)  # not found: checked after search
    support: list[tuple[str, Support]] = field(default_factory=list)  # (pledge id, support)


def quote_findings(fact: QuoteFact, pledge: PledgeRecord, context: Context) -> Iterator[Finding]:
    """Every quote check on one quote, in registry order."""
    for check in CHECKS:
        if check.scope == "quote":
            yield from check.run(fact, pledge, context)


def sort_fact(fact: QuoteFact, pledge: PledgeRecord, context: Context, into: Examined) -> None:
    """A quote's facts into what is checked now (found) and what waits for the search."""
    if not fact.located:
        into.missing.append(fact)
        return
    into.findings.extend(quote_findings(fact, pledge, context))
    lent = Support.of(fact)
    if lent is not None:
        into.support.append((fact.cited.pledge_id, lent))


class Reader:
    """Reads a chunk of sources: each text's digest and stamp, and the quotes to examine."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.context = Context(job.today, job.days, job.sources)

    def read(self, ids: list[str]) -> Examined:
        from pledges.audit.facts import examine

        job, out = self.job, Examined()
        with opened(job.url) as register:
            todo_by_source, pledges = job.todo, job.pledges
            if job.whole:
                todo_by_source = inventory.citing(register, ids, span=job.span)
                citing = {e.pledge_id for items in todo_by_source.values() for e in items}
                pledges = inventory.pledges(register, citing, evidence=False).records
            for source_id, text in texts(register, ids, job.span):
                sha = text_sha256(text)
                out.states.append((source_id, sha, job.touched(text)))
                todo = todo_by_source.get(source_id)
                if not todo:
                    continue
                from pledges.audit.speakers import Speech
                from pledges.textmatch import Article

                article, matcher = Article(text), job.matcher()
                speech = Speech(text, matcher)
                for item in todo:
                    pledge = pledges[item.pledge_id]
                    several = len(pledge.actors) > 1
                    fact = examine(item, article, matcher, speech=speech, several=several)
                    key = job.keys.get(item.id) or fact_key(item.quote, sha, job.stamp, several)
                    if item.id not in job.keys or job.texts.get(source_id) == sha:
                        out.facts.append((key, store.fact_json(fact)))  # (not when the text
                    # changed since its key was made: those facts are not the key's)
                    sort_fact(fact, pledge, self.context, out)
        return out


class Search:
    """Which sources hold any of the quotes not found where they are cited.

    An automaton of whole quotes would cost about 3.7 KB a quote in each worker (73 MB for
    20,000 quotes). This one holds the first KEY characters of each quote (ahocorasick-rs,
    in Rust); where one stands, the quotes that begin so are compared in full."""

    KEY = 48

    def __init__(self, url: str, quotes: Iterable[str], span: bool = False) -> None:
        import ahocorasick_rs

        self.url, self.span = url, span
        by_key: dict[str, list[str]] = defaultdict(list)
        for quote in quotes:
            by_key[quote[: self.KEY]].append(quote)
        self.keys = list(by_key)
        self.quotes = [by_key[key] for key in self.keys]
        self.automaton = ahocorasick_rs.AhoCorasick(self.keys) if self.keys else None

    def scan(self, ids: list[str]) -> list[tuple[str, str]]:
        """(folded quote, source id) for each quote standing in one of these sources."""
        from pledges.textmatch import fold

        found: set[tuple[str, str]] = set()
        if self.automaton is None:
            return []
        with opened(self.url) as register:
            for source_id, text in texts(register, ids, self.span):
                folded = fold(text)
                matches = self.automaton.find_matches_as_indexes(folded, overlapping=True)
                for key, start, _ in matches:
                    for quote in self.quotes[key]:
                        if folded.startswith(quote, start):
                            found.add((quote, source_id))
        return sorted(found)


_worker: Reader | Search | None = None  # what a worker process (or this one) works with


def _start(make: Callable[..., Reader | Search], *args: Any) -> None:
    global _worker
    _worker = make(*args)


def read(ids: list[str]) -> Examined:
    assert isinstance(_worker, Reader), "_start(Reader, ...) runs first"
    return _worker.read(ids)


def scan(ids: list[str]) -> list[tuple[str, str]]:
    assert isinstance(_worker, Search), "_start(Search, ...) runs first"
    return _worker.scan(ids)


def over(
    chunks: Sequence[list[str]],
    work: Callable[[list[str]], T],
    make: Callable[..., Reader | Search],
    args: tuple[Any, ...],
    parts: int,
) -> Iterator[T]:
    """`work` over each chunk, in order: in `parts` worker processes each set up with
    `make(*args)`, or in this one."""
    global _worker
    if not chunks:
        return
    if parts > 1 and len(chunks) > 1:
        with parallel.pool(parts, _start, (make, *args)) as pool:
            yield from pool.map(work, chunks)
        return
    _start(make, *args)
    try:
        yield from map(work, chunks)
    finally:
        _worker = None
