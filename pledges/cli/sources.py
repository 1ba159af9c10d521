"""Sources (the articles quoted) and actors (who commits)."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pledges.cli.options import (
    Author,
    Db,
    Format,
    ListAs,
    Reason,
    ShowAs,
    ShowFormat,
    apply_clears,
    changed_by,
    given,
    read,
    write,
)
from pledges.errors import InvalidInput
from pledges.vocab import UNDETERMINED

if TYPE_CHECKING:
    from pledges.documents import Document

source_app = typer.Typer(help="Sources: the articles the register quotes.", no_args_is_help=True)
actor_app = typer.Typer(help="Actors: who makes pledges.", no_args_is_help=True)

Opt = typer.Option
# The options of the fields a document's metadata may give.
OPTIONS = {"title": "--title", "published_on": "--published", "publisher": "--publisher"}
# The fields `source update --clear` empties, as its options name them.
CLEARABLE = (
    "publisher", "kind", "url", "published", "date_inferred", "date_note", "retrieved",
    "language", "notes", "supersedes",
)  # fmt: skip


@source_app.command("add")
def source_add(
    path: Annotated[
        Path,
        typer.Argument(
            help="The article: a .txt, .html, .pdf or .docx file; text and web pages in any "
            "common encoding."
        ),
    ],
    source_id: Annotated[
        str, Opt("--id", help="A new slug, e.g. kerry-beijing-2023.", show_default=False)
    ],
    reason: Reason,
    title: Annotated[
        str | None, Opt(help="The article's title. Default: the document's own title.")
    ] = None,
    publisher: Annotated[
        str | None,
        Opt(help="Only when the article shows it. Default: the site name the page gives."),
    ] = None,
    kind: Annotated[str | None, Opt(help="What kind of article. Default: news.")] = None,
    published: Annotated[
        str | None, Opt(help="Publication date, YYYY-MM-DD. Default: the date the page gives.")
    ] = None,
    date_inferred: Annotated[bool, Opt(help="The date is inferred, not stated.")] = False,
    date_note: Annotated[str | None, Opt(help="How the date was established.")] = None,
    url: Annotated[str | None, Opt(help="Where the article was found.")] = None,
    retrieved: Annotated[str | None, Opt(help="When it was retrieved, YYYY-MM-DD.")] = None,
    language: Annotated[
        str | None,
        Opt(
            help=f"e.g. en, zh. Default: detected from the text ({UNDETERMINED} when it cannot be)."
        ),
    ] = None,
    notes: Annotated[str | None, Opt(help="Curation notes.")] = None,
    supersedes: Annotated[
        str | None, Opt(help="The source this one replaces, e.g. a corrected text of it.")
    ] = None,
    db: Db = None,
    author: Author = None,
) -> None:
    """Add an article: its text is stored with its sha256 (a web page is reduced to the article
    text, a PDF's pages are kept apart), with the file's format, encoding and extractor. A title,
    date or publisher not given is taken from the document's own metadata, and the source
    records that it was."""
    from pledges import documents

    reading = documents.Reading(path, detect_language=language is None)
    try:  # what follows, loading the register's code, goes on while a PDF is being read
        who = changed_by(author, reason)
        from pledges.editing import add_source
        from pledges.render import note
        from pledges.schema import SourceIn
        from pledges.validation import validate

        document = reading.result()
    finally:
        reading.close()
    typed = given(title=title, published_on=published, publisher=publisher)
    offered = offered_metadata(document, typed)
    if "title" not in typed and "title" not in offered:
        raise InvalidInput(
            f"{path} gives no title of its own", "give the article's title with --title"
        )
    fields = given(
        id=source_id, kind=kind, date_inferred=date_inferred or None, date_note=date_note,
        url=url, retrieved_on=retrieved, notes=notes, supersedes=supersedes,
        language=language or document.language or UNDETERMINED,
    )  # fmt: skip
    how = given(format=document.format, encoding=document.encoding,
                    extractor=document.extractor)  # fmt: skip
    source = validate(SourceIn, {
        **fields, **typed, **offered, **how, "from_metadata": list(offered) or None,
        "text": document.text,
    })  # fmt: skip
    with write(db) as session:
        stored = add_source(session, source, who)
    note(f"Added source {stored.id}: {len(stored.text)} characters, sha256 {stored.sha256[:12]}…")
    if offered:
        taken = ", ".join(f"{OPTIONS[name][2:]} {value!r}" for name, value in offered.items())
        options = [OPTIONS[name] for name in offered]
        either = options[0] if len(options) == 1 else ", ".join(options[:-1]) + " or " + options[-1]
        note(
            f"Taken from the document's metadata: {taken}; to set your own, run "
            f"'pledges source update {stored.id}' with {either}."
        )
    if not language and not document.language:
        note(
            f"The language could not be detected: recorded as {UNDETERMINED} (undetermined); "
            f"set it with 'pledges source update {stored.id} --language CODE'."
        )


def offered_metadata(document: "Document", typed: dict[str, object]) -> dict[str, object]:
    """What the document's own metadata gives for the title, date and publisher not typed, by
    field, in the order of METADATA_FIELDS; a title or publisher on one line, its spaces
    collapsed (a page's markup may break it over lines)."""
    from pledges.schema import METADATA_FIELDS

    values = {
        "title": " ".join((document.title or "").split()),
        "published_on": document.published_on.isoformat() if document.published_on else "",
        "publisher": " ".join((document.publisher or "").split()),
    }
    return {name: values[name] for name in METADATA_FIELDS if name not in typed and values[name]}


@source_app.command("list")
def source_list(
    format: ListAs = Format.TABLE,
    db: Db = None,
) -> None:
    """List the sources, with how many quotes cite each."""
    from pledges import progress, service
    from pledges.render import sources as render
    from pledges.render.pager import paged

    with paged(format.value), progress.task("Listing the sources"):
        with read(db) as session:
            found, quotes = service.list_sources(session)
        render.source_list(found, quotes, format.value)


@source_app.command("show")
def source_show(
    source_id: Annotated[str, typer.Argument(metavar="ID", help="The source's id.")],
    text: Annotated[bool, Opt("--text", help="Print the article's full text too.")] = False,
    format: ShowAs = ShowFormat.TABLE,
    db: Db = None,
) -> None:
    """Show a source: its metadata, sha256, the evidence that cites it, and what the audit
    finds wrong with it or with the quotes taken from it."""
    from pledges import service
    from pledges.render import sources as render
    from pledges.render.pager import paged
    from pledges.repository import sources_superseding

    with read(db) as session:
        view = service.show_source(session, source_id)
        later = sources_superseding(session, source_id)
    findings = service.source_findings(db, view.source.id)
    with paged(format.value):
        render.source_view(view, format.value, text=text, superseded_by=later, findings=findings)


@actor_app.command("add")
def actor_add(
    actor_id: Annotated[str, typer.Argument(metavar="ID", help="e.g. IN, EU, UNFCCC.")],
    name: Annotated[str, Opt(help="The actor's name.", show_default=False)],
    kind: Annotated[str, Opt(help="What kind of actor.", show_default=False)],
    reason: Reason,
    alias: Annotated[list[str] | None, Opt(help="A name to look for in articles (repeat).")] = None,
    db: Db = None,
    author: Author = None,
) -> None:
    """Add an actor."""
    from pledges.editing import add_actor
    from pledges.render import note
    from pledges.schema import ActorIn
    from pledges.validation import validate

    who = changed_by(author, reason)
    actor = validate(ActorIn, given(id=actor_id.upper(), name=name, kind=kind, aliases=alias))
    with write(db) as session:
        stored = add_actor(session, actor, who)
    note(f"Added actor {stored.id} ({stored.name}).")


@actor_app.command("list")
def actor_list(
    format: ListAs = Format.TABLE,
    db: Db = None,
) -> None:
    """List the actors and their aliases."""
    from pledges import progress, repository
    from pledges.render import sources as render
    from pledges.render.pager import paged

    with paged(format.value), progress.task("Listing the actors"):
        with read(db) as session:
            actors = repository.list_actors(session)
        render.actor_list(actors, format.value)


@source_app.command("update")
def source_update(
    source_id: Annotated[str, typer.Argument(metavar="ID", help="The source to correct.")],
    reason: Reason,
    title: Annotated[str | None, Opt(help="The article's title.")] = None,
    publisher: Annotated[str | None, Opt(help="As the article or its page shows it.")] = None,
    kind: Annotated[str | None, Opt(help="What kind of article.")] = None,
    url: Annotated[str | None, Opt(help="Where the article was found.")] = None,
    published: Annotated[str | None, Opt(help="Publication date, YYYY-MM-DD.")] = None,
    date_inferred: Annotated[
        bool | None, Opt(help="Whether the date is inferred rather than stated.")
    ] = None,
    date_note: Annotated[str | None, Opt(help="How the date was established.")] = None,
    retrieved: Annotated[str | None, Opt(help="When it was retrieved, YYYY-MM-DD.")] = None,
    language: Annotated[str | None, Opt(help="e.g. en, zh.")] = None,
    notes: Annotated[str | None, Opt(help="Curation notes.")] = None,
    supersedes: Annotated[
        str | None, Opt(help="The source this one replaces, e.g. an earlier text of it.")
    ] = None,
    clear: Annotated[
        list[str] | None,
        Opt(help=f"Empty a field (repeat): one of {', '.join(CLEARABLE)}, e.g. --clear url."),
    ] = None,
    db: Db = None,
    author: Author = None,
) -> None:
    """Correct a source's metadata; one revision records the change. The text and its sha256
    never change: a corrected text is a new source ('pledges source add FILE --supersedes ID').
    A title, date or publisher given here replaces the one taken from the document's metadata,
    and is recorded as yours (even when it is the same value). The format, encoding and
    extractor cannot be changed or cleared: they say how the stored text was read from its file,
    and like the text they never change (a file read otherwise gives a new source)."""
    from pledges.corrections import update_source
    from pledges.render import note

    who = changed_by(author, reason)
    changes: dict[str, object] = given(
        title=title, publisher=publisher, kind=kind, url=url, published_on=published,
        date_inferred=date_inferred, date_note=date_note, retrieved_on=retrieved,
        language=language, notes=notes, supersedes=supersedes,
    )  # fmt: skip
    fields = {"published": "published_on", "retrieved": "retrieved_on"}
    apply_clears(changes, clear, names=fields, empty={"date_inferred": False})
    with write(db) as session:
        stored = update_source(session, source_id, changes, who)
    note(f"Updated source {stored.id}: its text and sha256 {stored.sha256[:12]}… are unchanged.")


@actor_app.command("update")
def actor_update(
    actor_id: Annotated[str, typer.Argument(metavar="ID", help="The actor to correct, e.g. CN.")],
    reason: Reason,
    name: Annotated[str | None, Opt(help="The actor's name.")] = None,
    kind: Annotated[str | None, Opt(help="What kind of actor.")] = None,
    add_alias: Annotated[
        list[str] | None, Opt(help="A name to look for in articles (repeat).")
    ] = None,
    remove_alias: Annotated[
        list[str] | None, Opt(help="An alias to stop looking for (repeat).")
    ] = None,
    db: Db = None,
    author: Author = None,
) -> None:
    """Correct an actor's name, kind or aliases; one revision records the change."""
    from pledges.corrections import update_actor
    from pledges.render import note

    who = changed_by(author, reason)
    changes = given(name=name, kind=kind)
    with write(db) as session:
        stored = update_actor(
            session, actor_id.upper(), changes, who,
            add_aliases=add_alias or [], remove_aliases=remove_alias or [],
        )  # fmt: skip
    aliases = ", ".join(stored.aliases) or "none"
    said = f"Updated actor {stored.id} ({stored.name}); aliases: {aliases}"
    note(said if said.endswith(".") else said + ".")
