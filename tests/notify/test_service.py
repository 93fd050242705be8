"""notify in a nameko container, delivering to a real SMTP server."""

import json

import pytest
import requests
from kombu import Connection, Exchange, Queue
from sqlalchemy import select

from services.common.auth import issue_token
from services.common.contracts import new_event
from services.common.db import make_engine
from services.notify.models import Delivery
from tests.support.broker import QUEUE_OPTIONS, drain, publish_event
from tests.support.mail import MailSink
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

OFFICE = "vanphong@dangbokhoi.example.vn"


def case_opened(case_id="c-1"):
    return new_event("case_opened", {
        "case_id": case_id, "tracking_code": "ABCD-EFGH-JKM", "submission_id": "s-1",
        "title": "Chậm trả lương tháng 10", "category": "wages", "unit_code": "CB-05",
        "channel": "web", "priority": "normal", "status": "new",
        "opened_at": "2026-11-23T02:15:00+00:00",
    }, aggregate_id=case_id, correlation_id="s-1")


def deliveries(database_url):
    engine = make_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(select(Delivery.status, Delivery.attempts)
                                  .where(Delivery.channel == "email")).all()
    engine.dispose()
    return rows


def test_new_case_emails_the_office_in_vietnamese(start_service, amqp_uri, mail_sink):
    notify = start_service("notify", SMTP_URL=mail_sink.url, OFFICE_EMAIL=OFFICE)
    publish_event(amqp_uri, case_opened())
    [mail] = mail_sink.wait_for(1)
    assert mail["To"] == OFFICE
    assert str(mail["Subject"]) == "[Phản ánh mới] Chậm trả lương tháng 10 — mã ABCD-EFGH-JKM"
    assert mail["Message-ID"].endswith("@notify.grassroots>")
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "Mã theo dõi: ABCD-EFGH-JKM" in text and "09:15 23/11/2026" in text
    assert "<strong>ABCD-EFGH-JKM</strong>" in html
    wait_until(lambda: deliveries(notify.database_url) == [("sent", 1)], message="recorded")
    stats = requests.get(notify.url("/api/v1/deliveries/stats")).json()
    assert stats == {"by_channel": {"email": {"sent": 1}, "inbox": {"sent": 1}}}


def test_redelivered_event_sends_no_second_email(start_service, amqp_uri, mail_sink):
    # one worker: events are handled in order, so the duplicate is done before the next one
    notify = start_service("notify", SMTP_URL=mail_sink.url, OFFICE_EMAIL=OFFICE, max_workers=1)
    envelope = case_opened()
    publish_event(amqp_uri, envelope)
    publish_event(amqp_uri, envelope)
    mail_sink.wait_for(1)
    other = case_opened("c-2")
    publish_event(amqp_uri, other)  # a later event: once it is mailed, the duplicate is past
    mail_sink.wait_for(2)
    assert len(mail_sink.messages()) == 2
    assert len(deliveries(notify.database_url)) == 2


def test_smtp_down_then_up_delivers_every_message_once(start_service, amqp_uri, tmp_path):
    sink = MailSink(tmp_path / "late-mail")
    notify = start_service("notify", SMTP_URL=sink.url, OFFICE_EMAIL=OFFICE)
    for n in range(3):
        publish_event(amqp_uri, case_opened(f"c-{n}"))
    wait_until(lambda: len(deliveries(notify.database_url)) == 3
               and all(a >= 1 for _, a in deliveries(notify.database_url)),
               message="first attempts failed")
    assert {s for s, _ in deliveries(notify.database_url)} == {"pending"}
    sink.start()
    try:
        sink.wait_for(3)
        wait_until(lambda: {s for s, _ in deliveries(notify.database_url)} == {"sent"},
                   message="all sent")
        assert len(sink.messages()) == 3
    finally:
        sink.stop()


def test_delivery_gives_up_after_the_limit(start_service, amqp_uri, tmp_path):
    sink = MailSink(tmp_path / "never")
    notify = start_service("notify", SMTP_URL=sink.url, DELIVERY_MAX_ATTEMPTS=2)
    publish_event(amqp_uri, case_opened())
    wait_until(lambda: deliveries(notify.database_url) == [("failed", 2)], timeout=30,
               message="marked failed")


def unit_updated(code, version, emails, name="Đảng bộ Sở Y tế", active=True):
    return new_event("unit_updated", {
        "code": code, "name": name, "kind": "grassroots_committee", "sector": "state_agency",
        "parent": "DUK", "emails": emails, "webhook_url": None, "head_name": None,
        "head_title": None, "active": active}, aggregate_id=code, aggregate_version=version)


