"""The language a text is written in, as an ISO 639-1 code ('en', 'zh', 'fr').

Chinese, Japanese and Korean are told by their scripts: a sample whose letters are mostly Han,
kana or Hangul is Korean when Hangul outnumbers the others, Japanese when one in twenty of them
is kana, else Chinese.

English is told by its commonest words: in English prose the 25 words of ENGLISH make about a
third of all words, and in other languages written in Latin letters a few in a hundred, so a
sample of at least 100 words of which a fifth are among them is English. Other texts are told by
py3langid (whose model also names Wu and Cantonese, read here as 'zh', and non-linguistic text,
read as unknown). The sample is a few thousand characters taken from four places through the
text. A text with too few letters to tell is of no known language.

py3langid's model takes about a second to load, more than reading a 100-page PDF: Chinese,
Japanese, Korean and English are told without it, and `read(..., detect_language=False)` skips
detection when the language is given.
"""

from __future__ import annotations

import re

WINDOWS = 4
WINDOW = 1000  # characters from each of WINDOWS places
FEWEST_LETTERS = 40  # fewer letters than this, in a spaced script: not enough to tell
FEWEST_CJK = 5  # fewer Han, kana or Hangul characters than this: not enough to tell
READ_AS = {"wuu": "zh", "yue": "zh", "zxx": None}
ENGLISH = frozenset((
    "the", "of", "and", "to", "in", "a", "is", "that", "for", "by", "with", "on", "as", "are",
    "be", "it", "its", "was", "will", "has", "from", "at", "this", "which", "an",
))  # fmt: skip
FEWEST_WORDS = 100  # words of a sample, at least, to be told English by its commonest words
ENGLISH_SHARE = 0.2

_WORD = re.compile(r"[^\W\d_]+")

_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_KANA = re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9d]")
_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")


def sample(text: str) -> str:
    """Up to WINDOWS x WINDOW characters, from evenly spaced places through the text."""
    if len(text) <= WINDOWS * WINDOW:
        return text
    step = (len(text) - WINDOW) // (WINDOWS - 1)
    return "\n".join(text[i * step : i * step + WINDOW] for i in range(WINDOWS))


def detect(text: str) -> str | None:
    """The text's language, or None when it cannot be told."""
    part = sample(text)
    letters = sum(1 for c in part if c.isalpha())
    han, kana, hangul = (len(script.findall(part)) for script in (_HAN, _KANA, _HANGUL))
    cjk = han + kana + hangul
    if cjk >= FEWEST_CJK and cjk * 2 > letters:
        if hangul > han + kana:
            return "ko"
        return "ja" if kana * 20 >= cjk else "zh"
    if letters < FEWEST_LETTERS:
        return None
    words = _WORD.findall(part.lower())
    if len(words) >= FEWEST_WORDS and sum(w in ENGLISH for w in words) >= ENGLISH_SHARE * len(
        words
    ):
        return "en"
    import py3langid  # type: ignore[import-untyped]

    code, _ = py3langid.classify(part)
    return READ_AS.get(code, code)
