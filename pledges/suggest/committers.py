"""Who commits to a candidate's passage.

The actors its clause names before its marker ("China has pledged", "Kerry said US and Chinese
officials would"); for a pronoun ("it would", "they will"), those its sentence named before; for
a joint subject ("the two sides agreed", 双方将), the parties named before it; else the speaker
of the quote or reported speech it stands in (pledges.audit.speakers), when that speaker speaks
for an actor; for a subject that refers back ("the government will"), who was named before. No
one when the clause's subject is someone the register lacks ("Japan, for its part, raised…",
"Canada also said it would", 日本表示，将…) or many unnamed ("more than 110 countries"): a
suggestion does not guess. A Chinese clause that starts with its verb (加快建设…) is the actor
its sentence named last, else the body named last before it (the plan's author). A dateline's
place is no one. Failing all these, the actors its sentence names, else those named last before
it: then the reader does not say that they commit.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from pledges.audit.attributions import clause_start
from pledges.suggest import cues
from pledges.suggest.cued import CJK, DATELINE, Cued, Hit, Mention

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
_ZH_SPEAKER = re.compile("[\u4e00-\u9fff]{2,}(?:表示|宣布|指出|强调|称)")  # 日本表示
# Speakers that are no one the register could lack: the text itself, an official, 他.
_ZH_GENERIC = re.compile("声明|文件|方案|报告|公报|讲话|他|她|官员|负责人|人士|发言人|有关|该")
# Subjects of a Chinese clause that are not the body that issues a text: companies, observers,
# the public, and the text or its targets themselves (新目标将…, 方案的落实…).
_ZH_OTHERS = re.compile(
    "企业|公司|机构|外界|专家|人士|各方|社会|行业|车企|方案|目标|文件|执行|力度"
)
# Subjects that are many, unnamed: "more than 110 countries", "the signatories".
_MANY = frozenset(
    (
        "countries",
        "nations",
        "companies",
        "governments",
        "signatories",
        "firms",
        "states",
        "members",
        "cities",
        "banks",
        "groups",
        "producers",
        "exporters",
    )
)
# A subject that refers back to who was named before ("the bloc is bound to").
_REFERRING = tuple(f"the {noun} " for noun in (
    "country", "bloc", "government", "administration", "union", "ministry", "company", "city",
    "province", "state", "group", "firm", "cabinet", "commission"))  # fmt: skip
_INSERTED = (", which ", ", who ")  # a clause set between commas, after its subject
_FIRST_PERSON = ("we ", "we'", "we\u2019", "our ", "i ", "我们", "我国", "我方")


def who(
    cued: Cued, start: int, end: int, begin: int, finish: int, marker: Hit
) -> tuple[tuple[str, ...], str | None, bool]:
    """Who commits to the passage text[start:end] of the sentence text[begin:finish], how the
    reader knows (for the reasons), and whether they are the subject of the marker's clause."""
    dateline = DATELINE.match(cued.text, begin, marker[0])
    if dateline is not None:  # "Washington, 22 April 2021 — President Biden said…"
        begin = dateline.end()
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
        found = _chinese(cued, begin, clause, marker, sentence, opening)
        if isinstance(found, str):
            opening = found  # a joint subject (双方将…): its parties, below
        else:
            return found
    pronoun = opening.rstrip().rsplit(" ", 1)[-1] in _PRONOUNS
    if pronoun:  # "China said it would", "they would": who the sentence named before it
        before = [m for m in sentence if m[0] < marker[0]]
        if not before and _names_someone(cued.text[begin : marker[0]]):
            return (), None, False  # "Canada also said it would": someone the register lacks
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
    many = any(word.strip(",") in _MANY for word in words)  # "more than 110 countries agreed"
    if not first_person and (many or _names_someone(cued.text[clause : marker[0]])):
        return (), None, False  # "Japan, for its part, raised…": someone the register lacks
    if opening.startswith(_REFERRING) and not sentence:  # "the government will": named before
        last = _before(cued, begin)
        if last is not None:
            return (last[2],), f"{' '.join(words[:2])} ({cued.text[last[0] : last[1]]})", True
    if sentence:
        actors = _ordered(sentence)
    else:
        last = _before(cued, begin)
        actors = () if last is None else (last[2],)
    if first_person and actors:  # "we will": the side the text speaks for
        return actors, words[0] if words else "we", True
    return actors, None, False


def _chinese(
    cued: Cued, begin: int, clause: int, marker: Hit, sentence: list[Mention], opening: str
) -> tuple[tuple[str, ...], str | None, bool] | str:
    """Who commits to a Chinese clause that names no actor before its verb: the actor its
    sentence named last before it (中国…力争…，努力争取…), else the body that issues the text
    (加快建设…); no one when another speaks (日本表示，将…) or the subject is no actor
    (企业正在加快…). A joint subject (双方将…，并计划…) is returned as its word, for the
    parties named before it."""
    text = cued.text
    region = text[begin : marker[0]].lower()
    head = region[: max(region.find("\uff0c"), 0)] or region
    joint = next((word for word in cues.JOINT if word in opening or word in head), None)
    if joint is not None:
        return joint
    speaker = _ZH_SPEAKER.search(text, begin, marker[0])
    if speaker is not None and not sentence and not _ZH_GENERIC.search(speaker.group()):
        return (), None, False  # someone the register lacks
    subject = [m for m in sentence if m[0] < marker[0]][-1:]  # 中国…力争…，努力争取…
    if subject:
        return _ordered(subject), text[subject[0][0] : subject[0][1]], True
    if head.startswith(_FIRST_PERSON) or opening.startswith(_FIRST_PERSON):
        last = _before(cued, begin)
        return ((), None, False) if last is None else ((last[2],), head[:2], True)
    if _ZH_OTHERS.search(text, clause, marker[0]) is not None:
        return (), None, False
    last = _before(cued, begin)
    return ((), None, False) if last is None else ((last[2],), text[last[0] : last[1]], True)


def _before(cued: Cued, at: int) -> Mention | None:
    """The last name before `at`, leaving out a dateline's place ("Washington, 22 April —")."""
    text = cued.text
    for earlier in range(bisect_right(cued.mention_starts, at) - 1, -1, -1):
        mention = cued.mentions[earlier]
        line = text.rfind("\n", 0, mention[0]) + 1
        dateline = DATELINE.match(text, line)
        if dateline is None or dateline.end() <= mention[0]:
            return mention
    return None


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
