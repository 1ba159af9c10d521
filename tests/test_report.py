"""The provenance report, without a browser: every page written, links that resolve, well-formed
and escaped HTML, accessible basics, quotes highlighted exactly where `show` places them, the
audit's findings on the pages they concern, and the `pledges report` command.

tests/test_report_browser.py opens the same pages in Chromium.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pledges import history, records, service
from pledges import repository as repo
from pledges.audit import Severity, audit
from pledges.db import opened, transaction, unit_of_work
from pledges.report import build, chart, listing
from pledges.report import site as report_site
from pledges.report.passages import segments
from pledges.textmatch import Article, find
from pledges.transfer.export import export_csv, export_json
from pledges.transfer.tables import restore
from pledges.vocab import Status
from tests.conftest import CLI, ROOT
from tests.html_pages import Page
from tests.registers import TODAY, copy_of, empty, parse, seeded_template
from tests.registers import build as add_to
from tests.test_cli import one_line

# A register that holds every case a page must show: a status changed by a revision and asserted
# by dated evidence, a quote not found in its source, a deprecated quote, titles and a URL that
# must not be taken as HTML, a quote on a line break, and two quotes that overlap.
SNIPPET = """
sources:
  - id: tricky-source
    title: "Coal <script>alert('title')</script> & Co's \\"plan\\""
    publisher: "Smith & <b>Sons</b>"
    kind: official
    url: "javascript:alert('url')"
    published_on: 2024-03-01
    text: |
      The ministry said on Friday that the country will stop building coal plants by 2030.
      It added that the
      plan is final & binding, <b>whatever</b> critics say.

      A later paragraph repeats that coal plants stop by 2030.
pledges:
  - id: xx-coal-stop-2030
    title: "Stop <em>new</em> coal plants & more by 2030"
    statement: "No new coal plants after 2030 <script>alert('statement')</script>"
    actors: [CN]
    kind: coal
    target_year: 2030
    evidence:
      - source: tricky-source
        quote: the country will stop building coal plants by 2030
        asserts_status: in_progress
      - source: tricky-source
        quote: "It added that the plan is final & binding, <b>whatever</b> critics say"
      - source: tricky-source
        quote: will stop building coal plants
      - source: tricky-source
        quote: the country will never build coal plants
      - source: tricky-source
        quote: coal plants stop by 2030
        deprecated: a repetition adds nothing
seed_pledges:
  - id: xx-coal-stop-2030
    status: in_progress
"""


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_template(tmp_path_factory.mktemp("report-register"))


@pytest.fixture(scope="module")
def url(template: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The seed register and SNIPPET."""
    url = copy_of(template, tmp_path_factory.mktemp("report-db"))
    add_to(url, parse(SNIPPET))
    return url


