"""Reading uploaded CSV and XLSX files into rows of cell texts. Pure code, no framework."""

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import PurePosixPath

from services.common.text import fold

from .imports import ImportFileError

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPES = {"", "text/csv", "text/plain", "application/csv", "text/comma-separated-values",
             "text/tab-separated-values", "application/vnd.ms-excel",
             "application/octet-stream"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OTHER_MAGIC = {b"%PDF": "a PDF document", b"\x89PNG": "a PNG image",
               b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
               b"\x1f\x8b": "a gzip archive", b"Rar!": "a RAR archive",
               b"7z\xbc\xaf": "a 7-Zip archive"}
SHEET_NAMES = ("phieu", "import")
DELIMITERS = (",", ";", "\t")
UNZIPPED_LIMIT = 512 * 1024 * 1024
_TONE_AFTER_VOWEL = re.compile("[aeiouyâêôơưăAEIOUYÂÊÔƠƯĂ][\u0300\u0301\u0303\u0309\u0323]")
_SEP_HINT = re.compile(r"^sep=([,;\t|])\r?\n", re.IGNORECASE)
HOW_TO_SAVE = "In Excel choose Save As → «CSV UTF-8» or «Excel Workbook (.xlsx)»."


@dataclass
class Table:
    """A header row and an iterator of (spreadsheet row number, [cell texts])."""

    header: list
    rows: object
    header_row: int = 1
    notes: tuple = ()


def _refuse(what):
    raise ImportFileError(f"Cannot import this file: it is {what}. Send CSV or XLSX. "
                          + HOW_TO_SAVE, status=415, code="unsupported_media_type")


def detect_format(data, content_type=None, file_name=None):
    """'csv' or 'xlsx' from the first bytes, then the declared type (or the name); else 415."""
    declared = (content_type or "").split(";")[0].strip().lower()
    suffix = PurePosixPath(file_name or "").suffix.lower()
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(OLE_MAGIC):
        _refuse("an old .xls workbook or a password-protected one")
    for magic, what in OTHER_MAGIC.items():
        if data.startswith(magic):
            _refuse(what)
    if declared not in ("", "application/octet-stream"):
        suffix = ""  # a declared type says more than the name
    if declared == XLSX_TYPE or suffix == ".xlsx":
        _refuse("named or declared XLSX but is not a workbook (not a zip file)")
    if declared not in CSV_TYPES:
        _refuse(f"sent as «{declared}»")
    if suffix in (".xls", ".ods", ".doc", ".docx", ".pdf", ".json", ".xml"):
        _refuse(f"a «{suffix}» file")
    if b"\x00" in data[:4096] and _utf16(data) is None:
        _refuse("binary data")
    return "csv"


def _utf16(data):
    """The UTF-16 codec a file is in (by BOM or by zero bytes of ASCII text), or None."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = data[:2000]
    if len(head) < 4:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd > len(head) * 0.3 and even < len(head) * 0.02:
        return "utf-16-le"
    if even > len(head) * 0.3 and odd < len(head) * 0.02:
        return "utf-16-be"
    return None


def _position(data, index):
    line = data.count(b"\n", 0, index) + 1
    column = index - (data.rfind(b"\n", 0, index) + 1) + 1
    return line, column


def decode_text(data, charset=None):
    """(text, warning): UTF-8 (with or without BOM), UTF-16, a declared charset or Windows-1258."""
    codec = charset or ("utf-8-sig" if data.startswith(codecs.BOM_UTF8) else _utf16(data))
    try:
        if codec:
            return data.decode(codec), None
        return data.decode("utf-8"), None
    except LookupError:
        raise ImportFileError(f"Unknown character set «{charset}».", status=415,
                              code="unsupported_media_type") from None
    except UnicodeDecodeError as exc:
        failure = exc
    if not charset and codec is None:
        try:
            text = data.decode("cp1258")
        except UnicodeDecodeError:
            text = None
        if text and (_TONE_AFTER_VOWEL.search(text) or any(c in text for c in "ơưđĐƠƯ")):
            return text, ("The file is not UTF-8; it was read as Windows-1258 (Vietnamese). "
                          "Check the accents of the imported rows. " + HOW_TO_SAVE)
    line, column = _position(data, failure.start)
    byte = data[failure.start:failure.start + 1].hex()
    raise ImportFileError(
        f"Line {line}, column {column}: byte 0x{byte} is not valid {failure.encoding}. "
        f"Save the file as UTF-8. {HOW_TO_SAVE}",
        fields={"file": [f"Undecodable byte at line {line}, column {column}."]},
        code="undecodable_file")


def sniff_delimiter(text):
    """The commonest of comma, semicolon and tab in the first line (comma when none)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(reader, offset):
    try:
        for index, cells in enumerate(reader, start=2):
            yield index + offset, cells
    except csv.Error as exc:
        raise ImportFileError(
            f"Line {reader.line_num}: {exc}. Is a quote (\") left open?",
            fields={"file": [f"Unreadable CSV at line {reader.line_num}."]},
            code="unreadable_file") from None


def read_csv(data, charset=None, first_row=None):
    """A Table from CSV bytes; data rows are numbered from first_row (default 2)."""
    text, warning = decode_text(data, charset)
    if text.startswith("\ufeff"):
        text = text[1:]
    delimiter = sniff_delimiter(text)
    hint = _SEP_HINT.match(text)
    if hint:  # Excel's «sep=;» first line names the delimiter and is not a row
        delimiter, text = hint.group(1), text[hint.end():]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = []
    try:
        header = next(reader)
    except StopIteration:
        pass
    except csv.Error as exc:
        raise ImportFileError(f"Line 1: {exc}.", code="unreadable_file") from None
    if not any(cell.strip() for cell in header):
        raise ImportFileError("The file is empty or its first line (the header) is blank.",
                              code="empty_file")
    offset = (first_row or 2) - 2
    return Table(header, _csv_rows(reader, offset), notes=(warning,) if warning else ())


def cell_text(value):
    """A spreadsheet cell as the text a person would have typed (dates as yyyy-mm-dd)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else \
            value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _open_workbook(data):
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unzipped = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ImportFileError("The workbook is damaged (not a readable zip file).",
                              code="unreadable_file") from None
    if "xl/workbook.xml" not in names:
        _refuse("a zip archive but not an Excel workbook (.docx, .ods?)")
    if unzipped > UNZIPPED_LIMIT:
        raise ImportFileError("The workbook unpacks to more than 512 MB; split it.",
                              status=413, code="too_large")
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on bad files
        raise ImportFileError(f"The workbook cannot be read: {exc}.",
                              code="unreadable_file") from None


def choose_sheet(workbook):
    """The sheet named «Phiếu» or «Import» if there is one, else the first."""
    for sheet in workbook.worksheets:
        if fold(sheet.title) in SHEET_NAMES:
            return sheet
    return workbook.worksheets[0]


def _xlsx_rows(workbook, rows, offset):
    try:
        for number, values in rows:
            yield number + offset, [cell_text(v) for v in values]
    finally:
        workbook.close()


def read_xlsx(data, first_row=None):
    """A Table from an XLSX workbook (read-only, values not formulas)."""
    workbook = _open_workbook(data)
    sheet = choose_sheet(workbook)
    sheet.reset_dimensions()
    rows = enumerate(sheet.iter_rows(values_only=True), start=1)
    header_row, header = None, []
    for number, values in rows:
        header = [cell_text(v) for v in values]
        if any(cell.strip() for cell in header):
            header_row = number
            break
    if header_row is None:
        workbook.close()
        raise ImportFileError(f"The sheet «{sheet.title}» is empty.", code="empty_file")
    offset = (first_row or header_row + 1) - (header_row + 1)
    return Table(header, _xlsx_rows(workbook, rows, offset), header_row=header_row)


def read_table(data, fmt, charset=None, first_row=None):
    """A Table from CSV or XLSX bytes."""
    if fmt == "xlsx":
        return read_xlsx(data, first_row)
    return read_csv(data, charset, first_row)
