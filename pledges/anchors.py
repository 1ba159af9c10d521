"""Anchors: the head of the revision log (its number and hash), kept outside the database.

Each hash covers the one before it, so an anchor that still holds proves that revisions 1 to its
number are as they were when it was taken (README.md, "Anchors", says why and where to keep one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pledges.errors import InvalidInput
from pledges.vocab import MAX_ID

_FORM = re.compile(r"([0-9]+):([0-9a-fA-F]{64})")
_SHOWN = 12  # hex digits of a hash shown in a message: enough to tell two apart


@dataclass(frozen=True, order=True)
class Anchor:
    seq: int
    hash: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"


def text(seq: int, hash: str) -> str:
    """An anchor as `--anchor` takes it and `pledges log head` prints it."""
    return str(Anchor(seq, hash))


def parse(given: str) -> Anchor:
    """SEQ:HASH as `pledges log head` prints it; any other text is a one-line error naming it."""
    found = _FORM.fullmatch(given.strip())
    if found is None:
        raise InvalidInput(
            f"--anchor {given!r} is not an anchor",
            "give it as 'pledges log head' prints it: the revision number, a colon and the 64 "
            "hex digits of its hash, e.g. 41:3f1c…",
        )
    seq = int(found.group(1))
    if not 1 <= seq <= MAX_ID:
        raise InvalidInput(
            f"--anchor {given!r} names revision {seq}",
            f"revisions are numbered from 1 to {MAX_ID}; copy the anchor as it was recorded",
        )
    return Anchor(seq, found.group(2).lower())


def broken(anchors: Iterable[Anchor], hashes: Mapping[int, str | None]) -> list[str]:
    """Each anchor the log no longer holds, described: its revision gone, or its hash changed.
    `hashes` is every stored revision's hash by number."""
    last = max(hashes, default=0)
    problems = []
    for anchor in anchors:
        stored = hashes.get(anchor.seq)
        shown = f"anchor {anchor.seq}:{anchor.hash[:_SHOWN]}…"
        if anchor.seq not in hashes:
            problems.append(
                f"{shown} does not hold: the log holds no revision {anchor.seq} (it ends at "
                f"revision {last}), so revisions were removed since the anchor was taken, or "
                "this is not the register it was taken from"
            )
        elif stored != anchor.hash:
            now = f"{stored[:_SHOWN]}…" if stored else "unreadable"
            problems.append(
                f"{shown} does not hold: revision {anchor.seq}'s hash is now {now}, so the "
                f"history up to revision {anchor.seq} was rewritten since the anchor was taken"
            )
    return problems
