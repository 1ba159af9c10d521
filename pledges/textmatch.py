"""Find quotes in article text, and the sentence each one stands in.

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

_TYPOGRAPHIC = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u0060\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    # Signs that look like the degree sign and are typed for it (1.5ºC): the ordinal sign, which
    # NFKC would make the letter o, and the ring above, which it would make a space and a mark.
    **dict.fromkeys("\u00ba\u02da", "\u00b0"),
}
ELLIPSIS = "\u2026"
_ELLIPSES = {ELLIPSIS, "\u22ef"}  # the ellipsis, and the midline one Chinese text also uses

# The characters of scripts written without spaces (Chinese and Japanese: ideographs, kana, their
# punctuation, and the full- and half-width forms and compatibility characters that fold to
# them), as a character class; Hangul is not among them: Korean is written with spaces.
UNSPACED = (
    "\u2e80-\u2fdf\u2ff0-\u2fff"  # radicals, ideographic description
    "\u3001-\u303f"  # CJK symbols and punctuation (not U+3000, the ideographic space)
    "\u3040-\u312f\u3190-\u31ff"  # kana, bopomofo, kanbun, strokes (not Hangul jamo)
    "\u3200-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # enclosed and compatibility forms, ideographs
    "\ufe10-\ufe1f\ufe30-\ufe6f"  # vertical and small forms
    "\u2329\u232a\U0001f12a"  # angle brackets and a bracketed letter that fold to CJK ones
    "\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff9f\uffe0-\uffe6"  # full-width
    # punctuation (not letters and digits, as spaced as ASCII ones), half-width katakana
    "\U0001f200-\U0001f2ff\U00020000-\U0003ffff"  # enclosed ideographs, ideograph extensions
)
_UNSPACED = re.compile(f"[{UNSPACED}]")
WIDE = re.compile("[\u2329-\U0003ffff]")  # the range they fall in: quicker to look for
_GAP = re.compile(rf"(?<=[{UNSPACED}])\s+|\s+(?=[{UNSPACED}])")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_ELLIPSIS_RUN = re.compile(f"{ELLIPSIS}{{2,}}")


def unspaced(char: str) -> bool:
    """Whether a character is of a script written without spaces (Chinese, Japanese)."""
    return char >= "\u2329" and _UNSPACED.match(char) is not None


def _fold_once(char: str) -> str:
    if char in _TYPOGRAPHIC:
        return _TYPOGRAPHIC[char]
    if char in _ELLIPSES:
        return ELLIPSIS  # (NFKC would make it three dots)
    compatible = unicodedata.normalize("NFKC", char)
    if any(c.isspace() for c in compatible):  # (such as U+00A8, a space and a combining mark)
        return char.casefold()
    return compatible.casefold()


class _Folded(dict[str, str]):
    """What each character folds to, worked out the first time it is met: typographic marks to
    plain ones, compatibility forms (NFKC) to their plain form, then case, as often as it takes
    to reach a form that folds to itself. Whitespace stays (it is collapsed where it stands)."""

    def __missing__(self, char: str) -> str:
        if char.isspace():
            folded = char
        else:
            folded = _fold_once(char)
            while (again := "".join(_fold_once(c) for c in folded)) != folded:
                folded = again
        self[char] = folded
        return folded


_FOLDED = _Folded()


def _fold_run(run: re.Match[str]) -> str:
    return "".join(map(_FOLDED.__getitem__, run.group()))


def _plain(text: str) -> bool:
    """Whether folding changes nothing in a text but whitespace and case (once its typographic
    marks are replaced): no compatibility form, no Chinese or Japanese, no run of ellipses. Told
    without a pass over each character, for English that holds an ellipsis or an accent."""
    if ELLIPSIS in text:
        if ELLIPSIS * 2 in text:
            return False
        text = text.replace(ELLIPSIS, "")
    if text.isascii():
        return True
    if "\u22ef" in text or not unicodedata.is_normalized("NFKC", text):
        return False
    return _western(text)


def _western(text: str) -> bool:
    """Whether a text holds no Chinese or Japanese. (Windows-1252, which holds Latin letters and
    typographic quotes and dashes but none of theirs, encodes at C speed, several times faster
    than a search for their characters.)"""
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return WIDE.search(text) is None
    return True


def _fold_characters(text: str) -> str:
    """Everything folding does to a text but collapse whitespace and fold case: the whitespace
    next to Chinese or Japanese characters dropped, every other character folded (before case),
    and runs of ellipses made one."""
    if _UNSPACED.search(text):
        text = _GAP.sub("", text)
    text = _NON_ASCII.sub(_fold_run, text)
    if ELLIPSIS * 2 in text:
        text = _ELLIPSIS_RUN.sub(ELLIPSIS, text)
    return text


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
        is_unspaced = char >= "\u2329" and _UNSPACED.match(char) is not None  # (unspaced, inline)
        if space >= 0:
            if out and not after_unspaced and not is_unspaced:
                out.append(" ")
                origin.append(space)
            space = -1
        after_unspaced = is_unspaced
        folded = _FOLDED[char]
        run_on = folded == ELLIPSIS and out and out[-1] == ELLIPSIS and previous == index - 1
        previous = index
        if run_on:
            continue  # a run of ellipses is one
        out.extend(folded)
        origin.extend([index] * len(folded))
    return Normalised("".join(out), tuple(origin))


_TYPOGRAPHIC_PAIRS = tuple(_TYPOGRAPHIC.items())


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
    for typographic, plain in _TYPOGRAPHIC_PAIRS:
        if typographic in text:
            text = text.replace(typographic, plain)
    text = " ".join(text.split())  # (first: non-breaking spaces are then gone)
    if not text.isascii() and not _plain(text):
        text = _fold_characters(text)
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
    if ELLIPSIS * 2 not in text and unicodedata.is_normalized("NFKC", text) and _western(text):
        return len(text.casefold()) == len(text)
    for typographic, plain in (*_TYPOGRAPHIC_PAIRS, ("\xa0", " ")):  # one for one
        if typographic in text:
            text = text.replace(typographic, plain)
    if text.isascii():
        return True
    if _plain(text):
        return len(text.casefold()) == len(text)
    if _UNSPACED.search(text):
        return False
    folded = _NON_ASCII.sub(_fold_run, text)
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


# A sentence ends at . ! or ? (optionally followed by closing quotes) before whitespace, at a
# blank line, or at a Chinese or Japanese stop (the ideographic full stop, and the full-width
# ! ? and ;) with any closing quotes and brackets after it, and no whitespace needed; unless the
# word before a Western stop is a known abbreviation or a run of initials (U.S., U.N.). The
# three stops, `[.!?]+["'\u201d\u2019)]*(?=\s)`, `\n[ \t\r]*\n` and `[STOPS][STOPS!?]*[CLOSING]*`,
# are written with their first characters as one set, which the regular expression engine scans for
# at C speed (with the alternation it tries every position: 2.6 times slower).
_CJK_STOPS = "\u3002\uff01\uff1f\uff1b"
_CJK_CLOSING = "\"'\u201d\u2019)\u300d\u300f\u3011\uff09\u300b"  # and corner, lenticular brackets
_STOP = re.compile(
    rf"[.!?\n{_CJK_STOPS}](?:(?<=[.!?])[.!?]*[\"'\u201d\u2019)]*(?=\s)|(?<=\n)[ \t\r]*\n"
    rf"|(?<=[{_CJK_STOPS}])[{_CJK_STOPS}!?]*[{_CJK_CLOSING}]*)"
)
_ABBREVIATIONS = frozenset([
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "gen", "gov", "sen", "rep", "prof", "vs", "etc",
    "inc", "ltd", "co", "no", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec",
])  # fmt: skip
_INITIALS = re.compile(r"(?:[A-Za-z]\.)*[A-Za-z]$")
_FOLLOWING = re.compile(r"\s*(\S)")  # the first character after a stop that is not a space


def _is_boundary(text: str, stop: re.Match[str]) -> bool:
    first = text[stop.start()]
    if first == "\n" or first in _CJK_STOPS:
        return True
    before = text[max(0, stop.start() - 40) : stop.start()]  # (no abbreviation is longer)
    words = before.split()
    word = words[-1] if words and not before[-1].isspace() else ""
    word = word.lstrip("\"'\u201c\u2018(")
    if word.casefold() in _ABBREVIATIONS or (word and "." in word and _INITIALS.match(word)):
        return False
    following = _FOLLOWING.match(text, stop.end())
    return following is None or not following.group(1).islower()


SENTENCE_WINDOW = 800  # characters either side; a longer sentence is cut at the window edge
_NEAR = 200  # most sentences end within this: look here first


def _ends(text: str, start: int, end: int, reach: int) -> tuple[int | None, int | None]:
    """The last sentence end before text[start:end] and the first at or after its end, within
    `reach` characters either side (None where there is none)."""
    low, high = max(0, start - reach), min(len(text), end + reach)
    stops = list(_STOP.finditer(text, low, min(len(text), high + 1)))
    begin = finish = None
    for stop in reversed(stops):
        if stop.end() <= start and _is_boundary(text, stop):
            begin = stop.end()
            break
    for stop in stops:  # the stop ends the quote's sentence, closing quotes and all
        if stop.end() > start and stop.end() >= end and _is_boundary(text, stop):
            finish = stop.end() if not stop.group().startswith("\n") else max(stop.start(), end)
            break
    return begin, finish


def sentence_stops(text: str) -> list[tuple[int, int]]:
    """Where each sentence of `text` ends: the span of its stop (and closing quotes), by the
    rule `sentence_bounds` follows; a stop at the very end of `text`, with nothing after it to
    tell, is not one."""
    return [stop.span() for stop in _STOP.finditer(text) if _is_boundary(text, stop)]


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The smallest run of whole sentences of `text` that holds text[start:end]."""
    # Sentences are local: look near the span first, then in a wider window, never at the
    # whole article.
    begin, finish = _ends(text, start, end, _NEAR)
    if (begin is None and start > _NEAR) or (finish is None and end + _NEAR < len(text)):
        wide_begin, wide_finish = _ends(text, start, end, SENTENCE_WINDOW)
        begin = begin if begin is not None else wide_begin
        finish = finish if finish is not None else wide_finish
    if begin is None:
        begin = max(0, start - SENTENCE_WINDOW)
    if finish is None:
        finish = min(len(text), end + SENTENCE_WINDOW)
    while begin < start and text[begin].isspace():
        begin += 1
    while finish > end and text[finish - 1].isspace():
        finish -= 1
    return begin, finish
