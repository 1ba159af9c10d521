"""Correcting records after the fact: a source's or an actor's fields, and undoing one revision.

Like every change (pledges.editing), each correction validates, writes, and appends its revision;
the caller's `transaction()` commits. A source's text and its sha256 never change: a corrected
text is a new source that names the old one in `supersedes`. A revert never rewrites the log: it
appends the inverse of the revision it undoes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from pledges import history, revision_rows
from pledges import repository as repo
from pledges.actor_names import actor_names, alias_taken
from pledges.editing import (
    NEW_TEXT,
    REASON_MAX,
    Who,
    deprecate_evidence,
    log_change,
    superseded_unknown,
    supersedes_cycle,
    update_pledge,
)
from pledges.errors import InvalidInput, NotFound
from pledges.models import RevisionRow
from pledges.schema import (
    METADATA_FIELDS,
    Actor,
    ActorIn,
    EvidenceIn,
    PledgeIn,
    Record,
    Source,
    SourceIn,
)
from pledges.service import get_source, not_found
from pledges.validation import validate
from pledges.vocab import Action, Entity, Rank, option_for

# What describes a source's stored text, and never changes with it: how the text was got.
SOURCE_READING = ("format", "encoding", "extractor")
# The fields `source update` has an option for (`from_metadata` follows them).
SOURCE_FIELDS = tuple(
    name
    for name in SourceIn.model_fields
    if name not in ("id", "text", "from_metadata", *SOURCE_READING)
)
ACTOR_FIELDS = ("name", "kind", "aliases")
# The options of `source update` not named as their field is.
SOURCE_OPTIONS = {"published_on": "published", "retrieved_on": "retrieved"}
SHOW = {"source": "pledges source show {}", "actor": "pledges actor list"}
# What a revision records of a record that no command sets: not reverted, not compared.
BOOKKEEPING = frozenset({"version", "created_at", "updated_at", "sha256", "id"})
COMMANDS = {
    Entity.PLEDGE: "pledges update {}",
    Entity.SOURCE: "pledges source update {}",
    Entity.ACTOR: "pledges actor update {}",
    Entity.EVIDENCE: "pledges evidence deprecate {}",
}

R = TypeVar("R", SourceIn, ActorIn)


class Refused(InvalidInput):
    """A correction refused because of one of its fields (an import names that column)."""

    def __init__(self, field: str, message: str, hint: str | None = None) -> None:
        super().__init__(message, hint)
        self.field = field


def option_name(field: str) -> str:
    """The name `--clear` and the options of a correction give a field, e.g. published."""
    return SOURCE_OPTIONS.get(field, field)


def _described(changes: Mapping[str, Any]) -> str:
    """The values given, as a message names them: title 'T', url empty, aliases 'A', 'B'."""

    def value(given: Any) -> str:
        if given is None or given == []:
            return "empty"
        if isinstance(given, list | tuple):
            return ", ".join(repr(str(item)) for item in given)
        return repr(given.value if hasattr(given, "value") else str(given))

    return ", ".join(f"{option_name(name)} {value(given)}" for name, given in changes.items())


def _corrected(
    model: type[R], current: Record, changes: Mapping[str, Any], editable: Sequence[str],
    what: str, also: Sequence[str] = (),
) -> R:  # fmt: skip
    """The record `current` with `changes` applied, validated; refused when a field cannot be
    changed, when no change is given, or when nothing would change (as `pledges update` is).
    `also`: fields a revert or an import may set too, which no option names."""
    unknown = sorted(set(changes) - {*editable, *also})
    if unknown:
        name = unknown[0] if unknown[0].isidentifier() else repr(unknown[0])
        names = ", ".join(option_name(n) for n in editable)
        raise Refused(unknown[0], f"{name} cannot be changed", f"change one of: {names}")
    if not changes:
        raise InvalidInput("no change given", f"name at least one field, e.g. --{editable[0]}")
    for name, value in changes.items():
        field = model.model_fields[name]
        if value is None and (field.is_required() or field.default is not None):
            hint = f"give it a new value with {option_for(name)}"
            raise Refused(name, f"{name} cannot be cleared", hint)
    fields = set(model.model_fields)
    data = current.model_dump(include=fields)
    data.update(changes)
    new = validate(model, data)
    if new == model.model_validate(current.model_dump(include=fields)):
        kind, record_id = what.split(" ", 1)
        raise InvalidInput(
            f"{what} already has {_described(changes)}",
            f"nothing was written; give a different value, or run "
            f"'{SHOW[kind].format(record_id)}' to see the current ones",
        )
    return new


def update_source(session: Session, source_id: str, changes: Mapping[str, Any], who: Who) -> Source:
    """Correct a source's metadata; its text and sha256 stay as they were added, and so do its
    format, encoding and extractor: they say how that text was read from its file, which a
    correction of the metadata cannot change (a text read otherwise is a new source).

    A title, date or publisher given here is the curator's, even when it is the value the
    document's metadata gave: it leaves `from_metadata`, in the same revision. A change that
    names `from_metadata` itself (a revert, an import) sets it as given."""
    current = get_source(session, source_id)
    if {"text", "sha256"} & set(changes):
        raise InvalidInput(
            f"the text of source {source_id} never changes", NEW_TEXT.format(source_id)
        )
    reading = [name for name in SOURCE_READING if name in changes]
    if reading:
        raise Refused(
            reading[0],
            f"the {reading[0]} of source {source_id} never changes",
            f"it records how the stored text was read from its file; {NEW_TEXT.format(source_id)}",
        )
    changes = dict(changes)
    if "from_metadata" not in changes and set(METADATA_FIELDS) & set(changes):
        taken = current.from_metadata or ()
        kept = [name for name in taken if name not in changes]
        if len(kept) < len(taken):
            changes["from_metadata"] = kept or None
    new = _corrected(
        SourceIn, current, changes, SOURCE_FIELDS, f"source {source_id}", ("from_metadata",)
    )
    unknown = superseded_unknown(session, new)
    if unknown is not None:
        raise Refused("supersedes", unknown.message, unknown.hint)
    cycle = supersedes_cycle(session, new)
    if cycle is not None:
        raise Refused("supersedes", cycle.message, cycle.hint)
    stored = repo.update_source(session, new)
    log_change(session, who, Action.UPDATE, Entity.SOURCE, source_id, current, stored)
    return stored


def get_actor(session: Session, actor_id: str) -> Actor:
    actor = repo.get_actor(session, actor_id)
    if actor is None:
        ids = [a.id for a in repo.list_actors(session)]
        raise not_found("actor", actor_id, ids, "pledges actor list")
    return actor


def update_actor(
    session: Session, actor_id: str, changes: Mapping[str, Any], who: Who, *,
    add_aliases: Sequence[str] = (), remove_aliases: Sequence[str] = (),
) -> Actor:  # fmt: skip
    """Correct an actor's name, kind or aliases: `add_aliases` and `remove_aliases` change the
    aliases it has (matched whatever their case); `changes` may replace them whole."""
    current = get_actor(session, actor_id)
    changes = dict(changes)
    if add_aliases or remove_aliases:
        changes["aliases"] = _aliases(current, add_aliases, remove_aliases)
    new = _corrected(ActorIn, current, changes, ACTOR_FIELDS, f"actor {actor_id}")
    added = [a for a in new.aliases if a not in current.aliases]
    taken = alias_taken(new, actor_names(repo.list_actors(session)), added)
    if taken is not None:
        raise Refused("aliases", taken.message, taken.hint)
    stored = repo.update_actor(session, new)
    log_change(session, who, Action.UPDATE, Entity.ACTOR, actor_id, current, stored)
    return stored


def _aliases(actor: Actor, add: Sequence[str], remove: Sequence[str]) -> list[str]:
    both = [a for a in add if a.strip().casefold() in {r.strip().casefold() for r in remove}]
    if both:
        raise InvalidInput(
            f"the alias {both[0]!r} is both added (--add-alias) and removed (--remove-alias)",
            "give one of them, not both; nothing was written",
        )
    aliases = list(actor.aliases)
    shown = ", ".join(repr(a) for a in aliases)
    for alias in remove:
        match = [a for a in aliases if a.casefold() == alias.strip().casefold()]
        if not match:
            hint = f"remove one of its aliases: {shown}" if shown else "it has none to remove"
            raise InvalidInput(
                f"actor {actor.id} has no alias {alias!r}", hint + "; nothing was written"
            )
        aliases.remove(match[0])
    for alias in add:
        match = [a for a in aliases if a.casefold() == alias.strip().casefold()]
        if match:
            raise InvalidInput(
                f"actor {actor.id} already has the alias {match[0]!r}",
                "nothing was written; add another alias, or leave this one out",
            )
        aliases.append(alias)
    return aliases


# --- reverting one revision ---------------------------------------------------------------------


@dataclass(frozen=True)
class Reverted:
    seq: int  # the revision undone
    entity: Entity
    entity_id: str
    revision: int  # the revision that undid it
    deprecated: bool  # a creation of evidence, undone by deprecating it


def _revision(session: Session, seq: int) -> RevisionRow:
    found = revision_rows.revision(session, seq)
    if found is None:
        last, _ = history.head(session)
        if last == 0:
            raise NotFound(f"no revision {seq}: the log is empty", "there is nothing to revert")
        raise NotFound(
            f"no revision {seq}", f"the log holds revisions 1 to {last}; see 'pledges history'"
        )
    return found


def revert(session: Session, seq: int, who: Who) -> Reverted:
    """Undo revision `seq` by appending its inverse: an update's fields set back to their values
    before it, or a new piece of evidence deprecated. Refused when a later revision changed one
    of the same fields of the same record, and for the creation of a pledge, source or actor."""
    target = _revision(session, seq)
    entity, record_id = Entity(target.entity), target.entity_id
    prefix = f"revert of revision {seq}: "
    if len(prefix) + len(who.reason.strip()) > REASON_MAX:
        raise InvalidInput(
            f"--reason is {len(who.reason.strip())} characters long",
            f"keep it within {REASON_MAX - len(prefix)}: the revision records it after '{prefix}'",
        )
    undo = Who(who.author, prefix + who.reason.strip())
    if Action(target.action) is Action.CREATE:
        if entity is not Entity.EVIDENCE:
            raise _create_kept(seq, entity, record_id)
        deprecate_evidence(session, int(record_id), undo)
        return Reverted(seq, entity, record_id, history.head(session)[0], deprecated=True)
    fields = [name for name in target.changes if name not in BOOKKEEPING]
    _unchanged_since(session, target, fields)
    before = {name: target.changes[name].get("before") for name in fields}
    _set_back(session, entity, record_id, before, undo)
    return Reverted(seq, entity, record_id, history.head(session)[0], deprecated=False)


def _unchanged_since(session: Session, target: RevisionRow, fields: list[str]) -> None:
    """Refuse when a field the revision changed holds another value now: a later revision
    changed it since (the last of them is named). A later change that was itself reverted
    leaves the value as the revision set it, and does not stand in the way."""
    entity, record_id = Entity(target.entity), target.entity_id
    now = _current(session, entity, record_id)
    moved = [name for name in fields if now.get(name) != target.changes[name].get("after")]
    if not moved:
        return
    later = [r for r in revision_rows.revisions_since(session, target.seq, entity, record_id)
             if set(r.changes) & set(moved)]  # fmt: skip
    last = later[-1] if later else None
    if last is not None and last.reason.startswith(f"revert of revision {target.seq}: "):
        raise InvalidInput(
            f"revision {target.seq} was already undone by revision {last.seq}",
            f"nothing to revert; to set its values again, run 'pledges revert {last.seq}'",
        )
    touched = [name for name in moved if last is None or name in last.changes]
    who = f"revision {last.seq}" if last is not None else "a change outside the log"
    raise InvalidInput(
        f"{who} changed {', '.join(touched)} of {entity} {record_id} since",
        f"revert that first, or change the field with '{COMMANDS[entity].format(record_id)}'",
    )


def _current(session: Session, entity: Entity, record_id: str) -> dict[str, Any]:
    """A record as it is now, as its revisions record it (JSON values)."""
    record: Record | None
    if entity is Entity.PLEDGE:
        record = repo.get_pledge(session, record_id)
    elif entity is Entity.SOURCE:
        record = repo.get_source(session, record_id)
    elif entity is Entity.ACTOR:
        record = repo.get_actor(session, record_id)
    else:
        record = repo.get_evidence(session, int(record_id))
    if record is None:
        raise NotFound(f"{entity} {record_id} is not in the register", "run 'pledges log verify'")
    return record.model_dump(mode="json", exclude={"text"})


def _create_kept(seq: int, entity: Entity, record_id: str) -> InvalidInput:
    instead = {
        Entity.PLEDGE: f"withdraw the pledge with 'pledges update {record_id} --status withdrawn'",
        Entity.SOURCE: f"correct its metadata with 'pledges source update {record_id}', or add a "
        f"corrected text with 'pledges source add FILE --supersedes {record_id}'",
        Entity.ACTOR: f"correct it with 'pledges actor update {record_id}'",
    }
    return InvalidInput(
        f"revision {seq} created {entity} {record_id}, which is never deleted",
        instead[entity],
    )


def _set_back(
    session: Session, entity: Entity, record_id: str, before: dict[str, Any], who: Who
) -> None:
    if entity is Entity.PLEDGE:
        update_pledge(session, record_id, _only(before, PledgeIn), who)
    elif entity is Entity.SOURCE:
        update_source(session, record_id, _only(before, SourceIn), who)
    elif entity is Entity.ACTOR:
        update_actor(session, record_id, _only(before, ActorIn), who)
    else:
        _set_back_evidence(session, int(record_id), before, who)


def _only(values: dict[str, Any], model: type[Record]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if name in model.model_fields}


def _set_back_evidence(
    session: Session, evidence_id: int, before: dict[str, Any], who: Who
) -> None:
    current = repo.get_evidence(session, evidence_id)
    if current is None:
        raise NotFound(
            f"no evidence with id {evidence_id}", "it is in the log but not the register"
        )
    data = current.model_dump(include=set(EvidenceIn.model_fields))
    data.update(_only(before, EvidenceIn))
    new = validate(EvidenceIn, data)
    columns: dict[str, Any] = {name: getattr(new, name) for name in _only(before, EvidenceIn)}
    if "verified_on" in before:
        day = before["verified_on"]
        columns["verified_on"] = None if day is None else date.fromisoformat(day)
    if new.rank is not Rank.DEPRECATED:
        columns["deprecated_reason"] = None
    stored = repo.change_evidence(session, evidence_id, **columns)
    log_change(session, who, Action.UPDATE, Entity.EVIDENCE, str(evidence_id), current, stored)
