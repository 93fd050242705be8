"""Signed webhooks to a real local HTTP server; a failing endpoint never holds up email."""

import hashlib
import hmac
import json
import subprocess
import sys

import pytest
import requests
from sqlalchemy import select

from services.common.auth import issue_token
from services.common.contracts import new_event
from services.common.db import make_engine
from services.notify.models import Delivery
from tests.support.broker import publish_event
from tests.support.mail import free_port, wait_for_port
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

SECRET = "bi-mat-webhook-thu-nghiem"


@pytest.fixture
def webhook_sink(tmp_path):
    """Start a receiver; `start(fail_first)` returns (url, directory)."""
    processes = []

    def start(fail_first=0):
        port, directory = free_port(), tmp_path / f"hooks-{len(processes)}"
        processes.append(subprocess.Popen([sys.executable, "-m", "tests.support.webhook_sink",
                                           str(port), str(directory), str(fail_first)]))
        wait_for_port(port)
        return f"http://127.0.0.1:{port}/hook", directory

    yield start
    for process in processes:
        process.kill()
        process.wait()


def received(directory):
    return [json.loads(p.read_text()) for p in sorted(directory.glob("*.json"))]


def unit_with_webhook(url):
    return new_event("unit_updated", {
        "code": "DB-001", "name": "Đảng bộ Sở Y tế", "kind": "grassroots_committee",
        "parent": "DUK", "emails": [], "webhook_url": url, "active": True},
        aggregate_id="DB-001", aggregate_version=1)


def overdue_event():
    return new_event("case_overdue", {
        "case_id": "c-7", "tracking_code": "ABCD-EFGH-JKM", "title": "Quá hạn trả lời",
        "action": "mark_overdue", "status": "in_progress", "priority": "normal",
        "assigned_unit": "DB-001", "actor_id": "system", "actor_role": "system",
        "deadline_at": "2026-11-20T16:59:59+00:00"}, aggregate_id="c-7", aggregate_version=4)


def unit_secret(notify, code):
    """The unit's own signing secret, as an admin hands it out."""
    admin = {"Authorization": "Bearer " + issue_token(
        notify.settings["AUTH_SECRET"], user_id="a-1", username="admin", role="admin",
        unit_code=None)}
    assert requests.get(notify.url(f"/api/v1/webhook-secrets/{code}"), timeout=5,
                        headers={**admin, "Authorization": "Bearer x"}).status_code == 401
    response = requests.get(notify.url(f"/api/v1/webhook-secrets/{code}"),
                            headers=admin, timeout=5)
    assert response.status_code == 200
    return response.json()["secret"]


def start_notify(start_service, mail_sink):
    return start_service("notify", SMTP_URL=mail_sink.url, WEBHOOK_SECRET=SECRET,
                         OFFICE_EMAIL="vp@example.vn", max_workers=1)


def test_webhook_is_signed_and_retried_until_the_endpoint_accepts(
        start_service, amqp_uri, mail_sink, webhook_sink):
    url, directory = webhook_sink(fail_first=2)
    notify = start_notify(start_service, mail_sink)
    publish_event(amqp_uri, unit_with_webhook(url))
    publish_event(amqp_uri, overdue_event())
    [hook] = wait_until(lambda: received(directory), timeout=30, message="webhook received")
    headers = {k.lower(): v for k, v in hook["headers"].items()}
    secret = unit_secret(notify, "DB-001")
    assert secret != SECRET
    expected = hmac.new(secret.encode(), f"{headers['x-grassroots-timestamp']}.".encode()
                        + hook["body"].encode(), hashlib.sha256).hexdigest()
    assert headers["x-grassroots-signature"] == f"sha256={expected}"
    assert headers["x-grassroots-event"] == "case_overdue"
    body = json.loads(hook["body"])
    assert body["case"]["tracking_code"] == "ABCD-EFGH-JKM"
    assert body["case"]["title"] == "Quá hạn trả lời"
    [mail] = mail_sink.wait_for(1)
    assert mail["To"] == "vp@example.vn"
    assert len(received(directory)) == 1
    engine = make_engine(notify.database_url)
    with engine.connect() as connection:
        rows = connection.execute(select(Delivery.channel, Delivery.status, Delivery.attempts)
                                  .where(Delivery.channel != "inbox")
                                  .order_by(Delivery.channel)).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("email", "sent", 1), ("webhook", "sent", 3)]


def test_a_dead_webhook_endpoint_does_not_delay_email(start_service, amqp_uri, mail_sink):
    dead = f"http://127.0.0.1:{free_port()}/hook"
    start_notify(start_service, mail_sink)
    publish_event(amqp_uri, unit_with_webhook(dead))
    publish_event(amqp_uri, overdue_event())
    [mail] = mail_sink.wait_for(1, timeout=10)
    assert "Quá hạn" in str(mail["Subject"])
