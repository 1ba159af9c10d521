# ruff: noqa: RUF001 - the articles are typographic on purpose: quotes, apostrophes and dashes
"""Build a large synthetic register for the audit benchmark (bench/audit.py).

    .venv/bin/python bench/generate_register.py [--pledges 100000] [--out PATH] [--seed 1]

It writes a migrated SQLite register at PATH (replacing what is there) holding:

- eleven actors with aliases, in the style of seeds/actors.yaml;
- N/5 sources, each about 4 KB of news-like English made from varied sentences (numbers, years,
  places and people vary, so no two articles are alike; some typographic quotes, apostrophes and
  dashes), from a dozen publishers (some left empty), with a correct sha256;
- N pledges with vocabulary values (status mostly not_yet_rated, confidence low, a target year
  between 2025 and 2060 for most), each reported by a sentence in two different sources that names
  its actor (an alias) and states its year;
- 2N pieces of evidence: each quote is a verbatim 8-25 word span of the pledge's sentence in its
  source, most often the part that states the target year. About one in ten is altered (a word or
  the year changed) so that it no longer stands in its source; a few quotes write typographic
  marks as plain ones (still located after normalisation, not exactly);
- one `create` revision per record, with the hash chain computed as pledges.history does it, so
  that `pledges log verify` passes.

Everything follows from --seed (the timestamps are fixed), so two runs give the same register.
Rows go in with SQLAlchemy Core executemany inside one transaction. A manifest beside the file
(PATH.manifest.json) records the counts, among them how many quotes are altered: the number of
quotes that a correct audit fails to locate. It is written last, so a half-built register has none.
"""

from __future__ import annotations

import argparse
import json
import random
import string
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, Table, insert

from pledges import migrate
from pledges.db import make_engine, resolve_url, transaction
from pledges.history import body, chain_hash
from pledges.models import (
    ActorRow,
    EvidenceRow,
    PledgeActorRow,
    PledgeRow,
    RevisionRow,
    SourceRow,
)
from pledges.schema import Actor, Evidence, Pledge, Source, text_sha256
from pledges.textmatch import normalise
from pledges.vocab import Action, Entity

GENERATOR_VERSION = 1  # bump when the register it builds changes, so --reuse rebuilds
AT = datetime(2024, 6, 3, 9, 30, tzinfo=UTC)  # every record's creation time: deterministic
AUTHOR = "bench-generator"
REASON = "generate the audit benchmark register"
BATCH = 5_000
ALTERED_SHARE = 0.10
PLAIN_MARKS_SHARE = 0.5  # of unaltered quotes that hold typographic marks: written plainly


# --- actors -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActorSpec:
    id: str
    name: str
    kind: str
    aliases: tuple[str, ...]
    subjects: tuple[str, ...]  # how a sentence names it (each holds an alias)
    speakers: tuple[str, ...]  # who speaks for it, with a title (each holds an alias)
    adjective: str
    cities: tuple[str, ...]


