"""Open311 GeoReport v2 helpers: forms, queries, statuses, views, JSON and XML."""

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from werkzeug.datastructures import MultiDict

from services.common.categories import CATEGORY_CODES
from services.intake import open311
from services.intake.domain import new_tracking_code, parse_tracking_code
from services.intake.open311 import Open311Error

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
FORM = {
    "api_key": "k1", "service_code": "wages_insurance", "lat": "21.0285", "long": "105.8542",
    "description": "Công ty nợ bảo hiểm xã hội 6 tháng. Người lao động rất bức xúc.",
    "first_name": "Thị B", "last_name": "Trần", "email": "tranb@example.vn",
    "phone": "0912 345 678",
}


def submission(**fields):
    values = {
        "id": "5b0e7c4e-8a4e-4a44-9b3a-1f1f5c7a9d10", "tracking_code": "ABCD-EFGH-JKM",
        "title": "Nợ bảo hiểm", "body": "Công ty nợ bảo hiểm xã hội 6 tháng.",
        "category": "wages_insurance", "channel": "open311", "case_status": None,
        "answer": None, "submitted_at": NOW, "case_updated_at": None,
        "address": "Số 1 Tràng Tiền, Hoàn Kiếm", "latitude": 21.0285, "longitude": 105.8542,
        "reporter_name": "Trần Thị B", "reporter_contact": "tranb@example.vn; 0912345678",
        "client": "zalo-bridge",
    }
    values.update(fields)
    return SimpleNamespace(**values)


def errors_of(call):
    with pytest.raises(Open311Error) as caught:
        call()
    return caught.value


# --- statuses -------------------------------------------------------------------------

@pytest.mark.parametrize(("case_status", "expected"), [
    (None, "open"), ("new", "open"), ("assigned", "open"), ("in_progress", "open"),
    ("awaiting_info", "open"), ("resolved", "closed"), ("closed", "closed"),
    ("rejected", "closed"), ("merged", "closed"), ("some_future_status", "open"),
])
def test_case_statuses_map_to_open_or_closed(case_status, expected):
    assert open311.open_or_closed(case_status) == expected


def test_received_and_assigned_requests_have_vietnamese_notes():
    assert open311.status_notes(None) == "Đã tiếp nhận"
    assert open311.status_notes("assigned") == "Đã giao đơn vị xử lý"


def test_resolved_request_notes_carry_the_public_answer():
    notes = open311.status_notes("resolved", answer="Công ty đã đóng đủ bảo hiểm.")
    assert notes == "Đã giải quyết: Công ty đã đóng đủ bảo hiểm."


def test_open_request_notes_carry_the_latest_public_comment():
    notes = open311.status_notes("in_progress", latest_comment="Đã cử cán bộ xuống kiểm tra.")
    assert notes == "Đơn vị đang xử lý — Đã cử cán bộ xuống kiểm tra."


def test_times_are_shown_in_vietnam_time_with_their_offset():
    assert open311.w3_datetime(NOW) == "2026-11-23T10:00:00+07:00"


# --- POST form ------------------------------------------------------------------------

def test_valid_form_becomes_open311_feedback_titled_by_its_first_sentence():
    feedback = open311.parse_create_form(FORM, "zalo-bridge")
    assert feedback["title"] == "Công ty nợ bảo hiểm xã hội 6 tháng."
    assert feedback["body"] == FORM["description"]
    assert feedback["category"] == "wages_insurance"
    assert feedback["channel"] == "open311"
    assert feedback["client"] == "zalo-bridge"
    assert (feedback["latitude"], feedback["longitude"]) == (21.0285, 105.8542)
    assert feedback["reporter"] == {"name": "Trần Thị B",
                                    "contact": "tranb@example.vn; 0912 345 678",
                                    "consent_to_contact": True}


def test_reporter_who_gives_only_a_name_does_not_consent_to_contact():
    form = dict(FORM, email="", phone="")
    assert open311.parse_create_form(form, "c")["reporter"] == {
        "name": "Trần Thị B", "contact": None, "consent_to_contact": False}


def test_form_without_personal_details_is_anonymous():
    form = {k: v for k, v in FORM.items()
            if k not in ("first_name", "last_name", "email", "phone")}
    assert open311.parse_create_form(form, "c")["reporter"] is None


