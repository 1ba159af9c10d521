"""Drawing an import's plan: one line per pledge, then the other records in short."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from pledges.render import note
from pledges.transfer.rows import shown

if TYPE_CHECKING:
    from pledges.transfer.plan import Difference, Plan


def import_plan(plan: Plan, *, dry_run: bool) -> None:
    """The plan on stdout, and what it made (or would make) on stderr."""
    sys.stdout.write("".join(f"{line}\n" for line in lines(plan)))  # one write, not one a line
    for line in readings(plan):
        note(line)
    verb = "Would make" if dry_run else "Made"
    changes = "1 change" if plan.writes == 1 else f"{plan.writes} changes"
    note(
        f"{verb} {changes} from {', '.join(plan.files)}"
        + ("; nothing was written." if dry_run else ".")
    )


def lines(plan: Plan) -> Iterator[str]:
    """The plan, one line per pledge, then the other records in short."""
    added, changed, unchanged = plan.added, plan.changed, plan.unchanged
    new = set(added["pledges"])
    for pledge_id in sorted({*new, *changed["pledges"], *unchanged["pledges"]}):
        if pledge_id in new:
            yield f"+ {pledge_id}: added"
        elif pledge_id in changed["pledges"]:
            yield f"~ {pledge_id}: {_changes(changed['pledges'][pledge_id])}"
        else:
            yield f"= {pledge_id}: left alone"
    for table in ("actors", "sources", "evidence"):
        ids, same = added[table], unchanged[table]
        if ids:
            more = ", …" if len(ids) > 10 else ""
            yield f"+ {table}: {len(ids)} added ({', '.join(ids[:10])}{more})"
        for key, diff in changed[table].items():
            yield f"~ {table} {key}: {_changes(diff)}"
        if same:
            yield f"= {table}: {len(same)} left alone"


def _changes(diff: list[Difference]) -> str:
    return "; ".join(f"{name}: {shown(old)} → {shown(new)}" for name, old, new in diff)


def readings(plan: Plan) -> Iterator[str]:
    """How each file not saved as an export writes it (UTF-8, ',') was read, one line a file:
    'pledges.csv: read as cp1252, separated by ';''."""
    for file in plan.files:
        reading = plan.readings.get(file)
        if reading is not None and not reading.usual:
            yield f"{file}: {reading}"
