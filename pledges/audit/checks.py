"""The audit's checks: each a small pure function whose docstring states the curation rule it
enforces. `CHECKS` is the registry; `@check(code, severity, scope)` enters a function in it.

A check says only what it alone knows: what is wrong and what to do (`Said`), or None. Its entry
in the registry (`Check.run`) makes the Finding, with the check's code and severity and the ids
of the subject it was given. Scopes: a `quote` check sees one quote's facts and its pledge; a
`pledge` check sees a pledge and what its evidence that counts (located, not deprecated)
supports; a `source` check sees one source; a `register` check sees every pledge (once, in id
order, as they are read), and says which pledge each of its findings is about. None of them
reads article text: facts.examine did that once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeVar

from pledges.audit.findings import Finding, Severity
from pledges.confidence import grade
from pledges.excerpt import excerpt
from pledges.fingerprint import text_sha256
from pledges.vocab import Confidence, Rank, SourceKind, Stance, Status

if TYPE_CHECKING:
    from pledges.audit.facts import QuoteFact
    from pledges.records import PledgeRecord, SourceRecord

Scope = Literal["quote", "pledge", "source", "register"]
# What a register check may read of each pledge (pledges.audit.inventory.Light): its findings
# stay as they are while no pledge is added and none of these changes.
REGISTER_READS = ("id", "kind", "target_year", "status", "actors")
DELIVERY = frozenset(
    {Status.KEPT, Status.PARTIALLY_KEPT, Status.BROKEN, Status.STALLED, Status.IN_PROGRESS}
)
CONFIDENCE_ORDER = {Confidence.LOW: 1, Confidence.MEDIUM: 2, Confidence.HIGH: 3}
SHORT_QUOTE_WORDS = 4
SHORT_QUOTE_CHARACTERS = 7  # of Chinese or Japanese: about four words (see quote_too_short)
NAMED_HOLDERS = 3  # a quote found in more sources than this names the first few


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


CHECKS: list[Check] = []

F = TypeVar("F", bound=Callable[..., Any])


def check(
    code: str, severity: Severity, scope: Scope, peers: Callable[[PledgeRecord], Any] | None = None
) -> Callable[[F], F]:
    def register(test: F) -> F:
        CHECKS.append(Check(code, severity, scope, test, peers))
        return test

    return register


# --- quotes -------------------------------------------------------------------------------------


@check("quote-not-found", Severity.ERROR, "quote")
def quote_not_found(fact: QuoteFact, pledge: PledgeRecord, ctx: Context) -> Said | None:
    """A quote must stand in its cited source: exactly, or after normalising whitespace, case and
    typographic quotes and dashes; an elided quote when its parts stand in order in one passage.
    Deprecated evidence is kept for the record, not checked: deprecating it retires a misquote."""
    if fact.located or fact.cited.rank is Rank.DEPRECATED:
        return None
    c = fact.cited
    message = f"quote “{excerpt(c.quote, 80)}” does not stand in {c.source_id}"
    if fact.near is not None:
        passage, similarity = fact.near
        message += f"; closest passage ({similarity:.0f}% alike): “{excerpt(passage)}”"
    if fact.elsewhere:
        named = ", ".join(fact.elsewhere[:NAMED_HOLDERS])
        others = len(fact.elsewhere) - NAMED_HOLDERS
        message += f"; it stands in {named}"
        if others > 0:
            message += f" and {others} other sources"
        hint = "cite the source that holds it, or correct the quote"
    else:
        hint = "correct the quote to the article's exact words, or deprecate the evidence"
    return Said(message, hint)


@check("quote-too-short", Severity.WARNING, "quote")
def quote_too_short(fact: QuoteFact, pledge: PledgeRecord, ctx: Context) -> Said | None:
    """A quote of fewer than four words proves too little: it could stand in almost any article.

    Chinese and Japanese, written without spaces, are measured in characters (a number or a
    Latin word among them counting as one), and a quote of fewer than seven is too short: a
    word of running Chinese text is 1.6 to 1.7 characters long on average, so four words are
    about seven characters (实现碳中和, "reach carbon neutrality", is five: too short; 2060年前实现
    碳中和 is eight)."""
    shortest, unit = (
        (SHORT_QUOTE_CHARACTERS, "character") if fact.in_characters else (SHORT_QUOTE_WORDS, "word")
    )
    if fact.length >= shortest or fact.cited.rank is Rank.DEPRECATED:
        return None
    return Said(
        f"quote “{fact.cited.quote}” has {fact.length} {unit}{'' if fact.length == 1 else 's'}",
        "quote the whole clause that states the commitment",
    )


def _elision(fact: QuoteFact, code: str) -> Said | None:
    if fact.elision is None or fact.elision.code != code or not fact.counts:  # (quickest first)
        return None
    return Said(fact.elision.message, fact.elision.hint)


@check("elided-part-too-short", Severity.ERROR, "quote")
def elided_part_too_short(fact: QuoteFact, pledge: PledgeRecord, ctx: Context) -> Said | None:
    """Each part of an elided quote between two ellipses has at least three words (five
    characters in Chinese or Japanese): a part of one or two words could stand anywhere, and
    lets the quote say what the article does not. (The rules: pledges.elisions.)"""
    return _elision(fact, "elided-part-too-short")


@check("elision-changes-meaning", Severity.ERROR, "quote")
def elision_changes_meaning(fact: QuoteFact, pledge: PledgeRecord, ctx: Context) -> Said | None:
    """An ellipsis may leave out a neighbouring clause, not the meaning: the words it drops may
    not hold a negation, nor the year or number of the words before it when the words after it
    give another (the quote would bind them to another year than the article does)."""
    return _elision(fact, "elision-changes-meaning")


@check("actor-mismatch", Severity.ERROR, "quote")
def actor_mismatch(fact: QuoteFact, pledge: PledgeRecord, ctx: Context) -> Said | None:
    """The actors the evidence names (in the sentence holding the quote, or else the nearest
    mention before it) must include one of the pledge's actors."""
    if not fact.counts or not fact.named or fact.named & set(pledge.actors):
        return None
    return Said(
        f"the passage quoted from {fact.cited.source_id} names {', '.join(sorted(fact.named))}, "
        f"not the pledge's actors ({', '.join(pledge.actors)})",
        "check that the quote is about this pledge's actors, or correct the actors",
    )


