"""Pledges and their evidence: list and show them; add, update, cite, and deprecate or verify
evidence, each change one transaction."""

from typing import Annotated

import typer

from pledges.cli.options import (
    Author,
    Db,
    EvidenceIds,
    ExpectVersion,
    Format,
    Limit,
    ListAs,
    Reason,
    ShowAs,
    ShowFormat,
    apply_clears,
    changed_by,
    given,
    read,
    write,
)
from pledges.errors import InvalidInput

app = typer.Typer()
evidence_app = typer.Typer(
    help="Evidence: quotes linking pledges to sources.", no_args_is_help=True
)

Opt = typer.Option


@app.command("list")
def list_(
    actor: Annotated[str | None, typer.Option(help="Only pledges by this actor, e.g. CN.")] = None,
    status: Annotated[str | None, typer.Option(help="Only this status, e.g. in_progress.")] = None,
    kind: Annotated[str | None, typer.Option(help="Only this kind, e.g. emissions_peak.")] = None,
    formality: Annotated[str | None, typer.Option(help="Only this formality, e.g. in_law.")] = None,
    limit: Limit = None,
    format: ListAs = Format.TABLE,
    db: Db = None,
) -> None:
    """List the pledges of the register (in id order), optionally filtered."""
    from pledges import progress, service
    from pledges.render import register as render
    from pledges.render.pager import paged

    # the display is cleared (the task ends) before the pager starts (paged ends)
    with paged(format.value), progress.task("Listing the pledges"):
        with read(db) as session:
            pledges = service.list_pledges(  # one more than --limit: to tell whether it cut any
                session, actor=actor, status=status, kind=kind, formality=formality,
                limit=None if limit is None else limit + 1,
            )  # fmt: skip
        cut = limit is not None and len(pledges) > limit
        pledges = pledges[:limit]
        given = (("--actor", actor), ("--status", status), ("--kind", kind),
                 ("--formality", formality))  # fmt: skip
        filters = [f"{name} {value}" for name, value in given if value is not None]
        render.pledge_list(pledges, format.value, limited=limit if cut else None, filters=filters)


@app.command()
def show(
    pledge_id: Annotated[str, typer.Argument(metavar="ID", help="The pledge's id.")],
    format: ShowAs = ShowFormat.TABLE,
    db: Db = None,
) -> None:
    """Show one pledge: its actors, each quote inside the sentence it stands in, and what the
    audit finds wrong with it."""
    from pledges import service
    from pledges.render import register as render
    from pledges.render.pager import paged

    with read(db) as session:
        view = service.show_pledge(session, pledge_id)
        findings = service.pledge_findings(session, view)
    with paged(format.value):
        render.pledge_view(view, format.value, findings)


@app.command()
def add(
    pledge_id: Annotated[
        str, typer.Argument(metavar="ID", help="A new slug, e.g. cn-coal-cap-2025.")
    ],
    title: Annotated[str, Opt(help="A short title.", show_default=False)],
    actor: Annotated[
        list[str],
        Opt(
            help="Who commits: a code, name or alias, e.g. CN or China (repeat for a joint "
            "pledge).",
            show_default=False,
        ),
    ],
    kind: Annotated[str, Opt(help="What the pledge is about.", show_default=False)],
    reason: Reason,
    statement: Annotated[str | None, Opt(help="The commitment in neutral words.")] = None,
    target_year: Annotated[str | None, Opt(help="The year of the target, 1990 to 2100.")] = None,
    target_value: Annotated[str | None, Opt(help="e.g. 65 (with --target-unit).")] = None,
    target_unit: Annotated[str | None, Opt(help="e.g. % below 2005.")] = None,
    baseline_year: Annotated[str | None, Opt(help="The baseline year of the target.")] = None,
    gas: Annotated[list[str] | None, Opt(help="A gas covered (repeat).")] = None,
    formality: Annotated[
        str | None, Opt(help="How firmly it is set down. Default: declared.")
    ] = None,
    status: Annotated[
        str | None, Opt(help="Whether it is delivered. Default: not_yet_rated.")
    ] = None,
    confidence: Annotated[
        str | None, Opt(help="How well the evidence supports it. Default: low.")
    ] = None,
    announced_on: Annotated[str | None, Opt(help="When it was announced, YYYY-MM-DD.")] = None,
    parent_id: Annotated[str | None, Opt(help="The joint pledge this follows up.")] = None,
    superseded_by: Annotated[
        str | None, Opt(help="The pledge that replaces this one (with --status superseded).")
    ] = None,
    notes: Annotated[str | None, Opt(help="Curation notes.")] = None,
    db: Db = None,
    author: Author = None,
) -> None:
    """Add a pledge to the register."""
    from pledges.actor_names import resolve
    from pledges.editing import add_pledge
    from pledges.render import note
    from pledges.schema import PledgeIn
    from pledges.validation import validate

    who = changed_by(author, reason)
    fields = given(
        id=pledge_id, title=title, kind=kind,
        statement=statement, target_year=target_year, target_value=target_value,
        target_unit=target_unit, baseline_year=baseline_year, gases=gas, formality=formality,
        status=status, confidence=confidence, announced_on=announced_on, parent_id=parent_id,
        superseded_by=superseded_by,
        notes=notes,
    )  # fmt: skip
    with write(db) as session:
        pledge = validate(PledgeIn, {**fields, "actors": resolve(session, actor)})
        stored = add_pledge(session, pledge, who)
    note(f"Added pledge {stored.id} (version {stored.version}). Cite its evidence with "
         f"'pledges cite {stored.id} SOURCE_ID --quote ...'.")  # fmt: skip


