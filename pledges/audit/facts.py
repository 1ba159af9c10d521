"""What the audit learns about each quote from reading its source once.

`examine` is the only place that looks at article text; every check works on the facts it
returns, so that each article is read (and, when needed, normalised) once per audit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pledges.audit.actors import ActorMatcher
from pledges.audit.naming import Speaker
from pledges.audit.speakers import Speech
from pledges.elisions import Dishonest, judge
from pledges.sentences import sentence_bounds
from pledges.textmatch import Article, Method, closest
from pledges.vocab import Rank
from pledges.wording import length, years

if TYPE_CHECKING:
    from pledges.records import EvidenceRecord


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
    elision: Dishonest | None = None  # what is wrong with its ellipses (pledges.elisions)

    @property
    def located(self) -> bool:
        return self.method is not None

    @property
    def counts(self) -> bool:
        """Evidence that counts toward confidence and support (the rules of pledges.confidence)."""
        return self.located and self.cited.rank is not Rank.DEPRECATED


# Words that state a commitment as shared by its parties: "both sides", "the two countries",
# "jointly", 双方 (both sides), 两国 (the two countries), 共同 (jointly).
JOINTLY = re.compile(
    r"\b(?:jointly|both (?:sides|countries|nations|parties|governments|leaders|presidents)|"
    r"the two (?:sides|countries|nations|parties|governments|leaders|presidents|economies)|"
    r"each other|one another|(?:work|working|worked|act|acting) together)\b"
    "|双方|两国|共同|携手"
)  # (matched on lower-cased text: quicker than ignoring case)
# The "we" of a statement its parties issue together: the parties its opening words name.
_WE = re.compile(r"\b(?:we|our|us)\b|我们|我方")
_JOINT_STATEMENT = re.compile(
    r"\bjoint (?:statement|declaration|communiqu[ée]|press statement)\b|联合声明|共同声明"
)
OPENING = 1500  # characters of a source in which a joint statement names itself and its parties
_SHARED: dict[frozenset[str], frozenset[str]] = {}
_NO_ONE: frozenset[str] = frozenset()


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
        return QuoteFact(cited, None, _NO_ONE, stated, size, passage, (), in_characters)
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
    parties, joint = _NO_ONE, False
    if several:
        context, parties = text[begin:end].lower(), named
        we = who is not None and _WE.search(context) is not None  # the speaker's side
        if not sentence and begin > 0 and not we:  # "They also agreed…": the one before says who
            last = len(text[:begin].rstrip()) - 1
            previous, _ = sentence_bounds(text, last, last + 1)
            context = text[previous:end].lower()
            parties |= actors.named(text[previous:begin])
        joint = JOINTLY.search(context) is not None
        if _WE.search(context) and _JOINT_STATEMENT.search(text[:OPENING].lower()):
            parties |= actors.named(text[:OPENING])  # "we" are the parties the statement names
        parties = _shared(parties)
    elision = judge(quote, text) if span.method is Method.ELIDED else None
    return QuoteFact(
        cited, span.method, _shared(named), stated, size, None, (), in_characters, who,
        parties, joint, elision,
    )  # fmt: skip
