# ruff: noqa: RUF001 - the articles are typographic on purpose: quotes, apostrophes and dashes
"""Build a large synthetic register for the audit benchmark (bench/audit.py).

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
  dashes), from a dozen publishers (some left empty), with a correct sha256;
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
  except altered quotes (recorded as with --allow-unlocated);
- one `create` revision per record, with the hash chain computed as pledges.history does it, so
  that `pledges log verify` passes.

Everything follows from --seed and --created (the day every record is created, at 09:30 UTC;
by default today, so that evidence is freshly verified when the register is audited), so two
runs with both the same give the same register. Rows go in with SQLAlchemy Core executemany in
one transaction. A manifest beside the file (PATH.manifest.json) records the settings and counts,
among them how many quotes are altered: the number a correct audit fails to locate. It is
written last, so a half-built register has none.
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
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
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

GENERATOR_VERSION = 2  # bump when the register it builds changes, so --reuse rebuilds
AUTHOR = "bench-generator"
REASON = "generate the audit benchmark register"
BATCH = 5_000
DEFAULT_ACTORS = 2_000
PLEDGES_PER_SOURCE = 5
ALTERED_SHARE = 0.10
PLAIN_MARKS_SHARE = 0.5  # of unaltered quotes that hold typographic marks: written plainly
JOINT_SHARE = 0.04  # pledges of two countries together
DUPLICATE_SHARE = 0.005  # pledges entered twice (same actors, kind and target year)
ANNOUNCED_SHARE = 0.4  # pledges whose announcement day is recorded


# --- actors -------------------------------------------------------------------------------------


@dataclass(frozen=True)
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


MAJORS: tuple[ActorSpec, ...] = (
    ActorSpec(
        "CN",
        "China",
        "China",
        "country",
        ("China", "Chinese", "Beijing", "PRC", "Xi Jinping", "Xie Zhenhua", "Li Qiang", "Xinhua"),
        ("China", "Beijing", "the Chinese government", "China’s State Council"),
        ("President Xi Jinping", "climate envoy Xie Zhenhua", "Premier Li Qiang"),
        "Chinese",
        ("Beijing", "Tianjin", "Guangzhou"),
    ),
    ActorSpec(
        "US",
        "United States",
        "the United States",
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
        "the European Union",
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
        "India",
        "country",
        ("India", "Indian", "New Delhi", "Narendra Modi", "Bhupender Yadav"),
        ("India", "New Delhi", "the Indian government"),
        ("Prime Minister Narendra Modi", "environment minister Bhupender Yadav"),
        "Indian",
        ("New Delhi", "Kolkata", "Hyderabad"),
    ),
    ActorSpec(
        "JP",
        "Japan",
        "Japan",
        "country",
        ("Japan", "Japanese", "Tokyo", "Fumio Kishida"),
        ("Japan", "Tokyo", "the Japanese government"),
        ("Prime Minister Fumio Kishida", "a Japanese trade ministry official"),
        "Japanese",
        ("Tokyo", "Kyoto", "Nagoya"),
    ),
    ActorSpec(
        "BR",
        "Brazil",
        "Brazil",
        "country",
        ("Brazil", "Brazilian", "Brasília", "Lula", "Marina Silva"),
        ("Brazil", "Brasília", "the Brazilian government"),
        ("President Luiz Inácio Lula da Silva", "environment minister Marina Silva"),
        "Brazilian",
        ("Brasília", "Belém", "Manaus"),
    ),
    ActorSpec(
        "GB",
        "United Kingdom",
        "the United Kingdom",
        "country",
        ("United Kingdom", "UK", "Britain", "British", "London", "Whitehall"),
        ("Britain", "the UK", "the British government", "London"),
        ("Britain’s energy secretary", "a British government spokesperson"),
        "British",
        ("London", "Birmingham", "Leeds"),
    ),
    ActorSpec(
        "ZA",
        "South Africa",
        "South Africa",
        "country",
        ("South Africa", "South African", "Pretoria", "Cyril Ramaphosa"),
        ("South Africa", "Pretoria", "the South African government"),
        ("President Cyril Ramaphosa", "a South African energy official"),
        "South African",
        ("Pretoria", "Bloemfontein", "Gqeberha"),
    ),
    ActorSpec(
        "ID",
        "Indonesia",
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
        "Mexico",
        "country",
        ("Mexico", "Mexican"),
        ("Mexico", "the Mexican government"),
        ("Mexico’s foreign minister", "a Mexican energy official"),
        "Mexican",
        ("Mexico City", "Puebla", "Tijuana"),
    ),
    ActorSpec(
        "KR",
        "South Korea",
        "South Korea",
        "country",
        ("South Korea", "Korea", "Korean", "Seoul"),
        ("South Korea", "Seoul", "the South Korean government"),
        ("South Korea’s environment minister", "a Korean trade official"),
        "South Korean",
        ("Seoul", "Daegu", "Incheon"),
    ),
)

# code|name as a sentence names it|adjective|capital;another city (capital and name are aliases)
COUNTRIES = """
FR|France|French|Paris;Lille  DE|Germany|German|Berlin;Frankfurt  IT|Italy|Italian|Rome;Turin
ES|Spain|Spanish|Madrid;Valencia  NL|the Netherlands|Dutch|Amsterdam;Utrecht
SE|Sweden|Swedish|Stockholm;Malmö  NO|Norway|Norwegian|Oslo;Bergen
DK|Denmark|Danish|Copenhagen;Aarhus
FI|Finland|Finnish|Helsinki;Tampere  CA|Canada|Canadian|Ottawa;Winnipeg
AU|Australia|Australian|Canberra;Perth  NZ|New Zealand|New Zealand|Wellington;Christchurch
AR|Argentina|Argentine|Buenos Aires;Rosario  CL|Chile|Chilean|Santiago;Valparaíso
CO|Colombia|Colombian|Bogotá;Cali  PE|Peru|Peruvian|Lima;Cusco  EG|Egypt|Egyptian|Cairo;Alexandria
NG|Nigeria|Nigerian|Abuja;Kano  KE|Kenya|Kenyan|Nairobi;Mombasa
ET|Ethiopia|Ethiopian|Addis Ababa;Dire Dawa  MA|Morocco|Moroccan|Rabat;Marrakesh
SA|Saudi Arabia|Saudi|Riyadh;Dammam  AE|the United Arab Emirates|Emirati|Abu Dhabi;Sharjah
QA|Qatar|Qatari|Doha;Al Wakrah  TR|Türkiye|Turkish|Ankara;Izmir
PK|Pakistan|Pakistani|Islamabad;Lahore  BD|Bangladesh|Bangladeshi|Dhaka;Chittagong
VN|Vietnam|Vietnamese|Hanoi;Da Nang  TH|Thailand|Thai|Bangkok;Chiang Mai
MY|Malaysia|Malaysian|Kuala Lumpur;Penang  PH|the Philippines|Philippine|Manila;Davao
SG|Singapore|Singaporean|Singapore;Jurong  KZ|Kazakhstan|Kazakh|Astana;Shymkent
UA|Ukraine|Ukrainian|Kyiv;Lviv  CZ|the Czech Republic|Czech|Prague;Brno
AT|Austria|Austrian|Vienna;Graz  CH|Switzerland|Swiss|Bern;Basel
PT|Portugal|Portuguese|Lisbon;Porto
GR|Greece|Greek|Athens;Thessaloniki  IE|Ireland|Irish|Dublin;Galway
EC|Ecuador|Ecuadorian|Quito;Guayaquil  FJ|Fiji|Fijian|Suva;Nadi
BB|Barbados|Barbadian|Bridgetown;Speightstown  GH|Ghana|Ghanaian|Accra;Kumasi
SN|Senegal|Senegalese|Dakar;Thiès  TZ|Tanzania|Tanzanian|Dodoma;Arusha
NP|Nepal|Nepali|Kathmandu;Pokhara  LK|Sri Lanka|Sri Lankan|Colombo;Kandy
"""
# id|name|a city in it
SUBNATIONALS = """
US-CA|California|Sacramento  US-TX|Texas|Austin  US-IL|Illinois|Springfield
US-MA|Massachusetts|Worcester  US-OR|Oregon|Salem  CA-ON|Ontario|Hamilton
CA-QC|Quebec|Gatineau  CA-BC|British Columbia|Kelowna  CA-AB|Alberta|Edmonton
DE-BY|Bavaria|Nuremberg  DE-NW|North Rhine-Westphalia|Düsseldorf  DE-BW|Baden-Württemberg|Stuttgart
ES-CT|Catalonia|Girona  GB-SCT|Scotland|Edinburgh  GB-WLS|Wales|Cardiff
CN-GD|Guangdong|Dongguan  CN-JS|Jiangsu|Nanjing  CN-ZJ|Zhejiang|Hangzhou  CN-SD|Shandong|Qingdao
IN-MH|Maharashtra|Pune  IN-GJ|Gujarat|Ahmedabad  IN-TN|Tamil Nadu|Coimbatore
IN-KA|Karnataka|Mysuru  BR-MG|Minas Gerais|Belo Horizonte  AU-QLD|Queensland|Brisbane
AU-NSW|New South Wales|Newcastle  ZA-GP|Gauteng|Soweto  ZA-WC|Western Cape|Stellenbosch
MX-JAL|Jalisco|Zapopan  MX-NLE|Nuevo León|San Pedro  JP-HKD|Hokkaido|Sapporo
KR-GG|Gyeonggi|Suwon  ID-JB|West Java|Bandung  IT-LOM|Lombardy|Bergamo
"""
CITIES = """
Chicago|Los Angeles|San Francisco|Seattle|Boston|Toronto|Montreal|Vancouver|Rio de Janeiro
Medellín|Lagos|Johannesburg|Cape Town|Durban|Mumbai|Bengaluru|Chennai|Shanghai|Shenzhen|Osaka
Yokohama|Busan|Milan|Barcelona|Hamburg|Munich|Rotterdam|Gothenburg|Manchester|Glasgow|Lyon
Marseille|Melbourne|Sydney|Auckland|Istanbul|Karachi|Ho Chi Minh City|Dubai|Casablanca
"""
COMPANY_PREFIXES = """
Solvik Aurora Kestrel Meridian Northwind Tidewater Halcyon Bluepeak Cobalt Evergreen Falcon
Granite Harbour Ironwood Juniper Keystone Lumen Mistral Nimbus Oakridge Pinnacle Quarry Redfern
Summit Tamarind Umber Vantage Westmark Yarrow Zephyr Altura Boreal Cascade Fjord Gale Helix
Indigo Jasper Kinetic Larch Magnolia Nordic Orion Polaris Quill Rowan Sable Terra Ultramar
Verdant Willow Xenith Yellowfin Zenith Arcadia Beacon Crescent Dune Estuary Foxglove Glacier
"""
COMPANY_INDUSTRIES = """
Steel Cement Power Energy Chemicals Airlines Shipping Motors Foods Mining Logistics Paper Glass
Aluminium Utilities Telecom Bank Insurance Retail Textiles Petroleum Gas Rail Construction
Semiconductors Pharmaceuticals Fertilisers Brewing Dairy Timber
"""
REGIONS = ("Asia", "Europe", "Americas", "Africa")
BUSINESS_CITIES = (
    "London", "New York", "Frankfurt", "Singapore", "Hong Kong", "Zurich", "Tokyo", "Paris",
    "Mumbai", "São Paulo", "Toronto", "Sydney", "Seoul", "Stockholm", "Dubai", "Houston",
)  # fmt: skip


def ascii_id(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Z0-9]+", "-", plain.upper()).strip("-")


def unique(names: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.casefold(), name)
    return tuple(seen.values())


def entries(block: str, separator: str) -> list[str]:
    return [entry.strip() for entry in re.split(separator, block.strip()) if entry.strip()]


def country(line: str) -> ActorSpec:
    code, noun, adjective, cities = line.split("|")
    capital, other = cities.split(";")
    name = noun.removeprefix("the ")
    return ActorSpec(
        code,
        name,
        noun,
        "country",
        unique((name, adjective, capital)),
        (noun, f"the {adjective} government", capital),
        (
            f"the {adjective} environment minister",
            f"a {adjective} government spokesperson",
            f"the {adjective} climate envoy",
        ),
        adjective,
        (capital, other),
        "nation",
        6.0,
    )


def subnational(line: str) -> ActorSpec:
    code, name, city = line.split("|")
    return ActorSpec(
        code,
        name,
        name,
        "subnational",
        (name,),
        (name, f"the government of {name}"),
        (f"{name}’s environment minister", f"a spokesperson for the government of {name}"),
        f"{name}’s",
        (city,),
        "local",
        3.0,
    )


def city(name: str) -> ActorSpec:
    return ActorSpec(
        f"CITY-{ascii_id(name)}",
        name,
        name,
        "subnational",
        (name,),
        (name, f"the city of {name}", f"{name} city council"),
        (f"the mayor of {name}", f"{name}’s deputy mayor for climate"),
        f"{name}’s",
        (name,),
        "local",
        3.0,
    )


def company(rng: random.Random, name: str) -> ActorSpec:
    return ActorSpec(
        ascii_id(name),
        name,
        name,
        "company",
        (name,),
        (name, f"{name}’s board"),
        (
            f"the chief executive of {name}",
            f"{with_article(name)} spokesperson",
            f"{name}’s head of sustainability",
        ),
        f"{name}’s",
        tuple(rng.sample(BUSINESS_CITIES, 2)),
        "company",
        1.0,
    )


def make_actors(count: int, rng: random.Random) -> list[ActorSpec]:
    """The majors, then other countries, states, cities and companies, `count` in all."""
    actors = list(MAJORS)
    actors += [country(entry) for entry in entries(COUNTRIES, r"\s{2,}|\n")]
    actors += [subnational(entry) for entry in entries(SUBNATIONALS, r"\s{2,}|\n")]
    actors += [city(name) for name in entries(CITIES, r"\||\n")]
    names = [f"{p} {i}" for i in COMPANY_INDUSTRIES.split() for p in COMPANY_PREFIXES.split()]
    rng.shuffle(names)
    names += [f"{name} {region}" for region in REGIONS for name in names]  # when more are wanted
    actors += [company(rng, name) for name in names[: max(0, count - len(actors))]]
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

NATION = frozenset({"nation"})
PUBLIC = frozenset({"nation", "local"})
ALL = frozenset({"nation", "local", "company"})
LOCAL = frozenset({"local"})
COMPANY = frozenset({"company"})


@dataclass(frozen=True)
class Commitment:
    kind: str
    years: tuple[int, int] | None  # target years drawn from this range; None: no target year
    phrases: tuple[str, ...]  # the verb phrase, with {year}, {pct}, {gw}, {bn}, {base}, {mha}
    title: str  # what it commits to, verb first in its base form, with {year} etc.
    scopes: frozenset[str]  # the actors that make it: nation, local, company
    weight: float
    gases: tuple[str, ...] = ()
    unit: str | None = None  # when it states a value ({pct}): what the value measures


COMMITMENTS: tuple[Commitment, ...] = (
    Commitment(
        "emissions_peak",
        (2025, 2035),
        (
            "peak its carbon dioxide emissions by {year}",
            "reach a peak in greenhouse gas emissions before {year}",
            "ensure that its emissions stop rising no later than {year}",
        ),
        "peak CO2 emissions by {year}",
        PUBLIC,
        12,
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
        "become carbon neutral by {year}",
        ALL,
        11,
    ),
    Commitment(
        "net_zero",
        (2040, 2060),
        (
            "reach net-zero emissions by {year}",
            "bring its greenhouse gas emissions to net zero by {year}",
        ),
        "reach net zero by {year}",
        ALL,
        12,
    ),
    Commitment(
        "emissions_reduction",
        (2025, 2040),
        (
            "cut its emissions by {pct} per cent from {base} levels by {year}",
            "reduce greenhouse gas emissions {pct}% below {base} levels by {year}",
        ),
        "cut emissions {pct}% below {base} by {year}",
        PUBLIC,
        12,
        unit="% below baseline",
    ),
    Commitment(
        "emissions_reduction",
        (2025, 2040),
        (
            "cut its scope 1 and 2 emissions by {pct} per cent from {base} levels by {year}",
            "reduce the emissions of its own operations {pct}% below {base} levels by {year}",
        ),
        "cut operational emissions {pct}% below {base} by {year}",
        COMPANY,
        14,
        unit="% below baseline",
    ),
    Commitment(
        "renewable_energy",
        (2025, 2040),
        (
            "install {gw} gigawatts of wind and solar capacity by {year}",
            "generate {pct} per cent of its electricity from renewable sources by {year}",
            "triple its renewable power capacity by {year}",
        ),
        "expand renewable power by {year}",
        PUBLIC,
        12,
    ),
    Commitment(
        "renewable_energy",
        (2025, 2040),
        (
            "source all of its electricity from renewable power by {year}",
            "buy only renewable electricity for its plants and offices from {year}",
        ),
        "run on renewable electricity by {year}",
        COMPANY,
        10,
    ),
    Commitment(
        "coal",
        (2025, 2045),
        (
            "phase out unabated coal power by {year}",
            "stop approving new coal-fired power plants from {year}",
            "cut the share of coal in its power mix to {pct} per cent by {year}",
        ),
        "phase down coal power by {year}",
        PUBLIC,
        9,
    ),
    Commitment(
        "coal",
        (2025, 2045),
        (
            "stop financing or buying power from new coal plants from {year}",
            "close the coal-fired boilers at its sites by {year}",
        ),
        "end its use of coal by {year}",
        COMPANY,
        5,
    ),
    Commitment(
        "methane_non_co2",
        (2025, 2035),
        (
            "cut methane emissions by {pct} per cent by {year}",
            "curb methane and other non-CO2 gases from its energy sector by {year}",
        ),
        "cut methane emissions by {year}",
        NATION,
        8,
        ("CH4",),
    ),
    Commitment(
        "methane_non_co2",
        (2025, 2035),
        (
            "cut methane leaks from its operations by {pct} per cent by {year}",
            "end routine flaring and venting at its facilities by {year}",
        ),
        "cut methane leaks by {year}",
        COMPANY,
        3,
        ("CH4",),
    ),
    Commitment(
        "finance",
        (2025, 2035),
        (
            "provide ${bn} billion a year in climate finance by {year}",
            "mobilise ${bn} billion for adaptation in poorer countries by {year}",
        ),
        "provide climate finance by {year}",
        NATION,
        6,
    ),
    Commitment(
        "forests",
        (2025, 2040),
        (
            "end illegal deforestation by {year}",
            "restore {mha} million hectares of degraded forest by {year}",
        ),
        "protect forests by {year}",
        PUBLIC,
        6,
    ),
    Commitment(
        "forests",
        (2025, 2040),
        ("end deforestation in its supply chain by {year}",),
        "end deforestation in its supply chain by {year}",
        COMPANY,
        4,
    ),
    Commitment(
        "other",
        (2025, 2040),
        (
            "electrify its entire public bus fleet by {year}",
            "require all new buildings to be zero-carbon from {year}",
        ),
        "decarbonise buses and new buildings by {year}",
        LOCAL,
        8,
    ),
    Commitment(
        "diplomatic_process",
        (2025, 2030),
        (
            "submit new national climate targets in {year}",
            "present an updated nationally determined contribution in {year}",
        ),
        "submit new national targets in {year}",
        NATION,
        5,
    ),
    Commitment(
        "diplomatic_process",
        None,
        (
            "push for the success of the next UN climate summit",
            "work towards ambitious, agreed outcomes at the coming climate conference",
        ),
        "push for a successful climate summit",
        NATION,
        5,
    ),
    Commitment(
        "cooperation",
        None,
        (
            "resume the working group on climate action and meet again before the end of the year",
            "share data on methane leaks and cooperate on carbon capture projects",
        ),
        "continue climate cooperation",
        NATION,
        4,
    ),
)

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
    "Since {past}, {subject} has added about {gw} megawatts of {fuel} capacity, roughly {share} "
    "of what it uses.",
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
    "Analysts at {institute} said the figures suggested {a_adj} shift rather than a turning point.",
    "Floods and heatwaves cost the economy an estimated ${bn} billion in {past}, the finance "
    "ministry said.",
    "The meeting ended with {a_adj} {noun} and a promise to report back before {event}.",
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
ITS = re.compile(r"\bits\b")


class Words:
    """Fills the {slots} of the templates from one random stream."""

    def __init__(
        self, rng: random.Random, actor: ActorSpec, extra: dict[str, str] | None = None
    ) -> None:
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
            "a_adj": lambda: with_article(rng.choice(ADJECTIVES)),
        }

    def slot(self, name: str) -> str:
        if name in self.extra:
            return self.extra[name]
        if name.endswith("_cap"):
            return capitalised(self.slot(name.removesuffix("_cap")))
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
        for commitment in COMMITMENTS:
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
    shared = [c for c in COMMITMENTS if "nation" in c.scopes]
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
                formality=weighted(rng, FORMALITIES),
                status=weighted(rng, STATUSES),
                sources=(primary, secondary),
            )
        )
    return plans


def pledge_sentence(rng: random.Random, plan: PledgePlan) -> str:
    words = Words(rng, plan.actors[0])
    if len(plan.actors) > 1:
        words.extra["other"] = rng.choice(plan.actors[1].subjects)
        words.extra["phrase"] = possessive(plan.phrase, "their")
        return words.fill(rng.choice(JOINT_SENTENCES))
    template = rng.choice(PLEDGE_SENTENCES)
    words.extra["phrase"] = possessive(plan.phrase, "our" if "We will" in template else "its")
    return words.fill(template)


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
    mentions: dict[int, str] | None = None  # pledge index -> the sentence reporting it


def plan_sources(rng: random.Random, count: int) -> list[SourcePlan]:
    """Who published each article, and when."""
    sources = []
    for index in range(count):
        publisher, domain = rng.choices(PUBLISHERS, weights=PUBLISHER_WEIGHTS)[0]
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
                kind=weighted(rng, SOURCE_KINDS),
                published_on=published,
            )
        )
    return sources


def write_article(
    rng: random.Random, source: SourcePlan, plans: Sequence[PledgePlan], mentioned: Sequence[int]
) -> None:
    """The article's text and headline: a sentence for each pledge it reports, among others."""
    lead = plans[mentioned[0]] if mentioned else None
    actor = lead.actors[0] if lead else MAJORS[source.index % len(MAJORS)]
    words = Words(rng, actor)
    mentions = {p: pledge_sentence(rng, plans[p]) for p in mentioned}
    target = rng.randint(3500, 4600)
    size = sum(len(s) + 1 for s in mentions.values())
    fillers: list[str] = []
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
    source.text = "\n\n".join(paragraphs) + words.fill(rng.choice(SIGN_OFFS)) + "\n"
    short = possessive(lead.phrase, "its") if lead else "cut emissions"
    extra = {"name": capitalised(actor.noun), "short": short}
    source.title = Words(rng, actor, extra).fill(rng.choice(HEADLINES))
    source.mentions = mentions


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
    replacement = rng.choice(SWAPS)
    while replacement.casefold() == words[at].casefold():
        replacement = rng.choice(SWAPS)
    if words[at][:1].isupper():
        replacement = replacement.capitalize()
    words[at] = replacement
    return " ".join(words)


