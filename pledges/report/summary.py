"""The pages of the whole register: the index (index.html: the audit's summary, the first page
of pledges with the filters and search box that assets/report.js drives, and the downloads;
listing.py gives its rows) and the audit's page (audit.html, its summary and every finding); and
how the audit is said of each pledge and of the register."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from pledges.audit import CHECKS, Report, Severity
from pledges.records import PledgeRecord
from pledges.report import counts, listing
from pledges.report.listing import Row, States
from pledges.report.site import Site


def index(site: Site, report: Report, listed: Sequence[Row]) -> str:
    """The index: the audit's summary, the counts, and the first page of `listed`."""
    filters = [
        (name, name.capitalize(), "Any audit result" if name == "audit" else f"Any {name}", shown)
        for name, shown in listing.values().items()
    ]
    total = len(listed)
    if total <= listing.PAGE:
        shown = counted(total, "pledge")
    else:
        shown = f"Pledges 1–{listing.PAGE:,} of {total:,}, by id"
    main = site.env.get_template("index.html.j2").render(
        rows=listing.table_rows(listed[: listing.PAGE], ""),
        filters=filters,
        shown=shown,
        page=listing.PAGE,
        pager=listing.pager(1, listing.pages(total), ""),
        audit_line=audit_line(report),
        build=site.info,
        downloads=DOWNLOADS,
        counts=counts.counts(site.register.pledges, "index.html"),
    )
    return site.top.page("All pledges", main)


# What the index says of each file of downloads/ (export.write_downloads).
DOWNLOADS = (
    ("pledges.csv", "every pledge, one a row"),
    ("evidence.csv", "every quote cited, with its pledge and source"),
    ("sources.csv", "every source, with its text"),
    ("actors.csv", "every actor, with its aliases"),
    ("register.json", "the four tables in one JSON file"),
)


def audit_page(site: Site, report: Report, states: States) -> str:
    counts = {"clean": 0, "warnings": 0, "errors": 0}
    for state, _ in states.values():
        counts[state] += 1
    main = site.env.get_template("audit.html.j2").render(
        summary=report.summary(),
        states=counts,
        checks=CHECKS,
        findings=report.findings,
        build=site.info,
    )
    return site.top.page("Audit summary", main)


def audit_states(report: Report, pledges: Iterable[PledgeRecord]) -> States:
    """Each pledge's audit state (clean, warnings or errors) and how it is written."""
    errors: dict[str, int] = defaultdict(int)
    warnings: dict[str, int] = defaultdict(int)
    for f in report.findings:
        if f.pledge_id is not None:
            (errors if f.severity is Severity.ERROR else warnings)[f.pledge_id] += 1
    states = {}
    for p in pledges:
        e, w = errors.get(p.id, 0), warnings.get(p.id, 0)
        if e:
            also = f", {counted(w, 'warning')}" if w else ""
            states[p.id] = ("errors", counted(e, "error") + also)
        elif w:
            states[p.id] = ("warnings", counted(w, "warning"))
        else:
            states[p.id] = ("clean", "clean")
    return states


def counted(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def audit_line(report: Report) -> str:
    s = report.summary()
    return (
        f"The audit checked {counted(s['pledges'], 'pledge')}, {counted(s['quotes'], 'quote')} "
        f"and {counted(s['sources'], 'source')}: {counted(s['errors'], 'error')} (in "
        f"{counted(s['pledges_with_errors'], 'pledge')}) and {counted(s['warnings'], 'warning')}."
    )
