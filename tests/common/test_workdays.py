"""Deadlines in working days on Vietnam's calendar (pure domain: no broker, no database)."""

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest

from services.common import workdays as calendar_module
from services.common.workdays import (
    DEFAULT_DAYS,
    END_OF_DAY,
    VIETNAM,
    WorkingCalendar,
    deadline_days,
    end_of_day,
    local_day,
    parse_days,
)

CAL = WorkingCalendar()

# What holidays==0.109 returns for Vietnam in 2026 (names in Vietnamese).
HOLIDAYS_2026 = {
    date(2026, 1, 1): "Tết Dương lịch",
    date(2026, 2, 16): "Giao thừa Tết Nguyên Đán",
    date(2026, 2, 17): "Tết Nguyên Đán",
    date(2026, 2, 18): "Mùng hai Tết Nguyên Đán",
    date(2026, 2, 19): "Mùng ba Tết Nguyên Đán",
    date(2026, 2, 20): "Mùng bốn Tết Nguyên Đán",
    date(2026, 4, 26): "Ngày Giỗ Tổ Hùng Vương",
    date(2026, 4, 27): "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)",
    date(2026, 4, 30): "Ngày Chiến thắng",
    date(2026, 5, 1): "Ngày Quốc tế Lao động",
    date(2026, 8, 31): "Ngày nghỉ (thay cho ngày 22/08/2026)",
    date(2026, 9, 1): "Quốc khánh",
    date(2026, 9, 2): "Quốc khánh",
    date(2026, 11, 24): "Ngày Văn hóa Việt Nam",
}
TET_2026 = [date(2026, 2, d) for d in range(16, 21)]


def local(y, m, d, hh=10, mm=0):
    """An aware datetime at a Vietnam local time."""
    return datetime(y, m, d, hh, mm, tzinfo=VIETNAM)


def day_of(deadline):
    """The Vietnam local day of an aware datetime."""
    return deadline.astimezone(VIETNAM).date()


def oracle_working_days(after, upto, extra_days_off=(), make_up_days=()):
    """Working days in (after, upto], counted straight from the holidays library."""
    public = holidays.country_holidays("VN", years=range(after.year, upto.year + 1))
    count, day = 0, after
    while day < upto:
        day += timedelta(days=1)
        off = day.weekday() >= 5 or day in public or day in extra_days_off
        count += day in make_up_days or not off
    return count


# --- which days are working days --------------------------------------------------------


def test_the_library_lists_exactly_these_vietnamese_public_holidays_in_2026():
    year = holidays.country_holidays("VN", years=2026, language="vi")
    assert dict(year) == HOLIDAYS_2026


@pytest.mark.parametrize(("day", "name"), sorted(HOLIDAYS_2026.items()))
def test_every_2026_public_holiday_is_a_day_off_with_the_library_name(day, name):
    assert not CAL.is_working_day(day)
    assert CAL.holiday_name(day) == name


@pytest.mark.parametrize("day", TET_2026)
def test_every_day_of_tet_2026_is_a_day_off_named_tet(day):
    assert not CAL.is_working_day(day)
    assert "Tết" in CAL.holiday_name(day)


@pytest.mark.parametrize("day", [date(2026, 2, 14), date(2026, 2, 15),
                                 date(2026, 2, 21), date(2026, 2, 22)])
def test_the_weekends_around_tet_2026_are_days_off_without_a_holiday_name(day):
    assert not CAL.is_working_day(day)
    assert CAL.holiday_name(day) is None


@pytest.mark.parametrize("day", [date(2026, 2, 13), date(2026, 2, 23), date(2026, 4, 28),
                                 date(2026, 4, 29), date(2026, 5, 4), date(2026, 9, 3),
                                 date(2026, 11, 23), date(2026, 11, 25)])
def test_weekdays_next_to_holidays_are_working_days(day):
    assert CAL.is_working_day(day)
    assert CAL.holiday_name(day) is None


@pytest.mark.parametrize(("day", "working"), [
    (date(2026, 11, 16), True), (date(2026, 11, 17), True), (date(2026, 11, 18), True),
    (date(2026, 11, 19), True), (date(2026, 11, 20), True),
    (date(2026, 11, 21), False), (date(2026, 11, 22), False),
])
def test_monday_to_friday_work_and_the_weekend_does_not(day, working):
    assert CAL.is_working_day(day) is working


