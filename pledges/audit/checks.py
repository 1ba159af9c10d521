"""The audit's checks, all of them: `CHECKS`, in the order they run and are listed (by scope:
each quote's, each pledge's, each source's, then the whole register's).

Each check is a small pure function whose docstring states the curation rule it enforces,
entered in the registry with its code and severity by `@check` (pledges.audit.registry, with
what the checks see and say). They are kept by what they look at: pledges.audit.quote_checks (a
quote), pledge_checks (a pledge's evidence taken together) and source_checks (a source, and the
whole register). Importing this module imports them all, so that every check is registered.
"""

from __future__ import annotations

from pledges.audit import pledge_checks, quote_checks, source_checks  # noqa: F401  (they register)
from pledges.audit.registry import REGISTERED, SCOPES, Check

CHECKS: list[Check] = sorted(REGISTERED, key=lambda check: SCOPES.index(check.scope))
