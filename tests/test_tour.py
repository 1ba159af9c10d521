"""The README's tour runs as written, and prints what the README shows.

The tour is every section from "## A short tour" to the next "## " heading. Each ``` block's
`$ ` lines (with their ` \\` continuations) are run in order in one fresh folder, after the
quickstart's `pledges init`, and each command's output is compared with the lines the README
shows under it. A block that cannot run in a test is marked by an HTML comment on the line before
it, `<!-- tour: skip (why) -->`; each such block is reported as a skipped test with its reason.

What legitimately varies is normalised on both sides: the folder (shown as
/home/analyst/pledges; the test's folder has a path as long, so that lines wrap where they did at
the README's 100 columns), times of day, today's date (README_DAY in the README), hashes
(`9c41…e07a`), and text the README elides with `…`: a line holding only `…` stands for any lines,
and `…` within a line for any text. An anchor the README abbreviates in a command
(`--anchor 45:9c41…e07a`) is given in full, as an earlier command printed it. A command whose
output the README shows with `Error:` must exit non-zero; any other must exit 0 or 1 (the audit's
and `log verify`'s findings).
"""

from __future__ import annotations

import datetime
import difflib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pledges.registerfile import HEAD_REVISION

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
FOLDER = "/home/analyst/pledges"  # where the README's commands were run
README_DAY = "2026-11-22"  # the day they were run: "today" in the README's outputs
COLUMNS = "100"  # the terminal width the README's tables were made at
TOUR_START = "## A short tour"
SKIP = re.compile(r"<!--\s*tour:\s*skip\s*\((?P<why>.+)\)\s*-->")

ELIDED_HASH = re.compile(r"\b[0-9a-f]{4,}…[0-9a-f]*")
FULL_HASH = re.compile(r"\b[0-9a-f]{64}\b")
TIMES = (
    re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?"),
    re.compile(r"\d{8}T\d{6}Z"),
)


@dataclass(frozen=True)
class Step:
    line: int  # where the command stands in README.md
    command: str
    expected: tuple[str, ...]


@dataclass(frozen=True)
class Block:
    line: int
    steps: tuple[Step, ...]
    skip: str | None  # why it cannot run in a test, or None


def tour_blocks(text: str) -> list[Block]:
    """The ``` blocks of the tour sections that hold `$ ` commands, in order."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip() == TOUR_START]
    assert starts, f"README.md has no {TOUR_START!r} section"
    start = starts[0]
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    blocks: list[Block] = []
    i = start
    while i < end:
        if not lines[i].startswith("```"):
            i += 1
            continue
        opened = i
        body: list[tuple[int, str]] = []
        i += 1
        while i < end and not lines[i].startswith("```"):
            body.append((i + 1, lines[i]))
            i += 1
        i += 1
        before = next((lines[j] for j in range(opened - 1, start, -1) if lines[j].strip()), "")
        marked = SKIP.search(before)
        steps = parse_steps(body)
        if steps:
            blocks.append(Block(opened + 1, tuple(steps), marked and marked.group("why")))
    return blocks


def parse_steps(body: list[tuple[int, str]]) -> list[Step]:
    steps: list[Step] = []
    command: list[str] = []
    where = 0
    expected: list[str] = []
    continued = False
    for number, line in body:
        if continued:
            command.append(line.strip())
            continued = line.endswith("\\")
        elif line.startswith("$ "):
            if command:
                steps.append(Step(where, joined(command), tuple(expected)))
            command, expected, where = [line[2:]], [], number
            continued = line.endswith("\\")
        else:
            expected.append(line)
    if command:
        steps.append(Step(where, joined(command), tuple(expected)))
    return steps


def joined(parts: list[str]) -> str:
    return " ".join(part.removesuffix("\\").strip() for part in parts)


def today() -> set[str]:
    now = datetime.datetime.now(datetime.UTC)
    return {now.date().isoformat(), now.astimezone().date().isoformat()}


def normalise(text: str, folder: str | None = None) -> str:
    """The README's text (folder None), or what a command printed in `folder`, with what
    legitimately varies made the same."""
    if folder is not None:
        text = text.replace(folder, FOLDER)
    text = FULL_HASH.sub("<hash>", text)
    text = ELIDED_HASH.sub("<hash>", text)
    for pattern in TIMES:
        text = pattern.sub("<time>", text)
    for day in {README_DAY} if folder is None else today():
        text = text.replace(day, "<today>")
    return "\n".join(line.rstrip() for line in text.splitlines()).strip("\n")


def pattern(expected: str) -> re.Pattern[str]:
    """The README's lines as a pattern: a line of only `…` is any lines, `…` in a line any text."""
    parts = []
    for line in expected.splitlines():
        if line.strip() == "…":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(".*".join(re.escape(piece) for piece in line.split("…")) + r"\n")
    return re.compile("".join(parts))


def matches(expected: str, actual: str) -> bool:
    return pattern(expected).fullmatch(actual + "\n" if actual else "") is not None


