"""What the audit learns about each quote from reading its source once.

`examine` is the only place that looks at article text; every check works on the facts it
returns, so that each article is read (and, when needed, normalised) once per audit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pledges.audit.actors import ActorMatcher
from pledges.audit.speakers import Speaker, Speech
from pledges.textmatch import UNSPACED, WIDE, Article, Method, closest, sentence_bounds
from pledges.vocab import Rank

if TYPE_CHECKING:
    from pledges.records import EvidenceRecord

# A year is four digits from 1900 to 2100 standing on their own: not inside a longer number or
# a word of a spaced script (2030s, cop2030), not after a dot or a hyphen (1.2030, an id such as
# cn-co2-peak-2030) nor before a hyphen (a date, 2023-11-15). Chinese and Japanese letters are
# no part of a year (2060年, 在2030年前), nor are those of other scripts (2030년, Korean). A range
# states both its ends: 2026-2030 (or with an en or em dash, a tilde, 至 or 到).
# 2020年代 is a decade, the 2020s: no year.
_APART = r"0-9A-Za-z_\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"  # digits, Latin letters
_Y = r"(19[0-9]{2}|20[0-9]{2}|2100)"
YEAR = re.compile(
    rf"(?<![{_APART}.\-]){_Y}(?:[-\u2010-\u2015~\u81f3\u5230]{_Y})?(?![{_APART}\-]|\u5e74\u4ee3)"
)
# Chinese numerals (二〇六〇年), with a circle (U+25CB) or the letter O often typed for the zero.
_NUMERALS = "\u3007\u25cbO零一二三四五六七八九"
_HAN_DIGITS = str.maketrans(_NUMERALS, "0000123456789")
_HAN_YEAR = re.compile(f"[{_NUMERALS}]{{4}}(?=年)")
# Full-width forms (digits, a tilde: U+FF01 to U+FF5E) as their ASCII ones; other compatibility
# forms stay, so that a footnote mark after a year (2060¹) is not read as one more digit.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
# A word as a reader counts it: "1.5", "U.S.", "non-CO2" and "world's" are one word each.
WORD = re.compile(r"\w+(?:[.,'\u2019-]\w+)*")
# Chinese and Japanese are counted in characters, a number or a Latin word among them as one.
_IDEOGRAPHIC = f"(?:(?=[{UNSPACED}])\\w)"  # an ideograph or kana (not punctuation)
_SPACED_LETTER = f"(?:(?!{_IDEOGRAPHIC})\\w)"
_CHARACTER = re.compile(rf"{_IDEOGRAPHIC}|{_SPACED_LETTER}+(?:[.,'\u2019-]{_SPACED_LETTER}+)*")
_HAS_IDEOGRAPHIC = re.compile(_IDEOGRAPHIC)


def length(quote: str) -> tuple[int, bool]:
    """How long a quote is: in words, or in characters (True) when it is Chinese or Japanese
    (holds an ideograph or kana)."""
    if not quote.isascii() and WIDE.search(quote):
        quote = quote.translate(_FULL_WIDTH)  # full-width digits are one number too
        if _HAS_IDEOGRAPHIC.search(quote):
            return len(_CHARACTER.findall(quote)), True
    return len(WORD.findall(quote)), False


@dataclass(frozen=True, slots=True)
class QuoteFact:
    cited: EvidenceRecord
    method: Method | None  # how the quote was found in its source; None: it was not
    named: frozenset[str]  # actors named where the quote stands (or last named before it)
    years: tuple[int, ...]  # years the quote states
    length: int  # in words, or in characters where `in_characters`
    near: tuple[str, float] | None = None  # closest passage and similarity, when not found
    elsewhere: tuple[str, ...] = ()  # other sources holding the quote, when not found
    in_characters: bool = False  # Chinese or Japanese: its length counts characters
    speaker: Speaker | None = None  # who speaks it, when it stands in speech (audit.speakers)
    # For a pledge of several actors: the actors its passage names (its sentence, its speaker, the
    # sentence before when its own names no one), and whether it states the commitment jointly.
    parties: frozenset[str] = frozenset()
    joint: bool = False

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
    quotes state few different ones), read after folding full-width forms and years written in
    Chinese numerals (二〇六〇年)."""
    if not text.isascii() and WIDE.search(text):
        text = text.translate(_FULL_WIDTH)
        if "年" in text:
            text = _HAN_YEAR.sub(lambda m: m.group().translate(_HAN_DIGITS), text)
    stated = {int(y) for pair in YEAR.findall(text) for y in pair if y}
    found = tuple(sorted(y for y in stated if 1990 <= y <= 2100))
    return _YEARS.setdefault(found, found)


