"""The README stays true: every command is documented, and CI runs its test command."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from pledges.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def command_names() -> list[str]:
    group = typer.main.get_command(app)
    names = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        names += [f"{name} {sub}" for sub in subcommands] if subcommands else [name]
    return sorted(names)


def test_every_command_is_in_the_readme() -> None:
    names = command_names()
    assert {"init", "list", "show", "db upgrade", "db downgrade", "db current"} <= set(names)
    table = README.split("## Commands", 1)[1]
    for name in names:
        leaf = name.split()[-1]
        assert re.search(rf"`(pledges )?({re.escape(name)}|{re.escape(leaf)})\b", table), name


def test_quickstart_is_two_commands_and_ci_runs_the_second() -> None:
    quickstart = README.split("## Quickstart", 1)[1].split("##", 1)[0]
    block = re.search(r"```\n(.*?)```", quickstart, re.S)
    assert block is not None
    commands = block.group(1).strip().splitlines()
    assert commands == ["python3 tasks.py quickstart", "python3 tasks.py test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci.splitlines()
