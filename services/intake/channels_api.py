"""intake's machine channels: chat-bot bridge webhooks and units' periodic reports."""

import time

from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from services.common.auth import principal_from, require_role
from services.common.web import ApiError, NotFoundError, http, json_response, read_json

from . import reports_store, store
from .chatbot import ChatMessageIn, check_signature, parse_secrets, reply_text
from .periodic import PERIOD, PeriodicReportIn

CHAT_MESSAGE_IN, REPORT_IN = ChatMessageIn(), PeriodicReportIn()
UNIT_ROLES = ("officer", "unit_head")


class ChannelEndpoints:
    """Mixin of the intake service. Expects db, outbox and config."""

    @http("POST", "/api/v1/webhooks/<source>")
    def chatbot_webhook(self, request, source):
        """A message from a chat-bot bridge: signed per source, each message id taken once."""
        secret = parse_secrets(self.config.get("CHATBOT_SECRETS")).get(source.lower())
        if secret is None:
            raise NotFoundError("No bridge is configured under this name.",
                                fields={"source": ["Unknown source."]})
        raw = request.get_data(cache=True)
        refusal = check_signature(secret, request.headers.get("X-Timestamp"), raw,
                                  request.headers.get("X-Signature"), time.time(),
                                  int(self.config.get("CHATBOT_MAX_SKEW_SECONDS", 300)))
        if refusal:
            raise ApiError(refusal, status=401, code="bad_signature",
                           fields={"X-Signature": [refusal]})
        data = read_json(request)
        message = CHAT_MESSAGE_IN.load(data)
        feedback = {**message["feedback"], "client": source.lower(),
                    "external_key": f"chatbot:{source.lower()}:{message['message_id']}"}
        submission, created = store.record_once(self.db, self.outbox, feedback, raw=data)
        replayed = submission.external_key == feedback["external_key"]
        if not created and replayed and submission.request_hash != store.fingerprint(data):
            raise ApiError("This message id was already used for another message.",
                           status=409, code="message_id_reused",
                           fields={"message_id": ["Already used with a different body."]})
        code = submission.tracking_code
        return json_response({"tracking_code": code, "duplicate": not created,
                              "reply": reply_text(code, request.args.get("lang", "vi"))},
                             status=202 if created else 200)

    @http("POST", "/api/v1/periodic-reports")
    def submit_periodic_report(self, request):
        """A grassroots unit's monthly situation report (its own officers, or the office)."""
        principal = principal_from(request, self.config["AUTH_SECRET"])
        require_role(principal, *UNIT_ROLES, "clerk", "admin")
        report = REPORT_IN.load(read_json(request))
        if principal.role in UNIT_ROLES and principal.unit_code != report["unit_code"]:
            raise ApiError("You may only send your own unit's report.", status=403,
                           code="forbidden", fields={"unit_code": ["Not your unit."]})
        try:
            with self.db.transaction() as session:
                row, created = reports_store.record_report(session, self.outbox, report,
                                                           principal.user_id)
                view = reports_store.report_view(session, row)
        except IntegrityError:
            raise ApiError("This report was being received at the same moment; send it again.",
                           status=409, code="conflict") from None
        return json_response(view, status=201 if created else 200)

    @http("GET", "/api/v1/periodic-reports")
    def list_periodic_reports(self, request):
        """Reports received (`?period=YYYY-MM`, `?unit=`), for the office and leadership."""
        require_role(principal_from(request, self.config["AUTH_SECRET"]),
                     "clerk", "leader", "admin")
        period = request.args.get("period")
        if period and not PERIOD.match(period):
            raise ValidationError({"period": ["Use YYYY-MM."]})
        with self.db.transaction() as session:
            items = reports_store.list_reports(session, period, request.args.get("unit"))
        return json_response({"items": items, "total": len(items)})
