"""Reminders, preferences and previews on a running notify (two replicas where it matters)."""

from datetime import UTC, datetime, timedelta

import pytest
import requests
from sqlalchemy import select

from services.common.auth import issue_token
from services.common.contracts import new_event
from services.common.db import make_engine
from services.notify.models import CaseClock, Delivery, DirectoryUnit
from tests.support.broker import publish_event
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

UNIT = {"code": "DB-001", "name": "Đảng bộ Sở Y tế", "kind": "grassroots_committee",
        "parent": "DUK", "emails": ["db001@example.vn"], "active": True}


def publish_unit(amqp_uri, service):
    """Publish the unit and wait until notify's directory copy has it."""
    publish_event(amqp_uri, new_event("unit_updated", UNIT, aggregate_id="DB-001",
                                      aggregate_version=1))
    engine = make_engine(service.database_url)

    def copied():
        with engine.connect() as connection:
            return connection.execute(select(DirectoryUnit.code)).all()

    try:
        wait_until(copied, message="directory copy")
    finally:
        engine.dispose()


def assigned(case_id, started, deadline, priority="normal", version=2):
    envelope = new_event("case_assigned", {
        "case_id": case_id, "tracking_code": f"RMDR-{case_id[-4:]}-0X", "title": "Nhắc hạn",
        "action": "assign", "status": "assigned", "priority": priority,
        "assigned_unit": "DB-001", "actor_id": "u-clerk", "actor_role": "clerk",
        "deadline_at": deadline.isoformat()}, aggregate_id=case_id, aggregate_version=version)
    envelope["occurred_at"] = started.isoformat()
    return envelope


def deliveries(service, **where):
    engine = make_engine(service.database_url)
    with engine.connect() as connection:
        query = select(Delivery.event_type, Delivery.recipient, Delivery.channel,
                       Delivery.status, Delivery.subject, Delivery.case_id,
                       Delivery.next_attempt_at)
        for name, value in where.items():
            query = query.where(getattr(Delivery, name) == value)
        rows = connection.execute(query).all()
    engine.dispose()
    return rows


def next_looks(service):
    """When notify will next look at each case's clock for reminders."""
    engine = make_engine(service.database_url)
    with engine.connect() as connection:
        looks = connection.execute(select(CaseClock.next_reminder_at)).scalars().all()
    engine.dispose()
    return looks


def token(service, role, unit_code=None, user_id="u-1"):
    return {"Authorization": "Bearer " + issue_token(
        service.settings["AUTH_SECRET"], user_id=user_id, username=role, role=role,
        unit_code=unit_code)}


@pytest.fixture
def two_replicas(start_service, mail_sink):
    settings = dict(SMTP_URL=mail_sink.url, OFFICE_EMAIL="vp@example.vn",
                    REMINDER_CHECK_SECONDS=0.2, REMINDER_FRACTIONS="50,80")
    first = start_service("notify", **settings)
    second = start_service("notify", database_url=first.database_url, **settings)
    return first, second


