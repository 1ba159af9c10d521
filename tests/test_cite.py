"""`pledges cite` stores a quote as the article writes it, and a near miss names the difference.

Through the command line on the seed register, on SQLite and PostgreSQL (`seeded`).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pledges.textmatch import Method, Span, as_written, find, fold
from tests.conftest import CLI, ROOT
from tests.test_cli import one_line
from tests.test_editing import table_counts

PLEDGE = "cn-co2-peak-2030"
SOURCE = "china-us-talks-success"  # seeds/articles/003: typographic apostrophes
TYPED = (
    "CHINA, the world's largest greenhouse gas emitter, has pledged to peak emissions of "
    "carbon dioxide by 2030"
)
WRITTEN = (
    "China, the world\u2019s largest greenhouse gas emitter, has pledged to peak emissions of "
    "carbon dioxide by 2030"
)


def cite(cli: CLI, db: str, quote: str, *extra: str, pledge_id: str = PLEDGE, source: str = SOURCE):
    return cli("cite", pledge_id, source, "--quote", quote, "--reason", "the article's words",
               "--db", db, *extra)  # fmt: skip


def evidence_list(cli: CLI, db: str, pledge_id: str = PLEDGE) -> list[dict[str, Any]]:
    shown = cli("show", pledge_id, "--format", "json", "--db", db)
    assert shown.code == 0, shown.err
    found: list[dict[str, Any]] = json.loads(shown.out)["evidence"]
    return found


def deprecate_the_seed_quote(cli: CLI, db: str) -> None:
    """The seed register cites WRITTEN's sentence for PLEDGE already (evidence 1)."""
    done = cli("evidence", "deprecate", "1", "--reason", "cited anew", "--db", db)
    assert done.code == 0, done.err


def test_a_quote_is_stored_as_the_article_writes_it(cli: CLI, seeded: str) -> None:
    deprecate_the_seed_quote(cli, seeded)
    result = cite(cli, seeded, TYPED)
    assert result.code == 0, result.err
    added = evidence_list(cli, seeded)[-1]
    assert added["quote"] == WRITTEN and added["located"] is True
    assert one_line(result.err) == (
        f"Added evidence {added['id']} to pledge {PLEDGE}, stored as the article writes it: "
        f"“{WRITTEN}” (you typed 'CHINA,' and 'world's', the article has 'China,' and "
        "'world\u2019s')."
    )
    log = json.loads(cli("history", PLEDGE, "--format", "json", "--db", seeded).out)
    assert log[-1]["changes"]["quote"] == {"before": None, "after": WRITTEN}
    assert cli("log", "verify", "--db", seeded).code == 0


def test_a_quote_typed_as_the_article_has_it_is_reported_as_before(cli: CLI, seeded: str) -> None:
    quote = "become carbon neutral by 2060"
    result = cite(cli, seeded, f"  {quote} ")
    assert result.code == 0, result.err
    added = evidence_list(cli, seeded)[-1]
    assert added["quote"] == quote
    assert one_line(result.err) == f"Added evidence {added['id']} to pledge {PLEDGE}."


def test_only_the_spacing_differs(cli: CLI, seeded: str) -> None:
    result = cite(cli, seeded, "become   carbon\nneutral by 2060")
    assert result.code == 0, result.err
    added = evidence_list(cli, seeded)[-1]
    assert added["quote"] == "become carbon neutral by 2060"
    assert one_line(result.err) == (
        f"Added evidence {added['id']} to pledge {PLEDGE}, with the article's own spacing and "
        "line breaks."
    )


def test_an_elided_quote_is_stored_part_by_part(cli: CLI, seeded: str) -> None:
    typed = "we must actively and steadily work towards peak carbon ... A NEW POWER SYSTEM"
    result = cli("cite", "cn-clean-energy-system", "china-rejects-us-calls", "--quote", typed,
                 "--reason", "shortened", "--db", seeded)  # fmt: skip
    assert result.code == 0, result.err
    added = evidence_list(cli, seeded, "cn-clean-energy-system")[-1]
    assert (
        added["quote"]
        == "We must actively and steadily work towards peak carbon ... a new power system"
    )
    assert added["located"] is True
    assert cli("log", "verify", "--db", seeded).code == 0


def test_allow_unlocated_keeps_the_words_as_typed(cli: CLI, seeded: str) -> None:
    typed = "China has pledged to peak emissions by 2028"
    result = cite(cli, seeded, typed, "--allow-unlocated")
    assert result.code == 0, result.err
    assert evidence_list(cli, seeded)[-1]["quote"] == typed


