"""Working days on Vietnam's calendar: weekends, public holidays (Tết included), configured
extra days off and make-up working days; deadlines end at the close of a local day.

Shared by cases (deadlines) and reporting (resolution times). Pure domain code: stdlib and
the `holidays` library only, no service or database imports.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_DAYS = {"hot": 1, "urgent": 3, "normal": 10}
END_OF_DAY = time(23, 59, 59, 999999)
EXTRA_DAY_OFF_NAME = "ngày nghỉ bổ sung"
HOLIDAY_LANGUAGE = "vi"  # explicit: without it the names follow the machine's locale

_ONE_DAY = timedelta(days=1)


def local_day(moment: datetime) -> date:
    """The calendar day in Vietnam of an aware datetime; ValueError if it is naive."""
    if not isinstance(moment, datetime):
        raise ValueError(f"expected an aware datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime given; use an aware datetime")
    return moment.astimezone(VIETNAM).date()


def end_of_day(day: date) -> datetime:
    """The last instant (23:59:59.999999) of a Vietnam local day, as an aware UTC datetime."""
    return datetime.combine(day, END_OF_DAY, VIETNAM).astimezone(UTC)


class WorkingCalendar:
    """Decides which days are working days and counts deadlines in them.

    A day works when it is Monday to Friday, not a Vietnamese public holiday and not a
    configured extra day off -- or when it is a configured make-up day, which always works.
    """

    def __init__(self, extra_days_off=(), make_up_days=()):
        """Both arguments are iterables of `date`."""
        self.extra_days_off = frozenset(extra_days_off)
        self.make_up_days = frozenset(make_up_days)
        self._by_year: dict[int, dict[date, str]] = {}

    @classmethod
    def from_config(cls, config):
        """The calendar with EXTRA_DAYS_OFF and MAKE_UP_WORKING_DAYS of a service config."""
        return cls(parse_days(config.get("EXTRA_DAYS_OFF", "")),
                   parse_days(config.get("MAKE_UP_WORKING_DAYS", "")))

    def _public_holidays(self, year: int) -> dict[date, str]:
        """The library's public holidays of one year, loaded on first use and cached."""
        found = self._by_year.get(year)
        if found is None:
            loaded = holidays.country_holidays("VN", years=year, language=HOLIDAY_LANGUAGE)
            found = self._by_year[year] = dict(loaded)
        return found

    def holiday_name(self, day: date) -> str | None:
        """The public holiday's name, "ngày nghỉ bổ sung" for a configured day off, or None."""
        if day in self.extra_days_off:
            return EXTRA_DAY_OFF_NAME
        return self._public_holidays(day.year).get(day)

    def is_working_day(self, day: date) -> bool:
        """Monday to Friday and not a day off; a configured make-up day always works."""
        if day in self.make_up_days:
            return True
        return day.weekday() < 5 and self.holiday_name(day) is None

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        day += _ONE_DAY
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    def nth_working_day_after(self, day: date, count: int) -> date:
        """The `count`-th working day strictly after `day` (`day` itself if count is 0)."""
        if count < 0:
            raise ValueError(f"count must not be negative, got {count}")
        for _ in range(count):
            day = self.next_working_day(day)
        return day

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """Deadline of a matter received at `start`: end of the `days`-th working day after
        the local day of receipt, as an aware UTC datetime."""
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            raise ValueError(f"days must be an integer of at least 1, got {days!r}")
        return end_of_day(self.nth_working_day_after(local_day(start), days))

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """Working days whose local date lies in (start's day, end's day]; 0 if end <= start."""
        first, last = local_day(start), local_day(end)
        count, day = 0, first
        while day < last:
            day += _ONE_DAY
            count += self.is_working_day(day)
        return count

    def extend(self, deadline: datetime, paused_from: datetime, resumed_at: datetime) -> datetime:
        """The deadline moved back by the working days spent paused (unchanged if none)."""
        days = self.working_days_between(paused_from, resumed_at)
        if days == 0:
            local_day(deadline)  # still refuse a naive deadline
            return deadline
        return end_of_day(self.nth_working_day_after(local_day(deadline), days))

    def working_days_left(self, deadline: datetime, now: datetime) -> int:
        """Working days in (now's day, deadline's day] while not overdue; once past, minus the
        working days in (deadline's day, now's day].

        So 0 on the deadline's own day, -1 on the next working day after it. Overdue on a
        non-working day straight after the deadline (e.g. the Saturday after a Friday
        deadline) still gives 0: compare `now > deadline` to tell whether a case is overdue.
        """
        if now <= deadline:
            return self.working_days_between(now, deadline)
        return -self.working_days_between(deadline, now)


def deadline_days(priority: str, category: str | None = None, rules: dict | None = None) -> int:
    """Working days allowed: the `priority:category` rule, then `priority`, then defaults."""
    if priority not in DEFAULT_DAYS:
        raise ValueError(f"unknown priority {priority!r}; expected one of {sorted(DEFAULT_DAYS)}")
    rules = rules or {}
    if category is not None and f"{priority}:{category}" in rules:
        return rules[f"{priority}:{category}"]
    return rules.get(priority, DEFAULT_DAYS[priority])


def parse_days(text: str | None) -> set[date]:
    """Parse "2026-01-02, 2026-04-25" into a set of dates; ValueError names a bad token."""
    days = set()
    for token in (text or "").replace(",", " ").split():
        try:
            if len(token) != 10 or token[4] != "-" or token[7] != "-":
                raise ValueError(token)  # fromisoformat alone also takes 20260102, 2026-W01-5
            days.add(date.fromisoformat(token))
        except ValueError:
            raise ValueError(f"not an ISO date (YYYY-MM-DD): {token!r}") from None
    return days
