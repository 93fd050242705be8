"""Bulk import of typed-in paper forms: the column layout, header mapping and row validation.

Pure code (no nameko, no database): files are read by `import_files`, rows are stored by
`imports_store`. Every row goes through the API's own `FeedbackIn` schema.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

from marshmallow import ValidationError

from services.common.categories import CATEGORIES
from services.common.text import fold, normalize

from .domain import fingerprint
from .schemas import FeedbackIn

VIETNAM = timezone(timedelta(hours=7), "ICT")
FORM_NUMBER_MAX = 100
EXAMPLE_FORM_NUMBERS = ("vi du", "example")
FEEDBACK_IN = FeedbackIn()
OVERFLOW = ("This row has more cells than the header has columns: in a CSV file, put a value "
            "that contains the delimiter (a comma) in double quotes.")


class ImportFileError(Exception):
    """A whole file is refused (413, 415 or 422) with a message saying how to fix it."""

    def __init__(self, message, status=422, fields=None, code="invalid_file"):
        super().__init__(message)
        self.message, self.status, self.fields, self.code = message, status, fields or {}, code


@dataclass(frozen=True)
class Column:
    """One column of the layout: its key, Vietnamese and English headers, and other names."""

    key: str
    header_vi: str
    header_en: str
    required: bool
    note: str
    aliases: tuple = ()


COLUMNS = (
    Column("title", "Tiêu đề", "Title", True, "Tóm tắt vụ việc, 3–200 ký tự.",
           ("tieu de phan anh", "trich yeu", "subject")),
    Column("body", "Nội dung", "Body", True,
           "Nội dung phản ánh, kiến nghị hoặc ý kiến tại cuộc họp; tối đa 10.000 ký tự.",
           ("noi dung phan anh", "noi dung kien nghi", "mo ta", "description", "content")),
    Column("category", "Lĩnh vực", "Category", False,
           "Mã hoặc tên lĩnh vực (xem trang «Lĩnh vực»); bỏ trống nếu chưa rõ.",
           ("phan loai", "loai")),
    Column("unit_code", "Mã đơn vị", "Unit code", False,
           "Mã tổ chức cơ sở đảng liên quan, ví dụ DB-001.", ("don vi", "unit", "ma to chuc")),
    Column("channel", "Kênh", "Channel", False,
           "Kênh tiếp nhận: phiếu (mặc định), họp, đường dây nóng, báo chí, web.",
           ("kenh tiep nhan", "nguon", "source")),
    Column("received_on", "Ngày tiếp nhận", "Received on", False,
           "Ngày nhận phiếu hoặc ngày họp: dd/mm/yyyy hoặc yyyy-mm-dd; bỏ trống là hôm nay.",
           ("ngay nhan", "ngay", "ngay phan anh", "ngay hop", "ngay xay ra", "occurred on",
            "date")),
    Column("reporter_name", "Họ tên người phản ánh", "Reporter name", False,
           "Bỏ trống nếu người phản ánh không nêu tên.",
           ("ho ten", "ho va ten", "nguoi phan anh", "reporter", "name")),
    Column("reporter_contact", "Liên hệ", "Reporter contact", False,
           "Số điện thoại hoặc email của người phản ánh.",
           ("so dien thoai", "dien thoai", "sdt", "email", "contact")),
    Column("consent_to_contact", "Đồng ý liên hệ", "Consent to contact", False,
           "Người phản ánh đồng ý được liên hệ lại: có/không (x, 1/0, yes/no).",
           ("dong y", "consent")),
    Column("form_number", "Số phiếu", "Form number", False,
           "Số của phiếu giấy hoặc biên bản; mỗi số chỉ được nhập một lần.",
           ("ma phieu", "so bien ban", "reference", "external ref")),
)
BY_KEY = {c.key: c for c in COLUMNS}
REQUIRED = tuple(c.key for c in COLUMNS if c.required)

_PUNCTUATION = re.compile(r"[_\-./:*#]+")
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def header_key(text):
    """Fold a header for matching: no accents or case, no notes in brackets, single spaces."""
    folded = fold(_BRACKETS.sub(" ", str(text or ""))) or ""
    return " ".join(_PUNCTUATION.sub(" ", folded).split())


HEADER_NAMES = {
    header_key(name): column.key
    for column in COLUMNS
    for name in (column.key, column.header_vi, column.header_en, *column.aliases)
}


@dataclass
class HeaderMap:
    """Which cell of a row holds which column, and what the file named it."""

    positions: dict
    labels: dict
    unknown: list

    def values(self, cells):
        """The row's cells by column key (missing cells are empty)."""
        return {key: cells[i] if i < len(cells) else "" for key, i in self.positions.items()}


