"""a source may name the source it replaces

A source's text never changes: a corrected text is added as a new source, which names the one it
replaces in `supersedes`. The old source stays in the register, and the evidence that cites it
keeps citing it. The reference is checked by the register (`pledges source add --supersedes`,
`pledges import`), not by a foreign key.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 14:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What downgrade() drops: pledges.migrate refuses the downgrade while any of it holds values.
DOWNGRADE_DROPS = ("sources.supersedes",)


def upgrade() -> None:
    # Plain ALTER TABLE (SQLite 3.35 and later, PostgreSQL): a batch operation would copy the
    # sources table, which the evidence references. The register checks the reference, as it
    # checks a pledge's actors on import: the column holds no foreign key of its own.
    op.add_column("sources", sa.Column("supersedes", sa.String(length=80), nullable=True))


def downgrade() -> None:
    op.drop_column("sources", "supersedes")