@check("speaker-not-actor", Severity.WARNING, "quote")
def speaker_not_actor(fact: QuoteFact, pledge: PledgeRecord, ctx: Context) -> Said | None:
    """A quote in quoted or reported speech is the words of its speaker (see audit.speakers for
    how the speaker is found): when that is someone known who speaks for none of the pledge's
    actors (an NGO adviser, a researcher, another country's official), the quote reports the
    pledge at second hand, or is not the actor's commitment at all."""
    who = fact.speaker
    if who is None or not fact.counts or not who.actors.isdisjoint(pledge.actors):
        return None
    actors = ", ".join(pledge.actors)
    if who.actors:
        said = f"{who.name} (speaking for {', '.join(sorted(who.actors))})"
        hint = "cite the actor's own statement, or correct the actors"
    else:
        said = who.name
        hint = (
            "cite the actor's own statement: an analyst's or researcher's words report a pledge "
            "at second hand"
            if who.outsider
            else "cite the actor's own statement; if the speaker speaks for it, add their full "
            f"name as its alias with 'pledges actor update {pledge.actors[0]} --add-alias NAME'"
        )
    return Said(f"the quote is the words of {said}, not of the pledge's actors ({actors})", hint)


@check("target-year-mismatch", Severity.ERROR, "quote")
def target_year_mismatch(fact: QuoteFact, pledge: PledgeRecord, ctx: Context) -> Said | None:
    """A supporting quote that states years, none of them the pledge's target year, states a
    different year for the commitment (a baseline year is not a target: '65% below 2005')."""
    if pledge.target_year is None or not fact.counts or fact.cited.stance is not Stance.SUPPORTS:
        return None
    stated = set(fact.years) - {pledge.baseline_year}
    if not stated or pledge.target_year in fact.years:
        return None
    return Said(
        f"the quote states {', '.join(map(str, fact.years))}, the pledge {pledge.target_year}",
        "correct the target year, or cite the passage that states it",
    )


