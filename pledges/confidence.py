"""The confidence a pledge's evidence earns, computed here and only here.

The rules: `low` needs one supporting quote that counts; `medium` an official source or two
independent publishers; `high` an official source and an independent publisher, or three
independent publishers, and no contradicting quote that counts. Evidence counts when its quote
stands in its source and it is ranked above `deprecated`. Publishers are independent when they
differ (case aside); an unknown publisher is independent of nothing.

    earned(evidence, sources)   from evidence as recorded (each quote is looked up in its source)
    grade(counted)              from the (stance, source) of each piece of evidence that counts,
                                where the caller has already found what counts (the audit)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

from pledges.schema import EvidenceIn, Source
from pledges.textmatch import find
from pledges.vocab import Confidence, Rank, SourceKind, Stance


class Weighed(Protocol):
    """A source as the rules weigh it."""

    @property
    def kind(self) -> SourceKind: ...

    @property
    def publisher(self) -> str | None: ...


def counts(evidence: EvidenceIn, source: Source) -> bool:
    return evidence.rank is not Rank.DEPRECATED and find(evidence.quote, source.text) is not None


def earned(evidence: Iterable[EvidenceIn], sources: Mapping[str, Source]) -> Confidence | None:
    """The highest confidence the evidence supports; None when no supporting quote counts."""
    counted: list[tuple[Stance, Weighed]] = []
    for item in evidence:
        source = sources.get(item.source_id)
        if source is not None and counts(item, source):
            counted.append((item.stance, source))
    return grade(counted)


def grade(counted: Iterable[tuple[Stance, Weighed]]) -> Confidence | None:
    """The rules themselves, over the stance of each piece of evidence that counts and the
    source it cites: None when none supports the pledge."""
    supporting: list[Weighed] = []
    contradicted = False
    for stance, source in counted:
        if stance is Stance.SUPPORTS:
            supporting.append(source)
        else:
            contradicted = True
    if not supporting:
        return None
    publishers = {source.publisher.casefold() for source in supporting if source.publisher}
    official = [source.publisher for source in supporting if source.kind is SourceKind.OFFICIAL]
    official_known = any(official)
    if not contradicted and (len(publishers) >= 3 or (official_known and len(publishers) >= 2)):
        return Confidence.HIGH
    if official or len(publishers) >= 2:
        return Confidence.MEDIUM
    return Confidence.LOW
