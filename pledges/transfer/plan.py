"""What an import will write, and what it leaves alone: `check` makes the plan, `apply` writes it,
and `pledges.render.importing` prints it. Also how a row's record differs from the register's.

A spreadsheet may change a cell's line breaks and nothing else: LibreOffice reads a '\\r\\n'
inside a cell as '\\n'. A value that differs only by its line breaks is no change, and the
register's value is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pledges.schema import ActorIn, PledgeIn, SourceIn, text_sha256
from pledges.transfer.bulk import NewEvidence
from pledges.transfer.problems import Problem
from pledges.transfer.rows import Row
from pledges.transfer.sniff import Reading

TABLES = ("actors", "sources", "pledges", "evidence")  # in the order an import applies them
Difference = tuple[str, Any, Any]  # (field, the register's value, the row's value)


@dataclass(frozen=True, slots=True)
class Update:
    """A pledge's changed fields, from a row exported at the pledge's current version."""

    row: Row
    pledge: PledgeIn
    version: int  # the pledge's, as exported
    diff: list[Difference]


@dataclass(frozen=True, slots=True)
class Correction:
    """An actor's or a source's changed fields (never a source's text), as
    `pledges actor update` and `pledges source update` would change them."""

    row: Row
    id: str
    diff: list[Difference]


@dataclass(frozen=True, slots=True)
class Deprecation:
    row: Row
    id: int
    reason: str | None
    diff: list[Difference]


@dataclass
class EvidencePlan:
    """What evidence rows ask of the register, checked: nothing is written yet."""

    problems: list[Problem] = field(default_factory=list)  # rows refused, in order
    refusals: list[Problem] = field(default_factory=list)  # new quotes refused by cite's rules
    unchanged: list[str] = field(default_factory=list)
    deprecations: list[Deprecation] = field(default_factory=list)
    new: NewEvidence = field(default_factory=NewEvidence)  # when no row is refused


@dataclass
class Plan:
    """What an import does (or, in a dry run, would do)."""

    files: list[str]  # the files read
    readings: dict[str, Reading] = field(default_factory=dict)  # by file: how each was read
    actors: list[ActorIn] = field(default_factory=list)  # new ones
    sources: list[SourceIn] = field(default_factory=list)
    pledges: list[PledgeIn] = field(default_factory=list)  # each after the pledges it names
    updates: list[Update] = field(default_factory=list)
    corrections: dict[str, list[Correction]] = field(
        default_factory=lambda: {"actors": [], "sources": []}
    )  # changed actors and sources
    evidence: EvidencePlan = field(default_factory=EvidencePlan)  # deprecated and new
    unchanged: dict[str, list[str]] = field(default_factory=lambda: {t: [] for t in TABLES})

    @property
    def added(self) -> dict[str, list[str]]:
        """The ids of new records, by table."""
        return {
            "actors": [a.id for a in self.actors],
            "sources": [s.id for s in self.sources],
            "pledges": [p.id for p in self.pledges],
            "evidence": [str(i) for i in self.evidence.new.ids],
        }

    @property
    def changed(self) -> dict[str, dict[str, list[Difference]]]:
        """The changes to stored records, by table and id."""
        return {
            "actors": {c.id: c.diff for c in self.corrections["actors"]},
            "sources": {c.id: c.diff for c in self.corrections["sources"]},
            "pledges": {u.pledge.id: u.diff for u in self.updates},
            "evidence": {str(d.id): d.diff for d in self.evidence.deprecations},
        }

    @property
    def writes(self) -> int:
        return sum(map(len, self.added.values())) + sum(map(len, self.changed.values()))


def _line_breaks(value: Any) -> Any:
    """A value with each line break written '\\n', as a spreadsheet keeps one inside a cell."""
    return re.sub(r"\r\n?", "\n", value) if isinstance(value, str) else value


def differences(old: dict[str, Any], new: dict[str, Any]) -> list[Difference]:
    """The fields whose values differ, in the order of `new`."""
    return [
        (name, old.get(name), value)
        for name, value in new.items()
        if _line_breaks(old.get(name)) != _line_breaks(value)
    ]


def lost(row: Row, diff: list[Difference]) -> Problem | None:
    """A row of a file read in a single-byte character set (or holding nothing beyond ASCII)
    whose changed text is the register's with each character Latin-1 lacks written as '?' or as
    its plain look-alike ("'" for a typographic apostrophe, '...' for an ellipsis): what a
    spreadsheet writes when it saves a file in Latin-1. Refused, rather than taken as an edit."""
    if not row.layout.single_byte:
        return None
    for name, old, new in diff:
        if not (isinstance(old, str) and isinstance(new, str)) or not _latin1(new):
            continue
        beyond = [char for char in old if not _latin1(char)]
        if not beyond:
            continue
        pattern = "".join(
            re.escape(c) if _latin1(c) else rf"(\?|{re.escape(_LOOK_ALIKE.get(c, '?'))})"
            for c in old
        )
        match = re.fullmatch(pattern, new, re.DOTALL)
        if match is not None:
            message = (
                f"{name} has {match.group(1)!r} where the register has {beyond[0]!r}: the file "
                "was saved in a character set that cannot hold it"
            )
            return row.problem(name, message, "save it as 'CSV UTF-8' and import again")
    return None


# What a Latin-1 save writes for the typographic marks it lacks (anything else: '?').
_LOOK_ALIKE = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u201c": '"', "\u201d": '"',
    "\u201e": '"', "\u2013": "-", "\u2014": "-", "\u2026": "...",
}  # fmt: skip


def _latin1(text: str) -> bool:
    return all(ord(char) < 256 for char in text)


def as_exported(text: str, sha256: str | None, registered: str | None) -> str:
    """A source's text as exported, when a spreadsheet changed only its line breaks: the text the
    register holds, or else the text with '\\r\\n' line breaks if that is the one `sha256` is of."""
    if registered is not None and _line_breaks(text) == _line_breaks(registered):
        return registered
    if sha256 is None or text_sha256(text) == sha256:
        return text
    windows = _line_breaks(text).replace("\n", "\r\n")
    return windows if text_sha256(windows) == sha256 else text
