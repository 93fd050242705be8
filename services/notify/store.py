"""notify's persistence: queue deliveries for an event, send what is due, record outcomes."""

import hashlib
import hmac
import json
import logging
import smtplib
import time
import uuid
from datetime import UTC, datetime, timedelta

import requests
from sqlalchemy import func, select

from .domain import Message, recipients_for, render, webhook_body
from .mailer import build_email
from .models import Delivery, DirectoryUnit, InboxRead

log = logging.getLogger(__name__)

SEND_BATCH = 50


def unit_lookup(session):
    """A function code → unit dict over notify's directory copy (cached per call site)."""
    cache = {}

    def lookup(code):
        if code not in cache:
            unit = session.get(DirectoryUnit, code)
            cache[code] = None if unit is None else {
                "code": unit.code, "name": unit.name, "emails": unit.emails or [],
                "webhook_url": unit.webhook_url, "active": unit.active, "parent": unit.parent}
        return cache[code]

    return lookup


def apply_unit_updated(session, event):
    """Keep the directory copy current; an older or repeated version changes nothing."""
    payload = event.payload
    unit = session.get(DirectoryUnit, payload["code"], with_for_update=True)
    if unit is not None and unit.version >= event.aggregate_version:
        return False
    if unit is None:
        unit = DirectoryUnit(code=payload["code"])
        session.add(unit)
    unit.name, unit.kind, unit.parent = payload["name"], payload["kind"], payload.get("parent")
    unit.emails, unit.webhook_url = payload.get("emails") or [], payload.get("webhook_url")
    unit.head_name, unit.active = payload.get("head_name"), payload["active"]
    unit.version = event.aggregate_version
    return True


def queue_deliveries(session, event, settings):
    """Create one pending delivery per recipient of the event (in the consumer's transaction)."""
    now = datetime.now(UTC)
    created = []
    units = unit_lookup(session)
    for recipient in recipients_for(event, settings, units):
        if recipient.channel == "webhook":
            body = json.dumps(webhook_body(event), ensure_ascii=False)
            message = Message(subject=event.event_type, text=body, html=None)
        else:
            message = render(event, recipient, units)
        delivery_id = str(uuid.uuid4())
        delivery = Delivery(
            id=delivery_id, event_id=event.event_id, event_type=event.event_type,
            case_id=event.payload.get("case_id"), recipient=recipient.address,
            channel=recipient.channel, subject=message.subject, body_text=message.text,
            body_html=message.html, message_id=f"<{delivery_id}@notify.grassroots>",
            status="pending", attempts=0, next_attempt_at=now,
            correlation_id=event.correlation_id, created_at=now,
        )
        if recipient.channel == "inbox":  # stored is delivered: the user reads it here
            delivery.status, delivery.sent_at, delivery.attempts = "sent", now, 1
        session.add(delivery)
        created.append(delivery)
    session.flush()
    return created


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


def announce(session, outbox, delivery):
    """Emit `notification_delivered` or `notification_failed` with the outcome (no address)."""
    event_type = "notification_delivered" if delivery.status == "sent" else "notification_failed"
    outbox.emit(session, event_type, {
        "delivery_id": delivery.id, "source_event_id": delivery.event_id,
        "source_event_type": delivery.event_type, "case_id": delivery.case_id,
        "channel": delivery.channel, "attempts": delivery.attempts,
        "error": delivery.last_error if delivery.status == "failed" else None,
    }, aggregate_id=delivery.id, correlation_id=delivery.correlation_id)


def send_due(session, mailer, settings, outbox):
    """Send one batch of due email deliveries; returns how many were attempted."""
    batch = due_deliveries(session)
    if not batch:
        return 0
    client = None
    try:
        for delivery in batch:
            try:
                if client is None:
                    client = mailer.open()
                client.send_message(build_email(
                    settings["MAIL_FROM"], delivery.recipient, delivery.subject,
                    delivery.body_text, delivery.body_html, delivery.message_id))
            except (OSError, smtplib.SMTPException) as exc:
                record_failure(delivery, exc, settings)
                client = _drop(client)
            else:
                delivery.status, delivery.sent_at = "sent", datetime.now(UTC)
                delivery.attempts += 1
            if delivery.status in ("sent", "failed"):
                announce(session, outbox, delivery)
    finally:
        _drop(client)
        session.commit()
    return len(batch)


