"""The one seam through which work runs in other processes: nothing else starts a process or pool.

    forking()                         whether this platform can fork (else callers work alone)
    Child(work, name=...)             one forked process doing `work()`; `result()` is its value
    pool(workers, start, args)        worker processes for `map`, each set up by `start(*args)`

Callers pass their work and decide from their own thresholds whether it is worth a process; the
logic reads as if it ran in one. What every process started here keeps to:

- Started by fork, never spawn: a child shares its parent's memory (copy on write) and needs
  nothing pickled to it. Objects that exist at the fork are frozen out of the garbage collector
  (gc.freeze) until the last child started here is closed, so that neither process writes to
  the pages they share by visiting them.
- A child dies with its parent, whatever kills the parent (even SIGKILL, which no handler sees).
  On Linux the child asks the kernel for SIGKILL when its parent ends (prctl PR_SET_PDEATHSIG),
  then checks that the parent did not end already (before the request, which would then never
  come). Elsewhere a thread of the child watches its parent. Pools' workers do the same, so a
  child's own workers die with it in turn. Children are started from the main thread: the kernel
  signals the child when the *thread* that forked it ends.
- A child closes every pipe end made here that it was not given, before its work: the parent's
  end of its own pipe above all. A write to a pipe whose reader died then fails instead of
  blocking forever (what kept an import's child, and its memory, alive after its parent died).
- One failure policy. A child's exception is raised again in the process that reads its result,
  as it was raised (a PledgesError with its hint; another exception as pickled, or ChildFailed
  when it cannot be). A child that ends without a result (killed, out of memory) is ChildFailed,
  saying how it ended. Closing a child, whether its result came or not, kills it if it still
  runs and waits for it: nothing started here outlives the call that started it.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import cache
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

from pledges.errors import PledgesError

T = TypeVar("T")

PR_SET_PDEATHSIG = 1  # linux/prctl.h
WATCH_EVERY = 0.2  # seconds between looks at the parent, where the kernel cannot be asked


class ChildFailed(RuntimeError):
    """A child process ended without a result, or with a failure that could not be sent back."""


def forking() -> bool:
    """Whether work can be done by forked processes here."""
    return "fork" in multiprocessing.get_all_start_methods()


def _context() -> Any:
    return multiprocessing.get_context("fork")


# --- pipes: every end made here is known, so that a child can close those it was not given --------

_ends: weakref.WeakSet[Connection] = weakref.WeakSet()


def pipe() -> tuple[Connection, Connection]:
    """A one-way pipe: (the end to read, the end to write)."""
    receiver, sender = _context().Pipe(duplex=False)
    _ends.update((receiver, sender))
    return receiver, sender


def _close_ends_but(kept: Iterable[Connection]) -> None:
    keep = {id(end) for end in kept}
    for end in list(_ends):
        if id(end) not in keep and not end.closed:
            end.close()


# --- a child's life: it dies with its parent ------------------------------------------------------


@cache
def _prctl() -> Callable[..., int] | None:
    """libc's prctl, loaded in the parent (once) so that a child need not load it."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        function: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return function


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_EVERY)
    os.kill(os.getpid(), signal.SIGKILL)


def _die_with(parent: int) -> None:
    """Make this (just forked) process end when the process `parent` ends."""
    prctl = _prctl()
    if prctl is None or prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        threading.Thread(target=_watch, args=(parent,), daemon=True, name="parent-watch").start()
    if os.getppid() != parent:  # the parent ended before the kernel was asked to tell
        os.kill(os.getpid(), signal.SIGKILL)


# --- the garbage collector: frozen while any child started here runs ------------------------------

_frozen = 0


def _freeze() -> None:
    global _frozen
    _prctl()  # loaded before the fork, not by each child
    if _frozen == 0:
        gc.freeze()
    _frozen += 1


def _unfreeze() -> None:
    global _frozen
    _frozen -= 1
    if _frozen == 0:
        gc.unfreeze()  # a process that goes on (a test run) collects as before


def _forked() -> None:
    """In a new child: it has started no child of its own yet (its parent's count is not its)."""
    global _frozen
    _frozen = 0


