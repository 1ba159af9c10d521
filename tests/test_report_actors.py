"""The actors' pages of the report (actors.html, actors/ID.html) and the counts of pledges by
status, formality and confidence (pledges.report.counts): each checked against the register as
pledges.service reads it, not against what the pages say of themselves.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pledges import repository as repo
from pledges import service
from pledges.audit.actors import ActorMatcher
from pledges.db import unit_of_work
from pledges.records import ActorRecord, PledgeRecord
from pledges.report import build
from pledges.report.counts import FIELDS, counts
from pledges.report.site import environment
from pledges.vocab import Confidence, Formality, PledgeKind, Status
from tests.html_pages import Page
from tests.registers import TODAY, copy_of, parse, seeded_template
from tests.registers import build as add_to
from tests.test_report import SNIPPET

# An actor of its own (the EU, with an alias that must be neither taken as HTML nor as a field
# of a format string), a pledge of two actors, a source its pledges cite whose title
# names them, and a source no pledge cites whose title names an actor (Greenpeace).
ACTORS = """
actors:
  - id: EU
    name: European Union
    kind: bloc
    aliases: [EU, E.U., Brussels, "{EU-27} & <b>Union</b>"]
sources:
  - id: global-methane-pledge
    title: The EU and the US launch the Global Methane Pledge at COP26
    kind: official
    published_on: 2021-11-02
    text: |
      The European Union and the United States launched the Global Methane Pledge at COP26 in
      Glasgow. Its participants aim to cut global methane emissions by at least 30 percent from
      2020 levels by 2030.
  - id: greenpeace-founded
    title: Greenpeace was founded in Vancouver in 1971
    kind: other
    text: |
      The campaigning organisation was founded in Vancouver, Canada, in 1971.
pledges:
  - id: eu-us-global-methane-pledge
    title: The EU and the US cut global methane emissions by 30% by 2030
    actors: [EU, US]
    kind: methane_non_co2
    target_year: 2030
    target_value: 30
    target_unit: "%"
    baseline_year: 2020
    evidence:
      - source: global-methane-pledge
        quote: cut global methane emissions by at least 30 percent from
seed_pledges:
  - id: us-cn-cop28-success
    status: kept
"""


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The seed register, the report tests' SNIPPET and ACTORS."""
    template = seeded_template(tmp_path_factory.mktemp("actors-register"))
    url = copy_of(template, tmp_path_factory.mktemp("actors-db"))
    add_to(url, parse(SNIPPET))
    add_to(url, parse(ACTORS))
    return url


