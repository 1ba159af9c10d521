"""Help as people know it from other command lines, set on every command in one place.

typer writes an option's value as its Python type (`--title <str>`, `--gas <list[str]>`) and a
required argument as `{ID}`. `conventional()` walks the command tree once, as the command line
starts, and gives each option the metavar people expect (TEXT, INTEGER, DATE, PATH, ID...),
each argument its plain name (`ID`, `[ID]`, `EVIDENCE_ID...`), and the help of each option that
takes a closed vocabulary the values it allows, read from pledges.vocab or from the option's own
choices, so that the help never lists them by hand. A vocabulary option completes its values
in the shell, and one typed as an enum refuses a value as the register's own checks do. Each
parameter of a plain type reads its value without typer's pydantic layer (pledges.cli.coercion).

Run on every start, so it imports nothing heavy and looks at each parameter once.
"""

from collections.abc import Callable, Iterable, Iterator
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

from typer import BadParameter
from typer.core import TyperArgument, TyperGroup, TyperOption

from pledges.cli import coercion
from pledges.errors import InvalidInput
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

if TYPE_CHECKING:  # typer names click's classes nowhere public; they are only annotations here
    from typer._click.core import Command, Context, Parameter

# Metavars by option, where its Python type says too little (a date or an id is a str).
METAVARS = {
    "--db": "PATH|URL",
    "--actor": "ACTOR",
    "--id": "ID",
    "--parent-id": "ID",
    "--superseded-by": "ID",
    "--supersedes": "ID",
    "--announced-on": "DATE",
    "--published": "DATE",
    "--retrieved": "DATE",
    "--today": "DATE",
    "--target-year": "YEAR",
    "--baseline-year": "YEAR",
    "--target-value": "NUMBER",
    "--out": "PATH",
    "--clear": "FIELD",
    "--revision": "REVISION",
}
# Metavars by the Python type of the value, for every other option.
TYPE_METAVARS: dict[Any, str] = {
    str: "TEXT",
    int: "INTEGER",
    float: "NUMBER",
    Path: "PATH",
    date: "DATE",
}
# The values a vocabulary option allows, by option, and where one command's option of that name
# takes another vocabulary, by command and option. Options typed as an enum (--format,
# --fail-on) name their own choices.
VOCABULARIES: dict[str, Iterable[Enum]] = {
    "--kind": PledgeKind,
    "--status": Status,
    "--asserts-status": Status,
    "--formality": Formality,
    "--confidence": Confidence,
    "--stance": Stance,
    "--rank": Rank,
}
COMMAND_VOCABULARIES: dict[tuple[str, str], Iterable[Enum]] = {
    ("source add", "--kind"): SourceKind,
    ("actor add", "--kind"): ActorKind,
    ("source update", "--kind"): SourceKind,
    ("actor update", "--kind"): ActorKind,
    # New evidence is never deprecated: 'pledges evidence deprecate' does that.
    ("cite", "--rank"): [Rank.PREFERRED, Rank.NORMAL],
}


class Argument(TyperArgument):
    """An argument shown by its name, as in `pledges show ID`, `[ID]` when it may be left out,
    with `...` when it may be repeated; not by its type."""

    def display_type_rich(self, ctx: "Context") -> str | None:
        return None

    def _shown(self) -> str:
        name = self.display_name_raw if self.required else f"[{self.display_name_raw}]"
        return name + ("..." if self.nargs != 1 else "")

    def _usage_display_name(self) -> str:
        return self._shown()

    def _rich_display_name(self) -> str:
        return self._shown()


class ChoiceOption(TyperOption):
    """An option typed as an enum (--format, --fail-on) that refuses a value as the register's
    vocabularies do: `--format 'jsn' is not allowed — did you mean json? use table, json, jsonl
    or csv`, not in typer's words."""

    def process_value(self, ctx: "Context", value: Any) -> Any:
        try:
            return super().process_value(ctx, value)
        except BadParameter:
            if not isinstance(value, str):
                raise
            from pledges.validation import suggesting

            values = values_of("", self) or []
            hint = suggesting(value, values, f"use {listed(values)}")
            raise InvalidInput(f"{self.opts[0]} {value!r} is not allowed", hint) from None


def completing(values: list[str]) -> Callable[["Context", "Parameter", str], list[str]]:
    """Shell completion of a vocabulary option: the values that start as typed."""

    def complete(ctx: "Context", param: "Parameter", incomplete: str) -> list[str]:
        return [value for value in values if value.startswith(incomplete)]

    return complete


def commands(command: "Command", path: str = "") -> Iterator[tuple[str, "Command"]]:
    """Every command of the tree with its path below the root (`source add`), groups included;
    the root's path is ''."""
    yield path, command
    if isinstance(command, TyperGroup):
        for name, sub in command.commands.items():
            yield from commands(sub, f"{path} {name}".strip())


def values_of(path: str, option: TyperOption) -> list[str] | None:
    """The values a vocabulary option allows; None for any other option."""
    choices = option.type_descriptor.choices
    if choices is not None:
        return [str(getattr(choice, "value", choice)) for choice in choices]
    name = option.opts[0] if option.opts else ""
    vocabulary = COMMAND_VOCABULARIES.get((path, name)) or VOCABULARIES.get(name)
    return None if vocabulary is None else [str(member.value) for member in vocabulary]


def metavar(option: TyperOption) -> str:
    name = option.opts[0] if option.opts else ""
    if name in METAVARS:
        return METAVARS[name]
    if option.type_descriptor.is_path:
        return "PATH"
    annotation = option.type_descriptor.annotation
    element = get_args(annotation)[0] if option.type_descriptor.is_list else annotation
    return TYPE_METAVARS.get(element, "TEXT")


def with_values(help: str | None, values: list[str]) -> str:
    text = (help or "").rstrip()
    if text and not text.endswith((".", "?", ")")):
        text += "."
    return f"{text} One of: {listed(values)}.".strip()


def conventional(root: "Command") -> "Command":
    """`root` and every command below it, with the conventional metavars, argument names and
    vocabularies in their help (see the module's docstring). Returns `root`."""
    coercion.install()
    for path, command in commands(root):
        for param in command.params:
            if isinstance(param, TyperArgument):
                param.__class__ = Argument
                # '[ID]' or '[EVIDENCE_ID]...' as declared: the name alone, Argument adds the rest.
                param.metavar = (param.metavar or param.name or "").strip("[].").upper()
            elif isinstance(param, TyperOption) and not (param.is_flag or param.count):
                if param.metavar is None:
                    param.metavar = metavar(param)
                values = values_of(path, param)
                if param.type_descriptor.choices is not None:
                    param.__class__ = ChoiceOption  # typer completes its choices itself
                elif values is not None:
                    # typer takes autocompletion= only where an option is declared; once it is
                    # built, this attribute is where typer itself keeps it.
                    param._custom_shell_complete = completing(values)
                if values is not None:
                    param.help = with_values(param.help, values)
    return root
