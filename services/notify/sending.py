"""Delivering what is due: email over SMTP, signed webhooks; outcomes recorded and announced."""

import hashlib
import hmac
import logging
import re
import smtplib
import time
from datetime import UTC, datetime, timedelta

import requests
from sqlalchemy import select

from .mailer import build_email
from .models import Delivery

log = logging.getLogger(__name__)

SEND_BATCH = 50
EMAIL_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ContactUnavailableError(Exception):
    """The reporter's contact could not be fetched now (cases down or slow); retry later."""


class WebhookRefusedError(Exception):
    """The receiving end answered with something other than 2xx."""


def due_deliveries(session, channel="email", limit=SEND_BATCH):
    """Pending deliveries of a channel whose time has come, locked so replicas never send one
    twice."""
    return session.scalars(
        select(Delivery)
        .where(Delivery.status == "pending", Delivery.channel == channel,
               Delivery.next_attempt_at <= datetime.now(UTC))
        .order_by(Delivery.next_attempt_at).limit(limit)
        .with_for_update(skip_locked=True)
    ).all()


def deliver_each(session, channel, outbox, attempt, sent_unrecorded):
    """Lock, attempt and record due deliveries one transaction each; return how many.

    One transaction per delivery: a crash or a lost database repeats at most the one
    delivery in flight, never a whole batch already sent. A delivery the receiver accepted
    is remembered in `sent_unrecorded` (id → sent_at) until its commit succeeds, and
    recorded first next round instead of being sent again.
    """
    record_sent(session, outbox, sent_unrecorded)
    attempted = 0
    for index, delivery in enumerate(due_deliveries(session, channel)):
        # the first commit released the batch's other locks: take each again, if still due
        if index and not relock_if_due(session, delivery):
            continue
        attempted += 1
        attempt(delivery)
        if delivery.status == "sent":
            sent_unrecorded[delivery.id] = delivery.sent_at
        if delivery.status in ("sent", "failed"):
            announce(session, outbox, delivery)
        session.commit()
        sent_unrecorded.pop(delivery.id, None)
    return attempted


def relock_if_due(session, delivery):
    """Lock a delivery again and reload it; False when a replica holds it or it is not due."""
    current = session.get(Delivery, delivery.id, with_for_update={"skip_locked": True},
                          populate_existing=True)
    return current is not None and current.status == "pending" \
        and current.next_attempt_at <= datetime.now(UTC)


def record_sent(session, outbox, sent_unrecorded):
    """Record deliveries known to be sent whose commit failed (the database went away)."""
    for delivery_id, sent_at in list(sent_unrecorded.items()):
        delivery = session.get(Delivery, delivery_id, with_for_update=True)
        if delivery is not None and delivery.status == "pending":
            record_success(delivery)
            delivery.sent_at = sent_at
            announce(session, outbox, delivery)
        session.commit()
        del sent_unrecorded[delivery_id]


def announce(session, outbox, delivery):
    """Emit `notification_delivered` or `notification_failed` with the outcome (no address)."""
    event_type = "notification_delivered" if delivery.status == "sent" else "notification_failed"
    outbox.emit(session, event_type, {
        "delivery_id": delivery.id, "source_event_id": delivery.event_id,
        "source_event_type": delivery.event_type, "case_id": delivery.case_id,
        "channel": delivery.channel, "attempts": delivery.attempts,
        "error": delivery.last_error if delivery.status == "failed" else None,
    }, aggregate_id=delivery.id, correlation_id=delivery.correlation_id)


def reporter_address(delivery, contacts):
    """The reporter's email for a `reporter:<case>` delivery, fetched now and never stored.

    Returns None when they left no email or did not consent; raises ContactUnavailableError
    when cases cannot answer.
    """
    contact = contacts(delivery.recipient.removeprefix("reporter:"))
    if not contact or not contact.get("consent"):
        return None
    email = (contact.get("email") or "").strip()
    return email if EMAIL_ADDRESS.match(email) else None


def _no_contacts(case_id):
    raise ContactUnavailableError("no way to fetch reporters' contacts is configured")


