"""Aggregate reports: summary, on-time rate, resolution time, backlog ageing, trend and the
units with the largest backlog. Pure functions of a session and a ReportFilter.

Figures are "as known now": a case received in the period is counted under the status it has
today; a case counts as resolved when it is resolved or closed now, at the time of its last
resolution (a reopened case is open again until resolved again).
"""

import math
from datetime import date, timedelta

from sqlalchemy import and_, case, func, select

from .facts import CLOCK_RUNNING, OPEN_STATUSES
from .filters import case_conditions
from .labels import ALL, PRIORITY_LABELS
from .models import CaseFact, DirectoryUnit
from .results import Column, ReportResult, json_value
from .summary import received_counts, resolved_counts

STATUSES = ("new", "assigned", "in_progress", "awaiting_info", "resolved", "closed",
            "rejected", "merged")
PRIORITY_ORDER = ("hot", "urgent", "normal")
AGE_BUCKETS = (("0-5", "0–5 ngày làm việc", 5), ("6-10", "6–10 ngày làm việc", 10),
               ("11-20", "11–20 ngày làm việc", 20), (">20", "Trên 20 ngày làm việc", None))
TOP_UNITS_DEFAULT = 10
P90 = 0.9


def _overdue(flt):
    """SQL condition: the clock runs and the deadline has passed."""
    return and_(CaseFact.status.in_(CLOCK_RUNNING), CaseFact.deadline_at.is_not(None),
                CaseFact.deadline_at < flt.now)


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def summary(session, flt):
    """Cases received in the period and where they stand now; `total`/`by_status` as before."""
    counts = received_counts(session, flt, "status")
    overdue = session.scalar(select(func.count()).select_from(CaseFact)
                             .where(*case_conditions(flt), _overdue(flt)))
    by_status = {status: counts.get(status, 0) for status in STATUSES}
    by_status.update({k: v for k, v in counts.items() if k not in by_status})
    received = sum(counts.values())
    row = {"received": received, "open": sum(by_status[s] for s in OPEN_STATUSES),
           "resolved": by_status["resolved"], "closed": by_status["closed"],
           "rejected": by_status["rejected"], "merged": by_status["merged"], "overdue": overdue}
    columns = (Column("received", "Tiếp nhận", "int"), Column("open", "Đang xử lý", "int"),
               Column("resolved", "Đã xử lý, chờ xác nhận", "int"),
               Column("closed", "Đã kết thúc", "int"), Column("rejected", "Không thụ lý", "int"),
               Column("merged", "Đã gộp", "int"), Column("overdue", "Đang quá hạn", "int"))
    return ReportResult("summary", "", columns, [row],
                        {"total": received, "by_status": by_status})


def _by_priority(rows, make_row):
    """One row per priority (hot, urgent, normal) and one for all, from {priority: values}."""
    found = [make_row(PRIORITY_LABELS[p], p, rows.get(p, [])) for p in PRIORITY_ORDER]
    return [*found, make_row(ALL, None, [v for p in PRIORITY_ORDER for v in rows.get(p, [])])]


def on_time(session, flt):
    """Resolutions in the period made on or before the deadline then in force."""
    grouped = {}
    for (priority, flag), count in resolved_counts(session, flt, ("priority", "on_time")).items():
        grouped.setdefault(priority, []).append((flag, count))

    def make_row(group, priority, counts):
        resolved = sum(count for _, count in counts)
        with_deadline = sum(count for flag, count in counts if flag is not None)
        hits = sum(count for flag, count in counts if flag is True)
        rate = 100.0 * hits / with_deadline if with_deadline else None
        return {"group": group, "priority": priority, "resolved": resolved,
                "with_deadline": with_deadline, "on_time": hits,
                "late": with_deadline - hits, "rate": rate}

    columns = (Column("group", "Mức độ"), Column("resolved", "Đã giải quyết", "int"),
               Column("with_deadline", "Có hạn xử lý", "int"),
               Column("on_time", "Đúng hạn", "int"), Column("late", "Trễ hạn", "int"),
               Column("rate", "Tỷ lệ đúng hạn (%)", "float"))
    rows = _by_priority(grouped, make_row)
    return ReportResult("on_time", "", columns, rows,
                        {"rate": json_value(rows[-1]["rate"], "float")})


def ranked_value(histogram, rank):
    """The value at 1-based `rank` in the sorted values a {value: count} histogram holds."""
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    raise ValueError(f"rank {rank} is beyond the {seen} values counted")


