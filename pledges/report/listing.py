"""The list of pledges, as the index shows it: its first rows drawn in index.html, every row in a
compact data file that the index's script reads (data/index.js), the words the search box looks
through in another (data/search.js, which the script loads only once a reader searches), and the
rows again as pages of PAGE rows (list/N.html) for readers without JavaScript.

So the index opens quickly whatever the size of the register: its page holds PAGE rows, and its
script draws PAGE rows at a time from the data file, never a table of every pledge. The data files
are scripts, not JSON fetched by the page, since a page opened from disk may not fetch files.

A row in data/index.js is a list: [id, title, [actor ids], kind, status, formality, confidence,
target, audit state, audit label, page], where kind .. confidence and the audit state are indexes
into the lists of `values` (the vocabulary's values; `labels` gives how each is written), and page
is the pledge page's address when it is not pledges/ID.html (an id that is not a slug).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from markupsafe import Markup, escape

from pledges.outfolder import OutFolder
from pledges.records import PledgeRecord
from pledges.report.site import LABELS, Site, href, label, target
from pledges.vocab import Confidence, Formality, PledgeKind, Status

PAGE = 100  # rows in index.html, in each list page, and drawn at a time by the script
DATA = "data"
LIST = "list"
_LIST_PAGE = re.compile(r"(?:[2-9]|[1-9][0-9]+)\.html")  # list/2.html on: the list's own
# The filters of the index, and the values each may take, in the order the menus show them.
VOCABULARIES: tuple[tuple[str, Iterable[Any]], ...] = (
    ("kind", PledgeKind), ("status", Status), ("formality", Formality),
    ("confidence", Confidence),
)  # fmt: skip
AUDIT = (("clean", "clean"), ("warnings", "warnings only"), ("errors", "errors"))

States = dict[str, tuple[str, str]]  # pledge id -> (audit state, how it is written)


class Row(NamedTuple):
    """A pledge as a row of the index shows it."""

    id: str
    page: str  # its page, from the top folder
    title: str
    actors: tuple[str, ...]
    kind: str
    status: str
    formality: str
    confidence: str
    target: str
    audit: str
    audit_label: str


def rows(pledges: Iterable[PledgeRecord], states: States) -> list[Row]:
    return [
        Row(
            p.id, f"pledges/{href(p.id)}", p.title, tuple(p.actors), p.kind.value,
            p.status.value, p.formality.value, p.confidence.value, target(p),
            *states.get(p.id, ("clean", "clean")),
        )
        for p in pledges
    ]  # fmt: skip


def values() -> dict[str, list[tuple[str, str]]]:
    """Each filter's values and how each is written, in menu order."""
    found = {name: [(m.value, label(m)) for m in enum] for name, enum in VOCABULARIES}
    found["audit"] = list(AUDIT)
    return found


def actor_page(actor_id: str) -> str:
    return f"actors/{href(actor_id)}"


def index_js(site: Site, listed: Sequence[Row]) -> str:
    """data/index.js: every row, the vocabularies, and every actor with its names (for the
    type-to-find actor filter)."""
    menus = values()
    codes = {
        name: {value: n for n, (value, _) in enumerate(pairs)} for name, pairs in menus.items()
    }
    kind, status, formality, confidence, audit = (
        codes[name] for name in ("kind", "status", "formality", "confidence", "audit")
    )
    data = {
        "page": PAGE,
        "values": {name: [value for value, _ in pairs] for name, pairs in menus.items()},
        "labels": {name: [shown for _, shown in pairs] for name, pairs in menus.items()},
        "actors": [
            [a.id, a.name, a.aliases, _unless(actor_page(a.id), f"actors/{a.id}.html")]
            for a in sorted(site.register.actors.values(), key=lambda a: a.id)
        ],
        "rows": [
            [
                r.id,
                r.title,
                r.actors,
                kind[r.kind],
                status[r.status],
                formality[r.formality],
                confidence[r.confidence],
                r.target,
                audit[r.audit],
                r.audit_label,
                _unless(r.page, f"pledges/{r.id}.html"),
            ]
            for r in listed
        ],
    }
    return _script("PLEDGES_INDEX", data)


