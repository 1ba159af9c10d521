"""An export's rows checked against the register: the plan of what to write, and the problems.

Nothing is written here. A row the register holds exactly as written is left alone unread
(`pledges.transfer.unchanged`); every other row is read as a record and compared with the stored
one: an actor or a source may be new, changed (a source's text never) or unchanged, a pledge may
be new or changed (from the version it was exported at); evidence is checked by
`pledges.transfer.evidence`. Each table is checked against the register as the import will have
it by then: the new records of the tables before it count, unless a row before was refused (then
nothing new is added, as nothing is written). References are checked as the commands check
them, with the same messages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy.orm import Session

from pledges import repository as repo
from pledges.actor_names import actor_names, alias_taken
from pledges.editing import NEW_TEXT, unknown_reference
from pledges.errors import Conflict, PledgesError
from pledges.models import PledgeRow, SourceRow
from pledges.schema import ActorIn, ExportedPledge, Pledge, PledgeIn, Source, SourceIn, text_sha256
from pledges.transfer.held import actor_ids, held
from pledges.transfer.plan import Correction, Plan, Update, as_exported, differences, lost
from pledges.transfer.problems import Problem, shown
from pledges.transfer.rows import Files, Row, read_rows
from pledges.transfer.unchanged import settle
from pledges.transfer.values import once, record

R = TypeVar("R", ActorIn, SourceIn)
PLEDGE_FIELDS = set(PledgeIn.model_fields)
SHA256_HINT = (
    "restore the article's text as exported (a spreadsheet keeps at most 32,767 characters in a "
    "cell)"
)


def check(session: Session, files: Files) -> tuple[Plan, list[Problem]]:
    """The plan of an import's actors, sources and pledges, and every row's problems in the
    order of the files (the plan is written only if there are none)."""
    checking = _Check(session, files)
    for table, check_rows in (
        ("actors", checking.actors),
        ("sources", checking.sources),
        ("pledges", checking.pledges),
    ):
        rows = files.rows[table]
        if rows is not None:  # a file that is not there changes nothing
            same = files.settled.get(table)  # sieved as the file was read, or else now
            if same is None:
                same, rows = settle(
                    session, table, rows, folder=files.folder, packaged=files.packaged
                )
                files.rows[table] = rows  # the rows left alone are needed no more
            checking.plan.unchanged[table].extend(same)
            check_rows(read_rows(rows, checking.problems), dict(same))
    return checking.plan, checking.problems


def new_sources(session: Session, files: Files) -> list[SourceIn]:
    """The sources an import adds, as `check` makes them when none of its rows is refused."""
    checking = _Check(session, files)
    registered = set(repo.source_ids(session))
    rows = [row for row in files.rows["sources"] or [] if row.cell("id") not in registered]
    checking.sources(read_rows(rows, checking.problems), {})
    return checking.plan.sources


class _Check:
    def __init__(self, session: Session, files: Files) -> None:
        self.session, self.folder, self.packaged = session, files.folder, files.packaged
        self.text_column = "text_path" if files.packaged else "text"  # where a source's text is
        self.plan = Plan(files.names, files.readings)
        self.problems: list[Problem] = []
        self.actor_ids = actor_ids(session)  # each actor's names are read only when needed
        self._rows: dict[str, Row] = {}  # the sources' rows, by id

    def actors(self, rows: list[Row], seen: dict[str, int]) -> None:
        if not rows:  # every row left alone: no actor is new or changed
            return
        # Every actor, for the names a new actor's aliases may not take.
        existing, problems = {a.id: a for a in repo.list_actors(self.session)}, self.problems
        self.plan.actors = self._new(
            rows, "actors", existing, lambda row: record(row, ActorIn, row.values, problems), seen
        )
        by_id = {str(r.values.get("id")).strip().casefold(): r for r in rows}
        names = actor_names([*existing.values(), *self.plan.actors])
        for actor in self.plan.actors:  # a changed actor's aliases are checked as it is updated
            taken = alias_taken(actor, names)
            if taken is not None:
                row = by_id[actor.id.casefold()]
                self.problems.append(row.problem("aliases", taken.message, taken.hint))
        if self.problems:
            self.plan.actors = []

    def sources(self, rows: list[Row], seen: dict[str, int]) -> None:
        existing = repo.get_sources(self.session, [str(r.values.get("id")) for r in rows])
        self._rows = {str(r.values.get("id")): r for r in rows}

        def matches(row: Row, source: SourceIn) -> bool:
            return self._matches(row, source, existing.get(source.id))

        new = self._new(
            rows, "sources", existing, partial(self._source, existing=existing), seen, matches
        )
        self.plan.sources = self._superseded(new)

    def _new(
        self, rows: list[Row], table: str, existing: Mapping[str, BaseModel],
        make: Callable[[Row], R | None], seen: dict[str, int],
        fits: Callable[[Row, R], bool] = lambda row, item: True,
    ) -> list[R]:  # fmt: skip
        """The new actors or sources of their rows; a changed one is a correction, as
        `pledges actor update` or `source update` makes it (a source's text never changes). No
        new ones if any row so far is refused. `seen`: the ids of rows left alone, with their
        row numbers."""
        new: list[R] = []
        for row in rows:
            item = make(row)
            if item is None or not once(row, item.id, seen, self.problems) or not fits(row, item):
                continue
            current = existing.get(item.id)
            if current is None:
                new.append(item)
                continue
            # The fields an import may give, of those its file has (an older export may lack
            # a column: that field is left as it is).
            fields = {name for name in type(item).model_fields if name in row.values}
            fields.add("text")
            diff = differences(current.model_dump(include=fields), item.model_dump(include=fields))
            if not diff:
                self.plan.unchanged[table].append(item.id)
            elif problem := lost(row, diff):
                self.problems.append(problem)
            else:
                self.plan.corrections[table].append(Correction(row, item.id, diff))
        return [] if self.problems else new

    def _matches(self, row: Row, source: SourceIn, registered: Source | None) -> bool:
        """Whether a source's text is the register's (a text never changes), or, for a new
        source, the one its row's sha256 is of, if it gives one."""
        if registered is not None and source.text != registered.text:
            message = f"the text of source {source.id} differs from the register's"
            hint = "a source's text never changes; " + NEW_TEXT.format(source.id)
            self.problems.append(row.problem(self.text_column, message, hint))
            return False
        sha256 = row.values.get("sha256")
        if sha256 is None or text_sha256(source.text) == sha256:
            return True
        if registered is not None:  # its text is the register's: the sha256 cell was changed
            message = f"the sha256 of source {source.id} is not the one of its text"
            hint = f"restore the exported sha256, {registered.sha256}: a source's text and "
            hint += "sha256 never change"
            self.problems.append(row.problem("sha256", message, hint))
            return False
        message = f"the text of {source.id} does not match its sha256"
        self.problems.append(row.problem(self.text_column, message, SHA256_HINT))
        return False

    def _superseded(self, new: list[SourceIn]) -> list[SourceIn]:
        """New sources, each after the new source it supersedes; a source superseding one that
        is neither the register's nor the import's is refused."""
        named = [(s.id, s.supersedes) for s in new]
        for correction in self.plan.corrections["sources"]:
            after = {name: value for name, _, value in correction.diff}
            named.append((correction.id, after.get("supersedes")))
        others = {other for _, other in named if other is not None}
        known = {*held(self.session, SourceRow, others), *(s.id for s in new)}
        for source_id, other in named:
            if other is not None and other not in known:
                missing = f"the source {other!r} is not in the register or sources.csv"
                self._refuse_supersedes(source_id, missing)
        pending = {s.id: s for s in new}
        ordered: list[SourceIn] = []
        while pending and not self.problems:
            ready = [s for s in pending.values() if s.supersedes not in pending]
            if not ready:
                self._refuse_supersedes(next(iter(pending)), "it supersedes itself, through others")
            ordered += [pending.pop(s.id) for s in ready]
        return [] if self.problems else ordered

    def _refuse_supersedes(self, source_id: str, message: str) -> None:
        hint = "name a source of the register or of sources.csv, or leave the cell empty"
        self.problems.append(self._rows[source_id].problem("supersedes", message, hint))

    def _source(self, row: Row, existing: dict[str, Source]) -> SourceIn | None:
        """A source row as a record, with its text (from its cell, or its file in a package)."""
        data = dict(row.values)
        if data.get("supersedes") is not None and data.get("supersedes") == data.get("id"):
            message = f"source {data['id']} cannot supersede itself"
            hint = "name the source it replaces, or leave the cell empty"
            self.problems.append(row.problem("supersedes", message, hint))
            return None
        sha256 = data.pop("sha256", None)
        registered = existing.get(str(data.get("id")))
        text = self._text(row, data.pop(self.text_column, None), registered)
        if text is None:
            return None
        data["text"] = as_exported(text, sha256, registered.text if registered else None)
        if data.get("language") is None:  # an empty cell, or no such column
            data["language"] = registered.language if registered else _language(data["text"])
        if registered is not None and isinstance(data.get("from_metadata"), list):
            # A stored source's fields from its document's metadata may only leave it (a
            # curator claims one by taking its name out, or by changing or clearing its value):
            # the register cannot know that a typed value came from the metadata.
            data["from_metadata"] = [
                name
                for name in data["from_metadata"]
                if name in (registered.from_metadata or ()) and data.get(name) is not None
            ]
        source: SourceIn | None = record(row, SourceIn, data, self.problems)
        if source is not None and registered is not None and source.from_metadata:
            kept = tuple(n for n in source.from_metadata
                         if getattr(source, n) == getattr(registered, n))  # fmt: skip
            if kept != source.from_metadata:  # a value the file changes is the curator's
                source = source.model_copy(update={"from_metadata": kept or None})
        return source

    def _text(self, row: Row, value: Any, registered: Source | None) -> str | None:
        """A source row's text: its cell, or the file of the package it names; for a source the
        register holds, an empty cell, no such column, or no such file is its text as held."""
        column = self.text_column
        if value is None and registered is not None:
            return registered.text
        if value is None:
            hint = "name its file" if self.packaged else "keep the text cell"
            self.problems.append(row.problem(column, "a source needs its text", hint))
            return None
        if not self.packaged:
            return str(value)
        path = (self.folder / str(value)).resolve()
        if registered is not None and not path.exists():  # the files moved without their texts
            return registered.text
        if not path.is_relative_to(self.folder.resolve()) or not path.is_file():
            hint = "name the source's text file, e.g. texts/ID.txt"
            self.problems.append(
                row.problem(column, f"{value!r} is not a file of the package", hint)
            )
            return None
        try:
            with path.open(encoding="utf-8", newline="") as stream:
                return stream.read()
        except UnicodeDecodeError:
            problem = row.problem(column, f"{value} is not UTF-8 text", "save it as UTF-8")
        except OSError as error:
            hint = "check the file's permissions"
            problem = row.problem(column, f"{value} cannot be read ({error.strerror})", hint)
        self.problems.append(problem)
        return None

    def pledges(self, rows: list[Row], seen: dict[str, int]) -> None:
        records: list[tuple[Row, ExportedPledge]] = []
        for row in rows:
            pledge: ExportedPledge | None = record(row, ExportedPledge, row.values, self.problems)
            if pledge is not None and once(row, pledge.id, seen, self.problems):
                records.append((row, pledge))
        # The pledges the rows name, of those the register holds: their own, and their parents
        # and successors.
        named = {i for _, p in records for i in (p.id, p.parent_id, p.superseded_by) if i}
        stored = held(self.session, PledgeRow, named)
        existing = repo.get_pledges(self.session, [p.id for _, p in records if p.id in stored])
        new: dict[str, tuple[Row, ExportedPledge]] = {}
        changed: list[Update] = []
        for row, pledge in records:
            current = existing.get(pledge.id)
            if current is None:
                new[pledge.id] = (row, pledge)
                continue
            diff = differences(
                current.model_dump(include=PLEDGE_FIELDS), pledge.model_dump(include=PLEDGE_FIELDS)
            )
            if not diff:
                self.plan.unchanged["pledges"].append(pledge.id)
            elif problem := lost(row, diff):
                self.problems.append(problem)
            elif pledge.version is None:
                # Without the version it was exported at, a change made in the register since
                # the export could not be told apart, and would be overwritten.
                name, old, value = diff[0]
                change = f"{name}: {shown(old)} → {shown(value)}"
                message = f"pledge {pledge.id} is changed ({change}) but its row has no version"
                hint = "keep the version column as exported, with each row's version"
                self.problems.append(row.problem("version", message, hint))
            else:
                changed.append(Update(row, pledge, pledge.version, diff))
        actors = {*self.actor_ids, *(a.id for a in self.plan.actors)}
        added = _in_order(stored, new, actors, self.problems)
        if added and not self.problems:
            self.plan.pledges = added
        pledges = {*stored, *(p.id for p in self.plan.pledges)}
        for update in changed:
            refusal = self._refusal(update, existing[update.pledge.id], actors, pledges)
            if refusal is None:
                self.plan.updates.append(update)
            else:
                # A pledge changed since the export is the version's problem; any other
                # refusal is about the values the row changes.
                column = "version" if isinstance(refusal, Conflict) else update.diff[0][0]
                self.problems.append(update.row.refused(column, refusal))

    def _refusal(
        self, update: Update, current: Pledge, actors: set[str], pledges: set[str]
    ) -> PledgesError | None:
        """Why `pledges update` would refuse a changed pledge, given the actors and pledges the
        register holds by then: as it says it."""
        pledge = update.pledge
        if current.version != update.version:
            return repo.stale(pledge.id, update.version, current.version)
        added = [p.id for p in self.plan.pledges]  # the register's ids, in its order
        return unknown_reference(
            pledge, actors, pledges.__contains__, lambda: [*repo.pledge_ids(self.session), *added]
        )


def _in_order(
    existing: set[str],
    new: dict[str, tuple[Row, ExportedPledge]],
    actors: set[str],
    problems: list[Problem],
) -> list[PledgeIn]:
    """New pledges, each after the pledges it names, checked as `pledges add` checks them (they
    are added before the changes: a changed pledge may name a new one)."""
    added: list[PledgeIn] = []
    placed: set[str] = set()

    def place(pledge_id: str, path: tuple[str, ...]) -> None:
        row, pledge = new[pledge_id]
        for column in ("parent_id", "superseded_by"):
            other = getattr(pledge, column)
            if other is None or other in existing or other in placed:
                continue
            if other not in new or other in path:
                why = "names itself, through others" if other in path else "is not there"
                hint = "name a pledge of the register or of pledges.csv"
                problems.append(row.problem(column, f"the pledge {other!r} {why}", hint))
                return
            place(other, (*path, pledge_id))
        unknown = [a for a in pledge.actors if a not in actors]
        if unknown:
            message = f"actor {unknown[0]!r} is not in the register or actors.csv"
            hint = "add it in actors.csv, or with 'pledges actor add'"
            problems.append(row.problem("actors", message, hint))
            return
        if pledge_id not in placed:
            placed.add(pledge_id)
            added.append(pledge)

    for pledge_id in new:
        if pledge_id not in placed:
            place(pledge_id, ())
    return added


def _language(text: str) -> str:
    """A new source's language, when its row gives none: detected, as source add does."""
    from pledges.documents.language import detect
    from pledges.vocab import UNDETERMINED

    return detect(text) or UNDETERMINED
