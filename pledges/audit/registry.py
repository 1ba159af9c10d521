"""What the audit's checks see and say, and the registry they are entered in: `@check(code,
severity, scope)` enters a function in it. (pledges.audit.checks lists every check, in order.)

A check says only what it alone knows: what is wrong and what to do (`Said`), or None. Its entry
in the registry (`Check.run`) makes the Finding, with the check's code and severity and the ids
of the subject it was given. Scopes: a `quote` check sees one quote's facts and its pledge; a
`pledge` check sees a pledge and what its evidence that counts (located, not deprecated)
supports; a `source` check sees one source; a `register` check sees every pledge (once, in id
order, as they are read), and says which pledge each of its findings is about. None of them
reads article text: facts.examine did that once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeVar

from pledges.audit.findings import Finding, Severity
from pledges.fingerprint import text_sha256
from pledges.vocab import SourceKind, Stance, Status

if TYPE_CHECKING:
    from pledges.audit.facts import QuoteFact
    from pledges.records import PledgeRecord, SourceRecord

Scope = Literal["quote", "pledge", "source", "register"]
SCOPES: tuple[Scope, ...] = ("quote", "pledge", "source", "register")  # the order checks run in
# What a register check may read of each pledge (pledges.audit.inventory.Light): its findings
# stay as they are while no pledge is added and none of these changes.
REGISTER_READS = ("id", "kind", "target_year", "status", "actors")


@dataclass(frozen=True, slots=True)
class Support:
    """What a pledge check needs of one quote that counts (located and not deprecated): a few
    fields, not the quote, so that a register's worth of them stays small."""

    source_id: str
    stance: Stance
    asserts_status: Status | None
    years: tuple[int, ...]
    parties: frozenset[str] = frozenset()  # of a pledge of several actors (QuoteFact.parties)
    joint: bool = False

    @staticmethod
    def of(fact: QuoteFact) -> Support | None:
        """The support a quote lends its pledge; None when it does not count."""
        if not fact.counts:
            return None
        c = fact.cited
        return Support(
            c.source_id, c.stance, c.asserts_status, fact.years, fact.parties, fact.joint
        )


@dataclass(frozen=True, slots=True)
class SourceFacts:
    id: str
    publisher: str | None
    kind: SourceKind
    published_on: date | None
    text_matches_sha256: bool

    @staticmethod
    def of(source: SourceRecord) -> SourceFacts:
        """What the checks need of a source: not its text, only whether it still matches."""
        matches = text_sha256(source.text) == source.sha256
        return SourceFacts(source.id, source.publisher, source.kind, source.published_on, matches)


@dataclass(frozen=True)
class Context:
    today: date
    reverify_days: int
    sources: Mapping[str, SourceFacts]


class Said(NamedTuple):
    """What a check finds wrong with one subject, and what to do about it."""

    message: str
    hint: str


Subject = tuple[str | None, str | None, int | None]  # a finding's pledge, source and evidence ids

_SUBJECT: dict[Scope, Callable[[Any], Subject]] = {  # a register check names its own
    "quote": lambda fact: (fact.cited.pledge_id, fact.cited.source_id, fact.cited.id),
    "pledge": lambda pledge: (pledge.id, None, None),
    "source": lambda source: (None, source.id, None),
}


@dataclass(frozen=True)
class Check:
    code: str
    severity: Severity
    scope: Scope
    test: Callable[..., Any]  # Said or None; a register check yields (pledge id, Said) pairs
    # A register check may say which pledges can share a finding with one pledge (SQL over
    # pledges.models.PledgeRow), so that a view of that pledge alone need not read every pledge.
    peers: Callable[[PledgeRecord], Any] | None = None

    @property
    def rule(self) -> str:
        return " ".join((self.test.__doc__ or "").split())

    def run(self, subject: Any, *seen: Any) -> Sequence[Finding]:
        """The findings of this check on one subject of its scope, given what else it sees."""
        if self.scope == "register":
            found = self.test(subject, *seen)
            return [self._finding(said, (pledge_id, None, None)) for pledge_id, said in found]
        said = self.test(subject, *seen)
        return () if said is None else (self._finding(said, _SUBJECT[self.scope](subject)),)

    def _finding(self, said: Said, about: Subject) -> Finding:
        return Finding(self.code, self.severity, said.message, said.hint, *about)


# Every check, as its module is imported: pledges.audit.checks imports them all, and orders them.
REGISTERED: list[Check] = []

F = TypeVar("F", bound=Callable[..., Any])


def check(
    code: str, severity: Severity, scope: Scope, peers: Callable[[PledgeRecord], Any] | None = None
) -> Callable[[F], F]:
    def register(test: F) -> F:
        REGISTERED.append(Check(code, severity, scope, test, peers))
        return test

    return register
