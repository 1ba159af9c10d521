"""What a search asks for: the terms of a query as typed, each a word, a prefix, a phrase or a
piece of unspaced text, to be found or to be left out.

The query language is the one people know from search boxes: words are all required, a phrase
stands in double quotes, `-word` or `-"a phrase"` leaves out what holds it, and `word*` finds the
words that begin with it. Matching ignores case.

A word is a run of letters and digits; whatever else stands between them only separates them, so
`net-zero` is the phrase "net zero" and `1.5°C` the phrase "1 5 c". Chinese and Japanese are
written without spaces between words, so a term holding any of their characters is looked for as
it stands, inside the text (`碳中和` finds 实现碳中和目标). This module knows no database: the
dialects in pledges.search.sql translate the terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from pledges.errors import InvalidInput
from pledges.search.kinds import MAX_WORD

MAX_QUERY = 1000  # characters

# Scripts written without spaces between words: CJK symbols and punctuation, kana, CJK
# ideographs (with extension A), compatibility ideographs, and full-width forms. The same ranges
# decide which texts the unspaced index holds (pledges.search.tables).
UNSPACED = "\u3000-\u9fff\uf900-\ufaff\uff00-\uffef"
_UNSPACED = re.compile(f"[{UNSPACED}]")
# A word's characters: letters and digits (\w without the underscore), as SQLite's unicode61
# tokenizer and the PostgreSQL function of pledges.search.tables read them.
WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")
_TERM = re.compile(r'(-?)"([^"]*)("?)|(\S+)')


class Form(StrEnum):
    WORDS = "words"  # one word, or several in a row (a phrase)
    PREFIX = "prefix"  # words in a row, the last one only begun
    UNSPACED = "unspaced"  # text looked for as it stands


@dataclass(frozen=True)
class Term:
    form: Form
    words: tuple[str, ...]  # lower-case; for UNSPACED, one item: the text as typed, trimmed
    excluded: bool = False

    @property
    def shown(self) -> str:
        text = " ".join(self.words) + ("*" if self.form is Form.PREFIX else "")
        quoted = f'"{text}"' if len(self.words) > 1 or " " in text else text
        return ("-" if self.excluded else "") + quoted


@dataclass(frozen=True)
class Query:
    text: str
    terms: tuple[Term, ...]

    @property
    def wanted(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if not t.excluded)

    @property
    def excluded(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.excluded)


def shown(text: str, at_most: int = 60) -> str:
    """A query as a message quotes it: a long one cut, marked with '...'."""
    return text if len(text) <= at_most else text[: at_most - 3] + "..."


def lowered(word: str) -> str:
    """A word in lower case, character by character: a letter whose lower case is two characters
    (İ) is kept, so that the word stays one word; each database folds it as it folds its texts."""
    return "".join(c if len(low := c.lower()) > 1 else low for c in word)


def has_unspaced(text: str) -> bool:
    return _UNSPACED.search(text) is not None


def _term(text: str, *, quoted: bool, excluded: bool) -> Term | None:
    text = " ".join(text.split())
    if has_unspaced(text):
        return Term(Form.UNSPACED, (text,), excluded)
    prefix = not quoted and text.endswith("*")
    words = tuple(lowered(w) for w in WORD.findall(text))
    if not words:
        return None
    long = next((w for w in words if len(w) > MAX_WORD), None)
    if long is not None:
        raise InvalidInput(
            f"the word {shown(long, 30)!r} is longer than {MAX_WORD} characters, the longest "
            "a search looks for",
            f"search for its beginning with a *, e.g. {long[:20]}*",
        )
    return Term(Form.PREFIX if prefix else Form.WORDS, words, excluded)


def parse(text: str) -> Query:
    """The terms of a query; one clear line when it holds nothing to look for."""
    if len(text) > MAX_QUERY:
        raise InvalidInput(
            f"the search is {len(text):,} characters long; at most {MAX_QUERY:,} are allowed",
            "search for fewer words at a time",
        )
    terms: list[Term] = []
    for found in _TERM.finditer(text):
        minus, phrase, _closed, bare = found.groups()
        if bare is not None:
            excluded = bare.startswith("-") and len(bare) > 1
            term = _term(bare[1:] if excluded else bare, quoted=False, excluded=excluded)
        else:
            term = _term(phrase, quoted=True, excluded=bool(minus))
        if term is not None and term not in terms:
            terms.append(term)
    query = Query(text, tuple(terms))
    if not query.wanted:
        what = (
            "only leaves words out"
            if query.terms
            else "holds no word to look for (words are letters and digits)"
        )
        raise InvalidInput(
            f"the search {shown(text.strip())!r} {what}" if text.strip() else "the search is empty",
            'give at least one word or "a phrase" to find, e.g. pledges search methane '
            "or pledges search '\"carbon neutrality\" -2050'",
        )
    return query