@app.command()
def update(
    pledge_id: Annotated[str, typer.Argument(metavar="ID", help="The pledge to change.")],
    reason: Reason,
    title: Annotated[str | None, Opt(help="A short title.")] = None,
    statement: Annotated[str | None, Opt(help="The commitment in neutral words.")] = None,
    actor: Annotated[
        list[str] | None, Opt(help="Replaces the actors: a code, name or alias (repeat).")
    ] = None,
    kind: Annotated[str | None, Opt(help="What the pledge is about.")] = None,
    target_year: Annotated[str | None, Opt(help="The year of the target, 1990 to 2100.")] = None,
    target_value: Annotated[str | None, Opt(help="e.g. 65 (with --target-unit).")] = None,
    target_unit: Annotated[str | None, Opt(help="e.g. % below 2005.")] = None,
    baseline_year: Annotated[str | None, Opt(help="The baseline year of the target.")] = None,
    gas: Annotated[list[str] | None, Opt(help="Replaces the gases (repeat).")] = None,
    formality: Annotated[str | None, Opt(help="How firmly it is set down.")] = None,
    status: Annotated[str | None, Opt(help="Whether it is delivered.")] = None,
    confidence: Annotated[str | None, Opt(help="How well the evidence supports it.")] = None,
    announced_on: Annotated[str | None, Opt(help="When it was announced, YYYY-MM-DD.")] = None,
    parent_id: Annotated[str | None, Opt(help="The joint pledge this follows up.")] = None,
    superseded_by: Annotated[str | None, Opt(help="The pledge that replaces this one.")] = None,
    notes: Annotated[str | None, Opt(help="Curation notes.")] = None,
    clear: Annotated[list[str] | None, Opt(help="Empty a field, e.g. --clear target_year.")] = None,
    expect_version: ExpectVersion = None,
    db: Db = None,
    author: Author = None,
) -> None:
    """Change any field of a pledge. A superseded or withdrawn pledge stays in the register."""
    from pledges.actor_names import resolve
    from pledges.editing import update_pledge
    from pledges.render import note

    who = changed_by(author, reason)
    changes: dict[str, object] = given(
        title=title, statement=statement, kind=kind,
        target_year=target_year, target_value=target_value, target_unit=target_unit,
        baseline_year=baseline_year, gases=gas, formality=formality, status=status,
        confidence=confidence, announced_on=announced_on, parent_id=parent_id,
        superseded_by=superseded_by, notes=notes,
    )  # fmt: skip
    given_too = ["actors"] if actor else []
    apply_clears(changes, clear, empty={"gases": []}, also_given=given_too)
    with write(db) as session:
        if actor:
            changes["actors"] = resolve(session, actor)
        stored = update_pledge(session, pledge_id, changes, who, expected_version=expect_version)
    note(f"Updated pledge {stored.id}: now at version {stored.version}.")


