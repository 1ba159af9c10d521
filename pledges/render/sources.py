"""Drawing sources and actors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pledges.pages import PAGE_BREAK, quote_page, shown
from pledges.render import (
    draw,
    id_column,
    id_over_title,
    out,
    titled_table,
    write_json,
    write_jsonl,
    write_rows,
)
from pledges.render.register import source_line

if TYPE_CHECKING:
    from pledges.audit import Finding
    from pledges.schema import Actor, Source
    from pledges.service import SourceView

# How the fields a document's metadata may give are named to readers.
FIELD_NAMES = {"title": "title", "published_on": "date", "publisher": "publisher"}


SOURCE_COLUMNS = ("id", "title", "publisher", "kind", "published_on", "date_inferred", "sha256")


def source_list(sources: Sequence[Source], quotes: dict[str, int], format: str) -> None:
    rows = [
        {**s.model_dump(mode="json", exclude={"text"}), "quotes": quotes.get(s.id, 0)}
        for s in sources
    ]
    if write_rows(format, (*SOURCE_COLUMNS, "quotes"), rows):
        return
    table = titled_table(f"{len(sources)} sources")
    id_column(table, "source\ntitle", (s.id for s in sources))
    table.add_column("publisher")
    table.add_column("date")
    table.add_column("quotes", justify="right")
    for s in sources:
        date = "unknown" if s.published_on is None else s.published_on.isoformat()
        table.add_row(
            id_over_title(s.id, s.title),
            s.publisher or "not stated",
            date + ("\n(inferred)" if s.date_inferred else ""),
            str(quotes.get(s.id, 0)),
        )
    draw(table)


def source_view(
    view: SourceView,
    format: str,
    *,
    text: bool,
    superseded_by: Sequence[str] = (),
    findings: Sequence[Finding] = (),
) -> None:
    """One source, what supersedes it, the evidence citing it and the audit's findings about it
    (json: one object; jsonl: that object on one line)."""
    source = view.source
    pages = {e.id: quote_page(e.quote, source.text) for e in view.evidence}
    if format in ("json", "jsonl"):
        exclude = set() if text else {"text"}
        data = {
            "source": source.model_dump(mode="json", exclude=exclude),
            "superseded_by": list(superseded_by),
            "cited_by": [{**e.model_dump(mode="json"), "page": pages[e.id]} for e in view.evidence],
            "findings": [f.as_dict() for f in findings],
        }
        write_json(data) if format == "json" else write_jsonl([data])
        return
    from rich.table import Table
    from rich.text import Text

    console = out()
    console.print(Text(source_line(source), style="bold"), Text(f"  {source.id}", style="dim"))
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim")
    facts.add_column()
    facts.add_row("kind", source.kind.value)
    if source.supersedes:
        facts.add_row("supersedes", source.supersedes)
    if superseded_by:
        facts.add_row("superseded by", ", ".join(superseded_by))
    facts.add_row("url", source.url or "none")
    if source.date_note:
        facts.add_row("date note", source.date_note)
    facts.add_row(
        "retrieved", source.retrieved_on.isoformat() if source.retrieved_on else "unknown"
    )
    facts.add_row("language", source.language)
    if source.from_metadata:
        names = ", ".join(FIELD_NAMES[name] for name in source.from_metadata)
        facts.add_row("from metadata", f"{names} (from the document's own metadata)")
    facts.add_row("format", source.format.value if source.format else "not recorded")
    if source.format is not None:
        facts.add_row("encoding", source.encoding or "none (not read as text)")
        facts.add_row("extractor", source.extractor or "none (the file's text, as read)")
    facts.add_row("sha256", source.sha256)
    facts.add_row("length", f"{len(source.text)} characters")
    if source.notes:
        facts.add_row("notes", source.notes)
    console.print(facts)
    console.print(Text(f"\nCited by ({len(view.evidence)})", style="bold"))
    for e in view.evidence:
        page = f", {shown(pages[e.id])}" if pages[e.id] is not None else ""
        console.print(f"  evidence {e.id} → {e.pledge_id} ({e.rank.value}{page}): “{e.quote}”")
    from pledges.render.audit import findings_section

    findings_section(console, findings)
    if text:
        console.print(Text("\nText", style="bold"))
        console.print(Text(with_page_marks(source.text)))


def with_page_marks(text: str) -> str:
    """A text with pages, its page breaks shown as a line naming the page that begins there."""
    pages = text.split(PAGE_BREAK)
    if len(pages) == 1:
        return text
    marked = [pages[0]]
    for number, page in enumerate(pages[1:], start=2):
        marked.append(f"\n\n── {shown(number)} ──\n\n{page}")
    return "".join(marked)


ACTOR_COLUMNS = ("id", "name", "kind", "aliases")


def actor_list(actors: Sequence[Actor], format: str) -> None:
    if write_rows(format, ACTOR_COLUMNS, [a.model_dump(mode="json") for a in actors], "aliases"):
        return
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for column in ("id", "name", "kind"):
        table.add_column(column, no_wrap=True)
    table.add_column("aliases", ratio=1)
    for a in actors:
        table.add_row(a.id, a.name, a.kind.value, ", ".join(a.aliases))
    draw(table)
