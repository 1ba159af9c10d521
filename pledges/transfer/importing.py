"""Reading an exported register back: a folder of CSVs or a data package.

All or nothing. Every row is read and checked first; a bad row is named as file:row:column with
what is allowed. Then every change is applied in one transaction, through the same functions as
the commands (so a quote is located as `cite` locates it, and every change is a revision with the
import's reason). If any row is refused, nothing is written; a dry run applies everything, reports
what it did, and rolls it back.

What an import may do: add actors, sources, pledges and evidence; change a pledge's fields;
deprecate evidence. What it may not: change an actor or a source (their records have no edit
command either), edit evidence in place (deprecate it and add the corrected quote), delete
anything (a record missing from the files is left as it is). A pledge row carries the version it
was exported at: if the pledge changed in the register since, the row is refused rather than
overwriting that change; a changed row without its version is refused too.

Every cell is read by the schema's input models, under the rules the commands' options follow
(`pledges.schema`: ExportedPledge and ExportedEvidence add the version and id an export writes):
this module splits lists and turns empty cells into values not set, and converts nothing else.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import text
from sqlalchemy.orm import Session

from pledges import editing, history, parallel
from pledges import repository as repo
from pledges.db import opened, transaction
from pledges.errors import Conflict, InvalidInput, PledgesError
from pledges.schema import (
    WHOLE_NUMBER,
    ActorIn,
    Evidence,
    EvidenceIn,
    ExportedEvidence,
    ExportedPledge,
    PledgeIn,
    Source,
    SourceIn,
    text_sha256,
)
from pledges.textmatch import fold
from pledges.transfer.bulk import Batch, NewEvidence, check_quotes, evidence_records
from pledges.transfer.tables import (
    ACTORS,
    EVIDENCE,
    PLEDGES,
    SOURCES,
    SOURCES_PACKAGED,
    Column,
    Table,
    restore,
    split,
)
from pledges.validation import explain
from pledges.vocab import MAX_ID, Rank

BOM = "\ufeff"
T = TypeVar("T")
_ORDER: tuple[Table, ...] = (ACTORS, SOURCES, PLEDGES, EVIDENCE)
SHOWN_ERRORS = 5  # bad rows named in the one line, besides the first


class BadRows(InvalidInput):
    """Rows that cannot be imported: the first in full, the others by place."""

    def __init__(self, problems: list[str]) -> None:
        first, *others = problems
        message, _, hint = first.partition(" — ")
        hint = hint.removesuffix("nothing was written").removesuffix("; ")
        if others:
            places = ", ".join(p.split(": ", 1)[0] for p in others[:SHOWN_ERRORS])
            more = len(others) - SHOWN_ERRORS
            hint = (hint + "; " if hint else "") + (
                f"{len(others)} more row(s) are bad: {places}"
                + (f" and {more} more" if more > 0 else "")
            )
        super().__init__(
            message, (hint + "; nothing was written") if hint else "nothing was written"
        )


@dataclass
class Row:
    file: str
    number: int  # as a spreadsheet numbers it: the header is row 1
    values: dict[str, Any]  # by column, read by the column's kind

    def where(self, column: str) -> str:
        return f"{self.file}:{self.number}:{column}"


@dataclass
class Plan:
    """What an import did (or, in a dry run, would do)."""

    added: dict[str, list[str]] = field(default_factory=lambda: {t.name: [] for t in _ORDER})
    changed: dict[str, dict[str, list[tuple[str, Any, Any]]]] = field(
        default_factory=lambda: {t.name: {} for t in _ORDER}
    )
    unchanged: dict[str, list[str]] = field(default_factory=lambda: {t.name: [] for t in _ORDER})
    files: list[str] = field(default_factory=list)

    @property
    def writes(self) -> int:
        return sum(map(len, self.added.values())) + sum(map(len, self.changed.values()))


# --- reading ------------------------------------------------------------------------------------


def _read_cell(text: str, column: Column) -> Any:
    """A cell's value for the schema's input model: a list split into its items, an empty cell
    as a value not set, and any other cell as its text. Numbers, booleans and dates are read by
    the model, as the commands' options are: int() or float() here would take '2_030', '+2030'
    or '٢٠٣٠', which the commands refuse. Raises ValueError with what is allowed."""
    if column.kind == "list":
        return split(text)
    return None if text == "" else text


@contextmanager
def _cells_of_any_size() -> Iterator[None]:
    """csv's limit on a cell (131,072 characters unless raised) lifted as far as the platform
    allows while a file is read: a source's whole text is one cell, and the register holds texts
    of any length. The limit is the whole process's, so it is put back afterwards."""
    previous = csv.field_size_limit()
    limit = sys.maxsize
    while True:
        try:
            csv.field_size_limit(limit)
            break
        except OverflowError:  # the platform's C long is narrower than sys.maxsize (Windows)
            limit //= 2
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def read_table(
    folder: Path, table: Table, problems: list[str], *, escaped: bool = True
) -> list[Row] | None:
    """The rows of one CSV file, or None when the file is not there. Problems are added to
    `problems`, one line each."""
    path = folder / table.file
    if not path.is_file():
        return None
    try:
        raw = path.read_bytes()
    except OSError as error:
        problems.append(f"{table.file}: cannot be read ({error.strerror}) — check the file's "
                        "permissions, or copy it somewhere you can read it")  # fmt: skip
        return []
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.append(
            f"{table.file}:{line}: the file is not UTF-8 text — save it as "
            "'CSV UTF-8' (comma-delimited) and import again"
        )
        return []
    content = content.removeprefix(BOM)  # written with --excel, or saved by a spreadsheet
    with _cells_of_any_size():
        return _rows(content, table, problems, escaped=escaped)


