"""Digest periods and when each digest is due: pure date arithmetic in Vietnam time.

Kinds: `weekly` (an ISO week, Monday to Sunday), `monthly`, and the periodic reports of the
year, all from 1 January: `quarter1` (to March), `half_year` (to June), `nine_months` (to
September) and `year`. Every period is closed before its digest is compiled:

- weekly: on the first `DIGEST_WEEKLY_AT` weekday after the Sunday that ends the week
  (default `mon 07:00`, the Monday right after);
- every other kind: on day `DIGEST_PERIODIC_AT` of the month after the period (default
  `3 07:00`, e.g. 3 October 07:00 for the nine months to September);

both in Vietnam time. A service that was down at that moment compiles the digest when it is
back -- but only the latest period of each kind, and only within `DIGEST_CATCH_UP_DAYS`
(default 7) of its due moment, so a first deployment or a long outage never floods leadership
with stale digests (`python -m services compile-digest` makes any period on demand).
`DIGEST_KINDS` lists the kinds compiled (default all; `none` for none).
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from services.common.workdays import VIETNAM, local_day

KINDS = ("weekly", "monthly", "quarter1", "half_year", "nine_months", "year")
# the months from January each yearly kind covers
YEARLY_MONTHS = {"quarter1": 3, "half_year": 6, "nine_months": 9, "year": 12}
YEARLY_KEYS = {"quarter1": "Q1", "half_year": "H1", "nine_months": "9M", "year": ""}
WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
            "t2": 0, "t3": 1, "t4": 2, "t5": 3, "t6": 4, "t7": 5, "cn": 6}
DEFAULT_WEEKLY_AT = "mon 07:00"
DEFAULT_PERIODIC_AT = "3 07:00"
DEFAULT_CATCH_UP_DAYS = 7
_AT = re.compile(r"^\s*(\S+)\s+(\d{1,2}):(\d{2})\s*$")


class DigestConfigError(ValueError):
    """A digest setting that cannot be understood; the message names it and shows the form."""


class DigestPeriodError(ValueError):
    """A period written in a form that does not fit its kind."""


@dataclass(frozen=True)
class Period:
    """One closed period of a kind, both ends included (Vietnam calendar days)."""

    kind: str
    start: date
    end: date

    @property
    def key(self):
        """The period as written on the command line and in the API: 2026-W47, 2026-10,
        2026-Q1, 2026-H1, 2026-9M, 2026."""
        if self.kind == "weekly":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "monthly":
            return f"{self.start:%Y-%m}"
        suffix = YEARLY_KEYS[self.kind]
        return f"{self.start.year}-{suffix}" if suffix else str(self.start.year)


def _month_end(year, month):
    """The last day of a month."""
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def week_of(day):
    """The ISO week (Monday to Sunday) that holds `day`."""
    monday = day - timedelta(days=day.weekday())
    return Period("weekly", monday, monday + timedelta(days=6))


def month_of(day):
    """The calendar month that holds `day`."""
    return Period("monthly", day.replace(day=1), _month_end(day.year, day.month))


def yearly(kind, year):
    """A yearly kind's period of `year`: 1 January to the end of its last month."""
    return Period(kind, date(year, 1, 1), _month_end(year, YEARLY_MONTHS[kind]))


def latest_closed(kind, today):
    """The latest period of `kind` that ended before `today`."""
    if kind == "weekly":
        return week_of(today - timedelta(days=today.weekday() + 1))
    if kind == "monthly":
        return month_of(today.replace(day=1) - timedelta(days=1))
    this_year = yearly(kind, today.year)
    return this_year if this_year.end < today else yearly(kind, today.year - 1)


def previous(period):
    """The period of the same kind just before `period`."""
    if period.kind == "weekly":
        return week_of(period.start - timedelta(days=7))
    if period.kind == "monthly":
        return month_of(period.start - timedelta(days=1))
    return yearly(period.kind, period.start.year - 1)


@dataclass(frozen=True)
class DigestSchedule:
    """When digests are due, which kinds are compiled, and how late one may still be made."""

    weekly_day: int = 0
    weekly_time: time = time(7, 0)
    periodic_day: int = 3
    periodic_time: time = time(7, 0)
    kinds: tuple = KINDS
    catch_up: timedelta = timedelta(days=DEFAULT_CATCH_UP_DAYS)

    @classmethod
    def from_config(cls, config):
        """Read DIGEST_WEEKLY_AT, DIGEST_PERIODIC_AT, DIGEST_KINDS and DIGEST_CATCH_UP_DAYS;
        DigestConfigError names the first bad one."""
        weekly_day, weekly_time = parse_weekly_at(config.get("DIGEST_WEEKLY_AT")
                                                  or DEFAULT_WEEKLY_AT)
        periodic_day, periodic_time = parse_periodic_at(config.get("DIGEST_PERIODIC_AT")
                                                        or DEFAULT_PERIODIC_AT)
        return cls(weekly_day, weekly_time, periodic_day, periodic_time,
                   parse_kinds(config.get("DIGEST_KINDS")),
                   parse_catch_up(config.get("DIGEST_CATCH_UP_DAYS")))

    def due_at(self, period):
        """The moment (aware, UTC) the digest of `period` is due."""
        if period.kind == "weekly":
            ahead = (self.weekly_day - period.end.weekday()) % 7 or 7
            day, at = period.end + timedelta(days=ahead), self.weekly_time
        else:
            after = period.end + timedelta(days=1)
            day, at = after.replace(day=self.periodic_day), self.periodic_time
        return datetime.combine(day, at, tzinfo=VIETNAM).astimezone(UTC)

    def latest_due(self, kind, now):
        """The latest period of `kind` whose digest is due at `now` (aware)."""
        period = latest_closed(kind, local_day(now))
        return period if self.due_at(period) <= now else previous(period)

    def owed(self, now):
        """The periods whose digests should exist at `now`: the latest due period of each
        enabled kind, if `now` is still within the catch-up window of its due moment."""
        found = []
        for kind in self.kinds:
            period = self.latest_due(kind, now)
            if now - self.due_at(period) <= self.catch_up:
                found.append(period)
        return found


