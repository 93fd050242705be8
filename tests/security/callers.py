"""Who calls: nobody, bad tokens of every kind, and a signed-in user of each role."""

import base64
import json
import time
from dataclasses import dataclass

from services.common.auth import DEFAULT_TTL_SECONDS, issue_token

UNIT, OTHER_UNIT = "DB-001", "CB-001"


@dataclass(frozen=True)
class Caller:
    """A name in the matrix and the bearer token it sends (None: no credentials at all)."""

    name: str
    token: str | None = None

    def headers(self):
        """The Authorization header of this caller, if any."""
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def cookies(self):
        """The console's session cookie of this caller, if any."""
        return {"session": self.token} if self.token else {}


ROLE_ACCOUNTS = {  # caller name: (role, unit)
    "admin": ("admin", None), "leader": ("leader", None), "clerk": ("clerk", None),
    "officer": ("officer", UNIT), "unit_head": ("unit_head", UNIT),
    "other_officer": ("officer", OTHER_UNIT),
}
BAD_TOKENS = ("malformed", "expired", "tampered", "wrong_key", "unknown_role")
SIGNED_IN = tuple(ROLE_ACCOUNTS)
NOBODY = ("anonymous", *BAD_TOKENS)
EVERYONE = (*NOBODY, *SIGNED_IN)


def _token(secret, name, role, unit, **kwargs):
    return issue_token(secret, user_id=f"u-{name}", username=name, role=role, unit_code=unit,
                       **kwargs)


def _with_claims(token, **changes):
    """The same signature over a body whose claims were changed: a forgery."""
    body, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    forged = base64.urlsafe_b64encode(json.dumps({**claims, **changes}).encode())
    return f"{forged.rstrip(b'=').decode()}.{signature}"


def make_callers(secret):
    """Every caller of the matrix, with tokens signed by the services' AUTH_SECRET."""
    callers = {name: Caller(name, _token(secret, name, role, unit))
               for name, (role, unit) in ROLE_ACCOUNTS.items()}
    clerk = callers["clerk"].token
    callers.update({
        "anonymous": Caller("anonymous"),
        "malformed": Caller("malformed", "not-a-token"),
        "expired": Caller("expired", _token(secret, "expired", "admin", None,
                                            now=time.time() - 2 * DEFAULT_TTL_SECONDS)),
        "tampered": Caller("tampered", _with_claims(clerk, role="admin")),
        "wrong_key": Caller("wrong_key", _token("some-other-secret", "wrong_key", "admin",
                                                None)),
        "unknown_role": Caller("unknown_role", _token(secret, "root", "superuser", None)),
    })
    assert set(callers) == set(EVERYONE)
    return callers
