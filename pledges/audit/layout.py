"""The paragraph and the quotation a passage of an article stands in.

A paragraph ends at a blank line, or at a line break after a line that ends a sentence (a
hard-wrapped line does not end one). A quotation is opened by “, «, 「 or 『 (or by a straight "
of odd count in its paragraph) and closed by the next closing mark.

Each is found by looking outwards from the passage with str.find and str.rfind: a quote needs
only its neighbourhood, and scanning a whole article once for every mark and line break (with
a regular expression of them) costs more than all of its quotes' looks together.
"""

from __future__ import annotations

OPENING = "“«「『"
CLOSING = "”»」』"
_CURLY = OPENING + CLOSING
_ENDS_SENTENCE = '.!?。！？”"」』:：'


def paragraph(text: str, start: int, end: int) -> tuple[int, int]:
    """The bounds of the paragraph holding text[start:end] (its line breaks excluded)."""
    low = start
    while True:
        at = text.rfind("\n", 0, low)
        if at < 0:
            low = 0
            break
        before = text[:at].rstrip(" \t\r")
        if not before or before[-1] in _ENDS_SENTENCE or text[at - 1 : at] == "\n":
            low = at + 1
            break
        low = at
    high = end
    while True:
        at = text.find("\n", high)
        if at < 0:
            return low, len(text)
        line = text[high:at].rstrip(" \t\r")
        ended = line[-1:] in _ENDS_SENTENCE if line else text[high - 1 : high] in _ENDS_SENTENCE
        if text[at + 1 : at + 2] == "\n" or ended:
            return low, at
        high = at + 1


def quotation(text: str, start: int, end: int, low: int, high: int) -> tuple[int, int] | None:
    """(opening, closing) marks of the quotation holding text[start:end] in the paragraph
    text[low:high]; the closing mark is `high` when the quotation runs on past the paragraph
    (and the first closing mark after `start` when the quote runs past it: “…,” he said).
    None when the quote stands in no quotation."""
    last, kind = -1, ""
    for mark in _CURLY:  # the last curly mark before it (each search starts after the last found)
        at = text.rfind(mark, last + 1 if last >= low else low, start)
        if at > last:
            last, kind = at, mark
    if last >= 0:
        if kind in CLOSING:
            return None
        opening = last
    elif text.count('"', low, start) % 2:
        opening = text.rfind('"', low, start)
    else:
        return None
    return opening, closing_in(text, start - 1, high)


def closing_in(text: str, low: int, high: int) -> int:
    """Where the first mark that closes a quotation stands in text[low + 1:high]; `high` when
    there is none."""
    found = [at for mark in CLOSING + '"' if (at := text.find(mark, low + 1, high)) >= 0]
    return min(found) if found else high
