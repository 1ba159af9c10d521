"""Building the report: every page of the site (README.md, "A report to open in a browser"),
with assets/report.css and report.js, the index's data files (listing.py) and the register's
downloads (as `pledges export` writes them), from one read of the register and one audit.

The downloads are written as downloads.py says. The audit comes first (aside.py); then the
register is read, and each page is drawn with its findings and written at once, none held: on a
large register a twin process draws and writes most of the pledges' pages meanwhile. The index,
which shows each pledge's audit result, is written last. Every page's name is checked before any
is written, and the pages are moved into place together once all are written
(pledges.outfolder). No page queries the database: register.py reads the register in bulk, in
one snapshot.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path

from sqlalchemy import func, select

from pledges import parallel, progress
from pledges.audit import Finding, Report
from pledges.db import opened, snapshot, transaction
from pledges.models import EvidenceRow
from pledges.outfolder import HEAD_FILE, OutFolder, head_json
from pledges.records import PledgeRecord
from pledges.report import actor_page, downloads, listing, pledge_page, source_page, summary
from pledges.report.aside import Audit
from pledges.report.register import read
from pledges.report.site import ASSETS, STATIC, BuildInfo, Site, page
from pledges.vocab import REVERIFY_DAYS


@dataclass(frozen=True)
class Built:
    folder: Path
    pages: int
    pledges: int
    sources: int
    actors: int
    report: Report

    @property
    def index(self) -> Path:
        return self.folder / "index.html"


_TOP = ("index.html", "audit.html", HEAD_FILE)
_STATIC = ("report.css", "report.js")
_DATA = ("index.js", "search.js")


def build(
    db: str | None,
    out: Path,
    *,
    today: date | None = None,
    reverify_days: int = REVERIFY_DAYS,
    aside_from: int = 2_000,
    twin_share: float = 0.75,
    twin_below: int = 100_000,
) -> Built:
    """Write the report of the register at `db` into the folder `out`. When the register has
    `aside_from` quotes or more, the audit and the downloads run aside, and a twin draws and
    writes `twin_share` of the pledges' pages (this process draws the rest, the sources and the
    index). Below that, forking would cost more than it saves. From `twin_below` quotes there is
    no twin: it shares this process's memory, but each object it reads is copied on the page it
    touches, and with 200,000 quotes the two would hold more than 1 GB. Nothing is written
    unless every page can be: its name is checked first."""
    today = today or date.today()
    built_at = datetime.now(UTC)
    with OutFolder(out) as folder:
        folder.plan("", _TOP)
        folder.plan(ASSETS, _STATIC)
        folder.plan(listing.DATA, _DATA)
        folder.plan(downloads.FOLDER, downloads.FILES)
        with opened(db) as engine, engine.connect() as conn:  # closed before the audit forks
            quotes = conn.scalar(select(func.count()).select_from(EvidenceRow)) or 0
        large = quotes >= aside_from
        folder.create()
        audit = Audit(db, today, reverify_days, aside=large)
        exported = downloads.Downloads(db, folder, aside=large)
        twin: parallel.Child[tuple[int, list[tuple[str, str, str]]]] | None = None
        try:
            # The audit is done before the register is read: a first audit of a large register
            # and the register read beside it would hold too much memory at once.
            progress.stage("auditing")
            report = audit.report()
            by_pledge, by_source = _by_subject(report)
            progress.stage("reading the register")
            with opened(db) as engine, transaction(snapshot(engine)) as session:
                register = read(session)
                folder.plan("pledges", {page(p.id): p.id for p in register.pledges}, "pledge")
                folder.plan("sources", {page(i): i for i in register.sources}, "source")
                actor_page.plan(register, folder)
                listing.plan(len(register.pledges), folder)
                folder.create()
                exported.write(session, folder)
            site = Site(register, BuildInfo(built_at, today, register.head))
            site.locate()
            theirs: Sequence[PledgeRecord] = []
            if large and quotes < twin_below and parallel.forking():
                theirs = register.pledges[: int(len(register.pledges) * twin_share)]
                twin = parallel.Child(
                    partial(_write_pledges, site, theirs, by_pledge, folder), name="pledges-twin"
                )
            mine = register.pledges[len(theirs) :]
            progress.stage(
                "writing the pages",
                total=len(mine) + len(register.sources) + len(register.actors),
            )
            for name in _STATIC:
                with (STATIC / name).open(encoding="utf-8", newline="") as asset:
                    folder.write(ASSETS, name, asset.read(), newline="")
            with folder.open(listing.DATA, "search.js", newline="\n") as stream:
                stream.writelines(listing.search_js(site))
            actors = actor_page.write(site, folder)
            written = site.write_pages("pledge", pledge_page.pages(site, mine, by_pledge), folder)
            sources = site.write_pages("source", source_page.pages(site, by_source), folder)
            states = summary.audit_states(report, register.pledges)
            folder.write("", "audit.html", summary.audit_page(site, report, states), newline="\n")
            listed = listing.rows(register.pledges, states)
            folder.write(listing.DATA, "index.js", listing.index_js(site, listed), newline="\n")
            for name, html in listing.list_pages(site, listed):
                folder.write(listing.LIST, name, html, newline="\n")
            if twin is not None:
                progress.stage("writing the pages of the second process")
                drawn, files = twin.result()
                written += drawn
                folder.adopt(files)
            if written != len(register.pledges):
                raise RuntimeError(
                    f"{written} pledge pages were written, for {len(register.pledges)}"
                )
            exported.collect(folder, register.head)
            folder.write("", HEAD_FILE, head_json(*register.head))
            index = summary.index(site, report, listed)
            folder.write("", "index.html", index, newline="\n")  # last: the way in
            folder.commit()
        finally:
            if twin is not None:
                twin.close()
            exported.close()
            audit.close()
    pages = written + sources + actors + 3  # the index, actors.html, audit.html
    return Built(out, pages, written, sources, actors, report)


def _write_pledges(
    site: Site,
    pledges: Sequence[PledgeRecord],
    findings: Mapping[str, Sequence[Finding]],
    folder: OutFolder,
) -> tuple[int, list[tuple[str, str, str]]]:
    """The twin's work: draw and write these pledges' pages. It gives their count, and the files
    written, for the report's process to move into place."""
    before = len(folder.pending)
    written = site.write_pages("pledge", pledge_page.pages(site, pledges, findings), folder)
    return written, folder.pending[before:]


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
