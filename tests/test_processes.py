"""No process outlives the command that started it (issue 12, item 3).

Each command that works in a second process (import, export, audit, report) is run as a process
of its own, in a session of its own, on a register large enough to use its second process. Once
that process exists, the command is killed with SIGKILL, which it cannot see coming; then every
process of the session must end. Processes are found in /proc by their session id: a child
handed to init when its parent dies keeps it.

Then the import is killed at random moments: the register holds all of the import's rows or
none, `log verify` passes, and no process is left.

Also the seam itself (pledges.parallel): a child's failure is raised in its parent, and closing
a child ends it.
"""

from __future__ import annotations

import csv
import inspect
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from pledges import parallel
from pledges.audit import run as audit_run
from pledges.db import opened, transaction
from pledges.errors import InvalidInput
from pledges.models import EvidenceRow, RevisionRow, SourceRow
from pledges.report import building
from pledges.transfer import export, importing
from tests.conftest import CLI, ROOT
from tests.registers import copy_of, seeded_template
from tests.test_atomicity import snapshot

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not parallel.forking(),
    reason="processes are found in /proc (Linux), and second processes are forked",
)

LARGE = 10_000  # pledges (20,000 quotes): the smallest register over every command's threshold
START_TIMEOUT = 120.0  # seconds for a command to start its second process
END_TIMEOUT = 15.0  # seconds for every process of a killed command's session to end
POLL = 0.005


# --- processes, by session --------------------------------------------------------------------