def test_the_saturday_whose_day_off_moved_to_31_august_is_still_a_weekend_day():
    assert not CAL.is_working_day(date(2026, 8, 22))
    assert CAL.holiday_name(date(2026, 8, 22)) is None


def test_a_make_up_saturday_counts_as_a_working_day():
    cal = WorkingCalendar(make_up_days={date(2026, 11, 28)})
    assert cal.is_working_day(date(2026, 11, 28))
    assert not cal.is_working_day(date(2026, 11, 29))
    assert not CAL.is_working_day(date(2026, 11, 28))


def test_a_make_up_day_works_even_when_it_falls_on_a_public_holiday():
    cal = WorkingCalendar(make_up_days={date(2026, 4, 26)})
    assert cal.is_working_day(date(2026, 4, 26))


def test_an_extra_day_off_is_not_a_working_day_and_is_named_as_such():
    cal = WorkingCalendar(extra_days_off=[date(2026, 11, 26)])
    assert not cal.is_working_day(date(2026, 11, 26))
    assert cal.holiday_name(date(2026, 11, 26)) == "ngày nghỉ bổ sung"
    assert cal.is_working_day(date(2026, 11, 27))


def test_the_calendar_accepts_any_iterable_of_days_positionally():
    cal = WorkingCalendar(iter([date(2026, 11, 26)]), (d for d in [date(2026, 11, 28)]))
    assert not cal.is_working_day(date(2026, 11, 26))
    assert cal.is_working_day(date(2026, 11, 28))


def test_public_holidays_are_loaded_lazily_once_per_year(monkeypatch):
    calls = []
    real = holidays.country_holidays

    def counting(*args, **kwargs):
        calls.append(kwargs.get("years"))
        return real(*args, **kwargs)

    monkeypatch.setattr(calendar_module.holidays, "country_holidays", counting)
    cal = WorkingCalendar()
    assert calls == []
    assert not cal.is_working_day(date(2026, 2, 17))
    assert cal.is_working_day(date(2026, 3, 2))
    assert cal.holiday_name(date(2026, 9, 2)) == "Quốc khánh"
    assert calls == [2026]
    assert not cal.is_working_day(date(2027, 1, 1))
    assert calls == [2026, 2027]


@pytest.mark.parametrize(("day", "following"), [
    (date(2026, 11, 16), date(2026, 11, 17)),   # Monday -> Tuesday
    (date(2026, 11, 20), date(2026, 11, 23)),   # Friday -> Monday
    (date(2026, 11, 21), date(2026, 11, 23)),   # Saturday -> Monday
    (date(2026, 11, 23), date(2026, 11, 25)),   # over 24 Nov
    (date(2026, 2, 13), date(2026, 2, 23)),     # over Tết
    (date(2026, 4, 29), date(2026, 5, 4)),      # over 30 Apr, 1 May and a weekend
    (date(2026, 8, 28), date(2026, 9, 3)),      # over 31 Aug, 1 and 2 Sep
    (date(2026, 12, 31), date(2027, 1, 4)),     # over New Year into the next year
])
def test_next_working_day_is_strictly_after_and_skips_days_off(day, following):
    assert CAL.next_working_day(day) == following


# --- deadlines ------------------------------------------------------------------------------


