"""reporting's copy of the directory from `unit_updated`, with each unit's ancestor path.

Only organisational facts are kept (code, name, kind, parent, active): no emails, no heads.
Units may arrive in any order: a unit whose parent is not known yet gets a path through the
parent's code, and every path is recomputed when a unit arrives or moves, so the paths are
right once the whole directory has arrived. The directory is small (hundreds of units).
"""

import zlib

from sqlalchemy import select, text

from services.common.db import is_postgres

from .models import DirectoryUnit

GRASSROOTS_KINDS = ("grassroots_committee", "grassroots_cell")
DIRECTORY_LOCK = zlib.crc32(b"reporting:directory")


def apply_unit_updated(session, event):
    """Keep the unit's copy; an older or repeated version changes nothing. True if applied."""
    payload = event.payload
    if is_postgres(session):
        # one directory change at a time, so each sees the units the others added
        session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": DIRECTORY_LOCK})
    unit = session.get(DirectoryUnit, payload["code"])
    if unit is not None and event.occurred_at < unit.known_since:
        unit.known_since = event.occurred_at
    if unit is not None and unit.version >= event.aggregate_version:
        return False
    if unit is None:
        unit = DirectoryUnit(code=payload["code"], path=f"/{payload['code']}/",
                             known_since=event.occurred_at)
        session.add(unit)
    unit.name, unit.kind, unit.active = payload["name"], payload["kind"], payload["active"]
    unit.parent_code, unit.version = payload.get("parent"), event.aggregate_version
    session.flush()
    refresh_paths(session)
    return True


def compute_paths(units):
    """{code: (path, grassroots code)} for {code: (parent code, kind)}; cycles are cut."""
    result = {}

    def resolve(code, seen=()):
        if code in result:
            return result[code]
        parent, kind = units[code]
        if parent in units and parent not in seen and parent != code:
            parent_path, parent_roll_up = resolve(parent, (*seen, code))
        else:
            parent_path, parent_roll_up = (f"/{parent}/" if parent else "/"), None
        if kind in GRASSROOTS_KINDS:
            roll_up = code
        elif kind == "sub_cell":
            roll_up = parent_roll_up or code
        else:
            roll_up = parent_roll_up
        result[code] = (f"{parent_path}{code}/", roll_up)
        return result[code]

    for code in units:
        resolve(code)
    return result


def refresh_paths(session):
    """Recompute every unit's path and roll-up unit; write only those that changed."""
    rows = session.scalars(select(DirectoryUnit)).all()
    computed = compute_paths({u.code: (u.parent_code, u.kind) for u in rows})
    for unit in rows:
        path, roll_up = computed[unit.code]
        if unit.path != path:
            unit.path = path
        if unit.grassroots_code != roll_up:
            unit.grassroots_code = roll_up


def find_unit(session, code):
    """The unit with this code, or None."""
    return session.get(DirectoryUnit, code) if code else None


def subtree_codes(session, unit):
    """Codes of a unit and every unit below it."""
    return list(session.scalars(select(DirectoryUnit.code).where(
        DirectoryUnit.path.startswith(unit.path, autoescape=True))))


def names(session, codes):
    """{code: name} of the given units that the directory knows."""
    codes = [c for c in set(codes) if c]
    if not codes:
        return {}
    return dict(session.execute(select(DirectoryUnit.code, DirectoryUnit.name)
                                .where(DirectoryUnit.code.in_(codes))).all())
