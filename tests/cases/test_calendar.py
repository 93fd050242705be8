"""Deadlines in working days on Vietnam's calendar."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from services.cases.calendar import (
    VIETNAM,
    WorkingCalendar,
    deadline_days,
    end_of_day,
    parse_days,
)

CAL = WorkingCalendar()


def local(y, m, d, hh=10, mm=0):
    """An aware datetime at a local Vietnam time."""
    return datetime(y, m, d, hh, mm, tzinfo=VIETNAM)


def day_of(deadline):
    return deadline.astimezone(VIETNAM).date()


@pytest.mark.parametrize("day", [date(2026, 2, d) for d in range(16, 21)])
def test_every_day_of_tet_2026_is_a_day_off(day):
    assert not CAL.is_working_day(day)
    assert "Tết" in CAL.holiday_name(day)


@pytest.mark.parametrize("day", [date(2026, 1, 1), date(2026, 4, 27), date(2026, 4, 30),
                                 date(2026, 5, 1), date(2026, 9, 1), date(2026, 9, 2)])
def test_public_holidays_are_days_off(day):
    assert not CAL.is_working_day(day)


@pytest.mark.parametrize(("received", "days", "due"), [
    (local(2026, 11, 23), 1, date(2026, 11, 25)),          # 24 Nov is a holiday
    (local(2026, 11, 20, 21), 1, date(2026, 11, 23)),      # Friday evening → Monday
    (local(2026, 11, 21), 1, date(2026, 11, 23)),          # received on a Saturday
    (local(2026, 2, 13, 16), 1, date(2026, 2, 23)),        # the Friday before Tết
    (local(2026, 2, 17), 3, date(2026, 2, 25)),            # received during Tết
    (local(2026, 4, 29), 1, date(2026, 5, 4)),             # across 30 Apr and 1 May
    (local(2026, 11, 20, 9), 10, date(2026, 12, 7)),
    (local(2026, 8, 28), 3, date(2026, 9, 7)),             # 31 Aug, 1 and 2 Sep off
])
def test_deadline_lands_on_the_right_working_day(received, days, due):
    assert day_of(CAL.add_working_days(received, days)) == due


def test_deadline_is_the_end_of_the_local_day_in_utc():
    deadline = CAL.add_working_days(local(2026, 11, 25), 1)
    assert deadline == datetime(2026, 11, 26, 16, 59, 59, 999999, tzinfo=UTC)
    assert deadline == end_of_day(date(2026, 11, 26))


def test_a_matter_received_just_after_midnight_local_counts_from_that_local_day():
    received = datetime(2026, 11, 25, 17, 30, tzinfo=UTC)  # 00:30 on 26 Nov in Vietnam
    assert day_of(CAL.add_working_days(received, 1)) == date(2026, 11, 27)


def test_make_up_saturday_counts_and_extra_day_off_does_not():
    cal = WorkingCalendar(extra_days_off={date(2026, 11, 26)}, make_up_days={date(2026, 11, 28)})
    assert cal.is_working_day(date(2026, 11, 28))
    assert not cal.is_working_day(date(2026, 11, 26))
    assert cal.holiday_name(date(2026, 11, 26)) == "ngày nghỉ bổ sung"
    assert day_of(cal.add_working_days(local(2026, 11, 25), 2)) == date(2026, 11, 28)


@pytest.mark.parametrize(("priority", "category", "rules", "days"), [
    ("hot", None, None, 1), ("urgent", None, None, 3), ("normal", None, None, 10),
    ("normal", "security", {"normal:security": 5}, 5),
    ("normal", "wages", {"normal:security": 5, "normal": 7}, 7),
])
def test_days_allowed_follow_priority_then_category_rules(priority, category, rules, days):
    assert deadline_days(priority, category, rules) == days


def test_pause_extends_the_deadline_by_the_working_days_spent_waiting():
    deadline = CAL.add_working_days(local(2026, 11, 16), 10)
    paused, resumed = local(2026, 11, 19), local(2026, 11, 23)   # Fri and Mon count
    assert CAL.working_days_between(paused, resumed) == 2
    assert day_of(CAL.extend(deadline, paused, resumed)) == CAL.nth_working_day_after(
        day_of(deadline), 2)


def test_pause_started_and_ended_the_same_day_changes_nothing():
    deadline = CAL.add_working_days(local(2026, 11, 16), 10)
    assert CAL.extend(deadline, local(2026, 11, 19, 9), local(2026, 11, 19, 16)) == deadline


def test_working_days_left_counts_down_and_goes_negative_when_overdue():
    deadline = end_of_day(date(2026, 11, 27))
    assert CAL.working_days_left(deadline, local(2026, 11, 23)) == 3
    assert CAL.working_days_left(deadline, local(2026, 11, 27, 9)) == 0
    assert CAL.working_days_left(deadline, local(2026, 12, 1)) == -2


@pytest.mark.parametrize(("call", "error"), [
    (lambda: CAL.add_working_days(local(2026, 11, 23), 0), "at least 1"),
    (lambda: CAL.add_working_days(datetime(2026, 11, 23), 1), "naive"),
    (lambda: deadline_days("critical"), "priority"),
    (lambda: parse_days("2026-01-02, 02/01/2026"), "02/01/2026"),
])
def test_bad_input_is_refused(call, error):
    with pytest.raises(ValueError, match=error):
        call()


def test_parse_days_reads_a_comma_or_space_separated_list():
    assert parse_days("") == set()
    assert parse_days("2026-01-02, 2026-04-25 2026-05-02") == {
        date(2026, 1, 2), date(2026, 4, 25), date(2026, 5, 2)}


def test_random_deadlines_end_a_working_day_after_exactly_that_many_working_days():
    rng = random.Random(2026)
    for _ in range(300):
        start = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(3 * 525600))
        days = rng.randint(1, 15)
        deadline = CAL.add_working_days(start, days)
        assert CAL.is_working_day(day_of(deadline))
        assert deadline.astimezone(VIETNAM).time().hour == 23
        assert CAL.working_days_between(start, deadline) == days
