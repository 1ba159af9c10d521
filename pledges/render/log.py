"""Drawing the revision history and the result of verifying it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pledges.render import draw, note, out, titled_table, write_json, write_jsonl

if TYPE_CHECKING:
    from pledges.schema import Revision
    from pledges.verification import Verification


def _value(value: Any) -> str:
    if value is None:
        return "—"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:59] + "…"


def _change(name: str, before: Any, after: Any) -> str:
    """One field's change; a list (an actor's aliases, a pledge's gases) by what it gained and
    lost, when it kept the rest."""
    if isinstance(before, list) and isinstance(after, list):
        added = [item for item in after if item not in before]
        removed = [item for item in before if item not in after]
        if (added or removed) and [i for i in after if i in before] == [
            i for i in before if i in after
        ]:
            parts = [f"added {_value(item)}" for item in added]
            parts += [f"removed {_value(item)}" for item in removed]
            return f"{name}: {'; '.join(parts)}"
    return f"{name}: {_value(before)} → {_value(after)}"


def revisions(
    items: Sequence[Revision],
    format: str,
    *,
    limited: int | None = None,
    filters: Sequence[str] = (),
) -> None:
    """The revisions, oldest first; the title says when --limit (`limited`) left out older
    ones. A table of none says which `filters` matched nothing."""
    if format == "json":
        write_json([r.model_dump(mode="json") for r in items])
        return
    if format == "jsonl":
        write_jsonl(r.model_dump(mode="json") for r in items)
        return
    if not items:
        narrowed = f" match ({', '.join(filters)})" if filters else " in the log"
        out().print(f"No revisions{narrowed}.", soft_wrap=True)
        return
    newest = f" (the newest {limited}: --limit)" if limited is not None else ""
    noun = "revision" if len(items) == 1 else "revisions"
    table = titled_table(f"{len(items)} {noun}{newest}")
    table.add_column("#", justify="right")
    table.add_column("when (UTC)\nwho", no_wrap=True)
    table.add_column("what\nwhy", ratio=1)
    table.add_column("changes", ratio=2)
    for r in items:
        if r.action.value == "create":
            changes = f"created with {len(r.changes)} fields"
        else:
            changes = "\n".join(
                _change(name, c.before, c.after)
                for name, c in r.changes.items()
                if name not in ("updated_at", "version")
            )
        table.add_row(
            str(r.seq),
            f"{r.at:%Y-%m-%d %H:%M}\n{r.author}",
            f"{r.action.value} {r.entity.value} {r.entity_id}\n{r.reason}",
            changes,
        )
    draw(table)


def _many(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def verification(result: Verification) -> None:
    for problem in result.problems:
        print(problem)
    if result.damaged:
        note(
            "The database is damaged, so the log was not read: "
            f"{_many(len(result.problems), 'problem')} above. Restore the database from a backup."
        )
        return
    checked = (
        f"{result.revisions} revisions, {result.records} records and "
        f"{result.sources} source texts checked"
    )
    database = f"; {result.database}" if result.database else ""
    if result.ok:
        held = (
            f", and the log holds the {_many(result.anchors, 'anchor')} given"
            if result.anchors
            else ""
        )
        note(f"The log is intact: {checked}{held}{database}.")
    else:
        given = f", {_many(result.anchors, 'anchor')} given" if result.anchors else ""
        note(
            f"The log does not match: {_many(len(result.problems), 'problem')} above "
            f"({checked}{given}"
            f"{database}). Restore the database from a backup, or ask whoever edited it directly."
        )


def head(seq: int, hash: str | None, format: str) -> None:
    """The head of the log, as an anchor to keep outside the database."""
    if format == "json":
        write_json({"seq": seq, "hash": hash})
        return
    if format == "jsonl":
        write_jsonl([{"seq": seq, "hash": hash}])
        return
    if hash is None:
        print("The log is empty: there is no revision to anchor yet.")
        return
    from pledges.anchors import text

    anchor = text(seq, hash)
    print(
        f"Revision {seq} is the head of the log. Its anchor is {anchor} — keep it outside the "
        f"database, and check it later with 'pledges log verify --anchor {anchor}'."
    )
