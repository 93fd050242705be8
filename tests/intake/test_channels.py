"""Chat-bot bridges and periodic reports on a running intake, against real infrastructure."""

import json
import time

import pytest
import requests
from sqlalchemy import func, select

from services.common.auth import issue_token
from services.common.db import make_engine
from services.common.tables import outbox
from services.intake.chatbot import signature

pytestmark = pytest.mark.integration

SECRET = "zalo-bridge-secret"


@pytest.fixture
def intake(start_service):
    return start_service("intake", CHATBOT_SECRETS=f"zalo:{SECRET},facebook:other",
                         CHATBOT_MAX_SKEW_SECONDS=300)


def events(service, event_type=None):
    engine = make_engine(service.database_url)
    with engine.connect() as connection:
        query = select(outbox.c.event_type, outbox.c.body)
        if event_type:
            query = query.where(outbox.c.event_type == event_type)
        rows = [(r.event_type, json.loads(r.body)) for r in connection.execute(query)]
    engine.dispose()
    return rows


def send(service, message, secret=SECRET, timestamp=None, source="zalo", body=None):
    body = body if body is not None else json.dumps(message, ensure_ascii=False).encode()
    timestamp = str(int(time.time())) if timestamp is None else timestamp
    return requests.post(service.url(f"/api/v1/webhooks/{source}"), data=body, timeout=5,
                         headers={"Content-Type": "application/json", "X-Timestamp": timestamp,
                                  "X-Signature": signature(secret, timestamp, body)})


MESSAGE = {"message_id": "zalo-8812", "text": "Đường vào KCN Phố Nối ngập sâu sau mưa\n"
           "Công nhân ca đêm phải lội nước, đề nghị xử lý.",
           "sender": {"name": "Lê Văn G", "contact": "0987654321", "consent_to_contact": True}}


def test_a_signed_bot_message_becomes_feedback_once(intake):
    first = send(intake, MESSAGE)
    assert first.status_code == 202, first.text
    code = first.json()["tracking_code"]
    assert code in first.json()["reply"]
    again = send(intake, MESSAGE)
    assert again.status_code == 200 and again.json() == {**first.json(), "duplicate": True}
    [(_, event)] = events(intake, "feedback_received")
    assert event["payload"]["channel"] == "chatbot"
    assert event["payload"]["title"] == "Đường vào KCN Phố Nối ngập sâu sau mưa"
    reused = send(intake, {**MESSAGE, "text": "Một nội dung khác hẳn"})
    assert reused.status_code == 409 and "message_id" in reused.json()["fields"]


@pytest.mark.parametrize(("change", "status"), [
    ({"secret": "wrong"}, 401),
    ({"timestamp": str(int(time.time()) - 3600)}, 401),
    ({"timestamp": "yesterday"}, 401),
    ({"source": "telegram"}, 404),
])
def test_unsigned_stale_or_unknown_bot_messages_are_refused_and_nothing_is_stored(
        intake, change, status):
    response = send(intake, MESSAGE, **change)
    assert response.status_code == status
    assert response.json()["message"]
    assert events(intake) == []


def test_signatures_and_tokens_with_accented_characters_are_refused_not_crashed(intake):
    body = json.dumps(MESSAGE).encode()
    signed = requests.post(intake.url("/api/v1/webhooks/zalo"), data=body, timeout=5, headers={
        "Content-Type": "application/json", "X-Timestamp": str(int(time.time())),
        "X-Signature": "sha256=\xe9t\xe9".encode("latin-1")})
    assert signed.status_code == 401
    report = requests.post(intake.url("/api/v1/periodic-reports"), json=REPORT, timeout=5,
                           headers={"Authorization": "Bearer abc.d\xe9f".encode("latin-1")})
    assert report.status_code == 401
    assert events(intake) == []


def test_a_tampered_body_fails_the_signature(intake):
    timestamp = str(int(time.time()))
    good = json.dumps(MESSAGE).encode()
    response = requests.post(intake.url("/api/v1/webhooks/zalo"), timeout=5,
                             data=good.replace(b"8812", b"8813"),
                             headers={"Content-Type": "application/json",
                                      "X-Timestamp": timestamp,
                                      "X-Signature": signature(SECRET, timestamp, good)})
    assert response.status_code == 401
    assert events(intake) == []


