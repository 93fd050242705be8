"""intake's tables: submissions (with personal data) and the public status of their case."""

from sqlalchemy import JSON, Boolean, Float, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.types import UtcDateTime


class Base(DeclarativeBase):
    """Declarative base of intake's own tables."""

    metadata = MetaData()


metadata = Base.metadata


class Submission(Base):
    """One submission from any channel, exactly as stored when it was accepted."""

    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("external_key", name="uq_submissions_external_key"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(16), unique=True, nullable=False)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    request_hash: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    category: Mapped[str | None] = mapped_column(String(64))
    unit_code: Mapped[str | None] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(32), nullable=False)
    reporter_name: Mapped[str | None] = mapped_column(String(120))
    reporter_contact: Mapped[str | None] = mapped_column(String(200))
    consent_to_contact: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    submitted_at = mapped_column(UtcDateTime(), nullable=False)
    case_id: Mapped[str | None] = mapped_column(String(36))
    case_status: Mapped[str | None] = mapped_column(String(32))
    case_version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    case_updated_at = mapped_column(UtcDateTime())
    # where it came from, beyond the channel: API client, bot source, import batch, report
    client: Mapped[str | None] = mapped_column(String(64))
    external_key: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    import_id: Mapped[str | None] = mapped_column(String(36))
    report_id: Mapped[str | None] = mapped_column(String(36))
    # duplicate detection: exact key of the normalised text, and the nearest earlier one
    match_key: Mapped[str | None] = mapped_column(String(64), index=True)
    possible_duplicate_of: Mapped[str | None] = mapped_column(String(36))
    duplicate_score: Mapped[float | None] = mapped_column(Float)
    # the public answer once the case is resolved
    answer: Mapped[str | None] = mapped_column(Text)


class PublicComment(Base):
    """A comment the case's officers chose to make public, shown on the tracking page."""

    __tablename__ = "public_comments"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    submission_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    created_at = mapped_column(UtcDateTime(), nullable=False)


class MatchKey(Base):
    """One locality-sensitive key of an open submission's text, to find near-duplicates."""

    __tablename__ = "match_keys"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    submission_id: Mapped[str] = mapped_column(String(36), primary_key=True)


class DirectoryUnit(Base):
    """intake's copy of a directory unit, from `unit_updated`, for the form's unit list."""

    __tablename__ = "directory_units"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    parent: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)


class ImportBatch(Base):
    """One uploaded file of typed-in forms and its per-row outcome."""

    __tablename__ = "imports"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    file_name: Mapped[str | None] = mapped_column(String(300))
    file_hash: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    uploaded_by: Mapped[str | None] = mapped_column(String(120))
    uploaded_at = mapped_column(UtcDateTime(), nullable=False)
    rows_total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rows_imported: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rows_already_imported: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    errors = mapped_column(JSON, nullable=False, default=list)


class PeriodicReport(Base):
    """A grassroots unit's monthly situation report, kept for compliance."""

    __tablename__ = "periodic_reports"
    __table_args__ = (UniqueConstraint("unit_code", "period"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(32), nullable=False)
    period: Mapped[str] = mapped_column(String(7), nullable=False)
    summary: Mapped[str] = mapped_column(Text, nullable=False)
    items = mapped_column(JSON, nullable=False, default=list)
    submitted_by: Mapped[str | None] = mapped_column(String(120))
    submitted_at = mapped_column(UtcDateTime(), nullable=False)
