"""Reading one article for the commitments it states: candidate passages, best first.

1. The article's cues (pledges.suggest.cues) are found in two passes over its lower-cased text,
   its sentences by the register's own rule (pledges.sentences), and each cue is put in its
   sentence. A sentence with no marker states no commitment (in Chinese, a deadline such as
   到2025年 or 2030年前 is a marker too: plans state their targets without a verb of promise).
2. A sentence that names things of different kinds is cut between them where a clause ends (a
   comma, a semicolon, "and"): "has pledged to peak emissions by 2030 and become carbon neutral
   by 2060" is two candidates. A piece too short to stand alone ("…peak carbon and carbon
   neutrality") stays with the one before it, which then yields a candidate for each kind.
3. Each candidate is scored from its reasons (pledges.suggest.scoring), and its passage is cut
   to the quotation that holds its words, if there is one.
4. Who commits: the actors its sentence names before its marker; else the speaker of the quote
   or reported speech it stands in (pledges.audit.speakers), when that speaker speaks for an
   actor; else those the passage names; else those the nearest sentence before it names.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

from pledges.audit.actors import _lower
from pledges.audit.attributions import clause_start
from pledges.sentences import sentence_stops
from pledges.suggest import cues, scoring
from pledges.suggest.targets import Number, baseline_unit, numbers
from pledges.vocab import PledgeKind

if TYPE_CHECKING:
    from pledges.audit.actors import ActorMatcher
    from pledges.audit.speakers import Speech

Hit = tuple[int, int, str]  # (start, end, label) of a cue in the article

_SEPARATORS = (";", "\uff1b", "\uff0c", ",", "\u3001", " and ", "和", "及", " as well as ",
               " while ", "以及", "并")  # fmt: skip
_GENERAL = frozenset(kind.value for kind in cues.GENERAL)
_CLAUSE_ENDS = (";", "\uff1b", ", and ", "\uff0c\u5e76")  # cut between two of one kind
_LEADING = ("and ", "but ", "as well as ", "while ", "以及", "并且", "并", "and\n")
_TRAILING = ",;:.\uff0c\uff1b\u3001\uff1a\u3002 \n\t"
_QUOTES = {"\u201c": "\u201d", '"': '"', "\u300c": "\u300d", "\u300e": "\u300f", "\u00ab": "\u00bb"}
_SHORT_WORDS, _SHORT_CHARACTERS = 3, 5  # a piece shorter than this stays with the one before
_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\u3040-\u30ff]")  # Chinese and Japanese
_PARTIES_REACH = 6  # the last mentions before a joint subject, among which its parties are
_CURRENCIES = frozenset({"USD", "EUR", "GBP", "CNY", "JPY"})
_NEAR_MARKER = 40  # characters after its marker in which a clause names what it is about
_TIME_FRAMES = frozenset({"截至", "截止", "去年", "过去"})
_PURPOSE = ("为实现", "为落实", "以")  # a Chinese clause of purpose belongs to the one before
_MARKER_RUN = 25  # characters after a piece's first marker in which a stronger one counts
_CLAUSE_MARKS = frozenset(",;\uff0c\uff1b\u3002")
_PRONOUNS = frozenset({"it", "they", "he", "she"})
_NEAR_SUBJECT = 40  # characters between who commits and the marker, unless they open its clause
_SUBJECT_REACH = 80  # characters before its marker in which a clause names who commits
_SUBORDINATE = (", as ", ", while ", ", which ", ", after ", ", when ", ", but ", " but ")
_FIRST_PERSON = ("we ", "we'", "we\u2019", "our ", "i ", "我们", "我国", "我方")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A passage that states a commitment, with what the reader made of it."""

    passage: str
    start: int
    end: int
    actors: tuple[str, ...]
    kind: PledgeKind
    target_year: int | None
    target_value: float | None
    target_unit: str | None
    baseline_year: int | None
    score: float
    reasons: tuple[str, ...]
    existing_pledge_id: str | None = None


@dataclass(frozen=True, slots=True)
class _Piece:
    start: int
    end: int
    kinds: tuple[tuple[Hit, ...], ...]  # of each clause it holds (several: joined, too short)


