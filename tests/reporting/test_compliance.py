"""Monthly situation reports: due days, and `periodic_report_missing` once per unit and month."""

import json
from datetime import date

import pytest
from sqlalchemy import select

from services.common.contracts import load_event
from services.common.tables import outbox
from services.reporting.compliance import (
    due_on,
    notice_id,
    period_to_urge,
    periods_between,
    send_missing_notices,
)
from services.reporting.dashboard_query import DashboardChoice, compliance_month

from .history import directory_events, report_event, unit_event, vn


@pytest.mark.parametrize(("period", "due_day", "due"), [
    ("2026-10", 5, date(2026, 11, 5)),
    ("2026-12", 5, date(2027, 1, 5)),
    ("2027-01", 31, date(2027, 2, 28)),
])
def test_a_month_s_report_is_due_on_the_due_day_of_the_next_month(period, due_day, due):
    assert due_on(period, due_day) == due


@pytest.mark.parametrize(("today", "period"), [
    (date(2026, 11, 5), None),   # October's report is still due today
    (date(2026, 11, 6), "2026-10"),
    (date(2026, 11, 30), "2026-10"),
    (date(2027, 1, 6), "2026-12"),
])
def test_units_are_urged_for_last_month_once_this_month_s_due_day_is_over(today, period):
    assert period_to_urge(today, 5) == period


def test_periods_between_cover_every_month_touched():
    assert periods_between(date(2026, 11, 30), date(2027, 2, 1)) == [
        "2026-11", "2026-12", "2027-01", "2027-02"]


def notices(read_model):
    with read_model.sessions() as session:
        rows = session.execute(select(outbox.c.body).where(
            outbox.c.event_type == "periodic_report_missing")).all()
    return [load_event(json.loads(row.body)) for row in rows]


def send(read_model, now):
    with read_model.sessions() as session:
        written = send_missing_notices(session, 5, vn(now))
        session.commit()
    return written


def test_units_still_owing_after_the_due_day_are_named_once(read_model):
    read_model.feed(directory_events()).feed([
        unit_event("CB-002", "Chi bộ đã giải thể", "grassroots_cell", "DUK", version=2,
                   active=False),
        report_event("DB-001", "2026-10", "2026-11-04 09:00"),
    ])
    assert send(read_model, "2026-11-05 23:00") == 0  # still the due day
    assert send(read_model, "2026-11-06 00:30") == 2
    assert send(read_model, "2026-11-07 09:00") == 0
    sent = notices(read_model)
    assert sorted(e.payload["unit_code"] for e in sent) == ["CB-001", "CB-003"]
    assert {e.payload["period"] for e in sent} == {"2026-10"}
    assert {e.payload["due_on"] for e in sent} == {date(2026, 11, 5)}
    assert {e.event_id for e in sent} == {notice_id("CB-001", "2026-10"),
                                          notice_id("CB-003", "2026-10")}
    assert all(e.producer == "reporting" for e in sent)


def test_each_month_the_units_owing_that_month_s_report_are_named(read_model):
    read_model.feed(directory_events())
    assert send(read_model, "2026-11-06 09:00") == 4
    read_model.feed([report_event("CB-001", "2026-11", "2026-11-30 09:00")])
    assert send(read_model, "2026-12-06 09:00") == 3
    assert sorted(e.payload["period"] for e in notices(read_model)) == ["2026-10"] * 4 + [
        "2026-11"] * 3


def test_units_reporting_learnt_of_after_the_due_day_are_not_urged_for_that_month(read_model):
    read_model.feed([*directory_events(),
                     unit_event("CB-004", "Chi bộ mới thành lập", "grassroots_cell", "DUK",
                                at="2026-11-20 08:00")])
    assert send(read_model, "2026-11-23 09:00") == 4
    assert "CB-004" not in {e.payload["unit_code"] for e in notices(read_model)}
    assert send(read_model, "2026-12-06 09:00") == 5


@pytest.mark.parametrize(("today", "end", "shown"), [
    # early in the month last month's reports are not due yet: the month before is shown
    (date(2026, 11, 3), None, "2026-09"),
    (date(2026, 11, 5), None, "2026-09"),  # the due day itself is still on time
    (date(2026, 11, 6), None, "2026-10"),
    (date(2026, 11, 6), date(2026, 7, 31), "2026-07"),  # a past period shows its own month
    (date(2026, 1, 2), None, "2025-11"),
])
def test_the_dashboard_shows_the_latest_month_whose_reports_are_due(today, end, shown):
    choice = DashboardChoice(start=None, end=end)
    assert compliance_month(choice, today, due_day=5) == shown
