"""The closed vocabularies of the register (README.md, "The register"), as plain enums.

Kept free of pydantic and SQLAlchemy so that the command line can name the allowed values
without paying for heavy imports.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

# The largest id a record may have: PostgreSQL's `integer`, so that any register moves between
# SQLite (which would store 64 bits) and PostgreSQL unchanged.
MAX_ID = 2_147_483_647
# Evidence older than this many days is due a new check, unless --reverify-days says otherwise.
REVERIFY_DAYS = 365
# The language recorded for a source when none is given and none can be detected (BCP 47).
UNDETERMINED = "und"


class ActorKind(StrEnum):
    COUNTRY = "country"
    BLOC = "bloc"
    SUBNATIONAL = "subnational"
    ORGANISATION = "organisation"
    COMPANY = "company"


class SourceKind(StrEnum):
    OFFICIAL = "official"
    NEWS = "news"
    ANALYSIS = "analysis"
    OTHER = "other"


class SourceFormat(StrEnum):
    """The kind of file a source's text was read from."""

    TEXT = "text"
    HTML = "html"
    PDF = "pdf"
    DOCX = "docx"


class Formality(StrEnum):
    """How firmly a pledge is institutionalised, weakest first (Net Zero Tracker's ladder)."""

    PROPOSED = "proposed"
    DECLARED = "declared"
    IN_POLICY = "in_policy"
    IN_LAW = "in_law"


class Status(StrEnum):
    """Whether a pledge is delivered (PolitiFact, OGP, Wikidata deprecation)."""

    NOT_YET_RATED = "not_yet_rated"
    IN_PROGRESS = "in_progress"
    STALLED = "stalled"
    PARTIALLY_KEPT = "partially_kept"
    KEPT = "kept"
    BROKEN = "broken"
    WITHDRAWN = "withdrawn"
    SUPERSEDED = "superseded"
    UNVERIFIABLE = "unverifiable"


class Confidence(StrEnum):
    """How well a record is supported by its evidence, weakest first."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class PledgeKind(StrEnum):
    EMISSIONS_PEAK = "emissions_peak"
    CARBON_NEUTRALITY = "carbon_neutrality"
    NET_ZERO = "net_zero"
    EMISSIONS_REDUCTION = "emissions_reduction"
    RENEWABLE_ENERGY = "renewable_energy"
    COAL = "coal"
    METHANE_NON_CO2 = "methane_non_co2"
    FINANCE = "finance"
    FORESTS = "forests"
    DIPLOMATIC_PROCESS = "diplomatic_process"
    COOPERATION = "cooperation"
    OTHER = "other"


class Stance(StrEnum):
    SUPPORTS = "supports"
    CONTRADICTS = "contradicts"


class Rank(StrEnum):
    """Evidence is deprecated, never deleted."""

    PREFERRED = "preferred"
    NORMAL = "normal"
    DEPRECATED = "deprecated"


class Action(StrEnum):
    """What a revision did to its entity."""

    CREATE = "create"
    UPDATE = "update"


class Entity(StrEnum):
    ACTOR = "actor"
    SOURCE = "source"
    PLEDGE = "pledge"
    EVIDENCE = "evidence"


def allowed(enum: type[StrEnum]) -> str:
    """The allowed values of a vocabulary, for messages: 'a, b or c'."""
    return listed([member.value for member in enum])


def listed(values: Sequence[str]) -> str:
    """Values as a sentence names them: 'a', 'a or b', 'a, b or c'."""
    if len(values) < 2:
        return "".join(values)
    return ", ".join(values[:-1]) + " or " + values[-1]


# The option of the commands that sets a field, where it is not the field's name with hyphens
# ('target_year' is set by --target-year). Fields the commands take as arguments (a pledge's id,
# cite's PLEDGE_ID and SOURCE_ID, source add's FILE) are named as the field.
OPTION_NAMES = {
    "published_on": "--published",
    "retrieved_on": "--retrieved",
    "actors": "--actor",
    "gases": "--gas",
    "aliases": "--alias",
    "deprecated_reason": "--reason",
}
ARGUMENT_FIELDS = frozenset({"id", "pledge_id", "source_id", "text"})


def option_for(field: str) -> str:
    """The option that sets `field` in the commands ('--published' for published_on), or the
    field's own name when a command takes it as an argument."""
    if field in ARGUMENT_FIELDS:
        return field
    return OPTION_NAMES.get(field) or "--" + field.replace("_", "-")
