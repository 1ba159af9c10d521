"""The pages of the whole register: the index (index.html, every pledge, with filters and a
search box that assets/report.js drives) and the audit's page (audit.html, its summary and every
finding); and how the audit is said of each pledge and of the register."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from markupsafe import escape

from pledges.audit import CHECKS, Report, Severity
from pledges.records import PledgeRecord
from pledges.report.site import Site, href, label, target
from pledges.vocab import Confidence, Formality, PledgeKind, Status

States = dict[str, tuple[str, str]]  # pledge id -> (audit state, how it is written)


def index(site: Site) -> str:
    """The index, drawn before the audit is done: each row's audit state, and the audit's
    summary, are blanks that `fill_index` fills."""
    blanks = site.blanks
    actors = site.register.actors
    evidence = site.register.evidence
    rows = []
    for p in site.register.pledges:
        names = " ".join(actors[i].name for i in p.actors if i in actors)
        quotes = [item.quote for item in evidence.get(p.id, ())]
        search = search_text(
            f"{p.id} {p.title} {p.statement or ''} {' '.join(p.actors)} {names}", quotes
        )
        rows.append(
            (
                p.id, f"pledges/{href(p.id)}", p.title, " ".join(p.actors), "+".join(p.actors),
                p.kind.value, label(p.kind), target(p), p.status.value, label(p.status),
                p.formality.value, label(p.formality), p.confidence.value,
                blanks.blank(f"state {p.id}"), blanks.blank(f"label {p.id}"),
                search,
            )
        )  # fmt: skip
    by_id = sorted(actors.values(), key=lambda a: a.id)
    filters = [
        ("actor", "Actor", "Any actor", [(a.id, f"{a.name} ({a.id})") for a in by_id]),
        ("kind", "Kind", "Any kind", _vocabulary(PledgeKind)),
        ("status", "Status", "Any status", _vocabulary(Status)),
        ("formality", "Formality", "Any formality", _vocabulary(Formality)),
        ("confidence", "Confidence", "Any confidence", _vocabulary(Confidence)),
        ("audit", "Audit", "Any audit result", [
            ("clean", "clean"), ("warnings", "warnings only"), ("errors", "errors"),
        ]),
    ]  # fmt: skip
    main = site.env.get_template("index.html.j2").render(
        rows=rows, filters=filters, audit_line=blanks.blank("summary"), build=site.info
    )
    return site.top.page("All pledges", main)


def search_text(own: str, quotes: Iterable[str]) -> str:
    """What the search box looks through for a pledge (a row's data-search), lower-cased as
    report.js compares: its own words (id, title, statement, actors), whitespace collapsed, then
    the words of its quotes that they do not hold already, each once.

    Every quote counts, the deprecated ones too: the pledge's page still shows them (marked
    deprecated), so a reader who searches for words read there finds the pledge that shows them.

    The script splits what is typed into words (at whitespace) and looks for each within this
    text, so a typed word is found only inside one of its words: leaving out the quotes' words
    already there finds the same rows in a much smaller page (quotes mostly repeat the title
    and statement, and each other)."""
    words = own.lower().split()
    quoted = dict.fromkeys(" ".join(quotes).lower().split())  # each once, in order
    for word in words:
        quoted.pop(word, None)
    return " ".join((*words, *quoted))


def fill_index(site: Site, index: str, report: Report, states: States) -> str:
    values = {"summary": str(escape(audit_line(report)))}
    for pledge_id, (state, text) in states.items():
        values[f"state {pledge_id}"] = state
        values[f"label {pledge_id}"] = text
    return site.blanks.fill(index, values)


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


def _vocabulary(enum: Iterable[Any]) -> list[tuple[str, str]]:
    return [(member.value, label(member)) for member in enum]


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
