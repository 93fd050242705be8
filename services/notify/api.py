"""notify's HTTP API: delivery log, inbox, preferences, template previews, webhook secrets."""

from datetime import UTC, datetime

from services.common.auth import principal_from, require_role
from services.common.web import ApiError, NotFoundError, http, json_response, read_json

from . import store
from .domain import LEADERSHIP, OFFICE, inbox_of, unit_box
from .messages import KINDS
from .openapi import document
from .previews import preview
from .schemas import DeliveryQuery, InboxQuery, PreferenceIn, UserPreferenceIn
from .sending import unit_webhook_secret

DELIVERY_QUERY, INBOX_QUERY = DeliveryQuery(), InboxQuery()
PREFERENCE_IN, USER_PREFERENCE_IN = PreferenceIn(), UserPreferenceIn()
FORBIDDEN = "You may not see or change this audience's preferences."
OPENAPI = document()


class NotifyApi:
    """Mixin of the notify service: its HTTP endpoints. Expects db and config."""

    def _principal(self, request):
        return principal_from(request, self.config["AUTH_SECRET"])

    @http("GET", "/api/v1/openapi.json")
    def openapi(self, request):
        """The OpenAPI document of this API."""
        return json_response(OPENAPI)

    @http("GET", "/api/v1/deliveries")
    def deliveries(self, request):
        """The delivery log for the office: filter by case, recipient and status."""
        require_role(self._principal(request), "clerk", "leader", "admin")
        query = DELIVERY_QUERY.load({k: request.args.get(k) for k in request.args})
        with self.db.transaction() as session:
            items, total = store.list_deliveries(session, **query)
        return json_response({"items": items, "total": total, "page": query["page"],
                              "per_page": query["per_page"]})

    def _inbox(self, request):
        principal = self._principal(request)
        box = inbox_of(principal.role, principal.unit_code)
        if box is None:
            raise ApiError("This account has no inbox.", status=403, code="forbidden")
        return principal, box

    @http("GET", "/api/v1/inbox")
    def inbox(self, request):
        """The signed-in user's in-app notifications (`?unread=true` for unread only)."""
        principal, box = self._inbox(request)
        query = INBOX_QUERY.load({k: request.args.get(k) for k in request.args})
        with self.db.transaction() as session:
            items, total = store.list_inbox(session, box, principal.user_id,
                                            query["unread"], query["page"], query["per_page"])
        return json_response({"items": items, "total": total, "page": query["page"]})

    @http("POST", "/api/v1/inbox/<delivery_id>/read")
    def mark_read(self, request, delivery_id):
        """Mark one notification read."""
        principal, box = self._inbox(request)
        with self.db.transaction() as session:
            if not store.mark_read(session, box, principal.user_id, delivery_id):
                raise NotFoundError("No such notification in your inbox.",
                                    fields={"delivery_id": ["Unknown notification."]})
        return json_response({"id": delivery_id, "read": True})

    @http("GET", "/api/v1/deliveries/stats")
    def delivery_stats(self, request):
        """Number of deliveries per channel and status."""
        with self.db.transaction() as session:
            return json_response({"by_channel": store.count_by_status(session)})

    def _check_audience(self, principal, owner, changing):
        """Check the caller may read (or change) an audience's preferences."""
        if principal.role in ("clerk", "admin"):
            return
        if owner.startswith("unit:") and principal.unit_code and \
                owner == unit_box(principal.unit_code) and \
                principal.role in (("unit_head",) if changing else ("unit_head", "officer")):
            return
        if owner == LEADERSHIP and principal.role == "leader":
            return
        raise ApiError(FORBIDDEN, status=403, code="forbidden")

    @staticmethod
    def _check_owner(owner):
        """404 for an audience that cannot exist (asked once the caller is known: 401 first)."""
        if owner not in (OFFICE, LEADERSHIP) and not (
                owner.startswith("unit:") and 5 < len(owner) <= 37):
            raise NotFoundError("Preferences exist for office, leadership or unit:<code>.",
                                fields={"owner": ["Unknown audience."]})

    @http("GET", "/api/v1/preferences/<owner>")
    def get_preferences(self, request, owner):
        """How an audience (office, leadership, unit:<code>, or `me`) is told."""
        principal = self._principal(request)
        if owner == "me":
            owner = f"user:{principal.user_id}"
        else:
            self._check_owner(owner)
            self._check_audience(principal, owner, changing=False)
        with self.db.transaction() as session:
            return json_response(store.preference_view(session, owner))

    @http("PUT", "/api/v1/preferences/<owner>")
    def put_preferences(self, request, owner):
        """Choose channels, language and quiet hours (users: an email and digests too)."""
        principal = self._principal(request)
        if owner == "me":
            choice = USER_PREFERENCE_IN.load(read_json(request))
            owner = f"user:{principal.user_id}"
            choice["follows"] = inbox_of(principal.role, principal.unit_code)
        else:
            self._check_owner(owner)
            self._check_audience(principal, owner, changing=True)
            choice = PREFERENCE_IN.load(read_json(request))
        with self.db.transaction() as session:
            store.save_preference(session, owner, choice, principal.user_id,
                                  datetime.now(UTC))
            return json_response(store.preference_view(session, owner))

    @http("GET", "/api/v1/templates")
    def list_templates(self, request):
        """The message templates, one per kind, each in Vietnamese and English."""
        require_role(self._principal(request), "clerk", "leader", "admin")
        return json_response({"items": [
            {"kind": kind, "languages": ["vi", "en"],
             "preview": f"/api/v1/templates/{kind}?lang=vi"} for kind in KINDS]})

    @http("GET", "/api/v1/templates/<kind>")
    def preview_template(self, request, kind):
        """A template rendered with sample data: `?lang=vi|en&format=json|html|text`."""
        require_role(self._principal(request), "clerk", "leader", "admin")
        lang, shape = request.args.get("lang", "vi"), request.args.get("format", "json")
        if kind not in KINDS:
            raise NotFoundError("No template of this kind.", fields={"kind": list(KINDS)})
        if lang not in ("vi", "en") or shape not in ("json", "html", "text"):
            raise ApiError("lang must be vi or en; format json, html or text.", status=400,
                           fields={"lang": ["vi, en"], "format": ["json, html, text"]})
        message = preview(kind, lang, self.config.get("PUBLIC_URL", ""))
        if shape == "json":
            return json_response({"kind": kind, "lang": lang, "subject": message.subject,
                                  "text": message.text, "html": message.html})
        body, mime = (message.html, "text/html") if shape == "html" else (message.text,
                                                                          "text/plain")
        return 200, {"Content-Type": f"{mime}; charset=utf-8"}, body

    @http("GET", "/api/v1/webhook-secrets/<code>")
    def webhook_secret(self, request, code):
        """The secret a unit's webhook endpoint verifies our signatures with (admins only)."""
        require_role(self._principal(request), "admin")
        return json_response({"unit": code, "algorithm": "HMAC-SHA256",
                              "signed": "<X-Grassroots-Timestamp>.<body>",
                              "secret": unit_webhook_secret(self.config["WEBHOOK_SECRET"],
                                                            code)})
