"""Long views for people go through a pager, as `git log`'s do.

    with paged(format):
        render.something(..., format)

pages what the block draws when it draws a table (not json, jsonl or csv) and stdout is a
terminal: the block draws on one console (`console`, which render.out() returns meanwhile) that
keeps the terminal's width and colours, and at its end the whole text goes to $PAGER, else to
`less` with LESS=FRX (unless LESS is set): a view shorter than the screen is printed and less
quits at once. PAGER set empty or to `cat` turns paging off. Piped or redirected output is never
paged, and a pager that cannot be started leaves the text printed as it would have been.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

console: Console | None = None  # while a view is paged, the console it is drawn on

PAGED_FORMATS = frozenset({"table"})


def command() -> str | None:
    """The pager to run, as a shell command line; None when output is not to be paged."""
    if not sys.stdout.isatty():
        return None
    pager = os.environ.get("PAGER")
    if pager is None:
        return "less" if shutil.which("less") else None
    if not pager.strip() or pager.strip() == "cat":
        return None
    return pager


def show(text: str, pager: str) -> None:
    """`text` through the pager (its own stdout is the terminal); printed if it cannot start."""
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")
    sys.stdout.flush()
    try:
        subprocess.run(pager, shell=True, input=text.encode(), env=env, check=False)
    except OSError:
        sys.stdout.write(text)
    except KeyboardInterrupt:  # quitting the pager with ^C ends the view, not in an error
        pass


@contextmanager
def paged(format: str) -> Iterator[None]:
    """Page what the block draws, when it is a table on a terminal (see the module's doc)."""
    global console
    pager = command() if format in PAGED_FORMATS else None
    if pager is None or console is not None:
        yield
        return
    from rich.console import Console

    console = Console(soft_wrap=False, highlight=False)
    try:
        with console.capture() as captured:
            yield
    finally:
        console = None
    show(captured.get(), pager)
