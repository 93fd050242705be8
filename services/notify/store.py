"""notify's persistence: queue deliveries for an event, send what is due, record outcomes."""

import json
import logging
import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select

from services.common.consuming import keep_newer

from .domain import CHANNELS, DIGEST, REPORTER, Preference, recipients_for, send_after
from .messages import Message, render_event, webhook_body
from .models import Delivery, DirectoryUnit, InboxRead
from .models import Preference as PreferenceRow

log = logging.getLogger(__name__)


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
    return keep_newer(session, DirectoryUnit, payload["code"], event, name=payload["name"],
                      kind=payload["kind"], parent=payload.get("parent"),
                      emails=payload.get("emails") or [], webhook_url=payload.get("webhook_url"),
                      head_name=payload.get("head_name"), active=payload["active"])


def preference_lookup(session):
    """A function owner → Preference over notify's stored preferences (cached)."""
    cache = {}

    def lookup(owner):
        if owner not in cache:
            row = session.get(PreferenceRow, owner)
            cache[owner] = None if row is None else as_preference(row)
        return cache[owner]

    return lookup


def follower_lookup(session):
    """A function audience → users who asked for its messages (or for digests) by email."""
    def lookup(audience):
        query = select(PreferenceRow).where(PreferenceRow.email.is_not(None))
        query = query.where(PreferenceRow.digests) if audience == DIGEST \
            else query.where(PreferenceRow.follows == audience)
        return [as_preference(row) for row in session.scalars(query)]

    return lookup


def as_preference(row):
    """The domain Preference of a stored row."""
    return Preference(owner=row.owner, channels=frozenset(row.channels), language=row.language,
                      quiet_start=row.quiet_start, quiet_end=row.quiet_end, email=row.email,
                      follows=row.follows, digests=row.digests, name=row.name)


def message_for(event, recipient, units, settings):
    """The message one recipient gets for an event: JSON for webhooks, else a template."""
    if recipient.channel == "webhook":
        return Message(event.event_type, json.dumps(webhook_body(event), ensure_ascii=False),
                       None)
    kind = "case_resolved_reporter" if recipient.audience == REPORTER else event.event_type
    return render_event(event, recipient.lang, recipient.name, units,
                        settings.get("PUBLIC_URL", ""), kind)


def queue_deliveries(session, event, settings, now=None):
    """Create one pending delivery per recipient of the event (in the consumer's transaction).

    Inbox deliveries are delivered by being stored; the others wait for their channel's loop,
    and non-urgent ones for the end of the recipient's quiet hours.
    """
    now = now or datetime.now(UTC)
    created = []
    units = unit_lookup(session)
    recipients = recipients_for(event, settings, units, preference_lookup(session),
                                follower_lookup(session))
    for recipient in recipients:
        message = message_for(event, recipient, units, settings)
        delivery_id = str(uuid.uuid4())
        delivery = Delivery(
            id=delivery_id, event_id=event.event_id, event_type=event.event_type,
            case_id=event.payload.get("case_id"), recipient=recipient.address,
            channel=recipient.channel, audience=recipient.audience, language=recipient.lang,
            subject=message.subject, body_text=message.text, body_html=message.html,
            message_id=f"<{delivery_id}@notify.grassroots>", status="pending", attempts=0,
            next_attempt_at=send_after(now, event.event_type, event.payload, recipient),
            correlation_id=event.correlation_id, created_at=now,
        )
        if recipient.channel == "inbox":
            delivery.status, delivery.sent_at, delivery.attempts = "sent", now, 1
        session.add(delivery)
        created.append(delivery)
    session.flush()
    return created


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


def preference_view(session, owner):
    """An audience's or user's preferences as the API shows them (defaults when unset)."""
    row = session.get(PreferenceRow, owner)
    pref = as_preference(row) if row is not None else Preference(owner=owner)
    view = {"owner": owner, "channels": sorted(pref.channels), "language": pref.language,
            "quiet_start": pref.quiet_start, "quiet_end": pref.quiet_end,
            "updated_at": row.updated_at.isoformat() if row is not None else None}
    if owner.startswith("user:"):
        view.update(email=pref.email, name=pref.name, follows=pref.follows,
                    digests=pref.digests)
    return view


def save_preference(session, owner, choice, actor_id, now):
    """Create or update preferences with the fields given; the others keep their values."""
    row = session.get(PreferenceRow, owner, with_for_update=True)
    if row is None:
        row = PreferenceRow(owner=owner, channels=list(CHANNELS), language="vi", digests=False)
        session.add(row)
    for name, value in choice.items():
        setattr(row, name, sorted(set(value)) if name == "channels" else value)
    row.updated_at, row.updated_by = now, actor_id
    return row
