"""Running the audit over a register: reuse what the last audit stored, examine what changed.

1. What the last audit stored is read (pledges.audit.store; nothing with --fresh, nothing when
   the log no longer holds the revision it ended at, or the rules changed since), with every
   source and actor (not their texts).
2. Every article is read to take its text's sha256; the sources whose recorded or actual text
   changed, and those holding an alias changed since, are noted.
3. The pledges that may have changed since are checked again: those the log names (they, or
   their evidence), those citing a source noted above, those whose re-verification limit
   passed, those with a quote not found while the sources changed. Each gets its key
   (pledges.audit.inventory); one whose key is the stored one keeps its stored findings. The
   others' quotes take their facts from the store where their keys are unchanged; the rest are
   examined, each of their articles read once more.
4. A quote not found where it is cited is looked for in the other sources: in those changed
   since the last search, or, for a quote never searched for, in every source.
5. The pledge checks run on the pledges checked again, the source checks on every source, the
   register checks on every pledge when a pledge was added or changed what they read (else
   their findings are as stored); every other pledge's findings are as stored. What was learnt
   is stored.

With nothing stored (a new register, --fresh), steps 2 and 3 are one pass: every quote is
examined as its article is read, shared between worker processes when there are many
(pledges.audit.reading).
"""

from __future__ import annotations

import json
import os
import secrets
from collections import defaultdict
from contextlib import ExitStack, closing
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from pledges import parallel, progress
from pledges.audit import inventory, reading, store
from pledges.audit.checks import CHECKS, REGISTER_READS, Context, Support
from pledges.audit.findings import Finding, Report
from pledges.audit.inventory import fact_key, lowered
from pledges.audit.reading import Examined, Job, Reader, Search, chunks, over, quote_findings
from pledges.audit.register import Register, opened
from pledges.errors import PledgesError
from pledges.vocab import REVERIFY_DAYS

if TYPE_CHECKING:
    from pledges.audit.facts import QuoteFact
    from pledges.audit.selection import Selection

__all__ = ["Search", "audit", "quote_findings"]

PLEDGES_AT_ONCE = 1_000  # pledges read at a time to be checked, when nothing was stored


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
        run = _Audit(register, keeper, today or date.today(), reverify_days, cores, parallel_from)
        return run.run(only, fresh)


class Keeper:
    """Writes what the audit learns as it goes, through a connection of its own (the audit's
    reads keep theirs); after the first write refused (a read-only or busy register), no more."""

    def __init__(self, url: str) -> None:
        self.url, self.on = url, True
        self.token = secrets.token_hex(8)  # what this audit writes under (store.write)
        self.expect: object = store.UNGUARDED
        self._stack = ExitStack()
        self._register: Register | None = None

    def __call__(self, writes: store.Writes) -> None:
        if not self.on:
            return
        try:
            if self._register is None:
                self._register = self._stack.enter_context(opened(self.url))
            self.on = store.write(self._register, writes, self.expect)
        except PledgesError:  # it cannot be opened again now (busy): the audit goes on
            self.on = False

    def close(self) -> None:
        self._stack.close()


def _needle(fact: QuoteFact) -> str:
    from pledges.textmatch import fold

    return fold(fact.cited.quote)


