"""The Open311 GeoReport v2 server of intake, against real RabbitMQ and PostgreSQL."""

import itertools
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
import requests
from sqlalchemy import select, update

from services.common.contracts import new_event
from services.common.db import make_engine
from services.intake.models import Submission
from tests.support.broker import drain, publish_event
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

KEY = "k-zalo-123"
FORM = {
    "api_key": KEY, "service_code": "wages_insurance", "lat": "21.0285", "long": "105.8542",
    "address_string": "Khu công nghiệp Quang Minh, Mê Linh",
    "description": "Công ty nợ bảo hiểm xã hội 6 tháng. Người lao động rất bức xúc.",
    "first_name": "Thị B", "last_name": "Trần", "email": "tranb@example.vn",
    "phone": "0912345678",
}
PERSONAL = ("Trần", "Thị B", "tranb@example.vn", "0912345678")
CASES_QUEUE = "evt-intake-feedback_received--cases"


@pytest.fixture
def intake(start_service):
    return start_service("intake", OPEN311_API_KEYS=f"{KEY}:zalo-bridge,other-key:fb",
                         PUBLIC_URL="https://gopy.example.vn")


def get(service, path, **params):
    return requests.get(service.url(f"/open311/v2/{path}"), params=params, timeout=5)


def post(service, fmt="json", **changes):
    form = {k: v for k, v in dict(FORM, **changes).items() if v is not None}
    return requests.post(service.url(f"/open311/v2/requests.{fmt}"), data=form, timeout=5)


HOUSES = itertools.count(1)


def create(service, **changes):
    """File a distinct request (the same text twice would be folded into the first)."""
    if "description" not in changes:
        changes["description"] = f"{FORM['description']} Khu nhà số {next(HOUSES)}."
    response = post(service, **changes)
    assert response.status_code == 200, response.text
    return response.json()[0]["service_request_id"]


def ids_of(response):
    assert response.status_code == 200, response.text
    return {r["service_request_id"] for r in response.json()}


def stored(service, code):
    engine = make_engine(service.database_url)
    with engine.connect() as connection:
        row = connection.execute(select(Submission.__table__)
                                 .where(Submission.tracking_code == code)).one()
    engine.dispose()
    return row


def change(service, code, **values):
    engine = make_engine(service.database_url)
    with engine.begin() as connection:
        connection.execute(update(Submission).where(Submission.tracking_code == code)
                           .values(**values))
    engine.dispose()


def errors(response):
    """The GeoReport error document of a response, whichever its format."""
    if response.headers["Content-Type"].startswith("application/json"):
        return response.json()
    root = ET.fromstring(response.content)
    assert root.tag == "errors"
    return [{"code": int(e.findtext("code")), "description": e.findtext("description")}
            for e in root.findall("error")]


def resolve(amqp_uri, service, code, answer):
    """Open a case for a submission, then resolve it, as cases would announce them."""
    submission_id, case_id = stored(service, code).id, f"case-{code}"
    base = {"case_id": case_id, "tracking_code": code, "title": "Nợ bảo hiểm",
            "category": "wages_insurance", "channel": "open311", "priority": "normal"}
    publish_event(amqp_uri, new_event("case_opened", dict(
        base, submission_id=submission_id, status="new",
        opened_at=datetime.now(UTC).isoformat()), aggregate_id=case_id))
    wait_until(lambda: stored(service, code).case_id, message="case opened")
    publish_event(amqp_uri, new_event("case_resolved", dict(
        base, action="resolve", status="resolved", actor_id="u-1", actor_role="officer",
        details={"resolution": answer}), aggregate_id=case_id, aggregate_version=2))


def test_discovery_names_this_endpoint_and_both_formats(intake):
    response = get(intake, "discovery.json")
    assert response.status_code == 200
    [endpoint] = response.json()["endpoints"]
    assert endpoint["url"] == "https://gopy.example.vn/open311/v2"
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    xml = get(intake, "discovery.xml")
    assert xml.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert ET.fromstring(xml.content).findtext("endpoints/endpoint/type") == "production"


def test_services_are_the_category_catalogue_in_json_and_xml(intake):
    response = get(intake, "services.json", jurisdiction_id="dangbokhoi.example.vn")
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    services = {s["service_code"]: s for s in response.json()}
    assert services["wages_insurance"]["service_name"] == "Tiền lương, bảo hiểm xã hội"
    root = ET.fromstring(get(intake, "services.xml").content)
    names = {s.findtext("service_code"): s.findtext("service_name")
             for s in root.findall("service")}
    assert names["party_building"] == "Xây dựng Đảng"
    assert root.find("service/metadata").text == "false"


def test_service_definition_is_empty_for_a_known_service_and_404_for_another(intake):
    definition = get(intake, "services/security.json")
    assert definition.json() == {"service_code": "security", "attributes": []}
    missing = get(intake, "services/potholes.xml")
    assert missing.status_code == 404
    assert errors(missing)[0]["code"] == 404


def test_posted_request_is_stored_announced_and_readable_in_both_formats(intake, amqp_uri):
    response = post(intake)
    assert response.status_code == 200
    [created] = response.json()
    code = created["service_request_id"]
    assert "token" not in created
    assert code in created["service_notice"]
    row = stored(intake, code)
    assert (row.channel, row.client, row.category) == ("open311", "zalo-bridge",
                                                       "wages_insurance")
    assert (row.latitude, row.longitude) == (21.0285, 105.8542)
    assert row.address == FORM["address_string"]
    assert row.title == "Công ty nợ bảo hiểm xã hội 6 tháng."
    assert (row.reporter_name, row.reporter_contact) == ("Trần Thị B",
                                                         "tranb@example.vn; 0912345678")
    assert row.consent_to_contact is True
    [event] = drain(amqp_uri, CASES_QUEUE, expect=1)
    assert event["payload"]["channel"] == "open311"

    [view] = get(intake, f"requests/{code}.json").json()
    assert view["service_request_id"] == code
    assert (view["status"], view["status_notes"]) == ("open", "Đã tiếp nhận")
    assert view["description"] == FORM["description"]
    assert view["requested_datetime"].endswith("+07:00")
    xml = get(intake, f"requests/{code}.xml")
    assert xml.headers["Content-Type"] == "text/xml; charset=utf-8"
    [request] = ET.fromstring(xml.content).findall("request")
    assert request.findtext("description") == FORM["description"]
    assert request.findtext("address") == FORM["address_string"]


