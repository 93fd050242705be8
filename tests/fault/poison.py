"""Poison for every service's queues: a body no one can decode, and a well-formed envelope
that breaks its event's contract. Both must end in the dead-letter queue, once each."""

import json
import uuid
from collections import Counter
from datetime import UTC, datetime

from kombu import Connection

from services.common.contracts import CONTRACTS
from services.common.deadletters import DeadLetterQueue
from services.common.topology import SUBSCRIPTIONS


def queues_of(service):
    """(queue, event type) of every handler queue the service consumes."""
    return [(s.queue_name, s.event_type) for s in SUBSCRIPTIONS if s.consumer == service]


def contract_breaking(event_type):
    """A well-formed envelope whose payload lacks every field its contract requires."""
    return {"event_id": str(uuid.uuid4()), "event_type": event_type, "schema_version": 1,
            "occurred_at": datetime.now(UTC).isoformat(),
            "producer": CONTRACTS[event_type].producer, "correlation_id": "poison",
            "causation_id": "poison", "aggregate_id": "poison", "aggregate_version": 1,
            "payload": {"poison": "không theo hợp đồng"}}


def inject(amqp_uri, queues):
    """Publish both kinds of poison straight into each queue; return how many were sent."""
    sent = 0
    with Connection(amqp_uri) as connection:
        producer = connection.Producer()
        for queue, event_type in queues:
            for body in (b"\xff\xfe{ not json", json.dumps(contract_breaking(event_type))):
                producer.publish(body, exchange="", routing_key=queue, delivery_mode=2,
                                 content_type="application/json", content_encoding="utf-8",
                                 headers={})
                sent += 1
    return sent


def dead_letters_by_queue(amqp_uri, config):
    """How many dead letters came from each queue (they stay in the dead-letter queue)."""
    with DeadLetterQueue(amqp_uri, config) as letters:
        return Counter(letter.original_queue for letter in letters.fetch())
