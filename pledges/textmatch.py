"""Find quotes in article text; the sentence each one stands in is found by pledges.sentences.

A quote stands in its source when it is there exactly, or after normalising whitespace, case,
typographic quotes, dashes and primes, signs that look like the degree sign (º, ˚), compatibility
forms (NFKC, character by character: full-width digits, letters and punctuation, ligatures,
superscripts, ℃ as °C) and runs of ellipses (the Chinese …… is one ellipsis): nothing else.
Chinese and Japanese are written without spaces, so whitespace next to one of their characters
(a line break inside a sentence, a space around a number) is no part of the text. Every match is
reported as a span of the *original* text, so that it can be shown in context and highlighted.

Pure functions over strings; no database, no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from pledges.folding import (
    ELLIPSIS,
    FOLDED,
    NON_ASCII,
    TYPOGRAPHIC,
    UNSPACED_CHARACTER,
    fold_characters,
    fold_run,
    plain,
    unspaced,
    western,
)


class Method(StrEnum):
    EXACT = "exact"
    NORMALISED = "normalised"
    ELIDED = "elided"


@dataclass(frozen=True, slots=True)
class Span:
    """Where a quote stands in a text: text[start:end], and how it was found."""

    start: int
    end: int
    method: Method


@dataclass(frozen=True, slots=True)
class Normalised:
    """A normalised text and, for each of its characters, the offset it came from."""

    text: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span behind normalised text[start:end]."""
        return self.origin[start], self.origin[end - 1] + 1


def normalise(text: str) -> Normalised:
    """Fold case, typographic quotes and dashes, compatibility forms and runs of ellipses, and
    runs of whitespace to one space (to none next to a Chinese or Japanese character)."""
    out: list[str] = []
    origin: list[int] = []
    space = -1  # where the run of whitespace before this character starts; -1: there is none
    after_unspaced = False  # the character before it is Chinese or Japanese
    previous = -2  # where the last character that is not whitespace stands
    for index, char in enumerate(text):
        if char.isspace():
            if space < 0:
                space = index
            continue
        is_unspaced = (
            char >= "\u2329" and UNSPACED_CHARACTER.match(char) is not None
        )  # (unspaced, inline)
        if space >= 0:
            if out and not after_unspaced and not is_unspaced:
                out.append(" ")
                origin.append(space)
            space = -1
        after_unspaced = is_unspaced
        folded = FOLDED[char]
        run_on = folded == ELLIPSIS and out and out[-1] == ELLIPSIS and previous == index - 1
        previous = index
        if run_on:
            continue  # a run of ellipses is one
        out.extend(folded)
        origin.extend([index] * len(folded))
    return Normalised("".join(out), tuple(origin))


_TYPOGRAPHIC_PAIRS = tuple(TYPOGRAPHIC.items())


def fold(text: str) -> str:
    """normalise(text).text, computed in C-speed steps and without the offset map.

    For deciding *whether* a quote stands in a text; `normalise` says *where*. (One `replace`
    per typographic character the text holds is several times faster than `str.translate`,
    which leaves its fast path at the first character outside ASCII; a text that is ASCII once
    they are replaced, as English nearly always is, is then done.)
    """
    if text.isascii():
        if "`" in text:  # the one typographic mark in ASCII
            text = text.replace("`", "'")
        return " ".join(text.casefold().split())
    for typographic, simple in _TYPOGRAPHIC_PAIRS:
        if typographic in text:
            text = text.replace(typographic, simple)
    text = " ".join(text.split())  # (first: non-breaking spaces are then gone)
    if not text.isascii() and not plain(text):
        text = fold_characters(text)
    return text.casefold()


@lru_cache(maxsize=256)
def _normalised(text: str) -> Normalised:
    return normalise(text)


def locate(quote: str, text: str) -> Span | None:
    """Where `quote` stands in `text`, exactly or after normalisation; None when it does not."""
    quote = quote.strip()
    if not quote:
        return None
    at = text.find(quote)
    if at >= 0:
        return Span(at, at + len(quote), Method.EXACT)
    needle = normalise(quote).text
    haystack = _normalised(text)
    at = haystack.text.find(needle)
    if at < 0:
        return None
    start, end = haystack.span(at, at + len(needle))
    return Span(start, end, Method.NORMALISED)


_ELLIPSIS = re.compile(r"\s*(?:(?:\.\s*\.\s*\.|[\u2026\u22ef])\s*)+")
_PARAGRAPH = re.compile(r"\n[ \t]*\n")