class Reader:
    """One article, read once for its cues; `candidates()` reads its commitments."""

    def __init__(self, text: str, matcher: ActorMatcher, speech: Speech | None = None) -> None:
        self.text, self.matcher, self._speech = text, matcher, speech
        lowered = _lower(text).replace("\xa0", " ")
        self.cues = cues.cues().hits(lowered)
        self.kinds = cues.kinds().hits(lowered) if self.cues else []
        self._mentions: list[tuple[int, int, str]] | None = None
        self._cue_starts = [hit[0] for hit in self.cues]
        self._starts: list[int] | None = None
        self.min_score = 0.0

    @property
    def mentions(self) -> list[tuple[int, int, str]]:
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
            if high > low:
                spans.append((low, high))
            begin = stop_end
        return spans

    def candidates(self, min_score: float = 0.0) -> list[Candidate]:
        """The article's candidates, best first; those that cannot reach `min_score` may be left
        out unread."""
        self.min_score = min_score
        if not self.cues:
            return []
        found: list[Candidate] = []
        cue_starts = [hit[0] for hit in self.cues]
        kind_starts = [hit[0] for hit in self.kinds]
        for begin, finish in self.sentences():
            low, high = bisect_left(cue_starts, begin), bisect_left(cue_starts, finish)
            chinese = _CJK.search(self.text, begin, finish) is not None
            if low == high and not chinese:
                continue
            hits = self.cues[low:high]
            figures = numbers(self.text, begin, finish)
            markers = [hit for hit in hits if hit[2] in cues.MARKERS]
            if not markers:
                markers = [(n.start, n.end, "deadline") for n in figures if _zh_deadline(n, self)]
                if not markers:
                    continue
            kinds = self.kinds[bisect_left(kind_starts, begin) : bisect_left(kind_starts, finish)]
            pieces = (self._clauses(begin, finish, kinds, figures) if chinese
                      else self._pieces(begin, finish, kinds))  # fmt: skip
            for piece in pieces:
                found.extend(self._read(piece, begin, finish, hits, markers, figures))
        found.sort(key=lambda c: (-c.score, c.start))
        return found

    # --- cutting a sentence where its kinds change

    def _pieces(self, begin: int, finish: int, kinds: list[Hit]) -> list[_Piece]:
        cuts: list[tuple[int, int]] = []
        for before, after in pairwise(kinds):
            if after[0] < before[1]:
                continue
            marks: tuple[str, ...] = _SEPARATORS
            if before[2] == after[2]:
                marks = _CLAUSE_ENDS
            elif before[2] in _GENERAL and after[2] in _GENERAL:
                continue  # "work together towards… COP 28": one commitment
            cut = self._separator(before[1], after[0], marks)
            if cut is not None:
                cuts.append(cut)
        markers = [hit for hit in self.cues_in(begin, finish) if hit[2] in cues.MARKERS]
        for before, after in pairwise(markers):
            # "…said it would contribute $100 million, and Germany said it would put in the
            # same": a clause with its own marker and its own subject is its own commitment
            cut = self._separator(before[1], after[0], _CLAUSE_ENDS)
            if cut is not None and self._names(cut[1], after[0]):
                cuts.append(cut)
        cuts = sorted(set(cuts))
        pieces: list[_Piece] = []
        start = begin
        for cut_start, cut_end in [*cuts, (finish, finish)]:
            inside = tuple(k for k in kinds if start <= k[0] < cut_start)
            if pieces and self._short(start, cut_start):
                last = pieces.pop()
                pieces.append(_Piece(last.start, cut_start, (*last.kinds, inside)))
            else:
                pieces.append(_Piece(start, cut_start, (inside,)))
            start = cut_end
        return pieces

    def _clauses(
        self, begin: int, finish: int, kinds: list[Hit], figures: list[Number]
    ) -> list[_Piece]:
        """A Chinese sentence's clauses (between its commas and semicolons), each that names a
        kind or a value one piece: a plan lists its targets so (到2025年，A下降18%，B达到20%).
        A clause that names neither goes with the next one when it holds a deadline (到2030年),
        else with the one before it."""
        text, pieces = self.text, list[_Piece]()
        bounds = [begin, *(i + 1 for i in range(begin, finish) if text[i] in "\uff0c\uff1b"),
                  finish + 1]  # fmt: skip
        waiting: int | None = None  # the start of clauses that go with the next one
        for low, high in pairwise(bounds):
            end = high - 1
            inside = tuple(k for k in kinds if low <= k[0] < end)
            valued = any(n.role == "value" and low <= n.start < end for n in figures)
            dated = any(n.role == "deadline" and low <= n.start < end for n in figures)
            start = low if waiting is None else waiting
            marked = any(low <= c[0] < end and c[2] in cues.MARKERS for c in self.cues_in(low, end))
            purpose = bool(pieces) and text.startswith(_PURPOSE, low)
            if (inside or valued or marked) and not purpose:
                pieces.extend(self._pieces(start, end, list(inside)))
                waiting = None
            elif (dated or not pieces) and high <= finish:
                waiting = start
            else:
                last = pieces.pop() if pieces else _Piece(start, start, ((),))
                pieces.append(_Piece(last.start, end, last.kinds))
                waiting = None
        return pieces

    def _names(self, low: int, high: int) -> bool:
        """Whether text[low:high] names an actor."""
        starts = self.mention_starts
        return bisect_left(starts, low) < bisect_left(starts, high)

    def cues_in(self, low: int, high: int) -> list[Hit]:
        starts = self._cue_starts
        return self.cues[bisect_left(starts, low) : bisect_left(starts, high)]

    def _separator(self, low: int, high: int, marks: tuple[str, ...]) -> tuple[int, int] | None:
        """The first clause end between two cues: the span of its separator."""
        between = self.text[low:high]
        best: tuple[int, int] | None = None
        for mark in marks:
            at = between.find(mark)
            if at >= 0 and (best is None or at < best[0]):
                best = (at, at + len(mark))
        return None if best is None else (low + best[0], low + best[1])

    def _short(self, start: int, end: int) -> bool:
        piece = self.text[start:end]
        if _CJK.search(piece) is None:
            return len(piece.split()) < _SHORT_WORDS
        return len(piece.strip()) < _SHORT_CHARACTERS

    # --- reading one piece

    def _read(
        self,
        piece: _Piece,
        begin: int,
        finish: int,
        hits: list[Hit],
        markers: list[Hit],
        figures: list[Number],
    ) -> list[Candidate]:
        own = [m for m in markers if piece.start <= m[0] < piece.end]
        if not own:  # 并在2050年前实现净零排放: a Chinese deadline is a marker of its own
            own = [(n.start, n.end, "deadline") for n in figures
                   if piece.start <= n.start < piece.end and _zh_deadline(n, self)]  # fmt: skip
        if own:  # the first, or a stronger one just after it ("will also aim for")
            near = [m for m in own if m[0] - own[0][0] <= _MARKER_RUN]
            own = [max(near, key=lambda m: scoring.weight(m[2])), *own]
        chinese = _CJK.search(self.text, piece.start, piece.end) is not None
        inside = [n for n in figures if piece.start <= n.start < piece.end]
        marker = own[0] if own else next((m for m in reversed(markers) if m[0] < piece.start), None)
        if not own and chinese and not any(n.role == "value" for n in inside):
            # A Chinese clause states a target with its own verb, or a number; or shares the
            # verb of the clause it was cut from (力争2030年前实现碳达峰、2060年前实现碳中和)
            shared = marker is not None and not _CLAUSE_MARKS.intersection(
                self.text[marker[1] : piece.start]
            )
            if not shared and not any(m[2] == "deadline" for m in markers):
                return []
        if marker is None:  # the sentence's only marker comes after this piece
            marker = markers[0]
        lowering = [h for h in hits if h[2] in cues.LOWERING and self._governs(h, marker, piece)]
        lowering += [(n.start, n.end, "past") for n in inside if n.role == "date"]
        lowering += [(q, q + 1, "question") for q in _questions(self.text, piece.start, piece.end)]
        if chinese and not any(n.role == "deadline" for n in inside):  # 到2025年，A，B: by 2025
            before = [n for n in figures if n.role == "deadline" and n.start < piece.start]
            inside = before[-1:] + inside
        kinds = dict(_kind(hits, marker[0]) for hits in piece.kinds)
        money = any(n.unit and n.unit.split()[-1] in _CURRENCIES for n in inside)
        if money and PledgeKind.OTHER in kinds:  # "pledged $17.5 million"
            kinds = {PledgeKind.FINANCE: None, **kinds}
            del kinds[PledgeKind.OTHER]
        if self.min_score > 0:  # the most it could score, with whoever commits named
            best = max(scoring.score(self.text, marker, word, inside, lowering, "", kind,
                                     subject=True)[0] for kind, word in kinds.items())  # fmt: skip
            if best < self.min_score:
                return []
        start, end = self._clipped(piece, marker)
        actors, named, subject = self._actors(start, end, begin, finish, marker)
        made: list[Candidate] = []
        target = _target(inside)
        for kind, word in kinds.items():
            score, reasons = scoring.score(
                self.text, marker, word, inside, lowering, named, kind, subject=subject
            )
            made.append(Candidate(self.text[start:end], start, end, actors, kind, *target,
                                  score, reasons))  # fmt: skip
        return made

    def _governs(self, hit: Hit, marker: Hit, piece: _Piece) -> bool:
        """Whether a word that lowers a score bears on a piece: it comes before the piece's
        marker in its sentence ("urged China to commit"), or after it in the same clause ("will
        peak, analysts expect") but for a condition ("…if they attend")."""
        if _CJK.search(self.text, hit[0], hit[1]) and hit[0] < piece.start:
            if self.text[hit[0] : hit[1]] in _TIME_FRAMES:  # 截至2020年底，…: all that follows
                return True
            return not _CLAUSE_MARKS.intersection(self.text[hit[1] : piece.start])
        if hit[0] < marker[0]:
            return True
        if hit[2] == "condition" or hit[0] >= piece.end:
            return False
        between = self.text[marker[1] : hit[0]]
        return not any(mark in between for mark in ",;\uff0c\uff1b")

    def _clipped(self, piece: _Piece, marker: Hit) -> tuple[int, int]:
        """The piece's span, cut to the quotation that holds its marker and all its kinds, and
        without the joining words and marks at its ends."""
        text, start, end = self.text, piece.start, piece.end
        words = [marker[0], *(k[0] for hits in piece.kinds for k in hits)]
        for opening, closing in _QUOTES.items():
            left = text.rfind(opening, start, marker[0] + 1)
            if left < 0 or left > min(words):
                continue
            right = text.find(closing, max(words), end)
            start, end = left + 1, right if right > left else end
            break
        passage = text[start:end].lower()
        for word in _LEADING:
            if passage.startswith(word) and len(passage) > len(word):
                start += len(word)
                break
        while end > start and text[end - 1] in _TRAILING:
            end -= 1
        while start < end and text[start].isspace():
            start += 1
        return start, end

    def _actors(
        self, start: int, end: int, begin: int, finish: int, marker: Hit
    ) -> tuple[tuple[str, ...], str | None, bool]:
        """Who commits, how the reader knows (for the reasons), and whether they are the subject
        of the marker's clause: see the module's rule 4."""
        mentions = self.mentions
        starts = self.mention_starts
        low, high = bisect_left(starts, begin), bisect_left(starts, finish)
        sentence = mentions[low:high]
        low = max(begin, marker[0] - _SUBJECT_REACH)
        clause = low + _clause_start(self.text[low : marker[0]])
        subject = [m for m in sentence if clause <= m[0] < marker[0]
                   and (m[0] == clause or marker[0] - m[1] <= _NEAR_SUBJECT)]  # fmt: skip
        opening = self.text[clause : marker[0]].lower().lstrip('“"「 ')
        first_person = opening.startswith(_FIRST_PERSON)
        if subject and not first_person:
            return _ordered(subject), self.text[subject[0][0] : subject[0][1]], True
        if not subject and _CJK.search(self.text, marker[0], marker[1] + 1):
            # A Chinese clause that starts with its verb: the subject of its sentence's first
            # clause (双方将…，并计划…), else the body that issues the text (加快建设…)
            first = self.text[begin : marker[0]].lower()
            head = first[: max(first.find("\uff0c"), 0)] or first
            subject = [m for m in sentence if m[0] < begin + len(head)]
            if subject:
                return _ordered(subject), self.text[subject[0][0] : subject[0][1]], True
            opening = head
            first_person = opening.startswith(_FIRST_PERSON)
            fallback = mentions[max(0, bisect_right(starts, begin) - 1)] if mentions else None
            joint = next((word for word in cues.JOINT if word in opening), None)
            if joint is None and fallback is not None and not first_person:
                return (fallback[2],), self.text[fallback[0] : fallback[1]], True
        pronoun = opening.rstrip().rsplit(" ", 1)[-1] in _PRONOUNS
        if pronoun:  # "China said it would", "they would": who the sentence named before it
            before = [m for m in sentence if m[0] < marker[0]]
            if not before:
                before = mentions[max(0, low - 1) : low]
            if before:
                return _ordered(before), self.text[before[0][0] : before[0][1]], True
        joint = next((word for word in cues.JOINT if word in opening), None)
        if joint is not None:  # "the two sides agreed", 双方将: those named before
            parties = _ordered(mentions[max(0, high - _PARTIES_REACH) : high])
            return tuple(sorted(parties)), joint, True
        speaker = self.speech.speaker(start, end, begin, finish)
        if speaker is not None and speaker.actors and not speaker.outsider:
            return tuple(sorted(speaker.actors)), f"speaker {speaker.name}", first_person
        if sentence:
            actors = _ordered(sentence)
        else:
            earlier = bisect_right(starts, begin) - 1
            actors = (mentions[earlier][2],) if earlier >= 0 else ()
        if first_person and actors:  # "we will": the side the text speaks for
            return actors, opening.split()[0] if opening.split() else "we", True
        return actors, None, False


