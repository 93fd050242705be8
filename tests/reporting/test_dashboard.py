"""The leadership dashboard over HTTP against reporting running on RabbitMQ and PostgreSQL:
who may see it, the figures of the reports, drill-down, charts, lists, errors, downloads."""

import html
import io
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
import requests
from openpyxl import load_workbook

from services.cases.console import local_path
from services.common.auth import issue_token
from services.common.workdays import local_day
from tests.support.broker import publish_event
from tests.support.waiting import wait_until

from .history import CaseStory
from .test_api import Client
from .test_read_model import all_events

NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}
XSS = '<script>window.__xss = 1</script>'


class Reader:
    """GETs of the dashboard carrying a console `session` cookie for one role (or none)."""

    def __init__(self, service, role=None, unit=None):
        self.service = service
        self.cookies = {}
        if role:
            self.cookies["session"] = issue_token(
                service.settings["AUTH_SECRET"], user_id=f"u-{role}", username=f"nguoi-{role}",
                role=role, unit_code=unit)

    def get(self, path, **params):
        return requests.get(self.service.url(path), params=params, cookies=self.cookies,
                            allow_redirects=False, timeout=30)

    def page(self, **params):
        response = self.get("/reports", **params)
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        return response.text


class TextById(HTMLParser):
    """The text inside each element that has an id (nested ids each get theirs)."""

    def __init__(self, page):
        super().__init__()
        self.open, self.texts = [], {}
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        ident = dict(attrs).get("id")
        if tag not in ("br", "input", "img", "meta", "link", "rect", "circle", "line"):
            self.open.append(ident)
        if ident:
            self.texts[ident] = ""

    def handle_endtag(self, tag):
        if tag not in ("br", "input", "img", "meta", "link", "rect", "circle", "line"):
            self.open.pop()

    def handle_data(self, data):
        for ident in self.open:
            if ident:
                self.texts[ident] += data


def texts(page):
    """{id: text with spaces collapsed} of a page."""
    return {k: " ".join(v.split()) for k, v in TextById(page).texts.items()}


def links(page, pattern):
    """Every href in the page matching a regular expression, unescaped."""
    hrefs = [html.unescape(h) for h in re.findall(r'href="([^"]*)"', page)]
    return [h for h in hrefs if re.search(pattern, h)]


def svgs(page):
    """{id: parsed tree} of every inline SVG chart."""
    return {tree.get("id"): tree for tree in
            (ET.fromstring(svg) for svg in re.findall(r"<svg .*?</svg>", page, re.S))}


def figure(text):
    """The number in a figure card's text ("Tiếp nhận 6" → 6.0; "66,7%" → 66.7)."""
    return float(re.search(r"(\d+(?:,\d+)?)", text).group(1).replace(",", "."))


@pytest.fixture
def dashboard(start_service, amqp_uri):
    """reporting fed the sample history plus a hot case whose title is a script."""
    service = start_service("reporting")
    script = CaseStory("2026-11-10 09:00", code="SCRIPT", priority="hot", title=XSS)
    script.assign("CB-002", "2026-11-10 10:00")
    events = [*all_events(), *script.events]
    for envelope in events:
        publish_event(amqp_uri, envelope)
    api = Client(service)
    wait_until(lambda: api.report("summary").json()["total"] == 7
               and api.report("summary").json()["by_status"]["assigned"] == 2
               and len(api.report("compliance", period="2026-10").json()["rows"]) == 3,
               message="the history folded into the read model")
    service.case_ids = {e["payload"]["tracking_code"]: e["payload"]["case_id"]
                        for e in events if e["event_type"] == "case_opened"}
    service.api = api
    return service


def test_nobody_signed_in_is_sent_to_the_console_sign_in_and_back(dashboard):
    for reader in (Reader(dashboard), Reader(dashboard, "leader")):
        if reader.cookies:
            reader.cookies["session"] += "forged"
        response = reader.get("/reports", range="week", unit="DB-001")
        assert response.status_code == 303
        assert response.headers["Location"] == \
            "/console/login?next=%2Freports%3Frange%3Dweek%26unit%3DDB-001"
    assert Reader(dashboard).get("/reports/export/summary", format="pdf").headers[
        "Location"] == "/console/login?next=%2Freports%2Fexport%2Fsummary%3Fformat%3Dpdf"


def test_the_console_returns_only_to_paths_on_this_site():
    assert local_path("/reports?range=week&unit=DB-001") == "/reports?range=week&unit=DB-001"
    for outside in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "reports",
                    "/reports\r\nSet-Cookie: x=1", "javascript:alert(1)", "", None,
                    "/" + "a" * 2001):
        assert local_path(outside) is None, outside


@pytest.mark.parametrize("role", ["officer", "unit_head"])
def test_officers_and_unit_heads_get_a_403_page_in_vietnamese(dashboard, role):
    reader = Reader(dashboard, role, "DB-001")
    response = reader.get("/reports")
    assert response.status_code == 403
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Không có quyền truy cập" in response.text
    assert f"Tài khoản nguoi-{role} (" in " ".join(response.text.split())
    assert reader.get("/reports/export/summary", format="xlsx").status_code == 403


@pytest.mark.parametrize("role", ["leader", "clerk", "admin"])
def test_leaders_clerks_and_admins_see_the_dashboard(dashboard, role):
    page = Reader(dashboard, role).page(**NOVEMBER)
    assert "Bảng điều hành của lãnh đạo" in page


