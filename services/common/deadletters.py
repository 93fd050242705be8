"""Inspect, requeue and purge the dead-letter queue (used by the ops CLI)."""

import json
from dataclasses import dataclass

from kombu import Connection

from .topology import DEAD_LETTER_QUEUE, dead_letter_queue

FAILURE_HEADERS = ("x-original-queue", "x-error", "x-attempts", "x-failed-at", "x-attempt",
                   "retry-delay-ms", "x-death", "x-first-death-exchange", "x-first-death-queue",
                   "x-first-death-reason", "x-last-death-exchange", "x-last-death-queue",
                   "x-last-death-reason")


@dataclass
class DeadLetter:
    """One parked message and why it is there."""

    position: int
    event_id: str | None
    event_type: str | None
    original_queue: str | None
    attempts: int | None
    failed_at: str | None
    error: str
    body: bytes
    message: object

    @property
    def reason(self):
        """The last line of the recorded error."""
        lines = [line for line in (self.error or "").strip().splitlines() if line.strip()]
        return lines[-1] if lines else ""


def _describe(position, message):
    headers = message.headers or {}
    try:
        body = json.loads(message.body)
        event_id, event_type = body.get("event_id"), body.get("event_type")
    except (ValueError, AttributeError, TypeError):
        event_id = event_type = None
    return DeadLetter(position, event_id, event_type, headers.get("x-original-queue"),
                      headers.get("x-attempts"), headers.get("x-failed-at"),
                      headers.get("x-error", ""), message.body, message)


class DeadLetterQueue:
    """A session over the dead-letter queue: fetched messages stay unacked until decided."""

    def __init__(self, amqp_uri, config=None):
        self.connection = Connection(amqp_uri, transport_options={"confirm_publish": True},
                                     connect_timeout=5)
        self.config = config or {}
        self.letters = []

    def __enter__(self):
        self.connection.connect()
        self.channel = self.connection.channel()
        self.queue = dead_letter_queue(self.config).bind(self.channel)
        self.queue.declare()
        return self

    def __exit__(self, *exc):
        # closing the channel returns every fetched, undecided message to the queue
        self.connection.release()

    def fetch(self, limit=10_000):
        """Fetch up to `limit` messages without removing them."""
        while len(self.letters) < limit:
            message = self.queue.get(no_ack=False, accept=None)
            if message is None:
                break
            self.letters.append(_describe(len(self.letters) + 1, message))
        return self.letters

    def select(self, ids):
        """Letters whose event id or position (as text) is in `ids`; all when ids is None."""
        if ids is None:
            return list(self.letters)
        wanted = {str(i) for i in ids}
        return [x for x in self.letters if x.event_id in wanted or str(x.position) in wanted]

    def requeue(self, letter):
        """Send a letter back to its original queue with a fresh attempt count."""
        if not letter.original_queue:
            raise ValueError(f"message #{letter.position} does not say which queue it came from")
        message = letter.message
        headers = {k: v for k, v in (message.headers or {}).items() if k not in FAILURE_HEADERS}
        producer = self.connection.Producer(self.channel)
        producer.publish(message.body, exchange="", routing_key=letter.original_queue,
                         content_type=message.content_type,
                         content_encoding=message.content_encoding,
                         headers=headers, delivery_mode=2, retry=False)
        message.ack()

    def purge(self, letter):
        """Drop a letter for good."""
        letter.message.ack()


__all__ = ["DEAD_LETTER_QUEUE", "DeadLetter", "DeadLetterQueue"]
