"""Digest periods and their schedule, pure: ISO weeks across year ends, due moments in Vietnam
time across UTC midnight, catching up after downtime, disabled kinds, settings refused."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from services.reporting.digest_periods import (
    KINDS,
    DigestConfigError,
    DigestPeriodError,
    DigestSchedule,
    Period,
    latest_closed,
    parse_period,
    previous,
    week_of,
)

from .history import vn

DEFAULT = DigestSchedule()


def schedule(**settings):
    """A schedule from config values, as the service reads it."""
    return DigestSchedule.from_config(settings)


def utc(text):
    """An aware UTC datetime from 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(("day", "start", "end", "key"), [
    (date(2026, 11, 18), date(2026, 11, 16), date(2026, 11, 22), "2026-W47"),
    # 2026 starts on a Thursday: it has an ISO week 53, which ends in 2027
    (date(2026, 12, 31), date(2026, 12, 28), date(2027, 1, 3), "2026-W53"),
    (date(2027, 1, 3), date(2026, 12, 28), date(2027, 1, 3), "2026-W53"),
    (date(2027, 1, 4), date(2027, 1, 4), date(2027, 1, 10), "2027-W01"),
    # 31/12/2025 already belongs to the first ISO week of 2026
    (date(2025, 12, 31), date(2025, 12, 29), date(2026, 1, 4), "2026-W01"),
])
def test_a_week_runs_monday_to_sunday_and_is_named_by_its_iso_year(day, start, end, key):
    week = week_of(day)
    assert (week.start, week.end, week.key) == (start, end, key)
    assert week.start.weekday() == 0 and week.end.weekday() == 6


def test_the_latest_closed_week_across_the_year_end():
    # on Sunday 3 January 2027 week 53 is not over yet
    assert latest_closed("weekly", date(2027, 1, 3)).key == "2026-W52"
    assert latest_closed("weekly", date(2027, 1, 4)).key == "2026-W53"
    assert previous(week_of(date(2027, 1, 4))).key == "2026-W53"
    assert previous(week_of(date(2026, 1, 1))) == week_of(date(2025, 12, 22))


@pytest.mark.parametrize(("kind", "today", "start", "end", "key"), [
    ("monthly", date(2026, 11, 1), date(2026, 10, 1), date(2026, 10, 31), "2026-10"),
    ("monthly", date(2027, 1, 2), date(2026, 12, 1), date(2026, 12, 31), "2026-12"),
    ("monthly", date(2024, 3, 1), date(2024, 2, 1), date(2024, 2, 29), "2024-02"),
    ("quarter1", date(2026, 4, 1), date(2026, 1, 1), date(2026, 3, 31), "2026-Q1"),
    ("quarter1", date(2026, 3, 31), date(2025, 1, 1), date(2025, 3, 31), "2025-Q1"),
    ("half_year", date(2026, 7, 1), date(2026, 1, 1), date(2026, 6, 30), "2026-H1"),
    ("nine_months", date(2026, 11, 23), date(2026, 1, 1), date(2026, 9, 30), "2026-9M"),
    ("year", date(2026, 12, 31), date(2025, 1, 1), date(2025, 12, 31), "2025"),
    ("year", date(2027, 1, 1), date(2026, 1, 1), date(2026, 12, 31), "2026"),
])
def test_the_latest_closed_period_of_each_kind(kind, today, start, end, key):
    period = latest_closed(kind, today)
    assert (period.start, period.end, period.key) == (start, end, key)
    assert period.end < today


@pytest.mark.parametrize(("kind", "key", "due"), [
    # 07:00 in Vietnam is midnight UTC
    ("weekly", "2026-W47", "2026-11-23 00:00"),
    ("weekly", "2026-W53", "2027-01-04 00:00"),
    ("monthly", "2026-10", "2026-11-03 00:00"),
    ("monthly", "2026-12", "2027-01-03 00:00"),
    ("quarter1", "2026", "2026-04-03 00:00"),
    ("half_year", "2026", "2026-07-03 00:00"),
    ("nine_months", "2026", "2026-10-03 00:00"),
    ("year", "2026", "2027-01-03 00:00"),
])
def test_each_kind_is_due_after_its_period_at_the_default_moment(kind, key, due):
    assert DEFAULT.due_at(parse_period(kind, key)) == utc(due)


