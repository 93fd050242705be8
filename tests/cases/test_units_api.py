"""The directory API and loader: edits with versions, cycles refused, unit_updated emitted."""

import pytest
import requests

from services.cases import directory
from services.common.outbox import OutboxWriter
from tests.cases.conftest import NullRelay

pytestmark = pytest.mark.integration


def write(api, method, path, user, **kwargs):
    return requests.request(method, api.service.url(path), timeout=10,
                            headers={"Authorization": f"Bearer {api.token(user)}"}, **kwargs)


def test_admin_creates_edits_and_deactivates_a_unit_and_each_change_is_announced(
        cases_api, event_tap):
    created = write(cases_api, "POST", "/api/v1/units", "admin", json={
        "code": "CB-099", "name": "Chi bộ Trường Cao đẳng Y tế", "kind": "grassroots_cell",
        "sector": "public_service", "parent": "DUK", "emails": ["cb099@example.vn"]})
    assert created.status_code == 201, created.text
    assert created.json()["version"] == 1
    edited = write(cases_api, "PATCH", "/api/v1/units/CB-099", "admin",
                   json={"version": 1, "head_name": "Trần Văn F", "head_title": "Bí thư"})
    assert edited.status_code == 200 and edited.json()["head_name"] == "Trần Văn F"
    stale = write(cases_api, "PATCH", "/api/v1/units/CB-099", "admin",
                  json={"version": 1, "name": "Tên khác"})
    assert stale.status_code == 409
    gone = write(cases_api, "DELETE", "/api/v1/units/CB-099?version=2", "admin")
    assert gone.status_code == 200 and gone.json()["active"] is False
    events = [e for e in event_tap(expect=9, timeout=5, prefix="unit_")
              if e["aggregate_id"] == "CB-099"]
    assert [(e["event_type"], e["aggregate_version"]) for e in events] == [
        ("unit_updated", 1), ("unit_updated", 2), ("unit_updated", 3)]
    assert events[-1]["payload"]["active"] is False


@pytest.mark.parametrize(("body", "field"), [
    ({"code": "X-1", "name": "Chi bộ X", "kind": "grassroots_cell", "parent": "DUK"}, "sector"),
    ({"code": "X-1", "name": "Chi bộ X", "kind": "planet"}, "kind"),
    ({"code": "x 1", "name": "Chi bộ X", "kind": "department"}, "code"),
    ({"code": "X-1", "name": "Chi bộ X", "kind": "department", "parent": "NOPE"}, "parent"),
    ({"code": "VP", "name": "Văn phòng", "kind": "advisory_body"}, "code"),
    ({"code": "X-1", "name": "Sở X", "kind": "department", "emails": ["not-mail"]}, "emails"),
])
def test_bad_units_are_refused_naming_the_field(cases_api, body, field):
    response = write(cases_api, "POST", "/api/v1/units", "admin", json=body)
    assert response.status_code in (409, 422), response.text
    assert field in response.json()["fields"]


def test_a_unit_cannot_be_moved_under_its_own_subunit(cases_api):
    version = cases_api.get("/api/v1/units/DB-001", "clerk").json()["version"]
    response = write(cases_api, "PATCH", "/api/v1/units/DB-001", "admin",
                     json={"version": version, "parent": "DB-001-CB01"})
    assert response.status_code == 422 and "parent" in response.json()["fields"]


def test_only_admins_change_the_directory(cases_api):
    for user in ("clerk", "leader", "officer"):
        response = write(cases_api, "POST", "/api/v1/units", user, json={
            "code": "SO-X", "name": "Sở X", "kind": "department"})
        assert response.status_code == 403, user


def test_units_are_listed_and_searched_without_diacritics(cases_api):
    found = cases_api.get("/api/v1/units", "clerk", params={"q": "so y te"}).json()["items"]
    assert {u["code"] for u in found} == {"DB-001", "SO-YTE"}
    committees = cases_api.get("/api/v1/units", "clerk",
                               params={"kind": "grassroots_committee"}).json()["items"]
    assert [u["code"] for u in committees] == ["DB-001"]


def test_loading_the_sample_directory_twice_changes_nothing_the_second_time(cases_api):
    outbox = OutboxWriter("cases", NullRelay())
    with cases_api.uow.transaction() as session:
        first = directory.load_directory(session, outbox)
    with cases_api.uow.transaction() as session:
        second = directory.load_directory(session, outbox)
    assert first["created"] > 100
    assert second == {"created": 0, "updated": 0,
                      "unchanged": first["created"] + first["updated"] + first["unchanged"]}


def test_unit_contacts_are_shown_only_to_signed_in_staff(cases_api):
    anonymous = requests.get(cases_api.service.url("/api/v1/units/DB-001"), timeout=10).json()
    assert anonymous["name"] and anonymous["kind"] and "version" in anonymous
    assert not {"emails", "webhook_url", "head_name"} & set(anonymous)
    listed = requests.get(cases_api.service.url("/api/v1/units"), timeout=10).json()["items"]
    assert listed and all("emails" not in unit and "webhook_url" not in unit for unit in listed)
    staff = cases_api.get("/api/v1/units/DB-001", "clerk").json()
    assert "emails" in staff and "webhook_url" in staff
    forged = requests.get(cases_api.service.url("/api/v1/units"), timeout=10,
                          headers={"Authorization": "Bearer not-a-token"})
    assert forged.status_code == 200 and "emails" not in forged.json()["items"][0]


@pytest.mark.parametrize(("path", "field"), [("/api/v1/units?kind=%00", "kind"),
                                             ("/api/v1/units?parent=DB%00", "parent"),
                                             ("/api/v1/units/DB-001%00", "code")])
def test_a_nul_character_in_the_query_or_path_is_a_422_naming_it(cases_api, path, field):
    response = requests.get(cases_api.service.url(path), timeout=10)
    assert response.status_code == 422, response.text
    assert field in response.json()["fields"]
