"""`pledges search`: what the register holds on a subject, in its sources, quotes and pledges."""

import re
from enum import StrEnum
from typing import Annotated

import typer

from pledges.cli.options import Db, Format, ListAs, day, within
from pledges.errors import InvalidInput

app = typer.Typer()

DEFAULT_LIMIT = 20
LIMIT_MAX = 10_000
# A word written as an option is: -name, --name or --name=value (see _no_option_among).
_OPTION_LIKE = re.compile(r"(--?)([A-Za-z][A-Za-z0-9-]*)(?:=.*)?", re.DOTALL)


class Where(StrEnum):
    SOURCES = "sources"
    QUOTES = "quotes"
    PLEDGES = "pledges"


# "-coal" must reach the search as a word to leave out, not be read as an unknown option; and
# "-methane" must not be read as "-h" for help among unknown letters, so -h is taken below.
@app.command(context_settings={"ignore_unknown_options": True, "help_option_names": ["--help"]})
def search(
    ctx: typer.Context,
    words: Annotated[
        list[str],
        typer.Argument(
            metavar="QUERY",
            help='Words to find, all of them: "a phrase" in double quotes, -word to leave out '
            "what holds it, word* for the words that begin so. Chinese is found inside "
            "unspaced text. Case does not matter. E.g. pledges search methane -coal, or "
            "pledges search '\"carbon neutrality\" -2050'.",
            show_default=False,
        ),
    ],
    in_: Annotated[
        list[str] | None,
        typer.Option(
            "--in",
            metavar="WHAT",
            help="Search only these: sources (title and text), quotes, pledges (title and "
            "statement). Repeat for more than one. Default: all three.",
            show_default=False,
        ),
    ] = None,
    actor: Annotated[
        str | None,
        typer.Option(help="Only what concerns this actor's pledges (its code, name or alias)."),
    ] = None,
    kind: Annotated[
        str | None, typer.Option(help="Only what concerns pledges of this kind, e.g. net_zero.")
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(help="Only what concerns pledges of this status, e.g. in_progress."),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(metavar="ID", help="Only this source, its quotes, and the pledges citing it."),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            metavar="DATE",
            help="Only sources published (pledges announced) on or after this day.",
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            metavar="DATE", help="Only sources published (pledges announced) by this day."
        ),
    ] = None,
    limit: Annotated[
        int,
        typer.Option(
            "--limit",
            metavar="N",
            help=f"At most N hits of each kind, best first (1 to {LIMIT_MAX:,}).",
            parser=within("--limit", 1, LIMIT_MAX, "a number"),
        ),
    ] = DEFAULT_LIMIT,
    format: ListAs = Format.TABLE,
    db: Db = None,
) -> None:
    """Search the register: every source's title and text, every quote, every pledge's title and
    statement, ranked, each hit with its passage, the words found marked."""
    from pledges.render import search as render
    from pledges.search.find import run_search
    from pledges.search.query import parse
    from pledges.search.sql import Filters

    if "-h" in words:  # help, as for every other command
        typer.echo(ctx.get_help())
        raise typer.Exit()
    _no_option_among(words, ctx)
    query = " ".join(words)
    parsed = parse(query)
    first, last = day("--since", since), day("--until", until)
    if first is not None and last is not None and first > last:
        raise InvalidInput(
            f"--since {since} is after --until {until}", "give a --since on or before --until"
        )
    filters = Filters(actor=actor, kind=kind, status=status, source=source, since=first,
                      until=last)  # fmt: skip
    kinds = [_where(given) for given in in_] if in_ else [w.value for w in Where]
    hits = run_search(db, parsed, kinds, filters, limit)
    named = [f"--{n} {v}" for n, v in (("actor", actor), ("kind", kind), ("status", status),
             ("source", source), ("since", since), ("until", until)) if v is not None]  # fmt: skip
    scope = (f" in {' or '.join(dict.fromkeys(kinds))}" if in_ else "") + (
        f" with {' '.join(named)}" if named else ""
    )
    render.hits(parsed, hits, format.value, limit=limit, scope=scope)


def _no_option_among(words: list[str], ctx: typer.Context) -> None:
    """Refuse a word that is one of the command's options, or looks like one mistyped: the
    command line hands such words on as words to search for (so that -coal leaves coal out)."""
    known = [o[2:] for p in ctx.command.params for o in p.opts if o.startswith("--")] + ["help"]
    for word in words:
        written = _OPTION_LIKE.fullmatch(word)
        if written is None:
            continue
        dashes, name = written.group(1), written.group(2)
        if name in known and dashes == "--":  # only "--" before it lets it through
            raise InvalidInput(
                f"{dashes}{name} is given after '--', where every word is searched for",
                f"give the options first, e.g. pledges search --{name} ... -- -coal methane",
            )
        if name in known:
            raise InvalidInput(
                f"-{name} is written with one dash",
                f"write --{name}; to leave out the word {name!r}, quote the whole search, e.g. "
                f"pledges search 'methane -{name}'",
            )
        if dashes == "--":
            from pledges.validation import closest

            near = closest(name, known)
            raise InvalidInput(
                f"--{name} is not an option of pledges search",
                ("" if near is None else f"did you mean --{near}? ")
                + "see 'pledges search --help'",
            )


def _where(given: str) -> str:
    """What --in names, or one line saying what it allows."""
    try:
        return Where(given.strip().lower()).value
    except ValueError:
        from pledges.validation import suggesting

        values = [w.value for w in Where]
        hint = suggesting(given, values, "use sources, quotes or pledges")
        raise InvalidInput(f"--in {given!r} is not allowed", hint) from None
