"""SQLAlchemy models of the annotation store (the schema of migration head)."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON, Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, MetaData, String, Text, text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

SAMPLE_STATUSES = ("pending", "approved", "rejected")
DECISIONS = ("approve", "reject", "edit_approve")
ROLES = ("annotator", "admin")
JOB_STATES = ("queued", "running", "succeeded", "failed", "cancelled")
MAX_TEXT_CHARS = 8000  # longest description (imported or edited) the store accepts

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Current UTC time without tzinfo (stored as naive UTC everywhere)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Annotator(Base):
    """A person who reviews samples; admins also import, export and train."""

    __tablename__ = "annotators"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16), default="annotator")
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ImportBatch(Base):
    """One import of a synthesis output directory."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(Text)
    manifest: Mapped[dict[str, Any]] = mapped_column(JSON)
    line_count: Mapped[int] = mapped_column(Integer)
    inserted: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Sample(Base):
    """A synthesized triplet (prompt, detailed description, pose) awaiting or past review."""

    __tablename__ = "samples"
    __table_args__ = (
        CheckConstraint(_in("status", SAMPLE_STATUSES), name="status"),
        Index("ix_samples_queue", "status", "id"),
        Index("ix_samples_queue_category", "status", "category", "id"),
        Index("ix_samples_queue_source", "status", "source", "id"),
        Index("ix_samples_queue_flagged", "status", "flagged", "id"),
        Index("ix_samples_lease", "lease_annotator_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"))
    category: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(256))
    abstract_prompt: Mapped[str] = mapped_column(Text)
    detailed_raw: Mapped[str] = mapped_column(Text)
    detailed_refined: Mapped[str] = mapped_column(Text)
    flags: Mapped[list[str]] = mapped_column(JSON)
    flagged: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(String(128))
    split: Mapped[str] = mapped_column(String(16))
    variant: Mapped[str] = mapped_column(String(128))
    mirrored: Mapped[bool] = mapped_column(Boolean)
    image: Mapped[str | None] = mapped_column(Text)
    image_kind: Mapped[str | None] = mapped_column(String(16))
    pose: Mapped[dict[str, Any]] = mapped_column(JSON)
    provenance: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    final_text: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    required_reviews: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    review_count: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    lease_annotator_id: Mapped[int | None] = mapped_column(ForeignKey("annotators.id"))
    lease_token: Mapped[str | None] = mapped_column(String(32))
    lease_expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    batch: Mapped[ImportBatch] = relationship()


class Review(Base):
    """One decision by one annotator; undone reviews stay as the audit trail with ``undone_at`` set."""

    __tablename__ = "reviews"
    __table_args__ = (
        CheckConstraint(_in("decision", DECISIONS), name="decision"),
        Index("ix_reviews_sample_id", "sample_id", "annotator_id"),
        Index("ix_reviews_annotator_id", "annotator_id", "id"),
        Index(
            "uq_reviews_active", "sample_id", "annotator_id", unique=True,
            sqlite_where=text("undone_at IS NULL"), postgresql_where=text("undone_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("samples.id"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id"))
    decision: Mapped[str] = mapped_column(String(16))
    edited_text: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)


class Skip(Base):
    """An annotator passed on a sample; the queue does not offer it to them again."""

    __tablename__ = "skips"

    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id"), primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("samples.id"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class DatasetExport(Base):
    """A frozen, hashed dataset directory written from approved samples."""

    __tablename__ = "dataset_exports"
    __table_args__ = (Index("uq_dataset_exports_name_version", "name", "version", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    version: Mapped[int] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(Integer)
    source_filter: Mapped[dict[str, Any]] = mapped_column(JSON)
    frozen: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("annotators.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class TrainingJob(Base):
    """A training run launched from the Train tab."""

    __tablename__ = "training_jobs"
    __table_args__ = (
        CheckConstraint(_in("state", JOB_STATES), name="state"),
        Index("ix_training_jobs_state", "state", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="queued")
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    export_id: Mapped[int | None] = mapped_column(ForeignKey("dataset_exports.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("annotators.id"))
    pid: Mapped[int | None] = mapped_column(Integer)
    host: Mapped[str | None] = mapped_column(String(255))
    log_path: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)


class Checkpoint(Base):
    """A model checkpoint directory; at most one is active (served by the app)."""

    __tablename__ = "checkpoints"
    __table_args__ = (
        Index("uq_checkpoints_active", "active", unique=True,
              sqlite_where=text("active"), postgresql_where=text("active")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("training_jobs.id"))
    path: Mapped[str] = mapped_column(Text, unique=True)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
