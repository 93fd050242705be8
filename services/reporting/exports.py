"""A report as a file: CSV (UTF-8 with a byte-order mark, for Excel), XLSX (openpyxl) or PDF
(pdf.py), each with Vietnamese text intact, named with a UTF-8 file name."""

import csv
import io
import re
import unicodedata
from datetime import date, datetime
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from werkzeug.wrappers import Response

from services.common.web import json_response
from services.common.workdays import VIETNAM

from . import pdf
from .results import json_rows, text_value

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"
HEADER_ROW = 5  # title, filters, generation time, blank, then the header
MAX_WIDTH = 60
NUMBER_FORMATS = {"date": "DD/MM/YYYY", "datetime": "DD/MM/YYYY HH:MM", "float": "0.0"}
# what Excel and LibreOffice take for the start of a formula (titles come from the public)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value, kind):
    """A CSV cell; text that a spreadsheet would run as a formula gets a leading apostrophe."""
    text = text_value(value, kind)
    if kind == "text" and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def to_csv(result):
    """CSV bytes: BOM, header of Vietnamese column names, one line per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.label for c in result.columns])
    for row in result.rows:
        writer.writerow([csv_cell(row.get(c.key), c.kind) for c in result.columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell_value(value, kind):
    """A value as an Excel cell: local naive times (Excel has no zones), numbers as numbers."""
    if value is None:
        return None
    if kind == "datetime" and isinstance(value, datetime):
        return value.astimezone(VIETNAM).replace(tzinfo=None, microsecond=0)
    if kind == "float":
        return round(float(value), 1)
    return value


def _display_width(value):
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    return len(str(value)) if value is not None else 0


def to_xlsx(result, filters_line, generated_at):
    """XLSX bytes: a title row, the filters, the generation time, a bold header, the rows."""
    book = Workbook()
    sheet = book.active
    sheet.title = result.name[:31]
    width = max(len(result.columns), 1)
    sheet.append([result.title])
    sheet.append([f"Điều kiện lọc: {filters_line}"])
    sheet.append([f"Thời điểm lập: {generated_at.astimezone(VIETNAM):%d/%m/%Y %H:%M} "
                  "(giờ Việt Nam)"])
    sheet.append([])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([c.label for c in result.columns])
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    widths = [min(MAX_WIDTH, max(10, len(c.label) * 0.8)) for c in result.columns]
    for row in result.rows:
        values = [_cell_value(row.get(c.key), c.kind) for c in result.columns]
        sheet.append(values)
        for index, (column, value) in enumerate(zip(result.columns, values, strict=True)):
            cell = sheet.cell(sheet.max_row, index + 1)
            if column.kind in NUMBER_FORMATS and value is not None:
                cell.number_format = NUMBER_FORMATS[column.kind]
            elif isinstance(value, str) and cell.data_type == "f":
                cell.data_type = "s"  # text, never a formula
            widths[index] = min(MAX_WIDTH, max(widths[index], _display_width(value) + 2))
    for index, value in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = value
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 1)
    if result.rows:
        sheet.auto_filter.ref = (f"A{HEADER_ROW}:{get_column_letter(width)}"
                                 f"{HEADER_ROW + len(result.rows)}")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _ascii(text):
    """An ASCII rendering of a Vietnamese name for the plain `filename=` fallback."""
    folded = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    folded = folded.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9._-]+", "-", folded).strip("-") or "bao-cao"


def file_name(result, generated_at, extension):
    """`<Vietnamese title> <date>.<ext>`, e.g. "Danh sách vụ việc quá hạn 2026-11-23.xlsx"."""
    return f"{result.title} {generated_at.astimezone(VIETNAM):%Y-%m-%d}.{extension}"


def content_disposition(name):
    """An attachment header with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987)."""
    return f"attachment; filename=\"{_ascii(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


def json_payload(result, flt, generated_at):
    """The JSON body of a report: what it is, the filters, the columns and the rows."""
    return {"report": result.name, "title": result.title,
            "generated_at": generated_at.astimezone(VIETNAM).isoformat(timespec="seconds"),
            "filters": flt.described(),
            "columns": [{"key": c.key, "label": c.label, "kind": c.kind}
                        for c in result.columns],
            "rows": json_rows(result), **result.extra}


def response(result, flt, fmt, generated_at, letterhead=None):
    """The HTTP response of a report in `json`, `csv`, `xlsx` or `pdf` (with a letterhead)."""
    if fmt == "json":
        return json_response(json_payload(result, flt, generated_at))
    if fmt == "csv":
        body, content_type = to_csv(result), CSV_TYPE
    elif fmt == "pdf":
        body, content_type = pdf.to_pdf(result, flt, generated_at, letterhead), PDF_TYPE
    else:
        body, content_type = to_xlsx(result, flt.describe_vi(), generated_at), XLSX_TYPE
    name = file_name(result, generated_at, fmt)
    return Response(body, content_type=content_type,
                    headers={"Content-Disposition": content_disposition(name)})