@check("contradicted", Severity.WARNING, "quote")
def contradicted(fact: QuoteFact, pledge: PledgeRecord, ctx: Context) -> Said | None:
    """Contradicting evidence that is not deprecated must be weighed: resolve it or deprecate it."""
    c = fact.cited
    if c.stance is not Stance.CONTRADICTS or not fact.counts:
        return None
    return Said(
        f"{c.source_id} contradicts the pledge: “{excerpt(c.quote, 80)}”",
        "review the status and confidence, or deprecate the evidence with a reason",
    )


@check("evidence-not-reverified", Severity.WARNING, "quote")
def not_reverified(fact: QuoteFact, pledge: PledgeRecord, ctx: Context) -> Said | None:
    """Evidence is re-verified against its source within the configured time (--reverify-days)."""
    c = fact.cited
    if not fact.counts:
        return None
    if c.verified_on is not None and c.verified_on >= ctx.today - timedelta(days=ctx.reverify_days):
        return None
    when = "never" if c.verified_on is None else f"last on {c.verified_on}"
    return Said(
        f"evidence {c.id} was verified {when} (limit: {ctx.reverify_days} days)",
        "check the quote again with 'pledges evidence verify ID --reason ...', or deprecate it",
    )


# --- pledges ------------------------------------------------------------------------------------


@check("no-supporting-evidence", Severity.ERROR, "pledge")
def no_support(pledge: PledgeRecord, facts: Sequence[Support], ctx: Context) -> Said | None:
    """Every pledge needs at least one located, non-deprecated quote that supports it."""
    if any(f.stance is Stance.SUPPORTS for f in facts):
        return None
    return Said(
        f"pledge {pledge.id} has no located, non-deprecated supporting quote",
        f"cite one with 'pledges cite {pledge.id} SOURCE_ID --quote ...'",
    )


@check("confidence-overclaimed", Severity.ERROR, "pledge")
def overclaimed(pledge: PledgeRecord, facts: Sequence[Support], ctx: Context) -> Said | None:
    """A recorded confidence may not exceed what the evidence earns: low needs one located quote;
    medium an official source or two independent publishers; high an official source and an
    independent publisher, or three, and no standing contradiction."""
    sources = ctx.sources
    supported = grade((f.stance, sources[f.source_id]) for f in facts if f.source_id in sources)
    if supported is None:
        return None  # no-supporting-evidence says it
    if CONFIDENCE_ORDER[pledge.confidence] <= CONFIDENCE_ORDER[supported]:
        return None
    # The reason, in the terms of the rule: the same publisher spelt twice is one publisher.
    supporting = [
        sources[f.source_id]
        for f in facts
        if f.stance is Stance.SUPPORTS and f.source_id in sources
    ]
    names: dict[str, str] = {}
    for publisher in sorted(s.publisher for s in supporting if s.publisher):
        names.setdefault(publisher.casefold(), publisher)
    official = any(s.kind is SourceKind.OFFICIAL for s in supporting)
    why = f"publishers: {', '.join(sorted(names.values())) or 'none known'}; " + (
        "an official source" if official else "no official source"
    )
    if any(f.stance is Stance.CONTRADICTS for f in facts):
        why += "; contradicting evidence stands"
    return Said(
        f"confidence is {pledge.confidence.value} but the evidence earns {supported.value} ({why})",
        f"lower it with 'pledges update {pledge.id} --confidence {supported.value}', "
        "or cite independent or official sources",
    )


@check("target-year-not-stated", Severity.WARNING, "pledge")
def year_not_stated(pledge: PledgeRecord, facts: Sequence[Support], ctx: Context) -> Said | None:
    """A pledge's target year must be stated in its evidence."""
    if pledge.target_year is None or any(pledge.target_year in f.years for f in facts):
        return None
    return Said(
        f"no located quote states the target year {pledge.target_year}",
        "cite the passage that states the year",
    )


def _asserting(pledge: PledgeRecord, facts: Sequence[Support]) -> list[Support]:
    return [f for f in facts if f.asserts_status is pledge.status]


