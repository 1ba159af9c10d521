"""The report in a real browser: headless Chromium, driven by Selenium, opens the pages from disk.

Filtering the index shows exactly the rows that match, for each filter, two together and the
search box, with the count said aloud; the filters are read from the address and written back
to it, so a shared address opens the same view; the actor is found by typing its name, alias or
id; the download of what is shown holds exactly the rows that match; a long list is drawn a page
at a time; each highlighted passage is its quote; no page logs an error to the console; print
hides the filters and shows where links go; without JavaScript the first page of rows shows.
Screenshots of the index, of an actor's page and of a pledge's page are kept in tests/output/
(index.png, actor.png, pledge.png).

Debian's /usr/bin/chromium and /usr/bin/chromedriver are used (`python3 tasks.py test` installs
them under CI=true). Without them the tests are skipped, except under CI=true, where they fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pledges import repository as repo
from pledges import service
from pledges.db import unit_of_work
from pledges.report import build
from pledges.textmatch import elided_parts, find, fold
from tests.conftest import ROOT
from tests.registers import TODAY, copy_of, parse, seeded_template
from tests.registers import build as add_to
from tests.test_report import SNIPPET

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
OUTPUT = ROOT / "tests" / "output"  # kept after the run (git-ignored)
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync")  # fmt: skip
# The ids of the rows the index shows now (hidden rows have no layout box).
SHOWN = """
return Array.from(document.querySelectorAll('#pledges tbody tr'))
  .filter(row => row.offsetParent !== null)
  .map(row => row.querySelector('code').textContent);
"""


def shown_ids(driver: Any) -> list[str]:
    """The ids of the rows shown, once the search's words (data/search.js, loaded when a reader
    first searches) are read."""
    from selenium.webdriver.support.wait import WebDriverWait

    WebDriverWait(driver, 10).until(
        lambda d: not any("loading the search" in e.text for e in d.find_elements("id", "shown"))
    )
    return list(driver.execute_script(SHOWN))


def _chromium_missing() -> None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if not missing:
        return
    what = " and ".join(missing)
    if os.environ.get("CI") == "true":
        pytest.fail(
            f"the browser tests are required under CI=true and {what} is missing — install "
            "chromium and chromium-driver ('python3 tasks.py test' does under CI=true)"
        )
    pytest.skip(f"{what} is missing; install Debian's chromium and chromium-driver to run these")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    _chromium_missing()
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.add_argument("--window-size=1280,1000")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    OUTPUT.mkdir(parents=True, exist_ok=True)
    driver = webdriver.Chrome(
        options=options, service=webdriver.ChromeService(executable_path=str(CHROMEDRIVER))
    )
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The seed register and the report tests' snippet (clean pledges, one with errors), and an
    article with a web address."""
    folder = tmp_path_factory.mktemp("browser-register")
    url = copy_of(seeded_template(folder), folder, "register-with-snippet.db")
    add_to(url, parse(SNIPPET))
    add_to(url, parse(LINKED))
    return url


@pytest.fixture(scope="module")
def site(url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser-report") / "site"
    build(url, out, today=TODAY)
    return out


LINKED = """
sources:
  - id: linked-source
    title: An article with a web address
    url: https://example.org/articles/coal?id=1&lang=en
    text: Nothing is quoted from this article.
"""


def open_page(driver: Any, path: Path) -> None:
    driver.get(path.as_uri())
    assert driver.execute_script("return document.readyState") == "complete"


def console_errors(driver: Any) -> list[str]:
    """What the page logged at error level since the last look (reading the log empties it)."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def choose(driver: Any, name: str, value: str) -> None:
    """Choose a filter's value as a reader does: pick it from its menu, or type the actor."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.select import Select

    control = driver.find_element(By.ID, f"filter-{name}")
    if name == "actor":
        control.clear()
        control.send_keys(value)
    else:
        Select(control).select_by_value(value)


def shown_count(driver: Any) -> str:
    from selenium.webdriver.common.by import By

    return str(driver.find_element(By.ID, "shown").text)


def reset(driver: Any) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, "#filters button[type=reset]").click()


# --- the index ----------------------------------------------------------------------------------


