"""Reading the register: list and show."""

from typing import Annotated

import typer

from pledges.cli.options import Db, Format, ListAs, ShowAs, ShowFormat, read

app = typer.Typer()


@app.command("list")
def list_(
    actor: Annotated[str | None, typer.Option(help="Only pledges by this actor, e.g. CN.")] = None,
    status: Annotated[str | None, typer.Option(help="Only this status, e.g. in_progress.")] = None,
    kind: Annotated[str | None, typer.Option(help="Only this kind, e.g. emissions_peak.")] = None,
    formality: Annotated[str | None, typer.Option(help="Only this formality, e.g. in_law.")] = None,
    format: ListAs = Format.TABLE,
    db: Db = None,
) -> None:
    """List the pledges of the register, optionally filtered."""
    from pledges import service
    from pledges.render import register as render

    with read(db) as session:
        pledges = service.list_pledges(
            session, actor=actor, status=status, kind=kind, formality=formality
        )
    render.pledge_list(pledges, format.value)


@app.command()
def show(
    pledge_id: Annotated[str, typer.Argument(metavar="ID", help="The pledge's id.")],
    format: ShowAs = ShowFormat.TABLE,
    db: Db = None,
) -> None:
    """Show one pledge: its actors, and each quote inside the sentence it stands in."""
    from pledges import service
    from pledges.render import register as render

    with read(db) as session:
        view = service.show_pledge(session, pledge_id)
    render.pledge_view(view, format.value)
