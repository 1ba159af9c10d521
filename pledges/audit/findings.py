"""Findings: what the audit reports. Data, never exceptions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1}


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: Severity
    message: str
    hint: str
    pledge_id: str | None = None
    source_id: str | None = None
    evidence_id: int | None = None

    def sort_key(self) -> tuple[Any, ...]:
        return (
            self.pledge_id or "",
            SEVERITY_ORDER[self.severity],
            self.code,
            self.evidence_id or 0,
            self.source_id or "",
            self.message,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code, "severity": self.severity.value, "message": self.message,
            "hint": self.hint, "pledge_id": self.pledge_id, "source_id": self.source_id,
            "evidence_id": self.evidence_id,
        }  # fmt: skip


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]
    pledges: int
    quotes: int
    sources: int
    # What narrowed the audit and its findings, as the summary names it: pledges, source (what
    # was audited), codes, severity (which of its findings are shown). Empty: all of them.
    filters: dict[str, Any] = field(default_factory=dict)
    # Every finding about what was audited, when `findings` holds only those shown (codes,
    # severity); None: the findings are all of them. The summary counts these.
    audited: tuple[Finding, ...] | None = None
    # How many quotes were examined in their articles by this audit: the others' facts were
    # those an earlier audit stored (pledges.audit.store).
    examined: int = 0

    @staticmethod
    def of(
        findings: Iterable[Finding], *, pledges: int, quotes: int, sources: int, examined: int = 0
    ) -> Report:
        ordered = tuple(sorted(set(findings), key=Finding.sort_key))
        return Report(ordered, pledges, quotes, sources, examined=examined)

    def shown(
        self, *, codes: Collection[str] = (), severity: Severity | None = None, **audited: Any
    ) -> Report:
        """The findings of these codes (any, when none are given) and this severity (either,
        when None), the summary naming them and what was `audited` (pledges, source), and
        counting every finding about what was audited. A source
        audited with the pledges citing it leaves out what concerns only the other sources those
        pledges cite."""
        source = None if audited.get("pledges") else audited.get("source")
        about = tuple(
            f
            for f in self.findings
            if source is None or f.pledge_id is not None or f.source_id == source
        )
        kept = tuple(
            f
            for f in about
            if (not codes or f.code in codes) and (severity is None or f.severity is severity)
        )
        filters = {name: value for name, value in audited.items() if value}
        if codes:
            filters["codes"] = sorted(codes)
        if severity is not None:
            filters["severity"] = severity.value
        return replace(self, findings=kept, filters=filters, audited=about)

    @property
    def all(self) -> tuple[Finding, ...]:
        """Every finding about what was audited, those not shown included."""
        return self.findings if self.audited is None else self.audited

    def count(self, severity: Severity, *, shown: bool = True) -> int:
        """The findings of this severity: those shown, or (not `shown`) all of them."""
        return sum(1 for f in (self.findings if shown else self.all) if f.severity is severity)

    def summary(self) -> dict[str, Any]:
        """What was audited and what the audit found about it (every finding, shown or not),
        the filters, and how many findings are shown."""
        found = self.all
        return {
            "pledges": self.pledges,
            "quotes": self.quotes,
            "sources": self.sources,
            "errors": self.count(Severity.ERROR, shown=False),
            "warnings": self.count(Severity.WARNING, shown=False),
            "pledges_with_errors": len(
                {f.pledge_id for f in found if f.severity is Severity.ERROR and f.pledge_id}
            ),
            "by_code": dict(sorted(Counter(f.code for f in found).items())),
            "filters": self.filters,
            "shown": len(self.findings),
        }

    def as_dict(self) -> dict[str, Any]:
        return {"summary": self.summary(), "findings": [f.as_dict() for f in self.findings]}
