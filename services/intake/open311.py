"""Open311 GeoReport v2 without a framework: forms, queries, statuses, views, JSON and XML.

Everything here is pure: the nameko entrypoints (open311_api.py) and the queries
(open311_store.py) call it. Views are built only from public fields of a submission;
the reporter's name and contact details never reach them.
"""

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from services.common.auth import same_secret
from services.common.categories import BY_CODE, CATEGORIES
from services.common.text import normalize, normalize_multiline

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-23T00:00:00Z"  # when this API last changed, for discovery
FORMATS = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
DEFAULT_FORMAT = "xml"  # the format the specification requires of every server
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
WINDOW = timedelta(days=90)  # the spec's default and longest date range of GET requests
MAX_RESULTS = 1000  # the spec's default cap of GET requests
DESCRIPTION_MAX = 4000  # the spec limits description to 4,000 characters
TITLE_MAX = 80
MEDIA_PREFIX = "Tệp đính kèm: "  # media_url is kept as the last line of the body
CLOSED = frozenset({"resolved", "closed", "rejected", "merged"})
NOTES = {  # our case status → Vietnamese status_notes
    None: "Đã tiếp nhận", "received": "Đã tiếp nhận", "new": "Đã tiếp nhận, đang phân loại",
    "assigned": "Đã giao đơn vị xử lý", "in_progress": "Đơn vị đang xử lý",
    "awaiting_info": "Đang chờ bổ sung thông tin", "resolved": "Đã giải quyết",
    "closed": "Đã kết thúc", "rejected": "Không thụ lý",
    "merged": "Đã gộp vào một phản ánh khác cùng nội dung",
}
GROUPS = {"advisory_body": "Các ban tham mưu của Đảng ủy Khối",
          "grassroots_committee": "Tổ chức cơ sở đảng", "department": "Sở, ban, ngành",
          "mass_organisation": "Đoàn thể"}
ITEM_TAGS = {  # XML element name of each item of a list, by the list's element name
    "services": "service", "service_requests": "request", "errors": "error",
    "endpoints": "endpoint", "formats": "format", "attributes": "attribute", "values": "value",
}
_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ().-]{6,30}$")
_UNENCODED_PLUS = re.compile(r"(T\d\d:\d\d(?::\d\d(?:\.\d+)?)?) (\d\d:?\d\d)$")


class Open311Error(Exception):
    """Errors to answer as a GeoReport error document, all under one HTTP status."""

    def __init__(self, status, *descriptions):
        super().__init__("; ".join(descriptions))
        self.status = status
        self.descriptions = descriptions


@dataclass(frozen=True)
class RequestQuery:
    """The filters of GET requests, checked and with the spec's defaults applied."""

    ids: tuple | None = None
    service_codes: tuple | None = None
    statuses: frozenset | None = None
    start: datetime | None = None
    end: datetime | None = None


def parse_api_keys(setting):
    """`"key:client,key:client"` → {key: client}; a bare key belongs to client "open311"."""
    keys = {}
    for entry in (setting or "").split(","):
        key, sep, client = entry.strip().rpartition(":")
        if not sep:
            key, client = client, "open311"
        if key.strip():
            keys[key.strip()] = client.strip()[:64] or "open311"
    return keys


def client_for(keys, api_key):
    """The client name of a valid api_key; a 403 error when it is missing or unknown."""
    if api_key:
        for key, client in keys.items():
            if same_secret(api_key, key):
                return client
    raise Open311Error(403, "api_key was not provided or is invalid; ask the bloc's office "
                            "for a key and send it as the api_key form field.")


def check_format(fmt):
    """Refuse any format but json and xml, with a 400 error."""
    if fmt not in FORMATS:
        raise Open311Error(400, f"Format '{fmt}' is not supported; end the path with "
                                ".json or .xml.")
    return fmt


def open_or_closed(case_status):
    """The GeoReport status of one of our case statuses: "open" or "closed"."""
    return "closed" if case_status in CLOSED else "open"


def status_notes(case_status, answer=None, latest_comment=None):
    """A Vietnamese note on the current status: the answer once solved, else the latest
    public comment."""
    note = NOTES.get(case_status, "Đang xử lý")
    if case_status in ("resolved", "closed") and answer:
        return f"Đã giải quyết: {answer}"
    if case_status not in CLOSED and latest_comment:
        return f"{note} — {latest_comment}"
    return note


def w3_datetime(moment):
    """A stored UTC time as W3C date-time in Vietnam's time zone, e.g. …T09:15:00+07:00."""
    if moment is None:
        return None
    return moment.astimezone(VIETNAM).isoformat(timespec="seconds")


