"""intake in a nameko container against real RabbitMQ and PostgreSQL."""

import pytest
import requests
from sqlalchemy import func, select, text

from services.common.db import make_engine
from services.common.tables import outbox
from tests.support.broker import drain
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

FEEDBACK = {
    "title": "Người lao động chưa được đóng bảo hiểm",
    "body": "Công ty nợ bảo hiểm xã hội 6 tháng.",
    "unit_code": "CB-12",
    "reporter": {"name": "Trần Thị B", "contact": "0912345678", "consent_to_contact": True},
}
CASES_QUEUE = "evt-intake-feedback_received--cases"


@pytest.fixture
def intake(start_service):
    return start_service("intake")


def outbox_rows(service):
    engine = make_engine(service.database_url)
    with engine.connect() as connection:
        rows = connection.execute(select(outbox.c.event_type, outbox.c.sent_at)).all()
    engine.dispose()
    return rows


def test_submission_is_accepted_stored_and_announced(intake, amqp_uri):
    response = requests.post(intake.url("/api/v1/feedback"), json=FEEDBACK, timeout=5)
    assert response.status_code == 202
    code = response.json()["tracking_code"]
    assert response.headers["Location"] == f"/api/v1/feedback/{code}"
    [event] = drain(amqp_uri, CASES_QUEUE, expect=1)
    assert event["event_type"] == "feedback_received"
    assert event["payload"]["tracking_code"] == code
    assert event["payload"]["reporter"]["name"] == "Trần Thị B"
    wait_until(lambda: all(r.sent_at for r in outbox_rows(intake)), message="outbox sent")


def test_same_idempotency_key_twice_gives_one_submission_and_one_event(intake, amqp_uri):
    headers = {"Idempotency-Key": "form-42"}
    first = requests.post(intake.url("/api/v1/feedback"), json=FEEDBACK, headers=headers)
    second = requests.post(intake.url("/api/v1/feedback"), json=FEEDBACK, headers=headers)
    assert first.status_code == second.status_code == 202
    assert first.json()["tracking_code"] == second.json()["tracking_code"]
    assert second.headers["Idempotent-Replayed"] == "true"
    assert len(outbox_rows(intake)) == 1
    assert len(drain(amqp_uri, CASES_QUEUE, expect=2, timeout=2)) == 1


def test_reused_key_with_a_different_body_is_refused(intake):
    headers = {"Idempotency-Key": "form-43"}
    requests.post(intake.url("/api/v1/feedback"), json=FEEDBACK, headers=headers)
    other = dict(FEEDBACK, title="Một phản ánh khác hẳn")
    response = requests.post(intake.url("/api/v1/feedback"), json=other, headers=headers)
    assert response.status_code == 422
    assert response.json()["error"] == "idempotency_key_reused"
    assert len(outbox_rows(intake)) == 1


@pytest.mark.parametrize(("body", "content_type", "status", "field"), [
    (b'{"title": "ab"}', "application/json", 422, "title"),
    (b'{"title": "Tieu de", "body": "x", "channel": "fax"}', "application/json", 422, "channel"),
    (b'{"title": ', "application/json", 400, None),
    (b'["a list"]', "application/json", 400, None),
    (b'title=x', "application/x-www-form-urlencoded", 415, None),
    (b'\xff\xfe', "application/json", 400, None),
])
def test_bad_input_gets_a_clear_error_and_writes_nothing(intake, body, content_type, status,
                                                        field):
    response = requests.post(intake.url("/api/v1/feedback"), data=body,
                             headers={"Content-Type": content_type})
    assert response.status_code == status
    payload = response.json()
    assert payload["message"]
    if field:
        assert field in payload["fields"]
    assert outbox_rows(intake) == []


def test_oversized_body_is_refused_with_413(intake):
    big = dict(FEEDBACK, body="x" * (1024 * 1024 + 10))
    response = requests.post(intake.url("/api/v1/feedback"), json=big)
    assert response.status_code == 413


def test_lookup_shows_status_but_never_personal_data(intake):
    code = requests.post(intake.url("/api/v1/feedback"), json=FEEDBACK).json()["tracking_code"]
    response = requests.get(intake.url(f"/api/v1/feedback/{code.lower().replace('-', '')}"))
    assert response.status_code == 200
    view = response.json()
    assert view["tracking_code"] == code
    assert view["status"] == "received"
    assert "Trần Thị B" not in response.text and "0912345678" not in response.text


def test_lookup_of_unknown_or_mistyped_code_is_404(intake):
    code = requests.post(intake.url("/api/v1/feedback"), json=FEEDBACK).json()["tracking_code"]
    mistyped = code[:-1] + ("0" if code[-1] != "0" else "1")
    assert requests.get(intake.url(f"/api/v1/feedback/{mistyped}")).status_code == 404
    assert requests.get(intake.url("/api/v1/feedback/nonsense")).status_code == 404


def test_unknown_path_is_a_json_404(intake):
    response = requests.get(intake.url("/api/v1/nothing-here"))
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_health_and_readiness(intake):
    assert requests.get(intake.url("/healthz")).json()["status"] == "ok"
    ready = requests.get(intake.url("/readyz"))
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "broker": "ok"}


def test_readiness_fails_when_the_database_is_gone(intake):
    engine = make_engine(intake.database_url)
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(outbox)).scalar()
        connection.execute(text("SELECT 1"))
    engine.dispose()
    assert count == 0
    # simulate losing the database: point the container's engine at a closed port
    for ext in intake.container.extensions:
        if type(ext).__name__ == "Engine":
            ext.engine.dispose()
            ext.engine = make_engine("postgresql://nobody@127.0.0.1:1/none")
            ext.session_factory.configure(bind=ext.engine)
    ready = requests.get(intake.url("/readyz"))
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"].startswith("unreachable")
