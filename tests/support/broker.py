"""Reading and publishing raw messages in tests."""

import json
import os
import time

from kombu import Connection, Exchange

from services.common.topology import declare_all

# test queues are declared as the services declare theirs (`QUEUE_TYPE=quorum make test`)
QUEUE_TYPE = os.environ.get("QUEUE_TYPE", "classic")
QUEUE_OPTIONS = {"queue_arguments": {"x-queue-type": QUEUE_TYPE}} if QUEUE_TYPE != "classic" \
    else {}


def declare(amqp_uri, settings=None):
    """Declare the whole topology in the vhost (as any service does at start)."""
    settings = {"QUEUE_TYPE": QUEUE_TYPE, **(settings or {})}
    with Connection(amqp_uri) as connection:
        declare_all(connection.default_channel, settings)


def drain(amqp_uri, queue_name, expect=None, timeout=10.0):
    """Take messages off a queue (acking them); wait until `expect` arrived if given."""
    bodies = []
    deadline = time.monotonic() + timeout
    with Connection(amqp_uri) as connection:
        queue = connection.SimpleQueue(queue_name, no_ack=True,
                                       queue_args=QUEUE_OPTIONS.get("queue_arguments"))
        while True:
            try:
                message = queue.get(block=True, timeout=0.2)
                bodies.append(message.payload)
            except queue.Empty:
                if expect is None or len(bodies) >= expect or time.monotonic() > deadline:
                    break
        queue.close()
    return bodies


def count(amqp_uri, queue_name):
    """Messages ready in a queue."""
    with Connection(amqp_uri) as connection:
        _, ready, _ = connection.default_channel.queue_declare(queue_name, passive=True)
        return ready


def publish_event(amqp_uri, envelope, raw=None, content_type="application/json"):
    """Publish an envelope (or raw bytes) to its producer's exchange, as the relay would."""
    exchange = Exchange(f"{envelope['producer']}.events", type="topic", durable=True)
    body = raw if raw is not None else json.dumps(envelope)
    with Connection(amqp_uri) as connection:
        connection.Producer().publish(
            body, exchange=exchange, routing_key=envelope["event_type"],
            content_type=content_type, content_encoding="utf-8", delivery_mode=2)
