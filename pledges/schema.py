"""The contract: what an actor, source, pledge, piece of evidence and revision is.

Input shapes (`*In`) are what a person or a file may supply: strict, unknown fields refused.
Stored shapes add what the register assigns (sha256, version, timestamps, ids). The JSON Schema in
`schema/` is generated from the stored shapes (`pledges schema --out schema`).

This module validates; it never touches the database.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from pledges.fields import (
    ActorId,
    Day,
    Flag,
    LongText,
    Number,
    Quote,
    RecordId,
    Sha256,
    Slug,
    TargetYear,
    Text,
    Year,
    no_nul,
)
from pledges.fingerprint import text_sha256 as text_sha256
from pledges.vocab import (
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
    text: Annotated[str, StringConstraints(min_length=1), AfterValidator(no_nul)]

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
