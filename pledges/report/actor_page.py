"""The actors' pages: actors.html, every actor with its number of pledges, and a page for each,
actors/ID.html: its name, kind and aliases, its pledges counted by status, formality and
confidence (counts.py, each count a link to the index filtered to them), the table of its
pledges (a joint one names the other actors), and the sources citing or naming it.

Which sources: those its pledges cite, and those whose title names it by its name or an alias,
found as the audit finds actors in text (audit.actors.ActorMatcher: whole words, short capitals
in capitals only). Not every article that names it: reading the articles' whole texts costs more
than drawing all the actors' pages (on a register of 2,000 articles of 4 KB, a sixth of a
second), and even the quotes cited from them cost nearly half as much. An article that names
the actor only in its text is not listed; the page says so.

Drawing stays cheap on a register of thousands of actors: a pledge's row and a source's line
are drawn once, whichever pages show them, as HTML escaped here (a template would escape each
value again on every page, which costs more than all the rest; a link made by site.href needs
no escaping, being a slug or quoted).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from html import escape

from markupsafe import Markup

from pledges.audit.actors import ActorMatcher
from pledges.outfolder import OutFolder
from pledges.records import ActorRecord, PledgeRecord, SourceRecord
from pledges.report.counts import counts
from pledges.report.register import Register
from pledges.report.site import LABELS, Site, href, label, page, target

FOLDER = "actors"
LIST = "actors.html"

CITED = "cited by its pledges"
NAMED = "its title names it"
_WHY = {1: CITED, 2: NAMED, 3: f"{CITED}, {NAMED}"}  # by the bits of sources_of


def plan(register: Register, folder: OutFolder) -> None:
    """Check the names of the actors' files before any file is written (OutFolder.plan)."""
    folder.plan("", (LIST,))
    folder.plan(FOLDER, {page(i): i for i in register.actors}, "actor")


def write(site: Site, folder: OutFolder) -> int:
    """Draw and write actors.html and every actor's page; gives the number of actors' pages."""
    folder.write("", LIST, actor_list(site), newline="\n")
    return site.write_pages("actor", pages(site), folder)


def pledges_of(register: Register) -> dict[str, list[PledgeRecord]]:
    """Each actor's pledges, joint ones included, in id order."""
    found: dict[str, list[PledgeRecord]] = defaultdict(list)
    for p in register.pledges:
        for actor_id in dict.fromkeys(p.actors):
            found[actor_id].append(p)
    return found


def sources_of(register: Register) -> dict[str, dict[str, str]]:
    """For each actor, the sources citing or naming it (see the module's docstring), in id
    order, each with why it is listed (CITED, NAMED, or both)."""
    pledge_actors = {p.id: p.actors for p in register.pledges}
    why: dict[str, dict[str, int]] = defaultdict(dict)  # reasons as bits: 1 cited, 2 named
    for source_id, items in register.citing.items():
        for pledge_id in {item.pledge_id for item in items}:
            for actor_id in pledge_actors.get(pledge_id, ()):
                why[actor_id][source_id] = 1
    matcher = ActorMatcher(register.actors.values())
    for source in register.sources.values():
        for actor_id in matcher.named(source.title):
            found = why[actor_id]
            found[source.id] = found.get(source.id, 0) | 2
    order = {source_id: n for n, source_id in enumerate(register.sources)}
    return {
        actor_id: {
            source_id: _WHY[found[source_id]]
            for source_id in sorted(found.keys() & order.keys(), key=order.__getitem__)
        }
        for actor_id, found in why.items()
    }


def pages(site: Site) -> Iterator[tuple[str, str]]:
    """The page of every actor, as (actor id, HTML)."""
    register = site.register
    template = site.env.get_template("actor.html.j2")
    theirs = pledges_of(register)
    rows = _rows(register)
    cited = sources_of(register)
    lines = {i: _line(s) for i, s in register.sources.items()}
    for a in register.actors.values():
        mine = theirs.get(a.id, ())
        listed = [
            f'{lines[source_id]} <span class="why">({why})</span></li>'
            for source_id, why in cited.get(a.id, {}).items()
        ]
        main = template.render(
            actor=a,
            kind=label(a.kind),
            total=len(mine),
            counts=counts(mine, "../index.html", actor=a.id),
            pledges=Markup("\n".join(rows.get(a.id, ()))),
            sources=Markup("\n".join(listed)),
            sources_count=len(listed),
        )
        yield a.id, site.nested.page(a.name, main)


def _rows(register: Register) -> dict[str, list[str]]:
    """The rows of each actor's table of pledges, in id order (as pledges_of)."""
    actors = register.actors
    rows: dict[str, list[str]] = defaultdict(list)
    for p in register.pledges:
        start, end = _row(p)
        ids = tuple(dict.fromkeys(p.actors))
        if len(ids) == 1:
            rows[ids[0]].append(f"{start}{end}")
            continue
        for actor_id in ids:
            others = [i for i in ids if i != actor_id]
            rows[actor_id].append(f"{start}{_joint(actors, others)}{end}")
    return rows


def _row(p: PledgeRecord) -> tuple[str, str]:
    """A pledge's row in the table of an actor's pledges, cut where the other actors of a joint
    pledge are named (the columns: actor.html.j2)."""
    return (
        f'<tr><td><a href="../pledges/{href(p.id)}">{escape(p.title)}</a>'
        f"<br><code>{escape(p.id)}</code>",
        f"</td><td>{LABELS[p.status]}</td><td>{LABELS[p.formality]}</td>"
        f"<td>{LABELS[p.confidence]}</td><td>{escape(target(p))}</td></tr>",
    )


def _joint(actors: dict[str, ActorRecord], others: Sequence[str]) -> str:
    """The other actors of a joint pledge, each linking to its page (if it has one)."""
    named = []
    for actor_id in others:
        other = actors.get(actor_id)
        if other is None:
            named.append(escape(actor_id))
        else:
            name = escape(f"{other.name} ({actor_id})")
            named.append(f'<a href="{href(actor_id)}">{name}</a>')
    return f'<br><span class="joint">Joint with {", ".join(named)}</span>'


def _line(s: SourceRecord) -> str:
    """A source's item in an actor's list of sources, but for why it is listed and its end."""
    return (
        f'<li><a href="../sources/{href(s.id)}">{escape(s.title)}</a> — '
        f"{escape(s.publisher or 'publisher not stated')}, {_date(s)}"
    )


def _date(s: SourceRecord) -> str:
    """A source's date, said short: the note on how an inferred one was found is on its page."""
    if s.published_on is None:
        return "not dated"
    return f"{s.published_on.isoformat()}{' (inferred)' if s.date_inferred else ''}"


def actor_list(site: Site) -> str:
    """actors.html: every actor, with its kind and its number of pledges."""
    theirs = pledges_of(site.register)
    rows = [
        (f"{FOLDER}/{href(a.id)}", a.name, a.id, label(a.kind), len(theirs.get(a.id, ())))
        for a in site.register.actors.values()
    ]
    main = site.env.get_template("actors.html.j2").render(rows=rows)
    return site.top.page("Actors", main)
