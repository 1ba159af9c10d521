"""Work done in processes of their own while the report is drawn: the audit, and a twin.

Drawing ten thousand pages and auditing ten thousand pledges are each a few seconds of CPU;
side by side they share the machine's cores instead of taking turns. The audit runs in a child
process, forked while this one holds no database connection and runs no thread, and sends its
Report back through a pipe to each process that draws pages. Once the register is read, a twin
(a forked copy of this process) draws and writes part of the pledges' pages, so that once the
audit is done two processes, not one, finish the pages.

A small register is audited in this process, with no twin: forking would cost more than it saves.
"""

from __future__ import annotations

import multiprocessing
import pickle
import sys
import threading
from collections.abc import Callable
from datetime import date
from multiprocessing.connection import Connection
from typing import Any

from pledges import errors
from pledges.audit import Report, audit

ASIDE_FROM = 2_000  # quotes; below this the audit runs in this process, after the drawing


def _forking() -> Any:
    return multiprocessing.get_context("fork")


def _audit_child(
    senders: list[Connection], db: str | None, today: date, reverify_days: int
) -> None:
    try:
        outcome: tuple[Any, ...] = ("report", audit(db, today=today, reverify_days=reverify_days))
    except errors.PledgesError as error:
        outcome = ("error", type(error).__name__, error.message, error.hint)
    except BaseException as error:  # sent back whole: the parent reports it
        outcome = ("failed", f"{type(error).__name__}: {error}")
    data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)

    def send(sender: Connection) -> None:
        try:
            sender.send_bytes(data)
        except OSError:
            pass  # that reader stopped waiting (it failed itself)
        finally:
            sender.close()

    # To every reader at once: each takes it when its drawing is done, and none waits for another.
    sending = [threading.Thread(target=send, args=(s,)) for s in senders]
    for thread in sending:
        thread.start()
    for thread in sending:
        thread.join()


def receive(receiver: Connection, process: Any = None) -> Report:
    """The audit's Report, as its child sent it; its failure raised here. `process`: the audit's,
    when this process started it (and so can tell its exit code)."""
    try:
        outcome = receiver.recv()
    except EOFError:
        code = "unknown"
        if process is not None:
            process.join()
            code = str(process.exitcode)
        raise RuntimeError(f"the audit process ended without a result (exit code {code})") from None
    finally:
        receiver.close()
    if outcome[0] == "error":
        kind = getattr(errors, outcome[1], errors.PledgesError)
        raise kind(outcome[2], outcome[3])
    if outcome[0] == "failed":
        raise RuntimeError(f"the audit failed ({outcome[1]})")
    report: Report = outcome[1]
    return report


class Audit:
    """The audit of a register: started aside when it is large, collected with `report()`.
    `readers` processes will each want it: this one, and a twin if there is one."""

    def __init__(
        self, db: str | None, today: date, reverify_days: int, *, aside: bool, readers: int = 1
    ) -> None:
        self.db, self.today, self.reverify_days = db, today, reverify_days
        self.process: Any = None
        self.receivers: list[Connection] = []
        if aside and sys.platform == "linux":
            pipes = [_forking().Pipe(duplex=False) for _ in range(readers)]
            self.receivers = [receiver for receiver, _ in pipes]
            senders = [sender for _, sender in pipes]
            self.process = _forking().Process(
                target=_audit_child, args=(senders, db, today, reverify_days), name="pledges-audit"
            )
            self.process.start()
            for sender in senders:
                sender.close()

    @property
    def aside(self) -> bool:
        return self.process is not None

    def report(self) -> Report:
        if not self.aside:
            return audit(self.db, today=self.today, reverify_days=self.reverify_days)
        return receive(self.receivers.pop(0), self.process)

    def hand_over(self) -> Connection:
        """The last reader's end of its pipe, for a twin: this process will not read it."""
        return self.receivers.pop()

    def close(self) -> None:
        """Stop listening and wait for the child to end. It is not killed: the audit's own
        worker processes would be left behind; without a listener it ends on its own."""
        for receiver in self.receivers:
            receiver.close()
        self.receivers = []
        if self.process is not None:
            self.process.join()
            self.process = None


def _twin_child(
    work: Callable[[Callable[[], Report]], int],
    receiver: Connection,
    sender: Connection,
    not_mine: list[Connection],
) -> None:
    for other in not_mine:  # the parent's end of its own pipe from the audit
        other.close()
    try:
        outcome: tuple[Any, ...] = ("done", work(lambda: receive(receiver)))
    except BaseException as error:
        outcome = ("failed", f"{type(error).__name__}: {error}")
    try:
        sender.send(outcome)
    except OSError:
        pass
    finally:
        sender.close()


class Twin:
    """A forked copy of this process doing `work`: it is handed a way to the audit's Report (it
    reads its own pipe from the audit) and returns how many pages it wrote."""

    def __init__(self, work: Callable[[Callable[[], Report]], int], audit: Audit) -> None:
        receiver = audit.hand_over()
        self.receiver, sender = _forking().Pipe(duplex=False)
        self.process = _forking().Process(
            target=_twin_child,
            args=(work, receiver, sender, list(audit.receivers)),
            name="pledges-twin",
        )
        self.process.start()
        sender.close()
        receiver.close()  # the twin's now: were it to fail, the audit must not wait for this end

    def result(self) -> int:
        try:
            outcome = self.receiver.recv()
        except EOFError:
            self.process.join()
            raise RuntimeError(
                f"the process drawing pages ended without a result (exit code "
                f"{self.process.exitcode})"
            ) from None
        finally:
            self.close()
        if outcome[0] == "failed":
            raise RuntimeError(f"drawing pages failed ({outcome[1]})")
        done: int = outcome[1]
        return done

    def close(self) -> None:
        self.receiver.close()
        self.process.join()