def test_the_index_loads_without_errors_and_shows_every_row(browser: Any, site: Path) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, site / "index.html")
    assert console_errors(browser) == []
    assert browser.find_element(By.ID, "filters").is_displayed()  # the script shows them
    assert len(shown_ids(browser)) == 13
    assert shown_count(browser) == "All 13 pledges shown"
    OUTPUT.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(OUTPUT / "index.png"))


def _expected(url: str, **wanted: str) -> list[str]:
    """The ids of the pledges a filter should leave, worked out from the register itself."""
    from pledges.audit import Severity, audit

    report = audit(url, today=TODAY)
    errors = {f.pledge_id for f in report.findings if f.severity is Severity.ERROR}
    warnings = {f.pledge_id for f in report.findings if f.severity is Severity.WARNING}
    with unit_of_work(url) as session:
        pledges = service.list_pledges(session)
    kept = []
    for p in pledges:
        state = "errors" if p.id in errors else "warnings" if p.id in warnings else "clean"
        values = {"actor": list(p.actors), "kind": [p.kind.value], "status": [p.status.value],
                  "formality": [p.formality.value], "confidence": [p.confidence.value],
                  "audit": [state]}  # fmt: skip
        if all(value in values[name] for name, value in wanted.items()):
            kept.append(p.id)
    return kept


@pytest.mark.parametrize(
    "wanted",
    [
        {"actor": "US"},
        {"actor": "GREENPEACE"},
        {"kind": "renewable_energy"},
        {"kind": "coal"},
        {"status": "in_progress"},
        {"status": "kept"},
        {"formality": "declared"},
        {"confidence": "low"},
        {"audit": "errors"},
        {"audit": "clean"},
        {"actor": "CN", "kind": "renewable_energy"},
        {"actor": "US", "audit": "errors"},
    ],
    ids=lambda wanted: "+".join(f"{k}={v}" for k, v in wanted.items()),
)
def test_filters_show_exactly_the_matching_rows(
    browser: Any, site: Path, url: str, wanted: dict[str, str]
) -> None:
    open_page(browser, site / "index.html")
    for name, value in wanted.items():
        choose(browser, name, value)
    expected = _expected(url, **wanted)
    assert shown_ids(browser) == expected
    if len(expected) == 13:
        assert shown_count(browser) == "All 13 pledges shown"
    else:
        assert shown_count(browser) == f"{len(expected)} of 13 pledges shown"
    reset(browser)
    assert len(shown_ids(browser)) == 13
    assert console_errors(browser) == []


def _matching(url: str, typed: str) -> list[str]:
    """The pledges whose id, title, statement, actors or quotes (deprecated ones too) hold every
    word typed."""
    with unit_of_work(url) as session:
        pledges = service.list_pledges(session)
        actors = {a.id: a.name for a in repo.list_actors(session)}
        quotes = {p.id: [e.quote for e in repo.evidence_for(session, p.id)] for p in pledges}
    kept = []
    for p in pledges:
        names = " ".join(actors[a] for a in p.actors)
        own = f"{p.id} {p.title} {p.statement or ''} {' '.join(p.actors)} {names}"
        text = f"{own} {' '.join(quotes[p.id])}".lower()
        if all(word in text for word in typed.lower().split()):
            kept.append(p.id)
    return kept


@pytest.mark.parametrize(
    "typed",
    ["coal", "COP28", "united states methane", "2060", "<em>", "zz", "emitter", "whatever"],
)
def test_the_search_box_shows_exactly_the_matching_rows(
    browser: Any, site: Path, url: str, typed: str
) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, site / "index.html")
    box = browser.find_element(By.ID, "filter-search")
    box.send_keys(typed)
    expected = _matching(url, typed)
    assert shown_ids(browser) == expected
    assert shown_count(browser).startswith(
        f"{len(expected)} of 13" if len(expected) < 13 else "All"
    )
    choose(browser, "audit", "clean")  # the search and a filter together
    clean = _expected(url, audit="clean")
    assert shown_ids(browser) == [i for i in expected if i in clean]
    box.clear()
    reset(browser)
    assert len(shown_ids(browser)) == 13
    assert console_errors(browser) == []