def _header(
    reader: Iterator[list[str]], table: Table, problems: list[str], *, escaped: bool
) -> list[str] | None:
    """The columns a file names, or None (and a problem) when they are not the export's."""
    file = table.file
    try:
        header = next(reader, None)
    except csv.Error as error:
        problems.append(f"{file}:1: {error} — check the header line")
        return None
    if header is None:
        problems.append(f"{file}:1: the file is empty — it needs at least its header line")
        return None
    header = [restore(h) if escaped else h for h in header]
    known = set(table.names)
    for index, name in enumerate(header, 1):
        if name not in known:
            problems.append(
                f"{file}:1:{name or index}: unknown column — the columns are "
                f"{', '.join(table.names)}"
            )
            return None
        if name in header[: index - 1]:  # else the last copy's cells would silently win
            problems.append(f"{file}:1:{name}: the column appears twice — keep one")
            return None
    needed = [c.name for c in table.columns if not c.derived]
    lacking = [name for name in needed if name not in header]
    if lacking:
        problems.append(
            f"{file}:1: the column {lacking[0]} is missing — keep every column "
            f"of the export: {', '.join(needed)}"
        )
        return None
    return header


def _rows(content: str, table: Table, problems: list[str], *, escaped: bool) -> list[Row]:
    reader = csv.reader(io.StringIO(content, newline=""), strict=True)
    header = _header(reader, table, problems, escaped=escaped)
    if header is None:
        return []
    columns = [table.column(name) for name in header]
    rows: list[Row] = []
    number = 1
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as error:
            problems.append(f"{table.file}:{number + 1}: {error} — check the quoting of this row")
            return rows
        if cells is None:
            break
        number += 1
        if not any(cells):
            continue  # a blank line, as spreadsheets leave at the end
        if len(cells) != len(header):
            problems.append(
                f"{table.file}:{number}: the row has {len(cells)} cells and the "
                f"header {len(header)} — check for a stray comma or quote"
            )
            continue
        values: dict[str, Any] = {}
        for column, written in zip(columns, cells, strict=True):
            if column.derived and column.name not in ("version", "sha256"):
                continue  # a row's version and a text's sha256 are checked, not stored
            try:
                values[column.name] = _read_cell(restore(written) if escaped else written, column)
            except ValueError as error:  # a lone backslash in a list
                problems.append(f"{table.file}:{number}:{column.name}: {column.name} holds a "
                                f"backslash that escapes nothing — {error}")  # fmt: skip
                values = {}
                break
        if values:
            rows.append(Row(table.file, number, values))
    return rows


