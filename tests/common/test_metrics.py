"""/metrics on a running service: worker counts, latency, events, backlog and state gauges."""

import pytest
import requests

from services.common.contracts import new_event
from tests.support.broker import publish_event
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration


def scrape(service):
    response = requests.get(service.url("/metrics"), timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return response.text


def test_metrics_count_requests_events_and_show_backlogs(start_service, amqp_uri):
    intake = start_service("intake")
    for _ in range(2):
        requests.post(intake.url("/api/v1/feedback"), timeout=5,
                      json={"title": "Đo lường", "body": "Nội dung"})
    publish_event(amqp_uri, new_event("unit_updated", {
        "code": "DB-001", "name": "Đảng bộ", "kind": "grassroots_committee", "active": True},
        aggregate_id="DB-001"))
    text = wait_until(lambda: (t := scrape(intake)) and
                      'event_type="unit_updated",outcome="ok"' in t and t,
                      message="event counted")
    assert ('grassroots_workers_total{entrypoint="submit_feedback",outcome="ok",'
            'service="intake"} 2.0') in text
    assert 'grassroots_worker_seconds_bucket{entrypoint="submit_feedback"' in text
    assert 'grassroots_outbox_backlog{service="intake"}' in text
    assert 'grassroots_dead_letters{service="intake"} 0.0' in text


def test_cases_and_notify_expose_their_own_state(start_service):
    cases = start_service("cases")
    notify = start_service("notify")
    assert 'grassroots_cases_open{service="cases",status="new"} 0.0' in scrape(cases)
    assert 'grassroots_cases_overdue{service="cases"} 0.0' in scrape(cases)
    assert "grassroots_outbox_backlog" in scrape(notify)
