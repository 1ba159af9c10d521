"""What the audit learns about each quote from reading its source once.

`examine` is the only place that looks at article text; every check works on the facts it
returns, so that each article is read (and, when needed, normalised) once per audit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pledges.audit.actors import ActorMatcher
from pledges.textmatch import Article, Method, closest, sentence_bounds
from pledges.vocab import Rank

if TYPE_CHECKING:
    from pledges.records import EvidenceRecord

YEAR = re.compile(r"(?<![\w.-])(19[0-9]{2}|20[0-9]{2}|2100)(?![\w-])")
# A word as a reader counts it: "1.5", "U.S.", "non-CO2" and "world's" are one word each.
WORD = re.compile(r"\w+(?:[.,'\u2019-]\w+)*")


@dataclass(frozen=True, slots=True)
class QuoteFact:
    cited: EvidenceRecord
    method: Method | None  # how the quote was found in its source; None: it was not
    named: frozenset[str]  # actors named where the quote stands (or last named before it)
    years: tuple[int, ...]  # years the quote states
    words: int
    near: tuple[str, float] | None = None  # closest passage and similarity, when not found
    elsewhere: tuple[str, ...] = ()  # other sources holding the quote, when not found

    @property
    def located(self) -> bool:
        return self.method is not None

    @property
    def counts(self) -> bool:
        """Evidence that counts toward confidence and support (the rules of pledges.confidence)."""
        return self.located and self.cited.rank is not Rank.DEPRECATED


_YEARS: dict[tuple[int, ...], tuple[int, ...]] = {}


def years(text: str) -> tuple[int, ...]:
    """The years a text states, in order (one shared tuple for each set of years: a register's
    quotes state few different ones)."""
    found = tuple(sorted({int(y) for y in YEAR.findall(text) if 1990 <= int(y) <= 2100}))
    return _YEARS.setdefault(found, found)


def examine(cited: EvidenceRecord, article: Article, actors: ActorMatcher) -> QuoteFact:
    """Locate one quote in its source's text and note what the checks need."""
    quote, text = cited.quote, article.text
    stated = years(quote)
    words = len(WORD.findall(quote))
    span = article.find(quote)
    if span is None:
        near = closest(quote, text, article.folded)
        passage = None if near is None else (text[near.start : near.end], near.similarity)
        return QuoteFact(cited, None, frozenset(), stated, words, passage)
    begin, end = sentence_bounds(text, span.start, span.end)
    named = actors.named(text[begin:end])
    if not named:  # the nearest sentence before it that names anyone, and all it names
        last = actors.last_mention(text[:begin])
        if last is not None:
            before, _ = sentence_bounds(text, last, last + 1)
            named = actors.named(text[before:begin])
    return QuoteFact(cited, span.method, named, stated, words)
