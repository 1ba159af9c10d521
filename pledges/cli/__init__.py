"""The `pledges` command line: it only wires arguments to services and renders results.

Every failure reaches the user as one line on stderr: `Error: <what went wrong> — <what to do>`,
exit 2, no traceback unless --debug. So that `pledges --help` stays fast (README.md, "Speed"),
heavy libraries are imported inside commands, help is plain text (`rich_markup_mode=None`), and
the command modules do not use `from __future__ import annotations`.

The conventions people know from other command lines: `--version`, `-h` as well as `--help` on
every command, shell completion (`--install-completion`), and help that writes values as TEXT,
DATE or ID and lists what a vocabulary allows (pledges.cli.conventions).
"""

import gc
import sys
from typing import Annotated

import typer
from typer._click.exceptions import (  # typer vendors click from 0.29 on
    ClickException,
    NoArgsIsHelpError,
)

from pledges.cli import admin, audit, edit, log, revert, search, sources, suggest, transfer
from pledges.cli.conventions import conventional

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3
GC_THRESHOLDS = (200_000, 30, 30)  # see main()

app = typer.Typer(
    name="pledges",
    help="A register of climate commitments, each backed by verbatim evidence. "
    "Add --debug to any command to see a traceback when something fails.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},  # subcommands inherit it
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _print_version(wanted: bool) -> None:
    if wanted:
        from importlib.metadata import version

        typer.echo(f"pledges {version('pledges')}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the version of pledges and exit.",
            callback=_print_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """The options that come before any command."""


for group in (
    admin.app,
    edit.app,
    log.app,
    audit.app,
    search.app,
    suggest.app,
    transfer.app,
    revert.app,
):
    app.registered_commands += group.registered_commands
app.add_typer(sources.source_app, name="source")
app.add_typer(sources.actor_app, name="actor")
app.add_typer(edit.evidence_app, name="evidence")
app.add_typer(log.log_app, name="log")
app.add_typer(admin.db_app, name="db")


def _fail(message: str, code: int = EXIT_BAD_INPUT) -> int:
    print(f"Error: {message}", file=sys.stderr)
    return code


def _not_utf8(args: list[str]) -> str | None:
    """The first argument holding bytes that are not UTF-8, named by its option if it has one.

    Python keeps such bytes as lone surrogates, which can be neither stored nor hashed.
    """
    for index, arg in enumerate(args):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            option, equals, value = arg.partition("=")
            if arg.startswith("--") and equals:
                return f"{option} {value!r}"
            before = args[index - 1] if index else ""
            named = before.startswith("-") and before != "--" and "=" not in before
            return f"{before if named else 'argument'} {arg!r}"
    return None


def run(argv: list[str] | None = None) -> int:
    """Run one command and return its exit code (what `main` exits with)."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    args = [a for a in args if a != "--debug"]
    from pledges.errors import PledgesError

    undecodable = _not_utf8(args)
    if undecodable:
        return _fail(
            f"{undecodable} is not UTF-8 text — set the terminal to UTF-8 (e.g. LANG=C.UTF-8) "
            "and type it again"
        )
    try:
        root = conventional(typer.main.get_command(app))
        code = root.main(args=args, prog_name="pledges", standalone_mode=False)
    except PledgesError as error:
        return _fail(str(error))
    except NoArgsIsHelpError as error:
        # A group run without a command: its help on stdout, as with --help, then the one line.
        command = " ".join(a for a in args[:2] if not a.startswith("-"))
        print(error.format_message())
        return _fail(f"no command given — see 'pledges {command} --help'".replace("  ", " "))
    except ClickException as error:
        # The command that failed, as click parsed it: not the first words typed, which may be an
        # argument (`update ID`) or a command that does not exist (`pledges foo`).
        ctx = getattr(error, "ctx", None)
        command = ctx.command_path if ctx is not None else "pledges"
        return _fail(f"{error.format_message()} — see '{command} --help'")
    except (KeyboardInterrupt, typer.Abort):
        return _fail("interrupted; nothing was written", 130)
    except Exception as error:
        if debug:
            raise
        detail = (str(error).strip().splitlines() or [""])[0]  # the message stays one line
        return _fail(
            f"unexpected failure ({type(error).__name__}: {detail}) — nothing was written; "
            "rerun with --debug and report the traceback",
            EXIT_INTERNAL,
        )
    return code if isinstance(code, int) else 0


def main() -> None:
    """The `pledges` executable: `run` in a process tuned for a short life.

    Most of a command's time is start-up and shut-down, and much of that is CPython's cyclic
    garbage collector walking, again and again, the long-lived objects that SQLAlchemy, pydantic
    and typer create as they import (bench/startup.py measures it). So, for this process only:
    collect less often while the command runs (mypy sets the same thresholds; cycles are still
    collected), and at exit freeze what is left, so that the interpreter's final collections skip
    it. Commands close their database connections themselves, so those collections had nothing
    to release but memory that exiting releases anyway.
    """
    if sys.implementation.name == "cpython":
        gc.set_threshold(*GC_THRESHOLDS)
    code = run()
    if sys.implementation.name == "cpython":
        gc.freeze()
    sys.exit(code)