def _clock(name, text, hour, minute):
    """A time of day from hour and minute, or DigestConfigError naming the setting."""
    hour, minute = int(hour), int(minute)
    if hour > 23 or minute > 59:
        raise DigestConfigError(f"{name}={text!r}: {hour:02d}:{minute:02d} is not a time of "
                                "day; use HH:MM from 00:00 to 23:59 (Vietnam time).")
    return time(hour, minute)


def parse_weekly_at(text, name="DIGEST_WEEKLY_AT"):
    """`"mon 07:00"` → (weekday 0-6, time): a weekday mon..sun (or t2..t7, cn) and HH:MM."""
    match = _AT.match(str(text))
    day = WEEKDAYS.get(match.group(1).lower()) if match else None
    if day is None:
        raise DigestConfigError(
            f"{name}={text!r}: write a weekday and a Vietnam time, e.g. 'mon 07:00' "
            "(weekdays mon, tue, wed, thu, fri, sat, sun, or t2..t7, cn); the weekly digest "
            "is compiled on the first such day after the week ends.")
    return day, _clock(name, text, match.group(2), match.group(3))


def parse_periodic_at(text, name="DIGEST_PERIODIC_AT"):
    """`"3 07:00"` → (day of month 1-28, time): when in the month after a period its digest
    is compiled."""
    match = _AT.match(str(text))
    if not match or not match.group(1).isdigit() or not 1 <= int(match.group(1)) <= 28:
        raise DigestConfigError(
            f"{name}={text!r}: write a day of the month from 1 to 28 and a Vietnam time, "
            "e.g. '3 07:00' (the 3rd of the month after the period, at 07:00).")
    return int(match.group(1)), _clock(name, text, match.group(2), match.group(3))


def parse_kinds(text, name="DIGEST_KINDS"):
    """`"weekly,monthly"` → the kinds in catalogue order; empty means all, `none` none."""
    if text is None or not str(text).strip():
        return KINDS
    words = [w.strip().lower() for w in str(text).split(",") if w.strip()]
    if words == ["none"]:
        return ()
    unknown = [w for w in words if w not in KINDS]
    if unknown:
        raise DigestConfigError(f"{name}={text!r}: unknown kind {unknown[0]!r}; use a "
                                f"comma-separated list of {', '.join(KINDS)}, or none.")
    return tuple(kind for kind in KINDS if kind in words)


def parse_catch_up(text, name="DIGEST_CATCH_UP_DAYS"):
    """Days after its due moment a missed digest is still compiled (0 to 366)."""
    if text is None or str(text).strip() == "":
        return timedelta(days=DEFAULT_CATCH_UP_DAYS)
    try:
        days = float(text)
    except ValueError:
        days = -1.0
    if not 0 <= days <= 366:
        raise DigestConfigError(f"{name}={text!r}: give a number of days from 0 to 366.")
    return timedelta(days=days)


def parse_period(kind, text):
    """The period of `kind` written as 2026-W47 (weekly), 2026-10 (monthly) or 2026 (the
    yearly kinds; 2026-Q1, 2026-H1, 2026-9M also taken); DigestPeriodError otherwise."""
    text = str(text).strip().upper()
    if kind not in KINDS:
        raise DigestPeriodError(f"Unknown kind {kind!r}; use one of {', '.join(KINDS)}.")
    try:
        if kind == "weekly":
            match = re.fullmatch(r"(\d{4})-W(\d{2})", text)
            return week_of(date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1))
        if kind == "monthly":
            match = re.fullmatch(r"(\d{4})-(\d{2})", text)
            return month_of(date(int(match.group(1)), int(match.group(2)), 1))
        suffix = YEARLY_KEYS[kind]
        match = re.fullmatch(r"(\d{4})" + (f"(?:-{suffix})?" if suffix else ""), text)
        return yearly(kind, int(match.group(1)))
    except (AttributeError, ValueError):
        example = _example(kind).key
        raise DigestPeriodError(f"{text!r} is not a {kind} period; write it like "
                                f"{example}.") from None


def _example(kind):
    """A sample period of `kind` (for error messages)."""
    if kind == "weekly":
        return week_of(date(2026, 11, 16))
    return month_of(date(2026, 10, 1)) if kind == "monthly" else yearly(kind, 2026)
