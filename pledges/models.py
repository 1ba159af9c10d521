"""The stored tables, as SQLAlchemy 2 typed ORM classes (README.md says which modules use them).

Enumerations are stored as their values with CHECK constraints, so SQLite and PostgreSQL agree.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

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

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps are stored in UTC and always come back timezone-aware (SQLite forgets)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def vocabulary(enum: type[StrEnum], name: str) -> Enum:
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ActorRow(Base):
    __tablename__ = "actors"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(500))
    kind: Mapped[ActorKind] = mapped_column(vocabulary(ActorKind, "actor_kind"))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)


class SourceRow(Base):
    __tablename__ = "sources"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    publisher: Mapped[str | None] = mapped_column(String(500))
    kind: Mapped[SourceKind] = mapped_column(vocabulary(SourceKind, "source_kind"))
    url: Mapped[str | None] = mapped_column(String(500))
    published_on: Mapped[date | None] = mapped_column(Date)
    date_inferred: Mapped[bool] = mapped_column(Boolean, default=False)
    date_note: Mapped[str | None] = mapped_column(Text)
    retrieved_on: Mapped[date | None] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(16))
    notes: Mapped[str | None] = mapped_column(Text)
    supersedes: Mapped[str | None] = mapped_column(String(80))  # a source's id, checked by editing
    # How the text was got from its file (NULL for sources added before it was recorded).
    format: Mapped[SourceFormat | None] = mapped_column(vocabulary(SourceFormat, "source_format"))
    encoding: Mapped[str | None] = mapped_column(String(40))
    extractor: Mapped[str | None] = mapped_column(String(500))
    # The fields taken from the document's metadata, as a JSON list; NULL when none was.
    from_metadata: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True))
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))


class PledgeActorRow(Base):
    __tablename__ = "pledge_actors"

    pledge_id: Mapped[str] = mapped_column(
        ForeignKey("pledges.id", ondelete="CASCADE"), primary_key=True
    )
    actor_id: Mapped[str] = mapped_column(ForeignKey("actors.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)


class PledgeRow(Base):
    __tablename__ = "pledges"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    statement: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[PledgeKind] = mapped_column(vocabulary(PledgeKind, "pledge_kind"), index=True)
    target_year: Mapped[int | None] = mapped_column(Integer)
    target_value: Mapped[float | None] = mapped_column(Float)
    target_unit: Mapped[str | None] = mapped_column(String(500))
    baseline_year: Mapped[int | None] = mapped_column(Integer)
    gases: Mapped[list[str]] = mapped_column(JSON, default=list)
    formality: Mapped[Formality] = mapped_column(vocabulary(Formality, "formality"))
    status: Mapped[Status] = mapped_column(vocabulary(Status, "status"), index=True)
    confidence: Mapped[Confidence] = mapped_column(vocabulary(Confidence, "confidence"))
    announced_on: Mapped[date | None] = mapped_column(Date)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("pledges.id"))
    superseded_by: Mapped[str | None] = mapped_column(ForeignKey("pledges.id"))
    notes: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    actor_links: Mapped[list[PledgeActorRow]] = relationship(
        order_by=PledgeActorRow.position, cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own protocol


class EvidenceRow(Base):
    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pledge_id: Mapped[str] = mapped_column(ForeignKey("pledges.id"), index=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"), index=True)
    quote: Mapped[str] = mapped_column(Text)
    stance: Mapped[Stance] = mapped_column(vocabulary(Stance, "stance"))
    asserts_status: Mapped[Status | None] = mapped_column(vocabulary(Status, "asserts_status"))
    rank: Mapped[Rank] = mapped_column(vocabulary(Rank, "rank"))
    deprecated_reason: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    verified_on: Mapped[date | None] = mapped_column(Date)


class RevisionRow(Base):
    __tablename__ = "revisions"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    author: Mapped[str] = mapped_column(String(500))
    action: Mapped[Action] = mapped_column(vocabulary(Action, "action"))
    entity: Mapped[Entity] = mapped_column(vocabulary(Entity, "entity"))
    entity_id: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(String(500))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    __table_args__ = (Index("ix_revisions_entity", "entity", "entity_id"),)
