"""The gold set of `pledges suggest`, and how candidates are scored against it.

The gold set is every seed article, whose commitments are the quotes the seed register's pledges
cite (seeds/pledges.yaml), and the texts of tests/suggest_cases/: NAME.txt, with NAME.yaml naming
each passage that states a commitment (its actors, kind, year, value, unit and baseline) and the
passages that look like commitments but are not (forecasts, past results, demands of others).

A candidate matches a gold passage when their spans overlap by at least half of the shorter of
the two; each gold passage is matched by one candidate at most, and each candidate matches one
gold passage at most (pairs of the same kind first, then by how much they overlap). Recall is the
share of gold passages matched by a suggested candidate (score at least the minimum); precision,
the share of suggested candidates that match one. tests/test_suggest_gold.py asserts the targets;
bench/suggest.py reports the figures beside its timings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pledges.audit.actors import ActorMatcher
from pledges.records import ActorRecord
from pledges.suggest.reading import Candidate, Reader
from pledges.suggest.reading import overlap as overlaps
from pledges.textmatch import find
from pledges.wording import years

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "suggest_cases"
SEEDS = ROOT / "seeds"


@dataclass(frozen=True)
class Gold:
    start: int
    end: int
    actors: frozenset[str]
    kind: str
    year: int | None


@dataclass(frozen=True)
class GoldText:
    name: str
    language: str
    text: str
    commitments: tuple[Gold, ...]
    negatives: tuple[tuple[int, int, str], ...]  # (start, end, why)
    actors: tuple[dict[str, Any], ...] = ()


def _span(text: str, passage: str, occurrence: int, where: str) -> tuple[int, int]:
    at = -1
    for _ in range(occurrence):
        at = text.find(passage, at + 1)
        assert at >= 0, f"{where}: {passage!r} (occurrence {occurrence}) is not in the text"
    return at, at + len(passage)


def case_texts(folder: Path = CASES) -> list[GoldText]:
    """The texts of tests/suggest_cases/ with their answers."""
    found = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        text = path.with_suffix(".txt").read_text(encoding="utf-8")
        golds = []
        for item in data.get("commitments") or ():
            start, end = _span(text, item["passage"], item.get("occurrence", 1), path.name)
            year = item.get("year")
            golds.append(Gold(start, end, frozenset(item["actors"]), item["kind"], year))
        negatives = []
        for item in data.get("not_commitments") or ():
            start, end = _span(text, item["passage"], item.get("occurrence", 1), path.name)
            negatives.append((start, end, str(item.get("why", "other"))))
        found.append(GoldText(path.stem, data["language"], text, tuple(golds), tuple(negatives),
                              tuple(data.get("actors") or ())))  # fmt: skip
    return found


def seed_texts() -> list[GoldText]:
    """The seed articles, each with the quotes the seed register's pledges cite from it."""
    sources = yaml.safe_load((SEEDS / "sources.yaml").read_text(encoding="utf-8"))
    pledges = yaml.safe_load((SEEDS / "pledges.yaml").read_text(encoding="utf-8"))
    texts = {s["id"]: (SEEDS / s["file"]).read_text(encoding="utf-8") for s in sources}
    golds: dict[str, list[Gold]] = {source: [] for source in texts}
    for pledge in pledges:
        for item in pledge["evidence"]:
            text = texts[item["source"]]
            span = find(item["quote"], text)
            assert span is not None, f"seed quote not in {item['source']}: {item['quote']!r}"
            stated = pledge.get("target_year") in years(item["quote"])
            year = pledge.get("target_year") if stated else None
            golds[item["source"]].append(
                Gold(span.start, span.end, frozenset(pledge["actors"]), pledge["kind"], year)
            )
    return [GoldText(f"seed {source}", "en", texts[source], tuple(golds[source]), ())
            for source in texts]  # fmt: skip


def gold_texts() -> list[GoldText]:
    return seed_texts() + case_texts()


def matcher(texts: Iterable[GoldText]) -> ActorMatcher:
    """The seed register's actors, with those the texts declare (an actor the seeds have gains
    the aliases a text gives it)."""
    actors: dict[str, dict[str, Any]] = {}
    for actor in yaml.safe_load((SEEDS / "actors.yaml").read_text(encoding="utf-8")):
        actors[actor["id"]] = {**actor, "aliases": list(actor.get("aliases") or ())}
    for text in texts:
        for actor in text.actors:
            known = actors.setdefault(actor["id"], {**actor, "aliases": []})
            for alias in actor.get("aliases") or ():
                if alias not in known["aliases"]:
                    known["aliases"].append(alias)
    return ActorMatcher(
        ActorRecord(a["id"], a["name"], a["kind"], list(a["aliases"])) for a in actors.values()
    )


def pairs(golds: Sequence[Gold], candidates: Sequence[Candidate]) -> list[tuple[Gold, Candidate]]:
    """Each gold passage with the candidate that matches it, one to one."""
    options = []
    for g, gold in enumerate(golds):
        for c, candidate in enumerate(candidates):
            share = overlaps((gold.start, gold.end), (candidate.start, candidate.end))
            if share >= 0.5:
                options.append((candidate.kind.value == gold.kind, share, -c, g, c))
    options.sort(reverse=True)
    taken_gold: set[int] = set()
    taken_candidate: set[int] = set()
    matched = []
    for _, _, _, g, c in options:
        if g not in taken_gold and c not in taken_candidate:
            taken_gold.add(g)
            taken_candidate.add(c)
            matched.append((golds[g], candidates[c]))
    return matched


@dataclass
class Tally:
    gold: int = 0
    suggested: int = 0
    matched: int = 0
    actors: int = 0
    kinds: int = 0
    years: int = 0
    negatives: int = 0
    negatives_suggested: int = 0
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.suggested if self.suggested else 1.0


def evaluate(
    texts: Iterable[GoldText], min_score: float, found: ActorMatcher | None = None
) -> dict[str, Tally]:
    """The tally of each language, and of all ('all'), at a minimum score."""
    texts = list(texts)
    actors = found or matcher(texts)
    tallies: dict[str, Tally] = {"all": Tally()}
    for gold_text in texts:
        candidates = [
            c for c in Reader(gold_text.text, actors).candidates() if c.score >= min_score
        ]
        matched = pairs(gold_text.commitments, candidates)
        hit = {id(c) for _, c in matched}
        for tally in (tallies["all"], tallies.setdefault(gold_text.language, Tally())):
            tally.gold += len(gold_text.commitments)
            tally.suggested += len(candidates)
            tally.matched += len(matched)
            tally.actors += sum(set(c.actors) == g.actors for g, c in matched)
            tally.kinds += sum(c.kind.value == g.kind for g, c in matched)
            tally.years += sum(c.target_year == g.year for g, c in matched)
            tally.negatives += len(gold_text.negatives)
            for start, end, why in gold_text.negatives:
                if any(overlaps((start, end), (c.start, c.end)) >= 0.5
                       for c in candidates if id(c) not in hit):  # fmt: skip
                    tally.negatives_suggested += 1
                    tally.wrong.append(f"{gold_text.name}: {why}: {gold_text.text[start:end]!r}")
            recalled = {id(g) for g, _ in matched}
            tally.missed.extend(
                f"{gold_text.name}: {gold_text.text[g.start:g.end]!r}"
                for g in gold_text.commitments if id(g) not in recalled
            )  # fmt: skip
    return tallies
