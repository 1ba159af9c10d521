"""Undoing one revision by appending its inverse: the log is never rewritten."""

from typing import Annotated

import typer

from pledges.cli.options import Author, Db, Reason, changed_by, within, write
from pledges.vocab import MAX_ID

app = typer.Typer()

RevisionNumber = within("revision", 1, MAX_ID, "a revision number", ", as 'pledges history' lists")


@app.command()
def revert(
    seq: Annotated[
        int,
        typer.Argument(
            metavar="REVISION",
            help="The revision to undo, as 'pledges history' numbers it.",
            parser=RevisionNumber,
        ),
    ],
    reason: Reason,
    db: Db = None,
    author: Author = None,
) -> None:
    """Undo one revision by appending its inverse: an update's fields are set back to their
    values before it; new evidence is deprecated. Refused when a later revision changed the same
    fields of the record since (revert that first). A pledge, source or actor is never deleted."""
    from pledges.corrections import revert as revert_revision
    from pledges.render import note

    who = changed_by(author, reason)
    with write(db) as session:
        done = revert_revision(session, seq, who)
    what = "is deprecated" if done.deprecated else "is back to its values before it"
    note(
        f"Reverted revision {done.seq}: {done.entity} {done.entity_id} {what} "
        f"(revision {done.revision})."
    )
