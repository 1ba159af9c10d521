"""Changing the register: each use case validates, writes, and appends its revisions.

Every function takes the session of one transaction and flushes; the caller's `transaction()`
commits, so a failure anywhere leaves the database as it was. Nothing is ever deleted: evidence is
deprecated with a reason, a pledge is superseded or withdrawn.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from pledges import history, progress
from pledges import repository as repo
from pledges.actor_names import actor_names, alias_taken
from pledges.errors import AlreadyExists, InvalidInput, NotFound
from pledges.excerpt import excerpt
from pledges.fields import CONTROL_CHARS, LINE_BREAK
from pledges.schema import (
    Actor,
    ActorIn,
    Evidence,
    EvidenceIn,
    Pledge,
    PledgeIn,
    Source,
    SourceIn,
)
from pledges.service import get_pledge, get_source, not_found
from pledges.textmatch import Method, as_written, closest, elided, find, normalise
from pledges.validation import validate
from pledges.vocab import MAX_ID, Action, Entity, Rank

REASON_MAX = 500
NEW_TEXT = "add the corrected text as a new source with 'pledges source add FILE --supersedes {}'"


@dataclass(frozen=True)
class Who:
    """Who makes a change and why: both are recorded in every revision it writes."""

    author: str
    reason: str

    def __post_init__(self) -> None:
        if not self.reason or not self.reason.strip():
            raise InvalidInput(
                "--reason is required", "say in a few words why you make this change"
            )
        if len(self.reason) > REASON_MAX:
            raise InvalidInput(
                f"--reason is {len(self.reason)} characters long",
                f"keep it within {REASON_MAX}; put detail in the record's notes",
            )
        if not self.author.strip():
            raise InvalidInput("the author is blank", "give --author or set PLEDGES_AUTHOR")
        if len(self.author) > REASON_MAX:  # revisions hold at most 500 characters of it
            raise InvalidInput(
                f"the author is {len(self.author)} characters long",
                f"keep --author (or PLEDGES_AUTHOR) within {REASON_MAX}",
            )
        for option, value in (("--reason", self.reason), ("--author", self.author)):
            if LINE_BREAK.search(value) or CONTROL_CHARS.search(value):
                raise InvalidInput(
                    f"{option} holds a line break or a control character",
                    "write it on one line of plain text",
                )


def log_change(
    session: Session,
    who: Who,
    action: Action,
    entity: Entity,
    entity_id: str,
    before: BaseModel | None,
    after: BaseModel,
) -> None:
    """The revision of a change from record `before` (None: a new record) to `after`; a source's
    text is not logged (its sha256 is)."""
    history.append(
        session,
        author=who.author,
        action=action,
        entity=entity,
        entity_id=entity_id,
        reason=who.reason.strip(),
        changes=history.diff(
            None if before is None else before.model_dump(mode="json", exclude={"text"}),
            after.model_dump(mode="json", exclude={"text"}),
        ),
    )


# --- actors and sources -------------------------------------------------------------------------


def add_actor(session: Session, actor: ActorIn, who: Who) -> Actor:
    if repo.get_actor(session, actor.id) is not None:
        raise AlreadyExists(f"actor {actor.id} already exists", "choose another id")
    taken = alias_taken(actor, actor_names(repo.list_actors(session)))
    if taken is not None:
        raise taken
    stored = repo.add_actor(session, actor)
    log_change(session, who, Action.CREATE, Entity.ACTOR, actor.id, None, stored)
    return stored


def add_source(session: Session, source: SourceIn, who: Who) -> Source:
    if repo.get_source(session, source.id) is not None:
        raise AlreadyExists(
            f"source {source.id} already exists",
            f"correct its metadata with 'pledges source update {source.id}'; a corrected text is "
            f"a new source, added with another id and --supersedes {source.id}",
        )
    unknown = superseded_unknown(session, source)
    if unknown is not None:
        raise unknown
    stored = repo.add_source(session, source)
    log_change(session, who, Action.CREATE, Entity.SOURCE, source.id, None, stored)
    return stored


def superseded_unknown(session: Session, source: SourceIn) -> NotFound | None:
    """Why the source a source supersedes is not in the register (None when it is, or when it
    names none)."""
    if source.supersedes is None or repo.get_source(session, source.supersedes) is not None:
        return None
    missing = not_found(
        "source", source.supersedes, repo.source_ids(session), "pledges source list"
    )
    return NotFound(f"supersedes: {missing.message}", missing.hint)


def supersedes_cycle(session: Session, source: SourceIn) -> InvalidInput | None:
    """Why the source a source supersedes would make a cycle: it supersedes that source, itself
    or through others (None when it does not)."""
    chain: list[str] = []
    step = source.supersedes
    while step is not None and step not in chain:
        chain.append(step)
        found = repo.get_source(session, step)
        step = None if found is None else found.supersedes
        if step == source.id:
            through = f" through {', '.join(chain[1:])}" if chain[1:] else ""
            return InvalidInput(
                f"{source.id} would supersede {chain[0]}, which already supersedes it{through}",
                "a corrected text supersedes the one it replaces, never the other way round: "
                "name another source, or none; nothing was written",
            )
    return None


# --- pledges ------------------------------------------------------------------------------------


def unknown_reference(
    pledge: PledgeIn, actors: Collection[str], holds: Callable[[str], bool],
    ids: Callable[[], Sequence[str]],
) -> NotFound | None:  # fmt: skip
    """Why a pledge's actors, parent or successor are not in the register, as the commands say
    it (None when all are): `actors` are the register's, `holds` whether it has a pledge, and
    `ids` its pledges' ids, for the hint."""
    for actor in pledge.actors:
        if actor not in actors:
            names = ", ".join(sorted(actors))
            hint = f"the register's actors are {names}; add one with 'pledges actor add'"
            return NotFound(f"actor {actor!r} is not in the register", hint)
    for field in ("parent_id", "superseded_by"):
        other = getattr(pledge, field)
        if other is not None and not holds(other):
            missing = not_found("pledge", other, ids(), "pledges list")
            return NotFound(f"{field}: {missing.message}", missing.hint)
    return None


