"""The audit's checks: each a small pure function with a stable code and a severity, whose
docstring states the curation rule it enforces. `CHECKS` is the registry.

Scopes: a `quote` check sees one quote's facts and its pledge; a `pledge` check sees a pledge and
what its evidence that counts (located, not deprecated) supports; a `source` check sees one
source; a `register` check sees every pledge at once. None of them reads article text:
facts.examine did that once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from pledges.audit.facts import QuoteFact
from pledges.audit.findings import Finding, Severity
from pledges.confidence import grade
from pledges.vocab import Confidence, PledgeKind, Rank, SourceKind, Stance, Status

Scope = Literal["quote", "pledge", "source", "register"]
DELIVERY = frozenset(
    {Status.KEPT, Status.PARTIALLY_KEPT, Status.BROKEN, Status.STALLED, Status.IN_PROGRESS}
)
CONFIDENCE_ORDER = {Confidence.LOW: 1, Confidence.MEDIUM: 2, Confidence.HIGH: 3}
SHORT_QUOTE_WORDS = 4
NAMED_HOLDERS = 3  # a quote found in more sources than this names the first few


@dataclass(frozen=True, slots=True)
class PledgeFacts:
    id: str
    actors: tuple[str, ...]
    kind: PledgeKind
    target_year: int | None
    baseline_year: int | None
    status: Status
    confidence: Confidence
    announced_on: date | None


@dataclass(frozen=True, slots=True)
class Support:
    """What a pledge check needs of one quote that counts (located and not deprecated): a few
    fields, not the quote, so that a register's worth of them stays small."""

    source_id: str
    stance: Stance
    asserts_status: Status | None
    years: tuple[int, ...]

    @staticmethod
    def of(fact: QuoteFact) -> Support | None:
        """The support a quote lends its pledge; None when it does not count."""
        if not fact.counts:
            return None
        c = fact.cited
        return Support(c.source_id, c.stance, c.asserts_status, fact.years)


@dataclass(frozen=True, slots=True)
class SourceFacts:
    id: str
    publisher: str | None
    kind: SourceKind
    published_on: date | None
    text_matches_sha256: bool


@dataclass(frozen=True)
class Context:
    today: date
    reverify_days: int
    sources: Mapping[str, SourceFacts]


@dataclass(frozen=True)
class Check:
    code: str
    severity: Severity
    scope: Scope
    run: Callable[..., Iterator[Finding]]

    @property
    def rule(self) -> str:
        return " ".join((self.run.__doc__ or "").split())


CHECKS: list[Check] = []


def check(code: str, severity: Severity, scope: Scope) -> Callable[[Any], Any]:
    def register(function: Callable[..., Iterator[Finding]]) -> Callable[..., Iterator[Finding]]:
        CHECKS.append(Check(code, severity, scope, function))
        return function

    return register


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- quotes -------------------------------------------------------------------------------------


@check("quote-not-found", Severity.ERROR, "quote")
def quote_not_found(fact: QuoteFact, pledge: PledgeFacts, ctx: Context) -> Iterator[Finding]:
    """A quote must stand in its cited source: exactly, or after normalising whitespace, case and
    typographic quotes and dashes; an elided quote when its parts stand in order in one passage.
    Deprecated evidence is kept for the record, not checked: deprecating it retires a misquote."""
    if fact.located or fact.cited.rank is Rank.DEPRECATED:
        return
    c = fact.cited
    message = f"quote “{_short(c.quote, 80)}” does not stand in {c.source_id}"
    if fact.near is not None:
        passage, similarity = fact.near
        message += f"; closest passage ({similarity:.0f}% alike): “{_short(passage)}”"
    if fact.elsewhere:
        named = ", ".join(fact.elsewhere[:NAMED_HOLDERS])
        others = len(fact.elsewhere) - NAMED_HOLDERS
        message += f"; it stands in {named}"
        if others > 0:
            message += f" and {others} other sources"
        hint = "cite the source that holds it, or correct the quote"
    else:
        hint = "correct the quote to the article's exact words, or deprecate the evidence"
    yield Finding("quote-not-found", Severity.ERROR, message, hint,
                   pledge_id=c.pledge_id, source_id=c.source_id, evidence_id=c.id)  # fmt: skip


@check("quote-too-short", Severity.WARNING, "quote")
def quote_too_short(fact: QuoteFact, pledge: PledgeFacts, ctx: Context) -> Iterator[Finding]:
    """A quote of fewer than four words proves too little: it could stand in almost any article."""
    if fact.words < SHORT_QUOTE_WORDS and fact.cited.rank is not Rank.DEPRECATED:
        c = fact.cited
        yield Finding(
            "quote-too-short", Severity.WARNING,
            f"quote “{c.quote}” has {fact.words} word(s)",
            "quote the whole clause that states the commitment",
            pledge_id=c.pledge_id, source_id=c.source_id, evidence_id=c.id,
        )  # fmt: skip


