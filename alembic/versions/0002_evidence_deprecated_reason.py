"""evidence keeps the reason it was deprecated

Evidence is never deleted: it is ranked `deprecated`, and the reason stays beside it so that a
reader of the pledge sees why the quote no longer counts.

The upgrade never leaves deprecated evidence without a reason, which the schema refuses. When the
column comes back after a forced downgrade, each reason is taken again from the revision log,
which recorded it when the evidence was deprecated; a reason the log does not hold is marked as
lost, so that a reader sees it was not given.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 23:40:00
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What downgrade() drops: pledges.migrate refuses the downgrade while any of it holds values.
DOWNGRADE_DROPS = ("evidence.deprecated_reason",)
REASON_LOST = "reason lost in a schema downgrade"


def upgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deprecated_reason", sa.Text(), nullable=True))
    bind = op.get_bind()
    missing = bind.execute(
        sa.text("SELECT id FROM evidence WHERE rank = 'deprecated' AND deprecated_reason IS NULL")
    ).scalars()
    ids = [str(evidence_id) for evidence_id in missing]
    if not ids:
        return
    logged = _logged_reasons(bind)
    fill = sa.text("UPDATE evidence SET deprecated_reason = :reason WHERE id = :id")
    bind.execute(fill, [{"id": int(i), "reason": logged.get(i) or REASON_LOST} for i in ids])


def _logged_reasons(bind: sa.Connection) -> dict[str, str | None]:
    """The last deprecation reason the log records for each piece of evidence, by id.

    Read as text and parsed here: a malformed revision is skipped (`log verify` names it), never
    a reason for the upgrade to fail.
    """
    reasons: dict[str, str | None] = {}
    rows = bind.execute(
        sa.text(
            "SELECT entity_id, CAST(changes AS TEXT) FROM revisions "
            "WHERE entity = 'evidence' ORDER BY seq"
        )
    )
    for entity_id, changes in rows:
        try:
            change: Any = json.loads(changes).get("deprecated_reason")
        except (TypeError, ValueError, AttributeError):
            continue
        if isinstance(change, dict):
            after = change.get("after")
            reasons[str(entity_id)] = after if isinstance(after, str) else None
    return reasons


def downgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_column("deprecated_reason")
