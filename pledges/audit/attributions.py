"""Attributions of speech in an article: "X said", "said X", "according to X", 解振华表示, 据X,
with the words that name the speaker; and the paragraphs and quotations speech stands in.

audit.speakers decides which attribution a quote belongs to and whom its words name. Pure
functions over strings.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

# Verbs of speech, English and Chinese (表示 said, 指出 pointed out, 强调 stressed…; 说 and 称 only
# before a comma, colon or quotation mark: they are parts of many other words), all found in one
# pass of an Aho-Corasick automaton (ahocorasick-rs: about 20 µs for a 4 KB article, where a
# regular expression of them takes 200).
VERBS = (
    "said", "says", "told", "tells", "stressed", "stresses", "added", "adds", "noted", "notes",
    "explained", "warned", "argued", "insisted", "emphasised", "emphasized", "underlined",
    "underscored", "reiterated", "affirmed", "reaffirmed", "wrote", "remarked", "observed",
    "acknowledged", "confirmed", "recalled", "pointed out", "made clear",
    "announced that", "declared that",  # not "the plan announced in May"
    "according to", "According to",
)  # fmt: skip
ZH_VERBS = (
    "表示", "指出", "强调", "介绍", "认为", "宣布", "坦言", "透露", "说道",
    *(verb + mark for verb in "说称" for mark in "，,：:“「。"),  # (说。 after a quotation)
)  # fmt: skip
_AUTOMATON: Any = None
_ACCORDING = -1  # the verb index of 据X (found by _ZH_ACCORDING)


def _automaton() -> Any:
    global _AUTOMATON
    if _AUTOMATON is None:
        import ahocorasick_rs

        kind = ahocorasick_rs.MatchKind.LeftmostLongest  # "reaffirmed", not its "affirmed"
        _AUTOMATON = ahocorasick_rs.AhoCorasick([*VERBS, *ZH_VERBS], matchkind=kind)
    return _AUTOMATON


# A subject starts after the last of these before its verb: the end of a quotation, a clause or
# a sentence (not the dot of an abbreviation: U.S., Mr., Dr.). Written backwards and searched for
# in the reversed region, so that the first match is the last one: one search, at C speed.
_CLAUSE_START = re.compile(
    '["“”«»「」『』;:()\n]| taht | elihw | saerehw '
    r"|\s[.!?](?![A-Z](?:[^\w]|$)|(?:rM|srM|sM|rD|tS)(?:[^\w]|$))"
)


def clause_start(region: str) -> int:
    """Where the clause that ends `region` starts."""
    found = _CLAUSE_START.search(region[::-1])
    if found is None:
        return 0
    mark = found.group()
    return len(region) - found.start() - (1 if mark[0] in " \t\r\n" and len(mark) > 1 else 0)


# An inverted attribution ("…,” said Li Shuo, an adviser") names its speaker in words that are no
# clause of their own ("…, said China would…" is not one).
_CLAUSE_WORDS = re.compile(
    r"\b(?:would|will|was|is|were|are|had|has|have|could|should|must|might|can|did|does|"
    r"planned|plans|aims|intends|wants|needs)\b"
)
# Words between a subject and its verb, or before the subject, that are not the subject
_ADVERBS = frozenset((
    "also", "then", "later", "earlier", "again", "further", "previously", "once", "has", "had",
    "have", "repeatedly", "and", "but", "yet", "so", "however",
    # and the times before a subject: "Last week Greenpeace said"
    "last", "this", "next", "week", "month", "year", "yesterday", "today", "on", "monday",
    "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
))  # fmt: skip
_PARTICLES = frozenset(["da", "de", "von", "der", "van", "bin", "al"])
_RELATIVE = re.compile(r"^\s*(?:who|whose|whom|which)\b")
_APPOSITION = re.compile(r"^\s*(?:a|an|the|his|her|its|their|one of)\s")
# What an "according to" names: a person or a body ("the official Xinhua News Agency"), not a
# document ("a draft plan seen by reporters", "a joint statement released on Monday").
_DOCUMENT_TAIL = re.compile(
    r"\s+(?:seen|released|published|issued|obtained|signed|cited|quoted|by|in|on|at|from|for|"
    r"with|to)\b.*$"
)

# Chinese: the speaker stands before the verb, after the last mark of punctuation; 据X报道
# (according to X).
_ZH_ACCORDING = re.compile("据([^，。；：！？、“”「」\n]{2,24}?)(?:介绍|表示|报道|称|消息|透露|说)")
_ZH_CUT = re.compile("[，,。；;：:！？、“”「」『』（）()\n]")
_ZH_ADVERBIAL = re.compile(
    "在[^在]{1,30}?(?:上|中|时|期间|之际)$|(?:今天|日前|近日|此前|当天|也|还|并|则|曾)$"
)


@dataclass(frozen=True, slots=True)
class Attribution:
    at: int  # where its verb stands
    end: int  # where its verb ends
    inverted: bool = False  # the speaker follows the verb, the speech before it ("…,” said X)
    according: bool = False  # "according to X", 据X
    named: str = ""  # who it names, when found with it (inverted, 据X); else see `subject`


def _subject_before(text: str, verb: int) -> str:
    """The words before a verb that name who speaks: back to the start of the clause, keeping
    an apposition ("Li Shuo, an adviser at Greenpeace, said") and passing over a relative
    clause ("Xi, who has not met Kerry, has insisted")."""
    region = text[max(0, verb - 220) : verb]
    region = region[clause_start(region) :]
    closed = region.rstrip().endswith(",")  # "Name, an adviser at X, said"
    segments = region.split(",")
    while len(segments) > 1 and all(w in _ADVERBS for w in segments[-1].lower().split()):
        segments.pop()  # "…, has insisted": the subject is further back
    relative = [i for i, part in enumerate(segments) if i and _RELATIVE.match(part)]
    if relative:  # "Kerry, who met A, B and C, said": the name is before the relative clause
        head = relative[0] - 1
    elif (
        closed
        and len(segments) > 1
        and (_APPOSITION.match(segments[-1]) or segments[-1].strip()[:1].islower())
    ):  # "Name, an adviser at X, said", "Name, lead analyst at X, said"
        head = len(segments) - 2
    else:
        head = len(segments) - 1
    apposition = "" if relative else ",".join(segments[head + 1 :])
    words = segments[head].split()
    if len(words) > 2 and words[-1] == "and":  # "Xi addressed a conference and said": Xi
        lead = 0
        while lead < len(words) and (words[lead][:1].isupper() or words[lead] in _PARTICLES):
            lead += 1
        words = words[:lead]
    while words and words[0].lower() in _ADVERBS:
        words.pop(0)
    while words and words[-1].lower() in _ADVERBS:
        words.pop()
    return (" ".join(words) + ("," + apposition if apposition.strip() else "")).strip(" ,")


def _subject_after(text: str, verb_end: int) -> str:
    """The words after an inverted attribution ("…,” said Li Shuo, an adviser at Greenpeace.")
    that name who speaks: to the end of the sentence."""
    region = text[verb_end : verb_end + 200]
    stop = re.search(r"(?<![A-Z])[.!?;](?:\s|$)|\n", region)
    if stop is not None:
        region = region[: stop.start()]
    return region.strip().strip(",").strip()


def _according(text: str, at: int) -> str:
    """The person or body an "according to" names; empty when it names a document."""
    named = text[at : at + 160].split(",")[0]
    named = re.split(r"[.;:!?\n]\s|[.;:!?]$", named, maxsplit=1)[0].strip()
    named = _DOCUMENT_TAIL.sub("", named)
    words = named.split()
    return named if words and words[-1][:1].isupper() else ""


def subject(text: str, attribution: Attribution) -> str:
    """The words of an attribution that name its speaker, as written ("" when there are none):
    found when asked, since most attributions of an article speak no quote of the register."""
    if attribution.named or attribution.inverted:
        return attribution.named
    if attribution.according:
        return _according(text, attribution.end)
    return _subject_before(text, attribution.at)


def _bounded(text: str, at: int, end: int) -> bool:
    """Whether text[at:end] is a word of its own."""
    return (at == 0 or not text[at - 1].isalnum()) and (end >= len(text) or not text[end].isalnum())


def _english(text: str, at: int, end: int, verb: str) -> Attribution:
    if verb.endswith("that"):
        end -= len(" that")
    if verb.lower() == "according to":
        return Attribution(at, end, according=True)
    before = text[max(0, at - 4) : at].rstrip()
    if before.endswith((",", "”", '"', "»", "」")) or not before:
        named = _subject_after(text, end)
        if named and not _CLAUSE_WORDS.search(named) and len(named.split()) <= 16:
            return Attribution(at, end, inverted=True, named=named)
    return Attribution(at, end)


def _chinese(text: str, at: int, end: int) -> Attribution | None:
    region = text[max(0, at - 40) : at]
    cuts = [mark.end() for mark in _ZH_CUT.finditer(region)]
    named = region[cuts[-1] :] if cuts else region
    named = _ZH_ADVERBIAL.sub("", named).strip()
    if not named or named.startswith("据"):  # 据…称: the according-to form
        return None
    return Attribution(at, at + 2, named=named)


class Attributions:
    """The attributions of speech in one text. Its verbs are found in one pass; each is made an
    Attribution (its kind, and for some its speaker's words) only when a quote asks for the
    attributions around it: most of an article's are never asked for."""

    def __init__(self, text: str) -> None:
        self.text = text
        found: list[tuple[int, int, int]] = _automaton().find_matches_as_indexes(text)
        if "据" in text:
            found += [(_ACCORDING, m.start(), m.end()) for m in _ZH_ACCORDING.finditer(text)]
            found.sort(key=lambda match: match[1])
        self._found = found
        self._at = [match[1] for match in found]
        self._made: dict[int, Attribution | None] = {}

    def between(self, low: int, high: int) -> list[Attribution]:
        """The attributions whose verb stands in text[low:high], in order."""
        made = self._made
        out = []
        for index in range(bisect_left(self._at, low), bisect_left(self._at, high)):
            if index not in made:
                made[index] = self._make(*self._found[index])
            attribution = made[index]
            if attribution is not None:
                out.append(attribution)
        return out

    def _make(self, verb: int, at: int, end: int) -> Attribution | None:
        text = self.text
        if verb == _ACCORDING:
            according = _ZH_ACCORDING.match(text, at)
            assert according is not None  # (found by the same expression)
            return Attribution(at, end, according=True, named=according[1])
        if verb >= len(VERBS):
            return _chinese(text, at, end)
        return _english(text, at, end, VERBS[verb]) if _bounded(text, at, end) else None


def attributions(text: str) -> list[Attribution]:
    """Every attribution of speech in a text, in order."""
    return Attributions(text).between(0, len(text))
