# ruff: noqa: RUF001 (Chinese and Japanese are written with full-width punctuation and digits)
"""Quotes in Chinese, Japanese and Korean: located, measured and checked by the same rules as
English, with what their scripts need (no spaces between words, full-width forms, their stops)."""

from __future__ import annotations

import json

import pytest

from pledges.audit.actors import ActorMatcher
from pledges.records import ActorRecord
from pledges.sentences import sentence_bounds
from pledges.textmatch import (
    Article,
    Method,
    as_written,
    closest,
    elided,
    find,
    fold,
    normalise,
    original_span,
)
from pledges.vocab import ActorKind
from pledges.wording import length, years
from tests.conftest import CLI
from tests.test_cli import one_line

# Texts written for these tests, stating public facts: China's announcement at the UN General
# Assembly in September 2020, its updated NDC of 2021, and the same goals in Japanese and Korean.
ZH = (
    "2020年9月22日，国家主席习近平在第七十五届联合国大会一般性辩论上讲话。"
    "习近平表示，中国将提高国家自主贡献力度。中国的二氧化碳排放力争在2030年之前达到峰值，"
    "并努力在2060年之前实现碳中和。\n\n"
    "2021年，中国提交了更新后的国家自主贡献：到2030年，单位国内生产总值二氧化碳排放将比2005年"
    "下降65%以上；非化石能源占一次能源消费的比重将达到25%左右！"
    "记者问：“这是否意味着更快的转型？”他说：“是的。”随后会议结束。"
)
JA = (
    "中国は2060年までにカーボンニュートラルを目指すと表明した。日本は2050年の実現を目標としている。"
)
KO = "중국은 2060년까지 탄소중립을 달성하겠다고 밝혔다. 한국은 2050년을 목표로 하고 있다."


def found(quote: str, text: str = ZH) -> str:
    span = find(quote, text)
    assert span is not None, quote
    return text[span.start : span.end]


def sentence(quote: str, text: str = ZH) -> str:
    span = find(quote, text)
    assert span is not None, quote
    begin, end = sentence_bounds(text, span.start, span.end)
    return text[begin:end]


# --- normalisation ------------------------------------------------------------------------------


def test_full_width_forms_fold_to_their_plain_forms() -> None:
    assert fold("２０６０年，ＵＳ；！") == "2060年,us;!"
    assert normalise("２０６０年，ＵＳ；！").text == "2060年,us;!"


def test_the_chinese_ellipsis_is_one_ellipsis() -> None:
    for typed in ("……", "⋯⋯", "⋯", "…"):
        assert fold(f"力度{typed}并努力") == "力度…并努力"
        assert normalise(f"力度{typed}并努力").text == "力度…并努力"
    assert fold("no… … more") == "no… … more"  # apart, two ellipses stay two


def test_whitespace_next_to_chinese_or_japanese_is_no_part_of_the_text() -> None:
    assert fold("并努力在\n  2060 年之前\r\n实现碳中和") == "并努力在2060年之前实现碳中和"
    assert fold("目指す と 表明") == "目指すと表明"
    assert fold("US 与 China") == "us与china"
    # Korean is written with spaces: they stay.
    assert fold("탄소중립을  달성하겠다고") == "탄소중립을 달성하겠다고"


def test_each_folded_character_maps_back_to_where_it_came_from() -> None:
    text = "并努力在\n  ２０６０ 年之前……实现"
    folded = normalise(text)
    assert folded.text == "并努力在2060年之前…实现"
    assert [text[at] for at in folded.origin] == list("并努力在２０６０年之前…实现")
    at = folded.text.index("2060")
    assert text[slice(*original_span(text, fold(text), at, at + 4))] == "２０６０"


# --- finding quotes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quote", "original"),
    [
        ("并努力在２０６０年之前实现碳中和", "并努力在2060年之前实现碳中和"),  # full-width digits
        ("习近平表示,中国将提高", "习近平表示，中国将提高"),  # an ASCII comma
        ("中国将提高国家\n自主贡献力度", "中国将提高国家自主贡献力度"),  # a line break
        ("在 2060 年之前", "在2060年之前"),  # spaced numbers
        ("下降65％以上;非化石能源", "下降65%以上；非化石能源"),  # the other way round
    ],
)
def test_a_chinese_quote_typed_otherwise_is_found_normalised(quote: str, original: str) -> None:
    span = find(quote, ZH)
    assert span is not None and span.method is Method.NORMALISED
    assert ZH[span.start : span.end] == original
    assert Article(ZH).find(quote) == span


