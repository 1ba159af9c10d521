"""Step 5 of the audit (pledges.audit.run): the checks, and the report of what they found.

The quote checks of the quotes not found and the pledge checks run on the pledges checked
again, a range of them at a time, and what they find is kept to store; every other pledge's
findings are as stored. The register checks run on every pledge when a pledge was added or
changed what they read, else their findings are as stored. The source checks run on every
source audited.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from pledges import progress
from pledges.audit import inventory, store
from pledges.audit.checks import CHECKS
from pledges.audit.elsewhere import placed
from pledges.audit.findings import Finding, Report
from pledges.audit.reading import quote_findings
from pledges.audit.registry import REGISTER_READS, Support

if TYPE_CHECKING:
    from pledges.audit.facts import QuoteFact
    from pledges.audit.run import Audit
    from pledges.audit.selection import Selection

PLEDGES_AT_ONCE = 1_000  # pledges read at a time to be checked, when nothing was stored


def check(audit: Audit, missing: dict[str, list[QuoteFact]]) -> None:
    """The quote checks of the quotes not found, and the pledge checks, on the pledges
    checked again, a range of them at a time; and what they found, to store."""
    for finding in audit.examined.findings:
        audit.findings[finding.pledge_id or ""].append(finding)
    support: dict[str, list[Support]] = defaultdict(list)
    for pledge_id, lent in audit.examined.support:
        support[pledge_id].append(lent)
    among = placed(audit.sources, audit.texts)
    progress.stage("checking the pledges", total=len(audit.dirty))
    for start in range(0, len(audit.dirty), PLEDGES_AT_ONCE):
        ids = audit.dirty[start : start + PLEDGES_AT_ONCE]
        if audit.read.records:
            read = audit.read
            verified = {p: [e.verified_on for e in read.evidence.get(p, ())] for p in ids}
        else:  # every pledge, in order, a range at a time
            read = inventory.pledges(audit.register, ids, evidence=False, span=True)
            verified = inventory.verified(audit.register, ids)
            audit.every += (_light(read.records[p]) for p in ids)
        rows: dict[str, tuple[str | None, str | None, str | None, str]] = {}
        for p in ids:
            progress.advance()
            pledge, found = read.records[p], audit.findings[p]
            for fact in missing.get(p, ()):
                found.extend(quote_findings(fact, pledge, audit.context))
            for rule in CHECKS:
                if rule.scope == "pledge":
                    found.extend(rule.run(pledge, support.get(p, ()), audit.context))
            since, until = store.window(verified.get(p, ()), audit.today, audit.days)
            rows[p] = (
                among if p in missing else None,
                None if since is None else since.isoformat(),
                None if until is None else until.isoformat(),
                store.findings_json(found),
            )  # fmt: skip
        if audit.job.whole:  # stored as they come, not held
            audit.keep(store.pledges_written(rows))
        else:
            audit.rows.update(rows)


def report(audit: Audit, only: Selection | None) -> Report:
    """The findings about what is audited: of the pledges checked again, as stored of the
    others, of the register checks and of the source checks."""
    selected = audit.selected
    out = [f for p in audit.dirty if selected is None or p in selected
           for f in audit.findings[p]]  # fmt: skip
    out += [f for p in audit.holding if selected is None or p in selected
            for f in store.findings_of(audit.kept[p].findings)]  # fmt: skip
    if audit.state is not None and audit.candidates is not None and selected is None:
        out += store.reported(audit.register, audit.candidates)
    audit.register_findings = _register_checks(audit)
    out += [f for f in audit.register_findings if selected is None or f.pledge_id in selected]
    audited = _audited_sources(selected, audit.read, audit.sources, only)
    for rule in CHECKS:
        if rule.scope == "source":
            for source_id in audited:
                out += rule.run(audit.context.sources[source_id], audit.context)
    if selected is not None:
        pledges = len(selected)
        quotes = sum(len(audit.read.evidence.get(p, ())) for p in selected)
    else:
        counted = "SELECT (SELECT count(*) FROM pledges), (SELECT count(*) FROM evidence)"
        pledges, quotes = (int(n) for n in audit.register.rows(counted)[0])
    return Report.of(
        out, pledges=pledges, quotes=quotes, sources=len(audited),
        examined=audit.quotes_examined,
    )  # fmt: skip


def _register_holds(audit: Audit) -> bool:
    """Whether the register checks' stored findings still hold: no pledge was added since,
    and none changed what those checks read."""
    state = audit.state
    if state is None or state.register is None or audit.candidates is None:
        return False
    for action, changes in audit.register.rows(
        "SELECT action, changes FROM revisions WHERE seq > :seq AND entity = 'pledge'",
        {"seq": state.seq},
    ):
        changed = json.loads(changes) if isinstance(changes, str | bytes) else changes
        if action != "update" or any(field in changed for field in REGISTER_READS):
            return False
    return True


def _register_checks(audit: Audit) -> list[Finding]:
    if _register_holds(audit):
        assert audit.state is not None and audit.state.register is not None
        return store.findings_of(audit.state.register)
    every: list[Any] = (  # what the register checks read of every pledge
        audit.every
        if audit.job.whole
        else list(audit.read.records.values())
        if audit.candidates is None
        else inventory.every_pledge(audit.register)
    )
    return [f for c in CHECKS if c.scope == "register" for f in c.run(every, audit.context)]


def _light(pledge: Any) -> inventory.Light:
    return inventory.Light((pledge.id, pledge.kind, pledge.target_year, pledge.status,
                            pledge.actors))  # fmt: skip


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
