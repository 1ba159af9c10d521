"""Where a typed quote and the article's passage part ways, word by word, as a person reads it.

`cite` says what the user typed against what the article has ('20 percent' against '25 percent')
instead of only how alike the two are; for an elided quote, which of its parts does not stand
and where it parts from its closest passage (or, each part standing, that they do not stand
together). Words are compared after the register's normalisation
(case, typographic quotes and dashes), so only differences that keep a quote from standing are
named. Each named stretch is a slice of its own text, with a word of context either side.

Pure functions over strings; no database, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from pledges.excerpt import excerpt
from pledges.folding import UNSPACED
from pledges.textmatch import MAX_ELISION, closest, elided_parts, find, fold

# A number with its decimals and unit ('1.5C'), a word, an ellipsis, or one character of
# punctuation: '25%,' is '25', '%', ','. Chinese and Japanese, written without spaces, are
# compared character by character: '2060年前' is '2060', '年', '前'.
_LETTER = f"(?:(?![{UNSPACED}])\\w)"  # of a spaced script
_TOKEN = re.compile(rf"\d+(?:[.,]\d+)*{_LETTER}*|{_LETTER}+|\.\.\.|\S")
CONTEXT = 1  # words of context either side of a difference
SHOWN = 60  # characters of each stretch shown in a message
ALIKE = 50  # how alike (0-100) a part of an elided quote and a passage are to name their difference


@dataclass(frozen=True, slots=True)
class Difference:
    """One stretch where the texts differ: `typed`, a slice of the typed quote, against
    `found`, a slice of the article; either may be empty (a word left out or added)."""

    typed: str
    found: str


def _tokens(text: str) -> list[re.Match[str]]:
    return list(_TOKEN.finditer(text))


def _stretch(text: str, tokens: list[re.Match[str]], low: int, high: int) -> str:
    """text from the start of tokens[low] to the end of tokens[high - 1] ('' when empty)."""
    if low >= high:
        return ""
    return text[tokens[low].start() : tokens[high - 1].end()]


def _trimmed(typed: list[re.Match[str]], found: list[re.Match[str]]) -> list[re.Match[str]]:
    """`found` without the punctuation it has before the typed quote's first word or after its
    last (the passage is widened to whole words: 'by 2030,' for a quote ending 'by 2030')."""
    low, high = 0, len(found)
    if typed and typed[0].group()[0].isalnum():
        while low < high and not found[low].group()[0].isalnum():
            low += 1
    if typed and typed[-1].group()[0].isalnum():
        while high > low and not found[high - 1].group()[0].isalnum():
            high -= 1
    return found[low:high]


def differences(typed: str, found: str, *, exact: bool = False) -> list[Difference]:
    """The stretches where `typed` and `found` differ, in order, each with up to CONTEXT words
    either side that the two share (stretches that would share context are one). Words that
    differ only by case, typographic quotes or dashes are the same word (unless `exact`: what
    `cite` stored against what was typed); words the article has before or after all of the
    typed ones (the passage reaching past the quote) are not differences."""
    ours, theirs = _tokens(typed), _tokens(found)
    theirs = _trimmed(ours, theirs)
    key = str if exact else fold
    matcher = SequenceMatcher(
        None, [key(t.group()) for t in ours], [key(t.group()) for t in theirs], autojunk=False
    )
    groups: list[list[int]] = []  # [i1, i2, j1, j2] of runs of differing words
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "insert" and i1 in (0, len(ours))):
            continue  # the same words, or the passage reaching before or past the quote
        if groups and i1 - groups[-1][1] < 2 * CONTEXT:
            groups[-1][1], groups[-1][3] = i2, j2
        else:
            groups.append([i1, i2, j1, j2])
    out = []
    for i1, i2, j1, j2 in groups:
        before = min(CONTEXT, i1, j1)
        after = min(CONTEXT, len(ours) - i2, len(theirs) - j2)
        out.append(
            Difference(
                _stretch(typed, ours, i1 - before, i2 + after),
                _stretch(found, theirs, j1 - before, j2 + after),
            )
        )
    return out


def _shown(stretch: str) -> str:
    return f"'{excerpt(stretch, SHOWN)}'" if stretch else "nothing"


def describe(typed: str, found: str, most: int = 2, *, exact: bool = False) -> str | None:
    """The first `most` differences as one clause, e.g. "you typed '20 percent', the article
    has '25 percent'"; None when the words are the same."""
    found_all = differences(typed, found, exact=exact)
    if not found_all:
        return None
    first = found_all[:most]
    yours = " and ".join(_shown(d.typed) for d in first)
    its = " and ".join(_shown(d.found) for d in first)
    more = len(found_all) - len(first)
    rest = f" (and {more} more difference{'s' if more > 1 else ''})" if more else ""
    return f"you typed {yours}, the article has {its}{rest}"


def describe_elided(quote: str, text: str, most: int = 2) -> str:
    """Why an elided quote does not stand in `text`, as one clause: its first part that does not
    stand, with how it differs from its closest passage (`describe`, when at least ALIKE
    alike); or, when each part stands, that they do not stand together (in order, in one
    paragraph, each ellipsis standing for at most MAX_ELISION characters)."""
    for part in elided_parts(quote):
        if find(part, text) is not None:
            continue
        shown = f"the part '{excerpt(part, SHOWN)}' does not stand"
        near = closest(part, text)
        if near is None or near.similarity < ALIKE:
            return shown
        named = describe(part, text[near.start : near.end], most)
        return f"{shown}: {named}" if named else shown
    return (
        "each part stands, but not together: they must stand in order within one paragraph, "
        f"each ellipsis leaving out at most {MAX_ELISION} characters"
    )
