"""Turning candidates into the register's records: one accepted at once (a pledge and the
evidence that cites its passage, in one transaction), or many written as new rows of an export's
pledges.csv and evidence.csv, for a curator to review in a spreadsheet and bring in with
`pledges import`.

The pledge takes the candidate's actors, kind, target year, value, unit and baseline year, and a
title made from them ("China: emissions peak by 2030"), unless the curator gives others; its
evidence is the candidate's passage, as the source writes it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from pledges import repository as repo
from pledges.editing import Who, add_pledge, cite
from pledges.errors import InvalidInput
from pledges.outfolder import OutFolder
from pledges.schema import Evidence, EvidenceIn, Pledge, PledgeIn
from pledges.suggest.reading import Candidate
from pledges.suggest.run import alike
from pledges.transfer.tables import EVIDENCE, PLEDGES, Table, cell, neutralise, restore
from pledges.validation import validate
from pledges.vocab import PledgeKind

_KIND_WORDS = {
    PledgeKind.EMISSIONS_PEAK: "emissions peak",
    PledgeKind.CARBON_NEUTRALITY: "carbon neutrality",
    PledgeKind.NET_ZERO: "net zero",
    PledgeKind.EMISSIONS_REDUCTION: "emissions cut",
    PledgeKind.RENEWABLE_ENERGY: "renewable energy",
    PledgeKind.COAL: "coal",
    PledgeKind.METHANE_NON_CO2: "methane and other non-CO2 gases",
    PledgeKind.FINANCE: "climate finance",
    PledgeKind.FORESTS: "forests",
    PledgeKind.DIPLOMATIC_PROCESS: "climate talks",
    PledgeKind.COOPERATION: "cooperation",
    PledgeKind.OTHER: "commitment",
}


# What a new pledge is until a curator says otherwise (the defaults of 'pledges add').
_DEFAULTS = {"formality": "declared", "status": "not_yet_rated", "confidence": "low"}


def _as_given(candidate: Candidate, data: Mapping[str, Any]) -> Candidate:
    """The candidate with the fields the curator gave instead of its own."""
    return replace(
        candidate,
        actors=tuple(data.get("actors") or ()),
        kind=_kind(data.get("kind"), candidate.kind),
        target_year=_number(data.get("target_year")),
        target_value=_number(data.get("target_value")),
        target_unit=data.get("target_unit"),
    )


def _kind(given: Any, suggested: PledgeKind) -> PledgeKind:
    """The kind given, when it is one (else the schema refuses it, with its own message)."""
    return PledgeKind(given) if given in PledgeKind._value2member_map_ else suggested


def _number(value: Any) -> Any:
    try:
        return None if value in (None, "") else float(value) if "." in str(value) else int(value)
    except ValueError:
        return None  # (refused by the schema, with its own message)


def title(candidate: Candidate, names: Mapping[str, str]) -> str:
    """A title from what the reader found: "China: emissions peak by 2030"."""
    who = " and ".join(names.get(actor, actor) for actor in candidate.actors) or "Unknown actor"
    what = _KIND_WORDS[candidate.kind]
    if candidate.target_value is not None and candidate.target_unit:
        value = f"{candidate.target_value:g}"
        what += f" of {value} {candidate.target_unit}".replace(" %", "%")
    by = f" by {candidate.target_year}" if candidate.target_year else ""
    return f"{who}: {what}{by}"


def fields(candidate: Candidate, names: Mapping[str, str]) -> dict[str, Any]:
    """The pledge's fields the candidate suggests."""
    suggested: dict[str, Any] = {
        "title": title(candidate, names),
        "actors": list(candidate.actors),
        "kind": candidate.kind.value,
        "target_year": candidate.target_year,
        "target_value": candidate.target_value,
        "target_unit": candidate.target_unit if candidate.target_value is not None else None,
        "baseline_year": candidate.baseline_year,
    }
    return {name: value for name, value in suggested.items() if value not in (None, [])}


def accept(
    session: Session,
    source_id: str,
    candidate: Candidate,
    overrides: Mapping[str, Any],
    who: Who,
) -> tuple[Pledge, Evidence]:
    """Add the pledge a candidate suggests (its fields, unless `overrides` gives others) and cite
    the candidate's passage for it: both in the caller's transaction."""
    names = {actor.id: actor.name for actor in repo.list_actors(session)}
    data = {**fields(candidate, names), **overrides}
    if "title" not in overrides:  # made from the values the pledge gets, given ones too
        data["title"] = title(_as_given(candidate, data), names)
    if not data.get("actors"):
        raise InvalidInput(
            "the suggestion names no actor", "say who commits with --actor, e.g. --actor CN"
        )
    pledge = add_pledge(session, validate(PledgeIn, data), who)
    evidence = validate(
        EvidenceIn, {"pledge_id": pledge.id, "source_id": source_id, "quote": candidate.passage}
    )
    return pledge, cite(session, evidence, who)


