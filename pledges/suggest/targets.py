"""The numbers of a passage, read as a commitment's target: its deadline, its baseline and its
value with a unit.

Every number of an article is found in one pass of a regular expression that starts with a digit
(the engine scans for it at C speed); what a number is follows from the few characters around it:

- a year (1990-2100) is a deadline after "by", "before", "until", "no later than", "in", "from"
  or "for", or in 到2030年, 2030年前 and 2030年底; a baseline before "levels" or after "below",
  "compared with", 比 or 较; any other year is just a year;
- any other number is a target's value when a unit follows it (%, per cent, gigawatts, GW,
  tonnes, billion, 亿千瓦…) or a currency sign comes before it ($100 billion).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# The words before a year that make it a deadline, or a baseline; and after it (str.endswith and
# str.startswith on a few characters: a regular expression per number costs five times more).
_DEADLINE_WORDS = ("by", "before", "until", "till", "no later than", "from", "through", "within",
                   "end of", "到", "至")  # fmt: skip
_DEADLINE_AFTER = ("年前", "年以前", "年之前", "年底", "年末")
_BASELINE_WORDS = ("below", "compared with", "compared to", "relative to", "against", "over",
                   "on", "below the", "below its", "比", "较", "相比", "相较")  # fmt: skip
_BASELINE_AFTER = (" level", " baseline", "年水平", "年基础")
_DATE_WORDS = ("截至", "截止")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun",
           "jul", "aug", "sep", "sept", "oct", "nov", "dec")  # fmt: skip
_DATE_AFTER = re.compile(r"年\d{1,2}月")
_UNIT = re.compile(
    r"\s*(?:(?:-|\u2013|to)\s*\d+(?:\.\d+)?\s*)?(%|\uff05|per\s?cent|percent|gigawatts?|GW\b|"
    r"megawatts?|MW\b|billion|bn\b|million|trillion|tonnes?|tons?|亿千瓦|万千瓦|千瓦|亿吨|万吨|"
    r"亿立方米|万亿元|亿元|亿|万)(\s+(?:yen|pounds|euros|dollars|yuan)\b|美元|元)?",
    re.IGNORECASE,
)
_CURRENCY = re.compile(r"(?:US\$|\$|€|£|¥)\s?$")
_UNITS = {"%": "%", "\uff05": "%", "per cent": "%", "percent": "%", "gigawatt": "GW",
          "gigawatts": "GW", "gw": "GW", "megawatt": "MW", "megawatts": "MW", "mw": "MW",
          "bn": "billion", "tonne": "tonnes", "ton": "tonnes", "tons": "tonnes"}  # fmt: skip

_DATE = re.compile(r"[-/]\d{1,2}[-/]\d|:\d")
_MONEY = {"US$": "USD", "$": "USD", "€": "EUR", "£": "GBP", "¥": "CNY", "yen": "JPY",
          "pounds": "GBP", "euros": "EUR", "dollars": "USD", "yuan": "CNY",
          "美元": "USD"}  # fmt: skip

Role = Literal["deadline", "baseline", "year", "date", "value"]


@dataclass(frozen=True, slots=True)
class Number:
    """One number of an article: where it stands, what it is, and its value and unit."""

    start: int
    end: int
    role: Role
    value: float
    unit: str | None = None


def _unit(word: str) -> str:
    key = " ".join(word.lower().split())
    return _UNITS.get(key, key if not key.isascii() else word.strip())


def _after_word(before: str, words: tuple[str, ...]) -> bool:
    """Whether `before` ends with one of `words`, standing as a word (then spaces)."""
    lowered = before.lower().rstrip()
    if not lowered.endswith(words):
        return False
    for word in words:
        if lowered.endswith(word):
            edge = len(lowered) - len(word) - 1
            if not word.isascii() or edge < 0 or not lowered[edge].isalnum():
                return True
    return False


def _role(before: str, after: str) -> Role:
    """What a year is, from the words around it."""
    lowered = after.lower()
    if lowered.startswith(_BASELINE_AFTER) or _after_word(before, _BASELINE_WORDS):
        return "baseline"
    if (after.startswith("年") and _DATE_AFTER.match(after)) or before.endswith(_DATE_WORDS):
        return "date"  # 2021年10月: a day things happened; 截至2020年底: a time things stood
    if _after_word(before, _MONTHS):  # "in April 2021": a day things happened, "by June 2030"
        month = before.lower().rstrip().rsplit(None, 1)[-1]
        rest = before.rstrip()[: -len(month)]
        return "deadline" if _after_word(rest, _DEADLINE_WORDS) else "date"
    if after.startswith(_DEADLINE_AFTER) or _after_word(before, _DEADLINE_WORDS):
        return "deadline"
    return "year"


def _titled(text: str, at: int) -> bool:
    """Whether text[at] stands in the title of a document (《…》), which names, not sets, a year."""
    opening = text.rfind("\u300a", max(0, at - 40), at)
    return opening >= 0 and text.find("\u300b", opening, at) < 0


def numbers(text: str, low: int = 0, high: int | None = None) -> list[Number]:
    """Every year and target value of text[low:high], in order."""
    found: list[Number] = []
    for match in _NUMBER.finditer(text, low, len(text) if high is None else high):
        start, end = match.span()
        digits = match.group()
        if (start > 0 and text[start - 1] in ".-/:\u2013") or _DATE.match(text, end):
            continue  # the end of a range, a date, a time, an id (50-52, 2023-11-15, 10:30)
        before = text[max(0, start - 16) : start]
        if len(digits) == 4 and digits.isdigit() and 1990 <= int(digits) <= 2100:
            role = _role(before, text[end : end + 9])
            if role == "deadline" and _titled(text, start):  # 《2030年前碳达峰行动方案》
                role = "year"
            found.append(Number(start, end, role, float(digits)))
            continue
        unit = _UNIT.match(text, end)
        try:
            value = float(digits.replace(",", "")) if "," in digits else float(digits)
        except ValueError:
            continue
        currency = _CURRENCY.search(before)
        if unit is not None:
            named = _unit(unit.group(1))
            if unit.group(2):  # 20 trillion yen, 1000亿美元
                named = f"{named} {_MONEY.get(unit.group(2).strip().lower(), 'CNY')}"
            if currency is not None:  # $100 billion
                named = f"{named} {_MONEY[currency.group().strip()]}"
            found.append(Number(start, end, "value", value, named))
        elif currency is not None:
            found.append(Number(start, end, "value", value, _MONEY[currency.group().strip()]))
    return found


def baseline_unit(unit: str, baseline: int | None) -> str:
    """The unit of a share measured from a baseline, as the register writes it: '% below 2005'."""
    if unit == "%" and baseline is not None:
        return f"% below {baseline}"
    return unit