MAX_ELISION = 250  # characters an ellipsis may stand for: a clause or a sentence, not an article


def elided(quote: str) -> bool:
    """Whether a quote leaves words out with an ellipsis ('...', '…', or the Chinese '……')."""
    return _ELLIPSIS.search(quote) is not None


def elided_parts(quote: str) -> list[str]:
    """The parts of a quote around its ellipses ('...' or '…'); one part when it has none."""
    return [part for part in _ELLIPSIS.split(quote.strip()) if part.strip()]


def locate_elided(quote: str, text: str) -> Span | None:
    """An elided quote stands when its parts stand, in order, within one paragraph, each
    ellipsis standing for at most MAX_ELISION characters. A quote that only opens or closes
    with an ellipsis ('… has pledged to') stands where its one part does."""
    found = _elided_in(quote, text)
    if found is None:
        return None
    start, folded, spans = found
    begin, end = folded.span(spans[0][0], spans[-1][1])
    return Span(start + begin, start + end, Method.ELIDED)


def elided_spans(quote: str, text: str) -> list[tuple[int, int]] | None:
    """Where each part of an elided quote stands in `text` (original offsets, in order), as
    `locate_elided` finds them: the article's words between two spans are those an ellipsis
    leaves out. None when the quote is not elided or does not stand as an elided quote."""
    found = _elided_in(quote, text)
    if found is None:
        return None
    start, folded, spans = found
    return [
        (start + first, start + last)  # (no part is empty: each holds more than whitespace)
        for first, last in (folded.span(begin, end) for begin, end in spans)
    ]


def _elided_in(quote: str, text: str) -> tuple[int, Normalised, list[tuple[int, int]]] | None:
    """The paragraph an elided quote stands in: where it starts in `text`, the paragraph
    normalised, and where each part stands in the normalised paragraph."""
    if not _ELLIPSIS.search(quote):
        return None
    parts = [normalise(part).text for part in elided_parts(quote)]
    if not parts:
        return None
    offset = 0
    for paragraph in [*_PARAGRAPH.split(text), ""]:
        start = text.find(paragraph, offset) if paragraph else -1
        if start < 0:
            continue
        offset = start + len(paragraph)
        folded = normalise(paragraph)
        found = _parts_in(parts, folded.text)
        if found is not None:
            return start, folded, found
    return None


def _parts_in(parts: list[str], text: str) -> list[tuple[int, int]] | None:
    """Where `parts` stand in `text` in order, each gap at most MAX_ELISION: (start, end) of
    each. The first part is tried wherever it stands (the same words may recur far before the
    rest of the quote); each later part is best taken where it first stands after the one
    before."""
    first = text.find(parts[0])
    while first >= 0:
        at = first + len(parts[0])
        spans = [(first, at)]
        for part in parts[1:]:
            found = text.find(part, at)
            if found < 0:
                return None  # not after this start, so not after any later one either
            if found - at > MAX_ELISION:
                break
            at = found + len(part)
            spans.append((found, at))
        else:
            return spans
        first = text.find(parts[0], first + 1)
    return None


def stands(quote: str, text: str, folded: str) -> bool:
    """Whether `find(quote, text)` finds the quote, given `folded` = fold(text): without mapping
    anything back to the text, for checking many quotes against a text folded once."""
    exact = quote.strip()
    if exact and exact in text:
        return True
    needle = fold(quote)
    if needle and needle in folded:
        return True
    return _ELLIPSIS.search(quote) is not None and locate_elided(quote, text) is not None


class Article:
    """One text, folded at most once however many quotes are looked for in it."""

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
        """`find(quote, text)`, computed without normalising the whole text: the exact search,
        then the search on folded text mapped back to the original offsets (the same span, as
        tests/test_textmatch.py holds of `original_span`), then the elided quote."""
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


def find(quote: str, text: str) -> Span | None:
    """Where a quote stands in a text by the register's rule: exactly, after normalisation, or
    as an elided quote. `cite`, `show`, confidence and the audit all decide by this."""
    return locate(quote, text) or locate_elided(quote, text)


