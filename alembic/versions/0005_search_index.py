"""the search index: full text of sources, quotes and pledges

`pledges search` finds words, phrases and Chinese text in every source, quote and pledge. SQLite
holds the index in FTS5 tables beside the register's own; PostgreSQL in a generated tsvector
column on each table with a GIN index, and trigram indexes (pg_trgm) for unspaced scripts
(pledges.search.tables). Made and filled here for a register that exists; kept in step afterwards
by every write (pledges.search.follow on SQLite, the database itself on PostgreSQL).

Everything this adds is derived from the register and named search_* (or pledges_words): a
downgrade drops it and loses nothing, so DOWNGRADE_DROPS names none of it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 11:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from pledges.search import tables

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DOWNGRADE_DROPS: tuple[str, ...] = ()


def upgrade() -> None:
    tables.create(op.get_bind())


def downgrade() -> None:
    tables.drop(op.get_bind())