@pytest.fixture(scope="module")
def site(url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("actors-report") / "site"
    build(url, out, today=TODAY)
    return out


@pytest.fixture(scope="module")
def pages(site: Path) -> dict[str, Page]:
    return {str(p.relative_to(site)): Page.read(p) for p in sorted(site.rglob("*.html"))}


@pytest.fixture(scope="module")
def actors(url: str) -> list[ActorRecord]:
    with unit_of_work(url) as session:
        return [
            ActorRecord(a.id, a.name, a.kind, list(a.aliases)) for a in repo.list_actors(session)
        ]


def ours(pages: dict[str, Page]) -> dict[str, Page]:
    return {n: p for n, p in pages.items() if n == "actors.html" or n.startswith("actors/")}


# --- the pages ----------------------------------------------------------------------------------


def test_every_actor_has_a_page_and_the_list_names_each(
    url: str, site: Path, pages: dict[str, Page], actors: list[ActorRecord]
) -> None:
    assert [a.id for a in actors] == ["CN", "EU", "GREENPEACE", "US"]
    assert sorted(p.name for p in (site / "actors").iterdir()) == [f"{a.id}.html" for a in actors]
    rows = pages["actors.html"].one("tbody").all("tr")
    with unit_of_work(url) as session:
        for row, a in zip(rows, actors, strict=True):
            cells = row.all("td")
            assert cells[0].one("a").attrs["href"] == f"actors/{a.id}.html"
            assert [c.text() for c in cells] == [
                a.name, a.id, a.kind.value, str(len(service.list_pledges(session, actor=a.id)))
            ]  # fmt: skip
    for name, page in pages.items():  # the nav of every page leads to the list
        assert page.one("nav", aria_label="Report").all("a")[1].text() == "Actors", name
    assert (
        pages["actors/CN.html"].one("nav", aria_label="Report").all("a")[1].attrs["href"]
        == "../actors.html"
    )


def test_an_actor_page_lists_exactly_its_pledges_joint_ones_marked(
    url: str, pages: dict[str, Page], actors: list[ActorRecord]
) -> None:
    names = {a.id: a.name for a in actors}
    with unit_of_work(url) as session:
        for a in actors:
            page = pages[f"actors/{a.id}.html"]
            assert page.one("h1").text() == a.name
            mine = service.list_pledges(session, actor=a.id)
            if not mine:
                assert not page.all("table", class_="actor-pledges")
                assert "no pledge of this actor" in page.root.text()
                continue
            rows = page.one("table", class_="actor-pledges").one("tbody").all("tr")
            assert [r.one("code").text() for r in rows] == [p.id for p in mine]
            for row, p in zip(rows, mine, strict=True):
                cells = row.all("td")
                assert cells[0].all("a")[0].attrs["href"] == f"../pledges/{p.id}.html"
                assert cells[0].all("a")[0].text() == p.title
                others = [i for i in p.actors if i != a.id]
                joint = cells[0].all("span", class_="joint")
                if others:
                    expected = ", ".join(f"{names[i]} ({i})" for i in others)
                    assert joint[0].text() == f"Joint with {expected}"
                    assert [n.attrs["href"] for n in joint[0].all("a")] == [
                        f"{i}.html" for i in others
                    ]
                else:
                    assert joint == []
                assert [c.text() for c in cells[1:4]] == [
                    p.status.value.replace("_", " "),
                    p.formality.value.replace("_", " "),
                    p.confidence.value.replace("_", " "),
                ]
    row = pages["actors/US.html"].one("table", class_="actor-pledges").one("tbody").all("tr")[0]
    assert row.all("td")[4].text() == "by 2030; 30 %; against 2020"


def test_an_actor_page_gives_its_code_kind_and_aliases(
    pages: dict[str, Page], actors: list[ActorRecord]
) -> None:
    for a in actors:
        page = pages[f"actors/{a.id}.html"]
        facts = dict(zip(
            [n.text() for n in page.all("dt")], [n.text() for n in page.all("dd")], strict=True
        ))  # fmt: skip
        assert facts["Code"] == a.id
        assert facts["Kind"] == a.kind.value
        assert facts["Aliases"] == ", ".join(a.aliases)
    assert "Brussels, {EU-27} & <b>Union</b>" in pages["actors/EU.html"].one("dl").text()


def test_an_actor_page_counts_its_pledges_each_count_a_link_to_them(
    url: str, pages: dict[str, Page], actors: list[ActorRecord]
) -> None:
    with unit_of_work(url) as session:
        for a in actors:
            mine = service.list_pledges(session, actor=a.id)
            page = pages[f"actors/{a.id}.html"]
            if not mine:
                assert not page.all("table", class_="counts")
                continue
            tables = page.all("table", class_="counts")
            assert [t.attrs["data-field"] for t in tables] == ["status", "formality", "confidence"]
            for table, (field, _, vocabulary, _) in zip(tables, FIELDS, strict=True):
                rows = table.one("tbody").all("tr")
                assert [r.attrs["data-value"] for r in rows] == [m.value for m in vocabulary]
                assert table.one("caption").text() == f"Pledges by {field}"
                for row, member in zip(rows, vocabulary, strict=True):
                    n = sum(getattr(p, field) == member for p in mine)
                    link = row.one("a")
                    words = f"{n} {member.value.replace('_', ' ')}"
                    if field == "confidence":
                        words = f"{n} with {member.value} confidence"
                    assert link.text() == words
                    parts = urlsplit(link.attrs["href"])
                    assert parts.path == "../index.html"
                    assert parse_qs(parts.query) == {"actor": [a.id], field: [member.value]}
                    assert parts.query == f"actor={a.id}&{field}={member.value}"
    kept = pages["actors/US.html"].one("tr", data_value="kept").one("a")
    assert kept.text() == "1 kept"


def test_an_actor_page_lists_the_sources_its_pledges_cite_or_whose_title_names_it(
    url: str, pages: dict[str, Page], actors: list[ActorRecord]
) -> None:
    matcher = ActorMatcher(actors)
    with unit_of_work(url) as session:
        sources, _ = service.list_sources(session)
        for a in actors:
            cited = {
                q.source.id
                for p in service.list_pledges(session, actor=a.id)
                for q in service.show_pledge(session, p.id).evidence
            }
            named = {s.id for s in sources if a.id in matcher.named(s.title)}
            expected = [s for s in sources if s.id in cited | named]
            items = pages[f"actors/{a.id}.html"].all("li")
            items = [li for li in items if li.all("span", class_="why")]
            assert [li.one("a").attrs["href"] for li in items] == [
                f"../sources/{s.id}.html" for s in expected
            ]
            for li, s in zip(items, expected, strict=True):
                why = [w for w, hit in (("cited by its pledges", s.id in cited),
                       ("its title names it", s.id in named)) if hit]  # fmt: skip
                assert li.one("span", class_="why").text() == f"({', '.join(why)})"
                assert li.one("a").text() == s.title
    greenpeace = pages["actors/GREENPEACE.html"].one("ul", class_="actor-sources")
    assert greenpeace.one("li").text().startswith("Greenpeace was founded in Vancouver")
    assert "(its title names it)" in greenpeace.one("li").text()
    heading = pages["actors/CN.html"].one("h2", id="sources-heading").text()
    assert heading == "Sources citing or naming this actor (6)"


# --- the pages are sound ------------------------------------------------------------------------


def test_the_actors_pages_are_well_formed_accessible_and_their_links_resolve(
    site: Path, pages: dict[str, Page]
) -> None:
    mine = ours(pages)
    assert len(mine) == 1 + 4
    checked = 0
    for name, page in mine.items():
        assert page.doctype and page.problems == [], name
        assert page.one("html").attrs.get("lang") == "en", name
        assert len(page.all("h1")) == 1, name
        assert page.one("main").attrs.get("id") == "main", name
        assert all(nav.attrs.get("aria-label") for nav in page.all("nav")), name
        for section in page.all("section"):
            assert section.one("h2", id=section.attrs["aria-labelledby"]).text(), name
        for table in page.all("table"):
            assert table.one("caption").text().strip(), name
            assert all(th.attrs.get("scope") for th in table.all("th")), name
        headings = [int(n.tag[1]) for n in page.root.iter() if re.fullmatch(r"h[1-6]", n.tag)]
        assert all(b - a <= 1 for a, b in pairwise(headings)), name
        for node in page.root.iter():
            target = node.attrs.get("href")
            if not target or node.tag != "a" or target.startswith("http"):
                continue
            parts = urlsplit(target)
            path = (site / name).parent / unquote(parts.path) if parts.path else site / name
            assert path.resolve().is_file(), f"{name}: {target}"
            assert site.resolve() in path.resolve().parents, f"{name}: {target}"
            if parts.fragment:
                assert parts.fragment in pages[str(path.relative_to(site))].ids(), name
            checked += 1
    assert checked > 100


def test_the_stylesheet_hides_words_from_the_eye_only(site: Path) -> None:
    css = (site / "assets" / "report.css").read_text(encoding="utf-8")
    hidden = css.split(".visually-hidden {", 1)[1].split("}", 1)[0]
    assert "position: absolute" in hidden and "clip" in hidden and "display" not in hidden


# --- the counts ---------------------------------------------------------------------------------


_PLEDGES = st.builds(
    lambda n, s, f, c: PledgeRecord(
        f"p-{n}", "t", None, PledgeKind.COAL, None, None, None, None, [], f, s, c, None, None,
        None, None, 1, ("CN",),
    ),
    st.integers(),
    st.sampled_from(Status),
    st.sampled_from(Formality),
    st.sampled_from(Confidence),
)  # fmt: skip


@given(st.lists(_PLEDGES, max_size=40), st.text(min_size=1, max_size=8))
@settings(max_examples=200, deadline=None)
def test_counts_count_every_pledge_once_in_each_field(
    pledges: list[PledgeRecord], actor: str
) -> None:
    found = counts(pledges, "../index.html", actor=actor)
    assert found.total == len(pledges)
    for group, (field, _, vocabulary, _) in zip(found.groups, FIELDS, strict=True):
        assert group.field == field
        assert [c.value for c in group.counts] == [m.value for m in vocabulary]
        assert sum(c.number for c in group.counts) == len(pledges)
        tally = Counter(getattr(p, field).value for p in pledges)
        for c in group.counts:
            assert c.number == tally[c.value]
            assert c.text.startswith(f"{c.number} ")
            query = parse_qs(urlsplit(c.href).query, keep_blank_values=True)
            assert query == {"actor": [actor], field: [c.value]}
    assert parse_qs(urlsplit(found.all_href).query, keep_blank_values=True) == {"actor": [actor]}


def test_counts_from_the_top_folder_and_without_a_fixed_filter() -> None:
    found = counts([], "index.html")
    assert found.all_href == "index.html"
    assert found.groups[0].counts[4].href == "index.html?status=kept"
    assert found.groups[0].counts[4].text == "0 kept"
    assert counts([], "index.html", status="kept").groups[0].counts[1].href == (
        "index.html?status=in_progress"
    )  # the counted filter wins over a fixed one of the same name


def test_counts_is_included_where_a_page_gives_it_as_counts(url: str) -> None:
    """The way the index takes it: `{% include "counts.html.j2" %}`, given `counts`."""
    env = environment()
    with unit_of_work(url) as session:
        listed = service.list_pledges(session)
    page = env.from_string('<div id="x">{% include "counts.html.j2" %}</div>').render(
        counts=counts(listed, "index.html")  # type: ignore[arg-type]
    )
    assert 'href="index.html?status=not_yet_rated"' in page
    assert f">{sum(p.status is Status.KEPT for p in listed)}<" in page
    assert all(c.number == 0 for g in counts([], "index.html").groups for c in g.counts)
