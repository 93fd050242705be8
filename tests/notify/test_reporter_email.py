"""The reporter hears the outcome: contact asked of cases at send time, only with consent."""

import uuid

import pytest
from sqlalchemy import text

from services.common.contracts import new_event
from services.common.db import make_engine
from tests.cases.conftest import CasesApi
from tests.support.broker import publish_event
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def cases_and_notify(start_service, amqp_uri, mail_sink):
    cases = CasesApi(start_service("cases"), amqp_uri).seed()
    notify = start_service("notify", SMTP_URL=mail_sink.url, OFFICE_EMAIL="vp@example.vn",
                           CONTACT_RPC_TIMEOUT=5)
    yield cases, notify
    cases.engine.dispose()


def resolve(cases, case_id, resolution):
    version = cases.case(case_id)["version"]
    for action, user, params in (("assign", "clerk", {"unit_code": "DB-001"}),
                                 ("accept", "officer", {}),
                                 ("resolve", "officer", {"resolution": resolution})):
        response = cases.act(case_id, action, user, version, **params)
        assert response.status_code == 200, response.text
        version += 1


def submit_without_consent(cases, amqp_uri):
    publish_event(amqp_uri, new_event("feedback_received", {
        "submission_id": str(uuid.uuid4()), "tracking_code": "NOCO-NSEN-T01",
        "title": "Không muốn được liên hệ", "body": "Nội dung phản ánh.",
        "category": "political_task", "unit_code": "DB-001", "channel": "web",
        "submitted_at": "2026-11-23T01:00:00+00:00",
        "reporter": {"name": "Người giấu tên", "contact": "an.danh@example.vn",
                     "consent_to_contact": False}}, aggregate_id="s-noconsent"))
    return wait_until(lambda: [c["id"] for c in cases.get(
        "/api/v1/cases", "clerk", params={"q": "Không muốn"}).json()["items"]],
        message="case opened")[0]


def test_a_consenting_reporter_gets_the_outcome_and_notify_keeps_no_address(
        cases_and_notify, amqp_uri, mail_sink):
    cases, notify = cases_and_notify
    case_id = cases.submit()
    resolve(cases, case_id, "Đã khôi phục cấp nước cho khu tập thể.")
    mails = wait_until(lambda: [m for m in mail_sink.messages()
                                if str(m["To"]) == "e@example.vn"], message="reporter mail")
    [mail] = mails
    assert str(mail["Subject"]) == "Phản ánh của quý vị đã được xử lý — mã ABCD-EFGH-001"
    body = mail.get_body(("plain",)).get_content()
    assert body.startswith("Kính gửi quý vị,")
    assert "Đã khôi phục cấp nước cho khu tập thể." in body

    engine = make_engine(notify.database_url)
    with engine.connect() as connection:
        dump = str(connection.execute(text("SELECT * FROM deliveries")).all())
        dump += str(connection.execute(text("SELECT * FROM outbox")).all())
    engine.dispose()
    assert f"reporter:{case_id}" in dump
    assert "e@example.vn" not in dump and "Hoàng Văn E" not in dump


def test_a_reporter_who_did_not_consent_is_not_written_to(cases_and_notify, amqp_uri,
                                                          mail_sink):
    cases, notify = cases_and_notify
    case_id = submit_without_consent(cases, amqp_uri)
    resolve(cases, case_id, "Đã xử lý xong.")
    engine = make_engine(notify.database_url)

    def reporter_delivery():
        with engine.connect() as connection:
            return connection.execute(text(
                "SELECT status, last_error FROM deliveries WHERE recipient = :r"),
                {"r": f"reporter:{case_id}"}).first()

    try:
        row = wait_until(lambda: (r := reporter_delivery()) and r.status != "pending" and r,
                         message="reporter delivery settled")
    finally:
        engine.dispose()
    assert row.status == "skipped" and "consent" in row.last_error
    assert not [m for m in mail_sink.messages() if "an.danh" in str(m["To"])]


def test_while_cases_cannot_answer_the_reporter_mail_waits_and_office_mail_goes(
        start_service, amqp_uri, mail_sink):
    notify = start_service("notify", SMTP_URL=mail_sink.url, OFFICE_EMAIL="vp@example.vn",
                           CONTACT_RPC_TIMEOUT=0.5, DELIVERY_RETRY_SECONDS=30)
    publish_event(amqp_uri, new_event("case_resolved", {
        "case_id": "c-nobody-home", "tracking_code": "WAIT-CASE-S01", "title": "Chờ",
        "action": "resolve", "status": "resolved", "priority": "normal",
        "assigned_unit": "DB-001", "actor_id": "u-1", "actor_role": "officer",
        "details": {"resolution": "Xong."}}, aggregate_id="c-nobody-home",
        aggregate_version=4))
    [office] = mail_sink.wait_for(1)
    assert str(office["To"]) == "vp@example.vn"
    engine = make_engine(notify.database_url)

    def reporter_delivery():
        with engine.connect() as connection:
            return connection.execute(text(
                "SELECT status, attempts, last_error FROM deliveries "
                "WHERE recipient = 'reporter:c-nobody-home'")).first()

    try:
        row = wait_until(lambda: (r := reporter_delivery()) and r.attempts and r,
                         message="one attempt made")
    finally:
        engine.dispose()
    assert row.status == "pending" and "cases did not answer" in row.last_error
