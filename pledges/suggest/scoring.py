"""A candidate's score, from 0 to 1, and the reasons behind it.

What raises it: the marker that makes the passage an aim or a pledge (a pledge in itself, such as
"pledged" or 力争, counts more than an intention such as "will"), a deadline (a plain year counts
less), a quantity, a named actor, and words that say what the commitment is about. What lowers
it: a forecast, a past result, a demand made of someone else, a refusal, a question. The weights
were set on the gold set of tests/suggest_cases (README.md, "Suggesting commitments"), so that
the default --min-score keeps what a curator would keep.
"""

from __future__ import annotations

from collections.abc import Sequence

from pledges.suggest.targets import Number
from pledges.vocab import PledgeKind

MIN_SCORE = 0.5  # the default --min-score

MARKER = {
    "strong": 0.4,
    "renounce": 0.4,
    "stance": 0.35,
    "plain": 0.25,
    "deadline": 0.3,
    "agreed": 0.35,
    "noun": 0.25,
}
DEADLINE, YEAR, QUANTITY, ACTOR, SUBJECT, KIND = 0.2, 0.1, 0.1, 0.15, 0.1, 0.15
ZH_NOUN = 0.05  # 目标, 承诺: Chinese names its targets in reports of them as often as in pledges
LOWERING = {
    "forecast": 0.45,
    "past": 0.4,
    "demand": 0.45,
    "refusal": 0.6,
    "question": 0.3,
    "condition": 0.15,
    "headline": 0.3,
}

_MARKER_NAMES = {
    "strong": "a pledge", "renounce": "a promise not to act", "stance": "a stance stated",
    "plain": "an intention", "deadline": "a plan's deadline", "agreed": "an agreement",
    "noun": "a target named",
}  # fmt: skip
_KIND_NAMES = {
    "emissions_peak": "an emissions peak", "carbon_neutrality": "carbon neutrality",
    "net_zero": "net zero", "emissions_reduction": "cutting emissions",
    "renewable_energy": "clean energy", "coal": "coal", "methane_non_co2": "methane or other gases",
    "finance": "finance", "forests": "forests", "diplomatic_process": "climate talks",
    "cooperation": "cooperation", "other": "something else",
}  # fmt: skip
_LOWERING_NAMES = {
    "forecast": "a forecast", "past": "a past result", "demand": "a demand made of others",
    "refusal": "a refusal", "question": "a question", "condition": "a condition",
    "headline": "a headline",
}  # fmt: skip


def score(
    text: str,
    marker: tuple[int, int, str],
    kind_word: tuple[int, int, str] | None,
    figures: Sequence[Number],
    lowering: Sequence[tuple[int, int, str]],
    named: str | None,
    kind: PledgeKind,
    *,
    subject: bool = False,
) -> tuple[float, tuple[str, ...]]:
    """The score of one candidate and its reasons, those that raised it first. `subject`: the
    actor named is who the marker's clause is about ("India will", "we will", 双方将)."""
    family = marker[2].removeprefix("zh_")
    reasons = [f"{_MARKER_NAMES[family]}: “{text[marker[0] : marker[1]]}”"]
    deadline = next((n for n in figures if n.role == "deadline"), None)
    year = next((n for n in figures if n.role == "year"), None)
    if deadline is not None:
        reasons.append(f"a deadline: {text[deadline.start : deadline.end]}")
    elif year is not None:
        reasons.append(f"a year: {text[year.start : year.end]}")
    value = next((n for n in figures if n.role == "value"), None)
    if value is not None:
        reasons.append(f"a quantity: {_figure(value)}")
    if named is not None:
        who = "who commits" if subject else "who is named"
        reasons.append(f"{who}: {named}")
    if kind_word is not None:
        reasons.append(f"about {_KIND_NAMES[kind.value]}: “{text[kind_word[0] : kind_word[1]]}”")
    seen: set[str] = set()
    for start, end, label in lowering:
        family = label.removeprefix("zh_")
        if family not in seen:
            seen.add(family)
            shown = "" if family == "question" else f": “{text[start:end]}”"
            reasons.append(f"lowered by {_LOWERING_NAMES[family]}{shown}")
    total = points(marker, kind_word is not None, figures, lowering, named, subject=subject)
    return total, tuple(reasons)


def points(
    marker: tuple[int, int, str],
    kind_named: bool,
    figures: Sequence[Number],
    lowering: Sequence[tuple[int, int, str]],
    named: str | None,
    *,
    subject: bool = False,
) -> float:
    """A candidate's score, without its reasons (`score` adds them): also the bound that tells,
    before who commits is read, whether a candidate can reach the minimum."""
    total = weight(marker[2])
    roles = {n.role for n in figures}
    total += DEADLINE if "deadline" in roles else YEAR if "year" in roles else 0.0
    total += QUANTITY if "value" in roles else 0.0
    total += (ACTOR + (SUBJECT if subject else 0.0)) if named is not None else 0.0
    total += KIND if kind_named else 0.0
    total -= sum(LOWERING[f] for f in {label.removeprefix("zh_") for _, _, label in lowering})
    return round(min(1.0, max(0.0, total)), 2)


def weight(label: str) -> float:
    """What a marker adds to a score."""
    if label == "zh_noun":
        return ZH_NOUN
    return MARKER[label.removeprefix("zh_")]


def _figure(number: Number) -> str:
    value = f"{number.value:g}"
    if number.unit in (None, "%"):
        return f"{value}{number.unit or ''}"
    return f"{value} {number.unit}"