@pytest.mark.parametrize(("received", "days", "due"), [
    pytest.param(local(2026, 11, 16), 1, date(2026, 11, 17), id="monday-1"),
    pytest.param(local(2026, 11, 19), 1, date(2026, 11, 20), id="thursday-1"),
    pytest.param(local(2026, 11, 12), 3, date(2026, 11, 17), id="thursday-3-over-weekend"),
    pytest.param(local(2026, 11, 20, 8), 1, date(2026, 11, 23), id="friday-morning"),
    pytest.param(local(2026, 11, 20, 21), 1, date(2026, 11, 23), id="friday-evening"),
    pytest.param(local(2026, 11, 20, 23, 59), 1, date(2026, 11, 23), id="friday-23h59"),
    pytest.param(local(2026, 11, 21), 1, date(2026, 11, 23), id="saturday"),
    pytest.param(local(2026, 11, 22), 1, date(2026, 11, 23), id="sunday"),
    pytest.param(local(2026, 11, 22), 2, date(2026, 11, 25), id="sunday-2-over-24-nov"),
    pytest.param(local(2026, 11, 23), 1, date(2026, 11, 25), id="before-24-nov"),
    pytest.param(local(2026, 11, 24), 1, date(2026, 11, 25), id="on-holiday-24-nov"),
    pytest.param(local(2026, 11, 16, 9), 10, date(2026, 12, 1), id="normal-10-over-24-nov"),
    pytest.param(local(2026, 2, 12), 1, date(2026, 2, 13), id="thursday-before-tet"),
    pytest.param(local(2026, 2, 12), 2, date(2026, 2, 23), id="thursday-before-tet-2"),
    pytest.param(local(2026, 2, 13, 16), 1, date(2026, 2, 23), id="friday-before-tet"),
    pytest.param(local(2026, 2, 15), 1, date(2026, 2, 23), id="sunday-before-tet"),
    pytest.param(local(2026, 2, 16), 1, date(2026, 2, 23), id="tet-eve"),
    pytest.param(local(2026, 2, 17), 1, date(2026, 2, 23), id="during-tet-1"),
    pytest.param(local(2026, 2, 17), 3, date(2026, 2, 25), id="during-tet-3"),
    pytest.param(local(2026, 2, 20, 22), 1, date(2026, 2, 23), id="last-day-of-tet"),
    pytest.param(local(2026, 4, 24), 1, date(2026, 4, 28), id="over-hung-kings-observed"),
    pytest.param(local(2026, 4, 29), 1, date(2026, 5, 4), id="over-30-apr-1-may"),
    pytest.param(local(2026, 4, 28), 2, date(2026, 5, 4), id="over-30-apr-1-may-2"),
    pytest.param(local(2026, 4, 30), 1, date(2026, 5, 4), id="on-30-apr"),
    pytest.param(local(2026, 5, 1), 1, date(2026, 5, 4), id="on-1-may"),
    pytest.param(local(2026, 8, 28), 1, date(2026, 9, 3), id="over-31-aug-1-2-sep"),
    pytest.param(local(2026, 8, 28), 3, date(2026, 9, 7), id="over-national-day-3"),
    pytest.param(local(2026, 9, 2), 1, date(2026, 9, 3), id="on-national-day"),
    pytest.param(local(2026, 12, 31), 1, date(2027, 1, 4), id="over-new-year"),
])
def test_deadline_lands_on_the_right_working_day(received, days, due):
    assert day_of(CAL.add_working_days(received, days)) == due


def test_a_one_day_deadline_across_tet_lands_on_the_first_working_day_after_it():
    for received in [local(2026, 2, 13, 17)] + [local(2026, 2, d.day) for d in TET_2026]:
        due = day_of(CAL.add_working_days(received, 1))
        assert due == date(2026, 2, 23) == CAL.next_working_day(TET_2026[-1])


def test_the_deadline_is_the_end_of_the_local_day_expressed_in_utc():
    deadline = CAL.add_working_days(local(2026, 11, 25), 1)
    assert deadline == datetime(2026, 11, 26, 16, 59, 59, 999999, tzinfo=UTC)
    assert deadline.utcoffset() == timedelta(0)
    assert deadline.isoformat() == "2026-11-26T16:59:59.999999+00:00"
    assert deadline.astimezone(VIETNAM).time() == END_OF_DAY
    assert deadline == end_of_day(date(2026, 11, 26))


def test_end_of_day_is_a_microsecond_before_the_next_local_midnight():
    deadline = end_of_day(date(2026, 2, 23))
    assert deadline + timedelta(microseconds=1) == datetime(2026, 2, 24, tzinfo=VIETNAM)


@pytest.mark.parametrize(("received", "due"), [
    pytest.param(datetime(2026, 11, 25, 16, 59, tzinfo=UTC), date(2026, 11, 26),
                 id="23h59-local-still-25-nov"),
    pytest.param(datetime(2026, 11, 25, 17, 30, tzinfo=UTC), date(2026, 11, 27),
                 id="00h30-local-already-26-nov"),
    pytest.param(datetime(2026, 11, 19, 17, 0, tzinfo=UTC), date(2026, 11, 23),
                 id="utc-thursday-is-local-friday"),
])
def test_receipt_counts_from_the_vietnam_local_day_not_the_utc_day(received, due):
    assert day_of(CAL.add_working_days(received, 1)) == due


@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris", "America/New_York", "Asia/Tokyo"])
def test_the_same_instant_in_any_time_zone_gives_the_same_deadline(zone):
    instant = local(2026, 11, 20, 21)   # Friday evening in Hanoi
    received = instant.astimezone(ZoneInfo(zone))
    assert CAL.add_working_days(received, 1) == end_of_day(date(2026, 11, 23))