ACTORS: tuple[ActorSpec, ...] = (
    ActorSpec(
        "CN",
        "China",
        "country",
        ("China", "Chinese", "Beijing", "PRC", "Xi Jinping", "Xie Zhenhua", "Li Qiang", "Xinhua"),
        ("China", "Beijing", "the Chinese government", "China’s State Council"),
        ("President Xi Jinping", "climate envoy Xie Zhenhua", "Premier Li Qiang"),
        "Chinese",
        ("Beijing", "Shanghai", "Tianjin", "Guangzhou"),
    ),
    ActorSpec(
        "US",
        "United States",
        "country",
        (
            "United States",
            "U.S.",
            "US",
            "America",
            "American",
            "Washington",
            "John Kerry",
            "Biden",
            "State Department",
        ),
        ("the United States", "Washington", "the Biden administration", "the US"),
        ("climate envoy John Kerry", "President Joe Biden", "a State Department spokesperson"),
        "American",
        ("Washington", "New York", "Houston", "Denver"),
    ),
    ActorSpec(
        "EU",
        "European Union",
        "bloc",
        ("European Union", "EU", "Brussels", "European Commission", "Ursula von der Leyen"),
        ("the European Union", "the EU", "Brussels", "the European Commission"),
        ("Commission President Ursula von der Leyen", "an EU climate negotiator"),
        "European",
        ("Brussels", "Strasbourg", "Luxembourg"),
    ),
    ActorSpec(
        "IN",
        "India",
        "country",
        ("India", "Indian", "New Delhi", "Narendra Modi", "Bhupender Yadav"),
        ("India", "New Delhi", "the Indian government"),
        ("Prime Minister Narendra Modi", "environment minister Bhupender Yadav"),
        "Indian",
        ("New Delhi", "Mumbai", "Bengaluru", "Chennai"),
    ),
    ActorSpec(
        "JP",
        "Japan",
        "country",
        ("Japan", "Japanese", "Tokyo", "Fumio Kishida"),
        ("Japan", "Tokyo", "the Japanese government"),
        ("Prime Minister Fumio Kishida", "a Japanese trade ministry official"),
        "Japanese",
        ("Tokyo", "Osaka", "Yokohama"),
    ),
    ActorSpec(
        "BR",
        "Brazil",
        "country",
        ("Brazil", "Brazilian", "Brasília", "Lula", "Marina Silva"),
        ("Brazil", "Brasília", "the Brazilian government"),
        ("President Luiz Inácio Lula da Silva", "environment minister Marina Silva"),
        "Brazilian",
        ("Brasília", "São Paulo", "Belém", "Rio de Janeiro"),
    ),
    ActorSpec(
        "GB",
        "United Kingdom",
        "country",
        ("United Kingdom", "UK", "Britain", "British", "London", "Whitehall"),
        ("Britain", "the UK", "the British government", "London"),
        ("Britain’s energy secretary", "a British government spokesperson"),
        "British",
        ("London", "Glasgow", "Manchester"),
    ),
    ActorSpec(
        "ZA",
        "South Africa",
        "country",
        ("South Africa", "South African", "Pretoria", "Cyril Ramaphosa"),
        ("South Africa", "Pretoria", "the South African government"),
        ("President Cyril Ramaphosa", "a South African energy official"),
        "South African",
        ("Pretoria", "Johannesburg", "Cape Town", "Durban"),
    ),
    ActorSpec(
        "ID",
        "Indonesia",
        "country",
        ("Indonesia", "Indonesian", "Jakarta", "Joko Widodo"),
        ("Indonesia", "Jakarta", "the Indonesian government"),
        ("President Joko Widodo", "an Indonesian energy ministry official"),
        "Indonesian",
        ("Jakarta", "Surabaya", "Bali"),
    ),
    ActorSpec(
        "MX",
        "Mexico",
        "country",
        ("Mexico", "Mexican", "Mexico City"),
        ("Mexico", "the Mexican government"),
        ("Mexico’s foreign minister", "a Mexican energy official"),
        "Mexican",
        ("Mexico City", "Monterrey", "Guadalajara"),
    ),
    ActorSpec(
        "KR",
        "South Korea",
        "country",
        ("South Korea", "Korea", "Korean", "Seoul"),
        ("South Korea", "Seoul", "the South Korean government"),
        ("South Korea’s environment minister", "a Korean trade official"),
        "South Korean",
        ("Seoul", "Busan", "Incheon"),
    ),
)
ACTOR_WEIGHTS = (18, 14, 12, 10, 6, 7, 7, 6, 6, 5, 5)


# --- publishers ----------------------------------------------------------------------------------

PUBLISHERS: tuple[tuple[str | None, str | None], ...] = (
    ("Reuters", "reuters.com"),
    ("Associated Press", "apnews.com"),
    ("Agence France-Presse", "afp.com"),
    ("BBC News", "bbc.co.uk"),
    ("The Guardian", "theguardian.com"),
    ("Financial Times", "ft.com"),
    ("DW", "dw.com"),
    ("Al Jazeera", "aljazeera.com"),
    ("South China Morning Post", "scmp.com"),
    ("The Hindu", "thehindu.com"),
    ("Climate Home News", "climatechangenews.com"),
    ("Carbon Brief", "carbonbrief.org"),
    (None, None),
    (None, None),
)
PUBLISHER_WEIGHTS = (14, 10, 8, 8, 8, 6, 6, 6, 5, 5, 4, 4, 8, 8)
SOURCE_KINDS = (("news", 70), ("official", 12), ("analysis", 13), ("other", 5))


# --- what pledges commit to ---------------------------------------------------------------------


@dataclass(frozen=True)
class Commitment:
    kind: str
    years: tuple[int, int] | None  # target years drawn from this range; None: no target year
    phrases: tuple[str, ...]  # the verb phrase, with {year}, {pct}, {gw}, {bn}, {base}, {mha}
    title: str  # with {name} and {year}
    gases: tuple[str, ...] = ()


