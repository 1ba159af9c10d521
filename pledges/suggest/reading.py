"""Reading one article for the commitments it states: candidate passages, best first.

1. The article's cues, sentences and names are found (pledges.suggest.cued), and each cue is
   put in its sentence. A sentence with no marker states no commitment (in Chinese, a deadline
   such as 到2025年 or 2030年前 is a marker too: plans state their targets without a verb of
   promise).
2. A sentence is cut into pieces that each state one commitment (pledges.suggest.clauses).
3. Each piece is scored from its reasons (pledges.suggest.scoring); who commits is found
   (pledges.suggest.committers) only for a piece that can reach the minimum score. Its passage
   is cut to the quotation that holds its words, if there is one, without the words that join
   it to the rest of its sentence ("and", a comma).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pledges.suggest import cues, scoring
from pledges.suggest.clauses import Piece, chinese_clauses, pieces
from pledges.suggest.committers import who
from pledges.suggest.cued import CJK, DATELINE, Cued, Hit
from pledges.suggest.targets import Number, baseline_unit, numbers
from pledges.vocab import PledgeKind

_LEADING = ("and ", "but ", "as well as ", "while ", "以及", "并且", "并", "and\n")
_TRAILING = ",;:.\uff0c\uff1b\u3001\uff1a\u3002 \n\t"
_QUOTES = {"\u201c": "\u201d", '"': '"', "\u300c": "\u300d", "\u300e": "\u300f", "\u00ab": "\u00bb"}
_ZH_SAID = re.compile("[^，。；“”]{0,40}?(?:表示|宣布|指出|强调|重申|提出|明确|说)[，：:]")
_ZH_WHEN = re.compile(
    "(?:[^，。；“”到至]{0,8}[年月日]|同年|今年|去年|此前|随后|目前)[^，。；“”]{0,4}，"
)
_HEADLINE_WORDS, _HEADLINE_CHARACTERS = 14, 40
_CURRENCIES = frozenset({"USD", "EUR", "GBP", "CNY", "JPY"})
_NEAR_MARKER = 40  # characters after its marker in which a clause names what it is about
_TIME_FRAMES = frozenset({"截至", "截止", "去年", "过去"})
_TIME_WORDS = frozenset({"last year", "last month", "last week", "last december", "so far"})
_MARKER_RUN = 25  # characters after a piece's first marker in which a stronger one counts
_CLAUSE_MARKS = frozenset(",;\uff0c\uff1b\u3002")


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


class Reader(Cued):
    """One article, read once for its cues; `candidates()` reads its commitments."""

    min_score = 0.0

    def candidates(
        self, min_score: float = 0.0, cited: Sequence[tuple[int, int]] = ()
    ) -> list[Candidate]:
        """The article's candidates, best first; those that cannot reach `min_score`, and those
        whose clause a span of `cited` overlaps by half (of the shorter), may be left out
        unread."""
        self.min_score = min_score
        if not self.cues:
            return []
        found: list[Candidate] = []
        for begin, finish in self.sentences():
            hits = self.cues_in(begin, finish)
            chinese = self.unspaced and CJK.search(self.text, begin, finish) is not None
            if not hits and not chinese:
                continue
            markers = [hit for hit in hits if hit[2] in cues.MARKERS]
            if not markers and not chinese:
                continue
            # (English pieces are cut without the numbers: read once none is left out)
            figures = numbers(self.text, begin, finish) if chinese else None
            if not markers and figures is not None:
                markers = [(n.start, n.end, "deadline") for n in figures if _zh_deadline(n, self)]
                if not markers:
                    continue
            kinds = self.kinds_in(begin, finish)
            cut = (chinese_clauses(self, begin, finish, kinds, figures) if figures is not None
                   else pieces(self, begin, finish, kinds))  # fmt: skip
            near = [span for span in cited if span[0] < finish and span[1] > begin]
            if near:  # passages a pledge already cites: left out unread
                cut = [piece for piece in cut if _uncited(piece, near)]
                if not cut:
                    continue
            if figures is None:
                figures = numbers(self.text, begin, finish)
            for piece in cut:
                found.extend(self._read(piece, begin, finish, hits, markers, figures))
        found.sort(key=lambda c: (-c.score, c.start))
        return found

    # --- reading one piece

    def _read(
        self,
        piece: Piece,
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
        chinese = CJK.search(self.text, piece.start, piece.end) is not None
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
        if marker is None:  # the sentence's only marker comes after this piece: a target put
            if not any(n.role in ("deadline", "value") for n in inside):  # first ("By 2030,
                return []  # …, China has pledged"), or a clause of its own that states none
            marker = markers[0]
        lowering = [h for h in hits if h[2] in cues.LOWERING and self._governs(h, marker, piece)]

        lowering += [(q, q + 1, "question") for q in _questions(self.text, piece.start, piece.end)]
        if _headline(self.text, begin, finish):
            lowering.append((begin, finish, "headline"))
        if chinese and not any(n.role == "deadline" for n in inside):  # 到2025年，A，B: by 2025
            before = [n for n in figures if n.role == "deadline" and n.start < piece.start]
            inside = before[-1:] + inside
        kinds = dict(_kind(hits, marker[0]) for hits in piece.kinds)
        money = any(n.unit and n.unit.split()[-1] in _CURRENCIES for n in inside)
        if money and PledgeKind.OTHER in kinds:  # "pledged $17.5 million"
            kinds = {PledgeKind.FINANCE: None, **kinds}
            del kinds[PledgeKind.OTHER]
        if self.min_score > 0:  # the most it could score, with whoever commits named
            best = scoring.points(marker, any(kinds.values()), inside, lowering, "", subject=True)
            if best < self.min_score:
                return []
        start, end = self._clipped(piece, marker)
        lowering += [
            (n.start, n.end, "past") for n in inside if n.role == "date" and n.start >= start
        ]
        actors, named, subject = who(self, start, end, begin, finish, marker)
        made: list[Candidate] = []
        target = _target(inside)
        for kind, word in kinds.items():
            score, reasons = scoring.score(
                self.text, marker, word, inside, lowering, named, kind, subject=subject
            )
            made.append(Candidate(self.text[start:end], start, end, actors, kind, *target,
                                  score, reasons))  # fmt: skip
        return made

    def _governs(self, hit: Hit, marker: Hit, piece: Piece) -> bool:
        """Whether a word that lowers a score bears on a piece: it comes before the piece's
        marker in its sentence ("urged China to commit"), or after it in the same clause ("will
        peak, analysts expect") but for a condition ("…if they attend")."""
        if CJK.search(self.text, hit[0], hit[1]) and hit[0] < piece.start:
            if self.text[hit[0] : hit[1]] in _TIME_FRAMES:  # 截至2020年底，…: all that follows
                return True
            return not _CLAUSE_MARKS.intersection(self.text[hit[1] : piece.start])
        if hit[0] < piece.start:  # in a clause before this piece's: only a time frame, or
            between = self.text[hit[1] : piece.start]  # with no clause end in between
            return self.text[hit[0] : hit[1]].lower() in _TIME_WORDS or not any(
                mark in between for mark in ",;\uff0c\uff1b"
            )
        if hit[0] < marker[0]:
            return True
        if hit[2] == "condition" or hit[0] >= piece.end:
            return False
        between = self.text[marker[1] : hit[0]]
        return not any(mark in between for mark in ",;\uff0c\uff1b")

    def _clipped(self, piece: Piece, marker: Hit) -> tuple[int, int]:
        """The piece's span, cut to the quotation that holds its marker and all its kinds, and
        without the joining words and marks at its ends."""
        text, start, end = self.text, piece.start, piece.end
        words = [marker[0], *(k[0] for hits in piece.kinds for k in hits)]
        for opening, closing in _QUOTES.items():
            left = text.rfind(opening, start, marker[0] + 1)
            if left < 0 or left > min(words):
                continue
            if 0 <= text.find(closing, left + 1, end) < marker[1]:
                continue  # a quotation closed before the marker: “十五五”时期逐步减少
            right = text.find(closing, max(words), end)
            start, end = left + 1, right if right > left else end
            break
        start = _after_preamble(text, start, marker[0])
        while start < end and text[start].isspace():
            start += 1
        passage = text[start:end].lower()
        for word in _LEADING:
            if passage.startswith(word) and len(passage) > len(word):
                start += len(word)
                break
        while end > start and text[end - 1] in _TRAILING:
            end -= 1
        for opening, closing in _QUOTES.items():  # a closing mark whose opening is left out
            if end > start and text[end - 1] == closing and opening not in text[start : end - 1]:
                end -= 1
                while end > start and text[end - 1] in _TRAILING:
                    end -= 1
        while start < end and text[start].isspace():
            start += 1
        return start, end


def _after_preamble(text: str, start: int, marker: int) -> int:
    """Where a passage starts once a dateline ("BRUSSELS, 14 July -", "DUBAI:") and a Chinese
    attribution before its own clause (习近平宣布，…; 文件重申，…) are left out."""
    dateline = DATELINE.match(text, start, marker)
    if dateline is not None:
        start = dateline.end()
    for _ in range(3):  # 今年9月，习近平在…上宣布，中国…: a time, then who said it
        said = _ZH_SAID.match(text, start, marker) or _ZH_WHEN.match(text, start, marker)
        if said is None:
            break
        start = said.end()
    return start


def _uncited(piece: Piece, cited: list[tuple[int, int]]) -> bool:
    return all(overlap(span, (piece.start, piece.end)) < 0.5 for span in cited)


def overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    """How much two spans overlap, as a share of the shorter."""
    shared = min(a[1], b[1]) - max(a[0], b[0])
    shorter = min(a[1] - a[0], b[1] - b[0])
    return max(0, shared) / shorter if shorter > 0 else 0.0


def _zh_deadline(number: Number, reader: Reader) -> bool:
    """A deadline written in Chinese (到2025年, 2030年前): a plan's target needs no verb."""
    return number.role == "deadline" and reader.text[number.end : number.end + 1] == "年"


def _headline(text: str, begin: int, finish: int) -> bool:
    """Whether a sentence is a headline: a short line of its own with no stop at its end ("US
    sets new climate target ahead of summit"), which reports what others state."""
    alone = finish == len(text) or text[finish] in "\r\n"
    ended = text[finish - 1] in '.!?\u3002\uff01\uff1f"\u201d'
    if CJK.search(text, begin, finish) is not None:  # 上海发布碳达峰实施方案 力争…
        return alone and not ended and finish - begin <= _HEADLINE_CHARACTERS
    return alone and not ended and len(text[begin:finish].split()) <= _HEADLINE_WORDS


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
    near = [h for h in near if h[2] not in cues.GENERAL_LABELS] or near  # "to cut methane": methane
    if near:
        return PledgeKind(near[0][2]), near[0]
    specific = [h for h in hits if h[2] not in cues.GENERAL_LABELS]
    chosen = sorted(specific or hits, key=lambda hit: (hit[0] < after, hit[0]))
    if not chosen:
        return PledgeKind.OTHER, None
    return PledgeKind(chosen[0][2]), chosen[0]


def _target(inside: list[Number]) -> tuple[int | None, float | None, str | None, int | None]:
    """(year, value, unit, baseline year) of a piece: its first deadline (else its first plain
    year; a Chinese piece's inherited deadline comes first), its first value and baseline."""
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
