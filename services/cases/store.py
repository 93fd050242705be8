"""cases' persistence: open a case from feedback, with its history entry and event."""

import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select

from .domain import INITIAL_STATUS, SYSTEM_ACTOR, case_from_feedback
from .models import Case, CaseHistory


def open_case(session, outbox, event):
    """Open a case for a `feedback_received` event unless its submission already has one."""
    payload = event.payload
    existing = session.scalar(select(Case).where(Case.submission_id == payload["submission_id"]))
    if existing is not None:
        return existing
    now = datetime.now(UTC)
    new = case_from_feedback(payload, now)
    reporter = payload.get("reporter") or {}
    case = Case(
        id=str(uuid.uuid4()), tracking_code=new.tracking_code,
        submission_id=new.submission_id, title=new.title, body=new.body,
        category=new.category, unit_code=new.unit_code, channel=new.channel,
        priority=new.priority, status=INITIAL_STATUS, version=1,
        reporter_name=reporter.get("name"), reporter_contact=reporter.get("contact"),
        consent_to_contact=bool(reporter.get("consent_to_contact")),
        opened_at=now, updated_at=now, correlation_id=event.correlation_id,
    )
    session.add(case)
    session.add(CaseHistory(
        case_id=case.id, version=1, action="open", actor=SYSTEM_ACTOR, at=now,
        from_status=None, to_status=INITIAL_STATUS,
        details={"event_id": event.event_id, "channel": new.channel},
    ))
    session.flush()
    outbox.emit(session, "case_opened", {
        "case_id": case.id, "tracking_code": case.tracking_code,
        "submission_id": case.submission_id, "title": case.title,
        "category": case.category, "unit_code": case.unit_code, "channel": case.channel,
        "priority": case.priority, "status": case.status,
        "opened_at": case.opened_at.isoformat(),
    }, aggregate_id=case.id, aggregate_version=case.version, cause=event)
    return case


def count_by_status(session):
    """How many cases are in each status."""
    return dict(session.execute(select(Case.status, func.count()).group_by(Case.status)).all())
