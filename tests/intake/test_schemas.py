"""Validation of submissions through the JSON API schema."""

import unicodedata

import pytest
from marshmallow import ValidationError

from services.intake.schemas import FeedbackIn


def test_valid_submission_is_normalised():
    data = FeedbackIn().load({
        "title": unicodedata.normalize("NFD", "  Nước sinh hoạt bị cắt  "),
        "body": "Khu tập thể\r\nkhông có nước", "unit_code": " cb-07 ",
        "reporter": {"name": " ", "contact": ""},
    })
    assert data["title"] == "Nước sinh hoạt bị cắt"
    assert data["body"] == "Khu tập thể\nkhông có nước"
    assert data["unit_code"] == "CB-07"
    assert data["channel"] == "api"
    assert data["reporter"] is None


def test_every_bad_field_is_named():
    with pytest.raises(ValidationError) as info:
        FeedbackIn().load({"title": "  a ", "body": "   ", "channel": "fax"})
    assert set(info.value.messages) == {"title", "body", "channel"}


def test_missing_required_fields_are_named():
    with pytest.raises(ValidationError) as info:
        FeedbackIn().load({})
    assert set(info.value.messages) == {"title", "body"}
