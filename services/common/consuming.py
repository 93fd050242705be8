"""Idempotent, bounded-retry event consumption.

`@handle_event("case_opened")` consumes the service's queue for that event, loads the
envelope through its contract, and calls the method with an `Event`. The method records the
event with `claim()` in the same transaction as its effect, so a redelivery changes nothing.
A handler that raises is retried after a growing delay (retry.delay.N queues) and, after the
last attempt, its message goes to the dead-letter queue with the error; the queue keeps
flowing. The message is acked only after the handler returned, i.e. after its commit.
"""

import contextlib
import logging
import threading
import traceback
from datetime import UTC, datetime
from functools import partial

from kombu import Connection, Exchange
from nameko.extensions import SharedExtension
from nameko.messaging import Consumer, QueueConsumer

from .contracts import ContractError, load_event
from .db import insert_for
from .logging import set_correlation_id
from .tables import processed_events
from .topology import (
    DEAD_LETTER_QUEUE,
    RETRY_DELAY_EXCHANGE,
    declare_all,
    handler_queue,
    retry_delays_ms,
    subscription,
)

log = logging.getLogger(__name__)

PERMANENT_ERRORS = (ContractError,)


def claim(session, event):
    """Record that this consumer handles `event`; False if it already has (skip the work)."""
    result = session.execute(
        insert_for(session, processed_events)
        .values(consumer=event.consumer, event_id=event.event_id,
                processed_at=datetime.now(UTC))
        .on_conflict_do_nothing()
    )
    return result.rowcount == 1


def keep_newer(session, model, key, event, **fields):
    """Keep a copy of another service's record (a row with a `version` column) current.

    The row keyed `key` takes `fields` when `event` is newer than what it holds (created if
    absent); an older or repeated event changes nothing. Returns True when applied.
    """
    row = session.get(model, key, with_for_update=True)
    if row is not None and row.version >= event.aggregate_version:
        return False
    if row is None:
        row = model(**{model.__mapper__.primary_key[0].name: key})
        session.add(row)
    for name, value in fields.items():
        setattr(row, name, value)
    row.version = event.aggregate_version
    return True


class FailurePublisher(SharedExtension):
    """Republishes failed messages to a retry delay queue or to the dead-letter queue."""

    def setup(self):
        """Prepare a lazily connected, confirming channel."""
        self.config = self.container.config
        self.connection = None
        self.producer = None
        self.lock = threading.Lock()

    def start(self):
        """Declare the whole topology so retry and dead-letter queues exist before failures."""
        with self.lock:
            self._connect()

    def _connect(self):
        self.connection = Connection(
            self.config["AMQP_URI"], transport_options={"confirm_publish": True},
            connect_timeout=5)
        channel = self.connection.channel()
        declare_all(channel, self.config)
        self.producer = self.connection.Producer(channel)

    def _close(self):
        if self.connection is not None:
            with contextlib.suppress(Exception):  # the connection may already be gone
                self.connection.release()
        self.connection = self.producer = None

    def stop(self):
        """Close the connection."""
        self._close()

    kill = stop

    def republish(self, message, exchange, routing_key, headers):
        """Publish the raw message again with extra headers, waiting for the confirm."""
        with self.lock:
            if self.producer is None:
                self._connect()
            try:
                self.producer.publish(
                    message.body, exchange=exchange, routing_key=routing_key,
                    content_type=message.content_type, content_encoding=message.content_encoding,
                    headers={**(message.headers or {}), **headers}, delivery_mode=2,
                    retry=False,
                )
            except Exception:
                self._close()
                raise

    def retry_later(self, message, queue_name, attempt):
        """Park the message for the delay after `attempt`; it then returns to `queue_name`."""
        delay = retry_delays_ms(self.config)[attempt - 1]
        self.republish(message, Exchange(RETRY_DELAY_EXCHANGE), queue_name,
                       {"retry-delay-ms": delay, "x-attempt": attempt + 1})

    def dead_letter(self, message, queue_name, error, attempts):
        """Park the message in the dead-letter queue with why and where it failed."""
        self.republish(message, "", DEAD_LETTER_QUEUE, {
            "x-original-queue": queue_name,
            "x-error": error[-2000:],
            "x-attempts": attempts,
            "x-failed-at": datetime.now(UTC).isoformat(),
        })


class SafeQueueConsumer(QueueConsumer):
    """A QueueConsumer that dead-letters messages it cannot decode instead of dying."""

    def get_consumers(self, consumer_cls, channel):
        """Build kombu consumers with a decode-error hook per provider."""
        consumers = super().get_consumers(consumer_cls, channel)
        for provider, consumer in self._consumers.items():
            consumer.on_decode_error = partial(provider.reject_undecodable)
        return consumers


class EventConsumer(Consumer):
    """Entrypoint: consume one event type from this service's durable queue, reliably."""

    queue_consumer = SafeQueueConsumer()
    failures = FailurePublisher()

    def __init__(self, event_type, **kwargs):
        self.event_type = event_type
        super().__init__(queue=None, requeue_on_error=False, **kwargs)

    def setup(self):
        """Resolve the queue from the topology and register with the queue consumer."""
        config = self.container.config
        self.subscription = subscription(self.event_type, self.container.service_name)
        self.queue = handler_queue(self.subscription, config)
        self.max_attempts = int(config.get("HANDLER_MAX_ATTEMPTS", 5))
        super().setup()

    @property
    def queue_name(self):
        """The consumed queue's name, also the consumer key in processed_events."""
        return self.subscription.queue_name

    def handle_message(self, body, message):
        """Load the envelope; a message that breaks the contract goes straight to dead letters."""
        try:
            event = load_event(body)
        except ContractError as exc:
            self._fail(message, f"ContractError: {exc}", permanent=True)
            return
        event.consumer = self.queue_name
        set_correlation_id(event.correlation_id)
        super().handle_message(event, message)

    def handle_message_processed(self, message, result=None, exc_info=None):
        """Ack after success; otherwise retry later or dead-letter, then ack."""
        if exc_info is None:
            self.queue_consumer.ack_message(message)
            return
        error = "".join(traceback.format_exception(*exc_info))
        self._fail(message, error, permanent=issubclass(exc_info[0], PERMANENT_ERRORS))

    def reject_undecodable(self, message, exc):
        """Called by the queue consumer for a body it cannot decode."""
        self._fail(message, f"undecodable message: {exc!r}", permanent=True)

    def _fail(self, message, error, permanent):
        attempt = int((message.headers or {}).get("x-attempt", 1))
        try:
            if permanent or attempt >= self.max_attempts:
                log.error("dead-lettering message from %s after %s attempt(s): %s",
                          self.queue_name, attempt, error.strip().splitlines()[-1])
                self.failures.dead_letter(message, self.queue_name, error, attempt)
            else:
                log.warning("attempt %s of %s failed on %s; retrying later", attempt,
                            self.max_attempts, self.queue_name)
                self.failures.retry_later(message, self.queue_name, attempt)
        except Exception as exc:  # noqa: BLE001 - broker trouble: let the broker redeliver
            log.warning("could not park failed message from %s (%s); requeueing",
                        self.queue_name, exc)
            self.queue_consumer.requeue_message(message)
            return
        self.queue_consumer.ack_message(message)


handle_event = EventConsumer.decorator


def handle_events(*event_types):
    """Decorate one method as the handler of several event types (one queue each)."""

    def decorate(method):
        for event_type in event_types:
            method = handle_event(event_type)(method)
        return method

    return decorate
