"""Finding quotes in the seed articles, and the sentence each one stands in."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pledges import seeds
from pledges.sentences import _STOP, sentence_bounds
from pledges.textmatch import Method, find, locate, normalise

ROOT = Path(__file__).resolve().parents[1]
# Byte for byte, as the register stores them (no newline translation).
ARTICLES = {
    path.name[:3]: path.read_bytes().decode("utf-8")
    for path in sorted((ROOT / "seeds" / "articles").glob("*.txt"))
}
NBSP = "\xa0"


def found(quote: str, article: str) -> str:
    """The original text behind where `quote` is located in the article."""
    text = ARTICLES[article]
    span = locate(quote, text)
    assert span is not None, quote
    return text[span.start : span.end]


def context(quote: str, article: str) -> str:
    text = ARTICLES[article]
    span = locate(quote, text)
    assert span is not None, quote
    begin, finish = sentence_bounds(text, span.start, span.end)
    return text[begin:finish]


def test_the_articles_are_the_ones_these_tests_expect() -> None:
    assert sorted(ARTICLES) == ["000", "001", "002", "003", "004"]
    assert NBSP in ARTICLES["001"]
    assert (
        "\u201c" in ARTICLES["000"] and "\u2019" in ARTICLES["003"] and "\u2013" in ARTICLES["003"]
    )


# --- locate ---------------------------------------------------------------------------------------


def test_an_exact_quote_is_found_where_it_stands() -> None:
    text = ARTICLES["000"]
    quote = "Both parties agreed to focus on integrating renewable energy into the power sector"
    span = locate(quote, text)
    assert span is not None and span.method is Method.EXACT
    assert (span.start, span.end) == (text.index(quote), text.index(quote) + len(quote))


def test_surrounding_whitespace_of_a_quote_is_ignored() -> None:
    span = locate("\n  So we agreed to meet intensively \xa0", ARTICLES["000"])
    assert span is not None and span.method is Method.EXACT
    assert ARTICLES["000"][span.start : span.end] == "So we agreed to meet intensively"


@pytest.mark.parametrize(
    ("article", "quote", "original"),
    [
        # case
        ("000", "SO WE AGREED TO MEET INTENSIVELY", "So we agreed to meet intensively"),
        ("003", "beijing and washington agreed", "Beijing and Washington agreed"),
        # non-breaking spaces in the article, plain spaces in the quote
        (
            "001",
            "U.S. climate envoy John Kerry said",
            "U.S.\xa0climate\xa0envoy\xa0John\xa0Kerry\xa0said",
        ),
        # a quote across a paragraph break, and a newline where the article has a space
        (
            "000",
            "There was no joint statement on the talks. But Kerry said",
            "There was no joint statement on the talks.\n\nBut Kerry said",
        ),
        ("003", "jointly push\nfor the\tsuccess", "jointly push for the success"),
        ("000", "we  agreed   to meet", "we agreed to meet"),
        # straight quotes for typographic ones, and the other way round
        (
            "000",
            '"We agreed to work together towards ambitious and agreed outcomes at COP 28"',
            "\u201cWe agreed to work together towards ambitious and agreed outcomes"
            " at COP 28\u201d",
        ),
        ("003", "'Not smooth'", "\u2018Not smooth\u2019"),
        ("000", "There's no politics", "There\u2019s no politics"),
        (
            "001",
            "\u201cWe\u2019re just reconnecting,\u201d he said.",
            '"We\'re just reconnecting," he said.',
        ),
        ("001", "Beijing\u2018s Great Hall", "Beijing's Great Hall"),
        # dashes
        ("003", "last year - the last time", "last year \u2013 the last time"),
        ("003", "last year \u2014 the last time", "last year \u2013 the last time"),
        ("004", "climate issues \u2013 a modest step", "climate issues \u2014 a modest step"),
        ("001", "We \u2013 our team", "We - our team"),
        # everything at once
        (
            "001",
            "THE U.S.\u2013CHINA CLIMATE TALKS",
            "The U.S.-China\xa0climate\xa0talks",
        ),
    ],
)
def test_variants_of_case_whitespace_quotes_and_dashes_are_found(
    article: str, quote: str, original: str
) -> None:
    span = locate(quote, ARTICLES[article])
    assert span is not None
    assert span.method is Method.NORMALISED
    assert ARTICLES[article][span.start : span.end] == original


@pytest.mark.parametrize(
    ("article", "quote"),
    [
        ("000", "So we agreed to meet extensively"),  # a changed word
        ("000", "So we agreed to meet intensively, he added"),
        ("003", "has pledged to peak emissions of carbon dioxide by 2035"),  # a changed year
        ("003", "become carbon neutral by 2050"),
        ("000", "outcomes at COP 29"),
        ("003", "the worlds two largest greenhouse gas emitters"),  # apostrophe removed
        ("000", "So we agreed to meet intensively he said"),  # comma removed
        ("001", "the US House of Representatives"),  # full stops removed
        ("000", "agreed outcomes at COP28"),  # a space removed (the article says COP 28)
        ("001", "to keep 15 alive"),
        ("002", "a clean, lowcarbon, safe"),  # hyphen removed
        ("002", "a clean, low carbon, safe"),  # hyphen turned into a space
        ("001", "We have the ability to \u2026 make a difference"),  # an ellipsis character
        ("004", "Xi Jinping\u2019s governments"),
        ("003", "B\u00e9ijing and Washington agreed"),  # an accent added
        ("000", "So we agreed to meet intensively.\u201d he said"),
    ],
)
def test_anything_but_those_variants_is_not_found(article: str, quote: str) -> None:
    assert locate(quote, ARTICLES[article]) is None


@pytest.mark.parametrize("quote", ["", "   ", "\n\xa0\t"])
def test_a_blank_quote_is_never_found(quote: str) -> None:
    assert locate(quote, ARTICLES["000"]) is None


def test_every_seed_quote_maps_back_to_its_own_words() -> None:
    register = seeds.read(ROOT / "seeds")
    texts = {source.id: source.text for source in register.sources}
    for item in register.evidence:
        text = texts[item.source_id]
        span = locate(item.quote, text)
        assert span is not None, item.quote
        assert normalise(text[span.start : span.end]).text == normalise(item.quote).text
        begin, finish = sentence_bounds(text, span.start, span.end)
        assert begin <= span.start < span.end <= finish


# Offsets next to spaces and punctuation, where sentences and paragraphs start and end.
EDGES = {
    name: [at for at in range(len(text) + 1) if not text[at - 1 : at + 1].isalnum()]
    for name, text in ARTICLES.items()
}


@st.composite
def slices(draw: st.DrawFn, longest: int = 400) -> tuple[str, int, int]:
    """An article (named, so that a failing example reads well) and a non-blank slice of it."""
    name = draw(st.sampled_from(sorted(ARTICLES)))
    text = ARTICLES[name]
    start = draw(st.one_of(st.integers(0, len(text) - 1), st.sampled_from(EDGES[name][:-1])))
    last = min(len(text), start + longest)
    ends = [at for at in EDGES[name] if start < at <= last]
    end = draw(st.one_of(st.integers(start + 1, last), st.sampled_from(ends or [last])))
    assume(text[start:end].strip())
    return name, start, end


def retyped(data: st.DataObject, quote: str) -> str:
    """The quote as someone might type it: other case, quotes, dashes and whitespace."""
    swaps = {
        "\u201c": '"',
        "\u201d": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u2013": "-",
        "\u2014": "-",
        '"': "\u201d",
        "'": "\u2019",
        "-": "\u2014",
    }
    out = []
    for char in quote:
        if char.isspace():
            out.append(data.draw(st.sampled_from([" ", "\n", "\xa0", " \t ", "\r\n"])))
        elif char in swaps and data.draw(st.booleans()):
            out.append(swaps[char])
        else:
            out.append(char.upper() if data.draw(st.booleans()) else char.lower())
    return "".join(out)


@given(slices())
def test_any_slice_of_an_article_is_located_as_itself(case: tuple[str, int, int]) -> None:
    name, start, end = case
    text = ARTICLES[name]
    quote = text[start:end]
    span = locate(quote, text)
    assert span is not None
    assert 0 <= span.start < span.end <= len(text)
    assert text[span.start : span.end] == quote.strip()
    assert normalise(text[span.start : span.end]).text == normalise(quote).text


@given(st.data(), slices())
def test_any_slice_retyped_is_located_and_maps_back_to_the_same_words(
    data: st.DataObject, case: tuple[str, int, int]
) -> None:
    name, start, end = case
    text = ARTICLES[name]
    original = text[start:end]
    quote = retyped(data, original)
    span = locate(quote, text)
    assert span is not None
    assert 0 <= span.start < span.end <= len(text)
    assert normalise(text[span.start : span.end]).text == normalise(quote).text
    assert normalise(text[span.start : span.end]).text == normalise(original).text


# --- normalise ------------------------------------------------------------------------------------

TYPED = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from(
            " \n\t\r\xa0\u2028\u201c\u201d\u2018\u2019\u2013\u2014-'\"ßİ"
            "\u00b0\u00ba\u02da\u2103\u2032\u2033"  # the degree sign, its look-alikes, primes
        ),
    )
)


@given(st.one_of(TYPED, st.sampled_from(sorted(ARTICLES.values()))))
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text).text
    assert normalise(once).text == once


@given(st.one_of(TYPED, st.sampled_from(sorted(ARTICLES.values()))))
def test_normalised_characters_come_from_where_origin_says(text: str) -> None:
    normalised = normalise(text)
    origin = normalised.origin
    assert len(origin) == len(normalised.text)
    assert all(0 <= at < len(text) for at in origin)
    assert all(a <= b for a, b in pairwise(origin))
    for char, at in zip(normalised.text, origin, strict=True):
        if char == " ":
            assert text[at].isspace()
        else:
            assert not text[at].isspace()
    assert normalised.text == normalised.text.strip(" ") and "  " not in normalised.text


@given(st.one_of(TYPED, st.sampled_from(sorted(ARTICLES.values()))))
def test_fold_is_normalise_without_the_offsets(text: str) -> None:
    from pledges.textmatch import fold

    assert fold(text) == normalise(text).text


# The degree sign (U+00B0), the signs typed for it (the ordinal sign U+00BA, the ring U+02DA),
# the degree Celsius sign (U+2103), and primes (U+2032, U+2033) for apostrophes and quotes.
@pytest.mark.parametrize(
    ("article", "quote"),
    [
        ("keep warming to 1.5\u00baC above pre-industrial levels", "warming to 1.5\u00b0C above"),
        ("keep warming to 1.5\u00b0C above pre-industrial levels", "warming to 1.5\u00baC above"),
        ("keep warming to 1.5\u02daC above pre-industrial levels", "warming to 1.5\u00b0C above"),
        ("keep warming to 1.5\u00b0C above pre-industrial levels", "warming to 1.5\u02daC above"),
        ("keep warming to 1.5\u2103 above pre-industrial levels", "warming to 1.5\u00b0C above"),
        ("keep warming to 1.5\u00b0C above pre-industrial levels", "warming to 1.5\u2103 above"),
        ("keep warming to 1.5\u00baC above pre-industrial levels", "WARMING TO 1.5\u2103 ABOVE"),
        ("the minister\u2032s \u2033plan\u2033", 'the minister\'s "plan"'),
    ],
)
def test_look_alike_signs_are_one(article: str, quote: str) -> None:
    from pledges.textmatch import Article, fold

    span = find(quote, article)
    assert span is not None and span.method is Method.NORMALISED
    assert fold(article[span.start : span.end]) == fold(quote)
    assert Article(article).find(quote) == span


@pytest.mark.parametrize(
    ("article", "quote"),
    [
        ("keep warming to 1.5\u00b0C above", "warming to 1.5oC above"),  # NFKC's reading of º
        ("keep warming to 1.5\u00b0C above", "warming to 1.5 C above"),
        ("keep warming to 1.5\u00b0C above", "warming to 1.5C above"),
        ("keep warming to 1.5\u00b0C above", "warming to 1.5\u00b0F above"),
        ("keep warming to 1.5\u00b0C above", "warming to 1.5'C above"),
    ],
)
def test_a_degree_sign_is_not_a_letter_a_space_or_nothing(article: str, quote: str) -> None:
    assert find(quote, article) is None


def test_normalise_folds_only_case_whitespace_quotes_and_dashes() -> None:
    assert normalise(" \u201cWe\u2019re\xa0OK\u201d \u2013\n\n\u2018fine\u2019\u2014 ").text == (
        "\"we're ok\" - 'fine'-"
    )
    assert (
        normalise("1.5\u00b0C, no\u2026 \u00e9t\u00e9!").text
        == "1.5\u00b0c, no\u2026 \u00e9t\u00e9!"
    )
    assert normalise("").text == "" and normalise(" \n ").origin == ()


# --- sentence_bounds ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("article", "quote", "sentence"),
    [
        # U.N. and Nov. 29 do not end the sentence
        (
            "001",
            "starting Nov. 29 in Dubai",
            "While\xa0China\xa0said its\xa0climate\xa0policies would not be dictated by others,"
            " it planned further negotiations with the U.S. ahead of the next U.N.\xa0climate"
            "\xa0summit, COP28, starting Nov. 29 in Dubai,\xa0Kerry\xa0said.",
        ),
        # nor does U.S. (twice)
        (
            "001",
            "House of Representatives Speaker Nancy Pelosi",
            "The U.S.-China\xa0climate\xa0talks had been suspended nearly a year ago after a visit"
            " by U.S. House of Representatives Speaker Nancy Pelosi to Taiwan, an island over"
            " which\xa0China\xa0claims sovereignty.",
        ),
        (
            "004",
            "have visited the U.S. since",
            "No top-ranking Chinese officials have visited the U.S. since the late 2019 outbreak"
            " of the coronavirus pandemic first started in China.",
        ),
        # nor does Mr.
        (
            "002",
            "Mr. Kerry sought to clarify",
            "At a press conference on Wednesday local time, Mr. Kerry sought to clarify his"
            " earlier statement, following comments from President Xi.",
        ),
        # a full stop inside a run of text that goes on in lower case does not either
        (
            "001",
            "make a difference with respect to climate",
            '"We have the ability to ... make a difference with respect to\xa0climate," he said'
            " at a meeting at Beijing's Great Hall of the People,\xa0China's sprawling parliament"
            " building.",
        ),
        # the sentences around do not belong to it
        (
            "002",
            "has not met Mr Kerry",
            "But President Xi Jinping, who has not met Mr Kerry, has insisted that China will"
            " openly pursue its own goals in any way it pleases.",
        ),
        # a quote that ends with the closing quotation mark stops there
        (
            "002",
            "ensure oil and gas security.\u201d",
            "\u201cWe must actively and steadily work towards peak carbon and carbon neutrality,"
            " foster a clean, low-carbon, safe and efficient energy system, accelerate the"
            " formation of a new power system, and strengthen the country\u2019s ability to ensure"
            " oil and gas security.\u201d",
        ),
        (
            "000",
            "So we agreed to meet intensively,\u201d",
            "\u201cSo we agreed to meet intensively,\u201d he said.",
        ),
        # a quote across two sentences gets both
        (
            "001",
            'best science," he told reporters. "There is no politics',
            '"We are only following the best science," he told reporters. "There is no politics'
            ' or ideology in what we are doing."',
        ),
        # paragraph breaks end sentences that have no full stop
        (
            "003",
            "set to steal APEC spotlight",
            "Biden, Xi set to steal APEC spotlight with talks to steady ties",
        ),
        ("003", "Not smooth", "\u2018Not smooth\u2019"),
        ("002", "2023-07-20", "date 2023-07-20"),
        ("000", "pm/dw", "pm/dw"),
        (
            "000",
            "They also agreed to focus on non-CO2 greenhouse gas emissions",
            "They also agreed to focus on non-CO2 greenhouse gas emissions, particularly methane,"
            " he said.",
        ),
    ],
)
def test_the_context_of_a_quote_is_its_sentence(article: str, quote: str, sentence: str) -> None:
    assert context(quote, article) == sentence


def test_windows_paragraph_breaks_end_sentences_too() -> None:
    text = "Biden, Xi set to steal APEC spotlight\r\n\r\nChina said so. Kerry agreed.\r\n"
    begin, finish = sentence_bounds(text, 7, 9)
    assert text[begin:finish] == "Biden, Xi set to steal APEC spotlight"
    begin, finish = sentence_bounds(text, text.index("Kerry"), text.index("Kerry") + 5)
    assert text[begin:finish] == "Kerry agreed."


@given(slices(longest=200))
def test_the_context_always_holds_the_quote(case: tuple[str, int, int]) -> None:
    name, start, end = case
    text = ARTICLES[name]
    begin, finish = sentence_bounds(text, start, end)
    assert 0 <= begin <= start < end <= finish <= len(text)


@given(slices(longest=200))
def test_the_context_of_a_located_quote_holds_it_and_is_trimmed(case: tuple[str, int, int]) -> None:
    name, start, end = case
    text = ARTICLES[name]
    span = locate(text[start:end], text)
    assert span is not None
    begin, finish = sentence_bounds(text, span.start, span.end)
    assert begin <= span.start < span.end <= finish
    assert text[begin:finish] == text[begin:finish].strip()


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_windowed_mapping_agrees_with_the_full_map(data: st.DataObject) -> None:
    from pledges.textmatch import fold, original_span

    text = data.draw(st.sampled_from(sorted(ARTICLES.values())))
    folded = fold(text)
    start = data.draw(st.integers(0, len(folded) - 2))
    end = data.draw(st.integers(start + 1, min(len(folded), start + 300)))
    assert original_span(text, folded, start, end) == normalise(text).span(start, end)


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.characters(codec="utf-8"), min_size=2), data=st.data())
def test_offset_mapping_agrees_with_the_full_map_on_any_text(
    text: str, data: st.DataObject
) -> None:
    from pledges.textmatch import fold, original_span

    folded = fold(text)
    assume(len(folded) >= 2)
    assert folded == normalise(text).text
    start = data.draw(st.integers(0, len(folded) - 1))
    end = data.draw(st.integers(start + 1, len(folded)))
    assert original_span(text, folded, start, end) == normalise(text).span(start, end)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_stands_agrees_with_find(data: st.DataObject) -> None:
    """`stands` (the import's check, on a text folded once) decides as `find` does."""
    from pledges.textmatch import fold, stands

    text = data.draw(st.sampled_from(sorted(ARTICLES.values())), "article")
    start = data.draw(st.integers(0, len(text) - 1), "start")
    quote = text[start : start + data.draw(st.integers(1, 120), "length")]
    variants = [quote, quote.upper(), quote.replace(" ", "\n  "), quote + " by 2099",
                quote[:20] + " \u2026 " + quote[-20:]]  # fmt: skip
    quote = data.draw(st.sampled_from(variants), "variant")
    assert stands(quote, text, fold(text)) == (find(quote, text) is not None)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_elided_spans_are_the_parts_of_the_elided_span(data: st.DataObject) -> None:
    """`elided_spans` gives where each part of an elided quote stands: in order, together making
    the span `locate_elided` finds, each the part's own words."""
    from pledges.textmatch import elided_parts, elided_spans, locate_elided

    text = data.draw(st.sampled_from([*sorted(ARTICLES.values()), *sorted(CJK.values())]))
    start = data.draw(st.integers(0, len(text) - 1), "start")
    passage = text[start : start + data.draw(st.integers(3, 300), "length")]
    assume(len(passage) >= 3)
    cuts = sorted(data.draw(st.sets(st.integers(1, len(passage) - 1), min_size=2, max_size=4)))
    bounds = [0, *cuts, len(passage)]
    kept = [passage[bounds[i] : bounds[i + 1]] for i in range(0, len(bounds) - 1, 2)]
    mark = data.draw(st.sampled_from([" ... ", "\u2026", "\u2026\u2026", "..."]))
    quote = data.draw(st.sampled_from([mark.join(kept), passage[:20] + mark + passage[-20:]]))
    spans = elided_spans(quote, text)
    span = locate_elided(quote, text)
    assert (spans is None) == (span is None)
    if spans is None or span is None:
        return
    parts = elided_parts(quote)
    assert len(spans) == len(parts)
    assert (spans[0][0], spans[-1][1]) == (span.start, span.end)
    assert all(a[1] <= b[0] for a, b in pairwise(spans))
    for (begin, end), part in zip(spans, parts, strict=True):
        assert normalise(text[begin:end]).text == normalise(part).text


_STOP_AS_ALTERNATION = re.compile(
    r"[.!?]+[\"'\u201d\u2019)]*(?=\s)|\n[ \t\r]*\n"
    r"|[\u3002\uff01\uff1f\uff1b][\u3002\uff01\uff1f\uff1b!?]*[\"'\u201d\u2019)\u300d\u300f\u3011\uff09\u300b]*"
)


@given(
    st.text(
        alphabet=st.sampled_from(
            list("ab .!?\n\t\r\"')\u201d\u2019U.S\u4e2d\u3002\uff01\uff1f\uff1b\u300d\uff09")
        ),
        max_size=60,
    ),
    st.integers(0, 60),
    st.integers(0, 61),
)
def test_sentence_stops_are_those_of_the_plain_alternation(text: str, low: int, high: int) -> None:
    """The stop pattern is written for speed; it finds what the two stops it stands for find,
    within any window."""
    expected = [m.span() for m in _STOP_AS_ALTERNATION.finditer(text, low, high)]
    assert [m.span() for m in _STOP.finditer(text, low, high)] == expected


# --- Chinese, Japanese and Korean -----------------------------------------------------------------

# Texts written for these tests (China's 2020 announcement at the UN, in three languages), with
# what folding must see through: line breaks inside sentences, full-width digits and punctuation
# (\uff0c is the full-width comma, \uff12\uff10\uff16\uff10 is 2060), the Chinese ellipsis.
CJK = {
    "zh": "2020\u5e749\u670822\u65e5\uff0c\u4e60\u8fd1\u5e73\u8868\u793a\uff0c"
    "中国的二氧化碳排放力争在2030年之前达到峰值\uff0c并努力在\n\uff12\uff10\uff16\uff10年之前实现"
    "碳中和。\n\n他说\uff1a“这是……一个承诺。”US与China的代表 随后会谈。",
    "ja": "中国は2060年までに\nカーボンニュートラルを目指すと表明した。日本は2050年を目標とする。",
    "ko": "중국은 2060년까지 탄소중립을 달성하겠다고 밝혔다.  한국은\n2050년을 목표로 한다.",
}
CJK_TYPED = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from(
            " \n\xa0\u3000中国年碳。、“”……\u22ef\u2026\uff12\uff10\uff0c\uff1b\uff01\u2f00㈱가a1."
        ),
    )
)


