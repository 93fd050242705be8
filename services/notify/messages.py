"""How each message reads: one Jinja2 template per kind and language, in one shared layout.

An event template (`templates/email/<lang>/<kind>.j2`) sets `subject`, `headline`, `lead` and
optionally `closing`; the layout (`layout.txt.j2`, `layout.html.j2`) adds the greeting, the
facts of the case and the signature. No framework imports.
"""

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from services.common.categories import category

from .domain import LANGUAGES, local_time

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
    undefined=StrictUndefined,
    keep_trailing_newline=False,
)
KINDS = ("case_opened", "case_assigned", "case_transferred", "case_overdue", "case_escalated",
         "case_reopened", "case_commented", "case_resolved", "case_resolved_reporter",
         "reminder_due", "reminder_overdue", "periodic_report_missing", "digest_compiled")
STATUS_NAMES = {
    "vi": {"new": "Mới tiếp nhận", "assigned": "Đã giao", "in_progress": "Đang xử lý",
           "awaiting_info": "Chờ bổ sung thông tin", "resolved": "Đã xử lý, chờ xác nhận",
           "closed": "Đã kết thúc", "rejected": "Không thụ lý", "merged": "Đã gộp"},
    "en": {"new": "New", "assigned": "Assigned", "in_progress": "In progress",
           "awaiting_info": "Awaiting information", "resolved": "Resolved, awaiting confirmation",
           "closed": "Closed", "rejected": "Rejected", "merged": "Merged"},
}
PRIORITY_NAMES = {"vi": {"normal": "Bình thường", "urgent": "Khẩn", "hot": "Nóng"},
                  "en": {"normal": "Normal", "urgent": "Urgent", "hot": "Hot"}}
LABELS = {
    "vi": {"dear": "Kính gửi", "code": "Mã theo dõi", "title": "Tiêu đề",
           "status": "Trạng thái", "assigned": "Đơn vị chủ trì", "not_assigned": "chưa giao",
           "coordinating": "Đơn vị phối hợp", "deadline": "Hạn xử lý",
           "reason": "Lý do / nội dung", "category": "Lĩnh vực", "unit": "Đơn vị phản ánh",
           "priority": "Mức độ", "opened": "Thời điểm tiếp nhận", "period": "Kỳ báo cáo",
           "due": "Hạn nộp", "track": "Tra cứu", "colleague": "đồng chí", "reader": "quý vị",
           "footer": "Hệ thống tiếp nhận và theo dõi xử lý phản ánh cơ sở"},
    "en": {"dear": "Dear", "code": "Tracking code", "title": "Title", "status": "Status",
           "assigned": "Lead unit", "not_assigned": "not assigned yet",
           "coordinating": "Coordinating units", "deadline": "Deadline",
           "reason": "Reason / text", "category": "Category", "unit": "Reporting unit",
           "priority": "Priority", "opened": "Received at", "period": "Period",
           "due": "Due", "track": "Track it", "colleague": "colleague",
           "reader": "Sir or Madam",
           "footer": "Grassroots feedback and case-tracking system"},
}


@dataclass(frozen=True)
class Message:
    """A rendered message."""

    subject: str
    text: str
    html: str | None


def _lang(lang):
    return lang if lang in LANGUAGES else "vi"


