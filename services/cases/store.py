"""cases' persistence: open cases from feedback, carry out actions, record history and events."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, or_, select

from services.common.db import insert_new
from services.common.text import fold
from services.common.web import ApiError, ConflictError, NotFoundError, UnprocessableError
from services.common.workdays import WorkingCalendar, deadline_days

from . import workflow
from .access import can_see
from .domain import INITIAL_STATUS, SYSTEM_ACTOR, case_from_feedback
from .models import Case, CaseHistory, Comment, Unit
from .workflow import Settings as WorkflowSettings

CLOCK_RUNNING = frozenset({"new", "assigned", "in_progress"})
SYSTEM = workflow.Actor("system", "system")


@dataclass
class CaseRules:
    """Deadline and workflow settings of the cases service."""

    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)
    deadline_rules: dict = field(default_factory=dict)
    workflow: WorkflowSettings = field(default_factory=WorkflowSettings)
    escalation_grace_hours: float = 24.0

    @classmethod
    def from_config(cls, config):
        """Build the rules from the service configuration."""
        return cls(
            calendar=WorkingCalendar.from_config(config),
            deadline_rules=parse_rules(config.get("DEADLINE_RULES", "")),
            workflow=WorkflowSettings(int(config.get("REOPEN_WINDOW_DAYS", 30))),
            escalation_grace_hours=float(config.get("ESCALATION_GRACE_HOURS", 24)),
        )


def parse_rules(text):
    """Parse `hot=1,urgent=3,normal:security=5` into {key: working days}."""
    rules = {}
    for item in filter(None, (part.strip() for part in (text or "").split(","))):
        key, _, days = item.partition("=")
        if not key.strip() or not days.strip().isdigit() or int(days) < 1:
            raise ValueError(f"DEADLINE_RULES: bad item {item!r}; use key=days")
        rules[key.strip()] = int(days)
    return rules


def searchable(title, body):
    """The accent-folded text used by search."""
    return fold(f"{title} {body}")


def case_state(case):
    """The workflow's view of a stored case."""
    return workflow.CaseState(
        status=case.status, assigned_unit=case.assigned_unit,
        coordinating_units=tuple(case.coordinating_units or ()),
        escalation_level=case.escalation_level,
        escalated_units=tuple(case.escalated_units or ()), closed_at=case.closed_at,
        case_id=case.id)


def change_payload(case, decision, actor):
    """The payload of a `case_*` event after an action (no reporter personal data)."""
    return {
        "case_id": case.id, "tracking_code": case.tracking_code, "title": case.title,
        "action": decision.action,
        "status": case.status, "from_status": decision.from_status, "priority": case.priority,
        "sensitivity": case.sensitivity, "category": case.category, "unit_code": case.unit_code,
        "assigned_unit": case.assigned_unit,
        "coordinating_units": list(case.coordinating_units or []),
        "escalation_level": case.escalation_level,
        "escalated_units": list(case.escalated_units or []),
        "deadline_at": case.deadline_at.isoformat() if case.deadline_at else None,
        "actor_id": actor.user_id, "actor_role": actor.role,
        "details": {k: v for k, v in decision.details.items() if k != "text"}
        if decision.action == "comment" and not decision.details.get("public")
        else decision.details,
    }


