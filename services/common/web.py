"""HTTP edge shared by every service: JSON errors (never a traceback), body limits, health."""

import json
import logging
import uuid

from marshmallow import ValidationError
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer, WsgiApp
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from .logging import set_correlation_id

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024


class ApiError(Exception):
    """An error a client can act on; maps to one HTTP status."""

    status = 400
    code = "bad_request"

    def __init__(self, message, fields=None, code=None, status=None, headers=None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.code = code or self.code
        self.status = status or self.status
        self.headers = headers or {}


class NotFoundError(ApiError):
    """The thing asked for does not exist."""

    status, code = 404, "not_found"


class ConflictError(ApiError):
    """The request conflicts with the current state (e.g. a stale version)."""

    status, code = 409, "conflict"


class UnprocessableError(ApiError):
    """The request is well formed but cannot be carried out."""

    status, code = 422, "unprocessable"


class TooManyRequestsError(ApiError):
    """A client sent more than its share; it may try again after `Retry-After` seconds."""

    status, code = 429, "too_many_requests"


class UnavailableError(ApiError):
    """A dependency (database, broker) is unreachable."""

    status, code = 503, "unavailable"


def json_response(payload, status=200, headers=None):
    """A JSON response with UTF-8 text kept readable (Vietnamese is not escaped)."""
    body = json.dumps(payload, ensure_ascii=False, default=str)
    return Response(body, status=status, headers=headers,
                    content_type="application/json; charset=utf-8")


def error_response(status, code, message, fields=None, headers=None):
    """The one error shape of every API: {"error", "message", "fields"}."""
    return json_response({"error": code, "message": message, "fields": fields or {}}, status,
                         headers)


def read_json(request, max_bytes=MAX_BODY_BYTES):
    """Parse a JSON object body, or raise ApiError with the right status (413, 415, 400)."""
    if request.content_length is not None and request.content_length > max_bytes:
        raise ApiError(f"Body larger than {max_bytes} bytes.", status=413, code="too_large")
    if request.mimetype != "application/json":
        raise ApiError("Send the body as application/json.", status=415,
                       code="unsupported_media_type")
    raw = request.get_data(cache=True)
    if len(raw) > max_bytes:
        raise ApiError(f"Body larger than {max_bytes} bytes.", status=413, code="too_large")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ApiError(f"Body is not valid UTF-8 JSON: {exc}", code="invalid_json") from None
    if not isinstance(data, dict):
        raise ApiError("Body must be a JSON object.", code="invalid_json")
    return data


def validation_error(exc):
    """Turn marshmallow's messages into a 422 naming every bad field."""
    fields = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
    names = ", ".join(sorted(fields))
    return error_response(422, "validation_failed", f"Invalid fields: {names}.", fields)


class JsonWsgiApp(WsgiApp):
    """Routes like nameko's app, but answers unknown paths and methods with JSON errors."""

    def __call__(self, environ, start_response):
        request = Request(environ, shallow=True)
        adapter = self.url_map.bind_to_environ(environ)
        try:
            provider, values = adapter.match()
            request.path_values = values
            rv = provider.handle_request(request)
        except HTTPException as exc:
            rv = error_response(exc.code, exc.name.lower().replace(" ", "_"), exc.description)
        return rv(environ, start_response)


class JsonWebServer(WebServer):
    """nameko's web server with the JSON-error WSGI app."""

    def get_wsgi_app(self):
        """Return the JSON-error WSGI app."""
        return JsonWsgiApp(self)


DATABASE_UNAVAILABLE = "The database cannot be reached right now; try again in a few seconds."
# refusals a client caused: answered with 4xx, logged by nameko as expected (no traceback)
CLIENT_ERRORS = (ApiError, ValidationError, HTTPException)
# a database outage is answered with 503 and logged once as a warning, without a traceback
EXPECTED_ERRORS = (*CLIENT_ERRORS, OperationalError, InterfaceError)


def nul_fields(request):
    """Query parameters and path values holding a NUL character, which no database takes."""
    values = [(name, value) for name in request.args
              for value in request.args.getlist(name)]
    values += list((getattr(request, "path_values", None) or {}).items())
    return sorted({name for name, value in values if "\x00" in str(value)})


class HttpEntrypoint(HttpRequestHandler):
    """`@http` that maps ApiError/ValidationError to JSON and hides unexpected errors."""

    server = JsonWebServer()

    def __init__(self, method, url, expected_exceptions=EXPECTED_ERRORS, **kwargs):
        super().__init__(method, url, expected_exceptions=expected_exceptions, **kwargs)

    def handle_request(self, request):
        """Bind a correlation id to the request, then handle it."""
        request_id = request.headers.get("X-Request-Id") or str(uuid.uuid4())
        set_correlation_id(request_id)
        refused = nul_fields(request)
        if refused:
            response = error_response(422, "validation_failed", "A NUL character is not text.",
                                      {name: ["Must not contain a NUL character."]
                                       for name in refused})
        else:
            response = super().handle_request(request)
        response.headers.setdefault("X-Request-Id", request_id)
        return response

    def response_from_exception(self, exc):
        """Map known errors to their status; anything else is a logged, opaque 500."""
        if isinstance(exc, ApiError):
            return error_response(exc.status, exc.code, exc.message, exc.fields, exc.headers)
        if isinstance(exc, ValidationError):
            return validation_error(exc)
        if isinstance(exc, HTTPException):
            return error_response(exc.code, "http_error", exc.description)
        if isinstance(exc, (OperationalError, InterfaceError)):
            log.warning("database unavailable in %s: %s", self.method_name,
                        type(exc.orig or exc).__name__)
            return error_response(503, "unavailable", DATABASE_UNAVAILABLE,
                                  headers={"Retry-After": "5"})
        log.error("unhandled error in %s: %r", self.method_name, exc, exc_info=exc)
        return error_response(500, "internal_error",
                              "Something went wrong on our side; it has been logged.")


http = HttpEntrypoint.decorator


def health_payload(checks):
    """Run named zero-argument checks; return (status, payload) for /readyz."""
    results, ok = {}, True
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - report any failure as not ready
            ok = False
            results[name] = f"unreachable: {type(exc).__name__}"
    return (200 if ok else 503), {"status": "ready" if ok else "not_ready", "checks": results}
