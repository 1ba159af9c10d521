"""What the audit reads of the records, articles' texts aside, and the key a quote's facts are
stored under (pledges.audit.store).

A quote's facts (pledges.audit.facts) depend on the quote, its source's text (its sha256 as the
text stands), whether its pledge has several actors, the actors' names and aliases that stand in
that text (the source's `stamp`, below), and the version of the matching rules: its key is made
of them, and a later audit reuses the facts of every quote whose key is unchanged.

A source's stamp is the digest of the actors' names and aliases as they were when its text last
changed, or when an alias standing in it (in lower case) was added, removed or moved since: so an
alias change re-examines only the quotes of the sources whose text holds it.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from pledges.audit.register import Register
from pledges.audit.registry import SourceFacts
from pledges.recordtypes import ActorRecord, EvidenceRecord, PledgeRecord
from pledges.vocab import (
    ActorKind,
    Confidence,
    Formality,
    PledgeKind,
    Rank,
    SourceKind,
    Stance,
    Status,
)

# The version of the rules that decide a quote's facts and a pledge's findings: raise it with any
# change to pledges.audit (facts, speakers, attributions, naming, actors, checks), textmatch,
# sentences, elisions or wording that can change what the audit reports. What was stored under
# another version is not used.
RULES_VERSION = "1"

PLEDGE_COLUMNS = (
    "id, title, statement, kind, target_year, target_value, target_unit, baseline_year, gases, "
    "formality, status, confidence, announced_on, parent_id, superseded_by, notes, version"
)
EVIDENCE_COLUMNS = (
    "id, pledge_id, source_id, quote, stance, asserts_status, rank, deprecated_reason, note, "
    "verified_on"
)
_KINDS = {k.value: k for k in PledgeKind}
_FORMALITIES = {f.value: f for f in Formality}
_STATUSES = {s.value: s for s in Status}
_CONFIDENCES = {c.value: c for c in Confidence}
_STANCES = {s.value: s for s in Stance}
_RANKS = {r.value: r for r in Rank}
_SOURCE_KINDS = {k.value: k for k in SourceKind}
_ACTOR_KINDS = {k.value: k for k in ActorKind}


_ENCODE = json.JSONEncoder(default=str, ensure_ascii=False, separators=(",", ":")).encode


def digest(*parts: Any) -> str:
    """A short fingerprint of some values read from the register (JSON, dates as text)."""
    return _fingerprint(_ENCODE(parts))


def _fingerprint(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def listed(value: Any) -> list[str]:
    if value is None:
        return []
    return list(json.loads(value) if isinstance(value, str | bytes) else value)


def lowered(text: str) -> str:
    """A text in lower case, as the actor matcher compares names (pledges.audit.actors), with
    final sigma as any other: whether a name stands in a text must not depend on where the text
    is cut."""
    return text.lower().replace("\u03c2", "\u03c3")  # final sigma, sigma


def among(
    register: Register, column: str, ids: Collection[Any], *, span: bool = False
) -> tuple[str, dict[str, Any]]:
    """A condition that `column` is one of `ids`, and its parameters, on either database. With
    `span`, the ids (a sequence in the database's order) are every one from the first to the
    last: a range the index reads in order."""
    if span and ids:
        ordered = list(ids)
        return f"{column} BETWEEN :first AND :last", {"first": ordered[0], "last": ordered[-1]}
    values = sorted(ids)
    if register.dialect == "sqlite":
        return f"{column} IN (SELECT value FROM json_each(:among))", {"among": json.dumps(values)}
    return f"{column} = ANY(:among)", {"among": values}


# --- reading ------------------------------------------------------------------------------------


@dataclass
class Pledges:
    """Some pledges with their evidence."""

    records: dict[str, PledgeRecord]
    evidence: dict[str, list[EvidenceRecord]]  # by pledge, in id order


def evidence_record(row: tuple[Any, ...]) -> EvidenceRecord:
    """A piece of evidence from its row (EVIDENCE_COLUMNS)."""
    return EvidenceRecord(
        row[0], row[1], row[2], row[3], _STANCES[row[4]],
        None if row[5] is None else _STATUSES[row[5]], _RANKS[row[6]], row[7], row[8],
        day(row[9]),
    )  # fmt: skip


def citing(
    register: Register, sources: Collection[str], *, span: bool = False
) -> dict[str, list[EvidenceRecord]]:
    """The evidence citing these sources (`span`: every source from the first to the last), by
    source, in id order."""
    condition, params = among(register, "source_id", sources, span=span)
    out: dict[str, list[EvidenceRecord]] = defaultdict(list)
    for row in register.stream(
        f"SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE {condition} ORDER BY id", params
    ):
        out[row[2]].append(evidence_record(row))
    return out


def pledges(
    register: Register, ids: Collection[str] | None, *, evidence: bool = True, span: bool = False
) -> Pledges:
    """These pledges (every one, for None; `span`: every one from the first to the last) with
    their actors, and their evidence."""
    where, params = ("", {}) if ids is None else among(register, "pledge_id", ids, span=span)
    named = "" if ids is None else "WHERE " + among(register, "id", ids, span=span)[0]
    links: dict[str, list[str]] = defaultdict(list)
    for pledge_id, actor_id in register.rows(
        "SELECT pledge_id, actor_id FROM pledge_actors "
        f"{'WHERE ' + where if where else ''} ORDER BY pledge_id, position",
        params,
    ):
        links[pledge_id].append(actor_id)
    out = Pledges({}, defaultdict(list))
    for row in register.stream(f"SELECT {PLEDGE_COLUMNS} FROM pledges {named} ORDER BY id", params):
        actors = tuple(links.get(row[0], ()))
        out.records[row[0]] = PledgeRecord(
            row[0], row[1], row[2], _KINDS[row[3]], row[4], row[5], row[6], row[7], listed(row[8]),
            _FORMALITIES[row[9]], _STATUSES[row[10]], _CONFIDENCES[row[11]], day(row[12]),
            row[13], row[14], row[15], row[16], actors,
        )  # fmt: skip
    if evidence:
        query = f"SELECT {EVIDENCE_COLUMNS} FROM evidence {'WHERE ' + where if where else ''}"
        for row in register.stream(query + " ORDER BY id", params):
            out.evidence[row[1]].append(evidence_record(row))
    return out


def verified(register: Register, ids: Sequence[str]) -> dict[str, list[date | None]]:
    """When each piece of evidence of these pledges (every one from the first to the last, in
    the database's order) was last verified, by pledge."""
    condition, params = among(register, "pledge_id", ids, span=True)
    out: dict[str, list[date | None]] = defaultdict(list)
    for pledge_id, on in register.rows(
        f"SELECT pledge_id, verified_on FROM evidence WHERE {condition}", params
    ):
        out[pledge_id].append(day(on))
    return out


class Light(tuple[str, PledgeKind, int | None, Status, tuple[str, ...]]):
    """What the register checks read of every pledge (pledges.audit.source_checks.duplicates)."""

    __slots__ = ()

    @property
    def id(self) -> str:
        return self[0]

    @property
    def kind(self) -> PledgeKind:
        return self[1]

    @property
    def target_year(self) -> int | None:
        return self[2]

    @property
    def status(self) -> Status:
        return self[3]

    @property
    def actors(self) -> tuple[str, ...]:
        return self[4]


def every_pledge(register: Register) -> list[Light]:
    """Every pledge, as the register checks see it, in id order."""
    links: dict[str, list[str]] = defaultdict(list)
    for pledge_id, actor_id in register.rows(
        "SELECT pledge_id, actor_id FROM pledge_actors ORDER BY pledge_id, position"
    ):
        links[pledge_id].append(actor_id)
    return [
        Light((i, _KINDS[kind], year, _STATUSES[status], tuple(links.get(i, ()))))
        for i, kind, year, status in register.rows(
            "SELECT id, kind, target_year, status FROM pledges ORDER BY id"
        )
    ]


class Source(NamedTuple):
    """A source as the audit reads it without its text."""

    sha256: str
    publisher: str | None
    kind: str
    published_on: Any


def sources(register: Register) -> dict[str, Source]:
    """Every source but its text, in id order."""
    return {
        row[0]: Source(*row[1:])
        for row in register.rows(
            "SELECT id, sha256, publisher, kind, published_on FROM sources ORDER BY id"
        )
    }


def source_facts(found: dict[str, Source], texts: dict[str, str]) -> dict[str, SourceFacts]:
    """What the checks need of each source, given the sha256 of its text as last read."""
    return {
        i: SourceFacts(i, s.publisher, _SOURCE_KINDS[s.kind], day(s.published_on),
                       texts.get(i) == s.sha256)
        for i, s in found.items()
    }  # fmt: skip


def actors(register: Register) -> list[ActorRecord]:
    return [
        ActorRecord(actor_id, name, _ACTOR_KINDS[kind], listed(names))
        for actor_id, name, kind, names in register.rows(
            "SELECT id, name, kind, aliases FROM actors ORDER BY id"
        )
    ]


def alias_entries(found: Iterable[ActorRecord]) -> set[tuple[str, str]]:
    """(name, actor) for every name and alias of these actors."""
    return {(name, actor.id) for actor in found for name in (actor.name, *actor.aliases)}


# --- keys ---------------------------------------------------------------------------------------


def fact_key(quote: str, sha256: str, stamp: str, several: bool) -> str:
    """The key of a quote's facts (pledges.audit.facts.examine). Every part but the last is of a
    fixed form (digits, hexadecimal digests, a flag), so that joining them is unambiguous."""
    return _fingerprint(f"{RULES_VERSION}|{sha256}|{stamp}|{several:d}|{quote}")