# --- many, as rows of an export -------------------------------------------------------------------


def slug(source_id: str, number: int, candidate: Candidate) -> str:
    """An id for a suggested pledge, unique in its source: SOURCE-N-KIND, cut to fit."""
    stem = re.sub(r"[^a-z0-9]+", "-", source_id.lower()).strip("-")[:50].strip("-")
    kind = candidate.kind.value.replace("_", "-")
    return f"{stem}-{number}-{kind}"


def _rows_before(path: Path, table: Table) -> list[list[str]]:
    """The rows of an export's file already in --out (none when it is not there)."""
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    if not rows or rows[0] != table.names:
        raise InvalidInput(
            f"{path} is not a file that 'pledges export' wrote (its columns differ)",
            "give --out a new folder, or the folder of an export made with 'pledges export'",
        )
    return rows[1:]


def _excel(path: Path) -> bool:
    """Whether an export's file was written for Excel (--excel: a byte-order mark first)."""
    return path.is_file() and path.read_bytes()[:3] == b"\xef\xbb\xbf"


def _write(folder: OutFolder, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """An export's file: the rows it held, then the new ones, written as the export writes its
    cells (escaped: pledges.transfer.tables.neutralise), in its form (for Excel or not)."""
    path = folder.path / table.file
    before, excel = _rows_before(path, table), _excel(path)
    encoding = "utf-8-sig" if excel else "utf-8"
    with folder.open("", table.file, encoding=encoding, newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(table.names)
        writer.writerows(before)
        for row in rows:
            writer.writerow(neutralise(cell(row.get(c.name), c.kind), excel=excel)
                            for c in table.columns)  # fmt: skip


def write_rows(
    out: Path,
    suggested: Sequence[tuple[str, Sequence[Candidate]]],
    names: Mapping[str, str],
    taken: set[str],
) -> tuple[int, int, int]:
    """Write each candidate as a new pledge and its evidence, in the pledges.csv and evidence.csv
    of the folder `out` (after the rows they hold, if an export wrote them there). Left out: a
    candidate a pledge already cites, one written to the folder before, and one that names no
    actor (an import needs one). Evidence ids are left empty, for the import to number; a
    pledge id is new: not one of `taken` (the register's), nor of the rows in the folder.
    Left out too: one like a pledge the register has (the same actors, kind and year), whose
    passage is evidence for it. Returns (pledges written, candidates left out for naming no
    actor, candidates left out as like a pledge)."""
    taken.update(row[0] for row in _rows_before(out / PLEDGES.file, PLEDGES) if row)
    there = {(row[2], restore(row[3])) for row in _rows_before(out / EVIDENCE.file, EVIDENCE)
             if len(row) > 3}  # fmt: skip
    pledges: list[dict[str, Any]] = []
    evidence: list[dict[str, Any]] = []
    unnamed = likened = 0
    for source_id, candidates in suggested:
        for number, candidate in enumerate(candidates, 1):
            if candidate.existing_pledge_id is not None or (source_id, candidate.passage) in there:
                continue  # cited already, or written to this folder before
            if not candidate.actors:
                unnamed += 1  # an import needs who commits: accept it with --actor instead
                continue
            if alike(candidate):
                likened += 1  # evidence for a pledge the register has: cite it there
                continue
            pledge_id = slug(source_id, number, candidate)
            again = 2
            while pledge_id in taken:  # a pledge the register or the folder has already
                pledge_id = f"{slug(source_id, number, candidate)}-{again}"
                again += 1
            taken.add(pledge_id)
            reasons = "; ".join(candidate.reasons)
            notes = f"Suggested (score {candidate.score:.2f}: {reasons})."
            pledges.append({"id": pledge_id, **fields(candidate, names), **_DEFAULTS,
                            "notes": notes})  # fmt: skip
            evidence.append({"pledge_id": pledge_id, "source_id": source_id,
                             "quote": candidate.passage, "stance": "supports",
                             "rank": "normal"})  # fmt: skip
    if pledges:  # (nothing new: the folder is left as it is)
        with OutFolder(out) as folder:
            folder.plan("", [PLEDGES.file, EVIDENCE.file])
            _write(folder, PLEDGES, pledges)
            _write(folder, EVIDENCE, evidence)
            folder.commit()
    return len(pledges), unnamed, likened
