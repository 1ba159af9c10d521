"""Progress of long work, shown on stderr to the person at a terminal, and to nobody else.

A command runs its work inside one task; the code it calls names its stages and counts what it
has done, each in one line, without being handed anything:

    with progress.task("Importing"):                  # in the command (pledges/cli/)
        ...
        progress.stage("checking the rows", total=n)  # anywhere below it
        for row in rows:
            ...
            progress.advance()                        # one more done (or advance(k))
        rows = [read(row) for row in progress.counted(query)]  # each counted as it is taken

The display (pledges.render.progress) appears on stderr only when stderr is a terminal (and not
TERM=dumb), only once the task has run DELAY seconds (PLEDGES_PROGRESS_DELAY: seconds, or `off`),
and only in the process that began the task: a forked worker's calls do nothing. It is one line
redrawn at most every REDRAW_EVERY seconds, and it is cleared when the task ends, before the
command prints its own messages (its result, or an error). stdout is never touched. rich, which
draws it, leaves colour out when NO_COLOR is set.

When there is no display, `stage` and `advance` cost a global lookup, and nothing is imported:
the display (and rich) is imported only when it is first shown.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

from pledges.errors import InvalidInput

if TYPE_CHECKING:
    from pledges.render.progress import Display

T = TypeVar("T")

DELAY_VARIABLE = "PLEDGES_PROGRESS_DELAY"
DELAY = 1.0  # seconds of work before anything is shown: short commands print nothing extra
REDRAW_EVERY = 0.1  # seconds between two drawings of the display


def delay() -> float | None:
    """Seconds before the display appears; None when it never does (stderr is not a terminal,
    TERM is dumb, or PLEDGES_PROGRESS_DELAY is `off`)."""
    value = os.environ.get(DELAY_VARIABLE)
    seconds = DELAY if value is None else _seconds(value)
    if seconds is None or os.environ.get("TERM") == "dumb":
        return None
    try:
        terminal = sys.stderr is not None and sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced by an object without isatty, or closed
        terminal = False
    return seconds if terminal else None


def _seconds(value: str) -> float | None:
    if value.strip().lower() == "off":
        return None
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not seconds >= 0:  # also NaN
        raise InvalidInput(
            f"{DELAY_VARIABLE}={value!r} is not a number of seconds",
            "set it to the seconds to wait before showing progress (e.g. 0 or 2.5), to off, "
            "or unset it",
        )
    return seconds


class _Task:
    """The work of one command, and the display of it once it is shown."""

    def __init__(self, what: str, total: int | None, wait: float) -> None:
        self.what, self.total = what, total
        self.stage: str | None = None
        self.done = 0
        self.began = time.monotonic()
        self.due = self.began + wait  # when to draw next
        self.owner = os.getpid()
        self.display: Display | None = None

    def advance(self, done: int = 1) -> None:
        self.done += done
        if time.monotonic() >= self.due:
            self.draw()

    def draw(self) -> None:
        if os.getpid() != self.owner:  # a forked worker: the display is its parent's
            self.due = math.inf
            return
        if self.display is None:
            from pledges.render.progress import Display

            self.display = Display()
        label = self.what if self.stage is None else f"{self.what}: {self.stage}"
        now = time.monotonic()
        self.display.show(label, self.done, self.total, now - self.began)
        self.due = now + REDRAW_EVERY

    def close(self) -> None:
        if self.display is not None and os.getpid() == self.owner:
            self.display.close()
        self.display = None


_current: _Task | None = None


def _nothing(done: int = 1) -> None:
    """What `task` gives when nothing is shown."""


@contextmanager
def task(what: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """The work of a command, shown as `what` (with `total` things to do, when known); gives the
    function that counts them done (as `advance`). Inside another task, it is a stage of it."""
    global _current
    if _current is not None:
        outer = _current
        saved = (outer.stage, outer.total, outer.done)
        stage(what[:1].lower() + what[1:], total)
        try:
            yield outer.advance
        finally:
            outer.stage, outer.total, outer.done = saved
        return
    wait = delay()
    if wait is None:
        yield _nothing
        return
    _current = _Task(what, total, wait)
    try:
        _current.advance(0)
        yield _current.advance
    finally:
        done, _current = _current, None
        done.close()


def stage(what: str, total: int | None = None) -> None:
    """The stage the current task is at (what it does now), and how many things it has to do
    (None: unknown); the count starts again from 0."""
    current = _current
    if current is None:
        return
    current.stage, current.total, current.done = what, total, 0
    if current.display is not None or time.monotonic() >= current.due:
        current.draw()


def quiet() -> None:
    """Clear the current task's display and show nothing more of it: the command is about to
    print on the terminal the display is drawn on."""
    current = _current
    if current is not None:
        current.close()
        current.due = math.inf


def advance(done: int = 1) -> None:
    """Count `done` more things of the current stage done."""
    if _current is not None:
        _current.advance(done)


def counted(items: Iterable[T]) -> Iterable[T]:
    """`items`, each counted done as it is taken (`items` itself when there is no task)."""
    if _current is None:
        return items
    return _counting(items)


def _counting(items: Iterable[T]) -> Iterator[T]:
    for item in items:
        yield item
        advance()
