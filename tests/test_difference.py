"""Naming where a typed quote and the article's closest passage part ways (pledges.difference)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pledges.difference import Difference, describe, describe_elided, differences
from pledges.textmatch import fold

ARTICLE = "Non-fossil fuels will account for 25 percent of total energy consumption by 2030,"


@pytest.mark.parametrize(
    ("typed", "found", "expected"),
    [
        pytest.param(
            "Non-fossil fuels will account for 20 percent of total energy consumption by 2030",
            ARTICLE,
            "you typed 'for 20 percent', the article has 'for 25 percent'",
            id="a figure",
        ),
        pytest.param(
            "Non-fossil fuels will account for 25 percent of total energy consumption by 2035",
            ARTICLE,
            "you typed 'by 2035', the article has 'by 2030'",
            id="the last word, the passage's comma left aside",
        ),
        pytest.param(
            "for 25 per cent of total", ARTICLE, "you typed '25 per cent of', the article has "
            "'25 percent of'", id="per cent",
        ),
        pytest.param(
            "the country would strictly limit coal consumption",
            "the country would “strictly control coal consumption”",
            "you typed 'would strictly limit coal', the article has 'would “strictly control "
            "coal'",
            id="a quotation mark and a word, near each other: one stretch",
        ),
        pytest.param(
            "one two three four five six seven",
            "one 2 three four five 6 seven eight nine",
            "you typed 'one two three' and 'five six seven', the article has 'one 2 three' and "
            "'five 6 seven'",
            id="two stretches",
        ),
        pytest.param(
            "a b c d e f g h i", "a X c d Y f g Z i",
            "you typed 'a b c' and 'd e f', the article has 'a X c' and 'd Y f' "
            "(and 1 more difference)",
            id="more than two",
        ),
        pytest.param(
            "will account for total energy", "will account for 25 percent of total energy",
            "you typed 'for total', the article has 'for 25 percent of total'",
            id="words left out",
        ),
        pytest.param(
            "near 1.5 C would", "near 1.5C would",
            "you typed 'near 1.5 C would', the article has 'near 1.5C would'",
            id="a number and its unit",
        ),
    ],
)  # fmt: skip
def test_the_difference_is_named_with_a_word_of_context(
    typed: str, found: str, expected: str
) -> None:
    assert describe(typed, found) == expected


def test_case_typographic_marks_and_the_passage_reaching_past_the_quote_are_no_difference() -> None:
    assert differences('CHINA\'S pledge - "firm"', "China\u2019s pledge — “firm”") == []
    assert differences("account for 25 percent", "will account for 25 percent of total") == []
    assert describe("account for 25 percent", "“account for 25 percent,”") is None


def test_a_long_stretch_is_shortened_on_one_line() -> None:
    typed = "start " + " ".join(f"word{n}" for n in range(40)) + " end"
    named = describe(typed, "start other\nwords end")
    assert named is not None and "\n" not in named and "…" in named


WORDS = st.lists(
    st.sampled_from(["coal", "Coal", "2030", "1.5C", "per", "cent", "“", "'", ",", "peak", "—"]),
    max_size=12,
)


def _text(words: list[str]) -> str:
    return " ".join(words)


@given(WORDS)
def test_identical_texts_have_no_difference(words: list[str]) -> None:
    assert differences(_text(words), _text(words)) == []
    assert describe(_text(words), _text(words)) is None


@given(WORDS, WORDS)
def test_each_named_stretch_stands_in_its_own_text(typed: list[str], found: list[str]) -> None:
    a, b = _text(typed), _text(found)
    for difference in differences(a, b):
        assert difference.typed in a and difference.found in b
        assert difference.typed or difference.found
        assert fold(difference.typed) != fold(difference.found)


@given(WORDS, WORDS, st.sampled_from(["twenty", "twenty-five", "percent"]))
def test_a_changed_word_inside_the_quote_is_named(
    before: list[str], after: list[str], word: str
) -> None:
    typed = _text(["the", *before, "nineteen", *after, "end"])
    found = _text(["the", *before, word, *after, "end"])
    named = differences(typed, found)
    assert len(named) == 1
    assert "nineteen" in named[0].typed and word in named[0].found


def test_exact_names_case_and_typographic_marks_too() -> None:
    assert describe("we must ... A new", "We must ... a new", exact=True) == (
        "you typed 'we must' and '... A new', the article has 'We must' and '... a new'"
    )
    assert describe("the world's", "the world\u2019s", exact=True) == (
        "you typed 'world's', the article has 'world\u2019s'"
    )
    assert describe("a  b\nc", "a b c", exact=True) is None


def test_a_difference_is_a_pair_of_slices() -> None:
    assert differences("a b c", "a x c") == [Difference("a b c", "a x c")]


ARTICLE = "We will cut emissions by 25 percent by 2030.\n\nThe plan starts next year."


@pytest.mark.parametrize(
    ("quote", "named"),
    [
        ("We will cut ... by 20 percent", "the part 'by 20 percent' does not stand: you typed "
         "'by 20 percent', the article has 'by 25 percent'"),
        ("cut emissions … The plan starts", "each part stands, but not together: they must "
         "stand in order within one paragraph, each ellipsis leaving out at most 250 characters"),
        ("We will cut ... zzzz", "the part 'zzzz' does not stand"),
    ],
)  # fmt: skip
def test_an_elided_quote_names_the_part_that_does_not_stand(quote: str, named: str) -> None:
    assert describe_elided(quote, ARTICLE) == named
