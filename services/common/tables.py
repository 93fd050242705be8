"""Tables every service has: the outbox of events to publish and the events it has processed."""

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from .types import UtcDateTime

metadata = MetaData()

BigId = BigInteger().with_variant(Integer, "sqlite")

outbox = Table(
    "outbox", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("event_type", String(64), nullable=False),
    Column("exchange", String(100), nullable=False),
    Column("body", Text, nullable=False),
    Column("correlation_id", String(64), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("sent_at", UtcDateTime(), nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=True),
    Index(
        "ix_outbox_unsent", "id",
        postgresql_where=Column("sent_at").is_(None), sqlite_where=Column("sent_at").is_(None),
    ),
)

processed_events = Table(
    "processed_events", metadata,
    Column("consumer", String(100), primary_key=True),
    Column("event_id", String(36), primary_key=True),
    Column("processed_at", UtcDateTime(), nullable=False),
)