@pytest.fixture(scope="module")
def site(url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "site"
    build(url, out, today=TODAY)
    return out


@pytest.fixture(scope="module")
def pages(site: Path) -> dict[str, Page]:
    return {str(p.relative_to(site)): Page.read(p) for p in sorted(site.rglob("*.html"))}


def register_ids(url: str) -> tuple[list[str], list[str]]:
    with unit_of_work(url) as session:
        return repo.pledge_ids(session), repo.source_ids(session)


# --- files --------------------------------------------------------------------------------------


def test_every_pledge_and_source_has_a_page(url: str, site: Path) -> None:
    pledge_ids, source_ids = register_ids(url)
    assert sorted(p.name for p in (site / "pledges").iterdir()) == [f"{i}.html" for i in pledge_ids]
    assert sorted(p.name for p in (site / "sources").iterdir()) == [f"{i}.html" for i in source_ids]
    for name in ("index.html", "audit.html", "assets/report.css", "assets/report.js",
                 "data/index.js", "data/search.js", "log-head.json"):  # fmt: skip
        assert (site / name).is_file(), name
    assert sorted(p.name for p in (site / "downloads").iterdir()) == [
        "actors.csv", "evidence.csv", "pledges.csv", "register.json", "sources.csv",
    ]  # fmt: skip
    assert not (site / "list").exists()  # 13 pledges fit on the index
    assert len(pledge_ids) == 13 and len(source_ids) == 6


def test_every_page_is_well_formed_html(pages: dict[str, Page]) -> None:
    assert len(pages) == 13 + 6 + 2 + 3 + 1  # pledges, sources, index and audit, actors
    for name, page in pages.items():
        assert page.doctype, name
        assert page.problems == [], name


def test_every_link_resolves(site: Path, pages: dict[str, Page]) -> None:
    checked = 0
    for name, page in pages.items():
        for node in page.root.iter():
            target = node.attrs.get("href") or node.attrs.get("src")
            if not target or node.tag not in ("a", "link", "script"):
                continue
            parts = urlsplit(target)
            if parts.scheme in ("http", "https"):
                continue
            assert not parts.scheme, f"{name}: {target}"
            path = (site / name).parent / unquote(parts.path) if parts.path else site / name
            assert path.resolve().is_file(), f"{name}: {target}"
            assert site.resolve() in path.resolve().parents, f"{name}: {target} leaves the site"
            if parts.fragment:
                other = pages[str(path.resolve().relative_to(site.resolve()))]
                assert parts.fragment in other.ids(), f"{name}: {target}"
            checked += 1
    assert checked > 200


# --- escaping and safety ------------------------------------------------------------------------


def test_titles_and_text_are_escaped_not_run(site: Path, pages: dict[str, Page]) -> None:
    raw = "\n".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    for injected in ("<script>alert", "<b>Sons", "<em>new", "<b>whatever"):
        assert injected not in raw
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; &amp; Co&#39;s" in raw
    source = pages["sources/tricky-source.html"]
    assert source.one("h1").text() == "Coal <script>alert('title')</script> & Co's \"plan\""
    assert source.one("title").text().startswith("Coal <script>alert('title')</script> & Co's")
    pledge = pages["pledges/xx-coal-stop-2030.html"]
    assert pledge.one("h1").text() == "Stop <em>new</em> coal plants & more by 2030"
    # The only scripts are the report's own.
    scripts = [n.attrs.get("src") for p in pages.values() for n in p.all("script")]
    assert set(scripts) == {"assets/report.js", "data/index.js"}


def test_a_link_that_is_not_http_is_not_made_clickable(pages: dict[str, Page]) -> None:
    for page in pages.values():
        for a in page.all("a"):
            assert not a.attrs["href"].lower().startswith("javascript:")
    source = pages["sources/tricky-source.html"]
    assert "javascript:alert('url')" in source.root.text()


# --- accessibility ------------------------------------------------------------------------------


def test_pages_have_a_language_one_h1_and_named_landmarks(pages: dict[str, Page]) -> None:
    for name, page in pages.items():
        assert page.one("html").attrs.get("lang") == "en", name
        assert len(page.all("h1")) == 1, name
        assert page.one("main").attrs.get("id") == "main", name
        assert page.all("nav") and all(n.attrs.get("aria-label") for n in page.all("nav")), name
        assert page.one("head").one("title").text().strip(), name
        for svg in page.all("svg"):
            assert svg.attrs.get("role") == "img", name
            named = svg.attrs.get("aria-labelledby")
            assert named and svg.one("title", id=named).text().strip(), name
        for img in page.all("img"):
            assert img.attrs.get("alt") is not None, name
        for table in page.all("table"):
            assert table.all("caption"), name
            assert all(th.attrs.get("scope") for th in table.all("th")), name
        headings = [int(n.tag[1]) for n in page.root.iter() if re.fullmatch(r"h[1-6]", n.tag)]
        assert all(b - a <= 1 for a, b in pairwise(headings)), name


def test_every_filter_control_has_a_label(pages: dict[str, Page]) -> None:
    index = pages["index.html"]
    form = index.one("form", id="filters")
    controls = form.all("select") + form.all("input")
    assert len(controls) == 7  # actor, kind, status, formality, confidence, audit, search
    labelled = {label.attrs["for"]: label.text() for label in form.all("label")}
    for control in controls:
        assert labelled.get(control.attrs["id"], "").strip(), control.attrs
    assert index.one("p", id="shown").attrs["aria-live"] == "polite"
    # Without the script, the filters (which need it) stay hidden and every row shows.
    assert "hidden" in form.attrs
    assert not any(
        "hidden" in row.attrs for row in index.one("table", id="pledges").one("tbody").all("tr")
    )


def test_the_print_stylesheet_hides_the_filters_and_shows_link_urls(site: Path) -> None:
    css = (site / "assets" / "report.css").read_text(encoding="utf-8")
    printing = css.split("@media print", 1)[1]
    assert ".filters" in printing.split("display: none")[0]
    assert 'a[href^="http"]::after' in printing and "attr(href)" in printing


# --- the index ----------------------------------------------------------------------------------


def script_data(path: Path, name: str) -> Any:
    """What a data file of the report (data/index.js, data/search.js) gives its page."""
    text = path.read_text(encoding="utf-8")
    prefix = f"window.{name} = "
    assert text.startswith(prefix) and text.endswith(";\n")
    return json.loads(text[len(prefix) : -2])


def test_the_index_data_holds_every_row_as_the_filters_read_it(url: str, site: Path) -> None:
    report = audit(url, today=TODAY)
    errors = Counter(f.pledge_id for f in report.findings if f.severity is Severity.ERROR)
    warnings = Counter(f.pledge_id for f in report.findings if f.severity is Severity.WARNING)
    with unit_of_work(url) as session:
        pledges = service.list_pledges(session)
        actors = repo.list_actors(session)
        light = {p.id: p for p in records.pledges(session.connection())}
    data = script_data(site / "data" / "index.js", "PLEDGES_INDEX")
    assert data["page"] == 100
    values, labels = data["values"], data["labels"]
    assert values["audit"] == ["clean", "warnings", "errors"]
    assert values["status"] == [s.value for s in Status]
    assert labels["status"] == [s.value.replace("_", " ") for s in Status]
    assert [row[0] for row in data["rows"]] == [p.id for p in pledges]
    for row, p in zip(data["rows"], pledges, strict=True):
        expected = "errors" if errors[p.id] else "warnings" if warnings[p.id] else "clean"
        id_, title, actor_ids, kind, status, formality, confidence, target, state, said, page = row
        assert (id_, title, actor_ids) == (p.id, p.title, list(p.actors))
        assert values["kind"][kind] == p.kind.value
        assert values["status"][status] == p.status.value
        assert values["formality"][formality] == p.formality.value
        assert values["confidence"][confidence] == p.confidence.value
        assert values["audit"][state] == expected
        assert (
            said == "clean"
            if expected == "clean"
            else said.endswith(("error", "errors", "warning", "warnings"))
        )
        assert page is None  # pledges/ID.html, the usual address
        assert target == report_site.target(light[p.id])
    states = Counter(values["audit"][row[8]] for row in data["rows"])
    assert states["errors"] == 1 and states["clean"] == 12  # the snippet's pledge has errors
    assert [a[:3] for a in data["actors"]] == [[a.id, a.name, list(a.aliases)] for a in actors]


def test_the_index_page_shows_the_first_rows_without_its_script(
    url: str, pages: dict[str, Page]
) -> None:
    with unit_of_work(url) as session:
        pledges = service.list_pledges(session)
    rows = pages["index.html"].one("table", id="pledges").one("tbody").all("tr")
    assert [r.one("code").text() for r in rows] == [p.id for p in pledges]
    for row, p in zip(rows, pledges, strict=True):
        links = [a.attrs["href"] for a in row.all("a")]
        assert links == [f"pledges/{p.id}.html", *(f"actors/{a}.html" for a in p.actors)]
        cells = [td.text() for td in row.all("td")]
        assert cells[2:7] == [
            p.kind.value.replace("_", " "), cells[3], p.status.value.replace("_", " "),
            p.formality.value.replace("_", " "), p.confidence.value,
        ]  # fmt: skip
    selects = {s.attrs["data-filter"]: s for s in pages["index.html"].all("select")}
    assert [o.attrs["value"] for o in selects["audit"].all("option")] == [
        "", "clean", "warnings", "errors",
    ]  # fmt: skip
    assert "actor" not in selects  # typed, from a list the script fills: see the browser tests
    assert pages["index.html"].one("input", id="filter-actor").attrs["list"] == "actor-names"
    assert pages["index.html"].one("p", id="shown").text() == "13 pledges"


def _searched(site: Path) -> dict[str, str]:
    """Each pledge id and the text the search box looks through for it (data/search.js)."""
    rows = script_data(site / "data" / "index.js", "PLEDGES_INDEX")["rows"]
    texts = script_data(site / "data" / "search.js", "PLEDGES_SEARCH")
    assert len(texts) == len(rows)
    return {row[0]: text for row, text in zip(rows, texts, strict=True)}


def test_the_search_data_holds_the_words_of_the_quotes(url: str, site: Path) -> None:
    """Every word of a pledge's quotes is in the text searched for it, lower-cased, and only once
    unless the pledge's own text repeats it; a word only quoted is found in the pledges citing
    it."""
    with unit_of_work(url) as session:
        pledges = service.list_pledges(session)
        quotes = {p.id: [e.quote for e in repo.evidence_for(session, p.id)] for p in pledges}
        names = {a.id: a.name for a in repo.list_actors(session)}
    searched = _searched(site)
    assert list(searched) == [p.id for p in pledges]
    for p in pledges:
        own = f"{p.id} {p.title} {p.statement or ''} {' '.join(p.actors)}"
        own_words = f"{own} {' '.join(names[a] for a in p.actors)}".lower().split()
        words = searched[p.id].split(" ")
        assert words[: len(own_words)] == own_words  # whitespace collapsed
        for quote in quotes[p.id]:
            assert set(quote.lower().split()) <= set(words), (p.id, quote)
        repeated = {w for w, n in Counter(words).items() if n > 1}
        assert repeated <= set(own_words), p.id
    # The snippet's quote with markup is searchable as text; the page never runs it.
    assert "<b>whatever</b>" in searched["xx-coal-stop-2030"].split()

    def holding(word: str) -> list[str]:
        return [i for i, text in searched.items() if word in text]

    # "emitter" is in a quote of one seed pledge only, and in no title or statement.
    assert not any("emitter" in f"{p.title} {p.statement}".lower() for p in pledges)
    assert holding("emitter") == ["cn-co2-peak-2030"]
    # Xi Jinping's words on working "steadily" towards peak carbon back two seed pledges.
    citing = [i for i, qs in quotes.items() if any("steadily" in q.lower() for q in qs)]
    assert holding("steadily") == citing == ["cn-carbon-neutrality-2060", "cn-co2-peak-2030"]


def test_the_downloads_are_the_export_of_the_same_revision(url: str, site: Path) -> None:
    """downloads/ holds what `pledges export --excel` writes (made safe for a spreadsheet), each
    article's text in its cell, and register.json as `pledges export --format json` writes it;
    `pledges import` reads the CSV files back as the register."""
    export_csv(url, site.parent / "excel", excel=True)
    export_csv(url, site.parent / "csv")
    export_json(url, site.parent / "json")
    downloads = site / "downloads"
    for name in ("pledges.csv", "evidence.csv", "actors.csv"):
        assert (downloads / name).read_bytes() == (site.parent / "excel" / name).read_bytes()
    assert (downloads / "sources.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    for name in ("pledges.csv", "evidence.csv", "sources.csv", "actors.csv"):
        assert _rows(downloads / name) == _rows(site.parent / "csv" / name), name
    assert (downloads / "register.json").read_bytes() == (
        site.parent / "json" / "register.json"
    ).read_bytes()
    assert (site / "log-head.json").read_bytes() == (
        site.parent / "csv" / "log-head.json"
    ).read_bytes()
    index = Page.read(site / "index.html")
    listed = [a.attrs["href"] for a in index.one("section", class_="downloads").all("a")]
    assert listed == [
        f"downloads/{n}"
        for n in ("pledges.csv", "evidence.csv", "sources.csv", "actors.csv", "register.json")
    ] + ["log-head.json"]


def _rows(path: Path) -> list[dict[str, str]]:
    """A CSV file's rows as `pledges import` reads them: the byte-order mark and the
    apostrophes that keep a spreadsheet from running a cell undone."""
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return [{k: restore(v) for k, v in row.items()} for row in csv.DictReader(stream)]


def test_the_downloads_import_back_into_an_empty_register(
    cli: CLI, site: Path, url: str, tmp_path: Path
) -> None:
    empty_url = empty(tmp_path / "again.db")
    folder = tmp_path / "downloaded"
    folder.mkdir()
    for name in ("pledges.csv", "evidence.csv", "sources.csv", "actors.csv"):
        (folder / name).write_bytes((site / "downloads" / name).read_bytes())
    result = cli(
        "import", str(folder), "--db", empty_url, "--reason", "a reader's copy", "--allow-unlocated"
    )  # the snippet cites a quote its article does not hold
    assert result.code == 0, result.err
    export_csv(url, tmp_path / "before")
    export_csv(empty_url, tmp_path / "after")
    stamps = ("created_at", "updated_at", "version", "verified_on")  # begun anew by the import
    for name in ("pledges.csv", "evidence.csv", "sources.csv", "actors.csv"):
        after, before = (
            [{k: v for k, v in row.items() if k not in stamps} for row in _rows(path / name)]
            for path in (tmp_path / "after", tmp_path / "before")
        )
        assert after == before, name


def test_a_long_list_goes_on_in_pages_of_rows(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages of five rows (a hundred in a report): the index holds the first, list/N.html the
    others, each linking to the first, previous, next and last."""
    monkeypatch.setattr(listing, "PAGE", 5)
    build(url, tmp_path / "site", today=TODAY)
    with unit_of_work(url) as session:
        ids = repo.pledge_ids(session)
    site = tmp_path / "site"
    assert sorted(p.name for p in (site / "list").iterdir()) == ["2.html", "3.html"]
    index = Page.read(site / "index.html")
    assert [
        r.one("code").text() for r in index.one("table", id="pledges").one("tbody").all("tr")
    ] == ids[:5]
    assert index.one("p", id="shown").text() == "Pledges 1–5 of 13, by id"
    pager = {a.text(): a.attrs["href"] for a in index.one("div", id="static-pager").all("a")}
    assert pager == {"Next page": "list/2.html", "Last page (3)": "list/3.html"}
    for number, expected in ((2, ids[5:10]), (3, ids[10:])):
        page = Page.read(site / "list" / f"{number}.html")
        assert page.problems == []
        assert [r.one("code").text() for r in page.one("tbody").all("tr")] == expected
        first = (number - 1) * 5 + 1
        assert page.one("h1").text() == f"Pledges {first}–{first + len(expected) - 1} of 13"
        links = {a.text(): a.attrs["href"] for a in page.one("nav", class_="pager").all("a")}
        assert links["First page"] == "../index.html"
        assert links["Previous page"] == ("../index.html" if number == 2 else "../list/2.html")
        assert links.get("Next page") == ("../list/3.html" if number == 2 else None)
        for row in page.one("tbody").all("tr"):
            assert all((site / "list" / a.attrs["href"]).resolve().is_file() for a in row.all("a"))
    data = script_data(site / "data" / "index.js", "PLEDGES_INDEX")
    assert data["page"] == 5 and len(data["rows"]) == 13


def test_a_report_built_again_with_fewer_pages_leaves_none_of_the_old(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list pages of an earlier, longer report in the same folder are removed; a file of the
    reader's own there is not."""
    site = tmp_path / "site"
    monkeypatch.setattr(listing, "PAGE", 4)
    build(url, site, today=TODAY)
    assert sorted(p.name for p in (site / "list").iterdir()) == ["2.html", "3.html", "4.html"]
    (site / "list" / "notes.txt").write_text("mine\n", encoding="utf-8")
    (site / "list" / "2.html.bak").write_text("mine too\n", encoding="utf-8")
    (site / "list" / "1.html").write_text("never a page of the list\n", encoding="utf-8")
    monkeypatch.setattr(listing, "PAGE", 5)
    build(url, site, today=TODAY)
    left = ["1.html", "2.html", "2.html.bak", "3.html", "notes.txt"]
    assert sorted(p.name for p in (site / "list").iterdir()) == left
    monkeypatch.setattr(listing, "PAGE", 100)
    build(url, site, today=TODAY)
    mine = ["1.html", "2.html.bak", "notes.txt"]
    assert sorted(p.name for p in (site / "list").iterdir()) == mine
    assert [a.attrs["href"] for a in Page.read(site / "index.html").all("a")
            if "list/" in a.attrs.get("href", "")] == []  # fmt: skip


def test_a_short_report_leaves_a_linked_list_folder_alone(url: str, tmp_path: Path) -> None:
    """With one page of rows there are no list pages: a `list` that is a link (the report never
    writes through one) is neither followed nor refused."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "2.html").write_text("not the report's\n", encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    (site / "list").symlink_to(elsewhere, target_is_directory=True)
    build(url, site, today=TODAY)
    assert (site / "list").is_symlink() and (elsewhere / "2.html").is_file()


REJOINED = """
sources:
  - id: paris-rejoined
    title: The United States rejoins the Paris Agreement
    kind: news
    published_on: 2021-02-19
    text: >-
      The United States rejoined the Paris Agreement in February 2021. Its withdrawal from the
      agreement had taken effect in November 2020.
pledges:
  - id: us-paris-agreement-again
    title: The United States is a party to the Paris Agreement again
    statement: The United States takes part in the Paris Agreement again.
    actors: [US]
    kind: diplomatic_process
    evidence:
      - source: paris-rejoined
        quote: The United States rejoined the Paris Agreement in February 2021
      - source: paris-rejoined
        quote: Its withdrawal from the agreement had taken effect in November 2020
        deprecated: it says when the country left, not that it came back
"""


def test_the_index_searches_deprecated_quotes_too(template: Path, tmp_path: Path) -> None:
    """A deprecated quote still shows on its pledge's page, so its words find the pledge."""
    url = copy_of(template, tmp_path)
    add_to(url, parse(REJOINED))
    build(url, tmp_path / "site", today=TODAY)
    searched = _searched(tmp_path / "site")
    for word in ("rejoined", "withdrawal"):  # in the quote kept, and in the deprecated one
        assert [i for i, text in searched.items() if word in text] == ["us-paris-agreement-again"]
    page = Page.read(tmp_path / "site" / "pledges" / "us-paris-agreement-again.html")
    assert "withdrawal" in page.one("article", class_="evidence deprecated").text()


def test_index_and_audit_page_name_the_revision_and_date_built_from(
    url: str, pages: dict[str, Page]
) -> None:
    with opened(url) as engine, transaction(engine) as session:
        seq, digest = history.head(session)
    assert digest is not None
    for name in ("index.html", "audit.html"):
        built = pages[name].one("p", class_="built").text()
        assert f"revision {seq} ({digest})" in built
        assert f"audited as of {TODAY.isoformat()}" in built
        assert re.search(r"Built on \d{4}-\d\d-\d\d at \d\d:\d\d UTC", built)
    for page in pages.values():
        assert f"revision {seq} ({digest[:12]}…)" in page.one("footer").text()


# --- a pledge's page ----------------------------------------------------------------------------


def test_each_quote_is_highlighted_exactly_where_show_places_it(
    url: str, pages: dict[str, Page]
) -> None:
    """The passage around each quote and the quote in it are the very text `pledges show` gives."""
    with unit_of_work(url) as session:
        ids = repo.pledge_ids(session)
        views = {i: service.show_pledge(session, i) for i in ids}
    compared = 0
    for pledge_id, view in views.items():
        page = pages[f"pledges/{pledge_id}.html"]
        for item in view.evidence:
            article = page.one("article", id=f"evidence-{item.evidence.id}")
            marks = article.all("mark")
            if item.start is None or item.end is None:
                assert marks == []
                assert item.evidence.quote in article.one("p", class_="not-found").text()
                continue
            assert [m.attrs["data-evidence"] for m in marks] == [str(item.evidence.id)]
            assert marks[0].text() == item.context[item.start : item.end]
            assert article.one("blockquote").text() == item.context
            compared += 1
    assert compared == 21 + 4


def test_a_pledge_page_shows_facts_findings_and_sources(url: str, pages: dict[str, Page]) -> None:
    page = pages["pledges/xx-coal-stop-2030.html"]
    facts = dict(zip(
        [n.text() for n in page.all("dt")], [n.text() for n in page.all("dd")], strict=False
    ))  # fmt: skip
    assert facts["Actors"] == "China (CN)"
    assert facts["Target"] == "by 2030"
    assert facts["Status"] == "in progress"
    assert page.one("p", class_="statement").text().endswith("<script>alert('statement')</script>")
    report = audit(url, today=TODAY)
    mine = [f for f in report.findings if f.pledge_id == "xx-coal-stop-2030"]
    shown = page.one("section", class_="audit").all("li")
    assert [li.one("code").text() for li in shown] == [f.code for f in mine]
    assert any(f.code == "quote-not-found" for f in mine)
    for li, finding in zip(shown, mine, strict=True):
        assert finding.message in li.text() and finding.hint in li.text()
    # Each piece of evidence names its source: title, publisher, date, link and sha256.
    with unit_of_work(url) as session:
        source = service.get_source(session, "tricky-source")
    article = page.all("article")[0]
    cited = dict(zip(
        [n.text() for n in article.all("dt")], [n.text() for n in article.all("dd")], strict=True
    ))  # fmt: skip
    assert cited == {
        "Source": source.title,
        "Publisher": "Smith & <b>Sons</b>",
        "Date": "2024-03-01",
        "Link": "javascript:alert('url')",
        "sha256": source.sha256,
    }
    assert "deprecated" in page.all("article")[4].attrs["class"]


def test_a_clean_pledge_says_so(pages: dict[str, Page]) -> None:
    audit_section = pages["pledges/cn-co2-peak-2030.html"].one("section", class_="audit")
    assert audit_section.all("li") == []
    assert "found nothing" in audit_section.text()


def _marks(svg: Page | Any) -> list[tuple[str, str, str | None, float, Any]]:
    """The event marks of a drawn timeline, in drawing order: (event, date, evidence id, x,
    node); x is the middle of the mark (a circle's cx, a square's x + 6, a path's first point)."""
    marks = []
    for node in svg.root.iter() if isinstance(svg, Page) else svg.iter():
        if "data-event" not in node.attrs:
            continue
        if node.tag == "circle":
            x = float(node.attrs["cx"])
        elif node.tag == "rect":
            x = float(node.attrs["x"]) + 6
        else:
            x = float(node.attrs["d"][1:].split()[0])
        marks.append(
            (node.attrs["data-event"], node.attrs["data-date"], node.attrs.get("data-evidence"), x,
             node)
        )  # fmt: skip
    return marks


def _linear(marks: list[tuple[str, str, str | None, float, Any]]) -> None:
    """x is linear in the date: each mark stands where the first and the last put its day."""
    days = [date.fromisoformat(m[1]).toordinal() for m in marks]
    xs = [m[3] for m in marks]
    if days[-1] == days[0]:
        assert len(set(xs)) == 1
        return
    per_day = (xs[-1] - xs[0]) / (days[-1] - days[0])
    for day, x in zip(days, xs, strict=True):
        assert x == pytest.approx(xs[0] + (day - days[0]) * per_day, abs=0.15)


def test_the_chart_and_its_table_show_revisions_and_dated_evidence(pages: dict[str, Page]) -> None:
    """The timeline of the snippet's pledge: its evidence at its source's date (the deprecated
    piece left out), the status one asserts, its target year; the log's changes stay in their
    own table, off the chart."""
    page = pages["pledges/xx-coal-stop-2030.html"]
    svg = page.one("svg")
    assert svg.attrs["role"] == "img"
    marks = _marks(svg)
    assert [(m[0], m[1], m[2]) for m in marks] == [
        ("asserted", "2024-03-01", "22"), ("evidence", "2024-03-01", "23"),
        ("evidence", "2024-03-01", "24"), ("evidence", "2024-03-01", "25"),
        ("target", "2030-01-01", None),
    ]  # fmt: skip
    _linear([marks[0], marks[-1]])
    assert marks[0][4].attrs["class"] == "mark v-in_progress asserted"
    assert "in progress" in [t.text() for t in svg.all("text", class_="value")]
    summary = svg.one("title", id="chart-title").text()
    assert summary == (
        "Announcement not dated; 4 dated pieces of evidence, 2024-03-01 to 2024-03-01; lately "
        "asserting in progress (2024-03-01); target year 2030. Now in progress, formality declared."
    )
    assert page.one("figcaption").text().startswith(summary)
    rows = [
        [td.text() for td in tr.all("td")] for tr in page.one("table", class_="events").all("tr")
    ]
    assert rows[1:] == [
        ["2024-03-01", "evidence asserting in progress", "evidence 22", "tricky-source"],
        ["2024-03-01", "evidence", "evidence 23", "tricky-source"],
        ["2024-03-01", "evidence", "evidence 24", "tricky-source"],
        ["2024-03-01", "evidence", "evidence 25", "tricky-source"],
        ["2030-01-01", "target year 2030", "", ""],
    ]
    changes = page.one("table", class_="timeline")
    logged = [[td.text() for td in tr.all("td")] for tr in changes.one("tbody").all("tr")]
    assert [r[1].split(";")[0] for r in logged] == [
        "status set to not yet rated", "formality set to declared",
        "status not yet rated → in progress",
    ]  # fmt: skip
    assert logged[2][1].endswith("asserted by evidence 22")
    assert {m[1] for m in marks}.isdisjoint(r[0] for r in logged)  # typed, not events
    # Each actor is a link to its page.
    assert [(a.attrs["href"], a.text()) for a in page.one("dl", class_="facts").all("a")] == [
        ("../actors/CN.html", "China (CN)")
    ]


def test_the_chart_spans_every_event_whatever_day_the_report_is_dated(
    url: str, tmp_path: Path
) -> None:
    """The timeline is the pledge's events, so the day the report is dated (--today in the past
    or the future) changes nothing of it, and every mark stands inside its axis."""
    drawn = set()
    for day in (date(2020, 1, 1), TODAY, date(2031, 6, 1)):
        build(url, tmp_path / str(day), today=day)
        file = tmp_path / str(day) / "pledges" / "us-cn-cop28-success.html"
        svg = Page.read(file).one("svg")
        axis = svg.one("line", class_="axis")
        for _, _, _, x, _ in _marks(svg):
            assert float(axis.attrs["x1"]) < x < float(axis.attrs["x2"])
        drawn.add(re.findall("<svg.*</svg>", file.read_text(encoding="utf-8"))[0])
        assert len(_marks(svg)) == 4
    assert len(drawn) == 1


AT = date(2021, 6, 1)


def test_evidence_before_the_announcement_is_marked_so() -> None:
    events = [
        chart.Event(AT, "announced"),
        chart.Event(date(2020, 3, 2), "evidence", 3, "early-source", inferred=True, note="From a "
                    "'Monday' <in> the text"),
        chart.Event(date(2022, 1, 15), "asserted", 4, "later-source", "in_progress"),
        chart.Event(date(2030, 1, 1), "target"),
    ]  # fmt: skip
    drawn = chart.draw(events, "in_progress", "in_law")
    svg = Page.parse(drawn.svg)
    marks = _marks(svg)
    assert [(m[0], m[1]) for m in marks] == [
        ("evidence", "2020-03-02"), ("announced", "2021-06-01"), ("asserted", "2022-01-15"),
        ("target", "2030-01-01"),
    ]  # fmt: skip
    _linear(marks)
    early = marks[0][4]
    assert "early" in early.attrs["class"].split() and "inferred" in early.attrs["class"].split()
    assert early.one("title").text() == (
        "Evidence 3 (early-source), 2020-03-02 (inferred: From a 'Monday' <in> the text): "
        "evidence, before the announcement"
    )
    assert "early" not in marks[2][4].attrs["class"]
    guide = svg.one("line", class_="guide")
    assert float(guide.attrs["x1"]) == pytest.approx(marks[1][3], abs=0.1)
    rows = [[td.text() for td in tr.all("td")] for tr in Page.parse(drawn.table).root.all("tr")]
    assert rows[0] == [
        "2020-03-02 (inferred)",
        "evidence, before the announcement",
        "evidence 3",
        "early-source",
    ]
    assert "2 dated pieces of evidence, 2020-03-02 to 2022-01-15, 1 before the announcement" in (
        drawn.summary
    )
    assert drawn.summary.endswith("Now in progress, formality in law.")


def test_a_status_asserted_with_no_date_is_listed_not_placed() -> None:
    events = [
        chart.Event(AT, "announced"),
        chart.Event(None, "asserted", 9, "undated-source", "kept"),
        chart.Event(None, "evidence", 10, "undated-source"),
    ]
    drawn = chart.draw(events, "kept", "declared")
    assert [(m[0], m[2]) for m in _marks(Page.parse(drawn.svg))] == [("announced", None)]
    assert drawn.undated == [("kept", 9, "undated-source")]
    rows = [[td.text() for td in tr.all("td")] for tr in Page.parse(drawn.table).root.all("tr")]
    assert rows == [
        ["2021-06-01", "announced", "", ""],
        ["not dated", "evidence asserting kept: asserted, not dated (its source has no date)",
         "evidence 9", "undated-source"],
        ["not dated", "evidence", "evidence 10", "undated-source"],
    ]  # fmt: skip
    assert "1 status asserted, not dated" in drawn.summary


def test_a_pledge_with_no_dated_event_gets_a_sentence_not_a_chart(template: Path) -> None:
    drawn = chart.draw(
        [chart.Event(None, "asserted", 9, "undated-source", "kept")], "kept", "declared"
    )
    assert drawn.svg == "" and drawn.undated == [("kept", 9, "undated-source")]
    assert drawn.summary == (
        "Announcement not dated; no dated evidence; 1 status asserted, not dated; no target year. "
        "Now kept, formality declared."
    )
    site = report_site.Site(
        _register_with(), report_site.BuildInfo(datetime(2024, 6, 1, tzinfo=UTC), TODAY, (0, None))
    )
    from pledges.report import pledge_page

    html = dict(pledge_page.pages(site, site.register.pledges, {}))["xx-bare"]
    page = Page.parse(html)
    assert page.all("svg") == [] and page.problems == []
    assert page.one("p", class_="no-chart").text().startswith("No event of this pledge is dated")
    assert [[td.text() for td in tr.all("td")] for tr in page.one("table", class_="events").one(
        "tbody").all("tr")] == [["No event of this pledge is recorded."]]  # fmt: skip


def _register_with() -> Any:
    """A register of one pledge with no date, no target and no evidence."""
    from pledges.records import PledgeRecord
    from pledges.report.register import Register
    from pledges.vocab import Confidence, Formality, PledgeKind, Status

    bare = PledgeRecord(
        "xx-bare", "A pledge with nothing dated", None, PledgeKind.COOPERATION, None, None, None,
        None, [], Formality.DECLARED, Status.NOT_YET_RATED, Confidence.LOW, None, None, None, None,
        1, (),
    )  # fmt: skip
    return Register({}, {}, [bare], {}, {}, {}, (0, None))


_days = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))


@settings(max_examples=200, deadline=None)
@given(
    announced=st.none() | _days,
    evidence=st.lists(st.tuples(_days, st.booleans()), max_size=8),
    target=st.none() | st.integers(1990, 2200),
)
def test_every_event_stands_in_the_axis_and_in_date_order(
    announced: date | None, evidence: list[tuple[date, bool]], target: int | None
) -> None:
    events = [chart.Event(announced, "announced")] if announced else []
    for n, (day, asserts) in enumerate(evidence, start=1):
        events.append(
            chart.Event(
                day, "asserted" if asserts else "evidence", n, "s", "kept" if asserts else None
            )
        )
    if target is not None:
        events.append(chart.Event(date(target, 1, 1), "target"))
    drawn = chart.draw(events, "kept", "declared")
    if not events:
        assert drawn.svg == ""
        return
    svg = Page.parse(drawn.svg)
    marks = _marks(svg)
    assert sorted(m[1] for m in marks) == sorted(e.on.isoformat() for e in events if e.on)
    axis = svg.one("line", class_="axis")
    low, high = float(axis.attrs["x1"]), float(axis.attrs["x2"])
    for before, after in pairwise(marks):
        assert before[1] <= after[1] and before[3] <= after[3]
        assert before[1] != after[1] or before[3] == after[3]
    assert all(low < m[3] < high for m in marks)
    _linear(marks)
    years = [t.text() for t in svg.all("text", class_="tick")]
    assert 1 <= len(years) <= 8  # the years, or the ends' dates when no 1 January is on it
    _apart(svg)


def _apart(svg: Page) -> None:
    """No two labels of the chart's values, in one lane, run into each other."""
    lanes: dict[str, list[tuple[float, float]]] = {}
    for text in svg.all("text", class_="value"):
        x, width = float(text.attrs["x"]), len(text.text()) * chart.CHAR
        anchor = text.attrs.get("text-anchor")
        start = x - width if anchor == "end" else x - width / 2 if anchor == "middle" else x
        lanes.setdefault(text.attrs["y"], []).append((start, start + width))
    for spans in lanes.values():
        for (_, end), (start, _) in pairwise(sorted(spans)):
            assert end <= start, spans


def test_an_announcement_and_a_target_in_one_year_keep_their_labels_apart() -> None:
    drawn = chart.draw(
        [chart.Event(date(2021, 1, 1), "announced"), chart.Event(date(2021, 1, 1), "target")],
        "kept",
        "declared",
    )
    svg = Page.parse(drawn.svg)
    assert [t.text() for t in svg.all("text", class_="value")] == ["announced"]
    _apart(svg)
    assert "target year 2021" in drawn.table  # the table still says it


def test_year_ticks_stay_readable() -> None:
    def ticks(first: date, last: date) -> list[str]:
        events = [chart.Event(first, "announced"), chart.Event(last, "target")]
        return [t.text() for t in Page.parse(chart.draw(events, "kept", "declared").svg).all(
            "text", class_="tick")]  # fmt: skip

    assert ticks(date(2021, 3, 1), date(2025, 1, 1)) == ["2021", "2022", "2023", "2024", "2025"]
    assert ticks(date(2015, 12, 12), date(2050, 1, 1)) == [
        "2015", "2020", "2025", "2030", "2035", "2040", "2045", "2050"
    ]  # fmt: skip
    assert ticks(date(2023, 7, 19), date(2023, 11, 8)) == ["2023-06-29", "2023-11-28"]


# --- a source's page ----------------------------------------------------------------------------


def test_a_source_page_highlights_every_located_quote_in_its_text(
    url: str, pages: dict[str, Page]
) -> None:
    """Quotes may overlap: each run of text names every quote covering it, and the runs of one
    quote, joined, are the text `find` places it at."""
    with unit_of_work(url) as session:
        sources = service.list_sources(session)[0]
        evidence = repo.all_evidence(session)
    for source in sources:
        page = pages[f"sources/{source.id}.html"]
        text = page.one("div", class_="article-text")
        assert text.text() == source.text
        runs: dict[int, list[str]] = {}
        for mark in text.all("mark"):
            for evidence_id in mark.attrs["data-evidence"].split():
                runs.setdefault(int(evidence_id), []).append(mark.text())
        for item in (e for e in evidence if e.source_id == source.id):
            span = find(item.quote, source.text)
            if span is None:
                assert item.id not in runs
                continue
            assert "".join(runs[item.id]) == source.text[span.start : span.end], item.id
            assert f"evidence-{item.id}" in page.ids()
    tricky = pages["sources/tricky-source.html"].one("div", class_="article-text")
    overlapping = [m for m in tricky.all("mark") if len(m.attrs["data-evidence"].split()) > 1]
    assert [m.text() for m in overlapping] == ["will stop building coal plants"]


def test_segments_cut_where_quotes_begin_and_end() -> None:
    found = segments("abcdefgh", [(1, 1, 5), (2, 3, 7)])
    assert [(s.text, s.covered_by, s.starts) for s in found] == [
        ("a", (), ()), ("bc", (1,), (1,)), ("de", (1, 2), (2,)), ("fg", (2,), ()), ("h", (), ()),
    ]  # fmt: skip


# --- finding quotes -----------------------------------------------------------------------------


def test_the_report_finds_each_seed_quote_where_find_does(seeded_sqlite: str) -> None:
    with unit_of_work(seeded_sqlite) as session:
        evidence = repo.all_evidence(session)
        sources = repo.get_sources(session, repo.source_ids(session))
    for item in evidence:
        text = sources[item.source_id].text
        variants = [item.quote, item.quote.upper(), "  ".join(item.quote.split()),
                    item.quote.replace("\u2019", "'"), item.quote.replace(" ", " … ", 1),
                    item.quote + " nowhere"]  # fmt: skip
        for quote in variants:
            ours, theirs = Article(text).find(quote), find(quote, text)
            assert (ours and (ours.start, ours.end)) == (theirs and (theirs.start, theirs.end))


WORDS = [
    "coal",
    "Coal",
    "plant",
    "2030",
    "“peak”",
    "\u2018net\u2019",
    "zero",
    "—",
    "-",
    "…",
    "...",
    "a",
]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=30),
    st.lists(st.sampled_from([" ", "  ", "\n", "\t", " \n "]), min_size=30, max_size=30),
    st.integers(0, 29),
    st.integers(1, 8),
    st.sampled_from(["same", "upper", "spaces", "plain-marks"]),
)
def test_the_report_finds_any_quote_where_find_does(
    words: list[str], gaps: list[str], start: int, length: int, change: str
) -> None:
    text = "".join(w + g for w, g in zip(words, gaps, strict=False))
    quote = " ".join(words[start : start + length]) or "coal"
    quote = {
        "same": quote,
        "upper": quote.upper(),
        "spaces": quote.replace(" ", "\n "),
        "plain-marks": quote.replace("“", '"').replace("—", "-"),
    }[change]
    ours, theirs = Article(text).find(quote), find(quote, text)
    assert (ours and (ours.start, ours.end)) == (theirs and (theirs.start, theirs.end))


