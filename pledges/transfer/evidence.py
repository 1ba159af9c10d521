"""The evidence part of an import's plan: evidence rows checked as the commands check them.

A row without an id, or with one the register does not hold (a restore), is new evidence: its
pledge and source must exist, and its quote is located and checked as `pledges cite` does it;
new rows become records and revisions here, so that writing them is only writing. A stored
piece of evidence is not edited in place: its row may only deprecate it, with a reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from pledges import repository as repo
from pledges.models import PledgeRow, SourceRow
from pledges.schema import Evidence, EvidenceIn, ExportedEvidence, SourceIn
from pledges.textmatch import fold
from pledges.transfer.bulk import check_quotes, evidence_records
from pledges.transfer.held import held as held_ids
from pledges.transfer.plan import Deprecation, EvidencePlan, differences, lost
from pledges.transfer.problems import Problem, shown
from pledges.transfer.rows import Row, read_rows
from pledges.transfer.unchanged import settle
from pledges.transfer.values import once, record
from pledges.vocab import MAX_ID, Rank

FIELDS = set(EvidenceIn.model_fields)
Quoted = tuple[str, str, str]  # (pledge, source, quote folded as `cite` compares quotes)
IN_PLACE_HINT = (
    "put back its values, set its rank to deprecated with a deprecated_reason, and add the "
    "corrected quote as a new row with an empty id"
)


def check_evidence(
    session: Session, rows: list[Row], *, sources: Sequence[SourceIn], pledges: Iterable[str],
    at: datetime, allow_unlocated: bool, folder: Path, packaged: bool,
    settled: dict[str, int] | None = None,
) -> EvidencePlan:  # fmt: skip
    """Evidence rows checked as the commands check them, against the register as the import will
    have it when its evidence is written (with `sources` and `pledges`, ids, those it adds
    before), and the new ones made into records and revisions: everything but the writing. A
    row the register holds exactly as written is left alone unread (transfer.unchanged);
    `settled`: those rows' ids with their row numbers, when they were found as the file was
    read (`rows` are then the others)."""
    out = EvidencePlan()
    if settled is None:
        same, rows = settle(session, "evidence", rows, folder=folder, packaged=packaged)
    else:
        same = settled
    out.unchanged.extend(same)
    records: list[tuple[Row, ExportedEvidence]] = []
    seen = dict(same)
    for row in read_rows(rows, out.problems):
        evidence: ExportedEvidence | None = record(row, ExportedEvidence, row.values, out.problems)
        if evidence is not None and (
            evidence.id is None or once(row, str(evidence.id), seen, out.problems)
        ):
            records.append((row, evidence))
    highest = repo.highest_evidence_id(session)
    ids = [e.id for _, e in records if e.id is not None and e.id <= highest]
    stored = repo.evidence_by_id(session, ids)
    cited = {e.source_id for _, e in records if e.id not in stored}  # the texts new quotes need
    texts = repo.source_texts_of(session, cited)
    texts.update((s.id, s.text) for s in sources if s.id in cited)
    # The pledges and sources the rows cite, of those the register holds.
    held = held_ids(session, PledgeRow, (e.pledge_id for _, e in records))
    known = {
        "pledge_id": {*held, *pledges},
        "source_id": {
            *held_ids(session, SourceRow, (e.source_id for _, e in records)),
            *(s.id for s in sources),
        },
    }
    new: list[tuple[Row, ExportedEvidence]] = []
    for row, evidence in records:
        evidence_id = evidence.id
        current = None if evidence_id is None else stored.get(evidence_id)
        if current is None:  # new: no id, or one the register does not hold (a restore)
            if _cites_what_is_there(row, evidence, known, out.problems):
                new.append((row, evidence))
            continue
        diff = differences(current.model_dump(include=FIELDS), evidence.model_dump(include=FIELDS))
        if not diff:
            out.unchanged.append(str(evidence_id))
            continue
        if problem := lost(row, diff):
            out.problems.append(problem)
            continue
        changed = {name for name, _, _ in diff}
        deprecating = (
            evidence.rank is Rank.DEPRECATED
            and current.rank is not Rank.DEPRECATED
            and changed <= {"rank", "deprecated_reason"}
        )
        if not deprecating:
            name, old, value = diff[0]
            change = f"{name}: {shown(old)} → {shown(value)}"
            message = f"evidence {evidence_id} is not edited in place ({change})"
            out.problems.append(row.problem(name, message, IN_PLACE_HINT))
            continue
        # The schema requires a reason of deprecated evidence.
        out.deprecations.append(Deprecation(row, current.id, evidence.deprecated_reason, diff))
    # A new row the register already holds (the same file imported again) is left alone.
    quoted: dict[Quoted, list[Evidence]] = {}
    citing = {evidence.pledge_id for _, evidence in new} & held  # a new pledge cites nothing yet
    for e in repo.evidence_of_pledges(session, citing):
        quoted.setdefault((e.pledge_id, e.source_id, fold(e.quote)), []).append(e)
    new = _not_applied(new, quoted, out.unchanged)
    out.problems.extend(_beyond_max_id(new, highest))
    # New evidence, located and checked as `pledges cite` does (its refusals are listed with
    # the other rows' problems): a pledge cites a quote of a source once, deprecated aside.
    taken = {k for k, same in quoted.items() if any(e.rank is not Rank.DEPRECATED for e in same)}
    located = check_quotes(new, texts, taken, allow_unlocated=allow_unlocated)
    out.refusals = [row.refused("quote", refusal) for row, refusal in located.refused]
    if not out.problems and not out.refusals:
        out.new = evidence_records(
            [e for _, e in new], [e.id for _, e in new], located.found, at=at, highest=highest
        )
    return out


def _not_applied(
    new: list[tuple[Row, ExportedEvidence]],
    quoted: dict[Quoted, list[Evidence]],
    unchanged: list[str],
) -> list[tuple[Row, ExportedEvidence]]:
    """The new rows but those already applied: a row without an id whose pledge already cites
    its quote from its source (compared as `cite` compares it) with the same stance, status,
    rank, reason and note; each stored piece of evidence is matched once. Their ids join
    `unchanged`."""
    left: list[tuple[Row, ExportedEvidence]] = []
    claimed: set[int] = set()
    for row, evidence in new:
        same: list[Evidence] = []
        if evidence.id is None:
            key = (evidence.pledge_id, evidence.source_id, fold(evidence.quote))
            same = [e for e in quoted.get(key, ()) if e.id not in claimed and _same(e, evidence)]
        if not same:
            left.append((row, evidence))
            continue
        claimed.add(same[0].id)
        unchanged.append(str(same[0].id))
    return left


def _same(stored: Evidence, evidence: ExportedEvidence) -> bool:
    """Whether a row says what a stored piece of evidence says: its quote as `cite` compares
    it, its other fields exactly."""
    fields = FIELDS - {"quote"}
    return not differences(stored.model_dump(include=fields), evidence.model_dump(include=fields))


def _cites_what_is_there(
    row: Row, evidence: ExportedEvidence, known: dict[str, set[str]], problems: list[Problem]
) -> bool:
    """Whether new evidence cites a pledge and a source the register holds, or the import adds
    (`known`: their ids, by column)."""
    for column, ids in known.items():
        kind = column.removesuffix("_id")
        wanted = getattr(evidence, column)
        if wanted not in ids:
            message = f"there is no {kind} {wanted!r} in the register or {kind}s.csv"
            hint = f"cite an existing {kind}, or add it in {kind}s.csv"
            problems.append(row.problem(column, message, hint))
            return False
    return True


def _beyond_max_id(new: list[tuple[Row, ExportedEvidence]], highest: int) -> list[Problem]:
    """New rows without an id are numbered after the highest id: refused (the first of them)
    when that would pass the largest id a record may have."""
    highest = max([highest, *(e.id for _, e in new if e.id is not None)])
    unnumbered = [row for row, e in new if e.id is None]
    if highest + len(unnumbered) <= MAX_ID:
        return []
    row = unnumbered[max(0, MAX_ID - highest)]
    return [
        row.problem(
            "id",
            f"no evidence id is left for this row (ids go up to {MAX_ID}, and {highest} is taken)",
            "give the new rows free ids in the id column",
        )
    ]
