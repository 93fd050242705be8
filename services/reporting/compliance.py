"""Monthly situation reports: who sent theirs on time, late or not at all, and the
`periodic_report_missing` notice sent once per unit and month after the due day.

The report for month M is due on day `PERIODIC_REPORT_DUE_DAY` (default 5) of month M+1,
Vietnam time (the last day of that month if it is shorter); sent on or before that day it is
on time, after it late, and without one after the due day the unit is missing. Once this
month's due day is over, each unit still owing last month's report is named in one
`periodic_report_missing` (a stable event id, so a rebuilt read model cannot urge twice);
older months are not chased again, nor units reporting learnt of only after the due day,
so a first deployment does not urge anyone for the months before it.
"""

import calendar as month_calendar
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select

from services.common.contracts import new_event
from services.common.outbox import write_event
from services.common.workdays import end_of_day, local_day

from .directory import GRASSROOTS_KINDS
from .models import ComplianceNotice, DirectoryUnit, PeriodicReportFact

NOTICE_NAMESPACE = uuid.UUID("5b0c7f0e-3f4a-4d39-9d0e-7c1d3f6a2b11")
STATUS_LABELS = {"on_time": "Đúng hạn", "late": "Trễ hạn", "missing": "Chưa nộp (quá hạn)",
                 "pending": "Chưa đến hạn"}


def period_of(day):
    """The month of a date as YYYY-MM."""
    return f"{day.year:04d}-{day.month:02d}"


def shift_month(period, months):
    """The period `months` after (or before) `period`."""
    year, month = map(int, period.split("-"))
    index = year * 12 + month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def periods_between(first, last):
    """Every period from the month of `first` to the month of `last`, inclusive."""
    periods, current = [], period_of(first)
    while current <= period_of(last):
        periods.append(current)
        current = shift_month(current, 1)
    return periods


def due_on(period, due_day):
    """The day the report for `period` is due: `due_day` of the following month."""
    year, month = map(int, shift_month(period, 1).split("-"))
    return date(year, month, min(due_day, month_calendar.monthrange(year, month)[1]))


def latest_month_due(month, due_day, by):
    """`month`, or the latest month before it, whose reports fell due on or before `by`."""
    while due_on(month, due_day) > by:
        month = shift_month(month, -1)
    return month


def period_to_urge(today, due_day):
    """The period whose units are urged on `today` (a Vietnam date): last month's once this
    month's due day is over, else none -- older months are not chased again."""
    period = shift_month(period_of(today), -1)
    return period if today > due_on(period, due_day) else None


def apply_periodic_report(session, event):
    """Record a unit's report for a month; the earliest submission stands. True if new."""
    payload = event.payload
    key = (payload["unit_code"], payload["period"])
    row = session.get(PeriodicReportFact, key, with_for_update=True)
    if row is not None and row.submitted_at <= payload["submitted_at"]:
        return False
    if row is None:
        row = PeriodicReportFact(unit_code=key[0], period=key[1])
        session.add(row)
    row.report_id, row.submitted_at = payload["report_id"], payload["submitted_at"]
    row.items, row.items_needing_action = payload["items"], payload["items_needing_action"]
    return True


@dataclass(frozen=True)
class Standing:
    """One unit's standing for one month."""

    period: str
    unit: DirectoryUnit
    status: str
    due_on: date
    submitted_at: datetime | None
    days_late: int | None


def obliged_units(session, subtree_path=None):
    """Active grassroots committees and cells (within a subtree), by code."""
    query = select(DirectoryUnit).where(DirectoryUnit.active.is_(True),
                                        DirectoryUnit.kind.in_(GRASSROOTS_KINDS))
    if subtree_path:
        query = query.where(DirectoryUnit.path.startswith(subtree_path, autoescape=True))
    return session.scalars(query.order_by(DirectoryUnit.code)).all()


def standings(session, periods, due_day, calendar, now, subtree_path=None):
    """Every obliged unit's standing for each period, in period then code order."""
    units = obliged_units(session, subtree_path)
    received = {(r.unit_code, r.period): r for r in session.scalars(
        select(PeriodicReportFact).where(PeriodicReportFact.period.in_(periods)))}
    today = local_day(now)
    found = []
    for period in periods:
        due = due_on(period, due_day)
        for unit in units:
            report = received.get((unit.code, period))
            late_days = None
            if report is None:
                status = "missing" if today > due else "pending"
            elif local_day(report.submitted_at) <= due:
                status = "on_time"
            else:
                status = "late"
                late_days = calendar.working_days_between(end_of_day(due), report.submitted_at)
            found.append(Standing(period, unit, status, due,
                                  report.submitted_at if report else None, late_days))
    return found


def notice_id(unit_code, period):
    """A stable event id for one unit's missing report, the same on every replica and rebuild."""
    return str(uuid.uuid5(NOTICE_NAMESPACE, f"periodic_report_missing|{unit_code}|{period}"))


def send_missing_notices(session, due_day, now=None, limit=500):
    """Write `periodic_report_missing` for each obliged unit without last month's report once
    this month's due day is over, once per unit and month; returns how many were written."""
    now = now or datetime.now(UTC)
    period = period_to_urge(local_day(now), due_day)
    if period is None:
        return 0
    due = due_on(period, due_day)
    sent = set(session.scalars(select(ComplianceNotice.unit_code)
                               .where(ComplianceNotice.period == period)))
    submitted = set(session.scalars(select(PeriodicReportFact.unit_code)
                                    .where(PeriodicReportFact.period == period)))
    known_by = end_of_day(due)
    owing = [u for u in obliged_units(session)
             if u.code not in sent | submitted and u.known_since <= known_by][:limit]
    for unit in owing:
        envelope = new_event("periodic_report_missing", {
            "unit_code": unit.code, "period": period, "due_on": due.isoformat()},
            aggregate_id=f"report:{unit.code}:{period}",
            correlation_id=f"report:{unit.code}:{period}")
        envelope["event_id"] = notice_id(unit.code, period)
        session.add(ComplianceNotice(unit_code=unit.code, period=period, due_on=due,
                                     event_id=envelope["event_id"], sent_at=now))
        session.flush()
        write_event(session, envelope)
    return len(owing)
