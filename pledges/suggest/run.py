"""Suggesting over the register: read the sources asked for, each once, and list the candidates
each states, best first, with those a pledge already cites marked.

A candidate is "already in the register" when a piece of evidence that is not deprecated cites
its source with a quote whose span (found exactly, or by its longest run of plain words:
`_cited`) overlaps the candidate's by at least half of the shorter of the two. `--all` leaves
such candidates out, unread; naming a source shows them, marked. A candidate with the actors,
kind and target year of a pledge of the register says so in its reasons.

Over many sources the work is shared between worker processes, one per core up to four
(pledges.parallel), each reading chunks of source ids with the actors, the register's targets
and the evidence that cites them.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, select

from pledges import parallel, progress, records
from pledges.audit.actors import ActorMatcher
from pledges.db import open_engine, opened
from pledges.models import EvidenceRow, PledgeActorRow, PledgeRow, SourceRow
from pledges.suggest.reading import Candidate, Reader, overlap
from pledges.suggest.scoring import MIN_SCORE
from pledges.vocab import Rank

CHUNKS_PER_WORKER = 8
_PLAIN_RUN = re.compile(r"[A-Za-z0-9 ,.;]+|[^\x00-\u2fff\W]+")  # words with no quote or dash
_LEAST_RUN = 20  # characters of such a run that tell a passage apart
PARALLEL_FROM = 200  # sources: below this, starting workers costs more than they save


@dataclass(frozen=True)
class Suggested:
    """A source's candidates, best first."""

    source_id: str
    title: str
    candidates: list[Candidate]


def _cited(text: str, quotes: Sequence[tuple[str, str]]) -> list[tuple[int, int, str]]:
    """(start, end, pledge id) of each quote that stands in `text`: exactly, or, for one typed
    with other marks (straight quotes, hyphens for dashes), where its longest run of plain words
    stands, stretched to the quote's length (a passage cited, for telling which candidates a
    pledge cites: not a quote located for the audit). An elided quote cites no passage here."""
    spans = []
    for pledge_id, quote in quotes:
        exact = quote.strip()
        at = text.find(exact) if exact else -1
        if at >= 0:
            spans.append((at, at + len(exact), pledge_id))
            continue
        runs = _PLAIN_RUN.findall(exact)
        longest = max(runs, key=len, default="")
        at = text.find(longest) if len(longest) >= _LEAST_RUN else -1
        if at >= 0 and text.find(longest, at + 1) < 0:
            start = max(0, at - exact.find(longest))
            spans.append((start, min(len(text), start + len(exact)), pledge_id))
    return spans


def mark(
    candidates: list[Candidate],
    cited: list[tuple[int, int, str]],
    kinds: dict[str, str],
    *,
    leave_out: bool,
) -> list[Candidate]:
    """The candidates, each that a pledge already cites marked with the pledge (one of its kind
    first, when several cite the passage), or left out."""
    kept = []
    for candidate in candidates:
        citing = [p for start, end, p in cited
                  if overlap((start, end), (candidate.start, candidate.end)) >= 0.5]  # fmt: skip
        alike = [p for p in citing if kinds.get(p) == candidate.kind.value]
        pledge = next(iter(alike or citing), None)
        if pledge is None:
            kept.append(candidate)
        elif not leave_out:
            kept.append(replace(candidate, existing_pledge_id=pledge))
    return kept


Target = tuple[str, str, int]  # (actors, sorted and joined, kind, target year) of a pledge


def _targets(conn: Connection) -> dict[Target, list[str]]:
    """The register's pledges with a target year, by their actors, kind and year: read in one
    pass of one query, holding no more than the keys."""
    query = (
        select(PledgeRow.id, PledgeRow.kind, PledgeRow.target_year, PledgeActorRow.actor_id)
        .join(PledgeActorRow, PledgeActorRow.pledge_id == PledgeRow.id)
        .where(PledgeRow.target_year.is_not(None))
        .order_by(PledgeRow.id)
    )
    found: dict[Target, list[str]] = defaultdict(list)
    current: tuple[str, str, int] | None = None
    actors: list[str] = []
    for pledge, kind, year, actor in conn.execute(query):
        if current is not None and current[0] != pledge:
            found[_key(actors, current[1], current[2])].append(current[0])
            actors = []
        current = (pledge, str(kind), int(year or 0))  # (none is None: the query says so)
        actors.append(actor)
    if current is not None:
        found[_key(actors, current[1], current[2])].append(current[0])
    return found


