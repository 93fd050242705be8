"""What the security checks found, pinned down without a broker or database."""

import smtplib

import pytest
from marshmallow import ValidationError

from services.cases.schemas import CaseQuery
from services.intake.duplicates import fingerprint_of
from services.notify.schemas import DeliveryQuery, InboxQuery
from services.notify.sending import failure_text


def test_a_superscript_in_feedback_is_text_not_a_number_that_breaks_submission():
    squared = fingerprint_of("Lấn chiếm 50 m² đất công", "Diện tích 50 m² bị rào lại từ tháng 3.")
    plain = fingerprint_of("Lấn chiếm 50 m2 đất công", "Diện tích 50 m2 bị rào lại từ tháng 3.")
    assert squared.exact and squared.keys
    assert squared.exact != fingerprint_of("Lấn chiếm 60 m² đất công",
                                           "Diện tích 60 m² bị rào lại từ tháng 3.").exact
    assert plain.keys


@pytest.mark.parametrize("schema", [CaseQuery(), DeliveryQuery(), InboxQuery()])
def test_a_page_beyond_any_list_is_a_422_not_a_database_overflow(schema):
    with pytest.raises(ValidationError) as refused:
        schema.load({"page": "36889326899829051392"})
    assert "page" in refused.value.messages


def test_a_refusal_of_a_reporters_address_is_recorded_without_the_address():
    address = "nguoi.phan.anh@example.vn"
    refusal = smtplib.SMTPRecipientsRefused(
        {address: (550, f"5.1.1 <{address}>: Recipient address rejected".encode())})
    recorded = failure_text(refusal, personal=True)
    assert address not in recorded and "550" in recorded
    assert address in failure_text(refusal)  # an office address may be shown as it is


@pytest.mark.parametrize("schema, name", [(CaseQuery(), "unit"), (CaseQuery(), "q"),
                                          (DeliveryQuery(), "recipient")])
def test_a_nul_character_in_a_filter_is_a_422_naming_it(schema, name):
    with pytest.raises(ValidationError) as refused:
        schema.load({name: "DB-001\x00"})
    assert name in refused.value.messages
