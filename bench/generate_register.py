"""Build a large synthetic register for the benchmarks (bench/audit.py, report.py, transfer.py).

    .venv/bin/python bench/generate_register.py [--pledges 100000] [--out PATH] [--seed 1]
                                                [--actors 2000] [--created YYYY-MM-DD]

It writes a migrated SQLite register at PATH (replacing what is there) holding:

- actors with aliases in the style of seeds/actors.yaml: CN, US, EU, IN and seven more major
  ones, then other countries, states and provinces, cities and companies up to --actors. A real
  register of 100,000 pledges has thousands of actors (Net Zero Tracker follows some 4,000
  entities); with a dozen, most pledges would share actors, kind and target year with dozens of
  others, which no register does;
- N/5 sources, each about 4 KB of news-like English made from varied sentences (numbers, years,
  places and people vary, so no two articles are alike; typographic quotes, apostrophes and
  dashes), from a dozen publishers (some left empty);
- N pledges with vocabulary values (status mostly not_yet_rated, confidence low, a target year
  between 2025 and 2060 for most, baseline and value where the commitment states them). Actors,
  kind and target year are distinct but for one pledge in 200, entered twice. Each pledge is
  reported by a sentence in two different sources that names its actor (by an alias) and states
  its year;
- 2N pieces of evidence: each quote is a verbatim 8-25 word span of the pledge's sentence in its
  source (the whole sentence, or most often the part that states the target year), unique in
  its article. About one in ten is altered (a word or the year changed) so that it no longer
  stands in its source; about one in eight writes typographic marks plainly (located after
  normalisation, not exactly). Evidence is verified on the day it is created, as `cite` does,
  except altered quotes (recorded as with --allow-unlocated).

The names, places, phrases and sentence templates it draws from are the data files in
bench/data/. The records are the product's input models, written by the product's bulk write
path (pledges.transfer.bulk.Batch, which `pledges import` uses) in one transaction: the same
rows, revisions and hash chain an import of them would write, so `pledges log verify` passes.

Everything follows from --seed and --created (the day every record is created, at 09:30 UTC;
by default today, so that evidence is freshly verified when the register is audited), so two
runs with both the same give the same register. A manifest beside the file (PATH.manifest.json)
records the settings and counts, among them how many quotes are altered: the number a correct
audit fails to locate. It is written last, so a half-built register has none.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import string
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from functools import partial
from pathlib import Path
from typing import Any

from pledges import migrate
from pledges.db import make_engine, transaction
from pledges.dburl import resolve_url
from pledges.editing import Who
from pledges.schema import ActorIn, EvidenceIn, PledgeIn, SourceIn
from pledges.textmatch import fold
from pledges.transfer.bulk import Batch, check_quotes, evidence_records

DATA = Path(__file__).resolve().parent / "data"
GENERATOR_VERSION = 3  # bump when the register it builds changes, so --reuse rebuilds
AUTHOR = "bench-generator"
REASON = "generate the audit benchmark register"
DEFAULT_ACTORS = 2_000
REUSE_DAYS = 30  # a benchmark may reuse a register created at most this many days ago
PLEDGES_PER_SOURCE = 5
ALTERED_SHARE = 0.10
PLAIN_MARKS_SHARE = 0.5  # of unaltered quotes that hold typographic marks: written plainly
JOINT_SHARE = 0.04  # pledges of two countries together
DUPLICATE_SHARE = 0.005  # pledges entered twice (same actors, kind and target year)
ANNOUNCED_SHARE = 0.4  # pledges whose announcement day is recorded
TYPOGRAPHIC_PLAIN = str.maketrans({"“": '"', "”": '"', "’": "'", "‘": "'", "–": "-"})  # noqa: RUF001


def data(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


ACTORS, COMMITMENTS, ARTICLES = data("actors"), data("commitments"), data("articles")


# --- actors -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActorSpec:
    id: str
    name: str
    noun: str  # the name as a sentence names it: "the European Union"
    kind: str
    aliases: tuple[str, ...]
    subjects: tuple[str, ...]  # how a sentence names it (each holds an alias)
    speakers: tuple[str, ...]  # who speaks for it (each holds an alias)
    adjective: str
    cities: tuple[str, ...]
    scope: str = "nation"  # which commitments it makes: nation, local or company
    weight: float = 40.0  # how often it pledges, relative to the others


def major(fields: dict[str, Any]) -> ActorSpec:
    tupled: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()}
    return ActorSpec(**tupled)


MAJORS = tuple(major(fields) for fields in ACTORS["majors"])


def ascii_id(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Z0-9]+", "-", plain.upper()).strip("-")


def unique(names: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.casefold(), name)
    return tuple(seen.values())


def actor_of(form: str, cells: Sequence[str]) -> ActorSpec:
    """An actor from one row of bench/data/actors.json, in the words of its form (country,
    subnational, city or company)."""
    shape = ACTORS["forms"][form]
    values = dict(zip(shape["columns"], cells, strict=True))
    values.setdefault("name", values.get("noun", "").removeprefix("the "))
    values.setdefault("noun", values["name"])
    values.update(slug=ascii_id(values["name"]), a_name=with_article(values["name"]))

    def each(key: str) -> tuple[str, ...]:
        return tuple(template.format_map(values) for template in shape[key])

    return ActorSpec(
        shape["id"].format_map(values), values["name"], values["noun"], shape["kind"],
        unique(each("aliases")), each("subjects"), each("speakers"),
        shape["adjective"].format_map(values), each("cities"), shape["scope"], shape["weight"],
    )  # fmt: skip


def make_actors(count: int, rng: random.Random) -> list[ActorSpec]:
    """The majors, then other countries, states, cities and companies, `count` in all."""
    actors = list(MAJORS)
    actors += [actor_of(form, row) for form in ("country", "subnational", "city")
               for row in ACTORS[form]]  # fmt: skip
    names = [f"{p} {i}" for i in ACTORS["company_industries"] for p in ACTORS["company_prefixes"]]
    rng.shuffle(names)
    names += [f"{name} {region}" for region in ACTORS["regions"] for name in names]  # when more
    actors += [actor_of("company", [name, *rng.sample(ACTORS["business_cities"], 2)])
               for name in names[: max(0, count - len(actors))]]  # fmt: skip
    actors = actors[:count]
    check_actors(actors)
    return actors


def check_actors(actors: Sequence[ActorSpec]) -> None:
    """Every way a sentence names an actor holds one of its aliases, and no two actors share an
    alias or an id: the audit finds actors in text by their aliases."""
    owners: dict[str, str] = {}
    ids: set[str] = set()
    for actor in actors:
        if actor.id in ids:
            raise RuntimeError(f"two actors have the id {actor.id}")
        ids.add(actor.id)
        for alias in (actor.name, *actor.aliases):
            owner = owners.setdefault(alias.casefold(), actor.id)
            if owner != actor.id:
                raise RuntimeError(f"{actor.id} and {owner} share the alias {alias!r}")
        for phrase in (*actor.subjects, *actor.speakers):
            if not any(alias in phrase for alias in (actor.name, *actor.aliases)):
                raise RuntimeError(f"{actor.id}: {phrase!r} holds none of its aliases")


# --- what pledges commit to ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Commitment:
    kind: str
    years: tuple[int, int] | None  # target years drawn from this range; None: no target year
    phrases: tuple[str, ...]  # the verb phrase, with {year}, {pct}, {gw}, {bn}, {base}, {mha}
    title: str  # what it commits to, verb first in its base form, with {year} etc.
    scopes: frozenset[str]  # the actors that make it: nation, local, company
    weight: float
    gases: tuple[str, ...] = ()
    unit: str | None = None  # when it states a value ({pct}): what the value measures

    @classmethod
    def of(cls, item: dict[str, Any]) -> Commitment:
        years = (item["years"][0], item["years"][1]) if item["years"] else None
        return cls(item["kind"], years, tuple(item["phrases"]), item["title"],
                   frozenset(item["scopes"]), item["weight"], tuple(item.get("gases", ())),
                   item.get("unit"))  # fmt: skip


KINDS = tuple(Commitment.of(item) for item in COMMITMENTS["commitments"])


# --- generation ---------------------------------------------------------------------------------

_FORMATTER = string.Formatter()
_FIELDS: dict[str, tuple[str, ...]] = {}
ITS = re.compile(r"\bits\b")


class Words:
    """Fills the {slots} of the templates in bench/data/articles.json from one random stream."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        choose, number, words = rng.choice, rng.randint, ARTICLES["words"]
        first, last = ARTICLES["first_names"], ARTICLES["last_names"]
        self.slots: dict[str, Callable[[], str]] = {
            name: partial(choose, listed) for name, listed in words.items()
        }
        self.slots |= {
            name: partial(lambda lo, hi: str(number(lo, hi)), *bounds)
            for name, bounds in ARTICLES["numbers"].items()
        }
        self.slots["person"] = self.slots["person2"] = lambda: f"{choose(first)} {choose(last)}"
        self.slots["deg"] = lambda: f"{number(1, 6)}.{number(0, 9)}"
        self.slots["a_adj"] = lambda: with_article(choose(words["adj"]))

    def pick(self, templates: str) -> str:
        """One of the templates bench/data/articles.json lists under that name."""
        chosen: str = self.rng.choice(ARTICLES[templates])
        return chosen

    def slot(self, name: str, actor: ActorSpec, extra: dict[str, str]) -> str:
        if name in extra:
            return extra[name]
        if name.endswith("_cap"):
            return capitalised(self.slot(name.removesuffix("_cap"), actor, extra))
        if name == "CITY":
            return self.slot("city", actor, extra).upper()
        if name == "adjective":
            return actor.adjective
        if name in ("city", "subject", "speaker"):
            among: tuple[str, ...] = getattr(actor, "cities" if name == "city" else f"{name}s")
            return self.rng.choice(among)
        return self.slots[name]()

    def fill(self, template: str, actor: ActorSpec, extra: dict[str, str] | None = None) -> str:
        """The template, its slots filled in the words of `actor` (or from `extra`)."""
        names = _FIELDS.get(template)
        if names is None:
            names = tuple(sorted({f for _, f, _, _ in _FORMATTER.parse(template) if f}))
            _FIELDS[template] = names
        return template.format_map({name: self.slot(name, actor, extra or {}) for name in names})


def weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def with_article(word: str) -> str:
    return f"{'an' if word[:1].lower() in set('aeiou') else 'a'} {word}"


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Draft:
    """What a pledge commits to, before it has an id and sources."""

    actors: tuple[ActorSpec, ...]
    commitment: Commitment
    year: int | None


@dataclass
class PledgePlan:
    index: int
    id: str
    actors: tuple[ActorSpec, ...]
    commitment: Commitment
    phrase: str  # the verb phrase with its numbers filled in (and "its" for the owner)
    year: int | None
    title: str
    value: float | None
    baseline: int | None
    formality: str
    status: str
    sources: tuple[int, int]  # where it is reported: primary, secondary
    announced_on: date | None = None


def joined(actors: Sequence[ActorSpec]) -> str:
    return " and ".join(a.noun for a in actors)


def title_of(actors: Sequence[ActorSpec], what: str) -> str:
    """'China peaks CO2 emissions by 2030', 'The United States and China jointly push ...'."""
    if len(actors) > 1:
        return capitalised(f"{joined(actors)} jointly {what}")
    verb, _, rest = what.partition(" ")
    verb += "es" if verb.endswith(("sh", "ch", "s", "x")) else "s"
    return capitalised(f"{actors[0].noun} {verb} {rest}")


def possessive(phrase: str, whose: str) -> str:
    """The commitment as the sentence's speaker says it: its, their or our."""
    return ITS.sub(whose, phrase)


