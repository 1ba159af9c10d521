"""The conventions people know from other command lines: --version, -h, shell completion, help
that writes values as TEXT or DATE and lists what a vocabulary allows, a suggestion for a value
that is nearly allowed, and --actor by name or alias."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterable
from enum import Enum
from importlib.metadata import version
from pathlib import Path

import pytest
import typer
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.core import TyperOption

from pledges.cli import app
from pledges.cli.conventions import COMMAND_VOCABULARIES, METAVARS, commands, conventional
from pledges.cli.conventions import VOCABULARIES as VOCABULARY_TABLE
from pledges.cli.options import Format, ShowFormat
from pledges.vocab import (
    ActorKind,
    Confidence,
    Formality,
    PledgeKind,
    Rank,
    SourceKind,
    Stance,
    Status,
    listed,
)
from tests.conftest import CLI

PLEDGES = Path(sys.executable).with_name("pledges")
TREE = conventional(typer.main.get_command(app))
COMMANDS = [path for path, _ in commands(TREE)]
OPTIONS = [
    (path, param)
    for path, command in commands(TREE)
    for param in command.params
    if isinstance(param, TyperOption) and not param.hidden
]
KINDS = listed([kind.value for kind in PledgeKind])


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


def words(text: str) -> str:
    """Help text with its line breaks and indentation folded, as one line."""
    return " ".join(text.split())


def values(vocabulary: Iterable[Enum]) -> str:
    return listed([str(member.value) for member in vocabulary])


# --- --version, -h, completion -------------------------------------------------------------------


def test_version_is_the_installed_packages(cli: CLI) -> None:
    result = cli("--version")
    assert (result.code, result.out, result.err) == (0, f"pledges {version('pledges')}\n", "")


@pytest.mark.parametrize("words_", [[], ["show"], ["source"], ["source", "add"], ["db"]])
def test_dash_h_is_help_on_the_root_a_command_and_a_group(cli: CLI, words_: list[str]) -> None:
    short = cli(*words_, "-h")
    long = cli(*words_, "--help")
    assert short.code == long.code == 0
    assert short.out == long.out
    assert short.out.startswith(f"Usage: {' '.join(['pledges', *words_])} [OPTIONS]")
    assert "-h, --help  " in short.out
    assert short.err == ""


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, capture_output=True, text=True, check=False, env={**os.environ, **(env or {})}
    )


def test_the_shell_completes_commands_and_vocabularies() -> None:
    def complete(*typed: str) -> list[str]:
        env = {"_PLEDGES_COMPLETE": "complete_bash", "COMP_WORDS": " ".join(["pledges", *typed]),
               "COMP_CWORD": str(len(typed))}  # fmt: skip
        done = run(str(PLEDGES), env=env)
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    assert complete("li") == ["list"]
    assert complete("list", "--status", "in") == ["in_progress"]
    assert complete("source", "add", "--kind", "o") == ["official", "other"]
    assert complete("audit", "--fail-on", "w") == ["warning"]


def test_completion_is_shown_and_installed_for_the_shell(tmp_path: Path) -> None:
    shown = run("bash", "-c", f"{PLEDGES} --show-completion")
    assert shown.returncode == 0
    assert "complete -o default -F _pledges_completion pledges" in shown.stdout
    installed = run("bash", "-c", f"{PLEDGES} --install-completion", env={"HOME": str(tmp_path)})
    script = tmp_path / ".bash_completions" / "pledges.sh"
    assert installed.returncode == 0, installed.stderr
    assert installed.stdout.startswith(f"bash completion installed in {script}\n")
    assert f"source '{script}'" in (tmp_path / ".bashrc").read_text()
    assert "_PLEDGES_COMPLETE=complete_bash" in script.read_text()


# --- help ----------------------------------------------------------------------------------------


def test_the_tree_holds_every_command() -> None:
    assert {"", "add", "update", "list", "cite", "audit", "source add", "actor add",
            "evidence verify", "log verify", "db downgrade"} <= set(COMMANDS)  # fmt: skip


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: p or "pledges")
def test_help_writes_values_as_people_expect(cli: CLI, path: str) -> None:
    result = cli(*path.split(), "--help")
    assert result.code == 0
    assert not re.search(r"<\w+(\[\w+\])?>", result.out), result.out  # typer's <str>, <list[str]>
    assert not re.search(r"\{[A-Z_]+\}", result.out), result.out  # typer's {ID}
    assert not re.search(r"--[a-z-]+ <", result.out), result.out


def test_metavars_of_a_command(cli: CLI) -> None:
    shown = dict(re.findall(r"^  (--[a-z-]+) (\S+)", cli("update", "-h").out, re.MULTILINE))
    assert {name: shown[name] for name in ("--title", "--actor", "--target-year", "--gas",
            "--announced-on", "--parent-id", "--expect-version", "--db")} == {
        "--title": "TEXT", "--actor": "ACTOR", "--target-year": "YEAR", "--gas": "TEXT",
        "--announced-on": "DATE", "--parent-id": "ID", "--expect-version": "INTEGER",
        "--db": "PATH|URL",
    }  # fmt: skip


def test_usage_names_arguments_plainly(cli: CLI) -> None:
    assert cli("update", "-h").out.startswith("Usage: pledges update [OPTIONS] ID\n")
    assert cli("cite", "-h").out.startswith("Usage: pledges cite [OPTIONS] ID SOURCE_ID\n")
    assert cli("history", "-h").out.startswith("Usage: pledges history [OPTIONS] [ID]\n")
    verify = cli("evidence", "verify", "-h").out
    assert verify.startswith("Usage: pledges evidence verify [OPTIONS] [EVIDENCE_ID]...\n")
    assert "\n  [EVIDENCE_ID]...  See 'pledges show'.\n" in verify
    assert cli("source", "add", "-h").out.startswith("Usage: pledges source add [OPTIONS] PATH\n")


@pytest.mark.parametrize(
    ("path", "param"), OPTIONS, ids=[f"{p or 'pledges'} {o.opts[0]}" for p, o in OPTIONS]
)
def test_every_option_has_a_help_line(cli: CLI, path: str, param: TyperOption) -> None:
    assert param.help and param.help.strip()
    shown = words(cli(*path.split(), "--help").out)
    assert words(param.help) in shown


VOCABULARIES = [
    *[(command, "--kind", PledgeKind) for command in ("add", "update", "list", "suggest")],
    *[(command, option, vocabulary) for command in ("add", "update", "suggest")
      for option, vocabulary in (("--formality", Formality), ("--status", Status),
                                 ("--confidence", Confidence))],
    ("list", "--status", Status), ("list", "--formality", Formality),
    ("cite", "--stance", Stance), ("cite", "--asserts-status", Status),
    ("cite", "--rank", [Rank.PREFERRED, Rank.NORMAL]),
    ("source add", "--kind", SourceKind), ("actor add", "--kind", ActorKind),
    ("source update", "--kind", SourceKind), ("actor update", "--kind", ActorKind),
    ("audit", "--fail-on", ["error", "warning", "never"]),
    ("audit", "--format", ShowFormat), ("list", "--format", Format),
    ("show", "--format", ShowFormat),
    ("source list", "--format", Format), ("source show", "--format", ShowFormat),
    ("actor list", "--format", Format), ("history", "--format", ShowFormat),
    ("log head", "--format", ShowFormat),
    ("export", "--format", ["csv", "json", "jsonl", "datapackage", "xlsx"]),
    ("suggest", "--format", ["table", "json", "csv"]),
    ("search", "--kind", PledgeKind), ("search", "--status", Status),
    ("search", "--format", Format),
]  # fmt: skip


@pytest.mark.parametrize(("path", "option", "vocabulary"), VOCABULARIES)
def test_vocabulary_options_list_their_values(
    cli: CLI, path: str, option: str, vocabulary: Iterable[Enum | str]
) -> None:
    allowed = listed([getattr(v, "value", str(v)) for v in vocabulary])
    shown = words(cli(*path.split(), "--help").out)
    # up to the next option of the list (its metavar or its /--no- form), not an option named
    # inside this one's help
    described = re.search(rf"{option} TEXT (.*?)(?= --[a-z-]+ (?:[A-Z]|/)| -h, --help|$)", shown)
    assert described is not None, shown
    assert f"One of: {allowed}." in described.group(1)


def test_every_vocabulary_option_is_listed_here() -> None:
    """A command added with a vocabulary option shows up here, to be added to VOCABULARIES."""
    vocabulary = {"--kind", "--status", "--formality", "--confidence", "--stance", "--rank",
                  "--asserts-status", "--fail-on", "--format"}  # fmt: skip
    found = {(path, p.opts[0]) for path, p in OPTIONS if p.opts[0] in vocabulary}
    assert found == {(path, option) for path, option, _ in VOCABULARIES}
    assert all("One of: " in (p.help or "") for _, p in OPTIONS if p.opts[0] in vocabulary)


def test_every_table_of_the_conventions_names_options_that_exist() -> None:
    """An entry left behind by a renamed or removed option would silently do nothing."""
    names = {name for _, param in OPTIONS for name in param.opts}
    assert set(METAVARS) <= names, sorted(set(METAVARS) - names)
    assert set(VOCABULARY_TABLE) <= names, sorted(set(VOCABULARY_TABLE) - names)
    pairs = {(path, name) for path, param in OPTIONS for name in param.opts}
    assert set(COMMAND_VOCABULARIES) <= pairs, sorted(set(COMMAND_VOCABULARIES) - pairs)


def test_a_metavar_from_the_table_is_the_one_shown() -> None:
    """Every option the table names shows its metavar (no option declares its own over it)."""
    shown = {(param.opts[0], param.metavar) for _, param in OPTIONS if param.opts[0] in METAVARS}
    assert shown == {(name, METAVARS[name]) for name, _ in shown}
    assert {name for name, _ in shown} == set(METAVARS)


# --- suggestions ---------------------------------------------------------------------------------


def test_a_near_value_gets_a_suggestion(cli: CLI, seeded_sqlite: str) -> None:
    add = cli("add", "xx-new", "--title", "T", "--actor", "CN", "--kind", "netzero", "--reason",
              "test", "--db", seeded_sqlite)  # fmt: skip
    assert add.code == 2
    assert one_line(add.err) == (
        f"Error: --kind 'netzero' is not allowed — did you mean net_zero? use {KINDS}"
    )
    listing = cli("list", "--status", "In Progress", "--db", seeded_sqlite)
    assert (listing.code, listing.out) == (2, "")
    assert one_line(listing.err) == (
        "Error: --status 'In Progress' is not allowed — did you mean in_progress? use "
        f"{values(Status)}"
    )
    far = cli("list", "--status", "done", "--db", seeded_sqlite)
    assert one_line(far.err) == f"Error: --status 'done' is not allowed — use {values(Status)}"
    fmt = cli("list", "--format", "jsn", "--db", seeded_sqlite)
    assert (fmt.code, fmt.out) == (2, "")
    assert one_line(fmt.err) == (
        "Error: --format 'jsn' is not allowed — did you mean json? use table, json, jsonl or csv"
    )
    fail_on = cli("audit", "--fail-on", "warnings", "--db", seeded_sqlite)
    assert one_line(fail_on.err) == (
        "Error: --fail-on 'warnings' is not allowed — did you mean warning? use error, warning "
        "or never"
    )


def test_a_near_value_in_an_import_row_gets_a_suggestion(
    cli: CLI, seeded: str, tmp_path: Path
) -> None:
    out = tmp_path / "export"
    assert cli("export", "--out", str(out), "--db", seeded).code == 0
    path = out / "pledges.csv"
    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        header, rows = list(reader.fieldnames or []), list(reader)
    rows[1]["confidence"] = "Medum"
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, header)
        writer.writeheader()
        writer.writerows(rows)
    before = cli("history", "--format", "json", "--db", seeded).out
    result = cli("import", str(out), "--reason", "test", "--db", seeded)
    assert (result.code, result.out) == (2, "")
    assert one_line(result.err) == (
        "Error: pledges.csv:3:confidence: confidence 'Medum' is not allowed — did you mean "
        "medium? use low, medium or high; nothing was written"
    )
    assert cli("history", "--format", "json", "--db", seeded).out == before


# --- --actor by name -----------------------------------------------------------------------------


def listed_ids(cli: CLI, db: str, *args: str) -> list[str]:
    result = cli("list", "--format", "json", "--db", db, *args)
    assert result.code == 0, result.err
    return [row["id"] for row in json.loads(result.out)]


def test_actor_by_code_name_or_alias(cli: CLI, seeded: str) -> None:
    by_code = listed_ids(cli, seeded, "--actor", "US")
    assert by_code and "us-cn-cop28-success" in by_code
    for typed in ("us", "United States", "united states", "Kerry", " KERRY ", "u.s."):
        assert listed_ids(cli, seeded, "--actor", typed) == by_code, typed
    assert listed_ids(cli, seeded, "--actor", "china") == listed_ids(cli, seeded, "--actor", "CN")

    added = cli("add", "xx-joint", "--title", "A joint pledge", "--actor", "Washington",
                "--actor", "beijing", "--kind", "cooperation", "--reason", "test",
                "--db", seeded)  # fmt: skip
    assert added.code == 0, added.err
    shown = json.loads(cli("show", "xx-joint", "--format", "json", "--db", seeded).out)
    assert shown["pledge"]["actors"] == ["US", "CN"]
    updated = cli("update", "xx-joint", "--actor", "Greenpeace", "--reason", "test",
                  "--db", seeded)  # fmt: skip
    assert updated.code == 0, updated.err
    shown = json.loads(cli("show", "xx-joint", "--format", "json", "--db", seeded).out)
    assert shown["pledge"]["actors"] == ["GREENPEACE"]
    assert "xx-joint" in listed_ids(cli, seeded, "--actor", "li shuo")
    verified = cli("log", "verify", "--db", seeded)
    assert verified.code == 0, verified.out + verified.err


UNKNOWN = (
    "Error: actor 'India' is not in the register — the register's actors are CN (China), "
    "GREENPEACE (Greenpeace), US (United States); add one with 'pledges actor add'"
)


def test_an_actor_the_register_does_not_have(cli: CLI, seeded: str) -> None:
    before = cli("history", "--format", "json", "--db", seeded).out
    listing = cli("list", "--actor", "India", "--db", seeded)
    assert (listing.code, listing.out, one_line(listing.err)) == (2, "", UNKNOWN)
    added = cli("add", "in-net-zero-2070", "--title", "Net zero by 2070", "--actor", "India",
                "--kind", "net_zero", "--reason", "test", "--db", seeded)  # fmt: skip
    assert (added.code, one_line(added.err)) == (2, UNKNOWN)
    updated = cli("update", "cn-co2-peak-2030", "--actor", "CN", "--actor", "India",
                  "--reason", "test", "--db", seeded)  # fmt: skip
    assert (updated.code, one_line(updated.err)) == (2, UNKNOWN)
    near = cli("list", "--actor", "Chna", "--db", seeded)
    assert (near.code, one_line(near.err)) == (
        2,
        "Error: actor 'Chna' is not in the register — did you mean CN (China)? otherwise add "
        "one with 'pledges actor add'",
    )
    assert cli("history", "--format", "json", "--db", seeded).out == before


def test_a_name_two_actors_share_names_both(cli: CLI, seeded: str) -> None:
    # An alias that is another actor's name or alias is refused; a name is not.
    added = cli("actor", "add", "XX", "--name", "Kerry", "--kind", "company",
                "--alias", "Kerry Group", "--reason", "test", "--db", seeded)  # fmt: skip
    assert added.code == 0, added.err
    result = cli("list", "--actor", "kerry", "--db", seeded)
    assert (result.code, result.out) == (2, "")
    assert one_line(result.err) == (
        "Error: actor 'kerry' could be US (United States) or XX (Kerry) — give the code of "
        "the one you mean, e.g. --actor US"
    )
    assert listed_ids(cli, seeded, "--actor", "kerry group") == []


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    member=st.sampled_from(list(Status)),
    spelt=st.sampled_from([str.upper, str.title, lambda v: v.replace("_", " "),
                           lambda v: v.replace("_", "-"), lambda v: f" {v} "]),
)  # fmt: skip
def test_a_vocabulary_value_in_another_case_or_spelling_is_suggested_as_itself(
    cli: CLI, seeded_sqlite: str, member: Status, spelt: Callable[[str], str]
) -> None:
    written = spelt(member.value)
    assume(written != member.value)  # 'kept' has no underscore to replace
    result = cli("list", "--status", written, "--db", seeded_sqlite)
    assert (result.code, result.out) == (2, "")
    assert one_line(result.err) == (
        f"Error: --status {written!r} is not allowed — did you mean {member.value}? use "
        f"{values(Status)}"
    )