@pytest.mark.parametrize(
    ("typed", "citing"),
    [
        ("emitter", ["cn-co2-peak-2030"]),
        ("Steadily", ["cn-carbon-neutrality-2060", "cn-co2-peak-2030"]),
    ],
)
def test_a_word_only_quoted_shows_the_pledges_citing_it(
    browser: Any, site: Path, url: str, typed: str, citing: list[str]
) -> None:
    """A word no title or statement holds, only seed quotes: typed, it shows the pledges whose
    quotes hold it, and no other."""
    from selenium.webdriver.common.by import By

    with unit_of_work(url) as session:
        pledges = service.list_pledges(session)
        quoted = [
            p.id
            for p in pledges
            if any(typed.lower() in e.quote.lower() for e in repo.evidence_for(session, p.id))
        ]
    assert not any(typed.lower() in f"{p.title} {p.statement}".lower() for p in pledges)
    assert quoted == citing
    open_page(browser, site / "index.html")
    box = browser.find_element(By.ID, "filter-search")
    box.send_keys(typed)
    assert shown_ids(browser) == citing
    assert shown_count(browser) == f"{len(citing)} of 13 pledges shown"
    box.clear()
    reset(browser)
    assert console_errors(browser) == []


def test_without_javascript_every_row_shows_and_the_filters_stay_hidden(
    browser: Any, site: Path
) -> None:
    from selenium.webdriver.common.by import By

    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        open_page(browser, site / "index.html")
        assert not browser.find_element(By.ID, "filters").is_displayed()
        rows = browser.find_elements(By.CSS_SELECTOR, "#pledges tbody tr")
        assert len(rows) == 13 and all(row.is_displayed() for row in rows)
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


def test_print_hides_the_filters_and_shows_where_links_go(browser: Any, site: Path) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, site / "sources" / "linked-source.html")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not browser.find_element(By.CSS_SELECTOR, "header.site nav").is_displayed()
        link = browser.find_element(By.CSS_SELECTOR, "dl.facts a[href^='http']")
        after = browser.execute_script(
            "return getComputedStyle(arguments[0], '::after').content", link
        )
        assert link.get_attribute("href") in after
        open_page(browser, site / "index.html")
        assert not browser.find_element(By.ID, "filters").is_displayed()
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


# --- the address, the actor typed, the download, pages of rows ----------------------------------


def address(driver: Any) -> str:
    """The query of the page's address, as the browser shows it."""
    return str(driver.execute_script("return location.search"))


@pytest.mark.parametrize(
    "query",
    ["actor=US", "actor=CN&kind=renewable_energy", "status=kept", "audit=errors&actor=US",
     "formality=declared&confidence=low", "q=coal&audit=clean"],
)  # fmt: skip
def test_a_shared_address_opens_with_its_filters_applied(
    browser: Any, site: Path, url: str, query: str
) -> None:
    from urllib.parse import parse_qsl

    from selenium.webdriver.common.by import By

    wanted = dict(parse_qsl(query))
    browser.get(f"{(site / 'index.html').as_uri()}?{query}")
    typed = wanted.pop("q", None)
    expected = _expected(url, **wanted)
    if typed is not None:
        expected = [i for i in expected if i in _matching(url, typed)]
    assert shown_ids(browser) == expected
    for name, value in wanted.items():
        assert browser.find_element(By.ID, f"filter-{name}").get_attribute("value") == value
    if typed is not None:
        assert browser.find_element(By.ID, "filter-search").get_attribute("value") == typed
    link = browser.find_element(By.ID, "view-link").get_attribute("href")
    assert dict(parse_qsl(link.split("?", 1)[1])) == dict(parse_qsl(query))
    assert console_errors(browser) == []


def test_choosing_filters_writes_them_into_the_address(browser: Any, site: Path, url: str) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, site / "index.html")
    assert address(browser) == ""
    choose(browser, "status", "not_yet_rated")
    choose(browser, "actor", "US")
    assert address(browser) == "?actor=US&status=not_yet_rated"
    shared = browser.find_element(By.ID, "view-link").get_attribute("href")
    expected = _expected(url, actor="US", status="not_yet_rated")
    assert shown_ids(browser) == expected
    browser.get("about:blank")
    browser.get(shared)  # the address, opened again as a colleague would
    assert shown_ids(browser) == expected
    reset(browser)
    assert address(browser) == ""
    assert console_errors(browser) == []


