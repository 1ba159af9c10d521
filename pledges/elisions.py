"""Whether an elided quote leaves words out honestly.

An elided quote ("A ... B", or with … or the Chinese ……) stands in its source when its parts
stand in order within one paragraph (pledges.textmatch). Standing is not enough: an ellipsis
may make the article say what it does not. Two rules, judged on the parts of the quote and on
the article's words each ellipsis leaves out:

- elided-part-too-short: each part between two ellipses has at least 3 words, or 5 characters
  in Chinese or Japanese (counted as the audit counts a quote's length: a number or a Latin
  word among Chinese characters is one). A quote that only opens or closes with an ellipsis
  has one part, and is not judged by this rule.
- elision-changes-meaning: the words an ellipsis leaves out hold a negation (the quote then
  says the opposite of the article), or a year or number while the part before the ellipsis
  holds none and the part after it holds one (the quote then binds the first part to the
  second part's year or number instead of the one the article gave it). Leaving out a whole
  neighbouring clause, each kept part keeping its own year, is honest.

  Only the left-out words of the kept parts' own sentences count: a whole sentence an ellipsis
  leaves out between them negates neither part, and its year is its own. So a negation counts
  in the words left out of the sentence the part before the ellipsis ends, or of the one the
  part after it begins (all of them, when the ellipsis stays within one sentence), and a year
  or number in those of the part before only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pledges.excerpt import excerpt
from pledges.sentences import sentence_stops
from pledges.textmatch import elided_parts, elided_spans, fold, locate
from pledges.wording import YEAR, length, years

SHORTEST_WORDS = 3  # words in each part of an elided quote
SHORTEST_CHARACTERS = 5  # or characters, in Chinese or Japanese
SHOWN = 80  # characters of the dropped words shown in a message

# English negations, as whole words of the folded text (a typographic apostrophe is ' there).
_NEGATION = re.compile(
    r"\b(?:not|no|never|nor|neither|without|cannot|none|nothing)\b|n't\b", re.IGNORECASE
)
# Chinese negations, as characters (with the traditional forms of 没, 无 and 别): 不 (not),
# 没 (have not), 未 (not yet), 无 (without), 勿 and 别 (do not). Some words hold one of them and
# negate nothing: they are read first and are no negation (不断 continuously, 不仅 not only,
# 不少 many, 不同 different, 未来 the future, 无论 whatever, 特别 especially, 分别 each, and
# the Japanese 未満, less than, ...).
# 非 is most often the prefix non- (非化石能源, non-fossil energy: no negation, as English
# "non-" is none): it negates only in the words that make it a verb (并非 is not, 而非 rather
# than, 除非 unless, 绝非, 决非, 非但).
_CJK_NEGATION = re.compile("并非|而非|除非|绝非|決非|决非|非但|[不没沒未无無勿别別]")
_CJK_NOT_NEGATION = re.compile(
    "不断|不斷|不仅|不僅|不但|不只|不光|不少|不同|不久|不管|不论|不論|"
    "未来|未來|未満|无论|無論|"
    "淹没|沉没|埋没|没收|出没|淹沒|沉沒|埋沒|沒收|出沒|"
    "分别|特别|区别|类别|个别|级别|差别|识别|告别|辨别|鉴别|别的|别人|别国|别处|"
    "分別|特別|區別|類別|個別|級別|差別|識別|告別|辨別|鑑別|別的|別人|別國|別處"
)
# A number written in digits (1.5, 25%, 2060年), not a digit of a name (CO2, COP28, H2).
_NUMBER = re.compile(r"(?<![A-Za-z_])[0-9]+(?:[.,][0-9]+)*(?:\s*%)?")


@dataclass(frozen=True, slots=True)
class Dishonest:
    """Why an elided quote misrepresents its article."""

    code: str  # "elided-part-too-short" or "elision-changes-meaning"
    message: str  # one line: what is wrong, naming the short part or showing the dropped words
    hint: str  # what to do
    dropped: str | None = None  # the article's words the ellipsis leaves out


SHORT_HINT = "quote more of the article around the ellipsis, or quote the passage whole"
MEANING_HINT = "quote the dropped words too, or elide only a whole neighbouring clause"


def judge(quote: str, text: str) -> Dishonest | None:
    """Whether an elided quote of `text` elides honestly, by the rules of this module.

    None when the quote is not elided, does not stand as an elided quote (it may stand whole:
    the article's own ellipsis, quoted), or elides honestly. Otherwise the first rule it breaks:
    a part too short (the first such part), then the first ellipsis that changes the meaning.
    """
    parts = elided_parts(quote)
    if len(parts) < 2 or locate(quote, text) is not None:
        return None
    spans = elided_spans(quote, text)
    if spans is None:
        return None
    for part in parts:
        short = too_short(part)
        if short is not None:
            return short
    for index in range(len(parts) - 1):
        begin, end = spans[index][1], spans[index + 1][0]
        left_out = text[begin:end]
        cuts = _sentence_ends(text, spans[index][0], begin, end, spans[index + 1][1])
        before = left_out[: cuts[0]] if cuts else left_out  # of the sentence the part ends
        after = left_out[cuts[-1] :] if cuts else left_out  # of the one the next part begins
        changed = changes_meaning(
            parts[index], left_out.strip(), parts[index + 1], own=(before, after)
        )
        if changed is not None:
            return changed
    return None


def _sentence_ends(text: str, start: int, begin: int, end: int, finish: int) -> list[int]:
    """Where sentences end in the words text[begin:end] an ellipsis leaves out, as offsets into
    them, read from the start of the part before (`start`: so that an abbreviation is known) to
    the end of the part after (`finish`: so that a stop the part opens with ends the last
    sentence left out)."""
    return [
        min(max(stop_end + start, begin), end) - begin
        for stop_start, stop_end in sentence_stops(text[start:finish])
        if stop_start + start <= end and stop_end + start >= begin
    ]


def too_short(part: str) -> Dishonest | None:
    """elided-part-too-short: a part of an elided quote under 3 words (5 characters in Chinese
    or Japanese)."""
    size, in_characters = length(part)
    if size >= (SHORTEST_CHARACTERS if in_characters else SHORTEST_WORDS):
        return None
    unit = "character" if in_characters else "word"
    return Dishonest(
        "elided-part-too-short",
        f"the part “{excerpt(part.strip(), SHOWN)}” of the elided quote has {size} "
        f"{unit}{'' if size == 1 else 's'}; each part needs at least {SHORTEST_WORDS} words "
        f"({SHORTEST_CHARACTERS} characters in Chinese or Japanese)",
        SHORT_HINT,
    )


def changes_meaning(
    before: str, dropped: str, after: str, *, own: tuple[str, str] | None = None
) -> Dishonest | None:
    """elision-changes-meaning: the words `dropped` between the parts `before` and `after` of an
    elided quote hold a negation, or a year or number that `before` lacks and `after` has.
    `own`: the dropped words of the sentence `before` ends and of the one `after` begins, when
    the ellipsis leaves out a sentence end (by default, all of `dropped` is both)."""
    own_before, own_after = own or (dropped, dropped)
    shown = excerpt(dropped, SHOWN)
    negation = negated(own_before) or negated(own_after)
    if negation is not None:
        which = "" if fold(dropped) == fold(negation) else f", which holds “{negation}”"
        return Dishonest(
            "elision-changes-meaning",
            f"the ellipsis drops “{shown}”{which}: the quote says the opposite of the article",
            MEANING_HINT,
            dropped,
        )
    for kind, stated in (("year", _years), ("number", amounts)):  # each kind on its own
        if stated(own_before) and not stated(before) and stated(after):
            return Dishonest(
                "elision-changes-meaning",
                f"the ellipsis drops “{shown}”, which held the {kind} of "
                f"“{excerpt(before.strip(), SHOWN)}”: the quote binds it to {stated(after)[0]}",
                MEANING_HINT,
                dropped,
            )
    return None


def _years(words: str) -> list[str]:
    return [str(year) for year in years(words)]


def negated(words: str) -> str | None:
    """The first negation among `words`: an English word (folded: in lower case, with a plain
    apostrophe), or a Chinese character outside the words that hold one and negate nothing;
    None when there is none."""
    found = _NEGATION.search(fold(words))
    if found is not None:
        return found.group()
    plain = _CJK_NOT_NEGATION.sub(lambda m: " " * len(m.group()), words)
    cjk = _CJK_NEGATION.search(plain)
    return None if cjk is None else cjk.group()


def amounts(words: str) -> list[str]:
    """The numbers `words` state in digits, other than years (25%, 1.5, 1,200): a year and a
    number are bound to the words before them each on their own ("20% by 2025")."""
    return _NUMBER.findall(YEAR.sub(" ", fold(words)))