def test_address_string_alone_is_a_location():
    form = dict(FORM, lat="", long="", address_string="Số 1 Tràng Tiền, Hoàn Kiếm")
    feedback = open311.parse_create_form(form, "c")
    assert feedback["address"] == "Số 1 Tràng Tiền, Hoàn Kiếm"
    assert feedback["latitude"] is None


def test_form_without_service_code_or_location_names_both_fields():
    form = {"description": "Có vấn đề cần phản ánh."}
    error = errors_of(lambda: open311.parse_create_form(form, "c"))
    assert error.status == 400
    text = " ".join(error.descriptions)
    assert "service_code" in text and "lat" in text and "address_string" in text


@pytest.mark.parametrize(("changes", "field"), [
    ({"service_code": "potholes"}, "service_code"),
    ({"long": ""}, "long"),
    ({"lat": "north"}, "lat"),
    ({"long": "200"}, "long"),
    ({"description": "   "}, "description"),
    ({"description": "x" * 4001}, "description"),
    ({"email": "not-an-email"}, "email"),
    ({"phone": "call me"}, "phone"),
    ({"media_url": "javascript:alert(1)"}, "media_url"),
])
def test_bad_form_field_is_named_in_the_error(changes, field):
    error = errors_of(lambda: open311.parse_create_form(dict(FORM, **changes), "c"))
    assert error.status == 400
    assert any(d.startswith(field) for d in error.descriptions)


def test_address_id_alone_is_refused_with_the_reason():
    form = dict(FORM, lat="", long="", address_id="545483")
    error = errors_of(lambda: open311.parse_create_form(form, "c"))
    assert error.descriptions[0].startswith("address_id: this jurisdiction has no address")


def test_media_url_is_kept_with_the_body_and_shown_back_apart():
    feedback = open311.parse_create_form(dict(FORM, media_url="https://x.vn/a.jpg"), "c")
    view = open311.request_view(submission(body=feedback["body"]))
    assert view["media_url"] == "https://x.vn/a.jpg"
    assert view["description"] == FORM["description"]


@pytest.mark.parametrize(("description", "title"), [
    ("Mất điện kéo dài! Công nhân nghỉ việc.", "Mất điện kéo dài!"),
    ("Dòng đầu\nDòng hai", "Dòng đầu"),
    ("ab", "Khác"),
    ("Một " * 40, ("Một " * 19).strip() + "…"),
])
def test_title_is_derived_from_the_description(description, title):
    assert open311.derive_title(description, "Khác") == title


def test_api_keys_setting_names_a_client_per_key():
    keys = open311.parse_api_keys("k1:zalo-bridge, k2:fb-bridge,bare")
    assert keys == {"k1": "zalo-bridge", "k2": "fb-bridge", "bare": "open311"}
    assert open311.client_for(keys, "k2") == "fb-bridge"


@pytest.mark.parametrize("api_key", [None, "", "k3"])
def test_missing_or_unknown_api_key_is_403(api_key):
    error = errors_of(lambda: open311.client_for({"k1": "c"}, api_key))
    assert error.status == 403
    assert "api_key" in error.descriptions[0]


def test_only_json_and_xml_are_formats():
    assert open311.check_format("json") == "json"
    assert errors_of(lambda: open311.check_format("html")).status == 400


# --- GET query ------------------------------------------------------------------------

def query(**args):
    return open311.parse_request_query(MultiDict(args), NOW, parse_tracking_code)


def test_query_defaults_to_the_last_90_days():
    q = query()
    assert (q.start, q.end) == (NOW - timedelta(days=90), NOW)
    assert q.statuses is None and q.service_codes is None


def test_query_from_a_start_date_covers_90_days():
    q = query(start_date="2026-01-01T00:00:00Z")
    assert q.end - q.start == timedelta(days=90)


def test_query_over_more_than_90_days_is_refused():
    error = errors_of(lambda: query(start_date="2026-01-01", end_date="2026-06-01"))
    assert error.status == 400 and "90 days" in error.descriptions[0]


