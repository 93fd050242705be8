"""Reports as PDF: a Vietnamese party document's layout, the figures of the JSON report, the
filters in words, Vietnamese text intact (read back with pdftotext), over HTTP as a download."""

import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from urllib.parse import unquote

import eventlet
import pytest

from services.common.workdays import local_day
from services.reporting import pdf, reports
from services.reporting.filters import build_filter
from services.reporting.reports import REPORTS
from services.reporting.results import json_rows
from services.reporting.schemas import ReportQuery
from services.reporting.settings import Letterhead
from tests.support.broker import publish_event
from tests.support.waiting import wait_until

from .history import unit_event
from .test_api import Client
from .test_read_model import all_events

NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}
SIGNED = {"ORGANISATION_NAME": "ĐẢNG BỘ KHỐI CÁC CƠ QUAN VÀ DOANH NGHIỆP TỈNH ĐẮK LẮK",
          "OFFICE_NAME": "VĂN PHÒNG ĐẢNG ỦY KHỐI", "REPORT_PLACE": "Đắk Lắk",
          "REPORT_SIGNER_ON_BEHALF": "T/M BAN THƯỜNG VỤ", "REPORT_SIGNER_TITLE": "PHÓ BÍ THƯ",
          "REPORT_SIGNER_NAME": "Nguyễn Thị Ưởng"}
COFFEE = ("CB-DL", "Chi bộ Công ty Cà phê Buôn Ma Thuột – Đắk Lắk", "grassroots_cell", "DUK")


def pdf_text(data, tmp_path, layout=True):
    """The text of a PDF as pdftotext reads it (poppler-utils)."""
    assert shutil.which("pdftotext"), "pdftotext is needed: apt-get install poppler-utils"
    assert data.startswith(b"%PDF-")
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=60).stdout


def printed(value, kind):
    """A JSON cell as the PDF should print it (Vietnamese decimals, dd/mm/yyyy dates)."""
    if kind == "float":
        return f"{value:.1f}".replace(".", ",").removesuffix(",0")
    if kind == "date":
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    if kind == "datetime":
        return datetime.fromisoformat(value).strftime("%d/%m/%Y %H:%M")
    return str(value)


def assert_rows_printed(text, columns, rows):
    """Each row's numbers, dates and one-word texts stand on one line of the PDF, in order
    (longer texts, which may wrap in a narrow column, between them)."""
    lines = text.splitlines()
    for row in rows:
        cells = [printed(row[c["key"]], c["kind"]) for c in columns if row[c["key"]] is not None
                 and (c["kind"] != "text" or re.fullmatch(r"\S{1,12}", row[c["key"]]))]
        pattern = re.compile(r"(^|\s)" + r"\s(?:.*\s)?".join(re.escape(cell) for cell in cells)
                             + r"(\s|$)")
        assert any(pattern.search(line) for line in lines), (cells, text)


def json_of(result):
    """Columns and rows of a result as the JSON API gives them."""
    columns = [{"key": c.key, "label": c.label, "kind": c.kind} for c in result.columns]
    return columns, json_rows(result)


def test_dates_are_written_as_in_administrative_documents():
    assert pdf.date_line("Đắk Lắk", date(2026, 11, 23)) == "Đắk Lắk, ngày 23 tháng 11 năm 2026"
    assert pdf.date_line("Vân Lĩnh", date(2026, 2, 5)) == "Vân Lĩnh, ngày 05 tháng 02 năm 2026"
    assert pdf.date_line("", date(2026, 3, 9)) == "Ngày 09 tháng 3 năm 2026"


def test_the_organisation_and_place_come_from_the_root_unit_unless_configured():
    name = "Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh Đắk Lắk"
    assert pdf.organisation_from(name) == "ĐẢNG BỘ KHỐI CÁC CƠ QUAN VÀ DOANH NGHIỆP TỈNH ĐẮK LẮK"
    assert pdf.place_from(name) == "Đắk Lắk"
    assert pdf.place_from("Đảng ủy Khối Doanh nghiệp thành phố Hà Nội") == "Hà Nội"
    assert pdf.place_from("Đảng ủy Khối") == ""


