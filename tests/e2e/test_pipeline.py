"""End to end: all four services as processes, real RabbitMQ, PostgreSQL and SMTP."""

import subprocess
import sys

import pytest
import requests

from services.common.auth import issue_token
from services.common.config import SERVICES, service_config
from services.common.migrations import upgrade
from tests.support.cluster import Cluster
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e


@pytest.fixture(params=["postgresql", "sqlite"])
def cluster(request, amqp_uri, make_database, mail_sink, tmp_path):
    """All four services on PostgreSQL (production) or on SQLite files (the `make run` default)."""
    if request.param == "postgresql":
        databases = {service: make_database(service) for service in SERVICES}
    else:
        databases = {service: f"sqlite:///{tmp_path / service}.db" for service in SERVICES}
        for service, url in databases.items():
            upgrade(service, url)
    cluster = Cluster.for_test(amqp_uri, databases, mail_sink.url).start()
    yield cluster
    cluster.stop()


def get_json(url, headers=None):
    response = requests.get(url, timeout=5, headers=headers)
    return response.json() if response.ok else None


def test_a_submission_becomes_a_case_an_email_and_a_count(cluster, mail_sink):
    feedback = {
        "title": "Đề nghị sửa chữa nhà văn hóa chi bộ",
        "body": "Mái nhà văn hóa bị dột, ảnh hưởng sinh hoạt chi bộ hằng tháng.",
        "unit_code": "CB-21", "channel": "web",
        "reporter": {"name": "Phạm Thị D", "contact": "d@example.vn", "consent_to_contact": True},
    }
    headers = {"Idempotency-Key": "e2e-1"}
    first = requests.post(cluster.url("intake", "/api/v1/feedback"), json=feedback,
                          headers=headers, timeout=5)
    again = requests.post(cluster.url("intake", "/api/v1/feedback"), json=feedback,
                          headers=headers, timeout=5)
    assert first.status_code == again.status_code == 202
    code = first.json()["tracking_code"]
    assert again.json()["tracking_code"] == code

    [mail] = mail_sink.wait_for(1)
    assert code in str(mail["Subject"])
    assert str(mail["Subject"]).startswith("[Phản ánh mới] Đề nghị sửa chữa nhà văn hóa")

    view = wait_until(lambda: (v := get_json(cluster.url("intake", f"/api/v1/feedback/{code}")))
                      and v["status"] == "new" and v, message="case status at intake")
    assert view["case"]["status"] == "new"
    leader = {"Authorization": "Bearer " + issue_token(
        service_config("reporting", cluster.env)["AUTH_SECRET"], user_id="u-leader",
        username="leader", role="leader", unit_code=None)}
    summary = wait_until(
        lambda: (s := get_json(cluster.url("reporting", "/api/v1/reports/summary"), leader))
        and s["total"] == 1 and s, message="summary counts the case")
    assert summary["by_status"]["new"] == 1
    wait_until(lambda: get_json(cluster.url("notify", "/api/v1/deliveries/stats"))
               == {"by_channel": {"email": {"sent": 1}, "inbox": {"sent": 1}}},
               message="delivery recorded")
    assert get_json(cluster.url("cases", "/api/v1/cases/stats")) == {"by_status": {"new": 1}}
    assert len(mail_sink.messages()) == 1
    for service in SERVICES:
        ready = get_json(cluster.url(service, "/readyz"))
        assert ready["status"] == "ready", (service, ready)


def test_run_refuses_to_start_without_a_broker_and_says_why(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "AMQP_URI": "amqp://guest:guest@127.0.0.1:1/",
           "VAR_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "services", "run"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "RabbitMQ is not reachable at amqp://guest:***@127.0.0.1:1/" in result.stderr
    assert "rabbitmq-server -detached" in result.stderr
