"""Who hears of each case event: the rules, one event type at a time."""

from datetime import UTC, datetime

import pytest

from services.common.contracts import Event
from services.notify.domain import inbox_of, recipients_for, render

UNITS = {
    "DB-001": {"name": "Đảng bộ Sở Y tế", "emails": ["db001@example.vn"], "active": True},
    "SO-YTE": {"name": "Sở Y tế", "emails": ["soyte@example.vn", "vp.soyte@example.vn"],
               "active": True},
    "CB-001": {"name": "Chi bộ Công ty Cấp nước", "emails": ["cb001@example.vn"],
               "active": True},
    "DUK": {"name": "Đảng ủy Khối", "emails": ["duk@example.vn"], "active": True},
    "OLD": {"name": "Đơn vị đã giải thể", "emails": ["old@example.vn"], "active": False},
}
SETTINGS = {"OFFICE_EMAIL": "vp@example.vn", "LEADERSHIP_EMAIL": "lanhdao@example.vn"}


def event(event_type, **payload):
    base = {"case_id": "c-1", "tracking_code": "ABCD-EFGH-JKM", "title": "Chậm trả lương",
            "status": "assigned", "priority": "normal", "assigned_unit": "DB-001",
            "coordinating_units": [], "escalated_units": [], "details": {},
            "deadline_at": datetime(2026, 12, 7, 16, 59, tzinfo=UTC)}
    return Event("e-1", event_type, 1, datetime.now(UTC), "cases", "s-1", "s-1", "c-1", 2,
                 {**base, **payload})


def addresses(evt, settings=SETTINGS, channel="email"):
    return [r.address for r in recipients_for(evt, settings, UNITS.get) if r.channel == channel]


@pytest.mark.parametrize(("evt", "expected"), [
    (event("case_assigned", coordinating_units=["SO-YTE"]),
     ["db001@example.vn", "soyte@example.vn", "vp.soyte@example.vn"]),
    (event("case_transferred", assigned_unit="CB-001",
           details={"from_unit": "DB-001", "to_unit": "CB-001"}),
     ["db001@example.vn", "cb001@example.vn"]),
    (event("case_overdue"), ["db001@example.vn", "vp@example.vn"]),
    (event("case_escalated", escalated_units=["DUK"]),
     ["duk@example.vn", "lanhdao@example.vn", "vp@example.vn"]),
    (event("case_reopened"), ["db001@example.vn"]),
    (event("case_commented", details={"text": "x", "public": True}), ["db001@example.vn"]),
    (event("case_commented", details={"text": "x", "public": False}), []),
    (event("case_resolved", status="resolved"), ["vp@example.vn"]),
    (event("case_status_changed"), []),
    (event("case_assigned", assigned_unit="OLD"), []),
    (event("case_assigned", assigned_unit="NOT-KNOWN"), []),
])
def test_each_event_reaches_the_people_the_rules_name(evt, expected):
    assert addresses(evt) == expected


def test_hot_new_case_also_reaches_leadership_at_once():
    opened = event("case_opened", priority="hot")
    assert addresses(opened) == ["vp@example.vn", "lanhdao@example.vn"]
    assert addresses(event("case_opened")) == ["vp@example.vn"]
    assert addresses(opened, {"OFFICE_EMAIL": "vp@example.vn"}) == ["vp@example.vn"]


def test_an_address_named_twice_is_told_once():
    evt = event("case_overdue")
    assert addresses(evt, {"OFFICE_EMAIL": "DB001@example.vn"}) == ["db001@example.vn"]


def test_case_event_email_names_units_and_shows_vietnam_time():
    evt = event("case_assigned", coordinating_units=["SO-YTE"])
    [first, *_] = recipients_for(evt, SETTINGS, UNITS.get)
    message = render(evt, first, UNITS.get)
    assert message.subject == "[Giao xử lý] Chậm trả lương — mã ABCD-EFGH-JKM"
    assert "Kính gửi Đảng bộ Sở Y tế," in message.text
    assert "Đơn vị phối hợp: Sở Y tế" in message.text
    assert "Hạn xử lý: 23:59 07/12/2026" in message.text
    assert "<strong>ABCD-EFGH-JKM</strong>" in message.html


def test_inboxes_follow_the_same_rules_as_email():
    assert addresses(event("case_assigned", coordinating_units=["SO-YTE"]),
                     channel="inbox") == ["unit:DB-001", "unit:SO-YTE"]
    assert addresses(event("case_escalated", escalated_units=["DUK"]), channel="inbox") == [
        "unit:DUK", "leadership", "office"]
    assert addresses(event("case_opened"), channel="inbox") == ["office"]


def test_each_role_reads_its_own_inbox():
    assert inbox_of("officer", "DB-001") == inbox_of("unit_head", "DB-001") == "unit:DB-001"
    assert inbox_of("clerk", None) == "office"
    assert inbox_of("leader", None) == "leadership"
    assert inbox_of("admin", None) is None
    assert inbox_of("officer", None) is None