@pytest.mark.parametrize(
    "typed", ["US", "us", "United States", "biden administration", "United States (US)"]
)
def test_the_actor_is_found_by_its_id_name_or_alias(
    browser: Any, site: Path, url: str, typed: str
) -> None:
    from selenium.webdriver.common.by import By

    with unit_of_work(url) as session:
        actor = next(a for a in repo.list_actors(session) if a.id == "US")
    ways = [actor.id, actor.name, f"{actor.name} ({actor.id})", *actor.aliases]
    assert typed.lower() in {way.lower() for way in ways}
    open_page(browser, site / "index.html")
    assert browser.find_elements(By.CSS_SELECTOR, "#actor-names option") == []  # until used
    browser.find_element(By.ID, "filter-actor").click()
    names = browser.find_elements(By.CSS_SELECTOR, "#actor-names option")
    assert [o.get_attribute("value") for o in names] == ["CN", "GREENPEACE", "US"]
    choose(browser, "actor", typed)
    assert shown_ids(browser) == _expected(url, actor="US")
    assert address(browser) == "?actor=US"
    box = browser.find_element(By.ID, "filter-actor")
    assert box.get_attribute("aria-invalid") is None
    reset(browser)


def test_an_actor_the_register_does_not_hold_is_said_and_not_applied(
    browser: Any, site: Path
) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, site / "index.html")
    choose(browser, "actor", "Atlantis")
    box = browser.find_element(By.ID, "filter-actor")
    assert box.get_attribute("aria-invalid") == "true"
    assert browser.find_element(By.ID, "actor-help").text == (
        "No actor is called “Atlantis”: choose one from the list"
    )
    assert len(shown_ids(browser)) == 13
    browser.get(f"{(site / 'index.html').as_uri()}?actor=ATLANTIS&status=promised")
    note = browser.find_element(By.ID, "view-note")
    assert note.is_displayed()
    assert note.text == (
        "The address asks for actor “ATLANTIS” and status “promised”, which the register does "
        "not hold; those filters are left open. Choose from the menus."
    )
    assert len(shown_ids(browser)) == 13
    assert console_errors(browser) == []


NAMESAKES = """
actors:
  - id: EUROPA2
    name: Europa Network
    kind: organisation
    aliases: [Europa Group]
  - id: EUROPA
    name: Europa Group
    kind: organisation
    aliases: [EU, Europeans]
  - id: EU
    name: European Union
    kind: bloc
pledges:
  - id: eu-net-zero-2050
    title: The EU reaches net zero by 2050
    actors: [EU]
    kind: net_zero
    target_year: 2050
  - id: europa-coal-exit
    title: Europa Group campaigns for a coal exit
    actors: [EUROPA]
    kind: coal
"""