def test_a_make_up_saturday_shortens_the_deadline():
    cal = WorkingCalendar(make_up_days={date(2026, 11, 21)})
    assert day_of(cal.add_working_days(local(2026, 11, 20, 21), 1)) == date(2026, 11, 21)
    assert day_of(cal.add_working_days(local(2026, 11, 20, 21), 2)) == date(2026, 11, 23)


def test_an_extra_day_off_is_skipped_by_the_deadline():
    cal = WorkingCalendar(extra_days_off={date(2026, 11, 26)})
    assert day_of(cal.add_working_days(local(2026, 11, 25), 1)) == date(2026, 11, 27)
    assert day_of(cal.add_working_days(local(2026, 11, 23), 2)) == date(2026, 11, 27)


def test_a_bridge_day_off_and_its_make_up_saturday_work_together():
    cal = WorkingCalendar(parse_days("2026-01-02"), parse_days("2026-01-10"))
    received = local(2025, 12, 31, 15)
    assert day_of(cal.add_working_days(received, 1)) == date(2026, 1, 5)
    assert day_of(cal.add_working_days(received, 5)) == date(2026, 1, 9)
    assert day_of(cal.add_working_days(received, 6)) == date(2026, 1, 10)
    assert day_of(cal.add_working_days(received, 7)) == date(2026, 1, 12)


# --- days allowed by priority and category ------------------------------------------------


@pytest.mark.parametrize(("priority", "category", "rules", "days"), [
    pytest.param("hot", None, None, 1, id="hot-default"),
    pytest.param("urgent", None, None, 3, id="urgent-default"),
    pytest.param("normal", None, None, 10, id="normal-default"),
    pytest.param("normal", "wages", {}, 10, id="empty-rules"),
    pytest.param("normal", "security", {"normal:security": 5}, 5, id="category-rule"),
    pytest.param("normal", "security", {"normal:security": 5, "normal": 7}, 5,
                 id="category-rule-beats-priority-rule"),
    pytest.param("normal", "wages", {"normal:security": 5, "normal": 7}, 7,
                 id="other-category-falls-back-to-priority-rule"),
    pytest.param("normal", None, {"normal:security": 5, "normal": 7}, 7,
                 id="no-category-uses-priority-rule"),
    pytest.param("hot", "security", {"normal:security": 5}, 1,
                 id="rule-for-another-priority-is-ignored"),
    pytest.param("urgent", "land", {"urgent": 2}, 2, id="priority-rule"),
])
def test_days_allowed_follow_category_then_priority_rules_then_defaults(
        priority, category, rules, days):
    assert deadline_days(priority, category, rules) == days


def test_the_defaults_are_one_three_and_ten_working_days():
    assert DEFAULT_DAYS == {"hot": 1, "urgent": 3, "normal": 10}


# --- pauses ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "end", "count"), [
    pytest.param(local(2026, 11, 19, 9), local(2026, 11, 19, 16), 0, id="same-day"),
    pytest.param(local(2026, 11, 19, 16), local(2026, 11, 19, 9), 0, id="end-before-start"),
    pytest.param(local(2026, 11, 20), local(2026, 11, 19), 0, id="end-a-day-earlier"),
    pytest.param(local(2026, 11, 19), local(2026, 11, 20), 1, id="thursday-to-friday"),
    pytest.param(local(2026, 11, 20), local(2026, 11, 23), 1, id="over-a-weekend"),
    pytest.param(local(2026, 11, 19), local(2026, 11, 23), 2, id="thursday-to-monday"),
    pytest.param(local(2026, 11, 21), local(2026, 11, 22), 0, id="weekend-only"),
    pytest.param(local(2026, 11, 23), local(2026, 11, 25), 1, id="over-24-nov"),
    pytest.param(local(2026, 2, 13), local(2026, 2, 23), 1, id="over-tet"),
    pytest.param(local(2026, 11, 16), local(2026, 12, 1), 10, id="two-weeks-with-holiday"),
    pytest.param(datetime(2026, 11, 25, 16, tzinfo=UTC), datetime(2026, 11, 25, 18, tzinfo=UTC),
                 1, id="same-utc-day-across-local-midnight"),
])
def test_working_days_between_counts_days_after_start_up_to_end(start, end, count):
    assert CAL.working_days_between(start, end) == count


