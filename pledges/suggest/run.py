"""Suggesting over the register: read the sources asked for, each once, and list the candidates
each states, best first, with those a pledge already cites marked.

A candidate is "already in the register" when a piece of evidence that is not deprecated cites
its source with a quote whose span (pledges.textmatch: exactly, or after normalisation) overlaps
the candidate's by at least half of the shorter of the two. `--all` leaves such candidates out;
naming a source shows them, marked.

Over many sources the work is shared between worker processes, one per core (pledges.parallel),
each reading a range of source ids with the actors and the evidence that cites them.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select

from pledges import parallel, progress, records
from pledges.audit.actors import ActorMatcher
from pledges.db import open_engine, opened
from pledges.models import EvidenceRow, SourceRow
from pledges.suggest.reading import Candidate, Reader
from pledges.suggest.scoring import MIN_SCORE
from pledges.textmatch import Article
from pledges.vocab import Rank

CHUNKS_PER_WORKER = 8
PARALLEL_FROM = 200  # sources: below this, starting workers costs more than they save


@dataclass(frozen=True)
class Suggested:
    """A source's candidates, best first."""

    source_id: str
    title: str
    candidates: list[Candidate]


def overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    """How much two spans overlap, as a share of the shorter."""
    shared = min(a[1], b[1]) - max(a[0], b[0])
    shorter = min(a[1] - a[0], b[1] - b[0])
    return max(0, shared) / shorter if shorter > 0 else 0.0


def _cited(text: str, quotes: Sequence[tuple[str, str]]) -> list[tuple[int, int, str]]:
    """(start, end, pledge id) of each quote that stands in `text`."""
    article, spans = Article(text), []
    for pledge_id, quote in quotes:
        span = article.find(quote)
        if span is not None:
            spans.append((span.start, span.end, pledge_id))
    return spans


def mark(
    candidates: list[Candidate], cited: list[tuple[int, int, str]], *, leave_out: bool
) -> list[Candidate]:
    """The candidates, each that a pledge already cites marked with the pledge (or left out)."""
    kept = []
    for candidate in candidates:
        pledge = next(
            (p for start, end, p in cited
             if overlap((start, end), (candidate.start, candidate.end)) >= 0.5),
            None,
        )  # fmt: skip
        if pledge is None:
            kept.append(candidate)
        elif not leave_out:
            kept.append(replace(candidate, existing_pledge_id=pledge))
    return kept


class _Worker:
    """What reads a range of sources: the register's actors, and its connection."""

    def __init__(self, url: str, min_score: float, leave_out: bool) -> None:
        self.engine = open_engine(url)
        self.min_score, self.leave_out = min_score, leave_out
        with self.engine.connect() as conn:
            self.matcher = ActorMatcher(records.actors(conn).values())

    def read(self, ids: Sequence[str]) -> list[Suggested]:
        found = []
        with self.engine.connect() as conn:
            quotes: dict[str, list[tuple[str, str]]] = defaultdict(list)
            cited = EvidenceRow.source_id.in_(ids) & (EvidenceRow.rank != Rank.DEPRECATED)
            for item in records.evidence(conn, cited, by_source=True):
                quotes[item.source_id].append((item.pledge_id, item.quote))
            for source in records.sources(conn, SourceRow.id.in_(ids)):
                candidates = [
                    c
                    for c in Reader(source.text, self.matcher).candidates(self.min_score)
                    if c.score >= self.min_score
                ]
                if candidates and quotes[source.id]:
                    spans = _cited(source.text, quotes[source.id])
                    candidates = mark(candidates, spans, leave_out=self.leave_out)
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
    _start(url, min_score, leave_out)
    try:
        for chunk in chunks:
            part = _read(chunk)
            progress.advance(len(part))
            yield from sorted(part, key=lambda s: chunk.index(s.source_id))
    finally:
        if _worker is not None:
            _worker.engine.dispose()
        _worker = None
