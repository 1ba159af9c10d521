"""Who speaks a quote (pledges.audit.speakers): each rule on short texts written like news
reports and statements, in English and Chinese; and, for any text, an answer without error."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pledges.audit.actors import ActorMatcher
from pledges.audit.attributions import attributions, subject
from pledges.audit.naming import Speaker
from pledges.audit.speakers import Speech
from pledges.records import ActorRecord
from pledges.sentences import sentence_bounds
from pledges.textmatch import find
from pledges.vocab import ActorKind

ACTORS = ActorMatcher(
    [
        ActorRecord(
            "US", "United States", ActorKind.COUNTRY,
            ["United States", "U.S.", "US", "Washington", "John Kerry", "Kerry", "美国"],
        ),
        ActorRecord(
            "CN", "China", ActorKind.COUNTRY,
            ["China", "Chinese", "Beijing", "Xie Zhenhua", "中国", "解振华", "习近平"],
        ),
        ActorRecord("EU", "European Union", ActorKind.BLOC, ["European Union", "EU"]),
    ]
)  # fmt: skip


def speaker_of(text: str, quote: str) -> Speaker | None:
    span = find(quote, text)
    assert span is not None, quote
    begin, end = sentence_bounds(text, span.start, span.end)
    return Speech(text, ACTORS).speaker(span.start, span.end, begin, end)


def actors_of(text: str, quote: str) -> frozenset[str] | None:
    found = speaker_of(text, quote)
    return None if found is None else found.actors


# --- rule 1: quotations ---------------------------------------------------------------------------

ENVOY = """U.S. climate envoy John Kerry arrived at Beijing's Great Hall of the People on Monday.

