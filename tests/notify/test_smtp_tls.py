"""Email over STARTTLS with login, to a real SMTP server that requires both."""

import subprocess
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from services.common.contracts import new_event
from services.common.db import make_engine
from services.notify.models import Delivery
from tests.support.broker import publish_event
from tests.support.mail import MailSink
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def certificate(tmp_path):
    cert, key = tmp_path / "smtp.pem", tmp_path / "smtp.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


@pytest.fixture
def tls_sink(tmp_path, certificate):
    cert, key = certificate
    sink = MailSink(tmp_path / "mail", extra_args=[
        "--tls-cert", str(cert), "--tls-key", str(key), "--login", "notify:mật-khẩu"]).start()
    yield sink
    sink.stop()


def case_opened():
    return new_event("case_opened", {
        "case_id": "c-tls", "tracking_code": "TLSA-UTHT-EST", "submission_id": "s-tls",
        "title": "Thư qua kết nối mã hóa", "channel": "web", "priority": "normal",
        "status": "new", "opened_at": datetime.now(UTC).isoformat()}, aggregate_id="c-tls")


def test_mail_goes_over_starttls_with_login_and_a_verified_certificate(
        start_service, amqp_uri, tls_sink, certificate):
    url = f"smtp://notify:m%E1%BA%ADt-kh%E1%BA%A9u@localhost:{tls_sink.port}?starttls=true"
    start_service("notify", SMTP_URL=url, SMTP_CA_FILE=str(certificate[0]),
                  OFFICE_EMAIL="vp@example.vn")
    publish_event(amqp_uri, case_opened())
    [mail] = tls_sink.wait_for(1)
    assert str(mail["Subject"]).startswith("[Phản ánh mới] Thư qua kết nối mã hóa")


def test_an_untrusted_certificate_is_refused_and_nothing_is_sent(
        start_service, amqp_uri, tls_sink):
    url = f"smtp://notify:m%E1%BA%ADt-kh%E1%BA%A9u@localhost:{tls_sink.port}?starttls=true"
    notify = start_service("notify", SMTP_URL=url, OFFICE_EMAIL="vp@example.vn",
                           DELIVERY_MAX_ATTEMPTS=2)
    publish_event(amqp_uri, case_opened())
    engine = make_engine(notify.database_url)

    def email_row():
        with engine.connect() as connection:
            return connection.execute(select(Delivery.status, Delivery.last_error)
                                      .where(Delivery.channel == "email")).first()

    try:
        row = wait_until(lambda: (r := email_row()) and r.status == "failed" and r,
                         timeout=20, message="delivery gives up")
    finally:
        engine.dispose()
    assert "CERTIFICATE_VERIFY_FAILED" in row.last_error
    assert tls_sink.messages() == []
