"""The report command: the register as a static site, for readers who never open a terminal."""

from typing import Annotated

import typer

from pledges.cli.options import Db, ReverifyDays, Today, as_of, writing_into
from pledges.vocab import REVERIFY_DAYS

app = typer.Typer()


@app.command()
def report(
    out: Annotated[
        str, typer.Option("--out", help="The folder to write the site into (created if need be).")
    ],
    today: Today = None,
    reverify_days: ReverifyDays = REVERIFY_DAYS,
    db: Db = None,
) -> None:
    """Write the provenance report: pages to open in a browser from disk, or to publish."""
    from pledges.outfolder import out_path
    from pledges.render import note
    from pledges.report import build
    from pledges.report.summary import counted

    folder = out_path(out)
    with writing_into(folder):
        built = build(db, folder, today=as_of(today), reverify_days=reverify_days)
    summary = built.report.summary()
    note(f"Wrote the report to {built.folder}: {counted(built.pledges, 'pledge page')}, "
         f"{counted(built.sources, 'source page')}, the index and the audit summary "
         f"({counted(summary['errors'], 'error')}, {counted(summary['warnings'], 'warning')}). "
         f"Open {built.index} in a browser.")  # fmt: skip