def token(service, role, unit_code=None):
    return {"Authorization": "Bearer " + issue_token(
        service.settings["AUTH_SECRET"], user_id=f"u-{role}", username=role, role=role,
        unit_code=unit_code)}


REPORT = {"unit_code": "CB-12", "period": "2026-10",
          "summary": "Tình hình tư tưởng đảng viên ổn định; sản xuất kinh doanh đạt kế hoạch.",
          "items": [{"title": "Đảng viên mới chuyển sinh hoạt", "needs_action": False},
                    {"title": "Công ty nợ bảo hiểm xã hội 3 tháng",
                     "body": "Người lao động bức xúc vì công ty chậm đóng BHXH.",
                     "category": "wages_insurance", "needs_action": True}]}


def test_a_units_report_is_recorded_and_its_pressing_items_become_feedback(intake):
    response = requests.post(intake.url("/api/v1/periodic-reports"), json=REPORT,
                             headers=token(intake, "unit_head", "CB-12"), timeout=5)
    assert response.status_code == 201, response.text
    report = response.json()
    assert len(report["tracking_codes"]) == 1
    kinds = sorted(event_type for event_type, _ in events(intake))
    assert kinds == ["feedback_received", "periodic_report_received"]
    [(_, received)] = events(intake, "periodic_report_received")
    assert received["payload"]["items_needing_action"] == 1
    assert received["payload"]["period"] == "2026-10"
    [(_, feedback)] = events(intake, "feedback_received")
    assert feedback["payload"]["channel"] == "periodic_report"
    assert feedback["payload"]["unit_code"] == "CB-12"

    again = requests.post(intake.url("/api/v1/periodic-reports"), json=REPORT,
                          headers=token(intake, "unit_head", "CB-12"), timeout=5)
    assert again.status_code == 200 and again.json()["id"] == report["id"]
    changed = requests.post(intake.url("/api/v1/periodic-reports"),
                            json={**REPORT, "summary": "Bản khác hẳn bản đã gửi."},
                            headers=token(intake, "unit_head", "CB-12"), timeout=5)
    assert changed.status_code == 409 and "period" in changed.json()["fields"]
    assert len(events(intake)) == 2
    listed = requests.get(intake.url("/api/v1/periodic-reports"), params={"period": "2026-10"},
                          headers=token(intake, "clerk"), timeout=5).json()
    assert [r["unit_code"] for r in listed["items"]] == ["CB-12"]


@pytest.mark.parametrize(("headers_of", "body", "status", "field"), [
    (("officer", "CB-99"), REPORT, 403, "unit_code"),
    (("clerk", None), {**REPORT, "period": "2026-13"}, 422, "period"),
    (("clerk", None), {**REPORT, "period": "2999-01"}, 422, "period"),
    (("clerk", None), {**REPORT, "items": [{"needs_action": True}]}, 422, "items"),
    (None, REPORT, 401, None),
])
def test_bad_reports_are_refused_naming_the_field_and_store_nothing(
        intake, headers_of, body, status, field):
    headers = token(intake, *headers_of) if headers_of else {}
    response = requests.post(intake.url("/api/v1/periodic-reports"), json=body,
                             headers=headers, timeout=5)
    assert response.status_code == status
    if field:
        assert field in response.json()["fields"]
    assert events(intake) == []


def test_public_endpoints_answer_429_with_retry_after_when_a_client_floods_them(
        start_service):
    intake = start_service("intake", RATE_LIMIT_PER_MINUTE=3)
    codes = [requests.post(intake.url("/api/v1/feedback"), timeout=5,
                           json={"title": f"Phản ánh thử số {n}", "body": f"Nội dung {n}"}
                           ).status_code for n in range(4)]
    feedback = {"title": "Phản ánh thử", "body": "Nội dung"}
    assert codes == [202, 202, 202, 429]
    refused = requests.post(intake.url("/api/v1/feedback"), json=feedback, timeout=5)
    assert int(refused.headers["Retry-After"]) > 0
    assert "try again" in refused.json()["message"]
    engine = make_engine(intake.database_url)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(outbox)) == 3
    engine.dispose()
