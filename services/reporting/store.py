"""reporting's persistence: fold case events into facts; count them."""

from sqlalchemy import func, select

from .models import CaseFact

STATUSES = ("new", "assigned", "in_progress", "awaiting_info", "resolved", "closed",
            "rejected", "merged")


def apply_case_opened(session, event):
    """Record a newly opened case; an older or repeated version changes nothing."""
    payload = event.payload
    fact = session.get(CaseFact, payload["case_id"], with_for_update=True)
    if fact is not None and fact.version >= event.aggregate_version:
        return False
    if fact is None:
        fact = CaseFact(case_id=payload["case_id"])
        session.add(fact)
    fact.status = payload["status"]
    fact.category = payload.get("category")
    fact.unit_code = payload.get("unit_code")
    fact.channel = payload["channel"]
    fact.priority = payload["priority"]
    fact.opened_at = payload["opened_at"]
    fact.version = event.aggregate_version
    fact.updated_at = event.occurred_at
    return True


def summary(session):
    """Cases by status, every status listed, plus the total."""
    counts = dict(session.execute(
        select(CaseFact.status, func.count()).group_by(CaseFact.status)).all())
    by_status = {status: counts.get(status, 0) for status in STATUSES}
    by_status.update({k: v for k, v in counts.items() if k not in by_status})
    return {"total": sum(counts.values()), "by_status": by_status}
