"""Bulk import without a broker or database: layout, file reading, row validation, keys."""

import io
import unicodedata
import zipfile
from datetime import UTC, date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from services.intake.import_files import decode_text, detect_format, read_table
from services.intake.import_templates import template_csv, template_xlsx
from services.intake.imports import (
    ImportFileError,
    ImportReport,
    ImportRow,
    RowError,
    map_headers,
    parse_received,
    validate_row,
    validated_rows,
)

GOOD = {"title": "Đường vào xưởng bị ngập", "body": "Mưa to là ngập, công nhân khó đi lại."}


def run(data, fmt="csv", **kwargs):
    """Read and validate a whole file; return (valid rows, report)."""
    table = read_table(data, fmt, **kwargs)
    report = ImportReport(warnings=list(table.notes))
    rows = list(validated_rows(table, map_headers(table.header), report))
    return rows, report


def xlsx(rows, title="Sheet", extra_first=None):
    """An XLSX workbook of rows (optionally after another sheet)."""
    workbook = Workbook()
    sheet = workbook.active
    if extra_first:
        sheet.title = extra_first
        sheet.append(["not", "this", "sheet"])
        sheet = workbook.create_sheet(title)
    else:
        sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.parametrize("header", [
    ["Tiêu đề", "Nội dung"],
    ["TIÊU ĐỀ", "nội dung"],
    ["Tieu de", "Noi dung"],
    ["tieu_de", "NOI-DUNG"],
    ["Tiêu đề (*)", "Nội dung [bắt buộc]"],
    ["title", "Body"],
    [unicodedata.normalize("NFD", "Tiêu đề"), unicodedata.normalize("NFD", "Nội dung")],
])
def test_vietnamese_headers_match_with_or_without_accents_and_in_any_case(header):
    mapping = map_headers(header)
    assert mapping.positions == {"title": 0, "body": 1}


def test_every_column_has_a_vietnamese_name_without_diacritics():
    header = ["so phieu", "ho ten nguoi phan anh", "lien he", "dong y lien he", "ma don vi",
              "linh vuc", "kenh", "ngay tiep nhan", "tieu de", "noi dung"]
    mapping = map_headers(header)
    assert set(mapping.positions) == {"form_number", "reporter_name", "reporter_contact",
                                      "consent_to_contact", "unit_code", "category", "channel",
                                      "received_on", "title", "body"}
    assert mapping.unknown == []


def test_unknown_columns_are_kept_as_warnings_not_errors():
    rows, report = run("Tiêu đề,Nội dung,Ghi chú\nMất nước sinh hoạt,Ba ngày,xx\n".encode())
    assert len(rows) == 1
    assert report.warnings == ["Columns not in the layout were ignored: «Ghi chú»."]


def test_missing_required_columns_are_named_in_a_file_error():
    with pytest.raises(ImportFileError) as info:
        map_headers(["Lĩnh vực", "Kênh"])
    assert info.value.status == 422
    assert info.value.fields["columns"] == ["Missing required column «Tiêu đề».",
                                            "Missing required column «Nội dung»."]


def test_two_columns_meaning_the_same_are_refused():
    with pytest.raises(ImportFileError) as info:
        map_headers(["Tiêu đề", "Title", "Nội dung"])
    assert "«Tiêu đề» and «Title»" in info.value.fields["columns"][0]


def test_csv_with_bom_and_semicolons_is_read():
    data = "\ufeffTiêu đề;Nội dung;Lĩnh vực\nLương chậm;Chậm 2 tháng;Tiền lương, bảo hiểm xã hội\n"
    [row], report = run(data.encode("utf-8"))
    assert row.feedback["title"] == "Lương chậm"
    assert row.feedback["category"] == "wages_insurance"
    assert report.warnings == []


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_delimiter_is_sniffed_from_the_header(delimiter):
    data = delimiter.join(["Tiêu đề", "Nội dung", "Kênh"]) + "\n" + delimiter.join(
        ["Mất điện", '"Điện mất, rồi có"', "họp"]) + "\n"
    [row], _ = run(data.encode())
    assert row.feedback["body"] == "Điện mất, rồi có"
    assert row.feedback["channel"] == "meeting"


def test_excel_sep_line_names_the_delimiter_and_is_not_a_row():
    [row], _ = run("sep=;\nTiêu đề;Nội dung\nMất điện;Cả khu\nab;\n".encode())
    assert row.row == 2


def test_utf16_csv_is_read():
    [row], _ = run("Tiêu đề\tNội dung\nNước bẩn\tNước có mùi\n".encode("utf-16"))
    assert row.feedback["body"] == "Nước có mùi"


