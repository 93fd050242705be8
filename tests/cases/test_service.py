"""cases in a nameko container: one case per submission, however often the event arrives."""

import pytest
from sqlalchemy import func, select

from services.cases.models import Case, CaseHistory
from services.common.contracts import new_event
from services.common.db import make_engine
from services.common.tables import outbox, processed_events
from tests.support.broker import drain, publish_event
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration


def feedback_event(submission_id="s-1"):
    return new_event("feedback_received", {
        "submission_id": submission_id, "tracking_code": "ABCD-EFGH-JKM",
        "title": "Môi trường làm việc ô nhiễm", "body": "Bụi và tiếng ồn vượt mức.",
        "category": "environment", "unit_code": "CB-03", "channel": "api",
        "submitted_at": "2026-11-23T01:00:00+00:00",
        "reporter": {"name": "Lê Văn C", "contact": "c@example.vn", "consent_to_contact": True},
    }, aggregate_id=submission_id, correlation_id=submission_id)


def counts(database_url):
    engine = make_engine(database_url)
    with engine.connect() as connection:
        result = {
            "cases": connection.scalar(select(func.count()).select_from(Case)),
            "history": connection.scalar(select(func.count()).select_from(CaseHistory)),
            "outbox": connection.scalar(select(func.count()).select_from(outbox)),
            "processed": connection.scalar(select(func.count()).select_from(processed_events)),
        }
    engine.dispose()
    return result


def test_feedback_becomes_one_new_case_announced_once(start_service, amqp_uri):
    cases = start_service("cases")
    envelope = feedback_event()
    publish_event(amqp_uri, envelope)
    [opened] = drain(amqp_uri, "evt-cases-case_opened--notify", expect=1)
    assert opened["event_type"] == "case_opened"
    assert opened["correlation_id"] == "s-1"
    assert opened["causation_id"] == envelope["event_id"]
    assert opened["payload"]["status"] == "new"
    assert "reporter" not in opened["payload"]
    assert counts(cases.database_url) == {"cases": 1, "history": 1, "outbox": 1, "processed": 1}


def test_same_event_delivered_twice_gives_one_case(start_service, amqp_uri):
    cases = start_service("cases")
    envelope = feedback_event()
    publish_event(amqp_uri, envelope)
    publish_event(amqp_uri, envelope)
    wait_until(lambda: drain(amqp_uri, "evt-cases-case_opened--reporting", expect=1, timeout=5),
               message="case_opened published")
    # the second delivery is recorded as seen and skipped; nothing else appears
    assert len(drain(amqp_uri, "evt-cases-case_opened--intake", expect=2, timeout=2)) == 1
    assert counts(cases.database_url)["cases"] == 1
    assert counts(cases.database_url)["outbox"] == 1


def test_a_second_event_for_the_same_submission_opens_no_second_case(start_service, amqp_uri):
    cases = start_service("cases")
    publish_event(amqp_uri, feedback_event("s-9"))
    publish_event(amqp_uri, feedback_event("s-9"))  # a new event id, same submission
    wait_until(lambda: counts(cases.database_url)["processed"] == 2, message="both handled")
    assert counts(cases.database_url)["cases"] == 1
