"""reporting in a nameko container: the read model and the summary report."""

import pytest
import requests

from services.common.contracts import new_event
from tests.support.broker import publish_event
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration


def case_event(case_id, version=1, status="new"):
    return new_event("case_opened", {
        "case_id": case_id, "tracking_code": "ABCD-EFGH-JKM", "submission_id": f"s-{case_id}",
        "title": "An ninh trật tự khu công nghiệp", "category": "security",
        "unit_code": "CB-09", "channel": "api", "priority": "urgent", "status": status,
        "opened_at": "2026-11-23T02:15:00+00:00",
    }, aggregate_id=case_id, aggregate_version=version)


def summary(reporting):
    return requests.get(reporting.url("/api/v1/reports/summary")).json()


def test_summary_counts_cases_by_status(start_service, amqp_uri):
    reporting = start_service("reporting")
    for n in range(3):
        publish_event(amqp_uri, case_event(f"c-{n}"))
    report = wait_until(lambda: (r := summary(reporting))["total"] == 3 and r,
                        message="three cases counted")
    assert report["by_status"]["new"] == 3
    assert report["by_status"]["closed"] == 0


def test_duplicate_and_stale_events_do_not_change_the_counts(start_service, amqp_uri):
    reporting = start_service("reporting")
    newer = case_event("c-1", version=2, status="assigned")
    older = case_event("c-1", version=1, status="new")
    publish_event(amqp_uri, newer)
    publish_event(amqp_uri, newer)
    publish_event(amqp_uri, older)
    publish_event(amqp_uri, case_event("c-2"))
    report = wait_until(lambda: (r := summary(reporting))["total"] == 2 and r,
                        message="both cases counted")
    assert report["by_status"]["assigned"] == 1
    assert report["by_status"]["new"] == 1