COMMITMENTS: tuple[Commitment, ...] = (
    Commitment(
        "emissions_peak",
        (2025, 2035),
        (
            "peak its carbon dioxide emissions by {year}",
            "reach a peak in greenhouse gas emissions before {year}",
            "ensure that its emissions stop rising no later than {year}",
        ),
        "{name} peaks CO2 emissions by {year}",
        ("CO2",),
    ),
    Commitment(
        "carbon_neutrality",
        (2045, 2060),
        (
            "become carbon neutral by {year}",
            "achieve carbon neutrality before {year}",
            "balance its remaining emissions with removals by {year}",
        ),
        "{name} carbon neutral by {year}",
    ),
    Commitment(
        "net_zero",
        (2040, 2060),
        (
            "reach net-zero emissions by {year}",
            "bring its greenhouse gas emissions to net zero by {year}",
        ),
        "{name} reaches net zero by {year}",
    ),
    Commitment(
        "emissions_reduction",
        (2025, 2040),
        (
            "cut its emissions by {pct} per cent from {base} levels by {year}",
            "reduce greenhouse gas emissions {pct}% below {base} levels by {year}",
        ),
        "{name} cuts emissions {pct}% below {base} by {year}",
    ),
    Commitment(
        "renewable_energy",
        (2025, 2040),
        (
            "install {gw} gigawatts of wind and solar capacity by {year}",
            "generate {pct} per cent of its electricity from renewable sources by {year}",
            "triple its renewable power capacity by {year}",
        ),
        "{name} expands renewable power by {year}",
    ),
    Commitment(
        "coal",
        (2025, 2045),
        (
            "phase out unabated coal power by {year}",
            "stop approving new coal-fired power plants from {year}",
            "cut the share of coal in its power mix to {pct} per cent by {year}",
        ),
        "{name} phases down coal power by {year}",
    ),
    Commitment(
        "methane_non_co2",
        (2025, 2035),
        (
            "cut methane emissions by {pct} per cent by {year}",
            "curb methane and other non-CO2 gases from its energy sector by {year}",
        ),
        "{name} cuts methane emissions by {year}",
        ("CH4",),
    ),
    Commitment(
        "finance",
        (2025, 2035),
        (
            "provide ${bn} billion a year in climate finance by {year}",
            "mobilise ${bn} billion for adaptation in poorer countries by {year}",
        ),
        "{name} provides climate finance by {year}",
    ),
    Commitment(
        "forests",
        (2025, 2040),
        (
            "end illegal deforestation by {year}",
            "restore {mha} million hectares of degraded forest by {year}",
        ),
        "{name} protects forests by {year}",
    ),
    Commitment(
        "diplomatic_process",
        (2025, 2030),
        (
            "submit new national climate targets in {year}",
            "present an updated nationally determined contribution in {year}",
        ),
        "{name} submits new national targets in {year}",
    ),
    Commitment(
        "diplomatic_process",
        None,
        (
            "push for the success of the next UN climate summit",
            "work towards ambitious, agreed outcomes at the coming climate conference",
        ),
        "{name} pushes for a successful climate summit",
    ),
    Commitment(
        "cooperation",
        None,
        (
            "resume the working group on climate action and meet again before the end of the year",
            "share data on methane leaks and cooperate on carbon capture projects",
        ),
        "{name} continues climate cooperation",
    ),
)
COMMITMENT_WEIGHTS = (12, 11, 10, 12, 12, 9, 8, 6, 6, 5, 5, 4)

FORMALITIES = (("declared", 60), ("proposed", 15), ("in_policy", 17), ("in_law", 8))
STATUSES = (
    ("not_yet_rated", 900),
    ("in_progress", 50),
    ("partially_kept", 15),
    ("stalled", 12),
    ("kept", 10),
    ("broken", 8),
    ("unverifiable", 5),
)


# --- the words articles are made of --------------------------------------------------------------

FIRST = (
    "Anna", "David", "Mei", "Rahul", "Sofia", "Tomás", "Aiko", "Kwame", "Lena", "Omar", "Priya",
    "Jonas", "Chen", "Fatima", "Lucas", "Ingrid", "Wei", "Amara", "Pablo", "Hannah", "Ravi",
    "Elena", "Samuel", "Yuki", "Nadia", "Marco", "Zanele", "Oliver", "Leila", "Kenji",
)  # fmt: skip
LAST = (
    "Müller", "Okafor", "Zhang", "Sharma", "García", "Tanaka", "Mensah", "Novak", "Haddad",
    "Iyer", "Lindqvist", "Wang", "Santos", "Kowalski", "Nakamura", "Dlamini", "Rossi", "Chowdhury",
    "Petrov", "O’Brien", "Fischer", "Liu", "Mendes", "Kim", "Adeyemi", "Johansson", "Park",
)  # fmt: skip
ROLES = (
    "a senior fellow", "an energy analyst", "head of climate policy", "a research director",
    "an economist", "lead analyst", "a professor of environmental policy", "programme director",
)  # fmt: skip
INSTITUTES = (
    "the International Energy Agency", "Ember", "the Centre for Research on Energy and Clean Air",
    "the World Resources Institute", "Climate Analytics", "the Asia Society Policy Institute",
    "E3G", "the Energy Policy Institute", "BloombergNEF", "the Rocky Mountain Institute",
    "the Grantham Research Institute", "Global Energy Monitor",
    "the Stockholm Environment Institute",
)  # fmt: skip
SECTORS = (
    "power", "steel", "cement", "transport", "aviation", "shipping", "agriculture", "buildings",
    "chemicals", "aluminium", "oil refining", "coal mining",
)  # fmt: skip
DRIVERS = (
    "a rebound in industrial output", "a hot summer that lifted air-conditioning demand",
    "weak hydropower during a drought", "strong growth in car sales", "cheaper imported gas",
    "a slowdown in construction", "record solar installations", "higher fertiliser use",
)  # fmt: skip
ADJECTIVES = (
    "ambitious", "modest", "credible", "vague", "significant", "overdue", "pragmatic", "fragile",
    "cautious", "unprecedented", "realistic", "disappointing", "encouraging", "welcome",
)  # fmt: skip
NOUNS = (
    "roadmap", "timetable", "framework", "agreement", "target", "strategy", "package", "plan",
    "pathway", "proposal", "compromise", "statement",
)  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
ORDINALS = ("second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")
EVENTS = (
    "the G20 summit", "the UN General Assembly", "the Petersberg Climate Dialogue",
    "the Bonn climate talks", "a ministerial meeting on clean energy", "the COP28 summit in Dubai",
    "the COP29 summit in Baku", "the COP30 summit in Belém", "a regional energy forum",
)  # fmt: skip
FUELS = ("coal", "oil", "natural gas", "solar", "wind", "nuclear", "hydropower")
GROUPS = (
    "environmental groups", "industry associations", "opposition lawmakers", "trade unions",
    "island nations", "investors", "climate scientists", "local officials",
)  # fmt: skip
SWAPS = (
    "would", "might", "should", "could", "never", "quickly", "gradually", "partly", "fully",
    "entirely", "strongly", "new", "old", "former", "regional", "national", "private", "public",
    "global", "annual", "monthly", "early", "late", "major", "minor", "several", "dozens",
)  # fmt: skip