def as_written(quote: str, text: str, span: Span) -> str:
    """The quote as the article writes it, given where it stands (`find`): text[span] for a
    quote found whole; for an elided one, each part as the article has it, joined by the
    quote's own ellipses (their spacing kept, as one space)."""
    if span.method is not Method.ELIDED:
        return text[span.start : span.end]
    region = text[span.start : span.end]
    folded = normalise(region)
    quote = quote.strip()
    parts = _ELLIPSIS.split(quote)
    out, at = [], 0
    for index, part in enumerate(parts):
        if index:
            mark = _ELLIPSIS.findall(quote)[index - 1]
            out.append(" " * mark[0].isspace() + mark.strip() + " " * mark[-1].isspace())
        needle = normalise(part).text
        if not needle:
            continue
        found = folded.text.find(needle, at)
        if found < 0:  # cannot happen for a span `find` gave; keep the words as typed
            return quote
        start, end = folded.span(found, found + len(needle))
        out.append(region[start:end])
        at = found + len(needle)
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Near:
    """The passage of a text most like a quote that is not in it, and how alike (0-100)."""

    start: int
    end: int
    similarity: float


_RUN = re.compile(r"\s\s+")  # a run of whitespace, which folding makes one space


@lru_cache(maxsize=256)
def _collapse_map(text: str) -> tuple[list[int], list[int]] | None:
    """For texts whose folding keeps every character's place (nearly all but Chinese and
    Japanese), folded and original offsets differ only by the whitespace folded away:
    (breakpoints, removed), where removed[i] characters were dropped before folded offset
    breakpoints[i]. None otherwise."""
    if not text.isascii() and not _in_place(text):
        return None
    breakpoints, removed = [0], [0]
    dropped = len(text) - len(text.lstrip())  # leading whitespace goes entirely
    if dropped:
        breakpoints.append(0)
        removed.append(dropped)
    # (Two patterns, not one alternation with ^\s+: the regular expression engine then looks
    # for the first whitespace character at C speed instead of trying every position.)
    for run in _RUN.finditer(text, dropped):
        start, end = run.span()
        dropped += end - start - 1
        breakpoints.append(end - dropped)
        removed.append(dropped)
    return breakpoints, removed


def _in_place(text: str) -> bool:
    """Whether folding a text that is not all ASCII changes only its whitespace and each other
    character to one character (case, typographic marks, most compatibility forms)."""
    if ELLIPSIS * 2 not in text and unicodedata.is_normalized("NFKC", text) and western(text):
        return len(text.casefold()) == len(text)
    for typographic, simple in (*_TYPOGRAPHIC_PAIRS, ("\xa0", " ")):  # one for one
        if typographic in text:
            text = text.replace(typographic, simple)
    if text.isascii():
        return True
    if plain(text):
        return len(text.casefold()) == len(text)
    if UNSPACED_CHARACTER.search(text):
        return False
    folded = NON_ASCII.sub(fold_run, text)
    return len(folded) == len(text) and ELLIPSIS * 2 not in folded


def original_span(text: str, folded: str, start: int, end: int) -> tuple[int, int]:
    """Where fold(text)[start:end] came from in `text`, without mapping every character."""
    collapse = _collapse_map(text)
    if collapse is None:
        return _normalised(text).span(start, end)
    breakpoints, removed = collapse

    def origin(offset: int) -> int:
        return offset + removed[bisect_right(breakpoints, offset) - 1]

    return origin(start), origin(end - 1) + 1


def _widens(char: str, neighbour: str) -> bool:
    """Whether a passage ending in `neighbour` takes in the character next to it, `char`: one
    of the same word of a spaced script."""
    return not char.isspace() and not unspaced(char) and not unspaced(neighbour)


def closest(quote: str, text: str, folded: str | None = None) -> Near | None:
    """The passage of `text` most like `quote`, compared after normalisation (rapidfuzz).
    `folded` is fold(text), when the caller has it already. The passage is widened to whole
    words, where words are spaced: not into Chinese or Japanese, which has no spaces to stop at
    (the passage would be the whole paragraph)."""
    from rapidfuzz import fuzz

    needle, haystack = fold(quote), fold(text) if folded is None else folded
    if not needle or not haystack:
        return None
    found = fuzz.partial_ratio_alignment(needle, haystack)
    if found is None or found.dest_end <= found.dest_start:
        return None
    start, end = original_span(text, haystack, found.dest_start, found.dest_end)
    while start > 0 and _widens(text[start - 1], text[start]):  # whole words only
        start -= 1
    while end < len(text) and _widens(text[end], text[end - 1]):
        end += 1
    return Near(start, end, round(found.score, 1))