“We will cut methane emissions from oil and gas sharply by 2030,” the envoy said.
"""


def test_a_quotation_is_spoken_by_the_attribution_after_its_closing_mark() -> None:
    said = speaker_of(ENVOY, "We will cut methane emissions from oil and gas sharply by 2030")
    assert said == Speaker("John Kerry", frozenset({"US"}))


def test_an_attribution_before_the_opening_mark_speaks_the_quotation() -> None:
    text = "Xie Zhenhua said: “China will strive to peak its emissions before 2030.”"
    assert actors_of(text, "China will strive to peak its emissions before 2030") == frozenset(
        {"CN"}
    )


def test_an_inverted_attribution_names_the_speaker_with_the_apposition() -> None:
    text = (
        "“China should commit to an absolute cap on coal use,” said Maria Lopez, a researcher "
        "at the Example Energy Institute."
    )
    said = speaker_of(text, "China should commit to an absolute cap on coal use")
    assert said == Speaker(
        "Maria Lopez, a researcher at the Example Energy Institute", frozenset(), outsider=True
    )


def test_a_quotation_without_attribution_takes_the_nearest_before_it_in_its_paragraph() -> None:
    text = (
        "“We will peak before 2030,” Xie Zhenhua said. “We will also work for carbon neutrality "
        "before 2060.”"
    )
    assert actors_of(text, "We will also work for carbon neutrality before 2060") == frozenset(
        {"CN"}
    )


def test_speech_over_paragraphs_is_spoken_by_the_attribution_where_it_ends() -> None:
    text = (
        "Kerry met reporters after the talks.\n\n"
        "“The two countries will cooperate on methane.\n\n"
        "“They will also set up a working group on the 2020s,” said Dana Whitfield, an analyst "
        "at the Example Energy Institute.\n"
    )
    said = speaker_of(text, "The two countries will cooperate on methane")
    assert said is not None and said.name.startswith("Dana Whitfield")
    assert said.actors == frozenset()


def test_a_quotation_with_no_attribution_in_its_paragraph_takes_the_paragraph_before() -> None:
    text = (
        "Xie Zhenhua told reporters that the talks had been candid.\n\n"
        "“We will publish the plan for the power sector next year.”\n"
    )
    assert actors_of(text, "We will publish the plan for the power sector next year") == frozenset(
        {"CN"}
    )


def test_attribution_inside_quoted_words_does_not_speak_for_a_later_pronoun() -> None:
    text = (
        "President Xi Jinping of China has insisted that his country sets its own pace. "
        "“He also underscored the need to act,” the statement read. "
        "“We must work towards peak carbon,” he said."
    )
    assert actors_of(text, "We must work towards peak carbon") == frozenset({"CN"})


# --- rule 2: reported speech ----------------------------------------------------------------------


def test_reported_speech_is_spoken_by_the_subject_of_said() -> None:
    text = (
        "Li Wei, a senior adviser at an environmental group in Beijing, said China would likely "
        "peak its emissions well before 2030."
    )
    said = speaker_of(text, "China would likely peak its emissions well before 2030")
    assert said is not None and said.actors == frozenset()  # an outsider, though Beijing is named
    assert said.name.startswith("Li Wei, a senior adviser")


def test_a_trailing_attribution_speaks_the_clause_before_it() -> None:
    text = "China will peak its emissions before 2030, Xie Zhenhua said on Monday."
    assert actors_of(text, "China will peak its emissions before 2030") == frozenset({"CN"})


def test_according_to_a_body_names_it_and_to_a_document_names_no_one() -> None:
    body = "According to the Example Energy Agency, China will add more solar capacity this year."
    said = speaker_of(body, "China will add more solar capacity this year")
    assert said == Speaker("the Example Energy Agency", frozenset())
    document = "China will add more solar capacity, according to a draft plan seen by reporters."
    assert speaker_of(document, "China will add more solar capacity") is None


def test_an_attribution_after_the_end_of_the_quoted_sentence_is_not_its() -> None:
    text = (
        "Ontario intends to reach net zero by 2050, according to a draft plan seen in Toronto. "
        "the province and its partners held talks in 2021, Maria Lopez said."
    )
    quote = "net zero by 2050, according to a draft plan seen in Toronto."
    assert speaker_of(text, quote) is None


def test_a_generic_subject_leaves_the_speaker_unknown() -> None:
    text = "Officials said the plan would be published by the end of 2025."
    assert speaker_of(text, "the plan would be published by the end of 2025") is None


def test_a_sentence_without_speech_has_no_speaker() -> None:
    text = "China will strive to peak its carbon dioxide emissions before 2030."
    assert speaker_of(text, "peak its carbon dioxide emissions before 2030") is None


def test_a_participle_is_no_attribution() -> None:
    text = "Under the plan announced in March, the EU aims to cut emissions by 55 percent by 2030."
    assert speaker_of(text, "the EU aims to cut emissions by 55 percent by 2030") is None


# --- rule 3: whom the words name ------------------------------------------------------------------


def test_a_pronoun_is_the_nearest_person_named_before_it() -> None:
    text = (
        "Xie Zhenhua, China's special envoy, met European Union officials in Brussels. "
        "He said China would submit its 2035 target in 2025."
    )
    assert actors_of(text, "China would submit its 2035 target in 2025") == frozenset({"CN"})


def test_a_family_name_alone_is_the_person_named_in_full_before() -> None:
    text = "China's envoy Xie Zhenhua opened the session. China will peak before 2030, Xie said."
    said = speaker_of(text, "China will peak before 2030")
    assert said == Speaker("Xie Zhenhua", frozenset({"CN"}))
    titled = "Premier Li Qiang spoke on Thursday. “We will cut methane by 2030,” Li told reporters."
    assert actors_of(titled, "We will cut methane by 2030") == frozenset()  # Li Qiang: no alias
    envoy = "China's envoy Xie Zhenhua arrived. “We will act now,” Envoy Xie told reporters."
    assert actors_of(envoy, "We will act now") == frozenset({"CN"})


def test_a_relative_clause_is_passed_over_to_the_name() -> None:
    text = (
        "Kerry, who met Chinese Premier Li Qiang and the Chinese climate envoy, said the United "
        "States would keep its 2030 target."
    )
    assert actors_of(text, "the United States would keep its 2030 target") == frozenset({"US"})


def test_a_description_naming_an_actor_speaks_for_it() -> None:
    text = "“We will double the share of renewables,” the Chinese climate envoy said."
    assert actors_of(text, "We will double the share of renewables") == frozenset({"CN"})


@pytest.mark.parametrize(
    ("text", "quote", "name"),
    [
        ("中国气候变化事务特使解振华在记者会上表示，中国将力争于2030年前实现碳达峰。",
         "中国将力争于2030年前实现碳达峰", "中国气候变化事务特使解振华"),
        ("清华大学气候研究院专家李明指出，中国有望在2030年前提前达峰。",
         "中国有望在2030年前提前达峰", "清华大学气候研究院专家李明"),
    ],
)  # fmt: skip
def test_chinese_reported_speech_names_its_speaker(text: str, quote: str, name: str) -> None:
    said = speaker_of(text, quote)
    assert said is not None and said.name == name
    assert said.actors == (frozenset({"CN"}) if "特使" in name else frozenset())


def test_a_chinese_pronoun_is_the_nearest_person_before_it() -> None:
    text = "专家李明指出，中国有望提前达峰。他还强调，煤炭消费将在2030年前逐步减少。"
    said = speaker_of(text, "煤炭消费将在2030年前逐步减少")
    assert said is not None and said.name.startswith("专家李明") and not said.actors


def test_chinese_words_that_name_no_one_leave_the_speaker_unknown() -> None:
    assert speaker_of("有关负责人表示，方案将于年内发布。", "方案将于年内发布") is None
    assert (
        speaker_of("据新华社报道，中国将加快建设新型电力系统。", "中国将加快建设新型电力系统")
        is None
    )


def test_the_subject_of_an_attribution_is_found_when_asked() -> None:
    text = "In a speech in Washington, Kerry stressed that the US would act."
    (found,) = attributions(text)
    assert subject(text, found) == "Kerry"


# --- any text -------------------------------------------------------------------------------------

WORDS = st.sampled_from(
    ["said", "told", "according to", "he", "Kerry", "China", "the envoy", "“", "”", '"', ",",
     ".", "\n\n", "表示", "他", "据", "，", "。", "will", "cut", "2030", "Analysts", "who"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=40), st.data())
def test_any_text_gets_an_answer(words: list[str], data: st.DataObject) -> None:
    text = " ".join(words)
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    begin, finish = sentence_bounds(text, start, end)
    found = Speech(text, ACTORS).speaker(start, end, begin, finish)
    assert found is None or found.actors <= {"US", "CN", "EU"}
