"""initial register

Revision ID: 0001
Revises:
Create Date: 2026-11-22 23:14:43.208226
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pledges.models import UTCDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What downgrade() drops: pledges.migrate refuses the downgrade while any of it holds rows.
DOWNGRADE_DROPS = ("actors", "sources", "pledges", "pledge_actors", "evidence", "revisions")


def upgrade() -> None:

    op.create_table(
        "actors",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "country",
                "bloc",
                "subnational",
                "organisation",
                "company",
                name="actor_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actors")),
    )
    op.create_table(
        "pledges",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("statement", sa.Text(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "emissions_peak",
                "carbon_neutrality",
                "net_zero",
                "emissions_reduction",
                "renewable_energy",
                "coal",
                "methane_non_co2",
                "finance",
                "forests",
                "diplomatic_process",
                "cooperation",
                "other",
                name="pledge_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("target_year", sa.Integer(), nullable=True),
        sa.Column("target_value", sa.Float(), nullable=True),
        sa.Column("target_unit", sa.String(length=500), nullable=True),
        sa.Column("baseline_year", sa.Integer(), nullable=True),
        sa.Column("gases", sa.JSON(), nullable=False),
        sa.Column(
            "formality",
            sa.Enum(
                "proposed",
                "declared",
                "in_policy",
                "in_law",
                name="formality",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "not_yet_rated",
                "in_progress",
                "stalled",
                "partially_kept",
                "kept",
                "broken",
                "withdrawn",
                "superseded",
                "unverifiable",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "confidence",
            sa.Enum(
                "low",
                "medium",
                "high",
                name="confidence",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("announced_on", sa.Date(), nullable=True),
        sa.Column("parent_id", sa.String(length=80), nullable=True),
        sa.Column("superseded_by", sa.String(length=80), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["pledges.id"], name=op.f("fk_pledges_parent_id_pledges")
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by"], ["pledges.id"], name=op.f("fk_pledges_superseded_by_pledges")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pledges")),
    )
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pledges_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_pledges_status"), ["status"], unique=False)

    op.create_table(
        "revisions",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("author", sa.String(length=500), nullable=False),
        sa.Column(
            "action",
            sa.Enum(
                "create",
                "update",
                name="action",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "entity",
            sa.Enum(
                "actor",
                "source",
                "pledge",
                "evidence",
                name="entity",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("entity_id", sa.String(length=120), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=True),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_revisions")),
        sa.UniqueConstraint("hash", name=op.f("uq_revisions_hash")),
    )
    with op.batch_alter_table("revisions", schema=None) as batch_op:
        batch_op.create_index("ix_revisions_entity", ["entity", "entity_id"], unique=False)

    op.create_table(
        "sources",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("publisher", sa.String(length=500), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "official",
                "news",
                "analysis",
                "other",
                name="source_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("date_inferred", sa.Boolean(), nullable=False),
        sa.Column("date_note", sa.Text(), nullable=True),
        sa.Column("retrieved_on", sa.Date(), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
    )
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("pledge_id", sa.String(length=80), nullable=False),
        sa.Column("source_id", sa.String(length=80), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column(
            "stance",
            sa.Enum(
                "supports",
                "contradicts",
                name="stance",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "asserts_status",
            sa.Enum(
                "not_yet_rated",
                "in_progress",
                "stalled",
                "partially_kept",
                "kept",
                "broken",
                "withdrawn",
                "superseded",
                "unverifiable",
                name="asserts_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column(
            "rank",
            sa.Enum(
                "preferred",
                "normal",
                "deprecated",
                name="rank",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("verified_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["pledge_id"], ["pledges.id"], name=op.f("fk_evidence_pledge_id_pledges")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_evidence_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
    )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_pledge_id"), ["pledge_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_source_id"), ["source_id"], unique=False)

    op.create_table(
        "pledge_actors",
        sa.Column("pledge_id", sa.String(length=80), nullable=False),
        sa.Column("actor_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["actors.id"], name=op.f("fk_pledge_actors_actor_id_actors")
        ),
        sa.ForeignKeyConstraint(
            ["pledge_id"],
            ["pledges.id"],
            name=op.f("fk_pledge_actors_pledge_id_pledges"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pledge_id", "actor_id", name=op.f("pk_pledge_actors")),
    )
    with op.batch_alter_table("pledge_actors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pledge_actors_actor_id"), ["actor_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("pledge_actors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pledge_actors_actor_id"))

    op.drop_table("pledge_actors")
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_source_id"))
        batch_op.drop_index(batch_op.f("ix_evidence_pledge_id"))

    op.drop_table("evidence")
    op.drop_table("sources")
    with op.batch_alter_table("revisions", schema=None) as batch_op:
        batch_op.drop_index("ix_revisions_entity")

    op.drop_table("revisions")
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pledges_status"))
        batch_op.drop_index(batch_op.f("ix_pledges_kind"))

    op.drop_table("pledges")
    op.drop_table("actors")
