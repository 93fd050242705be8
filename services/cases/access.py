"""Who may see which case: unit involvement and sensitivity (DESIGN §4)."""

from sqlalchemy import String, cast, or_

from .models import Case

ALL_CASES_ROLES = frozenset({"clerk", "leader"})
UNIT_ROLES = frozenset({"officer", "unit_head"})


def involved_units(case):
    """The units a case concerns: assigned, coordinating and escalated-to."""
    return {case.assigned_unit, *(case.coordinating_units or []), *(case.escalated_units or [])}


def can_see(case, principal):
    """Leaders see everything; confidential is theirs alone; restricted adds the units involved;
    normal cases are seen by clerks and by staff of the units involved."""
    if principal.role == "leader":
        return True
    if case.sensitivity == "confidential":
        return False
    in_unit = principal.role in UNIT_ROLES and principal.unit_code in involved_units(case)
    if case.sensitivity == "restricted":
        return in_unit
    return principal.role == "clerk" or in_unit


def visible_filter(query, principal):
    """Narrow a SELECT of cases to those the principal may see (coarse, then `can_see`)."""
    if principal.role == "leader":
        return query
    query = query.where(Case.sensitivity != "confidential")
    if principal.role == "clerk":
        return query.where(Case.sensitivity == "normal")
    if principal.role in UNIT_ROLES and principal.unit_code:
        unit = principal.unit_code
        return query.where(or_(
            Case.assigned_unit == unit,
            cast(Case.coordinating_units, String).like(f'%"{unit}"%'),
            cast(Case.escalated_units, String).like(f'%"{unit}"%'),
        ))
    return query.where(Case.id.is_(None))
