"""Open311 GeoReport v2 server under /open311/v2/ (JSON and XML).

Every path ends in `.json` or `.xml`, as the specification asks; errors come back as its
error document (`[{"code", "description"}]` or `<errors><error>`) in the same format.
"""

import functools
import logging
from datetime import UTC, datetime

from marshmallow import ValidationError
from werkzeug.wrappers import Response

from services.common.web import MAX_BODY_BYTES, ApiError, http

from . import open311, open311_store, store
from .domain import parse_tracking_code
from .open311 import Open311Error
from .schemas import idempotency_key

log = logging.getLogger(__name__)
BASE = "/open311/v2"


def _reply(payload, fmt, root, status=200):
    body, content_type = open311.render(payload, fmt, root)
    return Response(body, status=status, content_type=content_type)


def _error_reply(error, fmt):
    fmt = fmt if fmt in open311.FORMATS else open311.DEFAULT_FORMAT
    return _reply(open311.error_document(error), fmt, "errors", error.status)


def _as_open311(exc):
    """An error of our shared HTTP edge, restated with the statuses GeoReport uses."""
    if isinstance(exc, ApiError):
        status = exc.status if exc.status in (400, 403, 404) or exc.status >= 500 else 400
        return Open311Error(status, exc.message)
    if isinstance(exc, ValidationError):
        return Open311Error(400, f"Invalid fields: {exc.messages}")
    log.error("unhandled error in the Open311 server: %r", exc, exc_info=exc)
    return Open311Error(500, "General service error: it has been logged; try again later or "
                             "tell the bloc's office.")


def georeport(root):
    """Render an entrypoint's payload, or any error as a GeoReport error, in its path's format."""

    def decorate(method):
        @functools.wraps(method)
        def entrypoint(self, request, fmt, **path):
            try:
                open311.check_format(fmt)
                if (request.content_length or 0) > MAX_BODY_BYTES:
                    raise Open311Error(400, f"Body larger than {MAX_BODY_BYTES} bytes.")
                payload = method(self, request, **path)
            except Open311Error as exc:
                return _error_reply(exc, fmt)
            except Exception as exc:  # noqa: BLE001 - every error must be a GeoReport one
                return _error_reply(_as_open311(exc), fmt)
            return _reply(payload, fmt, root)

        return entrypoint

    return decorate


class Open311Endpoints:
    """Open311 GeoReport v2 server under /open311/v2/ (JSON and XML)."""

    @http("GET", f"{BASE}/discovery.<fmt>")
    @georeport("discovery")
    def open311_discovery(self, request):
        """Service discovery: where this endpoint is, its formats and whom to ask for a key."""
        return open311.discovery(self.config["PUBLIC_URL"], self.config["OFFICE_EMAIL"])

    @http("GET", f"{BASE}/services.<fmt>")
    @georeport("services")
    def open311_services(self, request):
        """The category catalogue as GeoReport services."""
        return open311.services_view()

    @http("GET", f"{BASE}/services/<service_code>.<fmt>")
    @georeport("service_definition")
    def open311_service_definition(self, request, service_code):
        """A service's definition: an empty attribute list, as none of ours has metadata."""
        return open311.service_definition(service_code)

    @http("POST", f"{BASE}/requests.<fmt>")
    @georeport("service_requests")
    def open311_create_request(self, request):
        """Take a form-encoded service request from a client holding an api_key."""
        form = request.values  # the query string and the form body
        keys = open311.parse_api_keys(self.config.get("OPEN311_API_KEYS"))
        client = open311.client_for(keys, form.get("api_key"))
        feedback = open311.parse_create_form(form, client)
        raw = {name: form.getlist(name) for name in sorted(form) if name != "api_key"}
        submission, _ = store.record_once(self.db, self.outbox, feedback,
                                          idempotency_key(request), raw)
        return open311.created_view(submission.tracking_code, self.config["PUBLIC_URL"])

    @http("GET", f"{BASE}/requests.<fmt>")
    @georeport("service_requests")
    def open311_requests(self, request):
        """Service requests by ids, or by service, status and date (last 90 days, ≤ 1000)."""
        query = open311.parse_request_query(request.args, datetime.now(UTC),
                                            parse_tracking_code)
        with self.db.transaction() as session:
            submissions = open311_store.list_requests(session, query)
            comments = open311_store.latest_comments(session, [s.id for s in submissions])
            return [open311.request_view(s, comments.get(s.id)) for s in submissions]

    @http("GET", f"{BASE}/requests/<request_id>.<fmt>")
    @georeport("service_requests")
    def open311_request(self, request, request_id):
        """One service request, by its id (our tracking code), as a list of one."""
        code = parse_tracking_code(request_id)
        with self.db.transaction() as session:
            submission = store.find_by_code(session, code) if code else None
            if submission is None:
                raise Open311Error(404, f"service_request_id '{request_id}' was not found.")
            comments = store.public_comments(session, submission)
            latest = comments[-1].body if comments else None
            return [open311.request_view(submission, latest)]

    @http("GET", f"{BASE}/tokens/<token>.<fmt>")
    @georeport("service_requests")
    def open311_token(self, request, token):
        """The service_request_id a token stands for."""
        with self.db.transaction() as session:
            submission = open311_store.find_by_token(session, token)
            if submission is None:
                raise Open311Error(404, f"token '{token}' was not found.")
            return open311.token_view(token, submission.tracking_code)
