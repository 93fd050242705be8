"""Read side of cases: list with filters and paging, detail with history and comments."""

import re
from datetime import UTC, datetime

from sqlalchemy import func, select

from services.common.text import fold
from services.common.workdays import VIETNAM

from . import workflow
from .access import visible_filter
from .models import Case, CaseHistory, Comment, User
from .store import CLOCK_RUNNING, case_state

SYSTEM_NAMES = {"system": "Hệ thống"}
EMAIL_IN_TEXT = re.compile(r"[^\s;,<>()]+@[^\s;,<>()]+\.[^\s;,<>()]+")
CONTACT_SEPARATORS = " ;,/|<>()"


def split_contact(text):
    """A free-text contact ("a@b.vn; 0912 345 678", "0912...", "a@b.vn") as (email, phone)."""
    found = EMAIL_IN_TEXT.search(text or "")
    email = found.group(0) if found else None
    rest = (text or "").replace(email, " ") if email else (text or "")
    phone = rest.strip(CONTACT_SEPARATORS).strip() or None
    return email, phone


def _iso(value):
    return value.isoformat() if value else None


def _local(value):
    """A time as people read it here: Vietnam's zone, day first."""
    return value.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y") if value else ""


def case_summary(case, now=None):
    """A case as the list shows it (no reporter personal data)."""
    now = now or datetime.now(UTC)
    return {
        "id": case.id, "tracking_code": case.tracking_code, "title": case.title,
        "status": case.status, "priority": case.priority, "sensitivity": case.sensitivity,
        "category": case.category, "unit_code": case.unit_code, "channel": case.channel,
        "assigned_unit": case.assigned_unit,
        "coordinating_units": list(case.coordinating_units or []),
        "escalation_level": case.escalation_level, "deadline_at": _iso(case.deadline_at),
        "deadline_local": _local(case.deadline_at),
        "overdue": bool(case.deadline_at and case.deadline_at < now
                        and case.status in CLOCK_RUNNING),
        "opened_at": _iso(case.opened_at), "updated_at": _iso(case.updated_at),
        "version": case.version,
    }


def list_cases(session, principal, filters, now=None):
    """Visible cases matching the filters, soonest deadline first; returns (items, total)."""
    now = now or datetime.now(UTC)
    query = visible_filter(select(Case), principal)
    if filters.get("status"):
        query = query.where(Case.status.in_(filters["status"].split(",")))
    if filters.get("unit"):
        query = query.where(Case.assigned_unit == filters["unit"])
    if filters.get("category"):
        query = query.where(Case.category == filters["category"])
    if filters.get("priority"):
        query = query.where(Case.priority == filters["priority"])
    if filters.get("overdue") is not None:
        late = (Case.deadline_at < now) & Case.status.in_(CLOCK_RUNNING)
        query = query.where(late if filters["overdue"] else ~late)
    if filters.get("q"):
        for word in fold(filters["q"]).split():
            query = query.where(Case.search_text.contains(word, autoescape=True))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    page, per_page = filters.get("page", 1), filters.get("per_page", 50)
    rows = session.scalars(query.order_by(Case.deadline_at.asc().nulls_last(), Case.id)
                           .offset((page - 1) * per_page).limit(per_page)).all()
    return [case_summary(c, now) for c in rows], total


def case_detail(session, case, principal, reopen_settings, now=None):
    """A case with its body, history, comments the viewer may read, and allowed actions."""
    now = now or datetime.now(UTC)
    history = session.scalars(select(CaseHistory).where(CaseHistory.case_id == case.id)
                              .order_by(CaseHistory.version)).all()
    comments = session.scalars(select(Comment).where(Comment.case_id == case.id)
                               .order_by(Comment.id)).all()
    actor = workflow.Actor(principal.user_id, principal.role, principal.unit_code)
    names = dict(session.execute(select(User.id, User.full_name).where(
        User.id.in_({h.actor for h in history}))).all())
    detail = case_summary(case, now)
    detail.update({
        "body": case.body, "resolution": case.resolution, "merged_into": case.merged_into,
        "resolved_at": _iso(case.resolved_at), "closed_at": _iso(case.closed_at),
        "history": [{"version": h.version, "action": h.action, "actor": h.actor,
                     "actor_name": names.get(h.actor, SYSTEM_NAMES.get(h.actor, h.actor)),
                     "actor_role": h.actor_role,
                     "at": _iso(h.at), "at_local": _local(h.at), "from_status": h.from_status,
                     "to_status": h.to_status, "details": h.details} for h in history],
        "comments": [{"author": c.author_name, "text": c.text, "public": c.public,
                      "at": _iso(c.at), "at_local": _local(c.at)} for c in comments],
        "allowed_actions": workflow.allowed_actions(case_state(case), actor, now,
                                                    reopen_settings),
    })
    detail["possible_duplicate"] = _duplicate(session, case)
    if principal.role in ("clerk", "leader"):
        detail["reporter"] = {"name": case.reporter_name, "contact": case.reporter_contact,
                              "consent_to_contact": case.consent_to_contact}
    return detail


def _duplicate(session, case):
    """The open case this one probably repeats, for a one-click merge; None otherwise."""
    if not case.possible_duplicate_of or case.status not in ("new", "assigned"):
        return None
    earlier = session.get(Case, case.possible_duplicate_of)
    if earlier is None or earlier.status in ("merged", "closed", "rejected"):
        return None
    return {"case_id": earlier.id, "tracking_code": earlier.tracking_code,
            "title": earlier.title, "status": earlier.status,
            "score": case.duplicate_score}


def reporter_contact(session, case_id):
    """A reporter's contact for notify to write to them now; details only with consent.

    None when the case is unknown.
    """
    case = session.get(Case, case_id)
    if case is None:
        return None
    if not case.consent_to_contact or not case.reporter_contact:
        return {"consent": False}
    email, phone = split_contact(case.reporter_contact)
    return {"consent": True, "name": case.reporter_name, "email": email, "phone": phone}


def case_gauges(session, now=None):
    """Open cases by status, and those past their deadline, as Prometheus gauges."""
    now = now or datetime.now(UTC)
    by_status = dict(session.execute(
        select(Case.status, func.count()).where(Case.status.in_(workflow.OPEN_STATES))
        .group_by(Case.status)).all())
    overdue = session.scalar(select(func.count()).select_from(Case).where(
        Case.status.in_(CLOCK_RUNNING), Case.deadline_at < now))
    return {
        "grassroots_cases_open": ("Open cases by status", ("status",),
                                  {(status,): by_status.get(status, 0)
                                   for status in sorted(workflow.OPEN_STATES)}),
        "grassroots_cases_overdue": ("Open cases past their deadline", (), {(): overdue}),
    }
