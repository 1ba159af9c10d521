"""How many pledges have each status, each formality and each confidence, as PolitiFact counts
promises by rating: every value of the vocabulary in its order, zero counts too, so that two
actors' counts read side by side, row for row. Each count links to the index filtered to those
pledges (`index.html?actor=CN&status=kept`: the index's script reads its filters from the
address); a zero links too, to a list that says it is empty, so that every count is reached
the same way.

counts.html.j2 draws them, given as `counts`: `{% include "counts.html.j2" %}`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import NamedTuple
from urllib.parse import urlencode

from pledges.records import PledgeRecord
from pledges.report.site import label
from pledges.vocab import Confidence, Formality, Status

# What is counted: (the index's filter, its heading, the vocabulary, what follows a count's
# number in its words): "12 kept", "3 in law", "5 with low confidence".
FIELDS: tuple[tuple[str, str, type[StrEnum], str], ...] = (
    ("status", "Status", Status, " {value}"),
    ("formality", "Formality", Formality, " {value}"),
    ("confidence", "Confidence", Confidence, " with {value} confidence"),
)
# (field, heading, [(value, label, words after the number, its query part)]), worked out once:
# an actor's page counts sixteen values, and there are thousands of actors.
_VALUES = tuple(
    (field, heading, [
        (m.value, label(m.value), said.format(value=label(m.value)), urlencode({field: m.value}))
        for m in vocabulary
    ])
    for field, heading, vocabulary, said in FIELDS
)  # fmt: skip


def _places() -> tuple[dict[str, int], ...]:
    """Where each value's count stands in `numbers`, for each field."""
    places = []
    start = 0
    for _, _, vocabulary, _ in FIELDS:
        places.append({m.value: start + n for n, m in enumerate(vocabulary)})
        start += len(places[-1])
    return tuple(places)


_AT = _places()
SIZE = sum(map(len, _AT))
_STATUSES = len(Status)


class Count(NamedTuple):
    value: str  # the vocabulary's value, as the index's filter takes it
    label: str  # as the report shows it
    number: int
    after: str  # what follows the number in the link's words: " kept"
    href: str  # the index filtered to these pledges

    @property
    def text(self) -> str:
        """The link's words: "12 kept"."""
        return f"{self.number}{self.after}"


class Group(NamedTuple):
    field: str  # status, formality or confidence
    heading: str
    counts: tuple[Count, ...]  # every value of the vocabulary, in its order


class Counts(NamedTuple):
    total: int
    all_href: str  # the index filtered by the fixed filters alone
    groups: tuple[Group, ...]


def counts(pledges: Iterable[PledgeRecord], index_href: str, **fixed: str) -> Counts:
    """The counts of `pledges` by status, formality and confidence. `index_href` is the index
    as the page that shows the counts reaches it ("index.html" from the top folder,
    "../index.html" from a subfolder); `fixed` holds the filters every link keeps (actor="CN").
    Each link's query holds the fixed filters, then the counted one (actor=CN&status=kept)."""
    return counted(numbers(pledges), index_href, **fixed)


def numbers(pledges: Iterable[PledgeRecord]) -> tuple[int, ...]:
    """How many `pledges` have each value: the statuses, formalities and confidences, each in
    the vocabulary's order (SIZE numbers)."""
    found = [0] * SIZE
    statuses, formalities, confidences = _AT
    for p in pledges:
        found[statuses[p.status]] += 1
        found[formalities[p.formality]] += 1
        found[confidences[p.confidence]] += 1
    return tuple(found)


def counted(found: Sequence[int], index_href: str, **fixed: str) -> Counts:
    """Counts of these `numbers` (see `counts`)."""
    groups = []
    at = 0
    for field, heading, values in _VALUES:
        kept = urlencode({k: v for k, v in fixed.items() if k != field})
        before = f"{index_href}?{kept}&" if kept else f"{index_href}?"
        row = []
        for value, shown, after, query in values:
            row.append(Count(value, shown, found[at], after, f"{before}{query}"))
            at += 1
        groups.append(Group(field, heading, tuple(row)))
    everything = f"{index_href}?{urlencode(fixed)}" if fixed else index_href
    return Counts(sum(found[:_STATUSES]), everything, tuple(groups))