# --- one child, with a result -----------------------------------------------------------------


def _outcome(work: Callable[[], Any]) -> tuple[Any, ...]:
    try:
        return ("value", work())
    except PledgesError as error:  # rebuilt by the reader: subclasses' __init__ differ
        return ("error", type(error), error.message, error.hint)
    except Exception as error:
        return ("raised", error)
    except BaseException as error:  # interrupted: no value to send, but the reader learns it
        return ("raised", ChildFailed(f"a second process was stopped ({type(error).__name__})"))


def _send(sender: Connection, outcome: tuple[Any, ...]) -> None:
    try:
        try:
            sender.send(outcome)
        except OSError:
            pass  # that reader is gone (it failed itself): nothing to tell it
        except Exception as error:  # the value or exception cannot be pickled: say so instead
            what = type(outcome[-1]).__name__
            failed = ChildFailed(f"a second process could not send back its {what} ({error})")
            sender.send(("raised", failed))
    except OSError:
        pass
    finally:
        sender.close()


def _child_main(parent: int, sender: Connection, work: Callable[[], Any]) -> None:
    _forked()
    _die_with(parent)
    _close_ends_but([sender])
    _send(sender, _outcome(work))


def _raise(outcome: tuple[Any, ...]) -> Any:
    kind = outcome[0]
    if kind == "value":
        return outcome[1]
    if kind == "error":
        cls, message, hint = outcome[1:]
        error = cls.__new__(cls)
        Exception.__init__(error, message)
        error.message, error.hint = message, hint
        raise error
    raise outcome[1]


def _receive(receiver: Connection, ended: Callable[[], str]) -> Any:
    """The value a Child sent to this end, or its failure raised here; `ended` says how the
    child ended."""
    try:
        outcome = receiver.recv()
    except (EOFError, OSError):
        raise ChildFailed(f"a second process ended without a result ({ended()})") from None
    except Exception as error:  # sent, but cannot be unpickled here
        raise ChildFailed(f"the result of a second process could not be read ({error})") from None
    finally:
        receiver.close()
    return _raise(outcome)


def _ended(process: Any) -> str:
    process.join()
    code = process.exitcode
    if code is not None and code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return f"exit code {code}"


class Child(Generic[T]):
    """`work()` done by a forked child; `result()` is its value, or raises its failure."""

    def __init__(self, work: Callable[[], T], *, name: str) -> None:
        self._receiver, sender = pipe()
        _freeze()
        self._process = _context().Process(
            target=_child_main, args=(os.getpid(), sender, work), name=name
        )
        try:
            self._process.start()
        except BaseException:
            _unfreeze()
            raise
        self._open = True
        sender.close()

    def result(self) -> T:
        """The work's value; what it raised is raised here (see the module's failure policy)."""
        value: T = _receive(self._receiver, lambda: _ended(self._process))
        return value

    def close(self) -> None:
        """Stop listening; kill the child if it still runs (its own children die with it), and
        wait for it."""
        if not self._open:
            return
        self._open = False
        self._receiver.close()
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        _unfreeze()


# --- pools ------------------------------------------------------------------------------------


def _start_worker(parent: int, start: Callable[..., None], args: tuple[Any, ...]) -> None:
    _forked()
    _die_with(parent)
    _close_ends_but(())
    start(*args)


@contextmanager
def pool(
    workers: int, start: Callable[..., None], args: tuple[Any, ...]
) -> Iterator[ProcessPoolExecutor]:
    """`workers` forked worker processes, each set up by `start(*args)`. Left normally, the pool
    waits for its work; left by an exception (or a generator closed early), its workers are
    killed first."""
    _freeze()
    executor = ProcessPoolExecutor(
        workers, mp_context=_context(), initializer=_start_worker,
        initargs=(os.getpid(), start, args),
    )  # fmt: skip
    done = False
    try:
        yield executor
        done = True
    finally:
        if not done:
            for process in list(executor._processes.values()):
                process.kill()
        executor.shutdown(wait=True, cancel_futures=True)
        _unfreeze()
