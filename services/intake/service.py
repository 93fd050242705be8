"""intake's nameko entrypoints: the JSON API and the case-status follower."""


from services.common.consuming import claim, handle_event, handle_events
from services.common.contracts import CASE_CHANGE_EVENTS
from services.common.db import Database
from services.common.health import HealthEndpoints
from services.common.outbox import Outbox
from services.common.ratelimit import RateLimit
from services.common.web import NotFoundError, http, json_response, read_json

from . import store
from .channels_api import ChannelEndpoints
from .domain import parse_tracking_code
from .imports_api import ImportEndpoints
from .open311_api import Open311Endpoints
from .openapi import document
from .pages import PublicPages
from .schemas import FeedbackIn, idempotency_key

FEEDBACK_IN = FeedbackIn()
OPENAPI = document()


class IntakeService(PublicPages, ImportEndpoints, Open311Endpoints, ChannelEndpoints,
                    HealthEndpoints):
    """Takes feedback in and answers tracking-code lookups."""

    name = "intake"
    db = Database()
    outbox = Outbox()
    limit = RateLimit()

    @http("POST", "/api/v1/feedback")
    def submit_feedback(self, request):
        """Accept one submission; 202 with its tracking code. Honours Idempotency-Key."""
        self.limit(request, "submit")
        raw = read_json(request)
        feedback = FEEDBACK_IN.load(raw)
        key = idempotency_key(request)
        submission, created = store.record_once(self.db, self.outbox, feedback, key, raw)
        code = submission.tracking_code
        replayed = key is not None and submission.idempotency_key == key
        return json_response(
            {"tracking_code": code, "status": "received",
             "duplicate_of_earlier": not created and not replayed,
             "links": {"self": f"/api/v1/feedback/{code}"}},
            status=202,
            headers={"Location": f"/api/v1/feedback/{code}",
                     "Idempotent-Replayed": "false" if created else "true"},
        )

    @http("GET", "/api/v1/openapi.json")
    def openapi(self, request):
        """The OpenAPI document of this API."""
        return json_response(OPENAPI)

    @http("GET", "/api/v1/feedback/<tracking_code>")
    def get_feedback(self, request, tracking_code):
        """The submission and its case's public status; never personal data."""
        self.limit(request, "lookup")
        code = parse_tracking_code(tracking_code)
        if code is None:
            raise NotFoundError("No submission has this tracking code; check the characters.",
                                fields={"tracking_code": ["Not a valid tracking code."]})
        with self.db.transaction() as session:
            submission = store.find_by_code(session, code)
            if submission is None:
                raise NotFoundError("No submission has this tracking code.",
                                    fields={"tracking_code": ["Unknown tracking code."]})
            return json_response(store.public_view(
                submission, store.public_comments(session, submission)))

    @handle_events("case_opened", *CASE_CHANGE_EVENTS)
    def follow_case(self, event):
        """Keep each submission's public case status current, for the public lookup."""
        with self.db.transaction() as session:
            if claim(session, event):
                store.apply_case_event(session, event)

    @handle_event("unit_updated")
    def keep_directory(self, event):
        """Keep intake's copy of the directory, for the form's unit list and validation."""
        with self.db.transaction() as session:
            if claim(session, event):
                store.apply_unit_updated(session, event)
