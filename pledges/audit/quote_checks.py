"""The audit's checks of each quote: each sees one quote's facts (pledges.audit.facts) and its
pledge, and each docstring states the curation rule the check enforces.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from pledges.audit.findings import Severity
from pledges.audit.registry import Context, Said, check
from pledges.excerpt import excerpt
from pledges.vocab import Rank, Stance

if TYPE_CHECKING:
    from pledges.audit.facts import QuoteFact
    from pledges.records import PledgeRecord

SHORT_QUOTE_WORDS = 4
SHORT_QUOTE_CHARACTERS = 7  # of Chinese or Japanese: about four words (see quote_too_short)
NAMED_HOLDERS = 3  # a quote found in more sources than this names the first few


@check("quote-not-found", Severity.ERROR, "quote")
def quote_not_found(fact: QuoteFact, pledge: PledgeRecord, ctx: Context) -> Said | None:
    """A quote must stand in its cited source: exactly, or after normalising whitespace, case and
    typographic quotes and dashes; an elided quote when its parts stand in order in one passage.
    Deprecated evidence is kept for the record, not checked: deprecating it retires a misquote."""
    if fact.located or fact.cited.rank is Rank.DEPRECATED:
        return None
    c = fact.cited
    message = f"quote “{excerpt(c.quote, 80)}” does not stand in {c.source_id}"
    if fact.near is not None:
        passage, similarity = fact.near
        message += f"; closest passage ({similarity:.0f}% alike): “{excerpt(passage)}”"
    if fact.elsewhere:
        named = ", ".join(fact.elsewhere[:NAMED_HOLDERS])
        others = len(fact.elsewhere) - NAMED_HOLDERS
        message += f"; it stands in {named}"
        if others > 0:
            message += f" and {others} other sources"
        hint = "cite the source that holds it, or correct the quote"
    else:
        hint = "correct the quote to the article's exact words, or deprecate the evidence"
    return Said(message, hint)


@check("quote-too-short", Severity.WARNING, "quote")
def quote_too_short(fact: QuoteFact, pledge: PledgeRecord, ctx: Context) -> Said | None:
    """A quote of fewer than four words proves too little: it could stand in almost any article.

    Chinese and Japanese, written without spaces, are measured in characters (a number or a
    Latin word among them counting as one), and a quote of fewer than seven is too short: a
    word of running Chinese text is 1.6 to 1.7 characters long on average, so four words are
    about seven characters (实现碳中和, "reach carbon neutrality", is five: too short; 2060年前实现
    碳中和 is eight)."""
    shortest, unit = (
        (SHORT_QUOTE_CHARACTERS, "character") if fact.in_characters else (SHORT_QUOTE_WORDS, "word")
    )
    if fact.length >= shortest or fact.cited.rank is Rank.DEPRECATED:
        return None
    return Said(
        f"quote “{fact.cited.quote}” has {fact.length} {unit}{'' if fact.length == 1 else 's'}",
        "quote the whole clause that states the commitment",
    )


def _elision(fact: QuoteFact, code: str) -> Said | None:
    if fact.elision is None or fact.elision.code != code or not fact.counts:  # (quickest first)
        return None
    return Said(fact.elision.message, fact.elision.hint)


@check("elided-part-too-short", Severity.ERROR, "quote")
def elided_part_too_short(fact: QuoteFact, pledge: PledgeRecord, ctx: Context) -> Said | None:
    """Each part of an elided quote between two ellipses has at least three words (five
    characters in Chinese or Japanese): a part of one or two words could stand anywhere, and
    lets the quote say what the article does not. (The rules: pledges.elisions.)"""
    return _elision(fact, "elided-part-too-short")


@check("elision-changes-meaning", Severity.ERROR, "quote")
def elision_changes_meaning(fact: QuoteFact, pledge: PledgeRecord, ctx: Context) -> Said | None:
    """An ellipsis may leave out a neighbouring clause, not the meaning: the words it drops may
    not hold a negation, nor the year or number of the words before it when the words after it
    give another (the quote would bind them to another year than the article does)."""
    return _elision(fact, "elision-changes-meaning")


@check("actor-mismatch", Severity.ERROR, "quote")
def actor_mismatch(fact: QuoteFact, pledge: PledgeRecord, ctx: Context) -> Said | None:
    """The actors the evidence names (in the sentence holding the quote, or else the nearest
    mention before it) must include one of the pledge's actors."""
    if not fact.counts or not fact.named or fact.named & set(pledge.actors):
        return None
    return Said(
        f"the passage quoted from {fact.cited.source_id} names {', '.join(sorted(fact.named))}, "
        f"not the pledge's actors ({', '.join(pledge.actors)})",
        "check that the quote is about this pledge's actors, or correct the actors",
    )


