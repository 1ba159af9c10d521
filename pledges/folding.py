"""What each character of a text folds to when quotes are compared: typographic quotes,
dashes and primes to plain ones, look-alikes of the degree sign to it, compatibility forms to
their plain form (NFKC, character by character), case; and the whitespace next to Chinese or
Japanese characters, which is no part of their text.

pledges.textmatch folds whole texts with these; pure functions over strings.
"""

from __future__ import annotations

import re
import unicodedata

TYPOGRAPHIC = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u0060\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    # Signs that look like the degree sign and are typed for it (1.5ºC): the ordinal sign, which
    # NFKC would make the letter o, and the ring above, which it would make a space and a mark.
    **dict.fromkeys("\u00ba\u02da", "\u00b0"),
}
ELLIPSIS = "\u2026"
_ELLIPSES = {ELLIPSIS, "\u22ef"}  # the ellipsis, and the midline one Chinese text also uses

# The characters of scripts written without spaces (Chinese and Japanese: ideographs, kana, their
# punctuation, and the full- and half-width forms and compatibility characters that fold to
# them), as a character class; Hangul is not among them: Korean is written with spaces.
UNSPACED = (
    "\u2e80-\u2fdf\u2ff0-\u2fff"  # radicals, ideographic description
    "\u3001-\u303f"  # CJK symbols and punctuation (not U+3000, the ideographic space)
    "\u3040-\u312f\u3190-\u31ff"  # kana, bopomofo, kanbun, strokes (not Hangul jamo)
    "\u3200-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # enclosed and compatibility forms, ideographs
    "\ufe10-\ufe1f\ufe30-\ufe6f"  # vertical and small forms
    "\u2329\u232a\U0001f12a"  # angle brackets and a bracketed letter that fold to CJK ones
    "\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff9f\uffe0-\uffe6"  # full-width
    # punctuation (not letters and digits, as spaced as ASCII ones), half-width katakana
    "\U0001f200-\U0001f2ff\U00020000-\U0003ffff"  # enclosed ideographs, ideograph extensions
)
UNSPACED_CHARACTER = re.compile(f"[{UNSPACED}]")
WIDE = re.compile("[\u2329-\U0003ffff]")  # the range they fall in: quicker to look for
_GAP = re.compile(rf"(?<=[{UNSPACED}])\s+|\s+(?=[{UNSPACED}])")
NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_ELLIPSIS_RUN = re.compile(f"{ELLIPSIS}{{2,}}")


def unspaced(char: str) -> bool:
    """Whether a character is of a script written without spaces (Chinese, Japanese)."""
    return char >= "\u2329" and UNSPACED_CHARACTER.match(char) is not None


def _fold_once(char: str) -> str:
    if char in TYPOGRAPHIC:
        return TYPOGRAPHIC[char]
    if char in _ELLIPSES:
        return ELLIPSIS  # (NFKC would make it three dots)
    compatible = unicodedata.normalize("NFKC", char)
    if any(c.isspace() for c in compatible):  # (such as U+00A8, a space and a combining mark)
        return char.casefold()
    return compatible.casefold()


class _Folded(dict[str, str]):
    """What each character folds to, worked out the first time it is met: typographic marks to
    plain ones, compatibility forms (NFKC) to their plain form, then case, as often as it takes
    to reach a form that folds to itself. Whitespace stays (it is collapsed where it stands)."""

    def __missing__(self, char: str) -> str:
        if char.isspace():
            folded = char
        else:
            folded = _fold_once(char)
            while (again := "".join(_fold_once(c) for c in folded)) != folded:
                folded = again
        self[char] = folded
        return folded


FOLDED = _Folded()


def fold_run(run: re.Match[str]) -> str:
    return "".join(map(FOLDED.__getitem__, run.group()))


def plain(text: str) -> bool:
    """Whether folding changes nothing in a text but whitespace and case (once its typographic
    marks are replaced): no compatibility form, no Chinese or Japanese, no run of ellipses. Told
    without a pass over each character, for English that holds an ellipsis or an accent."""
    if ELLIPSIS in text:
        if ELLIPSIS * 2 in text:
            return False
        text = text.replace(ELLIPSIS, "")
    if text.isascii():
        return True
    if "\u22ef" in text or not unicodedata.is_normalized("NFKC", text):
        return False
    return western(text)


def western(text: str) -> bool:
    """Whether a text holds no Chinese or Japanese. (Windows-1252, which holds Latin letters and
    typographic quotes and dashes but none of theirs, encodes at C speed, several times faster
    than a search for their characters.)"""
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return WIDE.search(text) is None
    return True


def fold_characters(text: str) -> str:
    """Everything folding does to a text but collapse whitespace and fold case: the whitespace
    next to Chinese or Japanese characters dropped, every other character folded (before case),
    and runs of ellipses made one."""
    if UNSPACED_CHARACTER.search(text):
        text = _GAP.sub("", text)
    text = NON_ASCII.sub(fold_run, text)
    if ELLIPSIS * 2 in text:
        text = _ELLIPSIS_RUN.sub(ELLIPSIS, text)
    return text
