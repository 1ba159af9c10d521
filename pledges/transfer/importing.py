"""Reading an exported register back: a folder of CSVs or a data package. All or nothing.

The import is three stages, in one process:

    read    the files into rows that know their file and row         pledges.transfer.rows
    check   the rows against the register: a plan, and problems      pledges.transfer.check
            (evidence in pledges.transfer.evidence); nothing is written
    apply   the plan, in the transaction it was checked in           pledges.transfer.apply

A bad row is named as file:row:column with what is allowed (pledges.transfer.problems); if any
row is refused, nothing is written. Every change is a revision with the import's reason, made
as the commands make it (a quote is located as `cite` locates it). A dry run applies the plan,
and rolls it back; `pledges.render.importing` prints the plan.

What an import may do: add actors, sources, pledges and evidence; change a pledge's fields;
deprecate evidence. What it may not: change an actor or a source (their records have no edit
command either), edit evidence in place (deprecate it and add the corrected quote), delete
anything (a record missing from the files is left as it is). A pledge row carries the version it
was exported at: if the pledge changed in the register since, the row is refused rather than
overwriting that change; a changed row without its version is refused too.

Every cell is read by the schema's input models, under the rules the commands' options follow
(`pledges.schema`: ExportedPledge and ExportedEvidence add the version and id an export writes).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from pledges import editing, history
from pledges.db import opened, transaction
from pledges.errors import InvalidInput
from pledges.transfer.apply import apply
from pledges.transfer.check import check
from pledges.transfer.plan import Plan
from pledges.transfer.problems import BadRows
from pledges.transfer.rows import read_files


def locate(path: Path) -> tuple[Path, bool]:
    """The folder to read, and whether it is a data package."""
    if path.is_file() and path.name == "datapackage.json":
        return path.parent, True
    if not path.is_dir():
        raise InvalidInput(
            f"there is no folder {path}",
            "give the folder 'pledges export' wrote, or its datapackage.json",
        )
    return path, (path / "datapackage.json").is_file()


class _RolledBack(Exception):
    pass


def import_register(
    db: str | None, path: Path, who: editing.Who, *, dry_run: bool, allow_unlocated: bool = False
) -> Plan:
    """Read the files, check every row, and apply them in one transaction; all or nothing."""
    files = read_files(*locate(path))
    at = history.now()
    with opened(db) as engine:
        try:
            with transaction(engine, write=True) as session:
                if engine.dialect.name == "sqlite":
                    # Up to 256 MB of pages in memory for this connection (2 MB by default): an
                    # index grown at random places is then written once, not rewritten.
                    session.execute(text("PRAGMA cache_size=-262144"))
                plan, problems = check(session, files, at=at, allow_unlocated=allow_unlocated)
                if problems:
                    raise BadRows(problems)
                apply(session, plan, who, at=at)
                if dry_run:
                    raise _RolledBack
        except _RolledBack:
            pass
    return plan
