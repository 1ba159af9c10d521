"""Honest elisions: an elided quote's parts are long enough, and no ellipsis changes what the
article says (pledges.elisions); `cite` and `import` refuse one that does, as they refuse a
quote that does not stand, unless --allow-unlocated.

The command-line tests run on the seed register, on SQLite and PostgreSQL (`seeded`).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pledges.elisions import MEANING_HINT, SHORT_HINT, Dishonest, judge
from pledges.textmatch import elided_spans, fold
from tests.conftest import CLI, Result
from tests.test_cjk import ZH, add_chinese_source
from tests.test_cli import one_line
from tests.test_editing import table_counts

SHORT = "elided-part-too-short"
MEANING = "elision-changes-meaning"
NEEDS = "each part needs at least 3 words (5 characters in Chinese or Japanese)"
OPPOSITE = "the quote says the opposite of the article"

# Texts written for these tests.
PEAK = (
    "China will peak emissions before 2030 and achieve carbon neutrality before 2060, the "
    "president said."
)
CLAUSES = (
    "China will peak before 2030, raise the non-fossil share to 25 percent, and reach "
    "neutrality before 2060."
)
COAL = (
    "The government will not approve new coal plants in the north. It will never phase out "
    "gas power without a replacement, and it won\u2019t raise the carbon price this year."
)


def honest(quote: str, text: str) -> bool:
    """Whether an elided quote stands elided in `text` (so that it is judged) and is honest."""
    return elided_spans(quote, text) is not None and judge(quote, text) is None


# --- elided-part-too-short ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quote", "part", "size"),
    [
        ("China will peak ... 2060", "2060", "1 word"),
        ("China will peak emissions ... before 2060", "before 2060", "2 words"),
        ("China ... achieve carbon neutrality", "China", "1 word"),
        ("China will peak emissions … the president … said.", "the president", "2 words"),
    ],
)
def test_a_part_under_three_words_is_too_short(quote: str, part: str, size: str) -> None:
    assert judge(quote, PEAK) == Dishonest(
        SHORT, f"the part “{part}” of the elided quote has {size}; {NEEDS}", SHORT_HINT
    )


@pytest.mark.parametrize(
    "quote",
    [
        "China will peak ... achieve carbon neutrality",  # three words either side
        "… achieve carbon neutrality before 2060",  # one part: this rule does not judge it
        "China will peak emissions ...",
        "… 2060 …",
    ],
)
def test_parts_of_three_words_and_lone_ellipses_pass(quote: str) -> None:
    assert honest(quote, PEAK)


@pytest.mark.parametrize(
    ("quote", "part", "size"),
    [
        ("中国……并努力在2060年之前实现碳中和", "中国", "2 characters"),
        ("中国的二氧化碳排放力争……实现碳中和", "实现碳中和", None),  # five: enough
        ("中国的二氧化碳排放力争……碳中和", "碳中和", "3 characters"),
        ("国家主席习近平……2060年", "2060年", "2 characters"),  # a number is one
    ],
)
def test_chinese_parts_count_characters(quote: str, part: str, size: str | None) -> None:
    judged = judge(quote, ZH)
    if size is None:
        assert honest(quote, ZH)
    else:
        assert judged == Dishonest(
            SHORT, f"the part “{part}” of the elided quote has {size}; {NEEDS}", SHORT_HINT
        )


# --- elision-changes-meaning: a negation --------------------------------------------------------


@pytest.mark.parametrize(
    ("quote", "message", "dropped"),
    [
        (
            "The government will ... approve new coal plants",
            f"the ellipsis drops “not”: {OPPOSITE}",
            "not",
        ),
        (
            "in the north. It will ... phase out gas power",
            f"the ellipsis drops “never”: {OPPOSITE}",
            "never",
        ),
        (
            "It will never phase out gas power ... a replacement, and it",
            f"the ellipsis drops “without”: {OPPOSITE}",
            "without",
        ),
        (
            "a replacement, and it ... raise the carbon price",
            f"the ellipsis drops “won\u2019t”, which holds “n't”: {OPPOSITE}",
            "won\u2019t",
        ),
        (
            "The government will ... phase out gas power",
            "the ellipsis drops “not approve new coal plants in the north. It will never”, which "
            f"holds “not”: {OPPOSITE}",
            "not approve new coal plants in the north. It will never",
        ),
    ],
)
def test_an_ellipsis_that_drops_a_negation_changes_the_meaning(
    quote: str, message: str, dropped: str
) -> None:
    assert judge(quote, COAL) == Dishonest(MEANING, message, MEANING_HINT, dropped)


@pytest.mark.parametrize(
    "between", ["another note on", "a known nominee", "nonetheless", "notably", "economic"]
)
def test_words_that_only_hold_the_letters_of_a_negation_are_none(between: str) -> None:
    text = f"The plan sets targets for the power sector {between} and then for heavy industry."
    assert honest("The plan sets targets ... and then for heavy industry", text)


@pytest.mark.parametrize(
    ("dropped", "negation"),
    [
        ("不", "不"),
        ("没有", "没"),
        ("尚未", "未"),
        ("无法", "无"),
        ("并非", "并非"),
        ("除非", "除非"),
        ("切勿", "勿"),
        ("别再", "别"),
        ("不断扩大并且不", "不"),  # 不断 is none, the 不 after it is one
    ],
)
def test_a_chinese_negation_dropped_changes_the_meaning(dropped: str, negation: str) -> None:
    text = f"该国政府表示将{dropped}批准新的燃煤电厂项目。"
    judged = judge("该国政府表示将……批准新的燃煤电厂项目", text)
    which = "" if dropped == negation else f", which holds “{negation}”"
    assert judged == Dishonest(
        MEANING, f"the ellipsis drops “{dropped}”{which}: {OPPOSITE}", MEANING_HINT, dropped
    )


@pytest.mark.parametrize(
    "dropped",
    [
        "不断",  # continuously
        "不仅",  # not only (... but also): it negates nothing
        "在未来",  # the future
        "无论如何",  # whatever happens
        "特别是",  # especially
        "分别",  # each
        "为非化石能源",  # non-fossil: a prefix, as English non-
        "非常积极地",  # very
        "不同地区",  # different
        "在2\u2103未満",  # (Japanese) less than
    ],
)
def test_chinese_words_that_hold_a_negation_character_and_negate_nothing(dropped: str) -> None:
    text = f"该国政府表示将{dropped}推动可再生能源发展。"
    assert honest("该国政府表示将……推动可再生能源发展", text)


# --- elision-changes-meaning: a year or number bound to another part ----------------------------


def test_a_dropped_year_binds_the_part_before_to_the_year_after() -> None:
    quote = "China will peak emissions ... before 2060, the president said"
    assert judge(quote, PEAK) == Dishonest(
        MEANING,
        "the ellipsis drops “before 2030 and achieve carbon neutrality”, which held the year of "
        "“China will peak emissions”: the quote binds it to 2060",
        MEANING_HINT,
        "before 2030 and achieve carbon neutrality",
    )


def test_a_dropped_number_binds_the_part_before_to_the_number_after() -> None:
    text = "Coal will fall to 50 percent of the mix, and wind will rise to 25% by then."
    assert judge("Coal will fall to ... 25% by then", text) == Dishonest(
        MEANING,
        "the ellipsis drops “50 percent of the mix, and wind will rise to”, which held the "
        "number of “Coal will fall to”: the quote binds it to 25%",
        MEANING_HINT,
        "50 percent of the mix, and wind will rise to",
    )


def test_a_neighbouring_clause_dropped_passes() -> None:
    """Each kept part keeps its own year."""
    assert honest("peak before 2030 ... reach neutrality before 2060", CLAUSES)
    assert honest("China will peak before 2030, … and reach neutrality", CLAUSES)


@pytest.mark.parametrize(
    "quote",
    [
        "China will peak emissions before 2030 ... before 2060, the president said",  # A has one
        "China will peak emissions ... the president said.",  # B has none
        "and achieve carbon ... before 2060, the president said",  # nothing numbered dropped
    ],
)
def test_a_number_dropped_binds_nothing_unless_only_the_part_after_has_one(quote: str) -> None:
    assert honest(quote, PEAK)


def test_chinese_years_and_numbers_are_bound_as_english_ones() -> None:
    assert judge("中国的二氧化碳排放……并努力在2060年之前实现碳中和", ZH) == Dishonest(
        MEANING,
        "the ellipsis drops “力争在2030年之前达到峰值，”, which held the year of "
        "“中国的二氧化碳排放”: the quote binds it to 2060",
        MEANING_HINT,
        "力争在2030年之前达到峰值，",
    )
    assert judge("单位国内生产总值二氧化碳排放将……的比重将达到25%左右", ZH) == Dishonest(
        MEANING,
        "the ellipsis drops “比2005年下降65%以上；非化石能源占一次能源消费”, which held the "
        "number of “单位国内生产总值二氧化碳排放将”: the quote binds it to 25%",
        MEANING_HINT,
        "比2005年下降65%以上；非化石能源占一次能源消费",
    )
    # each kept part keeps its own year
    assert honest("力争在2030年之前达到峰值……并努力在2060年之前实现碳中和", ZH)


# A whole sentence left out between the kept parts negates neither, and its year is its own.
SENTENCES = (
    "China will raise its climate ambition. It will not approve new coal plants in 2025. It "
    "will reach carbon neutrality before 2060."
)


@pytest.mark.parametrize(
    "quote",
    [
        "China will raise its climate ambition. ... It will reach carbon neutrality before 2060",
        "China will raise its climate ambition ... It will reach carbon neutrality before 2060",
        "China will raise its climate ambition.\u2026 It will reach carbon neutrality",
    ],
)
def test_a_whole_sentence_left_out_is_honest(quote: str) -> None:
    assert honest(quote, SENTENCES)


@pytest.mark.parametrize(
    ("quote", "message", "dropped"),
    [
        (
            "China will raise its climate ... approve new coal plants in 2025",
            f"the ellipsis drops “ambition. It will not”, which holds “not”: {OPPOSITE}",
            "ambition. It will not",
        ),
        (
            "China will raise its climate ambition. It will ... new coal plants in 2025",
            f"the ellipsis drops “not approve”, which holds “not”: {OPPOSITE}",
            "not approve",
        ),
        (
            "China will raise its climate ambition. It will ... It will reach carbon neutrality",
            f"the ellipsis drops “not approve new coal plants in 2025.”, which holds “not”: "
            f"{OPPOSITE}",
            "not approve new coal plants in 2025.",
        ),
        (
            "China will raise its climate ambition. It will not approve new coal plants ... "
            "carbon neutrality before 2060",
            "the ellipsis drops “in 2025. It will reach”, which held the year of “China will "
            "raise its climate ambition. It will not approve new coal plants”: the quote binds it "
            "to 2060",
            "in 2025. It will reach",
        ),
    ],
)
def test_the_left_out_words_of_a_kept_parts_sentence_count(
    quote: str, message: str, dropped: str
) -> None:
    assert judge(quote, SENTENCES) == Dishonest(MEANING, message, MEANING_HINT, dropped)


def test_a_whole_chinese_sentence_left_out_is_honest() -> None:
    """The sentence left out holds 2030, the year of the peak, not of the part before it."""
    assert honest("中国将提高国家自主贡献力度……并努力在2060年之前实现碳中和", ZH)


def test_a_digit_of_a_name_is_no_number() -> None:
    text = "Both sides will cut CO2 from power plants and methane from farms at COP28 this year."
    assert honest("Both sides will cut ... methane from farms at COP28 this year", text)


# --- what is not judged -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quote", "text"),
    [
        ("China will peak emissions before 2030", PEAK),  # not elided
        ("China will peak emissions ... before 2050, the president said", PEAK),  # not there
        ("the president said ... China will peak emissions", PEAK),  # out of order
        ("He said: we will ... not", "He said: we will ... not stop."),  # the article's own
    ],
)
def test_a_quote_that_is_not_elided_or_does_not_stand_elided_is_not_judged(
    quote: str, text: str
) -> None:
    assert judge(quote, text) is None


# --- properties ---------------------------------------------------------------------------------

WORDS = ["china", "will", "peak", "emissions", "reach", "the", "share", "of", "wind", "solar",
         "power", "grow", "its", "forests", "and", "build", "grids", "in", "north", "cut",
         "methane", "from", "farms"]  # fmt: skip
ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth"]  # none of WORDS
CLAUSE = st.lists(st.sampled_from(WORDS), min_size=3, max_size=7).map(" ".join)
YEAR = st.integers(1990, 2100).map(str)


@st.composite
def clauses(draw: st.DrawFn, *, years: str) -> list[str]:
    """Clauses of a text, each opening with a word of its own: each with a year ('all'), or
    none with one ('none')."""
    found = [
        f"{ORDINALS[i]} {clause}"
        for i, clause in enumerate(draw(st.lists(CLAUSE, min_size=3, max_size=6)))
    ]
    if years == "all":
        found = [f"{clause} by {draw(YEAR)}" for clause in found]
    return found


@st.composite
def kept(draw: st.DrawFn, found: list[str]) -> tuple[int, int]:
    first = draw(st.integers(0, len(found) - 3))
    return first, draw(st.integers(first + 2, len(found) - 1))


@given(
    st.data(), st.sampled_from(["all", "none"]), st.sampled_from([" ... ", " \u2026 ", "\u2026"])
)
def test_dropping_whole_clauses_that_negate_nothing_is_honest(
    data: st.DataObject, years: str, mark: str
) -> None:
    """A quote made of whole clauses of a text, the clauses between them dropped, is honest when
    no clause holds a negation and each kept clause keeps its own year (or none has one)."""
    found = data.draw(clauses(years=years))
    first, last = data.draw(kept(found))
    text = ", ".join(found) + "."
    assert honest(found[first] + mark + found[last], text)


@given(st.data(), st.sampled_from([". ... ", " ... ", ".\u2026 ", ". \u2026"]), YEAR)
def test_leaving_out_whole_sentences_is_honest(data: st.DataObject, mark: str, year: str) -> None:
    """Whatever the sentences left out hold (a negation, a year), the kept ones keep their
    meaning."""
    found = [clause.capitalize() for clause in data.draw(clauses(years="none"))]
    first, last = data.draw(kept(found))
    for index in range(first + 1, last):
        found[index] = f"{found[index]} not by {year}"
    found[last] += f" by {year}"
    text = ". ".join(found) + "."
    assert honest(found[first] + mark + found[last], text)


@given(st.data(), st.sampled_from(["not", "never", "cannot", "\u4e0d"]))
def test_dropping_a_clause_that_holds_a_negation_always_changes_the_meaning(
    data: st.DataObject, negation: str
) -> None:
    found = data.draw(clauses(years="none"))
    first, last = data.draw(kept(found))
    found[first + 1] = f"{found[first + 1]} {negation} {found[first + 1]}"
    text = ", ".join(found) + "."
    judged = judge(f"{found[first]} ... {found[last]}", text)
    assert judged is not None and judged.code == MEANING
    assert judged.dropped is not None and negation in judged.dropped


@given(st.data(), YEAR, YEAR)
def test_a_year_dropped_before_a_part_that_states_one_always_changes_the_meaning(
    data: st.DataObject, dropped: str, after: str
) -> None:
    found = data.draw(clauses(years="none"))
    first, last = data.draw(kept(found))
    found[first + 1] += f" by {dropped}"
    found[last] += f" by {after}"
    text = ", ".join(found) + "."
    judged = judge(f"{found[first]} ... {found[last]}", text)
    assert judged is not None and judged.code == MEANING
    assert judged.message.endswith(f": the quote binds it to {after}")


# --- the commands -------------------------------------------------------------------------------

AND_ALLOW = ", or add --allow-unlocated to record it anyway (the audit will report it)"
REFUSED = {
    "a part too short": (
        "us-cn-cop28-success", "china-us-talks-success",
        "Beijing and Washington agreed ... said",
        f"the part “said” of the elided quote has 1 word; {NEEDS} — {SHORT_HINT}",
    ),
    "a negation dropped": (
        "us-not-dictating-to-cn", "kerry-more-work-needed",
        "While China said its climate policies would ... be dictated by others",
        f"the ellipsis drops “not”: {OPPOSITE} — {MEANING_HINT}",
    ),
    "a year bound to another part": (
        "cn-co2-peak-2030", "china-us-talks-success",
        "has pledged to peak emissions ... and become carbon neutral by 2060",
        "the ellipsis drops “of carbon dioxide by 2030”, which held the year of “has pledged to "
        f"peak emissions”: the quote binds it to 2060 — {MEANING_HINT}",
    ),
    "a Chinese year bound to another part": (
        "cn-co2-peak-2030", "zh-unga",
        "中国的二氧化碳排放……并努力在2060年之前实现碳中和",
        "the ellipsis drops “力争在2030年之前达到峰值，”, which held the year of "
        f"“中国的二氧化碳排放”: the quote binds it to 2060 — {MEANING_HINT}",
    ),
}  # fmt: skip


def cite(cli: CLI, db: str, pledge_id: str, source: str, quote: str, *extra: str) -> Result:
    return cli("cite", pledge_id, source, "--quote", quote, "--reason", "the article's words",
               "--db", db, *extra)  # fmt: skip


def evidence_of(cli: CLI, db: str, pledge_id: str) -> list[dict[str, object]]:
    shown = cli("show", pledge_id, "--format", "json", "--db", db)
    assert shown.code == 0, shown.err
    found: list[dict[str, object]] = json.loads(shown.out)["evidence"]
    return found


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_cite_refuses_a_dishonest_elision(cli: CLI, seeded: str, case: str) -> None:
    pledge_id, source, quote, refusal = REFUSED[case]
    if source == "zh-unga":
        add_chinese_source(seeded)
    before = table_counts(seeded)
    result = cite(cli, seeded, pledge_id, source, quote)
    assert (result.code, result.out) == (2, "")
    assert one_line(result.err) == f"Error: {refusal}{AND_ALLOW}"
    assert table_counts(seeded) == before


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_cite_records_a_dishonest_elision_with_allow_unlocated(
    cli: CLI, seeded: str, case: str
) -> None:
    pledge_id, source, quote, _ = REFUSED[case]
    if source == "zh-unga":
        add_chinese_source(seeded)
    result = cite(cli, seeded, pledge_id, source, quote, "--allow-unlocated")
    assert result.code == 0, result.err
    added = evidence_of(cli, seeded, pledge_id)[-1]
    assert (added["source_id"], added["located"]) == (source, True)
    assert fold(str(added["quote"])) == fold(quote)  # (as the article writes it)
    assert cli("log", "verify", "--db", seeded).code == 0


def test_cite_takes_an_honest_elision(cli: CLI, seeded: str) -> None:
    add_chinese_source(seeded)
    quote = "中国的二氧化碳排放力争在2030年之前达到峰值……并努力在2060年之前实现碳中和"
    result = cite(cli, seeded, "cn-carbon-neutrality-2060", "zh-unga", quote)
    assert result.code == 0, result.err
    assert evidence_of(cli, seeded, "cn-carbon-neutrality-2060")[-1]["quote"] == quote


def export_with(cli: CLI, db: str, folder: Path, pledge_id: str, source: str, quote: str) -> int:
    """Export the register to `folder` and add a new evidence row citing `quote`: its line."""
    assert cli("export", "--db", db, "--out", str(folder)).code == 0
    path = folder / "evidence.csv"
    with path.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    new = dict.fromkeys(rows[0], "")
    new.update(pledge_id=pledge_id, source_id=source, quote=quote, stance="supports",
               rank="normal")  # fmt: skip
    rows.append(new)
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.DictWriter(stream, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return len(rows) + 1  # (the header is line 1)


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_import_refuses_a_row_with_a_dishonest_elision(
    cli: CLI, seeded: str, tmp_path: Path, case: str
) -> None:
    pledge_id, source, quote, refusal = REFUSED[case]
    if source == "zh-unga":
        add_chinese_source(seeded)
    line = export_with(cli, seeded, tmp_path / "out", pledge_id, source, quote)
    before = table_counts(seeded)
    result = cli("import", str(tmp_path / "out"), "--db", seeded, "--reason", "more evidence")
    assert result.code == 2, (result.out, result.err)
    assert one_line(result.err) == (
        f"Error: evidence.csv:{line}:quote: {refusal}{AND_ALLOW}; nothing was written"
    )
    assert table_counts(seeded) == before
    allowed = cli("import", str(tmp_path / "out"), "--db", seeded, "--reason", "more evidence",
                  "--allow-unlocated")  # fmt: skip
    assert allowed.code == 0, allowed.err
    added = evidence_of(cli, seeded, pledge_id)[-1]
    assert (added["source_id"], added["quote"]) == (source, quote)
