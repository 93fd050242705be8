"""A stored digest as people read it: its title in the page's language, key figures, tables of
its sections with formatted cells, and its charts -- the same for the page and the PDF.

Sections hold JSON (times as ISO text, labels in Vietnamese); values are turned back into
dates and numbers here and labels shown in the page's language through their codes.
"""

from dataclasses import dataclass
from datetime import date, datetime

from .charts import number, report_chart
from .dashboard import show_date, translated
from .dashboard_texts import CODE_OF_LABEL
from .digest_page_texts import UNIT_KIND_OF_LABEL
from .labels import ALL
from .results import Column, ReportResult

ENGLISH_TITLES = {
    "weekly": "Weekly digest, week {week}/{iso_year} ({start:%d/%m} – {end:%d/%m/%Y})",
    "monthly": "Monthly digest, {start:%m/%Y}", "quarter1": "First-quarter digest {year}",
    "half_year": "Digest of the first six months of {year}",
    "nine_months": "Digest of the first nine months of {year}", "year": "Yearly digest {year}"}
RESULTS = (("group", "col.group", "group"), ("resolved", "col.resolved", "int"),
           ("on_time", "col.on_time", "int"), ("late", "col.late", "int"),
           ("rate", "col.rate", "float"), ("median", "col.median", "float"),
           ("p90", "col.p90", "float"), ("mean", "col.mean", "float"), ("max", "col.max", "int"))
CASE_COLUMNS = (("tracking_code", "col.code", "code"), ("title", "col.title", "text"),
                ("priority", "col.priority", "priority"), ("status", "col.status", "status"),
                ("unit_name", "col.unit", "unit"), ("deadline_at", "col.deadline", "datetime"))
TABLES = {
    "overdue": (*CASE_COLUMNS, ("days_overdue", "col.days_overdue", "int")),
    "hot": (*CASE_COLUMNS, ("days_open", "col.days_open", "int")),
    "top_units": (("rank", "col.rank", "int"), ("unit_name", "col.unit_name", "unit"),
                  ("open", "col.cases", "int"), ("overdue", "overdue", "int"),
                  ("hot_urgent", "col.hot_urgent", "int")),
    "compliance": (("period", "col.month", "month"), ("unit_name", "col.unit_name", "unit"),
                   ("kind", "col.kind", "unit_kind"),
                   ("status", "col.report_status", "compliance"),
                   ("due_on", "col.due_on", "date"),
                   ("submitted_at", "col.submitted_at", "datetime"),
                   ("days_late", "col.days_late", "int")),
    "trend": (("period", "col.period", "bucket"), ("received", "received", "int"),
              ("resolved", "resolved", "int")),
}
NUMERIC = ("int", "float")
CHARTS = ("trend", "on_time", "summary")


@dataclass(frozen=True)
class Cell:
    """One table cell as shown: its text, whether it is a number, and a link if any."""

    text: str
    numeric: bool = False
    link: str | None = None


@dataclass(frozen=True)
class Table:
    """Column headers and rows of cells, ready for a template."""

    headers: tuple
    numeric: tuple
    rows: list


def typed(value, kind):
    """A JSON cell back as a date, a datetime or a number (None stays None)."""
    if value is None or not isinstance(value, str):
        return value
    if kind == "datetime":
        return datetime.fromisoformat(value)
    return date.fromisoformat(value) if kind == "date" else value


def month_words(period):
    """"2026-10" → "10/2026"."""
    return f"{period[5:]}/{period[:4]}"