FILLERS: tuple[str, ...] = (
    "{institute_cap} estimates that emissions from the {sector} sector rose {pct} per cent in "
    "{past}, driven by {driver}.",
    "{person}, {role} at {institute}, said the {adj} {noun} would be tested by {event}.",
    "The talks in {city} were the {ordinal} round since {past}, and officials described them "
    "as “{adj}” but said more work was needed.",
    "{fuel_cap} still supplies about {pct} per cent of {adjective} electricity, down from "
    "{pct2} per cent a decade ago.",
    "Critics say the {noun} leaves too much room for interpretation – especially on {sector} – "
    "and {groups} have called for clearer milestones.",
    "“We cannot afford another lost decade,” {person} of {institute} told reporters in {city} "
    "on {weekday}.",
    "Investment in {fuel} reached ${bn} billion last year, according to figures published in "
    "{month}.",
    "The government’s own projections, released in {month} {past}, show demand for {fuel} "
    "peaking in the {decade}s.",
    "{groups_cap} welcomed the announcement but warned that the {noun} lacked detail on how it "
    "would be paid for.",
    "Average temperatures in {city} were {deg} degrees above normal in {month}, the national "
    "weather service said.",
    "Negotiators from {count} countries are expected at {event}, where finance for poorer nations "
    "is likely to dominate.",
    "Since {past}, {subject} has added about {gw} gigawatts of {fuel} capacity, roughly {share} "
    "of the world total.",
    "{person} said the {adj} pace of change in the {sector} industry had surprised even its "
    "own executives.",
    "Officials did not say how the {noun} would be enforced, and a spokesperson declined to "
    "comment on {weekday}.",
    "The {sector} industry employs about {thousand},000 people, many of them in regions that "
    "depend on {fuel}.",
    "A survey by {institute} found that {pct} per cent of respondents supported stricter rules "
    "on {sector} emissions.",
    "Prices for {fuel} fell {pct} per cent in the first half of {past}, easing pressure on "
    "household bills.",
    "{subject} and its partners held {count} rounds of technical talks in {past} and {past2}, "
    "{person} said.",
    "The {noun} builds on an earlier agreement signed in {city} in {past}, which expired last "
    "{month}.",
    "It was not immediately clear whether the {noun} would require new legislation – a point "
    "{groups} raised on {weekday}.",
    "The country’s climate law, amended in {past}, already caps emissions from the {sector} "
    "sector.",
    "Analysts at {institute} said the figures suggested a {adj} shift rather than a turning point.",
    "Floods and heatwaves cost the economy an estimated ${bn} billion in {past}, the finance "
    "ministry said.",
    "The meeting ended with a {adj} {noun} and a promise to report back before {event}.",
)

PLEDGE_SENTENCES: tuple[str, ...] = (
    "{subject_cap} has pledged to {phrase}, {speaker} said on {weekday}.",
    "“We will {phrase},” {speaker} told a news conference in {city}.",
    "Under the {noun} announced in {month}, {subject} aims to {phrase} – a goal that {groups} "
    "call {adj}.",
    "{speaker_cap} reaffirmed that {subject} would {phrase}, though details remain scarce.",
    "In a statement released on {weekday}, {subject} said it would {phrase} and publish yearly "
    "progress reports.",
    "{subject_cap} intends to {phrase}, according to a draft plan seen by reporters in {city}.",
    "Speaking at {event}, {speaker} said {subject} was determined to {phrase}.",
)
JOINT_SENTENCES: tuple[str, ...] = (
    "{subject_cap} and {other} agreed to {phrase}, according to a joint statement released on "
    "{weekday}.",
    "In a joint declaration signed in {city}, {subject} and {other} said they would {phrase}.",
    "{speaker_cap} said {subject} and {other} had agreed to {phrase} after talks in {city}.",
)
HEADLINES: tuple[str, ...] = (
    "{name} pledges to {short}",
    "{name} restates climate goals as talks resume in {city}",
    "Climate talks in {city} end with {adj} {noun}",
    "Analysis: can {name} keep its climate promises?",
    "{name} sets out {adj} {noun} on {sector} emissions",
    "Officials in {city} defend the pace of the energy transition",
)
DATELINES = ("{CITY}, {month} {day} – ", "{CITY} – ", "")
SIGN_OFFS = ("", "", "", "\n\n(Reporting by {person}; editing by {person2})", "\n\npm/dw")


# --- generation ---------------------------------------------------------------------------------

_FORMATTER = string.Formatter()
_FIELDS: dict[str, tuple[str, ...]] = {}


