"""How far the read model is behind: reporting's lag gauges on /metrics, fed through RabbitMQ,
and the depth of its queues while nothing consumes them."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import requests

from services.common.topology import subscription
from services.reporting.lag import FeedLag, lag_seconds, queue_depths, reporting_queues
from tests.support.broker import QUEUE_TYPE, declare, publish_event
from tests.support.waiting import wait_until

from .history import CaseStory, stamped

pytestmark = pytest.mark.integration

LAG = "grassroots_reporting_lag_seconds"
LAST_APPLIED = "grassroots_reporting_last_applied_timestamp_seconds"


def scrape(service):
    """The /metrics text of a running service."""
    response = requests.get(service.url("/metrics"), timeout=5)
    assert response.status_code == 200
    return response.text


def gauge(text, name, **labels):
    """The value of one sample of a gauge (the service label included), or None."""
    wanted = {"service": "reporting", **labels}
    for line in text.splitlines():
        if line.startswith(name + "{"):
            found = dict(part.split("=", 1) for part in line[len(name) + 1:line.index("}")]
                         .split(","))
            if {k: v.strip('"') for k, v in found.items()} == wanted:
                return float(line.rsplit(" ", 1)[1])
    return None


def recent_story(ago):
    """A case opened, assigned and accepted, its events stamped `ago` before now."""
    story = CaseStory("2026-11-02 09:00")
    story.assign("CB-001", "2026-11-02 10:00").accept("2026-11-02 11:00")
    start = datetime.now(UTC) - ago
    return [stamped(envelope, start + timedelta(seconds=n))
            for n, envelope in enumerate(story.events)]


def test_the_lag_of_events_applied_through_the_broker_shows_on_metrics(start_service,
                                                                         amqp_uri):
    service = start_service("reporting")
    before = scrape(service)
    assert gauge(before, LAG) is None  # nothing applied yet: no figure rather than a 0
    opened = subscription("case_opened", "reporting").queue_name
    assert gauge(before, "grassroots_reporting_queue_depth", queue=opened) == 0
    sent_at = datetime.now(UTC).timestamp()
    for envelope in recent_story(ago=timedelta(seconds=90)):
        publish_event(amqp_uri, envelope)
    text = wait_until(lambda: (t := scrape(service)) and gauge(t, LAG) is not None and t,
                      message="the lag gauge after the events were applied")
    # each event occurred 88-90 s before it was published, and was applied soon after
    assert 87 <= gauge(text, LAG) < 90 + 60
    assert sent_at - 1 <= gauge(text, LAST_APPLIED) <= datetime.now(UTC).timestamp() + 1
    assert gauge(text, "grassroots_reporting_queue_depth", queue=opened) == 0


def test_queue_depth_counts_the_events_waiting_for_reporting(amqp_uri):
    declare(amqp_uri, {"QUEUE_TYPE": QUEUE_TYPE})
    for envelope in recent_story(ago=timedelta(seconds=5)):
        publish_event(amqp_uri, envelope)
    opened = subscription("case_opened", "reporting").queue_name
    changed = subscription("case_status_changed", "reporting").queue_name
    depths = wait_until(lambda: (d := queue_depths(amqp_uri)) and d[changed] == 1 and d,
                        message="the events counted in reporting's queues")
    assert depths[opened] == 1
    assert subscription("case_assigned", "reporting").queue_name in depths
    assert set(depths) == set(reporting_queues())
    assert all(name.endswith("--reporting") for name in depths)


def test_lag_is_the_time_from_occurrence_to_commit_and_never_negative():
    occurred = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
    assert lag_seconds(occurred, occurred + timedelta(minutes=2, seconds=5)) == 125
    assert lag_seconds(occurred, occurred - timedelta(seconds=3)) == 0  # a clock ahead


def test_only_an_event_applied_now_moves_the_lag_not_one_applied_before():
    lag = FeedLag()
    lag.setup()
    handler = SimpleNamespace(event_type="case_opened")
    day_old = SimpleNamespace(occurred_at=datetime.now(UTC) - timedelta(days=1))
    fresh = SimpleNamespace(occurred_at=datetime.now(UTC) - timedelta(seconds=2))
    lag.worker_result(SimpleNamespace(entrypoint=handler, args=(fresh,)), result=True)
    assert lag.last[0] < 60
    # the same day-old event redelivered or requeued: the consumer found it applied already
    lag.worker_result(SimpleNamespace(entrypoint=handler, args=(day_old,)), result=False)
    lag.worker_result(SimpleNamespace(entrypoint=handler, args=(day_old,)),
                      exc_info=(ValueError, ValueError(), None))
    assert lag.last[0] < 60
    lag.worker_result(SimpleNamespace(entrypoint=handler, args=(day_old,)), result=True)
    assert lag.last[0] >= 86_000
