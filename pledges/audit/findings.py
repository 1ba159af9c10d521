"""Findings: what the audit reports. Data, never exceptions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass, field, replace
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
        return {**asdict(self), "severity": self.severity.value}


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]
    pledges: int
    quotes: int
    sources: int
    # What narrowed the audit and its findings, as the summary names it: pledges, source (what
    # was audited), codes, severity (which of its findings are shown). Empty: all of them.
    filters: dict[str, Any] = field(default_factory=dict)

    @staticmethod
    def of(findings: Iterable[Finding], *, pledges: int, quotes: int, sources: int) -> Report:
        ordered = tuple(sorted(set(findings), key=Finding.sort_key))
        return Report(ordered, pledges, quotes, sources)

    def shown(
        self, *, codes: Collection[str] = (), severity: Severity | None = None, **audited: Any
    ) -> Report:
        """The findings of these codes (any, when none are given) and this severity (either,
        when None), the summary naming them and what was `audited` (pledges, source). A source
        audited with the pledges citing it leaves out what concerns only the other sources those
        pledges cite."""
        source = None if audited.get("pledges") else audited.get("source")
        kept = tuple(
            f
            for f in self.findings
            if (not codes or f.code in codes)
            and (severity is None or f.severity is severity)
            and (source is None or f.pledge_id is not None or f.source_id == source)
        )
        filters = {name: value for name, value in audited.items() if value}
        if codes:
            filters["codes"] = sorted(codes)
        if severity is not None:
            filters["severity"] = severity.value
        return replace(self, findings=kept, filters=filters)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    def summary(self) -> dict[str, Any]:
        by_code = Counter(f.code for f in self.findings)
        return {
            "pledges": self.pledges,
            "quotes": self.quotes,
            "sources": self.sources,
            "errors": self.count(Severity.ERROR),
            "warnings": self.count(Severity.WARNING),
            "pledges_with_errors": len(
                {f.pledge_id for f in self.findings if f.severity is Severity.ERROR and f.pledge_id}
            ),
            "by_code": dict(sorted(by_code.items())),
            "filters": self.filters,
        }

    def as_dict(self) -> dict[str, Any]:
        return {"summary": self.summary(), "findings": [f.as_dict() for f in self.findings]}