def search_js(site: Site) -> Iterator[str]:
    """data/search.js, piece by piece (it is the largest file of the index: no more than a piece
    is held): for each row, in the order of data/index.js, what the search box looks through
    (`search_text`)."""
    actors = site.register.actors
    evidence = site.register.evidence
    encode = json.JSONEncoder(ensure_ascii=False).encode
    yield "window.PLEDGES_SEARCH = ["
    for n, p in enumerate(site.register.pledges):
        names = " ".join(actors[i].name for i in p.actors if i in actors)
        quotes = [item.quote for item in evidence.get(p.id, ())]
        own = f"{p.id} {p.title} {p.statement or ''} {' '.join(p.actors)} {names}"
        yield f"{',' if n else ''}{encode(search_text(own, quotes))}"
    yield "];\n"


def search_text(own: str, quotes: Iterable[str]) -> str:
    """What the search box looks through for a pledge, lower-cased as report.js compares: its
    own words (id, title, statement, actors), whitespace collapsed, then the words of its quotes
    that they do not hold already, each once.

    Every quote counts, the deprecated ones too: the pledge's page still shows them (marked
    deprecated), so a reader who searches for words read there finds the pledge that shows them.

    The script splits what is typed into words (at whitespace) and looks for each within this
    text, so a typed word is found only inside one of its words: leaving out the quotes' words
    already there finds the same rows in a much smaller file (quotes mostly repeat the title
    and statement, and each other)."""
    words = own.lower().split()
    quoted = dict.fromkeys(" ".join(quotes).lower().split())  # each once, in order
    for word in words:
        quoted.pop(word, None)
    return " ".join((*words, *quoted))


def table_rows(listed: Iterable[Row], root: str) -> Markup:
    """The rows of a table of pledges (pledge_rows.html.j2), drawn as report.js draws them; `root`
    leads from the page to the top folder. Drawn here rather than by the template: a list of a
    hundred thousand pledges is drawn three times faster so."""
    drawn = []
    for r in listed:
        actors = " + ".join(
            f'<a href="{root}{escape(actor_page(a))}">{escape(a)}</a>' for a in r.actors
        )
        drawn.append(
            f'<tr><td><a href="{root}{escape(r.page)}">{escape(r.title)}</a><br>'
            f"<code>{escape(r.id)}</code></td><td>{actors}</td><td>{LABELS[r.kind]}</td>"
            f"<td>{escape(r.target)}</td><td>{LABELS[r.status]}</td><td>{LABELS[r.formality]}</td>"
            f'<td>{LABELS[r.confidence]}</td><td class="state {r.audit}">'
            f"{escape(r.audit_label)}</td></tr>\n"
        )
    return Markup("".join(drawn))


def list_pages(site: Site, listed: Sequence[Row]) -> Iterator[tuple[str, str]]:
    """list/N.html for N from 2: the rows after the index's, PAGE to a page, as (file, HTML)."""
    template = site.env.get_template("list.html.j2")
    count = pages(len(listed))
    for number in range(2, count + 1):
        first = (number - 1) * PAGE
        shown = listed[first : first + PAGE]
        main = template.render(
            rows=table_rows(shown, "../"), number=number, pager=pager(number, count, "../"),
            first=first + 1, last=first + len(shown), total=len(listed),
        )  # fmt: skip
        title = f"Pledges {first + 1:,}–{first + len(shown):,} of {len(listed):,}"
        yield f"{number}.html", site.nested.page(title, main)


def pages(rows: int) -> int:
    return max(1, -(-rows // PAGE))


def plan(rows: int, folder: OutFolder) -> None:
    """Check the names of the list's pages before any file is written (OutFolder.plan)."""
    count = pages(rows)
    here = folder.path / LIST
    if count > 1 or (here.is_dir() and not here.is_symlink()):
        folder.plan(LIST, [f"{n}.html" for n in range(2, count + 1)])
        folder.retire(LIST, _LIST_PAGE)  # the pages of a larger register built here before


def list_page(number: int, root: str) -> str:
    """The address of page `number` of the list, from a page whose root is `root`."""
    return f"{root}index.html" if number == 1 else f"{root}{LIST}/{number}.html"


def pager(number: int, count: int, root: str) -> list[tuple[str, str, str]]:
    """Links to the first, previous, next and last pages of the list: (text, address, rel)."""
    links = []
    if number > 1:
        links += [("First page", list_page(1, root), ""),
                  ("Previous page", list_page(number - 1, root), "prev")]  # fmt: skip
    if number < count:
        links += [("Next page", list_page(number + 1, root), "next"),
                  (f"Last page ({count:,})", list_page(count, root), "")]  # fmt: skip
    return links


def _unless(value: str, usual: str) -> str | None:
    return None if value == usual else value


def _script(name: str, data: Any) -> str:
    # JSON is a JavaScript literal; U+2028 and U+2029 are too, since ECMAScript 2019.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"window.{name} = {text};\n"
