"""The confidence a pledge's evidence earns (DESIGN.md), computed the same way everywhere.

Only evidence that counts is considered: its quote stands in its source, it is ranked above
`deprecated`, and its stance is `supports`. Publishers are independent when they differ; an
unknown publisher is independent of nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from pledges.schema import EvidenceIn, Source
from pledges.textmatch import find
from pledges.vocab import Confidence, Rank, SourceKind, Stance


def counts(evidence: EvidenceIn, source: Source | None) -> bool:
    return (
        source is not None
        and evidence.rank is not Rank.DEPRECATED
        and find(evidence.quote, source.text) is not None
    )


def earned(evidence: Iterable[EvidenceIn], sources: Mapping[str, Source]) -> Confidence | None:
    """The highest confidence the evidence supports; None when no quote counts at all."""
    supporting: list[tuple[SourceKind, str | None]] = []
    contradicted = False
    for item in evidence:
        source = sources.get(item.source_id)
        if source is None or not counts(item, source):
            continue
        if item.stance is Stance.SUPPORTS:
            supporting.append((source.kind, source.publisher))
        else:
            contradicted = True
    return grade(supporting, contradicted=contradicted)


def grade(
    supporting: Sequence[tuple[SourceKind, str | None]], *, contradicted: bool
) -> Confidence | None:
    """The rules themselves, over the (kind, publisher) of each source whose supporting quote
    counts, and whether any counting quote contradicts the pledge."""
    if not supporting:
        return None
    publishers = {publisher.casefold() for _, publisher in supporting if publisher}
    official = [publisher for kind, publisher in supporting if kind is SourceKind.OFFICIAL]
    official_known = any(official)
    if not contradicted and (len(publishers) >= 3 or (official_known and len(publishers) >= 2)):
        return Confidence.HIGH
    if official or len(publishers) >= 2:
        return Confidence.MEDIUM
    return Confidence.LOW
