"""Use cases of the register. Each public function is one unit of work on one session."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from pledges import history, progress, revision_rows
from pledges import repository as repo
from pledges.errors import InvalidInput, NotFound
from pledges.models import ActorRow, EvidenceRow, PledgeRow, RevisionRow, SourceRow
from pledges.pages import page_at, read_on
from pledges.schema import Actor, Evidence, Pledge, Revision, Source
from pledges.sentences import sentence_bounds
from pledges.textmatch import find
from pledges.timeline import Step, timeline
from pledges.validation import choice
from pledges.vocab import Action, Entity, Formality, PledgeKind, Status

if TYPE_CHECKING:
    from pledges.audit import Finding
    from pledges.audit.selection import Selection
    from pledges.seeds import Register

# rapidfuzz (only for suggestions) and seeds (PyYAML, only for init) are imported inside the
# functions that use them, so that reading commands such as `pledges show` do not pay for them.

SEED_REASON = "load the seed register"


def close_to(wanted: str, known: Sequence[str]) -> list[str]:
    """The known values close to the one wanted, best first (three at most); none for a bare
    number such as '25', which would match any id that holds it (a year, say)."""
    if not any(character.isalpha() for character in wanted):
        return []
    from rapidfuzz import process

    return [match[0] for match in process.extract(wanted, known, limit=3, score_cutoff=60)]


def not_found(kind: str, wanted: str, known: Sequence[str], command: str) -> NotFound:
    """No record of that id, with the known ids close to it (best first) as the hint."""
    close = close_to(wanted, known)
    hint = f"did you mean {', '.join(close)}?" if close else f"run '{command}' to see the ids"
    return NotFound(f"no {kind} with id {wanted!r}", hint)


# --- loading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Loaded:
    actors: int
    sources: int
    pledges: int
    evidence: int

    @property
    def revisions(self) -> int:
        """One revision a record."""
        return self.actors + self.sources + self.pledges + self.evidence


def load(session: Session, register: Register, *, author: str, reason: str) -> Loaded:
    """Write a validated register, one revision per record, all under one timestamp."""
    at = history.now()
    kinds = (register.actors, register.sources, register.pledges, register.evidence)
    progress.stage("loading the records", total=sum(len(records) for records in kinds))

    def log(entity: Entity, entity_id: str, after: dict[str, object]) -> None:
        progress.advance()
        history.append(
            session,
            author=author,
            action=Action.CREATE,
            entity=entity,
            entity_id=entity_id,
            reason=reason,
            changes=history.diff(None, after),
            at=at,
        )

    for actor in register.actors:
        log(Entity.ACTOR, actor.id, repo.add_actor(session, actor).model_dump(mode="json"))
    for source in register.sources:
        stored = repo.add_source(session, source)
        log(Entity.SOURCE, source.id, stored.model_dump(mode="json", exclude={"text"}))
    for pledge in register.pledges:
        log(Entity.PLEDGE, pledge.id, repo.add_pledge(session, pledge, at).model_dump(mode="json"))
    for item in register.evidence:
        stored_evidence = repo.add_evidence(session, item, at)
        log(Entity.EVIDENCE, str(stored_evidence.id), stored_evidence.model_dump(mode="json"))
    return Loaded(
        len(register.actors), len(register.sources), len(register.pledges), len(register.evidence)
    )


@dataclass(frozen=True)
class InitResult:
    where: str
    revision_before: str | None
    revision_after: str
    loaded: Loaded | None
    empty: bool = False  # asked for a register without the seeds
    reindexed: tuple[str, ...] = ()  # what was wrong with the search index, made again


def init(
    db: str | None, *, author: str, seeds: Path | None = None, empty: bool = False
) -> InitResult:
    """Create or upgrade the database; load the seed register when it holds nothing yet (unless
    `empty`: a register to import into)."""
    from pledges import migrate
    from pledges import seeds as seed_files
    from pledges.db import open_engine, schema_revision, transaction
    from pledges.dburl import describe

    # The seeds are validated before anything is written.
    progress.stage("reading the seed register")
    register = None if empty else seed_files.read(seeds or seed_files.default_folder())
    engine = open_engine(db, create=True, current=False)
    try:
        before = schema_revision(engine)
        loaded = None
        with transaction(engine, write=True) as session:
            progress.stage("upgrading the schema")
            migrate.upgrade(session.connection())
            if register is not None and repo.is_empty(session):
                loaded = load(session, register, author=author, reason=SEED_REASON)
            reindexed = _search_index_checked(session) if before == migrate.head() else ()
        return InitResult(
            describe(engine.url), before, migrate.head(), loaded, empty, tuple(reindexed)
        )
    finally:
        engine.dispose()


def _search_index_checked(session: Session) -> list[str]:
    """What is wrong with the search index of a register that was up to date, once it is made
    again (nothing when nothing is: the index is then left as it is)."""
    from pledges.search import tables

    found = tables.problems(session.connection())
    if found:
        progress.stage("making the search index again")
        tables.rebuild(session.connection())
    return found


# --- reading ------------------------------------------------------------------------------------


def list_pledges(
    session: Session,
    *,
    actor: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    formality: str | None = None,
    limit: int | None = None,
) -> list[Pledge]:
    if actor is not None:
        from pledges.actor_names import resolve

        (actor,) = resolve(session, [actor])  # a code, name or alias
    return repo.list_pledges(
        session,
        actor=actor,
        status=None if status is None else choice(Status, "status", status),
        kind=None if kind is None else choice(PledgeKind, "kind", kind),
        formality=None if formality is None else choice(Formality, "formality", formality),
        limit=limit,
    )


@dataclass(frozen=True)
class Quoted:
    """A piece of evidence as a reader sees it: the quote inside the sentence it stands in, and
    the page where the quote starts (pledges.pages), when its source's text has pages."""

    evidence: Evidence
    source: Source
    context: str
    start: int | None  # the quote's place within `context`; None when it is not located
    end: int | None
    page: int | None = None  # None: not located, or a text without pages


