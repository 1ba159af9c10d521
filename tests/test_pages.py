"""The page where each quote stands, for a source whose text has pages (a PDF's, its pages
separated by form feeds: pledges.pages): `show`, its JSON, the report and the exports name it;
a source without pages, a quote not found, name none.

A quote that runs across a page break is on the page where it starts: one page, as a citation
gives it, where the reader begins to read.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from pledges.pages import PAGE_BREAK
from pledges.report import build as build_report
from pledges.textmatch import Article
from tests.conftest import CLI
from tests.html_pages import Page
from tests.registers import TODAY, copy_of, parse, seeded_template
from tests.registers import build as add_to

# Three pages; the US target runs from the foot of page 2 onto page 3, its words parted by the
# page break alone (as a PDF's text is stored).
PAGES = PAGE_BREAK.join(
    [
        "A digest of national climate targets.\n"
        "China aims to peak its carbon dioxide emissions before 2030.\n",
        "The European Union will cut its net greenhouse gas emissions by at least 55 percent by "
        "2030, compared with 1990.\nThe United States aims at cutting its net greenhouse gas "
        "emissions",
        "by 50 to 52 percent below 2005 levels in 2030.\n"
        "China aims to reach carbon neutrality before 2060.\n",
    ]
)
PEAK = "China aims to peak its carbon dioxide emissions before 2030"  # page 1
NEUTRAL = "China aims to reach carbon neutrality before 2060"  # page 3
ACROSS = "cutting its net greenhouse gas emissions by 50 to 52 percent below 2005 levels in 2030"
ABSENT = "China aims to have 1,200 gigawatts of wind and solar capacity by 2030"  # not in it

SNIPPET = f"""
sources:
  - id: targets-digest
    title: A digest of national climate targets
    publisher: Climate Digest
    kind: analysis
    published_on: 2024-02-01
pledges:
  - id: cn-digest-targets
    title: China peaks emissions by 2030 and is carbon neutral by 2060
    actors: [CN]
    kind: emissions_peak
    target_year: 2030
    evidence:
      - source: targets-digest
        quote: {PEAK}
      - source: targets-digest
        quote: {NEUTRAL}
      - source: targets-digest
        quote: {ABSENT}
  - id: us-digest-2030
    title: The US cuts its emissions 50-52 % below 2005 by 2030
    actors: [US]
    kind: emissions_reduction
    target_year: 2030
    evidence:
      - source: targets-digest
        quote: {ACROSS}
"""
DIGEST_LINE = "A digest of national climate targets — Climate Digest, 2024-02-01"


def pages_by_quote(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {row["quote"]: row["page"] for row in rows}


EXPECTED = {PEAK: 1, NEUTRAL: 3, ABSENT: None, ACROSS: 2}  # the digest's quotes' pages
IN_CELLS = {quote: "" if page is None else str(page) for quote, page in EXPECTED.items()}


def add_digest(url: str) -> None:
    spec = parse(SNIPPET)
    spec["sources"][0]["text"] = PAGES
    add_to(url, spec)


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The seed register (no form feeds in its texts) and the digest, on SQLite."""
    template = seeded_template(tmp_path_factory.mktemp("pages-template"))
    url = copy_of(template, tmp_path_factory.mktemp("pages-db"))
    add_digest(url)
    return url


def test_the_digest_has_three_pages_and_a_quote_across_a_break() -> None:
    """The premise of every test below."""
    assert PAGES.count(PAGE_BREAK) == 2
    article = Article(PAGES)
    starts = {quote: article.find(quote) for quote in (PEAK, NEUTRAL, ACROSS, ABSENT)}
    assert starts[ABSENT] is None
    second, third = (i for i, c in enumerate(PAGES) if c == PAGE_BREAK)
    span = starts[ACROSS]
    assert span is not None and span.start < third < span.end
    assert second < span.start


# --- show ---------------------------------------------------------------------------------------


def shown_sources(cli: CLI, url: str, pledge_id: str) -> list[str]:
    """The lines of `show` that name each quote's source ('[N] ...')."""
    done = cli("show", pledge_id, "--db", url)
    assert done.code == 0, done.err
    return [line for line in done.out.splitlines() if line.startswith("[")]


