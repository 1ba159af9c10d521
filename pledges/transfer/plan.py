"""What an import will write, and what it leaves alone: `check` makes the plan, `apply` writes it,
and `pledges.render.importing` prints it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pledges.schema import ActorIn, PledgeIn, SourceIn
from pledges.transfer.compare import Difference
from pledges.transfer.evidence import EvidencePlan
from pledges.transfer.rows import Row

TABLES = ("actors", "sources", "pledges", "evidence")  # in the order an import applies them


@dataclass(frozen=True, slots=True)
class Update:
    """A pledge's changed fields, from a row exported at the pledge's current version."""

    row: Row
    pledge: PledgeIn
    version: int  # the pledge's, as exported
    diff: list[Difference]


@dataclass
class Plan:
    """What an import does (or, in a dry run, would do)."""

    files: list[str]  # the files read
    actors: list[ActorIn] = field(default_factory=list)  # new ones
    sources: list[SourceIn] = field(default_factory=list)
    pledges: list[PledgeIn] = field(default_factory=list)  # each after the pledges it names
    updates: list[Update] = field(default_factory=list)
    evidence: EvidencePlan = field(default_factory=EvidencePlan)  # deprecated and new
    unchanged: dict[str, list[str]] = field(default_factory=lambda: {t: [] for t in TABLES})

    @property
    def added(self) -> dict[str, list[str]]:
        """The ids of new records, by table."""
        return {
            "actors": [a.id for a in self.actors],
            "sources": [s.id for s in self.sources],
            "pledges": [p.id for p in self.pledges],
            "evidence": [str(i) for i in self.evidence.new.ids],
        }

    @property
    def changed(self) -> dict[str, dict[str, list[Difference]]]:
        """The changes to stored records, by table and id."""
        return {
            "actors": {},
            "sources": {},
            "pledges": {u.pledge.id: u.diff for u in self.updates},
            "evidence": {str(d.id): d.diff for d in self.evidence.deprecations},
        }

    @property
    def writes(self) -> int:
        return sum(map(len, self.added.values())) + sum(map(len, self.changed.values()))
