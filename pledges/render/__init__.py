"""Showing results: rich tables for people, JSON and CSV for machines.

Machine output goes to stdout and nothing else does; notes for people go to stderr. This package
is the only place that imports rich, and it does so inside the functions that draw for people, so
that JSON and CSV output does not pay for it at start-up (bench/startup.py measures start-up).

    register   pledges: list, show (with evidence in context and the timeline), init
    sources    sources and actors
    log        the revision history, log verification, confirmations of writes
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


def out() -> Console:
    from rich.console import Console

    return Console(soft_wrap=False, highlight=False)


def err() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def write_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def write_csv(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row[c] for c in columns])


def note(message: str) -> None:
    """A line for the person at the terminal, on stderr."""
    print(message, file=sys.stderr)
