"""Where each quote stands in its article, the passage around it, and an article's highlights.

The report is exact: a quote is highlighted where `textmatch.find` places it and nowhere else,
and the browser never searches again. A quote that does not stand in its source gets no
highlight (the audit reports it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from pledges.textmatch import (
    Method,
    Span,
    fold,
    locate_elided,
    original_span,
    sentence_bounds,
)


class Article:
    """One source's text, folded at most once however many quotes cite it."""

    __slots__ = ("_folded", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._folded: str | None = None

    @property
    def folded(self) -> str:
        if self._folded is None:
            self._folded = fold(self.text)
        return self._folded

    def find(self, quote: str) -> Span | None:
        """`textmatch.find(quote, text)`, computed without normalising the whole article: the
        exact search, then the search on folded text mapped back to the original offsets (the
        same span, as tests/test_textmatch.py holds of `original_span`), then the elided quote."""
        text = self.text
        exact = quote.strip()
        at = text.find(exact) if exact else -1
        if at >= 0:
            return Span(at, at + len(exact), Method.EXACT)
        needle = fold(quote)
        at = self.folded.find(needle) if needle else -1
        if at >= 0:
            start, end = original_span(text, self.folded, at, at + len(needle))
            return Span(start, end, Method.NORMALISED)
        return locate_elided(quote, text)


@dataclass(frozen=True, slots=True)
class Passage:
    """The sentences around a quote, text[start:end]; the quote is text[quote_start:quote_end]."""

    start: int
    end: int
    quote_start: int
    quote_end: int

    def parts(self, text: str) -> tuple[str, str, str]:
        """The passage as (before the quote, the quote, after it)."""
        return (
            text[self.start : self.quote_start],
            text[self.quote_start : self.quote_end],
            text[self.quote_end : self.end],
        )


def passage(text: str, span: Span) -> Passage:
    begin, finish = sentence_bounds(text, span.start, span.end)
    return Passage(begin, finish, span.start, span.end)


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
