"""Working days on Vietnam's calendar: weekends, public holidays (Tết included), configured
extra days off and make-up working days; deadlines end at the close of a local day."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_DAYS = {"hot": 1, "urgent": 3, "normal": 10}
END_OF_DAY = time(23, 59, 59, 999999)


def _local_day(moment):
    """The calendar day in Vietnam of an aware datetime."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given; use an aware datetime")
    return moment.astimezone(VIETNAM).date()


def end_of_day(day):
    """The last instant of a local day, as an aware UTC datetime."""
    return datetime.combine(day, END_OF_DAY, VIETNAM).astimezone(ZoneInfo("UTC"))


class WorkingCalendar:
    """Decides which days are working days and counts deadlines in them."""

    def __init__(self, extra_days_off=(), make_up_days=()):
        self.extra_days_off = frozenset(extra_days_off)
        self.make_up_days = frozenset(make_up_days)
        self._holidays = holidays.country_holidays("VN", language="vi")

    def holiday_name(self, day):
        """The public holiday's name, "ngày nghỉ bổ sung" for a configured day off, or None."""
        if day in self.extra_days_off:
            return "ngày nghỉ bổ sung"
        return self._holidays.get(day)

    def is_working_day(self, day):
        """Monday to Friday and not a day off; a configured make-up day always works."""
        if day in self.make_up_days:
            return True
        return day.weekday() < 5 and self.holiday_name(day) is None

    def next_working_day(self, day):
        """The first working day strictly after `day`."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def nth_working_day_after(self, day, count):
        """The `count`-th working day strictly after `day` (count >= 1)."""
        for _ in range(count):
            day = self.next_working_day(day)
        return day

    def add_working_days(self, start, days):
        """Deadline of a matter received at `start`: the end of the `days`-th working day
        counted from the day after the local day of receipt, as an aware UTC datetime."""
        if days < 1:
            raise ValueError("days must be at least 1")
        return end_of_day(self.nth_working_day_after(_local_day(start), days))

    def working_days_between(self, start, end):
        """Working days whose local date lies after start's day, up to and including end's."""
        first, last = _local_day(start), _local_day(end)
        count, day = 0, first
        while day < last:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def extend(self, deadline, paused_from, resumed_at):
        """The deadline moved back by the working days spent paused."""
        days = self.working_days_between(paused_from, resumed_at)
        if days == 0:
            return deadline
        return end_of_day(self.nth_working_day_after(_local_day(deadline), days))

    def working_days_left(self, deadline, now):
        """Working days from today (exclusive) to the deadline's day (inclusive); negative
        when the deadline has passed (working days overdue)."""
        if now <= deadline:
            return self.working_days_between(now, deadline)
        return -self.working_days_between(deadline, now)


def deadline_days(priority, category=None, rules=None):
    """Working days allowed: `priority:category` rule, then `priority` rule, then defaults."""
    if priority not in DEFAULT_DAYS:
        raise ValueError(f"unknown priority {priority!r}")
    rules = rules or {}
    return rules.get(f"{priority}:{category}", rules.get(priority, DEFAULT_DAYS[priority]))


def parse_days(text):
    """Parse "2026-01-02, 2026-04-25" into a set of dates; ValueError names a bad token."""
    days = set()
    for token in (text or "").replace(",", " ").split():
        try:
            days.add(date.fromisoformat(token))
        except ValueError:
            raise ValueError(f"not an ISO date: {token!r}") from None
    return days
