"""cases' tables: cases and their immutable history."""

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.types import UtcDateTime

BigId = BigInteger().with_variant(Integer, "sqlite")


class Base(DeclarativeBase):
    """Declarative base of cases' own tables."""

    metadata = MetaData()


metadata = Base.metadata


class Case(Base):
    """A matter followed from intake to closure."""

    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(16), unique=True, nullable=False)
    submission_id: Mapped[str] = mapped_column(String(36), unique=True, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    category: Mapped[str | None] = mapped_column(String(64))
    unit_code: Mapped[str | None] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(32), nullable=False)
    priority: Mapped[str] = mapped_column(String(16), nullable=False)
    status: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    reporter_name: Mapped[str | None] = mapped_column(String(120))
    reporter_contact: Mapped[str | None] = mapped_column(String(200))
    consent_to_contact: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    opened_at = mapped_column(UtcDateTime(), nullable=False)
    updated_at = mapped_column(UtcDateTime(), nullable=False)
    correlation_id: Mapped[str] = mapped_column(String(64), nullable=False)


class CaseHistory(Base):
    """One immutable entry per action on a case: who, when, what, why."""

    __tablename__ = "case_history"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), nullable=False, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    action: Mapped[str] = mapped_column(String(32), nullable=False)
    actor: Mapped[str] = mapped_column(String(120), nullable=False)
    at = mapped_column(UtcDateTime(), nullable=False)
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32), nullable=False)
    details = mapped_column(JSON, nullable=False, default=dict)