def test_a_vietnam_morning_before_seven_falls_on_the_previous_utc_day():
    early = schedule(DIGEST_WEEKLY_AT="mon 06:30", DIGEST_PERIODIC_AT="1 00:00")
    week = parse_period("weekly", "2026-W47")
    assert early.due_at(week) == utc("2026-11-22 23:30") == vn("2026-11-23 06:30")
    assert early.latest_due("weekly", utc("2026-11-22 23:29")).key == "2026-W46"
    assert early.latest_due("weekly", utc("2026-11-22 23:30")).key == "2026-W47"
    # midnight of the 1st in Vietnam is 17:00 UTC on the last day of the month
    assert early.due_at(parse_period("monthly", "2026-10")) == utc("2026-10-31 17:00")
    assert early.latest_due("monthly", utc("2026-10-31 16:59")).key == "2026-09"
    assert early.latest_due("monthly", utc("2026-10-31 17:00")).key == "2026-10"


def test_a_late_evening_in_vietnam_is_the_same_utc_day():
    late = schedule(DIGEST_WEEKLY_AT="sun 23:59", DIGEST_PERIODIC_AT="28 23:59")
    # the week ends on a Sunday: the first Sunday after it is a week later
    assert late.due_at(parse_period("weekly", "2026-W47")) == vn("2026-11-29 23:59")
    assert late.due_at(parse_period("monthly", "2026-01")) == vn("2026-02-28 23:59")
    assert late.latest_due("weekly", vn("2026-11-29 23:58")).key == "2026-W46"


@pytest.mark.parametrize(("text", "weekday", "at"), [
    ("mon 07:00", 0, time(7, 0)), ("FRI 17:30", 4, time(17, 30)), ("t2 7:05", 0, time(7, 5)),
    ("t7 00:00", 5, time(0, 0)), ("cn 23:59", 6, time(23, 59)), ("  wed   08:15 ", 2, time(8, 15)),
])
def test_weekly_moments_take_english_or_vietnamese_weekdays(text, weekday, at):
    read = schedule(DIGEST_WEEKLY_AT=text)
    assert (read.weekly_day, read.weekly_time) == (weekday, at)


def test_the_default_weekly_digest_comes_the_monday_after_at_seven():
    due = DEFAULT.due_at(parse_period("weekly", "2026-W47"))
    assert due.astimezone(vn("2026-11-23 07:00").tzinfo) == vn("2026-11-23 07:00")
    assert schedule(DIGEST_WEEKLY_AT="wed 09:00").due_at(
        parse_period("weekly", "2026-W47")) == vn("2026-11-25 09:00")


def test_after_downtime_the_latest_digest_is_caught_up_within_the_window():
    monthly = schedule(DIGEST_KINDS="monthly")
    due = vn("2026-11-03 07:00")
    # a minute before, September's is a month past its moment: nothing is owed
    assert monthly.owed(due - timedelta(minutes=1)) == []
    assert monthly.owed(due) == [parse_period("monthly", "2026-10")]
    assert monthly.owed(due + timedelta(days=3)) == [parse_period("monthly", "2026-10")]
    assert monthly.owed(due + timedelta(days=7)) == [parse_period("monthly", "2026-10")]
    assert monthly.owed(due + timedelta(days=7, minutes=1)) == []
    # down from the 2nd of October to the 5th of December: November's only, not October's
    assert monthly.owed(vn("2026-12-05 09:00")) == [parse_period("monthly", "2026-11")]


def test_a_first_deployment_compiles_no_stale_digests():
    owed = DEFAULT.owed(vn("2026-11-23 12:00"))
    assert [p.key for p in owed] == ["2026-W47"]
    # on the 4th of October: last week's, September's and the nine months'
    owed = DEFAULT.owed(vn("2026-10-04 07:00"))
    assert [(p.kind, p.key) for p in owed] == [
        ("weekly", "2026-W39"), ("monthly", "2026-09"), ("nine_months", "2026-9M")]
    # on the 3rd of January: last week's, December's and the year's -- one of each kind
    owed = DEFAULT.owed(vn("2027-01-03 07:00"))
    assert [(p.kind, p.key) for p in owed] == [
        ("weekly", "2026-W52"), ("monthly", "2026-12"), ("year", "2026")]