def test_show_names_the_page_beside_each_quote(cli: CLI, url: str) -> None:
    assert shown_sources(cli, url, "cn-digest-targets") == [
        f"[1] {DIGEST_LINE}, p. 1",
        f"[2] {DIGEST_LINE}, p. 3",
        f"[3] {DIGEST_LINE}",  # not found: no page
    ]


def test_a_quote_across_a_page_break_is_on_the_page_where_it_starts(cli: CLI, url: str) -> None:
    assert shown_sources(cli, url, "us-digest-2030") == [f"[1] {DIGEST_LINE}, p. 2"]
    done = cli("show", "us-digest-2030", "--db", url)
    assert PAGE_BREAK not in done.out  # the passage runs on across the break, as a reader reads
    assert "greenhouse gas emissions by 50 to 52 percent" in " ".join(done.out.split())


def test_source_show_text_marks_where_each_page_begins(cli: CLI, url: str) -> None:
    done = cli("source", "show", "targets-digest", "--text", "--db", url)
    assert done.code == 0, done.err
    assert PAGE_BREAK not in done.out
    marks = [line.strip() for line in done.out.splitlines() if line.strip().startswith("──")]
    assert marks == ["── p. 2 ──", "── p. 3 ──"]


def test_show_json_gives_the_page_or_null(cli: CLI, url: str) -> None:
    done = cli("show", "cn-digest-targets", "--db", url, "--format", "json")
    assert done.code == 0, done.err
    evidence = json.loads(done.out)["evidence"]
    assert [(e["quote"], e["page"]) for e in evidence] == [(PEAK, 1), (NEUTRAL, 3), (ABSENT, None)]
    jsonl = cli("show", "us-digest-2030", "--db", url, "--format", "jsonl")
    assert [e["page"] for e in json.loads(jsonl.out)["evidence"]] == [2]


def test_a_source_without_pages_shows_nothing_new(cli: CLI, url: str) -> None:
    lines = shown_sources(cli, url, "cn-co2-peak-2030")
    assert len(lines) == 2
    assert all(line.endswith(("-09", "-20")) for line in lines), lines  # the date ends each
    done = cli("show", "cn-co2-peak-2030", "--db", url, "--format", "json")
    assert [e["page"] for e in json.loads(done.out)["evidence"]] == [None, None]


def test_show_and_export_name_the_page_on_sqlite_and_postgresql(
    cli: CLI, seeded: str, tmp_path: Path
) -> None:
    add_digest(seeded)
    assert shown_sources(cli, seeded, "us-digest-2030") == [f"[1] {DIGEST_LINE}, p. 2"]
    done = cli("show", "cn-digest-targets", "--db", seeded, "--format", "json")
    assert [e["page"] for e in json.loads(done.out)["evidence"]] == [1, 3, None]
    out = tmp_path / "out"
    assert cli("export", "--db", seeded, "--out", str(out)).code == 0
    with (out / "evidence.csv").open(encoding="utf-8", newline="") as stream:
        pages = pages_by_quote(list(csv.DictReader(stream)))
    assert {quote: pages[quote] for quote in IN_CELLS} == IN_CELLS


# --- the report ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pages-report") / "site"
    build_report(url, out, today=TODAY)
    return out


def headings(page: Page) -> list[str]:
    return [h.text() for h in page.root.all("h3")]


def test_the_report_names_the_page_of_each_quote(site: Path) -> None:
    page = Page.read(site / "pledges" / "cn-digest-targets.html")
    assert page.problems == []
    assert headings(page) == [
        "1. A digest of national climate targets, p. 1",
        "2. A digest of national climate targets, p. 3",
        "3. A digest of national climate targets",
    ]
    across = Page.read(site / "pledges" / "us-digest-2030.html")
    assert headings(across) == ["1. A digest of national climate targets, p. 2"]


def test_the_source_page_lists_each_quote_with_its_page(site: Path) -> None:
    page = Page.read(site / "sources" / "targets-digest.html")
    assert page.problems == []
    cited = [" ".join(li.text().split()) for li in page.root.one("ul", class_="cited").all("li")]
    assert [line.split(" for ")[0].split(", ", 1)[-1] for line in cited] == [
        "p. 1",
        "p. 3",
        "Evidence 24 (not found in the text)",
        "p. 2",
    ], cited


