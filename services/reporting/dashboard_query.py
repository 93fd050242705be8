"""The dashboard's query string: a quick period (this week, month, quarter, year) or from–to,
a unit and the other filters; bad values are dropped and named, never a 500."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from marshmallow import EXCLUDE, ValidationError, fields, validate

from services.common.i18n import LANGUAGES

from .compliance import latest_month_due, period_of
from .schemas import ReportQuery

RANGES = ("week", "month", "quarter", "year")
FILTERS = ("unit", "category", "priority", "channel")
WEEKLY_TREND_DAYS = 100  # a period up to about a quarter shows its trend per week


class DashboardQuery(ReportQuery):
    """The report filters plus `?range=week|month|quarter|year` (when no `from`/`to`) and
    `lang`; other parameters are ignored (it is a page, not an API)."""

    class Meta:
        unknown = EXCLUDE

    range = fields.String(load_default=None, validate=validate.OneOf(RANGES))
    lang = fields.String(load_default=None, validate=validate.OneOf(LANGUAGES))


DASHBOARD_QUERY = DashboardQuery()
DATA_KEYS = {"from_": "from"}


@dataclass
class DashboardChoice:
    """What the reader asked for, after dropping what was not valid."""

    range: str | None = None
    start: date | None = None
    end: date | None = None
    filters: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)  # {parameter: kind of problem}

    def params(self, **changes):
        """The query parameters that show this choice again (with `changes`; None drops)."""
        values = {"range": self.range} if self.range else {
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None}
        values.update(self.filters)
        values.update(changes)
        return {key: value for key, value in values.items() if value}

    def link(self, path="/reports", **changes):
        """A link to `path` with this choice's parameters (and `changes`)."""
        params = self.params(**changes)
        return f"{path}?{urlencode(params)}" if params else path

    def with_range(self, quick):
        """A link to this choice over another quick period."""
        params = {key: value for key, value in self.params().items()
                  if key not in ("from", "to")}
        return f"/reports?{urlencode({**params, 'range': quick})}"

    def export_link(self, name, fmt, **extra):
        """The address of a report file with this choice's filters (and report options)."""
        params = {**self.report_params(), **extra, "format": fmt}
        return f"/reports/export/{name}?{urlencode(params)}"

    def report_params(self):
        """The same choice as the report API's parameters (explicit dates, no quick range)."""
        values = {"from": self.start.isoformat() if self.start else None,
                  "to": self.end.isoformat() if self.end else None, **self.filters}
        return {key: value for key, value in values.items() if value}


def _problem(name):
    if name == "unit":
        return "unit"
    return "date" if name in ("from", "to") else "choice"


def load_choice(args):
    """Load the query string; invalid parameters are dropped and recorded in `errors`."""
    raw = {key: args.get(key) for key in args if args.get(key) not in (None, "")}
    errors = {}
    while True:
        try:
            data = DASHBOARD_QUERY.load(raw)
            break
        except ValidationError as exc:
            bad = set(exc.messages) if isinstance(exc.messages, dict) else set(raw)
            bad = {DATA_KEYS.get(name, name) for name in bad} & set(raw) or set(raw)
            errors.update({name: _problem(name) for name in bad})
            raw = {key: value for key, value in raw.items() if key not in bad}
    choice = DashboardChoice(range=data["range"], start=data["from_"], end=data["to"],
                             filters={name: data[name] for name in FILTERS if data[name]},
                             errors=errors)
    if choice.start or choice.end:
        choice.range = None
    elif not choice.range:
        choice.range = "month"
    return choice


def period_bounds(quick, today):
    """First and last day of a quick period that ends today."""
    if quick == "week":
        return today - timedelta(days=today.weekday()), today
    if quick == "quarter":
        return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today
    if quick == "year":
        return date(today.year, 1, 1), today
    return today.replace(day=1), today


def settle_period(choice, today):
    """Fill in a quick period's dates (the period is then always explicit)."""
    if choice.range:
        choice.start, choice.end = period_bounds(choice.range, today)
    return choice


def trend_by(choice, today):
    """`week` for periods up to about a quarter, else `month`."""
    start = choice.start or date(today.year, 1, 1)
    return "week" if ((choice.end or today) - start).days <= WEEKLY_TREND_DAYS else "month"


def compliance_month(choice, today, due_day):
    """The month whose reports the dashboard checks: the period's last month once its reports
    are due, else the month before."""
    last = period_of(min(choice.end or today, today))
    return latest_month_due(last, due_day, today - timedelta(days=1))
