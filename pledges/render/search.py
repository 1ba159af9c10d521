"""Showing the hits of a search: a table per kind of record for people, with the words found in
bold; JSON, JSON Lines or CSV for machines, the words found between ** marks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pledges.render import draw, note, titled_table, write_rows
from pledges.search import query as queries
from pledges.search.find import Hit
from pledges.search.query import Query

COLUMNS = ("kind", "id", "title", "date", "source", "source_title", "pledge", "status",
           "deprecated", "snippet")  # fmt: skip
HEADINGS = {"sources": "Sources", "quotes": "Quotes", "pledges": "Pledges"}


def _row(hit: Hit) -> dict[str, Any]:
    return {
        "kind": hit.kind,
        "id": hit.id,
        "title": hit.title,
        "date": hit.date,
        "source": hit.source,
        "source_title": hit.source_title,
        "pledge": hit.pledge,
        "status": hit.status,
        "deprecated": hit.deprecated,
        "snippet": hit.snippet.marked(),
    }


def _named(hit: Hit) -> Any:
    from rich.text import Text

    dated = f" ({hit.date})" if hit.date else ""
    if hit.kind == "sources":
        return Text.assemble((hit.id, "bold"), "\n", (hit.title + dated, "dim"))
    if hit.kind == "quotes":
        gone = " (deprecated)" if hit.deprecated else ""
        return Text.assemble(
            (f"evidence {hit.id}{gone}", "bold"), "\n", (f"pledge {hit.pledge}", ""), "\n",
            (f"{hit.source_title}{dated}", "dim"),
        )  # fmt: skip
    return Text.assemble((hit.id, "bold"), "\n", (f"{hit.title} [{hit.status}]{dated}", "dim"))


def _passage(hit: Hit) -> Any:
    from rich.text import Text

    text = Text(hit.snippet.text)
    for start, end in hit.snippet.marks:
        text.stylize("bold reverse", start, end)
    return text


def hits(
    query: Query, found: Mapping[str, Sequence[Hit]], format: str, *, limit: int, scope: str = ""
) -> None:
    """The hits of each kind; `scope` says what was searched, as the note of no hit quotes it
    (" in quotes with --status kept")."""
    shown = {kind: list(h[:limit]) for kind, h in found.items()}
    rows = [_row(hit) for kind_hits in shown.values() for hit in kind_hits]
    if write_rows(format, COLUMNS, rows):
        return
    cut = [kind for kind, h in found.items() if len(h) > limit]
    if not rows:
        note(f"Nothing in the register matches {queries.shown(query.text.strip())!r}{scope}.")
        return
    for kind, kind_hits in shown.items():
        if not kind_hits:
            continue
        more = " (the best; --limit shows more)" if kind in cut else ""
        table = titled_table(f"{HEADINGS[kind]} matching {queries.shown(query.text.strip())!r}: "
                             f"{len(kind_hits)}{more}")  # fmt: skip
        table.add_column("record", overflow="fold", ratio=1)
        table.add_column("passage", overflow="fold", ratio=2)
        for hit in kind_hits:
            table.add_row(_named(hit), _passage(hit))
        draw(table)
    missing = [HEADINGS[k].lower() for k, h in shown.items() if not h]
    if missing:
        note(f"No {' or '.join(missing)} match.")
