"""Cutting a sentence into the pieces that each state one commitment.

A sentence that names things of different kinds is cut between them where a clause ends (a
comma, a semicolon, "and"): "has pledged to peak emissions by 2030 and become carbon neutral by
2060" is two pieces. So is one with two clauses that each have their own marker and subject
("…said it would contribute $100 million, and Germany said it would put in the same"). A piece
too short to stand alone ("…peak carbon and carbon neutrality") stays with the one before it,
which then yields a candidate for each kind. A Chinese sentence is cut at its commas and
semicolons first: a plan lists its targets so (到2025年，A下降18%，B达到20%).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from pledges.suggest import cues
from pledges.suggest.cued import CJK, Cued, Hit
from pledges.suggest.targets import Number

_SEPARATORS = (";", "\uff1b", "\uff0c", ",", "\u3001", " and ", "和", "及", " as well as ",
               " while ", "以及", "并")  # fmt: skip
_CLAUSE_ENDS = (";", "\uff1b", ", and ", "\uff0c\u5e76")  # cut between two of one kind
_SHORT_WORDS, _SHORT_CHARACTERS = 3, 5  # a piece shorter than this stays with the one before
_PURPOSE = ("为实现", "为落实", "以")  # a Chinese clause of purpose belongs to the one before


@dataclass(frozen=True, slots=True)
class Piece:
    start: int
    end: int
    kinds: tuple[tuple[Hit, ...], ...]  # of each clause it holds (several: joined, too short)


def pieces(cued: Cued, begin: int, finish: int, kinds: list[Hit]) -> list[Piece]:
    """The pieces of the sentence text[begin:finish]: cut where its kinds change, or where a
    clause with its own marker and its own subject starts."""
    cuts: list[tuple[int, int]] = []
    for before, after in pairwise(kinds):
        if after[0] < before[1]:
            continue
        marks: tuple[str, ...] = _SEPARATORS
        if before[2] == after[2]:
            marks = _CLAUSE_ENDS
        elif before[2] in cues.GENERAL_LABELS and after[2] in cues.GENERAL_LABELS:
            continue  # "work together towards… COP 28": one commitment
        cut = _separator(cued.text, before[1], after[0], marks)
        if cut is not None:
            cuts.append(cut)
    markers = [hit for hit in cued.cues_in(begin, finish) if hit[2] in cues.MARKERS]
    for before, after in pairwise(markers):
        # "…said it would contribute $100 million, and Germany said it would put in the
        # same": a clause with its own marker and its own subject is its own commitment
        cut = _separator(cued.text, before[1], after[0], _CLAUSE_ENDS)
        if cut is not None and cued.names(begin, finish, cut[1], after[0]):
            cuts.append(cut)
    cuts = sorted(set(cuts))
    found: list[Piece] = []
    start = begin
    for cut_start, cut_end in [*cuts, (finish, finish)]:
        inside = tuple(k for k in kinds if start <= k[0] < cut_start)
        if found and _short(cued.text, start, cut_start):
            last = found.pop()
            found.append(Piece(last.start, cut_start, (*last.kinds, inside)))
        else:
            found.append(Piece(start, cut_start, (inside,)))
        start = cut_end
    if len(found) > 1 and _short(cued.text, found[0].start, found[0].end):
        first, second = found[0], found[1]  # "At COP28, more than 110 countries agreed…"
        found[:2] = [Piece(first.start, second.end, (*first.kinds, *second.kinds))]
    return found


def chinese_clauses(
    cued: Cued, begin: int, finish: int, kinds: list[Hit], figures: list[Number]
) -> list[Piece]:
    """A Chinese sentence's clauses (between its commas and semicolons), each that names a
    kind or a value one piece: a plan lists its targets so (到2025年，A下降18%，B达到20%).
    A clause that names neither goes with the next one when it holds a deadline (到2030年),
    else with the one before it."""
    text, found = cued.text, list[Piece]()
    bounds = [begin, *(i + 1 for i in range(begin, finish) if text[i] in "\uff0c\uff1b"),
              finish + 1]  # fmt: skip
    waiting: int | None = None  # the start of clauses that go with the next one
    for low, high in pairwise(bounds):
        end = high - 1
        inside = tuple(k for k in kinds if low <= k[0] < end)
        valued = any(n.role == "value" and low <= n.start < end for n in figures)
        dated = any(n.role == "deadline" and low <= n.start < end for n in figures)
        start = low if waiting is None else waiting
        marked = any(c[2] in cues.MARKERS for c in cued.cues_in(low, end))
        purpose = bool(found) and text.startswith(_PURPOSE, low)
        if (inside or valued or marked) and not purpose:
            found.extend(pieces(cued, start, end, list(inside)))
            waiting = None
        elif (dated or not found) and high <= finish:
            waiting = start
        else:
            last = found.pop() if found else Piece(start, start, ((),))
            found.append(Piece(last.start, end, last.kinds))
            waiting = None
    return found


def _separator(text: str, low: int, high: int, marks: tuple[str, ...]) -> tuple[int, int] | None:
    """The first clause end between two cues: the span of its separator."""
    between = text[low:high]
    best: tuple[int, int] | None = None
    for mark in marks:
        at = between.find(mark)
        if at >= 0 and (best is None or at < best[0]):
            best = (at, at + len(mark))
    return None if best is None else (low + best[0], low + best[1])


def _short(text: str, start: int, end: int) -> bool:
    piece = text[start:end]
    if CJK.search(piece) is None:
        return len(piece.split()) < _SHORT_WORDS
    return len(piece.strip()) < _SHORT_CHARACTERS
