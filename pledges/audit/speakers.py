"""Who speaks a quote: the speaker of the quoted or reported speech it stands in.

News reports and statements put commitments in someone's mouth: “…,” Kerry said; Xie Zhenhua
told reporters that…; according to Li Shuo, an adviser at Greenpeace…; 解振华表示…. The audit
credits such a quote to its speaker, not to whichever country was named last before it.

The rules, in order (audit.attributions finds the attributions):

1. A quote inside quotation marks (“…”, "…", 「…」, 『…』, «…») is spoken by the attribution
   next to its quotation: after the closing mark (“…,” the envoy said; ” said Li Shuo), else
   before the opening mark (Kerry said: “…). A quotation with neither is spoken by the nearest
   attribution before it in its paragraph, else by the last one of the paragraph before (a
   speech that runs over paragraphs).
2. A quote outside quotation marks is reported speech when its sentence has an attribution:
   the nearest "X said (that)" before it, else ", X said" or "said X" after it, else
   "according to X".
3. The speaker an attribution names: a name that is an actor's alias speaks for that actor
   (Kerry: the United States); else a description that names an actor speaks for it ("China's
   climate envoy Liu Zhenmin", "a State Department spokesperson"), unless it marks an outsider
   (a researcher, an analyst, an adviser, a university, a think tank: OUTSIDERS), who speaks for
   no actor; a capitalised name that is no alias (Maria Lopez, Greenpeace) speaks for no actor;
   a family name alone (Xie) is the person named in full before it. A pronoun (he, she, 他, 她)
   or a role ("the envoy", "the minister", 该特使) is the nearest person named before it, with
   a title ("climate envoy John Kerry") or as a speaker. Anything else ("officials said",
   有关负责人表示) leaves the speaker unknown: the audit then keeps to the passage's names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from pledges.audit.attributions import Attribution, Attributions, clause_start, subject
from pledges.audit.layout import closing_in, paragraph, quotation
from pledges.audit.naming import (
    SURNAMES,
    TITLE_WORDS,
    FamilyName,
    Reference,
    Speaker,
    is_reference,
    naming,
)

if TYPE_CHECKING:
    from pledges.audit.actors import ActorMatcher


LOOK_BACK = 3000  # characters before a pronoun in which to look for the person it stands for
_ROLE_WORDS = (
    r"envoy|[Pp]resident|[Pp]remier|[Mm]inister|[Ss]ecretary|[Cc]hancellor|[Aa]mbassador|"
    r"[Ss]pokes(?:person|man|woman)|[Dd]irector|[Aa]dvis[eo]r|[Rr]esearcher|[Aa]nalyst|"
    r"[Pp]rofessor|[Ee]conomist|[Ee]xpert|[Cc]ommissioner|[Mm]ayor|[Gg]overnor|[Dd]iplomat|"
    r"[Nn]egotiator|[Cc]ounterpart|[Hh]ead|[Ll]ead|[Cc]hief|[Ff]ounder|[Cc]hair(?:man|woman)?|"
    r"[Ss]cientist|[Cc]ampaigner|[Ff]ellow"
)
_WORD = r"[A-Z][\w\u2019'-]+"  # a capitalised word
_PERSON = rf"{_WORD}(?:\s+(?:da|de|von|der|van|bin|al|{_WORD})){{0,3}}"
# A person named with a title: "climate envoy John Kerry", "President Xi Jinping", "China's
# Minister of Ecology and Environment Huang Runqiu" (the name: the last words of the capitalised
# run), "Dr Ana Ruiz"; or with a role after the name: "Xie Zhenhua, China's special envoy,".
_TITLED = re.compile(
    rf"(?:{_WORD}[\u2019']s\s+)?\b(?:{_ROLE_WORDS}|Mr\.?|Ms\.?|Mrs\.?|Dr\.?)"
    rf"(?:\s+(?P<titled>{_PERSON})"
    rf"|\s+(?:of|for)(?:\s+(?:the|and|of|{_WORD}))+?\s+(?P<of>{_WORD}\s+{_WORD})"
    rf"(?![\w\u2019'-]|\s+(?:[A-Z]|and\b)))"
    rf"|\b(?P<named>{_PERSON}),\s+(?:(?:a|an|the|{_WORD}[\u2019']s)\s|(?=[a-z]))[^,;]{{0,60}}?"
    rf"\b(?:{_ROLE_WORDS})\b"
)
# In Chinese the title comes before the name, with nothing between: 特使解振华, 部长黄润秋.
_ZH_TITLED = re.compile(
    "(?:特使|部长|主席|总理|发言人|主任|专家|教授|研究员|司长|局长|大使|顾问|总统|首相|书记)"
    "(?P<zh>[\u4e00-\u9fff·]{2,4})"
)
_STOP = re.compile(r"[.!?。！？](?=\s|$)")


class Speech:
    """The attributions of one article, found when first needed, and whom each one names."""

    def __init__(self, text: str, matcher: ActorMatcher) -> None:
        self.text, self.matcher = text, matcher
        self._attributions: Attributions | None = None
        self._named: dict[int, Speaker | None] = {}
        self._subjects: dict[int, str] = {}
        self._people: list[tuple[int, str, str]] | None = None

    def _between(self, low: int, high: int) -> list[Attribution]:
        """The attributions whose verb stands in text[low:high], in order."""
        if self._attributions is None:
            self._attributions = Attributions(self.text)
        return self._attributions.between(low, high)

    # --- whom an attribution names (rule 3)

    def subject(self, attribution: Attribution) -> str:
        words = self._subjects.get(attribution.at)
        if words is None:
            words = self._subjects[attribution.at] = subject(self.text, attribution)
        return words

    def named(self, attribution: Attribution) -> Speaker | None:
        if attribution.at not in self._named:
            self._named[attribution.at] = self._speaker(self.subject(attribution), attribution.at)
        return self._named[attribution.at]

    def _speaker(self, subject: str, at: int, resolve: bool = True) -> Speaker | None:
        subject = " ".join(subject.split())
        if not subject or len(subject) > 160:
            return None
        memo = self.matcher.memo  # what words name is the same in every article of a register
        said: Speaker | Reference | FamilyName | None
        if subject in memo:
            said = memo[subject]
        else:
            said = memo[subject] = naming(subject, self.matcher)
        if isinstance(said, Reference):
            return self._referent(at) if resolve else None
        if isinstance(said, FamilyName):
            return self._in_full(said.family, at) or said.otherwise
        return said

    def _in_full(self, family: str, at: int) -> Speaker | None:
        """The person named in full before `at` whose name holds `family`, as their first
        mention describes them (Premier Li Qiang for Li; family names come first in Chinese:
        Xie Zhenhua for Xie; 研究员王明 for 王明). None when there is none."""
        low = max(0, at - LOOK_BACK)
        if not family.isascii():
            found = self.text.rfind(family, low, at - len(family))
            if found < 0:
                return None
            cut = max(self.text.rfind(mark, low, found) for mark in "，。；：！？、“”\n")
            described = self._speaker(self.text[cut + 1 : found + len(family)], found, False)
            return None if described is None else replace(described, name=family)
        word = re.escape(family)
        given_first = re.compile(rf"(?:{_WORD}\s+){{1,3}}{word}\b").finditer(self.text, low, at)
        family_first = re.compile(rf"\b{word}(?:\s+{_WORD}){{1,2}}").finditer(self.text, low, at)
        for _, full in sorted(((m.start(), m.group()) for m in (*given_first, *family_first)),
                              reverse=True):  # fmt: skip
            name = " ".join(w for w in full.split() if w.lower() not in TITLE_WORDS)
            if name != family and self.matcher.named(full):
                return Speaker(name, self.matcher.named(full))
        return None

    def _referent(self, before: int) -> Speaker | None:
        """The nearest person named before `before`: with a title, as a named speaker outside
        quotation marks, or by a name of several words that opens a sentence."""
        low = max(0, before - LOOK_BACK)
        best: tuple[int, Speaker] | None = None
        if self._people is None:
            self._people = self._persons()
        for at, name, phrase in self._people:
            if at >= before:
                break
            if at >= low:
                speaker = self._speaker(phrase, at, resolve=False)
                if speaker is not None:
                    best = (at, Speaker(name, speaker.actors))
        for attribution in reversed(self._between(low, before)):
            if best is not None and attribution.at < best[0]:
                break
            words = " ".join(self.subject(attribution).split())
            if not words or is_reference(words) or self._quoted(attribution):
                continue
            speaker = self._speaker(words, attribution.at, resolve=False)
            if speaker is not None:
                return speaker
        return None if best is None else best[1]

    def _persons(self) -> list[tuple[int, str, str]]:
        """(where, name, words that describe them) of each person named with a title, and of
        each actor's alias of several capitalised words that opens a sentence ("Xie Zhenhua
        flew to California…"), in order."""
        text = self.text
        found = []
        for m in _TITLED.finditer(text):  # with the words before the title: "U.S. climate envoy"
            clause = text[max(0, m.start() - 40) : m.start()]
            clause = clause[max(clause_start(clause), clause.rfind(",") + 1) :]
            phrase = clause + m.group()
            found.append(
                (m.start(), m.group("titled") or m.group("of") or m.group("named"), phrase)
            )
        if not text.isascii():
            for m in _ZH_TITLED.finditer(text):
                cut = max(text.rfind(mark, 0, m.start()) for mark in "，。；：！？、\n")
                phrase, follows = text[cut + 1 : m.end()], m.group("zh")
                named = [follows[a:e] for a, e, _ in self.matcher.mentions(follows)]
                if named:  # an actor's alias after the title: its name
                    found.append((m.start(), named[0], phrase))
                elif follows[0] in SURNAMES:  # a Chinese name: a family name and one or two
                    found.append((m.start(), follows[:3], phrase))
        for start, end, _ in self.matcher.mentions(text):
            name = text[start:end]
            words = name.split()
            if len(words) > 1 and all(w[:1].isupper() for w in words) and _opens(text, start):
                found.append((start, name, name))
        found.sort()
        return found

    def _quoted(self, attribution: Attribution) -> bool:
        """Whether an attribution stands inside quoted words (“He also underscored…”)."""
        at, text = attribution.at, self.text
        low, high = paragraph(text, at, at + 1)
        return quotation(text, at, at + 1, low, high) is not None

    # --- the quote's speaker (rules 1 and 2)

    def speaker(self, start: int, end: int, begin: int, finish: int) -> Speaker | None:
        """Who speaks the quote text[start:end], whose sentence is text[begin:finish]; None when
        it stands in no speech, or its speaker is not known."""
        text = self.text
        low, high = paragraph(text, start, end)
        quoted = quotation(text, start, end, low, high)
        if quoted is None:
            chosen = self._reported(start, end, begin, finish)
            return None if chosen is None else self.named(chosen)
        opening, closing = quoted
        for _ in range(5):  # a quotation run on over paragraphs ends where its mark closes it
            if closing < high:
                break
            following = high
            while following < len(text) and text[following].isspace():
                following += 1
            if following >= len(text) or text[following] not in '“«「『"':
                break
            _, high = paragraph(text, following, following)
            closing = closing_in(text, following, high)
        stop = _STOP.search(text, closing + 1, high)
        after = self._between(closing + 1, stop.end() if stop else high)
        chosen = self._first(
            a for a in after if a.inverted or a.according or self._next_to(a, closing)
        )
        if chosen is None:  # before the opening mark, in its sentence
            before = self._between(max(low, begin), opening)
            chosen = self._first(a for a in reversed(before) if not a.inverted)
        if chosen is None:  # elsewhere in the paragraph before it, then in the paragraph before
            chosen = self._first(reversed(self._between(low, opening)))
        if chosen is None and low > 1:
            previous, _ = paragraph(text, low - 2, low - 2)
            chosen = self._first(reversed(self._between(previous, low)))
        return None if chosen is None else self.named(chosen)

    def _first(self, candidates: Iterable[Attribution]) -> Attribution | None:
        """The first of these attributions whose words name anyone."""
        return next((a for a in candidates if self.subject(a)), None)

    def _next_to(self, attribution: Attribution, closing: int) -> bool:
        """Whether an attribution's subject follows a closing mark (“…,” the envoy said)."""
        words = self.subject(attribution)
        at = self.text.find(words[:20], closing, attribution.at) if words else -1
        return 0 <= at - closing <= 4

    def _reported(self, start: int, end: int, begin: int, finish: int) -> Attribution | None:
        """Rule 2: the attribution that governs reported speech at text[start:end]."""
        found = self._between(begin, finish)
        chosen = self._first(
            a for a in reversed(found) if not a.according and not a.inverted and a.at < end
        )
        if chosen is None:
            chosen = self._first(a for a in found if a.at >= end and self._follows(a, end))
        return chosen or self._first(a for a in found if a.according)

    def _follows(self, attribution: Attribution, end: int) -> bool:
        """Whether an attribution after a quote speaks it: ", X said", in the same clause."""
        between = self.text[end : attribution.at]
        ended = self.text[end - 1 : end] in ".!?。！？"  # the quote ends its sentence
        return (
            not attribution.according and not ended and "," in between and not _STOP.search(between)
        )


def _opens(text: str, at: int) -> bool:
    """Whether text[at] opens a sentence: after a stop, a line break or a dateline's dash."""
    before = text[max(0, at - 3) : at].rstrip(" ")
    return not before or before[-1] in ".!?\n-\u2013\u2014。！？"
