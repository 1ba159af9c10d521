"""The audit of the report's register, run in a process of its own on a large register.

On a large register (build's `aside_from` quotes or more) the audit runs in a child started by
pledges.parallel while this process holds no database connection and runs no thread: the
downloads' process works beside it, and the memory a first audit takes is given back when it is
done, before the report reads the register. A small register is audited in this process.
"""

from __future__ import annotations

from datetime import date
from functools import partial

from pledges import parallel
from pledges.audit import Report, audit


class Audit:
    """The audit of a register: started aside when it is large, collected with `report()`."""

    def __init__(self, db: str | None, today: date, reverify_days: int, *, aside: bool) -> None:
        self.db, self.today, self.reverify_days = db, today, reverify_days
        self.child: parallel.Child[Report] | None = None
        if aside and parallel.forking():
            self.child = parallel.Child(
                partial(audit, db, today=today, reverify_days=reverify_days),
                name="pledges-audit",
            )

    def report(self) -> Report:
        if self.child is None:
            return audit(self.db, today=self.today, reverify_days=self.reverify_days)
        return self.child.result()

    def close(self) -> None:
        """Stop listening; the audit's process (and its own workers) end with it."""
        if self.child is not None:
            self.child.close()
