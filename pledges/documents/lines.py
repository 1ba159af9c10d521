"""Joining the lines of a paragraph the way a reader reads them.

A PDF keeps a paragraph's lines as the page shows them, hard-wrapped and hyphenated. Joined:

- a wrapped line joins the next with one space, or with nothing when the characters on either
  side of the break are Chinese or Japanese (Han, kana, CJK punctuation, full-width forms):
  those scripts put no space between words (Korean does, and joins with a space);
- a word hyphenated at a line end ("transi-" / "tion") joins without its hyphen when the next
  line starts with a lower-case letter; when it starts with a capital or a digit the hyphen is
  kept and nothing put between ("Paris-" / "Agreement" gives "Paris-Agreement", "2026-" /
  "2030" gives "2026-2030"): a word is not broken before a capital or a digit, so that hyphen
  is the text's own. A compound broken at its hyphen before a lower-case letter ("well-" /
  "known") loses the hyphen: the line alone cannot tell it from a hyphenated word;
- a dash at a line end after a letter or digit ("2026" and an en dash / "2030", "emissions"
  and an em dash / "the") joins with nothing; one after a space with a space;
- PDFium itself joins a line ending in a hyphen to the next when that starts with a letter,
  marking the hyphen it took out with U+FFFE (U+0002 in some calls): the mark follows the rule
  of a line-end hyphen. A soft hyphen (U+00AD) only says where a word may break: it is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

HYPHENS = "-\u2010"  # hyphen-minus, hyphen
DASHES = "\u2011\u2012\u2013\u2014\u2015"  # non-breaking hyphen, figure, en, em dash, bar
TAKEN_OUT = "\ufffe\x02"  # PDFium's mark of a hyphen it took out of a line end
SOFT_HYPHEN = "\u00ad"

# Characters written without spaces between words: Han (with extensions A and the compatibility
# ideographs), kana, CJK symbols and punctuation, and full-width forms.
_UNSPACED = re.compile(
    "[\u2e80-\u2fdf\u3000-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003134f]"
)
_TAKEN_OUT = re.compile(f"[{TAKEN_OUT}](.?)", re.DOTALL)


def unspaced(char: str) -> bool:
    """Whether a character belongs to a script written without spaces (Chinese, Japanese)."""
    return _UNSPACED.match(char) is not None


def _put_back(match: re.Match[str]) -> str:
    after = match.group(1)
    return f"-{after}" if after[:1].isupper() or after[:1].isdigit() else after


def mend(text: str) -> str:
    """Text with its soft hyphens taken out and PDFium's marks of a line-end hyphen resolved as
    a line-end hyphen is (kept before a capital or a digit, dropped otherwise)."""
    text = text.replace(SOFT_HYPHEN, "")
    return _TAKEN_OUT.sub(_put_back, text) if "\ufffe" in text or "\x02" in text else text


def join(lines: Iterable[str]) -> str:
    """One paragraph's lines joined into running text (blank lines are skipped)."""
    text = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if text:
            text, glue = _glued(text, line[0])
            text += glue
        text += line
    return mend(text)


def _glued(before: str, first: str) -> tuple[str, str]:
    """The text so far (a line-end hyphen taken off when it hyphenates a word) and what goes
    between it and a next line starting with `first`."""
    last = before[-1]
    if last in TAKEN_OUT or last == SOFT_HYPHEN:
        return before, ""  # resolved by `mend`, with the character that follows
    if last in HYPHENS and before[-2:-1].isalpha():
        return (before, "") if first.isupper() or first.isdigit() else (before[:-1], "")
    if last in HYPHENS + DASHES and not before[-2:-1].isspace():
        return before, ""
    if unspaced(last) or unspaced(first):
        return before, ""
    return before, " "