@check("actor-mismatch", Severity.ERROR, "quote")
def actor_mismatch(fact: QuoteFact, pledge: PledgeFacts, ctx: Context) -> Iterator[Finding]:
    """The actors the evidence names (in the sentence holding the quote, or else the nearest
    mention before it) must include one of the pledge's actors."""
    if not fact.counts or not fact.named or fact.named & set(pledge.actors):
        return
    c = fact.cited
    yield Finding(
        "actor-mismatch", Severity.ERROR,
        f"the passage quoted from {c.source_id} names {', '.join(sorted(fact.named))}, "
        f"not the pledge's actors ({', '.join(pledge.actors)})",
        "check that the quote is about this pledge's actors, or correct the actors",
        pledge_id=c.pledge_id, source_id=c.source_id, evidence_id=c.id,
    )  # fmt: skip


@check("target-year-mismatch", Severity.ERROR, "quote")
def target_year_mismatch(fact: QuoteFact, pledge: PledgeFacts, ctx: Context) -> Iterator[Finding]:
    """A supporting quote that states years, none of them the pledge's target year, states a
    different year for the commitment (a baseline year is not a target: '65% below 2005')."""
    c = fact.cited
    if pledge.target_year is None or not fact.counts or c.stance is not Stance.SUPPORTS:
        return
    stated = set(fact.years) - {pledge.baseline_year}
    if stated and pledge.target_year not in fact.years:
        yield Finding(
            "target-year-mismatch", Severity.ERROR,
            f"the quote states {', '.join(map(str, fact.years))}, the pledge {pledge.target_year}",
            "correct the target year, or cite the passage that states it",
            pledge_id=c.pledge_id, source_id=c.source_id, evidence_id=c.id,
        )  # fmt: skip


@check("contradicted", Severity.WARNING, "quote")
def contradicted(fact: QuoteFact, pledge: PledgeFacts, ctx: Context) -> Iterator[Finding]:
    """Contradicting evidence that is not deprecated must be weighed: resolve it or deprecate it."""
    c = fact.cited
    if c.stance is Stance.CONTRADICTS and fact.counts:
        yield Finding(
            "contradicted", Severity.WARNING,
            f"{c.source_id} contradicts the pledge: “{_short(c.quote, 80)}”",
            "review the status and confidence, or deprecate the evidence with a reason",
            pledge_id=c.pledge_id, source_id=c.source_id, evidence_id=c.id,
        )  # fmt: skip


@check("evidence-not-reverified", Severity.WARNING, "quote")
def not_reverified(fact: QuoteFact, pledge: PledgeFacts, ctx: Context) -> Iterator[Finding]:
    """Evidence is re-verified against its source within the configured time (--reverify-days)."""
    c = fact.cited
    if not fact.counts:
        return
    limit = ctx.today - timedelta(days=ctx.reverify_days)
    if c.verified_on is None or c.verified_on < limit:
        when = "never" if c.verified_on is None else f"last on {c.verified_on}"
        yield Finding(
            "evidence-not-reverified", Severity.WARNING,
            f"evidence {c.id} was verified {when} (limit: {ctx.reverify_days} days)",
            "check the quote again with 'pledges evidence verify ID --reason ...', "
            "or deprecate it",
            pledge_id=c.pledge_id, source_id=c.source_id, evidence_id=c.id,
        )  # fmt: skip


# --- pledges ------------------------------------------------------------------------------------


@check("no-supporting-evidence", Severity.ERROR, "pledge")
def no_support(pledge: PledgeFacts, facts: Sequence[Support], ctx: Context) -> Iterator[Finding]:
    """Every pledge needs at least one located, non-deprecated quote that supports it."""
    if not any(f.stance is Stance.SUPPORTS for f in facts):
        yield Finding(
            "no-supporting-evidence", Severity.ERROR,
            f"pledge {pledge.id} has no located, non-deprecated supporting quote",
            f"cite one with 'pledges cite {pledge.id} SOURCE_ID --quote ...'",
            pledge_id=pledge.id,
        )  # fmt: skip


def earned(facts: Sequence[Support], ctx: Context) -> Confidence | None:
    supporting = []
    contradicted = False
    for fact in facts:
        source = ctx.sources.get(fact.source_id)
        if source is None:
            continue
        if fact.stance is Stance.SUPPORTS:
            supporting.append((source.kind, source.publisher))
        else:
            contradicted = True
    return grade(supporting, contradicted=contradicted)


