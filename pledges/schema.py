"""The contract: what an actor, source, pledge, piece of evidence and revision is.

Input shapes (`*In`) are what a person or a file may supply: strict, unknown fields refused.
Stored shapes add what the register assigns (sha256, version, timestamps, ids). The JSON Schema in
`schema/` is generated from the stored shapes (`pledges schema --out schema`).

This module validates; it never touches the database.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

from pledges.fingerprint import text_sha256 as text_sha256
from pledges.vocab import (
    MAX_ID,
    Action,
    ActorKind,
    Confidence,
    Entity,
    Formality,
    PledgeKind,
    Rank,
    SourceFormat,
    SourceKind,
    Stance,
    Status,
)

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ACTOR_ID_PATTERN = r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*$"
TARGET_YEAR_MIN, TARGET_YEAR_MAX = 1990, 2100
YEAR_MIN, YEAR_MAX = 1900, 2100

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, min_length=2, max_length=80)]
ActorId = Annotated[str, StringConstraints(pattern=ACTOR_ID_PATTERN, min_length=2, max_length=32)]
# Control characters other than tab and line breaks have no place in a record (and PostgreSQL
# refuses NUL outright); single-line fields take no line breaks either.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LINE_BREAK = re.compile(r"[\r\n]")


def _printable(value: str) -> str:
    if CONTROL_CHARS.search(value):
        raise ValueError("control characters are not allowed; remove them")
    return value


def _one_line(value: str) -> str:
    if LINE_BREAK.search(value):
        raise ValueError("line breaks are not allowed here; keep it on one line")
    return _printable(value)


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("the text holds NUL characters; save the article as plain text again")
    return value


# Numbers are written in the digits 0-9 (`[0-9]` in `re` is ASCII only, unlike `\d`). int(),
# float() and pydantic would also read '2_030', '+2030', '٢٠٣٠' (Arabic-Indic digits) or '1_0.5':
# a cell or an option that is read that way is stored as a value nobody typed.
WHOLE_NUMBER = re.compile(r"-?[0-9]+")
DECIMAL = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


def _whole_number(value: Any) -> Any:
    # A year or an id is written as digits: '2030' or 2030, never 2030.0, '2_030' or True.
    written = not isinstance(value, str) or WHOLE_NUMBER.fullmatch(value.strip())
    if isinstance(value, bool) or not isinstance(value, int | str) or not written:
        raise ValueError("write a whole number with the digits 0-9, e.g. 2030")
    return value


def _decimal(value: Any) -> Any:
    # A number such as 65, -0.5 or 1e-05 (as an export writes it); not '1_000', '+5' or 'inf'.
    written = not isinstance(value, str) or DECIMAL.fullmatch(value.strip())
    if isinstance(value, bool) or not isinstance(value, int | float | str) or not written:
        raise ValueError("write a number with the digits 0-9, e.g. 65 or 12.5")
    return value


def _true_or_false(value: Any) -> Any:
    # pydantic alone would also take 'yes', 'on', 't', '1' or 1; a spreadsheet writes TRUE.
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ValueError("use true or false")


Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
    AfterValidator(_one_line),
]
LongText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=5000),
    AfterValidator(_printable),
]
# The range comes before the validator so that the JSON Schema keeps minimum and maximum.
TargetYear = Annotated[
    int, Field(ge=TARGET_YEAR_MIN, le=TARGET_YEAR_MAX), BeforeValidator(_whole_number)
]
Year = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX), BeforeValidator(_whole_number)]
# Ids and versions fit PostgreSQL's integer, so a register moves between databases unchanged.
RecordId = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(_whole_number)]
Number = Annotated[float, Field(allow_inf_nan=False), BeforeValidator(_decimal)]
Flag = Annotated[bool, BeforeValidator(_true_or_false)]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


def _in_calendar(value: date) -> date:
    if not YEAR_MIN <= value.year <= YEAR_MAX:
        raise ValueError(f"dates must fall between {YEAR_MIN} and {YEAR_MAX}")
    return value


def _written_as_day(value: Any) -> Any:
    # pydantic alone would read '0' or '1700006400' as a Unix time and '2023-01-01T00:00' as a day.
    if isinstance(value, date) or (
        isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value)
    ):
        return value
    # Typed as pydantic's own date errors, so that a day written otherwise and an impossible day
    # ('2023-02-30') are told the same way (pledges.validation).
    raise PydanticCustomError("date_parsing", "write it as YYYY-MM-DD, e.g. 2023-07-19")


Day = Annotated[date, BeforeValidator(_written_as_day), AfterValidator(_in_calendar)]


def _quote(value: str) -> str:
    if not value.strip():
        raise ValueError("a quote cannot be blank")
    return _printable(value)


Quote = Annotated[str, StringConstraints(min_length=1, max_length=5000), AfterValidator(_quote)]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


# --- actors -----------------------------------------------------------------------------------


class ActorIn(Record):
    """Who commits: a country (ISO 3166 alpha-2), a bloc, or an organisation."""

    id: ActorId = Field(description="Short upper-case code: CN, US, EU, GREENPEACE.")
    name: Text
    kind: ActorKind
    aliases: tuple[Text, ...] = Field(
        default=(),
        description="Names the audit looks for in text: 'China', 'Beijing', 'Xi Jinping'.",
    )

    @model_validator(mode="after")
    def _unique_aliases(self) -> Self:
        seen = [a.casefold() for a in self.aliases]
        if len(set(seen)) != len(seen):
            raise ValueError("aliases must not repeat")
        return self


class Actor(ActorIn):
    pass


# --- sources ----------------------------------------------------------------------------------

# The fields of a source that a document's own metadata may offer (a web page's title, date and
# site name), in the order they are listed.
MetadataField = Literal["title", "published_on", "publisher"]
METADATA_FIELDS: tuple[MetadataField, ...] = ("title", "published_on", "publisher")
Encoding = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,39}$")]


def _listed_once(names: tuple[MetadataField, ...] | None) -> tuple[MetadataField, ...] | None:
    """Each field once, in the order of METADATA_FIELDS; None when there is none (as a source
    added before it was recorded holds it, and as its revisions have it)."""
    if not names:
        return None
    if len(set(names)) != len(names):
        raise ValueError("name each field once")
    return tuple(sorted(names, key=METADATA_FIELDS.index))


class SourceIn(Record):
    """One article or document, with its full text."""

    id: Slug
    title: Text
    publisher: Text | None = Field(
        default=None, description="Left empty when the text does not show it."
    )
    kind: SourceKind = SourceKind.NEWS
    url: Text | None = None
    published_on: Day | None = None
    date_inferred: Flag = Field(
        default=False, description="True when published_on was inferred rather than stated."
    )
    date_note: LongText | None = Field(
        default=None, description="How the date was established, required when it was inferred."
    )
    retrieved_on: Day | None = None
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")] = "en"
    notes: LongText | None = Field(
        default=None, description="Curation notes, e.g. where the publisher was read from."
    )
    supersedes: Slug | None = Field(
        default=None,
        description="The source this one replaces: a corrected text is added as a new source.",
    )
    format: SourceFormat | None = Field(
        default=None,
        description="The kind of file the text was read from; empty for a source added before "
        "it was recorded. Like the text, it never changes.",
    )
    encoding: Encoding | None = Field(
        default=None,
        description="The character encoding the file's bytes were read in (text and web pages), "
        "e.g. utf-8 or gb18030. Like the text, it never changes.",
    )
    extractor: Text | None = Field(
        default=None,
        description="The library and version that extracted the text from the file, e.g. "
        "'trafilatura 2.0.0'; empty when the file's text is stored as read. Never changes.",
    )
    from_metadata: Annotated[tuple[MetadataField, ...] | None, AfterValidator(_listed_once)] = (
        Field(
            default=None,
            description="Which of title, published_on and publisher were taken from the document's "
            "own metadata rather than typed; empty when none was. A field a curator sets, confirms "
            "or clears leaves it.",
        )
    )
    text: Annotated[str, StringConstraints(min_length=1), AfterValidator(_no_nul)]

    @model_validator(mode="after")
    def _inferred_dates_explained(self) -> Self:
        if self.date_inferred and (self.published_on is None or not self.date_note):
            raise ValueError("an inferred date needs published_on and a date_note saying from what")
        if not self.text.strip():
            raise ValueError("a source's text cannot be blank")
        if self.supersedes == self.id:
            raise ValueError("a source cannot supersede itself")
        unset = [name for name in self.from_metadata or () if getattr(self, name) is None]
        if unset:
            raise ValueError(
                f"from_metadata names {unset[0]}, which is empty: name only fields that hold "
                "what the document's metadata gave"
            )
        return self


class Source(SourceIn):
    sha256: Sha256 = Field(description="sha256 of the UTF-8 text, taken when the source was added.")


# --- pledges ----------------------------------------------------------------------------------


class PledgeIn(Record):
    """One commitment. The id is a stable slug that does not depend on the wording."""

    id: Slug = Field(description="Stable slug, e.g. cn-co2-peak-2030.")
    title: Text
    statement: LongText | None = Field(
        default=None, description="Neutral wording of the commitment."
    )
    actors: tuple[ActorId, ...] = Field(
        min_length=1, description="One or more; a joint pledge has several."
    )
    kind: PledgeKind
    target_year: TargetYear | None = None
    target_value: Number | None = None
    target_unit: Text | None = None
    baseline_year: Year | None = None
    gases: tuple[Text, ...] = ()
    formality: Formality = Formality.DECLARED
    status: Status = Status.NOT_YET_RATED
    confidence: Confidence = Confidence.LOW
    announced_on: Day | None = None
    parent_id: Slug | None = Field(
        default=None, description="The joint pledge this one follows up."
    )
    superseded_by: Slug | None = None
    notes: LongText | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if len(set(self.actors)) != len(self.actors):
            raise ValueError("actors must not repeat")
        if self.status is Status.SUPERSEDED and self.superseded_by is None:
            # Named as the options of 'pledges add/update' and as the columns of an export.
            raise ValueError(
                "status superseded needs --superseded-by (superseded_by in a file) naming the "
                "pledge that replaces it"
            )
        if self.superseded_by is not None and self.status is not Status.SUPERSEDED:
            raise ValueError(
                "--superseded-by (superseded_by in a file) is set, so status must be superseded: "
                "add --status superseded, or --clear superseded_by for another status"
            )
        if self.id in (self.superseded_by, self.parent_id):
            raise ValueError("a pledge cannot supersede or follow up itself")
        if self.target_value is not None and self.target_unit is None:
            raise ValueError("target_value needs target_unit")
        return self


class Pledge(PledgeIn):
    version: RecordId = Field(description="Optimistic lock: bumped by every change.")
    created_at: datetime
    updated_at: datetime


class ExportedPledge(PledgeIn):
    """A row of an exported pledges.csv, as `pledges import` reads it back: the record, and the
    version it was exported at (None for a new pledge, or when the file lacks the column)."""

    version: RecordId | None = None


# --- evidence ---------------------------------------------------------------------------------


class EvidenceIn(Record):
    """A verbatim quote from a source, linked to the pledge it bears on."""

    pledge_id: Slug
    source_id: Slug
    quote: Quote
    stance: Stance = Stance.SUPPORTS
    asserts_status: Status | None = Field(
        default=None, description="The delivery status this source reports as of its date."
    )
    rank: Rank = Rank.NORMAL
    deprecated_reason: LongText | None = Field(
        default=None, description="Why the evidence no longer counts; required when deprecated."
    )
    note: LongText | None = None

    @model_validator(mode="after")
    def _deprecation_explained(self) -> Self:
        if (self.rank is Rank.DEPRECATED) != (self.deprecated_reason is not None):
            raise ValueError("deprecated evidence needs a deprecated_reason, and only it has one")
        return self


class Evidence(EvidenceIn):
    id: RecordId
    created_at: datetime
    verified_on: date | None = Field(default=None, description="When the quote was last located.")


class ExportedEvidence(EvidenceIn):
    """A row of an exported evidence.csv: the record, and the id it is stored under (None for new
    evidence, which the register numbers)."""

    id: RecordId | None = None


# --- history ----------------------------------------------------------------------------------


class FieldChange(Record):
    before: Any = None
    after: Any = None


class Revision(Record):
    """One entry of the append-only history; `hash` chains it to the one before."""

    seq: int = Field(ge=1)
    at: datetime
    author: Text
    action: Action
    entity: Entity
    entity_id: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    reason: Text
    changes: dict[str, FieldChange]
    prev_hash: Sha256 | None
    hash: Sha256


PUBLISHED: dict[str, type[BaseModel]] = {
    "actor": Actor,
    "source": Source,
    "pledge": Pledge,
    "evidence": Evidence,
    "revision": Revision,
}
