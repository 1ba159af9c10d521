"""Showing results: rich tables for people, JSON, JSON Lines and CSV for machines.

Machine output goes to stdout and nothing else does; notes for people go to stderr. This package
is the only place that imports rich, and it does so inside the functions that draw for people, so
that JSON and CSV output does not pay for it at start-up (bench/startup.py measures start-up).
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text


def out() -> Console:
    """The console that draws for people: the pager's while a view is paged (render.pager)."""
    from pledges.render import pager

    if pager.console is not None:
        return pager.console
    from rich.console import Console

    return Console(soft_wrap=False, highlight=False)


LINES_AT_ONCE = 200  # a long table is printed 200 lines at a time (each print costs)


def onscreen() -> bool:
    """What is drawn goes straight to the terminal (not to the pager, a file or a pipe): the
    progress display, on the same terminal, must be cleared first."""
    from pledges.render import pager

    return pager.console is None and sys.stdout.isatty()


def draw(table: Table) -> None:
    """A table for people, printed line by line as rich lays it out, so that a long one starts
    at once: on the terminal its lines show the progress; drawn for the pager or into a file,
    the progress display (pledges.progress) counts them."""
    from rich.segment import Segment, Segments

    from pledges import progress

    console = out()
    if onscreen():
        progress.quiet()
    else:
        progress.stage("drawing the table")
    lines = Segment.split_lines(console.render(table))
    while batch := list(islice(lines, LINES_AT_ONCE)):
        console.print(Segments([s for line in batch for s in (*line, Segment.line())]), end="")
        progress.advance(len(batch))


def titled_table(title: str) -> Table:
    """A table for people: its title (what it lists, and how many) on the left, a rule under
    the header and none around."""
    from rich import box
    from rich.table import Table

    return Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)


def id_column(table: Table, heading: str, ids: Iterable[str]) -> None:
    """The first column of a list of records, for `id_over_title`: as wide as the longest id up
    to 40 characters, longer ones folded."""
    longest = max((len(i) for i in ids), default=6)
    table.add_column(heading, min_width=min(longest, 40), overflow="fold")


def id_over_title(record_id: str, title: str) -> Text:
    from rich.text import Text

    return Text.assemble((record_id, "bold"), "\n", (title, "dim"))


def _for_machines() -> None:
    """Before JSON or CSV goes to stdout: on the terminal, the progress display is cleared."""
    if sys.stdout.isatty():
        from pledges import progress

        progress.quiet()


def write_json(data: Any) -> None:
    _for_machines()
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def write_jsonl(items: Iterable[Any]) -> None:
    """JSON Lines: each item as one line of JSON, written as it comes."""
    _for_machines()
    write = sys.stdout.write
    for item in items:
        write(json.dumps(item, ensure_ascii=False) + "\n")


def write_rows(
    format: str, columns: Sequence[str], rows: list[dict[str, Any]], listed: str = ""
) -> bool:
    """A list for machines: the rows as JSON, JSON Lines, or CSV in `columns` (the list in
    column `listed` joined by ';'). False, and nothing written, for the table people read."""
    if format == "json":
        write_json(rows)
    elif format == "jsonl":
        write_jsonl(rows)
    elif format == "csv":
        _for_machines()
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            cells = {**row, listed: ";".join(row[listed])} if listed else row
            writer.writerow(["" if cells.get(c) is None else cells[c] for c in columns])
    return format in ("json", "jsonl", "csv")


def note(message: str) -> None:
    """A line for the person at the terminal, on stderr."""
    print(message, file=sys.stderr)
