"""reporting in a nameko container: at-least-once, out-of-order delivery through RabbitMQ,
and the `periodic_report_missing` notices it publishes."""

import json
from datetime import UTC, datetime

import pytest

from services.common.topology import subscription
from services.common.workdays import local_day
from services.reporting import reports
from services.reporting.compliance import period_of, shift_month
from services.reporting.filters import build_filter
from services.reporting.results import json_rows
from services.reporting.schemas import ReportQuery
from services.reporting.service import ComplianceWatch
from tests.support.broker import drain, publish_event
from tests.support.waiting import wait_until

from .history import directory_events, report_event
from .test_api import Client
from .test_read_model import all_events

pytestmark = pytest.mark.integration

STABLE_REPORTS = ("summary", "on_time", "resolution_time", "trend", "top_units", "compliance")


def local_rows(model, name):
    """A report's JSON rows computed from a read model fed in order, without a broker."""
    with model.sessions() as session:
        flt = build_filter(session, ReportQuery().load({}), "leader", datetime.now(UTC),
                           model.settings)
        return json.loads(json.dumps(json_rows(reports.run(session, name, flt)), default=str))


def test_reversed_and_repeated_delivery_gives_the_reports_of_in_order_delivery(
        start_service, amqp_uri, make_read_model):
    events = all_events()
    expected = make_read_model().feed(events)
    client = Client(start_service("reporting"))
    for envelope in [*reversed(events), *events[::3], *events[-5:]]:
        publish_event(amqp_uri, envelope)

    def converged():
        return all(client.report(name).json()["rows"] == local_rows(expected, name)
                   for name in STABLE_REPORTS)

    wait_until(converged, timeout=30, message="every report as with in-order delivery")


def test_units_still_owing_their_report_are_announced_once_after_the_due_day(
        start_service, amqp_uri):
    today = local_day(datetime.now(UTC))
    if today.day == 1:
        pytest.skip("on the 1st no due day (1 at the earliest) is over yet")
    service = start_service("reporting", PERIODIC_REPORT_DUE_DAY=1,
                            DEADLINE_CHECK_SECONDS=3600)
    last_month = shift_month(period_of(today), -1)
    for envelope in [*directory_events(), report_event("CB-001", last_month,
                                                       f"{last_month}-20 09:00")]:
        publish_event(amqp_uri, envelope)
    client = Client(service)
    wait_until(lambda: {r["unit_code"]: r["status"] for r in client.report(
        "compliance", period=last_month).json()["rows"]}.get("CB-001") == "on_time"
        and len(client.report("compliance", period=last_month).json()["rows"]) == 4,
        message="directory and report consumed")
    watch = next(ext for ext in service.container.subextensions
                 if isinstance(ext, ComplianceWatch))
    watch.wake()
    queue = subscription("periodic_report_missing", "notify").queue_name
    urged = drain(amqp_uri, queue, expect=3)
    for _ in range(2):  # the first wait may end with the round that announced them
        rounds = watch.pulse.rounds
        watch.wake()
        wait_until(lambda done=rounds: watch.pulse.rounds > done,
                   message="another compliance round")
    assert drain(amqp_uri, queue, timeout=1.0) == []
    assert sorted(body["payload"]["unit_code"] for body in urged) == [
        "CB-002", "CB-003", "DB-001"]
    assert {body["payload"]["period"] for body in urged} == {last_month}
