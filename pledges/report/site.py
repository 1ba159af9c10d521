"""Building the report: every page of the site, from one read of the register and one audit.

    index.html              every pledge, with filters and a search box (assets/report.js)
    audit.html              the audit's summary and every finding
    pledges/ID.html         a pledge: its facts, findings, timeline chart and evidence in context
    sources/ID.html         an article, with every quoted passage highlighted in its text
    assets/report.css|js
    log-head.json           the revision of the log the pages were drawn from

Pages are drawn while the audit runs (aside.py; on a large register a twin process draws most
of the pledges' pages meanwhile): whole, except for what only the audit knows (a page's
findings, the index's audit column and summary), left as blanks (`Blanks`) and filled once it
is done; then every page is written, the index last. Every page's name is checked before any is
written, and the pages are moved into place together once all are written (pledges.outfolder). Each
kind of page is one precompiled template, put inside the layout drawn once (`Layout`). It must
not query the database page by page: read.py reads the register in bulk.
"""

from __future__ import annotations

import re
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape
from sqlalchemy import Engine, func, select

from pledges.audit import CHECKS, Finding, Report, Severity
from pledges.db import opened, transaction
from pledges.history import Step, timeline
from pledges.models import EvidenceRow
from pledges.outfolder import HEAD_FILE, OutFolder, file_name, head_json
from pledges.report import chart
from pledges.report.aside import ASIDE_FROM, Audit, Twin
from pledges.report.passages import Passage, passage, segments
from pledges.report.read import EvidenceItem, Head, PledgeItem, Register, SourceItem, read
from pledges.schema import SLUG_PATTERN, Evidence
from pledges.textmatch import Article
from pledges.vocab import REVERIFY_DAYS, Confidence, Formality, PledgeKind, Rank, Status

if TYPE_CHECKING:
    from pledges.models import RevisionRow

PACKAGE = Path(__file__).resolve().parent
TEMPLATES = PACKAGE / "templates"
STATIC = PACKAGE / "static"
ASSETS = "assets"


# --- small helpers the templates use ------------------------------------------------------------


_SLUG = re.compile(SLUG_PATTERN)


def page(record_id: str) -> str:
    """The file of a record's page. Ids are slugs; anything else (a row edited behind the
    tool's back) is percent-encoded, so that no id can name a path outside the folder."""
    return file_name(record_id, ".html")


def href(record_id: str) -> str:
    """A link to a record's page, from a page beside it."""
    name = page(record_id)
    return name if _SLUG.fullmatch(record_id) else quote(name)


def label(value: Any) -> str:
    return chart.label(str(value))


def web(url: str | None) -> bool:
    """Only http(s) links are made clickable: a javascript: URL in a record stays text."""
    return bool(url) and str(url).lower().startswith(("http://", "https://"))


def published(source: SourceItem) -> str:
    if source.published_on is None:
        return "not dated"
    if source.date_inferred:
        note = f": {source.date_note}" if source.date_note else ""
        return f"{source.published_on.isoformat()} (inferred{note})"
    return source.published_on.isoformat()


def change(step: Step) -> str:
    if step.before is None:
        return f"{step.field} set to {label(step.after)}"
    return f"{step.field} {label(step.before)} → {label(step.after)}"


def target(p: PledgeItem) -> str:
    parts = [f"by {p.target_year}"] if p.target_year is not None else []
    if p.target_value is not None:
        parts.append(f"{p.target_value:g} {p.target_unit or ''}".strip())
    if p.baseline_year is not None:
        parts.append(f"against {p.baseline_year}")
    if p.gases:
        parts.append(", ".join(p.gases))
    return "; ".join(parts) or "none stated"


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        keep_trailing_newline=True,
    )
    env.filters.update(page=href, label=label, web=web, published=published, change=change)
    return env


