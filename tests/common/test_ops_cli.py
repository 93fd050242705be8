"""The ops commands: outbox backlog and a test email, run as a person would run them."""

import os
import subprocess
import sys

import pytest

from services.common.contracts import new_event
from services.common.db import make_engine
from services.common.outbox import write_event

pytestmark = pytest.mark.integration


def run_cli(*args, **env):
    return subprocess.run([sys.executable, "-m", "services", *args], capture_output=True,
                          text=True, timeout=60, env={**os.environ, **env})


def test_every_command_has_help():
    listing = run_cli("--help")
    assert listing.returncode == 0
    for command in ("serve", "run", "migrate", "check", "dlq", "outbox", "test-email",
                    "load-directory", "create-user", "import", "replay-reporting"):
        assert command in listing.stdout
        assert run_cli(command, "--help").returncode == 0, command


def test_outbox_backlog_is_reported_per_service(start_service, make_database):
    intake = start_service("intake", OUTBOX_POLL_SECONDS=3600)
    env = {f"{s.upper()}_DATABASE_URL": make_database(s) for s in ("cases", "notify",
                                                                   "reporting")}
    env["INTAKE_DATABASE_URL"] = intake.database_url
    engine = make_engine(intake.database_url)
    with engine.begin() as connection:
        write_event(connection, new_event("feedback_received", {
            "submission_id": "s", "tracking_code": "AAAA-BBBB-CCC", "title": "x", "body": "y",
            "channel": "web", "submitted_at": "2026-11-23T00:00:00+00:00"}, aggregate_id="s"))
    engine.dispose()
    for migrate in ("cases", "notify", "reporting"):
        assert run_cli("migrate", migrate, **env).returncode == 0
    report = run_cli("outbox", "--fail-over", "0", **env)
    assert "intake     1 event(s) waiting" in report.stdout
    assert "cases      0 event(s) waiting" in report.stdout
    assert report.returncode == 1
    assert run_cli("outbox", "cases", "--fail-over", "0", **env).returncode == 0


def test_a_test_email_reaches_the_smtp_server(mail_sink):
    result = run_cli("test-email", "ops@example.vn", SMTP_URL=mail_sink.url)
    assert result.returncode == 0, result.stderr
    [mail] = mail_sink.wait_for(1)
    assert str(mail["To"]) == "ops@example.vn"
    assert str(mail["Subject"]) == "Thư kiểm tra — hệ thống phản ánh cơ sở"


def test_a_test_email_failure_is_one_clear_line():
    result = run_cli("test-email", "ops@example.vn", SMTP_URL="smtp://127.0.0.1:9")
    assert result.returncode == 1
    assert result.stderr.startswith("FAIL could not send through smtp://127.0.0.1:9")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("service", "name", "value", "says"), [
    ("cases", "HANDLER_MAX_ATTEMPTS", "năm", "HANDLER_MAX_ATTEMPTS='năm' is not a whole number"),
    ("intake", "SMTP_TIMEOUT", "10s", "SMTP_TIMEOUT='10s' is not a number"),
    ("notify", "REMINDER_FRACTIONS", "50,tám mươi", "REMINDER_FRACTIONS='50,tám mươi': "),
    ("notify", "REMINDER_FRACTIONS", "50,120", "REMINDER_FRACTIONS='50,120': "),
])
def test_a_bad_setting_stops_serve_with_one_line_naming_it(service, name, value, says):
    result = run_cli("serve", service, **{name: value})
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {says}")
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
