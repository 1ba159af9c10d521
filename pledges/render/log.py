"""Drawing the revision history and the result of verifying it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pledges.render import note, out, write_json

if TYPE_CHECKING:
    from pledges.history import Verification
    from pledges.schema import Revision


def _value(value: Any) -> str:
    if value is None:
        return "—"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:59] + "…"


def revisions(items: Sequence[Revision], format: str) -> None:
    if format == "json":
        write_json([r.model_dump(mode="json") for r in items])
        return
    from rich import box
    from rich.table import Table

    table = Table(
        title=f"{len(items)} revisions", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False
    )
    table.add_column("#", justify="right")
    table.add_column("when (UTC)\nwho", no_wrap=True)
    table.add_column("what\nwhy", ratio=1)
    table.add_column("changes", ratio=2)
    for r in items:
        if r.action.value == "create":
            changes = f"created with {len(r.changes)} fields"
        else:
            changes = "\n".join(
                f"{name}: {_value(c.before)} → {_value(c.after)}"
                for name, c in r.changes.items()
                if name not in ("updated_at", "version")
            )
        table.add_row(
            str(r.seq),
            f"{r.at:%Y-%m-%d %H:%M}\n{r.author}",
            f"{r.action.value} {r.entity.value} {r.entity_id}\n{r.reason}",
            changes,
        )
    out().print(table)


def verification(result: Verification) -> None:
    for problem in result.problems:
        print(problem)
    checked = (
        f"{result.revisions} revisions, {result.records} records and "
        f"{result.sources} source texts checked"
    )
    if result.ok:
        note(f"The log is intact: {checked}.")
    else:
        note(
            f"The log does not match: {len(result.problems)} problem(s) above ({checked}). "
            "Restore the database from a backup, or ask whoever edited it directly."
        )
