"""Adding many new records at once, as the commands would add them one by one.

The records are the ones `pledges actor add`, `source add`, `add` and `cite` would store, checked
by the same rules (references, quotes located as `cite` locates them, no quote cited twice), and
each gets the revision the command would log, in the same hash chain. What differs is only how
they reach the database: a few multi-row INSERTs instead of a round trip per record, and the
chain computed in memory from its head.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import JSON, Float, text
from sqlalchemy.orm import Session

from pledges import history
from pledges.db import JSONText
from pledges.editing import Who, cited_already, misquoted, unlocated
from pledges.errors import AlreadyExists, PledgesError
from pledges.models import (
    ActorRow,
    EvidenceRow,
    PledgeActorRow,
    PledgeRow,
    RevisionRow,
    SourceRow,
)  # fmt: skip
from pledges.repository import pledge_columns, source_columns
from pledges.schema import (
    ActorIn,
    EvidenceIn,
    PledgeIn,
    SourceIn,
    text_sha256,
)  # fmt: skip
from pledges.textmatch import elided, fold, stands
from pledges.vocab import Action, Entity, Rank

CHUNK = 2_000  # rows per INSERT statement batch
# The fields of each record as the commands take them: an import's records may carry more (the
# version or id an exported row was read with), which are not stored as given.
PLEDGE_FIELDS = set(PledgeIn.model_fields)
EVIDENCE_FIELDS = set(EvidenceIn.model_fields)


class Batch:
    """New records of one import, and their revisions, written in batches."""

    def __init__(self, session: Session, who: Who, at: datetime | None = None) -> None:
        self.session, self.who = session, who
        self.at: datetime = at or history.now()
        self.at_json: str = json_time(self.at)
        self.reason = who.reason.strip()
        self.links = history.Links(
            at=self.at, author=who.author, action=Action.CREATE, reason=self.reason
        )
        self.seq: int = 0
        self.prev_hash: str | None = None
        self.revisions: list[dict[str, Any]] = []

    def _from_head(self) -> None:
        """Chain the next revisions to the log's head as it is now: the commands may have
        appended revisions since the last batch (an import's edits go through them)."""
        self.seq, self.prev_hash = history.head(self.session)

    def _log(self, entity: Entity, entity_id: str, changes: str) -> None:
        """The revision that creates a record, given its changes as canonical JSON (`creation`)."""
        changes = JSONText(changes)
        self.seq += 1
        digest = self.links.hash(self.prev_hash, self.seq, entity, entity_id, changes)
        self.revisions.append({
            "seq": self.seq, "at": self.at, "author": self.who.author, "action": Action.CREATE,
            "entity": entity, "entity_id": entity_id, "reason": self.reason,
            "changes": changes, "prev_hash": self.prev_hash, "hash": digest,
        })  # fmt: skip
        self.prev_hash = digest

    def _insert(self, table: Any, rows: Sequence[dict[str, Any]]) -> None:
        """Rows given as dicts: see `_insert_values`."""
        if rows:
            names = list(rows[0])
            self._insert_values(table, names, [[row[n] for row in rows] for n in names])

    def _insert_values(self, table: Any, names: Sequence[str], cells: list[list[Any]]) -> None:
        """One INSERT statement executed for every row, straight through the database driver;
        `cells` holds each column's values, in the order of `names`. Each value goes through its
        column type's own conversion (SQLAlchemy's bind processor: the same text, JSON or
        timestamp the ORM would store), column by column; SQLAlchemy's per-row handling of
        parameters is skipped."""
        if not cells or not cells[0]:
            return
        connection = self.session.connection()
        dialect = connection.dialect
        columns = [table.__table__.c[name] for name in names]
        quote = dialect.identifier_preparer.quote
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        sql = (
            f"INSERT INTO {dialect.identifier_preparer.format_table(table.__table__)} "
            f"({', '.join(quote(c.name) for c in columns)}) "
            f"VALUES ({', '.join([mark] * len(columns))})"
        )
        converted: list[list[Any]] = []
        for values, column in zip(cells, columns, strict=True):
            process = column.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None and isinstance(column.type, JSON | Float):  # (0.0 == -0.0)
                values = [process(v) for v in values]
            elif process is not None:  # few distinct values: a vocabulary, a date, the time
                memo = {v: process(v) for v in set(values)}
                values = [memo[v] for v in values]
            converted.append(values)
        records = list(zip(*converted, strict=True))
        for start in range(0, len(records), CHUNK):
            connection.exec_driver_sql(sql, records[start : start + CHUNK])

    def flush(self) -> None:
        """Write the revisions logged so far."""
        self._insert(RevisionRow, self.revisions)
        self.revisions = []

    def actors(self, actors: Sequence[ActorIn]) -> None:
        self._from_head()
        self._insert(ActorRow, [{**a.model_dump(), "aliases": list(a.aliases)} for a in actors])
        for actor in actors:  # an Actor is an ActorIn as stored
            self._log(Entity.ACTOR, actor.id, creation(actor.model_dump(mode="json")))
        self.flush()

    def sources(self, sources: Sequence[SourceIn]) -> None:
        self._from_head()
        rows = [{**source_columns(s), "sha256": text_sha256(s.text)} for s in sources]
        self._insert(SourceRow, rows)
        for source, row in zip(sources, rows, strict=True):  # a Source: a SourceIn and its sha256
            after = source.model_dump(mode="json", exclude={"text"})
            after["sha256"] = row["sha256"]
            self._log(Entity.SOURCE, source.id, creation(after))
        self.flush()

    def pledges(self, pledges: Sequence[PledgeIn]) -> None:
        """Pledges whose references (actors, parent, successor) are known to exist; a pledge
        named by another comes before it."""
        self._from_head()
        rows: list[dict[str, Any]] = []
        links: list[dict[str, Any]] = []
        for pledge in pledges:
            fields = pledge_columns(pledge)
            rows.append({**fields, "version": 1, "created_at": self.at, "updated_at": self.at})
            links.extend({"pledge_id": pledge.id, "actor_id": actor, "position": index}
                         for index, actor in enumerate(pledge.actors))  # fmt: skip
        self._insert(PledgeRow, rows)
        self._insert(PledgeActorRow, links)
        for pledge in pledges:  # a Pledge: a PledgeIn, its version and its times
            after = pledge.model_dump(mode="json", include=PLEDGE_FIELDS)
            after.update(version=1, created_at=self.at_json, updated_at=self.at_json)
            self._log(Entity.PLEDGE, pledge.id, creation(after))
        self.flush()

    def evidence(self, new: NewEvidence) -> list[int]:
        """Checked quotes, made into records and revisions by `evidence_records`. Returns their
        ids, in order."""
        self._from_head()
        self._insert_values(EvidenceRow, new.columns, new.cells)
        if new.ids and self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(text(  # its sequence moves past the ids given here
                "SELECT setval(pg_get_serial_sequence('evidence', 'id'), "
                "(SELECT MAX(id) FROM evidence))"
            ))  # fmt: skip
        for evidence_id, changes in zip(new.ids, new.changes, strict=True):
            self._log(Entity.EVIDENCE, str(evidence_id), changes)
        self.flush()
        return new.ids


def json_time(at: datetime) -> str:
    """A time as a record's JSON shows it (pydantic's form, which the commands' revisions use)."""
    return str(TypeAdapter(datetime).dump_python(at, mode="json"))


def creation(after: dict[str, Any]) -> str:
    """The changes of a record's creation, serialised once: for the revision's hash, and as its
    JSON column stores them."""
    return history.canonical(history.diff(None, after))


@dataclass
class NewEvidence:
    """New evidence as it is stored, column by column (as `Batch` inserts it, each column's values
    converted at once), and the changes of the revision that creates each, as canonical JSON."""

    columns: tuple[str, ...] = (*EvidenceIn.model_fields, "id", "created_at", "verified_on")
    cells: list[list[Any]] = field(default_factory=list)  # a list of values for each column
    changes: list[str] = field(default_factory=list)

    @property
    def ids(self) -> list[int]:
        return self.cells[self.columns.index("id")] if self.cells else []

    def cited(self) -> list[tuple[int, str, str, str]]:
        """Each new piece of evidence as (id, pledge, source, quote), in order."""
        if not self.cells:
            return []
        at = self.columns.index
        columns = (self.cells[at(name)] for name in ("id", "pledge_id", "source_id", "quote"))
        return list(zip(*columns, strict=True))


def evidence_records(
    items: Sequence[EvidenceIn],
    ids: Sequence[int | None],
    located: Sequence[bool],
    *,
    at: datetime,
    highest: int,
) -> NewEvidence:
    """Records for checked quotes: each keeps the id its row gives (as a restore needs), or takes
    the next after `highest` (the highest id the register holds, when the import began: its
    transaction holds the writer's lock, so no other id can be taken meanwhile); `located`:
    whether each quote was found, so verified at `at`."""
    highest = max([highest, *(i for i in ids if i is not None)])
    fresh = iter(range(highest + 1, highest + 1 + len(ids)))
    day, at_json = at.date(), json_time(at)
    new = NewEvidence()
    rows: list[tuple[Any, ...]] = []
    for item, given, found in zip(items, ids, located, strict=True):
        evidence_id = given if given is not None else next(fresh)
        stored = item.model_dump(include=EVIDENCE_FIELDS)  # in the order of the fields
        rows.append((*stored.values(), evidence_id, at, day if found else None))
        after = item.model_dump(mode="json", include=EVIDENCE_FIELDS)
        after.update(  # an Evidence: the EvidenceIn, its id and its dates
            id=evidence_id, created_at=at_json, verified_on=day.isoformat() if found else None
        )
        new.changes.append(creation(after))
    new.cells = [list(column) for column in zip(*rows, strict=True)] if rows else []
    return new


@dataclass
class Located:
    found: list[bool] = field(default_factory=list)  # for each quote, in order
    refused: list[tuple[Any, PledgesError]] = field(default_factory=list)  # (key, why)


def check_quotes(
    items: Sequence[tuple[Any, EvidenceIn]],
    texts: dict[str, str],
    cited: set[tuple[str, str, str]],
    *,
    allow_unlocated: bool = False,
) -> Located:
    """`cite`'s rules for each new quote: it stands in its source and, when elided, elides
    honestly (unless `allow_unlocated`, as with `cite --allow-unlocated`), and its pledge does
    not already cite it there (`cited`: (pledge, source, folded quote) of the evidence that is
    not deprecated; the quotes that pass are added to it). Deprecated evidence, brought over as
    it was, is kept whether or not it stands: it no longer counts. Each source's text is folded
    once."""
    out = Located()
    folded: dict[str, str] = {}
    for key, evidence in items:
        text = texts[evidence.source_id]
        if evidence.source_id not in folded:
            folded[evidence.source_id] = fold(text)
        found = stands(evidence.quote, text, folded[evidence.source_id])
        out.found.append(found)
        if evidence.rank is Rank.DEPRECATED:
            continue
        if not found and not allow_unlocated:
            out.refused.append((key, unlocated(evidence.quote, evidence.source_id, text)))
            continue
        if found and not allow_unlocated and elided(evidence.quote):
            refusal = misquoted(evidence.quote, text)
            if refusal is not None:
                out.refused.append((key, refusal))
                continue
        seen = (evidence.pledge_id, evidence.source_id, fold(evidence.quote))
        if seen in cited:
            twice = cited_already(evidence, "in this import or the register")
            out.refused.append((key, AlreadyExists(twice.message, "keep one row per quote")))
            continue
        cited.add(seen)
    return out
