"""Steps 2 and 3 of the audit (pledges.audit.run) from what the last audit stored: the sources
changed since, the pledges checked again, and their quotes' facts.

Every article is read to take its text's sha256. The pledges checked again are those the log
names since (they, or their evidence), those citing a source changed or holding an alias
changed, those past a re-verification limit, and, when their stored findings no longer hold,
those selected and those with a quote not found while the sources changed. A pledge whose key
is the stored one keeps its stored findings; the others' quotes take their facts from the store
where their keys are unchanged, and the rest are examined, each of their articles read once
more.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pledges.audit import inventory, reading, store
from pledges.audit.elsewhere import placed
from pledges.audit.inventory import fact_key, lowered
from pledges.audit.registry import Context

if TYPE_CHECKING:
    from pledges.audit.run import Audit


def changes(audit: Audit, state: store.State) -> None:
    """What changed since `state`, and the pledges checked again (audit.dirty) with their
    quotes' facts; the others keep their stored findings (audit.holding)."""
    reg, job, before = audit.register, audit.job, state.sources
    audit.keep.expect = state.writer  # no other audit stored since this one read
    if audit.entries != state.aliases:
        job.renamed = sorted({lowered(name) for name, _ in audit.entries ^ state.aliases})
    audit.texts = audit.read_sources(list(audit.sources), "reading the articles")
    touched = {i for i, _, hit in audit.examined.states if hit}
    audit.changed = {
        i for i, s in audit.sources.items()
        if before.get(i, ("", "", ""))[:2] != (s.sha256, audit.texts[i])
    }  # fmt: skip
    audit.stamps = {
        i: audit.stamp if i in audit.changed or i in touched else before[i][2]
        for i in audit.sources
    }
    # Checked again: those that changed; and, if their stored findings no longer hold,
    # those selected and those with a quote not found while the sources changed.
    changed = set() if state.days != audit.days else _since(audit, state, touched)
    maybe = set(audit.selected or ())
    if audit.changed or set(state.sources) != set(audit.sources):
        maybe |= set(store.placed_among(reg))
    audit.candidates = None if state.days != audit.days else changed | maybe
    audit.read = inventory.pledges(reg, audit.candidates)
    job.pledges = audit.read.records
    audit.kept = store.kept(reg, audit.read.records)
    among = placed(audit.sources, audit.texts)
    for p in audit.read.records:
        held = audit.kept.get(p)
        if (audit.candidates is None or p in changed or held is None
                or (held.placed is not None and held.placed != among)):  # fmt: skip
            audit.dirty.append(p)
        else:
            audit.holding.append(p)
    audit.context = Context(
        audit.today, audit.days, inventory.source_facts(audit.sources, audit.texts)
    )
    _facts(audit)


def _since(audit: Audit, state: store.State, touched: set[str]) -> set[str]:
    """The pledges whose findings may have changed since the last audit: named by the log
    (they or their evidence), citing a source changed or holding an alias changed, or past
    a re-verification limit (or before the day their findings were made for)."""
    reg = audit.register
    logged = reg.rows(
        "SELECT DISTINCT entity, entity_id FROM revisions WHERE seq > :seq", {"seq": state.seq}
    )
    pledges = {str(i) for entity, i in logged if entity == "pledge"}
    evidence = {int(i) for entity, i in logged if entity == "evidence"}
    sources = audit.changed | touched | {str(i) for e, i in logged if e == "source"}
    for column, among in (("id", evidence), ("source_id", sources)):
        if among:
            condition, params = inventory.among(reg, column, among)
            rows = reg.rows(f"SELECT DISTINCT pledge_id FROM evidence WHERE {condition}", params)
            pledges |= {str(row[0]) for row in rows}
    return pledges | set(store.expired(reg, audit.today))


def _facts(audit: Audit) -> None:
    """The facts of the quotes of the pledges checked again: stored, or examined now."""
    read, job = audit.read, audit.job
    wanted: dict[int, str] = {}
    for p in audit.dirty:
        several = len(read.records[p].actors) > 1
        for item in read.evidence.get(p, ()):
            source = item.source_id
            wanted[item.id] = fact_key(
                item.quote, audit.texts[source], audit.stamps[source], several
            )
    known = store.facts(audit.register, wanted.values())
    job.todo, job.keys, job.sources, job.renamed = {}, wanted, audit.context.sources, []
    job.texts = audit.texts
    for p in audit.dirty:
        for item in read.evidence.get(p, ()):
            saved = known.get(wanted[item.id])
            if saved is None:
                job.todo.setdefault(item.source_id, []).append(item)
            else:
                fact = store.fact_of(saved, item)
                reading.sort_fact(fact, read.records[p], audit.context, audit.examined)
    if job.todo:
        job.span = False
        audit.read_sources(sorted(job.todo), "examining the quotes changed")
