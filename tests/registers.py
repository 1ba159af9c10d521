"""Registers built from YAML snippets, so that test inputs read like the data they guard.

A snippet adds to a register what a curator would: actors, sources (inline text, or a seed
article's text, altered or not), new pledges with their evidence, changes to existing pledges and
further evidence for them. It can also do what no curator should: change a source's stored text
behind the register's back, or backdate when a quote was last verified.

    actors:        [{id, name, kind, aliases}]
    seed_actors:   [{id, add_aliases: [ALIAS...]}]                  aliases for existing actors
    sources:       [{id, title, ..., text | text_of: SEED_SOURCE_ID | pdf: PAGES,
                     changes: [{replace, with}]}]
    pledges:       [{id, title, actors, kind, ..., evidence: [EVIDENCE]}]
    seed_pledges:  [{id, FIELD: VALUE..., evidence: [EVIDENCE]}]   changes to existing pledges
    tampered:      [{source, replace, with}]                         text changed, sha256 kept
    verified_on:   DAY     when the snippet's quotes were last found in their sources (TODAY)
    EVIDENCE:      {source, quote, stance, asserts_status, note, deprecated: REASON, verified_on}

A source given as `pdf` (a list of pages, each a list of lines as a page lays them out) is written
as a real PDF (tests/documents.py) and read as `source add` reads it: its text is what the PDF
reader extracts, with its format and extractor.

Evidence is cited as `pledges cite --allow-unlocated` would (a quote that is not in its source is
stored all the same, for the audit to find), then deprecated when `deprecated` gives a reason.
"""

from __future__ import annotations

import random
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select, update

from pledges import corrections, documents, editing, migrate, service
from pledges.audit import Report
from pledges.db import open_engine, opened, transaction
from pledges.models import EvidenceRow, SourceRow
from pledges.schema import ActorIn, EvidenceIn, PledgeIn, SourceIn

AUTHOR = "test"
WHO = editing.Who(AUTHOR, "build a test register")
TODAY = date(2024, 6, 1)  # the day the audit is run as of, unless a snippet says otherwise

_KEYS = {"actors", "seed_actors", "sources", "pledges", "seed_pledges", "tampered", "verified_on"}
_CITED = {"source", "quote", "stance", "asserts_status", "note"}  # as `pledges cite` takes them
_EVIDENCE_KEYS = _CITED | {"deprecated", "verified_on"}  # and what happened to them after


# --- databases ----------------------------------------------------------------------------------


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def seeded_template(folder: Path) -> Path:
    """A register initialised from seeds/, to be copied for each test that changes it."""
    path = folder / "seeded.db"
    service.init(sqlite_url(path), author=AUTHOR)
    return path


def copy_of(template: Path, folder: Path, name: str = "register.db") -> str:
    """The URL of a fresh copy of a register file (its engine was disposed: no WAL is pending)."""
    path = folder / name
    shutil.copyfile(template, path)
    return sqlite_url(path)


def empty(path: Path) -> str:
    """A migrated register that holds nothing yet (init would load the seeds into it)."""
    engine = open_engine(sqlite_url(path), create=True, current=False)
    try:
        with transaction(engine, write=True) as session:
            migrate.upgrade(session.connection())
    finally:
        engine.dispose()
    return sqlite_url(path)


# --- building -----------------------------------------------------------------------------------


def parse(snippet: str) -> dict[str, Any]:
    data = yaml.safe_load(snippet)
    assert isinstance(data, dict), snippet
    return data


def _shuffled(items: list[Any], rng: random.Random | None) -> list[Any]:
    items = list(items)
    if rng is not None:
        rng.shuffle(items)
    return items


def _read_pdf(pages: list[list[str]]) -> documents.Document:
    """The document a PDF of these pages of lines is read as."""
    from tests.documents import pdf

    with tempfile.TemporaryDirectory() as folder:
        return documents.read(pdf(Path(folder) / "source.pdf", pages), detect_language=False)