def test_a_longer_catch_up_window_reaches_back_but_still_one_period_per_kind():
    wide = schedule(DIGEST_CATCH_UP_DAYS="40", DIGEST_KINDS="monthly,half_year")
    assert [p.key for p in wide.owed(vn("2026-08-10 07:00"))] == ["2026-07", "2026-H1"]
    assert [p.key for p in schedule(DIGEST_CATCH_UP_DAYS="0").owed(
        vn("2026-11-23 07:00"))] == ["2026-W47"]
    assert schedule(DIGEST_CATCH_UP_DAYS="0").owed(vn("2026-11-23 07:01")) == []


def test_disabled_kinds_are_never_owed():
    now = vn("2027-01-03 07:00")
    assert [p.kind for p in schedule(DIGEST_KINDS="year, WEEKLY").owed(now)] == [
        "weekly", "year"]
    assert schedule(DIGEST_KINDS="none").owed(now) == []
    assert schedule(DIGEST_KINDS="quarter1").owed(now) == []
    assert schedule(DIGEST_KINDS="").kinds == KINDS


@pytest.mark.parametrize(("name", "value"), [
    ("DIGEST_WEEKLY_AT", "monday 07:00"), ("DIGEST_WEEKLY_AT", "mon 24:00"),
    ("DIGEST_WEEKLY_AT", "mon 07:60"), ("DIGEST_WEEKLY_AT", "mon"),
    ("DIGEST_WEEKLY_AT", "3 07:00"), ("DIGEST_PERIODIC_AT", "29 07:00"),
    ("DIGEST_PERIODIC_AT", "0 07:00"), ("DIGEST_PERIODIC_AT", "mon 07:00"),
    ("DIGEST_PERIODIC_AT", "3"), ("DIGEST_KINDS", "weekly,daily"),
    ("DIGEST_CATCH_UP_DAYS", "-1"), ("DIGEST_CATCH_UP_DAYS", "a week"),
])
def test_a_bad_setting_is_refused_with_its_name_and_the_form_to_use(name, value):
    with pytest.raises(DigestConfigError) as refused:
        schedule(**{name: value})
    assert str(refused.value).startswith(f"{name}={value!r}: ")


@pytest.mark.parametrize(("kind", "text", "start", "end"), [
    ("weekly", "2026-W47", date(2026, 11, 16), date(2026, 11, 22)),
    ("weekly", "2026-w53", date(2026, 12, 28), date(2027, 1, 3)),
    ("monthly", "2026-02", date(2026, 2, 1), date(2026, 2, 28)),
    ("quarter1", "2026", date(2026, 1, 1), date(2026, 3, 31)),
    ("quarter1", "2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
    ("half_year", "2026-h1", date(2026, 1, 1), date(2026, 6, 30)),
    ("nine_months", "2026", date(2026, 1, 1), date(2026, 9, 30)),
    ("year", "2026", date(2026, 1, 1), date(2026, 12, 31)),
])
def test_periods_are_written_by_kind(kind, text, start, end):
    period = parse_period(kind, text)
    assert period == Period(kind, start, end)
    assert parse_period(kind, period.key) == period


@pytest.mark.parametrize(("kind", "text", "example"), [
    ("weekly", "2026-W54", "2026-W47"), ("weekly", "2026-11-16", "2026-W47"),
    ("monthly", "2026-13", "2026-10"), ("monthly", "2026", "2026-10"),
    ("quarter1", "2026-H1", "2026-Q1"), ("year", "2026-12", "2026"),
])
def test_a_period_that_does_not_fit_its_kind_is_refused_with_an_example(kind, text, example):
    with pytest.raises(DigestPeriodError, match=f"write it like {example}"):
        parse_period(kind, text)
