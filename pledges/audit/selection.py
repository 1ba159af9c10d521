"""What an audit covers: the whole register, or some pledges (named, or those citing a source)
and the sources they cite.

The audit re-checks only the selected pledges (and whatever changed since the last audit), and
reports only about them and the sources they cite; the register checks still see every pledge.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Selection:
    """The pledges named (`pledges`), and/or those citing `source`, with the sources they cite
    (and `source` itself). Both given: the named pledges that cite the source."""

    pledges: tuple[str, ...] = ()
    source: str | None = None
