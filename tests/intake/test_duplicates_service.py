"""Duplicates at intake: exact resubmissions folded, near-duplicates marked for the clerk."""

import json
from datetime import UTC, datetime

import pytest
import requests
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.contracts import Event
from services.common.db import make_engine
from services.common.tables import outbox
from services.intake import store
from services.intake.models import MatchKey

pytestmark = pytest.mark.integration

FIRST = {"title": "Công ty May Hòa Bình nợ lương công nhân 3 tháng",
         "body": "Công nhân Công ty May Hòa Bình ở KCN Phố Nối chưa được trả lương 3 tháng nay.",
         "unit_code": "CB-12"}


@pytest.fixture
def intake(start_service):
    return start_service("intake")


def submit(service, feedback):
    response = requests.post(service.url("/api/v1/feedback"), json=feedback, timeout=5)
    assert response.status_code == 202, response.text
    return response.json()


def received(service):
    engine = make_engine(service.database_url)
    with engine.connect() as connection:
        rows = [json.loads(r.body)["payload"] for r in connection.execute(
            select(outbox.c.body).where(outbox.c.event_type == "feedback_received")
            .order_by(outbox.c.id))]
    engine.dispose()
    return rows


def test_the_very_same_text_again_is_folded_into_the_first(intake):
    first = submit(intake, FIRST)
    again = submit(intake, {**FIRST, "title": FIRST["title"].upper(),
                            "body": FIRST["body"].replace(" ", "  ")})
    assert again["tracking_code"] == first["tracking_code"]
    assert again["duplicate_of_earlier"] is True
    assert len(received(intake)) == 1
    elsewhere = submit(intake, {**FIRST, "unit_code": "CB-13"})
    assert elsewhere["tracking_code"] != first["tracking_code"]


def test_a_reworded_report_is_stored_and_marked_as_a_possible_duplicate(intake):
    first = submit(intake, FIRST)
    reworded = submit(intake, {
        "title": "Cong nhan cty may Hoa Binh bi no luong 3 thang",
        "body": "Da 3 thang nay cong nhan cong ty May Hoa Binh (khu cong nghiep Pho Noi) "
                "khong duoc tra luong.", "unit_code": "CB-12"})
    assert reworded["tracking_code"] != first["tracking_code"]
    assert reworded["duplicate_of_earlier"] is False
    _, second = received(intake)
    assert second["possible_duplicate_of"]["tracking_code"] == first["tracking_code"]
    assert 0.5 <= second["possible_duplicate_of"]["score"] <= 1


def test_a_report_that_differs_in_a_number_or_a_name_is_kept_apart(intake):
    submit(intake, FIRST)
    submit(intake, {**FIRST, "title": FIRST["title"].replace("3 tháng", "5 tháng"),
                    "body": FIRST["body"].replace("3 tháng", "5 tháng")})
    submit(intake, {**FIRST, "title": FIRST["title"].replace("Hòa Bình", "Hòa Phát"),
                    "body": FIRST["body"].replace("Hòa Bình", "Hòa Phát")})
    events = received(intake)
    assert len(events) == 3
    assert [e.get("possible_duplicate_of") for e in events] == [None, None, None]


def test_a_settled_case_is_no_longer_matched(intake):
    first = submit(intake, FIRST)
    [payload] = received(intake)
    engine = make_engine(intake.database_url)
    with Session(engine) as session, session.begin():
        store.apply_case_event(session, Event(
            "e-closed", "case_closed", 1, datetime.now(UTC), "cases", "c", "c", "case-1", 9,
            {"case_id": "case-1", "tracking_code": first["tracking_code"], "status": "closed",
             "details": {}}))
    with engine.connect() as connection:
        assert connection.execute(select(MatchKey).where(
            MatchKey.submission_id == payload["submission_id"])).all() == []
    engine.dispose()
    again = submit(intake, FIRST)
    assert again["tracking_code"] != first["tracking_code"]
    assert received(intake)[-1].get("possible_duplicate_of") is None
