"""Downloadable import templates (CSV and XLSX) with Vietnamese headers and an example row."""

import csv
import io

from services.common.categories import CATEGORIES

from .imports import COLUMNS

TEMPLATE_NAME = "Mẫu nhập phiếu phản ánh"
EXAMPLE = {
    "title": "Chậm chi trả tiền làm thêm giờ",
    "body": "Công nhân phân xưởng 2 phản ánh công ty chưa trả tiền làm thêm giờ tháng 9.",
    "category": "Chế độ, chính sách đối với người lao động",
    "unit_code": "DB-001",
    "channel": "phiếu",
    "received_on": "05/10/2026",
    "reporter_name": "Nguyễn Văn A",
    "reporter_contact": "0912 345 678",
    "consent_to_contact": "có",
    "form_number": "VÍ DỤ",
}
CHANNEL_HELP = (
    ("import", "phiếu, phiếu giấy", "Phiếu phản ánh nhập từ giấy (mặc định)"),
    ("meeting", "họp, hội nghị, giao ban", "Ý kiến tại cuộc họp, buổi làm việc"),
    ("hotline", "đường dây nóng, điện thoại", "Đường dây nóng"),
    ("media", "báo chí, truyền thông", "Thông tin trên báo chí"),
    ("web", "trang web", "Biểu mẫu trên trang web"),
    ("periodic_report", "báo cáo định kỳ", "Báo cáo tình hình hằng tháng của cơ sở"),
)
EXAMPLE_NOTE = ("Dòng 2 là ví dụ (Số phiếu «VÍ DỤ») và không được nhập; "
                "hãy ghi đè hoặc xoá dòng này.")


def headers():
    """The Vietnamese header row of the templates."""
    return [c.header_vi for c in COLUMNS]


def example_row():
    """The example row under the header."""
    return [EXAMPLE[c.key] for c in COLUMNS]


def template_csv():
    """The CSV template: UTF-8 with a BOM (so Excel shows the accents), comma-separated."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(headers())
    writer.writerow(example_row())
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx():
    """The XLSX template: «Phiếu» to fill in, «Lĩnh vực» and «Hướng dẫn» to read."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    forms = workbook.active
    forms.title = "Phiếu"
    forms.append(headers())
    forms.append(example_row())
    for index, column in enumerate(COLUMNS, start=1):
        cell = forms.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.comment = Comment(("Bắt buộc. " if column.required else "") + column.note,
                               "Văn phòng Đảng ủy Khối")
        forms.column_dimensions[cell.column_letter].width = 40 if column.key == "body" else 22
        forms.cell(row=2, column=index).alignment = Alignment(wrap_text=True)
    forms.freeze_panes = "A2"

    categories = workbook.create_sheet("Lĩnh vực")
    categories.append(["Mã", "Tên lĩnh vực", "English name"])
    for category in CATEGORIES:
        categories.append([category.code, category.name_vi, category.name_en])
    categories.append([])
    categories.append(["Kênh", "Có thể ghi", "Ý nghĩa"])
    for row in CHANNEL_HELP:
        categories.append(list(row))

    notes = workbook.create_sheet("Hướng dẫn")
    notes.append(["Cột", "Bắt buộc", "Cách ghi", "Tên tiếng Anh cũng được chấp nhận"])
    for column in COLUMNS:
        notes.append([column.header_vi, "có" if column.required else "không", column.note,
                      column.header_en])
    notes.append([])
    notes.append([EXAMPLE_NOTE])
    notes.append(["Tên cột có thể viết có hoặc không dấu, hoa hay thường; cột lạ bị bỏ qua."])
    notes.append(["Mỗi dòng chỉ được nhập một lần, kể cả khi tải tệp lên lại."])
    for sheet in (categories, notes):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for letter, width in zip("ABCD", (24, 40, 60, 30), strict=True):
            sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