def test_the_same_quote_typed_another_way_is_still_cited_once(cli: CLI, seeded: str) -> None:
    deprecate_the_seed_quote(cli, seeded)
    assert cite(cli, seeded, TYPED).code == 0
    before = table_counts(seeded)
    again = cite(cli, seeded, WRITTEN)
    assert again.code == 2
    assert one_line(again.err).startswith(f"Error: pledge {PLEDGE} already cites this quote")
    assert table_counts(seeded) == before


@pytest.mark.parametrize(
    ("quote", "named"),
    [
        pytest.param(
            "has pledged to peak emissions of carbon dioxide by 2030 and become carbon neutral "
            "by 2050",
            "“has pledged to peak emissions of carbon dioxide by 2030 and become carbon neutral "
            "by 2060.”; you typed 'by 2050', the article has 'by 2060'",
            id="a year",
        ),
        pytest.param(
            "holding global warming to near 1.5 C would require significant Chinese efforts",
            "“holding global warming to near 1.5C would require significant Chinese efforts "
            "to”; you typed 'near 1.5 C would', the article has 'near 1.5C would'",
            id="a space",
        ),
    ],
)
def test_a_near_miss_names_the_difference(cli: CLI, seeded: str, quote: str, named: str) -> None:
    source = SOURCE if "2060" in named else "kerry-more-work-needed"
    before = table_counts(seeded)
    result = cite(cli, seeded, quote, source=source)
    assert result.code == 2
    assert one_line(result.err) == (
        f"Error: the quote does not stand in source {source} — the closest passage (99% alike) "
        f"is {named}; copy the words exactly as the article has them, or add --allow-unlocated "
        "to record it anyway (the audit will report it)"
    )
    assert table_counts(seeded) == before


# --- as_written ---------------------------------------------------------------------------------


def test_as_written_takes_the_articles_characters() -> None:
    text = "He said: “We will CUT emissions by 50%” — and later, after a pause, “soon”.\n\nNext."
    for typed, written in (
        ('"we will cut emissions by 50%" - and', "“We will CUT emissions by 50%” — and"),
        ("we will cut ... after a pause", "We will CUT ... after a pause"),
        ("… AFTER a pause", "… after a pause"),
        ("we will cut…after a pause …", "We will CUT…after a pause …"),
    ):
        span = find(typed, text)
        assert span is not None, typed
        assert as_written(typed, text, span) == written


def test_as_written_of_a_span_that_is_not_elided_is_the_span() -> None:
    assert as_written("anything", "abcdef", Span(1, 4, Method.NORMALISED)) == "bcd"


ARTICLES = [p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("seeds/articles/*.txt"))]


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_as_written_is_the_articles_own_text_for_what_was_typed(data: st.DataObject) -> None:
    text = data.draw(st.sampled_from(ARTICLES))
    start = data.draw(st.integers(0, len(text) - 1))
    quote = text[start : start + data.draw(st.integers(1, 80))]
    typed = data.draw(st.sampled_from([quote.upper(), quote.lower(), " ".join(quote.split())]))
    span = find(typed, text)
    assume(span is not None and typed.strip())
    assert span is not None
    written = as_written(typed, text, span)
    assert written == text[span.start : span.end]
    assert fold(written) == fold(typed)


ELIDED_REFUSAL = "Error: the quote does not stand in source kerry-not-dictating — {}; copy the "
ELIDED_REFUSAL += "words exactly as the article has them, or add --allow-unlocated to record it "
ELIDED_REFUSAL += "anyway (the audit will report it)"


@pytest.mark.parametrize(
    ("quote", "named"),
    [
        pytest.param(
            "US climate envoy John Kerry ... three day trip to Beijing",
            "the part 'three day trip to Beijing' does not stand: you typed 'three day', the "
            "article has 'three-day'",
            id="a part misquoted",
        ),
        pytest.param(
            "US climate envoy Jon Kerry said on Tuesday … to China",
            "the part 'US climate envoy Jon Kerry said on Tuesday' does not stand: you typed "
            "'envoy Jon Kerry' and 'on Tuesday', the article has 'envoy John Kerry' and "
            "'on Wednesday'",
            id="two differences in a part",
        ),
        pytest.param(
            "three-day trip to Beijing ... US climate envoy John Kerry",
            "each part stands, but not together: they must stand in order within one "
            "paragraph, each ellipsis leaving out at most 250 characters",
            id="out of order",
        ),
    ],
)
def test_a_near_miss_in_an_elided_quote_names_the_part(
    cli: CLI, seeded: str, quote: str, named: str
) -> None:
    before = table_counts(seeded)
    result = cite(
        cli, seeded, quote, pledge_id="us-cn-continue-talks", source="kerry-not-dictating"
    )
    assert (result.code, result.out) == (2, "")
    assert one_line(result.err) == ELIDED_REFUSAL.format(named)
    assert table_counts(seeded) == before