@app.command()
def cite(
    pledge_id: Annotated[str, typer.Argument(metavar="ID", help="The pledge.")],
    source_id: Annotated[str, typer.Argument(metavar="SOURCE_ID", help="The article quoted.")],
    quote: Annotated[
        str, Opt(help="The words, exactly as the article has them.", show_default=False)
    ],
    reason: Reason,
    stance: Annotated[
        str | None, Opt(help="Whether the quote supports the pledge. Default: supports.")
    ] = None,
    asserts_status: Annotated[
        str | None, Opt(help="The delivery status this source reports.")
    ] = None,
    rank: Annotated[str | None, Opt(help="How much this evidence counts. Default: normal.")] = None,
    note_text: Annotated[str | None, Opt("--note", help="A note on this evidence.")] = None,
    allow_unlocated: Annotated[
        bool, Opt(help="Record a quote that is not found in the source (the audit reports it).")
    ] = False,
    db: Db = None,
    author: Author = None,
) -> None:
    """Cite a quote of a source as evidence for a pledge; the quote must stand in the source."""
    from pledges.editing import cite as cite_quote
    from pledges.render import note
    from pledges.schema import EvidenceIn
    from pledges.validation import validate

    who = changed_by(author, reason)
    if rank == "deprecated":  # else EvidenceIn asks for a deprecated_reason, which cite has not
        raise InvalidInput(
            "rank 'deprecated' is not allowed for new evidence",
            "cite it as normal or preferred, then run 'pledges evidence deprecate EVIDENCE_ID'",
        )
    fields = given(
        pledge_id=pledge_id, source_id=source_id, quote=quote, stance=stance,
        asserts_status=asserts_status, rank=rank, note=note_text,
    )  # fmt: skip
    evidence = validate(EvidenceIn, fields)
    with write(db) as session:
        stored = cite_quote(session, evidence, who, allow_unlocated=allow_unlocated)
    added = f"Added evidence {stored.id} to pledge {stored.pledge_id}"
    if not stored.verified_on:
        note(f"{added} (not found in the source: the audit will report it).")
    elif stored.quote == quote.strip():
        note(f"{added}.")
    else:
        from pledges.difference import describe
        from pledges.excerpt import excerpt

        named = describe(quote, stored.quote, exact=True)
        if named is None:  # the same words and marks: only the spacing differs
            note(f"{added}, with the article's own spacing and line breaks.")
        else:
            note(f"{added}, stored as the article writes it: “{excerpt(stored.quote, 160)}” "
                 f"({named}).")  # fmt: skip


@evidence_app.command("deprecate")
def deprecate(
    evidence_id: Annotated[
        int,
        typer.Argument(metavar="EVIDENCE_ID", help="As in 'pledges show'.", parser=EvidenceIds),
    ],
    reason: Reason,
    db: Db = None,
    author: Author = None,
) -> None:
    """Stop a piece of evidence counting; it stays in the register with the reason."""
    from pledges.editing import deprecate_evidence
    from pledges.render import note

    who = changed_by(author, reason)
    with write(db) as session:
        stored = deprecate_evidence(session, evidence_id, who)
    note(f"Deprecated evidence {stored.id} of pledge {stored.pledge_id}.")


@evidence_app.command("verify")
def verify(
    evidence_id: Annotated[
        list[int] | None,
        typer.Argument(metavar="[EVIDENCE_ID]...", help="See 'pledges show'.", parser=EvidenceIds),
    ] = None,
    all_: Annotated[bool, Opt("--all", help="Every piece of evidence not deprecated.")] = False,
    reason: Reason = "",
    db: Db = None,
    author: Author = None,
) -> None:
    """Check quotes against their sources again and record today as verified."""
    from datetime import date

    from pledges import progress
    from pledges.editing import verify_evidence
    from pledges.render import note

    if bool(evidence_id) == all_:
        raise InvalidInput("name the evidence to verify", "give EVIDENCE_ID... or --all, not both")
    who = changed_by(author, reason)
    with progress.task("Verifying evidence"), write(db) as session:
        done = verify_evidence(session, None if all_ else evidence_id, who, today=date.today())
    pieces = "1 piece" if len(done) == 1 else f"{len(done)} pieces"
    note(f"Verified {pieces} of evidence: every quote stands in its source.")