def test_reminders_go_out_once_each_even_with_two_replicas(two_replicas, amqp_uri, mail_sink):
    notify, _ = two_replicas
    publish_unit(amqp_uri, notify)
    now = datetime.now(UTC)
    publish_event(amqp_uri, assigned("case-soon-0001", now, now + timedelta(seconds=4)))
    publish_event(amqp_uri, assigned("case-late-0002", now - timedelta(days=3),
                                     now - timedelta(hours=25)))

    def reminders():
        return sorted((r.case_id, r.event_type, r.recipient, r.channel)
                      for r in deliveries(notify) if r.event_type.startswith("reminder_"))

    wait_until(lambda: len(reminders()) >= 8, timeout=20, message="three reminders queued")
    # once both clocks look next at least half a day ahead, every reminder owed so far has
    # been handled by whichever replica held the clock's row, and nothing more can appear
    wait_until(lambda: all(at > datetime.now(UTC) + timedelta(hours=12)
                           for at in next_looks(notify)), message="both clocks settled")
    soon = [r for r in reminders() if r[0] == "case-soon-0001"]
    late = [r for r in reminders() if r[0] == "case-late-0002"]
    assert soon == [("case-soon-0001", "reminder_due", "db001@example.vn", "email"),
                    ("case-soon-0001", "reminder_due", "db001@example.vn", "email"),
                    ("case-soon-0001", "reminder_due", "unit:DB-001", "inbox"),
                    ("case-soon-0001", "reminder_due", "unit:DB-001", "inbox")]
    assert late == [("case-late-0002", "reminder_overdue", "db001@example.vn", "email"),
                    ("case-late-0002", "reminder_overdue", "office", "inbox"),
                    ("case-late-0002", "reminder_overdue", "unit:DB-001", "inbox"),
                    ("case-late-0002", "reminder_overdue", "vp@example.vn", "email")]
    subjects = sorted(str(m["Subject"]) for m in mail_sink.wait_for(6))
    assert len(subjects) == 6
    assert sum("[Giao xử lý]" in s for s in subjects) == 2
    assert sum("[Nhắc hạn]" in s for s in subjects) == 2
    assert sum("[Đôn đốc] Quá hạn 1 ngày" in s for s in subjects) == 2
    texts = [m.get_body(("plain",)).get_content() for m in mail_sink.messages()]
    assert any("Đã qua 50% thời gian" in t for t in texts)
    assert any("Đã qua 80% thời gian" in t for t in texts)


def test_a_unit_in_quiet_hours_hears_of_normal_matters_later_and_of_hot_ones_now(
        start_service, amqp_uri, mail_sink):
    notify = start_service("notify", SMTP_URL=mail_sink.url, OFFICE_EMAIL="vp@example.vn")
    local = datetime.now(UTC) + timedelta(hours=7)
    window = {"quiet_start": (local - timedelta(hours=1)).strftime("%H:%M"),
              "quiet_end": (local + timedelta(hours=1)).strftime("%H:%M")}
    url = notify.url("/api/v1/preferences/unit:DB-001")
    assert requests.put(url, json=window, headers=token(notify, "unit_head", "CB-009"),
                        timeout=5).status_code == 403
    bad = requests.put(url, json={"quiet_start": "25:00", "quiet_end": "06:00"},
                       headers=token(notify, "unit_head", "DB-001"), timeout=5)
    assert bad.status_code == 422 and "quiet_start" in bad.json()["fields"]
    saved = requests.put(url, json=window, headers=token(notify, "unit_head", "DB-001"),
                         timeout=5)
    assert saved.status_code == 200 and saved.json()["quiet_start"] == window["quiet_start"]
    publish_unit(amqp_uri, notify)
    now = datetime.now(UTC)
    publish_event(amqp_uri, assigned("case-calm-0003", now, now + timedelta(days=9)))
    publish_event(amqp_uri, assigned("case-hot0-0004", now, now + timedelta(days=1),
                                     priority="hot"))
    [hot] = [m for m in mail_sink.wait_for(1) if "RMDR-0004" in str(m["Subject"])]
    assert str(hot["To"]) == "db001@example.vn"
    [calm] = wait_until(lambda: deliveries(notify, case_id="case-calm-0003", channel="email"),
                        message="calm delivery queued")
    assert calm.status == "pending" and calm.next_attempt_at > now + timedelta(minutes=50)
    [inbox] = deliveries(notify, case_id="case-calm-0003", channel="inbox")
    assert inbox.status == "sent"
    assert not any("RMDR-0003" in str(m["Subject"]) for m in mail_sink.messages())


