"""what the audit stores: each quote's facts and each pledge's findings, for the next audit

`pledges audit` keeps what it learns under the key of what it depends on, and re-examines only
what changed (pledges.audit.store). The tables are a cache, derived from the register and named
audit_*: a downgrade drops them and loses nothing, so DOWNGRADE_DROPS names none of them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 14:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from pledges.audit import store

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DOWNGRADE_DROPS: tuple[str, ...] = ()


def upgrade() -> None:
    store.create(op.get_bind())


def downgrade() -> None:
    store.drop(op.get_bind())