def _key(actors: Sequence[str], kind: str, year: int) -> Target:
    return ";".join(sorted(actors)), kind, year


def _likened(candidate: Candidate, targets: dict[Target, list[str]]) -> Candidate:
    """A candidate whose actors, kind and year a pledge of the register has, with a reason that
    says so (its passage is evidence for that pledge, not a new one)."""
    if candidate.existing_pledge_id is not None or candidate.target_year is None:
        return candidate
    alike = targets.get(_key(candidate.actors, candidate.kind.value, candidate.target_year))
    if not alike or not candidate.actors:
        return candidate
    said = f"like {', '.join(alike[:3])} (the same actors, kind and year): cite it there"
    return replace(candidate, reasons=(*candidate.reasons, said))


def alike(candidate: Candidate) -> bool:
    """Whether a candidate is like a pledge the register has (`_likened`)."""
    return any(reason.startswith("like ") for reason in candidate.reasons)


class _Worker:
    """What reads a range of sources: the register's actors, and its connection."""

    def __init__(self, url: str, min_score: float, leave_out: bool) -> None:
        self.engine = open_engine(url)
        self.min_score, self.leave_out = min_score, leave_out
        with self.engine.connect() as conn:
            self.matcher = ActorMatcher(records.actors(conn).values())
            self.targets = _targets(conn)

    def read(self, ids: Sequence[str]) -> list[Suggested]:
        found = []
        with self.engine.connect() as conn:
            quotes: dict[str, list[tuple[str, str]]] = defaultdict(list)
            cited = EvidenceRow.source_id.in_(ids) & (EvidenceRow.rank != Rank.DEPRECATED)
            for item in records.evidence(conn, cited, by_source=True):
                quotes[item.source_id].append((item.pledge_id, item.quote))
            kinds: dict[str, str] = {}
            if not self.leave_out:  # (to tell which pledge a marked candidate is)
                citing = select(EvidenceRow.pledge_id).where(cited)
                query = select(PledgeRow.id, PledgeRow.kind).where(PledgeRow.id.in_(citing))
                kinds = {pledge: str(kind) for pledge, kind in conn.execute(query)}
            for source in records.sources(conn, SourceRow.id.in_(ids)):
                spans = _cited(source.text, quotes[source.id]) if quotes[source.id] else []
                skip = [(start, end) for start, end, _ in spans] if self.leave_out else []
                reader = Reader(source.text, self.matcher)
                candidates = [c for c in reader.candidates(self.min_score, skip)
                              if c.score >= self.min_score]  # fmt: skip
                if candidates and spans:
                    candidates = mark(candidates, spans, kinds, leave_out=self.leave_out)
                candidates = [_likened(c, self.targets) for c in candidates]
                found.append(Suggested(source.id, source.title, candidates))
        return found


_worker: _Worker | None = None


def _start(*args: Any) -> None:
    global _worker
    _worker = _Worker(*args)


def _read(ids: Sequence[str]) -> list[Suggested]:
    assert _worker is not None, "_start runs first"
    return _worker.read(ids)


def suggest(
    db: str | None,
    source_ids: Sequence[str] | None,
    *,
    min_score: float = MIN_SCORE,
    workers: int | None = None,
) -> Iterator[Suggested]:
    """The candidates of each source named (None: of every source, leaving out those a pledge
    already cites), in the order named (by id for every source)."""
    global _worker
    with opened(db) as engine:
        url = engine.url.render_as_string(hide_password=False)
        if source_ids is None:
            with engine.connect() as conn:
                ids = list(conn.scalars(select(SourceRow.id).order_by(SourceRow.id)))
        else:
            ids = list(source_ids)
    leave_out = source_ids is None
    cores = workers or min(os.cpu_count() or 1, 4)
    parts = cores if len(ids) >= PARALLEL_FROM and cores > 1 and parallel.forking() else 1
    size = max(1, -(-len(ids) // (parts * CHUNKS_PER_WORKER)))
    chunks = [ids[i : i + size] for i in range(0, len(ids), size)]
    progress.stage("reading the sources", total=len(ids))
    if parts > 1:
        with parallel.pool(parts, _start, (url, min_score, leave_out)) as pool:
            for part in pool.map(_read, chunks):
                progress.advance(len(part))
                yield from part
        return
    try:
        _start(url, min_score, leave_out)
        for chunk in chunks:
            part = _read(chunk)
            progress.advance(len(part))
            yield from sorted(part, key=lambda s: chunk.index(s.source_id))
    finally:
        if _worker is not None:
            _worker.engine.dispose()
        _worker = None