def _check_references(session: Session, pledge: PledgeIn) -> None:
    actors = {a.id for a in repo.list_actors(session)}
    refusal = unknown_reference(
        pledge, actors, lambda other: repo.get_pledge(session, other) is not None,
        lambda: repo.pledge_ids(session),
    )  # fmt: skip
    if refusal is not None:
        raise refusal


def add_pledge(session: Session, pledge: PledgeIn, who: Who) -> Pledge:
    if repo.get_pledge(session, pledge.id) is not None:
        raise AlreadyExists(
            f"pledge {pledge.id} already exists", f"change it with 'pledges update {pledge.id}'"
        )
    _check_references(session, pledge)
    stored = repo.add_pledge(session, pledge, history.now())
    log_change(session, who, Action.CREATE, Entity.PLEDGE, pledge.id, None, stored)
    return stored


EDITABLE = tuple(name for name in PledgeIn.model_fields if name != "id")


def update_pledge(
    session: Session,
    pledge_id: str,
    changes: Mapping[str, Any],
    who: Who,
    *,
    expected_version: int | None = None,
) -> Pledge:
    """Apply new values to a pledge's fields; refused when the pledge moved past
    `expected_version` (another editor got there first) or when nothing would change."""
    current = get_pledge(session, pledge_id)
    if expected_version is not None and current.version != expected_version:
        # Before judging the change: it was made against a version the editor no longer sees.
        raise repo.stale(pledge_id, expected_version, current.version)
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        # A name that is not a plain word (`--clear ''`, a newline) is shown quoted.
        name = unknown[0] if unknown[0].isidentifier() else repr(unknown[0])
        raise InvalidInput(f"{name} cannot be changed", f"change one of: {', '.join(EDITABLE)}")
    if not changes:
        raise InvalidInput("no change given", "name at least one field, e.g. --status in_progress")
    data = current.model_dump(include=set(PledgeIn.model_fields))
    data.update(changes)
    new = validate(PledgeIn, data)
    if new == PledgeIn.model_validate(current.model_dump(include=set(PledgeIn.model_fields))):
        raise InvalidInput(
            f"pledge {pledge_id} already has these values", "nothing was written; check the values"
        )
    _check_references(session, new)
    version = current.version if expected_version is None else expected_version
    stored = repo.update_pledge(session, new, expected_version=version, at=history.now())
    log_change(session, who, Action.UPDATE, Entity.PLEDGE, pledge_id, current, stored)
    return stored


# --- evidence -----------------------------------------------------------------------------------


def unlocated(quote: str, source_id: str, text: str) -> InvalidInput:
    """The refusal of a quote that does not stand in its source: the closest passage, and where
    the typed words part from it (for an elided quote: the part that does not stand, and where
    it parts from its own closest passage)."""
    from pledges.difference import describe, describe_elided

    if elided(quote):
        where = f"{describe_elided(quote, text)}; "
        near = None
    else:
        near, where = closest(quote, text), ""
    if near is not None:
        passage = text[near.start : near.end]
        where = f"the closest passage ({near.similarity:.0f}% alike) is “{excerpt(passage, 160)}”; "
        named = describe(quote, passage)
        where += f"{named}; " if named else ""
    return InvalidInput(
        f"the quote does not stand in source {source_id}",
        f"{where}copy the words exactly as the article has them, or add --allow-unlocated "
        "to record it anyway (the audit will report it)",
    )


def misquoted(quote: str, text: str) -> InvalidInput | None:
    """The refusal of a quote that stands elided in `text` but elides dishonestly (a part too
    short, or an ellipsis that changes the meaning: pledges.elisions); None when it elides
    honestly (or is not elided)."""
    from pledges.elisions import judge  # (the audit's readers of length and years: on demand)

    judged = judge(quote, text)
    if judged is None:
        return None
    return InvalidInput(
        judged.message,
        f"{judged.hint}, or add --allow-unlocated to record it anyway (the audit will report it)",
    )


