"""reporting's report API in a nameko container fed through RabbitMQ: every report in JSON,
CSV and XLSX with the same rows, filters, access and errors."""

import csv
import io
from datetime import date, datetime
from urllib.parse import unquote

import pytest
import requests
from openpyxl import load_workbook

from services.common.auth import issue_token
from services.reporting.reports import REPORTS
from tests.support.broker import publish_event
from tests.support.waiting import wait_until

from .test_read_model import all_events

pytestmark = pytest.mark.integration

FILTER_SETS = [
    {},
    {"from": "2026-11-01", "to": "2026-11-30", "unit": "DB-001"},
    {"category": "welfare", "priority": "normal", "channel": "web", "period": "2026-10",
     "by": "week", "limit": "3"},
]


def token(settings, role, unit=None):
    return "Bearer " + issue_token(settings["AUTH_SECRET"], user_id=f"u-{role}",
                                   username=role, role=role, unit_code=unit)


class Client:
    """GETs on the running reporting service as one role."""

    def __init__(self, service, role="leader"):
        self.service = service
        self.headers = {"Authorization": token(service.settings, role)}

    def get(self, path, **params):
        return requests.get(self.service.url(path), params=params, headers=self.headers,
                            timeout=30)

    def report(self, name, **params):
        response = self.get(f"/api/v1/reports/{name}", **params)
        assert response.status_code == 200, response.text
        return response


@pytest.fixture
def reporting(start_service, amqp_uri):
    """reporting with a whole history delivered through the broker (and read back)."""
    service = start_service("reporting")
    for envelope in all_events():
        publish_event(amqp_uri, envelope)
    client = Client(service)
    wait_until(lambda: client.report("summary").json()["total"] == 6
               and client.report("summary").json()["by_status"]["closed"] == 1
               and len(client.report("compliance", period="2026-10").json()["rows"]) == 3
               and {r["status"] for r in client.report(
                   "compliance", period="2026-10").json()["rows"]} == {
                   "on_time", "late", "missing"},
               message="the history folded into the read model")
    return client


def csv_rows(response):
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def same_cell(kind, json_value, cell):
    """Whether a spreadsheet cell holds the JSON value."""
    if json_value is None:
        return cell is None
    if kind == "datetime":
        return datetime.fromisoformat(json_value).replace(tzinfo=None) == cell
    if kind == "date":
        return date.fromisoformat(json_value) == cell.date()
    if kind in ("int", "float"):
        return float(json_value) == cell
    return json_value == cell


@pytest.mark.parametrize("filters", FILTER_SETS, ids=["no filter", "period and unit",
                                                      "every filter"])
def test_every_report_gives_the_same_rows_in_json_csv_and_xlsx(reporting, filters):
    for name in REPORTS:
        data = reporting.report(name, **filters).json()
        columns = data["columns"]
        expected = [[row[c["key"]] for c in columns] for row in data["rows"]]

        header, *lines = csv_rows(reporting.report(name, format="csv", **filters))
        assert header == [c["label"] for c in columns], name
        assert lines == [["" if v is None else str(v) for v in row] for row in expected], name

        xlsx = reporting.report(name, format="xlsx", **filters)
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        values = list(sheet.iter_rows(values_only=True))
        assert values[0][0] == data["title"]
        assert values[1][0].startswith("Điều kiện lọc:")
        assert values[2][0].startswith("Thời điểm lập:")
        assert list(values[4]) == [c["label"] for c in columns], name
        assert sheet.cell(5, 1).font.bold
        cells = [list(row) for row in values[5:]]
        assert len(cells) == len(expected), name
        for row, cell_row in zip(expected, cells, strict=True):
            for column, value, cell in zip(columns, row, cell_row, strict=True):
                assert same_cell(column["kind"], value, cell), (name, column["key"], value, cell)


def test_exports_are_named_in_vietnamese_and_keep_vietnamese_text(reporting):
    response = reporting.report("compliance", format="xlsx", period="2026-10")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    name = unquote(disposition.split("filename*=UTF-8''")[1])
    assert name.startswith("Tình hình gửi báo cáo định kỳ hằng tháng ")
    assert name.endswith(".xlsx")
    assert response.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = {row[2] for row in sheet.iter_rows(min_row=6, values_only=True)}
    assert "Đảng bộ Viễn thông Vân Lĩnh" in names
    text = reporting.report("compliance", format="csv", period="2026-10")
    assert text.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "Chi bộ Bảo tàng tỉnh" in text.content.decode("utf-8-sig")


def test_filters_narrow_the_report(reporting):
    assert reporting.report("summary", unit="DB-001").json()["total"] == 1
    assert reporting.report("summary", unit="SO-NV").json()["total"] == 2
    assert reporting.report("summary", priority="hot").json()["total"] == 1
    assert reporting.report("summary", to="2026-11-02").json()["total"] == 3
    filtered = reporting.report("summary", unit="DB-001", priority="normal").json()
    assert filtered["filters"] == {"unit": "DB-001", "priority": "normal"}


def test_the_catalogue_lists_every_report(reporting):
    listing = reporting.get("/api/v1/reports").json()["reports"]
    assert [r["name"] for r in listing] == list(REPORTS)
    assert all(r["formats"] == ["json", "csv", "xlsx", "pdf"] for r in listing)


def test_leaders_clerks_and_admins_may_read_reports(reporting):
    for role in ("leader", "clerk", "admin"):
        client = Client(reporting.service, role)
        assert client.get("/api/v1/reports/summary").status_code == 200, role


def test_others_are_refused(reporting):
    anonymous = requests.get(reporting.service.url("/api/v1/reports/summary"), timeout=10)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"] == "unauthenticated"
    officer = Client(reporting.service, "officer").get("/api/v1/reports/overdue")
    assert officer.status_code == 403
    assert Client(reporting.service, "unit_head").get("/api/v1/reports").status_code == 403


BAD_QUERIES = [
    ({"from": "2026-13-01"}, "from"),
    ({"from": "2026-11-10", "to": "2026-11-01"}, "to"),
    ({"priority": "very"}, "priority"),
    ({"channel": "pigeon"}, "channel"),
    ({"category": "weather"}, "category"),
    ({"unit": "XX-999"}, "unit"),
    ({"format": "docx"}, "format"),
    ({"period": "2026-1"}, "period"),
    ({"to": "9999-12-31"}, "to"),
    ({"from": "0001-01-01"}, "from"),
    ({"period": "9999-12"}, "period"),
    ({"limit": "0"}, "limit"),
    ({"colour": "red"}, "colour"),
]


def test_a_bad_query_is_a_422_naming_the_field(reporting):
    for params, field in BAD_QUERIES:
        response = reporting.get("/api/v1/reports/overdue", **params)
        assert response.status_code == 422, params
        body = response.json()
        assert body["error"] == "validation_failed"
        assert field in body["fields"], (params, body)


def test_an_unknown_report_is_a_404_listing_the_reports(reporting):
    response = reporting.get("/api/v1/reports/popularity")
    assert response.status_code == 404
    assert "summary" in response.json()["message"]