def test_post_answers_in_xml_too(intake):
    response = post(intake, fmt="xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id")


@pytest.mark.parametrize("api_key", [None, "", "wrong-key"])
def test_missing_or_unknown_api_key_is_403_and_writes_nothing(intake, api_key):
    response = post(intake, fmt="xml", api_key=api_key)
    assert response.status_code == 403
    [error] = errors(response)
    assert error["code"] == 403 and "api_key" in error["description"]
    assert ids_of(get(intake, "requests.json")) == set()


@pytest.mark.parametrize(("changes", "field"), [
    ({"service_code": None}, "service_code"),
    ({"service_code": "potholes"}, "service_code"),
    ({"lat": None, "long": None, "address_string": None}, "address_string"),
    ({"long": None}, "long"),
    ({"description": None}, "description"),
])
def test_missing_service_code_or_location_is_400_naming_the_field(intake, changes, field):
    response = post(intake, **changes)
    assert response.status_code == 400
    assert any(e["code"] == 400 and field in e["description"] for e in errors(response))


def test_get_output_never_holds_personal_data(intake):
    code = create(intake)
    for path in ("requests.json", "requests.xml", f"requests/{code}.json",
                 f"requests/{code}.xml"):
        response = get(intake, path)
        assert response.status_code == 200
        assert not [p for p in PERSONAL if p in response.text], path


def test_status_filter_follows_the_case_and_notes_carry_the_answer(intake, amqp_uri):
    solved, waiting = create(intake), create(intake)
    resolve(amqp_uri, intake, solved, "Công ty đã đóng đủ bảo hiểm cho người lao động.")
    closed = wait_until(lambda: (r := get(intake, "requests.json", status="closed").json())
                        and r, message="request closed")
    assert [r["service_request_id"] for r in closed] == [solved]
    assert closed[0]["status_notes"] == ("Đã giải quyết: Công ty đã đóng đủ bảo hiểm cho "
                                         "người lao động.")
    assert ids_of(get(intake, "requests.json", status="open")) == {waiting}
    assert ids_of(get(intake, "requests.json", status="open,closed")) == {solved, waiting}


def test_service_code_filter_takes_a_comma_list(intake):
    wages = create(intake)
    security = create(intake, service_code="security")
    create(intake, service_code="environment")
    assert ids_of(get(intake, "requests.json", service_code="wages_insurance")) == {wages}
    both = get(intake, "requests.json", service_code="wages_insurance,security")
    assert ids_of(both) == {wages, security}


def test_date_range_filter_and_the_default_of_the_last_90_days(intake):
    recent, older, ancient = create(intake), create(intake), create(intake)
    now = datetime.now(UTC)
    change(intake, older, submitted_at=now - timedelta(days=30))
    change(intake, ancient, submitted_at=now - timedelta(days=120))
    assert ids_of(get(intake, "requests.json")) == {recent, older}
    window = {"start_date": (now - timedelta(days=40)).isoformat(),
              "end_date": (now - timedelta(days=20)).isoformat()}
    assert ids_of(get(intake, "requests.json", **window)) == {older}
    start = (now - timedelta(days=150)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids_of(get(intake, "requests.json", start_date=start)) == {ancient}
    too_long = get(intake, "requests.xml", start_date=start, end_date=now.isoformat())
    assert too_long.status_code == 400
    assert "90 days" in errors(too_long)[0]["description"]


def test_service_request_ids_pick_requests_whatever_the_other_filters(intake):
    first, second, _ = create(intake), create(intake), create(intake)
    response = get(intake, "requests.json", service_request_id=f"{first},{second}",
                   status="closed")
    assert ids_of(response) == {first, second}


def test_other_channels_are_not_listed_but_their_code_finds_them(intake):
    response = requests.post(intake.url("/api/v1/feedback"), timeout=5, json={
        "title": "Phản ánh qua cổng thông tin", "body": "Nội dung phản ánh qua web."})
    web = response.json()["tracking_code"]
    assert web not in ids_of(get(intake, "requests.json"))
    [view] = get(intake, f"requests/{web}.json").json()
    assert (view["service_code"], view["description"]) == ("other",
                                                          "Nội dung phản ánh qua web.")


def test_token_resolves_to_the_service_request_id(intake):
    code = create(intake)
    token = stored(intake, code).id
    [answer] = get(intake, f"tokens/{token}.json").json()
    assert answer == {"token": token, "service_request_id": code}
    assert get(intake, f"tokens/{token}.xml").status_code == 200
    missing = get(intake, "tokens/no-such-token.json")
    assert missing.status_code == 404 and errors(missing)[0]["code"] == 404


def test_unknown_request_id_is_a_404_error_document(intake):
    for path in ("requests/ABCD-EFGH-JKM.json", "requests/nonsense.xml"):
        response = get(intake, path)
        assert response.status_code == 404
        [error] = errors(response)
        assert error["code"] == 404 and "service_request_id" in error["description"]


def test_unknown_format_is_a_400_error_document(intake):
    response = get(intake, "services.html")
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert ".json or .xml" in errors(response)[0]["description"]