def cell_text(row, key, kind, t):
    """The text of one cell of a stored row in the language of `t`."""
    value = row.get(key)
    if kind == "unit":
        return value or row.get("unit_code") or ""
    if value is None:
        return "–" if kind in NUMERIC else ""
    if kind in NUMERIC:
        return number(round(float(value), 1) if kind == "float" else int(value))
    if kind in ("date", "datetime"):
        return show_date(typed(value, kind))
    if kind == "group":
        return t("all") if value == ALL else translated(t, "priority", value)
    if kind in ("priority", "status"):
        return translated(t, kind, value)
    if kind == "compliance":
        return t(f"compliance.{value}")
    if kind == "unit_kind":
        code = UNIT_KIND_OF_LABEL.get(value)
        return t(f"unit_kind.{code}") if code else value
    if kind == "month":
        return month_words(value)
    if kind == "bucket":
        return t("week_short", week=int(value[6:])) + f"/{value[:4]}" if "-W" in value \
            else month_words(value)
    return str(value)


def table(columns, rows, t, links=None):
    """A Table of `rows` over `columns` [(key, header text key, kind)]."""
    links = links or {}
    return Table(
        headers=tuple(t(header) for _, header, _ in columns),
        numeric=tuple(kind in NUMERIC for _, _, kind in columns),
        rows=[[Cell(cell_text(row, key, kind, t), kind in NUMERIC,
                    links.get(row.get(key)) if kind == "code" else None)
               for key, _, kind in columns] for row in rows])


def results_rows(sections):
    """On-time and resolution-time rows side by side, one per priority and one for all."""
    return [{**times, **on_time} for on_time, times in
            zip(sections["on_time"]["rows"], sections["resolution_time"]["rows"], strict=True)]


def tables(sections, t, links=None):
    """Every table of the digest, by section name (`results` joins on-time and times)."""
    found = {"results": table(RESULTS, results_rows(sections), t)}
    for name, columns in TABLES.items():
        if name == "compliance" and len(sections[name]["periods"]) == 1:
            columns = columns[1:]  # one month: it is in the heading
        found[name] = table(columns, sections[name]["rows"], t, links)
    return found


def as_result(name, section):
    """A stored section as the ReportResult its chart is drawn from."""
    rows = [dict(row) for row in section["rows"]]
    if name == "on_time":  # the chart takes each row's priority code, stored as its label
        for row in rows:
            row["priority"] = CODE_OF_LABEL["priority"].get(row["group"])
    extra = {key: value for key, value in section.items()
             if key not in ("title", "filters", "columns", "rows")}
    return ReportResult(name, section["title"], tuple(Column(**c) for c in section["columns"]),
                        rows, extra)


def charts(sections, t, prefix="chart"):
    """The digest's charts (trend, on time, by status) in the language of `t`."""
    return {name: report_chart(as_result(name, sections[name]), t, f"{prefix}-{name}")
            for name in CHARTS}


def figures(sections, t):
    """The key figure cards: (id, label, value, unit) for the received cases' standing, the
    on-time rate and the median time to resolve."""
    summary = sections["summary"]["rows"][0]
    cards = [(f"fig-{key}", t(label), number(summary[key]), "")
             for key, label in (("received", "received"), ("open", "open"),
                                ("resolved", "awaiting_confirmation"), ("closed", "closed"),
                                ("rejected", "digest.rejected"), ("overdue", "overdue"))]
    rate = sections["on_time"]["rate"]
    median = sections["resolution_time"]["rows"][-1]["median"]
    cards.append(("fig-on-time", t("on_time_rate"),
                  t("no_figure") if rate is None else f"{number(round(rate, 1))}%", ""))
    cards.append(("fig-median", t("median_days"), t("no_figure"), "") if median is None else
                 ("fig-median", t("median_days"), number(round(float(median), 1)),
                  t("working_days")))
    return cards


def shown_title(digest, lang):
    """The digest's title: stored in Vietnamese, composed in English."""
    if lang == "vi":
        return digest.title
    start, end = digest.period_start, digest.period_end
    iso_year, week, _ = start.isocalendar()
    return ENGLISH_TITLES[digest.kind].format(start=start, end=end, year=start.year,
                                              iso_year=iso_year, week=week)


def compliance_months(section):
    """The months of the compliance section in words: "10/2026" or "01/2026 – 03/2026"."""
    months = [month_words(p) for p in section["periods"]]
    return months[0] if len(months) == 1 else f"{months[0]} – {months[-1]}"
