"""Drawing suggestions: a table per source for people; JSON or CSV for machines.

JSON for one source is the object `{"source_id": ..., "candidates": [...]}`; for several (or
--all), a list of such objects, one per source. CSV is one row per candidate, with its source.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable
from typing import Any

from rich.text import Text

from pledges.excerpt import excerpt
from pledges.render import _for_machines, draw, note, titled_table, write_json
from pledges.suggest.reading import Candidate
from pledges.suggest.run import Suggested

FIELDS = ("passage", "start", "end", "actors", "kind", "target_year", "target_value",
          "target_unit", "baseline_year", "score", "reasons", "existing_pledge_id")  # fmt: skip


def as_json(candidate: Candidate) -> dict[str, Any]:
    value = candidate.target_value
    return {
        "passage": candidate.passage,
        "start": candidate.start,
        "end": candidate.end,
        "actors": list(candidate.actors),
        "kind": candidate.kind.value,
        "target_year": candidate.target_year,
        "target_value": int(value) if value is not None and value.is_integer() else value,
        "target_unit": candidate.target_unit,
        "baseline_year": candidate.baseline_year,
        "score": candidate.score,
        "reasons": list(candidate.reasons),
        "existing_pledge_id": candidate.existing_pledge_id,
    }


def suggestions(found: Iterable[Suggested], format: str, *, one: bool, numbered: bool) -> None:
    """The candidates of each source, as `format` asks; `one`: a single source was named;
    `numbered`: the sources were named, and the numbers are those --accept takes (--all leaves
    out the passages already cited, so its lists are not numbered so)."""
    if format == "json":
        objects = (
            {"source_id": s.source_id, "candidates": [as_json(c) for c in s.candidates]}
            for s in found
        )
        if one:
            write_json(next(objects))
        else:
            _json_list(objects)
    elif format == "csv":
        _for_machines()
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(("source_id", "number", *FIELDS))
        for source in found:
            for number, candidate in enumerate(source.candidates, 1):
                row = as_json(candidate)
                row["actors"] = ";".join(row["actors"])
                row["reasons"] = "; ".join(row["reasons"])
                writer.writerow((source.source_id, number if numbered else "",
                                 *("" if row[f] is None else row[f] for f in FIELDS)))  # fmt: skip
    else:
        _tables(found, numbered)


def _json_list(objects: Iterable[dict[str, Any]]) -> None:
    """A JSON list, as `json.dumps(list, indent=2)` writes it, each item written as it comes (a
    register's sources are read by workers meanwhile, and not all held)."""
    _for_machines()
    write, first = sys.stdout.write, True
    write("[")
    for item in objects:
        text = json.dumps(item, indent=2, ensure_ascii=False).replace("\n", "\n  ")
        write(("\n  " if first else ",\n  ") + text)
        first = False
    write("]\n" if first else "\n]\n")


def _figure(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _tables(found: Iterable[Suggested], numbered: bool) -> None:
    shown = 0
    last: Suggested | None = None
    for source in found:
        if not source.candidates:
            continue
        shown += 1
        last = source
        many = "suggestion" if len(source.candidates) == 1 else "suggestions"
        table = titled_table(f"{source.source_id}: {len(source.candidates)} {many}, best first")
        table.add_column("#", justify="right")
        table.add_column("score", justify="right")
        table.add_column("passage, and why", ratio=3, overflow="fold")
        table.add_column("actors\nkind\ntarget", ratio=1, overflow="fold")
        for number, c in enumerate(source.candidates, 1):
            unit = (c.target_unit or "").replace("% ", "%\u00a0")
            target = " ".join(x for x in (_figure(c.target_value), unit) if x)
            target = target.replace(" %", "%")
            year = "" if c.target_year is None else f"by {c.target_year}"
            where = (f"\nalready in the register as {c.existing_pledge_id}"
                     if c.existing_pledge_id else "")  # fmt: skip
            why = Text("\n" + "; ".join(c.reasons), style="dim")
            table.add_row(
                str(number) if numbered else "", f"{c.score:.2f}",
                Text(f"“{excerpt(c.passage, 300)}”{where}") + why,
                "\n".join(x for x in (", ".join(c.actors) or "actor unknown", c.kind.value,
                                      " ".join(y for y in (target, year) if y)) if x),
            )  # fmt: skip
        draw(table)
    if last is None:
        note("No passage reads as a commitment at this --min-score; try a lower one, e.g. "
             "--min-score 0.3.")  # fmt: skip
        return
    if not numbered:
        note("To accept one, list its source with 'pledges suggest SOURCE_ID' and accept it by "
             "its number there; or write them all for review with --out DIR.")  # fmt: skip
        return
    named = last.source_id if shown == 1 else "SOURCE_ID"
    note(f"Accept one with 'pledges suggest {named} --accept N --id SLUG --reason ...' (with "
         "the same --min-score), or write them all for review with --out DIR.")  # fmt: skip
