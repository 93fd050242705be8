"""notify's tables: one delivery per (event, recipient, channel)."""

from sqlalchemy import JSON, Boolean, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.types import UtcDateTime


class Base(DeclarativeBase):
    """Declarative base of notify's own tables."""

    metadata = MetaData()


metadata = Base.metadata


class Delivery(Base):
    """A message owed to one recipient on one channel because of one event."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("event_id", "recipient", "channel"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), nullable=False)
    event_type: Mapped[str] = mapped_column(String(64), nullable=False)
    case_id: Mapped[str | None] = mapped_column(String(36), index=True)
    recipient: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    channel: Mapped[str] = mapped_column(String(16), nullable=False)
    audience: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(2), nullable=False, default="vi")
    subject: Mapped[str] = mapped_column(String(300), nullable=False)
    body_text: Mapped[str] = mapped_column(Text, nullable=False)
    body_html: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(200), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at = mapped_column(UtcDateTime(), nullable=False)
    last_error: Mapped[str | None] = mapped_column(Text)
    correlation_id: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at = mapped_column(UtcDateTime(), nullable=False)
    sent_at = mapped_column(UtcDateTime())


class DirectoryUnit(Base):
    """notify's copy of a directory unit, kept from `unit_updated` events."""

    __tablename__ = "directory_units"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    parent: Mapped[str | None] = mapped_column(String(32))
    emails = mapped_column(JSON, nullable=False, default=list)
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    head_name: Mapped[str | None] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)


class InboxRead(Base):
    """That a user has read an in-app notification."""

    __tablename__ = "inbox_reads"

    delivery_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    read_at = mapped_column(UtcDateTime(), nullable=False)


class Preference(Base):
    """How an audience (office, leadership, a unit) or a user wants to be told."""

    __tablename__ = "preferences"

    owner: Mapped[str] = mapped_column(String(64), primary_key=True)
    channels = mapped_column(JSON, nullable=False)
    language: Mapped[str] = mapped_column(String(2), nullable=False, default="vi")
    quiet_start: Mapped[str | None] = mapped_column(String(5))
    quiet_end: Mapped[str | None] = mapped_column(String(5))
    email: Mapped[str | None] = mapped_column(String(200))
    follows: Mapped[str | None] = mapped_column(String(64), index=True)
    digests: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    name: Mapped[str | None] = mapped_column(String(120))
    updated_at = mapped_column(UtcDateTime(), nullable=False)
    updated_by: Mapped[str | None] = mapped_column(String(36))


class CaseClock(Base):
    """notify's view of an open case's deadline, kept from case events, for reminders."""

    __tablename__ = "case_clocks"

    case_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(16), nullable=False)
    title: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(32), nullable=False)
    priority: Mapped[str] = mapped_column(String(16), nullable=False)
    assigned_unit: Mapped[str | None] = mapped_column(String(32))
    started_at = mapped_column(UtcDateTime())
    deadline_at = mapped_column(UtcDateTime())
    next_reminder_at = mapped_column(UtcDateTime(), index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    correlation_id: Mapped[str] = mapped_column(String(64), nullable=False)


class ReminderSent(Base):
    """That a reminder of one kind went out in one clock cycle of a case (once, any replica)."""

    __tablename__ = "reminders_sent"

    case_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    started_at = mapped_column(UtcDateTime(), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), nullable=False)
    sent_at = mapped_column(UtcDateTime(), nullable=False)