def _clause_start(region: str) -> int:
    """Where the clause that ends `region` starts: after a quotation mark, a semicolon or a
    colon, or "that" (pledges.audit.attributions.clause_start), after a comma and a word that
    starts another clause (", as", ", which"), or after a Chinese comma."""
    start = clause_start(region)
    lowered = region.lower()
    for word in _SUBORDINATE:
        at = lowered.rfind(word)
        if at >= 0:
            start = max(start, at + len(word))
    if not region.isascii():
        start = max(start, *(region.rfind(mark) + 1 for mark in "\uff0c\uff1b\uff1a"))
    return start


def _ordered(mentions: list[tuple[int, int, str]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(actor for _, _, actor in mentions))


def _zh_deadline(number: Number, reader: Reader) -> bool:
    """A deadline written in Chinese (到2025年, 2030年前): a plan's target needs no verb."""
    return number.role == "deadline" and reader.text[number.end : number.end + 1] == "年"


def _questions(text: str, start: int, end: int) -> list[int]:
    """Where a question mark ends the passage text[start:end] (or stands in it)."""
    found = []
    for mark in "?\uff1f":
        at = text.find(mark, start, min(len(text), end + 2))
        if at >= 0:
            found.append(at)
    return found


def _kind(hits: tuple[Hit, ...], after: int) -> tuple[PledgeKind, Hit | None]:
    """What a clause is about, with the word that says so: the kind it names right after its
    marker ("would cut its emissions"), else the first specific kind it names after its marker
    (else before it), else the first general one; else other."""
    near = [h for h in hits if after <= h[0] <= after + _NEAR_MARKER]
    if near:
        return PledgeKind(near[0][2]), near[0]
    specific = [h for h in hits if h[2] not in _GENERAL]
    chosen = sorted(specific or hits, key=lambda hit: (hit[0] < after, hit[0]))
    if not chosen:
        return PledgeKind.OTHER, None
    return PledgeKind(chosen[0][2]), chosen[0]


def _target(inside: list[Number]) -> tuple[int | None, float | None, str | None, int | None]:
    """(year, value, unit, baseline year) of a piece: its last deadline (else its last plain
    year), its first value and the first baseline."""
    deadlines = [n for n in inside if n.role == "deadline"] or [
        n for n in inside if n.role == "year"
    ]
    year = int(deadlines[0].value) if deadlines else None
    baselines = [n for n in inside if n.role == "baseline"]
    baseline = int(baselines[0].value) if baselines else None
    values = [n for n in inside if n.role == "value"]
    if not values:
        return year, None, None, baseline
    unit = baseline_unit(values[0].unit or "", baseline)
    return year, values[0].value, unit, baseline