def context_for(kind, payload, lang="vi", recipient_name=None, units=lambda code: None,
                public_url=""):
    """The template variables of a message, with times in Vietnam's zone and names resolved."""
    lang = _lang(lang)
    labels = LABELS[lang]
    details = payload.get("details") or {}

    def unit_name(code):
        return (units(code) or {}).get("name", code) if code else None

    cat = category(payload.get("category"))
    payload = {key: _shown(value) for key, value in payload.items()}
    code = payload.get("tracking_code")
    context = {
        **payload,
        "labels": labels,
        "recipient_name": labels["reader"] if kind == "case_resolved_reporter"
        else recipient_name or labels["colleague"],
        "title": payload.get("title") or "",
        "status_name": STATUS_NAMES[lang].get(payload.get("status"), payload.get("status")),
        "priority_name": PRIORITY_NAMES[lang].get(payload.get("priority"), ""),
        "category_name": cat.name(lang) if cat else payload.get("category"),
        "assigned_name": unit_name(payload.get("assigned_unit")),
        "coordinating_names": [unit_name(c) for c in payload.get("coordinating_units") or []],
        "reporting_unit_name": unit_name(payload.get("unit_code")),
        "deadline_local": local_time(payload.get("deadline_at")),
        "opened_local": local_time(payload.get("opened_at")),
        "reason": details.get("resolution") if kind.startswith("case_resolved")
        else details.get("reason") or details.get("text"),
        "track_url": f"{public_url.rstrip('/')}/track?code={code}" if code else None,
    }
    period = str(payload.get("period") or "")
    if len(period) == 7 and period[4] == "-":
        context["period"] = f"{period[5:]}/{period[:4]}"
    if payload.get("period_start") and "period_label" not in payload:
        context["period_label"] = f"{payload['period_start']} – {payload['period_end']}"
    return context


def _shown(value):
    """Dates as Vietnam writes them; datetimes are left for `local_time`."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    return value


def _facts(kind, c):
    labels = c["labels"]
    if kind == "digest_compiled":
        return [(labels["period"], c.get("period_label"))]
    if kind == "periodic_report_missing":
        return [(labels["unit"], c["reporting_unit_name"]),
                (labels["period"], c.get("period")), (labels["due"], c.get("due_on"))]
    rows = [(labels["code"], c.get("tracking_code")), (labels["title"], c["title"])]
    if kind == "case_resolved_reporter":
        return rows + [(labels["status"], c["status_name"]), (labels["track"], c["track_url"])]
    if kind == "case_opened":
        return rows + [(labels["category"], c["category_name"]),
                       (labels["unit"], c["reporting_unit_name"]),
                       (labels["priority"], c["priority_name"]),
                       (labels["opened"], c["opened_local"])]
    return rows + [
        (labels["status"], c["status_name"]),
        (labels["assigned"], c["assigned_name"] or labels["not_assigned"]),
        (labels["coordinating"], ", ".join(c["coordinating_names"])),
        (labels["deadline"], c["deadline_local"]),
        (labels["reason"], c["reason"]),
    ]


def render(kind, context, lang="vi"):
    """Render one kind of message in a language from its context."""
    lang = _lang(lang)
    module = TEMPLATES.get_template(f"email/{lang}/{kind}.j2").make_module(context)
    parts = {
        "subject": " ".join(str(module.subject).split()),
        "headline": str(module.headline).strip(),
        "lead": " ".join(str(module.lead).split()),
        "closing": " ".join(str(getattr(module, "closing", "")).split()),
        "facts": [(label, value) for label, value in _facts(kind, context) if value],
    }
    layout = {**context, **parts, "lang": lang}
    return Message(
        subject=parts["subject"],
        text=TEMPLATES.get_template("email/layout.txt.j2").render(layout),
        html=TEMPLATES.get_template("email/layout.html.j2").render(layout),
    )


def render_event(event, lang="vi", recipient_name=None, units=lambda code: None,
                 public_url="", kind=None):
    """Render the message of an event (or reminder) for one recipient's language and name."""
    kind = kind or event.event_type
    context = context_for(kind, event.payload, lang, recipient_name, units, public_url)
    return render(kind, context, lang)


def webhook_body(event):
    """The JSON document a webhook receives for an event (no personal data)."""
    payload = event.payload
    case = {key: payload.get(key) for key in (
        "case_id", "tracking_code", "title", "status", "priority", "assigned_unit",
        "coordinating_units", "escalation_level")}
    deadline = payload.get("deadline_at")
    case["deadline_at"] = deadline.isoformat() if hasattr(deadline, "isoformat") else deadline
    body = {"event_id": event.event_id, "event_type": event.event_type,
            "occurred_at": event.occurred_at.isoformat(), "case": case}
    if "case_id" not in payload:
        body = {key: value for key, value in body.items() if key != "case"}
        body["data"] = {k: v for k, v in payload.items() if isinstance(v, str | int | float)}
    return body