def test_the_letterhead_reads_the_directory_only_for_what_is_not_configured(read_model):
    read_model.feed([unit_event("DUK", "Đảng ủy Khối các cơ quan tỉnh Đắk Lắk",
                                "bloc_committee")])
    with read_model.sessions() as session:
        derived = pdf.letterhead(session, read_model.settings)
        configured = pdf.letterhead(session, type(read_model.settings)(
            letterhead=Letterhead(organisation="ĐẢNG BỘ X", place="Huế")))
    assert (derived.organisation, derived.place) == ("ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH ĐẮK LẮK",
                                                     "Đắk Lắk")
    assert (configured.organisation, configured.place) == ("ĐẢNG BỘ X", "Huế")


@pytest.mark.parametrize("name", list(REPORTS))
def test_every_report_prints_its_json_figures_in_the_document_layout(name, read_model,
                                                                      tmp_path):
    read_model.feed([*all_events(), unit_event(*COFFEE)])
    now = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
    with read_model.sessions() as session:
        query = ReportQuery().load({**NOVEMBER, "unit": "DUK"})
        flt = build_filter(session, query, "leader", now, read_model.settings)
        result = reports.run(session, name, flt)
        head = pdf.letterhead(session, read_model.settings)
    document = pdf.to_pdf(result, flt, now, head)
    text = pdf_text(document, tmp_path)
    flat = " ".join(pdf_text(document, tmp_path, layout=False).split())
    for words in ("ĐẢNG CỘNG SẢN VIỆT NAM", "VĂN PHÒNG ĐẢNG ỦY KHỐI", "BÁO CÁO", result.title,
                  "Kỳ báo cáo: Từ ngày 01/11/2026 đến ngày 30/11/2026.",
                  "Điều kiện lọc: Đơn vị: Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh (DUK)",
                  "Ngày 23 tháng 11 năm 2026", "Số liệu tính đến 14:30 ngày 23/11/2026",
                  "Nơi nhận:", "CHÁNH VĂN PHÒNG"):
        assert words in flat, (words, text)
    columns, rows = json_of(result)
    assert rows or name in ("overdue", "hot")
    assert_rows_printed(text, columns, rows)
    for column in columns:
        assert " ".join(column["label"].split()[:1]) in flat


def test_a_report_with_a_chart_prints_it_with_its_labels(read_model, tmp_path):
    read_model.feed(all_events())
    now = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
    with read_model.sessions() as session:
        flt = build_filter(session, ReportQuery().load({**NOVEMBER, "by": "week"}), "leader",
                           now, read_model.settings)
        result = reports.run(session, "trend", flt)
        head = pdf.letterhead(session, read_model.settings)
    html = pdf.to_html(result, flt, now, head)
    assert html.count("<svg") == 1 and 'id="pdf-chart-trend"' in html
    text = " ".join(pdf_text(pdf.to_pdf(result, flt, now, head), tmp_path).split())
    assert "Số vụ việc tiếp nhận và giải quyết theo tuần" in text
    assert "T45" in text and "Giải quyết" in text


@pytest.fixture
def signed_reporting(start_service, amqp_uri):
    """reporting with a configured letterhead and the sample history (plus a Đắk Lắk cell)."""
    service = start_service("reporting", **SIGNED)
    for envelope in [*all_events(), unit_event(*COFFEE)]:
        publish_event(amqp_uri, envelope)
    client = Client(service)
    wait_until(lambda: client.report("summary").json()["total"] == 6
               and client.get("/api/v1/reports/summary", unit="CB-DL").status_code == 200
               and client.report("summary", **NOVEMBER).json()["by_status"]["closed"] == 1,
               message="the history folded into the read model")
    return client