def test_query_dates_take_offsets_z_and_an_unencoded_plus():
    q = query(start_date="2026-11-01T08:00:00 07:00", end_date="2026-11-02T01:00:00Z")
    assert q.start == datetime(2026, 11, 1, 1, 0, tzinfo=UTC)
    assert q.end == datetime(2026, 11, 2, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(("args", "field"), [
    ({"start_date": "yesterday"}, "start_date"),
    ({"end_date": "2026-13-01"}, "end_date"),
    ({"status": "open,pending"}, "status"),
    ({"start_date": "2026-11-02", "end_date": "2026-11-01"}, "start_date"),
])
def test_bad_query_filter_is_named_in_the_error(args, field):
    error = errors_of(lambda: query(**args))
    assert error.status == 400 and error.descriptions[0].startswith(field)


def test_query_lists_are_comma_separated():
    q = query(status="open,closed", service_code="security,other")
    assert q.statuses == {"open", "closed"}
    assert q.service_codes == ("security", "other")


def test_service_request_ids_override_every_other_filter():
    code = new_tracking_code()
    q = query(service_request_id=f"{code.lower().replace('-', '')}, nonsense", status="closed")
    assert q.ids == (code,)
    assert q.statuses is None and q.start is None


# --- views and rendering --------------------------------------------------------------

def test_request_view_never_holds_personal_data():
    view = open311.request_view(submission())
    text = json.dumps(view, ensure_ascii=False)
    assert "Trần Thị B" not in text and "tranb@example.vn" not in text
    assert "0912345678" not in text and "zalo-bridge" not in text
    assert set(view) == {
        "service_request_id", "status", "status_notes", "service_name", "service_code",
        "description", "agency_responsible", "service_notice", "requested_datetime",
        "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
        "long", "media_url"}


def test_submission_without_a_catalogue_category_is_service_other():
    view = open311.request_view(submission(category=None, channel="web"))
    assert (view["service_code"], view["service_name"]) == ("other", "Khác")


def test_every_category_is_a_service_without_metadata():
    services = open311.services_view()
    assert [s["service_code"] for s in services] == list(CATEGORY_CODES)
    assert all(s["metadata"] is False and s["type"] == "realtime" for s in services)


def test_definition_of_a_known_service_is_empty_and_of_an_unknown_one_404():
    assert open311.service_definition("security") == {"service_code": "security",
                                                      "attributes": []}
    assert errors_of(lambda: open311.service_definition("potholes")).status == 404


def test_xml_is_well_formed_utf8_with_vietnamese_text_escaped():
    tricky = 'Đảng ủy <Khối> & "cơ sở"\x0b cần xử lý'
    view = open311.request_view(submission(body=tricky, answer=None))
    body, content_type = open311.render([view], "xml", "service_requests")
    assert content_type == "text/xml; charset=utf-8"
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(body)
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    assert request.findtext("description") == 'Đảng ủy <Khối> & "cơ sở" cần xử lý'
    assert request.findtext("status_notes") == "Đã tiếp nhận"
    assert request.findtext("lat") == "21.0285"
    assert request.find("zipcode").text is None


def test_json_keeps_vietnamese_text_readable():
    body, content_type = open311.render([open311.request_view(submission())], "json", "x")
    assert content_type == "application/json; charset=utf-8"
    assert "Công ty nợ bảo hiểm" in body.decode("utf-8")
    assert json.loads(body)[0]["service_request_id"] == "ABCD-EFGH-JKM"


def test_discovery_lists_nested_endpoints_and_formats_in_xml():
    document = open311.discovery("https://gopy.example.vn/", "vanphong@example.vn")
    root = ET.fromstring(open311.render(document, "xml", "discovery")[0])
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("url") == "https://gopy.example.vn/open311/v2"
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml",
                                                                    "application/json"]


def test_error_document_has_a_code_and_description_per_problem():
    error = Open311Error(400, "service_code: required.", "description: required.")
    assert open311.error_document(error) == [
        {"code": 400, "description": "service_code: required."},
        {"code": 400, "description": "description: required."}]
    root = ET.fromstring(open311.render(open311.error_document(error), "xml", "errors")[0])
    assert [e.findtext("code") for e in root.findall("error")] == ["400", "400"]
