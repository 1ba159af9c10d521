"""The suggest command: the passages of stored sources that state commitments, best first; one
accepted as a pledge and its evidence in one step, or all written for review in a spreadsheet."""

from enum import StrEnum
from typing import Annotated

import typer

from pledges.cli.options import Author, Db, within
from pledges.errors import InvalidInput

app = typer.Typer()
Opt = typer.Option
ACCEPT_MAX = 100_000


class SuggestFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


def _score(value: str) -> float:
    """--min-score: a number from 0 to 1."""
    try:
        score = float(value)
    except ValueError:
        score = -1.0
    if not 0 <= score <= 1:
        raise InvalidInput(
            f"--min-score {value} is not allowed", "use a number from 0 to 1, e.g. 0.5"
        )
    return score


@app.command()
def suggest(
    source_id: Annotated[
        list[str] | None,
        typer.Argument(metavar="SOURCE_ID", help="The stored sources to read (repeat)."),
    ] = None,
    every: Annotated[
        bool, Opt("--all", help="Read every source, leaving out passages already cited.")
    ] = False,
    min_score: Annotated[
        str, Opt("--min-score", metavar="S", help="Show candidates scoring at least S (0 to 1).")
    ] = "0.5",
    format: Annotated[
        SuggestFormat, Opt("--format", help="table for people; json or csv for machines.")
    ] = SuggestFormat.TABLE,
    accept: Annotated[
        int | None,
        Opt(
            "--accept",
            metavar="N",
            help="Add suggestion N as a pledge and cite its passage.",
            parser=within("--accept", 1, ACCEPT_MAX, "the number of a suggestion"),
        ),
    ] = None,
    pledge_id: Annotated[
        str | None, Opt("--id", help="The new pledge's id, a slug (with --accept).")
    ] = None,
    title: Annotated[str | None, Opt(help="The pledge's title. Default: made from it.")] = None,
    actor: Annotated[list[str] | None, Opt(help="Who commits, instead of its actors.")] = None,
    kind: Annotated[str | None, Opt(help="What it is about, instead of the suggestion's.")] = None,
    statement: Annotated[str | None, Opt(help="The commitment in neutral words.")] = None,
    target_year: Annotated[str | None, Opt(help="The year of the target, 1990 to 2100.")] = None,
    target_value: Annotated[str | None, Opt(help="e.g. 65 (with --target-unit).")] = None,
    target_unit: Annotated[str | None, Opt(help="e.g. % below 2005.")] = None,
    baseline_year: Annotated[str | None, Opt(help="The baseline year of the target.")] = None,
    gas: Annotated[list[str] | None, Opt(help="A gas covered (repeat).")] = None,
    formality: Annotated[str | None, Opt(help="How firmly it is set down.")] = None,
    status: Annotated[str | None, Opt(help="Whether it is delivered.")] = None,
    confidence: Annotated[str | None, Opt(help="How well the evidence supports it.")] = None,
    announced_on: Annotated[str | None, Opt(help="When it was announced, YYYY-MM-DD.")] = None,
    notes: Annotated[str | None, Opt(help="Curation notes.")] = None,
    reason: Annotated[
        str | None, Opt("--reason", help="Why you add it (with --accept); kept in the history.")
    ] = None,
    out: Annotated[
        str | None,
        Opt(
            "--out",
            help="Write the suggestions as new rows of the folder's pledges.csv and evidence.csv, "
            "to review and bring in with 'pledges import'.",
        ),
    ] = None,
    db: Db = None,
    author: Author = None,
) -> None:
    """Suggest the commitments that stored sources state: each passage with who commits, what
    about, by when, a score from 0 to 1 and the reasons behind it. Accept one with --accept N
    --id SLUG --reason R, or write them all for review with --out DIR."""
    from pledges.cli.options import given

    score = _score(min_score)
    if every and source_id:
        raise InvalidInput("give source ids or --all, not both", "e.g. 'pledges suggest --all'")
    if not every and not source_id:
        raise InvalidInput(
            "no source named", "name one, e.g. 'pledges suggest SOURCE_ID', or give --all"
        )
    overrides = given(
        title=title, kind=kind, statement=statement, target_year=target_year,
        target_value=target_value, target_unit=target_unit, baseline_year=baseline_year,
        gases=gas, formality=formality, status=status, confidence=confidence,
        announced_on=announced_on, notes=notes,
    )  # fmt: skip
    if accept is None and (pledge_id or reason or overrides or actor):
        raise InvalidInput(
            "--id, --reason and the pledge's fields go with --accept N",
            "add --accept N, the number of the suggestion to add",
        )
    if accept is not None:
        if out is not None:
            raise InvalidInput("give --accept or --out, not both", "accept one, or write all")
        _accept(source_id or [], accept, pledge_id, reason, overrides, actor, score, db, author)
        return
    _show(source_id if not every else None, score, format.value, out, db)