def statement_of(plan: PledgePlan) -> str:
    whose = "their" if len(plan.actors) > 1 else "its"
    return capitalised(f"{joined(plan.actors)} will {possessive(plan.phrase, whose)}.")


def draft_pledges(rng: random.Random, count: int, actors: Sequence[ActorSpec]) -> list[Draft]:
    """`count` commitments, distinct in actors, kind and target year except for a few entered
    twice: single actors drawn by weight without replacement from every (actor, commitment,
    year) they could make, a few joint pledges of two countries, and the duplicates."""
    options: list[tuple[ActorSpec, Commitment, int | None]] = []
    weights: list[float] = []
    for actor in actors:
        for commitment in KINDS:
            if actor.scope not in commitment.scopes:
                continue
            years: list[int | None] = (
                [None]
                if commitment.years is None
                else list(range(commitment.years[0], commitment.years[1] + 1))
            )
            for year in years:
                options.append((actor, commitment, year))
                weights.append(actor.weight * commitment.weight / len(years))
    joint = round(count * JOINT_SHARE)
    twice = round(count * DUPLICATE_SHARE)
    single = count - joint - twice
    # Weighted sampling without replacement (Efraimidis and Spirakis): the largest keys u^(1/w).
    keys = [rng.random() ** (1.0 / w) for w in weights]
    order = sorted(range(len(options)), key=keys.__getitem__, reverse=True)
    chosen = [options[i] for i in order[:single]]
    while len(chosen) < single:  # more pledges than distinct commitments: repeat some
        chosen.append(options[rng.choices(range(len(options)), weights=weights)[0]])
    drafts = [Draft((actor,), commitment, year) for actor, commitment, year in chosen]

    nations = [a for a in actors if a.scope == "nation"]
    shared = [c for c in KINDS if "nation" in c.scopes]
    seen: set[tuple[frozenset[str], str, int | None]] = set()
    while joint > 0 and len(nations) > 1:
        pair = tuple(rng.choices(nations, weights=[a.weight for a in nations], k=2))
        commitment = rng.choices(shared, weights=[c.weight for c in shared])[0]
        year = None if commitment.years is None else rng.randint(*commitment.years)
        key = (frozenset(a.id for a in pair), commitment.kind, year)
        if pair[0] is pair[1] or key in seen:
            continue
        seen.add(key)
        drafts.append(Draft(pair, commitment, year))
        joint -= 1
    drafts += [rng.choice(drafts) for _ in range(twice)] if drafts else []
    rng.shuffle(drafts)
    return drafts