def send_due(session, mailer, settings, outbox, contacts=_no_contacts, sent_unrecorded=None):
    """Send due email deliveries (one SMTP session, one commit each); returns how many."""
    client = None

    def attempt(delivery):
        nonlocal client
        try:
            to = delivery.recipient
            if to.startswith("reporter:"):
                to = reporter_address(delivery, contacts)
                if to is None:
                    delivery.status, delivery.attempts = "skipped", delivery.attempts + 1
                    delivery.last_error = "the reporter left no email or did not consent"
                    return
            if client is None:
                client = mailer.open()
            client.send_message(build_email(
                settings["MAIL_FROM"], to, delivery.subject, delivery.body_text,
                delivery.body_html, delivery.message_id))
        except ContactUnavailableError as exc:
            record_failure(delivery, exc, settings)
        except (OSError, smtplib.SMTPException, UnicodeError, ValueError) as exc:
            record_failure(delivery, exc, settings,
                           personal=delivery.recipient.startswith("reporter:"))
            client = _drop(client)
        else:
            record_success(delivery)

    try:
        return deliver_each(session, "email", outbox, attempt,
                            {} if sent_unrecorded is None else sent_unrecorded)
    finally:
        _drop(client)


def unit_webhook_secret(master, unit_code):
    """The signing secret of one unit's webhook, derived from the master secret.

    Each unit verifies with its own secret (handed out by an admin), so one unit's secret
    cannot forge another's messages; rotating WEBHOOK_SECRET rotates them all.
    """
    return hmac.new(master.encode("utf-8"), f"unit-webhook:{unit_code}".encode(),
                    hashlib.sha256).hexdigest()


def _signing_secret(settings, delivery):
    audience = delivery.audience or ""
    master = settings["WEBHOOK_SECRET"]
    return unit_webhook_secret(master, audience.removeprefix("unit:")) \
        if audience.startswith("unit:") else master


def send_webhooks_due(session, settings, outbox, post=None, sent_unrecorded=None):
    """POST due webhook deliveries, signed, one commit each; returns how many were attempted."""
    post = post or requests.post

    def attempt(delivery):
        headers = signed_headers(_signing_secret(settings, delivery), delivery)
        try:
            response = post(delivery.recipient, data=delivery.body_text.encode("utf-8"),
                            headers=headers, timeout=float(settings["WEBHOOK_TIMEOUT"]))
            if not 200 <= response.status_code < 300:
                raise WebhookRefusedError(f"HTTP {response.status_code}")
        except (requests.RequestException, WebhookRefusedError) as exc:
            record_failure(delivery, exc, settings)
        else:
            record_success(delivery)

    return deliver_each(session, "webhook", outbox, attempt,
                        {} if sent_unrecorded is None else sent_unrecorded)


def signed_headers(secret, delivery, now=None):
    """Headers proving the body came from us: HMAC-SHA256 over `timestamp.body`."""
    timestamp = str(int(now or time.time()))
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() +
                   delivery.body_text.encode("utf-8"), hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json; charset=utf-8",
            "X-Grassroots-Timestamp": timestamp, "X-Grassroots-Signature": f"sha256={mac}",
            "X-Grassroots-Delivery": delivery.id, "X-Grassroots-Event": delivery.event_type}


def record_success(delivery):
    """Count the attempt that delivered."""
    delivery.status, delivery.sent_at = "sent", datetime.now(UTC)
    delivery.attempts += 1


def failure_text(exc, personal=False):
    """What went wrong, for the delivery log and the service log.

    Sending to a reporter, the server's words are left out: a refusal such as «550 <address>:
    Recipient address rejected» repeats the address notify must never keep (only the codes).
    """
    if not personal:
        return f"{type(exc).__name__}: {exc}"
    refused = getattr(exc, "recipients", None) or {}
    codes = [code for code, _ in refused.values()] or [getattr(exc, "smtp_code", None)]
    shown = ", ".join(str(code) for code in codes if code)
    return (f"{type(exc).__name__}{' ' + shown if shown else ''}: the reporter's address and "
            "the server's reply are not recorded")


def record_failure(delivery, exc, settings, personal=False):
    """Count a failed attempt; back off exponentially, give up after the configured limit."""
    delivery.attempts += 1
    delivery.last_error = failure_text(exc, personal)[:1000]
    if delivery.attempts >= int(settings["DELIVERY_MAX_ATTEMPTS"]):
        delivery.status = "failed"
        log.error("delivery %s to %s failed for good: %s", delivery.id, delivery.channel,
                  delivery.last_error)
        return
    pause = float(settings["DELIVERY_RETRY_SECONDS"]) * 2 ** (delivery.attempts - 1)
    delivery.next_attempt_at = datetime.now(UTC) + timedelta(seconds=min(pause, 3600))
    log.warning("delivery %s attempt %s failed (%s); next in %.0fs", delivery.id,
                delivery.attempts, delivery.last_error, pause)


def _drop(client):
    if client is not None:
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            client.close()
    return None
