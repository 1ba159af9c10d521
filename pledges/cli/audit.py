"""The audit command."""

from enum import StrEnum
from typing import Annotated

import typer

from pledges.cli.options import WORKERS_MAX, Db, ReverifyDays, ShowFormat, Today, as_of, within
from pledges.vocab import REVERIFY_DAYS

app = typer.Typer()


class FailOn(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NEVER = "never"


@app.command()
def audit(
    format: Annotated[
        ShowFormat, typer.Option("--format", help="How to print the findings.")
    ] = ShowFormat.TABLE,
    fail_on: Annotated[
        FailOn, typer.Option(help="Exit 1 when findings of this severity (or worse) are found.")
    ] = FailOn.ERROR,
    reverify_days: ReverifyDays = REVERIFY_DAYS,
    today: Today = None,
    workers: Annotated[
        int | None,
        typer.Option(
            help=f"Processes reading articles (1 to {WORKERS_MAX}). Default: one per core.",
            parser=within("--workers", 1, WORKERS_MAX, "a number of processes"),
        ),
    ] = None,
    db: Db = None,
) -> None:
    """Check every pledge against the articles it cites; exit 1 per --fail-on."""
    from pledges.audit import Severity
    from pledges.audit import audit as run_audit
    from pledges.render import audit as render

    report = run_audit(db, today=as_of(today), reverify_days=reverify_days, workers=workers)
    render.report(report, format.value)
    failing = {FailOn.ERROR: report.count(Severity.ERROR),
               FailOn.WARNING: len(report.findings), FailOn.NEVER: 0}[fail_on]  # fmt: skip
    if failing:
        raise typer.Exit(1)