class Tour:
    """Runs the tour's commands in one folder, as a user would after the quickstart."""

    def __init__(self, folder: Path, sqlite_program: str | None = None) -> None:
        self.folder = folder
        self.sqlite_program = sqlite_program  # else Python's sqlite3 module runs the SQL
        self.anchors: dict[str, str] = {}  # revision number -> full hash, as printed
        self.env = {
            key: value for key, value in os.environ.items() if not key.startswith("PLEDGES_")
        }
        self.env.update(COLUMNS=COLUMNS, LINES="50", PLEDGES_AUTHOR="analyst", PYTHONUNBUFFERED="1")
        self.env.pop("FORCE_COLOR", None)
        self.env["TERM"] = "dumb"

    def argv(self, command: str) -> list[str]:
        words = shlex.split(command, comments=True)
        return [ELIDED_ANCHOR.sub(self.full_anchor, word) for word in words]

    def full_anchor(self, found: re.Match[str]) -> str:
        seq = found.group(1)
        assert seq in self.anchors, f"the tour uses anchor {found.group(0)} before printing it"
        return f"{seq}:{self.anchors[seq]}"

    def run(self, command: str) -> tuple[int, str]:
        """Run one command line of the README: `pledges ...` or `sqlite3 DATABASE SQL`, after any
        NAME=VALUE settings; returns its exit code and what it printed, stdout and stderr."""
        argv = self.argv(command)
        settings = {}
        while argv and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", argv[0]):
            name, value = argv.pop(0).split("=", 1)
            settings[name] = value
        assert not set(argv) & SHELL, f"the tour's commands are run without a shell: {command}"
        if not argv or argv[:2] == ["source", ".venv/bin/activate"]:
            return 0, ""
        if argv[0] == "pledges":
            done = subprocess.run(
                [sys.executable, "-m", "pledges", *argv[1:]],
                cwd=self.folder,
                env={**self.env, **settings},
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=300,
                check=False,
            )
            code, out = done.returncode, done.stdout
        elif argv[0] == "sqlite3" and len(argv) == 3:
            code, out = self.sqlite(argv[1], argv[2])
        else:
            raise AssertionError(f"the tour runs only pledges and sqlite3, not: {command}")
        for seq, digest in re.findall(r"\b(\d+):([0-9a-f]{64})\b", out):
            self.anchors[seq] = digest
        for seq, digest in re.findall(r'"seq": (\d+),\s*"hash": "([0-9a-f]{64})"', out):
            self.anchors[seq] = digest
        return code, out

    def sqlite(self, database: str, sql: str) -> tuple[int, str]:
        """`sqlite3 DATABASE SQL`, by the sqlite3 program or, without it, by Python's module."""
        program = [self.sqlite_program] if self.sqlite_program else [sys.executable, "-c", SQLITE]
        done = subprocess.run(
            [*program, database, sql],
            cwd=self.folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=300,
            check=False,
        )
        return done.returncode, done.stdout


SQLITE = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
for row in connection.execute(sys.argv[2]):
    print("|".join("" if cell is None else str(cell) for cell in row))
"""

SHELL = {"|", "||", "&&", ";", ">", ">>", "<", "&"}
ELIDED_ANCHOR = re.compile(r"\b(\d+):[0-9a-f]{2,}…[0-9a-f]*")

BLOCKS = tour_blocks(README.read_text(encoding="utf-8"))
SKIPPED = [block for block in BLOCKS if block.skip]


def test_the_readme_has_a_tour_to_run() -> None:
    assert len([block for block in BLOCKS if not block.skip]) >= 10
    assert len(SKIPPED) <= 3, "most of the tour must run; skip only what a test cannot do"


@pytest.fixture
def folder() -> Iterator[Path]:
    """A fresh folder whose path is as long as the README's, so that lines wrap where they did."""
    made = Path(tempfile.mkdtemp(prefix="p", dir="/tmp" if Path("/tmp").is_dir() else None))
    try:
        padded = made / ("p" * max(len(FOLDER) - len(str(made)) - 1, 1))
        padded.mkdir()
        shutil.copytree(ROOT / "examples", padded / "examples")
        yield padded
    finally:
        shutil.rmtree(made)


def run_tour(blocks: list[Block], tour: Tour) -> list[str]:
    """Each command of the blocks not skipped, in order, after the quickstart's `pledges init`;
    returns every difference from the README, each naming its command."""
    code, out = tour.run("pledges init")
    assert code == 0, out
    problems = []
    for block in blocks:
        if block.skip:
            continue
        for step in block.steps:
            code, out = tour.run(step.command)
            actual = normalise(out, str(tour.folder))
            expected = normalise("\n".join(step.expected))
            where = f"README.md:{step.line}: $ {step.command}"
            if not matches(expected, actual):
                diff = difflib.unified_diff(
                    expected.splitlines(), actual.splitlines(), "README", "printed", lineterm=""
                )
                problems.append(f"{where}\n" + "\n".join(diff))
            shows_error = any(line.startswith("Error:") for line in step.expected)
            if shows_error and code == 0:
                problems.append(f"{where}\nthe README shows an error, but it exited 0")
            if not shows_error and code not in (0, 1):
                problems.append(f"{where}\nexited {code}, and the README shows no error")
    return problems


