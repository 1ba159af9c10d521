"""Who commits to a candidate's passage.

The actors its clause names before its marker ("China has pledged", "Kerry said US and Chinese
officials would"); for a pronoun ("it would", "they will"), those its sentence named before; for
a joint subject ("the two sides agreed", 双方将), the parties named before it; else the speaker
of the quote or reported speech it stands in (pledges.audit.speakers), when that speaker speaks
for an actor. A Chinese clause that starts with its verb (加快建设…) is the subject's of its
sentence's first clause, else the body named last before it (the plan's author). Failing all
these, the actors its sentence names, else those named last before it: then the reader does not
say that they commit.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from pledges.audit.attributions import clause_start
from pledges.suggest import cues
from pledges.suggest.cued import CJK, Cued, Hit, Mention

_PARTIES_REACH = 6  # the last mentions before a joint subject, among which its parties are
_PRONOUNS = frozenset({"it", "they", "he", "she"})
_NEAR_SUBJECT = 40  # characters between who commits and its marker, unless they open its clause
_SUBJECT_REACH = 120  # characters before its marker in which a clause names who commits
_SUBORDINATE = (", as ", ", while ", ", which ", ", who ", ", after ", ", when ", ", but ", " but ")
# Capitalised words that name no one: a sentence's first word may be one of these.
_NO_NAME = frozenset((
    "the", "it", "its", "this", "that", "these", "those", "their", "our", "we", "he", "she",
    "they", "his", "her", "a", "an", "officials", "under", "however", "but", "and", "in", "on",
    "at", "for", "by", "with", "as", "also", "separately", "meanwhile", "president", "minister",
    "prime", "premier",
))  # fmt: skip
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+")
_INSERTED = (", which ", ", who ")  # a clause set between commas, after its subject
_FIRST_PERSON = ("we ", "we'", "we\u2019", "our ", "i ", "我们", "我国", "我方")


def who(
    cued: Cued, start: int, end: int, begin: int, finish: int, marker: Hit
) -> tuple[tuple[str, ...], str | None, bool]:
    """Who commits to the passage text[start:end] of the sentence text[begin:finish], how the
    reader knows (for the reasons), and whether they are the subject of the marker's clause."""
    sentence = cued.mentions_in(begin, finish)
    reach = max(begin, marker[0] - _SUBJECT_REACH)
    clause = reach + _clause_start(cued.text[reach : marker[0]])
    leading = cued.text[clause : marker[0]].split(None, 1)
    opens = len(leading[0]) + 1 if leading else 0
    subject = [m for m in sentence if clause <= m[0] < marker[0]
               and (m[0] <= clause + opens or marker[0] - m[1] <= _NEAR_SUBJECT)]  # fmt: skip
    opening = cued.text[clause : marker[0]].lower().lstrip('“"「 ')
    first_person = opening.startswith(_FIRST_PERSON)
    if subject and not first_person:
        return _ordered(subject), cued.text[subject[0][0] : subject[0][1]], True
    if not subject and CJK.search(cued.text, marker[0], marker[1] + 1):
        # A Chinese clause that starts with its verb: the subject of its sentence's first
        # clause (双方将…，并计划…), else the body that issues the text (加快建设…)
        region = cued.text[begin : marker[0]].lower()
        head = region[: max(region.find("\uff0c"), 0)] or region
        subject = [m for m in sentence if m[0] < begin + len(head)]
        if subject:
            return _ordered(subject), cued.text[subject[0][0] : subject[0][1]], True
        opening = head
        first_person = opening.startswith(_FIRST_PERSON)
        fallback = _before(cued, begin)
        joint = next((word for word in cues.JOINT if word in opening), None)
        if joint is None and fallback is not None and not first_person:
            return (fallback[2],), cued.text[fallback[0] : fallback[1]], True
    pronoun = opening.rstrip().rsplit(" ", 1)[-1] in _PRONOUNS
    if pronoun:  # "China said it would", "they would": who the sentence named before it
        before = [m for m in sentence if m[0] < marker[0]]
        if not before:
            last = _before(cued, begin)
            before = [] if last is None else [last]
        if before:
            return _ordered(before), cued.text[before[0][0] : before[0][1]], True
    joint = next((word for word in cues.JOINT if word in opening), None)
    if joint is not None:  # "the two sides agreed", 双方将: those named before
        high = bisect_left(cued.mention_starts, finish)
        parties = _ordered(cued.mentions[max(0, high - _PARTIES_REACH) : high])
        return tuple(sorted(parties)), joint, True
    speaker = cued.speech.speaker(start, end, begin, finish)
    if speaker is not None and speaker.actors and not speaker.outsider:
        return tuple(sorted(speaker.actors)), f"{speaker.name} (speaking)", first_person
    words = opening.split()
    if not first_person and _names_someone(cued.text[clause : marker[0]]):
        return (), None, False  # "Japan, for its part, raised…": someone the register lacks
    if sentence:
        actors = _ordered(sentence)
    else:
        last = _before(cued, begin)
        actors = () if last is None else (last[2],)
    if first_person and actors:  # "we will": the side the text speaks for
        return actors, words[0] if words else "we", True
    return actors, None, False


def _before(cued: Cued, at: int) -> Mention | None:
    """The last name before `at`."""
    earlier = bisect_right(cued.mention_starts, at) - 1
    return cued.mentions[earlier] if earlier >= 0 else None


def _names_someone(opening: str) -> bool:
    """Whether a clause's words before its verb hold a name (a capitalised word that is not the
    first word of a sentence, or one that is no common word): then its subject is someone the
    register does not know, not who was named before."""
    for found in _CAPITALISED.finditer(opening):
        if found.start() > 0 and not opening[: found.start()].isspace():
            return True
        if found.group().lower() not in _NO_NAME:
            return True
    return False


def _clause_start(region: str) -> int:
    """Where the clause that ends `region` starts: after a quotation mark, a semicolon or a
    colon, or "that" (pledges.audit.attributions.clause_start), after a comma and a word that
    starts another clause (", as", ", which"), or after a Chinese comma."""
    start = clause_start(region)
    lowered = region.lower()
    for word in _SUBORDINATE:
        at = lowered.rfind(word)
        closed = word in _INSERTED and ", " in lowered[at + len(word) :]
        if at >= 0 and not closed:  # (", which returned in May, has pledged": closed)
            start = max(start, at + len(word))
    if not region.isascii():
        start = max(start, *(region.rfind(mark) + 1 for mark in "\uff0c\uff1b\uff1a"))
    return start


def _ordered(mentions: list[tuple[int, int, str]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(actor for _, _, actor in mentions))
