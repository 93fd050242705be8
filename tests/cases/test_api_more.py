"""More of the cases API: transfer, merge, reopen, two timers, the authorisation matrix."""

from datetime import UTC, datetime, timedelta

import pytest
import requests
from sqlalchemy import func, select, update

from services.cases.models import Case, CaseHistory
from services.common.tables import outbox
from services.registry import service_class
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration


def assigned_case(api, unit="DB-001", n=1, title="Chậm giải quyết chế độ thai sản"):
    case_id = api.submit(title=title, n=n)
    api.act(case_id, "assign", "clerk", 1, unit_code=unit)
    return case_id


def test_transfer_moves_the_case_and_keeps_the_deadline(cases_api):
    case_id = assigned_case(cases_api)
    before = cases_api.case(case_id)
    moved = cases_api.act(case_id, "transfer", "head", 2, unit_code="CB-001",
                          reason="Thuộc thẩm quyền chi bộ công ty")
    assert moved.status_code == 200, moved.text
    after = moved.json()
    assert after["assigned_unit"] == "CB-001" and after["status"] == "assigned"
    assert after["deadline_at"] == before["deadline_at"]
    assert cases_api.get(f"/api/v1/cases/{case_id}", "officer").status_code == 404
    assert cases_api.get(f"/api/v1/cases/{case_id}", "other_officer").status_code == 200


def test_merged_case_points_to_the_survivor_and_keeps_its_reporter(cases_api):
    survivor = cases_api.submit(title="Ô nhiễm tiếng ồn ở nhà máy", n=1)
    duplicate = cases_api.submit(title="Tiếng ồn nhà máy ban đêm", n=2)
    merged = cases_api.act(duplicate, "merge", "clerk", 1, into_case_id=survivor)
    assert merged.status_code == 200, merged.text
    detail = cases_api.case(duplicate)
    assert detail["status"] == "merged" and detail["merged_into"] == survivor
    assert detail["reporter"]["name"] == "Hoàng Văn E"
    assert cases_api.act(survivor, "merge", "clerk", 1,
                         into_case_id=duplicate).status_code == 422


def test_closed_case_reopens_within_the_window_with_a_fresh_deadline(cases_api):
    case_id = assigned_case(cases_api)
    for step, user, params in [("accept", "officer", {}),
                               ("resolve", "officer", {"resolution": "Đã giải quyết"}),
                               ("confirm", "clerk", {})]:
        version = cases_api.case(case_id)["version"]
        assert cases_api.act(case_id, step, user, version, **params).ok
    version = cases_api.case(case_id)["version"]
    reopened = cases_api.act(case_id, "reopen", "clerk", version, reason="Người lao động "
                             "phản ánh chưa nhận được tiền")
    assert reopened.status_code == 200 and reopened.json()["status"] == "assigned"
    with cases_api.uow.transaction() as session:
        session.execute(update(Case).where(Case.id == case_id).values(
            status="closed", closed_at=datetime.now(UTC) - timedelta(days=31)))
    late = cases_api.act(case_id, "reopen", "clerk", reopened.json()["version"], reason="Lại")
    assert late.status_code == 409 and late.json()["error"] == "reopen_window_closed"


def test_two_replicas_mark_an_overdue_case_once(cases_api, container_factory):
    second = container_factory(service_class("cases"), dict(
        cases_api.service.settings, WEB_SERVER_ADDRESS="127.0.0.1:0"))
    second.start()
    case_ids = [assigned_case(cases_api, n=n, title=f"Quá hạn {n}") for n in range(5)]
    with cases_api.uow.transaction() as session:
        session.execute(update(Case).where(Case.id.in_(case_ids)).values(
            deadline_at=Case.opened_at))

    def counts():
        with cases_api.uow.transaction() as session:
            return dict(session.execute(
                select(outbox.c.event_type, func.count()).where(outbox.c.event_type.in_(
                    ("case_overdue", "case_escalated"))).group_by(outbox.c.event_type)).all())

    wait_until(lambda: counts() == {"case_overdue": 5, "case_escalated": 5}, timeout=20,
               message="each case marked and escalated")
    with cases_api.uow.transaction() as session:
        marks = session.scalar(select(func.count()).select_from(CaseHistory).where(
            CaseHistory.action.in_(("mark_overdue", "escalate"))))
    assert marks == 10


# who may take each action from its starting state, on a case assigned to DB-001
MATRIX = {
    "accept": ({}, {"officer", "head"}),
    "transfer": ({"unit_code": "CB-001", "reason": "Sai thẩm quyền"}, {"clerk", "head"}),
    "escalate": ({"reason": "Cần cấp trên chỉ đạo"}, {"clerk"}),
    "comment": ({"text": "Đã nắm"}, {"clerk", "leader", "officer", "head"}),
}
USERS = ("clerk", "leader", "admin", "officer", "head", "other_officer", "other_head",
         "dept_officer", "parent_officer")


@pytest.mark.parametrize("action", sorted(MATRIX))
def test_authorisation_matrix_for_an_assigned_case(cases_api, action):
    params, allowed = MATRIX[action]
    for n, user in enumerate(USERS):
        case_id = assigned_case(cases_api, n=n, title=f"Ma trận {action} {user}")
        response = cases_api.act(case_id, action, user, 2, **params)
        if user in allowed:
            assert response.status_code == 200, (user, response.text)
        else:
            assert response.status_code in (403, 404), (user, response.status_code)
            assert cases_api.case(case_id)["version"] == 2


def test_users_api_is_for_admins(cases_api):
    created = requests.post(cases_api.service.url("/api/v1/users"), timeout=10, json={
        "username": "cb-new", "password": "mot-mat-khau-dai", "full_name": "Đỗ Thị G",
        "role": "officer", "unit_code": "CB-001"},
        headers={"Authorization": f"Bearer {cases_api.token('admin')}"})
    assert created.status_code == 201 and "password" not in created.text
    no_unit = requests.post(cases_api.service.url("/api/v1/users"), timeout=10, json={
        "username": "cb-x", "password": "mot-mat-khau-dai", "full_name": "Đỗ Văn X",
        "role": "officer"},
        headers={"Authorization": f"Bearer {cases_api.token('admin')}"})
    assert no_unit.status_code == 422 and "unit_code" in no_unit.json()["fields"]
    assert cases_api.get("/api/v1/users", "clerk").status_code == 403
    names = [u["username"] for u in cases_api.get("/api/v1/users", "admin").json()["items"]]
    assert "cb-new" in names


def test_triage_as_hot_shortens_the_deadline_to_one_working_day(cases_api):
    case_id = cases_api.submit(title="Tụ tập đông người trước cổng công ty")
    normal_deadline = cases_api.case(case_id)["deadline_at"]
    bad = cases_api.act(case_id, "assign", "clerk", 1, unit_code="CB-001", priority="critical")
    assert bad.status_code == 422 and "priority" in bad.json()["fields"]
    hot = cases_api.act(case_id, "assign", "clerk", 1, unit_code="CB-001", priority="hot")
    assert hot.status_code == 200, hot.text
    assert hot.json()["priority"] == "hot"
    assert hot.json()["deadline_at"] < normal_deadline