class Words:
    """Fills the {slots} of the templates from one random stream."""

    def __init__(
        self, rng: random.Random, actor: ActorSpec, extra: dict[str, str] | None = None
    ) -> None:
        self.rng = rng
        self.actor = actor
        self.extra = dict(extra or {})
        self.slots: dict[str, Callable[[], str]] = {
            "institute": lambda: rng.choice(INSTITUTES),
            "sector": lambda: rng.choice(SECTORS),
            "driver": lambda: rng.choice(DRIVERS),
            "adj": lambda: rng.choice(ADJECTIVES),
            "noun": lambda: rng.choice(NOUNS),
            "event": lambda: rng.choice(EVENTS),
            "city": lambda: rng.choice(actor.cities),
            "ordinal": lambda: rng.choice(ORDINALS),
            "fuel": lambda: rng.choice(FUELS),
            "groups": lambda: rng.choice(GROUPS),
            "weekday": lambda: rng.choice(WEEKDAYS),
            "month": lambda: rng.choice(MONTHS),
            "person": lambda: f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "person2": lambda: f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "role": lambda: rng.choice(ROLES),
            "adjective": lambda: actor.adjective,
            "subject": lambda: rng.choice(actor.subjects),
            "speaker": lambda: rng.choice(actor.speakers),
            "pct": lambda: str(rng.randint(3, 85)),
            "pct2": lambda: str(rng.randint(20, 95)),
            "past": lambda: str(rng.randint(2005, 2023)),
            "past2": lambda: str(rng.randint(2005, 2023)),
            "decade": lambda: str(rng.choice((2020, 2030, 2040))),
            "bn": lambda: str(rng.randint(2, 480)),
            "gw": lambda: str(rng.randint(5, 1200)),
            "deg": lambda: f"{rng.randint(1, 6)}.{rng.randint(0, 9)}",
            "count": lambda: str(rng.randint(3, 198)),
            "share": lambda: rng.choice(("a tenth", "a fifth", "a quarter", "a third", "half")),
            "thousand": lambda: str(rng.randint(12, 950)),
            "day": lambda: str(rng.randint(1, 28)),
        }

    def slot(self, name: str) -> str:
        if name in self.extra:
            return self.extra[name]
        if name.endswith("_cap"):
            value = self.slot(name.removesuffix("_cap"))
            return value[:1].upper() + value[1:]
        if name == "CITY":
            return self.slot("city").upper()
        return self.slots[name]()

    def fill(self, template: str) -> str:
        names = _FIELDS.get(template)
        if names is None:
            names = tuple(sorted({f for _, f, _, _ in _FORMATTER.parse(template) if f}))
            _FIELDS[template] = names
        return template.format_map({name: self.slot(name) for name in names})


