"""What the report's pages share: the templates' environment and filters, the layout drawn once
(`Layout`: each kind of page is one template put inside it), the build information, and `Site`,
the state every page reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from pledges import progress
from pledges.audit import Finding
from pledges.fields import SLUG_PATTERN
from pledges.outfolder import OutFolder, file_name
from pledges.pages import PAGE_BREAK
from pledges.records import PledgeRecord, SourceRecord
from pledges.report import chart
from pledges.report.passages import Passage, passage
from pledges.report.register import Register
from pledges.textmatch import Article
from pledges.timeline import Step
from pledges.vocab import ActorKind, Confidence, Formality, PledgeKind, Rank, Stance, Status

PACKAGE = Path(__file__).resolve().parent
TEMPLATES = PACKAGE / "templates"
STATIC = PACKAGE / "static"
ASSETS = "assets"


# --- small helpers the templates use ------------------------------------------------------------


_SLUG = re.compile(SLUG_PATTERN)


def page(record_id: str) -> str:
    """The file of a record's page, named as outfolder.file_name names a record's file."""
    return file_name(record_id, ".html")


def href(record_id: str) -> str:
    """A link to a record's page, from a page beside it."""
    name = page(record_id)
    return name if _SLUG.fullmatch(record_id) else quote(name)


def label(value: Any) -> str:
    return chart.label(str(value))


# Each vocabulary value as pages print it, looked up rather than written anew for every page.
# The values are words and underscores: their labels need no escaping in HTML.
LABELS: dict[str, str] = {
    value.value: label(value)
    for vocabulary in (PledgeKind, Status, Formality, Confidence, Stance, Rank, ActorKind)
    for value in vocabulary
}


def web(url: str | None) -> bool:
    """Only http(s) links are made clickable: a javascript: URL in a record stays text."""
    return bool(url) and str(url).lower().startswith(("http://", "https://"))


def published(source: SourceRecord) -> str:
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


def target(p: PledgeRecord) -> str:
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
        autoescape=True,  # a value is escaped unless it is Markup already
        undefined=StrictUndefined,  # a name a template gets wrong fails the build
        trim_blocks=True, lstrip_blocks=True,  # a line holding only a tag leaves nothing
        auto_reload=False,  # the templates do not change while the report is built
        keep_trailing_newline=True,
    )  # fmt: skip
    env.filters.update(page=href, label=label, web=web, published=published, change=change)
    return env


# --- build information --------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildInfo:
    built_at: datetime
    today: date
    head: tuple[int, str | None]  # the log's last revision (seq, hash): (0, None) when empty

    @property
    def sentence(self) -> str:
        seq, digest = self.head
        revision = "an empty log" if digest is None else f"revision {seq} ({digest})"
        return (
            f"Built on {self.built_at:%Y-%m-%d at %H:%M} UTC from {revision} of the "
            f"register's log; audited as of {self.today.isoformat()}."
        )

    @property
    def line(self) -> str:
        seq, digest = self.head
        short = "an empty log" if digest is None else f"revision {seq} ({digest[:12]}…)"
        return f"Built {self.built_at:%Y-%m-%d %H:%M} UTC from {short}; audited as of {self.today}."


# --- what every page is drawn with --------------------------------------------------------------


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


class Site:
    """The register, and what its pages are drawn with: the environment, the layouts of the top
    folder and of the folders below it, and where each quote stands in its article."""

    def __init__(self, register: Register, info: BuildInfo) -> None:
        self.register = register
        self.info = info
        self.env = environment()
        self.top = Layout(self.env, "", info, script=True)
        self.nested = Layout(self.env, "../", info, script=False)
        self.located: dict[int, Passage] = {}  # evidence id -> where its quote stands
        self.cites: dict[str, Markup] = {}  # source id -> the source as its citations show it
        self.clean: dict[str, Markup] = {}  # what a page with no findings says, by its kind

    def locate(self) -> None:
        """Find every quote in its article, each article folded at most once."""
        for source_id, items in self.register.citing.items():
            source = self.register.sources[source_id]
            article = Article(source.text)
            paged = PAGE_BREAK in source.text
            for item in items:
                span = article.find(item.quote)
                if span is not None:
                    self.located[item.id] = passage(source.text, span, paged=paged)
        template = self.env.get_template("cite.html.j2")
        self.cites = {s.id: Markup(template.render(s=s)) for s in self.register.sources.values()}

    def write_pages(self, kind: str, pages: Iterable[tuple[str, str]], folder: OutFolder) -> int:
        """Write each page as it is drawn (none is held); gives how many were written."""
        sub = f"{kind}s"
        written = 0
        for record_id, html in pages:
            folder.write(sub, page(record_id), html, newline="\n")
            progress.advance()
            written += 1
        return written

    def findings(self, found: Sequence[Finding], subject: str) -> Markup:
        """What a page says of the audit's findings about its pledge or source (`subject`)."""
        if not found and subject in self.clean:
            return self.clean[subject]
        template = self.env.get_template("findings.html.j2")
        drawn = Markup(template.render(findings=found, subject=subject))
        if not found:
            self.clean[subject] = drawn
        return drawn
