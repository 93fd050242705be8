"""Who hears about a new case and what the email says."""

from datetime import UTC, datetime

from services.common.contracts import Event
from services.notify.domain import recipients_for, render


def case_opened_event():
    return Event(
        event_id="e-1", event_type="case_opened", schema_version=1,
        occurred_at=datetime.now(UTC), producer="cases", correlation_id="s-1",
        causation_id="f-1", aggregate_id="c-1", aggregate_version=1,
        payload={"case_id": "c-1", "tracking_code": "ABCD-EFGH-JKM", "submission_id": "s-1",
                 "title": "Tiền lương <chậm> trả", "category": None, "unit_code": "CB-01",
                 "channel": "web", "priority": "normal", "status": "new",
                 "opened_at": datetime(2026, 11, 23, 1, 30, tzinfo=UTC)})


def test_new_case_goes_to_the_office():
    recipients = recipients_for(case_opened_event(), {"OFFICE_EMAIL": "vp@example.vn"})
    assert [(r.address, r.channel) for r in recipients] == [
        ("vp@example.vn", "email"), ("office", "inbox")]


def test_email_is_vietnamese_names_the_code_and_shows_vietnam_time():
    message = render(case_opened_event())
    assert message.subject == "[Phản ánh mới] Tiền lương <chậm> trả — mã ABCD-EFGH-JKM"
    assert "08:30 23/11/2026" in message.text
    assert "Mã theo dõi: ABCD-EFGH-JKM" in message.text
    assert "&lt;chậm&gt;" in message.html and "<chậm>" not in message.html