@dataclass(frozen=True)
class PledgeView:
    pledge: Pledge
    actors: list[Actor]
    evidence: list[Quoted]
    timeline: list[Step]


def quoted(evidence: Evidence, source: Source) -> Quoted:
    span = find(evidence.quote, source.text)
    if span is None:
        return Quoted(evidence, source, evidence.quote, None, None)
    begin, finish = sentence_bounds(source.text, span.start, span.end)
    context = read_on(source.text[begin:finish])
    page = page_at(source.text, span.start)
    return Quoted(evidence, source, context, span.start - begin, span.end - begin, page)


def get_pledge(session: Session, pledge_id: str) -> Pledge:
    pledge = repo.get_pledge(session, pledge_id)
    if pledge is None:
        raise not_found("pledge", pledge_id, repo.pledge_ids(session), "pledges list")
    return pledge


def show_pledge(session: Session, pledge_id: str) -> PledgeView:
    pledge = get_pledge(session, pledge_id)
    evidence = repo.evidence_for(session, pledge.id)
    sources = repo.get_sources(session, sorted({e.source_id for e in evidence}))
    actors = {a.id: a for a in repo.list_actors(session, pledge.actors)}
    return PledgeView(
        pledge,
        [actors[a] for a in pledge.actors],
        [quoted(item, sources[item.source_id]) for item in evidence],
        timeline(revision_rows.revisions(session, pledge.id), evidence),
    )


def _about(session: Session, record_id: str) -> tuple[Entity, str]:
    """The record an id names: a pledge, else a source, else an actor (any case)."""
    if session.get(PledgeRow, record_id) is not None:
        return Entity.PLEDGE, record_id
    if session.scalar(select(SourceRow.id).where(SourceRow.id == record_id)) is not None:
        return Entity.SOURCE, record_id
    if session.get(ActorRow, record_id.upper()) is not None:
        return Entity.ACTOR, record_id.upper()
    known = [*repo.pledge_ids(session), *repo.source_ids(session)]
    known += [a.id for a in repo.list_actors(session)]
    raise not_found("pledge, source or actor", record_id, known, "pledges list")