# Words that state a commitment as shared by its parties: "both sides", "the two countries",
# "jointly", 双方 (both sides), 两国 (the two countries), 共同 (jointly).
JOINTLY = re.compile(
    r"\b(?:jointly|both (?:sides|countries|nations|parties|governments|leaders|presidents)|"
    r"the two (?:sides|countries|nations|parties|governments|leaders|presidents|economies)|"
    r"each other|one another|(?:work|working|worked|act|acting) together)\b"
    "|双方|两国|共同|携手",
    re.IGNORECASE,
)
# The "we" of a statement its parties issue together: the parties its opening words name.
_WE = re.compile(r"\b(?:we|our|us)\b|我们|我方", re.IGNORECASE)
_JOINT_STATEMENT = re.compile(
    r"\bjoint (?:statement|declaration|communiqu[ée]|press statement)\b|联合声明|共同声明",
    re.IGNORECASE,
)
OPENING = 1500  # characters of a source in which a joint statement names itself and its parties
_SHARED: dict[frozenset[str], frozenset[str]] = {}


def _shared(actors: frozenset[str]) -> frozenset[str]:
    """One frozenset for each set of actors: a register's quotes name few different ones."""
    return _SHARED.setdefault(actors, actors)


def examine(
    cited: EvidenceRecord,
    article: Article,
    actors: ActorMatcher,
    *,
    speech: Speech | None = None,
    several: bool = False,
) -> QuoteFact:
    """Locate one quote in its source's text and note what the checks need. `speech`: the
    article's attributions, shared by the quotes that cite it; `several`: the quote's pledge has
    several actors, so note which of them its passage names (QuoteFact.parties)."""
    quote, text = cited.quote, article.text
    stated = years(quote)
    size, in_characters = length(quote)
    span = article.find(quote)
    if span is None:
        near = closest(quote, text, article.folded)
        passage = None if near is None else (text[near.start : near.end], near.similarity)
        return QuoteFact(cited, None, frozenset(), stated, size, passage, (), in_characters)
    begin, end = sentence_bounds(text, span.start, span.end)
    sentence = actors.named(text[begin:end])
    if speech is None:
        speech = Speech(text, actors)
    who = speech.speaker(span.start, span.end, begin, end)
    if who is not None:  # its speaker, and those its sentence names: not who was named before
        named = sentence | who.actors
    else:
        named = sentence
        if not named:  # the nearest sentence before it that names anyone, and all it names
            last = actors.last_mention(text[:begin])
            if last is not None:
                before, _ = sentence_bounds(text, last, last + 1)
                named = actors.named(text[before:begin])
    parties, joint = frozenset[str](), False
    if several:
        context = text[begin:end]
        if not sentence and begin > 0:  # "They also agreed…": the sentence before says who
            last = len(text[:begin].rstrip()) - 1
            previous, _ = sentence_bounds(text, last, last + 1)
            context = text[previous:end]
            named |= actors.named(text[previous:begin])
        joint = JOINTLY.search(context) is not None
        if _WE.search(context) and _JOINT_STATEMENT.search(text, 0, OPENING):
            named |= actors.named(text[:OPENING])  # "we" are the parties the statement names
        parties = _shared(named)
    return QuoteFact(
        cited, span.method, _shared(named), stated, size, None, (), in_characters, who,
        parties, joint,
    )  # fmt: skip