def test_a_pause_extends_the_deadline_by_the_working_days_spent_waiting():
    deadline = CAL.add_working_days(local(2026, 11, 16), 10)
    assert day_of(deadline) == date(2026, 12, 1)
    paused, resumed = local(2026, 11, 19), local(2026, 11, 23)   # Friday and Monday count
    assert CAL.extend(deadline, paused, resumed) == end_of_day(date(2026, 12, 3))


def test_a_pause_spanning_a_weekend_extends_by_the_working_days_only():
    deadline = end_of_day(date(2026, 12, 1))
    paused, resumed = local(2026, 11, 20, 17), local(2026, 11, 23, 8)
    assert CAL.extend(deadline, paused, resumed) == end_of_day(date(2026, 12, 2))


def test_a_pause_over_a_weekend_only_changes_nothing():
    deadline = end_of_day(date(2026, 12, 1))
    assert CAL.extend(deadline, local(2026, 11, 21), local(2026, 11, 22)) == deadline


def test_a_pause_started_and_ended_the_same_day_changes_nothing():
    deadline = CAL.add_working_days(local(2026, 11, 16), 10)
    assert CAL.extend(deadline, local(2026, 11, 19, 9), local(2026, 11, 19, 16)) is deadline


def test_an_extended_deadline_skips_weekends_and_holidays_and_ends_the_local_day():
    deadline = end_of_day(date(2026, 11, 20))   # Friday
    one = CAL.extend(deadline, local(2026, 11, 16), local(2026, 11, 17))
    two = CAL.extend(deadline, local(2026, 11, 16), local(2026, 11, 18))
    assert one == end_of_day(date(2026, 11, 23))
    assert two == end_of_day(date(2026, 11, 25))   # 24 Nov is a holiday
    assert two == datetime(2026, 11, 25, 16, 59, 59, 999999, tzinfo=UTC)


def test_an_extended_deadline_jumps_over_tet():
    deadline = end_of_day(date(2026, 2, 13))
    extended = CAL.extend(deadline, local(2026, 2, 10), local(2026, 2, 11))
    assert extended == end_of_day(date(2026, 2, 23))


# --- working days left ----------------------------------------------------------------------


@pytest.mark.parametrize(("now", "left"), [
    pytest.param(local(2026, 11, 20), 4, id="friday-before"),
    pytest.param(local(2026, 11, 23), 3, id="monday-over-24-nov"),
    pytest.param(local(2026, 11, 26), 1, id="day-before"),
    pytest.param(local(2026, 11, 27, 9), 0, id="deadline-day-morning"),
    pytest.param(local(2026, 11, 27, 23, 59), 0, id="deadline-day-late"),
    pytest.param(local(2026, 11, 28), 0, id="saturday-after-is-overdue-but-zero"),
    pytest.param(local(2026, 11, 29), 0, id="sunday-after-is-overdue-but-zero"),
    pytest.param(local(2026, 11, 30), -1, id="next-working-day"),
    pytest.param(local(2026, 12, 1), -2, id="two-working-days-late"),
])
def test_working_days_left_counts_down_and_goes_negative_when_overdue(now, left):
    deadline = end_of_day(date(2026, 11, 27))   # Friday
    assert CAL.working_days_left(deadline, now) == left


def test_a_deadline_at_yesterdays_end_is_one_working_day_overdue_today():
    deadline = end_of_day(date(2026, 11, 26))
    assert CAL.working_days_left(deadline, local(2026, 11, 27, 8)) == -1


def test_working_days_left_skips_holidays_both_ways():
    deadline = end_of_day(date(2026, 11, 25))
    assert CAL.working_days_left(deadline, local(2026, 11, 23)) == 1
    assert CAL.working_days_left(end_of_day(date(2026, 11, 23)), local(2026, 11, 25)) == -1


# --- configuration and bad input ------------------------------------------------------------


@pytest.mark.parametrize(("text", "days"), [
    pytest.param("", set(), id="empty"),
    pytest.param("   ", set(), id="blank"),
    pytest.param(None, set(), id="none"),
    pytest.param("2026-01-02", {date(2026, 1, 2)}, id="one"),
    pytest.param("2026-01-02, 2026-04-25", {date(2026, 1, 2), date(2026, 4, 25)}, id="comma"),
    pytest.param("2026-01-02 2026-04-25\n2026-05-02,",
                 {date(2026, 1, 2), date(2026, 4, 25), date(2026, 5, 2)}, id="mixed"),
    pytest.param("2026-01-02,2026-01-02", {date(2026, 1, 2)}, id="duplicate"),
])
def test_parse_days_reads_a_comma_or_space_separated_list(text, days):
    assert parse_days(text) == days


