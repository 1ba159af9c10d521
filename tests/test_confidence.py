"""The confidence evidence earns, under the rules of pledges.confidence (`grade`), from small
hand-built registers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pledges.confidence import grade
from pledges.schema import EvidenceIn, Source, text_sha256
from pledges.textmatch import find
from pledges.vocab import Confidence, Rank, SourceKind, Stance

LOW, MEDIUM, HIGH = Confidence.LOW, Confidence.MEDIUM, Confidence.HIGH
NEWS, OFFICIAL = SourceKind.NEWS, SourceKind.OFFICIAL
TEXT = (
    "China, the world\u2019s largest greenhouse gas emitter, has pledged to peak emissions of"
    " carbon dioxide by 2030 and become carbon neutral by 2060."
)
QUOTE = "has pledged to peak emissions of carbon dioxide by 2030"
ELSEWHERE = "has pledged to peak emissions of carbon dioxide by 2025"  # not in TEXT


def source(
    id: str, publisher: str | None = None, kind: SourceKind = NEWS, text: str = TEXT
) -> Source:
    return Source(
        id=id,
        title=f"Article {id}",
        publisher=publisher,
        kind=kind,
        text=text,
        sha256=text_sha256(text),
    )


def cite(
    source_id: str,
    quote: str = QUOTE,
    stance: Stance = Stance.SUPPORTS,
    rank: Rank = Rank.NORMAL,
) -> EvidenceIn:
    return EvidenceIn(
        pledge_id="cn-co2-peak-2030",
        source_id=source_id,
        quote=quote,
        stance=stance,
        rank=rank,
        deprecated_reason="The article was corrected." if rank is Rank.DEPRECATED else None,
    )


def earned(evidence: Sequence[EvidenceIn], sources: Mapping[str, Source]) -> Confidence | None:
    """What `grade` gives for evidence as recorded, counted as the audit counts it: a quote that
    stands in the source it cites (which must exist), ranked above deprecated."""
    return grade(
        (item.stance, sources[item.source_id])
        for item in evidence
        if item.source_id in sources
        and item.rank is not Rank.DEPRECATED
        and find(item.quote, sources[item.source_id].text) is not None
    )


def confidence(
    sources: Sequence[Source], evidence: Sequence[EvidenceIn] | None = None
) -> Confidence | None:
    """What the evidence earns; by default one supporting, located quote in each source."""
    cited = [cite(s.id) for s in sources] if evidence is None else evidence
    return earned(cited, {s.id: s for s in sources})


def test_no_evidence_earns_nothing() -> None:
    assert confidence([source("reuters-1", "Reuters")], []) is None


def test_quotes_that_are_not_located_earn_nothing() -> None:
    sources = [source("ministry", "Ministry of Ecology and Environment", OFFICIAL)]
    assert confidence(sources, [cite("ministry", ELSEWHERE)]) is None
    assert confidence(sources, [cite("ministry", "has pledged to peak emissions")]) is not None


def test_evidence_whose_source_is_unknown_earns_nothing() -> None:
    assert earned([cite("missing")], {}) is None
    assert confidence([source("reuters-1", "Reuters")], [cite("missing")]) is None


def test_deprecated_evidence_earns_nothing() -> None:
    sources = [source("ministry", "Ministry", OFFICIAL)]
    assert confidence(sources, [cite("ministry", rank=Rank.DEPRECATED)]) is None


def test_contradicting_evidence_alone_earns_nothing() -> None:
    sources = [source("reuters-1", "Reuters")]
    assert confidence(sources, [cite("reuters-1", stance=Stance.CONTRADICTS)]) is None


@pytest.mark.parametrize("publisher", ["Reuters", None])
def test_one_located_news_quote_is_low(publisher: str | None) -> None:
    assert confidence([source("article", publisher)]) is LOW


def test_a_quote_located_after_normalisation_counts() -> None:
    sources = [source("reuters-1", "Reuters")]
    assert confidence(sources, [cite("reuters-1", "HAS PLEDGED\nto peak emissions")]) is LOW


def test_preferred_evidence_counts_like_normal_evidence() -> None:
    sources = [source("reuters-1", "Reuters"), source("afp-1", "AFP")]
    evidence = [cite("reuters-1", rank=Rank.PREFERRED), cite("afp-1", rank=Rank.NORMAL)]
    assert confidence(sources, evidence) is MEDIUM


@pytest.mark.parametrize("count", [2, 3, 5])
def test_unknown_publishers_are_never_independent(count: int) -> None:
    assert confidence([source(f"article-{n}") for n in range(count)]) is LOW
    known = [source("reuters-1", "Reuters"), *(source(f"article-{n}") for n in range(count))]
    assert confidence(known) is LOW


def test_the_same_publisher_twice_is_not_independent() -> None:
    assert confidence([source("reuters-1", "Reuters"), source("reuters-2", "reuters")]) is LOW
    assert confidence([source("reuters-1", "Reuters"), source("reuters-2", "Reuters")]) is LOW


@pytest.mark.parametrize("publisher", ["Ministry of Ecology and Environment", None])
def test_an_official_source_is_medium(publisher: str | None) -> None:
    assert confidence([source("ministry", publisher, OFFICIAL)]) is MEDIUM


def test_two_independent_publishers_are_medium() -> None:
    assert confidence([source("reuters-1", "Reuters"), source("afp-1", "AFP")]) is MEDIUM
    # One quote each is enough; more quotes from the same two publishers change nothing.
    sources = [
        source("reuters-1", "Reuters"),
        source("reuters-2", "Reuters"),
        source("afp-1", "AFP"),
    ]
    assert confidence(sources) is MEDIUM


def test_an_official_source_and_another_publisher_are_high() -> None:
    official = source("ministry", "Ministry of Ecology and Environment", OFFICIAL)
    assert confidence([official, source("reuters-1", "Reuters")]) is HIGH
    assert confidence([official, source("state-dept", "US State Department", OFFICIAL)]) is HIGH


def test_an_official_source_of_unknown_publisher_has_no_independent_partner() -> None:
    official = source("ministry", None, OFFICIAL)
    assert confidence([official, source("reuters-1", "Reuters")]) is MEDIUM
    assert confidence([official, source("reuters-1", "Reuters"), source("article")]) is MEDIUM


def test_an_official_source_and_a_report_from_its_own_publisher_are_medium() -> None:
    official = source("xinhua-statement", "Xinhua", OFFICIAL)
    assert confidence([official, source("xinhua-report", "XINHUA")]) is MEDIUM


def test_three_independent_publishers_are_high() -> None:
    sources = [source("reuters-1", "Reuters"), source("afp-1", "AFP"), source("dw-1", "DW")]
    assert confidence(sources) is HIGH
    assert confidence([*sources[:2], source("reuters-2", "REUTERS")]) is MEDIUM


HIGH_SOURCES = [
    source("ministry", "Ministry of Ecology and Environment", OFFICIAL),
    source("reuters-1", "Reuters"),
    source("afp-1", "AFP"),
]


@pytest.mark.parametrize("rank", [Rank.NORMAL, Rank.PREFERRED])
def test_a_located_contradicting_quote_caps_confidence_at_medium(rank: Rank) -> None:
    against = source("dw-1", "DW")
    evidence = [cite(s.id) for s in HIGH_SOURCES]
    contradicting = cite("dw-1", stance=Stance.CONTRADICTS, rank=rank)
    assert confidence([*HIGH_SOURCES, against], evidence) is HIGH
    assert confidence([*HIGH_SOURCES, against], [*evidence, contradicting]) is MEDIUM
    # ... whichever publisher it comes from, and whether or not it is official.
    same = cite("reuters-1", stance=Stance.CONTRADICTS, rank=rank)
    assert confidence(HIGH_SOURCES, [*evidence, same]) is MEDIUM
    two = [HIGH_SOURCES[0], HIGH_SOURCES[1]]
    assert confidence(two, [cite("ministry"), cite("reuters-1"), same]) is MEDIUM


def test_a_contradicting_quote_does_not_lower_medium_or_low() -> None:
    contradicting = cite("afp-1", stance=Stance.CONTRADICTS)
    sources = [source("reuters-1", "Reuters"), source("afp-1", "AFP")]
    assert confidence(sources, [cite("reuters-1"), cite("afp-1"), contradicting]) is MEDIUM
    assert confidence(sources, [cite("reuters-1"), contradicting]) is LOW


def test_deprecated_or_unlocated_contradicting_quotes_do_not_cap() -> None:
    evidence = [cite(s.id) for s in HIGH_SOURCES]
    deprecated = cite("afp-1", stance=Stance.CONTRADICTS, rank=Rank.DEPRECATED)
    unlocated = cite("afp-1", ELSEWHERE, stance=Stance.CONTRADICTS)
    elsewhere = cite("missing", stance=Stance.CONTRADICTS)
    assert confidence(HIGH_SOURCES, [*evidence, deprecated, unlocated, elsewhere]) is HIGH


def test_deprecated_and_unlocated_support_does_not_count() -> None:
    official, reuters, afp = HIGH_SOURCES
    deprecated = cite(official.id, rank=Rank.DEPRECATED)
    assert confidence(HIGH_SOURCES, [deprecated, cite(reuters.id), cite(afp.id)]) is MEDIUM
    unlocated = cite(official.id, ELSEWHERE)
    assert confidence(HIGH_SOURCES, [unlocated, cite(reuters.id), cite(afp.id)]) is MEDIUM
    assert confidence(HIGH_SOURCES, [unlocated, deprecated, cite(reuters.id)]) is LOW


def test_a_quote_counts_only_in_the_source_it_cites() -> None:
    other = "Kerry said US and Chinese officials would meet again in a few weeks."
    sources = [source("reuters-1", "Reuters"), source("afp-1", "AFP", text=other)]
    assert confidence(sources, [cite("reuters-1"), cite("afp-1")]) is LOW


# --- the rules, restated, over random registers ---------------------------------------------------

PUBLISHERS = [None, "Reuters", "reuters", "AFP", "DW", "Xinhua"]
POOL = [
    source(f"s-{n}-{kind.value}", publisher, kind)
    for n, publisher in enumerate(PUBLISHERS)
    for kind in (NEWS, OFFICIAL, SourceKind.ANALYSIS)
]
BY_ID = {s.id: s for s in POOL}
EVIDENCE = st.lists(
    st.builds(
        cite,
        st.sampled_from([s.id for s in POOL] + ["missing"]),
        st.sampled_from([QUOTE, ELSEWHERE]),
        st.sampled_from(Stance),
        st.sampled_from(Rank),
    ),
    max_size=8,
)


def by_the_rules(evidence: Sequence[EvidenceIn]) -> Confidence | None:
    """The rules (as pledges.confidence states them), written out independently of its code."""
    counted = [
        (e, BY_ID[e.source_id])
        for e in evidence
        if e.source_id in BY_ID and e.rank is not Rank.DEPRECATED and e.quote == QUOTE
    ]
    support = [s for e, s in counted if e.stance is Stance.SUPPORTS]
    contradicted = any(e.stance is Stance.CONTRADICTS for e, _ in counted)
    if not support:
        return None

    def independent(a: Source, b: Source) -> bool:
        return None not in (a.publisher, b.publisher) and (
            a.publisher.casefold() != b.publisher.casefold()  # type: ignore[union-attr]
        )

    publishers = {s.publisher.casefold() for s in support if s.publisher}
    officials = [s for s in support if s.kind is OFFICIAL]
    partnered = any(independent(o, s) for o in officials for s in support)
    if not contradicted and (partnered or len(publishers) >= 3):
        return HIGH
    if officials or len(publishers) >= 2:
        return MEDIUM
    return LOW


@given(EVIDENCE)
def test_earned_follows_the_rules_on_any_register(evidence: list[EvidenceIn]) -> None:
    assert earned(evidence, BY_ID) == by_the_rules(evidence)


@given(st.data(), EVIDENCE)
def test_earned_does_not_depend_on_the_order_of_evidence(
    data: st.DataObject, evidence: list[EvidenceIn]
) -> None:
    shuffled = data.draw(st.permutations(evidence))
    assert earned(shuffled, BY_ID) == earned(evidence, BY_ID)


LEVELS: list[Confidence | None] = [None, LOW, MEDIUM, HIGH]


@given(EVIDENCE, st.sampled_from(POOL))
def test_more_supporting_evidence_never_lowers_confidence(
    evidence: list[EvidenceIn], extra: Source
) -> None:
    before = LEVELS.index(earned(evidence, BY_ID))
    assert LEVELS.index(earned([*evidence, cite(extra.id)], BY_ID)) >= before
