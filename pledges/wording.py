"""What a quote's words state, read the same way wherever a quote is judged: the years it
states and how long it is (in words, or in characters for Chinese and Japanese).

Pure functions over strings.
"""

from __future__ import annotations

import re

from pledges.folding import UNSPACED, WIDE

# A year is four digits from 1900 to 2100 standing on their own: not inside a longer number or
# a word of a spaced script (2030s, cop2030), not after a dot or a hyphen (1.2030, an id such as
# cn-co2-peak-2030) nor before a hyphen (a date, 2023-11-15). Chinese and Japanese letters are
# no part of a year (2060年, 在2030年前), nor are those of other scripts (2030년, Korean). A range
# states both its ends: 2026-2030 (or with an en or em dash, a tilde, 至 or 到), and so does one
# whose end is written with two digits after a hyphen or a dash (2026-30: the end is in the
# century of the start) when they are more than the start's last two: 2023-11 is a month, no
# year, as a date is. 2020年代 is a decade, the 2020s: no year.
_APART = r"0-9A-Za-z_\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"  # digits, Latin letters
_Y = r"(19[0-9]{2}|20[0-9]{2}|2100)"
YEAR = re.compile(
    rf"(?<![{_APART}.\-]){_Y}(?:[-\u2010-\u2015~\u81f3\u5230]{_Y}|[-\u2010-\u2015]([0-9]{{2}}))?"
    rf"(?![{_APART}\-]|\u5e74\u4ee3)"
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


_YEARS: dict[tuple[int, ...], tuple[int, ...]] = {}


def years(text: str) -> tuple[int, ...]:
    """The years a text states, in order (one shared tuple for each set of years: a register's
    quotes state few different ones), read after folding full-width forms and years written in
    Chinese numerals (二〇六〇年)."""
    if not text.isascii() and WIDE.search(text):
        text = text.translate(_FULL_WIDTH)
        if "年" in text:
            text = _HAN_YEAR.sub(lambda m: m.group().translate(_HAN_DIGITS), text)
    matches = YEAR.findall(text)
    stated = {int(year) for match in matches if not match[2] for year in match[:2] if year}
    for start, _, short in matches:
        if short and int(short) > int(start) % 100:  # 2026-30; a month (2023-11) is no year
            stated.update((int(start), int(start) // 100 * 100 + int(short)))
    found = tuple(sorted(y for y in stated if 1990 <= y <= 2100))
    return _YEARS.setdefault(found, found)