def test_the_tour_runs_as_written(folder: Path) -> None:
    """Every command of the README's tour prints what the README shows."""
    problems = run_tour(BLOCKS, Tour(folder, shutil.which("sqlite3")))
    ran = sum(len(block.steps) for block in BLOCKS if not block.skip)
    assert not problems, (
        f"{len(problems)} of the tour's {ran} commands differ from the README:\n\n"
        + ("\n\n".join(problems))
    )


def test_a_drifted_output_is_reported_with_its_command(folder: Path) -> None:
    """The checks can fail: a wrong line, a missing error, an unexpected one; sqlite3 lines run
    without the sqlite3 program too."""
    readme = "\n".join(
        [
            "## A short tour",
            "```",
            "$ pledges init",
            f"Database {FOLDER}/pledges.db is at schema revision 0001.",
            "…",
            '$ sqlite3 pledges.db "SELECT count(*) FROM pledges"',
            "12",
            "$ pledges show cn-co2-peak",
            "Error: no pledge with id 'cn-co2-peak' — …",
            "$ pledges show cn-co2-peak-2030",
            "Error: …",
            "$ PLEDGES_DB=other.db pledges list",
            f"Error: there is no register at {FOLDER}/other.db — …",
            "$ pledges list --status done  # an error the README does not show",
            "…",
            "```",
        ]
    )
    problems = run_tour(tour_blocks(readme), Tour(folder, sqlite_program=None))
    assert len(problems) == 4, problems
    assert problems[0].startswith("README.md:3: $ pledges init\n--- README\n+++ printed\n")
    assert f"-Database {FOLDER}/pledges.db is at schema revision 0001." in problems[0]
    head = f"+Database {FOLDER}/pledges.db is at schema revision {HEAD_REVISION}."
    assert head in problems[0]
    assert problems[1].startswith("README.md:10: $ pledges show cn-co2-peak-2030\n--- README")
    assert "-Error: …\n+China peaks CO2 emissions by 2030   cn-co2-peak-2030\n" in problems[1]
    assert problems[2] == (
        "README.md:10: $ pledges show cn-co2-peak-2030\nthe README shows an error, but it exited 0"
    )
    assert problems[3] == (
        "README.md:14: $ pledges list --status done  # an error the README does not show\n"
        "exited 2, and the README shows no error"
    )


# Why a block of the tour may be left out of the run: each needs what a test cannot provide.
ALLOWED_SKIPS = {
    "needs a PostgreSQL server at db.example",
    "needs a PostgreSQL server at 127.0.0.1",
    "needs sheet/pledges.csv edited in a spreadsheet",
}


def test_only_blocks_that_cannot_run_here_are_skipped() -> None:
    """A block is left out only for a reason listed above, and still holds commands to show."""
    for block in SKIPPED:
        where = f"README.md:{block.line}"
        assert block.skip in ALLOWED_SKIPS, f"{where} is skipped for a new reason: {block.skip}"
        assert block.steps, f"{where} is marked to skip but holds no command"


def test_the_parser_reads_commands_outputs_and_marks() -> None:
    text = "\n".join(
        [
            "## A short tour",
            "```",
            "$ pledges add x --title t \\",
            '    --reason "r"  # why',
            "Added.",
            "$ pledges list",
            "…",
            "```",
            "<!-- tour: skip (needs a server at db.example) -->",
            "```",
            "$ pledges list --db postgresql://db.example/x",
            "Error: …",
            "```",
            "## Commands",
            "```",
            "$ pledges never",
            "```",
        ]
    )
    first, second = tour_blocks(text)
    assert first.skip is None and second.skip == "needs a server at db.example"
    assert [step.command for step in first.steps] == [
        'pledges add x --title t --reason "r"  # why',
        "pledges list",
    ]
    assert first.steps[0].expected == ("Added.",) and first.steps[0].line == 3
    assert Tour(Path()).argv(first.steps[0].command) == [
        "pledges", "add", "x", "--title", "t", "--reason", "r"
    ]  # fmt: skip


def test_elisions_stand_for_what_they_elide_and_nothing_else() -> None:
    assert matches("a\n…\nd", "a\nb\nc\nd")
    assert matches("a\n…\nd", "a\nd")
    assert not matches("a\n…\nd", "a\nb\nc")
    assert matches("cannot reach (…) — check", "cannot reach (timeout) — check")
    assert not matches("Added 3 pledges", "Added 4 pledges")
    shown = normalise(f"anchor 45:9c41…e07a at 2026-11-22 23:45 on {README_DAY}")
    printed = normalise(f"anchor 45:{'ab' * 32} at 2031-01-02 03:04 on {min(today())}", "/x")
    assert shown == printed
    assert normalise("/tmp/x/pledges.db", "/tmp/x") == f"{FOLDER}/pledges.db"
