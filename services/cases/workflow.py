"""The case state machine (DESIGN.md §4): which action is possible, for whom, and its effect.

Pure domain: stdlib only, no database, no framework. `decide` judges one proposed action and
returns a `Decision` (new status, changed fields, history/event details); the caller applies
`decision.changes` to the stored case, writes the history entry and emits the event.

`decide` runs its checks in this order and the first failure wins:

1. unknown action                       -> WorkflowError, code "unknown_action", status 400
2. action not possible from this status -> InvalidTransitionError (409)
3. role or unit not permitted           -> ActionNotAllowedError (403)
4. required parameter missing or blank  -> MissingFieldError (422), every missing field at once
5. parameter present but unacceptable   -> InvalidFieldError (422), e.g. transfer to same unit
6. reopening after the window           -> ReopenWindowClosedError (409)

State comes before permission, so a refused user learns nothing beyond "not now". Visibility
here knows only units; sensitivity (restricted / confidential) is the caller's filter.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

ACTIONS = ("assign", "reject", "merge", "accept", "transfer", "request_info", "provide_info",
           "resolve", "confirm", "reject_resolution", "reopen", "escalate", "comment")
STATES = ("new", "assigned", "in_progress", "awaiting_info", "resolved", "closed", "rejected",
          "merged")
OPEN_STATES = frozenset({"new", "assigned", "in_progress", "awaiting_info", "resolved"})
PRIORITIES = ("normal", "urgent", "hot")
SENSITIVITIES = ("normal", "restricted", "confidential")
TERMINAL_STATES = frozenset({"rejected", "merged"})

OFFICER, UNIT_HEAD, CLERK, LEADER, ADMIN, SYSTEM = (
    "officer", "unit_head", "clerk", "leader", "admin", "system")
ROLES = (OFFICER, UNIT_HEAD, CLERK, LEADER, ADMIN, SYSTEM)


@dataclass(frozen=True)
class Actor:
    """Who proposes an action: a user with one role, and a unit for officers and unit heads."""

    user_id: str
    role: str
    unit_code: str | None = None


@dataclass(frozen=True)
class CaseState:
    """The fields of a case that the workflow reads and changes."""

    status: str
    assigned_unit: str | None = None
    coordinating_units: tuple[str, ...] = ()
    escalation_level: int = 0
    escalated_units: tuple[str, ...] = ()
    closed_at: datetime | None = None
    case_id: str = ""


@dataclass(frozen=True)
class Settings:
    """Tunable workflow rules."""

    reopen_window_days: int = 30


@dataclass(frozen=True)
class Decision:
    """An accepted action: the status move, the changed case fields and the history details."""

    action: str
    from_status: str
    to_status: str
    event_type: str
    changes: dict
    details: dict


class WorkflowError(Exception):
    """A refused action; `.message` for people, `.fields` maps a parameter to its messages."""

    code = "workflow_error"
    status = 409

    def __init__(self, message, fields=None, *, code=None, status=None):
        super().__init__(message)
        self.message = message
        self.fields = dict(fields or {})
        self.code = code or self.code
        self.status = status or self.status


class ActionNotAllowedError(WorkflowError):
    """The actor's role or unit may not take this action on this case."""

    code, status = "action_not_allowed", 403


class InvalidTransitionError(WorkflowError):
    """The action is not possible from the case's current status."""

    code, status = "invalid_transition", 409


class MissingFieldError(WorkflowError):
    """A required parameter (reason, text, unit ...) is absent or blank."""

    code, status = "missing_field", 422


class InvalidFieldError(WorkflowError):
    """A parameter is present but unacceptable (wrong type, same unit, the case itself ...)."""

    code, status = "invalid_field", 422


class ReopenWindowClosedError(WorkflowError):
    """The case was closed longer ago than the reopen window allows."""

    code, status = "reopen_window_closed", 409


# -- who may act ---------------------------------------------------------------------------

def _member(actor, unit):
    """Officer or unit head whose unit is `unit` (never matches an absent unit)."""
    return actor.role in (OFFICER, UNIT_HEAD) and unit is not None and actor.unit_code == unit


def _may_see(case, actor):
    """Clerks and leaders see every case; unit staff see cases their unit is involved in."""
    involved = (case.assigned_unit, *case.coordinating_units, *case.escalated_units)
    return actor.role in (CLERK, LEADER) or any(_member(actor, unit) for unit in involved)


