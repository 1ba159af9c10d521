"""Attributions of speech in an article: "X said", "said X", "according to X", 解振华表示, 据X,
with the words that name the speaker; and the paragraphs and quotations speech stands in.

audit.speakers decides which attribution a quote belongs to and whom its words name. Pure
functions over strings.
"""

from __future__ import annotations

import re
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
    *(verb + mark for verb in "说称" for mark in "，,：:“「"),
)  # fmt: skip
_AUTOMATON: Any = None


def _automaton() -> Any:
    global _AUTOMATON
    if _AUTOMATON is None:
        import ahocorasick_rs

        kind = ahocorasick_rs.MatchKind.LeftmostLongest  # "reaffirmed", not its "affirmed"
        _AUTOMATON = ahocorasick_rs.AhoCorasick([*VERBS, *ZH_VERBS], matchkind=kind)
    return _AUTOMATON


OPENING = "“«「『"
CLOSING = "”»」』"
_QUOTES = re.compile('["“”«»「」『』]')
# A subject starts after the last of these before its verb: the end of a quotation, a clause or
# a sentence (not the dot of an abbreviation: U.S., Mr., Dr.). Written backwards and searched for
# in the reversed region, so that the first match is the last one: one search, at C speed.
_CLAUSE_START = re.compile(
    '["“”«»「」『』;:()\n]| taht | elihw | saerehw '
    r"|\s[.!?](?![A-Z](?:[^\w]|$)|(?:rM|srM|sM|rD|tS)(?:[^\w]|$))"
)


def _clause_start(region: str) -> int:
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
_PARAGRAPH_END = '.!?。！？”"」』:：'


@dataclass(frozen=True, slots=True)
class Attribution:
    at: int  # where its verb stands
    end: int  # where its verb ends
    inverted: bool = False  # the speaker follows the verb, the speech before it ("…,” said X)
    according: bool = False  # "according to X", 据X
    named: str = ""  # who it names, when found with it (inverted, 据X); else see `subject`


def paragraph(text: str, start: int, end: int) -> tuple[int, int]:
    """The bounds of the paragraph holding text[start:end]: between blank lines, or lines that
    end a sentence (a hard-wrapped line does not end a paragraph)."""
    low = start
    while True:
        at = text.rfind("\n", 0, low)
        if at < 0:
            low = 0
            break
        before = text[:at].rstrip(" \t\r")
        if not before or before[-1] in _PARAGRAPH_END or text[:at].endswith("\n"):
            low = at + 1
            break
        low = at
    high = end
    while True:
        at = text.find("\n", high)
        if at < 0:
            return low, len(text)
        line = text[high:at].rstrip(" \t\r")
        ended = line[-1:] in _PARAGRAPH_END if line else text[high - 1 : high] in _PARAGRAPH_END
        if text[at + 1 : at + 2] == "\n" or ended:
            return low, at
        high = at + 1


def quotation(text: str, start: int, end: int, low: int, high: int) -> tuple[int, int] | None:
    """(opening, closing) marks of the quotation holding text[start:end] in the paragraph
    text[low:high]; the closing mark is `high` when the quotation runs on past the paragraph.
    None when the quote stands in no quotation."""
    marks = list(_QUOTES.finditer(text, low, start))
    opening: int | None = None
    for mark in reversed(marks):
        if mark.group() in CLOSING:
            return None
        if mark.group() in OPENING:
            opening = mark.start()
            break
    if opening is None:
        straight = [m.start() for m in marks if m.group() == '"']
        if len(straight) % 2 == 0:
            return None
        opening = straight[-1]
    closing = _QUOTES.search(text, start, high)  # (a quote may run past it: “…,” he said)
    while closing is not None and closing.group() in OPENING:
        closing = _QUOTES.search(text, closing.end(), high)
    return opening, (closing.start() if closing is not None else high)


def _subject_before(text: str, verb: int) -> str:
    """The words before a verb that name who speaks: back to the start of the clause, keeping
    an apposition ("Li Shuo, an adviser at Greenpeace, said") and passing over a relative
    clause ("Xi, who has not met Kerry, has insisted")."""
    region = text[max(0, verb - 220) : verb]
    region = region[_clause_start(region) :]
    closed = region.rstrip().endswith(",")  # "Name, an adviser at X, said"
    segments = region.split(",")
    while len(segments) > 1 and all(w in _ADVERBS for w in segments[-1].lower().split()):
        segments.pop()  # "…, has insisted": the subject is further back
    relative = [i for i, part in enumerate(segments) if i and _RELATIVE.match(part)]
    if relative:  # "Kerry, who met A, B and C, said": the name is before the relative clause
        head = relative[0] - 1
    elif closed and len(segments) > 1 and _APPOSITION.match(segments[-1]):
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


def attributions(text: str) -> list[Attribution]:
    """Every attribution of speech in a text, in order."""
    found: list[Attribution] = []
    english = len(VERBS)
    for index, at, end in _automaton().find_matches_as_indexes(text):
        if index < english:
            if _bounded(text, at, end):
                found.append(_english(text, at, end, VERBS[index]))
        else:
            chinese = _chinese(text, at, end)
            if chinese is not None:
                found.append(chinese)
    if "据" in text:
        for according in _ZH_ACCORDING.finditer(text):
            named = according[1]
            found.append(
                Attribution(according.start(), according.end(), according=True, named=named)
            )
        found.sort(key=lambda a: a.at)
    return found
