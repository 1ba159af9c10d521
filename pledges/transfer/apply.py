"""A checked plan written to the register, in the transaction it was checked in.

New records go in in batches (`pledges.transfer.bulk`), with the revisions the commands would
log; changed actors, sources and pledges and deprecated evidence go through the commands' own
functions, in the order of the hash chain: actors and the changed ones, sources and the changed
ones, new pledges, changed pledges (`apply`), then
deprecations and new evidence (`apply_evidence`). Should a command refuse a change all the same,
its row's problem is returned, and the import writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from pledges import corrections, editing
from pledges.errors import Conflict, PledgesError
from pledges.transfer.bulk import Batch
from pledges.transfer.plan import Correction, EvidencePlan, Plan
from pledges.transfer.problems import Problem


def apply(session: Session, plan: Plan, who: editing.Who, *, at: datetime) -> list[Problem]:
    """Write the plan's actors, sources and pledges, each record created at `at`."""
    batch = Batch(session, who, at)
    problems: list[Problem] = []
    if plan.actors:
        batch.actors(plan.actors)
    problems += _correct(session, plan.corrections["actors"], corrections.update_actor, who)
    if plan.sources:
        batch.sources(plan.sources)
    problems += _correct(session, plan.corrections["sources"], corrections.update_source, who)
    if problems:
        return problems
    if plan.pledges:
        batch.pledges(plan.pledges)
    for update in plan.updates:
        changes = {name: value for name, _, value in update.diff}
        try:
            editing.update_pledge(
                session, update.pledge.id, changes, who, expected_version=update.version
            )
        except PledgesError as error:
            column = "version" if isinstance(error, Conflict) else update.diff[0][0]
            problems.append(update.row.refused(column, error))
    return problems


def _correct(
    session: Session, changed: list[Correction], update: Callable[..., object], who: editing.Who
) -> list[Problem]:
    """Changed actors or sources, each through its command's own function."""
    problems: list[Problem] = []
    for correction in changed:
        try:
            update(session, correction.id, {name: new for name, _, new in correction.diff}, who)
        except PledgesError as error:
            problems.append(correction.row.refused(_column(error, correction), error))
    return problems


def _column(error: PledgesError, correction: Correction) -> str:
    """The column of the field a command refused: the one it names, else the first of the
    changed columns its message names, else the first changed one."""
    if isinstance(error, corrections.Refused):
        return error.field
    changed = [name for name, _, _ in correction.diff]
    named = [name for name in changed if re.search(rf"\b{re.escape(name)}\b", error.message)]
    return (named or changed)[0]


def apply_evidence(
    session: Session, evidence: EvidencePlan, who: editing.Who, *, at: datetime
) -> list[Problem]:
    """Deprecate the plan's evidence, then add its new evidence (unless a deprecation is
    refused)."""
    problems: list[Problem] = []
    for deprecation in evidence.deprecations:
        try:
            editing.deprecate_evidence(session, deprecation.id, who, reason=deprecation.reason)
        except PledgesError as error:
            problems.append(deprecation.row.refused("rank", error))
    if evidence.new.ids and not problems:
        Batch(session, who, at).evidence(evidence.new)
    return problems