# permission name -> (check(case, actor), who it admits, for messages)
PERMISSIONS: dict[str, tuple[Callable[[CaseState, Actor], bool], str]] = {
    "clerk": (lambda case, actor: actor.role == CLERK, "a clerk"),
    "unit_officer": (lambda case, actor: _member(actor, case.assigned_unit),
                     "an officer of the assigned unit"),
    "clerk_or_unit_head": (
        lambda case, actor: actor.role == CLERK
        or (actor.role == UNIT_HEAD and _member(actor, case.assigned_unit)),
        "a clerk or the head of the assigned unit"),
    "clerk_or_system": (lambda case, actor: actor.role in (CLERK, SYSTEM),
                        "a clerk or the overdue timer"),
    "viewer": (_may_see, "someone who may see the case"),
}


# -- the transition table --------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    """One row of the transition table; `target` None keeps the status."""

    sources: frozenset[str]
    target: str | None
    who: str
    event_type: str
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()


_CHANGED = "case_status_changed"
_NOT_MERGED = frozenset(STATES) - {"merged"}

RULES: dict[str, Rule] = {
    "assign": Rule(frozenset({"new"}), "assigned", "clerk", "case_assigned", ("unit_code",)),
    "reject": Rule(frozenset({"new"}), "rejected", "clerk", _CHANGED, ("reason",)),
    "merge": Rule(frozenset({"new", "assigned"}), "merged", "clerk", "case_merged",
                  ("into_case_id",)),
    "accept": Rule(frozenset({"assigned"}), "in_progress", "unit_officer", _CHANGED),
    "transfer": Rule(frozenset({"assigned", "in_progress"}), "assigned", "clerk_or_unit_head",
                     "case_transferred", ("unit_code", "reason")),
    "request_info": Rule(frozenset({"in_progress"}), "awaiting_info", "unit_officer", _CHANGED,
                         ("question",)),
    "provide_info": Rule(frozenset({"awaiting_info"}), "in_progress", "unit_officer", _CHANGED,
                         optional=("note",)),
    "resolve": Rule(frozenset({"in_progress"}), "resolved", "unit_officer", "case_resolved",
                    ("resolution",)),
    "confirm": Rule(frozenset({"resolved"}), "closed", "clerk_or_unit_head", "case_closed"),
    "reject_resolution": Rule(frozenset({"resolved"}), "in_progress", "clerk_or_unit_head",
                              _CHANGED, ("reason",)),
    "reopen": Rule(frozenset({"closed"}), "assigned", "clerk", "case_reopened", ("reason",)),
    "escalate": Rule(OPEN_STATES, None, "clerk_or_system", "case_escalated", ("reason",),
                     ("parent_unit",)),
    "comment": Rule(_NOT_MERGED, None, "viewer", "case_commented", ("text",)),
}


# -- parameters and per-action effects ---------------------------------------------------------

def _text(params, name):
    """The stripped text of `params[name]`, None when absent or blank."""
    value = params.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidFieldError(f"{name} must be text.", {name: ["Must be text."]})
    return value.strip() or None


def _read_params(rule, params):
    """Required and optional text parameters, stripped; every missing required one reported."""
    values = {name: _text(params, name) for name in (*rule.required, *rule.optional)}
    missing = [name for name in rule.required if values[name] is None]
    if missing:
        raise MissingFieldError(f"Missing: {', '.join(missing)}.",
                                {name: ["Required; must not be blank."] for name in missing})
    return values


def _unit_list(value, name):
    """A list of unit codes: stripped, blanks dropped, duplicates removed, order kept."""
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise InvalidFieldError(f"{name} must be a list.",
                                {name: ["Must be a list of unit codes."]})
    codes = [_text({name: item}, name) for item in value]
    return tuple(dict.fromkeys(code for code in codes if code))


def _within_window(case, now, settings):
    """True when a closed case may still be reopened at `now` (the boundary is inside)."""
    if case.closed_at is None:
        return False
    return now - case.closed_at <= timedelta(days=settings.reopen_window_days)


def _choice(params, name, allowed):
    """An optional parameter that must be one of `allowed`; None when absent or blank."""
    value = _text(params, name)
    if value is not None and value not in allowed:
        raise InvalidFieldError(f"{name} must be one of {', '.join(allowed)}.",
                                {name: [f"One of: {', '.join(allowed)}."]})
    return value