# --- building -----------------------------------------------------------------------------------


def _without_build_time(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): re.sub(
            r"Built (on )?\d{4}-\d\d-\d\d (at )?\d\d:\d\d UTC", "Built", p.read_text("utf-8")
        )
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_the_audit_run_aside_gives_the_same_report(url: str, tmp_path: Path) -> None:
    """Large registers are audited in a process of their own while the pages are drawn, and a
    twin draws a share of the pledges' pages (here none, the default share, then all)."""
    build(url, tmp_path / "inline", today=TODAY, aside_from=10**9)
    inline = _without_build_time(tmp_path / "inline")
    for share in (0.0, 0.75, 1.0):
        out = tmp_path / f"aside-{share}"
        build(url, out, today=TODAY, aside_from=0, twin_share=share)
        aside = _without_build_time(out)
        assert inline.keys() == aside.keys()
        for name in inline:
            assert inline[name] == aside[name], (share, name)


def test_a_change_while_the_downloads_are_written_aside_stops_the_report(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a large register the downloads are read by a process of their own: when the register
    changes between its read and the pages', the report says so and writes nothing."""
    from pledges.errors import InvalidInput
    from pledges.report import building, register
    from pledges.report import downloads as aside

    url = copy_of(template, tmp_path)
    marker = tmp_path / "downloads-read"
    written = aside._written

    def written_then_marked(*args: Any) -> Any:
        done = written(*args)
        marker.touch()
        return done

    def read_after_a_change(session: Any) -> Any:
        for _ in range(400):
            if marker.exists():
                break
            time.sleep(0.025)
        add_to(url, parse(REJOINED))  # a colleague's change, saved meanwhile
        return register.read(session)

    monkeypatch.setattr(aside, "_written", written_then_marked)
    monkeypatch.setattr(building, "read", read_after_a_change)
    with pytest.raises(InvalidInput, match="the register changed while the report was being"):
        build(url, tmp_path / "site", today=TODAY, aside_from=0)
    assert marker.exists()
    assert not (tmp_path / "site").exists()


def test_the_report_reads_postgresql_as_it_reads_sqlite(seeded: str, tmp_path: Path) -> None:
    built = build(seeded, tmp_path / "site", today=TODAY)
    assert (built.pledges, built.sources, built.actors, built.pages) == (12, 5, 3, 23)
    page = Page.read(tmp_path / "site" / "pledges" / "cn-co2-peak-2030.html")
    assert page.problems == []
    assert len(page.all("mark")) == 2
    rows = [tr for tr in page.one("table", class_="timeline").one("tbody").all("tr")]
    assert [tr.all("td")[1].text() for tr in rows] == [
        "status set to not yet rated", "formality set to declared",
    ]  # fmt: skip
    build(seeded, tmp_path / "aside", today=TODAY, aside_from=0)  # the audit forked
    assert _without_build_time(tmp_path / "site") == _without_build_time(tmp_path / "aside")


def test_building_again_over_a_report_rewrites_it(url: str, tmp_path: Path) -> None:
    first = build(url, tmp_path / "site", today=TODAY)
    again = build(url, tmp_path / "site", today=TODAY)
    assert first.pages == again.pages == 13 + 6 + 3 + 3


def test_an_empty_register_makes_a_report_too(tmp_path: Path) -> None:
    built = build(empty(tmp_path / "empty.db"), tmp_path / "site", today=TODAY)
    assert (built.pledges, built.sources, built.actors, built.pages) == (0, 0, 0, 3)
    index = Page.read(tmp_path / "site" / "index.html")
    assert index.problems == []
    assert index.one("table", id="pledges").one("tbody").all("tr") == []
    assert "from an empty log" in index.one("p", class_="built").text()


def test_an_id_that_is_not_a_slug_cannot_name_a_path_outside_the_folder() -> None:
    page, href = report_site.page, report_site.href
    assert (page("cn-co2-peak-2030"), href("cn-co2-peak-2030")) == ("cn-co2-peak-2030.html",) * 2
    assert page("../../etc/passwd") == "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd.html"
    assert href("../../etc/passwd") == "%252E%252E%252F%252E%252E%252Fetc%252Fpasswd.html"
    assert page("a-slug\n") == "a-slug%0A.html"


# --- the command --------------------------------------------------------------------------------


def test_report_command_writes_the_site(cli: CLI, url: str, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = cli("report", "--out", str(out), "--db", url, "--today", "2024-06-01")
    assert result.code == 0, result.err
    assert result.out == ""
    assert one_line(result.err) == (
        f"Wrote the report to {out}: 13 pledge pages, 6 source pages, 3 actor pages, the index, "
        f"the audit summary and the downloads (1 error, 4 warnings). Open {out / 'index.html'} in "
        "a browser."
    )
    assert "audited as of 2024-06-01" in (out / "index.html").read_text("utf-8")
    with opened(url) as engine, transaction(engine) as session:
        seq, digest = history.head(session)
    assert digest is not None
    recorded = json.loads((out / "log-head.json").read_text("utf-8"))
    assert recorded == {"seq": seq, "hash": digest}  # also on every page (see above)
    assert not [p.name for p in out.rglob(".*")]  # no temporary file is left


def test_a_report_that_fails_midway_leaves_the_folder_as_it_was(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills up while the twin writes its share of the pages: the site built before
    stays whole, and nothing of this one is left, the twin's pages included."""
    out = tmp_path / "site"
    build(url, out, today=TODAY)
    before = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    parent = os.getpid()
    write_pages = report_site.Site.write_pages

    def full_in_the_twin(site: Any, kind: str, pages: Any, *args: Any) -> int:
        if os.getpid() == parent:
            return write_pages(site, kind, pages, *args)
        write_pages(site, kind, list(pages)[:2], *args)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(report_site.Site, "write_pages", full_in_the_twin)
    with pytest.raises(OSError, match="No space left"):
        build(url, out, today=date(2030, 1, 1), aside_from=0)
    after = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before


def test_report_refuses_an_out_that_is_a_file(cli: CLI, url: str, tmp_path: Path) -> None:
    file = tmp_path / "taken.html"
    file.write_text("mine", encoding="utf-8")
    result = cli("report", "--out", str(file), "--db", url)
    assert result.code == 2
    assert one_line(result.err) == (
        f"Error: {file} is a file — give --out a folder (it is created if need be)"
    )
    assert file.read_text(encoding="utf-8") == "mine"


def test_report_refuses_a_bad_date_and_a_missing_register(
    cli: CLI, url: str, tmp_path: Path
) -> None:
    result = cli("report", "--out", str(tmp_path / "a"), "--db", url, "--today", "June")
    assert (result.code, one_line(result.err)) == (
        2, "Error: --today 'June' is not a date — write it as YYYY-MM-DD"
    )  # fmt: skip
    missing = tmp_path / "none.db"
    result = cli("report", "--out", str(tmp_path / "b"), "--db", str(missing))
    assert result.code == 2
    assert one_line(result.err).startswith(f"Error: there is no register at {missing}")
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()  # nothing written


# --- the package -------------------------------------------------------------------------------


def test_help_does_not_import_jinja2() -> None:
    """`pledges --help` stays fast: the report's libraries load only when it runs."""
    code = "import sys; from pledges.cli import app; assert 'jinja2' not in sys.modules, 'jinja2'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_templates_and_assets_are_package_data() -> None:
    """They ship in the wheel (hatch takes every file under pledges/) and are found beside the
    code in an editable install."""
    names = {p.name for p in report_site.TEMPLATES.iterdir()}
    assert {"layout.html.j2", "index.html.j2", "pledge.html.j2", "source.html.j2",
            "audit.html.j2", "findings.html.j2", "cite.html.j2"} <= names  # fmt: skip
    assert {p.name for p in report_site.STATIC.iterdir()} == {"report.css", "report.js"}
    assert report_site.TEMPLATES.parent == ROOT / "pledges" / "report"
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'packages = ["pledges"]' in pyproject