@check("joint-party-unsupported", Severity.WARNING, "pledge")
def joint_party(pledge: PledgeRecord, facts: Sequence[Support], ctx: Context) -> Said | None:
    """Every party of a joint pledge must be named by its supporting evidence (the quote's
    sentence or speaker, or the sentence before when its own names no one; the "we" of a joint
    statement is the parties it names), unless the evidence states the commitment jointly
    ("both sides", "the two countries", "jointly", 双方, 两国, 共同): one country's own target is
    no joint pledge."""
    supporting = [f for f in facts if f.stance is Stance.SUPPORTS]
    if len(pledge.actors) < 2 or not supporting or any(f.joint for f in supporting):
        return None
    unnamed = [a for a in pledge.actors if not any(a in f.parties for f in supporting)]
    if not unnamed:
        return None
    return Said(
        f"no supporting evidence names {', '.join(unnamed)}, a party of this joint pledge, "
        "nor states the commitment jointly",
        "cite a passage that names every party or says they commit together, or correct the actors",
    )


@check("status-unasserted", Severity.ERROR, "pledge")
def status_unasserted(pledge: PledgeRecord, facts: Sequence[Support], ctx: Context) -> Said | None:
    """A delivery status (in_progress, stalled, partially_kept, kept, broken) must be asserted by
    located evidence."""
    if pledge.status not in DELIVERY or _asserting(pledge, facts):
        return None
    return Said(
        f"status {pledge.status.value} is asserted by no evidence",
        f"cite a source with '--asserts-status {pledge.status.value}', or correct the status",
    )


@check("status-asserted-too-early", Severity.ERROR, "pledge")
def status_too_early(pledge: PledgeRecord, facts: Sequence[Support], ctx: Context) -> Said | None:
    """A delivery status asserted only by sources dated before the pledge's announcement is
    asserted about something else: the pledge did not yet exist."""
    asserting = _asserting(pledge, facts)
    if pledge.status not in DELIVERY or not asserting or pledge.announced_on is None:
        return None
    dates = [ctx.sources[f.source_id].published_on for f in asserting
             if f.source_id in ctx.sources]  # fmt: skip
    if not dates or not all(d is not None and d < pledge.announced_on for d in dates):
        return None
    return Said(
        f"status {pledge.status.value} is asserted only by sources dated before the "
        f"announcement ({pledge.announced_on})",
        "cite a source from after the announcement that reports the status",
    )


# --- sources ------------------------------------------------------------------------------------


@check("source-text-changed", Severity.ERROR, "source")
def text_changed(source: SourceFacts, ctx: Context) -> Said | None:
    """A source's stored text must still match the sha256 recorded when it was added."""
    if source.text_matches_sha256:
        return None
    return Said(
        f"the text of {source.id} no longer matches its recorded sha256",
        "restore the article's text; 'pledges log verify' shows what else changed",
    )


@check("source-metadata-missing", Severity.WARNING, "source")
def metadata_missing(source: SourceFacts, ctx: Context) -> Said | None:
    """A source should say who published it and when, so readers can weigh and find it."""
    fields = (("publisher", source.publisher), ("date", source.published_on))
    missing = [name for name, value in fields if value is None]
    if not missing:
        return None
    return Said(
        f"{source.id} has no {' and no '.join(missing)}",
        f"record the {' and the '.join(missing)} if the article shows "
        f"{'them' if len(missing) > 1 else 'it'}; leave it empty rather than guess",
    )


# --- the whole register -------------------------------------------------------------------------


def _same_kind_and_year(pledge: PledgeRecord) -> Any:
    """The pledges of the same kind and target year: the only ones that can duplicate it."""
    from pledges.models import PledgeRow

    year = PledgeRow.target_year
    same_year = year.is_(None) if pledge.target_year is None else year == pledge.target_year
    return (PledgeRow.kind == pledge.kind) & same_year


@check("possible-duplicate", Severity.WARNING, "register", peers=_same_kind_and_year)
def duplicates(pledges: Iterable[PledgeRecord], ctx: Context) -> Iterator[tuple[str, Said]]:
    """Pledges with the same actors, kind and target year are likely the same commitment (a
    superseded pledge is merged into its successor already)."""
    groups: dict[tuple[Any, ...], list[str]] = defaultdict(list)
    for pledge in pledges:
        if pledge.status is Status.SUPERSEDED:
            continue
        groups[(pledge.kind, pledge.target_year, *sorted(pledge.actors))].append(pledge.id)
    for ids in groups.values():
        if len(ids) < 2:
            continue
        for pledge_id in ids:
            others = ", ".join(i for i in sorted(ids) if i != pledge_id)
            said = Said(
                f"same actors, kind and target year as {others}",
                "merge them (supersede one), or make the difference clear",
            )
            yield pledge_id, said