def _source(entry: Mapping[str, Any], texts: Mapping[str, str]) -> SourceIn:
    fields = dict(entry)
    if "pdf" in fields:
        read = _read_pdf(fields.pop("pdf"))
        fields.update(text=read.text, format=read.format, extractor=read.extractor)
    text = texts[fields.pop("text_of")] if "text_of" in fields else fields.pop("text")
    for change in fields.pop("changes", []):
        assert change["replace"] in text, f"{fields['id']}: {change['replace']!r} is not in it"
        text = text.replace(change["replace"], change["with"])
    return SourceIn.model_validate({**fields, "text": text})


def build(url: str, spec: Mapping[str, Any], *, rng: random.Random | None = None) -> None:
    """Add what `spec` describes to the register at `url`; with `rng`, in a random order (actors,
    sources, pledges and evidence each shuffled; evidence of all pledges interleaved)."""
    unknown = set(spec) - _KEYS
    assert not unknown, f"unknown keys in the snippet: {sorted(unknown)}"
    evidence: list[tuple[str, dict[str, Any]]] = []
    backdated: dict[int, date] = {}
    deprecations: list[tuple[int, str]] = []
    with opened(url) as engine:
        with transaction(engine, write=True) as session:
            for actor in _shuffled(spec.get("actors", []), rng):
                editing.add_actor(session, ActorIn.model_validate(actor), WHO)
            for entry in spec.get("seed_actors", []):
                aliases = entry["add_aliases"]
                corrections.update_actor(session, entry["id"], {}, WHO, add_aliases=aliases)
            # The articles already in the register, to build altered copies from.
            texts = {i: t for i, t in session.execute(select(SourceRow.id, SourceRow.text))}
            for entry in _shuffled(spec.get("sources", []), rng):
                editing.add_source(session, _source(entry, texts), WHO)
            for entry in _shuffled(spec.get("pledges", []), rng):
                fields = dict(entry)
                evidence += [(entry["id"], item) for item in fields.pop("evidence", [])]
                editing.add_pledge(session, PledgeIn.model_validate(fields), WHO)
            for entry in spec.get("seed_pledges", []):
                changes = {k: v for k, v in entry.items() if k not in ("id", "evidence")}
                evidence += [(entry["id"], item) for item in entry.get("evidence", [])]
                if changes:
                    editing.update_pledge(session, entry["id"], changes, WHO)
            default_verified = spec.get("verified_on", TODAY)
            for pledge_id, item in _shuffled(evidence, rng):
                unknown = set(item) - _EVIDENCE_KEYS
                assert not unknown, f"{pledge_id}: unknown evidence keys {sorted(unknown)}"
                fields = {k: v for k, v in item.items() if k not in ("deprecated", "verified_on")}
                fields["source_id"] = fields.pop("source")
                cited = EvidenceIn.model_validate({"pledge_id": pledge_id, **fields})
                stored = editing.cite(session, cited, WHO, allow_unlocated=True)
                # The day the curator found the quote in its source: `cite` records only what
                # an exact or normalised match finds, the audit also accepts elided quotes.
                backdated[stored.id] = item.get("verified_on", default_verified)
                if "deprecated" in item:
                    deprecations.append((stored.id, item["deprecated"]))
            for evidence_id, reason in deprecations:
                editing.deprecate_evidence(session, evidence_id, editing.Who(AUTHOR, reason))
        # What follows bypasses the register's use cases on purpose.
        with engine.begin() as conn:
            for evidence_id, day in backdated.items():
                conn.execute(
                    update(EvidenceRow).where(EvidenceRow.id == evidence_id).values(verified_on=day)
                )
            for change in spec.get("tampered", []):
                text = conn.scalar(select(SourceRow.text).where(SourceRow.id == change["source"]))
                assert text is not None and change["replace"] in text, change
                conn.execute(
                    update(SourceRow)
                    .where(SourceRow.id == change["source"])
                    .values(text=text.replace(change["replace"], change["with"]))
                )


# --- reading reports ----------------------------------------------------------------------------


def codes(report: Report) -> dict[str, set[str]]:
    """The codes found for each pledge, and for each source as 'source ID'."""
    found: dict[str, set[str]] = defaultdict(set)
    for finding in report.findings:
        subject = finding.pledge_id or f"source {finding.source_id}"
        found[subject].add(finding.code)
    return dict(found)


def messages(report: Report, subject: str) -> list[str]:
    return [
        f.message for f in report.findings if (f.pledge_id or f"source {f.source_id}") == subject
    ]