@given(st.one_of(CJK_TYPED, st.sampled_from(sorted(CJK.values()))))
def test_cjk_text_folds_as_it_normalises_idempotently_and_maps_back(text: str) -> None:
    from pledges.textmatch import fold

    normalised = normalise(text)
    assert fold(text) == normalised.text
    assert normalise(normalised.text).text == normalised.text
    assert all(a <= b for a, b in pairwise(normalised.origin))
    for char, at in zip(normalised.text, normalised.origin, strict=True):
        assert (char == " ") == text[at].isspace()


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(CJK_TYPED, st.sampled_from(sorted(CJK.values()))), data=st.data())
def test_offset_mapping_agrees_with_the_full_map_on_cjk_text(
    text: str, data: st.DataObject
) -> None:
    from pledges.textmatch import fold, original_span

    folded = fold(text)
    assume(len(folded) >= 2)
    start = data.draw(st.integers(0, len(folded) - 1))
    end = data.draw(st.integers(start + 1, len(folded)))
    assert original_span(text, folded, start, end) == normalise(text).span(start, end)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_any_slice_of_a_cjk_text_retyped_is_found_and_stands(data: st.DataObject) -> None:
    """A slice of a text, with line breaks or spaces put between its characters and its forms
    made full-width or plain, is found where the slice stands; `stands` agrees with `find`."""
    import unicodedata

    from pledges.folding import unspaced
    from pledges.textmatch import fold, stands

    text = data.draw(st.sampled_from(sorted(CJK.values())), "text")
    start = data.draw(st.integers(0, len(text) - 1), "start")
    original = text[start : start + data.draw(st.integers(1, 40), "length")]
    assume(original.strip())
    out = []
    for index, char in enumerate(original):
        choice = data.draw(st.integers(0, 3))
        if choice == 1 and char != "\u2026":  # (NFKC makes the ellipsis three dots: an elision)
            char = unicodedata.normalize("NFKC", char)
        elif choice == 2 and char.isascii() and char.isalnum():
            char = chr(ord(char) + 0xFEE0)  # its full-width form
        out.append(char)
        if choice == 3 and index + 1 < len(original) and unspaced(original[index + 1]):
            out.append(data.draw(st.sampled_from(["\n", " ", "\u3000"])))
    quote = "".join(out)
    span = find(quote, text)
    assert span is not None, quote
    assert normalise(text[span.start : span.end]).text == normalise(quote).text
    assert stands(quote, text, fold(text))


def test_every_character_folds_to_a_form_that_folds_to_itself() -> None:
    """The table behind folding, over every character that case or NFKC changes: what a
    character folds to folds to itself (so folding is idempotent), holds no whitespace, and is of
    an unspaced script only if the character is (so no space kept in one fold is dropped in the
    next)."""
    import sys
    import unicodedata

    from pledges.folding import FOLDED, unspaced

    changed = [
        char
        for char in map(chr, range(sys.maxunicode + 1))
        if not 0xD800 <= ord(char) < 0xE000
        and not char.isspace()
        and (unicodedata.normalize("NFKC", char) != char or char.casefold() != char)
    ]
    assert len(changed) > 5000
    for char in changed:
        folded = FOLDED[char]
        assert folded and not any(c.isspace() for c in folded), char
        assert "".join(FOLDED[c] for c in folded) == folded, char
        assert unspaced(char) or not any(unspaced(c) for c in folded), char