def case_assigned(unit="DB-001"):
    return new_event("case_assigned", {
        "case_id": "c-9", "tracking_code": "ABCD-EFGH-JKM", "title": "Chậm trả lương",
        "action": "assign", "status": "assigned", "from_status": "new", "priority": "urgent",
        "assigned_unit": unit, "coordinating_units": [], "actor_id": "u-1",
        "actor_role": "clerk", "deadline_at": "2026-12-07T16:59:59+00:00",
        "details": {"unit_code": unit}}, aggregate_id="c-9", aggregate_version=2)


def test_assignment_emails_the_unit_from_notify_s_own_directory_copy(
        start_service, amqp_uri, mail_sink):
    notify = start_service("notify", SMTP_URL=mail_sink.url, max_workers=1)
    publish_event(amqp_uri, unit_updated("DB-001", 2, ["moi@example.vn"]))
    publish_event(amqp_uri, unit_updated("DB-001", 1, ["cu@example.vn"]))   # stale: ignored
    publish_event(amqp_uri, case_assigned())
    [mail] = mail_sink.wait_for(1)
    assert mail["To"] == "moi@example.vn"
    assert str(mail["Subject"]) == "[Giao xử lý] Chậm trả lương — mã ABCD-EFGH-JKM"
    assert "Kính gửi Đảng bộ Sở Y tế," in mail.get_body(("plain",)).get_content()
    wait_until(lambda: deliveries(notify.database_url) == [("sent", 1)], message="recorded")


def test_delivery_log_is_filterable_and_for_the_office_only(start_service, amqp_uri,
                                                            mail_sink):
    notify = start_service("notify", SMTP_URL=mail_sink.url, OFFICE_EMAIL=OFFICE)
    with Connection(amqp_uri) as connection:
        Queue("outcomes", exchange=Exchange("notify.events", type="topic", durable=True),
              routing_key="#", durable=True, **QUEUE_OPTIONS).bind(
            connection.default_channel).declare()
    for n in range(2):
        publish_event(amqp_uri, case_opened(f"c-{n}"))
    mail_sink.wait_for(2)
    wait_until(lambda: {s for s, _ in deliveries(notify.database_url)} == {"sent"},
               message="both sent")
    secret = notify.settings["AUTH_SECRET"]

    def token(role):
        return {"Authorization": "Bearer " + issue_token(
            secret, user_id="u", username=role, role=role, unit_code=None)}

    url = notify.url("/api/v1/deliveries")
    log = requests.get(url, params={"case_id": "c-1", "channel": "email"},
                       headers=token("clerk")).json()
    assert log["total"] == 1 and log["items"][0]["recipient"] == OFFICE
    assert log["items"][0]["status"] == "sent"
    assert requests.get(url, params={"status": "failed"}, headers=token("leader")).json()[
        "total"] == 0
    assert requests.get(url, params={"status": "lost"}, headers=token("clerk")).status_code == 422
    assert requests.get(url, headers=token("officer")).status_code == 403
    assert requests.get(url).status_code == 401
    outcomes = drain(amqp_uri, "outcomes", expect=2)
    assert sorted(o["payload"]["case_id"] for o in outcomes) == ["c-0", "c-1"]
    assert {o["event_type"] for o in outcomes} == {"notification_delivered"}
    assert all(OFFICE not in json.dumps(o) for o in outcomes)


def test_inbox_shows_the_unit_s_notifications_and_remembers_what_each_user_read(
        start_service, amqp_uri, mail_sink):
    notify = start_service("notify", SMTP_URL=mail_sink.url, max_workers=1)
    publish_event(amqp_uri, unit_updated("DB-001", 1, ["db001@example.vn"]))
    publish_event(amqp_uri, case_assigned())
    secret = notify.settings["AUTH_SECRET"]

    def headers(user, role, unit):
        return {"Authorization": "Bearer " + issue_token(
            secret, user_id=user, username=user, role=role, unit_code=unit)}

    officer, head = headers("u-1", "officer", "DB-001"), headers("u-2", "unit_head", "DB-001")
    url = notify.url("/api/v1/inbox")
    items = wait_until(lambda: requests.get(url, headers=officer).json()["items"],
                       message="inbox item")
    assert items[0]["subject"] == "[Giao xử lý] Chậm trả lương — mã ABCD-EFGH-JKM"
    assert items[0]["read"] is False
    marked = requests.post(notify.url(f"/api/v1/inbox/{items[0]['id']}/read"), headers=officer)
    assert marked.status_code == 200
    assert requests.get(url, headers=officer, params={"unread": "true"}).json()["total"] == 0
    assert requests.get(url, headers=head, params={"unread": "true"}).json()["total"] == 1
    other = headers("u-3", "officer", "CB-001")
    assert requests.get(url, headers=other).json()["total"] == 0
    assert requests.post(notify.url(f"/api/v1/inbox/{items[0]['id']}/read"),
                         headers=other).status_code == 404
    assert requests.get(url, headers=headers("u-4", "admin", None)).status_code == 403
