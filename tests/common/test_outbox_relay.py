"""The outbox relay and idempotent claim, on an embedded database with a fake broker."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from services.common.consuming import claim
from services.common.contracts import Event, new_event
from services.common.db import make_engine
from services.common.outbox import backlog, relay_batch, write_event
from services.common.tables import metadata, outbox


class FakePublisher:
    """Records publishes; fails from the n-th one on when told to."""

    def __init__(self, fail_from=None):
        self.published = []
        self.fail_from = fail_from

    def publish(self, exchange, routing_key, body, headers=None, message_id=None):
        if self.fail_from is not None and len(self.published) >= self.fail_from:
            raise ConnectionError("broker unreachable")
        self.published.append((exchange, routing_key, message_id))


@pytest.fixture
def session_factory(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'unit.db'}")
    metadata.create_all(engine)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


def feedback(n):
    return new_event("feedback_received", {
        "submission_id": f"s-{n}", "tracking_code": "ABCD-EFGH-JKM", "title": "Tiêu đề",
        "body": "Nội dung", "channel": "api", "submitted_at": "2026-11-23T01:00:00+00:00",
    }, aggregate_id=f"s-{n}")


def write(session_factory, count):
    envelopes = [feedback(n) for n in range(count)]
    with session_factory() as session:
        for envelope in envelopes:
            write_event(session, envelope)
        session.commit()
    return envelopes


def test_relay_publishes_in_order_and_marks_rows_sent(session_factory):
    envelopes = write(session_factory, 3)
    publisher = FakePublisher()
    with session_factory() as session:
        assert relay_batch(session, publisher) == 3
    assert publisher.published == [
        ("intake.events", "feedback_received", e["event_id"]) for e in envelopes]
    with session_factory() as session:
        assert backlog(session) == 0
        assert relay_batch(session, publisher) == 0


def test_broker_failure_keeps_unsent_rows_for_later_and_loses_nothing(session_factory):
    envelopes = write(session_factory, 3)
    with session_factory() as session, pytest.raises(ConnectionError):
        relay_batch(session, FakePublisher(fail_from=1))
    with session_factory() as session:
        assert backlog(session) == 2
        failed = session.execute(select(outbox.c.attempts, outbox.c.last_error)
                                 .where(outbox.c.event_id == envelopes[1]["event_id"])).one()
        assert failed.attempts == 1 and "unreachable" in failed.last_error
    publisher = FakePublisher()
    with session_factory() as session:
        assert relay_batch(session, publisher) == 2
    assert [p[2] for p in publisher.published] == [e["event_id"] for e in envelopes[1:]]


def test_claim_is_true_once_per_consumer_and_event(session_factory):
    event = Event(event_id="e-1", event_type="x", schema_version=1, occurred_at=None,
                  producer="p", correlation_id="c", causation_id="c", aggregate_id="a",
                  aggregate_version=1, payload={}, consumer="cases.q")
    with session_factory() as session:
        assert claim(session, event) is True
        assert claim(session, event) is False
        event.consumer = "notify.q"
        assert claim(session, event) is True
        session.commit()
