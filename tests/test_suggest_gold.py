"""`pledges suggest` against its gold set (tests/suggest_gold.py): recall and precision at the
default --min-score, every seeded quote recalled, and the gold set itself well formed."""

from __future__ import annotations

import pytest

from pledges.suggest.scoring import MIN_SCORE
from pledges.vocab import PledgeKind
from tests.suggest_gold import case_texts, evaluate, gold_texts, seed_texts

RECALL, PRECISION = 0.9, 0.7  # the targets, at the default --min-score


def test_the_gold_set_has_what_it_must() -> None:
    cases = case_texts()
    assert len(cases) >= 10
    assert sum(case.language == "zh" for case in cases) >= 3
    for case in cases:
        assert case.commitments, f"{case.name}: no commitment"
        assert case.negatives, f"{case.name}: no passage that only looks like a commitment"
        for gold in case.commitments:
            assert gold.kind in set(PledgeKind), f"{case.name}: kind {gold.kind}"
            assert gold.year is None or 1990 <= gold.year <= 2100


def test_recall_and_precision_reach_their_targets() -> None:
    tallies = evaluate(gold_texts(), MIN_SCORE)
    every = tallies["all"]
    shown = "; ".join(f"{language}: recall {t.recall:.2f}, precision {t.precision:.2f}"
                      for language, t in tallies.items())  # fmt: skip
    assert every.recall >= RECALL, shown + "\nmissed:\n" + "\n".join(every.missed)
    assert every.precision >= PRECISION, shown


@pytest.mark.parametrize("language", ["en", "zh"])
def test_each_language_recalls_most_commitments(language: str) -> None:
    tally = evaluate(gold_texts(), MIN_SCORE)[language]
    assert tally.recall >= 0.85, "\n".join(tally.missed)
    assert tally.precision >= 0.65


def test_every_quote_a_seeded_pledge_cites_is_recalled() -> None:
    tally = evaluate(seed_texts(), MIN_SCORE)["all"]
    assert tally.gold == 21
    assert tally.missed == []


def test_the_negatives_are_mostly_left_out() -> None:
    tally = evaluate(gold_texts(), MIN_SCORE)["all"]
    assert tally.negatives >= 50
    assert tally.negatives_suggested <= tally.negatives // 10, "\n".join(tally.wrong)


def test_a_higher_minimum_trades_recall_for_precision() -> None:
    low, high = (evaluate(gold_texts(), score)["all"] for score in (0.3, 0.8))
    assert low.recall > high.recall
    assert high.precision > low.precision