# --- build information --------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildInfo:
    built_at: datetime
    today: date
    head: Head | None

    @property
    def revision(self) -> str:
        if self.head is None:
            return "an empty log"
        return f"revision {self.head.seq} ({self.head.hash})"

    @property
    def sentence(self) -> str:
        return (
            f"Built on {self.built_at:%Y-%m-%d at %H:%M} UTC from {self.revision} of the "
            f"register's log; audited as of {self.today.isoformat()}."
        )

    @property
    def line(self) -> str:
        short = "an empty log" if self.head is None else (
            f"revision {self.head.seq} ({self.head.hash[:12]}…)"
        )  # fmt: skip
        return f"Built {self.built_at:%Y-%m-%d %H:%M} UTC from {short}; audited as of {self.today}."


# --- drawing ------------------------------------------------------------------------------------


class Layout:
    """layout.html.j2, drawn once for the pages of one folder: each page is then its title and
    main content put in place, not a template of its own drawn again ten thousand times."""

    def __init__(self, env: Environment, root: str, build: BuildInfo, *, script: bool) -> None:
        marks = ("\x00title\x00", "\x00main\x00")
        drawn = env.get_template("layout.html.j2").render(
            title=marks[0], main=Markup(marks[1]), root=root, build_line=build.line, script=script
        )
        self.before_title, rest = drawn.split(marks[0])
        self.before_main, self.after_main = rest.split(marks[1])

    def page(self, title: str, main: str) -> str:
        # Joined as plain text: adding a str to a Markup would escape the str.
        return "".join(
            (self.before_title, str(escape(title)), self.before_main, main, self.after_main)
        )


def highlighted(text: str, located: Iterable[tuple[int, int, int]]) -> Markup:
    """An article's text with every located quote (evidence id, start, end) marked. A quote
    begins with an anchor `evidence-ID`; each mark names the evidence whose quotes it covers."""
    out: list[str] = []
    for segment in segments(text, located):
        out.extend(f'<span id="evidence-{i}"></span>' for i in segment.starts)
        if segment.covered_by:
            ids = " ".join(map(str, segment.covered_by))
            out.append(f'<mark data-evidence="{ids}">{escape(segment.text)}</mark>')
        else:
            out.append(str(escape(segment.text)))
    return Markup("".join(out))


def _timeline_fields(item: EvidenceItem) -> dict[str, Any]:
    return {"id": item.id, "asserts_status": item.asserts_status, "rank": item.rank}


def _deprecated(item: EvidenceItem) -> str:
    if item.rank is not Rank.DEPRECATED:
        return ""
    return item.deprecated_reason or "no reason recorded"


class Blanks:
    """Places left blank in pages drawn before the audit is done, and filled once it is. A blank
    is a mark no text of the register holds (a NUL and a random token), so filling it cannot
    touch anything else; what fills it is HTML, escaped already."""

    def __init__(self) -> None:
        self.token = secrets.token_hex(8)
        self.pattern = re.compile(f"\x00{self.token}:([^\x00]*)\x00")

    def blank(self, name: str) -> Markup:
        return Markup(f"\x00{self.token}:{name}\x00")

    def fill(self, html: str, values: Mapping[str, str]) -> str:
        return self.pattern.sub(lambda found: values[found.group(1)], html)


