"""The floor of the audit: the least work that checking every quote against its source takes.

    .venv/bin/python bench/audit_floor.py PATH

It opens the SQLite register with the standard library's sqlite3, reads every source once and
normalises its text once (pledges.textmatch.fold: the audit's own normalisation, done in C-speed
steps without the offset map that `normalise` builds), then reads every piece of evidence and looks
its normalised quote up in its source's normalised text with `in`. It prints how many quotes were
found and how many were not.
Nothing else: no ORM, no validation, no other check, no report. bench/audit.py times the audit
against it.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from pledges.textmatch import fold


def register_of(argv: list[str] | None, script: str) -> str | None:
    """The one argument, a register that exists; None (said on stderr) otherwise."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(f"usage: {script} PATH", file=sys.stderr)
        return None
    if not Path(args[0]).is_file():
        print(f"no register at {args[0]}", file=sys.stderr)
        return None
    return args[0]


def main(argv: list[str] | None = None) -> int:
    path = register_of(argv, "audit_floor.py")
    if path is None:
        return 2
    connection = sqlite3.connect(path)
    try:
        normalised = {
            source_id: fold(text)
            for source_id, text in connection.execute("SELECT id, text FROM sources")
        }
        found = missing = 0
        for source_id, quote in connection.execute("SELECT source_id, quote FROM evidence"):
            if fold(quote) in normalised[source_id]:
                found += 1
            else:
                missing += 1
    finally:
        connection.close()
    print(f"found {found} not found {missing}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
