"""The event envelope and schemas: what producers may send and consumers accept."""

import json

import pytest

from services.common.contracts import ContractError, load_event, new_event

CASE_OPENED = {
    "case_id": "c-1", "tracking_code": "ABCD-EFGH-JKM", "submission_id": "s-1",
    "title": "Công nhân chưa được đóng bảo hiểm xã hội", "category": "wages", "unit_code": None,
    "channel": "web", "priority": "normal", "status": "new",
    "opened_at": "2026-11-23T01:00:00+00:00",
}


def wire(envelope):
    """What a consumer receives: the envelope through JSON."""
    return json.loads(json.dumps(envelope))


def test_new_event_fills_the_whole_envelope():
    envelope = new_event("case_opened", CASE_OPENED, aggregate_id="c-1", aggregate_version=1)
    assert set(envelope) == {
        "event_id", "event_type", "schema_version", "occurred_at", "producer",
        "correlation_id", "causation_id", "aggregate_id", "aggregate_version", "payload"}
    assert envelope["producer"] == "cases"
    assert envelope["schema_version"] == 1
    assert envelope["occurred_at"].endswith("+00:00")


def test_event_round_trips_through_json_with_vietnamese_text_intact():
    event = load_event(wire(new_event("case_opened", CASE_OPENED, aggregate_id="c-1")))
    assert event.payload["title"] == "Công nhân chưa được đóng bảo hiểm xã hội"
    assert event.aggregate_version == 1


def test_caused_event_inherits_correlation_and_names_its_cause():
    first = load_event(wire(new_event("case_opened", CASE_OPENED, aggregate_id="c-1",
                                      correlation_id="sub-1")))
    second = new_event("case_opened", CASE_OPENED, aggregate_id="c-1", cause=first)
    assert second["correlation_id"] == "sub-1"
    assert second["causation_id"] == first.event_id


def test_unknown_fields_from_a_newer_producer_are_kept():
    body = wire(new_event("case_opened", CASE_OPENED, aggregate_id="c-1"))
    body["trace"] = "abc"
    body["payload"]["sensitivity"] = "normal"
    event = load_event(body)
    assert event.extra == {"trace": "abc"}
    assert event.payload["sensitivity"] == "normal"


def test_producer_cannot_send_a_payload_missing_a_required_field():
    payload = dict(CASE_OPENED)
    del payload["tracking_code"]
    with pytest.raises(ContractError) as info:
        new_event("case_opened", payload, aggregate_id="c-1")
    assert "tracking_code" in info.value.messages


@pytest.mark.parametrize("mutate", [
    lambda b: b.pop("event_id"),
    lambda b: b.update(event_id="not-a-uuid"),
    lambda b: b.update(event_type="case_vanished"),
    lambda b: b.update(aggregate_version=0),
    lambda b: b["payload"].update(channel="pigeon"),
])
def test_consumer_rejects_an_event_that_breaks_the_contract(mutate):
    body = wire(new_event("case_opened", CASE_OPENED, aggregate_id="c-1"))
    mutate(body)
    with pytest.raises(ContractError):
        load_event(body)


def test_consumer_rejects_a_body_that_is_not_an_object():
    with pytest.raises(ContractError):
        load_event(["not", "an", "event"])
