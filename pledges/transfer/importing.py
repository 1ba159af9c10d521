"""Reading an exported register back: a folder of CSVs or a data package. All or nothing.

The import is three stages:

    read    the files into rows that know their file and row         pledges.transfer.rows
    check   the rows against the register: a plan, and problems      pledges.transfer.check
            (evidence in pledges.transfer.evidence); nothing is written
    apply   the plan, in the transaction it was checked in           pledges.transfer.apply

first for the actors, sources and pledges, then for the evidence. A large evidence.csv (from
`parallel_from` bytes) is read and checked in a second process meanwhile (pledges.parallel),
against the register as the import began and the records it adds; if the register changed in
between, or a row of the other files is refused, the evidence is checked again here.

A bad row is named as file:row:column with what is allowed (pledges.transfer.problems.Problem);
every refused row is listed at once (cite's rules with the others), and if any is, nothing is
written.
A row the register already holds is left alone: the same files imported twice change nothing the
second time (a new evidence row too, when its pledge already cites its quote from its source).
Every change is a revision with the import's reason, made as the commands make it (a quote is
located as `cite` locates it). A dry run applies the plan, and rolls it back;
`pledges.render.importing` prints the plan.

What an import may do: add actors, sources, pledges and evidence; change the fields of an actor,
of a pledge, and of a source save its text (as `pledges actor update`, `pledges update` and
`pledges source update` do); deprecate evidence. What it may not: change a source's text (a
corrected text is a new source that supersedes it), edit evidence in place (deprecate it and
add the corrected quote), delete anything (a record missing from the files is left as it is). A
pledge row carries the version it was exported at: if the pledge changed in the register since,
the row is refused rather than overwriting that change; a changed row without its version is
refused too.

Every cell is read by the schema's input models, under the rules the commands' options follow
(`pledges.schema`: ExportedPledge and ExportedEvidence add the version and id an export writes).
"""

from __future__ import annotations

from contextlib import ExitStack
from datetime import datetime
from functools import partial
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from pledges import editing, history, parallel, progress
from pledges import repository as repo
from pledges.db import opened, transaction
from pledges.errors import InvalidInput, PledgesError
from pledges.search import follow as search_follow
from pledges.transfer.apply import apply, apply_evidence
from pledges.transfer.check import check, new_sources
from pledges.transfer.evidence import check_evidence
from pledges.transfer.plan import EvidencePlan, Plan
from pledges.transfer.problems import BadRows
from pledges.transfer.rows import Files, Sieves, read_files
from pledges.transfer.unchanged import Settled
from pledges.transfer.workbook import read_sheets

Head = tuple[int, str | None]


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


def _worth_a_process(db: str | None, evidence: Path, parallel_from: int) -> bool:
    """Whether a second process should read and check evidence.csv: a file of `parallel_from`
    bytes or more, on a platform that forks, at least half of whose rows the register does not
    hold yet. New evidence is what costs (each quote located in its source); an export brought
    back to the register it came from has few new rows, and two processes would each hold
    memory for them (at 100,000 pledges: 1.1 GB, where one process needs 0.8 GB in the same
    time)."""
    if not evidence.is_file() or evidence.stat().st_size < parallel_from or not parallel.forking():
        return False
    try:  # about one row a line: a rough count is enough
        with evidence.open("rb") as stream:
            rows = sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b""))
    except OSError:
        return False  # the file's problem is told as it is read
    with opened(db) as engine, transaction(engine) as session:
        held = repo.evidence_count(session)
    return held < rows / 2


class _RolledBack(Exception):
    pass


def import_register(
    db: str | None, path: Path, who: editing.Who, *, dry_run: bool, allow_unlocated: bool = False,
    parallel_from: int = 2_000_000,
) -> Plan:  # fmt: skip
    """Read the files, check every row, and apply them in one transaction; all or nothing.
    From an evidence.csv of `parallel_from` bytes (about 8,000 quotes), its rows are read and
    checked by a second process: below that, starting one costs more than it saves."""
    progress.stage("reading the files")
    at = history.now()
    files = read_sheets(path)  # a workbook, or an --excel export: pledges.transfer.workbook
    child = None
    seen: Head | None = None  # the register's head as the files were sieved
    try:
        with ExitStack() as stack:
            if files is None:
                folder, packaged = locate(path)
                if _worth_a_process(db, folder / "evidence.csv", parallel_from):
                    # Started before this process reads a file: the two share no rows (a row
                    # this process lets go of after the fork would otherwise be held by both).
                    work = partial(_evidence_apart, db, folder, packaged, at, allow_unlocated)
                    child = parallel.Child(work, name="pledges-import")
                leave = "evidence" if child else None
                engine = _opened(stack, db, folder, packaged, leave)
                with transaction(engine) as session:
                    seen = history.head(session)
                    sieves = _sieves(session, folder, packaged)
                    files = read_files(folder, packaged, leave=leave, sieves=sieves)
            else:
                engine = stack.enter_context(opened(db))
            try:
                with transaction(engine, write=True) as session:
                    plan = _import(session, files, who, at, allow_unlocated, child, seen)
                    if dry_run:
                        raise _RolledBack
            except _RolledBack:
                pass
    finally:
        if child is not None:
            child.close()
    return plan


