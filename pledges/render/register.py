"""Drawing pledges: the register as a list, one pledge with its evidence and timeline, init."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pledges.pages import shown
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

if TYPE_CHECKING:
    from pledges.audit import Finding
    from pledges.schema import Pledge, Source
    from pledges.service import InitResult, PledgeView, Quoted
    from pledges.timeline import Step

PLEDGE_COLUMNS = (
    "id",
    "title",
    "actors",
    "kind",
    "target_year",
    "formality",
    "status",
    "confidence",
    "announced_on",
)


def pledge_list(
    pledges: Sequence[Pledge],
    format: str,
    *,
    limited: int | None = None,
    filters: Sequence[str] = (),
) -> None:
    """The pledges as rows; a table's title says when --limit (`limited`) left some out, and a
    table of none says which `filters` matched nothing."""
    if write_rows(format, PLEDGE_COLUMNS, [p.model_dump(mode="json") for p in pledges], "actors"):
        return
    from rich.text import Text

    if not pledges:
        narrowed = f" match ({', '.join(filters)})" if filters else " in the register"
        out().print(f"No pledges{narrowed}.", soft_wrap=True)
        return
    # Related facts share a cell (id over title, kind over target, status over formality and
    # confidence), so the table stays readable in an 80-column terminal.
    first = f" (the first {limited}: --limit)" if limited is not None else ""
    table = titled_table(f"{len(pledges)} pledge" + ("" if len(pledges) == 1 else "s") + first)
    id_column(table, "pledge\ntitle", (p.id for p in pledges))
    table.add_column("actors")
    table.add_column("kind\ntarget")
    table.add_column("status\nformality/\nconfidence")
    for p in pledges:
        target = "no target year" if p.target_year is None else f"by {p.target_year}"
        table.add_row(
            id_over_title(p.id, p.title),
            "+".join(p.actors),
            Text.assemble(p.kind.value, "\n", (target, "dim")),
            Text.assemble(
                p.status.value, "\n", (f"{p.formality.value}/{p.confidence.value}", "dim")
            ),
        )
    draw(table)


def source_line(source: Source) -> str:
    """Title — publisher, date: what a reader needs to find the article again."""
    publisher = source.publisher or "publisher not stated"
    if source.published_on is None:
        date = "date unknown"
    else:
        date = source.published_on.isoformat() + (" (inferred)" if source.date_inferred else "")
    return f"{source.title} — {publisher}, {date}"


def _quoted_json(item: Quoted) -> dict[str, Any]:
    return {
        **item.evidence.model_dump(mode="json"),
        "located": item.start is not None,
        "context": item.context,
        "quote_start": item.start,
        "quote_end": item.end,
        "page": item.page,
        "source": item.source.model_dump(mode="json", exclude={"text"}),
    }


def _step_json(step: Step) -> dict[str, Any]:
    return {
        "at": step.at.isoformat(),
        "field": step.field,
        "before": step.before,
        "after": step.after,
        "author": step.author,
        "reason": step.reason,
        "asserted_by": [e.id for e in step.evidence],
    }


def _step_line(step: Step, sources: dict[str, Source]) -> str:
    change = (
        f"{step.field} set to {step.after}"
        if step.before is None
        else f"{step.field} {step.before} → {step.after}"
    )
    line = f"{step.at:%Y-%m-%d}  {change} — {step.reason} ({step.author})"
    for e in step.evidence:
        source = sources.get(e.source_id)
        dated = f", {source.published_on}" if source and source.published_on else ""
        line += f"; asserted by evidence {e.id} ({e.source_id}{dated})"
    return line


def pledge_view(view: PledgeView, format: str, findings: Sequence[Finding] = ()) -> None:
    """One pledge, its evidence, timeline and the audit's findings about it (json: one object;
    jsonl: that object on one line)."""
    pledge = view.pledge
    if format in ("json", "jsonl"):
        data = {
            "pledge": pledge.model_dump(mode="json"),
            "actors": [a.model_dump(mode="json") for a in view.actors],
            "evidence": [_quoted_json(item) for item in view.evidence],
            "timeline": [_step_json(step) for step in view.timeline],
            "findings": [f.as_dict() for f in findings],
        }
        write_json(data) if format == "json" else write_jsonl([data])
        return
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    console = out()
    console.print(Text(pledge.title, style="bold"), Text(f"  {pledge.id}", style="dim"))
    if pledge.statement:
        console.print(pledge.statement)
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim")
    facts.add_column()
    facts.add_row("actors", ", ".join(f"{a.name} ({a.id})" for a in view.actors))
    facts.add_row("kind", pledge.kind.value)
    target = [str(pledge.target_year)] if pledge.target_year else []
    if pledge.target_value is not None:
        target.append(f"{pledge.target_value:g} {pledge.target_unit}")
    facts.add_row("target", ", ".join(target) or "none stated")
    for name in ("formality", "status", "confidence"):
        facts.add_row(name, getattr(pledge, name).value)
    announced = pledge.announced_on
    facts.add_row("announced", announced.isoformat() if announced else "not dated")
    facts.add_row("version", str(pledge.version))
    if pledge.notes:
        facts.add_row("notes", pledge.notes)
    console.print(facts)
    if view.timeline:
        console.print(Text("\nTimeline", style="bold"))
        sources = {item.source.id: item.source for item in view.evidence}
        for step in view.timeline:
            console.print(Padding(Text(_step_line(step, sources)), (0, 0, 0, 2)))
    console.print(Text(f"\nEvidence ({len(view.evidence)})", style="bold"))
    for n, item in enumerate(view.evidence, start=1):
        e = item.evidence
        label = f"evidence {e.id}: {e.stance.value}, {e.rank.value}"
        if e.asserts_status:
            label += f", asserts {e.asserts_status.value}"
        page = f", {shown(item.page)}" if item.page is not None else ""
        console.print(Text(f"[{n}] {source_line(item.source)}{page}", style="bold"))
        console.print(Padding(Text(label, style="dim"), (0, 0, 0, 4)))
        passage = Text()
        if item.start is None or item.end is None:
            passage.append(f"“{e.quote}”", style="red")
            passage.append("  (quote not found in the source)", style="red")
        else:
            passage.append(item.context[: item.start])
            passage.append(item.context[item.start : item.end], style="bold yellow underline")
            passage.append(item.context[item.end :])
        console.print(Padding(passage, (0, 0, 0, 4)))
        for name, said in (("deprecated", e.deprecated_reason), ("note", e.note)):
            if said:
                console.print(Padding(Text(f"{name}: {said}", style="dim"), (0, 0, 0, 4)))
    from pledges.render.audit import findings_section

    findings_section(console, findings)


def init_result(result: InitResult) -> None:
    from rich.console import Console

    console = Console(stderr=True, highlight=False)
    if result.revision_before == result.revision_after:
        console.print(f"Database {result.where} is at schema revision {result.revision_after}.")
    else:
        before = result.revision_before or "empty"
        console.print(f"Database {result.where}: schema {before} -> {result.revision_after}.")
    if result.empty:
        console.print("No seeds were loaded: import an export with 'pledges import DIR'.")
    elif result.loaded is None:
        console.print("It already holds a register; nothing was loaded.")
    else:
        n = result.loaded
        console.print(
            f"Loaded the seed register: {n.actors} actors, {n.sources} sources, "
            f"{n.pledges} pledges, {n.evidence} quotes ({n.revisions} revisions)."
        )
    for problem in result.reindexed:
        console.print(f"Found: {problem}; the search index was rebuilt from the register.")