def _show(
    ids: list[str] | None, score: float, format: str, out: str | None, db: str | None
) -> None:
    from pledges import progress, service
    from pledges.cli.options import read
    from pledges.outfolder import out_path
    from pledges.render import note
    from pledges.render.suggestions import suggestions
    from pledges.suggest.run import suggest

    folder = None if out is None else out_path(out)
    with progress.task("Reading the sources"):
        if ids is not None:
            with read(db) as session:
                for wanted in ids:
                    service.get_source(session, wanted)
        reading = suggest(db, ids, min_score=score)
        one = ids is not None and len(ids) == 1
        if folder is None and format != "table":  # written as the sources are read
            suggestions(reading, format, one=one, numbered=ids is not None)
            return
        found = list(reading)
    if folder is None:
        suggestions(found, format, one=one, numbered=ids is not None)
        return
    from pledges import repository as repo
    from pledges.suggest.accept import write_rows

    with read(db) as session:
        names = {a.id: a.name for a in repo.list_actors(session)}
        taken = set(repo.pledge_ids(session))
    suggested = [(s.source_id, s.candidates) for s in found]
    written, unnamed, likened = write_rows(folder, suggested, names, taken)
    if written:
        pledges = "1 suggested pledge" if written == 1 else f"{written} suggested pledges"
        note(f"Wrote {pledges}, each with its passage as evidence, to {folder / 'pledges.csv'} "
             f"and {folder / 'evidence.csv'}. Delete the rows you do not keep, correct the "
             f"others, then run 'pledges import {folder} --reason ...'.")  # fmt: skip
    else:
        note(f"Nothing new to write to {folder}: every suggestion is cited already, written "
             "there before, like a pledge the register has, or names no actor.")  # fmt: skip
    if likened:
        which = "1 suggestion that is" if likened == 1 else f"{likened} suggestions that are"
        note(f"Left out {which} like a pledge the register has (the same actors, kind and "
             "year): cite each for that pledge with 'pledges cite'.")  # fmt: skip
    if unnamed:
        which = "1 suggestion that names" if unnamed == 1 else f"{unnamed} suggestions that name"
        note(f"Left out {which} no actor of the register: add the actor with 'pledges actor "
             "add', or accept it from its source's list with --accept N --actor A.")  # fmt: skip


def _accept(
    ids: list[str],
    number: int,
    pledge_id: str | None,
    reason: str | None,
    overrides: dict[str, object],
    actor: list[str] | None,
    score: float,
    db: str | None,
    author: str | None,
) -> None:
    from pledges import service
    from pledges.actor_names import resolve
    from pledges.cli.options import changed_by, read, write
    from pledges.render import note
    from pledges.suggest.accept import accept
    from pledges.suggest.run import suggest

    if len(ids) != 1:
        raise InvalidInput(
            "--accept takes one source", "e.g. 'pledges suggest SOURCE_ID --accept 1'"
        )
    if pledge_id is None:
        raise InvalidInput("--accept needs --id", "give the new pledge's id, e.g. --id cn-peak")
    if reason is None:
        raise InvalidInput(
            "--accept needs --reason", "say why you add it, e.g. --reason 'Read in the statement'"
        )
    who = changed_by(author, reason)
    with read(db) as session:
        service.get_source(session, ids[0])
    found = next(suggest(db, ids, min_score=score)).candidates
    if not 1 <= number <= len(found):
        raise InvalidInput(
            f"there is no suggestion {number} for {ids[0]}: there are {len(found)} at "
            f"--min-score {score:g}",
            f"run 'pledges suggest {ids[0]}' to see them, and give the number of one",
        )
    candidate = found[number - 1]
    if candidate.existing_pledge_id is not None:
        raise InvalidInput(
            f"suggestion {number} is already in the register as {candidate.existing_pledge_id}",
            "nothing was written; accept another, or see it with "
            f"'pledges show {candidate.existing_pledge_id}'",
        )
    with write(db) as session:
        fields = {"id": pledge_id, **overrides}
        if actor:
            fields["actors"] = resolve(session, actor)
        pledge, evidence = accept(session, ids[0], candidate, fields, who)
    note(f"Added pledge {pledge.id} ({pledge.title}) with evidence {evidence.id}: "
         f"“{candidate.passage}”. Check it with 'pledges show {pledge.id}'.")  # fmt: skip