def test_the_figures_are_those_of_the_reports_for_the_period(dashboard):
    found = texts(Reader(dashboard, "leader").page(**NOVEMBER))
    summary = dashboard.api.report("summary", **NOVEMBER).json()["rows"][0]
    for key in ("received", "open", "resolved", "closed", "overdue"):
        assert figure(found[f"fig-{key}"]) == summary[key], key
    on_time = dashboard.api.report("on_time", **NOVEMBER).json()
    assert figure(found["fig-on-time"]) == on_time["rate"]
    median = dashboard.api.report("resolution_time", **NOVEMBER).json()["rows"][-1]["median"]
    assert figure(found["fig-median"]) == median
    assert found["period"] == "Từ ngày 01/11/2026 đến ngày 30/11/2026"


def test_the_default_period_is_this_month_so_far(dashboard):
    today = local_day(datetime.now(UTC))
    found = texts(Reader(dashboard, "leader").page())
    first = today.replace(day=1)
    assert found["period"] == f"Từ ngày {first:%d/%m/%Y} đến ngày {today:%d/%m/%Y}"
    summary = dashboard.api.report("summary", **{"from": first.isoformat(),
                                                  "to": today.isoformat()}).json()
    assert figure(found["fig-received"]) == summary["total"]
    quarter = texts(Reader(dashboard, "leader").page(range="quarter"))["period"]
    assert quarter.startswith(f"Từ ngày 01/{3 * ((today.month - 1) // 3) + 1:02d}/{today.year}")


def test_a_leader_drills_down_from_the_bloc_to_a_unit_and_back(dashboard):
    reader = Reader(dashboard, "leader")
    top = reader.page(**NOVEMBER)
    assert texts(top)["breadcrumb"] == "Toàn Khối"
    (down,) = links(top, r"unit=DB-001(&|$)")[:1]
    assert down.startswith("/reports?") and "from=2026-11-01" in down
    page = reader.get(down).text
    found = texts(page)
    assert found["breadcrumb"] == ("Toàn Khối Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh "
                                   "Đảng bộ Viễn thông Vân Lĩnh")
    assert links(page, r"unit=DUK(&|$)")
    assert links(page, r"^/reports\?from=2026-11-01&to=2026-11-30$")  # back to the whole bloc
    assert "Chi bộ Trung tâm Kinh doanh" in found["units-below"]
    assert links(page, r"unit=DB-001-CB01")
    summary = dashboard.api.report("summary", unit="DB-001", **NOVEMBER).json()
    assert figure(found["fig-received"]) == summary["total"] == 1


def test_charts_are_inline_svg_with_the_reports_values(dashboard):
    page = Reader(dashboard, "leader").page(**NOVEMBER)
    charts = svgs(page)
    assert set(charts) == {"chart-trend", "chart-on_time", "chart-summary", "chart-ageing"}
    trend = charts["chart-trend"]
    assert trend.find("{http://www.w3.org/2000/svg}title").text == \
        "Số vụ việc tiếp nhận và giải quyết theo tuần"
    weekly = dashboard.api.report("trend", by="week", **NOVEMBER).json()["rows"]
    titles = [g.find("{http://www.w3.org/2000/svg}title").text
              for g in trend.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "bar"]
    for row in weekly:
        week = int(row["period"].split("W")[1])
        assert f"T{week} – Tiếp nhận: {row['received']}" in titles
        assert f"T{week} – Giải quyết: {row['resolved']}" in titles


def test_overdue_and_hot_cases_link_to_the_console_and_titles_stay_text(dashboard):
    page = Reader(dashboard, "leader").page(**NOVEMBER)
    found = texts(page)
    assert "MOVED" in found["list-overdue"] and "MOVED" in found["list-hot"]
    assert links(page, rf"^/console/cases/{dashboard.case_ids['MOVED']}$")
    assert links(page, rf"^/console/cases/{dashboard.case_ids['SCRIPT']}$")
    assert XSS in found["list-hot"]
    assert XSS not in page and html.escape(XSS, quote=False) in page


def test_bad_filters_show_the_page_with_a_message_naming_them(dashboard):
    response = Reader(dashboard, "leader").get("/reports", **{
        "from": "2026-13-45", "priority": "boiling", "unit": "KHONG-CO", "category": "welfare"})
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    found = texts(response.text)
    message = found["filter-errors"]
    for words in ("Từ ngày", "Mức độ", "Đơn vị (mã) (không có đơn vị mang mã này)"):
        assert words in message, message
    assert "Lĩnh vực" not in message
    assert "fig-received" in found


def test_the_page_is_in_english_on_request_and_remembers_it(dashboard):
    reader = Reader(dashboard, "leader")
    response = reader.get("/reports", lang="en", **NOVEMBER)
    assert "Leadership dashboard" in response.text and "Key figures" in response.text
    assert "lang=en" in response.headers["Set-Cookie"]
    reader.cookies["lang"] = "en"
    assert "Cases received and resolved per week" in reader.page(**NOVEMBER)


def test_downloads_carry_the_same_filters_and_open(dashboard):
    reader = Reader(dashboard, "clerk")
    page = reader.page(unit="DB-001", **NOVEMBER)
    (xlsx,) = links(page, r"^/reports/export/summary\?.*format=xlsx")
    (pdf,) = links(page, r"^/reports/export/on_time\?.*format=pdf")
    assert "unit=DB-001" in xlsx and "from=2026-11-01" in xlsx and "to=2026-11-30" in xlsx
    response = requests.get(dashboard.url(xlsx), cookies=reader.cookies, timeout=30)
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    expected = Client(dashboard, "clerk").report("summary", unit="DB-001", **NOVEMBER).json()
    assert list(rows[5]) == [expected["rows"][0][c["key"]] for c in expected["columns"]]
    response = requests.get(dashboard.url(pdf), cookies=reader.cookies, timeout=60)
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    (compliance,) = links(page, r"^/reports/export/compliance\?.*format=xlsx")
    assert re.search(r"period=\d{4}-\d{2}", compliance)
