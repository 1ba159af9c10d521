"""The progress display: shown on stderr when it is a terminal, never anywhere else.

The commands run in a process of their own, with stderr on a real pseudo-terminal (os.openpty)
and stdout in a file; each also runs without a terminal, and their stdout must be byte for byte
the same, their stderr the same once the display is cleared. PLEDGES_PROGRESS_DELAY=0 shows the
display at once, however short the command.
"""

from __future__ import annotations

import fcntl
import io
import os
import re
import struct
import subprocess
import sys
import tempfile
import termios
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import make_url

from pledges import progress
from tests.conftest import CLI, ROOT, FreshPostgres

TODAY = "2026-01-15"  # the audit's day, so that two runs find the same
CLEAR = "\x1b[2K"  # how the display's last drawing is erased, before the command's own lines
ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@dataclass(frozen=True)
class Ran:
    code: int
    out: bytes
    err: str  # as the terminal received it (a tty ends lines with \r\n)


def pledges(*args: str, terminal: bool, **env: str) -> Ran:
    """`pledges ARGS...` in a new process, its stderr a terminal 100 columns wide or a pipe."""
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
    environment.update({"PLEDGES_PROGRESS_DELAY": "0", "TERM": "xterm-256color", "COLUMNS": "100"})
    environment.update(env)
    command = [sys.executable, "-m", "pledges", *args]
    with tempfile.TemporaryFile() as out:
        if not terminal:
            done = subprocess.run(command, stdout=out, stderr=subprocess.PIPE, env=environment,
                                  cwd=ROOT, timeout=120, check=False)  # fmt: skip
            out.seek(0)
            return Ran(done.returncode, out.read(), done.stderr.decode())
        main, side = os.openpty()
        fcntl.ioctl(side, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        try:
            process = subprocess.Popen(command, stdout=out, stderr=side, env=environment, cwd=ROOT)
        finally:
            os.close(side)
        received = bytearray()
        try:
            while chunk := _read(main):
                received += chunk
        finally:
            os.close(main)
        code = process.wait(timeout=120)
        out.seek(0)
        return Ran(code, out.read(), received.decode())


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:  # Linux: EIO once the last process holding the terminal has ended
        return b""


def displayed(err: str) -> str:
    """What the display drew, without its escape codes."""
    return ESCAPE.sub("", err.rpartition(CLEAR)[0])


def after_display(err: str) -> str:
    """The command's own lines, written once the display was cleared, as a pipe receives them."""
    return err.rpartition(CLEAR)[2].replace("\r\n", "\n")


def same_both_ways(*args: str, stage: str) -> Ran:
    """Run a command on a terminal and without: the display (naming `stage`) is on the terminal
    only, and cleared before the command's own lines; stdout is the same."""
    shown = pledges(*args, terminal=True)
    piped = pledges(*args, terminal=False)
    assert shown.code == piped.code
    assert stage in displayed(shown.err)
    assert after_display(shown.err) == piped.err
    assert shown.out == piped.out
    assert "\x1b" not in piped.err and "\r" not in piped.err
    return piped


@pytest.fixture
def register(db_url: str) -> str:
    assert pledges("init", "--db", db_url, terminal=False).code == 0
    return db_url


def test_commands_that_read(register: str, tmp_path: Path) -> None:
    audited = same_both_ways("audit", "--today", TODAY, "--format", "json", "--db", register,
                             stage="Auditing: checking the pledges")  # fmt: skip
    assert audited.code == 0 and b'"warnings": ' in audited.out  # the seeds hold warnings
    comparing = "Verifying the log: comparing the records with the log"
    verified = same_both_ways("log", "verify", "--db", register, stage=comparing)
    assert verified.code == 0 and verified.err.startswith("The log is intact: 41 revisions")
    history = same_both_ways("history", "--format", "json", "--db", register,
                             stage="Reading the log: reading the revisions")  # fmt: skip
    assert history.code == 0 and history.out.count(b'"seq"') == 41


def test_tables_count_their_lines_as_they_are_drawn(register: str) -> None:
    """A table going to a file or a pipe is drawn a batch of lines at a time, each counted."""
    for args, stage in (
        (["list"], "Listing the pledges: drawing the table"),
        (["source", "list"], "Listing the sources: drawing the table"),
        (["actor", "list"], "Listing the actors: drawing the table"),
        (["history"], "Reading the log: drawing the table"),
    ):
        drawn = same_both_ways(*args, "--db", register, stage=stage)
        assert drawn.code == 0 and drawn.out.count(b"\n") > 10, args


def test_commands_that_write_files(register: str, tmp_path: Path) -> None:
    runs = {}
    for name, terminal in (("shown", True), ("piped", False)):
        runs[name] = pledges("export", "--out", str(tmp_path / name), "--db", register,
                             terminal=terminal)  # fmt: skip
    assert "Exporting: writing the files" in displayed(runs["shown"].err)
    assert after_display(runs["shown"].err).replace("shown", "piped") == runs["piped"].err
    assert runs["piped"].code == 0 and runs["piped"].err.startswith("Wrote pledges.csv")
    for name in ("pledges.csv", "evidence.csv", "sources.csv", "actors.csv", "log-head.json"):
        assert (tmp_path / "shown" / name).read_bytes() == (tmp_path / "piped" / name).read_bytes()
    for name, terminal in (("site", True), ("site2", False)):
        runs[name] = pledges("report", "--today", TODAY, "--out", str(tmp_path / name),
                             "--db", register, terminal=terminal)  # fmt: skip
    assert "Writing the report: writing the pages" in displayed(runs["site"].err)
    assert after_display(runs["site"].err).replace("site", "site2") == runs["site2"].err
    assert runs["site2"].err.startswith(f"Wrote the report to {tmp_path / 'site2'}: 12 pledge")


@pytest.fixture
def twins(db_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> list[str]:
    """Two more databases of the test's kind."""
    if db_url.startswith("sqlite"):
        return [f"sqlite:///{tmp_path / f'twin{n}.db'}" for n in (1, 2)]
    fresh: FreshPostgres = request.getfixturevalue("fresh_pg")
    return [fresh.new(), fresh.new()]


def test_commands_that_write(register: str, twins: list[str], tmp_path: Path) -> None:
    """Each command runs on two registers alike, one on a terminal: the same output."""
    seeds = str(tmp_path / "seeds")
    assert pledges("export", "--out", seeds, "--db", register, terminal=False).code == 0

    def both(*args: str, stage: str) -> Ran:
        shown, piped = (pledges(*args, "--db", twin, terminal=terminal)
                        for twin, terminal in zip(twins, (True, False), strict=True))  # fmt: skip
        assert stage in displayed(shown.err)
        names = [str(make_url(twin).database) for twin in twins]
        assert after_display(shown.err).replace(names[0], "DB") == piped.err.replace(names[1], "DB")
        assert (shown.code, shown.out) == (piped.code, piped.out)
        return piped

    both("init", "--empty", stage="Setting up the register: upgrading the schema")
    imported = both("import", seeds, "--reason", "restore", stage="Importing: writing the evidence")
    assert imported.out.count(b"\n+ evidence ") == 21  # a line each
    verified = both("evidence", "verify", "--all", "--reason", "checked",
                    stage="Verifying evidence: recording the verification")  # fmt: skip
    assert verified.err == "Verified 21 pieces of evidence: every quote stands in its source.\n"
    both("db", "upgrade", stage="Upgrading the schema")
    for twin in twins:
        assert pledges("log", "verify", "--db", twin, terminal=False).code == 0


def test_init_loads_the_seeds(twins: list[str]) -> None:
    shown, piped = (pledges("init", "--db", twin, terminal=terminal)
                    for twin, terminal in zip(twins, (True, False), strict=True))  # fmt: skip
    assert "Setting up the register: loading the records" in displayed(shown.err)
    names = [str(make_url(twin).database) for twin in twins]
    assert after_display(shown.err).replace(names[0], "DB") == piped.err.replace(names[1], "DB")
    assert piped.err.endswith("Loaded the seed register: 3 actors, 5 sources, 12 pledges, 21 "
                              "quotes (41 revisions).\n")  # fmt: skip
    assert (shown.code, shown.out) == (piped.code, piped.out) == (0, b"")


def test_an_error_is_printed_on_a_clean_line(register: str, tmp_path: Path) -> None:
    shown = pledges("import", str(tmp_path / "nothing"), "--reason", "r", "--db", register,
                    terminal=True)  # fmt: skip
    assert shown.code == 2
    assert "Importing" in displayed(shown.err)
    assert after_display(shown.err) == (
        f"Error: there is no folder {tmp_path / 'nothing'} — give the folder 'pledges export' "
        "wrote, or its datapackage.json\n"
    )


@pytest.mark.parametrize(
    "env",
    [{"PLEDGES_PROGRESS_DELAY": "60"}, {"PLEDGES_PROGRESS_DELAY": "off"}, {"TERM": "dumb"}],
    ids=["before-the-delay", "off", "dumb-terminal"],
)
def test_nothing_extra_on_a_terminal(seeded_sqlite: str, env: dict[str, str]) -> None:
    args = ("audit", "--today", TODAY, "--format", "json", "--db", seeded_sqlite)
    shown = pledges(*args, terminal=True, **env)
    piped = pledges(*args, terminal=False, **env)
    assert shown.out == piped.out
    assert shown.err.replace("\r\n", "\n") == piped.err == ""


def test_no_color(seeded_sqlite: str) -> None:
    shown = pledges("log", "verify", "--db", seeded_sqlite, terminal=True, NO_COLOR="1")
    colour = re.compile(r"\x1b\[[0-9;]*m")
    assert "Verifying the log" in displayed(shown.err)
    assert not colour.search(shown.err)
    assert colour.search(pledges("log", "verify", "--db", seeded_sqlite, terminal=True).err)


@pytest.mark.parametrize("value", ["soon", "-1", "nan", ""])
def test_a_bad_delay_is_refused(seeded_sqlite: str, value: str) -> None:
    piped = pledges("audit", "--db", seeded_sqlite, terminal=False, PLEDGES_PROGRESS_DELAY=value)
    assert piped.code == 2
    assert piped.err == (
        f"Error: PLEDGES_PROGRESS_DELAY={value!r} is not a number of seconds — set it to the "
        "seconds to wait before showing progress (e.g. 0 or 2.5), to off, or unset it\n"
    )
    assert piped.out == b""


# --- the seam, in this process ----------------------------------------------------------------


def test_no_display_without_a_terminal(
    monkeypatch: pytest.MonkeyPatch, cli: CLI, seeded_sqlite: str
) -> None:
    """stderr is captured here, not a terminal: nothing is drawn or imported, and the stages and
    counts of a command do nothing."""
    monkeypatch.setenv("PLEDGES_PROGRESS_DELAY", "0")
    monkeypatch.delitem(sys.modules, "pledges.render.progress", raising=False)
    assert not sys.stderr.isatty() and progress.delay() is None
    items = [1, 2, 3]
    with progress.task("Work", total=3) as step:
        assert progress.counted(items) is items
        step(2)
        progress.stage("more", total=5)
        progress.advance()
    result = cli("log", "verify", "--db", seeded_sqlite)
    assert result.code == 0 and result.err.startswith("The log is intact")
    assert "pledges.render.progress" not in sys.modules
    progress.stage("outside any task")  # nothing to do, and no failure
    progress.advance(3)
    assert progress.counted(items) is items


class Terminal(io.StringIO):
    """A stream that says it is a terminal, and keeps what is drawn on it."""

    def isatty(self) -> bool:
        return True


def on_terminal(monkeypatch: pytest.MonkeyPatch) -> Terminal:
    """stderr made a terminal, for the rest of the test (set in the test itself: pytest sets its
    own capture again once the fixtures are set up)."""
    stream = Terminal()
    monkeypatch.setattr(sys, "stderr", stream)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.delenv("NO_COLOR", raising=False)
    return stream


def test_the_display_waits_for_the_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = on_terminal(monkeypatch)
    monkeypatch.setenv("PLEDGES_PROGRESS_DELAY", "3600")
    assert progress.delay() == 3600
    with progress.task("Work", total=10) as step:
        for _ in range(10):
            step(1)
    assert terminal.getvalue() == ""
    monkeypatch.setenv("PLEDGES_PROGRESS_DELAY", "0")
    with progress.task("Work") as step:
        progress.stage("counting", total=10)
        step(4)
        with progress.task("Inner part", total=2):  # a stage of the outer task
            progress.advance()
        assert progress.delay() == 0
    drawn = ESCAPE.sub("", terminal.getvalue())
    assert "Work: counting" in drawn and "Work: inner part" in drawn
    assert terminal.getvalue().endswith(CLEAR)  # cleared at the end


def test_a_forked_process_draws_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker forked while the display is shown (as the audit's are) leaves it to its parent."""
    terminal = on_terminal(monkeypatch)
    monkeypatch.setenv("PLEDGES_PROGRESS_DELAY", "0")
    reading, writing = os.pipe()
    with progress.task("Work", total=10):
        pid = os.fork()
        if pid == 0:  # the child: whatever it draws goes to the pipe
            code = 1
            try:
                sys.stderr = Terminal()
                progress.stage("in the child")
                progress.advance(5)
                with progress.task("Child's own"):
                    progress.advance()
                os.write(writing, sys.stderr.getvalue().encode() or b"-")
                code = 0
            finally:
                os._exit(code)
        os.close(writing)
        _, status = os.waitpid(pid, 0)
        progress.stage("in the parent")
    assert os.waitstatus_to_exitcode(status) == 0
    assert os.read(reading, 65536) == b"-"
    os.close(reading)
    assert "Work: in the parent" in ESCAPE.sub("", terminal.getvalue())
