"""The revision history and its verification."""

from typing import Annotated

import typer

from pledges.cli.options import Db, ShowFormat

app = typer.Typer()
log_app = typer.Typer(help="The tamper-evident revision log.", no_args_is_help=True)


@app.command()
def history(
    pledge_id: Annotated[
        str | None, typer.Argument(metavar="[ID]", help="Only this pledge and its evidence.")
    ] = None,
    format: Annotated[
        ShowFormat, typer.Option("--format", help="table or json.")
    ] = ShowFormat.TABLE,
    db: Db = None,
) -> None:
    """Show the revisions: who changed what, when and why."""
    from pledges import repository
    from pledges.db import unit_of_work
    from pledges.history import to_revision
    from pledges.render import log as render
    from pledges.service import get_pledge

    with unit_of_work(db) as session:
        if pledge_id is not None:
            get_pledge(session, pledge_id)
        revisions = [to_revision(row) for row in repository.revisions(session, pledge_id)]
    render.revisions(revisions, format.value)


@log_app.command("verify")
def verify(db: Db = None) -> None:
    """Recompute the hash chain and check the register and every article against the log.

    Exits 1 when anything was changed behind the tool's back, naming the first broken revision.
    """
    from pledges import history as log
    from pledges.db import unit_of_work
    from pledges.render import log as render

    with unit_of_work(db) as session:
        result = log.verify(session)
    render.verification(result)
    if not result.ok:
        raise typer.Exit(1)