def open_case(session, outbox, event, rules=None):
    """Open a case for a `feedback_received` event unless its submission already has one."""
    rules = rules or CaseRules()
    payload = event.payload
    existing = session.scalar(select(Case).where(Case.submission_id == payload["submission_id"]))
    if existing is not None:
        return existing
    now = datetime.now(UTC)
    new = case_from_feedback(payload, now)
    reporter = payload.get("reporter") or {}
    days = deadline_days(new.priority, new.category, rules.deadline_rules)
    case = Case(
        id=str(uuid.uuid4()), tracking_code=new.tracking_code,
        submission_id=new.submission_id, title=new.title, body=new.body,
        search_text=searchable(new.title, new.body), category=new.category,
        unit_code=new.unit_code, channel=new.channel, priority=new.priority,
        sensitivity="normal", status=INITIAL_STATUS, version=1, coordinating_units=[],
        escalation_level=0, escalated_units=[],
        deadline_at=rules.calendar.add_working_days(now, days),
        reporter_name=reporter.get("name"), reporter_contact=reporter.get("contact"),
        consent_to_contact=bool(reporter.get("consent_to_contact")),
        opened_at=now, updated_at=now, correlation_id=event.correlation_id,
    )
    duplicate = payload.get("possible_duplicate_of")
    if duplicate:
        earlier = session.scalar(select(Case).where(
            Case.tracking_code == duplicate["tracking_code"]))
        if earlier is not None and earlier.status not in ("merged", "closed", "rejected"):
            case.possible_duplicate_of, case.duplicate_score = earlier.id, duplicate["score"]
    insert_new(session, case)  # Core inserts: no unit-of-work flush on the hot path
    insert_new(session, CaseHistory(
        case_id=case.id, version=1, action="open", actor=SYSTEM_ACTOR, actor_role="system",
        at=now, from_status=None, to_status=INITIAL_STATUS,
        details={"event_id": event.event_id, "channel": new.channel,
                 "deadline_at": case.deadline_at.isoformat()},
    ))
    outbox.emit(session, "case_opened", {
        "case_id": case.id, "tracking_code": case.tracking_code,
        "submission_id": case.submission_id, "title": case.title,
        "category": case.category, "unit_code": case.unit_code, "channel": case.channel,
        "priority": case.priority, "status": case.status,
        "opened_at": case.opened_at.isoformat(),
    }, aggregate_id=case.id, aggregate_version=case.version, cause=event)
    return case


def load_case(session, case_id, principal=None, lock=False):
    """A case the principal may see, or NotFoundError (invisible cases look absent)."""
    query = select(Case).where(Case.id == case_id)
    case = session.scalar(query.with_for_update() if lock else query)
    if case is None or (principal is not None and not can_see(case, principal)):
        raise NotFoundError("No such case, or you may not see it.",
                            fields={"case_id": ["Unknown case."]})
    return case


def _active_unit(session, code, field_name):
    unit = session.get(Unit, code) if code else None
    if unit is None or not unit.active:
        raise UnprocessableError(f"Unit {code} does not exist or is inactive.",
                                 fields={field_name: ["Unknown or inactive unit."]})
    return unit


def _check_references(session, case, action, params):
    """Units and cases named in an action's parameters must exist and be usable."""
    if action in ("assign", "transfer") and params.get("unit_code"):
        _active_unit(session, params["unit_code"], "unit_code")
    if action == "assign":
        for code in params.get("coordinating_units") or []:
            if isinstance(code, str) and code.strip():
                _active_unit(session, code.strip(), "coordinating_units")
    if action == "merge" and params.get("into_case_id"):
        target = session.get(Case, params["into_case_id"])
        if target is None or target.status in ("merged", "rejected"):
            raise UnprocessableError("The case to merge into does not exist or is closed.",
                                     fields={"into_case_id": ["Unknown or terminal case."]})
    if action == "escalate":
        assigned = session.get(Unit, case.assigned_unit) if case.assigned_unit else None
        params = {**params, "parent_unit": assigned.parent_code if assigned else None}
    return params


def _apply_clock(case, decision, now, rules):
    """Deadline effects: priority set at triage, pause in awaiting_info, extend on resume,
    restart on reopen."""
    if "priority" in decision.changes:
        days = deadline_days(case.priority, case.category, rules.deadline_rules)
        case.deadline_at = rules.calendar.add_working_days(case.opened_at, days)
    if decision.to_status == "awaiting_info":
        case.paused_at = now
    elif decision.from_status == "awaiting_info" and case.paused_at:
        case.deadline_at = rules.calendar.extend(case.deadline_at, case.paused_at, now)
        case.paused_at = None
    if decision.action == "reopen":
        days = deadline_days(case.priority, case.category, rules.deadline_rules)
        case.deadline_at = rules.calendar.add_working_days(now, days)
        case.overdue_marked_for = case.escalated_for = None
    if decision.action == "resolve":
        case.resolution, case.resolved_at = decision.details.get("resolution"), now
    if decision.action == "reject_resolution":
        case.resolved_at = None
    if decision.action == "merge":
        case.merged_into = decision.details.get("into_case_id")


