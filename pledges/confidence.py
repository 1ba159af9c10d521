"""The confidence a pledge's evidence earns, computed here and only here.

The rules: `low` needs one supporting quote that counts; `medium` an official source or two
independent publishers; `high` an official source and an independent publisher, or three
independent publishers, and no contradicting quote that counts. Evidence counts when its quote
stands in its source and it is ranked above `deprecated`. Publishers are independent when they
differ (case aside); an unknown publisher is independent of nothing. `grade` takes the
(stance, source) of each piece of evidence that counts: the caller (the audit) finds what counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from pledges.vocab import Confidence, SourceKind, Stance


class Weighed(Protocol):
    """A source as the rules weigh it."""

    @property
    def kind(self) -> SourceKind: ...

    @property
    def publisher(self) -> str | None: ...


def grade(counted: Iterable[tuple[Stance, Weighed]]) -> Confidence | None:
    """The rules themselves, over the stance of each piece of evidence that counts and the
    source it cites: None when none supports the pledge."""
    pairs = list(counted)
    supporting = [source for stance, source in pairs if stance is Stance.SUPPORTS]
    contradicted = len(supporting) < len(pairs)
    if not supporting:
        return None
    publishers = {source.publisher.casefold() for source in supporting if source.publisher}
    official = [source.publisher for source in supporting if source.kind is SourceKind.OFFICIAL]
    if not contradicted and (len(publishers) >= 3 or (any(official) and len(publishers) >= 2)):
        return Confidence.HIGH
    if official or len(publishers) >= 2:
        return Confidence.MEDIUM
    return Confidence.LOW
