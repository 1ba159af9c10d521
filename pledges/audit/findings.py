"""Findings: what the audit reports. Data, never exceptions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
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

    @staticmethod
    def of(findings: Iterable[Finding], *, pledges: int, quotes: int, sources: int) -> Report:
        ordered = tuple(sorted(set(findings), key=Finding.sort_key))
        return Report(ordered, pledges, quotes, sources)

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
        }

    def as_dict(self) -> dict[str, Any]:
        return {"summary": self.summary(), "findings": [f.as_dict() for f in self.findings]}
