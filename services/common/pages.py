"""Server-rendered pages: Jinja2 with autoescape, CSRF double-submit tokens, HTML responses."""

import hashlib
import hmac
import secrets

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from werkzeug.wrappers import Response

from .auth import same_secret

CSRF_COOKIE = "csrf"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                               "form-action 'self'; frame-ancestors 'none'",
}


def template_environment(directory):
    """A Jinja2 environment that escapes everything users typed."""
    return Environment(loader=FileSystemLoader(directory), undefined=StrictUndefined,
                       autoescape=select_autoescape(default=True, default_for_string=True))


def html_response(body, status=200, cookies=None):
    """An HTML response with the security headers and optional cookies to set."""
    response = Response(body, status=status, content_type="text/html; charset=utf-8")
    response.headers.update(SECURITY_HEADERS)
    for name, (value, max_age) in (cookies or {}).items():
        response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="Lax",
                            path="/")
    return response


def redirect(location, cookies=None, clear=()):
    """A 303 redirect (after a form post) that may set or clear cookies."""
    response = Response("", status=303, headers={"Location": location})
    for name, (value, max_age) in (cookies or {}).items():
        response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="Lax",
                            path="/")
    for name in clear:
        response.delete_cookie(name, path="/")
    return response


def csrf_seed(request):
    """The browser's CSRF cookie value, or a new one to set."""
    seed = request.cookies.get(CSRF_COOKIE)
    return (seed, False) if seed and len(seed) >= 32 else (secrets.token_urlsafe(32), True)


def csrf_token(secret, seed):
    """The token forms carry: an HMAC of the browser's CSRF cookie."""
    return hmac.new(secret.encode(), f"csrf:{seed}".encode(), hashlib.sha256).hexdigest()


def csrf_valid(secret, request, form):
    """True when the form's token matches the browser's CSRF cookie."""
    seed = request.cookies.get(CSRF_COOKIE)
    sent = form.get("csrf_token", "")
    return bool(seed) and same_secret(sent, csrf_token(secret, seed))
