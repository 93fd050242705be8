"""A case that probably repeats an open one points to it, and the clerk merges in one step."""

import uuid

import pytest

from services.common.contracts import new_event
from tests.support.broker import publish_event
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration


def submit_repeat(cases_api, first_code, title):
    publish_event(cases_api.amqp_uri, new_event("feedback_received", {
        "submission_id": str(uuid.uuid4()), "tracking_code": "DUPL-ICAT-E01",
        "title": title, "body": "Cong nhan chua duoc tra luong.", "channel": "chatbot",
        "category": "political_task", "unit_code": "DB-001",
        "submitted_at": "2026-11-23T02:00:00+00:00",
        "possible_duplicate_of": {"submission_id": "s-1", "tracking_code": first_code,
                                  "score": 0.72}}, aggregate_id="s-dup"))
    return wait_until(lambda: [c["id"] for c in cases_api.get(
        "/api/v1/cases", "clerk", params={"q": title}).json()["items"]],
        message="repeat opened")[0]


def test_the_clerk_sees_the_probable_duplicate_and_merges_it(cases_api):
    first_id = cases_api.submit(title="Nợ lương công nhân")
    first = cases_api.case(first_id)
    second_id = submit_repeat(cases_api, first["tracking_code"], "Cty chua tra luong thang 10")
    second = cases_api.case(second_id)
    assert second["possible_duplicate"] == {
        "case_id": first_id, "tracking_code": first["tracking_code"],
        "title": "Nợ lương công nhân", "status": "new", "score": 0.72}
    assert "merge" in second["allowed_actions"]
    merged = cases_api.act(second_id, "merge", "clerk", second["version"],
                           into_case_id=first_id)
    assert merged.status_code == 200 and merged.json()["status"] == "merged"
    assert cases_api.case(second_id)["possible_duplicate"] is None


def test_a_pointer_to_a_settled_or_unknown_case_is_dropped(cases_api):
    second_id = submit_repeat(cases_api, "NONE-XIST-ENT", "Trung voi ho so khong co")
    assert cases_api.case(second_id)["possible_duplicate"] is None
