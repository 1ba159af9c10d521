"""Long views for people go through a pager, as `git log`'s do.

    with paged(format):
        render.something(..., format)

pages what the block draws when it draws a table (not json, jsonl or csv) and stdout is a
terminal: the block draws on one console (`console`, which render.out() returns meanwhile) that
keeps the terminal's width and colours, and at its end the whole text goes to $PAGER, else to
`less` with LESS=FRX (unless LESS is set): a view shorter than the screen is printed and less
quits at once. PAGER set empty or to `cat` turns paging off. Piped or redirected output is never
paged. A pager that cannot be run (its command is not found, or the shell exits 126 or 127:
not executable, not found) leaves the text printed as it would have been, and one line on stderr
saying so.
"""

from __future__ import annotations

import os
import shlex
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
NOT_RUN = frozenset({126, 127})  # the shell's exit codes for a command not executable, not found
_SHELL = frozenset("$`|&;<>(){}*?[]~=\\")  # a first word the shell reads, not a program name
# Words the shell itself runs (`exec less`): whether their command exists is the shell's to say.
_BUILTINS = frozenset({".", "!", "builtin", "case", "cd", "command", "eval", "exec", "exit", "for",
                       "if", "set", "until", "while"})  # fmt: skip
_warned = False


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


def _missing(pager: str) -> bool:
    """The pager names a program that is not on PATH (False when the shell must tell)."""
    try:
        words = shlex.split(pager)
    except ValueError:
        return False
    if not words or words[0] in _BUILTINS or any(c in _SHELL for c in words[0]):
        return False
    return shutil.which(words[0]) is None


def _unpaged(text: str, pager: str) -> None:
    """The text printed as it would have been unpaged; once a run, a line saying why."""
    global _warned
    sys.stdout.write(text)
    sys.stdout.flush()
    if not _warned:
        _warned = True
        print(
            f"Note: $PAGER ({pager}) could not be run, so the output is printed without it — "
            "set PAGER to a pager that is installed (e.g. PAGER=less), or PAGER=cat to turn "
            "paging off",
            file=sys.stderr,
        )


def show(text: str, pager: str) -> None:
    """`text` through the pager (its own stdout is the terminal); printed if it cannot run."""
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")
    sys.stdout.flush()
    if _missing(pager):
        _unpaged(text, pager)
        return
    try:
        done = subprocess.run(pager, shell=True, input=text.encode(), env=env, check=False)
    except OSError:
        _unpaged(text, pager)
    except KeyboardInterrupt:  # quitting the pager with ^C ends the view, not in an error
        pass
    else:
        if done.returncode in NOT_RUN:
            _unpaged(text, pager)


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
