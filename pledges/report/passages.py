"""Where each quote stands in its article, the passage around it, and an article's highlights.

The report is exact: a quote is highlighted where `textmatch.find` places it and nowhere else,
and the browser never searches again. A quote that does not stand in its source gets no
highlight (the audit reports it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

from pledges.pages import page_at, read_on
from pledges.sentences import sentence_bounds
from pledges.textmatch import Span


class Parts(NamedTuple):
    """A passage as its pledge's page prints it: the quote and the text either side of it."""

    before: str
    quote: str
    after: str


@dataclass(frozen=True, slots=True)
class Passage:
    """The sentences around a quote, text[start:end]; the quote is text[quote_start:quote_end],
    and starts on `page` (pledges.pages) when the text has pages."""

    start: int
    end: int
    quote_start: int
    quote_end: int
    page: int | None

    def parts(self, text: str) -> Parts:
        return Parts(
            read_on(text[self.start : self.quote_start]),
            read_on(text[self.quote_start : self.quote_end]),
            read_on(text[self.quote_end : self.end]),
        )


def passage(text: str, span: Span, *, paged: bool) -> Passage:
    """Where the quote at `span` stands; `paged`: the text holds a page break, which its caller
    checks once for all the quotes of one text."""
    begin, finish = sentence_bounds(text, span.start, span.end)
    page = page_at(text, span.start) if paged else None
    return Passage(begin, finish, span.start, span.end, page)


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of an article's text, and the evidence whose quotes cover it (none: plain text);
    `starts` names the evidence whose quotes begin here."""

    text: str
    covered_by: tuple[int, ...]
    starts: tuple[int, ...]


def segments(text: str, spans: Iterable[tuple[int, int, int]]) -> list[Segment]:
    """The text cut wherever a quote begins or ends. `spans`: (evidence id, start, end). Quotes
    may overlap or nest: each run names every quote that covers it."""
    spans = sorted(spans, key=lambda s: (s[1], s[2], s[0]))
    cuts = sorted({0, len(text), *(s[1] for s in spans), *(s[2] for s in spans)})
    out: list[Segment] = []
    for begin, finish in pairwise(cuts):
        if begin == finish:
            continue
        covered = tuple(i for i, start, end in spans if start <= begin and finish <= end)
        starts = tuple(i for i, start, _ in spans if start == begin)
        out.append(Segment(text[begin:finish], covered, starts))
    return out
