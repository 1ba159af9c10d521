"""Whom the words of an attribution name: a person or body, the actors they speak for, or
someone to look for before them (a pronoun, a role, a family name alone). Rule 3 of
pledges.audit.speakers, as far as the words alone say it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pledges.audit.actors import ActorMatcher


@dataclass(frozen=True, slots=True)
class Speaker:
    """Who speaks a quote: the name as the article writes it, and the actors it speaks for
    (none: an outsider, or a name that is no actor's alias)."""

    name: str
    actors: frozenset[str]
    outsider: bool = False  # an analyst, a researcher, a think tank: no alias would be right


_NONE: frozenset[str] = frozenset()

# Words that say a speaker speaks for no government: an expert, a campaigner, a body of them.
OUTSIDERS = re.compile(
    r"\b(?:researchers?|analysts?|advis[eo]rs?|professors?|fellows?|economists?|experts?|"
    r"scholars?|academics?|campaigners?|activists?|scientists?|consultants?|observers?|critics?|"
    r"environmentalists?|lecturers?|think[ -]tanks?|universit(?:y|ies)|institutes?|NGOs?|"
    r"non-governmental|non-profit|nonprofit|environmental groups?)\b"
    "|研究员|研究人员|专家|教授|学者|分析师|分析人士|顾问|大学|研究院|研究所|智库|学院|非政府组织",
    re.IGNORECASE,
)
# Those who speak as a group for no one but themselves ("Analysts said…").
_OUTSIDER_GROUPS = re.compile(
    r"(?:\w+\s+)?(?:analysts|experts|researchers|scientists|economists|campaigners|activists|"
    r"observers|critics|environmentalists|environmental groups)",
    re.IGNORECASE,
)
_PRONOUNS = frozenset({"he", "she"})
_ROLES = re.compile(
    r"(?:the|that|this)\s+(?:\w+\s+){0,2}?(?:envoy|minister|president|premier|official|"
    r"spokesperson|spokesman|spokeswoman|secretary|negotiator|diplomat|ambassador|chancellor|"
    r"commissioner|mayor|governor|adviser|advisor|researcher|analyst|professor|expert|economist|"
    r"scholar|director|chief|leader|politician)",
    re.IGNORECASE,
)
_ZH_PRONOUN = re.compile("(?:他|她)(?:还|也|并|则|曾)?")
_ZH_ROLE = re.compile("(?:该|这位|此位)(?:特使|部长|官员|发言人|负责人|专家|学者|教授|代表)")
# Subjects that name no one in particular ("officials said", "informed sources said", "it said"):
# the speaker stays unknown. Their first or last word is one of these.
_GENERIC = frozenset((
    "official", "officials", "diplomat", "diplomats", "negotiator", "negotiators", "source",
    "sources", "people", "ministry", "ministries", "government", "governments", "statement",
    "report", "plan", "document", "documents", "data", "figures", "agency", "spokesperson",
    "spokesman", "spokeswoman", "it", "they", "we", "i", "you", "this", "that", "which", "who",
    "both", "side", "sides", "countries", "leaders", "parties", "delegation", "delegations",
    "team", "teams", "media", "newspaper", "others", "participants", "organisers", "organizers",
))  # fmt: skip
# Capitalised only because they open a sentence: no name.
_OPENERS = frozenset((
    "a", "an", "the", "under", "in", "at", "on", "but", "and", "after", "before", "during",
    "speaking", "as", "while", "for", "with", "by", "from", "this", "that", "these", "those", "it",
    "its", "their", "our", "his", "her", "some", "many", "most", "other", "both", "several",
    "asked", "meanwhile", "however", "separately", "earlier", "later",
))  # fmt: skip
_NAME_RUN = re.compile(
    r"[A-Z][\w\u2019'.-]*(?:\s+(?:da|de|von|der|van|bin|al|[A-Z][\w\u2019'.-]*))*"
)
# The commonest Chinese family names: what follows a title is a name when it starts with one
# (特使解振华), not when it is other words (特使前一天的讲话, "the envoy's speech the day before").
SURNAMES = frozenset(
    "李王张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤解习温胡俞仇"
)


class Reference:
    """Words that point back to someone named before (he, the envoy, 他, 该特使)."""


@dataclass(frozen=True, slots=True)
class FamilyName:
    """A family name alone (Xie): the person named in full before it, if any, else `otherwise`."""

    family: str
    shown: str
    otherwise: Speaker | None


REFERENCE = Reference()


TITLE_WORDS = frozenset((
    "envoy", "president", "premier", "minister", "secretary", "senator", "ambassador",
    "chancellor", "governor", "mayor", "commissioner", "vice", "prime", "mr", "mr.", "ms", "ms.",
    "mrs", "mrs.", "dr", "dr.", "professor", "prof.", "special", "climate",
))  # fmt: skip


def naming(subject: str, matcher: ActorMatcher) -> Speaker | Reference | FamilyName | None:
    """Whom the words of an attribution name, as far as the words alone say (rule 3)."""
    named = matcher.named(subject)
    if not named and is_reference(subject):  # not "the Chinese envoy"
        return REFERENCE
    head = re.split(r",|\bwho\b", subject, maxsplit=1)[0].strip()
    runs = _NAME_RUN.findall(head)
    if runs and runs[0].split()[0].lower() in _OPENERS and head.startswith(runs[0]):
        runs[0] = " ".join(runs[0].split()[1:])  # "Under the plan": no name
    runs = [run for run in runs if run]
    person = runs[-1] if runs else ""
    shown = shown_name(subject)
    if named and person and matcher.named(person):
        return Speaker(shown, matcher.named(person))
    if OUTSIDERS.search(subject):
        return Speaker(shown, _NONE, outsider=True)
    if named:
        return Speaker(shown, named)
    if _OUTSIDER_GROUPS.fullmatch(subject):
        return Speaker(shown, _NONE, outsider=True)
    if not subject[:1].isascii():  # Chinese words that name no actor and no outsider
        if 2 <= len(head) <= 3 and head[0] in SURNAMES:  # a name alone: 王明说
            return FamilyName(head, shown, None)
        return None
    words = head.split()
    unknown = (
        not runs
        or not words
        or words[0].lower() in _GENERIC
        or (words[-1].lower() in _GENERIC and words[-1].islower())
    )
    otherwise = None if unknown else Speaker(shown, _NONE)
    family = [w for w in person.split() if w.lower() not in TITLE_WORDS]
    if len(family) == 1:  # a family name alone, or after a title: Xie, Envoy Xie, Premier Li
        return FamilyName(family[0], shown, otherwise)
    return otherwise


def is_reference(subject: str) -> bool:
    """Whether a subject points back to someone named before (he, the envoy, 他, 该特使)."""
    return (
        subject.lower() in _PRONOUNS
        or _ROLES.fullmatch(subject) is not None
        or _ZH_PRONOUN.fullmatch(subject) is not None
        or _ZH_ROLE.fullmatch(subject) is not None
    )


def shown_name(subject: str) -> str:
    return subject if len(subject) <= 100 else subject[:99] + "…"