def test_a_user_follows_their_unit_by_email_in_english(start_service, amqp_uri, mail_sink):
    notify = start_service("notify", SMTP_URL=mail_sink.url, OFFICE_EMAIL="vp@example.vn")
    me = notify.url("/api/v1/preferences/me")
    headers = token(notify, "officer", "DB-001", user_id="u-77")
    assert requests.put(me, json={"email": "not-an-email"}, headers=headers,
                        timeout=5).status_code == 422
    saved = requests.put(me, json={"email": "can.bo@example.vn", "language": "en"},
                         headers=headers, timeout=5).json()
    assert saved["follows"] == "unit:DB-001" and saved["language"] == "en"
    publish_unit(amqp_uri, notify)
    now = datetime.now(UTC)
    publish_event(amqp_uri, assigned("case-foll-0005", now, now + timedelta(days=9)))
    mails = {str(m["To"]): m for m in mail_sink.wait_for(2)}
    assert str(mails["can.bo@example.vn"]["Subject"]).startswith("[Assigned] Nhắc hạn")
    assert str(mails["db001@example.vn"]["Subject"]).startswith("[Giao xử lý] Nhắc hạn")


def test_templates_can_be_previewed_in_both_languages(start_service):
    notify = start_service("notify")
    clerk = token(notify, "clerk")
    listed = requests.get(notify.url("/api/v1/templates"), headers=clerk, timeout=5).json()
    assert {"case_assigned", "reminder_due", "digest_compiled"} <= {
        t["kind"] for t in listed["items"]}
    en = requests.get(notify.url("/api/v1/templates/reminder_overdue"),
                      params={"lang": "en"}, headers=clerk, timeout=5).json()
    assert en["subject"].startswith("[Chaser] 2 day(s) overdue")
    html = requests.get(notify.url("/api/v1/templates/case_opened"),
                        params={"format": "html"}, headers=clerk, timeout=5)
    assert html.headers["Content-Type"].startswith("text/html")
    assert "Phản ánh mới" in html.text
    assert requests.get(notify.url("/api/v1/templates/nope"), headers=clerk,
                        timeout=5).status_code == 404
    assert requests.get(notify.url("/api/v1/templates"), headers=token(notify, "officer", "X"),
                        timeout=5).status_code == 403


def test_a_missing_report_urges_the_unit_and_a_digest_reaches_its_subscribers(
        start_service, amqp_uri, mail_sink):
    notify = start_service("notify", SMTP_URL=mail_sink.url, OFFICE_EMAIL="vp@example.vn",
                           LEADERSHIP_EMAIL="lanhdao@example.vn")
    reader = token(notify, "leader", user_id="u-pbt")
    assert requests.put(notify.url("/api/v1/preferences/me"), headers=reader, timeout=5,
                        json={"email": "pbt@example.vn", "digests": True}).status_code == 200
    publish_unit(amqp_uri, notify)
    publish_event(amqp_uri, new_event("periodic_report_missing", {
        "unit_code": "DB-001", "period": "2026-10", "due_on": "2026-11-05"},
        aggregate_id="report:DB-001:2026-10"))
    publish_event(amqp_uri, new_event("digest_compiled", {
        "digest_id": "d-47", "kind": "weekly", "period_start": "2026-11-16",
        "period_end": "2026-11-22", "title": "Tình hình xử lý phản ánh tuần 47/2026",
        "summary": "Tiếp nhận 42, giải quyết 35, quá hạn 3.",
        "link": "http://localhost:8004/reports/digests/d-47"}, aggregate_id="d-47"))
    mails = {str(m["To"]): m for m in mail_sink.wait_for(3)}
    assert set(mails) == {"db001@example.vn", "lanhdao@example.vn", "pbt@example.vn"}
    urge = mails["db001@example.vn"]
    assert str(urge["Subject"]) == "[Nhắc nộp báo cáo] Báo cáo tình hình tháng 10/2026"
    assert "Hạn nộp: 05/11/2026" in urge.get_body(("plain",)).get_content()
    digest = mails["pbt@example.vn"].get_body(("plain",)).get_content()
    assert "Tiếp nhận 42, giải quyết 35, quá hạn 3." in digest
    assert "http://localhost:8004/reports/digests/d-47" in digest