@pytest.mark.parametrize("bad", ["02/01/2026", "2026-13-01", "2026-02-30", "20260102",
                                 "2026-1-2", "2026-W01-5", "tomorrow"])
def test_parse_days_names_the_bad_token(bad):
    with pytest.raises(ValueError, match=bad):
        parse_days(f"2026-01-02, {bad}, 2026-04-25")


@pytest.mark.parametrize("days", [0, -1, 1.5, "3", None, True])
def test_a_deadline_of_fewer_than_one_whole_working_day_is_refused(days):
    with pytest.raises(ValueError, match="at least 1"):
        CAL.add_working_days(local(2026, 11, 23), days)


NAIVE = datetime(2026, 11, 23, 10)


@pytest.mark.parametrize("call", [
    pytest.param(lambda: CAL.add_working_days(NAIVE, 1), id="add_working_days"),
    pytest.param(lambda: CAL.working_days_between(NAIVE, local(2026, 11, 25)), id="between-start"),
    pytest.param(lambda: CAL.working_days_between(local(2026, 11, 20), NAIVE), id="between-end"),
    pytest.param(lambda: CAL.extend(NAIVE, local(2026, 11, 19), local(2026, 11, 23)),
                 id="extend-deadline"),
    pytest.param(lambda: CAL.extend(NAIVE, local(2026, 11, 19), local(2026, 11, 19)),
                 id="extend-deadline-without-pause"),
    pytest.param(lambda: CAL.extend(end_of_day(date(2026, 12, 1)), NAIVE, local(2026, 11, 25)),
                 id="extend-paused"),
    pytest.param(lambda: local_day(NAIVE), id="local_day"),
])
def test_naive_datetimes_are_refused(call):
    with pytest.raises(ValueError, match="naive"):
        call()


def test_a_plain_date_is_refused_where_a_datetime_is_expected():
    with pytest.raises(ValueError, match="aware datetime"):
        CAL.add_working_days(date(2026, 11, 23), 1)


def test_an_unknown_priority_is_refused_even_if_a_rule_names_it():
    with pytest.raises(ValueError, match="critical"):
        deadline_days("critical", None, {"critical": 1})


def test_a_negative_count_of_working_days_is_refused():
    with pytest.raises(ValueError, match="negative"):
        CAL.nth_working_day_after(date(2026, 11, 23), -1)


# --- property-style check -------------------------------------------------------------------


@pytest.mark.parametrize("cal", [
    pytest.param(CAL, id="public-holidays-only"),
    pytest.param(WorkingCalendar(parse_days("2025-05-02, 2026-01-02, 2027-04-30"),
                                 parse_days("2025-04-26, 2026-01-10, 2027-05-08")),
                 id="with-configured-days"),
])
def test_random_deadlines_end_a_working_day_after_exactly_that_many_working_days(cal):
    rng = random.Random(2026)
    origin = datetime(2025, 1, 1, tzinfo=VIETNAM)
    minutes_in_three_years = (datetime(2028, 1, 1, tzinfo=VIETNAM) - origin) // timedelta(minutes=1)
    for _ in range(300):
        start = (origin + timedelta(minutes=rng.randrange(minutes_in_three_years))).astimezone(UTC)
        days = rng.randint(1, 15)
        deadline = cal.add_working_days(start, days)
        start_day, due = day_of(start), day_of(deadline)
        assert deadline.utcoffset() == timedelta(0)
        assert deadline.astimezone(VIETNAM).time() == END_OF_DAY
        assert deadline == end_of_day(due)
        assert cal.is_working_day(due)
        assert cal.working_days_between(start, deadline) == days
        assert oracle_working_days(start_day, due, cal.extra_days_off, cal.make_up_days) == days
        assert cal.working_days_left(deadline, start) == days


def test_the_calendar_reads_its_extra_days_off_and_make_up_days_from_config():
    calendar = WorkingCalendar.from_config({"EXTRA_DAYS_OFF": "2026-12-24",
                                            "MAKE_UP_WORKING_DAYS": "2026-12-26"})
    assert not calendar.is_working_day(date(2026, 12, 24))
    assert calendar.is_working_day(date(2026, 12, 26))
    assert WorkingCalendar.from_config({}).is_working_day(date(2026, 12, 24))
