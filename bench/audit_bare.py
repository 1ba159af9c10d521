"""A lower bound of the audit: the least a quote check can do, in Python, on both cores.

    .venv/bin/python bench/audit_bare.py PATH

bench/audit.py --bare times it beside the floor (bench/audit_floor.py) and the audit. It asks how
close to the floor any Python audit can come, by doing a strict subset of the audit's work on
every quote, by the cheapest means, with every core busy (up to four, as the audit):

- the sources are shared out between the processes (forked: nothing is sent between them);
- each article is read once with the standard library's sqlite3 and folded once
  (pledges.textmatch.fold, as the floor does);
- each quote is looked up exactly, then folded (no mapping back to the article's offsets); its
  sentence is taken to run from the last ". " before it to the first after it (`str.rfind` and
  `str.find`: no abbreviations, no other stops); the actors named there are found by one
  Aho-Corasick pass over it, lower-cased (every name and alias, without the whole-word and
  capital-letter rules); its years and words are counted with the audit's own patterns (those of
  pledges/audit/facts.py, repeated here so that nothing of the audit package is imported).

It leaves out everything else the audit does: the rules it skips above, the closest passage of
each quote not found (rapidfuzz), the search of every other source for it, the checks
themselves and their findings, the pledge, source and register checks, confidence, and the
report. So the audit cannot take less time than this; whatever this takes beyond the floor, the
audit takes too. It prints how many quotes it found and how many it did not, as the floor does.
"""

from __future__ import annotations

import os
import re
import sqlite3
import sys
from typing import Any

from audit_floor import register_of

from pledges.textmatch import fold

PARTS = min(os.cpu_count() or 1, 4)  # as the audit: one process per core, up to four
YEAR = re.compile(r"(?<![\w.-])(19[0-9]{2}|20[0-9]{2}|2100)(?![\w-])")
WORD = re.compile(r"\w+(?:[.,'\u2019-]\w+)*")


def aliases(connection: sqlite3.Connection) -> Any:
    import json

    import ahocorasick

    automaton: Any = ahocorasick.Automaton()
    for actor_id, name, listed in connection.execute("SELECT id, name, aliases FROM actors"):
        for alias in (name, *json.loads(listed or "[]")):
            automaton.add_word(alias.lower(), actor_id)
    automaton.make_automaton()
    return automaton


def part(path: str, index: int) -> tuple[int, int]:
    """The bare work on every `PARTS`-th source, from the `index`-th: (found, not found)."""
    connection = sqlite3.connect(path)
    automaton = aliases(connection)
    quotes: dict[str, list[str]] = {}
    for source_id, quote in connection.execute(
        "SELECT source_id, quote FROM evidence WHERE source_id IN "
        "(SELECT id FROM sources WHERE (rowid % ?) = ?)",
        (PARTS, index),
    ):
        quotes.setdefault(source_id, []).append(quote)
    found = missing = 0
    for source_id, text in connection.execute(
        "SELECT id, text FROM sources WHERE (rowid % ?) = ?", (PARTS, index)
    ):
        folded = fold(text)
        for quote in quotes.get(source_id, ()):
            at = text.find(quote)
            if at < 0 and fold(quote) not in folded:
                missing += 1
                continue
            found += 1
            at = max(at, 0)
            begin = text.rfind(". ", 0, at) + 1
            end = text.find(". ", at + len(quote))
            named = {actor for _, actor in automaton.iter(text[begin:end].lower())}
            stated = {int(y) for y in YEAR.findall(quote) if 1990 <= int(y) <= 2100}
            words = len(WORD.findall(quote))
            del named, stated, words
    connection.close()
    return found, missing


def main(argv: list[str] | None = None) -> int:
    path = register_of(argv, "audit_bare.py")
    if path is None:
        return 2
    readers = []
    for index in range(PARTS):
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            counts = part(path, index)
            os.write(write, f"{counts[0]} {counts[1]}".encode())
            os._exit(0)
        os.close(write)
        readers.append((pid, read))
    found = missing = 0
    for pid, read in readers:
        with os.fdopen(read) as handle:
            a, b = (int(x) for x in handle.read().split())
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            print("a worker failed", file=sys.stderr)
            return 1
        found, missing = found + a, missing + b
    print(f"found {found} not found {missing}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
