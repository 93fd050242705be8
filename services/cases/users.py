"""Users: argon2-hashed passwords, sign-in with lock-out after repeated failures, tokens."""

import uuid
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from services.common.auth import ROLES, issue_token
from services.common.text import normalize
from services.common.web import ApiError, ConflictError, UnprocessableError

from .models import Unit, User

HASHER = PasswordHasher()
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=5)
UNIT_ROLES = ("officer", "unit_head")
# a real hash to verify against when the user does not exist, so timing reveals nothing
_DUMMY_HASH = HASHER.hash("not-a-real-password")


class LoginRefusedError(ApiError):
    """Wrong credentials (401) or too many attempts (429)."""

    status, code = 401, "login_refused"


def public_user(user):
    """A user as the API shows it (never the hash)."""
    return {"id": user.id, "username": user.username, "full_name": user.full_name,
            "role": user.role, "unit_code": user.unit_code, "email": user.email,
            "active": user.active}


def create_user(session, username, password, full_name, role, unit_code=None, email=None):
    """Add a user bound to a unit (officers and unit heads must have one)."""
    username = (username or "").strip().lower()
    errors = {}
    if not username or len(username) > 64:
        errors["username"] = ["Required, at most 64 characters."]
    if role not in ROLES:
        errors["role"] = [f"One of: {', '.join(ROLES)}."]
    if not password or len(password) < 10:
        errors["password"] = ["At least 10 characters."]
    if role in UNIT_ROLES and not unit_code:
        errors["unit_code"] = ["Officers and unit heads belong to a unit."]
    if unit_code and session.get(Unit, unit_code) is None:
        errors["unit_code"] = ["Unknown unit."]
    if errors:
        raise UnprocessableError(f"Invalid fields: {', '.join(sorted(errors))}.", fields=errors)
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise ConflictError(f"User {username} already exists.",
                            fields={"username": ["Already used."]})
    user = User(id=str(uuid.uuid4()), username=username, full_name=normalize(full_name),
                role=role, unit_code=unit_code, email=email,
                password_hash=HASHER.hash(password), active=True, failed_logins=0,
                created_at=datetime.now(UTC))
    session.add(user)
    session.flush()
    return user


def authenticate(session, username, password, now=None):
    """Check credentials; lock the account for a while after repeated failures."""
    now = now or datetime.now(UTC)
    user = session.scalar(select(User).where(User.username == (username or "").strip().lower())
                          .with_for_update())
    if user is not None and user.locked_until and user.locked_until > now:
        raise LoginRefusedError("Too many failed attempts; try again in a few minutes.",
                                status=429, code="too_many_attempts")
    try:
        HASHER.verify(user.password_hash if user else _DUMMY_HASH, password or "")
        ok = user is not None and user.active
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        if user is not None:
            user.failed_logins += 1
            if user.failed_logins >= MAX_FAILED_LOGINS:
                user.locked_until, user.failed_logins = now + LOCKOUT, 0
        raise LoginRefusedError("Wrong username or password.")
    user.failed_logins, user.locked_until = 0, None
    return user


def token_for(user, secret, ttl):
    """A signed bearer token for a signed-in user."""
    return issue_token(secret, user_id=user.id, username=user.username, role=user.role,
                       unit_code=user.unit_code, ttl=ttl)
