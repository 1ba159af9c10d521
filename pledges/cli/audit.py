"""The audit command."""

from datetime import date
from enum import StrEnum
from typing import Annotated

import typer

from pledges.cli.options import Db, ShowFormat

app = typer.Typer()


class FailOn(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NEVER = "never"


@app.command()
def audit(
    format: Annotated[
        ShowFormat, typer.Option("--format", help="table or json")
    ] = ShowFormat.TABLE,
    fail_on: Annotated[
        FailOn, typer.Option(help="Exit 1 when findings of this severity (or worse) are found.")
    ] = FailOn.ERROR,
    reverify_days: Annotated[
        int, typer.Option(min=1, help="Evidence older than this many days is due a new check.")
    ] = 365,
    today: Annotated[
        str | None, typer.Option(help="Audit as of this date (YYYY-MM-DD). Default: today.")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Processes reading articles. Default: one per core.")
    ] = None,
    db: Db = None,
) -> None:
    """Check every pledge against the articles it cites; exit 1 per --fail-on."""
    from pledges.audit import Severity
    from pledges.audit import audit as run_audit
    from pledges.errors import InvalidInput
    from pledges.render import audit as render

    try:
        as_of = None if today is None else date.fromisoformat(today)
    except ValueError:
        raise InvalidInput(f"--today {today!r} is not a date", "write it as YYYY-MM-DD") from None
    report = run_audit(db, today=as_of, reverify_days=reverify_days, workers=workers)
    render.report(report, format.value)
    failing = {FailOn.ERROR: report.count(Severity.ERROR),
               FailOn.WARNING: len(report.findings), FailOn.NEVER: 0}[fail_on]  # fmt: skip
    if failing:
        raise typer.Exit(1)
