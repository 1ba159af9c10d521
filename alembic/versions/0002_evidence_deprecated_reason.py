"""evidence keeps the reason it was deprecated

Evidence is never deleted: it is ranked `deprecated`, and the reason stays beside it so that a
reader of the pledge sees why the quote no longer counts.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 23:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deprecated_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_column("deprecated_reason")