def cited_already(evidence: EvidenceIn, other: int | str) -> AlreadyExists:
    return AlreadyExists(
        f"pledge {evidence.pledge_id} already cites this quote of {evidence.source_id} "
        f"(evidence {other})",
        "nothing was written",
    )


def cite(
    session: Session, evidence: EvidenceIn, who: Who, *, allow_unlocated: bool = False
) -> Evidence:
    """Link a pledge to a quote of a source, once the quote is found in the source's text and,
    when elided, elides honestly (pledges.elisions); the quote is stored as the article writes
    it (`as_written`), or as typed when it is not found and `allow_unlocated` (which lets a
    dishonest elision be recorded too: the audit reports both)."""
    get_pledge(session, evidence.pledge_id)
    source = get_source(session, evidence.source_id)
    if evidence.rank is Rank.DEPRECATED:
        raise InvalidInput("new evidence cannot start deprecated", "cite it, then deprecate it")
    span = find(evidence.quote, source.text)
    if span is None and not allow_unlocated:
        raise unlocated(evidence.quote, source.id, source.text)
    if span is not None and span.method is Method.ELIDED and not allow_unlocated:
        refusal = misquoted(evidence.quote, source.text)
        if refusal is not None:
            raise refusal
    if span is not None:  # stored as the article writes it: its quotes, dashes, case, spacing
        written = as_written(evidence.quote, source.text, span)
        if written != evidence.quote:
            fields = {**evidence.model_dump(), "quote": written}
            with suppress(InvalidInput):  # beyond a quote's length, say: kept as typed
                evidence = validate(EvidenceIn, fields)
    wanted = normalise(evidence.quote).text
    for other in repo.evidence_for(session, evidence.pledge_id):
        same = other.source_id == source.id and normalise(other.quote).text == wanted
        if same and other.rank is not Rank.DEPRECATED:
            raise cited_already(evidence, other.id)
    if repo.highest_evidence_id(session) >= MAX_ID:
        raise InvalidInput(
            f"no evidence id is left: ids go up to {MAX_ID} and the register holds that one",
            "renumber the evidence in an export (empty ids are numbered anew) and import it "
            "into a new register",
        )
    stored = repo.add_evidence(session, evidence, history.now(), located=span is not None)
    log_change(session, who, Action.CREATE, Entity.EVIDENCE, str(stored.id), None, stored)
    return stored


def _existing_evidence(session: Session, evidence_id: int) -> Evidence:
    found = repo.get_evidence(session, evidence_id)
    if found is None:
        raise NotFound(
            f"no evidence with id {evidence_id}",
            "'pledges show PLEDGE_ID' lists each piece of evidence with its id",
        )
    return found


def deprecate_evidence(
    session: Session, evidence_id: int, who: Who, *, reason: str | None = None
) -> Evidence:
    """Evidence is never deleted: it stops counting, and keeps the reason beside it (`reason`,
    or else the change's own reason)."""
    current = _existing_evidence(session, evidence_id)
    if current.rank is Rank.DEPRECATED:
        raise InvalidInput(
            f"evidence {evidence_id} is already deprecated ({current.deprecated_reason})",
            "nothing was written",
        )
    why = (reason or who.reason).strip()
    stored = repo.change_evidence(session, evidence_id, rank=Rank.DEPRECATED, deprecated_reason=why)
    log_change(session, who, Action.UPDATE, Entity.EVIDENCE, str(evidence_id), current, stored)
    return stored


def verify_evidence(
    session: Session, evidence_ids: Sequence[int] | None, who: Who, *, today: date
) -> list[Evidence]:
    """Look for each quote in its source again and record today as the day it was verified.

    All or nothing: a quote that no longer stands is named, and nothing is written. `None`
    verifies every piece of evidence that is not deprecated.
    """
    if evidence_ids is None:
        chosen = [e for e in repo.all_evidence(session) if e.rank is not Rank.DEPRECATED]
    else:
        chosen = [_existing_evidence(session, evidence_id) for evidence_id in evidence_ids]
    texts: dict[str, str] = {}
    progress.stage("locating the quotes", total=len(chosen))
    for item in chosen:
        progress.advance()
        if item.source_id not in texts:
            texts[item.source_id] = get_source(session, item.source_id).text
        if find(item.quote, texts[item.source_id]) is None:
            raise InvalidInput(
                f"evidence {item.id}: the quote no longer stands in source {item.source_id}",
                f"correct it, or deprecate it with 'pledges evidence deprecate {item.id}'; "
                "nothing was written",
            )
    done = []
    progress.stage("recording the verification", total=len(chosen))
    for item in chosen:
        progress.advance()
        if item.verified_on == today:
            done.append(item)
            continue
        stored = repo.change_evidence(session, item.id, verified_on=today)
        log_change(session, who, Action.UPDATE, Entity.EVIDENCE, str(item.id), item, stored)
        done.append(stored)
    return done
