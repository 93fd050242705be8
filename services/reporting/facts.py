"""Fold case events into the read model, whatever order and however often they arrive.

Each event adds one step (case id, version) to the case's timeline and, when it is the newest
version seen, sets the case's current state; an older event never overwrites newer state but
still fills in what only it carries (`case_opened`: opening time and channel). The figures
derived from history (resolution time, pauses, reopenings) are then recomputed from the whole
timeline, so the result depends only on which events have arrived, not on their order.
"""

from sqlalchemy import inspect, select
from sqlalchemy.orm import make_transient_to_detached

from services.common.db import insert_for
from services.common.workdays import local_day

from .models import CaseFact, CaseStep
from .settings import Settings
from .summary import keys_of, shift

OPEN_STATUSES = ("new", "assigned", "in_progress", "awaiting_info")
CLOCK_RUNNING = ("new", "assigned", "in_progress")
DONE_STATUSES = ("resolved", "closed")
# time in these statuses does not count toward resolution time
CLOCK_STOPPED = frozenset({"awaiting_info", "closed"})
FACT_COLUMNS = [attribute.key for attribute in inspect(CaseFact).column_attrs]


def _ensure_fact(session, event):
    """Create the case's row if absent (placeholders from this event); lock and return it
    with whether this call created it."""
    payload = event.payload
    fact = session.get(CaseFact, payload["case_id"], with_for_update=True,
                       populate_existing=True)
    if fact is not None:
        return fact, False
    values = dict.fromkeys(FACT_COLUMNS) | {
        "case_id": payload["case_id"], "tracking_code": payload["tracking_code"],
        "title": payload.get("title"), "status": payload["status"],
        "priority": payload["priority"], "sensitivity": payload.get("sensitivity") or "normal",
        "escalation_level": 0, "version": 0, "updated_at": event.occurred_at, "opened": False,
        "opened_at": event.occurred_at, "opened_on": local_day(event.occurred_at),
        "paused_days": 0, "merged": False, "rejected": False, "reopen_count": 0,
        "transfer_count": 0, "overdue_count": 0}
    # ON CONFLICT: a concurrent handler of another event of the same case may create it too
    if session.execute(insert_for(session, CaseFact).values(**values)
                       .on_conflict_do_nothing()).rowcount == 1:
        # the row holds exactly `values`: the session takes it as loaded, without a SELECT
        fact = CaseFact(**values)
        make_transient_to_detached(fact)
        session.add(fact)
        return fact, True
    return session.get(CaseFact, payload["case_id"], with_for_update=True,
                       populate_existing=True), False


def _step_values(event):
    payload = event.payload
    return {"case_id": payload["case_id"], "version": event.aggregate_version,
            "event_type": event.event_type, "occurred_at": event.occurred_at,
            "status": payload["status"], "assigned_unit": payload.get("assigned_unit"),
            "deadline_at": payload.get("deadline_at")}


def _add_step(session, event):
    session.execute(insert_for(session, CaseStep).values(**_step_values(event))
                    .on_conflict_do_nothing())


def _take_current(fact, event):
    """The newest event's view of the case becomes the current state."""
    payload = event.payload
    fact.status, fact.priority = payload["status"], payload["priority"]
    fact.tracking_code = payload["tracking_code"]
    fact.title = payload.get("title") or fact.title
    fact.category, fact.unit_code = payload.get("category"), payload.get("unit_code")
    if event.event_type != "case_opened":  # case_opened does not carry these
        fact.sensitivity = payload.get("sensitivity") or "normal"
        fact.assigned_unit = payload.get("assigned_unit")
        fact.deadline_at = payload.get("deadline_at")
        fact.escalation_level = payload.get("escalation_level") or 0
    fact.version, fact.updated_at = event.aggregate_version, event.occurred_at


def apply_case_event(session, event, settings=None):
    """Fold one case event into the read model; True when it was the newest version seen.

    The daily counts (summary.py) move from the case's old figures to its new ones in the
    same transaction."""
    settings = settings or Settings()
    fact, created = _ensure_fact(session, event)
    counted = [] if created else keys_of(fact)
    _add_step(session, event)
    payload = event.payload
    if event.event_type == "case_opened":
        fact.opened, fact.channel, fact.opened_at = True, payload["channel"], payload["opened_at"]
    newest = event.aggregate_version > fact.version
    if newest:
        _take_current(fact, event)
    elif not fact.title and payload.get("title"):
        fact.title = payload["title"]
    # a case created by this event has no other step yet: no need to read them back
    steps = [CaseStep(**_step_values(event))] if created else session.scalars(
        select(CaseStep).where(CaseStep.case_id == fact.case_id).order_by(CaseStep.version)
    ).all()
    derive(fact, steps, settings.calendar)
    shift(session, counted, keys_of(fact))
    return newest


def _stopped_days(steps, until, calendar):
    """Working days spent in clock-stopped statuses before `until`."""
    days = 0
    for step, following in zip(steps, steps[1:], strict=False):
        if step.status in CLOCK_STOPPED and following.occurred_at <= until:
            days += calendar.working_days_between(step.occurred_at, following.occurred_at)
    return days


def _first(steps, event_type):
    return next((s for s in steps if s.event_type == event_type), None)


def _last(steps, event_type):
    return next((s for s in reversed(steps) if s.event_type == event_type), None)


def derive(fact, steps, calendar):
    """Recompute the history figures of a case from its timeline (steps in version order)."""
    if not fact.opened and steps:
        fact.opened_at = min(step.occurred_at for step in steps)
    fact.opened_on = local_day(fact.opened_at)
    first = _first(steps, "case_resolved")
    fact.first_resolved_at = first.occurred_at if first else None
    last = _last(steps, "case_resolved") if fact.status in DONE_STATUSES else None
    fact.resolved_at = last.occurred_at if last else None
    fact.resolved_on = local_day(last.occurred_at) if last else None
    fact.resolved_deadline_at = last.deadline_at if last else None
    fact.resolved_on_time = (last.occurred_at <= last.deadline_at
                             if last and last.deadline_at else None)
    paused = [(a, b) for a, b in zip(steps, steps[1:], strict=False)
              if a.status == "awaiting_info"]
    fact.paused_days = sum(calendar.working_days_between(a.occurred_at, b.occurred_at)
                           for a, b in paused)
    if last:
        total = calendar.working_days_between(fact.opened_at, last.occurred_at)
        fact.resolution_days = max(0, total - _stopped_days(steps, last.occurred_at, calendar))
    else:
        fact.resolution_days = None
    closed = _last(steps, "case_closed") if fact.status == "closed" else None
    fact.closed_at = closed.occurred_at if closed else None
    fact.merged, fact.rejected = fact.status == "merged", fact.status == "rejected"
    ended = next((s for s in steps if s.status == fact.status), None) \
        if fact.status in ("rejected", "merged") else closed
    fact.ended_at = ended.occurred_at if ended else None
    fact.reopen_count = sum(s.event_type == "case_reopened" for s in steps)
    fact.transfer_count = sum(s.event_type == "case_transferred" for s in steps)
    overdue = [s for s in steps if s.event_type == "case_overdue"]
    fact.first_overdue_at = overdue[0].occurred_at if overdue else None
    fact.overdue_count = len(overdue)
