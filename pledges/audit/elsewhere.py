"""Step 4 of the audit (pledges.audit.run): a quote not found where it is cited is looked for in
the other sources, in worker processes when there are many (pledges.audit.reading.Search).

A search's result is stored with what it was made among (`placed`: the digest of every
source's id and texts), so that the next audit looks again only in the sources changed since;
a quote not searched for at the last audit is looked for in every source.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from pledges import progress
from pledges.audit import inventory, reading, store
from pledges.audit.reading import Search, chunks, over

if TYPE_CHECKING:
    from pledges.audit.facts import QuoteFact
    from pledges.audit.register import Register


def placed(found: dict[str, Any], texts: dict[str, str]) -> str:
    """The digest of every source's id and texts: what a search for a quote was made among."""
    return inventory.digest(sorted((i, s.sha256, texts.get(i)) for i, s in found.items()))


def place(
    register: Register,
    missing: list[QuoteFact],
    sources: list[str],
    changed: set[str],
    state: store.State | None,
    parts: Callable[[int], int],
) -> tuple[dict[str, list[str]], dict[str, list[QuoteFact]]]:
    """Each quote not found where it is cited -> the sources holding it (to store), and those
    quotes by pledge, each with the other sources that hold it. `parts`: how many processes
    search, for a number of quotes to examine."""
    needles = {_needle(f) for f in missing} - {""}
    stored = {} if state is None or not needles else store.holders(register, needles)
    holders = _holders(
        register.url, needles, sources, changed, stored,
        None if state is None else state.placed, parts(len(needles) * 10),
    )  # fmt: skip
    out: dict[str, list[QuoteFact]] = defaultdict(list)
    for fact in missing:
        found = holders.get(_needle(fact), ())
        others = [s for s in found if s != fact.cited.source_id]
        out[fact.cited.pledge_id].append(replace(fact, elsewhere=tuple(others)) if others else fact)
    return holders, out


def _needle(fact: QuoteFact) -> str:
    from pledges.textmatch import fold

    return fold(fact.cited.quote)


def _holders(
    url: str,
    needles: set[str],
    every: list[str],
    changed: set[str],
    stored: dict[str, tuple[str, list[str]]],
    placed: str | None,
    parts: int,
) -> dict[str, list[str]]:
    """needle -> the sources holding it: as stored when it was sought among the sources as they
    were at the last audit (`placed`), with the sources changed since sought again; else sought
    in every source."""  # fmt: skip
    out: dict[str, set[str]] = {}
    again, anew = set(), set()
    present = set(every)
    for needle in needles:
        kept = stored.get(needle)
        if kept is not None and kept[0] == placed:
            out[needle] = (set(kept[1]) - changed) & present
            again.add(needle)
        else:
            out[needle] = set()
            anew.add(needle)
    for quotes, ids in ((anew, every), (again, sorted(changed & present))):
        if not quotes or not ids:
            continue
        progress.stage("looking for misplaced quotes in the articles", total=len(ids))
        cut = chunks(ids, parts)
        found = over(cut, reading.scan, Search, (url, sorted(quotes), ids is every), parts)
        for chunk, pairs in zip(cut, found, strict=True):
            progress.advance(len(chunk))
            for needle, source_id in pairs:
                if needle in quotes:
                    out[needle].add(source_id)
    return {needle: sorted(held) for needle, held in out.items()}
