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
    from pledges import service
    from pledges.errors import InvalidInput
    from pledges.render import register as render

    if empty and seeds is not None:
        raise InvalidInput("--empty loads no seeds", "give --empty or --seeds, not both")
    render.init_result(service.init(db, author=author_name(author), seeds=seeds, empty=empty))


@db_app.command("upgrade")
def db_upgrade(
    db: Db = None, revision: Annotated[str, typer.Option(help="Target revision.")] = "head"
) -> None:
    """Upgrade the database schema (to the latest revision by default)."""
    _migrate(db, "upgrade", revision)


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, e.g. -1 or base.")],
    db: Db = None,
) -> None:
    """Downgrade the database schema to an earlier revision."""
    _migrate(db, "downgrade", revision)


@db_app.command("current")
def db_current(db: Db = None) -> None:
    """Print the schema revision the database is at, and the one this version needs."""
    from pledges import migrate
    from pledges.db import opened, schema_revision

    with opened(db, current=False) as engine:
        revision = schema_revision(engine)
    typer.echo(f"database: {revision or 'empty'}\ncode: {migrate.head()}")


def _migrate(db: str | None, action: str, revision: str) -> None:
    from pledges import migrate
    from pledges.db import opened, schema_revision, transaction

    with opened(db, current=False) as engine:
        with transaction(engine, write=True) as session:
            getattr(migrate, action)(session.connection(), revision)
        now = schema_revision(engine)
    typer.echo(f"database now at revision {now or 'base (empty)'}", err=True)


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
