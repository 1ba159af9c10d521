"""What the audit keeps between runs: each quote's facts, under the key of what they depend on
(pledges.audit.inventory); each pledge's findings, checked again when what they depend on
changes (pledges.audit.run says when); and where each quote not found in its source stands
instead. A cache: deleting it, or a change of the rules' version, costs time and nothing else;
`log verify` never reads it.

    audit_facts    key -> a quote's facts (facts.QuoteFact without its evidence), as JSON
    audit_pledges  pledge id -> its findings as JSON, the days they hold for, and for a pledge
                   with a quote not found, the sources its holders were sought among
    audit_holders  a folded quote not found (its digest) -> the sources that hold it, and among
                   which (`placed`: the digest of every source's id and texts' sha256)
    audit_sources  source id -> its recorded sha256, its text's sha256 and its stamp, as last read
    audit_state    the log's head, the aliases, the re-verification days, the rules' version,
                   the register checks' findings of the last audit, and the token it wrote under

The tables are made by migration 0006 and named audit_*: derived from the register, left out of
alembic's model check, and dropped by a downgrade without loss.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from pledges.audit.findings import Finding, Severity

if TYPE_CHECKING:
    from pledges.audit.facts import QuoteFact
    from pledges.audit.register import Params, Register
    from pledges.records import EvidenceRecord

TABLES = ("audit_facts", "audit_pledges", "audit_holders", "audit_sources", "audit_state")
CREATE = (
    "CREATE TABLE audit_facts (key VARCHAR(32) PRIMARY KEY, fact TEXT NOT NULL)",
    "CREATE TABLE audit_pledges (pledge_id VARCHAR(80) PRIMARY KEY, placed VARCHAR(32), "
    "valid_from VARCHAR(10), valid_until VARCHAR(10), findings TEXT NOT NULL)",
    "CREATE TABLE audit_holders (needle VARCHAR(32) PRIMARY KEY, placed VARCHAR(32) NOT NULL, "
    "holders TEXT NOT NULL)",
    "CREATE TABLE audit_sources (source_id VARCHAR(80) PRIMARY KEY, "
    "sha256 VARCHAR(64) NOT NULL, text_sha256 VARCHAR(64) NOT NULL, stamp VARCHAR(32) NOT NULL)",
    "CREATE TABLE audit_state (name VARCHAR(40) PRIMARY KEY, value TEXT NOT NULL)",
)


def create(connection: Any) -> None:
    """Make the tables (a SQLAlchemy connection: the migration's)."""
    from sqlalchemy import text

    for statement in CREATE:
        connection.execute(text(statement))


def drop(connection: Any) -> None:
    from sqlalchemy import text

    for table in TABLES:
        connection.execute(text(f"DROP TABLE IF EXISTS {table}"))


# --- facts and findings as JSON -----------------------------------------------------------------


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def fact_json(fact: QuoteFact) -> str:
    """A quote's facts, without the evidence they are about (its key holds what they depend on)
    and without the other sources holding it (audit_holders)."""
    who = fact.speaker
    elision = fact.elision
    return _ENCODE(
        [
            None if fact.method is None else fact.method.value,
            sorted(fact.named), list(fact.years), fact.length,
            None if fact.near is None else list(fact.near), fact.in_characters,
            None if who is None else [who.name, sorted(who.actors), who.outsider],
            sorted(fact.parties), fact.joint,
            None if elision is None
            else [elision.code, elision.message, elision.hint, elision.dropped],
        ]
    )  # fmt: skip


def fact_of(stored: str, cited: EvidenceRecord) -> QuoteFact:
    """The facts stored for a quote, about this piece of evidence."""
    from pledges.audit.facts import QuoteFact
    from pledges.audit.naming import Speaker
    from pledges.elisions import Dishonest
    from pledges.textmatch import Method

    method, named, years, size, near, wide, who, parties, joint, elision = json.loads(stored)
    return QuoteFact(
        cited, None if method is None else Method(method), frozenset(named), tuple(years), size,
        None if near is None else (near[0], near[1]), (), wide,
        None if who is None else Speaker(who[0], frozenset(who[1]), who[2]),
        frozenset(parties), joint, None if elision is None else Dishonest(*elision),
    )  # fmt: skip


def findings_json(findings: Iterable[Finding]) -> str:
    return _ENCODE(
        [[f.code, f.severity.value, f.message, f.hint, f.pledge_id, f.source_id, f.evidence_id]
         for f in findings]
    )  # fmt: skip


def findings_of(stored: str) -> list[Finding]:
    severities = {s.value: s for s in Severity}
    return [
        Finding(code, severities[severity], message, hint, pledge, source, evidence)
        for code, severity, message, hint, pledge, source, evidence in json.loads(stored)
    ]


def window(
    verified: Iterable[date | None], today: date, days: int
) -> tuple[date | None, date | None]:
    """The days on which a pledge's findings stay as they are today, given when each piece of
    its evidence was verified: evidence not re-verified within `days` is reported from the day
    after its limit (quote_checks.not_reverified)."""
    since = until = None
    for day in verified:
        if day is None:
            continue
        turns = day + timedelta(days=days + 1)  # the first day it is reported
        if turns <= today:
            since = turns if since is None else max(since, turns)
        else:
            until = turns if until is None else min(until, turns)
    return since, until


# --- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Kept:
    """A pledge's stored findings, with what decides whether they still hold."""

    placed: str | None  # for a pledge with a quote not found: the sources sought among
    findings: str  # JSON: read only when they hold


@dataclass
class State:
    """What the last audit stored about the register as a whole."""

    seq: int  # the log's head it audited
    hash: str | None
    days: int
    rules: str
    placed: str  # the digest of every source's id, recorded sha256 and text's sha256
    aliases: set[tuple[str, str]]  # (name, actor)
    sources: dict[str, tuple[str, str, str]]  # id -> (recorded sha256, text's sha256, stamp)
    register: str | None  # the findings of the register checks, as JSON
    writer: str | None  # the token of the audit that stored it (see `write`)


def _present(register: Register) -> bool:
    names = ", ".join(f"'{table}'" for table in TABLES)
    if register.dialect == "sqlite":
        found = register.rows(
            f"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ({names})"
        )
    else:
        found = register.rows(
            f"SELECT count(*) FROM information_schema.tables WHERE table_name IN ({names}) "
            "AND table_schema = current_schema()"
        )
    return int(found[0][0]) == len(TABLES)


def state(register: Register) -> State | None:
    """What the last audit stored, or None when nothing was (or the tables are missing)."""
    if not _present(register):
        return None
    values = dict(register.rows("SELECT name, value FROM audit_state"))
    if "seq" not in values:
        return None
    sources = {
        str(i): (str(recorded), str(sha), str(stamp))
        for i, recorded, sha, stamp in register.rows(
            "SELECT source_id, sha256, text_sha256, stamp FROM audit_sources"
        )
    }
    return State(
        int(values["seq"]), values.get("hash") or None, int(values["days"]), values["rules"],
        values["placed"], {(str(n), str(a)) for n, a in json.loads(values["aliases"])}, sources,
        values.get("register"), values.get("writer"),
    )  # fmt: skip


def _chunked(
    register: Register, statement: str, column: str, values: Iterable[Any]
) -> Iterator[tuple[Any, ...]]:
    """`statement` (its condition `{among}`: `column` is one of the values) over the values, a
    batch at a time."""
    from pledges.audit.inventory import among

    wanted = sorted(set(values))
    for start in range(0, len(wanted), 5000):
        condition, params = among(register, column, wanted[start : start + 5000])
        yield from register.rows(statement.replace("{among}", condition), params)


def kept(register: Register, pledges: Iterable[str]) -> dict[str, Kept]:
    """The stored findings of these pledges."""
    return {
        str(row[0]): Kept(*row[1:])
        for row in _chunked(
            register,
            "SELECT pledge_id, placed, findings FROM audit_pledges WHERE {among}",
            "pledge_id",
            pledges,
        )
    }


def reported(register: Register, leaving: set[str]) -> list[Finding]:
    """Every stored finding, but those about the pledges `leaving` out."""
    out: list[Finding] = []
    for pledge_id, stored in register.stream(
        "SELECT pledge_id, findings FROM audit_pledges WHERE findings <> '[]'"
    ):
        if pledge_id not in leaving:
            out += findings_of(stored)
    return out


def expired(register: Register, today: date) -> list[str]:
    """The pledges whose stored findings do not hold today (evidence re-verified too long ago
    since, or a date before they were made)."""
    day = today.isoformat()
    return [
        str(row[0])
        for row in register.rows(
            "SELECT pledge_id FROM audit_pledges WHERE valid_from > :day OR valid_until <= :day",
            {"day": day},
        )
    ]


def placed_among(register: Register) -> list[str]:
    """The pledges with a quote not found where it is cited."""
    return [
        str(r[0])
        for r in register.rows("SELECT pledge_id FROM audit_pledges WHERE placed IS NOT NULL")
    ]


def facts(register: Register, keys: Iterable[str]) -> dict[str, str]:
    """The stored facts of these keys, as JSON."""
    return {
        str(key): str(fact)
        for key, fact in _chunked(
            register,
            "SELECT key, fact FROM audit_facts WHERE {among}",
            "key",
            keys,
        )
    }


def needle_key(needle: str) -> str:
    from pledges.audit.inventory import digest

    return digest(needle)


def holders(register: Register, needles: Iterable[str]) -> dict[str, tuple[str, list[str]]]:
    """needle -> (the sources sought among, those holding it), for the needles stored."""
    keyed = {needle_key(n): n for n in needles}
    return {
        keyed[str(key)]: (str(where), json.loads(held))
        for key, where, held in _chunked(
            register,
            "SELECT needle, placed, holders FROM audit_holders WHERE {among}",
            "needle",
            keyed,
        )
    }


# --- writing ------------------------------------------------------------------------------------
#
# What an audit learns is written as it goes, in short transactions of a connection of its own
# (pledges.audit.keeper.Keeper): a fresh audit's facts a chunk of articles at a time, its pledges'
# findings a range of pledges at a time, then the rest with audit_state last. Until audit_state
# is written, what was written before it is not used: a fresh audit first empties every table.

Writes = list[tuple[str, Sequence["Params"]]]  # (as register.Writes)


def _upsert(table: str, columns: Sequence[str]) -> str:
    names = ", ".join(columns)
    values = ", ".join(f":{c}" for c in columns)
    others = ", ".join(f"{c} = excluded.{c}" for c in columns[1:])
    return (
        f"INSERT INTO {table} ({names}) VALUES ({values}) "
        f"ON CONFLICT ({columns[0]}) DO UPDATE SET {others}"
    )


PLEDGE_ROW = ("pledge_id", "placed", "valid_from", "valid_until", "findings")
SOURCE_ROW = ("source_id", "sha256", "text_sha256", "stamp")


def cleared(token: str) -> Writes:
    """Every table emptied, the state first, so that nothing left is used; and the audit
    writing from now on named (see `write`)."""
    return [
        *((f"DELETE FROM {table}", [{}]) for table in reversed(TABLES)),
        ("INSERT INTO audit_state (name, value) VALUES ('writer', :token)", [{"token": token}]),
    ]


def facts_written(facts: Iterable[tuple[str, str]]) -> Writes:
    return [(_upsert("audit_facts", ("key", "fact")), [{"key": k, "fact": v} for k, v in facts])]


def pledges_written(
    rows: dict[str, tuple[str | None, str | None, str | None, str]], gone: Iterable[str] = ()
) -> Writes:
    """Pledges' findings: pledge id -> (placed, valid from, valid until, findings JSON)."""
    return [
        ("DELETE FROM audit_pledges WHERE pledge_id = :p", [{"p": p} for p in gone]),
        (_upsert("audit_pledges", PLEDGE_ROW),
         [dict(zip(PLEDGE_ROW, (p, *row), strict=True)) for p, row in rows.items()]),
    ]  # fmt: skip


def rest_written(
    state: dict[str, str],
    holders: dict[str, tuple[str, list[str]]],
    sources: dict[str, tuple[str, str, str]],
    sources_gone: Iterable[str],
) -> Writes:
    """Where the quotes not found stand, the sources as read (id -> as State.sources), and the
    state, last."""
    return [
        ("DELETE FROM audit_sources WHERE source_id = :s", [{"s": s} for s in sources_gone]),
        (_upsert("audit_holders", ("needle", "placed", "holders")),
         [{"needle": needle_key(n), "placed": where, "holders": json.dumps(held)}
          for n, (where, held) in holders.items()]),
        (_upsert("audit_sources", SOURCE_ROW),
         [dict(zip(SOURCE_ROW, (i, *row), strict=True)) for i, row in sources.items()]),
        (_upsert("audit_state", ("name", "value")),
         [{"name": n, "value": v} for n, v in state.items()]),
    ]  # fmt: skip


WRITER = "SELECT value FROM audit_state WHERE name = 'writer'"
UNGUARDED = object()


def write(register: Register, writes: Writes, expect: object = UNGUARDED) -> bool:
    """Run the writes in one transaction: True when written, False when the register may not be
    written now (read-only, busy), or its audit_* tables were dropped by hand (the audit works
    without them; `pledges db upgrade` cannot know to make them again).

    Audits run side by side must not mix what they store: each writes under a token of its own
    (audit_state's `writer`), and writes only while the token stored is the one it `expect`s:
    its own, once it emptied the tables; the one it read at its start, for its last write (which
    then stores its own)."""
    writes = [(statement, rows) for statement, rows in writes if rows]
    if not writes:
        return True
    if not _present(register):
        return False
    return register.store(writes, None if expect is UNGUARDED else (WRITER, expect))
