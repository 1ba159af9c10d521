"""An article with its cues: what pledges.suggest.reading and the modules it uses read of it.

Its cues (pledges.suggest.cues) are found in two passes over its lower-cased text, its
sentences by the register's own rule (pledges.sentences); the actors it names (its mentions)
and its speech (pledges.audit.speakers) are found when first asked for.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import TYPE_CHECKING

from pledges.audit.actors import _lower
from pledges.sentences import sentence_stops
from pledges.suggest import cues

if TYPE_CHECKING:
    from pledges.audit.actors import ActorMatcher
    from pledges.audit.speakers import Speech

Hit = tuple[int, int, str]  # (start, end, label) of a cue in the article
Mention = tuple[int, int, str]  # (start, end, actor id) of a name in the article
_DAY = r"(?:\d{1,2}\s+)?[A-Z][a-z]{2,8}\.?(?:\s+\d{1,2})?(?:,?\s+\d{4})?"  # 22 April 2021
DATELINE = re.compile(  # "BEIJING:", "DUBAI, Dec 13 -", "Washington, 22 April 2021 —"
    rf"(?:[A-Z][A-Z .'-]{{1,30}}(?:,\s*{_DAY})?|[A-Z][A-Za-z .'-]{{1,30}},\s*{_DAY})"
    r"\s*[-\u2013\u2014:]\s+(?=\S)"
)
_HEADING = 30  # characters of a line, at most, that may be a heading
_ENDS_LINE = (
    ".,;:!?\uff0c\u3002\uff1b\uff1a\u3001\uff01\uff1f"  # a line that goes on, or ends a sentence
)
CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\u3040-\u30ff]")  # Chinese and Japanese


class Cued:
    """One article and its cues, each list in text order."""

    def __init__(self, text: str, matcher: ActorMatcher, speech: Speech | None = None) -> None:
        self.text, self.matcher, self._speech = text, matcher, speech
        lowered = _lower(text).replace("\xa0", " ")
        self.cues = cues.cues().hits(lowered)
        self.kinds = cues.kinds().hits(lowered) if self.cues else []
        self.cue_starts = [hit[0] for hit in self.cues]
        self.kind_starts = [hit[0] for hit in self.kinds]
        self.unspaced = CJK.search(text) is not None  # holds Chinese or Japanese
        self._mentions: list[Mention] | None = None
        self._starts: list[int] | None = None

    @property
    def mentions(self) -> list[Mention]:
        if self._mentions is None:
            self._mentions = self.matcher.mentions(self.text)
        return self._mentions

    @property
    def mention_starts(self) -> list[int]:
        if self._starts is None:
            self._starts = [m[0] for m in self.mentions]
        return self._starts

    @property
    def speech(self) -> Speech:
        if self._speech is None:
            from pledges.audit.speakers import Speech

            self._speech = Speech(self.text, self.matcher)
        return self._speech

    def sentences(self) -> list[tuple[int, int]]:
        """Each sentence's span, without the spaces around it."""
        text, spans, begin = self.text, [], 0
        for stop_start, stop_end in [*sentence_stops(self.text), (len(text), len(text))]:
            end = stop_end if text[stop_start : stop_start + 1] not in "\n" else stop_start
            low, high = begin, end
            while low < high and text[low].isspace():
                low += 1
            while high > low and text[high - 1].isspace():
                high -= 1
            spans.extend(self._under_headings(low, high))
            begin = stop_end
        return spans

    def _under_headings(self, low: int, high: int) -> list[tuple[int, int]]:
        """text[low:high] without the headings it starts with (a short line that ends with no
        stop: "二、重点任务", "The target"), each a sentence of its own."""
        text, spans = self.text, []
        while (newline := text.find("\n", low, high)) >= 0:
            line = text[low:newline].strip()
            if not line or len(line) > _HEADING or line[-1] in _ENDS_LINE:
                break
            spans.append((low, low + len(text[low:newline].rstrip())))
            low = newline + 1
            while low < high and text[low].isspace():
                low += 1
        if high > low:
            spans.append((low, high))
        return spans

    def cues_in(self, low: int, high: int) -> list[Hit]:
        starts = self.cue_starts
        return self.cues[bisect_left(starts, low) : bisect_left(starts, high)]

    def kinds_in(self, low: int, high: int) -> list[Hit]:
        starts = self.kind_starts
        return self.kinds[bisect_left(starts, low) : bisect_left(starts, high)]

    def mentions_in(self, begin: int, finish: int) -> list[Mention]:
        """The names of the sentence text[begin:finish]."""
        starts = self.mention_starts
        return self.mentions[bisect_left(starts, begin) : bisect_left(starts, finish)]

    def names(self, begin: int, finish: int, low: int, high: int) -> bool:
        """Whether text[low:high], in the sentence text[begin:finish], names an actor."""
        return any(low <= m[0] < high for m in self.mentions_in(begin, finish))
