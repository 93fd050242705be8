"""The catalogue of reports: name, Vietnamese title, what it shows and the function behind it.

Every report is a pure function `(session, ReportFilter) -> ReportResult`, so JSON, CSV,
XLSX and PDF render the very same rows.
"""

from dataclasses import dataclass

from services.common.web import NotFoundError

from . import figures, lists


class UnknownReportError(NotFoundError):
    """No report has this name (404); the message lists the names there are."""

    def __init__(self, name, known):
        super().__init__(f"No report named {name!r}; try one of: {', '.join(known)}.",
                         fields={"report": ["Unknown report."]}, code="unknown_report")


@dataclass(frozen=True)
class Report:
    """One report of the catalogue."""

    name: str
    title: str
    description: str
    build: object
    options: tuple = ()


CATALOGUE = (
    Report("summary", "Tổng hợp tình hình tiếp nhận và giải quyết",
           "Cases received in the period and where they stand now.", figures.summary),
    Report("on_time", "Tỷ lệ giải quyết đúng hạn",
           "Resolutions in the period made on or before the deadline in force, by priority.",
           figures.on_time),
    Report("resolution_time", "Thời gian giải quyết (ngày làm việc)",
           "Median and 90th percentile of working days to resolution (pauses excluded), "
           "for cases resolved in the period, by priority.", figures.resolution_time),
    Report("ageing", "Thời gian tồn đọng của vụ việc đang xử lý",
           "Open cases received in the period by working days since receipt.",
           figures.ageing),
    Report("overdue", "Danh sách vụ việc quá hạn",
           "Cases past their deadline whose clock still runs, longest overdue first.",
           lists.overdue, ("limit",)),
    Report("hot", "Vụ việc nóng, khẩn đang xử lý",
           "Open hot and urgent matters, hot first.", lists.hot, ("limit",)),
    Report("trend", "Xu hướng tiếp nhận và giải quyết",
           "Cases received and resolved per ISO week or month.", figures.trend, ("by",)),
    Report("top_units", "Đơn vị tồn đọng nhiều vụ việc nhất",
           "Units holding the most open cases, sub-cells rolled up to their grassroots "
           "committee.", figures.top_units, ("limit",)),
    Report("compliance", "Tình hình gửi báo cáo định kỳ hằng tháng",
           "Each active grassroots committee and cell: monthly report on time, late or "
           "missing.", lists.compliance, ("period",)),
)
REPORTS = {report.name: report for report in CATALOGUE}


def find_report(name):
    """The report of this name, or UnknownReportError (404) listing the names."""
    try:
        return REPORTS[name]
    except KeyError:
        raise UnknownReportError(name, tuple(REPORTS)) from None


def run(session, name, flt):
    """Build one report for a filter; the result carries the report's title."""
    report = find_report(name)
    result = report.build(session, flt)
    result.title = report.title
    return result


def catalogue():
    """The reports as the API lists them."""
    return [{"name": r.name, "title": r.title, "description": r.description,
             "path": f"/api/v1/reports/{r.name}", "formats": ["json", "csv", "xlsx", "pdf"],
             "filters": ["from", "to", "unit", "category", "priority", "channel"],
             "options": list(r.options)} for r in CATALOGUE]