def map_headers(cells):
    """Map a header row to column keys; refuse missing required or repeated columns."""
    positions, labels, unknown, repeated = {}, {}, [], []
    for index, cell in enumerate(cells):
        label = normalize(cell) or ""
        if not label:
            continue
        key = HEADER_NAMES.get(header_key(label))
        if key is None:
            unknown.append(label)
        elif key in positions:
            repeated.append(f"«{labels[key]}» and «{label}»")
        else:
            positions[key], labels[key] = index, label
    missing = [BY_KEY[k].header_vi for k in REQUIRED if k not in positions]
    if missing or repeated:
        fields = {"columns": [f"Missing required column «{m}»." for m in missing]
                  + [f"Columns {r} mean the same thing; keep one." for r in repeated]}
        raise ImportFileError(
            "The header row (the first row) must name the columns "
            + ", ".join(f"«{BY_KEY[k].header_vi}»" for k in REQUIRED)
            + "; download the template from /api/v1/imports/template.xlsx.",
            fields=fields, code="bad_columns")
    return HeaderMap(positions, labels, unknown)


CHANNEL_NAMES = {
    "phieu": "import", "phieu giay": "import", "phieu phan anh": "import", "nhap": "import",
    "hop": "meeting", "cuoc hop": "meeting", "hoi nghi": "meeting", "giao ban": "meeting",
    "buoi lam viec": "meeting", "sinh hoat chi bo": "meeting", "bien ban hop": "meeting",
    "duong day nong": "hotline", "dien thoai": "hotline",
    "bao chi": "media", "truyen thong": "media", "bao": "media",
    "trang web": "web", "website": "web", "bao cao dinh ky": "periodic_report",
}
CATEGORY_NAMES = {
    header_key(name): c.code for c in CATEGORIES for name in (c.code, c.name_vi, c.name_en)
}
YES = {"co", "x", "1", "yes", "y", "true", "dong y", "co dong y"}
NO = {"", "khong", "0", "no", "n", "false", "khong dong y"}
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::\d{2})?)?$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?)?$")


def parse_consent(text):
    """có/không, x, 1/0, yes/no → bool; raise ValueError on anything else."""
    key = header_key(text)
    if key in YES:
        return True
    if key in NO:
        return False
    raise ValueError("Write «có» or «không» (or x, 1/0, yes/no).")


def parse_received(text, today=None):
    """A date (dd/mm/yyyy or yyyy-mm-dd, optional hh:mm) in Vietnam time → aware UTC datetime."""
    text = (normalize(text) or "").strip()
    match = _DMY.match(text)
    parts = (match.group(3), match.group(2), match.group(1)) if match else None
    if match is None:
        match = _YMD.match(text)
        parts = match.groups()[:3] if match else None
    if match is None:
        raise ValueError("Write the date as dd/mm/yyyy (or yyyy-mm-dd).")
    hour, minute = match.groups()[3:5]
    try:
        local = datetime(int(parts[0]), int(parts[1]), int(parts[2]),
                         int(hour or 0), int(minute or 0), tzinfo=VIETNAM)
    except ValueError:
        raise ValueError(f"«{text}» is not a real date.") from None
    today = today or datetime.now(VIETNAM).date()
    if local.date() > today:
        raise ValueError("The date is in the future.")
    if local.year < 2000:
        raise ValueError("The date is before 2000.")
    return local.astimezone(UTC)


@dataclass(frozen=True)
class ImportRow:
    """A valid row: the loaded feedback, its external key and the date it was received."""

    row: int
    feedback: dict
    received_at: datetime | None
    content_hash: str

    @property
    def external_key(self):
        """The key that makes this row import exactly once."""
        return self.feedback["external_key"]


@dataclass(frozen=True)
class RowError:
    """A refused row: its spreadsheet row number and what is wrong with each field."""

    row: int
    fields: dict
    message: str

    def as_dict(self):
        """The report entry of this row."""
        return {"row": self.row, "fields": self.fields, "message": self.message}


@dataclass(frozen=True)
class SkippedRow:
    """A row deliberately not imported (the template's example row)."""

    row: int
    reason: str


def _text(values, key):
    return normalize(values.get(key)) or ""


def _prepare(values):
    """Turn a row's cell texts into a FeedbackIn payload, collecting import-only errors."""
    errors, payload = {}, {"title": values.get("title") or "", "body": values.get("body") or ""}
    category = _text(values, "category")
    if category:
        payload["category"] = CATEGORY_NAMES.get(header_key(category))
        if payload["category"] is None:
            errors["category"] = [f"Unknown category «{category}»: use a code or name from "
                                  "the template's «Lĩnh vực» sheet."]
    payload["unit_code"] = _text(values, "unit_code") or None
    channel = _text(values, "channel")
    payload["channel"] = CHANNEL_NAMES.get(header_key(channel), header_key(channel).replace(
        " ", "_")) if channel else "import"
    try:
        consent = parse_consent(_text(values, "consent_to_contact"))
    except ValueError as exc:
        errors["consent_to_contact"], consent = [str(exc)], False
    name, contact = _text(values, "reporter_name"), _text(values, "reporter_contact")
    if name or contact:
        payload["reporter"] = {"name": name or None, "contact": contact or None,
                               "consent_to_contact": consent}
    received = None
    if _text(values, "received_on"):
        try:
            received = parse_received(values["received_on"])
        except ValueError as exc:
            errors["received_on"] = [str(exc)]
    return payload, received, errors