def _opened(
    stack: ExitStack, db: str | None, folder: Path, packaged: bool, leave: str | None
) -> Engine:
    """The register, opened for the length of `stack`. The files' own problems are told
    before the register's (the files are read first): if it cannot be opened, they are read
    to find them, and then its problem is raised."""
    try:
        return stack.enter_context(opened(db))
    except PledgesError:
        read_files(folder, packaged, leave=leave)
        raise


def _sieves(session: Session, folder: Path, packaged: bool) -> Sieves:
    """Each file's rows sorted as they are read: those the register holds exactly as written
    are let go of (only their ids are kept), so that an export brought back with a few rows
    edited is not held whole."""

    def sieve(table: str) -> Settled:
        return Settled(session, table, folder=folder, packaged=packaged)

    return sieve


def _import(
    session: Session, files: Files, who: editing.Who, at: datetime, allow_unlocated: bool,
    child: parallel.Child[tuple[Head, EvidencePlan]] | None, seen: Head | None,
) -> Plan:  # fmt: skip
    """The stages, in the import's transaction; raises BadRows with every problem found.
    `seen`: the register's head when the files were read and sieved against it; if it has
    changed since, they are read and sieved again, against the register as it is now."""
    began = history.head(session)
    if seen is not None and seen != began:
        leave = next(iter(files.unread), None)
        sieves = _sieves(session, files.folder, files.packaged)
        files = read_files(files.folder, files.packaged, leave=leave, sieves=sieves)
    progress.stage("checking the rows")
    plan, problems = check(session, files)
    if not problems:
        progress.stage("writing the records")
        if session.get_bind().dialect.name == "sqlite":
            # Up to 256 MB of pages in memory for this connection (2 MB by default): an index
            # grown at random places is then written once, not rewritten. Not before: the
            # pages read to check the rows would fill it, and stay.
            session.execute(text("PRAGMA cache_size=-262144"))
        problems = apply(session, plan, who, at=at)
    evidence = None
    if child is not None:
        progress.stage("checking the evidence")
        if not problems:  # while the other process checks the evidence
            search_follow.catch_up(session)
        seen, evidence = child.result()  # the evidence file's own problems are raised here
        if seen != began or problems:  # it did not check against this register
            evidence = None
    rows = files.rows_of("evidence") if evidence is None else None  # read here only if needed
    if rows is not None:
        progress.stage("checking the evidence")
        added = [p.id for p in plan.pledges]
        evidence = check_evidence(session, rows, sources=plan.sources, pledges=added, at=at,
                                  allow_unlocated=allow_unlocated, folder=files.folder,
                                  packaged=files.packaged,
                                  settled=files.settled.get("evidence"))  # fmt: skip
    if evidence is not None:
        plan.evidence = evidence
        plan.unchanged["evidence"].extend(evidence.unchanged)
        problems.extend(evidence.problems)
        problems.extend(evidence.refusals)  # cite's rules
        if not problems:
            progress.stage("writing the evidence")
            problems = apply_evidence(session, evidence, who, at=at)
    if problems:
        raise BadRows(problems)
    return plan


def _evidence_apart(
    db: str | None, folder: Path, packaged: bool, at: datetime, allow_unlocated: bool
) -> tuple[Head, EvidencePlan]:
    """The second process's work: evidence.csv read, and checked against the register as a read
    transaction sees it, with the sources and pledges the other files add (as the import adds
    them when none of their rows is refused: else this check is not used). It reads the other
    files itself, for those ids and sources, and lets go of their rows before the evidence's."""
    files = read_files(folder, packaged, leave="evidence")
    with opened(db) as engine, transaction(engine) as session:
        sources = new_sources(session, files)
        pledges = [r.cell("id") for r in files.rows["pledges"] or []]
        files.rows.update(actors=None, sources=None, pledges=None)
        rows = files.rows_of("evidence") or []
        checked = check_evidence(session, rows, sources=sources, pledges=pledges, at=at,
                                 allow_unlocated=allow_unlocated, folder=files.folder,
                                 packaged=files.packaged)  # fmt: skip
        return history.head(session), checked
