"""The audit command."""

from enum import StrEnum
from typing import Annotated

import typer

from pledges.cli.options import (
    WORKERS_MAX,
    Db,
    ReverifyDays,
    ShowFormat,
    Today,
    as_of,
    read,
    within,
)
from pledges.vocab import REVERIFY_DAYS

app = typer.Typer()


class FailOn(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NEVER = "never"


class Only(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@app.command()
def audit(
    pledge_id: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="PLEDGE_ID",
            help="Audit only these pledges and the sources they cite. Default: the register.",
        ),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source", metavar="ID", help="Audit only this source and the pledges citing it."
        ),
    ] = None,
    code: Annotated[
        list[str] | None,
        typer.Option(
            "--code", metavar="CODE", help="Show only findings of this code (repeat for more)."
        ),
    ] = None,
    severity: Annotated[
        Only | None, typer.Option("--severity", help="Show only findings of this severity.")
    ] = None,
    format: Annotated[
        ShowFormat,
        typer.Option(
            "--format",
            help="How to print the findings: a table (the summary first), json, or jsonl "
            "(one finding a line).",
        ),
    ] = ShowFormat.TABLE,
    fail_on: Annotated[
        FailOn,
        typer.Option(
            help="Exit 1 when findings of this severity (or worse) are found: among those shown "
            "when --code or --severity is given (to gate on one check), else among all the "
            "audit found about what was audited.",
        ),
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
    fresh: Annotated[
        bool,
        typer.Option(
            "--fresh",
            help="Examine every quote again, ignoring what earlier audits stored (and, auditing "
            "the whole register, store anew). Without it, only what changed since is examined.",
        ),
    ] = False,
    db: Db = None,
) -> None:
    """Check every pledge (or those named) against the articles it cites: a summary, then the
    findings. Exits 1 per --fail-on: over the findings shown when --code or --severity is given,
    else over all of them."""
    from pledges import progress
    from pledges.audit import Severity
    from pledges.audit import audit as run_audit
    from pledges.render import audit as render
    from pledges.render.pager import paged

    day = as_of(today)
    codes: list[str] = []
    if code:
        from pledges import service

        codes = service.check_codes(code)
    only = None
    if pledge_id or source is not None:
        from pledges import service

        with read(db) as session:
            only = service.audit_selection(session, pledge_id or [], source)
    with progress.task("Auditing"):
        full = run_audit(
            db, today=day, reverify_days=reverify_days, workers=workers, only=only, fresh=fresh
        )
    chosen = None if severity is None else Severity(severity.value)
    report = full.shown(
        codes=codes,
        severity=chosen,
        pledges=list(only.pledges) if only else [],
        source=only.source if only else None,
    )
    with paged(format.value):
        render.report(report, format.value)
    gating = report.findings if codes or chosen else report.all
    failing = {FailOn.ERROR: sum(1 for f in gating if f.severity is Severity.ERROR),
               FailOn.WARNING: len(gating), FailOn.NEVER: 0}[fail_on]  # fmt: skip
    if failing:
        raise typer.Exit(1)