@dataclass
class QuotePlan:
    evidence_id: int
    pledge: int
    source: int
    quote: str
    altered: bool


def quote_for(
    rng: random.Random, sentence: str, year: int | None, folded: str, table: dict[int, str]
) -> str:
    """A quote that stands once in its article (after folding), so that it points at this
    pledge's sentence and not at another one that shares its words."""
    for _ in range(8):
        quote = choose_quote(rng, sentence, year)
        needle = fold(quote, table)
        if folded.find(needle) == folded.rfind(needle):
            return quote
    return sentence


# --- records and revisions ----------------------------------------------------------------------


def iso_z(moment: datetime) -> str:
    """A UTC datetime as pydantic's JSON mode writes it."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclass
class Register:
    at: datetime  # when every record was created
    actors: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    pledges: list[dict[str, Any]]
    pledge_actors: list[dict[str, Any]]
    evidence: list[dict[str, Any]]
    logged: list[tuple[Entity, str, dict[str, Any]]]  # (entity, id, the record as JSON values)
    altered: int
    plain_marks: int


def build(count: int, seed: int, actor_count: int, created: date) -> Register:
    rng = random.Random(seed)
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
        write_article(rng, source, plans, by_source[source.index])

    alphabet: set[str] = set()
    for source in sources:
        alphabet.update(source.text)
    table = fold_table(alphabet)
    folded_texts = [fold(source.text, table) for source in sources]
    quotes: list[QuotePlan] = []
    altered = plain_marks = 0
    for plan in plans:
        for s in plan.sources:
            source = sources[s]
            assert source.mentions is not None
            folded = folded_texts[s]
            quote = quote_for(rng, source.mentions[plan.index], plan.year, folded, table)
            is_altered = rng.random() < ALTERED_SHARE
            if is_altered:
                for _ in range(20):
                    changed = alter(rng, quote, plan.year)
                    if fold(changed, table) not in folded:
                        break
                else:
                    raise RuntimeError(f"could not alter a quote of source {source.id}")
                quote = changed
                altered += 1
            elif quote != quote.translate(TYPOGRAPHIC_PLAIN) and rng.random() < PLAIN_MARKS_SHARE:
                quote = quote.translate(TYPOGRAPHIC_PLAIN)
                plain_marks += 1
            quotes.append(QuotePlan(len(quotes) + 1, plan.index, s, quote, is_altered))
    return records(at, actors, sources, plans, quotes, altered, plain_marks, rng)


def records(
    at: datetime,
    actors: Sequence[ActorSpec],
    sources: Sequence[SourcePlan],
    plans: Sequence[PledgePlan],
    quotes: Sequence[QuotePlan],
    altered: int,
    plain_marks: int,
    rng: random.Random,
) -> Register:
    """The rows to insert, and each record as the revision log describes it (JSON values)."""
    created, today = iso_z(at), at.date()
    actor_rows: list[dict[str, Any]] = [
        {"id": a.id, "name": a.name, "kind": a.kind, "aliases": list(a.aliases)} for a in actors
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
            "retrieved_on": today,
            "language": "en",
            "notes": None,
            "text": source.text,
            "sha256": text_sha256(source.text),
        }
        source_rows.append(row)
        record = {k: v for k, v in row.items() if k != "text"}
        record["published_on"] = source.published_on.isoformat() if source.published_on else None
        record["retrieved_on"] = today.isoformat()
        logged.append((Entity.SOURCE, source.id, record))
    pledge_rows = []
    link_rows = []
    for plan in plans:
        row = {
            "id": plan.id,
            "title": plan.title,
            "statement": statement_of(plan),
            "kind": plan.commitment.kind,
            "target_year": plan.year,
            "target_value": plan.value,
            "target_unit": plan.commitment.unit if plan.value is not None else None,
            "baseline_year": plan.baseline,
            "gases": list(plan.commitment.gases),
            "formality": plan.formality,
            "status": plan.status,
            "confidence": "low",
            "announced_on": plan.announced_on,
            "parent_id": None,
            "superseded_by": None,
            "notes": None,
            "version": 1,
            "created_at": at,
            "updated_at": at,
        }
        pledge_rows.append(row)
        for position, actor in enumerate(plan.actors):
            link_rows.append({"pledge_id": plan.id, "actor_id": actor.id, "position": position})
        record = {**row, "actors": [a.id for a in plan.actors]}
        record["created_at"] = record["updated_at"] = created
        record["announced_on"] = plan.announced_on.isoformat() if plan.announced_on else None
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
            "created_at": at,
            "verified_on": None if item.altered else today,  # as `cite` records it
        }
        evidence_rows.append(row)
        record = dict(row)
        record["created_at"] = created
        record["verified_on"] = None if item.altered else today.isoformat()
        logged.append((Entity.EVIDENCE, str(item.evidence_id), record))
    return Register(
        at,
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
    `pledges log verify` compares the log with), checked on a sample that also validates."""
    models: dict[Entity, type[BaseModel]] = {
        Entity.ACTOR: Actor,
        Entity.SOURCE: Source,
        Entity.PLEDGE: Pledge,
        Entity.EVIDENCE: Evidence,
    }
    texts = {row["id"]: row["text"] for row in register.sources}
    for position, (entity, entity_id, record) in enumerate(register.logged):
        if position >= 100 and position % 499:
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
        if fold(text, fold_table(set(text))) != normalise(text).text:
            raise RuntimeError(f"source {row['id']}: folding differs from textmatch.normalise")