class _Audit:
    """One audit: its phases share what they read."""

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

    def _parts(self, quotes: int) -> int:
        many = quotes >= self.parallel_from and self.cores > 1 and parallel.forking()
        return self.cores if many else 1

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

    def _read(self, ids: list[str], what: str) -> dict[str, str]:
        """Read these sources, examining the quotes of job.todo in them: each text's sha256."""
        job, into = self.job, self.examined
        todo = self.quotes if job.whole else sum(map(len, job.todo.values()))
        parts = self._parts(todo)  # (hashing alone is quick)
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
            self.read = inventory.Pledges({}, {})  # read a range at a time by _check
            self.quotes = int(reg.rows("SELECT count(*) FROM evidence")[0][0])
            self.dirty = [str(r[0]) for r in reg.rows("SELECT id FROM pledges ORDER BY id")]
        self.texts = self._read(list(self.sources), "reading the articles")
        self.stamps = dict.fromkeys(self.sources, self.stamp)
        self.changed = set(self.sources)
        self.context = Context(
            self.today, self.days, inventory.source_facts(self.sources, self.texts)
        )

    # --- 2 and 3, from what was stored

    def _since(self, state: store.State, touched: set[str]) -> set[str]:
        """The pledges whose findings may have changed since the last audit: named by the log
        (they or their evidence), citing a source changed or holding an alias changed, or past
        a re-verification limit (or before the day their findings were made for)."""
        reg = self.register
        logged = reg.rows(
            "SELECT DISTINCT entity, entity_id FROM revisions WHERE seq > :seq", {"seq": state.seq}
        )
        pledges = {str(i) for entity, i in logged if entity == "pledge"}
        evidence = {int(i) for entity, i in logged if entity == "evidence"}
        sources = self.changed | touched | {str(i) for e, i in logged if e == "source"}
        for column, among in (("id", evidence), ("source_id", sources)):
            if among:
                condition, params = inventory.among(reg, column, among)
                rows = reg.rows(
                    f"SELECT DISTINCT pledge_id FROM evidence WHERE {condition}", params
                )
                pledges |= {str(row[0]) for row in rows}
        return pledges | set(store.expired(reg, self.today))

    def _changes(self, state: store.State) -> None:
        reg, job, before = self.register, self.job, state.sources
        self.keep.expect = state.writer  # no other audit stored since this one read
        if self.entries != state.aliases:
            job.renamed = sorted({lowered(name) for name, _ in self.entries ^ state.aliases})
        self.texts = self._read(list(self.sources), "reading the articles")
        touched = {i for i, _, hit in self.examined.states if hit}
        self.changed = {
            i for i, s in self.sources.items()
            if before.get(i, ("", "", ""))[:2] != (s.sha256, self.texts[i])
        }  # fmt: skip
        self.stamps = {
            i: self.stamp if i in self.changed or i in touched else before[i][2]
            for i in self.sources
        }
        # Checked again: those that changed; and, if their stored findings no longer hold,
        # those selected and those with a quote not found while the sources changed.
        changed = set() if state.days != self.days else self._since(state, touched)
        maybe = set(self.selected or ())
        if self.changed or set(state.sources) != set(self.sources):
            maybe |= set(store.placed_among(reg))
        self.candidates = None if state.days != self.days else changed | maybe
        self.read = inventory.pledges(reg, self.candidates)
        job.pledges = self.read.records
        self.kept = store.kept(reg, self.read.records)
        placed = _placed(self.sources, self.texts)
        for p in self.read.records:
            held = self.kept.get(p)
            if (self.candidates is None or p in changed or held is None
                    or (held.placed is not None and held.placed != placed)):  # fmt: skip
                self.dirty.append(p)
            else:
                self.holding.append(p)
        self.context = Context(
            self.today, self.days, inventory.source_facts(self.sources, self.texts)
        )
        self._facts()

    def _facts(self) -> None:
        """The facts of the quotes of the pledges checked again: stored, or examined now."""
        read, job = self.read, self.job
        wanted: dict[int, str] = {}
        for p in self.dirty:
            several = len(read.records[p].actors) > 1
            for item in read.evidence.get(p, ()):
                source = item.source_id
                wanted[item.id] = fact_key(
                    item.quote, self.texts[source], self.stamps[source], several
                )
        known = store.facts(self.register, wanted.values())
        job.todo, job.keys, job.sources, job.renamed = {}, wanted, self.context.sources, []
        job.texts = self.texts
        for p in self.dirty:
            for item in read.evidence.get(p, ()):
                saved = known.get(wanted[item.id])
                if saved is None:
                    job.todo.setdefault(item.source_id, []).append(item)
                else:
                    fact = store.fact_of(saved, item)
                    reading.sort_fact(fact, read.records[p], self.context, self.examined)
        if job.todo:
            job.span = False
            self._read(sorted(job.todo), "examining the quotes changed")

    # --- 4 and 5

    def _place(self) -> dict[str, list[QuoteFact]]:
        """The quotes not found where they are cited, by pledge, each with the other sources
        that hold it."""
        missing = self.examined.missing
        needles = {_needle(f) for f in missing} - {""}
        state = self.state
        stored = {} if state is None or not needles else store.holders(self.register, needles)
        self.holders = _elsewhere(
            self.register.url, needles, list(self.sources), self.changed, stored,
            None if state is None else state.placed, self._parts(len(needles) * 10),
        )  # fmt: skip
        placed: dict[str, list[QuoteFact]] = defaultdict(list)
        for fact in missing:
            found = self.holders.get(_needle(fact), ())
            others = [s for s in found if s != fact.cited.source_id]
            placed[fact.cited.pledge_id].append(
                replace(fact, elsewhere=tuple(others)) if others else fact
            )
        return placed

    def _check(self, missing: dict[str, list[QuoteFact]]) -> None:
        """The quote checks of the quotes not found, and the pledge checks, on the pledges
        checked again, a range of them at a time; and what they found, to store."""
        for finding in self.examined.findings:
            self.findings[finding.pledge_id or ""].append(finding)
        support: dict[str, list[Support]] = defaultdict(list)
        for pledge_id, lent in self.examined.support:
            support[pledge_id].append(lent)
        placed = _placed(self.sources, self.texts)
        progress.stage("checking the pledges", total=len(self.dirty))
        for start in range(0, len(self.dirty), PLEDGES_AT_ONCE):
            ids = self.dirty[start : start + PLEDGES_AT_ONCE]
            if self.read.records:
                read = self.read
                verified = {p: [e.verified_on for e in read.evidence.get(p, ())] for p in ids}
            else:  # every pledge, in order, a range at a time
                read = inventory.pledges(self.register, ids, evidence=False, span=True)
                verified = inventory.verified(self.register, ids)
                self.every += (_light(read.records[p]) for p in ids)
            rows: dict[str, tuple[str | None, str | None, str | None, str]] = {}
            for p in ids:
                progress.advance()
                pledge, found = read.records[p], self.findings[p]
                for fact in missing.get(p, ()):
                    found.extend(quote_findings(fact, pledge, self.context))
                for check in CHECKS:
                    if check.scope == "pledge":
                        found.extend(check.run(pledge, support.get(p, ()), self.context))
                since, until = store.window(verified.get(p, ()), self.today, self.days)
                rows[p] = (
                    placed if p in missing else None,
                    None if since is None else since.isoformat(),
                    None if until is None else until.isoformat(),
                    store.findings_json(found),
                )  # fmt: skip
            if self.job.whole:  # stored as they come, not held
                self.keep(store.pledges_written(rows))
            else:
                self.rows.update(rows)

    def _register_holds(self) -> bool:
        """Whether the register checks' stored findings still hold: no pledge was added since,
        and none changed what those checks read."""
        state = self.state
        if state is None or state.register is None or self.candidates is None:
            return False
        for action, changes in self.register.rows(
            "SELECT action, changes FROM revisions WHERE seq > :seq AND entity = 'pledge'",
            {"seq": state.seq},
        ):
            changed = json.loads(changes) if isinstance(changes, str | bytes) else changes
            if action != "update" or any(field in changed for field in REGISTER_READS):
                return False
        return True

    def _register_checks(self) -> list[Finding]:
        if self._register_holds():
            assert self.state is not None and self.state.register is not None
            return store.findings_of(self.state.register)
        every: list[Any] = (  # what the register checks read of every pledge
            self.every
            if self.job.whole
            else list(self.read.records.values())
            if self.candidates is None
            else inventory.every_pledge(self.register)
        )
        return [f for c in CHECKS if c.scope == "register" for f in c.run(every, self.context)]

    def _report(self, only: Selection | None) -> Report:
        selected = self.selected
        out = [f for p in self.dirty if selected is None or p in selected
               for f in self.findings[p]]  # fmt: skip
        out += [f for p in self.holding if selected is None or p in selected
                for f in store.findings_of(self.kept[p].findings)]  # fmt: skip
        if self.state is not None and self.candidates is not None and selected is None:
            out += store.reported(self.register, self.candidates)
        self.register_findings = self._register_checks()
        out += [f for f in self.register_findings if selected is None or f.pledge_id in selected]
        audited = _audited_sources(selected, self.read, self.sources, only)
        for check in CHECKS:
            if check.scope == "source":
                for source_id in audited:
                    out += check.run(self.context.sources[source_id], self.context)
        if selected is not None:
            pledges = len(selected)
            quotes = sum(len(self.read.evidence.get(p, ())) for p in selected)
        else:
            counted = "SELECT (SELECT count(*) FROM pledges), (SELECT count(*) FROM evidence)"
            pledges, quotes = (int(n) for n in self.register.rows(counted)[0])
        return Report.of(
            out, pledges=pledges, quotes=quotes, sources=len(audited),
            examined=self.quotes_examined,
        )  # fmt: skip

    def _keep(self) -> None:
        """Store the rest of what was learnt, the state last."""
        state, found = self.state, self.sources
        placed = _placed(found, self.texts)
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
            self._changes(self.state)
        self._check(self._place())
        report = self._report(only)
        self._keep()
        return report


