"""Sample contexts for previewing every message template, in Vietnamese and English."""

from datetime import UTC, datetime

from .messages import KINDS, context_for, render

_CASE = {
    "case_id": "7f1c2a9e-0000-4000-8000-000000000001", "tracking_code": "7KQ4-M2XA-9PB",
    "title": "Công ty chậm đóng bảo hiểm xã hội cho người lao động",
    "status": "assigned", "priority": "urgent", "category": "wages_insurance",
    "unit_code": "CB-012", "assigned_unit": "DB-003", "coordinating_units": ["BHXH"],
    "escalation_level": 1, "escalated_units": ["DUK"], "channel": "web",
    "deadline_at": datetime(2026, 12, 4, 16, 59, tzinfo=UTC),
    "opened_at": datetime(2026, 11, 20, 2, 15, tzinfo=UTC),
    "details": {"reason": "Đơn vị cần thêm thời gian xác minh.",
                "resolution": "Công ty đã đóng đủ bảo hiểm xã hội đến tháng 10/2026."},
    "percent": 80, "overdue_days": 2,
}
_EXTRA = {
    "case_resolved": {"status": "resolved"},
    "case_resolved_reporter": {"status": "resolved"},
    "periodic_report_missing": {"unit_code": "CB-012", "unit_name": "Chi bộ Công ty Cấp nước",
                                "period": "2026-11", "due_on": "05/12/2026"},
    "digest_compiled": {"title": "Tình hình xử lý phản ánh tuần 47/2026",
                        "summary": "Tiếp nhận 42 phản ánh, giải quyết 35, quá hạn 3.",
                        "period_label": "16/11/2026 – 22/11/2026",
                        "link": "https://baocao.example.vn/reports/digests/2026-W47"},
}
_UNITS = {"DB-003": {"name": "Đảng bộ Sở Giao thông vận tải"},
          "BHXH": {"name": "Bảo hiểm xã hội tỉnh"}, "CB-012": {"name": "Chi bộ Công ty Cấp nước"}}


def preview(kind, lang="vi", public_url="https://phananh.example.vn"):
    """Render a kind of message with sample data, as a recipient would receive it."""
    if kind not in KINDS:
        raise KeyError(kind)
    payload = {**_CASE, **_EXTRA.get(kind, {})}
    context = context_for(kind, payload, lang, None, _UNITS.get, public_url)
    return render(kind, context, lang)
