"""Alembic environment: migrations run against the URL that pledges resolves (--db / PLEDGES_DB)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from pledges.db import make_engine
from pledges.dburl import resolve_url
from pledges.models import Base

config = context.config
target_metadata = Base.metadata


def derived(name: str | None, type_: str, parent_names: object) -> bool:
    """Whether alembic's model check looks at this name: not at the search index nor at what
    the audit stores, which are derived from the register and named search_* (or pledges_words;
    pledges.search.tables) and audit_* (pledges.audit.store)."""
    return not (name or "").startswith(("search_", "pledges_", "audit_"))


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_name=derived,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    engine = make_engine(resolve_url(config.get_main_option("sqlalchemy.url") or None))
    with engine.connect() as conn:
        run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("pledges migrations run online only: give a database with --db or PLEDGES_DB")
run_migrations_online()
