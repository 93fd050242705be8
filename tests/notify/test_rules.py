"""Who hears of each case event: the rules, one event type at a time."""

from datetime import UTC, datetime, timedelta

import pytest

from services.common.contracts import Event
from services.notify.domain import (
    Preference,
    inbox_of,
    quiet_until,
    recipients_for,
    send_after,
)
from services.notify.messages import render_event

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
    (event("case_resolved", status="resolved"), ["vp@example.vn", "reporter:c-1"]),
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
    message = render_event(evt, first.lang, first.name, UNITS.get)
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


def test_a_unit_that_chose_inbox_only_gets_no_email_but_still_its_inbox():
    prefs = {"unit:DB-001": Preference("unit:DB-001", channels=frozenset({"inbox"}))}
    found = recipients_for(event("case_assigned"), SETTINGS, UNITS.get, prefs.get)
    assert [(r.address, r.channel) for r in found] == [("unit:DB-001", "inbox")]


def test_officers_who_follow_their_unit_by_email_hear_with_it_in_their_language():
    user = Preference("user:u-1", email="can.bo@example.vn", follows="unit:DB-001",
                      language="en")
    found = recipients_for(event("case_assigned"), SETTINGS, UNITS.get,
                           followers=lambda audience: [user] if audience == "unit:DB-001"
                           else [])
    mine = [r for r in found if r.address == "can.bo@example.vn"]
    assert [(r.channel, r.lang, r.audience) for r in mine] == [("email", "en", "user:u-1")]


def test_report_reminders_and_digests_reach_their_own_audiences():
    missing = event("periodic_report_missing", unit_code="CB-001")
    assert addresses(missing) == ["cb001@example.vn"]
    assert addresses(missing, channel="inbox") == ["unit:CB-001"]
    reader = Preference("user:u-2", email="pbt@example.vn", digests=True)
    digest = recipients_for(event("digest_compiled"), SETTINGS, UNITS.get,
                            followers=lambda audience: [reader] if audience == "digest" else [])
    assert [r.address for r in digest if r.channel == "email"] == [
        "lanhdao@example.vn", "pbt@example.vn"]
    assert addresses(event("reminder_overdue")) == ["db001@example.vn", "vp@example.vn"]
    assert addresses(event("reminder_due")) == ["db001@example.vn"]


def at_vietnam(hour, minute=0):
    return datetime(2026, 11, 23, hour - 7, minute, tzinfo=UTC) if hour >= 7 else \
        datetime(2026, 11, 22, hour + 17, minute, tzinfo=UTC)


@pytest.mark.parametrize(("local_hour", "quiet", "released_at_local"), [
    (23, ("22:00", "06:30"), (6, 30)),
    (3, ("22:00", "06:30"), (6, 30)),
    (12, ("22:00", "06:30"), None),
    (12, ("11:00", "13:00"), (13, 0)),
    (14, ("11:00", "13:00"), None),
    (12, None, None),
])
def test_quiet_hours_hold_a_message_until_they_end(local_hour, quiet, released_at_local):
    now = at_vietnam(local_hour)
    released = quiet_until(now, quiet)
    if released_at_local is None:
        assert released is None
    else:
        local = released.astimezone(UTC) + timedelta(hours=7)
        assert (local.hour, local.minute) == released_at_local and released > now


def test_urgent_matters_and_the_inbox_ignore_quiet_hours():
    night = at_vietnam(23)
    [email, inbox] = recipients_for(event("case_assigned"), SETTINGS, UNITS.get,
                                       lambda o: Preference(o, quiet_start="22:00",
                                                            quiet_end="06:30"))
    assert send_after(night, "case_assigned", {"priority": "normal"}, email) > night
    assert send_after(night, "case_assigned", {"priority": "hot"}, email) == night
    assert send_after(night, "case_escalated", {"priority": "normal"}, email) == night
    assert send_after(night, "case_assigned", {"priority": "normal"}, inbox) == night
