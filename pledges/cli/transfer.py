"""Export and import: the register as CSV for spreadsheets, JSON, or a data package, and back."""

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from pledges.cli.options import Author, Db, author_name

app = typer.Typer()


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"
    DATAPACKAGE = "datapackage"


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", help="The folder to write (created if need be).")],
    format: Annotated[
        ExportFormat, typer.Option("--format", help="csv, json or datapackage")
    ] = ExportFormat.CSV,
    excel: Annotated[
        bool,
        typer.Option(
            "--excel",
            help="For spreadsheets: a UTF-8 byte-order mark, and cells that start like a formula "
            "(= + - @) get a leading apostrophe; import undoes both.",
        ),
    ] = False,
    db: Db = None,
) -> None:
    """Write the register out: pledges.csv, evidence.csv, sources.csv and actors.csv."""
    from pledges.errors import InvalidInput
    from pledges.render import note
    from pledges.transfer import export as writing

    if excel and format is not ExportFormat.CSV:
        raise InvalidInput("--excel is for --format csv", "drop --excel, or use --format csv")
    try:
        if format is ExportFormat.CSV:
            done = writing.export_csv(db, out, excel=excel)
        elif format is ExportFormat.JSON:
            done = writing.export_json(db, out)
        else:
            done = writing.export_package(db, out)
    except OSError as error:  # a full disk, a file that cannot be replaced
        name = error.filename or out
        raise InvalidInput(
            f"cannot write {name} ({error.strerror})",
            "free some space, or choose another folder with --out",
        ) from None
    counts = ", ".join(f"{n} {name}" for name, n in done.counts.items())
    note(f"Wrote {', '.join(done.files)} to {done.folder} ({counts}).")


@app.command("import")
def import_(
    path: Annotated[
        Path,
        typer.Argument(
            metavar="PATH", help="The folder 'pledges export' wrote, or its datapackage.json."
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
    db: Db = None,
    author: Author = None,
) -> None:
    """Bring an edited export back: add and change what the files say, all or nothing."""
    from pledges.editing import Who
    from pledges.errors import InvalidInput
    from pledges.render import note
    from pledges.transfer.importing import import_register, lines

    if reason is None and not dry_run:
        raise InvalidInput("--reason is required", "say why, e.g. --reason 'spreadsheet review'")
    who = Who(author_name(author), reason or "dry run")
    plan = import_register(db, path, who, dry_run=dry_run, allow_unlocated=allow_unlocated)
    sys.stdout.write("".join(f"{line}\n" for line in lines(plan)))  # one write, not one a line
    verb = "Would make" if dry_run else "Made"
    note(f"{verb} {plan.writes} change(s) from {', '.join(plan.files)}"
         + ("; nothing was written." if dry_run else "."))  # fmt: skip