def plan_pledges(
    rng: random.Random, count: int, sources: int, actors: Sequence[ActorSpec]
) -> list[PledgePlan]:
    drafts = draft_pledges(rng, count, actors)
    rounds = -(-count // sources)
    perms = []
    for _ in range(rounds):
        perm = list(range(sources))
        rng.shuffle(perm)
        perms.append(perm)
    plans = []
    for index, draft in enumerate(drafts):
        commitment = draft.commitment
        template = rng.choice(commitment.phrases)
        numbers = {
            "year": str(draft.year),
            "pct": str(rng.randint(10, 70)),
            "base": str(rng.choice((1990, 2005, 2010, 2015, 2019))),
            "gw": str(rng.randint(20, 1200)),
            "bn": str(rng.randint(1, 120)),
            "mha": str(rng.randint(1, 40)),
        }
        states_value = commitment.unit is not None and "{pct}" in template
        slug = "-".join(a.id.lower() for a in draft.actors)
        kind = commitment.kind.replace("_", "-")
        primary = index % sources
        secondary = perms[index // sources][primary]
        if secondary == primary:
            secondary = (primary + 1) % sources
        plans.append(
            PledgePlan(
                index=index,
                id=f"{slug}-{kind}-{draft.year or 'open'}-{index + 1:06d}",
                actors=draft.actors,
                commitment=commitment,
                phrase=template.format_map(numbers),
                year=draft.year,
                title=title_of(draft.actors, commitment.title.format_map(numbers)),
                value=float(numbers["pct"]) if states_value else None,
                baseline=int(numbers["base"]) if "{base}" in template else None,
                formality=weighted(rng, COMMITMENTS["formalities"]),
                status=weighted(rng, COMMITMENTS["statuses"]),
                sources=(primary, secondary),
            )
        )
    return plans


def pledge_sentence(words: Words, plan: PledgePlan) -> str:
    if len(plan.actors) > 1:
        other = words.rng.choice(plan.actors[1].subjects)
        extra = {"other": other, "phrase": possessive(plan.phrase, "their")}
        return words.fill(words.pick("joint_sentences"), plan.actors[0], extra)
    template = words.pick("pledge_sentences")
    extra = {"phrase": possessive(plan.phrase, "our" if "We will" in template else "its")}
    return words.fill(template, plan.actors[0], extra)


@dataclass
class SourcePlan:
    index: int
    id: str
    publisher: str | None
    domain: str | None
    kind: str
    published_on: date | None
    title: str = ""
    text: str = ""
    mentions: dict[int, str] = field(default_factory=dict)  # pledge -> the sentence on it


def plan_sources(rng: random.Random, count: int) -> list[SourcePlan]:
    """Who published each article, and when."""
    sources = []
    publishers = ARTICLES["publishers"]
    for index in range(count):
        publisher, domain, _ = rng.choices(publishers, weights=[p[2] for p in publishers])[0]
        published = (
            None if rng.random() < 0.05 else date(2015, 1, 1) + timedelta(rng.randrange(3650))
        )
        slug = ascii_id(publisher or "unattributed").lower()
        day = published.isoformat() if published else "undated"
        sources.append(
            SourcePlan(
                index=index,
                id=f"{slug}-{day}-{index + 1:05d}",
                publisher=publisher,
                domain=domain,
                kind=weighted(rng, ARTICLES["source_kinds"]),
                published_on=published,
            )
        )
    return sources


def write_article(
    words: Words, source: SourcePlan, plans: Sequence[PledgePlan], mentioned: Sequence[int]
) -> None:
    """The article's text and headline: a sentence for each pledge it reports, among others."""
    rng = words.rng
    lead = plans[mentioned[0]] if mentioned else None
    actor = lead.actors[0] if lead else MAJORS[source.index % len(MAJORS)]
    mentions = {p: pledge_sentence(words, plans[p]) for p in mentioned}
    target = rng.randint(3500, 4600)
    size = sum(len(s) + 1 for s in mentions.values())
    fillers: list[str] = []
    while size < target:
        sentence = words.fill(words.pick("fillers"), actor)
        fillers.append(sentence)
        size += len(sentence) + 1
    sentences = fillers + list(mentions.values())
    rng.shuffle(sentences)
    if lead is not None:  # the lead pledge opens the article
        first = mentions[lead.index]
        sentences.remove(first)
        sentences.insert(0, first)
    paragraphs = []
    at = 0
    while at < len(sentences):
        take = rng.choice((1, 1, 2, 2, 3))
        paragraphs.append(" ".join(sentences[at : at + take]))
        at += take
    paragraphs[0] = words.fill(words.pick("datelines"), actor) + paragraphs[0]
    source.text = "\n\n".join(paragraphs) + words.fill(words.pick("sign_offs"), actor) + "\n"
    short = possessive(lead.phrase, "its") if lead else "cut emissions"
    extra = {"name": capitalised(actor.noun), "short": short}
    source.title = words.fill(words.pick("headlines"), actor, extra)
    source.mentions = mentions


def choose_quote(rng: random.Random, sentence: str, year: int | None) -> str:
    """A verbatim 8-25 word span of the sentence: the whole sentence when it is short enough,
    else most often the part that states the year."""
    words = sentence.split(" ")
    draw = rng.random()
    if draw < 0.35 and len(words) <= 25:
        return sentence
    length = min(len(words), rng.randint(8, 25))
    year_at = next((i for i, w in enumerate(words) if year is not None and str(year) in w), None)
    if year_at is not None and draw < 0.8:
        start = rng.randint(max(0, year_at - length + 1), min(year_at, len(words) - length))
    else:
        start = rng.randint(0, len(words) - length)
    return " ".join(words[start : start + length])


def alter(rng: random.Random, quote: str, year: int | None) -> str:
    """The quote with one word or its year changed, so that it no longer stands in the text."""
    words = quote.split(" ")
    if year is not None and str(year) in quote and rng.random() < 0.5:
        shift = rng.choice((-5, -3, -2, -1, 1, 2, 3, 5, 10))
        return quote.replace(str(year), str(year + shift), 1)
    candidates = [i for i, w in enumerate(words) if w.isalpha() and len(w) >= 3]
    at = rng.choice(candidates) if candidates else rng.randrange(len(words))
    replacement = rng.choice(ARTICLES["swaps"])
    while replacement.casefold() == words[at].casefold():
        replacement = rng.choice(ARTICLES["swaps"])
    if words[at][:1].isupper():
        replacement = replacement.capitalize()
    words[at] = replacement
    return " ".join(words)


def quote_for(rng: random.Random, sentence: str, year: int | None, folded: str) -> str:
    """A quote that stands once in its article (after folding), so that it points at this
    pledge's sentence and not at another one that shares its words."""
    for _ in range(8):
        quote = choose_quote(rng, sentence, year)
        needle = fold(quote)
        if folded.find(needle) == folded.rfind(needle):
            return quote
    return sentence


def altered_quote(rng: random.Random, quote: str, year: int | None, folded: str) -> str:
    """The quote altered until it no longer stands in its (folded) article."""
    for _ in range(20):
        changed = alter(rng, quote, year)
        if fold(changed) not in folded:
            return changed
    raise RuntimeError(f"could not alter the quote {quote!r}")


# --- the register -------------------------------------------------------------------------------


@dataclass
class Register:
    """The records, as the commands take them, in the order they are added."""

    at: datetime  # when every record was created
    actors: list[ActorIn]
    sources: list[SourceIn]
    pledges: list[PledgeIn]
    evidence: list[EvidenceIn]
    located: list[bool]  # for each piece of evidence: False when its quote was altered
    plain_marks: int


def build(count: int, seed: int, actor_count: int, created: date) -> Register:
    rng = random.Random(seed)
    words = Words(rng)
    at = datetime.combine(created, clock(9, 30), UTC)
    actors = make_actors(actor_count, rng)
    n_sources = max(2, round(count / PLEDGES_PER_SOURCE))
    sources = plan_sources(rng, n_sources)
    plans = plan_pledges(rng, count, n_sources, actors)
    by_source: list[list[int]] = [[] for _ in range(n_sources)]
    for plan in plans:
        for s in plan.sources:
            by_source[s].append(plan.index)
        days = [d for s in plan.sources if (d := sources[s].published_on) is not None]
        if days and rng.random() < ANNOUNCED_SHARE:
            plan.announced_on = min(days)
    for source in sources:
        write_article(words, source, plans, by_source[source.index])

    folded = [fold(source.text) for source in sources]
    quoted: list[tuple[PledgePlan, int, str]] = []  # (pledge, source, quote)
    located: list[bool] = []
    plain_marks = 0
    for plan in plans:
        for s in plan.sources:
            quote = quote_for(rng, sources[s].mentions[plan.index], plan.year, folded[s])
            located.append(rng.random() >= ALTERED_SHARE)
            if not located[-1]:
                quote = altered_quote(rng, quote, plan.year, folded[s])
            elif quote != quote.translate(TYPOGRAPHIC_PLAIN) and rng.random() < PLAIN_MARKS_SHARE:
                quote = quote.translate(TYPOGRAPHIC_PLAIN)
                plain_marks += 1
            quoted.append((plan, s, quote))

    day = at.date()
    return Register(
        at,
        [ActorIn(id=a.id, name=a.name, kind=a.kind, aliases=a.aliases) for a in actors],
        [source_record(source, day) for source in sources],
        [pledge_record(plan) for plan in plans],
        [evidence_record(rng, plan, sources[s].id, s, quote) for plan, s, quote in quoted],
        located,
        plain_marks,
    )


def source_record(source: SourcePlan, day: date) -> SourceIn:
    url = f"https://www.{source.domain}/climate/{source.id}" if source.domain else None
    return SourceIn(
        id=source.id, title=source.title, publisher=source.publisher, kind=source.kind, url=url,
        published_on=source.published_on, retrieved_on=day, language="en", text=source.text,
    )  # fmt: skip


def pledge_record(plan: PledgePlan) -> PledgeIn:
    return PledgeIn(
        id=plan.id, title=plan.title, statement=statement_of(plan),
        actors=tuple(a.id for a in plan.actors), kind=plan.commitment.kind,
        target_year=plan.year, target_value=plan.value,
        target_unit=plan.commitment.unit if plan.value is not None else None,
        baseline_year=plan.baseline, gases=plan.commitment.gases, formality=plan.formality,
        status=plan.status, confidence="low", announced_on=plan.announced_on,
    )  # fmt: skip


def evidence_record(
    rng: random.Random, plan: PledgePlan, source_id: str, source: int, quote: str
) -> EvidenceIn:
    draw = rng.random()
    rank = "preferred" if draw < 0.05 else "deprecated" if draw < 0.06 else "normal"
    secondary = source == plan.sources[1]
    return EvidenceIn(
        pledge_id=plan.id, source_id=source_id, quote=quote, stance="supports",
        asserts_status=plan.status if secondary and plan.status != "not_yet_rated" else None,
        rank=rank,
        deprecated_reason="a later report corrects this account" if rank == "deprecated" else None,
    )  # fmt: skip


def check_located(register: Register) -> None:
    """Each quote stands in its source by `cite`'s rule, but the altered ones, which do not."""
    texts = {source.id: source.text for source in register.sources}
    found = check_quotes(list(enumerate(register.evidence)), texts, set(), allow_unlocated=True)
    if found.refused or found.found != register.located:
        raise RuntimeError(
            f"{found.found.count(True)} quotes stand in their sources, not the "
            f"{register.located.count(True)} planned; {len(found.refused)} refused"
        )


def write(register: Register, out: Path) -> None:
    """The records, added by the import's bulk path with their revisions, in one transaction."""
    engine = make_engine(resolve_url(str(out)))
    try:
        with transaction(engine, write=True) as session:
            migrate.upgrade(session.connection())
            batch = Batch(session, Who(AUTHOR, REASON), register.at)
            batch.actors(register.actors)
            batch.sources(register.sources)
            batch.pledges(register.pledges)
            ids = [None] * len(register.evidence)
            at = register.at
            batch.evidence(evidence_records(register.evidence, ids, register.located, at=at,
                                            highest=0))  # fmt: skip
    finally:
        engine.dispose()


def actors_for(pledges: int, actors: int | None = None) -> int:
    """The actors asked for, or by default DEFAULT_ACTORS, or one per 50 pledges when more."""
    return actors or max(DEFAULT_ACTORS, pledges // 50)


def reusable(path: Path, pledges: int, seed: int, actors: int) -> dict[str, Any] | None:
    """The manifest of the register at `path` if it was built by this generator with these
    settings in the last REUSE_DAYS days (its quotes were verified that day: stale ones would
    each be a finding); else None."""
    try:
        manifest = json.loads(manifest_path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    wanted = {"generator_version": GENERATOR_VERSION, "pledges": pledges, "seed": seed,
              "actors": actors}  # fmt: skip
    if not path.is_file() or any(manifest.get(k) != v for k, v in wanted.items()):
        return None
    try:
        age = datetime.now(UTC).date() - date.fromisoformat(str(manifest.get("created")))
    except ValueError:
        return None
    return dict(manifest) if age.days <= REUSE_DAYS else None


def remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal", ".manifest.json"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def manifest_path(path: Path) -> Path:
    return Path(str(path) + ".manifest.json")


def generate(count: int, out: Path, seed: int, actors: int, created: date) -> dict[str, Any]:
    started = time.perf_counter()
    register = build(count, seed, actors, created)
    built = time.perf_counter()
    check_located(register)
    checked = time.perf_counter()
    remove(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    write(register, out)
    written = time.perf_counter()

    evidence, altered = len(register.evidence), register.located.count(False)
    records = len(register.actors) + len(register.sources) + len(register.pledges) + evidence
    manifest: dict[str, Any] = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "created": created.isoformat(),
        "pledges": len(register.pledges),
        "sources": len(register.sources),
        "actors": len(register.actors),
        "evidence": evidence,
        "altered_quotes": altered,
        "altered_quotes_not_deprecated": sum(
            1
            for item, located in zip(register.evidence, register.located, strict=True)
            if not located and item.rank != "deprecated"
        ),
        "located_quotes": evidence - altered,
        "quotes_with_plain_marks": register.plain_marks,
        "revisions": records,
        "source_text_bytes": sum(len(s.text.encode("utf-8")) for s in register.sources),
        "file_bytes": out.stat().st_size,
        "seconds": {
            "build": round(built - started, 2),
            "check": round(checked - built, 2),
            "write": round(written - checked, 2),
            "total": round(written - started, 2),
        },
    }
    manifest_path(out).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1] if __doc__ else None)
    parser.add_argument("--pledges", type=int, default=100_000, help="how many pledges")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent / "results" / "register.db",
        help="the SQLite file to write (replaced)",
    )
    parser.add_argument("--seed", type=int, default=1, help="the random seed")
    parser.add_argument(
        "--actors",
        type=int,
        help=f"how many actors (default: {DEFAULT_ACTORS:,}, or one per 50 pledges if more)",
    )
    parser.add_argument(
        "--created",
        type=date.fromisoformat,
        default=datetime.now(UTC).date(),
        help="the day every record is created and every quote verified (default: today)",
    )
    args = parser.parse_args(argv)
    if args.pledges < PLEDGES_PER_SOURCE:
        parser.error(f"--pledges must be at least {PLEDGES_PER_SOURCE}")
    actors = actors_for(args.pledges, args.actors)
    if actors < 2:
        parser.error("--actors must be at least 2")
    manifest = generate(args.pledges, args.out.resolve(), args.seed, actors, args.created)
    seconds = manifest["seconds"]
    print(
        f"{args.out}: {manifest['pledges']} pledges, {manifest['actors']} actors, "
        f"{manifest['sources']} sources ({manifest['source_text_bytes'] / 1e6:.1f} MB of text), "
        f"{manifest['evidence']} quotes ({manifest['altered_quotes']} altered), "
        f"{manifest['revisions']} revisions; {manifest['file_bytes'] / 1e6:.0f} MB in "
        f"{seconds['total']:.1f} s (build {seconds['build']:.1f}, check "
        f"{seconds['check']:.1f}, write {seconds['write']:.1f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
