"""A checked plan written to the register, in the transaction it was checked in.

New records go in in batches (`pledges.transfer.bulk`), with the revisions the commands would
log; changed pledges and deprecated evidence go through the commands' own functions, in the
order of the hash chain: actors, sources, new pledges, changed pledges, deprecations, then new
evidence. Should a command refuse a change all the same, nothing is written.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from pledges import editing
from pledges.errors import Conflict, PledgesError
from pledges.transfer.bulk import Batch
from pledges.transfer.plan import Plan
from pledges.transfer.problems import BadRows, Problem


def apply(session: Session, plan: Plan, who: editing.Who, *, at: datetime) -> None:
    """Write `plan`, each record created at `at`; raises BadRows if a command refuses a change."""
    batch = Batch(session, who, at)
    if plan.actors:
        batch.actors(plan.actors)
    if plan.sources:
        batch.sources(plan.sources)
    if plan.pledges:
        batch.pledges(plan.pledges)
    problems: list[Problem] = []
    for update in plan.updates:
        changes = {name: value for name, _, value in update.diff}
        try:
            editing.update_pledge(
                session, update.pledge.id, changes, who, expected_version=update.version
            )
        except PledgesError as error:
            column = "version" if isinstance(error, Conflict) else update.diff[0][0]
            problems.append(update.row.refused(column, error))
    for deprecation in plan.evidence.deprecations:
        try:
            editing.deprecate_evidence(session, deprecation.id, who, reason=deprecation.reason)
        except PledgesError as error:
            problems.append(deprecation.row.refused("rank", error))
    if problems:
        raise BadRows(problems)
    if plan.evidence.new.ids:
        batch.evidence(plan.evidence.new)
