"""cases' tables: cases, their history and comments, the directory, categories and users."""

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
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
    __table_args__ = (
        Index("ix_cases_assigned_status", "assigned_unit", "status"),
        Index("ix_cases_open_deadline", "status", "deadline_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(16), unique=True, nullable=False)
    submission_id: Mapped[str] = mapped_column(String(36), unique=True, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    search_text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    category: Mapped[str | None] = mapped_column(String(64))
    unit_code: Mapped[str | None] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(32), nullable=False)
    priority: Mapped[str] = mapped_column(String(16), nullable=False)
    sensitivity: Mapped[str] = mapped_column(String(16), nullable=False, default="normal")
    status: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    assigned_unit: Mapped[str | None] = mapped_column(String(32))
    coordinating_units = mapped_column(JSON, nullable=False, default=list)
    escalation_level: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    escalated_units = mapped_column(JSON, nullable=False, default=list)
    deadline_at = mapped_column(UtcDateTime())
    paused_at = mapped_column(UtcDateTime())
    overdue_marked_for = mapped_column(UtcDateTime())
    escalated_for = mapped_column(UtcDateTime())
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_at = mapped_column(UtcDateTime())
    closed_at = mapped_column(UtcDateTime())
    merged_into: Mapped[str | None] = mapped_column(String(36))
    possible_duplicate_of: Mapped[str | None] = mapped_column(String(36))
    duplicate_score: Mapped[float | None] = mapped_column(Float)
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
    actor_role: Mapped[str | None] = mapped_column(String(16))
    at = mapped_column(UtcDateTime(), nullable=False)
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32), nullable=False)
    details = mapped_column(JSON, nullable=False, default=dict)


class Comment(Base):
    """A comment on a case: internal (officers) or public (shown on the tracking page)."""

    __tablename__ = "case_comments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), nullable=False, index=True)
    author_id: Mapped[str] = mapped_column(String(36), nullable=False)
    author_name: Mapped[str] = mapped_column(String(120), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    at = mapped_column(UtcDateTime(), nullable=False)


class Unit(Base):
    """A unit of the directory: bloc committee, advisory body, grassroots unit, department."""

    __tablename__ = "units"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    sector: Mapped[str | None] = mapped_column(String(32))
    parent_code: Mapped[str | None] = mapped_column(String(32), index=True)
    emails = mapped_column(JSON, nullable=False, default=list)
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    head_name: Mapped[str | None] = mapped_column(String(120))
    head_title: Mapped[str | None] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    updated_at = mapped_column(UtcDateTime(), nullable=False)


class User(Base):
    """Someone who signs in: officer, unit head, office clerk, leader or admin."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    full_name: Mapped[str] = mapped_column(String(120), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    unit_code: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_until = mapped_column(UtcDateTime())
    created_at = mapped_column(UtcDateTime(), nullable=False)
