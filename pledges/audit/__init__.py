"""The audit: checks every entry of the register against the articles it cites.

    audit(db) -> Report           run every check; findings are data, never exceptions
    CHECKS                        the registry: code, severity, scope, and the rule (docstring)

Modules: facts (reading each article once per audit), checks (the rules), actors (aliases in
text), findings (what is reported), run (loading, workers, ordering).
"""

from pledges.audit.checks import CHECKS, Check
from pledges.audit.findings import Finding, Report, Severity
from pledges.audit.run import audit

__all__ = ["CHECKS", "Check", "Finding", "Report", "Severity", "audit"]
