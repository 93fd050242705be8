"""The notify API as an OpenAPI document, generated from its marshmallow schemas."""

from services.common.openapi import Operation, build_spec

from .domain import CHANNELS
from .messages import KINDS
from .schemas import DeliveryQuery, InboxQuery, PreferenceIn, UserPreferenceIn

TEXT = {"type": "string"}
MAYBE_TEXT = {"type": "string", "nullable": True}
COUNT = {"type": "integer", "minimum": 0}
STATUSES = ["pending", "sent", "failed", "skipped"]


def _object(required, **properties):
    """A JSON schema of an object with these properties, all required unless listed apart."""
    return {"type": "object", "required": list(required), "properties": properties}


def _page_of(item, *extra):
    return _object(("items", "total", "page", *extra), items={"type": "array", "items": item},
                   total=COUNT, page={"type": "integer", "minimum": 1},
                   **{name: {"type": "integer", "minimum": 1} for name in extra})


DELIVERY = _object(
    ("id", "event_id", "event_type", "case_id", "recipient", "channel", "subject", "status",
     "attempts", "last_error", "created_at", "sent_at"),
    id=TEXT, event_id=TEXT, event_type=TEXT, case_id=MAYBE_TEXT, recipient=TEXT,
    channel={"type": "string", "enum": list(CHANNELS)}, subject=TEXT,
    status={"type": "string", "enum": STATUSES}, attempts=COUNT, last_error=MAYBE_TEXT,
    created_at=TEXT, sent_at=MAYBE_TEXT)
INBOX_ITEM = _object(("id", "event_type", "case_id", "subject", "text", "created_at", "read"),
                     id=TEXT, event_type=TEXT, case_id=MAYBE_TEXT, subject=TEXT, text=TEXT,
                     created_at=TEXT, read={"type": "boolean"})
BY_CHANNEL = _object(("by_channel",), by_channel={
    "type": "object", "additionalProperties": {"type": "object",
                                               "additionalProperties": COUNT}})
PREFERENCE = _object(
    ("owner", "channels", "language", "quiet_start", "quiet_end", "updated_at"),
    owner=TEXT, channels={"type": "array", "items": {"type": "string", "enum": list(CHANNELS)}},
    language={"type": "string", "enum": ["vi", "en"]}, quiet_start=MAYBE_TEXT,
    quiet_end=MAYBE_TEXT, updated_at=MAYBE_TEXT)
USER_PREFERENCE = {**PREFERENCE, "required": [*PREFERENCE["required"], "email", "name",
                                              "follows", "digests"],
                   "properties": {**PREFERENCE["properties"], "email": MAYBE_TEXT,
                                  "name": MAYBE_TEXT, "follows": MAYBE_TEXT,
                                  "digests": {"type": "boolean"}}}
TEMPLATES = _object(("items",), items={"type": "array", "items": _object(
    ("kind", "languages", "preview"), kind={"type": "string", "enum": list(KINDS)},
    languages={"type": "array", "items": TEXT}, preview=TEXT)})
PREVIEW = _object(("kind", "lang", "subject", "text", "html"), kind=TEXT,
                  lang={"type": "string", "enum": ["vi", "en"]}, subject=TEXT, text=TEXT,
                  html=MAYBE_TEXT)
WEBHOOK_SECRET = _object(("unit", "algorithm", "signed", "secret"), unit=TEXT, algorithm=TEXT,
                         signed=TEXT, secret=TEXT)
PREVIEW_OPTIONS = ({"name": "lang", "in": "query", "schema": {"type": "string",
                                                               "enum": ["vi", "en"]}},
                   {"name": "format", "in": "query",
                    "schema": {"type": "string", "enum": ["json", "html", "text"]}})
AUTH = ("401", "403")
OPERATIONS = (
    Operation("GET", "/api/v1/deliveries", "The delivery log (clerks, leaders, admins)",
              query=DeliveryQuery, secured=True, errors=(*AUTH, "422"),
              response=_page_of(DELIVERY, "per_page")),
    Operation("GET", "/api/v1/deliveries/stats", "Deliveries per channel and status",
              errors=(), response=BY_CHANNEL),
    Operation("GET", "/api/v1/inbox", "The signed-in user's in-app notifications",
              query=InboxQuery, secured=True, errors=(*AUTH, "422"),
              response=_page_of(INBOX_ITEM)),
    Operation("POST", "/api/v1/inbox/<delivery_id>/read", "Mark one notification read",
              secured=True, errors=(*AUTH, "404"),
              response=_object(("id", "read"), id=TEXT, read={"type": "boolean"})),
    Operation("GET", "/api/v1/preferences/me", "The signed-in user's own choices",
              secured=True, errors=("401",), response=USER_PREFERENCE),
    Operation("PUT", "/api/v1/preferences/me",
              "Choose an email, channels, language, quiet hours and digests for oneself",
              body=UserPreferenceIn, secured=True,
              errors=("400", "401", "413", "415", "422"), response=USER_PREFERENCE),
    Operation("GET", "/api/v1/preferences/<owner>",
              "How an audience is told: office, leadership or unit:<code>", secured=True,
              errors=(*AUTH, "404"), response=PREFERENCE),
    Operation("PUT", "/api/v1/preferences/<owner>",
              "Choose an audience's channels, language and quiet hours", body=PreferenceIn,
              secured=True, errors=("400", *AUTH, "404", "413", "415", "422"),
              response=PREFERENCE),
    Operation("GET", "/api/v1/templates", "Every message template (clerks, leaders, admins)",
              secured=True, errors=AUTH, response=TEMPLATES),
    Operation("GET", "/api/v1/templates/<kind>",
              "A template previewed with sample data, as JSON, HTML or text", secured=True,
              errors=("400", *AUTH, "404"), parameters=PREVIEW_OPTIONS, response=PREVIEW),
    Operation("GET", "/api/v1/webhook-secrets/<code>",
              "The secret a unit's webhook endpoint verifies signatures with (admins)",
              secured=True, errors=AUTH, response=WEBHOOK_SECRET),
)


def document():
    """The OpenAPI document of the notify service."""
    spec = build_spec("Grassroots notify", "1.0",
                      "Who was told what: the delivery log, in-app inboxes, how each audience "
                      "is reached, message templates and webhook secrets.", OPERATIONS)
    preview = spec["paths"]["/api/v1/templates/{kind}"]["get"]["responses"]["200"]["content"]
    preview.update({"text/html": {"schema": TEXT}, "text/plain": {"schema": TEXT}})
    return spec
