"""The audit: checks every entry of the register against the articles it cites.

    audit(db) -> Report           run every check; findings are data, never exceptions
    CHECKS                        the registry: code, severity, scope, and the rule (docstring)

Modules: run (reading the register through pledges.records, workers, ordering), facts (reading
each article once per audit), checks (the rules, each registered with its code and severity),
actors (aliases in text), findings (what is reported).

The names above are loaded when first used, so that importing one module of the audit (facts,
say) does not import the database layer with it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pledges.audit.checks import CHECKS
    from pledges.audit.findings import Finding, Report, Severity
    from pledges.audit.registry import Check
    from pledges.audit.run import audit

__all__ = ["CHECKS", "Check", "Finding", "Report", "Severity", "audit"]

_HOMES = {
    "CHECKS": "checks", "Check": "registry",
    "Finding": "findings", "Report": "findings", "Severity": "findings",
    "audit": "run",
}  # fmt: skip


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"pledges.audit.{home}"), name)
