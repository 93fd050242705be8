"""Signed, expiring bearer tokens that every service can verify from shared configuration."""

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass

from .web import ApiError

ROLES = ("officer", "unit_head", "clerk", "leader", "admin")
DEFAULT_TTL_SECONDS = 8 * 3600


class TokenError(Exception):
    """A token is missing, malformed, forged or expired."""


@dataclass(frozen=True)
class Principal:
    """Who is calling: a user id, role and unit, from a verified token."""

    user_id: str
    username: str
    role: str
    unit_code: str | None
    expires_at: int


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret, body):
    return _b64(hmac.new(secret.encode("utf-8"), body.encode("ascii"), hashlib.sha256).digest())


def issue_token(secret, *, user_id, username, role, unit_code, ttl=DEFAULT_TTL_SECONDS,
                now=None):
    """A token `body.signature` carrying the principal and its expiry."""
    if not secret:
        raise ValueError("AUTH_SECRET is empty")
    claims = {"sub": user_id, "usr": username, "role": role, "unit": unit_code,
              "exp": int((now or time.time()) + ttl)}
    body = _b64(json.dumps(claims, separators=(",", ":")).encode("utf-8"))
    return f"{body}.{_signature(secret, body)}"


def same_secret(given, expected):
    """Constant-time equality of two texts of any characters.

    `hmac.compare_digest` raises on non-ASCII `str`, which anyone can send in a header or a
    form; compared as UTF-8 bytes such input is simply unequal.
    """
    return hmac.compare_digest(str(given).encode("utf-8"), str(expected).encode("utf-8"))


def verify_token(secret, token, now=None):
    """Return the Principal of a valid token or raise TokenError saying what is wrong."""
    if not token or token.count(".") != 1:
        raise TokenError("malformed token")
    body, signature = token.split(".")
    if not same_secret(signature, _signature(secret, body)):
        raise TokenError("bad signature")
    try:
        claims = json.loads(_unb64(body))
    except ValueError:
        raise TokenError("malformed token") from None
    if claims.get("exp", 0) < (now or time.time()):
        raise TokenError("token expired")
    if claims.get("role") not in ROLES:
        raise TokenError("unknown role")
    return Principal(claims["sub"], claims.get("usr", ""), claims["role"], claims.get("unit"),
                     claims["exp"])


def bearer_token(request):
    """The token from an `Authorization: Bearer …` header, or None."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


# the console's sign-in cookie (path /): behind the proxy every page of the site reads it
SESSION_COOKIE = "session"


def session_principal(request, secret):
    """The verified Principal of the sign-in cookie, or None (absent, expired or forged)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        return verify_token(secret, token)
    except TokenError:
        return None


def principal_from(request, secret):
    """The verified Principal of a request's bearer token, or raise a 401 ApiError."""
    token = bearer_token(request)
    if token is None:
        raise ApiError("Sign in and send `Authorization: Bearer <token>`.", status=401,
                       code="unauthenticated")
    try:
        return verify_token(secret, token)
    except TokenError as exc:
        raise ApiError(f"Invalid token: {exc}.", status=401, code="unauthenticated") from None


def require_role(principal, *roles):
    """Raise 403 unless the principal has one of the roles."""
    if principal.role not in roles:
        raise ApiError(f"Only {', '.join(roles)} may do this.", status=403, code="forbidden")
