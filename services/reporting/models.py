"""reporting's read model, built only from events and holding no personal data.

- `case_facts`: one row per case, its latest state plus figures derived from its history
  (resolution, pauses, reopenings), precomputed so reports are plain indexed queries.
- `case_steps`: one row per case event (case id, version): the status timeline the derived
  figures are recomputed from, whatever order the events arrived in.
- `directory_units`: reporting's copy of the directory, each unit with its ancestor path
  (`/DUK/DB-001/DB-001-CB01/`) so a unit subtree is one prefix filter.
- `periodic_reports` and `compliance_notices`: monthly situation reports received and the
  `periodic_report_missing` notices sent for those that were not.
- `digests`: the weekly and periodic digests compiled for leadership, once per kind and period.
"""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.types import UtcDateTime

# the statuses of an open case (facts.OPEN_STATUSES), as the open-set index's predicate
OPEN_CONDITION = "status IN ('new', 'assigned', 'in_progress', 'awaiting_info')"


class Base(DeclarativeBase):
    """Declarative base of reporting's own tables."""

    metadata = MetaData()


metadata = Base.metadata


class CaseFact(Base):
    """One case as its events tell it: latest state and figures derived from its history."""

    __tablename__ = "case_facts"

    case_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tracking_code: Mapped[str | None] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(String(300))
    # latest state (from the highest aggregate_version seen)
    status: Mapped[str] = mapped_column(String(32), nullable=False)
    priority: Mapped[str] = mapped_column(String(16), nullable=False)
    sensitivity: Mapped[str] = mapped_column(String(16), nullable=False, default="normal")
    category: Mapped[str | None] = mapped_column(String(64))
    unit_code: Mapped[str | None] = mapped_column(String(32), index=True)
    assigned_unit: Mapped[str | None] = mapped_column(String(32), index=True)
    deadline_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    escalation_level: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)
    # from case_opened only (placeholders until it arrives)
    opened: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    channel: Mapped[str | None] = mapped_column(String(32))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)
    opened_on: Mapped[date] = mapped_column(Date, nullable=False)
    # derived from the timeline (case_steps)
    first_resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolved_on: Mapped[date | None] = mapped_column(Date)
    resolved_deadline_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolved_on_time: Mapped[bool | None] = mapped_column(Boolean)
    resolution_days: Mapped[int | None] = mapped_column(Integer)
    paused_days: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    merged: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    rejected: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    reopen_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    transfer_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    first_overdue_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    overdue_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    __table_args__ = (
        Index("ix_case_facts_status_deadline", "status", "deadline_at"),
        # covering indexes: period figures are counted from the index alone (0004)
        Index("ix_case_facts_opened_cover", "opened_on", "status", "priority", "category",
              "channel"),
        Index("ix_case_facts_resolved_cover", "resolved_on", "priority", "resolution_days",
              "resolved_on_time", "category", "channel"),
        # the open set (a few per cent of cases): backlog, ageing, top units, hot matters
        Index("ix_case_facts_open", "opened_on", "status", "priority", "assigned_unit",
              "deadline_at", postgresql_where=text(OPEN_CONDITION),
              sqlite_where=text(OPEN_CONDITION)),
    )


class DailyCount(Base):
    """Cases counted per day, for the whole bloc and per category, priority and channel:
    received (by status) and last resolved (by priority, working days taken, on time)."""

    __tablename__ = "daily_counts"

    basis: Mapped[str] = mapped_column(String(8), primary_key=True)  # opened | resolved
    dimension: Mapped[str] = mapped_column(String(16), primary_key=True)  # all | category ...
    value: Mapped[str] = mapped_column(String(64), primary_key=True)  # "" for all or none
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    status: Mapped[str] = mapped_column(String(32), primary_key=True)  # "" when resolved
    priority: Mapped[str] = mapped_column(String(16), primary_key=True)  # "" when opened
    days: Mapped[int] = mapped_column(Integer, primary_key=True)  # -1: none or opened
    on_time: Mapped[str] = mapped_column(String(1), primary_key=True)  # y | n | ""
    cases: Mapped[int] = mapped_column(Integer, nullable=False)


class CaseStep(Base):
    """One event in a case's life: what the status and deadline were after it, and when."""

    __tablename__ = "case_steps"

    case_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_type: Mapped[str] = mapped_column(String(32), nullable=False)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)
    status: Mapped[str] = mapped_column(String(32), nullable=False)
    assigned_unit: Mapped[str | None] = mapped_column(String(32))
    deadline_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class DirectoryUnit(Base):
    """A unit of the directory (organisational facts only) and where it sits in the tree."""

    __tablename__ = "directory_units"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    parent_code: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    # "/DUK/DB-001/DB-001-CB01/": codes from the root down; a subtree is a prefix
    path: Mapped[str] = mapped_column(String(400), nullable=False)
    # the grassroots committee or cell a unit rolls up to (itself, or a sub-cell's committee)
    grassroots_code: Mapped[str | None] = mapped_column(String(32))
    # when the directory first told of the unit (its earliest event): no unit is urged for a
    # report that fell due before reporting knew it
    known_since: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)

    __table_args__ = (
        Index("ix_directory_units_path", "path",
              postgresql_ops={"path": "varchar_pattern_ops"}),
    )


class PeriodicReportFact(Base):
    """A grassroots unit's monthly situation report: who, for which month, and when."""

    __tablename__ = "periodic_reports"

    unit_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    report_id: Mapped[str] = mapped_column(String(36), nullable=False)
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)
    items: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    items_needing_action: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class ComplianceNotice(Base):
    """A `periodic_report_missing` notice written to the outbox (once per unit and month)."""

    __tablename__ = "compliance_notices"

    unit_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    event_id: Mapped[str] = mapped_column(String(36), nullable=False)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)


class Digest(Base):
    """A compiled digest for leadership: one per kind and period, its sections as JSON."""

    __tablename__ = "digests"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    summary: Mapped[str] = mapped_column(Text, nullable=False)
    sections = mapped_column(JSON, nullable=False)
    compiled_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)
    event_id: Mapped[str] = mapped_column(String(36), nullable=False)

    __table_args__ = (
        UniqueConstraint("kind", "period_start", name="uq_digests_kind_period_start"),
        Index("ix_digests_period_end", "period_end"),
    )