def revision_rows(register: Register) -> list[dict[str, Any]]:
    """One create revision per record, chained as pledges.history.append chains them."""
    rows = []
    prev_hash: str | None = None
    at = register.at
    template = RevisionRow(at=at, author=AUTHOR, action=Action.CREATE, reason=REASON)
    for seq, (entity, entity_id, record) in enumerate(register.logged, start=1):
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
                "at": at,
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


def generate(count: int, out: Path, seed: int, actors: int, created: date) -> dict[str, Any]:
    started = time.perf_counter()
    register = build(count, seed, actors, created)
    built = time.perf_counter()
    check_records(register)
    revisions = revision_rows(register)
    hashed = time.perf_counter()

    remove(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(resolve_url(str(out)))
    try:
        with transaction(engine, write=True) as session:
            connection = session.connection()
            migrate.upgrade(connection)
            tables: list[tuple[Any, list[dict[str, Any]]]] = [
                (ActorRow.__table__, register.actors),
                (SourceRow.__table__, register.sources),
                (PledgeRow.__table__, register.pledges),
                (PledgeActorRow.__table__, register.pledge_actors),
                (EvidenceRow.__table__, register.evidence),
                (RevisionRow.__table__, revisions),
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
        "created": created.isoformat(),
        "pledges": len(register.pledges),
        "sources": len(register.sources),
        "actors": len(register.actors),
        "evidence": evidence,
        "altered_quotes": register.altered,
        "altered_quotes_not_deprecated": sum(
            1
            for row in register.evidence
            if row["verified_on"] is None and row["rank"] != "deprecated"
        ),
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
    actors = args.actors or max(DEFAULT_ACTORS, args.pledges // 50)
    if actors < 2:
        parser.error("--actors must be at least 2")
    manifest = generate(args.pledges, args.out.resolve(), args.seed, actors, args.created)
    seconds = manifest["seconds"]
    print(
        f"{args.out}: {manifest['pledges']} pledges, {manifest['actors']} actors, "
        f"{manifest['sources']} sources ({manifest['source_text_bytes'] / 1e6:.1f} MB of text), "
        f"{manifest['evidence']} quotes ({manifest['altered_quotes']} altered), "
        f"{manifest['revisions']} revisions; {manifest['file_bytes'] / 1e6:.0f} MB in "
        f"{seconds['total']:.1f} s (build {seconds['build']:.1f}, check and hash "
        f"{seconds['check_and_hash']:.1f}, write {seconds['write']:.1f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
