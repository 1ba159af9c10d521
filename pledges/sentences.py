"""Sentences: where the sentence that holds a passage of an article begins and ends.

A sentence ends at . ! or ? (with any closing quotes) before whitespace, at a blank line, or at a
Chinese or Japanese stop, unless the word before a Western stop is a known abbreviation or a run
of initials. Pure functions over strings.
"""

from __future__ import annotations

import re

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
