"""Bounded retries with back-off, then the dead-letter queue; the queue keeps flowing."""

import collections
import os
import subprocess
import sys

import pytest

from services.common.consuming import claim, handle_event
from services.common.contracts import new_event
from services.common.db import Database
from services.common.deadletters import DeadLetterQueue
from tests.support.broker import count, publish_event
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration
# the dead-letter queue is declared as the services declare it (classic or quorum)
QUEUES = {"QUEUE_TYPE": os.environ.get("QUEUE_TYPE", "classic")}

QUEUE = "evt-intake-feedback_received--cases"


class Switch:
    """Shared state between the test and the service under test."""

    healed = False
    calls = collections.Counter()
    handled = []


class FlakyCases:
    """Stands in for cases: fails on titles starting with 'poison' until healed."""

    name = "cases"
    db = Database()

    @handle_event("feedback_received")
    def handle(self, event):
        title = event.payload["title"]
        Switch.calls[title] += 1
        if title.startswith("poison") and not Switch.healed:
            raise RuntimeError(f"cannot handle {title}")
        with self.db.transaction() as session:
            if claim(session, event):
                Switch.handled.append(title)


@pytest.fixture
def flaky(start_service):
    Switch.healed, Switch.calls, Switch.handled = False, collections.Counter(), []
    return start_service("cases", service_cls=FlakyCases)


def event(title, n):
    return new_event("feedback_received", {
        "submission_id": f"s-{n}", "tracking_code": "ABCD-EFGH-JKM", "title": title,
        "body": "Nội dung", "channel": "api", "submitted_at": "2026-11-23T01:00:00+00:00",
    }, aggregate_id=f"s-{n}")


def dead_letters(amqp_uri):
    with DeadLetterQueue(amqp_uri, QUEUES) as dlq:
        return [(x.original_queue, x.attempts, x.event_type, x.reason) for x in dlq.fetch()]


def test_failing_handler_is_retried_then_dead_lettered_while_others_flow(flaky, amqp_uri):
    publish_event(amqp_uri, event("poison pill", 1))
    for n in range(2, 7):
        publish_event(amqp_uri, event(f"good {n}", n))
    wait_until(lambda: count(amqp_uri, "dead-letters") == 1, message="message dead-lettered")
    assert Switch.calls["poison pill"] == 3
    assert sorted(Switch.handled) == [f"good {n}" for n in range(2, 7)]
    [(queue, attempts, event_type, reason)] = dead_letters(amqp_uri)
    assert (queue, attempts, event_type) == (QUEUE, 3, "feedback_received")
    assert "RuntimeError: cannot handle poison pill" in reason
    assert count(amqp_uri, QUEUE) == 0


def test_requeued_dead_letter_is_handled_once_healed(flaky, amqp_uri):
    publish_event(amqp_uri, event("poison later cured", 1))
    wait_until(lambda: count(amqp_uri, "dead-letters") == 1, message="message dead-lettered")
    Switch.healed = True
    with DeadLetterQueue(amqp_uri, QUEUES) as dlq:
        [letter] = dlq.fetch()
        dlq.requeue(letter)
    wait_until(lambda: Switch.handled == ["poison later cured"], message="requeued and handled")
    assert count(amqp_uri, "dead-letters") == 0


def test_listing_dead_letters_leaves_them_in_place_and_purge_removes(flaky, amqp_uri):
    publish_event(amqp_uri, event("poison forever", 1))
    wait_until(lambda: count(amqp_uri, "dead-letters") == 1, message="message dead-lettered")
    assert len(dead_letters(amqp_uri)) == 1
    assert count(amqp_uri, "dead-letters") == 1
    with DeadLetterQueue(amqp_uri, QUEUES) as dlq:
        [letter] = dlq.fetch()
        dlq.purge(letter)
    assert count(amqp_uri, "dead-letters") == 0


@pytest.mark.parametrize(("raw", "content_type"), [
    (b"{not json", "application/json"),
    (b"\x80\x04K\x01.", "application/x-python-serialize"),
])
def test_undecodable_message_goes_straight_to_dead_letters(flaky, amqp_uri, raw, content_type):
    publish_event(amqp_uri, event("x", 0), raw=raw, content_type=content_type)
    publish_event(amqp_uri, event("good after garbage", 2))
    wait_until(lambda: Switch.handled == ["good after garbage"], message="queue kept flowing")
    wait_until(lambda: count(amqp_uri, "dead-letters") == 1, message="garbage dead-lettered")
    [(queue, attempts, _, reason)] = dead_letters(amqp_uri)
    assert queue == QUEUE and attempts == 1 and "undecodable" in reason


def test_event_breaking_its_contract_is_dead_lettered_without_retries(flaky, amqp_uri):
    broken = event("x", 0)
    del broken["payload"]["title"]
    publish_event(amqp_uri, broken)
    wait_until(lambda: count(amqp_uri, "dead-letters") == 1, message="dead-lettered")
    [(_, attempts, _, reason)] = dead_letters(amqp_uri)
    assert attempts == 1 and "ContractError" in reason
    assert sum(Switch.calls.values()) == 0


def test_cli_lists_and_requeues_dead_letters(flaky, amqp_uri):
    poisoned = event("poison via cli", 1)
    publish_event(amqp_uri, poisoned)
    wait_until(lambda: count(amqp_uri, "dead-letters") == 1, message="dead-lettered")
    env = dict(os.environ, AMQP_URI=amqp_uri)
    listed = subprocess.run([sys.executable, "-m", "services", "dlq", "list"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0
    assert poisoned["event_id"] in listed.stdout and QUEUE in listed.stdout
    Switch.healed = True
    requeued = subprocess.run(
        [sys.executable, "-m", "services", "dlq", "requeue", poisoned["event_id"]], env=env,
        capture_output=True, text=True, timeout=60)
    assert requeued.returncode == 0, requeued.stderr
    wait_until(lambda: Switch.handled == ["poison via cli"], message="handled after requeue")
