"""The `pledges` command line: it only wires arguments to services and renders results.

Heavy libraries (SQLAlchemy, pydantic models, alembic, rich) are imported inside commands, so that
`pledges --help` stays fast. Every failure reaches the user as one line on stderr:
`Error: <what went wrong> — <what to do>`, exit 2, no traceback unless --debug.
"""

from __future__ import annotations

import sys

import typer
from typer._click.exceptions import ClickException  # typer vendors click from 0.29 on

from pledges.cli import admin, register

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3

app = typer.Typer(
    name="pledges",
    help="A register of climate commitments, each backed by verbatim evidence. "
    "Add --debug to any command to see a traceback when something fails.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.registered_commands += admin.app.registered_commands + register.app.registered_commands
app.add_typer(admin.db_app, name="db")


def _fail(message: str, code: int = EXIT_BAD_INPUT) -> int:
    print(f"Error: {message}", file=sys.stderr)
    return code


def run(argv: list[str] | None = None) -> int:
    """Run one command and return its exit code (what `main` exits with)."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    args = [a for a in args if a != "--debug"]
    from pledges.errors import PledgesError

    try:
        code = app(args=args, prog_name="pledges", standalone_mode=False)
    except PledgesError as error:
        return _fail(str(error))
    except ClickException as error:
        command = " ".join(a for a in args[:2] if not a.startswith("-"))
        return _fail(
            f"{error.format_message()} — see 'pledges {command} --help'".replace("  ", " ")
        )
    except (KeyboardInterrupt, typer.Abort):
        return _fail("interrupted; nothing was written", 130)
    except Exception as error:
        if debug:
            raise
        return _fail(
            f"unexpected failure ({type(error).__name__}: {error}) — nothing was written; "
            "rerun with --debug and report the traceback",
            EXIT_INTERNAL,
        )
    return code if isinstance(code, int) else 0


def main() -> None:
    sys.exit(run())
