"""Drawing an import's plan: what it changes, one line each, and a count of what it leaves alone
(with `verbose`, a line for every pledge and a count for each other table, as it leaves them)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from pledges.excerpt import excerpt
from pledges.render import note
from pledges.transfer.problems import shown

if TYPE_CHECKING:
    from pledges.transfer.plan import Difference, Plan

QUOTE_SHOWN = 60  # characters of a new quote
# The tables as the count of what is left alone names them, each singular and plural.
NOUNS = {
    "pledges": ("pledge", "pledges"),
    "evidence": ("evidence", "evidence"),
    "sources": ("source", "sources"),
    "actors": ("actor", "actors"),
}


def import_plan(plan: Plan, *, dry_run: bool, verbose: bool = False) -> None:
    """The plan on stdout, and what it made (or would make) on stderr."""
    sys.stdout.write("".join(f"{line}\n" for line in lines(plan, verbose=verbose)))
    for line in readings(plan):
        note(line)
    files = ", ".join(plan.files)
    if plan.writes == 0:
        verb = "would change" if dry_run else "changed"
        said = f"Nothing {verb}: every row of {files} is as the register holds it"
    else:
        verb = "Would make" if dry_run else "Made"
        said = f"{verb} {counted(plan.writes, 'change', 'changes')} from {files}"
    note(said + ("; nothing was written." if dry_run else "."))


def counted(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def lines(plan: Plan, *, verbose: bool = False) -> Iterator[str]:
    """The plan: a line per new or changed pledge, then the other tables' new and changed
    records, then what is left alone."""
    added, changed, unchanged = plan.added, plan.changed, plan.unchanged
    new = set(added["pledges"])
    shown_ids = {*new, *changed["pledges"], *(unchanged["pledges"] if verbose else ())}
    for pledge_id in sorted(shown_ids):
        if pledge_id in new:
            yield f"+ {pledge_id}: added"
        elif pledge_id in changed["pledges"]:
            yield f"~ {pledge_id}: {_changes(changed['pledges'][pledge_id])}"
        else:
            yield f"= {pledge_id}: left alone"
    for table in ("actors", "sources", "evidence"):
        ids = added[table]
        if table == "evidence":
            for evidence_id, pledge_id, source_id, quote in plan.evidence.new.cited():
                yield (
                    f"+ evidence {evidence_id}: {pledge_id} cites {source_id}: "
                    f"“{excerpt(quote, QUOTE_SHOWN)}”"
                )
        elif ids:
            more = ", …" if len(ids) > 10 else ""
            yield f"+ {table}: {len(ids):,} added ({', '.join(ids[:10])}{more})"
        for key, diff in changed[table].items():
            yield f"~ {table} {key}: {_changes(diff)}"
        if verbose and unchanged[table]:
            yield f"= {table}: {len(unchanged[table]):,} left alone"
    left = [counted(len(unchanged[t]), *NOUNS[t]) for t in NOUNS if unchanged[t]]
    if left and not verbose:
        listed = left[0] if len(left) == 1 else f"{', '.join(left[:-1])} and {left[-1]}"
        yield f"= {listed} left alone"


def _changes(diff: list[Difference]) -> str:
    return "; ".join(f"{name}: {shown(old)} → {shown(new)}" for name, old, new in diff)


def readings(plan: Plan) -> Iterator[str]:
    """How each file not saved as an export writes it (UTF-8, ',') was read, one line a file:
    'pledges.csv: read as cp1252, separated by ';''."""
    for file in plan.files:
        reading = plan.readings.get(file)
        if reading is not None and not reading.usual:
            yield f"{file}: {reading}"