def _elsewhere(
    url: str,
    needles: set[str],
    every: list[str],
    changed: set[str],
    stored: dict[str, tuple[str, list[str]]],
    placed: str | None,
    parts: int,
) -> dict[str, list[str]]:
    """needle -> the sources holding it: as stored when it was sought among the sources as they
    were at the last audit (`placed`), with the sources changed since sought again; else sought
    in every source."""  # fmt: skip
    out: dict[str, set[str]] = {}
    again, anew = set(), set()
    present = set(every)
    for needle in needles:
        kept = stored.get(needle)
        if kept is not None and kept[0] == placed:
            out[needle] = (set(kept[1]) - changed) & present
            again.add(needle)
        else:
            out[needle] = set()
            anew.add(needle)
    for quotes, ids in ((anew, every), (again, sorted(changed & present))):
        if not quotes or not ids:
            continue
        progress.stage("looking for misplaced quotes in the articles", total=len(ids))
        cut = chunks(ids, parts)
        found = over(cut, reading.scan, Search, (url, sorted(quotes), ids is every), parts)
        for chunk, pairs in zip(cut, found, strict=True):
            progress.advance(len(chunk))
            for needle, source_id in pairs:
                if needle in quotes:
                    out[needle].add(source_id)
    return {needle: sorted(held) for needle, held in out.items()}


def _light(pledge: Any) -> inventory.Light:
    return inventory.Light((pledge.id, pledge.kind, pledge.target_year, pledge.status,
                            pledge.actors))  # fmt: skip


def _placed(found: dict[str, Any], texts: dict[str, str]) -> str:
    """The digest of every source's id and texts: what a search for a quote was made among."""
    return inventory.digest(sorted((i, s.sha256, texts.get(i)) for i, s in found.items()))


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


def _audited_sources(
    selected: set[str] | None,
    read: inventory.Pledges,
    found: dict[str, Any],
    only: Selection | None,
) -> list[str]:
    """The sources audited: every one, or those the selected pledges cite (and the source
    named)."""  # fmt: skip
    if selected is None or only is None:
        return list(found)
    cited = {e.source_id for p in selected for e in read.evidence.get(p, ())}
    if only.source is not None:
        cited.add(only.source)
    return [s for s in found if s in cited]