@check("confidence-overclaimed", Severity.ERROR, "pledge")
def overclaimed(pledge: PledgeFacts, facts: Sequence[Support], ctx: Context) -> Iterator[Finding]:
    """A recorded confidence may not exceed what the evidence earns: low needs one located quote;
    medium an official source or two independent publishers; high an official source and an
    independent publisher, or three, and no standing contradiction."""
    supported = earned(facts, ctx)
    if supported is None:
        return  # no-supporting-evidence says it
    if CONFIDENCE_ORDER[pledge.confidence] > CONFIDENCE_ORDER[supported]:
        # The reason, in the terms of the rule: the same publisher spelt twice is one publisher.
        supporting = [
            ctx.sources[f.source_id]
            for f in facts
            if f.stance is Stance.SUPPORTS and f.source_id in ctx.sources
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
        yield Finding(
            "confidence-overclaimed", Severity.ERROR,
            f"confidence is {pledge.confidence.value} but the evidence earns {supported.value} "
            f"({why})",
            f"lower it with 'pledges update {pledge.id} --confidence {supported.value}', "
            "or cite independent or official sources",
            pledge_id=pledge.id,
        )  # fmt: skip


@check("target-year-not-stated", Severity.WARNING, "pledge")
def year_not_stated(
    pledge: PledgeFacts, facts: Sequence[Support], ctx: Context
) -> Iterator[Finding]:
    """A pledge's target year must be stated in its evidence."""
    if pledge.target_year is None:
        return
    if not any(pledge.target_year in f.years for f in facts):
        yield Finding(
            "target-year-not-stated", Severity.WARNING,
            f"no located quote states the target year {pledge.target_year}",
            "cite the passage that states the year",
            pledge_id=pledge.id,
        )  # fmt: skip


@check("status-unasserted", Severity.ERROR, "pledge")
def status_unasserted(
    pledge: PledgeFacts, facts: Sequence[Support], ctx: Context
) -> Iterator[Finding]:
    """A delivery status (in_progress, stalled, partially_kept, kept, broken) must be asserted by
    located evidence."""
    if pledge.status in DELIVERY and not _asserting(pledge, facts):
        yield Finding(
            "status-unasserted", Severity.ERROR,
            f"status {pledge.status.value} is asserted by no evidence",
            f"cite a source with '--asserts-status {pledge.status.value}', or correct the status",
            pledge_id=pledge.id,
        )  # fmt: skip


def _asserting(pledge: PledgeFacts, facts: Sequence[Support]) -> list[Support]:
    return [f for f in facts if f.asserts_status is pledge.status]


@check("status-asserted-too-early", Severity.ERROR, "pledge")
def status_too_early(
    pledge: PledgeFacts, facts: Sequence[Support], ctx: Context
) -> Iterator[Finding]:
    """A delivery status asserted only by sources dated before the pledge's announcement is
    asserted about something else: the pledge did not yet exist."""
    asserting = _asserting(pledge, facts)
    if pledge.status not in DELIVERY or not asserting or pledge.announced_on is None:
        return
    dates = [ctx.sources[f.source_id].published_on for f in asserting
             if f.source_id in ctx.sources]  # fmt: skip
    if dates and all(d is not None and d < pledge.announced_on for d in dates):
        yield Finding(
            "status-asserted-too-early", Severity.ERROR,
            f"status {pledge.status.value} is asserted only by sources dated before the "
            f"announcement ({pledge.announced_on})",
            "cite a source from after the announcement that reports the status",
            pledge_id=pledge.id,
        )  # fmt: skip


# --- sources ------------------------------------------------------------------------------------


@check("source-text-changed", Severity.ERROR, "source")
def text_changed(source: SourceFacts, ctx: Context) -> Iterator[Finding]:
    """A source's stored text must still match the sha256 recorded when it was added."""
    if not source.text_matches_sha256:
        yield Finding(
            "source-text-changed", Severity.ERROR,
            f"the text of {source.id} no longer matches its recorded sha256",
            "restore the article's text; 'pledges log verify' shows what else changed",
            source_id=source.id,
        )  # fmt: skip


@check("source-metadata-missing", Severity.WARNING, "source")
def metadata_missing(source: SourceFacts, ctx: Context) -> Iterator[Finding]:
    """A source should say who published it and when, so readers can weigh and find it."""
    fields = (("publisher", source.publisher), ("date", source.published_on))
    missing = [name for name, value in fields if value is None]
    if missing:
        yield Finding(
            "source-metadata-missing", Severity.WARNING,
            f"{source.id} has no {' and no '.join(missing)}",
            f"record the {' and the '.join(missing)} if the article shows "
            f"{'them' if len(missing) > 1 else 'it'}; leave it empty rather than guess",
            source_id=source.id,
        )  # fmt: skip


# --- the whole register -------------------------------------------------------------------------


@check("possible-duplicate", Severity.WARNING, "register")
def duplicates(pledges: Sequence[PledgeFacts], ctx: Context) -> Iterator[Finding]:
    """Pledges with the same actors, kind and target year are likely the same commitment (a
    superseded pledge is merged into its successor already)."""
    groups: dict[tuple[Any, ...], list[str]] = defaultdict(list)
    for pledge in pledges:
        if pledge.status is Status.SUPERSEDED:
            continue
        groups[(frozenset(pledge.actors), pledge.kind, pledge.target_year)].append(pledge.id)
    for ids in groups.values():
        if len(ids) < 2:
            continue
        for pledge_id in ids:
            others = ", ".join(i for i in sorted(ids) if i != pledge_id)
            yield Finding(
                "possible-duplicate", Severity.WARNING,
                f"same actors, kind and target year as {others}",
                "merge them (supersede one), or make the difference clear",
                pledge_id=pledge_id,
            )  # fmt: skip
