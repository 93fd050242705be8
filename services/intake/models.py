"""intake's tables: submissions (with personal data) and the public status of their case."""

from sqlalchemy import Boolean, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.types import UtcDateTime


class Base(DeclarativeBase):
    """Declarative base of intake's own tables."""

    metadata = MetaData()


metadata = Base.metadata


class Submission(Base):
    """One submission from any channel, exactly as stored when it was accepted."""

    __tablename__ = "submissions"

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
