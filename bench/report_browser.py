"""Opening a built report in headless Chromium: the index until its script has drawn the rows,
beside a page of the same number of rows written as plain HTML (list/2.html).

The index holds its first 100 rows as HTML, then assets/report.js reads every row from
data/index.js and draws the first page again (with the filters); when it has, it sets
`data-drawn="true"` on the table. A reader waits for that; the list page, which needs no script,
is the floor a page of 100 rows costs in the same browser. Each open is timed from the call to
`driver.get` until the index's table is drawn (a MutationObserver answers as soon as it is), or
until the list page's document is complete with its rows; the browser goes to about:blank
between opens, and the two pages alternate which comes first. Debian's /usr/bin/chromium and
/usr/bin/chromedriver are driven by Selenium, with the flags of tests/test_report_browser.py.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import CannotMeasure

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync")  # fmt: skip
PAGE = 100  # rows in index.html, in each list page and drawn at a time by the script
# Answers with the rows of the index's table once the script has drawn them.
DRAWN = """
const done = arguments[arguments.length - 1];
const rows = () => document.querySelectorAll('#pledges tbody tr').length;
if (document.querySelector('#pledges[data-drawn]')) { done(rows()); return; }
new MutationObserver(function (_, observer) {
  if (document.querySelector('#pledges[data-drawn]')) { observer.disconnect(); done(rows()); }
}).observe(document.documentElement, {attributes: true, childList: true, subtree: true});
"""
COMPLETE = """
return document.readyState === 'complete'
  ? document.querySelectorAll('#pledges tbody tr').length : null;
"""


def missing() -> str | None:
    """Why the browser cannot be driven here, or None."""
    absent = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if absent:
        return f"{' and '.join(absent)} missing (Debian's chromium and chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed in this venv (a development dependency)"
    return None


@dataclass
class Opens:
    """The opens of one report's index and of its second list page, in seconds."""

    index_bytes: int
    data_bytes: int
    index: list[float] = field(default_factory=list)
    page: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return statistics.median(self.index) / statistics.median(self.page)

    def summary(self, limit: float) -> dict[str, object]:
        return {
            "index_html_bytes": self.index_bytes,
            "data_index_js_bytes": self.data_bytes,
            "index_median_seconds": round(statistics.median(self.index), 4),
            "list_page_median_seconds": round(statistics.median(self.page), 4),
            "index_seconds": [round(s, 4) for s in self.index],
            "list_page_seconds": [round(s, 4) for s in self.page],
            "ratio": round(self.ratio, 3),
            "limit": limit,
            "met": self.ratio <= limit,
        }


@contextmanager
def chromium(profile: Path) -> Iterator[Any]:
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument("--window-size=1280,1000")
    service = webdriver.ChromeService(executable_path=str(CHROMEDRIVER))
    driver = webdriver.Chrome(options=options, service=service)
    try:
        driver.set_page_load_timeout(120)
        driver.set_script_timeout(120)
        yield driver
    finally:
        driver.quit()


def open_once(driver: Any, path: Path, script: bool) -> float:
    """Seconds from `driver.get` until the page's rows are there; fails unless there are 100."""
    driver.get("about:blank")
    start = time.perf_counter()
    driver.get(path.as_uri())
    if script:
        rows = driver.execute_async_script(DRAWN)
    else:
        while (rows := driver.execute_script(COMPLETE)) is None:
            pass
    elapsed = time.perf_counter() - start
    if rows != PAGE:
        raise CannotMeasure(f"{path} showed {rows} rows in the browser, not {PAGE}")
    return elapsed


def measure(folder: Path, opens: int, profile: Path) -> Opens:
    """`opens` opens of the report's index.html and of its list/2.html, interleaved."""
    index, page = folder / "index.html", folder / "list" / "2.html"
    found = Opens(index.stat().st_size, (folder / "data" / "index.js").stat().st_size)
    with chromium(profile) as driver:
        for round_ in range(opens):
            order = [True, False] if round_ % 2 == 0 else [False, True]
            for script in order:
                if script:
                    found.index.append(open_once(driver, index, True))
                else:
                    found.page.append(open_once(driver, page, False))
    return found


def required() -> bool:
    """Under CI=true the browser must be there: its absence is an error, not a skip."""
    return os.environ.get("CI") == "true"
