"""List reports: overdue cases, hot and urgent matters, and periodic-report compliance.

Case titles are not personal data, but sensitive cases keep their titles from readers who
could not open them in cases (see filters.visible_title).
"""

from datetime import timedelta

from sqlalchemy import case, func, select

from services.common.workdays import local_day

from .compliance import STATUS_LABELS as COMPLIANCE_LABELS
from .compliance import period_of, periods_between, shift_month, standings
from .directory import names
from .facts import CLOCK_RUNNING, OPEN_STATUSES
from .filters import case_conditions, visible_title
from .labels import KIND_LABELS, PRIORITY_LABELS, STATUS_LABELS, label
from .models import CaseFact
from .results import Column, ReportResult

LIST_LIMIT_DEFAULT = 1000
CASE_COLUMNS = (Column("tracking_code", "Mã tra cứu"), Column("title", "Tiêu đề"),
                Column("priority", "Mức độ"), Column("status", "Trạng thái"),
                Column("unit_code", "Mã đơn vị xử lý"), Column("unit_name", "Đơn vị xử lý"))


def working_days_to(calendar, moments, until):
    """{local day: working days in (that day, until's day]} for the days of `moments`: what
    `calendar.working_days_between(moment, until)` gives, counted in one walk back from
    `until` instead of one walk per case."""
    last = local_day(until)
    wanted = {local_day(moment) for moment in moments}
    counts = {day: 0 for day in wanted if day >= last}
    day, count, earliest = last, 0, min(wanted, default=last)
    while day >= earliest:
        if day in wanted:
            counts[day] = count
        count += calendar.is_working_day(day)
        day -= timedelta(days=1)
    return counts


def _case_rows(session, facts, flt, extra):
    """The common columns of a case list plus what `extra(fact)` adds."""
    unit_names = names(session, [f.assigned_unit for f in facts])
    return [{"tracking_code": f.tracking_code, "title": visible_title(f, flt.viewer_role),
             "priority": label(PRIORITY_LABELS, f.priority),
             "status": label(STATUS_LABELS, f.status), "unit_code": f.assigned_unit,
             "unit_name": unit_names.get(f.assigned_unit), **extra(f)} for f in facts]


def _limited(session, query, conditions, flt):
    total = session.scalar(select(func.count()).select_from(CaseFact).where(*conditions))
    facts = session.scalars(query.where(*conditions).limit(flt.limit or LIST_LIMIT_DEFAULT))
    return list(facts), total


def overdue(session, flt):
    """Cases past their deadline whose clock still runs, longest overdue first."""
    conditions = [*case_conditions(flt), CaseFact.status.in_(CLOCK_RUNNING),
                  CaseFact.deadline_at.is_not(None), CaseFact.deadline_at < flt.now]
    facts, total = _limited(session, select(CaseFact).order_by(
        CaseFact.deadline_at, CaseFact.case_id), conditions, flt)
    days_overdue = working_days_to(flt.settings.calendar, [f.deadline_at for f in facts],
                                   flt.now)
    rows = _case_rows(session, facts, flt, lambda f: {
        "deadline_at": f.deadline_at,
        "days_overdue": days_overdue[local_day(f.deadline_at)],
        "escalation_level": f.escalation_level})
    columns = (*CASE_COLUMNS, Column("deadline_at", "Hạn xử lý", "datetime"),
               Column("days_overdue", "Số ngày làm việc quá hạn", "int"),
               Column("escalation_level", "Cấp đã báo cáo vượt cấp", "int"))
    return ReportResult("overdue", "", columns, rows, {"total": total})


def hot(session, flt):
    """Open hot and urgent matters, hot first, then the oldest."""
    conditions = [*case_conditions(flt), CaseFact.status.in_(OPEN_STATUSES),
                  CaseFact.priority.in_(("hot", "urgent"))]
    order = (case((CaseFact.priority == "hot", 0), else_=1), CaseFact.opened_at,
             CaseFact.case_id)
    facts, total = _limited(session, select(CaseFact).order_by(*order), conditions, flt)
    days_open = working_days_to(flt.settings.calendar, [f.opened_at for f in facts], flt.now)
    rows = _case_rows(session, facts, flt, lambda f: {
        "opened_at": f.opened_at, "deadline_at": f.deadline_at,
        "days_open": days_open[local_day(f.opened_at)],
        "overdue": "Quá hạn" if f.status in CLOCK_RUNNING and f.deadline_at is not None
        and f.deadline_at < flt.now else "",
        "escalation_level": f.escalation_level})
    columns = (*CASE_COLUMNS, Column("opened_at", "Tiếp nhận lúc", "datetime"),
               Column("deadline_at", "Hạn xử lý", "datetime"),
               Column("days_open", "Số ngày làm việc đã qua", "int"),
               Column("overdue", "Quá hạn"),
               Column("escalation_level", "Cấp đã báo cáo vượt cấp", "int"))
    return ReportResult("hot", "", columns, rows, {"total": total})


def compliance_periods(flt):
    """The months a compliance report covers: `period`, else those of from..to, else the
    previous month."""
    if flt.period:
        return [flt.period]
    if flt.date_from or flt.date_to:
        return periods_between(flt.date_from or flt.date_to, flt.date_to or flt.today)
    return [shift_month(period_of(flt.today), -1)]


def compliance(session, flt):
    """Every active grassroots committee and cell: monthly report on time, late or missing."""
    periods = compliance_periods(flt)
    found = standings(session, periods, flt.settings.due_day, flt.settings.calendar, flt.now,
                      flt.unit.path if flt.unit else None)
    rows = [{"period": s.period, "unit_code": s.unit.code, "unit_name": s.unit.name,
             "kind": label(KIND_LABELS, s.unit.kind), "status": s.status,
             "status_label": COMPLIANCE_LABELS[s.status], "due_on": s.due_on,
             "submitted_at": s.submitted_at, "days_late": s.days_late} for s in found]
    counts = {status: sum(r["status"] == status for r in rows) for status in COMPLIANCE_LABELS}
    columns = (Column("period", "Kỳ báo cáo"), Column("unit_code", "Mã đơn vị"),
               Column("unit_name", "Đơn vị"), Column("kind", "Loại hình"),
               Column("status", "Mã tình trạng"), Column("status_label", "Tình trạng"),
               Column("due_on", "Hạn nộp", "date"),
               Column("submitted_at", "Nộp lúc", "datetime"),
               Column("days_late", "Số ngày làm việc trễ", "int"))
    ignored = [name for name in ("category", "priority", "channel") if getattr(flt, name)]
    extra = {"periods": periods, "counts": counts}
    if ignored:
        extra["ignored_filters"] = ignored
    return ReportResult("compliance", "", columns, rows, extra)