def _record(row: Row, model: type[BaseModel], data: dict[str, Any], problems: list[str]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        column = str(first["loc"][0]) if first["loc"] else _named(str(first["msg"]), data)
        problems.append(str(explain(error, row.where(column))))
        return None


def _named(message: str, data: dict[str, Any]) -> str:
    """The column a rule across fields is about: the first one its message names (as a word:
    'id' is not named by 'evidence')."""
    names = sorted(data, key=len, reverse=True)
    found = [(m.start(), name) for name in names
             if (m := re.search(rf"\b{re.escape(name)}\b", message))]  # fmt: skip
    return min(found)[1] if found else next(iter(data), "")


# --- applying -----------------------------------------------------------------------------------


def _fields(model: type[BaseModel], record: BaseModel) -> dict[str, Any]:
    return record.model_dump(include=set(model.model_fields))


def _line_breaks(value: Any) -> Any:
    """A value with each line break written '\\n', as a spreadsheet keeps one inside a cell."""
    return re.sub(r"\r\n?", "\n", value) if isinstance(value, str) else value


def _differences(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """The fields whose values differ. LibreOffice reads a '\\r\\n' inside a cell as '\\n', so a
    value that differs only by its line breaks is no change: the register's value is kept."""
    return [
        (name, old.get(name), value)
        for name, value in new.items()
        if _line_breaks(old.get(name)) != _line_breaks(value)
    ]


def _as_exported(text: str, sha256: str | None, registered: str | None) -> str:
    """A source's text as exported, when a spreadsheet changed only its line breaks: the text the
    register holds, or else the text with '\\r\\n' line breaks if that is the one `sha256` is of."""
    if registered is not None and _line_breaks(text) == _line_breaks(registered):
        return registered
    if sha256 is None or text_sha256(text) == sha256:
        return text
    windows = _line_breaks(text).replace("\n", "\r\n")
    return windows if text_sha256(windows) == sha256 else text


def _source(
    row: Row, existing: dict[str, Source], folder: Path, packaged: bool, problems: list[str]
) -> SourceIn | None:
    """A source row as a record, with its text (from its cell, or its file in a package)."""
    data = dict(row.values)
    sha256 = data.pop("sha256", None)
    text_column = "text_path" if packaged else "text"
    text = _text(row, data.pop(text_column, None), text_column, folder, packaged, problems)
    if text is None:
        return None
    registered = existing.get(str(data.get("id")))
    data["text"] = _as_exported(text, sha256, registered.text if registered else None)
    source: SourceIn | None = _record(row, SourceIn, data, problems)
    return source


def _text(
    row: Row, value: Any, column: str, folder: Path, packaged: bool, problems: list[str]
) -> str | None:
    if value is None:
        problems.append(
            f"{row.where(column)}: a source needs its text — "
            f"{'name its file' if packaged else 'keep the text cell'}"
        )
        return None
    if not packaged:
        return str(value)
    path = (folder / str(value)).resolve()
    if not path.is_relative_to(folder.resolve()) or not path.is_file():
        problems.append(
            f"{row.where(column)}: {value!r} is not a file of the package — "
            "name the source's text file, e.g. texts/ID.txt"
        )
        return None
    try:
        with path.open(encoding="utf-8", newline="") as stream:
            return stream.read()
    except UnicodeDecodeError:
        problems.append(f"{row.where(column)}: {value} is not UTF-8 text — save it as UTF-8")
        return None
    except OSError as error:
        problems.append(f"{row.where(column)}: {value} cannot be read "
                        f"({error.strerror}) — check the file's permissions")  # fmt: skip
        return None


class _Importer:
    def __init__(
        self, session: Session, who: editing.Who, folder: Path, packaged: bool,
        allow_unlocated: bool = False, at: datetime | None = None,
    ) -> None:  # fmt: skip
        self.session, self.who, self.folder, self.packaged = session, who, folder, packaged
        self.allow_unlocated = allow_unlocated
        self.plan = Plan()
        self.problems: list[str] = []
        self.batch = Batch(session, who, at)

    def attempt(
        self, row: Row, column: str, action: Callable[..., T], *args: Any, **kw: Any
    ) -> T | None:
        """Run one change; a refusal becomes a problem named by the row and column."""
        try:
            return action(self.session, *args, **kw)
        except PledgesError as error:
            self.problems.append(f"{row.where(column)}: {error}")
            return None

    def actors(self, rows: list[Row]) -> None:
        existing = {a.id: a for a in repo.list_actors(self.session)}
        new: list[ActorIn] = []
        seen: dict[str, int] = {}
        for row in rows:
            actor = _record(row, ActorIn, row.values, self.problems)
            if actor is None or not _once(row, actor.id, seen, self.problems):
                continue
            current = existing.get(actor.id)
            if current is None:
                new.append(actor)
                continue
            self._unchanged_or_refuse(
                row, "actors", actor.id, ActorIn, current, actor, "actors are not changed by import"
            )
        if new and not self.problems:
            self.batch.actors(new)
            self.plan.added["actors"].extend(a.id for a in new)

    def _unchanged_or_refuse(
        self,
        row: Row,
        table: str,
        key: str,
        model: type[BaseModel],
        current: BaseModel,
        new: BaseModel,
        why: str,
    ) -> None:
        diff = _differences(_fields(model, current), _fields(model, new))
        if not diff:
            self.plan.unchanged[table].append(key)
            return
        name, old, value = diff[0]
        shown = "the text" if name == "text" else f"{_short(old)} → {_short(value)}"
        self.problems.append(
            f"{row.where(name)}: {key} differs from the register ({name}: "
            f"{shown}) — {why}; put back the register's value"
        )

    def sources(self, rows: list[Row]) -> None:
        ids = [str(r.values.get("id")) for r in rows]
        existing = repo.get_sources(self.session, ids)
        new: list[SourceIn] = []
        seen: dict[str, int] = {}
        text_column = "text_path" if self.packaged else "text"
        for row in rows:
            sha256 = row.values.get("sha256")
            source = _source(row, existing, self.folder, self.packaged, self.problems)
            if source is None or not _once(row, source.id, seen, self.problems):
                continue
            if sha256 is not None and text_sha256(source.text) != sha256:
                self.problems.append(
                    f"{row.where(text_column)}: the text of {source.id} does not match its sha256 "
                    "— restore the article's text as exported (a spreadsheet keeps at most 32,767 "
                    "characters in a cell)"
                )
                continue
            current = existing.get(source.id)
            if current is None:
                new.append(source)
                continue
            self._unchanged_or_refuse(
                row,
                "sources",
                source.id,
                SourceIn,
                current,
                source,
                "sources are not changed by import",
            )
        if new and not self.problems:
            self.batch.sources(new)
            self.plan.added["sources"].extend(s.id for s in new)

    def pledges(self, rows: list[Row]) -> None:
        existing = {p.id: p for p in repo.list_pledges(self.session)}
        actors = {a.id for a in repo.list_actors(self.session)}
        fields = set(PledgeIn.model_fields)
        new: dict[str, tuple[Row, ExportedPledge]] = {}
        changed: list[tuple[Row, ExportedPledge, list[tuple[str, Any, Any]]]] = []
        seen: dict[str, int] = {}
        for row in rows:
            pledge: ExportedPledge | None = _record(row, ExportedPledge, row.values, self.problems)
            if pledge is None or not _once(row, pledge.id, seen, self.problems):
                continue
            current = existing.get(pledge.id)
            if current is None:
                new[pledge.id] = (row, pledge)
                continue
            diff = _differences(
                current.model_dump(include=fields), pledge.model_dump(include=fields)
            )
            if not diff:
                self.plan.unchanged["pledges"].append(pledge.id)
            elif pledge.version is None:
                # Without the version it was exported at, a change made in the register since
                # the export could not be told apart, and would be overwritten.
                name, old, value = diff[0]
                self.problems.append(
                    f"{row.where('version')}: pledge {pledge.id} is changed ({name}: "
                    f"{_short(old)} → {_short(value)}) but its row has no version — keep the "
                    "version column as exported, with each row's version"
                )
            else:
                changed.append((row, pledge, diff))
        # New pledges first (a changed one may name a new one as its successor), each after the
        # pledges it names, checked as `pledges add` checks them.
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
                    self.problems.append(
                        f"{row.where(column)}: the pledge {other!r} {why} — name a pledge of the "
                        "register or of pledges.csv"
                    )
                    return
                place(other, (*path, pledge_id))
            unknown = [a for a in pledge.actors if a not in actors]
            if unknown:
                self.problems.append(f"{row.where('actors')}: actor {unknown[0]!r} is not in the "
                                     "register or actors.csv — add it in actors.csv, or with "
                                     "'pledges actor add'")  # fmt: skip
                return
            if pledge_id not in placed:
                placed.add(pledge_id)
                added.append(pledge)

        for pledge_id in new:
            if pledge_id not in placed:
                place(pledge_id, ())
        if added and not self.problems:
            self.batch.pledges(added)
            self.plan.added["pledges"].extend(p.id for p in added)
        for row, pledge, diff in changed:
            changes = {name: value for name, _, value in diff}
            try:
                editing.update_pledge(self.session, pledge.id, changes, self.who,
                                      expected_version=pledge.version)  # fmt: skip
            except PledgesError as error:
                # A pledge changed since the export is the version's problem; any other
                # refusal is about the values the row changes.
                column = "version" if isinstance(error, Conflict) else diff[0][0]
                self.problems.append(f"{row.where(column)}: {error}")
            else:
                self.plan.changed["pledges"][pledge.id] = diff

    def evidence(self, rows: list[Row]) -> None:
        """Evidence rows, checked against the register as it is now."""
        facts = facts_of(self.session, rows)
        self.apply_evidence(
            prepare_evidence(rows, facts, at=self.batch.at, allow_unlocated=self.allow_unlocated)
        )

    def apply_evidence(self, prepared: EvidencePlan) -> None:
        """Evidence rows as `prepare_evidence` checked them (here, or in another process from
        the same state of the register: see `import_register`)."""
        self.problems.extend(prepared.problems)
        for row, evidence_id, reason, diff in prepared.deprecations:
            done = self.attempt(
                row, "rank", editing.deprecate_evidence, evidence_id, self.who, reason=reason
            )
            if done is not None:
                self.plan.changed["evidence"][str(evidence_id)] = diff
        self.plan.unchanged["evidence"].extend(prepared.unchanged)
        if prepared.new is None or self.problems:
            return
        self.problems.extend(prepared.refusals)  # cite's rules, once nothing else is wrong
        if not self.problems and prepared.new.ids:
            added = self.batch.evidence(prepared.new)
            self.plan.added["evidence"].extend(map(str, added))


# --- evidence, checked apart from the database -------------------------------------------------


@dataclass
class Facts:
    """What the register holds that evidence rows are checked against."""

    stored: dict[int, Evidence]
    pledge_ids: set[str]
    source_ids: set[str]
    texts: dict[str, str]  # of the sources that new rows cite
    highest: int  # the highest evidence id


def _new_rows_sources(rows: list[Row], stored: Iterable[int]) -> set[str]:
    """The sources cited by rows that are not stored evidence: the texts their quotes need."""
    known = set(stored)
    return {str(r.values.get("source_id")) for r in rows if _id_of(r) not in known}


def _id_of(row: Row) -> int | None:
    """The evidence id a row names, if it is one the schema reads (else the row is refused)."""
    written = str(row.values.get("id") or "").strip()
    # An id up to MAX_ID has at most ten digits; int() refuses texts of over 4,300 of them.
    return int(written) if len(written) <= 10 and WHOLE_NUMBER.fullmatch(written) else None


def facts_of(session: Session, rows: list[Row]) -> Facts:
    stored = {e.id: e for e in repo.all_evidence(session)}
    return Facts(
        stored=stored,
        pledge_ids=set(repo.pledge_ids(session)),
        source_ids=set(repo.source_ids(session)),
        texts=repo.source_texts_of(session, _new_rows_sources(rows, stored)),
        highest=max(stored, default=0),
    )


@dataclass
class EvidencePlan:
    """What evidence rows ask of the register, checked: nothing is written yet."""

    problems: list[str] = field(default_factory=list)  # rows refused, in order
    refusals: list[str] = field(default_factory=list)  # new quotes refused by cite's rules
    unchanged: list[str] = field(default_factory=list)
    deprecations: list[tuple[Row, int, str | None, list[tuple[str, Any, Any]]]] = field(
        default_factory=list
    )
    new: NewEvidence | None = None  # when no row is refused


def _once(row: Row, key: str, seen: dict[str, int], problems: list[str]) -> bool:
    """Whether this is the first row of its file with this key (a second is refused)."""
    if key in seen:
        problems.append(f"{row.where('id')}: {key} is also on row {seen[key]} — keep one row "
                        "per record")  # fmt: skip
        return False
    seen[key] = row.number
    return True


def prepare_evidence(
    rows: list[Row], facts: Facts, *, at: datetime, allow_unlocated: bool
) -> EvidencePlan:
    """Evidence rows checked as the commands check them, and the new ones made into records and
    revisions: everything but the writing, which `_Importer.evidence` does."""
    fields = set(EvidenceIn.model_fields)
    out = EvidencePlan()
    new: list[tuple[Row, ExportedEvidence]] = []
    seen: dict[str, int] = {}
    for row in rows:
        evidence: ExportedEvidence | None = _record(row, ExportedEvidence, row.values,
                                                    out.problems)  # fmt: skip
        if evidence is None:
            continue
        evidence_id = evidence.id
        if evidence_id is not None and not _once(row, str(evidence_id), seen, out.problems):
            continue
        current = None if evidence_id is None else facts.stored.get(evidence_id)
        if current is None:  # new: no id, or one the register does not hold (a restore)
            if evidence.pledge_id not in facts.pledge_ids:
                out.problems.append(
                    f"{row.where('pledge_id')}: there is no pledge "
                    f"{evidence.pledge_id!r} in the register or pledges.csv "
                    "— cite an existing pledge, or add it in pledges.csv"
                )
                continue
            if evidence.source_id not in facts.source_ids:
                out.problems.append(
                    f"{row.where('source_id')}: there is no source "
                    f"{evidence.source_id!r} in the register or sources.csv "
                    "— cite an existing source, or add it in sources.csv"
                )
                continue
            new.append((row, evidence))
            continue
        diff = _differences(current.model_dump(include=fields), evidence.model_dump(include=fields))
        if not diff:
            out.unchanged.append(str(evidence_id))
            continue
        changed = {name for name, _, _ in diff}
        deprecating = (
            evidence.rank is Rank.DEPRECATED
            and current.rank is not Rank.DEPRECATED
            and changed <= {"rank", "deprecated_reason"}
        )
        if not deprecating:
            name, old, value = diff[0]
            out.problems.append(
                f"{row.where(name)}: evidence {evidence_id} is not edited in place ({name}: "
                f"{_short(old)} → {_short(value)}) — put back its values, set its rank to "
                "deprecated with a deprecated_reason, and add the corrected quote as a new row "
                "with an empty id"
            )
            continue
        # The schema requires a reason of deprecated evidence.
        out.deprecations.append((row, current.id, evidence.deprecated_reason, diff))
    out.problems.extend(_beyond_max_id(new, facts.highest))
    if out.problems:
        return out
    # New evidence, located and checked as `pledges cite` does.
    cited = {(e.pledge_id, e.source_id, fold(e.quote)) for e in facts.stored.values()
             if e.rank is not Rank.DEPRECATED}  # fmt: skip
    located = check_quotes(new, facts.texts, cited, allow_unlocated=allow_unlocated)
    out.refusals = [f"{row.where('quote')}: {refusal}" for row, refusal in located.refused]
    if not out.refusals:
        ids = [e.id for _, e in new]
        out.new = evidence_records([e for _, e in new], ids, located.found, at=at,
                                   highest=facts.highest)  # fmt: skip
    else:
        out.new = NewEvidence()
    return out


def _beyond_max_id(new: list[tuple[Row, ExportedEvidence]], highest: int) -> list[str]:
    """New rows without an id are numbered after the highest id: refused (the first of them)
    when that would pass the largest id a record may have."""
    highest = max([highest, *(e.id for _, e in new if e.id is not None)])
    unnumbered = [row for row, e in new if e.id is None]
    if highest + len(unnumbered) <= MAX_ID:
        return []
    row = unnumbered[max(0, MAX_ID - highest)]
    return [
        f"{row.where('id')}: no evidence id is left for this row (ids go up to {MAX_ID}, and "
        f"{highest} is taken) — give the new rows free ids in the id column"
    ]


def _short(value: Any, limit: int = 60) -> str:
    text = (
        "empty"
        if value is None or value == () or value == []
        else (
            ";".join(map(str, value))
            if isinstance(value, list | tuple)
            else str(getattr(value, "value", value))
        )
    )
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- the import ---------------------------------------------------------------------------------


def locate(path: Path) -> tuple[Path, bool]:
    """The folder to read, and whether it is a data package."""
    if path.is_file() and path.name == "datapackage.json":
        return path.parent, True
    if not path.is_dir():
        raise InvalidInput(
            f"there is no folder {path}",
            "give the folder 'pledges export' wrote, or its datapackage.json",
        )
    return path, (path / "datapackage.json").is_file()


class _RolledBack(Exception):
    pass


# An evidence.csv this large (about 8,000 quotes) is read and checked by a second process: below
# it, starting one costs more than it saves.
PARALLEL_FROM = 2_000_000  # bytes


@dataclass
class _Checked:
    """evidence.csv, read and checked by the second process."""

    head: int  # the revision it read the register at
    problems: list[str]  # the file's own problems (as read_table names them)
    plan: EvidencePlan | None


def _check_evidence(
    db: str | None, folder: Path, packaged: bool, read: dict[str, list[Row] | None],
    at: datetime, allow_unlocated: bool,
) -> _Checked:  # fmt: skip
    """evidence.csv read, and checked against the register as a read transaction sees it, with
    the sources and pledges the other files add (as the import will store them, if they are
    good: if they are not, the import is refused whatever the evidence)."""
    problems: list[str] = []
    rows = read_table(folder, EVIDENCE, problems, escaped=not packaged) or []
    sources = read.get("sources") or []
    with opened(db) as engine, transaction(engine) as session:
        head, _ = history.head(session)
        if problems:
            return _Checked(head, problems, None)
        facts = facts_of(session, rows)
        existing = repo.get_sources(session, [str(r.values.get("id")) for r in sources])
    for row in sources:  # their problems are the import's to report
        source = _source(row, existing, folder, packaged, [])
        if source is not None:
            facts.source_ids.add(source.id)
            facts.texts.setdefault(source.id, source.text)
    facts.pledge_ids.update(str(r.values.get("id")) for r in read.get("pledges") or [])
    return _Checked(head, [], prepare_evidence(rows, facts, at=at, allow_unlocated=allow_unlocated))


def _checked(beside: parallel.Child[_Checked] | None) -> _Checked | None:
    """The second process's work; None if there is none or it failed (then this one does it).
    The process is done with then: this one collects cycles again while it writes."""
    if beside is None:
        return None
    try:
        return beside.result()
    except Exception:  # whatever it is, the importer does the work itself
        return None
    finally:
        beside.close()


def import_register(
    db: str | None, path: Path, who: editing.Who, *, dry_run: bool, allow_unlocated: bool = False
) -> Plan:
    """Read the files, check every row, and apply them in one transaction; all or nothing.

    On a large import, a second process reads and checks evidence.csv, and makes its new rows
    into records and revisions, while this one checks and writes the other tables. Its work is
    used only if it read the register at the revision this transaction begins at (no one wrote
    in between); otherwise this process does that work itself."""
    folder, packaged = locate(path)
    problems: list[str] = []
    tables = (ACTORS, SOURCES_PACKAGED if packaged else SOURCES, PLEDGES, EVIDENCE)
    evidence_file = folder / EVIDENCE.file
    large = (
        parallel.forking()
        and evidence_file.is_file()
        and evidence_file.stat().st_size >= PARALLEL_FROM
    )
    read = {
        table.name: read_table(folder, table, problems, escaped=not packaged)
        for table in tables
        if not (table is EVIDENCE and large)
    }
    if all(rows is None for rows in read.values()) and not large:
        raise InvalidInput(
            f"{folder} holds none of {', '.join(t.file for t in tables)}",
            "give the folder 'pledges export' wrote",
        )
    if problems:
        raise BadRows(problems)
    at = history.now()
    beside: parallel.Child[_Checked] | None = None
    if large:
        beside = parallel.Child(
            partial(_check_evidence, db, folder, packaged, read, at, allow_unlocated),
            name="pledges-import",
        )
    try:
        with opened(db) as engine:
            try:
                with transaction(engine, write=True) as session:
                    if engine.dialect.name == "sqlite":
                        # Up to 256 MB of pages in memory for this connection (2 MB by default):
                        # an index grown at random places is then written once, not rewritten.
                        session.execute(text("PRAGMA cache_size=-262144"))
                    head, _ = history.head(session)
                    importer = _Importer(session, who, folder, packaged, allow_unlocated, at)
                    importer.plan.files = [t.file for t in tables if read.get(t.name) is not None
                                           or (t is EVIDENCE and large)]  # fmt: skip
                    for table in tables[:3]:
                        rows = read[table.name]
                        if rows is not None:
                            getattr(importer, table.name)(rows)
                    checked = _checked(beside)
                    if checked is not None and checked.problems:
                        raise BadRows(checked.problems)
                    if checked is not None and checked.plan is not None and checked.head == head:
                        importer.apply_evidence(checked.plan)
                    else:  # no second process, or it failed, or it read an older register
                        rows = read.get("evidence")
                        if large:
                            rows = read_table(folder, EVIDENCE, problems, escaped=not packaged)
                            if problems:
                                raise BadRows(problems)
                        if rows is not None:
                            importer.evidence(rows)
                    if importer.problems:
                        raise BadRows(importer.problems)
                    if dry_run:
                        raise _RolledBack
            except _RolledBack:
                pass
    finally:
        if beside is not None:
            beside.close()
    return importer.plan


def lines(plan: Plan) -> Iterator[str]:
    """The plan, one line per pledge, then the other records in short."""
    changed = plan.changed["pledges"]
    new = set(plan.added["pledges"])
    for pledge_id in sorted({*new, *changed, *plan.unchanged["pledges"]}):
        if pledge_id in new:
            yield f"+ {pledge_id}: added"
        elif pledge_id in changed:
            parts = "; ".join(f"{n}: {_short(o)} → {_short(v)}" for n, o, v in changed[pledge_id])
            yield f"~ {pledge_id}: {parts}"
        else:
            yield f"= {pledge_id}: left alone"
    for table in ("actors", "sources", "evidence"):
        added, altered = plan.added[table], plan.changed[table]
        same = plan.unchanged[table]
        if added:
            more = ", …" if len(added) > 10 else ""
            yield f"+ {table}: {len(added)} added ({', '.join(added[:10])}{more})"
        for key, diff in altered.items():
            parts = "; ".join(f"{n}: {_short(o)} → {_short(v)}" for n, o, v in diff)
            yield f"~ {table} {key}: {parts}"
        if same:
            yield f"= {table}: {len(same)} left alone"