def histogram_figures(histogram):
    """Count, median, nearest-rank 90th percentile, mean and max of a {value: count} histogram
    (the same figures `statistics.median`, a nearest-rank percentile and `fmean` give on
    the values)."""
    total = sum(histogram.values())
    if not total:
        return {"resolved": 0, "median": None, "p90": None, "mean": None, "max": None}
    middle = ranked_value(histogram, (total + 1) // 2)
    median = middle if total % 2 else (middle + ranked_value(histogram, total // 2 + 1)) / 2
    return {"resolved": total, "median": median,
            "p90": ranked_value(histogram, max(1, math.ceil(P90 * total))),
            "mean": sum(value * count for value, count in histogram.items()) / total,
            "max": max(histogram)}


def resolution_time(session, flt):
    """Working days from receipt to resolution (pauses and closed spells left out).

    The database counts cases per priority and whole number of days; the figures come from
    those counts, so no case row leaves the database."""
    grouped = {}
    for (priority, days), count in resolved_counts(session, flt, ("priority", "days")).items():
        if days is not None:
            grouped.setdefault(priority, []).append((days, count))

    def make_row(group, priority, counts):
        histogram = {}
        for days, count in counts:
            histogram[days] = histogram.get(days, 0) + count
        return {"group": group, "priority": priority, **histogram_figures(histogram)}

    columns = (Column("group", "Mức độ"), Column("resolved", "Đã giải quyết", "int"),
               Column("median", "Trung vị (ngày làm việc)", "float"),
               Column("p90", "Phân vị 90 (ngày làm việc)", "float"),
               Column("mean", "Trung bình (ngày làm việc)", "float"),
               Column("max", "Lâu nhất (ngày làm việc)", "int"))
    return ReportResult("resolution_time", "", columns, _by_priority(grouped, make_row))


def age_cutoff(calendar, today, days):
    """The earliest day a case can have been received on and be at most `days` working days
    old today (age = working days after the day of receipt, up to today)."""
    day, age = today, 0
    while True:
        older = age + calendar.is_working_day(day)
        if older > days:
            return day
        day, age = day - timedelta(days=1), older


def ageing(session, flt):
    """Open cases (received in the period) by working days since receipt."""
    per_day = session.execute(
        select(CaseFact.opened_on, func.count(), _count_if(_overdue(flt)))
        .where(*case_conditions(flt), CaseFact.status.in_(OPEN_STATUSES))
        .group_by(CaseFact.opened_on)).all()
    calendar = flt.settings.calendar
    cutoffs = [age_cutoff(calendar, flt.today, limit) if limit is not None else date.min
               for _, _, limit in AGE_BUCKETS]
    rows = [{"bucket": key, "label": label, "cases": 0, "overdue": 0}
            for key, label, _ in AGE_BUCKETS]
    for opened_on, count, overdue in per_day:
        index = next(i for i, cutoff in enumerate(cutoffs) if opened_on >= cutoff)
        rows[index]["cases"] += count
        rows[index]["overdue"] += int(overdue)
    columns = (Column("bucket", "Nhóm"), Column("label", "Thời gian tồn đọng"),
               Column("cases", "Số vụ việc đang mở", "int"),
               Column("overdue", "Trong đó quá hạn", "int"))
    return ReportResult("ageing", "", columns, rows,
                        {"open": sum(r["cases"] for r in rows)})


def _bucket(day, by):
    if by == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}", day - timedelta(days=day.weekday())
    return f"{day.year:04d}-{day.month:02d}", day.replace(day=1)


def _buckets(first, last, by):
    """Every bucket label from `first` to `last` with its first day, in order."""
    found, day = {}, first
    while day <= last:
        key, start = _bucket(day, by)
        found.setdefault(key, start)
        day = start + timedelta(days=7) if by == "week" else \
            (start + timedelta(days=32)).replace(day=1)
    return found


def trend(session, flt):
    """Cases received and resolved per ISO week or per month (`by=week|month`)."""
    received = received_counts(session, flt, "day")
    resolved = {day: count for (day,), count in resolved_counts(session, flt, ("day",)).items()}
    first = flt.date_from or min([*received, *resolved], default=flt.today)
    last = flt.date_to or max([*received, *resolved, flt.today])
    buckets = _buckets(first, last, flt.by)
    rows = {key: {"period": key, "starts_on": start, "received": 0, "resolved": 0}
            for key, start in buckets.items()}
    for counts, name in ((received, "received"), (resolved, "resolved")):
        for day, count in counts.items():
            key = _bucket(day, flt.by)[0]
            if key in rows:
                rows[key][name] += count
    columns = (Column("period", "Tuần" if flt.by == "week" else "Tháng"),
               Column("starts_on", "Từ ngày", "date"), Column("received", "Tiếp nhận", "int"),
               Column("resolved", "Giải quyết", "int"))
    return ReportResult("trend", "", columns, list(rows.values()), {"by": flt.by})


def top_units(session, flt):
    """Units holding the most open cases, sub-cells rolled up to their grassroots committee."""
    per_unit = session.execute(
        select(CaseFact.assigned_unit, func.count(), _count_if(_overdue(flt)),
               _count_if(CaseFact.priority.in_(("hot", "urgent"))))
        .where(*case_conditions(flt), CaseFact.status.in_(OPEN_STATUSES))
        .group_by(CaseFact.assigned_unit)).all()
    units = {u.code: u for u in session.scalars(select(DirectoryUnit).where(
        DirectoryUnit.code.in_([code for code, *_ in per_unit if code])))}
    roll_up_codes = {u.grassroots_code for u in units.values() if u.grassroots_code}
    units.update({u.code: u for u in session.scalars(select(DirectoryUnit).where(
        DirectoryUnit.code.in_(roll_up_codes - set(units))))})
    totals, unassigned = {}, 0
    for code, count, overdue, pressing in per_unit:
        if code is None:
            unassigned += count
            continue
        unit = units.get(code)
        key = (unit.grassroots_code if unit else None) or code
        before = totals.get(key, (0, 0, 0))
        totals[key] = (before[0] + count, before[1] + int(overdue), before[2] + int(pressing))
    ranked = sorted(totals.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
    rows = [{"rank": rank, "unit_code": code,
             "unit_name": units[code].name if code in units else None,
             "open": open_, "overdue": overdue, "hot_urgent": pressing}
            for rank, (code, (open_, overdue, pressing)) in enumerate(
                ranked[:flt.limit or TOP_UNITS_DEFAULT], 1)]
    columns = (Column("rank", "Hạng", "int"), Column("unit_code", "Mã đơn vị"),
               Column("unit_name", "Đơn vị"), Column("open", "Đang xử lý", "int"),
               Column("overdue", "Quá hạn", "int"), Column("hot_urgent", "Nóng, khẩn", "int"))
    return ReportResult("top_units", "", columns, rows, {"unassigned": unassigned})
