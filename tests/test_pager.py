"""Long tables on a terminal go through a pager, as `git log`'s do; piped output never does, and
a pager that cannot run leaves the text printed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_cli import SEEDED_IDS

PLEDGES = Path(sys.executable).with_name("pledges")


def pager_script(folder: Path) -> tuple[str, Path]:
    """A pager that writes what it receives, and its LESS, to files."""
    script = folder / "pager.sh"
    got = folder / "paged.txt"
    script.write_text(f'#!/bin/sh\necho "$LESS" > {folder / "less.txt"}\ncat > {got}\n')
    script.chmod(0o755)
    return str(script), got


def on_terminal(
    args: list[str], env: dict[str, str], stderr: int | None = subprocess.DEVNULL
) -> tuple[int, str]:
    """Run pledges with its stdout on a pseudo-terminal; its exit code and what it printed."""
    import pty

    leader, follower = pty.openpty()
    process = subprocess.Popen([PLEDGES, *args], stdout=follower, stderr=stderr, env=env)
    os.close(follower)
    printed = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the follower closed: the command is done
            break
        if not chunk:
            break
        printed += chunk
    os.close(leader)
    return process.wait(timeout=60), printed.decode()


def test_tables_on_a_terminal_go_through_the_pager(seeded_sqlite: str, tmp_path: Path) -> None:
    pager, got = pager_script(tmp_path)
    env = {**os.environ, "PAGER": pager, "COLUMNS": "120"}
    env.pop("LESS", None)
    for command in (["list"], ["history"], ["audit"], ["show", "cn-co2-peak-2030"],
                    ["source", "list"], ["source", "show", "kerry-no-agreement"],
                    ["actor", "list"]):  # fmt: skip
        got.unlink(missing_ok=True)
        code, printed = on_terminal([*command, "--db", seeded_sqlite], env)
        assert code == 0, command
        paged = got.read_text()
        assert paged.strip() and "\x1b[" in paged, command  # drawn for the terminal, in colour
        assert printed == "", command  # all of it went to the pager
    assert (tmp_path / "less.txt").read_text() == "FRX\n"
    got.unlink()
    code, printed = on_terminal(["list", "--db", seeded_sqlite, "--format", "json"], env)
    assert code == 0 and not got.exists()  # machine output is never paged
    assert len(json.loads(printed)) == SEEDED_IDS
    code, printed = on_terminal(["list", "--db", seeded_sqlite], {**env, "PAGER": "cat"})
    assert code == 0 and not got.exists() and f"{SEEDED_IDS} pledges" in printed


def on_terminal_with_stderr(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """on_terminal, with what the command wrote on stderr."""
    import tempfile

    with tempfile.TemporaryFile() as err:
        code, printed = on_terminal(args, env, stderr=err.fileno())
        err.seek(0)
        return code, printed, err.read().decode()


@pytest.mark.parametrize(
    ("pager", "shell_says"),
    [
        ("nosuchpager", ""),  # not on PATH: the shell is not even asked
        ("nosuchpager -R", ""),
        ("exec nosuchpager", "exec: nosuchpager: not found\n"),  # the shell exits 127
        ("sh -c 'exit 126'", ""),
    ],
)
def test_a_pager_that_cannot_run_leaves_the_text_printed(
    seeded_sqlite: str, pager: str, shell_says: str
) -> None:
    env = {**os.environ, "PAGER": pager, "COLUMNS": "120"}
    code, printed, err = on_terminal_with_stderr(["list", "--db", seeded_sqlite], env)
    _, unpaged, _ = on_terminal_with_stderr(
        ["list", "--db", seeded_sqlite], {**env, "PAGER": "cat"}
    )
    assert code == 0
    assert printed == unpaged and f"{SEEDED_IDS} pledges" in printed
    note = (
        f"Note: $PAGER ({pager}) could not be run, so the output is printed without it — set "
        "PAGER to a pager that is installed (e.g. PAGER=less), or PAGER=cat to turn paging off\n"
    )
    assert err.endswith(shell_says + note) and err.count("Note:") == 1


def test_piped_output_is_never_paged(seeded_sqlite: str, tmp_path: Path) -> None:
    pager, got = pager_script(tmp_path)
    env = {**os.environ, "PAGER": pager}
    piped = subprocess.run(
        [PLEDGES, "list", "--db", seeded_sqlite], capture_output=True, text=True, env=env,
        check=False,
    )  # fmt: skip
    assert piped.returncode == 0
    assert f"{SEEDED_IDS} pledges" in piped.stdout and "\x1b[" not in piped.stdout
    assert not got.exists()