@check("speaker-not-actor", Severity.WARNING, "quote")
def speaker_not_actor(fact: QuoteFact, pledge: PledgeRecord, ctx: Context) -> Said | None:
    """A quote in quoted or reported speech is the words of its speaker (see audit.speakers for
    how the speaker is found): when that is someone known who speaks for none of the pledge's
    actors (an NGO adviser, a researcher, another country's official), the quote reports the
    pledge at second hand, or is not the actor's commitment at all."""
    who = fact.speaker
    if who is None or not fact.counts or not who.actors.isdisjoint(pledge.actors):
        return None
    actors = ", ".join(pledge.actors)
    if who.actors:
        said = f"{who.name} (speaking for {', '.join(sorted(who.actors))})"
        hint = "cite the actor's own statement, or correct the actors"
    else:
        said = who.name
        hint = (
            "cite the actor's own statement: an analyst's or researcher's words report a pledge "
            "at second hand"
            if who.outsider
            else "cite the actor's own statement; if the speaker speaks for it, add their full "
            f"name as its alias with 'pledges actor update {pledge.actors[0]} --add-alias NAME'"
        )
    return Said(f"the quote is the words of {said}, not of the pledge's actors ({actors})", hint)


@check("target-year-mismatch", Severity.ERROR, "quote")
def target_year_mismatch(fact: QuoteFact, pledge: PledgeRecord, ctx: Context) -> Said | None:
    """A supporting quote that states years, none of them the pledge's target year, states a
    different year for the commitment (a baseline year is not a target: '65% below 2005')."""
    if pledge.target_year is None or not fact.counts or fact.cited.stance is not Stance.SUPPORTS:
        return None
    stated = set(fact.years) - {pledge.baseline_year}
    if not stated or pledge.target_year in fact.years:
        return None
    return Said(
        f"the quote states {', '.join(map(str, fact.years))}, the pledge {pledge.target_year}",
        "correct the target year, or cite the passage that states it",
    )


@check("contradicted", Severity.WARNING, "quote")
def contradicted(fact: QuoteFact, pledge: PledgeRecord, ctx: Context) -> Said | None:
    """Contradicting evidence that is not deprecated must be weighed: resolve it or deprecate it."""
    c = fact.cited
    if c.stance is not Stance.CONTRADICTS or not fact.counts:
        return None
    return Said(
        f"{c.source_id} contradicts the pledge: “{excerpt(c.quote, 80)}”",
        "review the status and confidence, or deprecate the evidence with a reason",
    )


@check("evidence-not-reverified", Severity.WARNING, "quote")
def not_reverified(fact: QuoteFact, pledge: PledgeRecord, ctx: Context) -> Said | None:
    """Evidence is re-verified against its source within the configured time (--reverify-days)."""
    c = fact.cited
    if not fact.counts:
        return None
    if c.verified_on is not None and c.verified_on >= ctx.today - timedelta(days=ctx.reverify_days):
        return None
    when = "never" if c.verified_on is None else f"last on {c.verified_on}"
    return Said(
        f"evidence {c.id} was verified {when} (limit: {ctx.reverify_days} days)",
        "check the quote again with 'pledges evidence verify ID --reason ...', or deprecate it",
    )