def _assign(case, values, params, now, settings):
    """Set the lead and coordinating units; triage may also set priority and sensitivity."""
    unit = values["unit_code"]
    coordinating = _unit_list(params.get("coordinating_units"), "coordinating_units")
    if unit in coordinating:
        raise InvalidFieldError("The assigned unit cannot also coordinate.",
                                {"coordinating_units": ["Must not contain the assigned unit."]})
    changes = {"assigned_unit": unit, "coordinating_units": coordinating}
    details = {"unit_code": unit, "coordinating_units": list(coordinating)}
    for name, allowed in (("priority", PRIORITIES), ("sensitivity", SENSITIVITIES)):
        value = _choice(params, name, allowed)
        if value is not None:
            changes[name] = details[name] = value
    return changes, details


def _merge(case, values, params, now, settings):
    """Refuse merging a case into itself."""
    if values["into_case_id"] == case.case_id:
        raise InvalidFieldError("A case cannot be merged into itself.",
                                {"into_case_id": ["Must be another case."]})
    return {}, values


def _transfer(case, values, params, now, settings):
    """Move the case to another lead unit, which stops being a coordinating unit."""
    unit = values["unit_code"]
    if unit == case.assigned_unit:
        raise InvalidFieldError("The case is already with this unit.",
                                {"unit_code": ["Must differ from the current unit."]})
    changes = {"assigned_unit": unit}
    if unit in case.coordinating_units:
        changes["coordinating_units"] = tuple(u for u in case.coordinating_units if u != unit)
    return changes, {"from_unit": case.assigned_unit, "to_unit": unit, "reason": values["reason"]}


def _confirm(case, values, params, now, settings):
    """Stamp the closing time (it starts the reopen window)."""
    return {"closed_at": now}, values


def _reopen(case, values, params, now, settings):
    """Reopen within the window; the case returns to its assigned unit."""
    if not _within_window(case, now, settings):
        raise ReopenWindowClosedError(
            f"Cases can be reopened only within {settings.reopen_window_days} days of closing.")
    return {"closed_at": None}, values


def _escalate(case, values, params, now, settings):
    """Raise the level and add the parent unit (once) to the escalated units."""
    level = case.escalation_level + 1
    changes = {"escalation_level": level}
    parent = values["parent_unit"]
    if parent is not None and parent not in case.escalated_units:
        changes["escalated_units"] = (*case.escalated_units, parent)
    return changes, {**values, "level": level}


def _comment(case, values, params, now, settings):
    """Attach the public flag (False unless given)."""
    public = params.get("public")
    if public is None:
        public = False
    if not isinstance(public, bool):
        raise InvalidFieldError("public must be true or false.", {"public": ["Must be a boolean."]})
    return {}, {**values, "public": public}


def _no_effect(case, values, params, now, settings):
    """Only the status moves; the cleaned parameters are the details."""
    return {}, values


EFFECTS = {"assign": _assign, "merge": _merge, "transfer": _transfer, "confirm": _confirm,
           "reopen": _reopen, "escalate": _escalate, "comment": _comment}


# -- public entry points -------------------------------------------------------------------

def _permitted(case, action, actor):
    """The action is possible from the case's status and the actor may take it."""
    rule = RULES[action]
    return case.status in rule.sources and PERMISSIONS[rule.who][0](case, actor)


def allowed_actions(case: CaseState, actor: Actor, now: datetime | None = None,
                    settings: Settings = Settings()) -> list[str]:
    """The actions to offer this actor now, in ACTIONS order (reopen filtered if `now` given)."""
    return [action for action in ACTIONS if _permitted(case, action, actor)
            and not (action == "reopen" and now is not None
                     and not _within_window(case, now, settings))]


def decide(case: CaseState, action: str, actor: Actor, params: dict, now: datetime,
           settings: Settings = Settings()) -> Decision:
    """Judge one proposed action; return its Decision or raise a WorkflowError subclass."""
    rule = RULES.get(action) if isinstance(action, str) else None
    if rule is None:
        raise WorkflowError(f"Unknown action {action!r}.", {"action": ["Unknown action."]},
                            code="unknown_action", status=400)
    if case.status not in rule.sources:
        raise InvalidTransitionError(f"Cannot {action} a case that is {case.status}.")
    check, admitted = PERMISSIONS[rule.who]
    if not check(case, actor):
        raise ActionNotAllowedError(f"Only {admitted} may {action} this case.")
    params = params or {}
    values = _read_params(rule, params)
    changes, details = EFFECTS.get(action, _no_effect)(case, values, params, now, settings)
    to_status = rule.target or case.status
    if to_status != case.status:
        changes = {"status": to_status, **changes}
    return Decision(action=action, from_status=case.status, to_status=to_status,
                    event_type=rule.event_type, changes=changes, details=details)
