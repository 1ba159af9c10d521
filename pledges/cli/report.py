"""The report command: the register as a static site, for readers who never open a terminal."""

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from pledges.cli.options import Db

app = typer.Typer()


@app.command()
def report(
    out: Annotated[
        Path, typer.Option("--out", help="The folder to write the site into (created if need be).")
    ],
    today: Annotated[
        str | None, typer.Option(help="Audit as of this date (YYYY-MM-DD). Default: today.")
    ] = None,
    reverify_days: Annotated[
        int, typer.Option(min=1, help="Evidence older than this many days is due a new check.")
    ] = 365,
    db: Db = None,
) -> None:
    """Write the provenance report: pages to open in a browser from disk, or to publish."""
    from pledges.errors import InvalidInput
    from pledges.render import note
    from pledges.report import build
    from pledges.report.site import counted

    try:
        as_of = None if today is None else date.fromisoformat(today)
    except ValueError:
        raise InvalidInput(f"--today {today!r} is not a date", "write it as YYYY-MM-DD") from None
    built = build(db, out, today=as_of, reverify_days=reverify_days)
    summary = built.report.summary()
    note(f"Wrote the report to {built.folder}: {counted(built.pledges, 'pledge page')}, "
         f"{counted(built.sources, 'source page')}, the index and the audit summary "
         f"({counted(summary['errors'], 'error')}, {counted(summary['warnings'], 'warning')}). "
         f"Open {built.index} in a browser.")  # fmt: skip
