"""Report arithmetic on hand-built event histories (no broker): Vietnam's working days,
pauses, reopening, merging, transfers and Tết."""

import math
import random
import statistics
from collections import Counter
from datetime import date

import pytest
from marshmallow import ValidationError

from services.reporting import reports
from services.reporting.figures import age_cutoff, histogram_figures, ranked_value
from services.reporting.filters import build_filter
from services.reporting.lists import working_days_to
from services.reporting.models import CaseFact
from services.reporting.schemas import ReportQuery

from .history import CALENDAR, VN, CaseStory, directory_events, report_event, vn

QUERY = ReportQuery()


def percentile(values, share):
    """Nearest-rank percentile of a non-empty list: the reference the histogram is checked by."""
    histogram = {}
    for value in values:
        histogram[value] = histogram.get(value, 0) + 1
    return ranked_value(histogram, max(1, math.ceil(share * len(values))))


def run(model, name, now="2026-11-30 10:00", role="leader", **query):
    """One report's result for query-string values, at a Vietnam wall-clock time."""
    with model.sessions() as session:
        flt = build_filter(session, QUERY.load({k: str(v) for k, v in query.items()}), role,
                           vn(now), model.settings)
        return reports.run(session, name, flt)


def fact(model, story):
    with model.sessions() as session:
        return session.get(CaseFact, story.case_id)


def by_group(result):
    return {row["group"]: row for row in result.rows}


# -- the calendar facts the expectations below rest on -------------------------------------

def test_the_expectations_rest_on_these_calendar_facts():
    assert not CALENDAR.is_working_day(date(2026, 11, 24))  # Ngày Văn hóa Việt Nam
    assert [d for d in range(4, 11) if not CALENDAR.is_working_day(date(2027, 2, d))] == [
        4, 5, 6, 7, 8, 9, 10]  # Tết Đinh Mùi: 29 Tết to mùng năm, with the weekend


# -- resolution time -----------------------------------------------------------------------

def test_resolution_time_counts_working_days_after_the_day_of_receipt(read_model):
    story = CaseStory("2026-11-02 09:00")  # Monday
    story.assign("CB-001", "2026-11-02 10:00").accept("2026-11-03 08:00")
    story.resolve("2026-11-06 15:00")  # Friday: 3, 4, 5, 6 November
    read_model.feed(story.events)
    assert fact(read_model, story).resolution_days == 4


def test_time_awaiting_information_does_not_count(read_model):
    story = CaseStory("2026-11-02 09:00")
    story.assign("CB-001", "2026-11-02 10:00").accept("2026-11-02 11:00")
    story.request_info("2026-11-04 10:00").comment("2026-11-05 10:00")
    story.provide_info("2026-11-09 10:00")  # paused over 5, 6 and 9 November
    story.resolve("2026-11-12 16:00")  # 8 working days after receipt, 3 of them paused
    read_model.feed(story.events)
    found = fact(read_model, story)
    assert (found.paused_days, found.resolution_days) == (3, 5)


def test_tet_holidays_are_not_working_days(read_model):
    story = CaseStory("2027-02-03 09:00", priority="hot")  # Wednesday before Tết
    story.assign("CB-001", "2027-02-03 10:00").accept("2027-02-03 11:00")
    story.resolve("2027-02-11 09:00")  # the first working day after Tết
    read_model.feed(story.events)
    found = fact(read_model, story)
    assert found.resolution_days == 1
    assert found.resolved_deadline_at == vn("2027-02-11 23:59:59.999999")
    assert found.resolved_on_time is True


def test_a_reopened_case_counts_its_last_resolution_without_the_time_it_was_closed(read_model):
    story = CaseStory("2026-11-02 09:00", priority="urgent")
    story.assign("SO-NV", "2026-11-02 10:00").accept("2026-11-02 11:00")
    story.resolve("2026-11-04 10:00").confirm("2026-11-05 10:00")
    story.reopen("2026-11-16 09:00").accept("2026-11-16 10:00")
    read_model.feed(story.events)
    reopened = fact(read_model, story)
    assert (reopened.status, reopened.resolved_at, reopened.reopen_count) == (
        "in_progress", None, 1)
    assert reopened.first_resolved_at == vn("2026-11-04 10:00")
    read_model.feed(story.resolve("2026-11-19 10:00").events[-1:])
    resolved = fact(read_model, story)
    # 13 working days from 2 to 19 November, less 7 while closed (6 to 16 November)
    assert resolved.resolution_days == 6
    assert resolved.resolved_deadline_at == CALENDAR.add_working_days(vn("2026-11-16 09:00"), 3)
    assert resolved.resolved_on_time is True