def test_a_quote_is_found_in_a_chinese_text_wrapped_over_lines() -> None:
    wrapped = ZH.replace("并努力在2060年之前实现碳中和", "并努力在\n2060年之前实现\n碳中和")
    assert found("并努力在2060年之前实现碳中和", wrapped) == "并努力在\n2060年之前实现\n碳中和"


@pytest.mark.parametrize(
    "quote",
    [
        "并努力在2050年之前实现碳中和",  # a year changed
        "中国的二氧化碳排放力争在2030年之前达到高峰",  # a character changed
        "中国将提高国家\n自主献力度",  # a character left out
    ],
)
def test_a_changed_chinese_quote_is_not_found(quote: str) -> None:
    assert find(quote, ZH) is None


@pytest.mark.parametrize("mark", ["……", "…", "...", "⋯⋯"])
def test_a_chinese_quote_elided_with_any_ellipsis_stands(mark: str) -> None:
    quote = f"中国将提高国家自主贡献力度{mark}并努力在2060年之前实现碳中和"
    assert elided(quote)
    span = find(quote, ZH)
    assert span is not None and span.method is Method.ELIDED
    assert as_written(quote, ZH, span) == quote


def test_a_chinese_quote_elided_out_of_order_is_not_found() -> None:
    assert find("并努力在2060年之前实现碳中和……中国将提高国家自主贡献力度", ZH) is None


def test_the_closest_passage_to_a_chinese_quote_is_not_the_whole_paragraph() -> None:
    near = closest("并努力在2050年之前实现碳中和", ZH)
    assert near is not None
    assert ZH[near.start : near.end] == "并努力在2060年之前实现碳中和"
    assert near.similarity > 90


def test_the_closest_passage_in_english_is_still_widened_to_whole_words() -> None:
    text = "China will peak emissions before 2030 and reach carbon neutrality before 2060."
    near = closest("reach carbon neutralty before 2060", text)
    assert near is not None and text[near.start : near.end].startswith("reach carbon")


# --- sentences ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("中国将提高", "习近平表示，中国将提高国家自主贡献力度。"),
        (
            "实现碳中和",
            "中国的二氧化碳排放力争在2030年之前达到峰值，并努力在2060年之前实现碳中和。",
        ),
        (
            "下降65%以上",
            "2021年，中国提交了更新后的国家自主贡献：到2030年，单位国内生产总值二氧化碳排放将比2005年下降65%以上；",
        ),
        ("非化石能源", "非化石能源占一次能源消费的比重将达到25%左右！"),
        ("更快的转型", "记者问：“这是否意味着更快的转型？”"),  # the closing quote is the sentence's
        ("是的", "他说：“是的。”"),
    ],
)
def test_chinese_sentences_end_at_their_stops(quote: str, expected: str) -> None:
    assert sentence(quote) == expected


def test_japanese_sentences_end_at_the_ideographic_full_stop() -> None:
    assert sentence("2050年の実現", JA) == "日本は2050年の実現を目標としている。"


def test_korean_sentences_end_at_western_stops() -> None:
    assert sentence("2050년을", KO) == "한국은 2050년을 목표로 하고 있다."


# --- length -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("实现碳中和", (5, True)),
        ("国家自主贡献", (6, True)),
        ("风电、太阳能发电", (7, True)),  # punctuation is not counted
        ("并努力在2060年之前实现碳中和", (13, True)),  # a number is one
        ("并努力在２０６０年之前实现碳中和", (13, True)),  # full-width too
        ("COP28会议", (3, True)),  # and a Latin word
        ("カーボンニュートラルを目指す", (14, True)),  # Japanese kana count as characters
        ("탄소중립을 달성하겠다고 밝혔다", (3, False)),  # Korean is spaced: words
        ("We will peak CO2 emissions by 2030", (7, False)),
        ("the U.S. will cut 50-52%", (5, False)),
    ],
)
def test_a_quote_is_measured_in_words_or_in_chinese_and_japanese_characters(
    quote: str, expected: tuple[int, bool]
) -> None:
    assert length(quote) == expected