def apply_decision(session, outbox, case, decision, actor, now, rules, actor_name=None):
    """Write a decided action: fields, clock, version, history entry, comment and event."""
    for name, value in decision.changes.items():
        setattr(case, name, list(value) if isinstance(value, tuple) else value)
    _apply_clock(case, decision, now, rules)
    case.version += 1
    case.updated_at = now
    session.add(CaseHistory(
        case_id=case.id, version=case.version, action=decision.action, actor=actor.user_id,
        actor_role=actor.role, at=now, from_status=decision.from_status,
        to_status=decision.to_status, details=decision.details))
    if decision.action == "comment":
        session.add(Comment(case_id=case.id, author_id=actor.user_id,
                            author_name=actor_name or actor.user_id,
                            text=decision.details["text"],
                            public=bool(decision.details.get("public")), at=now))
    session.flush()
    outbox.emit(session, decision.event_type, change_payload(case, decision, actor),
                aggregate_id=case.id, aggregate_version=case.version,
                correlation_id=case.correlation_id)
    return case


def act(session, outbox, case_id, action, principal, params, version, rules, now=None):
    """Carry out one action on a case with optimistic locking; returns the updated case."""
    now = now or datetime.now(UTC)
    case = load_case(session, case_id, principal, lock=True)
    if version != case.version:
        raise ConflictError(
            f"The case changed since version {version} (now {case.version}); reload it.",
            fields={"version": [f"Current version is {case.version}."]}, code="stale_version")
    actor = workflow.Actor(principal.user_id, principal.role, principal.unit_code)
    params = _check_references(session, case, action, dict(params))
    try:
        decision = workflow.decide(case_state(case), action, actor, params, now, rules.workflow)
    except workflow.WorkflowError as exc:
        raise ApiError(exc.message, fields=exc.fields, code=exc.code,
                       status=exc.status) from None
    return apply_decision(session, outbox, case, decision, actor, now, rules,
                          principal.username)


def count_by_status(session):
    """How many cases are in each status."""
    return dict(session.execute(select(Case.status, func.count()).group_by(Case.status)).all())


def _overdue_candidates(now, cutoff=None):
    query = select(Case).where(Case.status.in_(CLOCK_RUNNING), Case.deadline_at.is_not(None))
    if cutoff is None:
        query = query.where(Case.deadline_at < now, or_(
            Case.overdue_marked_for.is_(None), Case.overdue_marked_for != Case.deadline_at))
    else:
        query = query.where(Case.deadline_at < cutoff, Case.overdue_marked_for == Case.deadline_at,
                            or_(Case.escalated_for.is_(None),
                                Case.escalated_for != Case.deadline_at))
    return query.order_by(Case.deadline_at).limit(100).with_for_update(skip_locked=True)


def mark_overdue(session, outbox, rules, now=None):
    """Mark each case past its deadline overdue, once per deadline; returns how many."""
    now = now or datetime.now(UTC)
    cases = session.scalars(_overdue_candidates(now)).all()
    for case in cases:
        decision = workflow.Decision(
            action="mark_overdue", from_status=case.status, to_status=case.status,
            event_type="case_overdue", changes={"overdue_marked_for": case.deadline_at},
            details={"deadline_at": case.deadline_at.isoformat()})
        apply_decision(session, outbox, case, decision, SYSTEM, now, rules)
    return len(cases)


def escalate_overdue(session, outbox, rules, now=None):
    """Escalate cases still overdue after the grace period, once per deadline."""
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(hours=rules.escalation_grace_hours)
    cases = session.scalars(_overdue_candidates(now, cutoff)).all()
    for case in cases:
        params = _check_references(session, case, "escalate", {
            "reason": "Quá hạn xử lý sau thời gian gia hạn (tự động)"})
        decision = workflow.decide(case_state(case), "escalate", SYSTEM, params, now,
                                   rules.workflow)
        case.escalated_for = case.deadline_at
        apply_decision(session, outbox, case, decision, SYSTEM, now, rules)
    return len(cases)