def parse_w3_datetime(text, field):
    """Parse a W3C date or date-time (zone optional: Vietnam's is assumed); 400 naming the
    field otherwise."""
    value = _UNENCODED_PLUS.sub(r"\1+\2", text.strip())  # a "+" sent without URL-encoding
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise Open311Error(400, f"{field}: '{text}' is not a W3C date-time such as "
                                "2026-11-23T09:15:00+07:00.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM)


def derive_title(description, fallback):
    """A title for our records: the first sentence of the description, at most 80 chars."""
    first_line = normalize(description.split("\n", 1)[0]) or ""
    title = _SENTENCE_END.split(first_line, 1)[0]
    if len(title) > TITLE_MAX:
        cut = title[:TITLE_MAX - 1]
        title = (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"
    return title if len(title) >= 3 else fallback


def _text(form, name, limit, errors):
    value = normalize(form.get(name)) or None
    if value and len(value) > limit:
        errors.append(f"{name}: at most {limit} characters.")
    return value


def _coordinate(form, name, bound, errors):
    raw = normalize(form.get(name))
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = None
    if value is None or not -bound <= value <= bound:
        errors.append(f"{name}: must be a WGS-84 number between -{bound} and {bound}.")
        return None
    return value


def _location(form, errors):
    lat = _coordinate(form, "lat", 90, errors)
    long = _coordinate(form, "long", 180, errors)
    address = _text(form, "address_string", 300, errors)
    has_lat, has_long = bool(normalize(form.get("lat"))), bool(normalize(form.get("long")))
    if has_lat != has_long:
        errors.append(f"{'long' if has_lat else 'lat'}: send lat and long together.")
    elif not (has_lat or address):
        if normalize(form.get("address_id")):
            errors.append("address_id: this jurisdiction has no address repository; "
                          "send lat and long or address_string instead.")
        else:
            errors.append("lat, long, address_string: a location is required; send lat and "
                          "long or address_string.")
    return lat, long, address


def _reporter(form, errors):
    first = _text(form, "first_name", 60, errors)
    last = _text(form, "last_name", 60, errors)
    email = _text(form, "email", 120, errors)
    phone = _text(form, "phone", 30, errors)
    if email and not _EMAIL.match(email):
        errors.append("email: not an email address.")
    if phone and not _PHONE.match(phone):
        errors.append("phone: use digits, spaces and + ( ) . - only.")
    # Vietnamese order: family name (last_name) first, then the given name(s)
    name = " ".join(part for part in (last, first) if part) or None
    contact = "; ".join(part for part in (email, phone) if part) or None
    if not name and not contact:
        return None
    # Open311 has no consent flag: a client that sends an email or phone number is passing
    # on the person's wish to be contacted about this request, and only then.
    return {"name": name, "contact": contact, "consent_to_contact": contact is not None}


def parse_create_form(form, client):
    """Check a POST requests form; return the feedback to record, or a 400 naming fields."""
    errors = []
    service_code = normalize(form.get("service_code"))
    if not service_code:
        errors.append("service_code: required; pick one from services.json.")
    elif service_code not in BY_CODE:
        errors.append(f"service_code: '{service_code}' is not a service here; "
                      "see services.json.")
    lat, long, address = _location(form, errors)
    description = normalize_multiline(form.get("description")) or ""
    if not description:
        errors.append("description: required; describe the matter.")
    elif len(description) > DESCRIPTION_MAX:
        errors.append(f"description: at most {DESCRIPTION_MAX} characters.")
    media_url = _text(form, "media_url", 1000, errors)
    if media_url and not media_url.startswith(("http://", "https://")):
        errors.append("media_url: must be an http or https URL.")
    reporter = _reporter(form, errors)
    if errors:
        raise Open311Error(400, *errors)
    service = BY_CODE[service_code]
    body = f"{description}\n\n{MEDIA_PREFIX}{media_url}" if media_url else description
    return {
        "title": derive_title(description, service.name_vi), "body": body,
        "category": service_code, "unit_code": None, "channel": "open311",
        "reporter": reporter, "client": client, "address": address,
        "latitude": lat, "longitude": long,
    }


def created_view(tracking_code, public_url):
    """The POST answer: the new request's id (never a token: ours exists at once)."""
    return [{
        "service_request_id": tracking_code,
        "service_notice": f"Đã tiếp nhận phản ánh. Tra cứu kết quả bằng mã {tracking_code} "
                          f"tại {public_url.rstrip('/')}/track.",
        "account_id": None,
    }]


def _comma_list(args, name):
    raw = args.getlist(name) if hasattr(args, "getlist") else [args.get(name) or ""]
    values = [normalize(v) for text in raw for v in text.split(",")]
    return tuple(v for v in values if v) or None


def parse_request_query(args, now, parse_code):
    """Check GET requests' filters; service_request_id overrides all the others."""
    ids = _comma_list(args, "service_request_id")
    if ids:
        return RequestQuery(ids=tuple(c for c in map(parse_code, ids) if c))
    statuses = _comma_list(args, "status")
    if statuses:
        statuses = frozenset(s.lower() for s in statuses)
        if not statuses <= {"open", "closed"}:
            raise Open311Error(400, "status: use open, closed or both, comma-separated.")
    start = end = None
    if normalize(args.get("start_date")):
        start = parse_w3_datetime(args["start_date"], "start_date")
    if normalize(args.get("end_date")):
        end = parse_w3_datetime(args["end_date"], "end_date")
    if start and end:
        if start > end:
            raise Open311Error(400, "start_date: must not be after end_date.")
        if end - start > WINDOW:
            raise Open311Error(400, "start_date, end_date: the range may not span more "
                                    "than 90 days.")
    elif start:
        end = start + WINDOW
    else:
        end = end or now
        start = end - WINDOW
    return RequestQuery(service_codes=_comma_list(args, "service_code"),
                        statuses=statuses, start=start, end=end)


def service_code_of(category):
    """The service a submission belongs to: its category, or "other"."""
    return category if category in BY_CODE else "other"


def split_media(submission):
    """(description, media_url) of a submission: media_url was kept as the body's last line."""
    body = submission.body
    if submission.channel == "open311":
        text, sep, last = body.rpartition("\n")
        if sep and last.startswith(MEDIA_PREFIX):
            return text.rstrip(), last[len(MEDIA_PREFIX):]
    return body, None


def request_view(submission, latest_comment=None):
    """One service request as GeoReport shows it: no name, email or phone, ever."""
    code = service_code_of(submission.category)
    description, media_url = split_media(submission)
    return {
        "service_request_id": submission.tracking_code,
        "status": open_or_closed(submission.case_status),
        "status_notes": status_notes(submission.case_status, submission.answer,
                                     latest_comment),
        "service_name": BY_CODE[code].name_vi, "service_code": code,
        "description": description, "agency_responsible": None, "service_notice": None,
        "requested_datetime": w3_datetime(submission.submitted_at),
        "updated_datetime": w3_datetime(submission.case_updated_at or submission.submitted_at),
        "expected_datetime": None, "address": submission.address, "address_id": None,
        "zipcode": None, "lat": submission.latitude, "long": submission.longitude,
        "media_url": media_url,
    }


def token_view(token, tracking_code):
    """GET tokens: the token and the id of the request it stands for."""
    return [{"token": token, "service_request_id": tracking_code}]


def _service_description(category):
    if category.code == "other":
        return f"Phản ánh, kiến nghị khác ({category.name_en})."
    name = category.name_vi[0].lower() + category.name_vi[1:]
    return f"Phản ánh, kiến nghị về {name} ({category.name_en})."


def services_view():
    """Every category of the catalogue as a GeoReport service (none has attributes)."""
    return [{
        "service_code": c.code, "service_name": c.name_vi,
        "description": _service_description(c),
        "metadata": False, "type": "realtime", "keywords": c.name_en.lower(),
        "group": GROUPS.get(c.default_unit_kind, "Khác"),
    } for c in CATEGORIES]


def service_definition(service_code):
    """The definition of a service: ours have no attributes; 404 for an unknown code."""
    if service_code not in BY_CODE:
        raise Open311Error(404, f"service_code '{service_code}' was not found; "
                                "see services.json.")
    return {"service_code": service_code, "attributes": []}


def discovery(public_url, contact):
    """The service discovery document of this one GeoReport v2 endpoint."""
    return {
        "changeset": CHANGESET,
        "contact": f"Văn phòng Đảng ủy Khối: {contact}",
        "key_service": f"Xin cấp api_key qua thư điện tử gửi {contact}.",
        "endpoints": [{
            "specification": SPECIFICATION, "url": f"{public_url.rstrip('/')}/open311/v2",
            "changeset": CHANGESET, "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    }


def error_document(error):
    """The GeoReport error list: one {code, description} per problem, code = HTTP status."""
    return [{"code": error.status, "description": d} for d in error.descriptions]


def _xml_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return _XML_INVALID.sub("", str(value))


def _fill(element, value):
    if isinstance(value, dict):
        for name, child in value.items():
            _fill(ET.SubElement(element, name), child)
    elif isinstance(value, list | tuple):
        for child in value:
            _fill(ET.SubElement(element, ITEM_TAGS.get(element.tag, "item")), child)
    elif value is not None:
        element.text = _xml_text(value)


def to_xml(payload, root):
    """UTF-8 XML with its declaration: <root> holding a dict's fields or a list's items."""
    element = ET.Element(root)
    _fill(element, payload)
    text = ET.tostring(element, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + text).encode("utf-8")


def render(payload, fmt, root):
    """(body bytes, content type) of a payload in json, or in xml under <root>."""
    if fmt == "json":
        return json.dumps(payload, ensure_ascii=False).encode("utf-8"), FORMATS[fmt]
    return to_xml(payload, root), FORMATS[fmt]