def weighted(rng: random.Random, pairs: Sequence[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


@dataclass
class PledgePlan:
    index: int
    id: str
    actors: tuple[ActorSpec, ...]
    commitment: Commitment
    phrase: str  # the verb phrase with its numbers filled in
    year: int | None
    title: str
    formality: str
    status: str
    gases: tuple[str, ...]
    sources: tuple[int, int]  # where it is reported: primary, secondary


@dataclass
class Mention:
    pledge: int
    sentence: str


@dataclass
class QuotePlan:
    evidence_id: int
    pledge: int
    source: int
    quote: str
    altered: bool


def plan_pledges(rng: random.Random, count: int, sources: int) -> list[PledgePlan]:
    plans = []
    rounds = -(-count // sources)
    perms = []
    for _ in range(rounds):
        perm = list(range(sources))
        rng.shuffle(perm)
        perms.append(perm)
    for index in range(count):
        actor = rng.choices(ACTORS, weights=ACTOR_WEIGHTS)[0]
        actors: tuple[ActorSpec, ...] = (actor,)
        if rng.random() < 0.08:
            other = rng.choices(ACTORS, weights=ACTOR_WEIGHTS)[0]
            if other is not actor:
                actors = (actor, other)
        commitment = rng.choices(COMMITMENTS, weights=COMMITMENT_WEIGHTS)[0]
        year = None if commitment.years is None else rng.randint(*commitment.years)
        numbers = {
            "year": str(year),
            "pct": str(rng.randint(10, 70)),
            "base": str(rng.choice((1990, 2005, 2010, 2015, 2020))),
            "gw": str(rng.randint(20, 1200)),
            "bn": str(rng.randint(1, 120)),
            "mha": str(rng.randint(1, 40)),
        }
        phrase = rng.choice(commitment.phrases).format_map(numbers)
        name = " and ".join(a.name for a in actors)
        title = commitment.title.format_map({**numbers, "name": name})
        slug = "-".join(a.id.lower() for a in actors)
        pledge_id = f"{slug}-{commitment.kind.replace('_', '-')}-{year or 'open'}-{index + 1:06d}"
        primary = index % sources
        secondary = perms[index // sources][primary]
        if secondary == primary and sources > 1:
            secondary = (primary + 1) % sources
        plans.append(
            PledgePlan(
                index=index,
                id=pledge_id,
                actors=actors,
                commitment=commitment,
                phrase=phrase,
                year=year,
                title=title,
                formality=weighted(rng, FORMALITIES),
                status=weighted(rng, STATUSES),
                gases=commitment.gases,
                sources=(primary, secondary),
            )
        )
    return plans


def pledge_sentence(rng: random.Random, plan: PledgePlan) -> str:
    words = Words(rng, plan.actors[0], {"phrase": plan.phrase})
    if len(plan.actors) > 1:
        words.extra["other"] = rng.choice(plan.actors[1].subjects)
        return words.fill(rng.choice(JOINT_SENTENCES))
    return words.fill(rng.choice(PLEDGE_SENTENCES))


@dataclass
class SourcePlan:
    index: int
    id: str
    title: str
    publisher: str | None
    domain: str | None
    kind: str
    published_on: date | None
    text: str
    mentions: dict[int, str]  # pledge index -> the sentence reporting it


def write_article(
    rng: random.Random, index: int, plans: Sequence[PledgePlan], mentioned: Sequence[int]
) -> SourcePlan:
    lead = plans[mentioned[0]] if mentioned else None
    actor = lead.actors[0] if lead else rng.choice(ACTORS)
    words = Words(rng, actor)
    mentions = {p: pledge_sentence(rng, plans[p]) for p in mentioned}
    target = rng.randint(3500, 4600)
    pledge_part = sum(len(s) + 1 for s in mentions.values())
    fillers: list[str] = []
    size = pledge_part
    while size < target:
        sentence = words.fill(rng.choice(FILLERS))
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
    paragraphs[0] = words.fill(rng.choice(DATELINES)) + paragraphs[0]
    text = "\n\n".join(paragraphs) + words.fill(rng.choice(SIGN_OFFS)) + "\n"
    publisher, domain = rng.choices(PUBLISHERS, weights=PUBLISHER_WEIGHTS)[0]
    published = None if rng.random() < 0.05 else date(2015, 1, 1) + timedelta(rng.randrange(3650))
    name = " and ".join(a.name for a in lead.actors) if lead else actor.name
    short = (lead.phrase if lead else "cut emissions").replace("its ", "")
    headline = Words(rng, actor, {"name": name, "short": short}).fill(rng.choice(HEADLINES))
    slug = (publisher or "unattributed").lower().replace(" ", "-").replace("é", "e")
    slug = "".join(c for c in slug if c.isalnum() or c == "-")
    day = published.isoformat() if published else "undated"
    return SourcePlan(
        index=index,
        id=f"{slug}-{day}-{index + 1:05d}",
        title=headline,
        publisher=publisher,
        domain=domain,
        kind=weighted(rng, SOURCE_KINDS),
        published_on=published,
        text=text,
        mentions=mentions,
    )


def fold_table(alphabet: Iterable[str]) -> dict[int, str]:
    """What pledges' normalise does to each non-space character that occurs, as a str.translate
    table: with it, `" ".join(s.translate(table).casefold().split())` is normalise(s).text."""
    table = {}
    for char in alphabet:
        if char.isspace():
            continue
        folded = normalise(char).text
        if folded != char.casefold():
            table[ord(char)] = folded
    return table


def fold(text: str, table: dict[int, str]) -> str:
    return " ".join(text.translate(table).casefold().split())


TYPOGRAPHIC_PLAIN = str.maketrans({"“": '"', "”": '"', "’": "'", "‘": "'", "–": "-"})


def choose_quote(rng: random.Random, sentence: str, year: int | None) -> tuple[str, int, int]:
    """A verbatim 8-25 word span of the sentence, most often the part that states the year;
    returns the span and the word range it covers."""
    words = sentence.split(" ")
    length = min(len(words), rng.randint(8, 25))
    year_at = next((i for i, w in enumerate(words) if year is not None and str(year) in w), None)
    if year_at is not None and rng.random() < 0.7:
        low = max(0, year_at - length + 1)
        high = min(year_at, len(words) - length)
        start = rng.randint(low, high)
    else:
        start = rng.randint(0, len(words) - length)
    return " ".join(words[start : start + length]), start, start + length


def alter(rng: random.Random, quote: str, year: int | None) -> str:
    """The quote with one word or its year changed, so that it no longer stands in the text."""
    words = quote.split(" ")
    if year is not None and str(year) in quote and rng.random() < 0.5:
        shift = rng.choice((-5, -3, -2, -1, 1, 2, 3, 5, 10))
        return quote.replace(str(year), str(year + shift), 1)
    candidates = [i for i, w in enumerate(words) if w.isalpha() and len(w) >= 3]
    at = rng.choice(candidates) if candidates else rng.randrange(len(words))
    replacement = rng.choice(SWAPS)
    while replacement.casefold() == words[at].casefold():
        replacement = rng.choice(SWAPS)
    if words[at][:1].isupper():
        replacement = replacement.capitalize()
    words[at] = replacement
    return " ".join(words)


# --- records and revisions -----------------------------------------------------------------------


def iso_z(moment: datetime) -> str:
    """A UTC datetime as pydantic's JSON mode writes it."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclass
class Register:
    actors: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    pledges: list[dict[str, Any]]
    pledge_actors: list[dict[str, Any]]
    evidence: list[dict[str, Any]]
    logged: list[tuple[Entity, str, dict[str, Any]]]  # (entity, id, the record as JSON values)
    altered: int
    plain_marks: int


def build(count: int, seed: int) -> Register:
    rng = random.Random(seed)
    n_sources = max(2, round(count / 5))
    plans = plan_pledges(rng, count, n_sources)
    by_source: list[list[int]] = [[] for _ in range(n_sources)]
    for plan in plans:
        for s in plan.sources:
            by_source[s].append(plan.index)
    sources = [write_article(rng, i, plans, by_source[i]) for i in range(n_sources)]

    alphabet: set[str] = set()
    for source in sources:
        alphabet.update(source.text)
    table = fold_table(alphabet)
    folded: dict[int, str] = {}

    def folded_text(index: int) -> str:
        if index not in folded:
            folded[index] = fold(sources[index].text, table)
        return folded[index]

    quotes: list[QuotePlan] = []
    altered = plain_marks = 0
    for plan in plans:
        for s in plan.sources:
            source = sources[s]
            quote, _, _ = choose_quote(rng, source.mentions[plan.index], plan.year)
            is_altered = rng.random() < ALTERED_SHARE
            if is_altered:
                for _ in range(20):
                    changed = alter(rng, quote, plan.year)
                    if fold(changed, table) not in folded_text(s):
                        break
                else:
                    raise RuntimeError(f"could not alter a quote of source {source.id}")
                quote = changed
                altered += 1
            elif quote != quote.translate(TYPOGRAPHIC_PLAIN) and rng.random() < PLAIN_MARKS_SHARE:
                quote = quote.translate(TYPOGRAPHIC_PLAIN)
                plain_marks += 1
            quotes.append(QuotePlan(len(quotes) + 1, plan.index, s, quote, is_altered))

    created = iso_z(AT)
    actor_rows: list[dict[str, Any]] = [
        {"id": a.id, "name": a.name, "kind": a.kind, "aliases": list(a.aliases)} for a in ACTORS
    ]
    logged: list[tuple[Entity, str, dict[str, Any]]] = [
        (Entity.ACTOR, row["id"], dict(row)) for row in actor_rows
    ]
    source_rows = []
    for source in sources:
        row: dict[str, Any] = {
            "id": source.id,
            "title": source.title,
            "publisher": source.publisher,
            "kind": source.kind,
            "url": f"https://www.{source.domain}/climate/{source.id}" if source.domain else None,
            "published_on": source.published_on,
            "date_inferred": False,
            "date_note": None,
            "retrieved_on": AT.date(),
            "language": "en",
            "notes": None,
            "text": source.text,
            "sha256": text_sha256(source.text),
        }
        source_rows.append(row)
        record = {k: v for k, v in row.items() if k != "text"}
        record["published_on"] = source.published_on.isoformat() if source.published_on else None
        record["retrieved_on"] = AT.date().isoformat()
        logged.append((Entity.SOURCE, source.id, record))
    pledge_rows = []
    link_rows = []
    for plan in plans:
        row = {
            "id": plan.id,
            "title": plan.title,
            "statement": f"{' and '.join(a.name for a in plan.actors)} will {plan.phrase}.",
            "kind": plan.commitment.kind,
            "target_year": plan.year,
            "target_value": None,
            "target_unit": None,
            "baseline_year": None,
            "gases": list(plan.gases),
            "formality": plan.formality,
            "status": plan.status,
            "confidence": "low",
            "announced_on": None,
            "parent_id": None,
            "superseded_by": None,
            "notes": None,
            "version": 1,
            "created_at": AT,
            "updated_at": AT,
        }
        pledge_rows.append(row)
        for position, actor in enumerate(plan.actors):
            link_rows.append({"pledge_id": plan.id, "actor_id": actor.id, "position": position})
        record = {**row, "actors": [a.id for a in plan.actors]}
        record["created_at"] = record["updated_at"] = created
        logged.append((Entity.PLEDGE, plan.id, record))
    evidence_rows = []
    for item in quotes:
        plan = plans[item.pledge]
        draw = rng.random()
        rank = "preferred" if draw < 0.05 else "deprecated" if draw < 0.06 else "normal"
        secondary = item.source == plan.sources[1]
        row = {
            "id": item.evidence_id,
            "pledge_id": plan.id,
            "source_id": sources[item.source].id,
            "quote": item.quote,
            "stance": "supports",
            "asserts_status": plan.status if secondary and plan.status != "not_yet_rated" else None,
            "rank": rank,
            "deprecated_reason": "a later report corrects this account"
            if rank == "deprecated"
            else None,
            "note": None,
            "created_at": AT,
            "verified_on": None if item.altered else AT.date(),  # as `cite` records it
        }
        evidence_rows.append(row)
        record = dict(row)
        record["created_at"] = created
        record["verified_on"] = None if item.altered else AT.date().isoformat()
        logged.append((Entity.EVIDENCE, str(item.evidence_id), record))
    return Register(
        actor_rows,
        source_rows,
        pledge_rows,
        link_rows,
        evidence_rows,
        logged,
        altered,
        plain_marks,
    )


def check_records(register: Register) -> None:
    """The hand-built JSON records are what pydantic's model_dump(mode="json") gives (what
    `pledges log verify` compares the log with); checked on a sample, and the records validate."""
    models: dict[Entity, type[BaseModel]] = {
        Entity.ACTOR: Actor,
        Entity.SOURCE: Source,
        Entity.PLEDGE: Pledge,
        Entity.EVIDENCE: Evidence,
    }
    texts = {row["id"]: row["text"] for row in register.sources}
    for position, (entity, entity_id, record) in enumerate(register.logged):
        if position >= 200 and position % 997:
            continue
        data = dict(record)
        if entity is Entity.SOURCE:
            data["text"] = texts[entity_id]
        model = models[entity].model_validate(data)
        dumped = model.model_dump(mode="json", exclude={"text"})
        if dumped != record:
            raise RuntimeError(f"{entity} {entity_id}: {dumped} != {record}")
    for row in register.sources[:20]:  # the fast fold is the project's normalisation
        text = row["text"]
        table = fold_table(set(text))
        if fold(text, table) != normalise(text).text:
            raise RuntimeError(f"source {row['id']}: folding differs from textmatch.normalise")


def revision_rows(logged: Sequence[tuple[Entity, str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """One create revision per record, chained as pledges.history.append chains them."""
    rows = []
    prev_hash: str | None = None
    template = RevisionRow(at=AT, author=AUTHOR, action=Action.CREATE, reason=REASON)
    for seq, (entity, entity_id, record) in enumerate(logged, start=1):
        changes = {k: {"before": None, "after": v} for k, v in record.items() if v is not None}
        template.seq = seq
        template.entity = entity
        template.entity_id = entity_id
        template.changes = changes
        template.prev_hash = prev_hash
        digest = chain_hash(prev_hash, body(template))
        rows.append(
            {
                "seq": seq,
                "at": AT,
                "author": AUTHOR,
                "action": Action.CREATE.value,
                "entity": entity.value,
                "entity_id": entity_id,
                "reason": REASON,
                "changes": changes,
                "prev_hash": prev_hash,
                "hash": digest,
            }
        )
        prev_hash = digest
    return rows


def insert_all(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        connection.execute(insert(table), list(rows[start : start + BATCH]))


def remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal", ".manifest.json"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def manifest_path(path: Path) -> Path:
    return Path(str(path) + ".manifest.json")


def generate(count: int, out: Path, seed: int) -> dict[str, Any]:
    started = time.perf_counter()
    register = build(count, seed)
    built = time.perf_counter()
    check_records(register)
    revisions = revision_rows(register.logged)
    hashed = time.perf_counter()

    remove(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(resolve_url(str(out)))
    try:
        with transaction(engine, write=True) as session:
            connection = session.connection()
            migrate.upgrade(connection)
            tables: list[tuple[Table, list[dict[str, Any]]]] = [
                (ActorRow.__table__, register.actors),  # type: ignore[list-item]
                (SourceRow.__table__, register.sources),  # type: ignore[list-item]
                (PledgeRow.__table__, register.pledges),  # type: ignore[list-item]
                (PledgeActorRow.__table__, register.pledge_actors),  # type: ignore[list-item]
                (EvidenceRow.__table__, register.evidence),  # type: ignore[list-item]
                (RevisionRow.__table__, revisions),  # type: ignore[list-item]
            ]
            for table, rows in tables:
                insert_all(connection, table, rows)
    finally:
        engine.dispose()
    written = time.perf_counter()

    evidence = len(register.evidence)
    manifest: dict[str, Any] = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "pledges": len(register.pledges),
        "sources": len(register.sources),
        "actors": len(register.actors),
        "evidence": evidence,
        "altered_quotes": register.altered,
        "located_quotes": evidence - register.altered,
        "quotes_with_plain_marks": register.plain_marks,
        "revisions": len(revisions),
        "source_text_bytes": sum(len(r["text"].encode("utf-8")) for r in register.sources),
        "file_bytes": out.stat().st_size,
        "seconds": {
            "build": round(built - started, 2),
            "check_and_hash": round(hashed - built, 2),
            "write": round(written - hashed, 2),
            "total": round(written - started, 2),
        },
    }
    manifest_path(out).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pledges", type=int, default=100_000, help="how many pledges")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent / "results" / "register.db",
        help="the SQLite file to write (replaced)",
    )
    parser.add_argument("--seed", type=int, default=1, help="the random seed")
    args = parser.parse_args(argv)
    if args.pledges < 5:
        parser.error("--pledges must be at least 5")
    manifest = generate(args.pledges, args.out.resolve(), args.seed)
    seconds = manifest["seconds"]
    print(
        f"{args.out}: {manifest['pledges']} pledges, {manifest['sources']} sources "
        f"({manifest['source_text_bytes'] / 1e6:.1f} MB of text), {manifest['evidence']} quotes "
        f"({manifest['altered_quotes']} altered), {manifest['revisions']} revisions; "
        f"{manifest['file_bytes'] / 1e6:.0f} MB in {seconds['total']:.1f} s "
        f"(build {seconds['build']:.1f}, check and hash {seconds['check_and_hash']:.1f}, "
        f"write {seconds['write']:.1f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
