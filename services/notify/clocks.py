"""Case clocks kept from case events, and the reminders they owe (once, with any replicas)."""

from datetime import UTC, datetime

from sqlalchemy import select

from services.common.contracts import Event

from .models import CaseClock, ReminderSent
from .reminders import ACTIVE_STATUSES, reminder_due, reminder_id, reminder_payload
from .store import queue_deliveries

RESTARTS = frozenset({"case_assigned", "case_transferred", "case_reopened"})
REMINDER_BATCH = 200


def apply_case_event(session, event, now=None):
    """Keep the case's clock current; an older or repeated version changes nothing."""
    payload = event.payload
    clock = session.get(CaseClock, payload["case_id"], with_for_update=True)
    if clock is not None and clock.version >= event.aggregate_version:
        return False
    if clock is None:
        clock = CaseClock(case_id=payload["case_id"], correlation_id=event.correlation_id)
        session.add(clock)
    deadline = payload.get("deadline_at")
    if deadline is not None and (clock.started_at is None or event.event_type in RESTARTS):
        clock.started_at = event.occurred_at
    clock.tracking_code, clock.title = payload["tracking_code"], payload.get("title")
    clock.status, clock.priority = payload["status"], payload["priority"]
    clock.assigned_unit = payload.get("assigned_unit")
    clock.deadline_at, clock.version = deadline, event.aggregate_version
    clock.next_reminder_at = (now or datetime.now(UTC)) \
        if deadline is not None and clock.status in ACTIVE_STATUSES else None
    return True


def _facts(clock):
    return {"case_id": clock.case_id, "tracking_code": clock.tracking_code,
            "title": clock.title, "status": clock.status, "priority": clock.priority,
            "assigned_unit": clock.assigned_unit, "deadline_at": clock.deadline_at}


def send_reminders(session, settings, fractions, now=None):
    """Queue the reminders now owed; returns how many. Rows are locked, so replicas share."""
    now = now or datetime.now(UTC)
    clocks = session.scalars(
        select(CaseClock).where(CaseClock.next_reminder_at <= now)
        .order_by(CaseClock.next_reminder_at).limit(REMINDER_BATCH)
        .with_for_update(skip_locked=True)).all()
    sent = 0
    for clock in clocks:
        kind, clock.next_reminder_at = reminder_due(clock.started_at, clock.deadline_at,
                                                    fractions, now)
        key = (clock.case_id, clock.started_at, kind)
        if kind is None or session.get(ReminderSent, key) is not None:
            continue
        event_id = reminder_id(clock.case_id, clock.started_at, kind)
        session.add(ReminderSent(case_id=clock.case_id, started_at=clock.started_at, kind=kind,
                                 event_id=event_id, sent_at=now))
        event_type, payload = reminder_payload(kind, _facts(clock))
        reminder = Event(event_id, event_type, 1, now, "notify", clock.correlation_id,
                         clock.correlation_id, clock.case_id, clock.version, payload)
        queue_deliveries(session, reminder, settings, now)
        sent += 1
    session.commit()
    return sent
