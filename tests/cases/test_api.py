"""The cases API: the whole lifecycle, optimistic locking, who may see and do what."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import update

from services.cases.models import Case

pytestmark = pytest.mark.integration


def test_a_case_goes_from_triage_to_closure_with_history_and_events(cases_api, event_tap):
    case_id = cases_api.submit()
    triage = cases_api.get("/api/v1/triage", "clerk").json()["items"]
    assert [(c["id"], c["proposed_unit"]) for c in triage] == [(case_id, "DB-001")]

    steps = [
        ("assign", "clerk", {"unit_code": "DB-001", "coordinating_units": ["SO-YTE"]},
         "assigned", "case_assigned"),
        ("accept", "officer", {}, "in_progress", "case_status_changed"),
        ("request_info", "officer", {"question": "Khu nào, từ ngày nào?"}, "awaiting_info",
         "case_status_changed"),
        ("provide_info", "officer", {"note": "Khu B, từ 20/11"}, "in_progress",
         "case_status_changed"),
        ("comment", "dept_officer", {"text": "Sở đã nắm thông tin", "public": True},
         "in_progress", "case_commented"),
        ("resolve", "officer", {"resolution": "Đã khôi phục cấp nước."}, "resolved",
         "case_resolved"),
        ("confirm", "head", {}, "closed", "case_closed"),
    ]
    version = cases_api.case(case_id)["version"]
    for action, user, params, status, _ in steps:
        response = cases_api.act(case_id, action, user, version, **params)
        assert response.status_code == 200, (action, response.text)
        assert response.json()["status"] == status
        assert response.json()["version"] == version + 1
        version += 1

    detail = cases_api.case(case_id, "leader")
    assert [h["action"] for h in detail["history"]] == ["open"] + [s[0] for s in steps]
    assert detail["resolution"] == "Đã khôi phục cấp nước."
    assert detail["comments"][0]["text"] == "Sở đã nắm thông tin"
    events = event_tap(expect=1 + len(steps))
    assert [e["event_type"] for e in events] == ["case_opened"] + [s[4] for s in steps]
    assert [e["aggregate_version"] for e in events] == list(range(1, 2 + len(steps)))
    assert all("Hoàng Văn E" not in str(e) for e in events)


def test_stale_version_is_refused_with_409_and_changes_nothing(cases_api):
    case_id = cases_api.submit()
    version = cases_api.case(case_id)["version"]
    assert cases_api.act(case_id, "assign", "clerk", version, unit_code="DB-001").ok
    stale = cases_api.act(case_id, "assign", "clerk", version, unit_code="CB-001")
    assert stale.status_code == 409 and stale.json()["error"] == "stale_version"
    assert cases_api.case(case_id)["assigned_unit"] == "DB-001"


def test_concurrent_updates_have_exactly_one_winner(cases_api):
    case_id = cases_api.submit()
    version = cases_api.case(case_id)["version"]
    cases_api.token("clerk")
    with ThreadPoolExecutor(6) as pool:
        codes = list(pool.map(lambda unit: cases_api.act(
            case_id, "assign", "clerk", version, unit_code=unit).status_code,
            ["DB-001", "CB-001", "SO-YTE"] * 2))
    assert sorted(codes) == [200, 409, 409, 409, 409, 409]
    detail = cases_api.case(case_id)
    assert detail["version"] == version + 1
    assert len(detail["history"]) == 2


@pytest.mark.parametrize(("user", "action", "params", "status"), [
    ("leader", "assign", {"unit_code": "DB-001"}, 403),
    ("admin", "assign", {"unit_code": "DB-001"}, 404),     # admins manage the directory, not cases
    ("officer", "assign", {"unit_code": "DB-001"}, 404),   # cannot even see an unassigned case
    ("clerk", "assign", {"unit_code": "NOPE"}, 422),
    ("clerk", "assign", {}, 422),
    ("clerk", "reject", {"reason": "  "}, 422),
    ("clerk", "accept", {}, 409),
    ("clerk", "fly", {}, 400),
])
def test_refused_actions_say_why(cases_api, user, action, params, status):
    case_id = cases_api.submit()
    version = cases_api.case(case_id)["version"]
    response = cases_api.act(case_id, action, user, version, **params)
    assert response.status_code == status, response.text
    assert response.json()["message"]
    assert cases_api.case(case_id)["version"] == version


def test_unit_staff_see_and_act_only_on_their_unit_cases(cases_api):
    case_id = cases_api.submit()
    version = cases_api.case(case_id)["version"]
    cases_api.act(case_id, "assign", "clerk", version, unit_code="DB-001",
                  coordinating_units=["SO-YTE"])
    version += 1
    assert cases_api.get(f"/api/v1/cases/{case_id}", "other_officer").status_code == 404
    assert cases_api.get("/api/v1/cases", "other_officer").json()["total"] == 0
    assert cases_api.get("/api/v1/cases", "officer").json()["total"] == 1
    assert cases_api.act(case_id, "accept", "other_officer", version).status_code == 404
    assert cases_api.act(case_id, "accept", "dept_officer", version).status_code == 403
    assert cases_api.case(case_id, "dept_officer")["allowed_actions"] == ["comment"]
    assert "reporter" not in cases_api.case(case_id, "officer")
    assert cases_api.case(case_id, "clerk")["reporter"]["name"] == "Hoàng Văn E"
    assert cases_api.act(case_id, "accept", "officer", version).status_code == 200


@pytest.mark.parametrize(("sensitivity", "visible_to", "hidden_from"), [
    ("confidential", {"leader"}, {"clerk", "officer", "head"}),
    ("restricted", {"leader", "officer", "head"}, {"clerk", "other_officer"}),
])
def test_sensitive_cases_are_hidden_from_those_not_cleared(cases_api, sensitivity, visible_to,
                                                          hidden_from):
    case_id = cases_api.submit()
    with cases_api.uow.transaction() as session:
        session.execute(update(Case).where(Case.id == case_id).values(
            sensitivity=sensitivity, assigned_unit="DB-001", status="assigned"))
    for user in visible_to:
        assert cases_api.get(f"/api/v1/cases/{case_id}", user).status_code == 200, user
        assert cases_api.get("/api/v1/cases", user).json()["total"] == 1, user
    for user in hidden_from:
        assert cases_api.get(f"/api/v1/cases/{case_id}", user).status_code == 404, user
        assert cases_api.get("/api/v1/cases", user).json()["total"] == 0, user


def test_search_ignores_vietnamese_diacritics(cases_api):
    cases_api.submit(title="Nước thải chảy ra kênh", n=1)
    cases_api.submit(title="Đường điện hỏng", n=2)
    found = cases_api.get("/api/v1/cases", "clerk", params={"q": "nuoc thai"}).json()
    assert [c["title"] for c in found["items"]] == ["Nước thải chảy ra kênh"]
    found = cases_api.get("/api/v1/cases", "clerk", params={"q": "ĐIỆN"}).json()
    assert [c["title"] for c in found["items"]] == ["Đường điện hỏng"]


def test_api_needs_a_valid_token(cases_api):
    url = cases_api.service.url("/api/v1/cases")
    assert requests.get(url, timeout=5).status_code == 401
    bad = requests.get(url, headers={"Authorization": "Bearer abc.def"}, timeout=5)
    assert bad.status_code == 401 and bad.json()["error"] == "unauthenticated"


def test_repeated_wrong_passwords_lock_the_account_for_a_while(cases_api):
    url = cases_api.service.url("/api/v1/auth/token")
    codes = [requests.post(url, json={"username": "officer", "password": "sai-mat-khau-xx"},
                           timeout=10).status_code for _ in range(6)]
    assert codes == [401] * 5 + [429]
    right = requests.post(url, json={"username": "officer", "password": "mat-khau-rat-dai-1"},
                          timeout=10)
    assert right.status_code == 429


def test_overdue_case_is_marked_and_escalated_once(cases_api, event_tap):
    case_id = cases_api.submit()
    version = cases_api.case(case_id)["version"]
    cases_api.act(case_id, "assign", "clerk", version, unit_code="DB-001-CB01")
    assert len(event_tap(expect=2)) == 2  # opened, assigned
    with cases_api.uow.transaction() as session:
        session.execute(update(Case).where(Case.id == case_id).values(
            deadline_at=Case.opened_at))
    events = event_tap(expect=2, timeout=15)
    assert [e["event_type"] for e in events] == ["case_overdue", "case_escalated"]
    assert events[1]["payload"]["escalated_units"] == ["DB-001"]
    assert event_tap(expect=1, timeout=1.5) == []
    detail = cases_api.case(case_id)
    assert detail["escalation_level"] == 1
    assert [h["action"] for h in detail["history"]][-2:] == ["mark_overdue", "escalate"]