def send_webhooks_due(session, settings, outbox, post=None):
    """POST one batch of due webhook deliveries, signed; returns how many were attempted."""
    post = post or requests.post
    batch = due_deliveries(session, "webhook")
    try:
        for delivery in batch:
            headers = signed_headers(settings["WEBHOOK_SECRET"], delivery)
            try:
                response = post(delivery.recipient, data=delivery.body_text.encode("utf-8"),
                                headers=headers, timeout=float(settings["WEBHOOK_TIMEOUT"]))
                if not 200 <= response.status_code < 300:
                    raise WebhookRefusedError(f"HTTP {response.status_code}")
            except (requests.RequestException, WebhookRefusedError) as exc:
                record_failure(delivery, exc, settings)
            else:
                delivery.status, delivery.sent_at = "sent", datetime.now(UTC)
                delivery.attempts += 1
            if delivery.status in ("sent", "failed"):
                announce(session, outbox, delivery)
    finally:
        session.commit()
    return len(batch)


class WebhookRefusedError(Exception):
    """The receiving end answered with something other than 2xx."""


def signed_headers(secret, delivery, now=None):
    """Headers proving the body came from us: HMAC-SHA256 over `timestamp.body`."""
    timestamp = str(int(now or time.time()))
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() +
                   delivery.body_text.encode("utf-8"), hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json; charset=utf-8",
            "X-Grassroots-Timestamp": timestamp, "X-Grassroots-Signature": f"sha256={mac}",
            "X-Grassroots-Delivery": delivery.id, "X-Grassroots-Event": delivery.event_type}


def record_failure(delivery, exc, settings):
    """Count a failed attempt; back off exponentially, give up after the configured limit."""
    delivery.attempts += 1
    delivery.last_error = f"{type(exc).__name__}: {exc}"[:1000]
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


def list_deliveries(session, case_id=None, recipient=None, status=None, channel=None, page=1,
                    per_page=50):
    """The delivery log, newest first, filtered by case, recipient, status and channel."""
    query = select(Delivery)
    if channel:
        query = query.where(Delivery.channel == channel)
    if case_id:
        query = query.where(Delivery.case_id == case_id)
    if recipient:
        query = query.where(func.lower(Delivery.recipient) == recipient.lower())
    if status:
        query = query.where(Delivery.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(Delivery.created_at.desc(), Delivery.id)
                           .offset((page - 1) * per_page).limit(per_page)).all()
    return [{
        "id": d.id, "event_id": d.event_id, "event_type": d.event_type, "case_id": d.case_id,
        "recipient": d.recipient, "channel": d.channel, "subject": d.subject,
        "status": d.status, "attempts": d.attempts, "last_error": d.last_error,
        "created_at": d.created_at.isoformat(),
        "sent_at": d.sent_at.isoformat() if d.sent_at else None,
    } for d in rows], total


def list_inbox(session, box, user_id, unread_only=False, page=1, per_page=50):
    """A user's in-app notifications, newest first, each with whether they read it."""
    read = select(InboxRead.delivery_id).where(InboxRead.user_id == user_id)
    query = select(Delivery).where(Delivery.channel == "inbox", Delivery.recipient == box)
    if unread_only:
        query = query.where(Delivery.id.not_in(read))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(Delivery.created_at.desc(), Delivery.id)
                           .offset((page - 1) * per_page).limit(per_page)).all()
    seen = set(session.scalars(read.where(InboxRead.delivery_id.in_([d.id for d in rows]))))
    return [{"id": d.id, "event_type": d.event_type, "case_id": d.case_id,
             "subject": d.subject, "text": d.body_text, "created_at": d.created_at.isoformat(),
             "read": d.id in seen} for d in rows], total


def mark_read(session, box, user_id, delivery_id):
    """Mark one notification of the user's inbox read (again is harmless); False if absent."""
    delivery = session.get(Delivery, delivery_id)
    if delivery is None or delivery.channel != "inbox" or delivery.recipient != box:
        return False
    if session.get(InboxRead, (delivery_id, user_id)) is None:
        session.add(InboxRead(delivery_id=delivery_id, user_id=user_id,
                              read_at=datetime.now(UTC)))
    return True


def count_by_status(session):
    """How many deliveries are in each status, per channel."""
    counts = {}
    for channel, status, number in session.execute(
            select(Delivery.channel, Delivery.status, func.count())
            .group_by(Delivery.channel, Delivery.status)):
        counts.setdefault(channel, {})[status] = number
    return counts
