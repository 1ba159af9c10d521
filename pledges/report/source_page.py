"""A source's page, sources/ID.html: its facts, the audit's findings about it, the
quotes that cite it (each with the page it starts on, when the text has pages), and the article's
whole text with every located quote highlighted."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

from markupsafe import Markup, escape

from pledges.audit import Finding
from pledges.pages import PAGE_BREAK, shown
from pledges.report.passages import segments
from pledges.report.site import Site, href
from pledges.vocab import Rank


def pages(site: Site, findings: Mapping[str, Sequence[Finding]]) -> Iterator[tuple[str, str]]:
    """The page of every source, as (source id, HTML), each with the audit's `findings` about
    it."""
    template = site.env.get_template("source.html.j2")
    register = site.register
    titles = {p.id: p.title for p in register.pledges}
    for s in register.sources.values():
        items = register.citing.get(s.id, [])
        located = [
            (e.id, where.quote_start, where.quote_end)
            for e in items
            if (where := site.located.get(e.id)) is not None
        ]
        citing = [
            (
                e.id,
                (where := site.located.get(e.id)) is not None,
                "" if where is None else shown(where.page),
                f"../pledges/{href(e.pledge_id)}",
                titles.get(e.pledge_id, e.pledge_id),
                e.rank is Rank.DEPRECATED,
            )
            for e in items
        ]
        main = template.render(
            s=s,
            findings=site.findings(findings.get(s.id, ()), "source"),
            citing=citing,
            text=highlighted(s.text, located),
        )
        yield s.id, site.nested.page(s.title, main)


def highlighted(text: str, located: Iterable[tuple[int, int, int]]) -> Markup:
    """An article's text with every located quote (evidence id, start, end) marked. A quote
    begins with an anchor `evidence-ID`; each mark names the evidence whose quotes it covers.
    A page break (a PDF's) is shown as a line naming the page that begins there."""
    out: list[str] = []
    pages = _PageMarks()
    for segment in segments(text, located):
        out.extend(f'<span id="evidence-{i}"></span>' for i in segment.starts)
        if segment.covered_by:
            ids = " ".join(map(str, segment.covered_by))
            out.append(f'<mark data-evidence="{ids}">{pages.marked(segment.text)}</mark>')
        else:
            out.append(pages.marked(segment.text))
    return Markup("".join(out))


class _PageMarks:
    """Escapes runs of one text in order, numbering the page breaks met on the way."""

    def __init__(self) -> None:
        self.page = 1

    def marked(self, run: str) -> str:
        parts = [str(escape(part)) for part in run.split(PAGE_BREAK)]
        out = [parts[0]]
        for part in parts[1:]:
            self.page += 1
            out.append(f'<span class="page-break" role="separator">{shown(self.page)}</span>{part}')
        return "".join(out)
