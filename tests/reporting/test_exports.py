"""CSV and XLSX files of a report (no broker): header, Vietnamese text, file names, and text
that a spreadsheet must not run as a formula."""

import csv
import io
from datetime import UTC, date, datetime
from urllib.parse import unquote

from openpyxl import load_workbook

from services.reporting.exports import content_disposition, file_name, to_csv, to_xlsx
from services.reporting.results import Column, ReportResult

GENERATED = datetime(2026, 11, 23, 2, 30, tzinfo=UTC)  # 09:30 in Vietnam

RESULT = ReportResult(
    "overdue", "Danh sách vụ việc quá hạn",
    (Column("tracking_code", "Mã tra cứu"), Column("title", "Tiêu đề"),
     Column("deadline_at", "Hạn xử lý", "datetime"), Column("due_on", "Hạn nộp", "date"),
     Column("rate", "Tỷ lệ (%)", "float"), Column("days", "Số ngày", "int")),
    [{"tracking_code": "K7N8-3HPV-47H", "title": "=HYPERLINK(\"http://x\",\"Bấm vào\")",
      "deadline_at": datetime(2026, 11, 16, 16, 59, 59, 999999, tzinfo=UTC),
      "due_on": date(2026, 12, 5), "rate": 2 / 3 * 100, "days": 5},
     {"tracking_code": "AAAA-BBBB-CCC", "title": "Đường ống nước bị vỡ ở khu tập thể",
      "deadline_at": None, "due_on": None, "rate": None, "days": 0}])


def test_csv_has_a_bom_a_header_and_vietnamese_text_intact():
    data = to_csv(RESULT)
    assert data.startswith(b"\xef\xbb\xbf")
    header, first, second = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    assert header == ["Mã tra cứu", "Tiêu đề", "Hạn xử lý", "Hạn nộp", "Tỷ lệ (%)", "Số ngày"]
    assert first[2:] == ["2026-11-16T23:59:59+07:00", "2026-12-05", "66.7", "5"]
    assert second == ["AAAA-BBBB-CCC", "Đường ống nước bị vỡ ở khu tập thể", "", "", "", "0"]


def test_csv_text_that_looks_like_a_formula_is_defused():
    first = list(csv.reader(io.StringIO(to_csv(RESULT).decode("utf-8-sig"))))[1]
    assert first[1] == "'=HYPERLINK(\"http://x\",\"Bấm vào\")"


def test_xlsx_has_a_title_the_filters_the_time_and_a_bold_header():
    book = load_workbook(io.BytesIO(to_xlsx(RESULT, "Đơn vị: Đảng bộ Viễn thông (DB-001)",
                                            GENERATED)))
    sheet = book.active
    assert sheet["A1"].value == "Danh sách vụ việc quá hạn"
    assert sheet["A1"].font.bold
    assert sheet["A2"].value == "Điều kiện lọc: Đơn vị: Đảng bộ Viễn thông (DB-001)"
    assert sheet["A3"].value == "Thời điểm lập: 23/11/2026 09:30 (giờ Việt Nam)"
    assert [c.value for c in sheet[5]] == ["Mã tra cứu", "Tiêu đề", "Hạn xử lý", "Hạn nộp",
                                           "Tỷ lệ (%)", "Số ngày"]
    assert all(c.font.bold for c in sheet[5])
    assert sheet.freeze_panes == "A6"
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["F"].width


def test_xlsx_cells_are_typed_and_formula_lookalikes_stay_text():
    sheet = load_workbook(io.BytesIO(to_xlsx(RESULT, "", GENERATED))).active
    row = [c for c in sheet[6]]
    assert row[1].data_type == "s"
    assert row[1].value == "=HYPERLINK(\"http://x\",\"Bấm vào\")"
    assert row[2].value == datetime(2026, 11, 16, 23, 59, 59)
    assert row[3].value == datetime(2026, 12, 5)
    assert row[4].value == 66.7
    assert row[5].value == 5
    assert sheet["B7"].value == "Đường ống nước bị vỡ ở khu tập thể"


def test_the_file_name_is_the_vietnamese_title_with_an_ascii_fallback():
    name = file_name(RESULT, GENERATED, "xlsx")
    assert name == "Danh sách vụ việc quá hạn 2026-11-23.xlsx"
    header = content_disposition(name)
    assert header.startswith('attachment; filename="Danh-sach-vu-viec-qua-han-2026-11-23.xlsx"')
    assert unquote(header.split("filename*=UTF-8''")[1]) == name
