"""Who hears what, and how each message reads. No framework imports.

`RULES` is the one place that says who is told of each event: a function per event type that
returns recipients, given the event, the settings and a lookup of directory units.
"""

from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
    undefined=StrictUndefined,
    keep_trailing_newline=False,
)
STATUS_NAMES = {
    "new": "Mới tiếp nhận", "assigned": "Đã giao", "in_progress": "Đang xử lý",
    "awaiting_info": "Chờ bổ sung thông tin", "resolved": "Đã xử lý, chờ xác nhận",
    "closed": "Đã kết thúc", "rejected": "Không thụ lý", "merged": "Đã gộp",
}
HEADLINES = {
    "case_assigned": ("Giao xử lý", "Đơn vị được giao chủ trì (hoặc phối hợp) xử lý phản ánh sau."),
    "case_transferred": ("Chuyển đơn vị", "Phản ánh sau đã được chuyển đơn vị xử lý."),
    "case_overdue": ("Quá hạn", "Phản ánh sau đã quá hạn xử lý; đề nghị khẩn trương giải quyết."),
    "case_escalated": ("Báo cáo cấp trên", "Phản ánh sau được báo cáo lên cấp trên để chỉ đạo."),
    "case_reopened": ("Mở lại", "Phản ánh sau đã được mở lại để xử lý tiếp."),
    "case_commented": ("Ý kiến mới", "Có ý kiến mới về phản ánh sau."),
    "case_resolved": ("Đã xử lý",
                      "Đơn vị đã báo cáo kết quả xử lý phản ánh sau; đề nghị xác nhận."),
}


@dataclass(frozen=True)
class Recipient:
    """Someone to tell, on one channel."""

    address: str
    channel: str = "email"
    name: str = "Văn phòng Đảng ủy Khối"


@dataclass(frozen=True)
class Message:
    """A rendered message."""

    subject: str
    text: str
    html: str


OFFICE_BOX, LEADERSHIP_BOX = "office", "leadership"


def inbox_of(role, unit_code):
    """The in-app inbox a signed-in user reads: their unit's, the office's or leadership's."""
    if role in ("officer", "unit_head") and unit_code:
        return f"unit:{unit_code}"
    return {"clerk": OFFICE_BOX, "leader": LEADERSHIP_BOX}.get(role)


def _office(settings):
    return [Recipient(settings["OFFICE_EMAIL"]), Recipient(OFFICE_BOX, "inbox")]


def _leadership(settings):
    name = "Thường trực Đảng ủy Khối"
    address = settings.get("LEADERSHIP_EMAIL")
    email = [Recipient(address, name=name)] if address else []
    return [*email, Recipient(LEADERSHIP_BOX, "inbox", name)]


def _unit(units, code):
    """A unit's recipients, if it is known and active: its emails and its webhook."""
    unit = units(code) if code else None
    if not unit or not unit.get("active", True):
        return []
    found = [Recipient(address, name=unit["name"]) for address in unit.get("emails") or []]
    if unit.get("webhook_url"):
        found.append(Recipient(unit["webhook_url"], "webhook", unit["name"]))
    found.append(Recipient(f"unit:{code}", "inbox", unit["name"]))
    return found


def webhook_body(event):
    """The JSON document a webhook receives for an event (no personal data)."""
    payload = event.payload
    case = {key: payload.get(key) for key in (
        "case_id", "tracking_code", "title", "status", "priority", "assigned_unit",
        "coordinating_units", "escalation_level")}
    deadline = payload.get("deadline_at")
    case["deadline_at"] = deadline.isoformat() if deadline else None
    return {"event_id": event.event_id, "event_type": event.event_type,
            "occurred_at": event.occurred_at.isoformat(), "case": case}


def _assigned(event, units):
    return _unit(units, event.payload.get("assigned_unit"))


RULES = {
    "case_opened": lambda e, s, u: _office(s) + (
        _leadership(s) if e.payload.get("priority") == "hot" else []),
    "case_assigned": lambda e, s, u: _assigned(e, u) + [
        r for code in e.payload.get("coordinating_units") or [] for r in _unit(u, code)],
    "case_transferred": lambda e, s, u: _unit(u, (e.payload.get("details") or {}).get(
        "from_unit")) + _assigned(e, u),
    "case_overdue": lambda e, s, u: _assigned(e, u) + _office(s),
    "case_escalated": lambda e, s, u: [
        r for code in (e.payload.get("escalated_units") or [])[-1:] for r in _unit(u, code)
    ] + _leadership(s) + _office(s),
    "case_reopened": lambda e, s, u: _assigned(e, u),
    "case_commented": lambda e, s, u: _assigned(e, u) if (
        e.payload.get("details") or {}).get("public") else [],
    "case_resolved": lambda e, s, u: _office(s),
}


def recipients_for(event, settings, units=lambda code: None):
    """The recipients of an event by RULES, each address once."""
    rule = RULES.get(event.event_type)
    unique = {}
    for recipient in rule(event, settings, units) if rule else []:
        unique.setdefault((recipient.address.lower(), recipient.channel), recipient)
    return list(unique.values())


def _local(value):
    return value.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y") if value else None


def render(event, recipient=None, units=lambda code: None):
    """Render an event's email, with times in Vietnam's zone and unit names resolved."""
    if event.event_type == "case_opened":
        context = dict(event.payload)
        context["opened_at"] = _local(context["opened_at"])
        name = "email/case_opened"
    else:
        payload = event.payload
        details = payload.get("details") or {}
        headline, lead = HEADLINES.get(event.event_type, ("Cập nhật", "Hồ sơ được cập nhật."))

        def unit_name(code):
            return (units(code) or {}).get("name", code)

        context = {
            "headline": headline, "lead": lead, "tracking_code": payload["tracking_code"],
            "title": payload.get("title"), "status_name": STATUS_NAMES.get(
                payload["status"], payload["status"]),
            "assigned_name": unit_name(payload.get("assigned_unit"))
            if payload.get("assigned_unit") else None,
            "coordinating_names": [unit_name(c) for c in payload.get("coordinating_units") or []],
            "deadline_local": _local(payload.get("deadline_at")),
            "reason": details.get("reason") or details.get("resolution") or details.get("text"),
            "recipient_name": recipient.name if recipient else "đồng chí",
        }
        name = "email/case_event"
    subject = TEMPLATES.get_template(f"{name}.subject.j2").render(context)
    return Message(
        subject=" ".join(subject.split()),
        text=TEMPLATES.get_template(f"{name}.txt.j2").render(context),
        html=TEMPLATES.get_template(f"{name}.html.j2").render(context),
    )
