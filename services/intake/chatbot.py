"""Chat-bot bridges (Zalo, Facebook groups, other portals): signatures, replay, payloads.

A bridge POSTs JSON to `/api/v1/webhooks/<source>` with `X-Timestamp` (Unix seconds) and
`X-Signature: sha256=<hex HMAC-SHA256(secret of the source, "<timestamp>.<raw body>")>`.
No framework imports.
"""

import hashlib
import hmac

from marshmallow import EXCLUDE, Schema, fields, post_load, validate

from services.common.auth import same_secret
from services.common.text import normalize, normalize_multiline

from .schemas import ReporterIn

TITLE_LENGTH = 80


def parse_secrets(text):
    """`"zalo:s3cret,facebook:other"` → {"zalo": "s3cret", "facebook": "other"}."""
    found = {}
    for part in (text or "").split(","):
        source, _, secret = part.strip().partition(":")
        if source and secret:
            found[source.strip().lower()] = secret.strip()
    return found


def signature(secret, timestamp, body):
    """The expected `X-Signature` value for a body sent at `timestamp`."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def check_signature(secret, timestamp, body, given, now, max_skew):
    """Why a request must be refused (a message), or None when it is authentic and fresh."""
    if not timestamp or not given:
        return "Send X-Timestamp and X-Signature headers."
    try:
        sent = int(timestamp)
    except ValueError:
        return "X-Timestamp must be Unix seconds."
    if abs(now - sent) > max_skew:
        return f"X-Timestamp is more than {max_skew} seconds away from our clock."
    if not same_secret(given.strip(), signature(secret, timestamp, body)):
        return "X-Signature does not match the body."
    return None


def title_from(text):
    """A title from a chat message: its first line, cut at a word near 80 characters."""
    first = normalize(text.strip().split("\n", 1)[0]) or ""
    if len(first) <= TITLE_LENGTH:
        return first
    cut = first[:TITLE_LENGTH].rsplit(" ", 1)[0]
    return f"{cut}…"


class ChatMessageIn(Schema):
    """One message a bridge forwards."""

    class Meta:
        unknown = EXCLUDE

    message_id = fields.String(required=True, validate=validate.Length(min=1, max=120))
    text = fields.String(required=True, validate=validate.Length(min=3, max=10000))
    title = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    category = fields.String(load_default=None, allow_none=True,
                             validate=validate.Length(max=64))
    unit_code = fields.String(load_default=None, allow_none=True,
                              validate=validate.Length(max=32))
    sender = fields.Nested(ReporterIn, load_default=None, allow_none=True)

    @post_load
    def _as_feedback(self, data, **_):
        """The message as a submission in FeedbackIn's shape."""
        body = normalize_multiline(data["text"])
        return {
            "message_id": data["message_id"].strip(),
            "feedback": {
                "title": normalize(data.get("title")) or title_from(body), "body": body,
                "category": normalize(data.get("category")) or None,
                "unit_code": (normalize(data.get("unit_code")) or "").upper() or None,
                "channel": "chatbot", "reporter": data.get("sender")},
        }


def reply_text(code, lang="vi"):
    """What the bot may post back to the person: thanks and their tracking code."""
    if lang == "en":
        return f"Thank you. Your report was received; tracking code {code}."
    return f"Cảm ơn đồng chí đã phản ánh. Mã theo dõi: {code}."
