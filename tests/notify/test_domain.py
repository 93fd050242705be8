"""Who hears about a new case and what the email says, in Vietnamese and English."""

from datetime import UTC, datetime

import pytest

from services.common.contracts import Event
from services.notify.domain import recipients_for
from services.notify.messages import KINDS, render_event
from services.notify.previews import preview


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
    message = render_event(case_opened_event())
    assert message.subject == "[Phản ánh mới] Tiền lương <chậm> trả — mã ABCD-EFGH-JKM"
    assert "08:30 23/11/2026" in message.text
    assert "Mã theo dõi: ABCD-EFGH-JKM" in message.text
    assert "&lt;chậm&gt;" in message.html and "<chậm>" not in message.html


def test_the_same_email_reads_in_english_for_an_english_reader():
    message = render_event(case_opened_event(), "en")
    assert message.subject == "[New matter] Tiền lương <chậm> trả — code ABCD-EFGH-JKM"
    assert message.text.startswith("Dear colleague,")
    assert "Received at: 08:30 23/11/2026" in message.text
    assert '<html lang="en">' in message.html


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_of_message_has_a_template_in_both_languages(kind, lang):
    message = preview(kind, lang)
    assert message.subject and "\n" not in message.subject
    assert message.text.strip() and message.html.startswith("<!doctype html>")
    assert ("Kính gửi" if lang == "vi" else "Dear") in message.text


def test_the_reporter_is_greeted_politely_and_told_the_outcome():
    message = preview("case_resolved_reporter", "vi")
    assert message.text.startswith("Kính gửi quý vị,")
    assert "Công ty đã đóng đủ bảo hiểm xã hội" in message.text
    assert "/track?code=7KQ4-M2XA-9PB" in message.text
