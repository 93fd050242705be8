"""The intake JSON API as an OpenAPI document (the web form and Open311 are documented apart)."""

from services.common.openapi import Operation, build_spec

from .chatbot import ChatMessageIn
from .periodic import PeriodicReportIn
from .schemas import FeedbackIn

IDEMPOTENCY = ({"name": "Idempotency-Key", "in": "header", "required": False,
                "schema": {"type": "string", "maxLength": 200}},)
SIGNED = ({"name": "X-Timestamp", "in": "header", "required": True,
           "schema": {"type": "string"}},
          {"name": "X-Signature", "in": "header", "required": True,
           "schema": {"type": "string"}})
OPERATIONS = (
    Operation("POST", "/api/v1/feedback", "Submit feedback; 202 with its tracking code",
              body=FeedbackIn, status="202", parameters=IDEMPOTENCY,
              errors=("400", "413", "415", "422", "429")),
    Operation("GET", "/api/v1/feedback/<tracking_code>",
              "A submission's public status, public comments and answer",
              errors=("404", "429")),
    Operation("POST", "/api/v1/webhooks/<source>",
              "A chat-bot bridge's message, HMAC-signed with the source's secret",
              body=ChatMessageIn, status="202", parameters=SIGNED,
              errors=("400", "401", "404", "409", "413", "415", "422")),
    Operation("POST", "/api/v1/periodic-reports",
              "A grassroots unit's monthly situation report", body=PeriodicReportIn,
              status="201", secured=True,
              errors=("400", "401", "403", "409", "413", "415", "422")),
    Operation("GET", "/api/v1/periodic-reports", "Reports received, by period and unit",
              secured=True, errors=("401", "403", "422"),
              parameters=({"name": "period", "in": "query", "schema": {"type": "string"}},
                          {"name": "unit", "in": "query", "schema": {"type": "string"}})),
    Operation("POST", "/api/v1/imports",
              "Import a CSV or XLSX file of typed-in forms; a report of every row",
              secured=True, errors=("400", "401", "403", "413", "415", "422")),
    Operation("GET", "/api/v1/imports/<import_id>", "The report of an earlier import",
              secured=True, errors=("401", "403", "404")),
)


def document():
    """The OpenAPI document of the intake service."""
    return build_spec("Grassroots intake", "1.0",
                      "Feedback in from every channel, with tracking codes. Open311 GeoReport v2 "
                      "is served under /open311/v2/.", OPERATIONS)