def test_resolution_time_gives_median_and_90th_percentile_per_priority(read_model):
    stories = []
    for resolved_on, priority in [("2026-11-03", "normal"), ("2026-11-04", "normal"),
                                  ("2026-11-05", "normal"), ("2026-11-06", "normal"),
                                  ("2026-11-09", "urgent")]:  # 1, 2, 3, 4 and 5 working days
        story = CaseStory("2026-11-02 08:00", priority=priority)
        story.assign("CB-001", "2026-11-02 09:00").accept("2026-11-02 10:00")
        story.resolve(f"{resolved_on} 10:00")
        stories.append(story)
    read_model.feed([e for s in stories for e in s.events])
    rows = by_group(run(read_model, "resolution_time", **{"from": "2026-11-01"}))
    assert rows["Thường"]["resolved"] == 4
    assert rows["Thường"]["median"] == 2.5
    assert rows["Thường"]["p90"] == 4
    assert rows["Khẩn"]["median"] == 5
    assert rows["Nóng"]["resolved"] == 0 and rows["Nóng"]["median"] is None
    assert rows["Tất cả"]["resolved"] == 5
    assert rows["Tất cả"]["median"] == 3
    assert rows["Tất cả"]["max"] == 5


def test_percentile_is_nearest_rank():
    assert percentile(list(range(1, 11)), 0.9) == 9
    assert percentile([7], 0.9) == 7
    assert percentile([1, 2, 3, 100], 0.9) == 100


@pytest.mark.parametrize("seed", range(6))
def test_figures_from_counts_per_day_equal_figures_from_the_days_themselves(seed):
    rng = random.Random(seed)
    days = [rng.choice((0, 1, 1, 2, 3, 5, 8, 13, 40)) for _ in range(rng.randint(1, 60))]
    figures = histogram_figures(Counter(days))
    assert figures == {"resolved": len(days), "median": statistics.median(days),
                       "p90": percentile(days, 0.9), "mean": pytest.approx(statistics.fmean(days)),
                       "max": max(days)}
    assert histogram_figures({})["median"] is None


def test_working_days_to_now_are_counted_as_the_calendar_counts_them():
    now = vn("2027-02-15 10:00")  # after Tết
    moments = [vn(f"2027-{m:02d}-{d:02d} 09:00") for m, d in ((1, 2), (2, 3), (2, 9), (2, 15))]
    moments.append(vn("2027-03-01 09:00"))  # after now
    counted = working_days_to(CALENDAR, moments, now)
    for moment in moments:
        assert counted[moment.astimezone(VN).date()] == CALENDAR.working_days_between(
            moment, now)


# -- summary, on-time rate and filters ------------------------------------------------------

@pytest.fixture
def november(read_model):
    """A month of cases across the sample directory."""
    on_time = CaseStory("2026-11-02 09:00", code="ONTIME", unit_code="CB-001", channel="web")
    on_time.assign("CB-001", "2026-11-02 10:00").accept("2026-11-03 08:00")
    on_time.resolve("2026-11-06 15:00").confirm("2026-11-09 09:00")
    late = CaseStory("2026-11-03 09:00", code="LATE", priority="hot", unit_code="DB-001-CB01",
                     category="security", channel="hotline")
    late.assign("DB-001", "2026-11-03 10:00").accept("2026-11-03 11:00")
    late.overdue("2026-11-05 00:05").resolve("2026-11-06 10:00")
    moved = CaseStory("2026-11-04 09:00", code="MOVED", priority="urgent",
                      unit_code="DB-001-CB02", title="Vụ việc được chuyển")
    moved.assign("DB-001-CB02", "2026-11-04 10:00").transfer("SO-NV", "2026-11-05 10:00")
    merged = CaseStory("2026-11-05 09:00", code="MERGED")
    merged.merge(on_time.case_id, "2026-11-05 11:00")
    rejected = CaseStory("2026-11-05 09:00", code="REJECTED", unit_code="CB-003")
    rejected.reject("2026-11-05 12:00")
    fresh = CaseStory("2026-11-27 09:00", code="FRESH", unit_code="CB-003", channel="meeting")
    december = CaseStory("2026-12-01 06:00", code="DECEMBER")  # 30 November 23:00 UTC
    october = CaseStory("2026-10-30 09:00", code="OCTOBER", unit_code="DB-001-CB01")
    october.assign("DB-001-CB01", "2026-10-30 10:00").accept("2026-10-30 11:00")
    stories = [on_time, late, moved, merged, rejected, fresh, december, october]
    read_model.feed(directory_events())
    read_model.feed([e for s in stories for e in s.events])
    return read_model


NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}


def test_summary_counts_the_cases_received_in_the_period_by_where_they_stand(november):
    result = run(november, "summary", now="2026-12-02 10:00", **NOVEMBER)
    [row] = result.rows
    assert row == {"received": 6, "open": 2, "resolved": 1, "closed": 1, "rejected": 1,
                   "merged": 1, "overdue": 1}
    assert result.extra["total"] == 6
    assert result.extra["by_status"]["assigned"] == 1
    assert result.extra["by_status"]["new"] == 1


def test_summary_without_filters_counts_every_case(november):
    result = run(november, "summary", now="2026-12-02 10:00")
    assert result.extra["total"] == 8


def test_periods_are_vietnam_calendar_days(november):
    december = run(november, "summary", **{"from": "2026-12-01", "to": "2026-12-01"})
    assert december.extra["total"] == 1


def test_a_unit_filter_takes_the_whole_subtree_by_origin_or_assigned_unit(november):
    subtree = run(november, "summary", unit="DB-001", **NOVEMBER)
    assert subtree.extra["total"] == 2  # LATE (from a sub-cell) and MOVED (from another)
    cell = run(november, "summary", unit="DB-001-CB01", **NOVEMBER)
    assert cell.extra["total"] == 1
    department = run(november, "summary", unit="so-nv", **NOVEMBER)
    assert department.extra["total"] == 1


def test_category_priority_and_channel_filters_combine(november):
    assert run(november, "summary", category="security").extra["total"] == 1
    assert run(november, "summary", priority="hot", channel="hotline").extra["total"] == 1
    assert run(november, "summary", priority="hot", channel="web").extra["total"] == 0


def test_an_unknown_unit_is_refused_naming_the_field(november):
    with pytest.raises(ValidationError) as refused:
        run(november, "summary", unit="XX-999")
    assert "unit" in refused.value.messages


def test_on_time_rate_compares_each_resolution_with_the_deadline_then(november):
    rows = by_group(run(november, "on_time", **NOVEMBER))
    assert rows["Tất cả"] == {"group": "Tất cả", "priority": None, "resolved": 2,
                              "with_deadline": 2, "on_time": 1, "late": 1, "rate": 50.0}
    assert rows["Nóng"]["late"] == 1
    assert rows["Thường"]["rate"] == 100.0


# -- backlog: ageing, overdue, hot, top units ----------------------------------------------

def test_age_cutoffs_skip_weekends_and_holidays():
    assert age_cutoff(CALENDAR, date(2026, 11, 30), 5) == date(2026, 11, 20)
    assert CALENDAR.working_days_between(vn("2026-11-20 09:00"), vn("2026-11-30 09:00")) == 5


def test_ageing_puts_open_cases_in_working_day_buckets(november):
    result = run(november, "ageing", now="2026-12-02 10:00")
    cases = {row["bucket"]: (row["cases"], row["overdue"]) for row in result.rows}
    # FRESH 27 Nov: 3 days; DECEMBER 1 Dec: 1; MOVED 4 Nov: 19; OCTOBER 30 Oct: 22
    assert cases == {"0-5": (2, 0), "6-10": (0, 0), "11-20": (1, 1), ">20": (1, 1)}


