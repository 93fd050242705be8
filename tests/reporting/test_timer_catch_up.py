"""After a start, reporting's timers act only once the read model has caught up: a round has
passed and no event waits in reporting's queues (or, at worst, after CATCH_UP_ROUNDS)."""

import pytest
from kombu import Connection

from services.common.topology import subscription
from services.reporting import scheduling
from tests.support.broker import QUEUE_TYPE, declare, publish_event

from .history import CaseStory

pytestmark = pytest.mark.integration


class CountingTimer(scheduling.ReadModelTimer):
    """A read-model timer whose round only counts itself."""

    def __init__(self, amqp_uri):
        super().__init__()
        self.amqp_uri = amqp_uri
        self.rounds = 0

    def round(self):
        """Count."""
        self.rounds += 1
        return False


def purge(amqp_uri, queue_name):
    with Connection(amqp_uri) as connection:
        connection.default_channel.queue_purge(queue_name)


def test_a_timer_waits_for_reporting_queues_to_empty_before_acting(amqp_uri):
    declare(amqp_uri, {"QUEUE_TYPE": QUEUE_TYPE})
    publish_event(amqp_uri, CaseStory("2026-11-02 09:00").events[0])
    timer = CountingTimer(amqp_uri)
    for _ in range(3):  # the first round after start, then two with an event waiting
        timer.work()
    assert timer.rounds == 0
    purge(amqp_uri, subscription("case_opened", "reporting").queue_name)
    timer.work()
    assert timer.rounds == 1
    # once caught up, a later backlog does not hold the timer back
    publish_event(amqp_uri, CaseStory("2026-11-03 09:00").events[0])
    timer.work()
    assert timer.rounds == 2


def test_a_timer_acts_anyway_when_the_queues_never_empty(amqp_uri):
    declare(amqp_uri, {"QUEUE_TYPE": QUEUE_TYPE})
    publish_event(amqp_uri, CaseStory("2026-11-02 09:00").events[0])
    timer = CountingTimer(amqp_uri)
    for _ in range(scheduling.CATCH_UP_ROUNDS):
        timer.work()
    assert timer.rounds == 0
    timer.work()
    assert timer.rounds == 1


def test_a_broker_that_does_not_answer_counts_as_not_caught_up():
    timer = CountingTimer("amqp://guest:guest@127.0.0.1:1/none")
    timer.work()
    timer.work()
    assert timer.rounds == 0