_REPORTER_FIELDS = {"name": "reporter_name", "contact": "reporter_contact",
                    "consent_to_contact": "consent_to_contact"}


def _flatten(messages):
    """FeedbackIn's messages keyed by the import's column keys."""
    flat = {}
    for name, value in messages.items():
        if name == "reporter" and isinstance(value, dict):
            for inner, text in value.items():
                flat.setdefault(_REPORTER_FIELDS.get(inner, f"reporter_{inner}"), []).extend(
                    text if isinstance(text, list) else [str(text)])
        else:
            flat.setdefault("_row" if name == "_schema" else name, []).extend(
                value if isinstance(value, list) else [str(value)])
    return flat


def row_key(feedback, received_at, form_number):
    """(external_key, content_hash): the form's number when given, else its content's hash."""
    content = {k: feedback.get(k) for k in ("title", "body", "category", "unit_code",
                                            "channel", "reporter")}
    content["received_at"] = received_at.isoformat() if received_at else None
    content_hash = fingerprint(content)
    if form_number:
        return f"import:form:{form_number}", content_hash
    return f"import:{content_hash}", content_hash


def validate_row(row, values, labels=None, known_units=None):
    """Validate one row's cell texts; return ImportRow, RowError or SkippedRow."""
    form_number = _text(values, "form_number")
    if header_key(form_number) in EXAMPLE_FORM_NUMBERS:
        return SkippedRow(row, "the template's example row (Số phiếu «VÍ DỤ»)")
    payload, received, errors = _prepare(values)
    if len(form_number) > FORM_NUMBER_MAX:
        errors["form_number"] = [f"Longer than {FORM_NUMBER_MAX} characters."]
    feedback = None
    try:
        feedback = FEEDBACK_IN.load(payload)
    except ValidationError as exc:
        for key, texts in _flatten(exc.messages).items():
            errors.setdefault(key, []).extend(texts)
    if feedback and known_units and feedback["unit_code"] \
            and feedback["unit_code"] not in known_units:
        errors["unit_code"] = [f"No active unit has the code «{feedback['unit_code']}»."]
    for key in REQUIRED:
        if not _text(values, key):
            errors[key] = ["Empty; this column is required."]
    if errors:
        return RowError(row, errors, describe(row, errors, labels or {}))
    feedback["external_key"], content_hash = row_key(feedback, received, form_number)
    return ImportRow(row, feedback, received, content_hash)


def describe(row, errors, labels):
    """One readable line naming each bad column as the file named it."""
    parts = []
    for key, texts in errors.items():
        label = labels.get(key) or (BY_KEY[key].header_vi if key in BY_KEY else key)
        parts.append(f"{label}: " + " ".join(t.rstrip(".") + "." for t in texts))
    return f"Row {row} — " + " ".join(parts)


def is_blank(cells):
    """True when every cell of a row is empty."""
    return not any(normalize(c) for c in cells)


@dataclass
class ImportReport:
    """Counts, bad rows and warnings of one upload (`repeated`: rows repeating one above)."""

    rows_total: int = 0
    imported: int = 0
    already_imported: int = 0
    rejected: int = 0
    repeated: int = 0
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    def as_dict(self):
        """The report's figures and lists."""
        return {"rows_total": self.rows_total, "imported": self.imported,
                "already_imported": self.already_imported, "rejected": self.rejected,
                "errors": self.errors, "warnings": self.warnings}


def validated_rows(table, header, report, known_units=None):
    """Yield the valid ImportRows of a table; record bad, skipped and repeated rows in report."""
    if header.unknown:
        report.warnings.append("Columns not in the layout were ignored: "
                               + ", ".join(f"«{u}»" for u in header.unknown) + ".")
    seen = {}
    for row, cells in table.rows:
        if is_blank(cells):
            continue
        result = validate_row(row, header.values(cells), header.labels, known_units)
        if len(cells) > len(table.header) and not is_blank(cells[len(table.header):]):
            result = RowError(row, {"_row": [OVERFLOW]}, f"Row {row} — {OVERFLOW}")
        if isinstance(result, SkippedRow):
            report.warnings.append(f"Row {row} was skipped: {result.reason}.")
            continue
        report.rows_total += 1
        if isinstance(result, RowError):
            report.rejected += 1
            report.errors.append(result.as_dict())
            continue
        first = seen.setdefault(result.external_key, row)
        if first != row:
            report.already_imported += 1
            report.repeated += 1
            report.warnings.append(f"Row {row} repeats row {first} (same "
                                   + ("form number" if ":form:" in result.external_key
                                      else "content") + "); imported once.")
            continue
        yield result

