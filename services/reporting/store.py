"""reporting's persistence: fold case events into facts; count them."""

from sqlalchemy import func, select

from .models import CaseFact

STATUSES = ("new", "assigned", "in_progress", "awaiting_info", "resolved", "closed",
            "rejected", "merged")


def apply_case_event(session, event):
    """Fold a case event into its fact row; an older or repeated version changes nothing.

    A later event can arrive before `case_opened`: the row is created from what it carries
    and `case_opened` fills in the opening fields when it comes.
    """
    payload = event.payload
    fact = session.get(CaseFact, payload["case_id"], with_for_update=True)
    if fact is None:
        fact = CaseFact(case_id=payload["case_id"], version=0,
                        channel=payload.get("channel") or "unknown",
                        opened_at=payload.get("opened_at") or event.occurred_at)
        session.add(fact)
    if event.event_type == "case_opened":
        fact.channel, fact.opened_at = payload["channel"], payload["opened_at"]
    if fact.version >= event.aggregate_version:
        return False
    fact.status = payload["status"]
    fact.category = payload.get("category")
    fact.unit_code = payload.get("unit_code")
    fact.priority = payload["priority"]
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