@pytest.mark.integration
def test_a_pdf_download_is_named_in_vietnamese_and_holds_the_json_figures(signed_reporting,
                                                                           tmp_path):
    response = signed_reporting.report("on_time", format="pdf", **NOVEMBER)
    assert response.headers["Content-Type"] == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    today = local_day(datetime.now(UTC)).isoformat()
    assert disposition.startswith(f'attachment; filename="Ty-le-giai-quyet-dung-han-{today}.pdf"')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == \
        f"Tỷ lệ giải quyết đúng hạn {today}.pdf"
    text = pdf_text(response.content, tmp_path)
    flat = " ".join(pdf_text(response.content, tmp_path, layout=False).split())
    for words in ("ĐẢNG BỘ KHỐI CÁC CƠ QUAN VÀ DOANH NGHIỆP TỈNH ĐẮK LẮK", "Đắk Lắk, ngày ",
                  "ĐẢNG CỘNG SẢN VIỆT NAM", "Tỷ lệ giải quyết đúng hạn", "T/M BAN THƯỜNG VỤ",
                  "PHÓ BÍ THƯ", "Nguyễn Thị Ưởng", "Giải quyết đúng hạn và trễ hạn theo mức độ"):
        assert words in flat, words
    data = signed_reporting.report("on_time", **NOVEMBER).json()
    assert_rows_printed(text, data["columns"], data["rows"])


@pytest.mark.integration
def test_a_pdf_honours_the_filters_and_names_them_in_words(signed_reporting, tmp_path):
    filters = {**NOVEMBER, "unit": "DB-001", "priority": "normal", "category": "welfare",
               "channel": "web"}
    data = signed_reporting.report("summary", **filters).json()
    assert data["total"] == 1
    document = signed_reporting.report("summary", format="pdf", **filters).content
    text = pdf_text(document, tmp_path)
    flat = " ".join(pdf_text(document, tmp_path, layout=False).split())
    for words in ("Điều kiện lọc: Đơn vị: Đảng bộ Viễn thông Vân Lĩnh (DB-001)", "Mức độ: Thường",
                  "Lĩnh vực: Chế độ, chính sách đối với người lao động",
                  "Kênh tiếp nhận: Cổng thông tin"):
        assert words in flat, words
    assert_rows_printed(text, data["columns"], data["rows"])
    coffee = pdf_text(signed_reporting.report("hot", format="pdf", unit="CB-DL").content,
                      tmp_path, layout=False)
    assert "Chi bộ Công ty Cà phê Buôn Ma Thuột – Đắk Lắk (CB-DL)" in " ".join(coffee.split())
    assert "Không có số liệu trong kỳ báo cáo." in coffee


@pytest.mark.integration
def test_a_bad_parameter_of_a_pdf_is_a_422_naming_it(signed_reporting):
    response = signed_reporting.get("/api/v1/reports/summary", format="pdf", to="2026-02-30")
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"to"}


def test_a_long_pdf_renders_off_the_event_loop():
    rows = "".join(f"<tr><td>Chi bộ {n}</td><td>Nguyễn Thị Ưởng</td><td>{n}</td></tr>"
                   for n in range(400))
    html = f"<html><body><table>{rows}</table></body></html>"
    pdf.render_pdf("<p>Khởi động</p>")  # WeasyPrint's first use loads it (and yields)
    ticks, done = [], []

    def tick():
        while not done:
            ticks.append(1)
            eventlet.sleep(0.01)

    ticker = eventlet.spawn(tick)
    eventlet.sleep(0)
    started = len(ticks)
    try:
        document = pdf.render_pdf(html)
    finally:
        done.append(True)
        ticker.wait()
    assert document.startswith(b"%PDF")
    # the ticker kept running during the render: the loop was never blocked for its length
    assert len(ticks) - started >= 10
