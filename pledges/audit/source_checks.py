"""The audit's checks of each source, and of the whole register: a source check sees one source
(`SourceFacts`: not its text); a register check sees every pledge, and says which pledge each of
its findings is about. Each docstring states the curation rule the check enforces.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from pledges.audit.findings import Severity
from pledges.audit.registry import Context, Said, SourceFacts, check
from pledges.vocab import Status

if TYPE_CHECKING:
    from pledges.records import PledgeRecord


# --- sources ------------------------------------------------------------------------------------


@check("source-text-changed", Severity.ERROR, "source")
def text_changed(source: SourceFacts, ctx: Context) -> Said | None:
    """A source's stored text must still match the sha256 recorded when it was added."""
    if source.text_matches_sha256:
        return None
    return Said(
        f"the text of {source.id} no longer matches its recorded sha256",
        "restore the article's text; 'pledges log verify' shows what else changed",
    )


@check("source-metadata-missing", Severity.WARNING, "source")
def metadata_missing(source: SourceFacts, ctx: Context) -> Said | None:
    """A source should say who published it and when, so readers can weigh and find it."""
    fields = (("publisher", source.publisher), ("date", source.published_on))
    missing = [name for name, value in fields if value is None]
    if not missing:
        return None
    return Said(
        f"{source.id} has no {' and no '.join(missing)}",
        f"record the {' and the '.join(missing)} if the article shows "
        f"{'them' if len(missing) > 1 else 'it'}; leave it empty rather than guess",
    )


# --- the whole register -------------------------------------------------------------------------


def _same_kind_and_year(pledge: PledgeRecord) -> Any:
    """The pledges of the same kind and target year: the only ones that can duplicate it."""
    from pledges.models import PledgeRow

    year = PledgeRow.target_year
    same_year = year.is_(None) if pledge.target_year is None else year == pledge.target_year
    return (PledgeRow.kind == pledge.kind) & same_year


@check("possible-duplicate", Severity.WARNING, "register", peers=_same_kind_and_year)
def duplicates(pledges: Iterable[PledgeRecord], ctx: Context) -> Iterator[tuple[str, Said]]:
    """Pledges with the same actors, kind and target year are likely the same commitment (a
    superseded pledge is merged into its successor already)."""
    groups: dict[tuple[Any, ...], list[str]] = defaultdict(list)
    for pledge in pledges:
        if pledge.status is Status.SUPERSEDED:
            continue
        groups[(pledge.kind, pledge.target_year, *sorted(pledge.actors))].append(pledge.id)
    for ids in groups.values():
        if len(ids) < 2:
            continue
        for pledge_id in ids:
            others = ", ".join(i for i in sorted(ids) if i != pledge_id)
            said = Said(
                f"same actors, kind and target year as {others}",
                "merge them (supersede one), or make the difference clear",
            )
            yield pledge_id, said
