"""How many pledges have each status, each formality and each confidence, as PolitiFact counts
promises by rating: every value of the vocabulary in its order, zero counts too, so that two
actors' counts read side by side, row for row. Each count links to the index filtered to those
pledges (`index.html?actor=CN&status=kept`: the index's script reads its filters from the
address); a zero links too, to a list that says it is empty, so that every count is reached
the same way.

counts.html.j2 draws them, given as `counts`: `{% include "counts.html.j2" %}`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
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
    all_href: str  # the index filtered by the fixed filters alone
    groups: tuple[Group, ...]

    @property
    def total(self) -> int:
        """The pledges counted (each has one status)."""
        return sum(c.number for c in self.groups[0].counts)


def counts(pledges: Iterable[PledgeRecord], index_href: str, **fixed: str) -> Counts:
    """The counts of `pledges` by status, formality and confidence. `index_href` is the index
    as the page that shows the counts reaches it ("index.html" from the top folder,
    "../index.html" from a subfolder); `fixed` holds the filters every link keeps (actor="CN").
    Each link's query holds the fixed filters, then the counted one (actor=CN&status=kept)."""
    tallies = {field: Counter[str]() for field, _, _, _ in FIELDS}
    for p in pledges:
        for field, tally in tallies.items():
            tally[getattr(p, field)] += 1
    groups = []
    for field, heading, values in _VALUES:
        kept = urlencode({k: v for k, v in fixed.items() if k != field})
        before = f"{index_href}?{kept}&" if kept else f"{index_href}?"
        tally = tallies[field]
        row = tuple(
            Count(value, shown, tally[value], after, f"{before}{query}")
            for value, shown, after, query in values
        )
        groups.append(Group(field, heading, row))
    everything = f"{index_href}?{urlencode(fixed)}" if fixed else index_href
    return Counts(everything, tuple(groups))
