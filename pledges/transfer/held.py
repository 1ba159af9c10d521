"""Which of the ids an import's rows name the register holds: read for those ids only.

Why this module exists: an export brought back with a few rows edited names every record of the
register, but only its edited rows are read and checked (`pledges.transfer.unchanged`); the ids
they name (their own, the pledges and sources they refer to) are looked up, rather than every id
of the register being held.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pledges.models import ActorRow

NAMED_AT_ONCE = 2_000  # ids in one query's IN (...): within any database's limit on parameters


def held(session: Session, row_type: Any, ids: Iterable[str]) -> set[str]:
    """Those of `ids` that are ids of the register's records of `row_type`."""
    wanted = sorted(set(ids))
    found: set[str] = set()
    for start in range(0, len(wanted), NAMED_AT_ONCE):
        named = wanted[start : start + NAMED_AT_ONCE]
        found.update(session.scalars(select(row_type.id).where(row_type.id.in_(named))))
    return found


def actor_ids(session: Session) -> set[str]:
    """Every actor's id: a refusal of an unknown actor lists them."""
    return set(session.scalars(select(ActorRow.id)))