def test_overdue_lists_running_cases_past_their_deadline_longest_first(november):
    result = run(november, "overdue", now="2026-12-02 10:00")
    assert [row["tracking_code"] for row in result.rows] == ["MOVED", "OCTOBER"]
    moved, october = result.rows
    assert october["deadline_at"] == CALENDAR.add_working_days(vn("2026-10-30 09:00"), 10)
    assert october["days_overdue"] == CALENDAR.working_days_between(
        october["deadline_at"], vn("2026-12-02 10:00"))
    assert (moved["unit_code"], moved["unit_name"]) == ("SO-NV", "Sở Nội vụ tỉnh Vân Lĩnh")
    assert moved["title"] == "Vụ việc được chuyển"
    assert result.extra["total"] == 2


def test_titles_of_sensitive_cases_are_hidden_from_readers_who_may_not_see_them(read_model):
    story = CaseStory("2026-11-02 09:00", priority="hot", title="Việc mật",
                      sensitivity="confidential")
    story.assign("CB-001", "2026-11-02 10:00")
    read_model.feed(directory_events()).feed(story.events)
    assert run(read_model, "hot").rows[0]["title"] == "Việc mật"
    assert run(read_model, "hot", role="clerk").rows[0]["title"] == "(nội dung hạn chế)"


def test_hot_lists_open_hot_matters_before_urgent_ones(november):
    result = run(november, "hot", now="2026-12-02 10:00")
    assert [row["tracking_code"] for row in result.rows] == ["MOVED"]
    urgent = CaseStory("2026-11-30 09:00", code="URGENT2", priority="urgent")
    hot = CaseStory("2026-12-01 09:00", code="HOT2", priority="hot")
    november.feed(urgent.events + hot.events)
    result = run(november, "hot", now="2026-12-02 10:00")
    assert [row["tracking_code"] for row in result.rows] == ["HOT2", "MOVED", "URGENT2"]


def test_top_units_roll_sub_cells_up_to_their_committee(november):
    result = run(november, "top_units", now="2026-12-02 10:00")
    ranked = [(row["unit_code"], row["open"], row["overdue"]) for row in result.rows]
    assert ranked == [("DB-001", 1, 1), ("SO-NV", 1, 1)]
    assert result.extra["unassigned"] == 2
    assert run(november, "top_units", limit=1).rows[0]["rank"] == 1


# -- trend ---------------------------------------------------------------------------------

def test_trend_by_week_and_month(november):
    weeks = run(november, "trend", by="week", **NOVEMBER)
    counts = {row["period"]: (row["received"], row["resolved"]) for row in weeks.rows}
    assert list(counts)[0] == "2026-W44"  # Sunday 1 November is in week 44
    assert counts["2026-W45"] == (5, 2)
    assert counts["2026-W48"] == (1, 0)
    assert weeks.rows[1]["starts_on"] == date(2026, 11, 2)
    months = run(november, "trend", **{"from": "2026-10-01", "to": "2026-12-31"})
    assert [(r["period"], r["received"], r["resolved"]) for r in months.rows] == [
        ("2026-10", 1, 0), ("2026-11", 6, 2), ("2026-12", 1, 0)]


# -- periodic-report compliance ------------------------------------------------------------

def test_compliance_tells_on_time_late_missing_and_not_yet_due(read_model):
    read_model.feed(directory_events()).feed([
        report_event("DB-001", "2026-10", "2026-11-05 22:00"),
        report_event("CB-001", "2026-10", "2026-11-06 09:00"),
        report_event("CB-001", "2026-11", "2026-11-30 09:00"),
    ])
    october = run(read_model, "compliance", now="2026-11-10 10:00", period="2026-10")
    standing = {row["unit_code"]: row["status"] for row in october.rows}
    assert standing == {"CB-001": "late", "CB-002": "missing", "CB-003": "missing",
                        "DB-001": "on_time"}
    late = next(row for row in october.rows if row["unit_code"] == "CB-001")
    assert (late["due_on"], late["days_late"]) == (date(2026, 11, 5), 1)
    assert october.extra["counts"] == {"on_time": 1, "late": 1, "missing": 2, "pending": 0}
    both = run(read_model, "compliance", now="2026-12-03 10:00", unit="CB-001",
               **{"from": "2026-10-01", "to": "2026-11-30"})
    assert [(r["period"], r["status"]) for r in both.rows] == [
        ("2026-10", "late"), ("2026-11", "on_time")]
    pending = run(read_model, "compliance", now="2026-12-03 10:00", unit="DB-001")
    assert [(r["period"], r["status"]) for r in pending.rows] == [("2026-11", "pending")]
