"""The light reading of the command line's values (pledges.cli.coercion) reads every parameter of
every command as typer's own reading does, value for value and refusal for refusal, and keeps
pydantic out of the commands that need it for nothing else."""

from __future__ import annotations

import subprocess
import sys
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer._coercion import build_runtime_param
from typer.core import TyperArgument, TyperOption

from pledges.cli import app
from pledges.cli.coercion import Light, reading
from pledges.cli.conventions import commands, conventional
from pledges.errors import PledgesError

ROOT = conventional(typer.main.get_command(app))
PARAMS = [
    (f"{path} {param.name}".strip(), param)
    for path, command in commands(ROOT)
    for param in command.params
    if isinstance(param, TyperArgument | TyperOption)
]


def outcome(read: Any, value: Any, param: Any) -> tuple[str, Any]:
    """What a reading makes of `value`: ('value', it) or ('refused', the message)."""
    ctx = typer.Context(ROOT)
    try:
        return "value", read.coerce(value, param=param, ctx=ctx)
    except typer.BadParameter as error:
        return "refused", error.message
    except PledgesError as error:
        return "refused", str(error)


def samples(param: Any) -> list[Any]:
    """Values the command line may hand this parameter: its default, none, each choice written
    as typed and in capitals, text that is none of them, and a path."""
    annotation = param.type_descriptor.annotation
    element = get_args(annotation)[0] if get_origin(annotation) is list else annotation
    written: list[Any] = ["", "x", "0", "12", "-3", "2030", "1_000", " 7 ", "../a b", "é"]
    if isinstance(element, type) and issubclass(element, Enum):
        written += [m.value for m in element] + [str(m.value).upper() for m in element]
    if element is bool:
        written = [True, False]
    values: list[Any] = [param.default, None]
    if get_origin(annotation) is list or param.nargs == -1 or param.multiple:
        values += [tuple(written[:3]), tuple(written[-3:]), ()]
    else:
        values += written
    return values


def test_every_parameter_of_the_register_is_read_lightly() -> None:
    """No parameter is left to typer's pydantic reading: each is plain."""
    heavy = [name for name, p in PARAMS if not isinstance(reading(p.type_descriptor), Light)]
    assert heavy == []


@pytest.mark.parametrize(("name", "param"), PARAMS, ids=[name for name, _ in PARAMS])
def test_each_parameter_reads_as_typer_reads_it(name: str, param: Any) -> None:
    light, typer_own = reading(param.type_descriptor), build_runtime_param(param.type_descriptor)
    for value in samples(param):
        assert outcome(light, value, param) == outcome(typer_own, value, param), (name, value)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(PARAMS), st.text(max_size=12))
def test_any_text_reads_as_typer_reads_it(named: tuple[str, Any], text: str) -> None:
    name, param = named
    if param.type_descriptor.annotation is bool:
        return  # a flag is given True or False by the parser, never text
    many = get_origin(param.type_descriptor.annotation) is list
    value: Any = (text, text) if many else text
    light, typer_own = reading(param.type_descriptor), build_runtime_param(param.type_descriptor)
    assert outcome(light, value, param) == outcome(typer_own, value, param), (name, value)


def test_a_path_is_read_as_typer_reads_it(tmp_path: Path) -> None:
    paths = [(n, p) for n, p in PARAMS if p.type_descriptor.annotation is Path]
    assert paths
    existing = tmp_path / "here.csv"
    existing.write_text("id\n", encoding="utf-8")
    for name, param in paths:
        light, own = reading(param.type_descriptor), build_runtime_param(param.type_descriptor)
        written = (str(existing), str(tmp_path), str(tmp_path / "missing"), existing, "./a/b/",
                   "a//b", "missing/", ".", "-", "~/x")  # fmt: skip
        for value in written:
            assert outcome(light, value, param) == outcome(own, value, param), (name, value)


def test_the_audit_and_the_search_load_no_pydantic(tmp_path: Path) -> None:
    """The commands that only read load neither typer's pydantic reading nor pydantic itself."""
    from tests.registers import seeded_template

    db = seeded_template(tmp_path)
    for args in (["audit", "--format", "json", "--fail-on", "never"], ["search", "methane"]):
        script = (
            "import sys; from pledges.cli import run; "
            f"code = run({[*args, '--db', str(db)]!r}); "
            "print(code, sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic'))"
        )
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              check=False, cwd=tmp_path)  # fmt: skip
        assert done.stdout.splitlines()[-1] == "0 []", (args, done.stdout[-500:], done.stderr)
