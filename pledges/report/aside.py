"""The audit, run in a process of its own while the report is drawn.

Drawing ten thousand pages and auditing ten thousand pledges are each a second or two of work;
side by side they take little more than the longer of the two. The audit runs in a child process
forked before this process opens any database connection or thread, and sends its Report back
through a pipe. A small register is audited in this process instead: forking would cost more
than it saves.
"""

from __future__ import annotations

import multiprocessing
import sys
from datetime import date
from multiprocessing.connection import Connection
from typing import Any

from pledges import errors
from pledges.audit import Report, audit

ASIDE_FROM = 2_000  # quotes; below this the audit runs in this process, after the drawing


def _child(sender: Connection, db: str | None, today: date, reverify_days: int) -> None:
    try:
        outcome: tuple[Any, ...] = ("report", audit(db, today=today, reverify_days=reverify_days))
    except errors.PledgesError as error:
        outcome = ("error", type(error).__name__, error.message, error.hint)
    except BaseException as error:  # sent back whole: the parent reports it
        outcome = ("failed", f"{type(error).__name__}: {error}")
    try:
        sender.send(outcome)
    except (BrokenPipeError, OSError):
        pass  # the parent stopped waiting (it failed itself)
    finally:
        sender.close()


class Audit:
    """The audit of a register: started aside when it is large, collected with `report()`."""

    def __init__(self, db: str | None, today: date, reverify_days: int, *, aside: bool) -> None:
        self.db, self.today, self.reverify_days = db, today, reverify_days
        self.process: Any = None
        self.receiver: Connection | None = None
        if aside and sys.platform == "linux":
            context = multiprocessing.get_context("fork")
            self.receiver, sender = context.Pipe(duplex=False)
            self.process = context.Process(
                target=_child, args=(sender, db, today, reverify_days), name="pledges-audit"
            )
            self.process.start()
            sender.close()

    def report(self) -> Report:
        if self.receiver is None:
            return audit(self.db, today=self.today, reverify_days=self.reverify_days)
        try:
            outcome = self.receiver.recv()
        except EOFError:
            self.process.join()
            raise RuntimeError(
                f"the audit process ended without a result (exit code {self.process.exitcode})"
            ) from None
        finally:
            self.close()
        if outcome[0] == "error":
            kind = getattr(errors, outcome[1], errors.PledgesError)
            raise kind(outcome[2], outcome[3])
        if outcome[0] == "failed":
            raise RuntimeError(f"the audit failed ({outcome[1]})")
        report: Report = outcome[1]
        return report

    def close(self) -> None:
        """Stop listening and wait for the child to end. It is not killed: the audit's own
        worker processes would be left behind; without a listener it ends on its own."""
        if self.receiver is not None:
            self.receiver.close()
            self.receiver = None
        if self.process is not None:
            self.process.join()
            self.process = None
