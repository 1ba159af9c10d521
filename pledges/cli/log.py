"""The revision history and its verification."""

from dataclasses import replace
from typing import Annotated

import typer

from pledges.cli.options import LIMIT_MAX, Db, LimitOf, ShowAs, ShowFormat, day, read
from pledges.errors import InvalidInput

app = typer.Typer()
log_app = typer.Typer(help="The tamper-evident revision log.", no_args_is_help=True)


@app.command()
def history(
    record_id: Annotated[
        str | None,
        typer.Argument(
            metavar="[ID]",
            help="Only this record: a pledge or a source (with the evidence citing it), or an "
            "actor.",
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="Only revisions made on or after this day (UTC)."),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="Only revisions made on or before this day (UTC)."),
    ] = None,
    author: Annotated[
        str | None, typer.Option(metavar="NAME", help="Only revisions by this author.")
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            metavar="N",
            help=f"Only the newest N revisions, still printed oldest first (1 to {LIMIT_MAX}).",
            parser=LimitOf,
        ),
    ] = None,
    format: ShowAs = ShowFormat.TABLE,
    db: Db = None,
) -> None:
    """Show the revisions, oldest first: who changed what, when and why."""
    from pledges import progress, service
    from pledges.render import log as render
    from pledges.render.pager import paged

    first, last = day("--since", since), day("--until", until)
    if first is not None and last is not None and first > last:
        raise InvalidInput(
            f"--since {since} is after --until {until}", "give a --since on or before --until"
        )
    # the display is cleared (the task ends) before the pager starts (paged ends)
    with paged(format.value), progress.task("Reading the log"):
        with read(db) as session:
            revisions = service.revisions(  # one more than --limit: to tell whether it cut any
                session, record_id, since=first, until=last, author=author,
                limit=None if limit is None else limit + 1,
            )  # fmt: skip
        cut = limit is not None and len(revisions) > limit
        if limit is not None:
            revisions = revisions[-limit:]
        filters = [f"record {record_id}"] if record_id is not None else []
        given = (("--since", since), ("--until", until), ("--author", author))
        filters += [f"{name} {value}" for name, value in given if value is not None]
        limited = limit if cut else None
        render.revisions(revisions, format.value, limited=limited, filters=filters)


@log_app.command("verify")
def verify(
    db: Db = None,
    anchor: Annotated[
        list[str] | None,
        typer.Option(
            "--anchor",
            metavar="SEQ:HASH",
            help="A head of the log recorded earlier ('pledges log head'); exits 1 unless the "
            "log still holds that revision with that hash. Repeatable.",
        ),
    ] = None,
) -> None:
    """Check the database's pages, every stored value, the hash chain and any anchors, then the
    register and every article against the log.

    Exits 1 when anything was changed behind the tool's back, naming what.
    """
    from pledges import anchors, pagecheck, progress, verification
    from pledges.db import opened, snapshot, transaction
    from pledges.render import log as render

    pins = sorted({anchors.parse(given) for given in anchor or []})
    with progress.task("Verifying the log"):
        with opened(db, current=False) as engine:
            progress.stage("checking the database's pages")
            pages = pagecheck.check_pages(engine)  # first: reading a damaged file proves nothing
        if pages is not None and pages.damaged:
            result = verification.Verification(0, 0, 0, pages.problems, len(pins), pages.done, True)
        else:
            with opened(db) as engine, transaction(snapshot(engine)) as session:
                result = verification.verify(session, pins)
            found = pages.problems if pages else []
            result = replace(
                result, problems=found + result.problems, database=pages.done if pages else ""
            )
    render.verification(result)
    if not result.ok:
        raise typer.Exit(1)


@log_app.command("head")
def head(
    format: ShowAs = ShowFormat.TABLE,
    db: Db = None,
) -> None:
    """Print the newest revision's number and hash: an anchor to keep outside the database.

    'pledges log verify --anchor SEQ:HASH' later proves that the log up to that revision was
    neither rewritten nor rolled back.
    """
    from pledges import history
    from pledges.render import log as render

    with read(db) as session:
        seq, hash = history.head(session)
    render.head(seq, hash, format.value)
