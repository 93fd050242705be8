"""What a report returns: a titled table of typed columns, the same for every format."""

from dataclasses import dataclass, field
from datetime import date, datetime

from services.common.workdays import VIETNAM

KINDS = ("text", "int", "float", "date", "datetime")


@dataclass(frozen=True)
class Column:
    """One column: its key in JSON rows, its Vietnamese header and its kind of value."""

    key: str
    label: str
    kind: str = "text"


@dataclass
class ReportResult:
    """A report's rows and what JSON shows besides them (totals, by_status, ...)."""

    name: str
    title: str
    columns: tuple
    rows: list
    extra: dict = field(default_factory=dict)


def json_value(value, kind):
    """A cell as JSON shows it: times in Vietnam time (ISO 8601), dates ISO, numbers as is."""
    if value is None:
        return None
    if kind == "datetime" and isinstance(value, datetime):
        return value.astimezone(VIETNAM).isoformat(timespec="seconds")
    if kind == "date" and isinstance(value, date):
        return value.isoformat()
    if kind == "float":
        return round(float(value), 1)
    return value


def json_rows(result):
    """The rows with every cell converted for JSON."""
    return [{c.key: json_value(row.get(c.key), c.kind) for c in result.columns}
            for row in result.rows]


def text_value(value, kind):
    """A cell as CSV shows it: the JSON value as text, empty for none."""
    value = json_value(value, kind)
    return "" if value is None else str(value)