def test_an_id_is_never_taken_for_another_actors_alias(
    browser: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """EUROPA's alias "EU" is EU's id: typed, or in the address, "EU" is EU. A name two actors
    share is refused with both ids, not given to either."""
    from selenium.webdriver.common.by import By

    folder = tmp_path_factory.mktemp("namesakes")
    url = copy_of(seeded_template(folder), folder, "namesakes.db")
    add_to(url, parse(NAMESAKES))
    out = folder / "site"
    build(url, out, today=TODAY)
    browser.get(f"{(out / 'index.html').as_uri()}?actor=EU")
    assert shown_ids(browser) == ["eu-net-zero-2050"]
    for typed, shown in (("eu", ["eu-net-zero-2050"]), ("Europeans", ["europa-coal-exit"]),
                         ("Europa Group (EUROPA)", ["europa-coal-exit"])):  # fmt: skip
        choose(browser, "actor", typed)
        assert shown_ids(browser) == shown, typed
    choose(browser, "actor", "Europa Group")
    assert browser.find_element(By.ID, "actor-help").text == (
        "“Europa Group” names EUROPA and EUROPA2: type the id"
    )
    assert len(shown_ids(browser)) == 14  # no actor chosen: every pledge
    assert console_errors(browser) == []


def _downloaded(browser: Any, folder: Path) -> Path:
    """Click "Download what is shown" and wait for the file."""
    import time

    from selenium.webdriver.common.by import By

    for old in folder.glob("*"):
        old.unlink()
    browser.find_element(By.ID, "download-shown").click()
    # Chromium may make the file under its final name, empty, before it writes
    # the bytes to a ".crdownload" beside it and renames that over it: the file
    # is whole once no partial file is left and its size holds for a moment.
    last = -1
    for _ in range(200):
        done = list(folder.glob("*.csv"))
        partial = list(folder.glob("*.crdownload"))
        if done and not partial:
            size = done[0].stat().st_size
            if size > 0 and size == last:
                return done[0]
            last = size
        time.sleep(0.05)
    raise AssertionError(f"no whole file was downloaded: {sorted(folder.iterdir())}")


@pytest.mark.parametrize(
    "wanted",
    [{}, {"actor": "US"}, {"status": "not_yet_rated", "kind": "coal"}, {"audit": "errors"}],
)
def test_the_download_holds_exactly_the_rows_shown(
    browser: Any, site: Path, url: str, wanted: dict[str, str], tmp_path: Path
) -> None:
    import csv

    from pledges.audit import Severity, audit

    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    open_page(browser, site / "index.html")
    for name, value in wanted.items():
        choose(browser, name, value)
    expected = _expected(url, **wanted)
    raw = _downloaded(browser, tmp_path).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a byte-order mark: spreadsheets read UTF-8
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert [r["id"] for r in rows] == expected
    report = audit(url, today=TODAY)
    errors = {f.pledge_id for f in report.findings if f.severity is Severity.ERROR}
    with unit_of_work(url) as session:
        pledges = {p.id: p for p in service.list_pledges(session)}
    for row in rows:
        p = pledges[row["id"]]
        assert row["title"].removeprefix("'") == p.title
        assert row["actors"] == ";".join(p.actors)
        assert (row["kind"], row["status"], row["formality"], row["confidence"]) == (
            p.kind.value, p.status.value, p.formality.value, p.confidence.value
        )  # fmt: skip
        assert (row["audit"] == "errors") == (p.id in errors)
    reset(browser)
    assert console_errors(browser) == []


@pytest.fixture(scope="module")
def paged_site(url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The report with pages of five rows (a hundred in a real one)."""
    from pledges.report import listing

    out = tmp_path_factory.mktemp("browser-paged") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(listing, "PAGE", 5)
        build(url, out, today=TODAY)
    yield out


def test_a_long_list_is_drawn_a_page_at_a_time(browser: Any, paged_site: Path, url: str) -> None:
    from selenium.webdriver.common.by import By

    every = _expected(url)
    open_page(browser, paged_site / "index.html")
    assert shown_ids(browser) == every[:5]
    assert shown_count(browser) == "All 13 pledges; rows 1–5 shown"
    assert not browser.find_element(By.ID, "static-pager").is_displayed()
    previous = browser.find_element(By.ID, "page-previous")
    following = browser.find_element(By.ID, "page-next")
    assert not previous.is_enabled() and following.is_enabled()
    following.click()
    assert shown_ids(browser) == every[5:10]
    assert address(browser) == "?page=2"
    following.click()
    assert shown_ids(browser) == every[10:]
    assert shown_count(browser) == "All 13 pledges; rows 11–13 shown"
    assert not following.is_enabled()
    choose(browser, "actor", "CN")  # a filter starts again from the first page
    cn = _expected(url, actor="CN")
    assert shown_ids(browser) == cn[:5]
    assert shown_count(browser) == f"{len(cn)} of 13 pledges; rows 1–5 shown"
    browser.get(f"{(paged_site / 'index.html').as_uri()}?actor=CN&page=2")
    assert shown_ids(browser) == cn[5:10]
    assert console_errors(browser) == []


def test_without_javascript_the_list_goes_on_in_its_pages(
    browser: Any, paged_site: Path, url: str
) -> None:
    from selenium.webdriver.common.by import By

    every = _expected(url)
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        open_page(browser, paged_site / "index.html")
        assert shown_ids(browser) == every[:5]
        browser.find_element(By.LINK_TEXT, "Next page").click()
        assert shown_ids(browser) == every[5:10]
        browser.find_element(By.LINK_TEXT, "Last page (3)").click()
        assert shown_ids(browser) == every[10:]
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


# --- counts ---------------------------------------------------------------------------------------


def _counts(browser: Any) -> list[tuple[str, int, dict[str, str]]]:
    """Each count of the page: its link's words, its number and the filters its address asks."""
    from urllib.parse import parse_qsl, urlsplit

    from selenium.webdriver.common.by import By

    found = []
    for link in browser.find_elements(By.CSS_SELECTOR, "table.counts a"):
        words = link.get_attribute("textContent")
        href = link.get_attribute("href")
        found.append((href, int(words.split()[0]), dict(parse_qsl(urlsplit(href).query))))
    return found


@pytest.mark.parametrize("page", ["index.html", "actors/US.html", "actors/CN.html"])
def test_each_count_shows_as_many_rows_as_it_says(
    browser: Any, site: Path, url: str, page: str
) -> None:
    """Every count of the index and of an actor's page, followed, shows that many rows: the
    rows the register holds for its filters."""
    open_page(browser, site / page)
    assert console_errors(browser) == []
    counts = _counts(browser)
    assert len(counts) == 9 + 4 + 3  # every status, formality and confidence
    assert sum(n for _, n, query in counts if "status" in query) == len(
        _expected(url, **{k: v for k, v in counts[0][2].items() if k == "actor"})
    )
    if page.startswith("actors/"):
        assert browser.save_screenshot(str(OUTPUT / "actor.png"))
    for href, number, query in counts:
        if number == 0 and query.get("status") not in ("kept", "not_yet_rated"):
            continue  # a few zeros are enough
        browser.get(href)
        expected = _expected(url, **query)
        assert len(expected) == number, (href, number)
        assert shown_ids(browser) == expected, href
        assert shown_count(browser) == (
            "All 13 pledges shown" if number == 13 else f"{number} of 13 pledges shown"
        )
    assert console_errors(browser) == []


# --- highlights ---------------------------------------------------------------------------------


def _same_words(highlighted: str, quote: str) -> bool:
    """The highlight is the quote, but for whitespace (and the case, typographic quotes and
    dashes that finding a quote also forgives); an elided quote's parts stand in it in order."""
    text = fold(highlighted)
    parts = [fold(part) for part in elided_parts(quote)]
    if len(parts) == 1:
        return text == parts[0]
    at = 0
    for part in parts:
        at = text.find(part, at)
        if at < 0:
            return False
        at += len(part)
    return text.startswith(parts[0]) and text.endswith(parts[-1])


MARKS = """
const runs = {};
for (const mark of document.querySelectorAll('mark[data-evidence]')) {
  for (const id of mark.dataset.evidence.split(' ')) {
    runs[id] = (runs[id] || '') + mark.textContent;
  }
}
return runs;
"""


def test_each_highlight_on_a_pledge_page_is_its_quote(browser: Any, site: Path, url: str) -> None:
    with unit_of_work(url) as session:
        evidence = repo.all_evidence(session)
    by_pledge: dict[str, list[Any]] = {}
    for item in evidence:
        by_pledge.setdefault(item.pledge_id, []).append(item)
    highlighted = 0
    for pledge_id, items in sorted(by_pledge.items()):
        open_page(browser, site / "pledges" / f"{pledge_id}.html")
        runs = browser.execute_script(MARKS)
        for item in items:
            if str(item.id) not in runs:
                assert find(item.quote, _text(url, item.source_id)) is None, item.id
                continue
            assert _same_words(runs[str(item.id)], item.quote), (item.id, runs[str(item.id)])
            highlighted += 1
        assert console_errors(browser) == [], pledge_id
    assert highlighted == 25
    open_page(browser, site / "pledges" / "us-cn-cop28-success.html")
    browser.set_window_size(1280, min(browser.execute_script(
        "return document.documentElement.scrollHeight"), 4000))  # fmt: skip
    assert browser.save_screenshot(str(OUTPUT / "pledge.png"))
    browser.set_window_size(1280, 1000)


def _text(url: str, source_id: str) -> str:
    with unit_of_work(url) as session:
        return service.get_source(session, source_id).text


def test_each_highlight_on_a_source_page_is_its_quote(browser: Any, site: Path, url: str) -> None:
    with unit_of_work(url) as session:
        evidence = repo.all_evidence(session)
        source_ids = repo.source_ids(session)
    highlighted = 0
    for source_id in source_ids:
        open_page(browser, site / "sources" / f"{source_id}.html")
        runs = browser.execute_script(MARKS)
        text = _text(url, source_id)
        for item in (e for e in evidence if e.source_id == source_id):
            if find(item.quote, text) is None:
                assert str(item.id) not in runs
                continue
            assert _same_words(runs[str(item.id)], item.quote), (item.id, runs[str(item.id)])
            highlighted += 1
        assert console_errors(browser) == [], source_id
    assert highlighted == 25


# A seed pledge's status changed, with evidence dated by its source (2023-07-20): the pledge was
# announced on 2023-11-08, so that evidence, and two quotes from an article of 2023-07-19, come
# before the announcement.
CHANGED = """
seed_pledges:
  - id: us-cn-cop28-success
    status: in_progress
    evidence:
      - source: china-rejects-us-calls
        quote: accelerate action during this critical decade and ahead of COP28 in Dubai
        asserts_status: in_progress
"""
# Each event mark's date and the middle of its box on screen.
EVENT_MARKS = """
return Array.from(document.querySelectorAll('svg.chart [data-event]')).map(mark => {
  const box = mark.getBoundingClientRect();
  return [mark.dataset.event, mark.dataset.date, mark.dataset.evidence || null,
          box.left + box.width / 2, box.width];
});
"""


def test_the_timeline_of_a_seed_pledge_whose_status_was_changed_shows_its_events_at_their_dates(
    browser: Any, tmp_path: Path
) -> None:
    from datetime import date

    from selenium.webdriver.common.by import By

    url = copy_of(seeded_template(tmp_path), tmp_path, "changed.db")
    add_to(url, parse(CHANGED))
    with unit_of_work(url) as session:
        assert service.get_pledge(session, "us-cn-cop28-success").status == "in_progress"
    build(url, tmp_path / "site", today=TODAY)
    open_page(browser, tmp_path / "site" / "pledges" / "us-cn-cop28-success.html")
    chart = browser.find_element(By.CSS_SELECTOR, "svg.chart")
    assert chart.size["width"] > 300 and chart.size["height"] > 40
    marks = browser.execute_script(EVENT_MARKS)
    assert [(kind, day) for kind, day, *_ in marks] == [
        ("evidence", "2023-07-19"), ("evidence", "2023-07-19"), ("asserted", "2023-07-20"),
        ("announced", "2023-11-08"), ("evidence", "2023-11-09"),
    ]  # fmt: skip
    assert all(width > 0 for *_, width in marks)
    days = [date.fromisoformat(day).toordinal() for _, day, *_ in marks]
    xs = [x for *_, x, _ in marks]
    per_day = (xs[-1] - xs[0]) / (days[-1] - days[0])
    assert per_day > 1  # some four months over some 500 pixels
    for day, x in zip(days, xs, strict=True):
        assert abs(x - (xs[0] + (day - days[0]) * per_day)) <= 1.5, (day, x)
    # The evidence dated before the announcement says so, on the chart and in the table.
    early = browser.find_elements(By.CSS_SELECTOR, "svg.chart .mark.early title")
    assert len(early) == 3
    assert all("before the announcement" in t.get_attribute("textContent") for t in early)
    rows = browser.find_elements(By.CSS_SELECTOR, "table.events tbody tr")
    assert ["before the announcement" in row.text for row in rows] == [
        True, True, True, False, False
    ]  # fmt: skip
    assert console_errors(browser) == []