def revisions(
    session: Session,
    record_id: str | None = None,
    *,
    since: date | None = None,
    until: date | None = None,
    author: str | None = None,
    limit: int | None = None,
) -> list[Revision]:
    """The log in order; for one pledge or source (which must exist), its own revisions and
    those of its evidence; for an actor, its own. From `since` to `until` (days, UTC, both
    included), by `author`; with `limit`, the newest that many. All of it is done in SQL."""
    from datetime import UTC, datetime, time, timedelta

    about = None if record_id is None else _about(session, record_id)
    query = revision_rows.revisions_of() if about is None else revision_rows.revisions_of(*about)
    if since is not None:
        query = query.where(RevisionRow.at >= datetime.combine(since, time(), UTC))
    if until is not None:
        query = query.where(RevisionRow.at < datetime.combine(until, time(), UTC) + timedelta(1))
    if author is not None:
        query = query.where(RevisionRow.author == author)
    progress.stage("reading the revisions")
    if limit is None:
        rows = list(progress.counted(session.scalars(query.order_by(RevisionRow.seq))))
    else:
        rows = list(session.scalars(query.order_by(RevisionRow.seq.desc()).limit(limit)))[::-1]
    return [history.to_revision(row) for row in rows]


@dataclass(frozen=True)
class SourceView:
    source: Source
    evidence: list[Evidence]


def get_source(session: Session, source_id: str) -> Source:
    source = repo.get_source(session, source_id)
    if source is None:
        raise not_found("source", source_id, repo.source_ids(session), "pledges source list")
    return source


def show_source(session: Session, source_id: str) -> SourceView:
    source = get_source(session, source_id)
    return SourceView(source, repo.evidence_citing(session, source_id))


def list_sources(session: Session) -> tuple[list[Source], dict[str, int]]:
    """Every source, with how many quotes cite each."""
    ids = repo.source_ids(session)
    sources = repo.get_sources(session, ids)
    return [sources[i] for i in ids], repo.quote_counts(session)


# --- the audit, narrowed ------------------------------------------------------------------------


def check_codes(codes: Sequence[str]) -> list[str]:
    """The codes given (--code), each the code of a check, or a one-line error."""
    from pledges.audit import CHECKS

    known = [check.code for check in CHECKS]
    for code in codes:
        if code not in known:
            close = close_to(code, known)
            hint = f"did you mean {', '.join(close)}?" if close else f"use {', '.join(known)}"
            raise InvalidInput(f"--code {code!r} is not the code of a check", hint)
    return sorted(set(codes))


def audit_selection(session: Session, pledge_ids: Sequence[str], source: str | None) -> Selection:
    """The pledges named and the source named, each of which must exist; both named, each
    pledge must cite the source."""
    from pledges.audit.selection import Selection

    wanted = list(dict.fromkeys(pledge_ids))
    found = set(session.scalars(select(PledgeRow.id).where(PledgeRow.id.in_(wanted))))
    for pledge_id in wanted:
        if pledge_id not in found:
            raise not_found("pledge", pledge_id, repo.pledge_ids(session), "pledges list")
    if source is not None and session.get(SourceRow, source) is None:
        raise not_found("source", source, repo.source_ids(session), "pledges source list")
    if source is not None and wanted:
        citing = select(EvidenceRow.pledge_id).where(
            EvidenceRow.source_id == source, EvidenceRow.pledge_id.in_(wanted)
        )
        cited = set(session.scalars(citing))
        if stray := [pledge_id for pledge_id in wanted if pledge_id not in cited]:
            which = (
                f"pledge {stray[0]} does" if len(stray) == 1 else f"pledges {', '.join(stray)} do"
            )
            raise InvalidInput(
                f"{which} not cite source {source}",
                f"name pledges that cite it (pledges source show {source} lists them), "
                "or drop --source",
            )
    return Selection(tuple(wanted), source)


def pledge_findings(session: Session, view: PledgeView) -> list[Finding]:
    """The audit's findings about the pledge shown (its quotes, itself, its likely duplicates),
    as of today, from what `show_pledge` read: the checks of `pledges audit PLEDGE_ID`."""
    from pledges.audit.record import pledge_findings as audited
    from pledges.vocab import REVERIFY_DAYS

    return audited(
        session.connection(),
        view.pledge,
        [item.evidence for item in view.evidence],
        {item.source.id: item.source for item in view.evidence},
        today=date.today(),
        reverify_days=REVERIFY_DAYS,
    )


def source_findings(db: str | None, source_id: str) -> list[Finding]:
    """The audit's findings about one source: its own and those of the quotes taken from it, as
    of today (the audit of that source and the pledges citing it)."""
    from pledges.audit import audit
    from pledges.audit.selection import Selection

    report = audit(db, only=Selection(source=source_id), workers=1)
    return [f for f in report.findings if f.source_id == source_id]
