"""The register written out and read back: export (CSV for spreadsheets, JSON, or a data package)
and import; and the report, the register as a static site for readers who never open a terminal."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from pledges.cli.options import Author, Db, ReverifyDays, Today, as_of, changed_by, writing_into
from pledges.errors import InvalidInput
from pledges.vocab import REVERIFY_DAYS

app = typer.Typer()


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"
    JSONL = "jsonl"
    DATAPACKAGE = "datapackage"
    XLSX = "xlsx"


@app.command()
def export(
    out: Annotated[
        str,
        typer.Option(
            "--out",
            help="The folder to write (created if need be); with --format xlsx, the workbook "
            "FILE.xlsx, each source's text going to FILE.texts/ID.txt beside it.",
        ),
    ],
    format: Annotated[
        ExportFormat, typer.Option("--format", help="What to write.")
    ] = ExportFormat.CSV,
    excel: Annotated[
        bool,
        typer.Option(
            "--excel",
            help="For spreadsheets: a UTF-8 byte-order mark, cells that start like a formula "
            "(= + - @) get a leading apostrophe, and each source's text goes to texts/ID.txt, "
            "not a cell; import undoes all three.",
        ),
    ] = False,
    db: Db = None,
) -> None:
    """Write the register out: pledges.csv, evidence.csv, sources.csv and actors.csv, with
    log-head.json (the revision of the log they were read at)."""
    from pledges import progress
    from pledges.anchors import text
    from pledges.outfolder import out_path
    from pledges.render import note
    from pledges.transfer import export as writing

    folder = out_path(out)
    if excel and format is not ExportFormat.CSV:
        raise InvalidInput("--excel is for --format csv", "drop --excel, or use --format csv")
    with progress.task("Exporting"), writing_into(folder):
        if format is ExportFormat.CSV:
            done = writing.export_csv(db, folder, excel=excel)
        elif format is ExportFormat.JSON:
            done = writing.export_json(db, folder)
        elif format is ExportFormat.JSONL:
            done = writing.export_jsonl(db, folder)
        elif format is ExportFormat.XLSX:
            from pledges.transfer.workbook import export_workbook

            if folder.suffix.casefold() != ".xlsx":
                hint = "name the workbook, e.g. --out register.xlsx"
                raise InvalidInput(f"--out {out} does not end in .xlsx", hint)
            done = export_workbook(db, folder)
        else:
            done = writing.export_package(db, folder)
    counts = ", ".join(f"{n} {name}" for name, n in done.counts.items())
    seq, digest = done.head
    read_at = "an empty log"
    if digest is not None:  # the anchor, as 'pledges log verify --anchor' takes it
        read_at = f"revision {seq} of the log (anchor {text(seq, digest)})"
    note(f"Wrote {', '.join(done.files)} to {done.folder} ({counts}), as of {read_at}.")


@app.command("import")
def import_(
    path: Annotated[
        Path,
        typer.Argument(
            metavar="PATH",
            help="The folder 'pledges export' wrote, its datapackage.json, or the workbook "
            "(.xlsx) it wrote.",
        ),
    ],
    reason: Annotated[
        str | None,
        typer.Option("--reason", help="Why you import; kept in the history of every change."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change, and write nothing.")
    ] = False,
    allow_unlocated: Annotated[
        bool,
        typer.Option(
            "--allow-unlocated",
            help="Add new quotes that do not stand in their source anyway, as 'cite "
            "--allow-unlocated' does (the audit reports them).",
        ),
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            help="List every pledge, and count each table's records, the ones left alone too.",
        ),
    ] = False,
    db: Db = None,
    author: Author = None,
) -> None:
    """Bring an edited export back: add and change what the files say, all or nothing."""
    from pledges import progress
    from pledges.render.importing import import_plan
    from pledges.transfer.importing import import_register

    if reason is None and not dry_run:
        raise InvalidInput("--reason is required", "say why, e.g. --reason 'spreadsheet review'")
    who = changed_by(author, reason or "dry run")
    with progress.task("Importing"):
        plan = import_register(db, path, who, dry_run=dry_run, allow_unlocated=allow_unlocated)
    import_plan(plan, dry_run=dry_run, verbose=verbose)


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
    from pledges import progress
    from pledges.outfolder import out_path
    from pledges.render import note
    from pledges.report import build
    from pledges.report.summary import counted

    folder = out_path(out)
    with progress.task("Writing the report"), writing_into(folder):
        built = build(db, folder, today=as_of(today), reverify_days=reverify_days)
    summary = built.report.summary()
    pages = ", ".join(
        counted(n, f"{kind} page")
        for n, kind in (
            (built.pledges, "pledge"),
            (built.sources, "source"),
            (built.actors, "actor"),
        )
    )
    found = f"{counted(summary['errors'], 'error')}, {counted(summary['warnings'], 'warning')}"
    note(
        f"Wrote the report to {built.folder}: {pages}, the index, the audit summary and the "
        f"downloads ({found}). Open {built.index} in a browser."
    )
