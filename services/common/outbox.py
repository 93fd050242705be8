"""Transactional outbox: events are written with the state change and published by a relay
with publisher confirms, then marked sent. A broker outage delays events and loses none."""

import contextlib
import json
import logging
from datetime import UTC, datetime

from kombu import Connection
from nameko.extensions import DependencyProvider
from sqlalchemy import event as sa_event
from sqlalchemy import func, select, update

from .background import BackgroundLoop
from .contracts import CONTRACTS, new_event
from .db import Engine
from .tables import outbox
from .topology import declare_all, event_exchange, has_subscribers

log = logging.getLogger(__name__)

BATCH_SIZE = 200


def _row(envelope, now):
    return {"event_id": envelope["event_id"], "event_type": envelope["event_type"],
            "exchange": event_exchange(CONTRACTS[envelope["event_type"]].producer).name,
            "body": json.dumps(envelope, ensure_ascii=False),
            "correlation_id": envelope["correlation_id"], "created_at": now, "attempts": 0}


def write_event(session, envelope):
    """Add one envelope to the outbox inside the caller's transaction."""
    session.execute(outbox.insert().values(**_row(envelope, datetime.now(UTC))))


def write_events(session, envelopes):
    """Add many envelopes in one statement (bulk imports), inside the caller's transaction."""
    if envelopes:
        now = datetime.now(UTC)
        session.execute(outbox.insert(), [_row(envelope, now) for envelope in envelopes])


def backlog(session):
    """Number of events written but not yet confirmed by the broker."""
    unsent = select(func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None))
    return session.scalar(unsent)


class BrokerPublisher:
    """A confirming publisher on one connection, declaring the topology on each connect."""

    def __init__(self, amqp_uri, config):
        self.amqp_uri = amqp_uri
        self.config = config
        self.connection = None
        self.producer = None

    def _connect(self):
        connection = Connection(
            self.amqp_uri, transport_options={"confirm_publish": True}, connect_timeout=5,
        )
        connection.connect()
        channel = connection.channel()
        declare_all(channel, self.config)
        self.connection, self.producer = connection, connection.Producer(channel)

    def publish(self, exchange, routing_key, body, headers=None, message_id=None):
        """Publish one persistent message and wait for the broker's confirm.

        Events that have subscribers are published `mandatory`: if no queue took one, the
        broker returns it, the publish fails and the row stays unsent.
        """
        if self.producer is None:
            self._connect()
        try:
            self.producer.publish(
                body, exchange=exchange, routing_key=routing_key,
                content_type="application/json", content_encoding="utf-8",
                delivery_mode=2, mandatory=has_subscribers(routing_key),
                headers=headers or {},
                message_id=message_id, retry=False,
            )
        except Exception:
            self.close()
            raise

    def close(self):
        """Drop the connection; the next publish reconnects."""
        if self.connection is not None:
            with contextlib.suppress(Exception):  # the connection may already be gone
                self.connection.release()
        self.connection = self.producer = None


def relay_batch(session, publisher, limit=BATCH_SIZE):
    """Publish one batch of unsent rows in id order; the confirmed ones are marked sent.

    One statement takes the batch (locked, skipping rows a replica's relay holds) and marks
    it sent; the commit after publishing makes that true. On a publishing failure the rows
    not confirmed are unmarked, the failure is recorded on the row that failed, and the
    error is re-raised. Returns how many rows were published.
    """
    batch = (select(outbox.c.id).where(outbox.c.sent_at.is_(None)).order_by(outbox.c.id)
             .limit(limit).with_for_update(skip_locked=True).scalar_subquery())
    rows = sorted(session.execute(
        update(outbox).where(outbox.c.id.in_(batch)).values(sent_at=datetime.now(UTC))
        .returning(outbox.c.id, outbox.c.event_id, outbox.c.event_type, outbox.c.exchange,
                   outbox.c.body, outbox.c.correlation_id)
    ).all(), key=lambda row: row.id)
    published = 0
    try:
        for row in rows:
            publisher.publish(row.exchange, row.event_type, row.body,
                              headers={"correlation_id": row.correlation_id},
                              message_id=row.event_id)
            published += 1
    except Exception as exc:
        session.execute(update(outbox).where(outbox.c.id.in_([r.id for r in rows[published:]]))
                        .values(sent_at=None))
        session.execute(update(outbox).where(outbox.c.id == rows[published].id).values(
            attempts=outbox.c.attempts + 1, last_error=str(exc)[:500]))
        raise
    finally:
        session.commit()
    return published


class OutboxRelay(BackgroundLoop):
    """Publishes the container's outbox; woken after each commit that wrote events."""

    engine = Engine()

    def setup(self):
        """Read the poll interval and prepare a publisher (it connects lazily)."""
        config = self.container.config
        self.interval = float(config.get("OUTBOX_POLL_SECONDS", 1.0))
        self.publisher = BrokerPublisher(config["AMQP_URI"], config)

    def work(self):
        """Publish one batch; True when a full batch went out (more may wait)."""
        with self.engine.session_factory() as session:
            return relay_batch(session, self.publisher) == BATCH_SIZE

    def stop(self):
        """Stop the loop and close the broker connection."""
        super().stop()
        self.publisher.close()


class OutboxWriter:
    """What a worker gets: `emit` writes an event into the caller's transaction."""

    def __init__(self, producer, relay):
        self.producer = producer
        self.relay = relay

    def emit(self, session, event_type, payload, *, aggregate_id, aggregate_version=1,
             cause=None, correlation_id=None):
        """Write an event to the outbox in `session`; the relay wakes when it commits."""
        envelope = new_event(event_type, payload, aggregate_id=aggregate_id,
                             aggregate_version=aggregate_version, cause=cause,
                             correlation_id=correlation_id)
        if envelope["producer"] != self.producer:
            raise ValueError(f"{self.producer} may not emit {event_type}")
        write_event(session, envelope)
        if not sa_event.contains(session, "after_commit", self._wake):
            sa_event.listen(session, "after_commit", self._wake)
        return envelope

    def _wake(self, _session):
        self.relay.wake()


class Outbox(DependencyProvider):
    """Injects an OutboxWriter; its relay runs for as long as the service does."""

    relay = OutboxRelay()

    def get_dependency(self, worker_ctx):
        """Return a writer bound to this service's name."""
        return OutboxWriter(self.container.service_name, self.relay)