def session_members(session: int) -> list[int]:
    """The live processes of a session (zombies are ended: they wait only to be reaped)."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path("/proc", entry, "stat").read_text()
        except OSError:  # ended meanwhile
            continue
        # pid (comm) state ppid pgrp session ...; comm may hold spaces and parentheses
        state, _ppid, _pgrp, sid = stat.rsplit(")", 1)[1].split()[:4]
        if int(sid) == session and state not in ("Z", "X"):
            members.append(int(entry))
    return members


@dataclass
class Command:
    """A `pledges` command running as a process of its own, leading a session of its own."""

    process: subprocess.Popen[bytes]

    @classmethod
    def start(cls, *args: str, cwd: Path) -> Command:
        process = subprocess.Popen(
            [sys.executable, "-m", "pledges", *args],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        return cls(process)

    @property
    def pid(self) -> int:
        return self.process.pid

    def children(self) -> list[int]:
        return [pid for pid in session_members(self.pid) if pid != self.pid]

    def wait_for_children(self, count: int) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while len(self.children()) < count:
            assert self.process.poll() is None, "the command ended before its second process"
            assert time.monotonic() < deadline, f"no {count} second processes after a while"
            time.sleep(POLL)

    def kill(self) -> None:
        if self.process.poll() is None:
            os.kill(self.pid, signal.SIGKILL)
        self.process.wait()

    def left_behind(self) -> list[int]:
        """The processes of the session still alive END_TIMEOUT seconds after the kill (each
        then killed, so that a failing test leaves nothing either)."""
        deadline = time.monotonic() + END_TIMEOUT
        while (alive := session_members(self.pid)) and time.monotonic() < deadline:
            time.sleep(0.02)
        for pid in alive:
            os.kill(pid, signal.SIGKILL)
        return alive


def count(url: str, row: type) -> int:
    with opened(url) as engine, transaction(engine) as session:
        return session.scalar(select(func.count()).select_from(row)) or 0


# --- a register large enough for every second process -------------------------------------------


def default(function: Callable[..., object], name: str) -> Any:
    """The default of one of a function's parameters: a threshold the command starts from."""
    return inspect.signature(function).parameters[name].default


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A register over every threshold, built once (bench/generate_register.py, a few seconds)."""
    path = tmp_path_factory.mktemp("large") / "large.db"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate_register.py"), "--pledges", str(LARGE),
         "--actors", "200", "--seed", "12", "--out", str(path)],
        check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    quotes = count(f"sqlite:///{path}", EvidenceRow)
    for write in (export.export_csv, export.export_package):  # their second process
        assert LARGE + quotes >= default(write, "parallel_from")
    assert quotes >= default(audit_run.audit, "parallel_from")  # the audit's pool
    assert quotes >= default(building.build, "aside_from")  # the report's audit aside and twin
    return path


@pytest.fixture(scope="module")
def large_export(large: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("large-export") / "out"
    export.export_csv(f"sqlite:///{large}", folder)
    threshold = default(importing.import_register, "parallel_from")
    assert (folder / "evidence.csv").stat().st_size >= threshold  # the import's second process
    return folder


# --- each command, killed once its second process exists ----------------------------------------


def _killed_leaves_nothing(command: Command, children: int) -> None:
    try:
        command.wait_for_children(children)
    finally:
        command.kill()
    assert command.left_behind() == []


@pytest.mark.parametrize("kind", ["csv", "datapackage"])
def test_a_killed_export_leaves_no_process(large: Path, tmp_path: Path, kind: str) -> None:
    out = tmp_path / "out"
    command = Command.start(
        "export", "--db", str(large), "--out", str(out), "--format", kind, cwd=tmp_path
    )
    _killed_leaves_nothing(command, 1)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the audit uses one worker per core")
def test_a_killed_audit_leaves_no_process(large: Path, tmp_path: Path) -> None:
    command = Command.start("audit", "--db", str(large), "--fail-on", "never", cwd=tmp_path)
    _killed_leaves_nothing(command, 2)  # its two workers


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the audit uses one worker per core")
def test_a_killed_report_leaves_no_process(large: Path, tmp_path: Path) -> None:
    """The report's audit runs in a child, which has workers of its own: three processes below
    the report (or the audit and the twin), killed with it."""
    command = Command.start("report", "--db", str(large), "--out", str(tmp_path / "site"),
                            cwd=tmp_path)  # fmt: skip
    _killed_leaves_nothing(command, 3)


def test_a_killed_import_leaves_no_process(cli: CLI, large_export: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'restored.db'}"
    assert cli("init", "--empty", "--db", url).code == 0
    before = snapshot(url)
    command = Command.start("import", str(large_export), "--db", url, "--reason", "restore",
                            "--allow-unlocated", cwd=tmp_path)  # fmt: skip
    _killed_leaves_nothing(command, 1)
    assert count(url, EvidenceRow) == 0  # all or nothing: nothing
    assert snapshot(url) == before
    assert cli("log", "verify", "--db", url).code == 0


# --- the import, killed at random moments --------------------------------------------------------


NEW_QUOTES = 1_300  # new evidence rows of about 1,700 bytes: evidence.csv over the threshold


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_template(tmp_path_factory.mktemp("seeded"))


@pytest.fixture(scope="module")
def new_evidence(seeded: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An export of the seed register with NEW_QUOTES new pieces of evidence: long quotes that
    stand in their articles, each cited once."""
    folder = tmp_path_factory.mktemp("new-evidence") / "out"
    url = f"sqlite:///{seeded}"
    export.export_csv(url, folder)
    with opened(url) as engine, transaction(engine) as session:
        texts = {i: t for i, t in session.execute(select(SourceRow.id, SourceRow.text))}
    quotes: set[tuple[str, str]] = set()
    rng = random.Random(7)
    while len(quotes) < NEW_QUOTES:
        source_id = rng.choice(sorted(texts))
        text = texts[source_id]
        start = rng.randrange(0, len(text) - 1_700)
        quote = text[start : start + 1_700].strip()
        if quote:
            quotes.add((source_id, quote))
    with (folder / "evidence.csv").open("a", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        for source_id, quote in sorted(quotes):
            writer.writerow(["", "cn-co2-peak-2030", source_id, quote, "supports", "", "normal",
                             "", "", "", "", ""])  # fmt: skip
    threshold = default(importing.import_register, "parallel_from")
    assert (folder / "evidence.csv").stat().st_size >= threshold
    return folder


def _import(folder: Path, url: str, cwd: Path) -> Command:
    return Command.start("import", str(folder), "--db", url, "--reason", "faults", cwd=cwd)


def test_an_import_killed_at_any_moment_writes_all_or_nothing(
    cli: CLI, seeded: Path, new_evidence: Path, tmp_path: Path
) -> None:
    """Killed at random moments (seeded): any, while its second process works, and about when it
    commits. The register holds none of the import's rows or all of them, its log verifies, no
    process is left. A complete import, first, gives the moments to choose from."""
    before = count(f"sqlite:///{seeded}", EvidenceRow)
    whole = copy_of(seeded, tmp_path, "whole.db")
    started = time.monotonic()
    complete = _import(new_evidence, whole, tmp_path)
    assert complete.process.wait() == 0
    duration = time.monotonic() - started
    after = count(whole, EvidenceRow)
    assert after == before + NEW_QUOTES
    revisions = count(whole, RevisionRow)

    rng = random.Random(12)
    moments = [("from the start", rng.uniform(0, duration)) for _ in range(6)]
    moments += [("once its child exists", rng.uniform(0, duration / 2)) for _ in range(5)]
    moments += [("near the end", rng.uniform(0.75, 1.05) * duration) for _ in range(5)]
    outcomes = []
    for n, (when, delay) in enumerate(moments):
        url = copy_of(seeded, tmp_path, f"killed-{n}.db")
        command = _import(new_evidence, url, tmp_path)
        try:
            if when == "once its child exists":
                command.wait_for_children(1)
            time.sleep(delay)
        finally:
            command.kill()
        assert command.left_behind() == [], (when, delay)
        held = count(url, EvidenceRow)
        assert held in (before, after), (when, delay, held)
        assert count(url, RevisionRow) == (revisions if held == after else revisions - NEW_QUOTES)
        verified = cli("log", "verify", "--db", url)
        assert verified.code == 0, (when, delay, verified.out, verified.err)
        outcomes.append(held == after)
        Path(url.removeprefix("sqlite:///")).unlink()
    assert not all(outcomes)  # some kills landed before the commit


# --- the seam ---------------------------------------------------------------------------------


def _fails() -> int:
    raise InvalidInput("a row is wrong", "correct it")


def _dies() -> int:
    os.kill(os.getpid(), signal.SIGKILL)
    return 0


def _sleeps() -> int:
    time.sleep(60)
    return 0


@pytest.fixture
def one_child() -> Iterator[list[parallel.Child[int]]]:
    started: list[parallel.Child[int]] = []
    yield started
    for child in started:
        child.close()


def test_a_childs_value_and_failures_come_back_as_raised(
    one_child: list[parallel.Child[int]],
) -> None:
    child = parallel.Child(lambda: 42, name="pledges-test")
    one_child.append(child)
    assert child.result() == 42
    failing = parallel.Child(_fails, name="pledges-test")
    one_child.append(failing)
    with pytest.raises(InvalidInput) as raised:
        failing.result()
    assert str(raised.value) == "a row is wrong — correct it"
    dying = parallel.Child(_dies, name="pledges-test")
    one_child.append(dying)
    with pytest.raises(parallel.ChildFailed, match="killed by SIGKILL"):
        dying.result()


def test_closing_a_child_ends_it(one_child: list[parallel.Child[int]]) -> None:
    child = parallel.Child(_sleeps, name="pledges-test")
    one_child.append(child)
    pid = child._process.pid
    assert pid is not None and Path(f"/proc/{pid}").exists()
    child.close()
    assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text()


def test_a_child_holds_no_pipe_end_of_another(one_child: list[parallel.Child[int]]) -> None:
    """The ends of this process's other pipes are closed in a child: were the reader of one to
    die, a child writing to it would fail instead of blocking forever."""
    receiver, sender = parallel.pipe()
    try:
        ends = {receiver.fileno(), sender.fileno()}

        def open_ends() -> int:
            return len([fd for fd in ends if _is_open(fd)])

        child = parallel.Child(open_ends, name="pledges-test")
        one_child.append(child)
        assert child.result() == 0
    finally:
        receiver.close()
        sender.close()


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def test_workers_of_a_pool_die_with_the_pool(tmp_path: Path) -> None:
    """A pool left by an exception kills its workers rather than waiting for their work."""
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="stop"), parallel.pool(2, _no_setup, ()) as pool:
        pool.submit(time.sleep, 60)
        pool.submit(time.sleep, 60)
        raise RuntimeError("stop")
    assert time.monotonic() - started < 30


def _no_setup() -> None:
    pass
