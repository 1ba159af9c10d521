"""Work done in processes of their own while the report is drawn: the audit, and a twin.

Drawing ten thousand pages and auditing ten thousand pledges are each a few seconds of CPU;
side by side they share the machine's cores instead of taking turns. The audit runs in a child
process, started while this one holds no database connection and runs no thread, and its Report
goes to each process that draws pages. Once the register is read, a twin (a forked copy of this
process) draws and writes part of the pledges' pages, so that once the audit is done two
processes, not one, finish the pages. Both are started by pledges.parallel. A small register
(below build's `aside_from` quotes) is audited in this process, after the drawing, with no twin.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import TypeVar

from pledges import parallel
from pledges.audit import Report, audit

T = TypeVar("T")


class Audit:
    """The audit of a register: started aside when it is large, collected with `report()`.
    `readers` processes will each want it: this one, and a twin if there is one."""

    def __init__(
        self, db: str | None, today: date, reverify_days: int, *, aside: bool, readers: int = 1
    ) -> None:
        self.db, self.today, self.reverify_days = db, today, reverify_days
        self.child: parallel.Child[Report] | None = None
        if aside and parallel.forking():
            self.child = parallel.Child(
                partial(audit, db, today=today, reverify_days=reverify_days),
                name="pledges-audit",
                readers=readers,
            )

    @property
    def aside(self) -> bool:
        return self.child is not None

    def report(self) -> Report:
        if self.child is None:
            return audit(self.db, today=self.today, reverify_days=self.reverify_days)
        return self.child.result()

    def twin(self, work: Callable[[Callable[[], Report]], T]) -> parallel.Child[T]:
        """A forked copy of this process doing `work`: it is handed a way to the audit's Report,
        the last reader's end of the audit's pipe (which this process will not read)."""
        assert self.child is not None, "only an audit run aside has readers to hand over"
        receiver = self.child.hand_over()
        return parallel.Child(
            partial(work, partial(parallel.receive, receiver)),
            name="pledges-twin",
            give=[receiver],  # the twin's now: were it to fail, the audit must not wait for us
        )

    def close(self) -> None:
        """Stop listening; the audit's process (and its own workers) end with it."""
        if self.child is not None:
            self.child.close()
