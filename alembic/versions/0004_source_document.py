"""a source records how its text was got from its file

`pledges source add` reads PDF, Word, web pages and text in any common encoding. The source
records the kind of file (`format`), the encoding its bytes were read in (`encoding`), the
library and version that extracted the text (`extractor`), and which of its title, date and
publisher were taken from the document's own metadata rather than typed (`from_metadata`, a JSON
list of field names, NULL when none was).

Sources added before this revision hold NULL in all four: how their text was got was not
recorded. When the columns come back after a forced downgrade, each source's values are taken
again from the revision log, which recorded them when the source was added (and any later
change), so that `log verify` finds the register as the log describes it. Plain ALTER TABLE, as
in 0003: a batch operation would copy the sources table, which the evidence references.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 20:50:00
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What downgrade() drops: pledges.migrate refuses the downgrade while any of it holds values.
DOWNGRADE_DROPS = (
    "sources.format",
    "sources.encoding",
    "sources.extractor",
    "sources.from_metadata",
)


FORMATS = ("text", "html", "pdf", "docx")  # pledges.vocab.SourceFormat, as it is at 0004
COLUMNS = ("format", "encoding", "extractor", "from_metadata")


def upgrade() -> None:
    allowed = ", ".join(f"'{value}'" for value in FORMATS)
    check = f"format IN ({allowed})"
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a CHECK only with its column, in the ALTER TABLE that adds it (alembic
        # would leave it out); the constraint is named as models.vocabulary() names it.
        op.execute(
            "ALTER TABLE sources ADD COLUMN format VARCHAR(32) "
            f"CONSTRAINT ck_sources_source_format CHECK ({check})"
        )
    else:
        op.add_column("sources", sa.Column("format", sa.String(length=32), nullable=True))
        op.create_check_constraint(op.f("ck_sources_source_format"), "sources", check)
    op.add_column("sources", sa.Column("encoding", sa.String(length=40), nullable=True))
    op.add_column("sources", sa.Column("extractor", sa.String(length=500), nullable=True))
    op.add_column("sources", sa.Column("from_metadata", sa.JSON(none_as_null=True), nullable=True))
    bind = op.get_bind()
    logged = _logged(bind)
    if not logged:
        return
    sources = sa.table(
        "sources",
        sa.column("id", sa.String()),
        *(sa.column(name, sa.String()) for name in COLUMNS[:3]),
        sa.column("from_metadata", sa.JSON(none_as_null=True)),
    )
    fill = (
        sources.update()
        .where(sources.c.id == sa.bindparam("source_id"))
        .values({name: sa.bindparam(f"logged_{name}") for name in COLUMNS})
    )
    bind.execute(
        fill,
        [
            {"source_id": i, **{f"logged_{name}": v.get(name) for name in COLUMNS}}
            for i, v in logged.items()
        ],
    )


def _logged(bind: sa.Connection) -> dict[str, dict[str, Any]]:
    """The last values the log records of the four columns for each source, by id; only the
    sources it records any for (none, before this revision). Read as text and parsed here: a
    malformed revision is skipped (`log verify` names it), as in 0002."""
    values: dict[str, dict[str, Any]] = {}
    rows = bind.execute(
        sa.text(
            "SELECT entity_id, CAST(changes AS TEXT) FROM revisions "
            "WHERE entity = 'source' ORDER BY seq"
        )
    )
    for entity_id, changes in rows:
        try:
            parsed: Any = json.loads(changes)
            found = {name: parsed[name]["after"] for name in COLUMNS if name in parsed}
        except (TypeError, ValueError, KeyError):
            continue
        if found:
            values.setdefault(str(entity_id), {}).update(found)
    return {i: v for i, v in values.items() if any(x is not None for x in v.values())}


def downgrade() -> None:
    for column in ("from_metadata", "extractor", "encoding"):
        op.drop_column("sources", column)
    if op.get_bind().dialect.name != "sqlite":  # SQLite drops a column's CHECK with it
        op.drop_constraint(op.f("ck_sources_source_format"), "sources", type_="check")
    op.drop_column("sources", "format")