def cp1258(text):
    """Encode as Windows-1258 does: base letters precomposed, tone marks combining."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in tones))
        out.append(base + "".join(p for p in parts if p in tones))
    return "".join(out).encode("cp1258")


def test_windows_1258_csv_is_read_with_a_warning():
    data = cp1258("Tiêu đề,Nội dung\nNước bẩn,Nước có mùi hôi\n")
    [row], report = run(data)
    assert row.feedback["title"] == "Nước bẩn"
    assert "Windows-1258" in report.warnings[0]


def test_undecodable_file_is_refused_naming_the_line():
    data = "Tiêu đề,Nội dung\nabc,def\n".encode() + b"ab\x81\x8d\x8f,x\n"
    with pytest.raises(ImportFileError) as info:
        decode_text(data)
    assert info.value.status == 422
    assert info.value.message.startswith("Line 3, column 3: byte 0x81")


@pytest.mark.parametrize(("data", "content_type", "name"), [
    (b"%PDF-1.4 ...", "application/pdf", "a.pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "application/vnd.ms-excel", "a.xls"),
    (b"title,body\n", "application/json", None),
    (b"not a zip", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", None),
    (b"\x00\x01\x02\x03binary", None, None),
])
def test_files_that_are_not_csv_or_xlsx_are_refused_with_415(data, content_type, name):
    with pytest.raises(ImportFileError) as info:
        detect_format(data, content_type, name)
    assert info.value.status == 415


def test_a_zip_that_is_not_a_workbook_is_refused_with_415():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<x/>")
    data = out.getvalue()
    assert detect_format(data, None, "a.docx") == "xlsx"
    with pytest.raises(ImportFileError) as info:
        read_table(data, "xlsx")
    assert info.value.status == 415


def test_xlsx_round_trip_keeps_dates_numbers_and_row_numbers():
    data = xlsx([["Tiêu đề", "Nội dung", "Ngày tiếp nhận", "Số phiếu", "Đồng ý liên hệ",
                  "Họ tên"],
                 ["Mất điện", "Cả khu tối", datetime(2026, 3, 12), 1507, True, "Lê Văn C"],
                 [None, None, None, None, None, None],
                 ["ab", "x", "hôm qua", 12.0, "có lẽ", None],
                 ["Nước yếu", "Tầng 5 không có nước", date(2026, 3, 1), "PH-9", 0, None]],
                title="Phiếu", extra_first="Hướng dẫn")
    rows, report = run(data, "xlsx")
    assert [r.row for r in rows] == [2, 5]
    assert rows[0].external_key == "import:form:1507"
    assert rows[0].received_at == datetime(2026, 3, 11, 17, 0, tzinfo=UTC)
    assert rows[0].feedback["reporter"]["consent_to_contact"] is True
    [error] = report.errors
    assert error["row"] == 4
    assert set(error["fields"]) == {"title", "received_on", "consent_to_contact"}


def test_bad_rows_are_reported_with_spreadsheet_row_numbers_and_field_names():
    data = ('Tiêu đề,Nội dung,Lĩnh vực,Kênh,Mã đơn vị\n'
            'Mất điện,"Dòng một\nDòng hai",môi trường,,\n'
            'x,,,fax,\n'
            'Cầu hỏng,Cầu ở tổ 3 bị sập,không có,,\n'
            ',,,,\n'
            'Ổ gà,Đường có ổ gà,,,QUÁ-DÀI-QUÁ-DÀI-QUÁ-DÀI-QUÁ-DÀI-QUÁ-DÀI\n').encode()
    rows, report = run(data)
    assert [r.row for r in rows] == [2]
    assert report.rows_total == 4 and report.rejected == 3
    by_row = {e["row"]: e for e in report.errors}
    assert set(by_row) == {3, 4, 6}
    assert set(by_row[3]["fields"]) == {"title", "body", "channel"}
    assert by_row[3]["fields"]["body"] == ["Empty; this column is required."]
    assert by_row[3]["message"].startswith("Row 3 — Tiêu đề: ")
    assert "«không có»" in by_row[4]["fields"]["category"][0]
    assert set(by_row[6]["fields"]) == {"unit_code"}


def test_unknown_unit_codes_are_refused_once_the_directory_is_known():
    values = dict(GOOD, unit_code="cb-99")
    assert isinstance(validate_row(2, values, known_units={"CB-01"}), RowError)
    assert isinstance(validate_row(2, values, known_units=set()), ImportRow)


@pytest.mark.parametrize(("text", "consent"), [
    ("có", True), ("Co", True), ("x", True), ("1", True), ("yes", True), ("Đồng ý", True),
    ("không", False), ("KHONG", False), ("0", False), ("", False), ("no", False),
])
def test_consent_is_read_in_vietnamese_or_english(text, consent):
    row = validate_row(2, dict(GOOD, reporter_name="Lê C", consent_to_contact=text))
    assert row.feedback["reporter"]["consent_to_contact"] is consent


@pytest.mark.parametrize(("text", "category"), [
    ("environment", "environment"), ("Môi trường", "environment"), ("moi truong", "environment"),
    ("AN NINH, TRẬT TỰ", "security"), ("Wages and social insurance", "wages_insurance"),
])
def test_categories_are_matched_by_code_or_name_without_accents(text, category):
    assert validate_row(2, dict(GOOD, category=text)).feedback["category"] == category


@pytest.mark.parametrize(("text", "channel"), [
    ("", "import"), ("Họp", "meeting"), ("hoi nghi", "meeting"), ("Đường dây nóng", "hotline"),
    ("Báo chí", "media"), ("WEB", "web"), ("Periodic report", "periodic_report"),
])
def test_channels_are_read_from_codes_or_vietnamese_names(text, channel):
    assert validate_row(2, dict(GOOD, channel=text)).feedback["channel"] == channel


def test_dates_are_read_day_first_in_vietnam_time_and_not_in_the_future():
    assert parse_received("02/03/2026") == datetime(2026, 3, 1, 17, 0, tzinfo=UTC)
    assert parse_received("2026-03-02 08:30") == datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
    with pytest.raises(ValueError, match="future"):
        parse_received("01/01/2026", today=date(2025, 12, 31))
    with pytest.raises(ValueError):
        parse_received("03/2026")


def test_row_keys_are_stable_across_whitespace_accent_forms_and_file_formats():
    nfd = {k: "  " + unicodedata.normalize("NFD", v) + " " for k, v in GOOD.items()}
    first, second = validate_row(2, GOOD), validate_row(9, nfd)
    assert first.external_key == second.external_key
    assert first.external_key.startswith("import:") and len(first.external_key) == 71
    [from_csv], _ = run(f"Tiêu đề,Nội dung\n{GOOD['title']},\"{GOOD['body']}\"\n".encode())
    [from_xlsx], _ = run(xlsx([["Tiêu đề", "Nội dung"], [GOOD["title"], GOOD["body"]]]), "xlsx")
    assert from_csv.external_key == from_xlsx.external_key == first.external_key
    other = validate_row(2, dict(GOOD, body="Một nội dung khác"))
    assert other.external_key != first.external_key


def test_a_form_number_is_the_key_whatever_the_content():
    first = validate_row(2, dict(GOOD, form_number=" PH-12 "))
    changed = validate_row(2, dict(GOOD, body="Sửa lại nội dung", form_number="PH-12"))
    assert first.external_key == changed.external_key == "import:form:PH-12"
    assert first.content_hash != changed.content_hash


def test_a_row_with_more_cells_than_the_header_is_refused_not_cut_short():
    _, report = run("Tiêu đề,Nội dung\nMất điện,Mất từ sáng, cả khu tối\n".encode())
    assert report.errors[0]["row"] == 2
    assert "double quotes" in report.errors[0]["fields"]["_row"][0]


def test_rows_repeated_in_one_file_are_imported_once_with_a_warning():
    line = f"{GOOD['title']},\"{GOOD['body']}\"\n"
    data = "Tiêu đề,Nội dung\n" + line + line
    rows, report = run(data.encode())
    assert [r.row for r in rows] == [2]
    assert report.already_imported == report.repeated == 1
    assert report.warnings == ["Row 3 repeats row 2 (same content); imported once."]


def test_first_row_offsets_the_row_numbers_of_a_chunk():
    data = f"title,body\n{GOOD['title']},\"{GOOD['body']}\"\n\nab,\n".encode()
    rows, report = run(data, first_row=1002)
    assert rows[0].row == 1002
    assert report.errors[0]["row"] == 1004


def test_csv_template_parses_back_and_its_example_row_is_skipped():
    rows, report = run(template_csv())
    assert rows == [] and report.rows_total == 0
    assert report.warnings == ["Row 2 was skipped: the template's example row "
                               "(Số phiếu «VÍ DỤ»)."]
    assert template_csv().startswith(b"\xef\xbb\xbf")


def test_xlsx_template_has_the_form_sheet_categories_and_notes():
    data = template_xlsx()
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Phiếu", "Lĩnh vực", "Hướng dẫn"]
    assert workbook["Lĩnh vực"]["A2"].value == "party_building"
    table = read_table(data, "xlsx")
    assert map_headers(table.header).unknown == []
    example = validate_row(2, {**map_headers(table.header).values(next(table.rows)[1]),
                               "form_number": "PH-1", "received_on": "01/01/2026"})
    assert isinstance(example, ImportRow)
    assert example.feedback["category"] == "welfare"