def test_the_source_page_marks_where_each_page_of_the_article_begins(site: Path) -> None:
    article = Page.read(site / "sources" / "targets-digest.html").root.one(
        "div", class_="article-text"
    )
    breaks = article.all("span", class_="page-break")
    assert [b.text() for b in breaks] == ["p. 2", "p. 3"]
    assert PAGE_BREAK not in article.text()


def test_the_report_names_no_page_for_a_source_without_pages(site: Path) -> None:
    page = Page.read(site / "pledges" / "cn-co2-peak-2030.html")
    assert [h.text() for h in page.root.all("h3")] == [
        "1. China says climate talks with the US were a success",
        "2. China rejects US calls for a more ambitious climate strategy",
    ]
    source = Page.read(site / "sources" / "china-us-talks-success.html")
    assert "p. " not in source.root.one("ul", class_="cited").text()


# --- the exports --------------------------------------------------------------------------------


def test_the_csv_export_has_the_page_and_imports_back_unchanged(
    cli: CLI, url: str, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert cli("export", "--db", url, "--out", str(out)).code == 0
    with (out / "evidence.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    pages = pages_by_quote(rows)
    assert {quote: pages.pop(quote) for quote in IN_CELLS} == IN_CELLS
    assert set(pages.values()) == {""}  # the seed articles have no pages
    done = cli("import", str(out), "--db", url, "--reason", "round trip")
    assert done.code == 0, done.err
    assert done.err.startswith("Nothing changed: every row of "), done.err


def test_an_export_without_the_page_column_imports_unchanged(
    cli: CLI, url: str, tmp_path: Path
) -> None:
    """An export made before the column existed (or with it cut out): the page is derived."""
    out = tmp_path / "out"
    assert cli("export", "--db", url, "--out", str(out)).code == 0
    path = out / "evidence.csv"
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    names = [name for name in rows[0] if name != "page"]
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, names, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    done = cli("import", str(out), "--db", url, "--reason", "round trip")
    assert done.code == 0, done.err
    assert done.err.startswith("Nothing changed: every row of "), done.err


def test_the_json_export_has_the_page_or_null(cli: CLI, url: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert cli("export", "--db", url, "--out", str(out), "--format", "json").code == 0
    evidence = json.loads((out / "register.json").read_text(encoding="utf-8"))["evidence"]
    pages = pages_by_quote(evidence)
    assert {quote: pages.pop(quote) for quote in EXPECTED} == EXPECTED
    assert set(pages.values()) == {None}


def test_the_workbook_has_the_page_as_a_number(cli: CLI, url: str, tmp_path: Path) -> None:
    book = tmp_path / "register.xlsx"
    assert cli("export", "--db", url, "--format", "xlsx", "--out", str(book)).code == 0
    sheet = load_workbook(book)["evidence"]
    header = [str(c.value) for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(2)]
    pages = pages_by_quote(rows)
    assert {quote: pages.pop(quote) for quote in EXPECTED} == EXPECTED
    assert set(pages.values()) == {None}
    done = cli("import", str(book), "--db", url, "--dry-run")
    assert done.code == 0, done.err
    assert done.err.splitlines()[-1].startswith("Nothing would change: every row of register.xlsx")


def test_an_export_without_pages_searches_for_no_quote(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A register whose texts have no form feeds pays nothing for pages: no quote is looked
    for, and every page cell is empty."""
    url = copy_of(seeded_template(tmp_path), tmp_path, "plain.db")

    def searched(self: Article, quote: str) -> None:
        raise AssertionError(f"searched for {quote!r}")

    monkeypatch.setattr(Article, "find", searched)
    out = tmp_path / "out"
    done = cli("export", "--db", url, "--out", str(out))
    assert done.code == 0, done.err
    with (out / "evidence.csv").open(encoding="utf-8", newline="") as stream:
        assert {row["page"] for row in csv.DictReader(stream)} == {""}
