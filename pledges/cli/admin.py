"""Setting the register up: init, schema migrations, and the published JSON Schema."""

from pathlib import Path
from typing import Annotated

import typer

from pledges.cli.options import Author, Db, author_name

app = typer.Typer()
db_app = typer.Typer(help="Schema migrations of the database.", no_args_is_help=True)


@app.command()
def init(
    db: Db = None,
    author: Author = None,
    seeds: Annotated[
        Path | None, typer.Option(help="A seed register folder. Default: the project's seeds/.")
    ] = None,
    empty: Annotated[
        bool, typer.Option("--empty", help="Load no seeds: a register to import an export into.")
    ] = False,
) -> None:
    """Create or upgrade the database; load the seed register when it is empty."""
    from pledges import progress, service
    from pledges.errors import InvalidInput
    from pledges.render import register as render

    if empty and seeds is not None:
        raise InvalidInput("--empty loads no seeds", "give --empty or --seeds, not both")
    if empty:
        _refuse_a_register_holding_records(db)
    with progress.task("Setting up the register"):
        done = service.init(db, author=author_name(author), seeds=seeds, empty=empty)
    render.init_result(done)


def _refuse_a_register_holding_records(db: str | None) -> None:
    """`init --empty` makes a new register to import into; on one that holds records it would
    only upgrade the schema, which is not what was asked: refused, nothing changed."""
    from sqlalchemy import func, select

    from pledges.db import opened, schema_revision, transaction
    from pledges.dburl import describe
    from pledges.errors import InvalidInput
    from pledges.models import ActorRow, PledgeRow, SourceRow

    with opened(db, create=True, current=False) as engine:
        if schema_revision(engine) is None:
            return
        with transaction(engine) as session:
            counts = {
                name: session.scalar(select(func.count()).select_from(table)) or 0
                for name, table in (("pledges", PledgeRow), ("sources", SourceRow),
                                    ("actors", ActorRow))
            }  # fmt: skip
        where = describe(engine.url)
    held = [f"{n} {name if n != 1 else name[:-1]}" for name, n in counts.items() if n]
    held = [", ".join(held[:-1]), held[-1]] if len(held) > 2 else held
    if held:
        raise InvalidInput(
            f"the register at {where} already holds {' and '.join(held)}; --empty only makes a "
            "new register, so nothing was changed",
            "to import an export into an empty register, give 'pledges init --empty' a new "
            "--db; 'pledges import DIR' can also add to this one",
        )


@db_app.command("upgrade")
def db_upgrade(
    db: Db = None,
    revision: Annotated[
        str, typer.Option(help="Target revision: a revision such as 0002, head, or +N.")
    ] = "head",
) -> None:
    """Upgrade the database schema (to the latest revision by default)."""
    from pledges import migrate, progress
    from pledges.db import opened, schema_revision, transaction

    with progress.task("Upgrading the schema"), opened(db, current=False) as engine:
        schema_revision(engine)  # an unreachable server or a file that is not a database: one line
        with transaction(engine, write=True) as session:
            step = migrate.upgrade(session.connection(), revision)
    typer.echo(f"database now at revision {step.target}", err=True)


@db_app.command("reindex")
def db_reindex(db: Db = None) -> None:
    """Check the search index and make it again from the register: after it was deleted or
    damaged behind the tool's back (pledges search says so), or to compact it."""
    from pledges import progress
    from pledges.db import opened, transaction
    from pledges.search import tables

    with (
        progress.task("Rebuilding the search index"),
        opened(db) as engine,
        transaction(engine, write=True) as session,
    ):
        found = tables.problems(session.connection())
        tables.rebuild(session.connection())
    for problem in found:
        typer.echo(f"Found: {problem}.", err=True)
    state = "was missing or damaged" if found else "was intact"
    typer.echo(f"The search index {state}; it was rebuilt from the register.", err=True)


# "-1" must reach the command as a revision, not be read as an unknown option.
@db_app.command("downgrade", context_settings={"ignore_unknown_options": True})
def db_downgrade(
    revision: Annotated[
        str,
        typer.Argument(help="Target revision: a revision such as 0001, base (no tables), or -N."),
    ],
    db: Db = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Downgrade even though it drops records or values. SQLite: a copy of the "
            "database file is saved first. PostgreSQL: give --backup too.",
        ),
    ] = False,
    backup: Annotated[
        Path | None,
        typer.Option(
            help="PostgreSQL: the pg_dump file you made before (it must exist and not be "
            "empty); the refusal prints the command that makes it. SQLite: where to save the "
            "copy. Default: beside the database, named after the target and the time.",
        ),
    ] = None,
) -> None:
    """Downgrade the database schema to an earlier revision, e.g. -1 or base.

    A downgrade that would drop records, or a column holding values, is refused and says what
    would be lost; --force does it after a backup. An empty register downgrades freely.
    """
    from pledges import migrate, progress
    from pledges.db import opened, schema_revision, transaction

    with progress.task("Downgrading the schema"), opened(db, current=False) as engine:
        schema_revision(engine)  # an unreachable server or a file that is not a database: one line
        with transaction(engine, write=True) as session:
            done = migrate.downgrade(session.connection(), revision, force=force, backup=backup)
    if done.copy is not None:
        typer.echo(f"Saved a copy of the database before the downgrade: {done.copy}", err=True)
    if done.lost:
        dropped = ", ".join(str(loss) for loss in done.lost)
        typer.echo(f"Dropped {dropped}.", err=True)
    typer.echo(f"database now at revision {done.step.target}", err=True)


@db_app.command("current")
def db_current(db: Db = None) -> None:
    """Print the schema revision the database is at, and the one this version needs."""
    from pledges import migrate
    from pledges.db import opened, schema_revision

    with opened(db, current=False) as engine:
        revision = schema_revision(engine)
    typer.echo(f"database: {revision or 'empty'}\ncode: {migrate.head()}")


@app.command()
def schema(
    out: Annotated[Path, typer.Option(help="Folder to write the JSON Schema files to.")] = Path(
        "schema"
    ),
) -> None:
    """Write the JSON Schema of each record (actor, source, pledge, evidence, revision)."""
    from pledges.jsonschema import write

    for path in write(out):
        typer.echo(str(path), err=True)