class Site:
    """The pages of one register, drawn with one template each."""

    def __init__(self, register: Register, info: BuildInfo) -> None:
        self.register = register
        self.info = info
        self.blanks = Blanks()
        self.slot = self.blanks.blank("findings")  # where a page's findings go
        self.env = environment()
        self.top = Layout(self.env, "", info, script=True)
        self.nested = Layout(self.env, "../", info, script=False)
        self.located: dict[int, Passage] = {}  # evidence id -> where its quote stands
        self.cites: dict[str, Markup] = {}
        self.charts: dict[tuple[Any, ...], chart.Chart] = {}

    def locate(self) -> None:
        """Find every quote in its article, each article folded at most once."""
        for source_id, items in self.register.citing.items():
            source = self.register.sources[source_id]
            article = Article(source.text)
            for item in items:
                span = article.find(item.quote)
                if span is not None:
                    self.located[item.id] = passage(source.text, span)
        template = self.env.get_template("cite.html.j2")
        self.cites = {s.id: Markup(template.render(s=s)) for s in self.register.sources.values()}

    def pledge_pages(self, pledges: Iterable[PledgeItem]) -> Iterator[tuple[str, str]]:
        template = self.env.get_template("pledge.html.j2")
        register = self.register
        for p in pledges:
            items = register.evidence.get(p.id, [])
            steps, assertions = self.history(p, items)
            related = [
                (term, other, href(other))
                for term, other in (("Follows up", p.parent_id), ("Superseded by", p.superseded_by))
                if other
            ]
            main = template.render(
                id=p.id,
                title=p.title,
                version=p.version,
                statement=p.statement,
                actors=self.actor_names(p.actors),
                kind=label(p.kind),
                target=target(p),
                status=label(p.status),
                formality=label(p.formality),
                confidence=label(p.confidence),
                announced=p.announced_on.isoformat() if p.announced_on else "not dated",
                related=related,
                notes=p.notes,
                slot=self.slot,
                chart=self.draw_chart(steps, assertions),
                steps=[
                    (f"{s.at:%Y-%m-%d}", change(s), [e.id for e in s.evidence], s.author, s.reason)
                    for s in steps
                ],
                assertions=[
                    (a.on.isoformat(), label(a.status), a.evidence_id, a.source_id)
                    for a in assertions
                ],
                evidence=[self.cited(n, item) for n, item in enumerate(items, start=1)],
            )
            yield p.id, self.nested.page(p.title, main)

    def cited(self, n: int, item: EvidenceItem) -> tuple[Any, ...]:
        """A piece of evidence as its pledge's page shows it (see pledge.html.j2)."""
        source = self.register.sources[item.source_id]
        where = self.located.get(item.id)
        facts = f"Evidence {item.id}: {label(item.stance)}, {label(item.rank)}"
        if item.asserts_status is not None:
            facts += f", asserts {label(item.asserts_status)}"
        return (
            item.id,
            f"{n}. {source.title}",
            facts,
            None if where is None else where.parts(source.text),
            f"../sources/{href(source.id)}#evidence-{item.id}",
            item.quote,
            item.note,
            _deprecated(item),
            self.cites[source.id],
        )

    def draw_chart(
        self, steps: Sequence[Step], assertions: Sequence[chart.Assertion]
    ) -> chart.Chart:
        """The pledge's chart, drawn once for each distinct history: pledges loaded or imported
        together share their revisions' times, and so their charts."""
        changes = tuple(chart.Change(s.field, s.at, str(s.after)) for s in steps)
        key = (changes, tuple(assertions))
        drawn = self.charts.get(key)
        if drawn is None:
            drawn = self.charts[key] = chart.draw(changes, assertions, self.info.today)
        return drawn

    def history(
        self, p: PledgeItem, items: Sequence[EvidenceItem]
    ) -> tuple[list[Step], list[chart.Assertion]]:
        """The pledge's status and formality steps (history.timeline), and the dated evidence
        that asserts a status, by its source's date."""
        asserting = [e for e in items if e.asserts_status is not None and e.rank != Rank.DEPRECATED]
        # timeline() reads each revision's entity, changes, time, author and reason, and each
        # evidence's asserts_status, rank and id: read.Logged and these records give exactly
        # those (the whole ORM rows and pydantic records would cost more than the page).
        logged = cast("list[RevisionRow]", self.register.logged.get(p.id, []))
        evidence = [Evidence.model_construct(**_timeline_fields(e)) for e in asserting]
        steps = timeline(logged, evidence)
        assertions = sorted(
            (
                chart.Assertion(e.id, e.source_id, day, str(e.asserts_status))
                for e in asserting
                if (day := self.register.sources[e.source_id].published_on) is not None
            ),
            key=lambda a: (a.on, a.evidence_id),
        )
        return steps, assertions

    def actor_names(self, ids: Sequence[str]) -> str:
        actors = self.register.actors
        return ", ".join(f"{actors[i].name} ({i})" if i in actors else i for i in ids)

    def source_pages(self) -> Iterator[tuple[str, str]]:
        template = self.env.get_template("source.html.j2")
        titles = {p.id: p.title for p in self.register.pledges}
        for s in self.register.sources.values():
            items = self.register.citing.get(s.id, [])
            located = [
                (e.id, where.quote_start, where.quote_end)
                for e in items
                if (where := self.located.get(e.id)) is not None
            ]
            citing = [
                (
                    e.id,
                    e.id in self.located,
                    f"../pledges/{href(e.pledge_id)}",
                    titles.get(e.pledge_id, e.pledge_id),
                    e.rank is Rank.DEPRECATED,
                )
                for e in items
            ]
            main = template.render(
                s=s, slot=self.slot, citing=citing, text=highlighted(s.text, located)
            )
            yield s.id, self.nested.page(s.title, main)

    def write_pages(
        self,
        kind: str,
        pages: Iterable[tuple[str, str]],
        findings: Mapping[str, Sequence[Finding]],
        folder: OutFolder,
    ) -> None:
        """Write pages drawn before the audit was done, each with its findings in its slot."""
        clean = self.findings([], kind)
        sub = f"{kind}s"
        for record_id, html in pages:
            found = findings.get(record_id)
            fragment = self.findings(found, kind) if found else clean
            folder.write(sub, page(record_id), html.replace(self.slot, fragment, 1), newline="\n")

    def findings(self, findings: Sequence[Finding], subject: str) -> str:
        return self.env.get_template("findings.html.j2").render(findings=findings, subject=subject)

    def index(self) -> str:
        """The index, drawn before the audit is done: each row's audit state, and the audit's
        summary, are blanks that `fill_index` fills."""
        actors = self.register.actors
        rows = []
        for p in self.register.pledges:
            names = " ".join(actors[i].name for i in p.actors if i in actors)
            search = f"{p.id} {p.title} {p.statement or ''} {' '.join(p.actors)} {names}"
            rows.append(
                (
                    p.id, f"pledges/{href(p.id)}", p.title, " ".join(p.actors), "+".join(p.actors),
                    p.kind.value, label(p.kind), target(p), p.status.value, label(p.status),
                    p.formality.value, label(p.formality), p.confidence.value,
                    self.blanks.blank(f"state {p.id}"), self.blanks.blank(f"label {p.id}"),
                    search.lower(),
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
        main = self.env.get_template("index.html.j2").render(
            rows=rows, filters=filters, audit_line=self.blanks.blank("summary"), build=self.info
        )
        return self.top.page("All pledges", main)

    def fill_index(self, index: str, report: Report, states: dict[str, tuple[str, str]]) -> str:
        values = {"summary": str(escape(audit_line(report)))}
        for pledge_id, (state, text) in states.items():
            values[f"state {pledge_id}"] = state
            values[f"label {pledge_id}"] = text
        return self.blanks.fill(index, values)

    def audit_page(self, report: Report, states: dict[str, tuple[str, str]]) -> str:
        counts = {"clean": 0, "warnings": 0, "errors": 0}
        for state, _ in states.values():
            counts[state] += 1
        main = self.env.get_template("audit.html.j2").render(
            summary=report.summary(),
            states=counts,
            checks=CHECKS,
            findings=report.findings,
            build=self.info,
        )
        return self.top.page("Audit summary", main)


def _vocabulary(enum: Iterable[Any]) -> list[tuple[str, str]]:
    return [(member.value, label(member)) for member in enum]


def audit_states(report: Report, pledges: Iterable[PledgeItem]) -> dict[str, tuple[str, str]]:
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
            text = f"{e} error{'s' if e > 1 else ''}" + (f", {w} warning" if w else "")
            states[p.id] = ("errors", text + ("s" if w > 1 else ""))
        elif w:
            states[p.id] = ("warnings", f"{w} warning{'s' if w > 1 else ''}")
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


# --- building -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    folder: Path
    pages: int
    pledges: int
    sources: int
    report: Report
    info: BuildInfo

    @property
    def index(self) -> Path:
        return self.folder / "index.html"


TWIN_SHARE = 0.75  # of the pledges' pages; this process also draws the sources and the index
_TOP = ("index.html", "audit.html", HEAD_FILE)
_STATIC = ("report.css", "report.js")


def build(
    db: str | None,
    out: Path,
    *,
    today: date | None = None,
    reverify_days: int = REVERIFY_DAYS,
    aside_from: int = ASIDE_FROM,
) -> Built:
    """Write the report of the register at `db` into the folder `out`. When the register has
    `aside_from` quotes or more, the audit runs aside and a twin draws most pledges' pages
    (aside.py). Nothing is written unless every page can be: its name is checked first."""
    today = today or date.today()
    built_at = datetime.now(UTC)
    with OutFolder(out) as folder:
        folder.plan("", _TOP)
        folder.plan(ASSETS, _STATIC)
        with opened(db) as engine, engine.connect() as conn:  # closed before the audit forks
            quotes = conn.scalar(select(func.count()).select_from(EvidenceRow)) or 0
        large = quotes >= aside_from
        audit = Audit(db, today, reverify_days, aside=large, readers=2 if large else 1)
        twin: Twin[tuple[int, list[tuple[str, str, str]]]] | None = None
        try:
            with opened(db) as engine, transaction(snapshot(engine)) as session:
                register = read(session)
            folder.plan("pledges", {page(p.id): p.id for p in register.pledges}, "pledge")
            folder.plan("sources", {page(i): i for i in register.sources}, "source")
            folder.create()
            site = Site(register, BuildInfo(built_at, today, register.head))
            site.locate()
            theirs: Sequence[PledgeItem] = []
            if audit.aside:
                theirs = register.pledges[: int(len(register.pledges) * TWIN_SHARE)]
                twin = Twin(partial(_write_pledges, site, theirs, folder), audit)
            mine = register.pledges[len(theirs) :]
            pledge_pages = list(site.pledge_pages(mine))
            source_pages = list(site.source_pages())
            index = site.index()
            for name in _STATIC:
                with (STATIC / name).open(encoding="utf-8", newline="") as asset:
                    folder.write(ASSETS, name, asset.read(), newline="")
            report = audit.report()
            by_pledge, by_source = _by_subject(report)
            site.write_pages("pledge", pledge_pages, by_pledge, folder)
            site.write_pages("source", source_pages, by_source, folder)
            states = audit_states(report, register.pledges)
            folder.write("", "audit.html", site.audit_page(report, states), newline="\n")
            written = len(pledge_pages)
            if twin is not None:
                drawn, files = twin.result()
                written += drawn
                folder.adopt(files)
            if written != len(register.pledges):
                raise RuntimeError(
                    f"{written} pledge pages were written, for {len(register.pledges)}"
                )
            head = register.head
            folder.write("", HEAD_FILE, head_json(*((head.seq, head.hash) if head else (0, None))))
            index = site.fill_index(index, report, states)
            folder.write("", "index.html", index, newline="\n")  # last: the way in
            folder.commit()
        finally:
            if twin is not None:
                twin.close()
            audit.close()
    return Built(
        out, written + len(source_pages) + 2, written, len(source_pages), report, site.info
    )


def snapshot(engine: Engine) -> Engine:
    """The engine for a read transaction whose every query sees one state of the register, as
    SQLite's reads do (pledges.transfer.export.snapshot, which this module does not load)."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="REPEATABLE READ")
    return engine


def _write_pledges(
    site: Site, pledges: Sequence[PledgeItem], folder: OutFolder, report: Callable[[], Report]
) -> tuple[int, list[tuple[str, str, str]]]:
    """The twin's work: draw these pledges' pages, then write them once the audit is done. It
    gives their count, and the files written, for the report's process to move into place."""
    before = len(folder.pending)
    drawn = list(site.pledge_pages(pledges))
    site.write_pages("pledge", drawn, _by_subject(report())[0], folder)
    return len(drawn), folder.pending[before:]


def _by_subject(report: Report) -> tuple[dict[str, list[Finding]], dict[str, list[Finding]]]:
    """The findings about each pledge, and those about each source."""
    by_pledge: dict[str, list[Finding]] = defaultdict(list)
    by_source: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        if f.pledge_id is not None:
            by_pledge[f.pledge_id].append(f)
        elif f.source_id is not None:
            by_source[f.source_id].append(f)
    return by_pledge, by_source