# --- years --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("并努力在2060年之前实现碳中和", (2060,)),
        ("力争2030年前达峰", (2030,)),
        ("努力在２０６０年之前", (2060,)),
        ("中国力争于二〇六〇年前实现碳中和", (2060,)),
        ("二○六○年前实现碳中和", (2060,)),  # the circle typed for the zero
        ("二O三O年前达到峰值", (2030,)),  # and the letter O
        ("碳中和2060¹，中国", (2060,)),  # a footnote mark is no digit
        ("2030²年前实现碳达峰", (2030,)),
        ("2026-2030年", (2026, 2030)),
        ("in 2026\u20132030", (2026, 2030)),
        ("2026\u20142030", (2026, 2030)),
        ("2026至2030年", (2026, 2030)),
        ("2026-30", (2026, 2030)),  # a range whose end is written with two digits
        ("in 2026\u201330", (2026, 2030)),
        ("the plan (2021-25)", (2021, 2025)),
        ("2026-30年", (2026, 2030)),
        ("1995-99", (1995, 1999)),
        ("2060年までに", (2060,)),
        ("2060년까지", (2060,)),
        ("by 2030, against 2005.", (2005, 2030)),
        # what is no year
        ("on 2023-11-15", ()),
        ("cn-co2-peak-2030", ()),
        ("in the 2030s", ()),
        ("在2020年代", ()),  # a decade
        ("2023-11", ()),  # a month: two digits no more than the year's last two
        ("2026-26", ()),
        ("cn-co2-peak-2026-30", ()),  # an id, as one ending in a year
        ("2026-300", ()),
        ("2026-30-01", ()),  # a date
        ("COP2030", ()),
    ],
)
def test_years_are_read_in_every_language(text: str, expected: tuple[int, ...]) -> None:
    assert years(text) == expected


# --- actors -------------------------------------------------------------------------------------


MATCHER = ActorMatcher([
    ActorRecord("CN", "China", ActorKind.COUNTRY, ["中国", "习近平", "Xi", "PRC", "중국"]),
    ActorRecord("US", "United States", ActorKind.COUNTRY, ["US", "美国", "拜登", "미국"]),
    ActorRecord("JP", "Japan", ActorKind.COUNTRY, ["日本"]),
])  # fmt: skip


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("中国将提高国家自主贡献力度", {"CN"}),
        ("习近平表示", {"CN"}),
        ("在中国和美国之间", {"CN", "US"}),
        ("US与China", {"US", "CN"}),  # a Chinese neighbour bounds a Latin alias
        ("日本は2050年の実現を目標としている", {"JP"}),
        ("중국은 2060년까지", {"CN"}),  # a Korean particle follows the name
        # Latin aliases keep their word boundaries
        ("USA与Xiamen", set()),
        ("PRCs", set()),
        # words that hold a name without naming anyone: developing, Western countries
        ("发展中国家应当加快减排", set()),
        ("欧美国家承诺出资", set()),
        ("中国支持发展中国家", {"CN"}),
    ],
)
def test_aliases_are_found_inside_unspaced_text(text: str, named: set[str]) -> None:
    assert MATCHER.named(text) == named


# --- cite and show ------------------------------------------------------------------------------


def add_chinese_source(url: str) -> None:
    from tests.registers import build

    source = {"id": "zh-unga", "title": "习近平在联合国大会讲话", "language": "zh", "text": ZH}
    build(url, {"sources": [source]})


def test_cite_stores_a_chinese_quote_as_the_article_writes_it(cli: CLI, seeded: str) -> None:
    add_chinese_source(seeded)
    quote = "并努力在\n２０６０ 年之前实现碳中和"
    result = cli("cite", "cn-carbon-neutrality-2060", "zh-unga", "--quote", quote,
                 "--reason", "the article's words", "--db", seeded)  # fmt: skip
    assert result.code == 0, result.err
    shown = cli("show", "cn-carbon-neutrality-2060", "--format", "json", "--db", seeded)
    added = json.loads(shown.out)["evidence"][-1]
    assert added["quote"] == "并努力在2060年之前实现碳中和" and added["located"] is True


def test_cite_names_the_difference_in_a_chinese_near_miss(cli: CLI, seeded: str) -> None:
    add_chinese_source(seeded)
    quote = "并努力在2050年之前实现碳中和"
    result = cli("cite", "cn-carbon-neutrality-2060", "zh-unga", "--quote", quote,
                 "--reason", "the article's words", "--db", seeded)  # fmt: skip
    assert result.code == 2
    assert one_line(result.err) == (
        "Error: the quote does not stand in source zh-unga — the closest passage (94% alike) is "
        "“并努力在2060年之前实现碳中和”; you typed '在2050年', the article has '在2060年'; "
        "copy the words exactly as the article has them, or add --allow-unlocated to record it "
        "anyway (the audit will report it)"
    )


@pytest.mark.parametrize("text", ["………", "1㍻……⋯国", "\u3000…⋯⋯", "… …", "努力……实现"])
def test_a_run_of_ellipses_folds_to_one_in_fold_as_in_normalise(text: str) -> None:
    assert fold(text) == normalise(text).text
    assert "……" not in fold(text)
