"""The audit's checks of each pledge: each sees a pledge and what its evidence that counts
(located, not deprecated) supports, taken together (`Support`), and each docstring states the
curation rule the check enforces.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pledges.audit.findings import Severity
from pledges.audit.registry import Context, Said, Support, check
from pledges.confidence import grade
from pledges.vocab import Confidence, SourceKind, Stance, Status

if TYPE_CHECKING:
    from pledges.records import PledgeRecord

DELIVERY = frozenset(
    {Status.KEPT, Status.PARTIALLY_KEPT, Status.BROKEN, Status.STALLED, Status.IN_PROGRESS}
)
CONFIDENCE_ORDER = {Confidence.LOW: 1, Confidence.MEDIUM: 2, Confidence.HIGH: 3}


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
