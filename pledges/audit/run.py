"""Running the audit over a register: reuse what the last audit stored, examine what changed.

1. What the last audit stored is read (pledges.audit.store; nothing with --fresh, nothing when
   the log no longer holds the revision it ended at, or the rules changed since), with every
   source and actor (not their texts).
2. Every article is read to take its text's sha256; the sources whose recorded or actual text
   changed, and those holding an alias changed since, are noted (pledges.audit.changes).
3. The pledges that may have changed since are checked again: those the log names (they, or
   their evidence), those citing a source noted above, those whose re-verification limit
   passed, those with a quote not found while the sources changed. Each gets its key
   (pledges.audit.inventory); one whose key is the stored one keeps its stored findings. The
   others' quotes take their facts from the store where their keys are unchanged; the rest are
   examined, each of their articles read once more.
4. A quote not found where it is cited is looked for in the other sources: in those changed
   since the last search, or, for a quote never searched for, in every source
   (pledges.audit.elsewhere).
5. The pledge checks run on the pledges checked again, the source checks on every source, the
   register checks on every pledge when a pledge was added or changed what they read (else
   their findings are as stored); every other pledge's findings are as stored
   (pledges.audit.verdicts). What was learnt is stored (pledges.audit.keeper writes it).

With nothing stored (a new register, --fresh), steps 2 and 3 are one pass: every quote is
examined as its article is read, shared between worker processes when there are many
(pledges.audit.reading).
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from contextlib import closing
from datetime import date
from typing import TYPE_CHECKING

from pledges import parallel, progress
from pledges.audit import elsewhere, inventory, reading, store, verdicts
from pledges.audit.changes import changes
from pledges.audit.findings import Finding, Report
from pledges.audit.keeper import Keeper
from pledges.audit.reading import Examined, Job, Reader, chunks, over
from pledges.audit.register import Register, opened
from pledges.audit.registry import Context
from pledges.vocab import REVERIFY_DAYS

if TYPE_CHECKING:
    from pledges.audit.selection import Selection
    from pledges.recordtypes import ActorRecord


def audit(
    db: str | None,
    *,
    today: date | None = None,
    reverify_days: int = REVERIFY_DAYS,
    workers: int | None = None,
    parallel_from: int = 20_000,
    only: Selection | None = None,
    fresh: bool = False,
) -> Report:
    """Audit the register at `db` (a URL or path; None for the default), or `only` what that
    selects, reusing what earlier audits stored unless `fresh`. Articles are read by `workers`
    processes (default: one per core, four at most) when there are `parallel_from` quotes or
    more to examine: below that, starting them costs more than they save."""
    with opened(db) as register, closing(Keeper(register.url)) as keeper:
        cores = workers or min(os.cpu_count() or 1, 4)
        run = Audit(register, keeper, today or date.today(), reverify_days, cores, parallel_from)
        return run.run(only, fresh)


class Audit:
    """One audit: its steps share what they read and learn (steps 2 and 3 from what was stored
    in pledges.audit.changes, 4 in pledges.audit.elsewhere, 5 in pledges.audit.verdicts)."""

    # 1. what every audit reads
    head: tuple[int, str]  # the log's last revision: (seq, hash)
    state: store.State | None  # what the last audit stored, if it can still be used
    sources: dict[str, inventory.Source]
    actors: list[ActorRecord]
    entries: set[tuple[str, str]]  # the aliases
    stamp: str  # the aliases' digest
    selected: set[str] | None  # the pledges selected; None: every one
    job: Job
    # 2 and 3: the articles read, the pledges checked again
    quotes: int  # every quote, when every one is examined as its article is read
    texts: dict[str, str]  # source id -> its text's sha256
    stamps: dict[str, str]  # source id -> its stamp (as store.State.sources)
    changed: set[str]  # the sources changed since the last audit
    read: inventory.Pledges  # the candidates with their evidence (none: read a range at a time)
    context: Context
    # 5
    register_findings: list[Finding]

    def __init__(
        self, register: Register, keep: Keeper, today: date, days: int, cores: int,
        parallel_from: int,
    ) -> None:  # fmt: skip
        self.register, self.keep, self.today, self.days = register, keep, today, days
        self.cores, self.parallel_from = cores, parallel_from
        self.examined = Examined()
        self.findings: dict[str, list[Finding]] = defaultdict(list)
        self.kept: dict[str, store.Kept] = {}
        self.dirty: list[str] = []  # checked again
        self.holding: list[str] = []  # checked again, and their stored findings hold
        self.candidates: set[str] | None = None  # those checked again; None: every one
        self.holders: dict[str, list[str]] = {}
        self.rows: dict[str, tuple[str | None, str | None, str | None, str]] = {}  # to store
        self.quotes_examined = 0
        self.every: list[
            inventory.Light
        ] = []  # every pledge, when all are checked a range at a time

    def parts(self, quotes: int) -> int:
        """How many processes read, for this many quotes to examine."""
        many = quotes >= self.parallel_from and self.cores > 1 and parallel.forking()
        return self.cores if many else 1

    def read_sources(self, ids: list[str], what: str) -> dict[str, str]:
        """Read these sources, examining the quotes of job.todo in them: each text's sha256."""
        job, into = self.job, self.examined
        todo = self.quotes if job.whole else sum(map(len, job.todo.values()))
        parts = self.parts(todo)  # (hashing alone is quick)
        progress.stage(what, total=len(ids))
        texts: dict[str, str] = {}
        cut = chunks(ids, parts)
        for chunk, part in zip(cut, over(cut, reading.read, Reader, (job,), parts), strict=True):
            progress.advance(len(chunk))
            texts.update((i, sha) for i, sha, _ in part.states)
            into.states += part.states
            self.quotes_examined += len(part.facts)
            if job.whole:  # stored as they come, not held
                self.keep(store.facts_written(part.facts))
            else:
                into.facts += part.facts
            into.findings += part.findings
            into.missing += part.missing
            into.support += part.support
        return texts

    # --- 1. what was stored, and what every audit reads

    def _stored(self, fresh: bool) -> store.State | None:
        """What the last audit stored, if it can still be used."""
        state = None if fresh else store.state(self.register)
        if state is None or state.rules != inventory.RULES_VERSION:
            return None
        if state.seq == 0:  # it audited an empty log
            return state if not self.register.rows("SELECT 1 FROM revisions") else None
        found = self.register.rows(
            "SELECT hash FROM revisions WHERE seq = :seq", {"seq": state.seq}
        )
        return state if found and found[0][0] == state.hash else None

    def _begin(self, only: Selection | None, fresh: bool) -> None:
        reg = self.register
        progress.stage("reading the register")
        head = reg.rows("SELECT seq, hash FROM revisions ORDER BY seq DESC LIMIT 1")
        self.head = (int(head[0][0]), str(head[0][1])) if head else (0, "")
        self.state = self._stored(fresh)
        self.sources = inventory.sources(reg)
        self.actors = inventory.actors(reg)
        self.entries = inventory.alias_entries(self.actors)
        self.stamp = inventory.digest(sorted(self.entries))
        self.selected = None if only is None else _selected(only, reg)
        self.job = Job(reg.url, self.actors, self.today, self.days, stamp=self.stamp)

    # --- 2 and 3, with nothing stored: every quote examined as its article is read

    def _whole(self) -> None:
        reg, job = self.register, self.job
        self.candidates = self.selected
        if self.selected is not None:  # a part of a register with nothing stored: not kept
            self.keep.on = False
            self.read = inventory.pledges(reg, self.selected)
            job.pledges = self.read.records
            for items in self.read.evidence.values():
                for item in items:
                    job.todo.setdefault(item.source_id, []).append(item)
            self.dirty = list(self.read.records)
        else:  # each process reads the quotes citing the articles it reads, and their pledges
            self.keep(store.cleared(self.keep.token))
            self.keep.expect = self.keep.token
            job.whole = True
            self.read = inventory.Pledges({}, {})  # read a range at a time by verdicts.check
            self.quotes = int(reg.rows("SELECT count(*) FROM evidence")[0][0])
            self.dirty = [str(r[0]) for r in reg.rows("SELECT id FROM pledges ORDER BY id")]
        self.texts = self.read_sources(list(self.sources), "reading the articles")
        self.stamps = dict.fromkeys(self.sources, self.stamp)
        self.changed = set(self.sources)
        self.context = Context(
            self.today, self.days, inventory.source_facts(self.sources, self.texts)
        )

    # --- the rest stored

    def _keep(self) -> None:
        """Store the rest of what was learnt, the state last."""
        state, found = self.state, self.sources
        placed = elsewhere.placed(found, self.texts)
        gone = [] if self.candidates is None else sorted(self.candidates - set(self.read.records))
        self.keep([
            *store.facts_written(self.examined.facts),
            *store.pledges_written(self.rows, gone),
            *store.rest_written(
                state={"seq": str(self.head[0]), "hash": self.head[1], "days": str(self.days),
                       "rules": inventory.RULES_VERSION, "placed": placed,
                       "aliases": json.dumps(sorted(self.entries), ensure_ascii=False),
                       "register": store.findings_json(self.register_findings),
                       "writer": self.keep.token},
                holders={needle: (placed, held) for needle, held in self.holders.items()},
                sources={i: (s.sha256, self.texts[i], self.stamps[i])
                         for i, s in self.sources.items()
                         if state is None
                         or state.sources.get(i) != (s.sha256, self.texts[i], self.stamps[i])},
                sources_gone=[] if state is None else sorted(set(state.sources) - set(found)),
            ),
        ])  # fmt: skip

    def run(self, only: Selection | None, fresh: bool) -> Report:
        self._begin(only, fresh)
        if self.state is None:
            self._whole()
        else:
            changes(self, self.state)
        self.holders, missing = elsewhere.place(
            self.register, self.examined.missing, list(self.sources), self.changed, self.state,
            self.parts,
        )  # fmt: skip
        verdicts.check(self, missing)
        report = verdicts.report(self, only)
        self._keep()
        return report


def _selected(only: Selection, register: Register) -> set[str]:
    """The pledges a selection names, or those citing its source, or both."""
    chosen = set(only.pledges)
    if only.source is not None:
        rows = register.rows(
            "SELECT DISTINCT pledge_id FROM evidence WHERE source_id = :s", {"s": only.source}
        )
        citing = {str(r[0]) for r in rows}
        chosen = chosen & citing if only.pledges else citing
    return chosen
